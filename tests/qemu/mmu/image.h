/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mmu image: what its parts share. The console and the check reporting
 * (tests/qemu/common), the address of the PL011 of the QEMU virt board, and
 * the symbols of the link script that the boot table maps.
 */
#ifndef ARMMAP_QEMU_MMU_IMAGE_H
#define ARMMAP_QEMU_MMU_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/qemu/common/check.h"

/* ---- board.c (uart_putc() and sh_exit() are declared in common/) ---- */
#define UART_BASE 0x09000000ul /* PL011 */
/* The semihosting command line (QEMU: the image's name, a space, -append's
 * text) into @buf, NUL-terminated; false (and "") when there is none. */
bool sh_cmdline(char *buf, unsigned long len);

/* ---- link.ld ---- */
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __ram_start[], __ram_end[], __bss_start[], __bss_end[];
extern char __stack_bottom[], __stack_top[];

/* ---- main.c ---- */
int main(void);

#endif
