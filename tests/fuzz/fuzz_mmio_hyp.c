/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz module "mmio_hyp": armmap's own hypervisor side of the MMIO guard
 * (src/mmio_guard/hyp.c) and the independent hypervisor model
 * (model/mmio_hyp.c), fed the same random calls, differentially.
 *
 * A session: an ABI (Android or upstream), a granule (4, 16 or 64 KiB, now
 * and then one the library must refuse: then its side is not ready and
 * must offer nothing), a number of slots, guest RAM ranges (the model is
 * told them, the library asks oracle_mmio_is_ram() over the same list);
 * then calls: SMCCC calls with function IDs of both ABIs, unknown and zero
 * ones, and arguments around a small window of granules (aligned or not,
 * the top of the address space, wrapping values); access checks of every
 * size (zero, wrapping, spanning granules); init again.
 *
 * After every call (the MMIO-guard oracle, tests/oracle/mmio_oracle.h,
 * shared with unit-mmio_guard): both return the same value; the guarded
 * sets, the enroll flags and the answers of every access check around the
 * window are equal (oracle_mmio_hyp_diff()); the library's is_ram hook is
 * asked about whole granules only; the library logs one record per refused
 * call and none for an answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <armmap/errors.h>
#include <armmap/mmio_guard.h>

#include "model/mmio_hyp.h"
#include "tests/fuzz/fuzz.h"
#include "tests/oracle/mmio_oracle.h"
#include "tests/oracle/oracle.h"

#define K4 0x1000ull
#define SLOTS_MAX 64u
#define WIN 20u /* granules in the window */

/* A rare choice: the last value, so that the zeros past an input's end pick the common one. */
#define RARE(f, n) (fz_below((f), (n)) == (n)-1)

static struct mmioh M;
static struct am_mmio_hyp H;
static uint64_t SLOTS[SLOTS_MAX];
static struct oracle_mmio_ram RAM;
static uint64_t GRANULE, BASE;
static bool READY;			    /* the library's side took its configuration */
static unsigned long CALLS, LOGS, FALLBACK; /* records: cfg->log, the fallback hook */
static char WHY[384];

static bool held(struct fz *f, bool good)
{
	return good || fz_fail(f, "%s", WHY);
}

/* cfg->log: its ctx is the RAM list, shared with is_ram */
static void count_log(void *ctx, const struct am_log_rec *rec)
{
	(void)ctx;
	(void)rec;
	LOGS++;
}

static const struct am_mmio_abi *abi_of(enum mmioh_abi a)
{
	return a == MMIOH_ABI_ANDROID ? &am_mmio_abi_android : &am_mmio_abi_upstream;
}

/* An IPA around the window: granule aligned mostly, else anywhere near. */
static uint64_t pick_ipa(struct fz *f)
{
	uint64_t a = BASE + (fz_below(f, WIN + 4) - 2) * GRANULE;

	switch (fz_below(f, 16)) {
	case 0:
		return a + K4 * fz_below(f, GRANULE / K4);
	case 1:
		return a + GRANULE / 2;
	case 2:
		return a + 1 + fz_below(f, 8);
	case 3:
		return a - 1;
	case 4:
		return 0 - GRANULE * (1 + fz_below(f, 2)); /* the top of the space */
	case 5:
		return fz_one_in(f, 2) ? 0 : ~0ull - fz_below(f, 8);
	case 6:
		return fz_bits(f, 64);
	default:
		return a;
	}
}

static uint32_t pick_fid(struct fz *f)
{
	static const uint32_t fids[16] = {
		MMIOH_FID_MAP,
		MMIOH_FID_MAP,
		MMIOH_FID_MAP,
		MMIOH_FID_MAP,
		MMIOH_FID_UNMAP,
		MMIOH_FID_UNMAP,
		MMIOH_FID_UNMAP,
		MMIOH_FID_ENROLL,
		MMIOH_FID_MEMINFO,
		MMIOH_FID_INFO,
		0,
		0xc6000001u,
		0xc6000003u,
		0xc6000009u,
		0x84000000u,
		0,
	};
	uint32_t fid = fids[fz_below(f, 16)];

	return fid || fz_one_in(f, 2) ? fid : (uint32_t)fz_bits(f, 32);
}

