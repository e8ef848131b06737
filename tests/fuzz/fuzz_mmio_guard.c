/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz module "mmio_guard": the guest-side tracker (src/mmio_guard/
 * tracker.c) on a stage-1 table in the host backend's pool (TLB model on),
 * talking through the logging transport to the hypervisor model
 * (model/mmio_hyp.c).
 *
 * A session: an ABI (Android or upstream), a guard granule (4, 16 or 64 KiB,
 * now and then 64 KiB or another the tracker must refuse), the guest's
 * page (its table's granule: 4 KiB mostly, now and then 16 or 64 KiB up to
 * the guard granule, or above it, which init must refuse), the
 * hypervisor's slots and guest RAM, failures of its INFO / ENROLL at init,
 * the tracker's list capacities and tracked space (now and then a bad
 * one), the pool's size. Then calls over a small colliding space (an 8 MiB
 * device window, 2 MiB aligned, a device alone in its 1 GiB, the edges of
 * the tracked space): add RAM, add devices (pages, 16 / 64 KiB multiples,
 * 2 MiB blocks, bad sizes, wrapping), faults (mostly on device pages),
 * unmap-all, pages mapped behind the tracker's back, calls on a NULL
 * tracker; failures injected in the hypervisor (mmioh_fail(): MAP or
 * UNMAP, once or from then on) and in the table allocations.
 *
 * After every call (the MMIO-guard oracle, tests/oracle/mmio_oracle.h,
 * shared with unit-mmio_guard): the table oracle; every device page
 * valid => guarded by the hypervisor and Device-nGnRE RW never X, parked =>
 * lazy and faulting; the hypervisor's guarded set equals what the tracker
 * believes (valid guarded pages, pending granules), with its count; a
 * ready tracker logs under the table's lock. The fuzzer adds the results
 * predicted from its own view of the lists and of the hypervisor: every
 * refusal's code, and that it changed nothing and made no hypercall; a
 * fault makes at most one MAP, never of a granule the hypervisor guards
 * already, and leaves every device page of its granule valid; unmap-all
 * unguards each granule once and returns how many; the tracker's MAP count
 * is the hypervisor's; RAM translates as it was added.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <armmap/errors.h>
#include <armmap/mmio_guard.h>
#include <armmap/pt.h>

#include "arch/host/pt_host.h"
#include "model/mmio_hyp.h"
#include "model/tlb.h"
#include "model/vmsa.h"
#include "tests/fuzz/fuzz.h"
#include "tests/oracle/mmio_oracle.h"
#include "tests/oracle/oracle.h"

#define K4 0x1000ull
#define K16 0x4000ull
#define K64 0x10000ull
#define M2 0x200000ull
#define LO 0x08000000ull
#define HI 0x100000000ull
#define WIN 0x10000000ull /* the device window: 8 MiB, 2 MiB aligned */
#define WIN_N (8 * M2)
#define FAR 0xc0000000ull  /* alone in its 1 GiB */
#define RAMB 0x40000000ull /* RAM */
#define LIST_MAX 16u
#define FOREIGN_MAX 16u
#define IA_BITS 39u

/* A rare choice: the last value, so that the zeros past an input's end pick the common one. */
#define RARE(f, n) (fz_below((f), (n)) == (n)-1)

static struct am_host_pt H;
static struct am_pt PT;
static bool PT_LIVE;
static struct am_mmio_tracker T;
static struct am_mmio_tracker_config CFG;
static struct am_mem_region RAM_LIST[LIST_MAX], MMIO_LIST[LIST_MAX];
static struct mmioh M;
static struct oracle_mmio_xport X;
static struct oracle_mmio O;
static struct oracle_mmio_snap SNAP;
static bool READY;
static uint64_t PG = 0x1000; /* the guest's page: its table's granule */
static unsigned long CALLS;
static char WHY[384];
static bool TRACE;

