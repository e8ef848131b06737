/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The table operations: one visitor each (map, unmap, modify, populate,
 * leaf walk), run by the walker in walk.c, and the public calls that check
 * their arguments, take the lock, and run a visitor dry, reserve, then
 * commit.
 *
 * The rules, each with its own error and nothing changed on failure: a
 * mapping never goes over a valid or parked entry (AM_EEXIST); modify needs
 * every page mapped (AM_ENOENT) and never changes memory type or
 * shareability (AM_EPERM); unmapping what is not mapped is harmless.
 */
#include "pt_internal.h"

/* Refusals are apart and cold: the calls' good paths keep their registers. */
#define PT_COLD __attribute__((noinline, cold))

/* Bits that say what memory a leaf is: AttrIndx / MemAttr [5:2], SH [9:8]. */
#define PT_MEM_MASK ((0xfull << 2) | (3ull << 8))
/* Stage 1: AttrIndx and SH; the NS bit (5) is the leaf's own, modify keeps it */
#define PT_MEM_MASK_S1 ((0x7ull << 2) | (3ull << 8))
#define PT_STOP (-4096) /* a leaf callback asked the walk to stop */

/* Entries from s->idx on that lie wholly inside [.., end); @shift: the span's. */
static inline unsigned int full_entries_s(const struct pt_slot *s, uint64_t end, unsigned int shift)
{
	uint64_t k;

	if (s->lo != s->va || s->hi != s->va + (1ull << shift))
		return 0;
	k = (end - s->va) >> shift;
	return k < s->n ? (unsigned int)k : s->n;
}

static unsigned int full_entries(const struct am_pt *pt, const struct pt_slot *s, uint64_t end)
{
	return full_entries_s(s, end, pt_lshift(pt, s->level));
}

/* Does [lo, hi) cover the whole contiguous run around @va at @level? */
static bool covers_run(const struct am_pt *pt, uint64_t va, unsigned int level, uint64_t lo,
		       uint64_t hi)
{
	uint64_t run = pt_span(pt, level) * pt_cont(pt, level);
	uint64_t rs = va & ~(run - 1);

	return rs >= lo && rs + run <= hi;
}

/* A leaf that is part of a contiguous run [lo, hi) does not wholly cover. */
static bool partial_run(const struct am_pt *pt, am_pte_t e, uint64_t va, unsigned int level,
			uint64_t lo, uint64_t hi)
{
	return (e & AM_PTE_CONTIG) && !covers_run(pt, va, level, lo, hi);
}

/* Consecutive invalid, empty entries from s->idx (at least 1). */
static unsigned int zero_entries(const struct pt_slot *s)
{
	unsigned int k = 1;

	if (!s->t->p || s->t->blank)
		return s->n;
	while (k < s->n && !s->t->p[s->idx + k])
		k++;
	return k;
}

/*
 * Where the per-entry loops over leaves stop: before a table, and before a
 * leaf of a contiguous run that [lo, hi) does not wholly cover (the next
 * visit breaks that run first). @e is the entry at @va; cheap unless @e has
 * one of the bits of stop_mask().
 */
static inline am_pte_t stop_mask(unsigned int level)
{
	return AM_PTE_CONTIG | (level < AM_PT_MAX_LEVEL ? AM_PTE_TABLE : 0);
}

static bool stop_at(const struct am_pt *pt, am_pte_t e, uint64_t va, unsigned int level,
		    uint64_t lo, uint64_t hi)
{
	return pt_is_table(e, level) || ((e & AM_PTE_CONTIG) && !covers_run(pt, va, level, lo, hi));
}

/* Entries from s->idx, up to @n, before the first stop after the first entry. */
static unsigned int until_stop(const struct am_pt *pt, const struct pt_slot *s, unsigned int n,
			       uint64_t lo, uint64_t hi)
{
	const am_pte_t stop = stop_mask(s->level);

	for (unsigned int k = 1; k < n; k++) {
		am_pte_t e = s->t->p[s->idx + k];

		if ((e & stop) && stop_at(pt, e, s->va + k * pt_span(pt, s->level), s->level, lo, hi))
			return k;
	}
	return n;
}

/* ------------------------------------------------------------------ map -- */

struct map_arg {
	am_pte_t tmpl;	/* the page template, OA 0; a block's has bit 1 clear */
	uint64_t delta; /* pa - va */
	uint64_t lo, hi;
	unsigned int flags;
};

/* May map write leaves at @level? Pages always; blocks where allowed and the PA is aligned like the
 * VA. */
static inline bool map_leaf_ok_g(unsigned int gs, const struct map_arg *m, unsigned int level)
{
	return level == AM_PT_MAX_LEVEL || (pt_block_level_g(gs, level) &&
					    (m->flags & AM_PT_F_BLOCK) &&
					    !(m->delta & (pt_span_g(gs, level) - 1)));
}

static bool map_leaf_ok(const struct am_pt *pt, const struct map_arg *m, unsigned int level)
{
	return level == AM_PT_MAX_LEVEL || (pt_block_level(pt, level) && (m->flags & AM_PT_F_BLOCK) &&
					    !(m->delta & (pt_span(pt, level) - 1)));
}

/* The template of a leaf at @level: a block's has bit 1 clear. */
static am_pte_t map_tmpl(const struct map_arg *m, unsigned int level)
{
	return level == AM_PT_MAX_LEVEL ? m->tmpl : m->tmpl & ~AM_PTE_TABLE;
}

static int map_refuse(struct am_pt *pt, uint64_t va, am_pte_t pte, unsigned int level)
{
	PT_LOG(pt, AM_LOG_ERR, AM_EV_PT_MAPPED, "mapping over a valid or parked entry refused", va,
	       pte, level);
	return AM_EEXIST;
}

/*
 * Descriptors @v, @v + @span, ... into [q, end): one 64-bit store each, four
 * a turn (a loop of single stores ran at half speed or full speed
 * depending on where the compiler happened to place it).
 */
static inline void store_leaves(volatile am_pte_t *q, volatile am_pte_t *end, am_pte_t v,
				uint64_t span)
{
	for (; end - q >= 4; q += 4, v += 4 * span) {
		q[0] = v;
		q[1] = v + span;
		q[2] = v + 2 * span;
		q[3] = v + 3 * span;
	}
	for (; q < end; q++, v += span)
		*q = v;
}

/*
 * Write leaves into the entries from s->idx (entry s->idx is empty), up to
 * @n, all wholly inside the range. They stop before a table (an empty one
 * from am_pt_populate, say): the walker then descends into it. A leaf on
 * the way is refused in the dry run (and in once mode, where a table on
 * the way or entries beyond @n mean another visit: PT_AGAIN, nothing
 * written); the commit run sees the same entries. A contiguous run gets
 * its hint only when this call writes all 16 of its entries: a run that
 * holds a table is not one.
 */
static int map_leaves(struct pt_walk *w, struct pt_slot *s, unsigned int n)
{
	uint64_t span = pt_span(w->pt, s->level);
	am_pte_t *p = s->t->p;

	if (pt_once(w) && n != s->n)
		return PT_AGAIN;
	/* what is ahead in a new empty table is empty: nothing to look at */
	if (p && !s->t->blank && !(s->t->fresh && !s->t->tmpl)) {
		for (unsigned int k = 1; k < n; k++) {
			am_pte_t e = p[s->idx + k];

			if (!e)
				continue;
			if (pt_is_table(e, s->level)) {
				if (pt_once(w))
					return PT_AGAIN;
				n = k;
				break;
			}
			if (pt_dry(w) || pt_once(w))
				return map_refuse(w->pt, s->va + k * span, e, s->level);
		}
	}
	pt_apply(s);
	return (int)n;
}

/* Write the @n leaves map_leaves() decided, from s->idx (all zero); @plain:
 * a plain 4 KiB table, its geometry constants. */
static inline int map_apply_g(struct pt_walk *w, struct pt_slot *s, unsigned int n,
			      const bool plain)
{
	struct map_arg *m = w->arg;
	uint64_t span = plain ? pt_span_g(12u, s->level) : pt_span(w->pt, s->level);
	unsigned int nc = plain ? 16u : pt_cont(w->pt, s->level);
	uint64_t run = span * nc;
	/* a level with no runs (64 KiB's level 1) takes no hint */
	bool contig = (m->flags & AM_PT_F_CONTIG) && nc && !(m->delta & (run - 1));
	am_pte_t tmpl = map_tmpl(m, s->level);
	am_pte_t *p = s->t->p + s->idx;
	/* read once: the stores may alias */
	const unsigned int split = plain ? 0u : pt_oa_split(w->pt);

	for (unsigned int k = 0; k < n;) {
		uint64_t va = s->va + k * span;
		unsigned int chunk = n - k;
		am_pte_t c = 0;
		uint64_t oa = va + m->delta;
		volatile am_pte_t *q, *end;

		if (split) { /* OA[51:48] / [51:50] apart: a run stops there */
			uint64_t top = (1ull << split) - 1u;
			uint64_t room = (((oa | top) + 1) - oa) / span;

			if (chunk > room)
				chunk = (unsigned int)room;
		}
		if (contig) {
			unsigned int left = nc - ((s->idx + k) & (nc - 1u));
			uint64_t rs = va & ~(run - 1);

			if (chunk > left)
				chunk = left;
			if (chunk == nc && rs >= m->lo && rs + run <= m->hi)
				c = AM_PTE_CONTIG;
		}
		q = p + k;
		end = q + chunk;
		store_leaves(q, end, tmpl | c | (split ? pt_oa_bits(w->pt, oa) : oa), span);
		k += chunk;
	}
	s->t->cnt += n; /* every one of them was zero */
	pt_wrote(w, s->t->live);
	return (int)n;
}

static int map_apply(struct pt_walk *w, struct pt_slot *s, unsigned int n)
{
	if (pt_plain(w->pt))
		return map_apply_g(w, s, n, true);
	return map_apply_g(w, s, n, false);
}

/* Table pages a map of a whole entry at @level takes under it. */
static size_t map_need_full(const struct am_pt *pt, const struct map_arg *m, unsigned int level)
{
	if (map_leaf_ok(pt, m, level))
		return 0;
	return pt_ents(pt) * (1 + map_need_full(pt, m, level + 1));
}

/*
 * Table pages a map of [lo, hi) takes inside an empty table at @level
 * whose span holds it: a table under each entry it covers partly, and
 * under each it covers wholly where no leaf may go there, and so on down.
 * The commit run makes exactly these decisions in the new tables.
 */
