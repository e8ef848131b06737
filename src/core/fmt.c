/* SPDX-License-Identifier: BSD-3-Clause */
/* The text formatter of the dumps (fmt.h): appends to a line on the stack. */
#include <armmap/attr.h>

#include "fmt.h"

void am_line_chr(struct am_line *l, char c)
{
	if (l->n + 1u >= AM_LINE_MAX)
		return;
	l->s[l->n++] = c;
	l->s[l->n] = '\0';
}

void am_line_str(struct am_line *l, const char *s)
{
	while (*s)
		am_line_chr(l, *s++);
}

void am_line_word(struct am_line *l, const char *s)
{
	am_line_chr(l, ' ');
	am_line_str(l, s);
}

void am_line_hex(struct am_line *l, uint64_t v, unsigned int digits)
{
	unsigned int n = 1;

	while (n < 16u && (v >> (4u * n)))
		n++;
	if (digits > n)
		n = digits > 16u ? 16u : digits;
	am_line_str(l, "0x");
	while (n--)
		am_line_chr(l, "0123456789abcdef"[(v >> (4u * n)) & 0xfu]);
}

void am_line_dec(struct am_line *l, uint64_t v)
{
	char d[20];
	unsigned int n = 0;

	do {
		d[n++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v);
	while (n)
		am_line_chr(l, d[--n]);
}

void am_line_size(struct am_line *l, uint64_t v)
{
	static const char unit[] = "GMK";

	for (unsigned int i = 0; i < 3u; i++) {
		unsigned int shift = 30u - 10u * i;

		if (v && !(v & ((1ull << shift) - 1u))) {
			am_line_dec(l, v >> shift);
			am_line_chr(l, unit[i]);
			return;
		}
	}
	am_line_dec(l, v);
}

void am_line_kv(struct am_line *l, const char *key, uint64_t v)
{
	am_line_word(l, key);
	am_line_chr(l, '=');
	am_line_dec(l, v);
}

void am_line_perm(struct am_line *l, unsigned int perm)
{
	am_line_chr(l, perm & AM_PERM_R ? 'r' : '-');
	am_line_chr(l, perm & AM_PERM_W ? 'w' : '-');
	am_line_chr(l, perm & AM_PERM_X ? 'x' : '-');
}

void am_line_mem(struct am_line *l, unsigned int mtype, unsigned int sh)
{
	static const char *const mt[AM_MT_COUNT] = {
		[AM_MT_DEVICE_nGnRnE] = "device-nGnRnE", [AM_MT_DEVICE_nGnRE] = "device-nGnRE",
		[AM_MT_NORMAL_NC] = "normal-nc",	 [AM_MT_NORMAL_WT] = "normal-wt",
		[AM_MT_NORMAL_WB] = "normal-wb",
	};

	am_line_word(l, mtype < AM_MT_COUNT ? mt[mtype] : "mem?");
	am_line_word(l, sh == AM_SH_INNER   ? "inner-sh"
			: sh == AM_SH_OUTER ? "outer-sh"
			: sh == AM_SH_NONE  ? "non-sh"
					    : "sh?");
}