/* The fuzzer's own view: RAM added (devices are the oracle's list), pages mapped behind it. */
static unsigned int NRAM;
static uint64_t RAM_BASE[LIST_MAX], RAM_SIZE[LIST_MAX];
static bool RAM_W[LIST_MAX];
static unsigned int NFOREIGN;
static uint64_t FOREIGN[FOREIGN_MAX];

#define TR(...) (TRACE ? (void)fprintf(stderr, __VA_ARGS__) : (void)0)

static bool held(struct fz *f, bool good)
{
	return good || fz_fail(f, "%s", WHY);
}

static unsigned long FALLBACK, MARK; /* records to the fallback hook; FALLBACK at the mark */

/* Records logged since the mark (the table's hook, the fallback hook); the mark moves. */
static unsigned long logged(void)
{
	unsigned long n = H.nlog_total + FALLBACK - MARK;

	for (unsigned int i = 0; TRACE && i < H.nlog; i++)
		TR("  record: %s\n", H.log[i].msg);
	am_host_pt_clear_log(&H);
	MARK = FALLBACK;
	return n;
}

/* The result against @want (@may: other errors allowed), one record per refusal. */
static bool result(struct fz *f, const char *what, int rc, int want, unsigned int may)
{
	if (!fz_rc_check(rc, want ? fz_err(want) : 0, may, logged(), WHY, sizeof(WHY)))
		return fz_fail(f, "%s: %s", what, WHY);
	return true;
}

/* ----------------------------------------------------------- choices -- */

static uint64_t pick_addr(struct fz *f)
{
	uint64_t k;

	switch (fz_below(f, 16)) {
	case 0:
		return FAR + K4 * fz_below(f, 1024);
	case 1:
		return RAMB + K4 * fz_below(f, 1024);
	case 2:
		k = fz_below(f, 4);
		return k == 0	? LO
		       : k == 1 ? HI - K4 * (1 + fz_below(f, 4))
		       : k == 2 ? LO - K4
				: HI;
	case 3:
		return fz_one_in(f, 2) ? fz_bits(f, 64) : ~0ull - K4 * fz_below(f, 4);
	case 4:
	case 5: /* a device's edge: a neighbour in its granule */
		if (O.ndev) {
			unsigned int d = (unsigned int)fz_below(f, O.ndev);
			static const int64_t off[4] = {-(int64_t)K4, 0, 0, (int64_t)K4};

			k = fz_below(f, 4);
			return (k >= 2 ? O.dev_base[d] + O.dev_size[d] : O.dev_base[d]) +
			       (uint64_t)off[k];
		}
		return WIN;
	default:
		k = fz_below(f, WIN_N / K4);
		switch (fz_below(f, 4)) {
		case 0:
			return WIN + ((k * K4) & ~(M2 - 1));
		case 1:
			return WIN + ((k * K4) & ~(K16 - 1));
		case 2:
			return WIN + ((k * K4) & ~(K64 - 1));
		default:
			return WIN + k * K4;
		}
	}
}

static uint64_t pick_size(struct fz *f)
{
	switch (fz_below(f, 16)) {
	case 0:
		return 0;
	case 1:
		return K4 * (1 + fz_below(f, 4)) + 1 + fz_below(f, 0x800);
	case 2:
		return M2;
	case 3:
		return M2 + K4 * fz_below(f, 8);
	case 4:
		return K16 * (1 + fz_below(f, 4));
	case 5:
		return K64;
	case 6: /* too big: wraps, or beyond the space (the oracle checks every device page) */
		return fz_one_in(f, 2) ? ~0ull - K4 + 1
				       : (fz_bits(f, 64) | (1ull << 40)) & ~(K4 - 1);
	case 7:
		return 2 * M2;
	default:
		return K4 * (1 + fz_below(f, 8));
	}
}

/* ------------------------------------------------------------ checks -- */