static size_t map_need(const struct am_pt *pt, const struct map_arg *m, unsigned int level,
		       uint64_t lo, uint64_t hi)
{
	uint64_t span = pt_span(pt, level);
	uint64_t a = lo & ~(span - 1);
	size_t need = 0;

	if (level == AM_PT_MAX_LEVEL)
		return 0;
	if (lo != a || hi - a < span) { /* the first entry, partly */
		uint64_t e = hi - a < span ? hi : a + span;

		need += 1 + map_need(pt, m, level + 1, lo, e);
		lo = e;
	}
	if (lo < hi && (hi & (span - 1))) { /* the last entry, partly */
		uint64_t b = hi & ~(span - 1);

		need += 1 + map_need(pt, m, level + 1, b, hi);
		hi = b;
	}
	if (lo < hi && !map_leaf_ok(pt, m, level))
		need += (size_t)((hi - lo) / span) * (1 + map_need_full(pt, m, level + 1));
	return need;
}

static int map_visit(struct pt_walk *w, struct pt_slot *s)
{
	struct map_arg *m = w->arg;
	unsigned int lvl = s->level;
	unsigned int n;

	if (pt_is_table(s->pte, lvl)) {
		pt_descend_table(w, s);
		return 1;
	}
	if (s->pte)
		return map_refuse(w->pt, s->lo, s->pte, lvl);
	n = full_entries(w->pt, s, m->hi);
	if (n && map_leaf_ok(w->pt, m, lvl))
		return map_leaves(w, s, n);
	/*
	 * The dry run need not walk a new table: it is empty, nothing in it
	 * can refuse, and what it takes is arithmetic (map_need()). The
	 * commit fills it; one wholly inside the range gets every entry
	 * written (a leaf or a table), so it is not zeroed first.
	 */
	if (pt_dry(w) && !n) {
		pt_dry_need(w, 1 + map_need(w->pt, m, lvl + 1, s->lo, s->hi));
		return 1;
	}
	if (pt_dry(w)) { /* whole entries, no leaf allowed: each a full table */
		n = n < zero_entries(s) ? n : zero_entries(s);
		pt_dry_need(w, n * (1 + map_need_full(w->pt, m, lvl + 1)));
		return (int)n;
	}
	return pt_descend_new(w, s, false, s->lo == s->va && s->hi == s->va + pt_span(w->pt, lvl));
}

/* The single-leaf path: one empty entry where a leaf may go. (One entry
 * alone never carries the contiguous hint.) */
static PT_HOT int map_one(struct am_pt *pt, void *arg, struct pt_one *x)
{
	const struct map_arg *m = arg;

	if (pt_is_table(x->e, x->level) || !map_leaf_ok_g(x->gs, m, x->level))
		return PT_AGAIN;
	if (x->e)
		return map_refuse(pt, x->va, x->e, x->level);
	x->v = map_tmpl(m, x->level) |
	       (x->plain ? x->va + m->delta : pt_oa_bits(pt, x->va + m->delta));
	x->dcnt = 1;
	return 0;
}

static const struct pt_visitor map_visitor = {.visit = map_visit,
					      .apply = map_apply,
					      .one = map_one,
					      .once = 1,
					      .grow = 1,
					      .deepest = AM_PT_MAX_LEVEL};

/* ---------------------------------------------------------------- unmap -- */

struct range_arg {
	uint64_t lo, hi;
	struct pt_report *rep; /* am_pt_unmap_report(): the leaves removed; else NULL */
};

/* Clear leaf @e at *@p; a valid one in a live table is invalidated. */
static inline void unmap_entry(struct pt_walk *w, am_pte_t *p, am_pte_t e, uint64_t va,
			       unsigned int level, bool live)
{
	pte_store(p, 0);
	if (live && (e & AM_PTE_VALID))
		pt_queue_tlbi(w, va, level, true);
}

/*
 * The entries of the contiguous run around s that the unhint before a
 * partial unmap of it leaves cleared (those wholly inside the range): it
 * clears them with break-before-make, and they are reported here, before
 * (nothing is reported before that completed: the buffer is flushed only
 * when full, and the unhint comes right after).
 */
static void unmap_report_run(struct pt_walk *w, const struct pt_slot *s, const struct range_arg *r)
{
	unsigned int lvl = s->level, nc = pt_cont(w->pt, lvl), first = s->idx & ~(nc - 1u);
	uint64_t span = pt_span(w->pt, lvl);
	uint64_t rva = s->va - (uint64_t)(s->idx - first) * span;

	pt_report_room(w, r->rep);
	for (unsigned int k = 0; k < nc; k++) {
		am_pte_t e = s->t->p[first + k];
		uint64_t va = rva + k * span;

		if (e && va >= r->lo && va + span <= r->hi)
			pt_report_leaf(w, r->rep, va, lvl, e);
	}
}

static int unmap_visit(struct pt_walk *w, struct pt_slot *s)
{
	struct range_arg *r = w->arg;
	unsigned int lvl = s->level;
	unsigned int n = full_entries(w->pt, s, r->hi);
	unsigned int k;

	if (!s->pte) {
		k = zero_entries(s);
		return pt_once(w) && k != s->n ? PT_AGAIN : (int)k;
	}
	if (n && pt_dry(w))
		return (int)n; /* wholly covered: nothing to allocate, nothing to refuse */
	if (pt_is_table(s->pte, lvl)) {
		if (!n) {
			pt_descend_table(w, s);
			return 1;
		}
		if (pt_once(w) && s->n != 1)
			return PT_AGAIN;
		pt_drop_subtree(w, s, r->rep);
		return 1;
	}
	/* once mode: nothing to break, and no stop before the end */
	if (pt_once(w) && (n != s->n || partial_run(w->pt, s->pte, s->va, lvl, r->lo, r->hi) ||
			   until_stop(w->pt, s, n, r->lo, r->hi) != n))
		return PT_AGAIN;
	if (partial_run(w->pt, s->pte, s->va, lvl, r->lo, r->hi)) {
		if (r->rep && !pt_dry(w) && s->t->live)
			unmap_report_run(w, s, r);
		pt_unhint_run(w, s, r->lo, r->hi);
	}
	if (!n) {
		/* break the block: what of it goes is reported whole (its pieces
		 * are cleared in the fresh table, which no walker sees) */
		if (r->rep && !pt_dry(w) && s->t->live) {
			pt_report_room(w, r->rep);
			pt_report_part(w, r->rep, s->va, lvl, s->pte, s->lo, s->hi);
		}
		return pt_descend_new(w, s, false, false);
	}
	pt_apply(s);
	return (int)n;
}

/* Clear the leaves from s->idx, up to @n or the first stop. */
static int unmap_apply(struct pt_walk *w, struct pt_slot *s, unsigned int n)
{
	struct range_arg *r = w->arg;
	struct pt_tbl *t = s->t;
	unsigned int lvl = s->level;
	unsigned int k, cleared = 0;
	/* with ranges and nothing to report: one range for the run, after it */
	const bool ranged = t->live && !r->rep && pt_tlbi_ranges(w);
	const bool tlbi = t->live && !ranged;
	const uint64_t span = pt_span(w->pt, lvl);
	const am_pte_t stop = stop_mask(lvl);

	for (k = 0; k < n; k++) {
		am_pte_t e = t->p[s->idx + k];
		uint64_t va = s->va + k * span;

		if (k && (e & stop) && stop_at(w->pt, e, va, lvl, r->lo, r->hi))
			break;
		if (!e)
			continue;
		if (r->rep && t->live && pt_report_point(w->pt, e, s->idx + k, lvl))
			pt_report_room(w, r->rep);
		unmap_entry(w, &t->p[s->idx + k], e, va, lvl, tlbi);
		if (r->rep && t->live)
			pt_report_leaf(w, r->rep, va, lvl, e);
		cleared++;
	}
	if (ranged && cleared)
		pt_queue_tlbi_range(w, s->va, (uint64_t)k * span, lvl, true);
	t->cnt -= cleared;
	pt_wrote(w, t->live);
	return (int)k;
}

/* After a partial walk of a table: if nothing is left in it (its entry
 * count says so: no scan), unlink it. */
static void unmap_post(struct pt_walk *w, struct pt_slot *s)
{
	if (pt_dry(w) || s->child.cnt)
		return;
	pt_write(w, s->t, s->idx, 0);
	if (s->t->live)
		pt_queue_tlbi(w, s->va, s->level, false);
	pt_queue_free(w, s->child.p, s->child_pa);
	PT_LOG(w->pt, AM_LOG_DEBUG, AM_EV_PT_TABLE_FREED, "empty table freed", s->va, s->level, 0);
}

/* The single-leaf path: one leaf, not part of a contiguous run (one entry
 * never covers a run). @arg: a struct range_arg, or NULL (no report: the
 * fast path of am_pt_unmap(), where the report's code folds away). */
static PT_HOT int unmap_one(struct am_pt *pt, void *arg, struct pt_one *x)
{
	const struct range_arg *r = arg;

	if (!x->e)
		return PT_ONE_SAME;
	if (pt_is_table(x->e, x->level) || (x->e & AM_PTE_CONTIG))
		return PT_AGAIN;
	x->v = 0;
	x->dcnt = -1;
	x->inval = x->e & AM_PTE_VALID;
	if (r && r->rep)
		pt_report_one(pt, r->rep, x->va, x->level, x->e);
	return 0;
}

static const struct pt_visitor unmap_visitor = {.visit = unmap_visit,
						.apply = unmap_apply,
						.post = unmap_post,
						.one = unmap_one,
						.once = 1,
						.deepest = AM_PT_MAX_LEVEL};

/* --------------------------------------------------------------- modify -- */

struct modify_arg {
	am_pte_t clear;	   /* bits replaced: permissions, software, VALID; or VALID alone */
	am_pte_t set;	   /* their new value */
	am_pte_t mem_mask; /* memory-type and shareability bits (0: any leaf will do) */
	am_pte_t mem;	   /* the value leaves must have there */
	uint64_t lo, hi;
	bool line; /* every run the dry run checked was a line (modify_check_run()) */
};

/* Why modify_check() refused leaf @e: the record, and the code. */
static PT_COLD int modify_refusal(struct am_pt *pt, am_pte_t mem, uint64_t va, am_pte_t e,
				  unsigned int level)
{
	if (!e) {
		PT_LOG(pt, AM_LOG_ERR, AM_EV_NOT_FOUND, "modify of an unmapped page", va, level, 0);
		return AM_ENOENT;
	}
	PT_LOG(pt, AM_LOG_ERR, AM_EV_TYPE_CHANGE,
	       "memory type or shareability of a live mapping cannot change", va, e & PT_MEM_MASK,
	       mem);
	return AM_EPERM;
}

