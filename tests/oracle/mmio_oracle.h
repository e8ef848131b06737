/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MMIO-guard oracle: the unit tests (tests/unit/test_mmio_guard.c) and
 * the fuzzers (tests/fuzz/fuzz_mmio_guard.c, tests/fuzz/fuzz_mmio_hyp.c)
 * call the same checks.
 *
 *  - A logging transport (oracle_mmio_xcall()) that routes the guest tracker's
 *    hypercalls to the hypervisor model (model/mmio_hyp) or to the
 *    library's own hypervisor side, and the is_ram hook the latter is given
 *    (oracle_mmio_is_ram()), over the same RAM list the model is told.
 *  - oracle_mmio_check(), after every tracker call: the table oracle
 *    (pt_oracle.h); a ready tracker logs under the table's lock; for every page of every device the
 * test added: mapped, a valid leaf is guarded (AM_MMIO_SW_GUARDED, and the hypervisor has its
 * granule) and translates as Device-nGnRE read/write, never executable; a parked one is lazy
 * (AM_MMIO_SW_LAZY) and faults; the tracker's device list is the test's; every granule the
 * hypervisor guards touches a device; and the hypervisor's guarded set equals what the tracker
 * believes: the granules of its valid guarded pages and those it remembers guarded but not mapped
 * (pending), with its count.
 *  - oracle_mmio_snap() / oracle_mmio_unchanged(): a refused call changed no table
 *    byte, list, count, nor the hypervisor, and (unless told otherwise)
 *    made no hypercall.
 *  - oracle_mmio_hyp_diff(): the library's hypervisor side and the model agree:
 *    the guarded sets, the enroll flag, the access answers around a range.
 *
 * Each check returns true when all holds, else false with the first rule
 * broken in @why.
 */
#ifndef ARMMAP_TESTS_ORACLE_MMIO_H
#define ARMMAP_TESTS_ORACLE_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include <armmap/mmio_guard.h>

#include "model/mmio_hyp.h"
#include "model/vmsa.h"
#include "tests/oracle/pt_oracle.h"

/* ---------------------------------------------------------- transport -- */

#define ORACLE_MMIO_XLOG 4096u

/* The guest's hypercalls, logged (the first ORACLE_MMIO_XLOG), then served. */
struct oracle_mmio_xport {
	struct mmioh *m;       /* the model, */
	struct am_mmio_hyp *h; /* or the library's side (m NULL) */
	unsigned long n;       /* calls made */
	struct mmioh_call_rec rec[ORACLE_MMIO_XLOG];
	/*
	 * With @tlb set: at each MMIO_GUARD_UNMAP (Android ABI) of a granule of
	 * @granule bytes, the pages of that granule the TLB model still holds
	 * (live, or invalidated with the invalidation not completed) are counted
	 * in @unmap_stale: a CPU could still reach the device through them after
	 * the hypervisor stopped guarding it.
	 */
	const struct tlbm *tlb;
	uint64_t granule;
	unsigned long unmap_stale;
};

/* oracle_mmio_xcall() - the transport's call (ctx: a struct oracle_mmio_xport). */
int64_t oracle_mmio_xcall(void *ctx, uint32_t fid, uint64_t arg);

/* Calls of @fid among the logged calls from @from on. */
unsigned long oracle_mmio_xcalls_of(const struct oracle_mmio_xport *x, uint32_t fid,
				    unsigned long from);

/* Guest RAM, as the library's hypervisor side asks about it. */
#define ORACLE_MMIO_RAM_MAX 8u
struct oracle_mmio_ram {
	uint64_t base[ORACLE_MMIO_RAM_MAX], size[ORACLE_MMIO_RAM_MAX];
	unsigned int n;
	uint64_t granule;	/* the size each question should have */
	unsigned long calls;	/* questions asked */
	unsigned long bad_size; /* of another size than @granule */
};

