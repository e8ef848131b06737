/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console both qemu test images share: a small printf and the capture
 * buffer, so that a check's detail lines can follow its result line. Each
 * image provides the byte output, uart_putc(), for its own UART.
 *
 * Build knobs (-D): CON_CAPTURE_LEN, the capture buffer's size in bytes
 * (8192 unless set); CON_FORMAT_CHECK=0 drops the printf format check of
 * con_printf(), for a target where uint32_t is "long" (arm-none-eabi) and
 * %x/%u/%d take any 32-bit integer.
 */
#ifndef ARMMAP_QEMU_COMMON_CONSOLE_H
#define ARMMAP_QEMU_COMMON_CONSOLE_H

#ifndef CON_FORMAT_CHECK
#define CON_FORMAT_CHECK 1
#endif
#if CON_FORMAT_CHECK
#define CON_PRINTF_FORMAT(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CON_PRINTF_FORMAT(fmt, args)
#endif

/* ---- provided by each image ---- */
/* Send one byte out of the UART (polled; waits while it is full). */
void uart_putc(char c);

/* ---- console.c ---- */
/*
 * printf subset: %s %c %d %u %x %%, the l modifier (%ld %lu %lx: long, 64
 * bits on AArch64, 32 on the M33), a width, the '0' flag and the '-' flag
 * (left-justify; without it "%5s" pads on the left, as printf does).
 */
void con_printf(const char *fmt, ...) CON_PRINTF_FORMAT(1, 2);
/* Capture con_printf output instead of printing it, until con_release(). */
void con_capture(void);
/* Stop capturing (keep what was captured). */
void con_stop(void);
/* Print what was captured and empty the buffer. */
void con_flush(void);
/* con_stop() then con_flush(). */
void con_release(void);

#endif