/* A size for an access check. */
static uint64_t pick_size(struct fz *f, uint64_t ipa)
{
	switch (fz_below(f, 12)) {
	case 0:
		return 0;
	case 1:
		return GRANULE;
	case 2:
		return GRANULE + 1;
	case 3:
		return GRANULE * (2 + fz_below(f, 4));
	case 4:
		return 0 - ipa; /* up to the very end of the space */
	case 5:
		return 1 - ipa; /* one byte past it: wraps */
	case 6:
		return fz_bits(f, 64);
	case 7:
		return 8;
	default:
		return 1 + fz_below(f, 8);
	}
}

/* Both sides from the same configuration; false if the session cannot go on. */
static bool setup(struct fz *f)
{
	static const uint64_t odd[8] = {0x20000, 0x2000,   0x800,  0,
					0x8000,	 0x100000, 0x3000, 0x4001};
	enum mmioh_abi abi = (enum mmioh_abi)fz_below(f, 2);
	unsigned int cap = 1 + (unsigned int)(RARE(f, 4) ? fz_below(f, SLOTS_MAX) : fz_below(f, 8));
	bool ram_hook = !RARE(f, 8);
	struct am_mmio_hyp_config hc;
	int rc;

	GRANULE = RARE(f, 16)	    ? odd[fz_below(f, 8)]
		  : fz_one_in(f, 4) ? 0x10000
		  : fz_one_in(f, 2) ? 0x4000
				    : K4;
	BASE = RARE(f, 8) ? 0 : 0x9000000;
	if (mmioh_init(&M, abi, GRANULE >= K4 && !(GRANULE & (GRANULE - 1)) ? GRANULE : K4, cap))
		return fz_fail(f, "mmio_hyp: the model refused its configuration");
	memset(&RAM, 0, sizeof(RAM));
	RAM.granule = GRANULE;
	for (unsigned int i = 0, n = (unsigned int)fz_below(f, 4); ram_hook && i < n; i++) {
		uint64_t b = BASE + fz_below(f, WIN) * GRANULE + K4 * fz_below(f, 4);
		uint64_t sz = K4 * (1 + fz_below(f, 8));

		RAM.base[RAM.n] = b;
		RAM.size[RAM.n++] = sz;
		(void)mmioh_add_ram(&M, b, sz);
	}
	hc = (struct am_mmio_hyp_config){.abi = abi_of(abi),
					 .granule = GRANULE,
					 .slots = SLOTS,
					 .nr_slots = cap,
					 .is_ram = ram_hook ? oracle_mmio_is_ram : NULL,
					 .log = count_log,
					 .ctx = &RAM};
	if (RARE(f, 32)) /* misconfigured: no ABI, no slots */
		hc.abi = NULL;
	if (RARE(f, 32))
		hc.nr_slots = 0;
	memset(&H, 0x5a, sizeof(H));
	LOGS = FALLBACK = 0;
	rc = am_mmio_hyp_init(&H, &hc);
	CALLS++;
	READY = hc.abi && hc.nr_slots && (GRANULE == K4 || GRANULE == 0x4000 || GRANULE == 0x10000);
	if (!FZ_CHECK(f, rc == (READY ? 0 : AM_EINVAL), "am_mmio_hyp_init (granule %#llx): %d",
		      (unsigned long long)GRANULE, rc) ||
	    !FZ_CHECK(f, LOGS == (READY ? 0u : 1u), "am_mmio_hyp_init: %lu records", LOGS))
		return false;
	/* a side that is not ready offers nothing: the model not offering the guard */
	M.offered = READY;
	return true;
}

