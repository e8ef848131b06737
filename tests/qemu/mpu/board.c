/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mpu image: what the shared console and checks (tests/qemu/common)
 * need from the board: the byte output of UART0 (CMSDK UART of mps2-an505,
 * polled) and the semihosting exit.
 */
#include "tests/qemu/mpu/image.h"

#define UART0_DATA 0x40200000u
#define UART0_STATE 0x40200004u
#define UART0_CTRL 0x40200008u
#define UART0_BAUDDIV 0x40200010u
#define UART_STATE_TXFULL 0x1u
#define UART_CTRL_TXEN 0x1u

#define REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))

void con_init(void)
{
	REG32(UART0_BAUDDIV) = 16;
	REG32(UART0_CTRL) = UART_CTRL_TXEN;
}

void uart_putc(char c)
{
	while (REG32(UART0_STATE) & UART_STATE_TXFULL)
		;
	REG32(UART0_DATA) = (uint8_t)c;
}

void sh_exit(bool ok)
{
	/* SYS_EXIT; ADP_Stopped_ApplicationExit gives status 0, RunTimeErrorUnknown 1 */
	register uint32_t r0 __asm__("r0") = 0x18;
	register uint32_t r1 __asm__("r1") = ok ? 0x20026u : 0x20023u;

	__asm__ volatile("bkpt 0xab" : : "r"(r0), "r"(r1) : "memory");
	for (;;)
		__asm__ volatile("wfi");
}