/* RAM translates as added: Normal WB, writable when it was added so. */
static bool ram_ok(void)
{
	for (unsigned int i = 0; i < NRAM; i++) {
		uint64_t ends[2] = {RAM_BASE[i], RAM_BASE[i] + RAM_SIZE[i] - K4};

		for (int k = 0; k < 2; k++) {
			struct vmsa_result r;

			vmsa_access(&O.vc, am_host_pt_read, &H, ends[k] + 8, VMSA_ACC_R, &r);
			if (r.fault != VMSA_OK || r.pa != ends[k] + 8 || r.mem != 0xff ||
			    r.priv_w != RAM_W[i] || r.priv_x)
				return oracle_say(
					WHY, sizeof(WHY),
					"RAM page %#llx: %s, pa %#llx, mem %#x, w %u x %u",
					(unsigned long long)ends[k], vmsa_fault_name(r.fault),
					(unsigned long long)r.pa, r.mem, r.priv_w, r.priv_x);
		}
	}
	return true;
}

/* After every call: the oracle, the tracker's MAP count, RAM. */
static bool verify(struct fz *f)
{
	if (!READY)
		return true;
	if (!held(f, oracle_mmio_check(&O, WHY, sizeof(WHY)) && ram_ok()))
		return false;
	if (!FZ_CHECK(f, T.map_calls == M.calls[MMIOH_MAP],
		      "the tracker counts %lu MAP calls, the hypervisor served %lu", T.map_calls,
		      M.calls[MMIOH_MAP]))
		return false;
	tlbm_fill(&H.tlb); /* the hardware may cache whatever translates now */
	return true;
}

/* A refused call: its code, and nothing changed (@no_call: no hypercall either). */
static bool refused(struct fz *f, const char *what, int rc, int want, bool no_call)
{
	return result(f, what, rc, want, 0) &&
	       held(f, oracle_mmio_unchanged(&SNAP, &O, no_call, WHY, sizeof(WHY)));
}

/* Snapshot and log mark before a call. */
static void before(void)
{
	oracle_mmio_snap(&SNAP, &O);
	(void)logged();
}

static bool overlaps(uint64_t b, uint64_t l)
{
	for (unsigned int i = 0; i < NRAM; i++)
		if (b < RAM_BASE[i] + RAM_SIZE[i] && RAM_BASE[i] < l)
			return true;
	for (unsigned int i = 0; i < O.ndev; i++)
		if (b < O.dev_base[i] + O.dev_size[i] && O.dev_base[i] < l)
			return true;
	return false;
}

static bool foreign_in(uint64_t b, uint64_t l)
{
	for (unsigned int i = 0; i < NFOREIGN; i++)
		if (FOREIGN[i] >= b && FOREIGN[i] < l)
			return true;
	return false;
}

/* -------------------------------------------------------------- calls -- */

static bool op_add(struct fz *f, bool dev)
{
	uint64_t base = pick_addr(f), size = pick_size(f), limit = base + size;
	bool w = fz_one_in(f, 2);
	unsigned long failed0 = H.alloc_failed;
	int want = 0, rc;

	if (!size || ((base | size) & (PG - 1)) || limit < base)
		want = AM_EINVAL;
	else if (base < am_va_val(CFG.lo) || limit > am_va_val(CFG.hi))
		want = AM_ERANGE;
	else if (overlaps(base, limit))
		want = AM_EBUSY;
	else if (dev ? O.ndev == CFG.mmio_cap : NRAM == CFG.ram_cap)
		want = AM_ENOSPC;
	else if (foreign_in(base, limit))
		want = AM_EEXIST;
	before();
	rc = dev ? am_mmio_add_device(&T, am_va(base), size)
		 : am_mmio_add_ram(&T, am_va(base), size, w);
	CALLS++;
	TR("add_%s %#llx +%#llx: %d (want %d)\n", dev ? "device" : "ram", (unsigned long long)base,
	   (unsigned long long)size, rc, want);
	if (rc == AM_ENOMEM && !want && H.alloc_failed != failed0)
		want = AM_ENOMEM;
	if (rc || want)
		return refused(f, dev ? "add_device" : "add_ram", rc, want, true) && verify(f);
	if (!result(f, dev ? "add_device" : "add_ram", rc, 0, 0))
		return false;
	if (dev && !oracle_mmio_add_dev(&O, base, size))
		return false; /* more devices than the oracle holds: end the session */
	if (!dev) {
		RAM_BASE[NRAM] = base;
		RAM_SIZE[NRAM] = size;
		RAM_W[NRAM++] = w;
	}
	return verify(f);
}

