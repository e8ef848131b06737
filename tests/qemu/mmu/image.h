/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mmu image: what its parts share. The console (PL011 of the QEMU virt
 * board, polled, with an optional capture buffer so a check's detail lines
 * can follow its result line), the semihosting exit, and the symbols of the
 * link script that the boot table maps.
 */
#ifndef ARMMAP_QEMU_MMU_IMAGE_H
#define ARMMAP_QEMU_MMU_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#define UART_BASE 0x09000000ul /* PL011 */

/* ---- console.c ---- */
/*
 * printf subset: %s %c %d %u %x, with the l modifier (%lu %lx for 64-bit
 * values), a width, the '0' flag and the '-' flag (left-justify).
 */
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Capture con_printf output instead of printing it, until con_release(). */
void con_capture(void);
/* Stop capturing (keep what was captured). */
void con_stop(void);
/* Print what was captured and empty the buffer. */
void con_flush(void);
/* con_stop() then con_flush(). */
void con_release(void);
/* Semihosting SYS_EXIT_EXTENDED: QEMU exits with status 0 when @ok, 1 otherwise. */
void sh_exit(bool ok) __attribute__((noreturn));
/* Print @why, flush any capture, print the closing line, exit with failure. */
void fatal(const char *why) __attribute__((noreturn));

/* ---- link.ld ---- */
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __ram_start[], __ram_end[], __bss_start[], __bss_end[];
extern char __stack_bottom[], __stack_top[];

/* ---- main.c ---- */
int main(void);
/* The closing line after a fatal error: the checks so far, plus one failure. */
void report_abort(void);

#endif
