/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mmu image: what the shared console and checks (tests/qemu/common)
 * need from the board: the byte output of the PL011 UART of the virt
 * board (polled), the semihosting exit and command line.
 */
#include "tests/qemu/mmu/image.h"

#define UART_DR 0x000u
#define UART_FR 0x018u
#define UART_FR_TXFF (1u << 5)

#define REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))

void uart_putc(char c)
{
	while (REG32(UART_BASE + UART_FR) & UART_FR_TXFF)
		;
	REG32(UART_BASE + UART_DR) = (uint8_t)c;
}

void sh_exit(bool ok)
{
	/* SYS_EXIT_EXTENDED with {ADP_Stopped_ApplicationExit, exit code} */
	static volatile uint64_t block[2];
	register uint64_t x0 __asm__("x0") = 0x20;
	register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)block;

	block[0] = 0x20026;
	block[1] = ok ? 0 : 1;
	__asm__ volatile("hlt #0xf000" : : "r"(x0), "r"(x1) : "memory");
	for (;;)
		__asm__ volatile("wfe");
}

bool sh_cmdline(char *buf, unsigned long len)
{
	/* SYS_GET_CMDLINE with {buffer, length}: the image's name and -append */
	static volatile uint64_t block[2];
	register uint64_t x0 __asm__("x0") = 0x15;
	register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)block;

	if (!len)
		return false;
	block[0] = (uint64_t)(uintptr_t)buf;
	block[1] = len;
	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
	if (x0 != 0 || block[1] >= len) {
		buf[0] = 0;
		return false;
	}
	buf[block[1]] = 0;
	return true;
}