/* Is the page of @a a tracked device page, parked and lazy? */
static bool lazy_page(uint64_t a)
{
	struct oracle_mmio_page p;

	for (unsigned int i = 0; i < O.ndev; i++)
		if (a >= O.dev_base[i] && a - O.dev_base[i] < O.dev_size[i])
			return oracle_mmio_page(&O, a, &p, NULL, 0) && !p.rc && !p.valid &&
			       (p.sw & AM_MMIO_SW_LAZY);
	return false;
}

static bool pending(uint64_t g)
{
	for (unsigned int i = 0; i < T.nr_pending; i++)
		if (T.pending[i] == g)
			return true;
	return false;
}

/* Every tracked device page of granule @g is valid. */
static bool granule_valid(uint64_t g)
{
	for (unsigned int i = 0; i < O.ndev; i++)
		for (uint64_t a = g; a < g + O.granule; a += PG) {
			struct oracle_mmio_page p;

			if (a < O.dev_base[i] || a - O.dev_base[i] >= O.dev_size[i])
				continue;
			if (!oracle_mmio_page(&O, a, &p, WHY, sizeof(WHY)))
				return false;
			if (p.rc || !p.valid)
				return oracle_say(WHY, sizeof(WHY),
						  "after the fault, device page %#llx of granule "
						  "%#llx is not valid",
						  (unsigned long long)a, (unsigned long long)g);
		}
	return true;
}

