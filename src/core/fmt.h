/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The library's one text formatter, for the dumps (armmap/dump.h): a line
 * built on the caller's stack, with no libc. Text, hexadecimal and decimal
 * numbers are appended to a fixed buffer; what would not fit is dropped
 * (the dumps' lines are bounded well below AM_LINE_MAX). Not part of the
 * public API.
 */
#ifndef ARMMAP_CORE_FMT_H
#define ARMMAP_CORE_FMT_H

#include <stdint.h>

#define AM_LINE_MAX 160u /* bytes of a line, its NUL included */

struct am_line {
	unsigned int n; /* characters so far */
	char s[AM_LINE_MAX];
};

/* An empty line. */
static inline void am_line_init(struct am_line *l)
{
	l->n = 0;
	l->s[0] = '\0';
}

/* Append @c, the text @s, or a space and then @s. */
void am_line_chr(struct am_line *l, char c);
void am_line_str(struct am_line *l, const char *s);
void am_line_word(struct am_line *l, const char *s);
/* Append "0x" and @v in lower-case hexadecimal, zero-padded to @digits (at least 1). */
void am_line_hex(struct am_line *l, uint64_t v, unsigned int digits);
/* Append @v in decimal. */
void am_line_dec(struct am_line *l, uint64_t v);
/* Append a size: @v in the largest of G, M, K (binary) that divides it, else bytes ("4K"). */
void am_line_size(struct am_line *l, uint64_t v);
/* Append "key=" and @v in decimal, after a space. */
void am_line_kv(struct am_line *l, const char *key, uint64_t v);
/* Append @perm (AM_PERM_*) as three characters, "rw-", "r-x" ... */
void am_line_perm(struct am_line *l, unsigned int perm);
/* Append, after a space, the memory type and shareability: "normal-wb inner-sh". */
void am_line_mem(struct am_line *l, unsigned int mtype, unsigned int sh);
/* Hexadecimal digits of an address of @bits bits: 8 for 32, 12 for 48. */
static inline unsigned int am_line_digits(unsigned int bits)
{
	return (bits + 3u) / 4u;
}

#endif
