/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mpu image: the console (CMSDK UART0 of mps2-an505, polled), a small
 * printf (%s %c %d %u %x, a width and the '0' flag; note that "%5s" pads on
 * the right, for columns), the capture buffer, and the semihosting exit.
 */
#include <stdarg.h>

#include "tests/qemu/mpu/image.h"

#define UART0_DATA 0x40200000u
#define UART0_STATE 0x40200004u
#define UART0_CTRL 0x40200008u
#define UART0_BAUDDIV 0x40200010u
#define UART_STATE_TXFULL 0x1u
#define UART_CTRL_TXEN 0x1u

#define REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))

#define CAPTURE_LEN 4096u

static char capture_buf[CAPTURE_LEN];
static unsigned int capture_pos;
static bool capturing, capture_lost;

void con_init(void)
{
	REG32(UART0_BAUDDIV) = 16;
	REG32(UART0_CTRL) = UART_CTRL_TXEN;
}

static void uart_putc(char c)
{
	while (REG32(UART0_STATE) & UART_STATE_TXFULL)
		;
	REG32(UART0_DATA) = (uint8_t)c;
}

static void putc_(char c)
{
	if (!capturing) {
		uart_putc(c);
	} else if (capture_pos < CAPTURE_LEN) {
		capture_buf[capture_pos++] = c;
	} else {
		capture_lost = true;
	}
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void put_num(uint32_t v, unsigned int base, unsigned int width, char pad, bool neg)
{
	char tmp[12];
	unsigned int n = 0;

	do {
		unsigned int d = v % base;

		tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	while (width > n) {
		putc_(pad);
		width--;
	}
	while (n)
		putc_(tmp[--n]);
}

void con_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		unsigned int width = 0;
		char pad = ' ';
		int sv;

		if (*fmt != '%') {
			putc_(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned int)(*fmt++ - '0');
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			unsigned int len = 0;

			while (s[len])
				len++;
			puts_(s);
			while (width > len) {
				putc_(' ');
				width--;
			}
			break;
		}
		case 'c':
			putc_((char)va_arg(ap, int));
			break;
		case 'd':
			sv = va_arg(ap, int);
			put_num(sv < 0 ? 0u - (uint32_t)sv : (uint32_t)sv, 10, width, pad, sv < 0);
			break;
		case 'u':
			put_num(va_arg(ap, unsigned int), 10, width, pad, false);
			break;
		case 'x':
			put_num(va_arg(ap, unsigned int), 16, width, pad, false);
			break;
		case '%':
			putc_('%');
			break;
		default: /* unknown conversion: show it, stop here */
			putc_('%');
			if (!*fmt)
				goto out;
			putc_(*fmt);
			break;
		}
	}
out:
	va_end(ap);
}

void con_capture(void)
{
	capture_pos = 0;
	capture_lost = false;
	capturing = true;
}

void con_stop(void)
{
	capturing = false;
}

void con_flush(void)
{
	unsigned int i;

	for (i = 0; i < capture_pos; i++)
		uart_putc(capture_buf[i]);
	if (capture_lost)
		con_printf("  (detail lines lost: capture buffer full)\n");
	capture_pos = 0;
	capture_lost = false;
}

void con_release(void)
{
	con_stop();
	con_flush();
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

void fatal(const char *why)
{
	con_release();
	con_printf("FATAL: %s\n", why);
	report_abort();
	sh_exit(false);
}
