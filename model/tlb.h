/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A TLB model for one translation regime (one ASID or VMID) over live
 * translation tables, written from the Arm ARM, independently of src/. It
 * caches what the hardware may cache, at any moment it is given (every
 * event), and reports what the caching exposes:
 *
 *  - bbm_violations: a cached translation (leaf entry, live or dying) was
 *    replaced by another VALID one that differs (output address, span,
 *    level, attribute bits or permissions) before its invalidation completed;
 *    or a cached table pointer (walk-cache entry) now leads to another table
 *    or to a valid block. A faulting walk is fine: invalidation pending.
 *    As the architecture allows, a change of AP / S2AP, PXN and XN / UXN
 *    alone (TLBM_PERM_MASK, and the permissions the tables imply) is not a
 *    violation (perm_in_place, the default); the invalidation is still
 *    required (stale). With perm_in_place clear the model is stricter: any
 *    valid-to-valid change in place is a violation.
 *    Software bits [58:55] are not compared (the hardware ignores them).
 *  - stale (tlbm_check_end()): an entry still cached after an operation
 *    that no longer matches a fresh walk: an invalidation that never came.
 *  - freed_in_use: a table page freed while a walk-cache entry (live or
 *    dying) still names it.
 *  - bad_walks: a fill walk that found a broken descriptor (bad-descriptor,
 *    contiguous, address-size or external-abort fault): the hardware was
 *    shown tables it cannot use. Counted at every fill that sees it.
 *  - model_errors: the model ran out of room (entries, watches); the
 *    results are then incomplete.
 * Each entry is counted at most once as a violation and once as stale
 * (until tlbm_reset_counts()).
 *
 * Every event (tlbm_tlbi_va(), tlbm_tlbi_all(), tlbm_barrier(),
 * tlbm_free_table()) first CHECKS the cache against the live tables, then
 * APPLIES itself, then FILLS (tlbm_fill()).
 *
 * Invalidation follows the architecture: by VA (TLBI VAE2 / VAE1 / IPAS2E1
 * and their leaf-only forms) hits the leaf entries whose span contains the
 * address and, unless leaf-only, the walk-cache entries whose span contains
 * it; by range (FEAT_TLBIRANGE: RVAE2 / RVAE1 / RIPAS2E1 and the leaf-only
 * forms, decoded from their operand) the entries whose span meets the
 * range, leaf entries only of the TTL's level when it gives one; by regime
 * (ALLE2 / ASIDE1 / VMALLS12E1) hits everything, EXCEPT that TLBI ASIDE1
 * leaves global (nG = 0) leaf entries alone. Stage 1 EL1&0: the ASID must
 * match, but a by-VA (or range) invalidation hits global entries whatever its
 * ASID; stage 2: the VMID must match; stage 1 EL2: no identifier. An
 * invalidation for another regime does nothing. TTL hints are modelled for
 * ranges only (the by-VA forms armmap issues carry none).
 *
 * Walk-cache entries are the non-root tables on the path of every walk a
 * fill makes, faulting walks included (the architecture lets the valid
 * table descriptors above a faulting entry be cached); the root comes from
 * the TTBR, which the model takes as fixed.
 *
 * It includes nothing from src/ or include/armmap/.
 */
#ifndef ARMMAP_MODEL_TLB_H
#define ARMMAP_MODEL_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "model/vmsa.h"

#define TLBM_MAX_LEAF 8192
#define TLBM_MAX_WALK 4096
#define TLBM_MAX_WATCH 1024	     /* watch ranges */
#define TLBM_MAX_WATCH_ADDRS 65536ul /* addresses in all watch ranges */

/* Descriptor bits a leaf entry keeps: [11:2] and [54:50]. */
#define TLBM_ATTR_MASK 0x007c000000000ffcull
/* Of those, the permission bits: AP[2:1] / S2AP (7:6), PXN (53), XN / UXN (54). */
#define TLBM_PERM_MASK 0x00600000000000c0ull

/* tlbm_leaf.perms / tlbm_perms() */
#define TLBM_P_PRIV_R 0x01u
#define TLBM_P_PRIV_W 0x02u
#define TLBM_P_PRIV_X 0x04u
#define TLBM_P_USER_R 0x08u
#define TLBM_P_USER_W 0x10u
#define TLBM_P_USER_X 0x20u

/* Entry flags. */
#define TLBM_E_DYING 0x01u /* invalidated, not yet completed */
#define TLBM_E_BBM_COUNTED 0x02u
#define TLBM_E_STALE_COUNTED 0x04u

/* A cached translation. */
struct tlbm_leaf {
	uint64_t va, size; /* the span cached: the leaf, or its contiguous run */
	uint64_t pa;	   /* output address of va */
	uint64_t attrs;	   /* descriptor & TLBM_ATTR_MASK */
	uint8_t level;
	uint8_t perms; /* TLBM_P_*, hierarchical controls applied */
	uint8_t ng;
	uint8_t flags; /* TLBM_E_* */
};

/* A cached table pointer: the table at @level serves [va, va + size). */
struct tlbm_walk {
	uint64_t va, size;
	uint64_t pa; /* the table */
	uint8_t level;
	uint8_t flags; /* TLBM_E_* */
};

struct tlbm_watch {
	uint64_t va, size, stride;
};

struct tlbm {
	struct vmsa_cfg cfg;
	vmsa_read_fn rd;
	void *ctx;
	uint16_t id;	    /* ASID (stage 1 EL1&0), VMID (stage 2), unused (EL2) */
	bool walk_faults;   /* cache the tables of faulting walks too (default true) */
	bool perm_in_place; /* permission-only changes need no break-before-make
			     * (the architecture's rule; default true) */

