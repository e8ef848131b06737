/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MMIO-guard oracle, shared by the unit suite
 * (tests/unit/test_mmio_guard.c) and the fuzzers (tests/fuzz/fuzz_mmio_guard.c,
 * tests/fuzz/fuzz_mmio_hyp.c).
 *
 *  - A logging transport (amo_xcall()) that routes the guest tracker's
 *    hypercalls to the hypervisor model (model/mmio_hyp) or to the
 *    library's own hypervisor side, and the is_ram hook the latter is given
 *    (amo_is_ram()), over the same RAM list the model is told.
 *  - amo_mg_check(), after every tracker call: the table oracle
 *    (tests/oracle/table.h); for every page of every device the test added:
 *    mapped, a valid leaf is guarded (AM_MMIO_SW_GUARDED, and the
 *    hypervisor has its granule) and translates as Device-nGnRE read/write,
 *    never executable; a parked one is lazy (AM_MMIO_SW_LAZY) and faults;
 *    the tracker's device list is the test's; every granule the hypervisor
 *    guards touches a device; and the hypervisor's guarded set equals what
 *    the tracker believes: the granules of its valid guarded pages and
 *    those it remembers guarded but not mapped (pending), with its count.
 *  - amo_mg_snap() / amo_mg_unchanged(): a refused call changed no table
 *    byte, list, count, nor the hypervisor, and (unless told otherwise)
 *    made no hypercall.
 *  - amo_hyp_diff(): the library's hypervisor side and the model agree:
 *    the guarded sets, the enroll flag, the access answers around a range.
 *
 * Each check returns NULL, or why it failed (a static buffer, valid until
 * the next check).
 */
#ifndef ARMMAP_TESTS_ORACLE_MMIO_GUARD_H
#define ARMMAP_TESTS_ORACLE_MMIO_GUARD_H

#include <stdbool.h>
#include <stdint.h>

#include <armmap/mmio_guard.h>

#include "model/mmio_hyp.h"
#include "model/vmsa.h"
#include "tests/oracle/table.h"

/* ---------------------------------------------------------- transport -- */

#define AMO_XLOG 4096u

/* The guest's hypercalls, logged (the first AMO_XLOG), then served. */
struct amo_xport {
	struct mmioh *m;       /* the model, */
	struct am_mmio_hyp *h; /* or the library's side (m NULL) */
	unsigned long n;       /* calls made */
	struct mmioh_call_rec rec[AMO_XLOG];
};

/* amo_xcall() - the transport's call (ctx: a struct amo_xport). */
int64_t amo_xcall(void *ctx, uint32_t fid, uint64_t arg);

/* Calls of @fid among the logged calls from @from on. */
unsigned long amo_xcalls_of(const struct amo_xport *x, uint32_t fid, unsigned long from);

/* Guest RAM, as the library's hypervisor side asks about it. */
#define AMO_RAM_MAX 8u
struct amo_ram {
	uint64_t base[AMO_RAM_MAX], size[AMO_RAM_MAX];
	unsigned int n;
	uint64_t granule;	/* the size each question should have */
	unsigned long calls;	/* questions asked */
	unsigned long bad_size; /* of another size than @granule */
};

/* amo_is_ram() - the is_ram hook of struct am_mmio_hyp_config (ctx: a struct amo_ram). */
bool amo_is_ram(void *ctx, uint64_t ipa, uint64_t size);

/* --------------------------------------------------------- the tracker -- */

#define AMO_MG_DEV 64u
#define AMO_MG_LIST 64u /* list entries a snapshot keeps */

/* One tracker under watch, with its table and its hypervisor. */
struct amo_mg {
	struct am_host_pt *h;
	struct am_pt *pt;
	struct vmsa_cfg vc;
	struct am_mmio_tracker *t;
	struct amo_xport *x; /* its transport: the hypervisor it talks to */
	uint64_t granule;    /* the hypervisor's */
	/* the devices added, as the test knows them */
	unsigned int ndev;
	uint64_t dev_base[AMO_MG_DEV], dev_size[AMO_MG_DEV];
};

/*
 * amo_mg_attach() - watch @t, on stage-1 EL2 table @pt (@ia_bits) in the
 * pool of @h, talking through @x to a hypervisor with @granule: the
 * walker's view and the TLB model on, no device yet.
 */
void amo_mg_attach(struct amo_mg *o, struct am_host_pt *h, struct am_pt *pt, unsigned int ia_bits,
		   struct am_mmio_tracker *t, struct amo_xport *x, uint64_t granule);

/* amo_mg_add_dev() - a device was added: check it from now on, the TLB may cache it. */
bool amo_mg_add_dev(struct amo_mg *o, uint64_t base, uint64_t size);

/* The hypervisor's answers, whichever it is. */
bool amo_mg_hyp_guarded(const struct amo_mg *o, uint64_t ipa);
unsigned int amo_mg_hyp_nr(const struct amo_mg *o);
bool amo_mg_hyp_allowed(const struct amo_mg *o, uint64_t ipa, uint64_t size);

/* A device page as the table has it (through am_pt_query()). */
struct amo_mg_page {
	int rc;
	uint8_t valid, sw, level;
};

/* amo_mg_page() - the leaf at @va in *@p: must be Device-nGnRE, identity. */
const char *amo_mg_page(const struct amo_mg *o, uint64_t va, struct amo_mg_page *p);

/* amo_mg_check() - everything above, after a call. */
const char *amo_mg_check(struct amo_mg *o);

struct amo_mg_snap {
	struct amo_table_snap t;
	unsigned long calls, guarded;
	unsigned int nr_ram, nr_mmio, hyp_nr;
	struct am_mem_region ram[AMO_MG_LIST], mmio[AMO_MG_LIST];
};

void amo_mg_snap(struct amo_mg_snap *s, const struct amo_mg *o);
/*
 * amo_mg_unchanged() - tables, maintenance, lists as they were; with
 * @no_call also no hypercall, the hypervisor's set and the tracker's count
 * as they were.
 */
const char *amo_mg_unchanged(const struct amo_mg_snap *s, const struct amo_mg *o, bool no_call);

/* ------------------------------------------------ the hypervisor side -- */

/*
 * amo_hyp_diff() - the library's side @h and the model @m hold the same
 * guarded granules and enroll flag, and answer every access check alike:
 * 4 bytes at every half granule of [lo, hi), and the 4 bytes that straddle
 * each half-granule boundary.
 */
const char *amo_hyp_diff(const struct am_mmio_hyp *h, const struct mmioh *m, uint64_t lo,
			 uint64_t hi);

#endif
