/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mmu image: the console (PL011 UART of the virt board, polled), a
 * small printf, the capture buffer, and the semihosting exit.
 */
#include <stdarg.h>

#include "tests/qemu/mmu/image.h"

#define UART_DR 0x000u
#define UART_FR 0x018u
#define UART_FR_TXFF (1u << 5)

#define REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))

#define CAPTURE_LEN 8192u

static char capture_buf[CAPTURE_LEN];
static unsigned int capture_pos;
static bool capturing, capture_lost;

static void uart_putc(char c)
{
	while (REG32(UART_BASE + UART_FR) & UART_FR_TXFF)
		;
	REG32(UART_BASE + UART_DR) = (uint8_t)c;
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

static void pad_(unsigned int n, char pad)
{
	while (n--)
		putc_(pad);
}

static void put_num(uint64_t v, unsigned int base, unsigned int width, char pad, bool left,
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
			int64_t sv = lng ? va_arg(ap, long) : va_arg(ap, int);

			put_num(sv < 0 ? 0u - (uint64_t)sv : (uint64_t)sv, 10, width, pad, left,
				sv < 0);
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

void fatal(const char *why)
{
	con_release();
	con_printf("FATAL: %s\n", why);
	report_abort();
	sh_exit(false);
}
