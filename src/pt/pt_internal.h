/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The translation-table engine's insides, shared by walk.c (THE walker, the
 * table reserve, the TLB-maintenance batch) and ops.c (the visitors and the
 * public calls). Not part of the public API.
 *
 * A range that is exactly one entry (a page, a block's span) takes the
 * single-leaf path first, when the visitor has a one op (pt_one_g()): the
 * lookup goes down to that entry through existing tables only, one read a
 * level (none when the walk cache keeps the entry's table: pt_wc_key()),
 * and hands it to the op, which checks the rules on it (the same
 * checks as the visitor's) and decides what it becomes, or returns
 * PT_AGAIN before anything is written when the entry needs more (a table
 * to create, to descend into or to drop, a block or a contiguous run to
 * break). The path then writes it, writes the entry count of its table
 * back into its descriptor and hands the backend one flush, with no walk
 * state; a table the entry empties is unlinked and given back there too
 * when the table above keeps others, else left through the post visits as
 * below, up the path of tables the lookup went through (pt_one_emptied()).
 * This path and pt_exec() are inline (PT_HOT): each public call gets them
 * with its one op inlined. map, unmap and modify try it before their own
 * checks when a kept template leaves little to check (their fast path,
 * ops.c).
 *
 * The walk starts where the range starts being interesting: from the root,
 * the walker itself goes down through every table entry that holds the
 * whole range but is not wholly covered by it (every visitor would only
 * descend there: pt_descend_table()), one read a level, and keeps that path
 * for the way back up (each table's post visit and its entry count).
 *
 * An operation that writes then runs its visitor over the rest:
 *  - once (w->once), when the visitor can decide the whole range in one
 *    visit of the first entry at the start table: it checks every rule on
 *    every entry it will touch first, then writes. Nothing is allocated in
 *    this mode (pt_descend_new() refuses), so there is nothing to reserve
 *    and no dry run. A visitor that cannot (a table to create or to
 *    descend into, a block or a contiguous run to break, entries left for
 *    another visit) returns PT_AGAIN before writing anything, and the call
 *    goes on as below. A refusal in this mode is the one the dry run would
 *    make first: the same checks on the same first entries.
 *  - else twice. The first run is dry: nothing is written, the rules are
 *    checked, and each table the operation would create is counted,
 *    walking "virtual" tables that stand for it (a new empty table, or a
 *    block split into its next level). Then that many pages are reserved,
 *    all at once; only then the second run writes. Both runs make the same
 *    decisions from the same descriptor values, so the commit takes
 *    exactly the pages the dry run counted (a new empty table is not
 *    walked in the dry run of a map: what it takes is arithmetic).
 * Visits decide and check and write nothing; the runs they mark go to the
 * visitor's apply op, which the walker calls only when the walk writes.
 * Either way the writes are followed by the same finish: the TLB batch
 * flushed (one flush op: PUBLISH, TLBIs, COMPLETE), then the freed tables
 * given back.
 *
 * Entry counts. Every table but the root carries, in the table descriptor
 * that links it, the number of its entries that are not zero (valid or
 * parked leaves, and tables): its low 10 bits in bits [11:2], the rest
 * (16 and 64 KiB tables have 2048 and 8192 entries) in bits [58:55]
 * (PT_CNT_MASK), which the hardware ignores in a table descriptor.
 * (FEAT_HAFT's table access flag, bit 10, and LPA2's OA[51:50], bits
 * [9:8], would claim some of them: armmap turns neither on.) An unmap
 * decides from the count alone that a table it cleared is empty and
 * unlinks it, without reading its entries.
 * The count is kept exact by construction, for every writer:
 *  - pt_write() adds the difference each single write makes (a fresh blank
 *    table reads as empty); the per-entry loops of map (zero -> leaf) and
 *    unmap (leaf -> zero) add theirs per run, and a one op reports its
 *    own (x->dcnt); modify changes leaves in place and never makes one
 *    zero (armmap's leaves always have AF set);
 *  - a fresh table starts at 0 (empty) or full (a block split into it);
 *  - a walked table carries its count in struct pt_tbl; when the walk
 *    returns from it, the count is written back into its descriptor if it
 *    changed (sync_count() in walk.c), or the table is unlinked if it is empty
 *    and the operation frees empty tables (unmap);
 *  - installing a fresh table writes its count into the new descriptor;
 *    teardown gives whole subtrees back and writes no count in them.
 * Changing ignored bits of a live table descriptor needs no TLB
 * maintenance: no walk result depends on them.
 */
#ifndef ARMMAP_PT_INTERNAL_H
#define ARMMAP_PT_INTERNAL_H

#include <armmap/errors.h>
#include <armmap/pt.h>

#include "../core/internal.h"

/*
 * The small calls' paths (pt_exec(), the single-leaf path, the lookup, the
 * one ops) are specialised into each call at -O2 (no call between the
 * layers, each visitor's one op inlined), and shared where the build
 * optimises for size (-Os), where the compiler decides.
 */
#ifdef __OPTIMIZE_SIZE__
#define PT_HOT inline
#else
#define PT_HOT inline __attribute__((always_inline))
#endif

/*
 * The granule's geometry. A table is one granule of 2^(gs - 3) entries,
 * gs = log2 of the granule (12, 14, 16); an entry at level l spans
 * 2^(gs + (gs - 3) * (3 - l)). A build with the 4 KiB granule only
 * (armmap/config.h) has it as constants.
 */
#define PT_ONLY_4K (AM_PT_GRANULES_BUILT == 1)
static inline unsigned int pt_gs(const struct am_pt *pt)
{
	return PT_ONLY_4K ? 12u : pt->gshift;
}
static inline unsigned int pt_lshift(const struct am_pt *pt, unsigned int level)
{
	/* levels 0..3 (callers never pass more); one load, or a constant */
	return PT_ONLY_4K ? 12u + 9u * (3u - level) : pt->lshift[level & 3u];
}
static inline uint64_t pt_span(const struct am_pt *pt, unsigned int level)
{
	return 1ull << pt_lshift(pt, level);
}
/* The span at @level with the granule 2^@gs: the small calls' paths take gs
 * as a constant (12) where the table's granule is 4 KiB (pt_exec()). */
static inline uint64_t pt_span_g(unsigned int gs, unsigned int level)
{
	return 1ull << (gs + (gs - 3u) * (3u - level));
}
/* Entries of a table (not a concatenated root: root_pages times that). */
static inline unsigned int pt_ents(const struct am_pt *pt)
{
	return 1u << (pt_gs(pt) - 3u);
}
/* Entries of a contiguous run at @level (a power of two; am_pt_contig_entries()). */
static inline unsigned int pt_cont(const struct am_pt *pt, unsigned int level)
{
	return PT_ONLY_4K ? 16u : pt->cont[level & 3u];
}
/* The longest contiguous run of any granule built. */
#define PT_CONT_MAX ((AM_PT_GRANULES_BUILT & 2) ? 128u : (AM_PT_GRANULES_BUILT & 4) ? 32u : 16u)
/*
 * 52-bit outputs (oa_bits 52), pt->lpa:
 *  - 1, FEAT_LPA, a 64 KiB table: descriptors hold OA[51:48] in bits
 *    [15:12] (a leaf's, and a table descriptor's next table); level-1
 *    entries may be 4 TiB blocks;
 *  - 2, FEAT_LPA2, a 4 or 16 KiB table (TCR.DS = 1): OA[49:48] in place and
 *    OA[51:50] in bits [9:8], where the shareability was (it comes from
 *    TCR.SH0 now: inner for normal memory, outer for devices); the table
 *    descriptors' entry count avoids bits [9:8]; 16 KiB takes 52-bit
 *    inputs too.
 * A plain 4 KiB table (no LPA2) has pt->slow clear: the small calls'
 * inline path (@plain) takes its geometry and encodings as constants.
 */
static inline unsigned int pt_lpa_kind(const struct am_pt *pt)
{
	return PT_ONLY_4K ? 0u : pt->lpa;
}
static inline bool pt_lpa(const struct am_pt *pt)
{
	return pt_lpa_kind(pt) == 1u;
}
/*
 * Does this table take the plain 4 KiB copy (@plain, geometry and
 * encodings as constants)? Where the build optimises for size, only a
 * 4 KiB-only build does: there one general copy serves every table.
 */
static inline bool pt_plain(const struct am_pt *pt)
{
#ifdef __OPTIMIZE_SIZE__
	(void)pt;
	return PT_ONLY_4K;
#else
	return PT_ONLY_4K || !pt->slow;
#endif
}
static inline bool pt_lpa2(const struct am_pt *pt)
{
	return pt_lpa_kind(pt) == 2u;
}
/* The output address of descriptor @e (a leaf's, or the next table's). */
static inline uint64_t pt_oa(const struct am_pt *pt, am_pte_t e)
{
	uint64_t oa = e & AM_PTE_OA_MASK;

	switch (pt_lpa_kind(pt)) {
	case 1u:
		return (oa & ~0xf000ull) | (oa & 0xf000ull) << 36;
	case 2u:
		return (e & 0x0003fffffffff000ull) | (e >> 8 & 3ull) << 50;
	default:
		return oa;
	}
}
/* The same on the plain path (@plain: a plain 4 KiB table, no 52-bit outputs). */
static inline uint64_t pt_oa_g(const struct am_pt *pt, am_pte_t e, bool plain)
{
	return plain ? e & AM_PTE_OA_MASK : pt_oa(pt, e);
}
/* The descriptor bits of output address @oa (pt_oa()'s inverse). */
static inline am_pte_t pt_oa_bits(const struct am_pt *pt, uint64_t oa)
{
	switch (pt_lpa_kind(pt)) {
	case 1u:
		return (oa & 0x0000ffffffff0000ull) | (oa >> 36 & 0xf000ull);
	case 2u:
		return (oa & 0x0003fffffffff000ull) | (oa >> 50 & 3ull) << 8;
	default:
		return oa;
	}
}
/*
 * The entry count in a table descriptor: bits [11:2] for its low 10 bits
 * and [58:55] for the rest; with LPA2 (bits [9:8] are OA[51:50] there)
 * bits [7:2], [11:10] and [58:55].
 */
static inline am_pte_t pt_cnt_mask(const struct am_pt *pt)
{
	if (PT_ONLY_4K)
		return 0x3ffull << 2;
	return pt_lpa2(pt) ? 0x3full << 2 | 3ull << 10 | 0xfull << 55 : 0x3ffull << 2 | 0xfull << 55;
}
static inline unsigned int pt_cnt_of(const struct am_pt *pt, am_pte_t d)
{
	if (PT_ONLY_4K)
		return (unsigned int)(d >> 2) & 0x3ffu;
	if (pt_lpa2(pt))
		return ((unsigned int)(d >> 2) & 0x3fu) | ((unsigned int)(d >> 4) & 0xc0u) |
		       ((unsigned int)(d >> 55) & 0xfu) << 8;
	return ((unsigned int)(d >> 2) & 0x3ffu) | ((unsigned int)(d >> 55) & 0xfu) << 10;
}
static inline am_pte_t pt_cnt_bits(const struct am_pt *pt, unsigned int cnt)
{
	if (PT_ONLY_4K)
		return (am_pte_t)cnt << 2;
	if (pt_lpa2(pt))
		return (am_pte_t)(cnt & 0x3fu) << 2 | (am_pte_t)(cnt & 0xc0u) << 4 |
		       (am_pte_t)(cnt >> 8) << 55;
	return (am_pte_t)(cnt & 0x3ffu) << 2 | (am_pte_t)(cnt >> 10) << 55;
}
/* The same on the plain path: 512 entries, bits [11:2]. */
static inline unsigned int pt_cnt_of_g(const struct am_pt *pt, am_pte_t d, bool plain)
{
	return plain ? (unsigned int)(d >> 2) & 0x3ffu : pt_cnt_of(pt, d);
}
static inline am_pte_t pt_cnt_bits_g(const struct am_pt *pt, unsigned int cnt, bool plain)
{
	return plain ? (am_pte_t)cnt << 2 : pt_cnt_bits(pt, cnt);
}
static inline am_pte_t pt_cnt_mask_g(const struct am_pt *pt, bool plain)
{
	return plain ? 0x3ffull << 2 : pt_cnt_mask(pt);
}
/* The descriptor that links the table at @pa, which has @cnt entries. */
static inline am_pte_t pt_table_desc_g(const struct am_pt *pt, uint64_t pa, unsigned int cnt,
				       bool plain)
{
	return (plain ? pa : pt_oa_bits(pt, pa)) | AM_PTE_TABLE | AM_PTE_VALID |
	       pt_cnt_bits_g(pt, cnt, plain);
}

/* A run of stores of consecutive outputs must not carry across this bit
 * (the output's bits above it live elsewhere in the descriptor); 0: none. */
static inline unsigned int pt_oa_split(const struct am_pt *pt)
{
	return pt_lpa_kind(pt) == 1u ? 48u : pt_lpa_kind(pt) == 2u ? 50u : 0u;
}

/* May a leaf be a block at @level (1..2; level 3 holds pages)? 4 KiB: levels 1
 * and 2; 16 and 64 KiB: level 2 (64 KiB with FEAT_LPA: 1 too). */
static inline bool pt_block_level_g(unsigned int gs, unsigned int level)
{
	return level == 2u || (level == 1u && gs == 12u);
}
static inline bool pt_block_level(const struct am_pt *pt, unsigned int level)
{
	return PT_ONLY_4K ? pt_block_level_g(12u, level) : (pt->blocks >> (level & 7u)) & 1u;
}
#define PT_FREE_BATCH 64u
#define PT_TYPE_MASK (AM_PTE_VALID | AM_PTE_TABLE)
/* Descriptor bits that carry permissions: AP / S2AP [7:6], PXN / XN [54:53]. */
#define PT_PERM_MASK ((3ull << 6) | (3ull << 53))

/*
 * A regime's code is there only when it is built (armmap/config.h): a
 * table of a regime not built is never made (am_pt_init() refuses it).
 */
#define IS_S2(r) (AM_PT_BUILT_S2 && (AM_PT_BUILT_MASK == 4 || (r) == AM_PT_S2))
/* The EL1&0 descriptor format: stage 1 EL1&0, and EL2&0 (VHE) */
#define IS_EL10(r)                                                                   \
	((AM_PT_BUILT_S1_EL10 && (AM_PT_BUILT_MASK == 2 || (r) == AM_PT_S1_EL10)) || \
	 (AM_PT_BUILT_S1_EL20 && (AM_PT_BUILT_MASK == 16 || (r) == AM_PT_S1_EL20)))
#define PT_BUILT(r) ((AM_PT_BUILT_MASK >> (unsigned int)(r)) & 1u)

#define PT_LOG(pt, lvl, ev, msg, a, b, c) \
	am_env_log((pt)->env, (pt)->env_ctx, lvl, ev, msg, a, b, c)

/* Entry count of a table, in its table descriptor (see above). */
/* (struct am_pt is declared by now: the count's layout depends on LPA2.) */

/* A table as a walk sees it: real memory, or (dry run) a virtual one. */
struct pt_tbl {
	am_pte_t *p; /* NULL: virtual, entry i is tmpl ? tmpl + i * step : 0 */
	am_pte_t tmpl;
	uint64_t step;
	unsigned int cnt; /* entries not zero (commit; not kept for the root) */
	bool live;	  /* reachable by the hardware's table walks */
	bool blank;	  /* fresh, not filled: reads as empty, every entry gets written */
	bool fresh;	  /* created by this call: what the walk has not reached yet
			   * is as created (zero, or the split block's) */
};

/* One entry of a table, handed to the visitor. */
struct pt_slot {
	struct pt_tbl *t;
	unsigned int level;
	unsigned int idx;
	unsigned int n;	 /* entries from idx to the end of the range, this table */
	uint64_t va;	 /* start of entry idx's span */
	uint64_t lo, hi; /* the range, clipped to entry idx's span */
	am_pte_t pte;
	/* Set by the visitor (pt_descend_*) to walk entry idx's next level. */
	struct pt_tbl child;
	uint64_t child_pa;
	uint8_t descend; /* walk the child */
	uint8_t shallow; /* create it but do not visit its entries */
	uint8_t fresh;	 /* the child is a page from the reserve, not installed */
	uint8_t brk;	 /* installing it replaces a live valid block: BBM */
	/* Set by the visitor (pt_apply()): the entries it consumed are for its
	 * apply op, which the walker calls when the walk writes. */
	uint8_t apply;
};

struct pt_walk;

/*
 * The one entry of a single-leaf call, in a live table: what the visitor's
 * one op reads (p to plain) and what it decides (v to inval).
 */
struct pt_one {
	am_pte_t *p;
	am_pte_t e; /* its value */
	uint64_t va;
	unsigned int level;
	unsigned int gs; /* log2 of the granule: a constant (12) in the 4 KiB path */
	bool plain;	 /* a plain 4 KiB table (pt_lpa_kind()), a constant on that path */
	bool inval;	 /* a valid leaf changes: its VA is invalidated */
	int dcnt;	 /* entries not zero it adds to its table (-1, 0, 1) */
	am_pte_t v;	 /* what the entry becomes */
};

/* The entry at @level for @va, before its one op: nothing decided yet. */
static inline void pt_one_start(struct pt_one *x, uint64_t va, unsigned int level,
				const unsigned int gs, const bool plain)
{
	x->va = va;
	x->level = level;
	x->gs = gs;
	x->plain = plain;
	x->inval = false;
	x->dcnt = 0;
	x->v = 0;
}

/* The one op decided that the entry stays as it is: nothing to write. */
#define PT_ONE_SAME 1

/* Once mode: the visitor cannot decide all of the range in this visit;
 * it wrote nothing. */
#define PT_AGAIN (-4097)
/* The single-leaf path: the way to the entry stops above it (a table
 * missing, or a block): the call needs the walk, or one table (pt_one_grow()). */
#define PT_NOWAY (PT_AGAIN - 2)

struct pt_visitor {
	/*
	 * Visit entry s->idx (and possibly the entries after it): decide and
	 * check; write no descriptor (the walker does: apply, pt_descend_*(),
	 * pt_unhint_run(), pt_drop_subtree() write only when the walk writes).
	 * Returns the number of entries consumed (>= 1; with s->descend set,
	 * the value is ignored and 1 is consumed), or an AM_E* error (dry run
	 * and once mode only: the commit run must not fail). In once mode
	 * (pt_once()) it returns s->n, a refusal, or PT_AGAIN; setting
	 * s->descend counts as PT_AGAIN.
	 */
	int (*visit)(struct pt_walk *w, struct pt_slot *s);
	/*
	 * Write the @n entries from s->idx that visit() consumed and marked
	 * with pt_apply(): called by the walker only when the walk writes
	 * (the commit, or once mode after the visit decided the whole range),
	 * never in the dry run. Returns the entries it consumed: @n, or fewer
	 * where it stopped (the stop rule, checked again as it writes: the dry
	 * run's visit counted the same). May be NULL for a visitor that never
	 * calls pt_apply().
	 */
	int (*apply)(struct pt_walk *w, struct pt_slot *s, unsigned int n);
	/* After the child of s was walked (not for fresh children). May be NULL.
	 * A visitor with a post op and a one op (unmap) frees the tables its
	 * one op empties: the single-leaf path unlinks such a table itself when
	 * the table above keeps others (pt_one_emptied()), as unmap's post does. */
	void (*post)(struct pt_walk *w, struct pt_slot *s);
	/*
	 * The single-leaf path (pt_one_g()): decide what entry x becomes,
	 * writing nothing. Returns 0 (x->v, x->dcnt, x->inval set), PT_ONE_SAME
	 * (nothing to write), a refusal (logged), or PT_AGAIN (the walk takes
	 * the call). May be NULL.
	 */
	int (*one)(struct am_pt *pt, void *arg, struct pt_one *x);
	uint8_t once;	 /* may run in once mode (pt_exec()) */
	uint8_t grow;	 /* the single-leaf path may create the one table missing
			  * above its entry, whose one op then decides an empty
			  * entry of a new table, x->p NULL (pt_one_grow(): map) */
	uint8_t deepest; /* deepest level whose tables the walker enters by itself */
};

/* TLB maintenance and table pages waiting for it: one flush (ops->flush). */
struct pt_batch {
	struct am_pt_inval inv[AM_PT_TLBI_BATCH]; /* entries, or (tlbi_range) runs */
	unsigned int ntlbi;
	bool all;     /* too many: invalidate the whole regime */
	bool tearing; /* a teardown walks an unlinked subtree (pt_teardown()) */
	bool torn;    /* ... and the whole regime was invalidated since: nothing
		       * under it can be cached any more */
	bool dirty;   /* live descriptors written since the last COMPLETE */
	unsigned int nfree;
	struct {
		void *va;
		uint64_t pa;
	} free[PT_FREE_BATCH];
};

struct pt_walk {
	struct am_pt *pt;
	const struct pt_visitor *v;
	void *arg;
	bool dry;
	bool once;     /* decide, then write, in one visit; allocate nothing */
	size_t need;   /* dry: table pages the commit will take */
	void *reserve; /* commit: reserved pages, linked through word 0 */
	size_t reserved;
	struct pt_batch b;
};

/*
 * Start a walk of @v over @pt. Only what a walk reads before it writes it is
 * set: the batch's arrays (2 KiB) are left as they are, so that a small
 * call does not pay for clearing them.
 */
static inline void pt_walk_init(struct pt_walk *w, struct am_pt *pt, const struct pt_visitor *v,
				void *arg, bool dry)
{
	w->pt = pt;
	w->v = v;
	w->arg = arg;
	w->dry = dry;
	w->once = false;
	w->need = 0;
	w->reserve = NULL;
	w->reserved = 0;
	w->b.ntlbi = 0;
	w->b.all = false;
	w->b.dirty = false;
	w->b.tearing = w->b.torn = false;
	w->b.nfree = 0;
}

/*
 * Two descriptors: GCC's and clang's generic vectors, lowered to pairs of
 * 64-bit accesses where the target has no vector registers. For tables no
 * walker sees (fresh pages), and for reading: a live descriptor is only
 * ever written with pte_store(). pt_pair_u: at any 8-byte boundary.
 */
typedef uint64_t pt_pair __attribute__((vector_size(16), may_alias));
typedef uint64_t pt_pair_u __attribute__((vector_size(16), may_alias, aligned(8)));

/* walk.c */
static inline am_pte_t pt_get(const struct pt_tbl *t, unsigned int i)
{
	if (t->p && !t->blank)
		return t->p[i];
	if (t->blank)
		return 0;
	return t->tmpl ? t->tmpl + (uint64_t)i * t->step : 0;
}

static inline bool pt_is_table(am_pte_t pte, unsigned int level)
{
	return level < AM_PT_MAX_LEVEL && (pte & PT_TYPE_MASK) == PT_TYPE_MASK;
}

/* Where the library reads and writes the table at @pa. */
static inline void *pt_table_va(struct am_pt *pt, uint64_t pa)
{
	if (pt->ops->table_va)
		return pt->ops->table_va(pt->ctx, am_pa(pa));
	return (void *)(uintptr_t)pa;
}

/* am_pt_desc_encode() / am_pt_desc_decode() without their log records. */
int pt_desc_encode(enum am_pt_regime regime, unsigned int level, const struct am_pt_desc *d,
		   const uint8_t *attr_index, am_pte_t *out);
/*
 * The memory type, shareability and permission bits of a leaf with @a (what
 * am_pt_desc_encode() puts there), or its refusal: AM_EINVAL, AM_EPERM,
 * AM_ENOTSUP as am_pt_desc_encode().
 */
int pt_leaf_attr(enum am_pt_regime regime, const struct am_attr *a, const uint8_t *attr_index,
		 am_pte_t *out);
/*
 * pt_leaf_attr() for @pt, inline: the common case decided from two table
 * loads (pt_perm_bits, with PT_PERM_NO where the regime cannot express a
 * set and PT_PERM_WX on stage 1's write+execute); anything else gets
 * pt_leaf_attr()'s answer.
 */
#define PT_PERM_NO 0x10u
#define PT_PERM_WX 0x20u
/* The permission bits of each AM_PERM_* set, per regime, packed in a byte
 * (desc.c): descriptor bits 6-7 in 0-1, PXN and XN in 2-3, and the two marks. */
extern const uint8_t pt_perm_bits[AM_PT_REGIME_COUNT][AM_PERM_MASK + 1];
extern const uint8_t pt_s2_memattr[AM_MT_COUNT];
static inline am_pte_t pt_perm_expand(unsigned int p)
{
	return (am_pte_t)(p & 3u) << 6 | (am_pte_t)(p & 0xcu) << 51;
}
static inline int pt_leaf_tmpl(const struct am_pt *pt, const struct am_attr *a, am_pte_t *out)
{
	unsigned int perm = a->perm, mt = a->mtype, sh = a->sh;

	if (perm <= AM_PERM_MASK && mt < AM_MT_COUNT && (sh == AM_SH_NONE || sh - 2u < 2u)) {
		unsigned int p = pt_perm_bits[pt->regime][perm];
		unsigned int idx = pt->regime == AM_PT_S2 ? pt_s2_memattr[mt] : pt->attr_index[mt];

		if (!(p & (PT_PERM_NO | PT_PERM_WX)) && idx <= 0xf &&
		    !((perm & AM_PERM_X) && mt <= AM_MT_DEVICE_nGnRE)) {
			/* [5:2] AttrIndx / MemAttr, SH [9:8] */
			*out = pt_perm_expand(p) | (am_pte_t)idx << 2 | (am_pte_t)sh << 8;
			return 0;
		}
	}
	return pt_leaf_attr(pt->regime, a, pt->attr_index, out);
}
/* The attributes of leaf @pte (valid or not): pt_leaf_attr()'s inverse.
 * Returns 0, AM_EINVAL (SH = 01) or AM_ENOTSUP (no armmap memory type). */
int pt_leaf_attr_of(enum am_pt_regime regime, am_pte_t pte, const uint8_t *attr_index,
		    struct am_attr *a);
/* The memory type of each value of a leaf's bits [5:2] (stage 1: AttrIndx
 * and NS, stage 2: MemAttr), 0xff where armmap has none. */
void pt_mtype_of(enum am_pt_regime regime, const uint8_t *attr_index, uint8_t out[16]);
/* The permissions of a leaf, by regime and pt_perm_index(). */
extern const uint8_t pt_perm_of[AM_PT_REGIME_COUNT][16];
static inline unsigned int pt_perm_index(am_pte_t pte)
{
	return (unsigned int)(((pte >> 6) & 3) | ((pte >> 51) & 0xc));
}

/* The shareability of a leaf of memory type @mt in an LPA2 table (TCR.SH0:
 * inner; devices are outer whatever it says). */
static inline unsigned int pt_lpa2_sh(unsigned int mt)
{
	return mt <= AM_MT_DEVICE_nGnRE ? AM_SH_OUTER : AM_SH_INNER;
}

/*
 * pt_leaf_attr_of() for @pt, from its tables: the attributes of @pte into
 * *@a, or all zero when armmap would not write it (SH = 01, no memory type).
 */
static inline void pt_attr_of(const struct am_pt *pt, am_pte_t pte, struct am_attr *a)
{
	unsigned int mt = pt->mtype_of[(pte >> 2) & 0xf];
	unsigned int sh = pt_lpa2(pt) ? (mt != 0xff ? pt_lpa2_sh(mt) : 3u) : (pte >> 8) & 3;
	bool ok = mt != 0xff && sh != 1;

	a->perm = ok ? pt_perm_of[pt->regime][pt_perm_index(pte)] : 0;
	a->mtype = (uint8_t)(ok ? mt : 0);
	a->sh = (uint8_t)(ok ? sh : 0);
}

int pt_desc_decode(enum am_pt_regime regime, unsigned int level, am_pte_t pte,
		   const uint8_t *attr_index, struct am_pt_desc *d);
/* A table page from the backend the hardware can use? If not, log (through
 * @env, with @ctx) and say why. */
int pt_check_table_pa(const struct am_env *env, void *ctx, const void *va, uint64_t pa,
		      unsigned int oa_bits, unsigned int gs, bool init);
/* Is @pt ready? If not, one record to the fallback hook. */
bool pt_ready(const struct am_pt *pt);
/* The table's lock, taken and released around every call on a ready table
 * (its hooks, or ones that do nothing, kept by am_pt_init()). */
static inline void pt_lock(struct am_pt *pt)
{
	pt->lock(pt->env_ctx);
}
static inline void pt_unlock(struct am_pt *pt)
{
	pt->unlock(pt->env_ctx);
}
/* The input range of a call: 0, or its refusal (AM_EINVAL, AM_EOVERFLOW,
 * AM_ERANGE), logged. Lock held. */
int pt_check_range(struct am_pt *pt, uint64_t va, uint64_t size);
/* am_pt_walk() once its checks passed, lock held: @fn for each leaf
 * (valid or parked) that meets [va, va + size), in address order; a
 * non-zero return from @fn stops the walk and is returned. */
int pt_walk_leaves(struct am_pt *pt, uint64_t va, uint64_t size, am_pt_leaf_fn fn, void *arg);
/* Fill a table page of @n entries no walker can reach: zero, or @tmpl + i * @step. */
void pt_fill_fresh(am_pte_t *p, unsigned int n, am_pte_t tmpl, uint64_t step);
/* Walk [va, va + size) with a visitor that writes nothing (the leaf walk). */
int pt_run(struct pt_walk *w, uint64_t va, uint64_t size);
/* pt_exec()'s general part, for [va, hi): once, or dry, reserve, commit;
 * then the finish. */
int pt_exec_walk(struct pt_walk *w, uint64_t va, uint64_t hi);
/* pt_finish() when there is maintenance to do or tables to give back. */
void pt_finish_slow(struct pt_walk *w);
/* The single-leaf path's entry *@p at @level for @va, which empties its
 * table (linked by descriptor *@link; @tbls: the tables the lookup went
 * through) where @v frees empty tables: @e written (its VA invalidated
 * when @inval), the table unlinked and given back, and the call's
 * maintenance finished. When the table above keeps other entries (the
 * common case), directly: the entries, one flush op, the page; when it
 * empties too, as a walk leaves tables, through the post visits up the
 * path (apart: the entry's fields one by one, so that the caller's stay
 * in registers). @tbls NULL: an entry at level 3 whose level-2 table the
 * walk cache keeps, with the descriptor above it; the common case only,
 * else PT_AGAIN, nothing written (the caller looks the path up). */
int pt_one_emptied(struct am_pt *pt, const struct pt_visitor *v, void *arg, am_pte_t *p, am_pte_t e,
		   uint64_t va, unsigned int level, bool inval, bool plain, am_pte_t *link,
		   am_pte_t *const *tbls);
/* The single-leaf path's entry at @level for @va where the one table above
 * it is missing, for a visitor that grows (map), the lookup having stopped
 * at entry *@p of level @at (@link: its table's descriptor): the table
 * created with the entry in it, or PT_AGAIN having done nothing (apart,
 * out of the way). */
int pt_one_grow(struct am_pt *pt, const struct pt_visitor *v, void *arg, uint64_t va,
		unsigned int level, am_pte_t *p, am_pte_t *link, unsigned int at, bool plain);
int pt_reserve(struct pt_walk *w, size_t n);
void pt_reserve_leftover(struct pt_walk *w);
void pt_descend_table(struct pt_walk *w, struct pt_slot *s);
int pt_descend_new(struct pt_walk *w, struct pt_slot *s, bool shallow, bool overwritten);
void pt_dry_need(struct pt_walk *w, size_t n);
void pt_queue_free(struct pt_walk *w, void *va, uint64_t pa);
void pt_flush(struct pt_walk *w);
void pt_unhint_run(struct pt_walk *w, struct pt_slot *s, uint64_t drop_lo, uint64_t drop_hi);

/*
 * Removed leaves, reported (am_pt_unmap_report(), am_pt_destroy_report()):
 * a bounded buffer of records on the caller's stack (a leaf that follows
 * the last one recorded, with the next output address and the same bits,
 * extends its record). A leaf is put in it when it was
 * cleared from a live table (its invalidation queued), or when a block is
 * broken (the part of the block the call removes, as one record: its
 * pieces are cleared in a fresh table no walker sees and are not put in
 * one by one). The buffer is flushed only at a point where the tables are
 * consistent (pt_report_room(): not inside a contiguous run, and never
 * between a break's record and its break-before-make, which follows it at
 * once): once it holds PT_REPORT_FLUSH leaves, the walk's maintenance is
 * finished there (pt_finish(): the TLBIs, their COMPLETE, the freed
 * tables) and only then is each buffered leaf reported. What is left is
 * reported at the end of the call, after the call's own finish.
 */
#define PT_REPORT_FLUSH (AM_PT_REPORT_BATCH / 2u)

struct pt_removed {
	uint64_t base;	 /* start of the (first) descriptor's span */
	uint64_t lo, hi; /* what was removed */
	am_pte_t pte;	 /* the (first) descriptor */
	uint8_t level;
	/* 0: a run of leaves at @level from @base to @hi, each the one before
	 * with the next output address (consecutive leaves are merged into
	 * one record); 1: the part [lo, hi) of the block @pte at @base */
	uint8_t part;
};

struct pt_report {
	am_pt_removed_fn fn;
	void *arg;
	unsigned int n;
	bool clear; /* destroy: clear each leaf and table entry as it goes */
	struct pt_removed r[AM_PT_REPORT_BATCH];
};

/* Leaf @pte at @level, span from @va, was removed; or the part [lo, hi) of it. */
void pt_report_leaf(struct pt_walk *w, struct pt_report *rep, uint64_t va, unsigned int level,
		    am_pte_t pte);
void pt_report_part(struct pt_walk *w, struct pt_report *rep, uint64_t va, unsigned int level,
		    am_pte_t pte, uint64_t lo, uint64_t hi);
/* The single-leaf path's leaf @pte at @level, span from @va, removed: the
 * call's first and only record (an empty buffer). */
void pt_report_one(struct am_pt *pt, struct pt_report *rep, uint64_t va, unsigned int level,
		   am_pte_t pte);
/* A consistent point: report what is buffered if that is PT_REPORT_FLUSH
 * leaves or more, after finishing the maintenance so far. Then at least
 * AM_PT_REPORT_BATCH - PT_REPORT_FLUSH leaves fit before the next one. */
void pt_report_room(struct pt_walk *w, struct pt_report *rep);
/* May entry @i of a table at @level, @e, be a consistent point (see above)? */
static inline bool pt_report_point(const struct am_pt *pt, am_pte_t e, unsigned int i,
				   unsigned int level)
{
	return !(e & AM_PTE_CONTIG) || !(i & (pt_cont(pt, level) - 1u));
}
/* Call rep->fn for each buffered leaf (its maintenance completed), empty the buffer. */
void pt_report_deliver(struct am_pt *pt, struct pt_report *rep);

/*
 * The subtree of a table being unlinked, walked by the teardown visitor:
 * invalidate every live leaf (and report it to @rep, unless NULL) and the
 * walks through every table under it, and queue those tables for freeing.
 */
void pt_teardown(struct pt_walk *w, am_pte_t *tbl, uint64_t pa, unsigned int level, uint64_t va,
		 bool live, struct pt_report *rep);
/* The table under entry s, which the range covers whole: unlinked, and its
 * subtree torn down (pt_teardown()); nothing in the dry run. */
void pt_drop_subtree(struct pt_walk *w, struct pt_slot *s, struct pt_report *rep);
/* Give back every table of @pt, the root included (am_pt_destroy()), with
 * the teardown visitor; each leaf reported to @rep unless NULL. */
void pt_destroy(struct am_pt *pt, struct pt_report *rep);

/* One descriptor store: a single 64-bit write the table walker sees whole. */
static inline void pte_store(am_pte_t *p, am_pte_t v)
{
	*(volatile am_pte_t *)p = v;
}

/* Write entry @i of @t (not in the dry run), keeping @t's count. */
static inline void pt_write(struct pt_walk *w, struct pt_tbl *t, unsigned int i, am_pte_t v)
{
	am_pte_t old;

	if (w->dry)
		return;
	old = t->blank ? 0 : t->p[i];
	t->cnt = t->cnt + (v != 0) - (old != 0);
	pte_store(&t->p[i], v);
	if (t->live)
		w->b.dirty = true;
}

/*
 * What a range must cover to stand for the invalidation of the entry at
 * @va, @level: a leaf, its whole span (every TLB entry it may be cached
 * as); a table entry, its first page (a non-leaf range meeting the span of
 * a cached table drops it, as the single TLBI at @va does), not the span:
 * a level-0 entry spans 512 GiB.
 */
static inline uint64_t pt_tlbi_extent(const struct am_pt *pt, unsigned int level, bool leaf)
{
	return leaf ? pt_span(pt, level) : 1ull << pt_gs(pt);
}

/*
 * FEAT_TLBIRANGE: extend the batch's last invalidation @l by the entry at
 * @va, @level when it starts inside @l or right after it (the order in
 * which the walk changes entries: ascending, a table's own entry after
 * its leaves). The range then covers both; its TTL hint stays only while
 * every entry in it is a leaf of one level. Returns false when @l cannot
 * take it.
 */
static inline bool pt_tlbi_merge_span(const struct am_pt *pt, struct am_pt_inval *l, uint64_t va,
				      uint64_t end, unsigned int level, bool leaf)
{
	unsigned int gs = pt_gs(pt);
	uint64_t base = am_va_val(l->addr);
	uint64_t lend = base + (l->pages ? (uint64_t)l->pages << gs
					 : pt_tlbi_extent(pt, l->level, l->leaf));

	if (va < base || va > lend)
		return false;
	if (end < lend)
		end = lend;
	if ((end - base) >> gs > 0xffffffffull)
		return false;
	l->level = (uint8_t)(leaf && l->leaf && l->level == level ? level : 0);
	l->leaf = (uint8_t)(l->leaf && leaf);
	l->pages = (uint32_t)((end - base) >> gs);
	return true;
}

/* pt_tlbi_merge_span() for the entry at @va, @level. */
static inline bool pt_tlbi_merge(const struct am_pt *pt, struct am_pt_inval *l, uint64_t va,
				 unsigned int level, bool leaf)
{
	return pt_tlbi_merge_span(pt, l, va, va + pt_tlbi_extent(pt, level, leaf), level, leaf);
}

/*
 * Queue the invalidation of one entry (with FEAT_TLBIRANGE, as part of the
 * run before it where it continues it); past tlbi_max, of everything.
 */
static inline void pt_queue_tlbi(struct pt_walk *w, uint64_t va, unsigned int level, bool leaf)
{
	struct pt_batch *b = &w->b;
	struct am_pt_inval *e;

	if (w->dry || b->all)
		return;
	if (w->pt->tlbi_range && b->ntlbi &&
	    pt_tlbi_merge(w->pt, &b->inv[b->ntlbi - 1], va, level, leaf))
		return;
	if (b->ntlbi == w->pt->tlbi_max) {
		b->all = true;
		return;
	}
	e = &b->inv[b->ntlbi++];
	e->addr = am_va(va & ~0xfffull); /* an entry's span start: granule aligned */
	e->pages = 0;
	e->level = (uint8_t)level;
	e->leaf = leaf;
}

/*
 * With FEAT_TLBIRANGE: queue the invalidation of [va, va + size) as one
 * range (or part of the run before it): the leaves of @level in it when
 * @leaf, else every leaf and walk under it. Returns false without the
 * feature: the caller invalidates entry by entry. A run's entries are
 * invalidated whether or not each changed: a TLBI of nothing cached is
 * harmless.
 */
static inline bool pt_queue_tlbi_range(struct pt_walk *w, uint64_t va, uint64_t size,
				       unsigned int level, bool leaf)
{
	struct pt_batch *b = &w->b;
	struct am_pt_inval *e;

	if (!w->pt->tlbi_range)
		return false;
	if (w->dry || b->all)
		return true;
	if (b->ntlbi &&
	    pt_tlbi_merge_span(w->pt, &b->inv[b->ntlbi - 1], va, va + size, level, leaf))
		return true;
	if (b->ntlbi == w->pt->tlbi_max || (size >> pt_gs(w->pt)) > 0xffffffffull) {
		b->all = true;
		return true;
	}
	e = &b->inv[b->ntlbi++];
	e->addr = am_va(va);
	e->pages = (uint32_t)(size >> pt_gs(w->pt));
	e->level = (uint8_t)(leaf ? level : 0);
	e->leaf = leaf;
	return true;
}

/*
 * The walk's state, as the visitors see it: they read the mode and tell
 * the batch what they wrote through these, never through the walk's
 * members.
 */
/* The dry run: decide and count, write nothing. */
static inline bool pt_dry(const struct pt_walk *w)
{
	return w->dry;
}

/* The entries this visit consumes go to the visitor's apply op when the walk writes. */
static inline void pt_apply(struct pt_slot *s)
{
	s->apply = 1;
}

/* Once mode: decide everything in this visit, then write; allocate nothing. */
static inline bool pt_once(const struct pt_walk *w)
{
	return w->once;
}

/* Entries were written: the call waits for them (COMPLETE) if their table
 * is @live (the single-leaf path's always is). */
static inline void pt_wrote(struct pt_walk *w, bool live)
{
	if (live)
		w->b.dirty = true;
}

/* Does the backend take ranges (pt_queue_tlbi_range())? */
static inline bool pt_tlbi_ranges(const struct pt_walk *w)
{
	return w->pt->tlbi_range;
}

/* Does the batch invalidate the whole regime already (no entry needs its own)? */
static inline bool pt_tlbi_whole(const struct pt_walk *w)
{
	return w->b.all;
}

/* One call of the backend's flush op for @pt, @inv's addresses VAs. */
static inline void pt_flush_va(struct am_pt *pt, enum am_pt_flush_kind kind, unsigned int n,
			       const struct am_pt_inval *inv)
{
	struct am_pt_flush f = pt->flush; /* the table's scope, made by am_pt_init() */

	if (kind == AM_PT_FLUSH_COMPLETE) { /* the scope is one as it is (am_pt_init()) */
		pt->ops->flush(pt->ctx, &pt->flush);
		return;
	}
	f.kind = (uint8_t)kind;
	f.n = n;
	f.inv = inv;
	pt->ops->flush(pt->ctx, &f);
}

/* One call of the backend's flush op for @pt, @inv's addresses from the
 * table's base (as the walk works). */
static inline void pt_flush_op(struct am_pt *pt, enum am_pt_flush_kind kind, unsigned int n,
			       const struct am_pt_inval *inv)
{
	/* the upper range: the batch works from its base, the TLBIs take VAs */
	for (unsigned int i = 0; pt->va_base && i < n; i++)
		((struct am_pt_inval *)(uintptr_t)inv)[i].addr =
			am_va(am_va_val(inv[i].addr) | pt->va_base);
	pt_flush_va(pt, kind, n, inv);
}

/*
 * The end of a call: outstanding maintenance, then one COMPLETE if writes
 * are still unwaited for. Inline for the small calls: a list of
 * invalidations and nothing to free is one flush op (its own COMPLETE);
 * writes alone, one COMPLETE.
 */
static PT_HOT void pt_finish(struct pt_walk *w)
{
	struct pt_batch *b = &w->b;

	if (b->nfree || b->all) {
		pt_finish_slow(w);
	} else if (b->ntlbi) {
		pt_flush_op(w->pt, AM_PT_FLUSH_LIST, b->ntlbi, b->inv);
		b->ntlbi = 0;
	} else if (b->dirty) {
		pt_flush_op(w->pt, AM_PT_FLUSH_COMPLETE, 0, NULL);
	}
	b->dirty = false;
}

/*
 * The walk cache of the single-leaf path (am_pt.wc_*): at [l - 1], the
 * table at level l (1..3, below the root) that the last lookup to level l
 * went through, and the descriptor linking it. Its key: @va >> the span of
 * that descriptor (a 2 MiB region for a level-3 table of 4 KiB pages),
 * never ~0, which is none. A hit skips the lookup: the table is still
 * linked there, since the cache is emptied wherever tables are given back
 * (pt_flush(), or pt_one_emptied()'s own, in the call that unlinked them,
 * before any other call; init, destroy). A root of one page at
 * level 1..3 is kept there from init for good (am_pt.wc_root): its key is
 * 0 for every input address, no descriptor links it (it keeps no count).
 * @gs: the granule, a constant (12) in the plain path. Lock held.
 */
static inline uint64_t pt_wc_key(uint64_t va, unsigned int level, const unsigned int gs)
{
	return va >> (gs + (gs - 3u) * (4u - level));
}
static inline unsigned int pt_wc_idx(uint64_t va, unsigned int level, const unsigned int gs)
{
	return (unsigned int)(va >> (gs + (gs - 3u) * (3u - level))) & ((1u << (gs - 3u)) - 1u);
}
/* Keep the table of @p, the entry of @va at @level below the root (the
 * table's start from the index: table_va() may give any address). */
static inline void pt_wc_fill(struct am_pt *pt, uint64_t va, unsigned int level, uint64_t key,
			      am_pte_t *p, am_pte_t *link, const unsigned int gs)
{
	pt->wc_key[level - 1u] = key;
	pt->wc_tbl[level - 1u] = p - pt_wc_idx(va, level, gs);
	pt->wc_link[level - 1u] = link;
}
/* Forget every table but the root (which stays: key 0, for every input
 * address below the input size; no descriptor links it). */
static inline void pt_wc_clear(struct am_pt *pt)
{
	pt->wc_key[0] = pt->wc_key[1] = pt->wc_key[2] = ~0ull;
	pt->wc_key[pt->wc_root] = 0;
}

/*
 * THE lookup along one address, shared by the single-leaf path and the
 * queries: from the root along @va through entries that are tables, one
 * read a level, to the entry at @level. Returns it, with the table
 * descriptor that links its table in *@link (NULL at the root). When
 * something other than a table stops the way above @level: with @at NULL,
 * returns NULL; else returns that entry, its level in *@at (which is
 * @level otherwise). With @tbls, the tables on the way: tbls[l] at level l.
 * With @wc, to level 3: from the walk cache's level-2 table when it keeps
 * the one on the way (then tbls[root level] is NULL: the tables above not
 * given); else from the root, the level-2 table on the way kept there
 * (unless it is the root, which stays there for good if it is at level 2).
 */
static PT_HOT am_pte_t *pt_lookup_(struct am_pt *pt, uint64_t va, unsigned int level,
				   am_pte_t **link, unsigned int *at, am_pte_t **tbls,
				   void *(*table_va)(void *, am_paddr_t), const bool wc,
				   const unsigned int gs, const bool plain)
{
	const uint64_t below = (1ull << (gs - 3u)) - 1u; /* the index mask below the root */
	/* the walk cache's level-2 table, for a lookup to level 3 (@wc) */
	const bool keep2 = wc && level == AM_PT_MAX_LEVEL;
	const uint64_t key2 = pt_wc_key(va, 2u, gs);

	am_pte_t *t = pt->root, *p = NULL, *up = NULL, e;

	if (keep2 && pt->wc_key[1] == key2) {
		t = pt->wc_tbl[1];
		up = pt->wc_link[1];
		if (tbls) /* the tables above it not looked up */
			tbls[pt->root_level] = NULL;
		goto from2;
	}
	if (tbls)
		tbls[pt->root_level] = t;

		/*
		 * Unrolled from the root level: a constant shift at each level (with
		 * the 4 KiB granule; pt_lookup()). The root's index takes no mask
		 * (va < ia_end: it fits, and a concatenated root has more entries
		 * than a table); the levels below do.
		 */
#define PT_STEP(l, mask)                                                    \
	p = &t[(va >> (gs + (gs - 3u) * (3u - (l)))) & (mask)];             \
	if (level == (l))                                                   \
		goto done;                                                  \
	e = *p;                                                             \
	if ((e & PT_TYPE_MASK) != PT_TYPE_MASK) { /* a table: l < 3 here */ \
		if (!at)                                                    \
			return NULL;                                        \
		*at = (l);                                                  \
		*link = up;                                                 \
		return p;                                                   \
	}                                                                   \
	up = p;                                                             \
	t = table_va ? table_va(pt->ctx, am_pa(pt_oa_g(pt, e, plain)))      \
		     : (am_pte_t *)(uintptr_t)pt_oa_g(pt, e, plain);        \
	if (tbls)                                                           \
		tbls[(l) + 1] = t;
		/* through a level-2 table below the root: keep it (@keep2) */
#define PT_KEEP2()                    \
	if (keep2) {                  \
		pt->wc_key[1] = key2; \
		pt->wc_tbl[1] = t;    \
		pt->wc_link[1] = up;  \
	}
	switch (pt->root_level) {
	case 0:
		PT_STEP(0, ~0ull)
		goto from1;
	case 1:
		PT_STEP(1, ~0ull)
		PT_KEEP2()
		goto from2;
	default:
		/* a root at level 3: 16 KiB under 26 input bits, 64 KiB under
		 * 30 (never a plain 4 KiB table, whose path has no such test) */
		if (!plain && pt->root_level == 3)
			goto from3;
		PT_STEP(2, ~0ull)
		goto from3;
	}
from1:
	PT_STEP(1, below)
	PT_KEEP2()
from2:
	PT_STEP(2, below)
from3:
#undef PT_STEP
#undef PT_KEEP2
	p = &t[(va >> gs) & below];
done:
	if (at)
		*at = level;
	*link = up;
	return p;
}

/* Made twice: with the backend's table_va, and without (tables at their
 * PA), where no call in the way makes the compiler save registers. @gs:
 * the granule, a constant (12) in the 4 KiB path (pt_exec()), where every
 * shift is one. */
static PT_HOT am_pte_t *pt_lookup(struct am_pt *pt, uint64_t va, unsigned int level,
				  am_pte_t **link, unsigned int *at, am_pte_t **tbls, const bool wc,
				  const unsigned int gs, const bool plain)
{
	if (pt->ops->table_va)
		return pt_lookup_(pt, va, level, link, at, tbls, pt->ops->table_va, wc, gs, plain);
	return pt_lookup_(pt, va, level, link, at, tbls, NULL, wc, gs, plain);
}

/*
 * The single-leaf path: [va, va + span) is the entry at @level. Down
 * through existing tables only (PT_AGAIN at anything else, nothing read
 * twice), @v's one op decides what the entry becomes; then the store, its
 * table's count (kept in the table's descriptor), and the call's one
 * flush op: the entry's invalidation, or the COMPLETE of the write. An
 * entry that empties its table where @v frees empty tables goes to
 * pt_one_emptied(). No walk state: a small call pays for none. Lock held,
 * the call's arguments checked.
 */
static PT_HOT int pt_one_g(struct am_pt *pt, const struct pt_visitor *v, void *arg, uint64_t va,
			   unsigned int level, const unsigned int gs, const bool plain)
{
	am_pte_t *link, *tbls[AM_PT_MAX_LEVEL + 1], linked = 0;
	const bool post = v->post != NULL;
	const uint64_t key = pt_wc_key(va, level, gs); /* the walk cache's */
	const bool hit = pt->wc_key[level - 1u] == key;
	struct pt_one x;
	unsigned int cnt = 0;
	int rc;

	pt_one_start(&x, va, level, gs, plain);
	if (hit) {
		link = pt->wc_link[level - 1u];
		x.p = &pt->wc_tbl[level - 1u][pt_wc_idx(va, level, gs)];
		x.e = *x.p;
		rc = v->one(pt, arg, &x);
	} else {
		/* the tables on the way, for a visitor that may unlink the emptied */
		x.p = pt_lookup(pt, va, level, &link, NULL, post ? tbls : NULL, true, gs, plain);
		if (!x.p)
			return PT_NOWAY;
		x.e = *x.p;
		rc = v->one(pt, arg, &x);
		/* a call that succeeds keeps its tables (a refusal changes nothing) */
		if ((!rc || rc == PT_ONE_SAME) && link)
			pt_wc_fill(pt, va, level, key, x.p, link, gs);
	}
	if (rc)
		return rc == PT_ONE_SAME ? 0 : rc;
	if (x.dcnt && link) {
		linked = *link;
		cnt = pt_cnt_of_g(pt, linked, plain) + (unsigned int)x.dcnt;
		if (!cnt && post) {
			if (hit || !tbls[pt->root_level]) {
				/* the common case needs the descriptor above alone,
				 * which the walk cache keeps with the level-2 table */
				if (level == AM_PT_MAX_LEVEL &&
				    pt->wc_key[1] == pt_wc_key(va, 2u, gs) &&
				    !pt_one_emptied(pt, v, arg, x.p, x.v, va, level, x.inval, plain,
						    link, NULL))
					return 0;
				/* else the tables on the way, all */
				(void)pt_lookup(pt, va, level, &link, NULL, tbls, false, gs, plain);
			}
			return pt_one_emptied(pt, v, arg, x.p, x.v, va, level, x.inval, plain, link,
					      tbls);
		}
	}
	pte_store(x.p, x.v);
	if (x.dcnt && link)
		pte_store(link,
			  (linked & ~pt_cnt_mask_g(pt, plain)) | pt_cnt_bits_g(pt, cnt, plain));
	if (x.inval) { /* the leaf's invalidation: the flush made at init */
		pt->leaf_inv.addr = am_va(va | pt->va_base);
		pt->leaf_inv.level = (uint8_t)level;
		pt->leaf_flush.inv = &pt->leaf_inv;
		pt->ops->flush(pt->ctx, &pt->leaf_flush);
	} else {
		pt_flush_va(pt, AM_PT_FLUSH_COMPLETE, 0, NULL);
	}
	return 0;
}

/* pt_one_grow() where the single-leaf path's way stopped above the entry
 * at @level (PT_NOWAY): the lookup again, to where it stops. */
static PT_HOT int pt_grow_g(struct am_pt *pt, const struct pt_visitor *v, void *arg, uint64_t va,
			    unsigned int level, const unsigned int gs, const bool plain)
{
	am_pte_t *link, *p;
	unsigned int at;

	p = pt_lookup(pt, va, level, &link, &at, NULL, true, gs, plain);
	return pt_one_grow(pt, v, arg, va, level, p, link, at, plain);
}

/*
 * Carry out a visitor that writes over [va, va + size): a range that is
 * exactly one entry (a page, or the span of a block at level 1 or 2) takes
 * the single-leaf path first (unless @said is what it said when the
 * caller tried it: PT_AGAIN or PT_NOWAY; 0: try it), then, where the way
 * stopped above the entry (PT_NOWAY), for a visitor that grows (map), the
 * one table missing there (pt_one_grow()); else, or when that needs more,
 * the walk.
 * Inline, so that each call gets its visitor's one op inlined, with the
 * 4 KiB granule's geometry as constants (@gs 12); the other granules take
 * one shared copy apart (exec() in ops.c), so that the 4 KiB path stays
 * as lean as before they came.
 */
static PT_HOT int pt_exec_g(struct am_pt *pt, const struct pt_visitor *v, void *arg, uint64_t va,
			    uint64_t size, int said, const unsigned int gs, const bool plain)
{
	unsigned int level = size == 1ull << gs		     ? 3
			     : size == 1ull << (2u * gs - 3u) ? 2
			     : size == 1ull << (3u * gs - 6u) ? 1
							      : 0;
	struct pt_walk w;

	if (level && v->one && !(va & (size - 1)) && level >= pt->root_level) {
		int rc = said ? said : pt_one_g(pt, v, arg, va, level, gs, plain);

		/* the way stops above the entry: the one table missing there
		 * (apart: not on the way of the calls into existing tables) */
		if (rc == PT_NOWAY)
			rc = v->grow ? pt_grow_g(pt, v, arg, va, level, gs, plain) : PT_AGAIN;
		if (rc != PT_AGAIN)
			return rc;
	}
	pt_walk_init(&w, pt, v, arg, true);
	return pt_exec_walk(&w, va, va + size);
}

#endif