/* May leaf @e take the modify? A leaf must be there, with the memory type
 * and shareability it keeps. */
static inline int modify_check(struct am_pt *pt, const struct modify_arg *m, uint64_t va,
			       am_pte_t e, unsigned int level)
{
	if (!e || (e & m->mem_mask) != m->mem)
		return modify_refusal(pt, m->mem, va, e, level);
	return 0;
}

/*
 * The bits a line of leaves may differ in: the output address's bits
 * [47:12] of the descriptor (below 12 and above 47 every attribute lives).
 */
#define PT_LINE_BITS (((1ull << 48) - 1) & ~((1ull << 12) - 1))
_Static_assert(!((PT_PERM_MASK | AM_PTE_SW_MASK | AM_PTE_VALID | PT_MEM_MASK | PT_MEM_MASK_S1 |
		  AM_PTE_AF | AM_PTE_CONTIG | AM_PTE_TABLE) &
		 PT_LINE_BITS),
	       "a bit modify replaces or checks is in PT_LINE_BITS");

/*
 * How the @n entries from @p differ from a line: the OR of each entry k's
 * bits that differ from @first + k * @step, read two at a time with no
 * branch an entry. 0: a line.
 */
static am_pte_t off_line(const am_pte_t *p, unsigned int n, am_pte_t first, uint64_t step)
{
	const pt_pair_u s2 = {2 * step, 2 * step}, s4 = s2 + s2, s8 = s4 + s4;
	pt_pair_u e = {first, first + step}, acc = {0, 0}, acc2 = {0, 0};
	am_pte_t tail = 0;
	unsigned int k;

	for (k = 0; k + 8 <= n; k += 8, e += s8) {
		acc |= (*(const pt_pair_u *)(p + k) ^ e) | (*(const pt_pair_u *)(p + k + 4) ^ (e + s4));
		acc2 |= (*(const pt_pair_u *)(p + k + 2) ^ (e + s2)) |
			(*(const pt_pair_u *)(p + k + 6) ^ (e + s4 + s2));
	}
	for (; k + 2 <= n; k += 2, e += s2)
		acc |= *(const pt_pair_u *)(p + k) ^ e;
	if (k < n)
		tail = p[k] ^ e[0];
	acc |= acc2;
	return acc[0] | acc[1] | tail;
}

/* Dry run (or once mode) over up to @n leaves from s->idx: the rules, no
 * write. Returns the leaves before a stop, or a refusal. Clears m->line
 * unless they are a line the commit may compute (modify_rest()). */
static int modify_check_run(struct pt_walk *w, struct pt_slot *s, unsigned int n)
{
	struct modify_arg *m = w->arg;
	uint64_t span = pt_span(w->pt, s->level);
	const am_pte_t mem = m->mem, mem_mask = m->mem_mask, stop = stop_mask(s->level);
	const am_pte_t check = mem_mask | AM_PTE_AF | stop;
	unsigned int k = 1;

	/*
	 * The common case first, with no branch an entry: every one an
	 * ordinary leaf of the right type. AF set means not zero (armmap's
	 * leaves all have it); no stop bit (no contiguous hint, not a table).
	 * Entry k is compared with the line first + k * span: while that
	 * line's sum carries nothing past bit 47 its @check bits are first's
	 * (none is in PT_LINE_BITS), so the entries that differ from it in no
	 * @check bit have first's there. Anything else takes the loop below,
	 * which decides exactly.
	 */
	if (s->t->p && !s->t->blank) {
		const am_pte_t *p = s->t->p + s->idx, first = p[0];
		const uint64_t last = first + (n - 1) * span;
		am_pte_t off;

		if (!((first & check) ^ (mem | AM_PTE_AF)) && !((last ^ first) >> 48)) {
			off = off_line(p, n, first, span);
			if (!(off & check)) {
				m->line &= !off;
				return (int)n;
			}
		}
	}
	m->line = false;
	for (k = 0; k < n; k++) {
		am_pte_t e = k ? pt_get(s->t, s->idx + k) : s->pte;
		int rc;

		if (k && (e & stop) && stop_at(w->pt, e, s->va + k * span, s->level, m->lo, m->hi))
			break;
		if (e && (e & mem_mask) == mem)
			continue;
		rc = modify_check(w->pt, w->arg, s->va + k * span, e, s->level);
		if (rc)
			return rc;
	}
	return (int)k;
}

/* Give leaf @e at *@p the new bits; a valid one in a live table is invalidated. */
static inline void modify_entry(struct pt_walk *w, const struct modify_arg *m, am_pte_t *p,
				am_pte_t e, uint64_t va, unsigned int level, bool live)
{
	am_pte_t v = (e & ~m->clear) | m->set;

	if (v == e)
		return;
	pte_store(p, v);
	pt_wrote(w, live); /* a barrier only when something changed */
	if (live && (e & AM_PTE_VALID))
		pt_queue_tlbi(w, va, level, true);
}

/*
 * Rewrite the leaves from @p up to @end, or to the first with a @stop bit;
 * returns where it stopped, and sets *@changed if a leaf changed. Apart,
 * so that the loop keeps everything in registers.
 */
static __attribute__((noinline)) am_pte_t *modify_span(am_pte_t *p, am_pte_t *end, am_pte_t clear,
						       am_pte_t set, am_pte_t stop, bool *changed)
{
	const pt_pair_u keep = {~clear, ~clear}, to = {set, set}, st = {stop, stop};
	pt_pair_u diff = {0, 0};
	am_pte_t d = 0;

	/* computed two at a time (read as pairs), written one 64-bit store each */
	for (; end - p >= 8; p += 8) {
		pt_pair_u a = *(const pt_pair_u *)p, b = *(const pt_pair_u *)(p + 2);
		pt_pair_u c = *(const pt_pair_u *)(p + 4), e = *(const pt_pair_u *)(p + 6);
		pt_pair_u s = ((a | b) | (c | e)) & st;
		pt_pair_u va = (a & keep) | to, vb = (b & keep) | to;
		pt_pair_u vc = (c & keep) | to, ve = (e & keep) | to;

		if (s[0] | s[1])
			break;
		diff |= ((va ^ a) | (vb ^ b)) | ((vc ^ c) | (ve ^ e));
		pte_store(&p[0], va[0]);
		pte_store(&p[1], va[1]);
		pte_store(&p[2], vb[0]);
		pte_store(&p[3], vb[1]);
		pte_store(&p[4], vc[0]);
		pte_store(&p[5], vc[1]);
		pte_store(&p[6], ve[0]);
		pte_store(&p[7], ve[1]);
	}
	for (; p < end; p++) {
		am_pte_t e = *p, v = (e & ~clear) | set;

		if (e & stop)
			break;
		d |= v ^ e;
		pte_store(p, v);
	}
	*changed |= (diff[0] | diff[1] | d) != 0;
	return p;
}

/*
 * The leaves from s->idx + @k up to @n once no invalidation is queued for
 * each (the batch invalidates everything, or no walker sees the table):
 * only the rewrite, left at any entry with a stop bit, where stop_at()
 * decides. Returns where it stopped.
 */
static unsigned int modify_rest(struct pt_walk *w, struct pt_slot *s, unsigned int k,
				unsigned int n, bool *changed_out)
{
	const struct modify_arg *m = w->arg;
	const am_pte_t stop = stop_mask(s->level);
	const uint64_t span = pt_span(w->pt, s->level);
	am_pte_t *p = s->t->p + s->idx;
	bool changed = false;

	/*
	 * A line (each leaf the one before plus @span: what the dry run
	 * found of every run, no stop bit among them) gets each new leaf
	 * computed from the one before: stores only. Its last leaf is read
	 * again, a guard: one that is not where the line puts it sends the
	 * run to the loop below, which reads every leaf.
	 */
	if (m->line && k < n && p[n - 1] == p[k] + (n - 1 - k) * span) {
		am_pte_t v = (p[k] & ~m->clear) | m->set;

		if (v != p[k]) {
			store_leaves(p + k, p + n, v, span);
			pt_wrote(w, s->t->live);
			*changed_out = true;
		} else {
			*changed_out = false;
		}
		return n;
	}
	for (;;) {
		k = (unsigned int)(modify_span(p + k, p + n, m->clear, m->set, stop, &changed) - p);
		if (k == n ||
		    (k && stop_at(w->pt, p[k], s->va + k * span, s->level, m->lo, m->hi)))
			break;
		/* a stop bit, but not a stop: the first entry, or a run wholly in the range */
		modify_span(p + k, p + k + 1, m->clear, m->set, 0, &changed);
		k++;
	}
	if (changed) /* a barrier only when something changed */
		pt_wrote(w, s->t->live);
	*changed_out = changed;
	return k;
}

static int modify_visit(struct pt_walk *w, struct pt_slot *s)
{
	struct modify_arg *m = w->arg;
	unsigned int lvl = s->level;
	unsigned int n;
	int rc;

	if (pt_is_table(s->pte, lvl)) {
		pt_descend_table(w, s);
		return 1;
	}
	rc = modify_check(w->pt, w->arg, s->lo, s->pte, lvl);
	if (rc)
		return rc;
	n = full_entries(w->pt, s, m->hi);
	if (pt_once(w) && (n != s->n || partial_run(w->pt, s->pte, s->va, lvl, m->lo, m->hi)))
		return PT_AGAIN; /* a block or a run to break, or more visits */
	if (partial_run(w->pt, s->pte, s->va, lvl, m->lo, m->hi))
		pt_unhint_run(w, s, 0, 0);
	if (!n)
		return pt_descend_new(w, s, false, false); /* break the block */
	/* the rules, where they are checked (the commit saw them in the dry run) */
	if (pt_dry(w) || pt_once(w)) {
		rc = modify_check_run(w, s, n);
		if (rc < 0)
			return rc;
		if (pt_once(w) && (unsigned int)rc != n)
			return PT_AGAIN; /* a stop before the end */
		n = (unsigned int)rc;
	}
	pt_apply(s);
	return (int)n;
}

