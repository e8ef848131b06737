/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-r52 image: what the shared console and checks (tests/qemu/common)
 * need from the board (QEMU mps3-an536): the byte output of the CPU's own
 * UART (CMSDK APB UART at 0xe7c0_0000, polled) and the semihosting exit
 * (A32: SVC 0x123456).
 */
#include "tests/qemu/r52/image.h"

#define UART_DATA (UART_BASE + 0x0u)
#define UART_STATE (UART_BASE + 0x4u)
#define UART_CTRL (UART_BASE + 0x8u)
#define UART_BAUDDIV (UART_BASE + 0x10u)
#define UART_STATE_TXFULL 0x1u
#define UART_CTRL_TXEN 0x1u

#define REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))

void con_init(void)
{
	REG32(UART_BAUDDIV) = 16;
	REG32(UART_CTRL) = UART_CTRL_TXEN;
}

void uart_putc(char c)
{
	while (REG32(UART_STATE) & UART_STATE_TXFULL)
		;
	REG32(UART_DATA) = (uint8_t)c;
}

void sh_exit(bool ok)
{
	/* SYS_EXIT; ADP_Stopped_ApplicationExit gives status 0, RunTimeErrorUnknown 1 */
	register uint32_t r0 __asm__("r0") = 0x18;
	register uint32_t r1 __asm__("r1") = ok ? 0x20026u : 0x20023u;

	__asm__ volatile("svc 0x123456" : : "r"(r0), "r"(r1) : "memory");
	for (;;)
		__asm__ volatile("wfi");
}