	unsigned int nleaf, nwalk, nwatch;
	unsigned long watch_addrs;
	struct tlbm_leaf leaf[TLBM_MAX_LEAF]; /* sorted by va */
	uint64_t leaf_maxend[TLBM_MAX_LEAF];  /* max(va + size) of leaf[0..i] */
	struct tlbm_walk walk[TLBM_MAX_WALK];
	struct tlbm_watch watch[TLBM_MAX_WATCH];
	unsigned int walk_hint[4]; /* last walk entry found per level */

	/* Counters (see above). */
	unsigned long bbm_violations, stale, freed_in_use, model_errors, bad_walks;
	unsigned long events;  /* tlbi, barrier and free_table events seen */
	char first_error[160]; /* text of the first problem, "" if none */
};

/*
 * tlbm_init() - an empty TLB for the regime of @cfg, tables read through
 * @rd(@ctx, ...), identifier @asid_or_vmid; no watches, counters 0.
 */
void tlbm_init(struct tlbm *t, const struct vmsa_cfg *cfg, vmsa_read_fn rd, void *ctx,
	       uint16_t asid_or_vmid);

/*
 * tlbm_watch() - the hardware may cache the addresses va, va + stride, ...
 * below va + size (stride 0: 4 KiB). More than TLBM_MAX_WATCH ranges or
 * TLBM_MAX_WATCH_ADDRS addresses in all: a model error, the range is not
 * added.
 */
void tlbm_watch(struct tlbm *t, uint64_t va, uint64_t size, uint64_t stride);

/*
 * tlbm_fill() - cache every watched address that translates now, unless an
 * entry (dying ones included) covers it already, with the walk-cache entries
 * of its path.
 */
void tlbm_fill(struct tlbm *t);

/* tlbm_tlbi_va() - TLBI by address (leaf_only: the VALE / IPAS2LE forms). */
void tlbm_tlbi_va(struct tlbm *t, int regime, uint16_t asid_or_vmid, uint64_t va, bool leaf_only);

/* A range TLBI's operand, decoded (tlbm_range_decode()). */
struct tlbm_range {
	uint64_t va, size; /* [va, va + size) */
	unsigned int ttl;  /* 0: any level; 1..3: only leaf entries of that level */
	uint16_t asid;	   /* operand [63:48] */
};

/*
 * tlbm_range_decode() - the operand @op of TLBI RVAE2IS / RVALE2IS /
 * RVAE1IS / RVALE1IS / RIPAS2E1IS / RIPAS2LE1IS, read as the Arm ARM
 * defines it: ASID [63:48], TG [47:46] (only 0b01, 4 KiB, is accepted),
 * SCALE [45:44], NUM [43:39], TTL [38:37], BaseADDR [36:0] (address
 * [48:12]); the range is (NUM + 1) * 2^(5 * SCALE + 1) pages. Returns false
 * for another TG.
 */
bool tlbm_range_decode(uint64_t op, struct tlbm_range *out);
/* tlbm_range_decode() with FEAT_LPA2 in use when @ds (TCR.DS = 1):
 * BaseADDR in 64 KiB units whatever TG says. */
bool tlbm_range_decode_ds(uint64_t op, bool ds, struct tlbm_range *out);

/*
 * tlbm_tlbi_range() - a range TLBI: every leaf entry with a page in the
 * range (its span meets it), of the TTL's level when the TTL is not 0, and
 * unless @leaf_only every walk-cache entry whose span meets it; ASID and
 * VMID rules as tlbm_tlbi_va() (@asid_or_vmid: the operand's ASID for EL1&0,
 * VTTBR_EL2.VMID for stage 2).
 */
void tlbm_tlbi_range(struct tlbm *t, int regime, uint16_t asid_or_vmid, const struct tlbm_range *r,
		     bool leaf_only);

/* tlbm_tlbi_all() - TLBI ALLE2 / ASIDE1 / VMALLS12E1. */
void tlbm_tlbi_all(struct tlbm *t, int regime, uint16_t asid_or_vmid);
/* tlbm_tlbi_vmalle1() - TLBI VMALLE1: every EL1&0 entry of the VMID, any
 * ASID, global ones included (no effect on a model of another regime). */
void tlbm_tlbi_vmalle1(struct tlbm *t);

/* tlbm_barrier() - complete (DSB ISH): dying entries go; else (DSB ISHST) nothing. */
void tlbm_barrier(struct tlbm *t, bool complete);

/* tlbm_free_table() - the table page at @pa is given back. */
void tlbm_free_table(struct tlbm *t, uint64_t pa);

/*
 * tlbm_check_end() - after an operation: every cached leaf entry must match
 * a fresh walk at its va (valid, same pa, span, level, attributes and
 * permissions), every walk-cache entry the current path. Returns the
 * entries that do not; those not counted before are added to t->stale.
 */
int tlbm_check_end(struct tlbm *t);

/* tlbm_reset_counts() - counters 0, first_error "", entries countable again. */
void tlbm_reset_counts(struct tlbm *t);

/*
 * tlbm_flush() - forget every entry without checking anything: an
 * invalidation of everything done outside the code under test (e.g. before
 * the tables are torn down while no CPU uses them).
 */
void tlbm_flush(struct tlbm *t);

/* tlbm_lookup() - the first leaf entry (live or dying) covering @va, or NULL. */
const struct tlbm_leaf *tlbm_lookup(const struct tlbm *t, uint64_t va);

/* tlbm_perms() - the TLBM_P_* bits of a walk result. */
uint8_t tlbm_perms(const struct vmsa_result *r);

#endif