/* Rewrite the leaves from s->idx, up to @n or the first stop. */
static int modify_apply(struct pt_walk *w, struct pt_slot *s, unsigned int n)
{
	struct modify_arg *m = w->arg;
	struct pt_tbl *t = s->t;
	unsigned int lvl = s->level;
	uint64_t span = pt_span(w->pt, lvl);
	const am_pte_t stop = stop_mask(lvl);
	am_pte_t *p = t->p + s->idx;
	bool changed = false;
	unsigned int k;

	if (t->live && pt_tlbi_ranges(w)) { /* the rewrite, then one range for the run */
		k = modify_rest(w, s, 0, n, &changed);
		if (changed)
			pt_queue_tlbi_range(w, s->va, (uint64_t)k * span, lvl, true);
		return (int)k;
	}
	/* entry by entry while the batch queues their invalidations one by one */
	for (k = 0; k < n && t->live && !pt_tlbi_whole(w); k++) {
		am_pte_t e = p[k];

		if (k && (e & stop) && stop_at(w->pt, e, s->va + k * span, lvl, m->lo, m->hi))
			return (int)k;
		modify_entry(w, m, &p[k], e, s->va + k * span, lvl, true);
	}
	return k == n ? (int)n : (int)modify_rest(w, s, k, n, &changed);
}

/* The single-leaf path: one leaf, its rules first; not part of a
 * contiguous run (one entry never covers a run). */
static PT_HOT int modify_one(struct am_pt *pt, void *arg, struct pt_one *x)
{
	const struct modify_arg *m = arg;
	int rc;

	if (pt_is_table(x->e, x->level))
		return PT_AGAIN;
	rc = modify_check(pt, m, x->va, x->e, x->level);
	if (rc)
		return rc;
	if (x->e & AM_PTE_CONTIG)
		return PT_AGAIN;
	x->v = (x->e & ~m->clear) | m->set;
	if (x->v == x->e)
		return PT_ONE_SAME;
	x->inval = x->e & AM_PTE_VALID;
	return 0;
}

static const struct pt_visitor modify_visitor = {.visit = modify_visit,
						 .apply = modify_apply,
						 .one = modify_one,
						 .once = 1,
						 .deepest = AM_PT_MAX_LEVEL};

/* ------------------------------------------------------------- populate -- */

static int populate_visit(struct pt_walk *w, struct pt_slot *s)
{
	bool shallow = s->level + 1 == AM_PT_MAX_LEVEL;

	if (s->level == AM_PT_MAX_LEVEL) /* a root at level 3: the last-level table */
		return (int)s->n;
	if (pt_is_table(s->pte, s->level)) {
		pt_descend_table(w, s);
		s->shallow = shallow;
		return 1;
	}
	if (s->pte)
		return 1; /* a block (valid or parked) already maps it */
	return pt_descend_new(w, s, shallow, false);
}

/* Not once: it allocates. The walker stops above last-level tables, which
 * it creates but does not visit. */
static const struct pt_visitor populate_visitor = {.visit = populate_visit,
						   .deepest = AM_PT_MAX_LEVEL - 1};

/* ------------------------------------------------------- leaves, query -- */

struct leaf_arg {
	am_pt_leaf_fn fn;
	void *arg;
	int rc;
};

/* Leaf @pte at @level, whose span starts at @va, as the caller sees it
 * (granule 2^@gs). */
static inline void leaf_of_g(struct am_pt *pt, am_pte_t pte, unsigned int level, uint64_t va,
			     struct am_pt_leaf *l, const unsigned int gs, const bool plain)
{
	pt_attr_of(pt, pte, &l->attr); /* zero: not one armmap writes */
	l->va = am_va(va + pt->va_base);
	l->pa = am_pa(pt_oa_g(pt, pte, plain));
	l->size = pt_span_g(gs, level);
	l->level = (uint8_t)level;
	l->valid = (uint8_t)(pte & AM_PTE_VALID);
	l->contig = (pte & AM_PTE_CONTIG) ? 1 : 0;
	l->ng = (pte & AM_PTE_NG) ? 1 : 0;
	l->ns = (uint8_t)((pte >> 5) & pt->secure); /* secure: 0 or 1, never at stage 2 */
	l->sw = (uint8_t)((pte & AM_PTE_SW_MASK) >> AM_PTE_SW_SHIFT);
	l->pte = pte;
}

static void leaf_of(struct am_pt *pt, am_pte_t pte, unsigned int level, uint64_t va,
		    struct am_pt_leaf *l)
{
	leaf_of_g(pt, pte, level, va, l, pt_gs(pt), false);
}

/*
 * leaf_of_g() for am_pt_query(), through the last leaf it decoded
 * (am_pt.lq_key): what a descriptor's bits but its output address decode
 * to depends on nothing else but the table's settings, which stay from
 * init on, so a leaf with the same bits copies it and fills in its own
 * address, size, level and descriptor. Lock held.
 */
static PT_HOT void query_leaf_g(struct am_pt *pt, am_pte_t pte, unsigned int level, uint64_t va,
				struct am_pt_leaf *l, const unsigned int gs, const bool plain)
{
	const uint64_t key = pte & ~AM_PTE_OA_MASK;

	if (key != pt->lq_key) {
		if (plain)
			leaf_of_g(pt, pte, level, va, l, gs, plain);
		else
			leaf_of(pt, pte, level, va, l);
		pt->lq_key = key;
		pt->lq_leaf = *l;
		return;
	}
	*l = pt->lq_leaf;
	l->va = am_va(va + pt->va_base);
	l->pa = am_pa(pt_oa_g(pt, pte, plain));
	l->size = pt_span_g(gs, level);
	l->level = (uint8_t)level;
	l->pte = pte;
}

static int leaf_visit(struct pt_walk *w, struct pt_slot *s)
{
	struct leaf_arg *a = w->arg;
	struct am_pt_leaf l;

	if (!s->pte)
		return (int)zero_entries(s);
	if (pt_is_table(s->pte, s->level)) {
		pt_descend_table(w, s);
		return 1;
	}
	leaf_of(w->pt, s->pte, s->level, s->va, &l);
	a->rc = a->fn(a->arg, &l);
	return a->rc ? PT_STOP : 1;
}

static const struct pt_visitor leaf_visitor = {.visit = leaf_visit, .deepest = AM_PT_MAX_LEVEL};

/* ------------------------------------------------ removed leaves, reported -- */

/*
 * The buffered leaves, to rep->fn (the caller finished their maintenance):
 * a run of leaves one by one; a part of a block (a broken one) as the
 * descriptors the break put in its place: from its start, the largest
 * piece of the next levels that is aligned and fits, down to pages.
 */
void pt_report_deliver(struct am_pt *pt, struct pt_report *rep)
{
	for (unsigned int i = 0; i < rep->n; i++) {
		const struct pt_removed *r = &rep->r[i];
		struct am_pt_leaf l;

		for (uint64_t a = r->lo; a < r->hi;) {
			unsigned int lvl = r->level;
			am_pte_t e = r->pte;

			if (r->part) {
				lvl++;
				while (lvl < AM_PT_MAX_LEVEL &&
				       ((a & (pt_span(pt, lvl) - 1)) || a + pt_span(pt, lvl) > r->hi))
					lvl++;
				e &= ~(AM_PTE_OA_MASK | AM_PTE_CONTIG | AM_PTE_TABLE);
				if (lvl == AM_PT_MAX_LEVEL)
					e |= AM_PTE_TABLE; /* a page */
				e |= r->pte & AM_PTE_OA_MASK;
			}
			leaf_of(pt, e + (a - r->base), lvl, a, &l);
			rep->fn(rep->arg, &l);
			a += pt_span(pt, lvl);
		}
	}
	rep->n = 0;
}

/* ------------------------------------------------------------ park walk -- */

struct park_arg {
	am_pt_park_fn fn;
	void *arg;
	int rc;		 /* what @fn stopped with */
	unsigned int sw; /* the software bits of the leaf to park */
};

/* @fn decides on the leaf at s; parking it is the apply op's. */
static int park_visit(struct pt_walk *w, struct pt_slot *s)
{
	struct park_arg *a = w->arg;
	struct am_pt_leaf l;
	int rc;

	if (!s->pte)
		return (int)zero_entries(s);
	if (pt_is_table(s->pte, s->level)) {
		pt_descend_table(w, s);
		return 1;
	}
	leaf_of(w->pt, s->pte, s->level, s->va, &l);
	a->sw = l.sw;
	rc = a->fn(a->arg, &l, &a->sw);
	if (rc == AM_PT_PARK) {
		pt_apply(s);
		return 1;
	}
	if (rc) {
		a->rc = rc;
		return PT_STOP;
	}
	return 1;
}

/* Park the leaf at s, whole, with the software bits @fn chose. */
static int park_apply(struct pt_walk *w, struct pt_slot *s, unsigned int n)
{
	struct park_arg *a = w->arg;
	struct pt_tbl *t = s->t;
	am_pte_t e, v;

	(void)n;
	if (s->pte & AM_PTE_CONTIG)
		pt_unhint_run(w, s, 0, 0); /* out of its run first */
	e = t->p[s->idx];
	v = (e & ~(AM_PTE_VALID | AM_PTE_SW_MASK | AM_PTE_CONTIG)) |
	    ((am_pte_t)(a->sw & 0xfu) << AM_PTE_SW_SHIFT);
	if (v == e)
		return 1;
	pte_store(&t->p[s->idx], v);
	pt_wrote(w, t->live);
	if (t->live && (e & AM_PTE_VALID))
		pt_queue_tlbi(w, s->va, s->level, true);
	return 1;
}

static const struct pt_visitor park_visitor = {
	.visit = park_visit, .apply = park_apply, .deepest = AM_PT_MAX_LEVEL};

/* ------------------------------------------------------------ the calls -- */

/* Why an input range is refused (logged), or 0. */
static PT_COLD int range_refusal(struct am_pt *pt, uint64_t va, uint64_t size)
{
	const char *why = NULL;
	int rc = 0;

	if (!size || ((va | size) & ((1ull << pt_gs(pt)) - 1u))) {
		rc = AM_EINVAL;
		why = "bad input range: empty or not granule aligned";
	} else if (va + size < va) {
		rc = AM_EOVERFLOW;
		why = "bad input range: wraps around";
	} else if (va + size > pt->ia_end) {
		rc = AM_ERANGE;
		why = "bad input range: beyond the input address size";
	}
	if (rc)
		PT_LOG(pt, AM_LOG_ERR, AM_EV_BAD_RANGE, why, va, size, pt->ia_end);
	return rc;
}

/* The input range of a call: not empty, granule aligned, no wrap, within
 * the input size. */
static inline bool range_ok(const struct am_pt *pt, uint64_t va, uint64_t size)
{
	return size && !((va | size) & pt->gmask) && va + size > va &&
	       va + size <= pt->ia_end;
}

/* range_ok(), or the refusal, logged. */
static inline int check_range(struct am_pt *pt, uint64_t va, uint64_t size)
{
	return range_ok(pt, va, size) ? 0 : range_refusal(pt, va, size);
}

