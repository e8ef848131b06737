/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console both qemu test images share: con_printf() (a printf subset,
 * see console.h) and the capture buffer. Bytes go out through the image's
 * uart_putc().
 */
#include <stdarg.h>
#include <stdbool.h>

#include "tests/qemu/common/console.h"

#ifndef CON_CAPTURE_LEN
#define CON_CAPTURE_LEN 8192u
#endif

static char capture_buf[CON_CAPTURE_LEN];
static unsigned int capture_pos;
static bool capturing, capture_lost;

static void putc_(char c)
{
	if (!capturing) {
		uart_putc(c);
	} else if (capture_pos < CON_CAPTURE_LEN) {
		capture_buf[capture_pos++] = c;
	} else {
		capture_lost = true;
	}
}

static void pad_(unsigned int n, char pad)
{
	while (n--)
		putc_(pad);
}

/* unsigned long: the widest the images print, and no 64-bit division on the M33 */
static void put_num(unsigned long v, unsigned int base, unsigned int width, char pad, bool left,
		    bool neg)
{
	char tmp[24];
	unsigned int n = 0, len;

	do {
		unsigned int d = (unsigned int)(v % base);

		tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	len = n + (neg ? 1u : 0u);
	if (!left && pad == ' ' && width > len)
		pad_(width - len, ' ');
	if (neg)
		putc_('-');
	if (!left && pad == '0' && width > len)
		pad_(width - len, '0');
	while (n)
		putc_(tmp[--n]);
	if (left && width > len)
		pad_(width - len, ' ');
}

void con_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		unsigned int width = 0;
		bool left = false, lng = false;
		char pad = ' ';

		if (*fmt != '%') {
			putc_(*fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '0')
				pad = '0';
			else if (*fmt == '-')
				left = true;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned int)(*fmt++ - '0');
		if (*fmt == 'l') {
			lng = true;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			unsigned int len = 0;

			if (!s)
				s = "(null)";
			while (s[len])
				len++;
			if (!left && width > len)
				pad_(width - len, ' ');
			while (*s)
				putc_(*s++);
			if (left && width > len)
				pad_(width - len, ' ');
			break;
		}
		case 'c':
			putc_((char)va_arg(ap, int));
			break;
		case 'd': {
			long sv = lng ? va_arg(ap, long) : va_arg(ap, int);

			put_num(sv < 0 ? 0ul - (unsigned long)sv : (unsigned long)sv, 10, width,
				pad, left, sv < 0);
			break;
		}
		case 'u':
			put_num(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int), 10,
				width, pad, left, false);
			break;
		case 'x':
			put_num(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int), 16,
				width, pad, left, false);
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
