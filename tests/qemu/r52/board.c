/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-r52 image: what the shared console and checks (tests/qemu/common)
 * need from the board (QEMU mps3-an536): the byte output of the CPU's own
 * UART (CMSDK APB UART at 0xe7c0_0000, polled: tests/qemu/common/
 * cmsdk_uart.h) and the semihosting exit (A32: SVC 0x123456).
 */
#include "tests/qemu/common/cmsdk_uart.h"
#include "tests/qemu/r52/image.h"

void con_init(void)
{
	cmsdk_uart_init(UART_BASE);
}

void uart_putc(char c)
{
	cmsdk_uart_putc(UART_BASE, c);
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