static bool op_fault(struct fz *f)
{
	uint64_t a = pick_addr(f), g;
	unsigned long maps0 = M.calls[MMIOH_MAP], failed0 = H.alloc_failed, calls0 = X.n;
	bool was_guarded, was_pending, full;
	int rc, want;

	if (O.ndev && !fz_one_in(f, 4)) {
		unsigned int d = (unsigned int)fz_below(f, O.ndev);

		a = O.dev_base[d] + fz_below(f, O.dev_size[d]);
	} else {
		a += fz_below(f, K4);
	}
	g = a & ~(O.granule - 1);
	was_guarded = mmioh_guarded(&M, a);
	was_pending = pending(g);
	full = T.nr_pending == AM_MMIO_PENDING;
	want = lazy_page(a) ? 0 : AM_ENOENT;
	before();
	rc = am_mmio_handle_fault(&T, am_va(a));
	CALLS++;
	TR("fault %#llx (granule %#llx, guarded %d, pending %d): %d (want %d), %lu MAP\n",
	   (unsigned long long)a, (unsigned long long)g, was_guarded, was_pending, rc, want,
	   M.calls[MMIOH_MAP] - maps0);
	if (want)
		return refused(f, "handle_fault", rc, want, true) && verify(f);
	/* at most one MAP, never of a granule guarded already */
	if (!FZ_CHECK(f, M.calls[MMIOH_MAP] - maps0 <= 1, "fault %#llx: %lu MAP calls",
		      (unsigned long long)a, M.calls[MMIOH_MAP] - maps0) ||
	    !FZ_CHECK(f, !(was_guarded && M.calls[MMIOH_MAP] != maps0),
		      "fault %#llx: MAP of granule %#llx, which the hypervisor guards already",
		      (unsigned long long)a, (unsigned long long)g) ||
	    /* no MAP: guarded already, or (a full pending list) out of table pages
	     * for the split made before the MAP */
	    !FZ_CHECK(f,
		      was_guarded || was_pending || M.calls[MMIOH_MAP] == maps0 + 1 ||
			      (rc == AM_ENOMEM && H.alloc_failed != failed0),
		      "fault %#llx: granule %#llx not guarded, and no MAP", (unsigned long long)a,
		      (unsigned long long)g))
		return false;
	if (rc == AM_EPERM) {
		/* the hypervisor refused the MAP: one call, nothing else changed */
		const struct mmioh_call_rec *r = mmioh_call_at(&M, M.ncalls - 1);

		if (!FZ_CHECK(f,
			      X.n == calls0 + 1 && r && r->ret < 0 &&
				      M.calls[MMIOH_MAP] == maps0 + 1,
			      "fault %#llx: AM_EPERM without a refused MAP", (unsigned long long)a))
			return false;
		SNAP.calls++;
		/* a full pending list: the granule's blocks were split before the
		 * MAP (the translations are the same, verify() checks them) */
		if (full)
			return result(f, "handle_fault", rc, AM_EPERM, 0) && verify(f);
		return result(f, "handle_fault", rc, AM_EPERM, 0) &&
		       held(f, oracle_mmio_unchanged(&SNAP, &O, true, WHY, sizeof(WHY))) &&
		       verify(f);
	}
	/* guarded and remembered, or given back: the oracle's sets say */
	if (!result(f, "handle_fault", rc, 0, H.alloc_failed != failed0 ? fz_err(AM_ENOMEM) : 0))
		return false;
	if (rc)
		return verify(f);
	if (!FZ_CHECK(f, rc == 0, "fault %#llx: %d", (unsigned long long)a, rc) ||
	    !held(f, granule_valid(g)) ||
	    !FZ_CHECK(f, mmioh_guarded(&M, a), "fault %#llx: done, and granule %#llx not guarded",
		      (unsigned long long)a, (unsigned long long)g))
		return false;
	return verify(f);
}

static bool op_unmap_all(struct fz *f)
{
	unsigned long calls0 = X.n, unmaps0 = M.calls[MMIOH_UNMAP];
	unsigned int nr0 = M.nr;
	int rc;

	before();
	rc = am_mmio_unmap_all(&T);
	CALLS++;
	TR("unmap_all: %d (%u guarded before, %u after)\n", rc, nr0, M.nr);
	if (!CFG.abi->unmap)
		return refused(f, "unmap_all (no UNMAP in the ABI)", rc, AM_ENOTSUP, true) &&
		       verify(f);
	/* each granule once, each an UNMAP of the hypervisor's */
	for (unsigned long i = calls0; i < X.n && i < ORACLE_MMIO_XLOG; i++)
		for (unsigned long k = calls0; k < i; k++)
			if (!FZ_CHECK(f,
				      X.rec[i].fid == MMIOH_FID_UNMAP &&
					      !(X.rec[k].arg == X.rec[i].arg && X.rec[k].ret == 0),
				      "unmap_all: call %lu fid %#x arg %#llx, after the same",
				      i - calls0, X.rec[i].fid, (unsigned long long)X.rec[i].arg))
				return false;
	if (!result(f, "unmap_all", rc < 0 ? rc : 0, 0, fz_err(AM_EPERM)))
		return false;
	if (rc == AM_EPERM) {
		const struct mmioh_call_rec *r = mmioh_call_at(&M, M.ncalls - 1);

		return FZ_CHECK(f, X.n > calls0 && r && r->fid == MMIOH_FID_UNMAP && r->ret < 0,
				"unmap_all: AM_EPERM, and no UNMAP refused") &&
		       verify(f);
	}
	if (!FZ_CHECK(f,
		      rc >= 0 && (unsigned int)rc == nr0 - M.nr && M.nr == 0 &&
			      M.calls[MMIOH_UNMAP] - unmaps0 == (unsigned long)rc,
		      "unmap_all: %d, the hypervisor guarded %u, guards %u, %lu UNMAP calls", rc,
		      nr0, M.nr, M.calls[MMIOH_UNMAP] - unmaps0))
		return false;
	return verify(f);
}

