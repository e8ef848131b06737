/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host translation-table backend for tests and the benchmark: am_pt_ops
 * over a pool of fake physical pages (allocation bookkeeping, failure
 * injection, garbage-filled pages or, with cap_zeroed, zeroed ones), each
 * flush's barriers and TLB
 * maintenance carried out on the TLB model (model/tlb.h) when it is on
 * (FEAT_TLBIRANGE as a setting, cap_tlbi_range: ranges reach the model as
 * the aarch64 backend's operands), lock counting and log
 * capture like arch/host/mpu_model.h.
 */
#ifndef ARMMAP_ARCH_HOST_PT_HOST_H
#define ARMMAP_ARCH_HOST_PT_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <armmap/pt.h>

#include "model/tlb.h"
#include "model/vmsa.h"

/* Log records kept; the same value (and spelling) as arch/host/mpu_model.h. */
#define AM_HOST_LOG_MAX 64
#define AM_HOST_PT_PAGE 4096u
#define AM_HOST_PT_PA_BASE 0x80000000ull
#define AM_HOST_PT_GARBAGE 0xa5u /* content of a page the library did not write */
#define AM_HOST_PT_RING 64u	 /* TLBI requests kept */

/* One TLBI request (or, as last_scope, a flush's scope). */
struct am_host_pt_tlbi {
	uint8_t regime; /* enum am_pt_regime */
	uint8_t level;	/* the entry's level; a range: its TTL hint */
	uint8_t leaf;	/* the leaf-only form */
	uint8_t all;	/* everything of the regime */
	uint8_t range;	/* a range instruction (RVAE2IS ...) */
	uint16_t asid, vmid;
	uint64_t addr;	/* the entry, or the range's first page */
	uint64_t pages; /* range: pages covered by this instruction */
	uint64_t op;	/* range (and the odd page of one): the operand */
};

/* The last barrier the backend saw (am_host_pt.last_bar). */
enum am_host_pt_bar {
	AM_HOST_PT_BAR_NONE = 0,
	AM_HOST_PT_BAR_PUBLISH = 1,
	AM_HOST_PT_BAR_COMPLETE = 2,
};

struct am_host_pt {
	/* The pool: page i has the fake PA pa_base + i * page. */
	uint8_t *pool;
	size_t pages;
	size_t page;	  /* bytes a page: the tables' granule (AM_HOST_PT_PAGE unless _init_g) */
	uint64_t pa_base; /* AM_HOST_PT_PA_BASE unless the test changes it after init */
	uint8_t *used;	  /* one flag per page */

	/* Allocation bookkeeping (all ops tables). */
	unsigned long allocs;	    /* alloc_table calls */
	long fail_at;		    /* allocation number (from 0, counted since the last
				     * am_host_pt_fail_at()) that returns NULL; -1 never */
	bool fail_sticky;	    /* true: every allocation from fail_at on fails */
	unsigned long alloc_seq;    /* allocations since the last am_host_pt_fail_at() */
	unsigned long alloc_failed; /* NULL returns: injected or pool exhausted */
	size_t in_use, max_in_use;
	unsigned long frees;
	unsigned long bad_frees;    /* a page not allocated, or a wrong va/pa pair */
	unsigned long bad_table_va; /* table_va asked for a PA outside the pool */
	size_t cursor;		    /* next-fit allocation cursor */

	/* TLB model (am_host_pt_ops only). Each flush counts as the barriers
	 * and TLBIs it stands for: PUBLISH, TLBIs, COMPLETE. */
	struct tlbm tlb;
	bool tlb_on;
	bool cap_tlbi_range;	      /* caps() reports FEAT_TLBIRANGE (all ops tables) */
	bool cap_zeroed;	      /* caps() reports AM_PT_CAP_ZEROED: pages handed out
				       * zeroed, not filled with garbage */
	unsigned long flushes;	      /* flush calls */
	unsigned long bad_flushes;    /* flushes that break the contract of pt.h */
	unsigned long tlbi;	      /* plain TLBIs by address (an entry, or a range's odd page) */
	unsigned long tlbi_all;	      /* whole-regime TLBIs */
	unsigned long tlbi_range;     /* range TLBI instructions */
	unsigned long tlbi_range_inv; /* range invalidations (each one or more instructions) */
	unsigned long bad_ranges;     /* range operands the model could not decode */
	unsigned long publish, complete; /* barriers */
	unsigned long tlbi_between;	 /* TLBIs not preceded by a PUBLISH: the last
					  * barrier was COMPLETE, or none yet */
	unsigned long open_tlbi;	 /* TLBIs not yet followed by a COMPLETE */
	enum am_host_pt_bar last_bar;
	struct am_host_pt_tlbi last_tlbi;	      /* the last TLBI request */
	struct am_host_pt_tlbi last_scope;	      /* the scope of the last flush (all: ALL) */
	struct am_host_pt_tlbi ring[AM_HOST_PT_RING]; /* request n is ring[n % AM_HOST_PT_RING] */
	unsigned long nring;			      /* requests seen (every TLBI) */

	/* Lock counting and log capture, as struct am_host_mpu. */
	int lock_depth;
	int max_lock_depth;
	unsigned long locks, unlocks;
	struct am_log_rec log[AM_HOST_LOG_MAX];
	unsigned int nlog;
	unsigned long nlog_total;
	unsigned long unlocked_logs; /* records made with the lock not held (lock_depth 0) */
	bool log_debug;
};

/* Ops whose ctx is a struct am_host_pt: every hook, the TLB model when tlb_on. */
extern const struct am_pt_ops am_host_pt_ops;
/*
 * For the benchmark: allocation, free and table_va with their bookkeeping;
 * no lock or log hooks; flush does nothing (no model, no counters); caps as
 * am_host_pt_ops (cap_tlbi_range, cap_zeroed).
 */
extern const struct am_pt_ops am_host_pt_ops_bare;

/*
 * am_host_pt_init() - a pool of @pages pages, each filled with
 * AM_HOST_PT_GARBAGE (as is every page handed out, unless cap_zeroed, and
 * every page given back), so the library must zero what it allocates.
 * fail_at -1, TLB model off. Returns 0, or -1 (@pages 0 or no memory).
 */
int am_host_pt_init(struct am_host_pt *h, size_t pages);

/* am_host_pt_init_g() - as am_host_pt_init(), pages of @page bytes (4096,
 * 16384, 65536: the granule of the tables it serves). -1 for another size. */
int am_host_pt_init_g(struct am_host_pt *h, size_t pages, size_t page);

/* am_host_pt_fini() - free the pool; @h is zeroed. */
void am_host_pt_fini(struct am_host_pt *h);

/*
 * am_host_pt_fail_at() - restart the allocation count: allocation number @n
 * from now (0 = the next one) returns NULL; -1: none. Clears fail_sticky.
 */
void am_host_pt_fail_at(struct am_host_pt *h, long n);

/*
 * am_host_pt_read() - a vmsa_read_fn over the pool (@h is the struct
 * am_host_pt): only 8-byte aligned reads of allocated pages succeed.
 */
uint64_t am_host_pt_read(void *h, uint64_t pa, bool *ok);

/* am_host_pt_va() - the pool address of @pa, NULL outside the pool. */
void *am_host_pt_va(struct am_host_pt *h, uint64_t pa);

/* am_host_pt_allocated() - whether the page holding @pa is allocated. */
bool am_host_pt_allocated(const struct am_host_pt *h, uint64_t pa);

/*
 * am_host_pt_tlb() - set up the TLB model for the table at @root_pa and
 * turn it on (tlb_on). Add what the hardware may cache with
 * tlbm_watch(&h->tlb, ...). The model counts every table freed while it
 * still caches a pointer to it: before am_pt_destroy(), which assumes that
 * no CPU uses the table, call am_host_pt_tlb_flush() or clear tlb_on.
 */
void am_host_pt_tlb(struct am_host_pt *h, int regime, unsigned int ia_bits, unsigned int oa_bits,
		    uint64_t root_pa, uint64_t mair, uint16_t asid_or_vmid);

/* am_host_pt_tlb_flush() - drop every cached entry, counting nothing. */
void am_host_pt_tlb_flush(struct am_host_pt *h);

/* am_host_pt_tlbi_at() - the @n-th TLBI request (from 0), NULL if not kept. */
const struct am_host_pt_tlbi *am_host_pt_tlbi_at(const struct am_host_pt *h, unsigned long n);

/* am_host_pt_logged() - count of kept records of @ev (with arg0 == @arg0 unless @arg0 is ~0). */
unsigned int am_host_pt_logged(const struct am_host_pt *h, enum am_log_event ev, uint64_t arg0);

/* am_host_pt_clear_log() - forget the kept records. */
void am_host_pt_clear_log(struct am_host_pt *h);

#endif