/* oracle_mmio_is_ram() - the is_ram hook of struct am_mmio_hyp_config (ctx: a struct
 * oracle_mmio_ram). */
bool oracle_mmio_is_ram(void *ctx, uint64_t ipa, uint64_t size);

/* --------------------------------------------------------- the tracker -- */

#define ORACLE_MMIO_DEV 64u
#define ORACLE_MMIO_LIST 64u /* list entries a snapshot keeps */

/* One tracker under watch, with its table and its hypervisor. */
struct oracle_mmio {
	struct am_host_pt *h;
	struct am_pt *pt;
	struct vmsa_cfg vc;
	struct am_mmio_tracker *t;
	struct oracle_mmio_xport *x;	  /* its transport: the hypervisor it talks to */
	uint64_t granule;		  /* the hypervisor's */
	unsigned long base_unlocked_logs; /* the table's records logged without its lock */
	/* the devices added, as the test knows them */
	unsigned int ndev;
	uint64_t dev_base[ORACLE_MMIO_DEV], dev_size[ORACLE_MMIO_DEV];
};

/*
 * oracle_mmio_attach() - watch @t, on stage-1 EL2 table @pt (@ia_bits) in the
 * pool of @h, talking through @x to a hypervisor with @granule: the
 * walker's view and the TLB model on, no device yet.
 */
void oracle_mmio_attach(struct oracle_mmio *o, struct am_host_pt *h, struct am_pt *pt,
			unsigned int ia_bits, struct am_mmio_tracker *t,
			struct oracle_mmio_xport *x, uint64_t granule);

/* oracle_mmio_add_dev() - a device was added: check it from now on, the TLB may cache it. */
bool oracle_mmio_add_dev(struct oracle_mmio *o, uint64_t base, uint64_t size);

/* The hypervisor's answers, whichever it is. */
bool oracle_mmio_hyp_guarded(const struct oracle_mmio *o, uint64_t ipa);
unsigned int oracle_mmio_hyp_nr(const struct oracle_mmio *o);
bool oracle_mmio_hyp_allowed(const struct oracle_mmio *o, uint64_t ipa, uint64_t size);

/* A device page as the table has it (through am_pt_query()). */
struct oracle_mmio_page {
	int rc;
	uint8_t valid, sw, level;
};

/* oracle_mmio_page() - the leaf at @va in *@p: must be Device-nGnRE, identity. */
bool oracle_mmio_page(const struct oracle_mmio *o, uint64_t va, struct oracle_mmio_page *p,
		      char *why, size_t n);

/* oracle_mmio_check() - everything above, after a call. */
bool oracle_mmio_check(struct oracle_mmio *o, char *why, size_t n);

struct oracle_mmio_snap {
	struct oracle_pt_snap t;
	unsigned long calls, guarded;
	unsigned int nr_ram, nr_mmio, hyp_nr;
	struct am_mem_region ram[ORACLE_MMIO_LIST], mmio[ORACLE_MMIO_LIST];
};

void oracle_mmio_snap(struct oracle_mmio_snap *s, struct oracle_mmio *o);
/*
 * oracle_mmio_unchanged() - tables, maintenance, lists as they were; with
 * @no_call also no hypercall, the hypervisor's set and the tracker's count
 * as they were.
 */
bool oracle_mmio_unchanged(const struct oracle_mmio_snap *s, struct oracle_mmio *o, bool no_call,
			   char *why, size_t n);

/* ------------------------------------------------ the hypervisor side -- */

/*
 * oracle_mmio_hyp_diff() - the library's side @h and the model @m hold the same
 * guarded granules and enroll flag, and answer every access check alike:
 * 4 bytes at every half granule of [lo, hi), and the 4 bytes that straddle
 * each half-granule boundary.
 */
bool oracle_mmio_hyp_diff(const struct am_mmio_hyp *h, const struct mmioh *m, uint64_t lo,
			  uint64_t hi, char *why, size_t n);

#endif