/* A page of the space mapped behind the tracker's back. */
static bool op_foreign(struct fz *f)
{
	static const struct am_attr dev = AM_ATTR_DEVICE, rw = AM_ATTR_RW_DATA;
	uint64_t a = pick_addr(f) & ~(PG - 1);
	unsigned int k = (unsigned int)fz_below(f, 4);
	int rc;

	if (NFOREIGN == FOREIGN_MAX || a < am_va_val(CFG.lo) || a >= am_va_val(CFG.hi) ||
	    overlaps(a, a + PG) || foreign_in(a, a + PG))
		return true;
	rc = am_pt_map(&PT, am_va(a), am_pa(a), PG, k & 1 ? &rw : &dev, k & 2 ? AM_PT_F_PARKED : 0);
	CALLS++;
	TR("behind the tracker: %#llx %s%s: %d\n", (unsigned long long)a, k & 1 ? "RAM" : "device",
	   k & 2 ? " parked" : "", rc);
	if (!rc)
		FOREIGN[NFOREIGN++] = a;
	return verify(f);
}

/* Call @i of the four on @t. */
static int call_on(struct am_mmio_tracker *t, int i)
{
	switch (i) {
	case 0:
		return am_mmio_add_ram(t, am_va(RAMB), K4, true);
	case 1:
		return am_mmio_add_device(t, am_va(WIN), K4);
	case 2:
		return am_mmio_handle_fault(t, am_va(WIN));
	default:
		return am_mmio_unmap_all(t);
	}
}

/* Calls on no tracker: AM_EINVAL, nothing else. */
static bool op_null(struct fz *f)
{
	for (int i = 0; i < 4; i++) {
		int rc;

		before();
		rc = call_on(NULL, i);
		CALLS++;
		if (!refused(f, "a call on a NULL tracker", rc, AM_EINVAL, true))
			return false;
	}
	return verify(f);
}

static void op_inject(struct fz *f)
{
	static const int64_t rets[4] = {MMIOH_INVALID_PARAMETER, MMIOH_NOT_SUPPORTED, -2, -1000};
	unsigned int r = (unsigned int)fz_below(f, 8);

	if (r < 4) {
		if (r == 0)
			mmioh_fail(&M, -1, 0, 0, false);
		else
			mmioh_fail(&M, fz_one_in(f, 2) ? MMIOH_MAP : MMIOH_UNMAP, fz_below(f, 4),
				   rets[fz_below(f, 4)], fz_one_in(f, 4));
		TR("hypervisor: fail fn %d from call %lu%s\n", M.fail_fn, M.fail_at,
		   M.fail_sticky ? " on" : "");
		return;
	}
	if (r == 4) {
		am_host_pt_fail_at(&H, -1);
	} else {
		am_host_pt_fail_at(&H, (long)fz_below(f, 4));
		H.fail_sticky = r == 7;
	}
	TR("allocation %ld fails%s\n", H.fail_at, H.fail_sticky ? ", and every one after" : "");
}

/* ----------------------------------------------------------- session -- */