int pt_check_range(struct am_pt *pt, uint64_t va, uint64_t size)
{
	return check_range(pt, va, size);
}

bool pt_ready(const struct am_pt *pt)
{
	if (pt && pt->ready == AM_READY_PT)
		return true; /* the common case without a call */
	return am_ready_check(pt, pt ? pt->ready : 0, AM_READY_PT,
			      "pt: NULL or uninitialised table (never, init failed, or destroyed)");
}

static PT_COLD int bad_arg(struct am_pt *pt, const char *msg, uint64_t a, uint64_t b)
{
	PT_LOG(pt, AM_LOG_ERR, AM_EV_BAD_ARG, msg, a, b, 0);
	return AM_EINVAL;
}

/* exec() for the 16 and 64 KiB granules: one copy for every visitor, apart. */
static __attribute__((noinline)) int exec_granule(struct am_pt *pt, const struct pt_visitor *v,
						  void *arg, uint64_t va, uint64_t size)
{
	return pt_exec_g(pt, v, arg, va, size, 0, pt_gs(pt), false);
}

/*
 * Carry out @v over the range (pt_exec_g(): the single-leaf path unless
 * @said is what it said when the caller tried it, PT_AGAIN or PT_NOWAY
 * (0: try it); then once, or dry, reserve, commit). Lock held.
 */
static PT_HOT int exec(struct am_pt *pt, const struct pt_visitor *v, void *arg, uint64_t va,
		       uint64_t size, int said)
{
	if (!pt_plain(pt))
		return exec_granule(pt, v, arg, va, size);
	return pt_exec_g(pt, v, arg, va, size, said, 12u, true);
}

/*
 * The fast path of a small call (map, unmap, modify): a plain 4 KiB table
 * and a range that is one entry's span at @level (3, 2 or 1, a constant:
 * each call picks it from the size, ONE_BY_SIZE(), so that nothing on the
 * way compares it). The range checks of the call follow: @va aligned to
 * the span is granule aligned, and below ia_end the span ends within it
 * (the input size is a multiple of every span from the root's level down).
 */
static PT_HOT bool one_ok(const struct am_pt *pt, uint64_t va, const unsigned int level)
{
	if (!pt_plain(pt) || (va & (pt_span_g(12u, level) - 1u)) || va >= pt->ia_end)
		return false;
	/* a plain table's root is at level 0, 1 or 2 (25 input bits at the
	 * least): a page or a 2 MiB block is at or below it; a 1 GiB block may
	 * be above a small table's */
	return level >= AM_PT_MAX_LEVEL - 1u || level >= pt->root_level;
}

/* What a fast path returns when it does not apply (the call as a whole). */
#define ONE_NO (PT_AGAIN - 1)

/* @fast(..., level) for a @size of one entry at level 3, 2 or 1, else ONE_NO. */
#define ONE_BY_SIZE(size, fast, ...)                                          \
	((size) == 1ull << 12	? fast(__VA_ARGS__, 3u)                      \
	 : (size) == 1ull << 21 ? fast(__VA_ARGS__, 2u)                      \
	 : (size) == 1ull << 30 ? fast(__VA_ARGS__, 1u)                      \
				: ONE_NO)

/* The calls that take only a range: check it, then run @v. */
static PT_HOT int exec_range(struct am_pt *pt, const struct pt_visitor *v, void *arg, uint64_t va,
			     uint64_t size)
{
	int rc;

	if (!pt_ready(pt))
		return AM_EINVAL;
	pt_lock(pt);
	rc = check_range(pt, va, size);
	if (!rc)
		rc = exec(pt, v, arg, va, size, 0);
	pt_unlock(pt);
	return rc;
}

/* Log why pt_leaf_attr() refused @attr; returns @rc. */
static PT_COLD int attr_refusal(struct am_pt *pt, const struct am_attr *attr, int rc)
{
	if (rc == AM_EINVAL)
		PT_LOG(pt, AM_LOG_ERR, AM_EV_BAD_ARG,
		       "malformed attributes (perm bits, memory type, shareability)", attr->perm,
		       attr->mtype, attr->sh);
	else if (rc == AM_EPERM && (attr->perm & AM_PERM_W))
		PT_LOG(pt, AM_LOG_ERR, AM_EV_WRITE_EXEC, "write+execute refused", attr->perm, 0, 0);
	else if (rc == AM_EPERM)
		PT_LOG(pt, AM_LOG_ERR, AM_EV_DEVICE_EXEC, "execute from device memory refused",
		       attr->mtype, 0, 0);
	else
		PT_LOG(pt, AM_LOG_ERR, AM_EV_NOT_EXPRESSIBLE,
		       "the regime cannot express these attributes", attr->perm, attr->mtype,
		       pt->regime);
	return rc;
}

/*
 * The descriptor of a page with @attr and @flags at OA 0 (a block's differs
 * only in bit 1), or the refusal, logged. The table keeps the last two it
 * built for calls that succeeded (a hypervisor maps with a handful of
 * attribute sets: RAM, devices, read-only): one compare then instead of the
 * encoding. A refused call changes nothing, the cache included: a new
 * template is kept by tmpl_keep() once the call succeeded.
 */
struct tmpl {
	am_pte_t bits;
	uint64_t key; /* attributes and flags; 0: found in the cache */
};

static __attribute__((noinline)) int leaf_template_new(struct am_pt *pt, const struct am_attr *attr,
						       unsigned int flags, struct tmpl *t)
{
	am_pte_t b;
	int rc = pt_leaf_tmpl(pt, attr, &b);

	if (rc)
		return attr_refusal(pt, attr, rc);
	if (pt_lpa2(pt)) {
		/* bits [9:8] are OA[51:50]: the shareability is TCR's (inner), outer
		 * for devices as the hardware takes them */
		if (attr->sh != pt_lpa2_sh(attr->mtype)) {
			PT_LOG(pt, AM_LOG_ERR, AM_EV_NOT_EXPRESSIBLE,
			       "LPA2: a leaf has no shareability of its own (inner; outer for "
			       "devices)",
			       attr->perm, attr->mtype, attr->sh);
			return AM_ENOTSUP;
		}
		b &= ~(3ull << 8);
	}
	b |= AM_PTE_VALID | AM_PTE_TABLE | AM_PTE_AF |
	     (am_pte_t)AM_PT_F_SW_OF(flags) << AM_PTE_SW_SHIFT;
	if (flags & AM_PT_F_NG)
		b |= AM_PTE_NG;
	if (flags & AM_PT_F_NS)
		b |= AM_PTE_NS;
	if (flags & AM_PT_F_PARKED)
		b &= ~AM_PTE_VALID;
	t->bits = b;
	return 0;
}

/* The cache's key of @attr and @flags, never 0. */
static inline uint64_t tmpl_key(const struct am_attr *attr, unsigned int flags)
{
	return attr->perm | (uint64_t)attr->mtype << 8 | (uint64_t)attr->sh << 16 |
	       (uint64_t)flags << 24 | 1ull << 63;
}

/* The template of @key in the cache: true, with it in *@bits. A key there
 * passed every check of the attributes and flags (its call succeeded). */
static inline bool tmpl_cached(const struct am_pt *pt, uint64_t key, am_pte_t *bits)
{
	if (key == pt->tmpl_key[0]) {
		*bits = pt->tmpl_val[0];
		return true;
	}
	if (key == pt->tmpl_key[1]) {
		*bits = pt->tmpl_val[1];
		return true;
	}
	return false;
}

static PT_HOT int leaf_template(struct am_pt *pt, const struct am_attr *attr, unsigned int flags,
				struct tmpl *t)
{
	uint64_t key = tmpl_key(attr, flags);

	if (tmpl_cached(pt, key, &t->bits)) {
		t->key = 0;
		return 0;
	}
	t->key = key;
	return leaf_template_new(pt, attr, flags, t);
}

/* After the call succeeded: a new template goes into the cache. */
static inline void tmpl_keep(struct am_pt *pt, const struct tmpl *t)
{
	if (t->key) {
		pt->tmpl_key[pt->tmpl_next] = t->key;
		pt->tmpl_val[pt->tmpl_next] = t->bits;
		pt->tmpl_next ^= 1;
	}
}

/* The output range of a map (@size checked): aligned, no wrap, within the
 * output size. */
static inline bool out_ok(const struct am_pt *pt, uint64_t pa, uint64_t size)
{
	return !(pa & pt->gmask) && pa + size > pa && pa + size <= pt->oa_end;
}

/* Why an output range is refused (logged), or 0. */
static PT_COLD int check_out(struct am_pt *pt, uint64_t pa, uint64_t size)
{
	const char *why = NULL;
	int rc = 0;

	if (pa & ((1ull << pt_gs(pt)) - 1u)) {
		rc = AM_EINVAL;
		why = "bad output range: not granule aligned";
	} else if (pa + size < pa) {
		rc = AM_EOVERFLOW;
		why = "bad output range: wraps around";
	} else if (pa + size > pt->oa_end) {
		rc = AM_ERANGE;
		why = "bad output range: beyond the output address size";
	}
	if (rc)
		PT_LOG(pt, AM_LOG_ERR, AM_EV_BAD_RANGE, why, pa, size, pt->oa_end);
	return rc;
}

/* Why am_pt_map() refuses its arguments (logged, in this order), or 0. */
static PT_COLD int map_refusal(struct am_pt *pt, uint64_t va, uint64_t pa, uint64_t size,
			       const struct am_attr *attr, unsigned int flags)
{
	int rc;

	if (!attr)
		rc = bad_arg(pt, "map: NULL attributes", 0, 0);
	else if (flags & ~AM_PT_F_MASK)
		rc = bad_arg(pt, "map: unknown flags", flags, 0);
	else if ((flags & AM_PT_F_NG) && !IS_EL10(pt->regime))
		rc = bad_arg(pt, "map: AM_PT_F_NG outside stage 1 EL1&0 and EL2&0", flags,
			     pt->regime);
	else if ((flags & AM_PT_F_NS) && !pt->secure)
		rc = bad_arg(pt, "map: AM_PT_F_NS outside a Secure stage-1 regime", flags,
			     pt->regime);
	else
		rc = check_range(pt, va, size);
	if (!rc)
		rc = check_out(pt, pa, size);
	return rc;
}

/*
 * am_pt_map() as a whole, lock held, when its fast path did not finish it
 * (@said: what the single-leaf path said when it ran it, PT_AGAIN or
 * PT_NOWAY; 0: it did not). Apart, so that the fast path keeps a small
 * frame.
 */
