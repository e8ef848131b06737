/* SPDX-License-Identifier: BSD-3-Clause */
/* The fuzz framework: the byte source of fuzz.h and the divergence report. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <armmap/errors.h>

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

uint64_t fz_xorshift(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545f4914f6cdd1dull;
}

static uint8_t next_byte(struct fz *f)
{
	uint8_t b;

	if (!f->soak)
		return f->pos < f->len ? f->data[f->pos++] : (f->pos++, 0);
	if (!f->rng_left) {
		f->rng_word = fz_xorshift(&f->rng);
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

static const struct {
	int rc;
	const char *name;
} errs[] = {
	{AM_EPERM, "EPERM"},   {AM_ENOENT, "ENOENT"},	{AM_ENOMEM, "ENOMEM"},
	{AM_EBUSY, "EBUSY"},   {AM_EEXIST, "EEXIST"},	{AM_EINVAL, "EINVAL"},
	{AM_ENOSPC, "ENOSPC"}, {AM_ERANGE, "ERANGE"},	{AM_EOVERFLOW, "EOVERFLOW"},
	{AM_EILSEQ, "EILSEQ"}, {AM_ENOTSUP, "ENOTSUP"},
};

unsigned int fz_err(int rc)
{
	for (unsigned int i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (errs[i].rc == rc)
			return 1u << i;
	return 1u << 31;
}

const char *fz_errs(unsigned int set, char *buf, size_t n)
{
	size_t o = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < sizeof(errs) / sizeof(errs[0]) && o < n; i++)
		if (set & (1u << i))
			o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? "|" : "", errs[i].name);
	if (!o)
		snprintf(buf, n, "none");
	return buf;
}

bool fz_rc_check(int rc, unsigned int must, unsigned int may, unsigned long logged, char *why,
		 size_t n)
{
	char a[128];

	if (rc >= 0 && must)
		snprintf(why, n, "returned %d, expected %s", rc, fz_errs(must, a, sizeof(a)));
	else if (rc < 0 && !(fz_err(rc) & (must | may)))
		snprintf(why, n, "returned %d (%s), expected %s", rc, am_strerror(rc),
			 must ? fz_errs(must, a, sizeof(a)) : "success");
	else if (rc >= 0 && logged)
		snprintf(why, n, "succeeded and logged %lu records", logged);
	else if (rc < 0 && logged != 1)
		snprintf(why, n, "refused (%d) with %lu log records", rc, logged);
	else
		return true;
	return false;
}

unsigned long fz_run_sessions(struct fz *f, unsigned long max_ops, const struct fz_sessions *m,
			      void *st)
{
	uint8_t hdr[FZ_MAX_HDR], rec[FZ_MAX_REC];
	unsigned long calls = 0;
	bool ok = true, more = true;

	if (m->hdr_len > FZ_MAX_HDR || m->rec_len > FZ_MAX_REC || !m->rec_len)
		abort();
	while (ok && more && calls < max_ops) {
		for (size_t i = 0; i < m->hdr_len; i++)
			hdr[i] = (uint8_t)fz_bits(f, 8);
		f->call = ++calls;
		ok = m->begin(st, hdr);
		more = false;
		while (ok && calls < max_ops && !fz_done(f)) {
			for (size_t i = 0; i < m->rec_len; i++)
				rec[i] = (uint8_t)fz_bits(f, 8);
			if (rec[0] == FZ_RESTART) {
				more = true;
				break;
			}
			f->call = ++calls;
			ok = m->call(st, rec);
		}
		if (m->end)
			ok = m->end(st, ok);
	}
	return calls;
}