static bool setup(struct fz *f)
{
	static const uint64_t odd[4] = {0x20000, 0x2000, 0x8000, 0x100000};
	struct am_pt_config pc = {.regime = AM_PT_S1_EL2, .ia_bits = IA_BITS};
	/* the ABIs: Android, upstream, Android without INFO, one without INFO and MEMINFO */
	static const struct am_mmio_abi no_info = {MMIOH_FID_MEMINFO, 0, MMIOH_FID_ENROLL,
						   MMIOH_FID_MAP, MMIOH_FID_UNMAP},
					no_granule = {0, 0, MMIOH_FID_ENROLL, MMIOH_FID_MAP,
						      MMIOH_FID_UNMAP};
	static const struct am_mmio_abi *const abis[8] = {&am_mmio_abi_android,
							  &am_mmio_abi_android,
							  &am_mmio_abi_android,
							  &am_mmio_abi_android,
							  &am_mmio_abi_upstream,
							  &am_mmio_abi_upstream,
							  &no_info,
							  &no_granule};
	unsigned int ai = (unsigned int)fz_below(f, 8);
	enum mmioh_abi abi = ai == 4 || ai == 5 ? MMIOH_ABI_UPSTREAM : MMIOH_ABI_ANDROID;
	unsigned int r = (unsigned int)fz_below(f, 16);
	uint64_t g = r < 6 ? K4 : r < 11 ? K16 : r < 14 ? K64 : odd[fz_below(f, 4)];
	unsigned int cap = 32 - (unsigned int)fz_below(f, 32);
	int rc, want = 0;

	/* the guest's page, from what is drawn already (no input byte of its own):
	 * 64 KiB under a 64 KiB guard granule, 16 KiB under 16 or 64 KiB, and
	 * now and then 64 KiB under 16 KiB, which init refuses */
	PG = g == K64 && (cap & 3) == 1			? K64
	     : (g == K16 || g == K64) && (cap & 3) == 2 ? K16
	     : g == K16 && (cap & 15) == 15		? K64
							: K4;
	pc.granule = (unsigned int)PG;
	if (am_host_pt_init_g(&H, 64 - fz_below(f, 56), PG) ||
	    am_pt_init(&PT, &pc, &am_host_pt_ops, &H))
		return fz_fail(f, "mmio_guard: no table to fuzz on");
	PT_LIVE = true;
	(void)mmioh_init(&M, abi, g, cap);
	for (unsigned int i = 0, n = (unsigned int)fz_below(f, 3); i < n; i++)
		(void)mmioh_add_ram(&M, WIN + K4 * fz_below(f, WIN_N / K4),
				    K4 * (1 + fz_below(f, 4)));
	memset(&X, 0, sizeof(X));
	X.m = &M;
	memset(&T, 0x5a, sizeof(T));
	oracle_mmio_attach(&O, &H, &PT, IA_BITS, &T, &X, g);
	CFG = (struct am_mmio_tracker_config){
		.pt = &PT,
		.lo = am_va(LO),
		.hi = am_va(HI),
		.ram = RAM_LIST,
		.ram_cap = LIST_MAX - (unsigned int)fz_below(f, LIST_MAX),
		.mmio = MMIO_LIST,
		.mmio_cap = LIST_MAX - (unsigned int)fz_below(f, LIST_MAX),
		.abi = abis[ai],
		.hyp = {oracle_mmio_xcall, &X}};
	switch (31 - fz_below(f, 32)) {
	case 0: /* misconfigured: refused before any hypercall */
		CFG.lo = CFG.hi;
		want = AM_EINVAL;
		break;
	case 1:
		CFG.hi = am_va(am_va_val(CFG.hi) - 0x10);
		want = AM_EINVAL;
		break;
	case 2:
		CFG.mmio_cap = 0;
		want = AM_EINVAL;
		break;
	case 3:
		CFG.hyp.call = NULL;
		want = AM_EINVAL;
		break;
	case 4: /* the hypervisor has no MMIO guard */
		M.offered = false;
		want = AM_ENOTSUP;
		break;
	case 5: /* it answers INFO / MEMINFO with an error */
		mmioh_fail(&M, CFG.abi->info ? MMIOH_INFO : MMIOH_MEMINFO, 0,
			   MMIOH_INVALID_PARAMETER, false);
		want = AM_ENOTSUP;
		break;
	case 6: /* it refuses ENROLL */
		mmioh_fail(&M, MMIOH_ENROLL, 0, MMIOH_NOT_SUPPORTED, false);
		want = CFG.abi->enroll ? AM_ENOTSUP : 0;
		break;
	case 7: /* the space is narrow: its edges are near everything */
		CFG.lo = am_va(WIN + M2);
		CFG.hi = am_va(WIN + 3 * M2);
		break;
	}
	if (!want && !CFG.abi->info && !CFG.abi->meminfo)
		want = AM_ENOTSUP; /* no call to ask the granule with */
	if (!want && g != K4 && g != K16 && g != K64)
		want = AM_ENOTSUP;
	if (!want && g < PG) /* a guard granule smaller than the guest's page */
		want = AM_ENOTSUP;
	(void)logged();
	rc = am_mmio_tracker_init(&T, &CFG);
	CALLS++;
	mmioh_fail(&M, -1, 0, 0, false);
	READY = rc == 0;
	TRACE = getenv("FZ_TRACE") != NULL;
	TR("init abi %d granule %#llx page %#llx slots %u: %d (want %d)\n", abi,
	   (unsigned long long)g, (unsigned long long)PG, cap, rc, want);
	if (!result(f, "tracker init", rc, want, 0))
		return false;
	if ((want == AM_EINVAL || (!CFG.abi->info && !CFG.abi->meminfo)) &&
	    !FZ_CHECK(f, X.n == 0, "a refused init made %lu hypercalls", X.n))
		return false;
	tlbm_watch(&H.tlb, RAMB, 8 * K4, K4);
	return true;
}