static __attribute__((noinline)) int map_call(struct am_pt *pt, uint64_t va, uint64_t pa,
					      uint64_t size, const struct am_attr *attr,
					      unsigned int flags, int said)
{
	struct map_arg m = {.delta = pa - va, .lo = va, .hi = va + size, .flags = flags};
	struct tmpl t;
	int rc = 0;

	/*
	 * The fast path found no table above its one entry (PT_NOWAY): it
	 * checked what that entry needs (a leaf there stays within the
	 * output size, see map_fast()) and the table keeps the template, so
	 * the one table is made first; the call's own checks only for the
	 * walk, when that needs more.
	 */
	if (said == PT_NOWAY && tmpl_cached(pt, tmpl_key(attr, flags), &m.tmpl)) {
		/* the fast path's level: a plain 4 KiB table, one entry's size */
		rc = pt_grow_g(pt, &map_visitor, &m, va,
			       size == 1ull << 12 ? 3u : size == 1ull << 21 ? 2u : 1u, 12u, true);
		if (rc != PT_AGAIN)
			return rc;
		said = PT_AGAIN;
		rc = 0;
	}
	if (!attr || (flags & ~AM_PT_F_MASK) || ((flags & AM_PT_F_NG) && !IS_EL10(pt->regime)) ||
	    ((flags & AM_PT_F_NS) && !pt->secure) || !range_ok(pt, va, size) ||
	    !out_ok(pt, pa, size))
		rc = map_refusal(pt, va, pa, size, attr, flags);
	if (!rc)
		rc = leaf_template(pt, attr, flags, &t);
	if (!rc) {
		m.tmpl = t.bits;
		rc = exec(pt, &map_visitor, &m, va, size, said);
		if (!rc)
			tmpl_keep(pt, &t);
	}
	return rc;
}

/*
 * The fast path of am_pt_map(): one entry (one_ok()), a granule-aligned
 * output address below the output size, attributes and flags whose
 * template the table kept (they passed every check): the single-leaf
 * path, no other check. The output range ends within the output size
 * too: a page does, and map_one() writes a block only where the PA is
 * aligned to its span (the output size, 2^32 or more, is a multiple of
 * it). ONE_NO, or PT_AGAIN when it needs more: the call as a whole.
 */
static PT_HOT int map_fast(struct am_pt *pt, uint64_t va, uint64_t pa, const struct am_attr *attr,
			   unsigned int flags, const unsigned int level)
{
	struct map_arg m; /* what map_one() reads (the walk's range not among it) */
	am_pte_t tmpl;

	if (!one_ok(pt, va, level) || (pa & 0xfffu) || pa >= pt->oa_end ||
	    !tmpl_cached(pt, tmpl_key(attr, flags), &tmpl))
		return ONE_NO;
	m.tmpl = tmpl;
	m.delta = pa - va;
	m.flags = flags;
	return pt_one_g(pt, &map_visitor, &m, va, level, 12u, true);
}

int am_pt_map(struct am_pt *pt, am_vaddr_t v, am_paddr_t p, uint64_t size,
	      const struct am_attr *attr, unsigned int flags)
{
	uint64_t va = am_va_val(v), pa = am_pa_val(p);
	int rc;

	if (!pt_ready(pt))
		return AM_EINVAL;
	va -= pt->va_base; /* the upper range: from its base */
	pt_lock(pt);
	rc = attr ? ONE_BY_SIZE(size, map_fast, pt, va, pa, attr, flags) : ONE_NO;
	if (rc >= PT_NOWAY && rc <= PT_AGAIN) /* ONE_NO, PT_AGAIN, PT_NOWAY */
		rc = map_call(pt, va, pa, size, attr, flags, rc == ONE_NO ? 0 : rc);
	pt_unlock(pt);
	return rc;
}

/* am_pt_unmap() as a whole, lock held (map_call()). */
static __attribute__((noinline)) int unmap_call(struct am_pt *pt, uint64_t va, uint64_t size,
						int said)
{
	struct range_arg r = {.lo = va, .hi = va + size};
	int rc = check_range(pt, va, size);

	return rc ? rc : exec(pt, &unmap_visitor, &r, va, size, said);
}

/* The fast path of am_pt_unmap() (map_fast()), without a report. */
static PT_HOT int unmap_fast(struct am_pt *pt, uint64_t va, const unsigned int level)
{
	if (!one_ok(pt, va, level))
		return ONE_NO;
	return pt_one_g(pt, &unmap_visitor, NULL, va, level, 12u, true);
}

int am_pt_unmap(struct am_pt *pt, am_vaddr_t v, uint64_t size)
{
	uint64_t va = am_va_val(v);
	int rc;

	if (!pt_ready(pt))
		return AM_EINVAL;
	va -= pt->va_base;
	pt_lock(pt);
	rc = ONE_BY_SIZE(size, unmap_fast, pt, va);
	if (rc >= PT_NOWAY && rc <= PT_AGAIN) /* ONE_NO, PT_AGAIN, PT_NOWAY */
		rc = unmap_call(pt, va, size, rc == ONE_NO ? 0 : rc);
	pt_unlock(pt);
	return rc;
}

int am_pt_unmap_report(struct am_pt *pt, am_vaddr_t v, uint64_t size, am_pt_removed_fn fn,
		       void *arg)
{
	uint64_t va = am_va_val(v);
	struct pt_report rep;
	struct range_arg r = {.rep = &rep};
	int rc;

	if (!pt_ready(pt))
		return AM_EINVAL;
	va -= pt->va_base;
	r.lo = va;
	r.hi = va + size;
	pt_lock(pt);
	rc = fn ? check_range(pt, va, size) : bad_arg(pt, "unmap_report: NULL callback", 0, 0);
	if (!rc) {
		rep.fn = fn;
		rep.arg = arg;
		rep.n = 0;
		rep.clear = false;
		rc = exec(pt, &unmap_visitor, &r, va, size, 0);
		/* the call's maintenance has completed (a refusal buffered nothing) */
		pt_report_deliver(pt, &rep);
	}
	pt_unlock(pt);
	return rc;
}

/* What a modify to template @bits replaces (permissions, software bits,
 * VALID) and what a leaf must already have (memory type, shareability). */
static inline void modify_to_g(const struct am_pt *pt, struct modify_arg *m, am_pte_t bits,
			       const bool plain)
{
	m->clear = PT_PERM_MASK | AM_PTE_SW_MASK | AM_PTE_VALID;
	m->set = bits & m->clear;
	m->mem_mask = pt->regime == AM_PT_S2 ? PT_MEM_MASK : PT_MEM_MASK_S1;
	if (!plain && pt_lpa2(pt)) /* [9:8]: OA[51:50], the shareability follows the type */
		m->mem_mask &= ~(3ull << 8);
	m->mem = bits & m->mem_mask;
}

/* am_pt_modify() as a whole, lock held (map_call()). */
static __attribute__((noinline)) int modify_call(struct am_pt *pt, uint64_t va, uint64_t size,
						 const struct am_attr *attr, unsigned int flags,
						 int said)
{
	struct modify_arg m = {.lo = va, .hi = va + size, .line = true};
	struct tmpl t = {0, 0};
	int rc;

	if (flags & ~(AM_PT_F_PARKED | AM_PT_F_SW(0xf)))
		rc = bad_arg(pt, "modify: flags other than AM_PT_F_PARKED and AM_PT_F_SW()", flags,
			     0);
	else if (!attr && (flags & ~AM_PT_F_PARKED))
		rc = bad_arg(pt, "modify: software bits without attributes", flags, 0);
	else
		rc = check_range(pt, va, size);
	if (!rc && !attr) { /* park or unpark, every leaf keeping what it has */
		m.clear = AM_PTE_VALID;
		m.set = (flags & AM_PT_F_PARKED) ? 0 : AM_PTE_VALID;
	} else if (!rc) {
		rc = leaf_template(pt, attr, flags, &t);
		if (!rc)
			modify_to_g(pt, &m, t.bits, false);
	}
	if (!rc)
		rc = exec(pt, &modify_visitor, &m, va, size, said);
	if (!rc)
		tmpl_keep(pt, &t);
	return rc;
}

/* The fast path of am_pt_modify() (map_fast()): flags a modify takes,
 * attributes whose template the table kept. */
static PT_HOT int modify_fast(struct am_pt *pt, uint64_t va, const struct am_attr *attr,
			      unsigned int flags, const unsigned int level)
{
	struct modify_arg m; /* what modify_one() reads */
	am_pte_t bits;

	if (!one_ok(pt, va, level) || !tmpl_cached(pt, tmpl_key(attr, flags), &bits))
		return ONE_NO;
	modify_to_g(pt, &m, bits, true); /* plain: no LPA2 */
	return pt_one_g(pt, &modify_visitor, &m, va, level, 12u, true);
}

int am_pt_modify(struct am_pt *pt, am_vaddr_t v, uint64_t size, const struct am_attr *attr,
		 unsigned int flags)
{
	uint64_t va = am_va_val(v);
	int rc;

	if (!pt_ready(pt))
		return AM_EINVAL;
	va -= pt->va_base;
	pt_lock(pt);
	rc = attr && !(flags & ~(AM_PT_F_PARKED | AM_PT_F_SW(0xf)))
		     ? ONE_BY_SIZE(size, modify_fast, pt, va, attr, flags)
		     : ONE_NO;
	if (rc == ONE_NO || rc == PT_AGAIN || rc == PT_NOWAY)
		rc = modify_call(pt, va, size, attr, flags, rc == ONE_NO ? 0 : PT_AGAIN);
	pt_unlock(pt);
	return rc;
}

int am_pt_populate(struct am_pt *pt, am_vaddr_t v, uint64_t size)
{
	if (!pt_ready(pt))
		return AM_EINVAL;
	return exec_range(pt, &populate_visitor, NULL, am_va_val(v) - pt->va_base, size);
}

/* The leaf walk, checks done, lock held. */
int pt_walk_leaves(struct am_pt *pt, uint64_t va, uint64_t size, am_pt_leaf_fn fn, void *arg)
{
	struct leaf_arg a = {.fn = fn, .arg = arg};
	struct pt_walk w;
	int rc;

	pt_walk_init(&w, pt, &leaf_visitor, &a, false);
	rc = pt_run(&w, va, size);
	return rc == PT_STOP ? a.rc : rc;
}

