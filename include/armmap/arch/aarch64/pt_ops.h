/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * AArch64 bare-metal backend of struct am_pt_ops: TLB maintenance with the
 * inner-shareable TLBI forms, DSB/ISB barriers, and table pages from a
 * static page pool the caller hands over, in pages of the tables' granule
 * (4, 16 or 64 KiB: am_aarch64_pt_ctx_init_g()). Runs at EL2 (for stage 1 EL1&0
 * tables also at EL1, see below). The pool is used through its
 * own addresses: PA == VA (an identity-mapped hypervisor or firmware, or
 * the MMU off), so table_va is NULL.
 *
 * Also the EL2 helpers around a table: turn the EL2 stage-1 MMU on with it,
 * and ask the hardware (AT S1E2R / S1E2W) what an address translates to.
 *
 * Each flush (struct am_pt_flush) is carried out whole by
 * am_aarch64_pt_flush(): DSB ISHST, its invalidations, DSB ISH; ISB. The
 * TLBI forms, all inner shareable:
 *  - stage 1 EL2: VALE2IS / VAE2IS (VA[55:12] in [43:0]), ALLE2IS for "all";
 *  - stage 1 EL1&0: VALE1IS / VAE1IS (ASID in [63:48]), and VMALLE1IS for
 *    "all": ASIDE1IS would leave global (nG = 0) entries;
 *  - stage 2: IPAS2LE1IS / IPAS2E1IS (IPA[51:12] in [39:0]), VMALLS12E1IS
 *    for "all"; after a list that invalidated IPAs, VMALLE1IS; DSB ISH; ISB.
 *
 * No TTL hint is given to these (bits [47:44] zero: valid with or without
 * FEAT_TTL). With FEAT_TLBIRANGE (ID_AA64ISAR0_EL1.TLB = 0b0010, read by
 * am_aarch64_pt_ctx_init() into ctx->tlbi_range, reported by caps), a
 * range is RVALE2IS / RVAE2IS, RVALE1IS / RVAE1IS (ASID in [63:48]),
 * RIPAS2LE1IS / RIPAS2E1IS, cut into operands by tlbi_range.h (TG the
 * table's granule, SCALE, NUM, the TTL hint of the range, BaseADDR in
 * granules): up to five instructions for a range of up to 2^21 granules
 * (8 GiB of 4 KiB pages), an odd granule a plain TLBI.
 *
 * Stage 2: the by-IPA forms, VMALLS12E1IS and VMALLE1IS act on the VMID
 * that VTTBR_EL2 holds when they execute, not on an operand. A flush that
 * invalidates therefore loads the scope's VMID into VTTBR_EL2.VMID (when it
 * is not there already) and restores the previous VTTBR_EL2 before it
 * returns, after its invalidations and the final VMALLE1IS have completed:
 * nothing is carried from one flush to the next. The caller must not run
 * its EL1&0 guest on this CPU meanwhile: it does not, since the call runs
 * at EL2.
 *
 * Stage 1 EL1&0: executed at EL2, the EL1 forms act on the VMID in
 * VTTBR_EL2 too (a guest's own stage 1); the scope carries no VMID for
 * them, so the caller must have the guest's VMID loaded. Executed at EL1
 * (firmware managing its own tables), they are the ordinary EL1 forms;
 * the stage 1 EL2 and stage 2 forms are UNDEFINED there.
 */
#ifndef ARMMAP_ARCH_AARCH64_PT_OPS_H
#define ARMMAP_ARCH_AARCH64_PT_OPS_H

#include <armmap/pt.h>

#include <armmap/arch/aarch64/spinlock.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Pools of up to this many pages keep their bitmap in the context; a larger
 * pool keeps it in its own first pages (one page of bitmap per 8 * page
 * pages: per 128 MiB of pool with 4 KiB pages, 2 GiB with 16 KiB, 32 GiB
 * with 64 KiB), which are then not handed out.
 */
#define AM_AARCH64_POOL_INLINE_PAGES 512u

/**
 * The context to pass to am_pt_init() with these ops: the page pool and the
 * backend's small state. Set up with am_aarch64_pt_ctx_init() (4 KiB
 * pages) or am_aarch64_pt_ctx_init_g() (4, 16 or 64 KiB); one context per
 * table (the stage-2 state is per table), whose page size must be the
 * table's granule (am_pt_config.granule): the engine takes each page as one
 * table of its granule and checks only its alignment, so a 4 KiB pool
 * under a 64 KiB table would have tables overlap. The pool has no size
 * limit but the address space: up to 2^32 - 1 pages. A caller that wants a
 * tighter budget wraps alloc_table (see am_aarch64_alloc_table()).
 */
struct am_aarch64_pt_ctx {
	uint8_t *pool;	     /**< the first page handed out: page-aligned, PA == VA */
	unsigned int page;   /**< bytes per page: 4096, 16384 or 65536 (the tables' granule) */
	unsigned int pages;  /**< pages that can be handed out */
	unsigned int in_use; /**< pages handed out and not given back */
	unsigned int hint;   /**< where the next search for a free page starts */
	uint64_t *used; /**< bitmap, bit set: page handed out (inline_used or the pool's start) */
	/** the bitmap of a pool of up to #AM_AARCH64_POOL_INLINE_PAGES pages */
	uint64_t inline_used[AM_AARCH64_POOL_INLINE_PAGES / 64];
	/** FEAT_TLBIRANGE: set by am_aarch64_pt_ctx_init() from the CPU; clear it
	 * before am_pt_init() to have a table use no range invalidation */
	bool tlbi_range;
	/** SMP: the lock of am_aarch64_pt_lock() / am_aarch64_pt_unlock(); NULL: none */
	struct am_aarch64_spinlock *lock;
	/** @name Counters, for diagnostics
	 * @{ */
	/** @var am_aarch64_pt_ctx::frees
	 * pages given back (frees that were not refused) */
	/** @var am_aarch64_pt_ctx::alloc_fails
	 * allocations refused: the pool is full (or NULL arguments) */
	/** @var am_aarch64_pt_ctx::bad_frees
	 * frees refused: a page not handed out, or a wrong PA */
	/** @var am_aarch64_pt_ctx::publishes
	 * DSB ISHST of the flushes */
	/** allocations that handed out a page */
	unsigned long allocs, frees, alloc_fails, bad_frees;
	unsigned long tlbis;		    /**< plain TLBIs by address */
	unsigned long tlbi_ranges;	    /**< range TLBIs (instructions) */
	unsigned long tlbi_alls;	    /**< whole-regime TLBIs */
	unsigned long publishes, completes; /**< DSB ISH of the flushes */

	/** @} */
};

/**
 * A context over the pool [pool, pool + bytes), in pages of @p page bytes.
 *
 * Whole pages only; a pool of more than #AM_AARCH64_POOL_INLINE_PAGES
 * pages gives its first pages to its bitmap (zeroed here, so the pool must
 * be writable); no lock; tlbi_range from the CPU
 * (am_aarch64_has_tlbi_range()). Every table page it hands out is one page
 * of @p page bytes, aligned to it (alloc_tables: @p n pages, aligned to
 * @p n pages), so @p page must be the granule of the table(s) it serves.
 * On an error nothing is written.
 *
 * @param ctx    the context
 * @param pool   the pool's first page (PA == VA)
 * @param bytes  the pool's size in bytes
 * @param page   bytes per page: 4096, 16384 or 65536
 *               (#AM_PT_GRANULE_4K, #AM_PT_GRANULE_16K, #AM_PT_GRANULE_64K)
 * @return 0, or
 *  - #AM_EINVAL  NULL, @p page not 4, 16 or 64 KiB, @p pool not aligned to
 *                @p page, @p bytes not a non-zero multiple of @p page;
 *  - #AM_ERANGE  2^32 pages or more, or a pool that wraps the address space.
 */
int am_aarch64_pt_ctx_init_g(struct am_aarch64_pt_ctx *ctx, void *pool, size_t bytes, size_t page);

/**
 * A context over the pool [pool, pool + bytes) in 4 KiB pages:
 * am_aarch64_pt_ctx_init_g() with a page of 4096 bytes.
 *
 * @param ctx    the context
 * @param pool   the pool's first page (PA == VA)
 * @param bytes  the pool's size in bytes
 * @return 0, or
 *  - #AM_EINVAL  NULL, @p pool not 4 KiB aligned, @p bytes not a non-zero
 *                multiple of 4 KiB;
 *  - #AM_ERANGE  2^32 pages or more, or a pool that wraps the address space.
 */
int am_aarch64_pt_ctx_init(struct am_aarch64_pt_ctx *ctx, void *pool, size_t bytes);

/**
 * The backend: alloc_table, free_table, flush, caps; table_va NULL; no
 * lock and no log. A caller that wants them copies the table and sets
 * env.lock / env.unlock / env.log in its copy.
 */
extern const struct am_pt_ops am_aarch64_pt_ops;

/**
 * @name SMP: the lock hooks
 * The lock hooks for a table (or a P2M: its ops->env) whose ctx is a
 * struct am_aarch64_pt_ctx: they take and release the spinlock ctx->lock
 * (spinlock.h), and do nothing while it is NULL (one CPU, e.g. building
 * the boot table with the MMU off, where exclusives need not work; set
 * ctx->lock before a second CPU uses the instance). The pool, the
 * counters and the stage-2 state of the context are shared by the CPUs:
 * they are the lock's to guard. Every table invalidation of the backend is
 * inner shareable, so one CPU's call keeps the TLBs of every CPU coherent.
 * @{
 */
/**
 * The env.lock hook: take ctx->lock; nothing while it is NULL.
 *
 * @param ctx  a struct am_aarch64_pt_ctx
 */
void am_aarch64_pt_lock(void *ctx);
/**
 * The env.unlock hook: release ctx->lock; nothing while it is NULL.
 *
 * @param ctx  a struct am_aarch64_pt_ctx
 */
void am_aarch64_pt_unlock(void *ctx);
/** @} */

/**
 * @name The individual ops
 * The individual ops, for callers that build their own table.
 * @{
 */
/**
 * The alloc_table op (struct am_pt_ops): a free page of the pool (ctx->page
 * bytes, aligned to them).
 *
 * @param ctx  a struct am_aarch64_pt_ctx
 * @param pa   where the page's PA goes (the same as its address)
 * @return the page, or NULL when the pool has none.
 */
void *am_aarch64_alloc_table(void *ctx, am_paddr_t *pa);
/**
 * The free_table op (struct am_pt_ops): give a page back to the pool.
 *
 * @param ctx    a struct am_aarch64_pt_ctx
 * @param table  the page
 * @param pa     its PA
 */
void am_aarch64_free_table(void *ctx, void *table, am_paddr_t pa);
/**
 * The alloc_tables op (struct am_pt_ops): @p n contiguous pages of the
 * pool (2 to 16, a power of two), aligned to their size (@p n *
 * ctx->page bytes), for a concatenated stage-2 root.
 *
 * @param ctx  a struct am_aarch64_pt_ctx
 * @param n    how many pages
 * @param pa   where the first page's PA goes (the same as its address)
 * @return the first page, or NULL when the pool has no such run.
 */
void *am_aarch64_alloc_tables(void *ctx, unsigned int n, am_paddr_t *pa);
/**
 * The free_tables op (struct am_pt_ops): give the @p n pages back.
 *
 * @param ctx     a struct am_aarch64_pt_ctx
 * @param tables  the first page
 * @param pa      its PA
 * @param n       how many pages
 */
void am_aarch64_free_tables(void *ctx, void *tables, am_paddr_t pa, unsigned int n);
/**
 * The flush op (struct am_pt_ops): carry out @p f whole (see the file's
 * description for the barriers and TLBI forms).
 *
 * @param ctx  a struct am_aarch64_pt_ctx
 * @param f    the flush
 */
void am_aarch64_pt_flush(void *ctx, const struct am_pt_flush *f);
/**
 * The caps op (struct am_pt_ops).
 *
 * @param ctx  a struct am_aarch64_pt_ctx
 * @return #AM_PT_CAP_TLBI_RANGE when ctx->tlbi_range is set; 0 for a NULL
 * @p ctx.
 */
unsigned int am_aarch64_pt_caps(void *ctx);
/** @} */
/**
 * Whether the CPU has FEAT_TLBIRANGE.
 *
 * @return true when ID_AA64ISAR0_EL1.TLB reads 0b0010 (FEAT_TLBIRANGE).
 */
bool am_aarch64_has_tlbi_range(void);

/* ---------------------------------------------------------------------- */
/* EL2 stage 1                                                             */
/* ---------------------------------------------------------------------- */

/**
 * Turn on the EL2 stage-1 MMU with the given MAIR_EL2, TCR_EL2 (its RES1
 * bits are added) and TTBR0_EL2: write them, invalidate the EL2 TLB and the
 * instruction cache, then set SCTLR_EL2.M, C, I and SA (A, WXN and EE
 * cleared, the RES1 bits set).
 *
 * The code that calls it must be mapped at its current address (identity).
 * No data cache maintenance is done: the tables and everything written with
 * the MMU off must not have stale lines in the data cache (true after reset;
 * a loader that ran with caches on must have cleaned and invalidated them).
 *
 * @param mair  the value for MAIR_EL2
 * @param tcr   the value for TCR_EL2, without its RES1 bits
 * @param ttbr  the value for TTBR0_EL2
 * @return 0, or #AM_EPERM when not running at EL2.
 */
int am_aarch64_el2_mmu_enable(uint64_t mair, uint64_t tcr, uint64_t ttbr);

/**
 * am_aarch64_el2_mmu_enable() with am_pt_mair(), am_pt_tcr() and
 * am_pt_ttbr() of @p pt.
 *
 * @param pt  the table
 * @return as am_aarch64_el2_mmu_enable(), or #AM_EINVAL for a NULL @p pt.
 */
int am_aarch64_el2_mmu_enable_pt(const struct am_pt *pt);

/**
 * Whether the EL2 stage-1 MMU is on.
 *
 * @return true when SCTLR_EL2.M is set.
 */
bool am_aarch64_el2_mmu_is_on(void);

/**
 * The physical address size the PE implements (ID_AA64MMFR0_EL1.PARange).
 *
 * A table's oa_bits should not exceed it.
 *
 * @return 32, 36, 40, 42, 44, 48 or 52.
 */
unsigned int am_aarch64_pa_bits(void);

/**
 * The hardware's stage-1 EL2 translation of @p va for a read: PAR_EL1 after
 * AT S1E2R (see AM_PAR_* in sysreg.h).
 *
 * A walk that faults gives F = 1 and the fault status in FST; it raises no
 * exception.
 *
 * @param va  the virtual address
 * @return PAR_EL1.
 */
uint64_t am_aarch64_at_s1e2r(uint64_t va);
/**
 * The hardware's stage-1 EL2 translation of @p va for a write: PAR_EL1
 * after AT S1E2W (see AM_PAR_* in sysreg.h).
 *
 * A walk that faults gives F = 1 and the fault status in FST; it raises no
 * exception.
 *
 * @param va  the virtual address
 * @return PAR_EL1.
 */
uint64_t am_aarch64_at_s1e2w(uint64_t va);

#ifdef __cplusplus
}
#endif

#endif