/* A tracker whose init failed: every call refused, nothing changes (not its bytes either). */
static bool not_ready(struct fz *f)
{
	static struct am_mmio_tracker was;
	unsigned long calls0 = X.n;

	was = T;
	oracle_pt_snap(&SNAP.t, &H, &PT);
	for (int i = 0; i < 4; i++) {
		int rc;

		(void)logged();
		rc = call_on(&T, i);
		CALLS++;
		if (!result(f, "a call on a tracker whose init failed", rc, AM_EINVAL, 0))
			return false;
	}
	return FZ_CHECK(f, X.n == calls0 && !memcmp(&was, &T, sizeof(T)),
			"a tracker whose init failed: %lu hypercalls, changed %d", X.n - calls0,
			memcmp(&was, &T, sizeof(T)) != 0) &&
	       held(f, oracle_pt_unchanged(&SNAP.t, &H, &PT, WHY, sizeof(WHY)));
}

static unsigned long run(struct fz *f, unsigned long max_ops)
{
	unsigned long div0 = f->divergences;
	bool ok;

	CALLS = 0;
	NRAM = NFOREIGN = 0;
	am_log_set_fallback(oracle_count_record, &FALLBACK);
	ok = setup(f);
	if (ok && !READY)
		ok = not_ready(f);
	while (ok && READY && !fz_done(f) && CALLS < max_ops && f->divergences == div0) {
		switch (fz_below(f, 16)) {
		case 0:
		case 1:
		case 2:
			ok = op_add(f, true);
			break;
		case 3:
			ok = op_add(f, false);
			break;
		case 4:
			ok = op_unmap_all(f);
			break;
		case 5:
			op_inject(f);
			break;
		case 6:
			ok = fz_one_in(f, 4) ? op_null(f) : op_foreign(f);
			break;
		default:
			ok = op_fault(f);
			break;
		}
	}
	if (PT_LIVE) {
		H.tlb_on = false;
		am_pt_destroy(&PT);
		PT_LIVE = false;
	}
	am_host_pt_fini(&H);
	oracle_pt_snap_free(&SNAP.t);
	am_log_set_fallback(NULL, NULL);
	return CALLS;
}

const struct fz_module fz_module_mmio_guard = {"mmio_guard", run};