int am_pt_walk(struct am_pt *pt, am_vaddr_t v, uint64_t size, am_pt_leaf_fn fn, void *arg)
{
	uint64_t va = am_va_val(v);
	int rc;

	if (!pt_ready(pt))
		return AM_EINVAL;
	va -= pt->va_base;
	pt_lock(pt);
	rc = fn ? check_range(pt, va, size) : bad_arg(pt, "walk: NULL callback", 0, 0);
	if (!rc)
		rc = pt_walk_leaves(pt, va, size, fn, arg);
	pt_unlock(pt);
	return rc;
}

int am_pt_park_walk(struct am_pt *pt, am_vaddr_t v, uint64_t size, am_pt_park_fn fn, void *arg)
{
	uint64_t va = am_va_val(v);
	struct park_arg a = {.fn = fn, .arg = arg};
	struct pt_walk w;
	int rc;

	if (!pt_ready(pt))
		return AM_EINVAL;
	va -= pt->va_base;
	pt_lock(pt);
	rc = fn ? check_range(pt, va, size) : bad_arg(pt, "park walk: NULL callback", 0, 0);
	if (!rc) {
		pt_walk_init(&w, pt, &park_visitor, &a, false);
		rc = pt_run(&w, va, size);
		pt_finish(&w); /* what was parked, invalidated, also after a stop */
		rc = rc == PT_STOP ? a.rc : rc;
	}
	pt_unlock(pt);
	return rc;
}

static PT_COLD int query_refusal(struct am_pt *pt, uint64_t va, const struct am_pt_leaf *out)
{
	if (!out)
		return bad_arg(pt, "query: NULL output", 0, 0);
	PT_LOG(pt, AM_LOG_ERR, AM_EV_BAD_RANGE, "query: beyond the input address size", va,
	       pt->ia_end, 0);
	return AM_ERANGE;
}

/* The entry that maps @va, or the empty one where the lookup ends
 * (pt_lookup()), through the walk cache's level-3 table, which a lookup that
 * reaches one fills (and its level-2 table, pt_lookup()'s). */
static PT_HOT am_pte_t query_find(struct am_pt *pt, uint64_t va, unsigned int *level,
				  const unsigned int gs, const bool plain)
{
	const uint64_t key = pt_wc_key(va, 3u, gs);
	unsigned int at;
	am_pte_t *p, *link;

	if (pt->wc_key[2] == key) {
		*level = 3u;
		return pt->wc_tbl[2][pt_wc_idx(va, 3u, gs)];
	}
	p = pt_lookup(pt, va, AM_PT_MAX_LEVEL, &link, &at, NULL, true, gs, plain);
	if (at == 3u && link)
		pt_wc_fill(pt, va, 3u, key, p, link, gs);
	*level = at;
	return *p;
}

int am_pt_query(struct am_pt *pt, am_vaddr_t v, struct am_pt_leaf *out)
{
	uint64_t va = am_va_val(v);
	unsigned int level;
	am_pte_t e;
	int rc;

	if (!pt_ready(pt))
		return AM_EINVAL;
	va -= pt->va_base;
	pt_lock(pt);
	if (!out || va >= pt->ia_end) {
		rc = query_refusal(pt, va, out);
	} else if (pt_plain(pt)) { /* a plain 4 KiB table: constants */
		e = query_find(pt, va, &level, 12u, true);
		/* nothing mapped is an answer, not a refusal: no record */
		rc = e ? 0 : AM_ENOENT;
		if (e)
			query_leaf_g(pt, e, level, va & ~(pt_span_g(12u, level) - 1), out, 12u, true);
	} else {
		e = query_find(pt, va, &level, pt_gs(pt), false);
		rc = e ? 0 : AM_ENOENT;
		if (e)
			query_leaf_g(pt, e, level, va & ~(pt_span(pt, level) - 1), out, pt_gs(pt),
				     false);
	}
	pt_unlock(pt);
	return rc;
}

size_t am_pt_tables(const struct am_pt *pt)
{
	return pt_ready(pt) ? pt->nr_tables : 0;
}

unsigned int am_pt_oa_bits(const struct am_pt *pt)
{
	return pt_ready(pt) ? pt->oa_bits : 0;
}

uint64_t am_pt_granule(const struct am_pt *pt)
{
	return pt_ready(pt) ? 1ull << pt_gs(pt) : 0;
}

const struct am_env *am_pt_env(const struct am_pt *pt, void **ctx)
{
	if (!pt || pt->ready != AM_READY_PT)
		return NULL; /* an answer: no record */
	if (ctx)
		*ctx = pt->env_ctx;
	return pt->env;
}

/* --------------------------------------------------------- init, destroy -- */

/* Where init's refusals go: cfg->env, or the ops' own (see am_init_log()). */
static const struct am_env *init_env(const struct am_pt_config *cfg, const struct am_pt_ops *ops,
				     void **ctx)
{
	if (cfg && cfg->env) {
		*ctx = cfg->env_ctx;
		return cfg->env;
	}
	return ops ? &ops->env : NULL;
}

/*
 * Pages of the root: stage 2 above 39 IPA bits with 42 output bits or fewer
 * cannot start at level 0 (VTCR_EL2.SL0 = 2 needs a larger PA size), so it
 * starts at level 1 with 2^(ia_bits - 39) concatenated tables; else one.
 */
/* log2 of the configured granule (12, 14, 16), 0 for one armmap does not know. */
static unsigned int gshift_of(const struct am_pt_config *cfg)
{
	switch (cfg->granule) {
	case 0:
	case AM_PT_GRANULE_4K:
		return 12;
	case AM_PT_GRANULE_16K:
		return 14;
	case AM_PT_GRANULE_64K:
		return 16;
	default:
		return 0;
	}
}

/*
 * The bits the root resolves where no concatenation is (the highest level
 * ia_bits needs): 1..gs-3. The root level is 3 - (levels - 1).
 */
static unsigned int levels_of(unsigned int ia_bits, unsigned int gs, unsigned int *root_bits)
{
	unsigned int bits = gs - 3u, r = ia_bits - gs, n = (r + bits - 1u) / bits;

	*root_bits = r - (n - 1u) * bits;
	return n;
}

/*
 * The pages of a stage-2 root: with 4 KiB, 2..8 concatenated level-1
 * tables for 40..42 IPA bits with 42 output bits or fewer (where level 0
 * cannot start: VTCR_EL2.SL0); with 16 and 64 KiB, 2..16 tables one level
 * down wherever the level above would resolve 4 bits or fewer (as KVM
 * does), the root at level 1 or 2. 1 otherwise.
 */
static unsigned int root_pages_of(const struct am_pt_config *cfg)
{
	unsigned int gs = gshift_of(cfg), rb;

	if (gs == 12 && cfg->ia_bits > 48) /* LPA2: level 0 of 2..16 tables (stage 1: under level -1) */
		return 1u << (cfg->ia_bits - 48);
	if (cfg->regime != AM_PT_S2 || !gs)
		return 1;
	if (gs == 12)
		return cfg->ia_bits > 39 && cfg->ia_bits <= 42 && cfg->oa_bits && cfg->oa_bits <= 42
			       ? 1u << (cfg->ia_bits - 39)
			       : 1u;
	/* a level-3 root is not concatenated: it is the only level */
	if (levels_of(cfg->ia_bits, gs, &rb) > 2 && rb <= 4)
		return 1u << rb;
	return 1;
}

static int check_config(const struct am_pt_config *cfg, const struct am_pt_ops *ops, void *ctx)
{
	const struct am_env *env = init_env(cfg, ops, &ctx);

	if (!cfg || !ops || !ops->alloc_table || !ops->free_table || !ops->flush)
		return am_init_refuse(env, ctx, AM_EINVAL,
				      "pt init: NULL config or ops, or a required op missing",
				      (uint64_t)(uintptr_t)cfg, (uint64_t)(uintptr_t)ops, 0);
	if ((unsigned int)cfg->regime >= AM_PT_REGIME_COUNT)
		return am_init_refuse(env, ctx, AM_EINVAL, "pt init: unknown regime",
				      (unsigned int)cfg->regime, 0, 0);
#if AM_PT_BUILT_MASK != 31
	if (!((AM_PT_BUILT_MASK >> cfg->regime) & 1))
		return am_init_refuse(env, ctx, AM_ENOTSUP,
				      "pt init: regime not built (AM_CONFIG_PT_*)",
				      (unsigned int)cfg->regime, AM_PT_BUILT_MASK, 0);
#endif
	if (cfg->ia_bits < 25 || cfg->ia_bits > 52 ||
	    (cfg->oa_bits && (cfg->oa_bits < 32 || (cfg->oa_bits > 48 && cfg->oa_bits != 52))))
		return am_init_refuse(env, ctx, AM_EINVAL,
				      "pt init: ia_bits outside 25..52 or oa_bits outside 32..48 and "
				      "not 52",
				      cfg->ia_bits, cfg->oa_bits, 0);
	if (cfg->tlbi_max > AM_PT_TLBI_BATCH || cfg->asid > 255 || cfg->vmid > 255)
		return am_init_refuse(env, ctx, AM_EINVAL,
				      "pt init: tlbi_max above 64, or ASID or VMID above 255",
				      cfg->tlbi_max, cfg->asid, cfg->vmid);
	if (cfg->attr_index) {
		unsigned int used = 0;

		for (unsigned int t = 0; t < AM_MT_COUNT; t++) {
			unsigned int i = cfg->attr_index[t];

			if (i == AM_PT_NO_ATTRIDX)
				continue;
			if (i > 7 || (used & (1u << i)))
				return am_init_refuse(env, ctx, AM_EINVAL,
						      "pt init: attr_index above 7, or two memory "
						      "types on one AttrIndx",
						      t, i, 0);
			used |= 1u << i;
		}
	}
	/*
	 * Stage 2 starting at level 0 (IPA above 39 bits) needs an output size
	 * above 42 bits, else every walk faults at level 0 (VTCR_EL2.SL0 = 2
	 * with the 4 KiB granule); below that an IPA above 39 bits needs
	 * concatenated level-1 roots, which armmap does not build yet. An IPA
	 * wider than the output is CONSTRAINED UNPREDICTABLE at stage 2.
	 */
	if (cfg->regime == AM_PT_S2 && cfg->ia_bits > (cfg->oa_bits ? cfg->oa_bits : 48u))
		return am_init_refuse(env, ctx, AM_EINVAL,
				      "pt init: stage 2 with an IPA size above the output size",
				      cfg->ia_bits, cfg->oa_bits, 0);
	if (root_pages_of(cfg) > 1 && (!ops->alloc_tables || !ops->free_tables))
		return am_init_refuse(
			env, ctx, AM_ENOTSUP,
			"pt init: a concatenated root (stage 2 above 39 IPA bits with 42 "
			"output bits or fewer; 16 / 64 KiB stage 2; 4 KiB above 48 bits) "
			"needs alloc_tables / free_tables",
			cfg->ia_bits, cfg->oa_bits, 0);
	if (cfg->upper > 1 ||
	    (cfg->upper && cfg->regime != AM_PT_S1_EL10 && cfg->regime != AM_PT_S1_EL20))
		return am_init_refuse(
			env, ctx, AM_EINVAL,
			"pt init: upper is 0 or 1, and for stage 1 EL1&0 or EL2&0 only", cfg->upper,
			(unsigned int)cfg->regime, 0);
	if (cfg->secure > 1 || (cfg->secure && cfg->regime == AM_PT_S2))
		return am_init_refuse(env, ctx, cfg->secure > 1 ? AM_EINVAL : AM_ENOTSUP,
				      "pt init: secure is 0 or 1, and stage 1 only", cfg->secure,
				      (unsigned int)cfg->regime, 0);
	if (!gshift_of(cfg) || !((AM_PT_GRANULES_BUILT >> ((gshift_of(cfg) - 12u) / 2u)) & 1u))
		return am_init_refuse(env, ctx, AM_ENOTSUP,
				      "pt init: granule not 4, 16 or 64 KiB, or not built "
				      "(AM_CONFIG_PT_GRANULE_*)",
				      cfg->granule, AM_PT_GRANULES_BUILT, 0);
	if (cfg->ia_bits > 48 && (gshift_of(cfg) == 16 || cfg->oa_bits != 52))
		return am_init_refuse(env, ctx, AM_ENOTSUP,
				      "pt init: inputs above 48 bits with 52-bit outputs and the 4 "
				      "or 16 KiB granule only (FEAT_LPA2; 64 KiB would need FEAT_LVA)",
				      cfg->ia_bits, cfg->granule, cfg->oa_bits);
	return 0;
}

