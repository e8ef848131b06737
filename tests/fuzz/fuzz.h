/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fuzz framework: one byte source for every module, from a fuzz input
 * (libFuzzer, the corpus replay) or from a seeded PRNG (the soak), and the
 * divergence report.
 *
 * A module (tests/fuzz/fuzz_<name>.c) decodes the bytes into a sequence of
 * API calls and checks its oracles after every call. Each fz_bits() call
 * takes ceil(n / 8) whole bytes, least significant first, in both modes, so
 * the bytes a soak session drew, saved to a file, replay the same session
 * (soak.c writes such a file at a divergence).
 *
 * Executables: entry.c (libFuzzer, one binary per module), replay.c (every
 * corpus file of every module, gcc + ASan/UBSan, `make test`), soak.c
 * (sessions from the PRNG, `make soak`). The module list is modules.c.
 */
#ifndef ARMMAP_TESTS_FUZZ_H
#define ARMMAP_TESTS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fz {
	const uint8_t *data; /* fuzz input; reads past the end give zeros */
	size_t len, pos;
	bool soak; /* bytes from a seeded xorshift64* PRNG, never done */
	uint64_t rng;
	unsigned long ops;	   /* API calls made, all sessions (the framework adds
				    * each run()'s return; modules leave it alone) */
	unsigned long divergences; /* oracle failures */
	char first[512];	   /* the first divergence, for the report */

	unsigned long call; /* fz_run_sessions(): the number of the call being made */

	/* Framework-private. */
	uint64_t rng_word; /* PRNG bytes not yet used (soak) */
	unsigned int rng_left;
	uint8_t *rec; /* soak: the bytes drawn this session, if set */
	size_t rec_len, rec_cap;
};

void fz_from_data(struct fz *f, const uint8_t *d, size_t n);
void fz_from_seed(struct fz *f, uint64_t seed);
bool fz_done(const struct fz *f);		/* input used up (never in soak) */
uint64_t fz_bits(struct fz *f, unsigned int n); /* n in 1..64 */
uint64_t fz_below(struct fz *f, uint64_t n);	/* [0, n), n > 0 */
bool fz_one_in(struct fz *f, unsigned int n);

/*
 * Records a divergence (message printf-style). Outside soak mode it prints
 * the message and abort()s, which libFuzzer and the replay catch. In soak
 * mode it counts and returns false (printing the message too when
 * FZ_VERBOSE is set); the module then ends its session.
 */
bool fz_fail(struct fz *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define FZ_CHECK(f, cond, ...) ((cond) ? true : fz_fail((f), __VA_ARGS__))

struct fz_module {
	const char *name; /* "pt", "mpu", "p2m", "mmio_guard", "mmio_hyp" */
	/* One session: fresh state, calls until fz_done, max_ops or a
	 * divergence; returns the calls made; frees everything it made. */
	unsigned long (*run)(struct fz *f, unsigned long max_ops);
};
extern const struct fz_module fz_module_pt, fz_module_mpu, fz_module_p2m, fz_module_mmio_guard,
	fz_module_mmio_hyp;

/* ------------------------------------------------------------------------ */
/* The module list (modules.c): one entry per module is all it takes.      */
/* ------------------------------------------------------------------------ */

struct fz_entry {
	const struct fz_module *mod;
	unsigned long soak_ops;	 /* `make soak` (0: not soaked unless named) */
	unsigned long slice_ops; /* the soak-slice suite of `make test` */
};
extern const struct fz_entry fz_modules[]; /* fz_nmodules entries, then a NULL one */
extern const size_t fz_nmodules;

/* ------------------------------------------------------------------------ */
/* Helpers for modules (optional)                                           */
/* ------------------------------------------------------------------------ */

/* fz_xorshift() - xorshift64* step of *@state (non-zero): a module's own sampler. */
uint64_t fz_xorshift(uint64_t *state);

/*
 * Sets of errors, for a reference that says which errors the contract
 * allows: one bit per AM_E* code.
 */
#define FZ_EPERM (1u << 0)
#define FZ_ENOENT (1u << 1)
#define FZ_ENOMEM (1u << 2)
#define FZ_EBUSY (1u << 3)
#define FZ_EEXIST (1u << 4)
#define FZ_EINVAL (1u << 5)
#define FZ_ENOSPC (1u << 6)
#define FZ_ERANGE (1u << 7)
#define FZ_EOVERFLOW (1u << 8)
#define FZ_EILSEQ (1u << 9)
#define FZ_ENOTSUP (1u << 10)
/* fz_err() - the bit of AM_E* code @rc; 1u << 31 for anything else. */
unsigned int fz_err(int rc);
/* fz_errs() - "EINVAL|ERANGE" for a set ("none" when empty), in @buf. */
const char *fz_errs(unsigned int set, char *buf, size_t n);

/*
 * fz_rc_check() - a call's result against the contract: success (>= 0)
 * only when @must is empty; a refusal with an error of @must or @may; a
 * success logged no record, a refusal exactly one (@logged: records the
 * call logged). Returns true, or false with the reason in @why.
 */
bool fz_rc_check(int rc, unsigned int must, unsigned int may, unsigned long logged, char *why,
		 size_t n);

/*
 * A module of sessions: a header of @hdr_len bytes, then records of
 * @rec_len bytes, one call each, until the input ends, @max_ops or a
 * divergence. A record whose first byte is FZ_RESTART ends the session and
 * a new header follows, so that inputs can be packed into one file
 * (scripts/fuzz-pack.py). @begin sets up from the header, @call makes one
 * call, @end (always called, may be NULL) tears down; each returns false on
 * a divergence (@end gets false when one happened already). f->call
 * numbers the calls from 1 (the header's is 1), for the reports.
 */
#define FZ_RESTART 0xffu
#define FZ_MAX_HDR 16
#define FZ_MAX_REC 32
struct fz_sessions {
	size_t hdr_len, rec_len;
	bool (*begin)(void *st, const uint8_t *hdr);
	bool (*call)(void *st, const uint8_t *rec);
	bool (*end)(void *st, bool ok);
};
/* fz_run_sessions() - returns the calls made (a header counts as one, for init). */
unsigned long fz_run_sessions(struct fz *f, unsigned long max_ops, const struct fz_sessions *m,
			      void *st);

/* Calls per fuzz input or corpus file, and per soak session. */
#define FZ_MAX_OPS 4096ul
#define FZ_SESSION_OPS 2000ul

/* fz_find() - the list entry of module @name, NULL if none (modules.c). */
const struct fz_entry *fz_find(const char *name);

/*
 * fz_record() - soak: keep the bytes drawn from now on in @buf (the first
 * @cap of them; rec_len says how many were kept, rec_len == @cap: maybe
 * cut short). @buf NULL: stop recording.
 */
void fz_record(struct fz *f, uint8_t *buf, size_t cap);

#endif