/* The same call on both sides: the same answer, one record per refusal. */
static bool call(struct fz *f)
{
	uint32_t fid = pick_fid(f);
	uint64_t arg = pick_ipa(f);
	unsigned long logs0 = LOGS, fb0 = FALLBACK, ask0 = RAM.calls;
	int64_t want = mmioh_call(&M, fid, arg);
	int64_t got = am_mmio_hyp_call(&H, fid, arg);
	bool answer = got >= 0;

	CALLS++;
	if (!FZ_CHECK(f, got == want, "call fid %#x arg %#llx: %lld, the model %lld", fid,
		      (unsigned long long)arg, (long long)got, (long long)want))
		return false;
	if (!FZ_CHECK(f, RAM.bad_size == 0, "is_ram asked about a range other than a granule"))
		return false;
	if (RAM.calls != ask0 &&
	    !FZ_CHECK(f, fid == MMIOH_FID_MAP, "is_ram asked for fid %#x", fid))
		return false;
	/* a side that is not ready reports to the fallback hook, not to cfg->log */
	return FZ_CHECK(f,
			LOGS - logs0 == (READY && !answer ? 1u : 0u) &&
				FALLBACK - fb0 == (READY ? 0u : 1u),
			"call fid %#x arg %#llx (%lld): %lu records, %lu to the fallback hook", fid,
			(unsigned long long)arg, (long long)got, LOGS - logs0, FALLBACK - fb0);
}

static bool allowed(struct fz *f)
{
	uint64_t ipa = pick_ipa(f), size = pick_size(f, ipa);
	unsigned long logs0 = LOGS, fb0 = FALLBACK;
	bool want = mmioh_allowed(&M, ipa, size), got = am_mmio_hyp_allowed(&H, ipa, size);
	bool refused = !size || ipa + size < ipa;

	CALLS++;
	if (!FZ_CHECK(f, got == want, "allowed(%#llx, %#llx): %d, the model %d",
		      (unsigned long long)ipa, (unsigned long long)size, got, want))
		return false;
	return FZ_CHECK(
		f,
		LOGS - logs0 == (READY && refused ? 1u : 0u) && FALLBACK - fb0 == (READY ? 0u : 1u),
		"allowed(%#llx, %#llx): %lu records, %lu to the fallback hook",
		(unsigned long long)ipa, (unsigned long long)size, LOGS - logs0, FALLBACK - fb0);
}

/* Everything both sides hold is the same. */
static bool same(struct fz *f)
{
	unsigned int n = am_mmio_hyp_guarded(&H);

	if (!READY)
		return FZ_CHECK(f, n == 0 && M.nr == 0, "a side that is not ready guards %u, %u", n,
				M.nr);
	return held(f, oracle_mmio_hyp_diff(&H, &M, BASE - 2 * GRANULE, BASE + (WIN + 2) * GRANULE,
					    WHY, sizeof(WHY)));
}

static unsigned long run(struct fz *f, unsigned long max_ops)
{
	unsigned long div0 = f->divergences;

	CALLS = 0;
	am_log_set_fallback(oracle_count_record, &FALLBACK);
	if (!setup(f)) {
		am_log_set_fallback(NULL, NULL);
		return CALLS;
	}
	while (!fz_done(f) && CALLS < max_ops && f->divergences == div0) {
		bool ok;

		switch (fz_below(f, 16)) {
		case 0:
		case 1:
		case 2:
			ok = allowed(f);
			break;
		case 3: /* init again: forgets the enrolment and the granules */
			ok = fz_one_in(f, 4) ? setup(f) : call(f);
			break;
		default:
			ok = call(f);
			break;
		}
		if (!ok || !same(f))
			break;
	}
	am_log_set_fallback(NULL, NULL);
	return CALLS;
}

const struct fz_module fz_module_mmio_hyp = {"mmio_hyp", run};