/* The lock hook of a table whose environment has none: the caller serialises. */
static void no_lock(void *ctx)
{
	(void)ctx;
}

int am_pt_init(struct am_pt *pt, const struct am_pt_config *cfg, const struct am_pt_ops *ops,
	       void *ctx)
{
	unsigned int oa_bits, pages, gs, rb, levels, caps;
	am_paddr_t pa = am_pa(0);
	am_pte_t *root;
	const struct am_env *env;
	void *env_ctx = ctx;
	int rc;

	if (!pt) {
		env = init_env(cfg, ops, &env_ctx);
		return am_init_refuse(env, env_ctx, AM_EINVAL, "pt init: NULL table", 0, 0, 0);
	}
	pt->ready = 0; /* a failed init leaves a table every call refuses */
	rc = check_config(cfg, ops, ctx);
	if (rc)
		return rc;
	env = init_env(cfg, ops, &env_ctx);
	oa_bits = cfg->oa_bits ? cfg->oa_bits : 48;
	pages = root_pages_of(cfg);
	gs = gshift_of(cfg);
	levels = levels_of(cfg->ia_bits, gs, &rb) - (pages > 1);
	caps = ops->caps ? ops->caps(ctx) : 0u;
	root = pages > 1 ? ops->alloc_tables(ctx, pages, &pa) : ops->alloc_table(ctx, &pa);
	if (!root) {
		am_init_log(env, env_ctx, AM_EV_PT_NO_MEMORY, "pt init: no root page", pages, 0, 0);
		return AM_ENOMEM;
	}
	rc = pt_check_table_pa(env, env_ctx, root, am_pa_val(pa), oa_bits, gs, true);
	for (unsigned int i = 1; !rc && i < pages; i++) /* each page, and the whole aligned */
		rc = pt_check_table_pa(env, env_ctx, root + ((size_t)i << (gs - 3u)),
				       am_pa_val(pa) + ((uint64_t)i << gs), oa_bits, gs, true);
	if (!rc && (am_pa_val(pa) & (((uint64_t)pages << gs) - 1))) {
		am_init_log(env, env_ctx, AM_EV_BAD_TABLE,
			    "pt init: a concatenated root not aligned to its size", am_pa_val(pa),
			    pages, 0);
		rc = AM_EINVAL;
	}
	if (rc) {
		if (pages > 1)
			ops->free_tables(ctx, root, pa, pages);
		else
			ops->free_table(ctx, root, pa);
		return rc;
	}
	for (unsigned int i = 0; i < pages && !(caps & AM_PT_CAP_ZEROED); i++) /* not live yet */
		pt_fill_fresh(root + ((size_t)i << (gs - 3u)), 1u << (gs - 3u), 0, 0);
	pt->top = NULL;
	pt->top_pa = am_pa(0);
	if (gs == 12 && cfg->ia_bits > 48 && cfg->regime != AM_PT_S2) {
		/* level -1: its entries link the level-0 tables, never changed after */
		am_paddr_t tpa = am_pa(0);
		am_pte_t *top = ops->alloc_table(ctx, &tpa);

		rc = top ? pt_check_table_pa(env, env_ctx, top, am_pa_val(tpa), oa_bits, gs, true)
			 : AM_ENOMEM;
		if (!top)
			am_init_log(env, env_ctx, AM_EV_PT_NO_MEMORY, "pt init: no level -1 page",
				    1, 0, 0);
		if (rc) {
			if (top)
				ops->free_table(ctx, top, tpa);
			ops->free_tables(ctx, root, pa, pages);
			return rc;
		}
		if (!(caps & AM_PT_CAP_ZEROED))
			pt_fill_fresh(top, 512u, 0, 0);
		for (unsigned int i = 0; i < pages; i++) {
			uint64_t l0 = am_pa_val(pa) + ((uint64_t)i << 12);

			/* LPA2: OA[49:12] in place, OA[51:50] in bits [9:8] */
			top[i] = (l0 & 0x0003fffffffff000ull) | (l0 >> 50 & 3ull) << 8 |
				 AM_PTE_TABLE | AM_PTE_VALID;
		}
		pt->top = top;
		pt->top_pa = tpa;
	}
	pt->ops = ops;
	pt->ctx = ctx;
	pt->env = env;
	pt->env_ctx = env_ctx;
	pt->lock = env->lock ? env->lock : no_lock;
	pt->unlock = env->unlock ? env->unlock : no_lock;
	pt->root = root;
	pt->root_pa = pa;
	pt->nr_tables = pages + (pt->top != NULL);
	pt->root_pages = (uint8_t)pages;
	pt->regime = (uint8_t)cfg->regime;
	pt->secure = cfg->regime == AM_PT_S1_EL3 || cfg->secure;
	pt->ia_bits = (uint8_t)cfg->ia_bits;
	pt->oa_bits = (uint8_t)oa_bits;
	pt->ia_end = 1ull << pt->ia_bits;
	pt->va_base = cfg->upper ? 0 - pt->ia_end : 0; /* the calls work on va - va_base */
	pt->oa_end = 1ull << pt->oa_bits;
	pt->gshift = (uint8_t)gs;
	/* levels with blocks: 4 KiB 1 and 2; 16 and 64 KiB 2, and 1 with FEAT_LPA */
	pt->blocks = (uint8_t)(gs == 12 || (gs == 16 && oa_bits == 52) ? 6 : 4);
	for (unsigned int l = 0; l < 4; l++)
		pt->cont[l] = (uint8_t)am_pt_contig_entries(1u << gs, l);
	pt->lpa = (uint8_t)(oa_bits == 52 ? (gs == 16 ? 1 : 2) : 0);
	pt->slow = gs != 12 || pt->lpa;
	pt->gmask = (1ull << gs) - 1u;
	for (unsigned int l = 0; l < 4; l++)
		pt->lshift[l] = (uint8_t)(gs + (gs - 3u) * (3u - l));
	pt->root_level = (uint8_t)(4u - levels);
	pt->asid = cfg->asid;
	pt->vmid = cfg->vmid;
	pt->tlbi_max = cfg->tlbi_max ? cfg->tlbi_max : AM_PT_TLBI_BATCH;
	pt->tlbi_range = !!(caps & AM_PT_CAP_TLBI_RANGE);
	pt->zeroed = !!(caps & AM_PT_CAP_ZEROED);
	pt->flush = (struct am_pt_flush){.kind = AM_PT_FLUSH_COMPLETE,
					 .regime = pt->regime,
					 .asid = pt->asid,
					 .vmid = pt->vmid,
					 .gshift = (uint8_t)gs,
					 .ds = pt->lpa == 2};
	for (unsigned int t = 0; t < AM_MT_COUNT; t++)
		pt->attr_index[t] = cfg->attr_index ? cfg->attr_index[t] : (uint8_t)t;
	pt_mtype_of(pt->regime, pt->attr_index, pt->mtype_of);
	pt->tmpl_next = 0;
	pt->tmpl_key[0] = pt->tmpl_key[1] = 0; /* no template: keys have bit 63 set */
	/* the root in the walk cache for good: one page, below level 0 */
	pt->wc_root = pt->root_level >= 1 && pt->root_pages == 1 ? pt->root_level - 1 : 3;
	if (pt->wc_root < 3) {
		pt->wc_tbl[pt->wc_root] = pt->root;
		pt->wc_link[pt->wc_root] = NULL;
	}
	pt_wc_clear(pt);
	pt->leaf_flush = pt->flush;
	pt->leaf_flush.kind = AM_PT_FLUSH_LIST;
	pt->leaf_flush.n = 1;
	pt->leaf_flush.inv = &pt->leaf_inv;
	pt->leaf_inv = (struct am_pt_inval){.pages = 0, .leaf = 1};
	pt->lq_key = ~0ull; /* no decoded leaf: a key has [47:12] clear */
	pt->ready = AM_READY_PT;
	return 0;
}

void am_pt_destroy(struct am_pt *pt)
{
	if (!pt_ready(pt))
		return;
	pt_lock(pt);
	pt_destroy(pt, NULL);
	pt->root = NULL;
	pt->nr_tables = 0;
	pt->ready = 0;
	pt_unlock(pt);
}

int am_pt_destroy_report(struct am_pt *pt, am_pt_removed_fn fn, void *arg)
{
	struct pt_report rep;

	if (!pt_ready(pt))
		return AM_EINVAL;
	pt_lock(pt);
	if (!fn) {
		bad_arg(pt, "destroy_report: NULL callback", 0, 0);
		pt_unlock(pt);
		return AM_EINVAL;
	}
	rep.fn = fn;
	rep.arg = arg;
	rep.n = 0;
	pt_destroy(pt, &rep);
	pt->root = NULL;
	pt->nr_tables = 0;
	pt->ready = 0;
	pt_unlock(pt);
	return 0;
}
