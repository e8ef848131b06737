/* SPDX-License-Identifier: BSD-3-Clause */
/* The fuzz framework: the byte source of fuzz.h and the divergence report. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"

void fz_from_data(struct fz *f, const uint8_t *d, size_t n)
{
	memset(f, 0, sizeof(*f));
	f->data = d;
	f->len = d ? n : 0;
}

void fz_from_seed(struct fz *f, uint64_t seed)
{
	memset(f, 0, sizeof(*f));
	f->soak = true;
	/* xorshift64* needs a non-zero state; mix the seed so that 1, 2, 3 differ */
	f->rng = (seed ^ 0x9e3779b97f4a7c15ull) * 0xbf58476d1ce4e5b9ull;
	if (!f->rng)
		f->rng = 0x9e3779b97f4a7c15ull;
}

bool fz_done(const struct fz *f)
{
	return !f->soak && f->pos >= f->len;
}

static uint8_t next_byte(struct fz *f)
{
	uint8_t b;

	if (!f->soak)
		return f->pos < f->len ? f->data[f->pos++] : (f->pos++, 0);
	if (!f->rng_left) {
		f->rng ^= f->rng >> 12;
		f->rng ^= f->rng << 25;
		f->rng ^= f->rng >> 27;
		f->rng_word = f->rng * 0x2545f4914f6cdd1dull;
		f->rng_left = 8;
	}
	b = (uint8_t)f->rng_word;
	f->rng_word >>= 8;
	f->rng_left--;
	if (f->rec && f->rec_len < f->rec_cap)
		f->rec[f->rec_len++] = b;
	return b;
}

uint64_t fz_bits(struct fz *f, unsigned int n)
{
	uint64_t v = 0;

	if (n == 0)
		return 0;
	if (n > 64)
		n = 64;
	for (unsigned int i = 0; i < (n + 7) / 8; i++)
		v |= (uint64_t)next_byte(f) << (8 * i);
	return n == 64 ? v : v & ((1ull << n) - 1);
}

uint64_t fz_below(struct fz *f, uint64_t n)
{
	unsigned int bits = 0;

	if (n <= 1)
		return 0;
	while (bits < 64 && ((n - 1) >> bits))
		bits++;
	return fz_bits(f, bits) % n;
}

bool fz_one_in(struct fz *f, unsigned int n)
{
	return fz_below(f, n) == 0;
}

bool fz_fail(struct fz *f, const char *fmt, ...)
{
	char msg[sizeof(f->first)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!f->divergences++)
		memcpy(f->first, msg, sizeof(msg));
	if (f->soak) {
		if (getenv("FZ_VERBOSE"))
			fprintf(stderr, "divergence %lu: %s\n", f->divergences, msg);
		return false;
	}
	fprintf(stderr, "fuzz divergence: %s\n", msg);
	fflush(stderr);
	abort();
}

void fz_record(struct fz *f, uint8_t *buf, size_t cap)
{
	f->rec = buf;
	f->rec_cap = buf ? cap : 0;
	f->rec_len = 0;
}
