/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mpu image: what the shared console and checks (tests/qemu/common)
 * need from the board: the byte output of UART0 (CMSDK UART of mps2-an505,
 * polled: tests/qemu/common/cmsdk_uart.h) and the semihosting exit.
 */
#include "tests/qemu/common/cmsdk_uart.h"
#include "tests/qemu/mpu/image.h"

void con_init(void)
{
	cmsdk_uart_init(UART0_BASE);
}

void uart_putc(char c)
{
	cmsdk_uart_putc(UART0_BASE, c);
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
