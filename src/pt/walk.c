/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * THE table walker, and what every operation shares around it: table pages
 * (the reserve taken before a commit, zeroing, installing, freeing), and the
 * batch of TLB maintenance with its barriers. The break-before-make
 * sequences live here and nowhere else.
 */
#include "pt_internal.h"

struct pt_res {
	void *next;
	uint64_t pa;
};

/* ----------------------------------------------------------- the reserve -- */

int pt_check_table_pa(const struct am_env *env, void *ctx, const void *va, uint64_t pa,
		      unsigned int oa_bits, unsigned int gs, bool init)
{
	const char *why = NULL;
	int rc = AM_EINVAL;

	const uint64_t gsize = 1ull << gs;

	if (((uintptr_t)va | pa) & (gsize - 1u)) {
		why = "the backend gave a table page that is not granule aligned";
	} else if (pa > (1ull << oa_bits) - gsize) {
		why = "the backend gave a table page beyond the output address size";
		rc = AM_ERANGE;
	}
	if (!why)
		return 0;
	if (init) /* no hook: the fallback hook, as for every init refusal */
		am_init_log(env, ctx, AM_EV_BAD_TABLE, why, pa, 1ull << oa_bits,
			    (uint64_t)(uintptr_t)va);
	else
		am_env_log(env, ctx, AM_LOG_ERR, AM_EV_BAD_TABLE, why, pa, 1ull << oa_bits,
			   (uint64_t)(uintptr_t)va);
	return rc;
}

static void reserve_release(struct pt_walk *w)
{
	while (w->reserve) {
		struct pt_res *r = w->reserve;

		w->reserve = r->next;
		w->pt->ops->free_table(w->pt->ctx, r, am_pa(r->pa));
	}
	w->reserved = 0;
}

/*
 * One table page from the allocator, which the hardware can use: its
 * address, its PA in *@pa; NULL when there is none (the record, with @n
 * pages wanted and @have taken) or it is not usable (given back, the
 * record), the code in *@rc.
 */
static PT_HOT void *alloc_table(struct am_pt *pt, uint64_t *pa, size_t n, size_t have, int *rc)
{
	am_paddr_t out = am_pa(0);
	void *r = pt->ops->alloc_table(pt->ctx, &out);

	*pa = am_pa_val(out);
	if (!r) {
		PT_LOG(pt, AM_LOG_ERR, AM_EV_PT_NO_MEMORY, "not enough table pages", n, have, 0);
		*rc = AM_ENOMEM;
		return NULL;
	}
	*rc = pt_check_table_pa(pt->env, pt->env_ctx, r, *pa, pt->oa_bits, pt_gs(pt), false);
	if (*rc) {
		pt->ops->free_table(pt->ctx, r, out);
		return NULL;
	}
	return r;
}

/* Take @n table pages from the allocator, all of them or none. */
int pt_reserve(struct pt_walk *w, size_t n)
{
	struct am_pt *pt = w->pt;

	while (w->reserved < n) {
		uint64_t pa;
		int rc;
		struct pt_res *r = alloc_table(pt, &pa, n, w->reserved, &rc);

		if (!r) {
			reserve_release(w);
			return rc;
		}
		r->next = w->reserve;
		r->pa = pa;
		w->reserve = r;
		w->reserved++;
	}
	return 0;
}

/* What the reserve has left after a commit: nothing, unless the dry run and
 * the commit disagreed (a bug). Give it back either way. */
void pt_reserve_leftover(struct pt_walk *w)
{
	if (w->reserve)
		PT_LOG(w->pt, AM_LOG_ERR, AM_EV_INTERNAL,
		       "reserved table pages left after the commit", w->reserved, 0, 0);
	reserve_release(w);
}

static am_pte_t *take_page(struct pt_walk *w, uint64_t *pa)
{
	struct pt_res *r = w->reserve;

	if (!r)
		return NULL;
	w->reserve = r->next;
	w->reserved--;
	*pa = r->pa;
	if (w->pt->zeroed) /* the reserve's link was the page's only content */
		*r = (struct pt_res){0};
	return (am_pte_t *)r;
}

/* -------------------------------------------------- TLB maintenance batch -- */

/* Hand the backend one flush of @kind, in the table's scope. */

void pt_flush(struct pt_walk *w)
{
	struct am_pt *pt = w->pt;
	struct pt_batch *b = &w->b;

	if (w->dry)
		return;
	if (b->ntlbi || b->all) {
		if (b->all)
			pt_flush_op(pt, AM_PT_FLUSH_ALL, 0, b->inv);
		else
			pt_flush_op(pt, AM_PT_FLUSH_LIST, b->ntlbi, b->inv);
		/* the entry above a subtree being torn down was cleared before
		 * this whole-regime invalidation: nothing under it is cached now */
		if (b->all && b->tearing)
			b->torn = true;
		b->ntlbi = 0;
		b->all = false;
		b->dirty = false;
	}
	/*
	 * The walk cache may keep a table given back here, or one under it:
	 * it forgets every table (but the root). A table leaves the tree and
	 * is given back within one call (pt_finish(); one_emptied_lean()
	 * forgets them the same way), and only the start of
	 * a call uses the cache (pt_one_g(), the query): no call between.
	 */
	if (b->nfree)
		pt_wc_clear(pt);
	for (unsigned int i = 0; i < b->nfree; i++)
		pt->ops->free_table(pt->ctx, b->free[i].va, am_pa(b->free[i].pa));
	b->nfree = 0;
}

/* The end of a call: outstanding maintenance, then one COMPLETE if writes
 * are still unwaited for. */
void pt_finish_slow(struct pt_walk *w)
{
	pt_flush(w);
	if (w->b.dirty)
		pt_flush_op(w->pt, AM_PT_FLUSH_COMPLETE, 0, NULL);
	w->b.dirty = false;
}

/* A table page unlinked from the tree: free it once its TLBIs completed
 * (pt_flush(), which empties the walk cache first). */
void pt_queue_free(struct pt_walk *w, void *va, uint64_t pa)
{
	if (w->dry)
		return;
	if (w->b.nfree == PT_FREE_BATCH)
		pt_flush(w);
	w->b.free[w->b.nfree].va = va;
	w->b.free[w->b.nfree].pa = pa;
	w->b.nfree++;
	w->pt->nr_tables--;
}

/* -------------------------------------------------------------- descend -- */

static inline void descend_table(struct am_pt *pt, struct pt_slot *s)
{
	const bool plain = pt_plain(pt); /* read once */

	s->descend = 1;
	s->fresh = 0;
	s->child_pa = pt_oa_g(pt, s->pte, plain);
	s->child.p = pt_table_va(pt, s->child_pa);
	s->child.tmpl = 0;
	s->child.step = 0;
	s->child.cnt = pt_cnt_of_g(pt, s->pte, plain);
	s->child.live = s->t->live;
	s->child.blank = false;
	s->child.fresh = false;
}

void pt_descend_table(struct pt_walk *w, struct pt_slot *s)
{
	descend_table(w->pt, s);
}

/*
 * After the walk of the existing table under entry s: write its entry
 * count back into its descriptor if it changed (ignored bits: no TLB
 * maintenance), unless the visitor's post unlinked it.
 */
static inline void sync_count(struct pt_walk *w, struct pt_slot *s, const bool plain)
{
	if (w->dry || s->child.cnt == pt_cnt_of_g(w->pt, s->pte, plain) ||
	    s->t->p[s->idx] != s->pte)
		return;
	pt_write(w, s->t, s->idx,
		 (s->pte & ~pt_cnt_mask_g(w->pt, plain)) | pt_cnt_bits_g(w->pt, s->child.cnt, plain));
}

/*
 * The entries of a fresh table: zero, or @tmpl + i * @step. No walker can
 * reach the page yet (it is linked only after a PUBLISH, or under a parent
 * that is itself fresh), so plain stores do, 16 bytes at a time (the page
 * is granule aligned), instead of one volatile store per entry. Written
 * out rather than as memset: the loop stays a loop of wide stores with
 * every compiler and flag set (a memset of the core's environment may be a
 * byte loop, and a byte-counted string instruction costs per byte).
 */
static inline void fill_fresh(am_pte_t *p, const unsigned int n, am_pte_t tmpl, uint64_t step)
{
	pt_pair *q = (pt_pair *)(void *)p;
	pt_pair v = {tmpl, tmpl + step}, d = {2 * step, 2 * step};

	if (!tmpl) {
		const pt_pair z = {0, 0};

		for (unsigned int i = 0; i < n / 2; i += 8) {
			q[i] = z;
			q[i + 1] = z;
			q[i + 2] = z;
			q[i + 3] = z;
			q[i + 4] = z;
			q[i + 5] = z;
			q[i + 6] = z;
			q[i + 7] = z;
		}
		return;
	}
	for (unsigned int i = 0; i < n / 2; i++) {
		q[i] = v;
		v += d;
	}
}

/* Made twice: a 4 KiB table's (512 entries, a constant bound) and the others'. */
void pt_fill_fresh(am_pte_t *p, unsigned int n, am_pte_t tmpl, uint64_t step)
{
	if (n == 512u)
		fill_fresh(p, 512u, tmpl, step);
	else
		fill_fresh(p, n, tmpl, step);
}

/*
 * A new table for entry s: empty when the entry is invalid, or the entry's
 * block (valid or parked) split into the next level. Dry: counted, and
 * virtual. Commit: a page from the reserve, filled, not yet installed.
 * @overwritten: the walk will write every entry of it, so it need not be
 * filled first.
 */
int pt_descend_new(struct pt_walk *w, struct pt_slot *s, bool shallow, bool overwritten)
{
	unsigned int cl = s->level + 1;
	am_pte_t tmpl = 0;
	uint64_t step = pt_span(w->pt, cl);

	if (w->once)
		return PT_AGAIN; /* nothing is allocated in once mode */
	if (s->pte) {
		tmpl = s->pte & ~(AM_PTE_OA_MASK | AM_PTE_CONTIG | AM_PTE_TABLE);
		if (cl == AM_PT_MAX_LEVEL)
			tmpl |= AM_PTE_TABLE; /* a page */
		tmpl |= s->pte & AM_PTE_OA_MASK;
	}
	s->descend = 1;
	s->shallow = shallow;
	s->fresh = 1;
	s->brk = (s->pte & AM_PTE_VALID) && s->t->live;
	s->child.tmpl = tmpl;
	s->child.step = step;
	s->child.cnt = tmpl ? pt_ents(w->pt) : 0;
	s->child.live = false;
	s->child.blank = false;
	s->child.fresh = true;
	if (w->dry) {
		s->child.p = NULL;
		w->need++;
		return 0;
	}
	s->child.p = take_page(w, &s->child_pa);
	if (!s->child.p) {
		PT_LOG(w->pt, AM_LOG_ERR, AM_EV_INTERNAL,
		       "commit needs a table the dry run did not count", s->va, s->level, 0);
		return AM_ENOMEM;
	}
	s->child.blank = overwritten;
	if (!overwritten && (tmpl || !w->pt->zeroed)) /* a zeroed page is empty already */
		pt_fill_fresh(s->child.p, pt_ents(w->pt), tmpl, step);
	return 0;
}

/* Dry run: the commit will create @n tables the walk does not visit. */
void pt_dry_need(struct pt_walk *w, size_t n)
{
	w->need += n;
}

/* Link a fresh child into its entry; a live block goes with break-before-make. */
static void install(struct pt_walk *w, struct pt_slot *s)
{
	const bool plain = pt_plain(w->pt);
	am_pte_t tbl = pt_table_desc_g(w->pt, s->child_pa, s->child.cnt, plain);

	if (w->dry)
		return;
	if (s->brk) {
		pt_write(w, s->t, s->idx, 0);
		pt_queue_tlbi(w, s->va, s->level, true);
		pt_flush(w);
		PT_LOG(w->pt, AM_LOG_DEBUG, AM_EV_PT_BREAK, "block broken into a table", s->va,
		       s->level, 1);
	} else if (s->t->live) {
		/* the new table's entries before the link to it (the flush above
		 * published them already) */
		pt_flush_op(w->pt, AM_PT_FLUSH_PUBLISH, 0, NULL);
	}
	pt_write(w, s->t, s->idx, tbl);
	w->pt->nr_tables++;
}

/*
 * Take the contiguous hint off the run around entry s (16 entries with the
 * 4 KiB granule, pt_cont()). Live valid
 * entries go through break-before-make: all invalid, invalidated, then
 * rewritten without the hint, except those wholly inside [drop_lo,
 * drop_hi), which stay invalid (an unmap would only invalidate them
 * again). Nothing to do in the dry run.
 */
void pt_unhint_run(struct pt_walk *w, struct pt_slot *s, uint64_t drop_lo, uint64_t drop_hi)
{
	struct pt_tbl *t = s->t;
	unsigned int nc = pt_cont(w->pt, s->level), r = s->idx & ~(nc - 1u);
	uint64_t span = pt_span(w->pt, s->level);
	uint64_t rva = s->va - (uint64_t)(s->idx - r) * span;
	am_pte_t old[PT_CONT_MAX];
	bool brk = false;

	s->pte &= ~AM_PTE_CONTIG;
	if (w->dry)
		return;
	for (unsigned int k = 0; k < nc; k++) {
		old[k] = t->p[r + k];
		if (t->live && (old[k] & AM_PTE_VALID)) {
			pt_write(w, t, r + k, 0);
			pt_queue_tlbi(w, rva + k * span, s->level, true);
			brk = true;
		}
	}
	if (brk) {
		pt_flush(w);
		PT_LOG(w->pt, AM_LOG_DEBUG, AM_EV_PT_BREAK, "contiguous run broken", rva, s->level,
		       2);
	}
	for (unsigned int k = 0; k < nc; k++) {
		uint64_t va = rva + k * span;

		if (va >= drop_lo && va + span <= drop_hi)
			pt_write(w, t, r + k, 0); /* invalidated already */
		else
			pt_write(w, t, r + k, old[k] & ~AM_PTE_CONTIG);
	}
}

/* ------------------------------------------------- removed leaves, reported -- */

/* Finish the maintenance so far, then report what is buffered. */
static void report_flush(struct pt_walk *w, struct pt_report *rep)
{
	pt_finish(w);
	pt_report_deliver(w->pt, rep);
}

void pt_report_room(struct pt_walk *w, struct pt_report *rep)
{
	if (rep->n >= PT_REPORT_FLUSH)
		report_flush(w, rep);
}

static struct pt_removed *report_add(struct pt_walk *w, struct pt_report *rep)
{
	if (rep->n == AM_PT_REPORT_BATCH) { /* a consistent point was missed: a bug */
		PT_LOG(w->pt, AM_LOG_ERR, AM_EV_INTERNAL, "report buffer full between points", 0, 0,
		       rep->n);
		report_flush(w, rep);
	}
	return &rep->r[rep->n++];
}

/* Record @r: leaf @pte at @level, its span from @base; [lo, hi) of it
 * removed (@part), or all of it. */
static void removed_set(struct pt_removed *r, uint64_t base, uint64_t lo, uint64_t hi, am_pte_t pte,
			unsigned int level, bool part)
{
	r->base = base;
	r->lo = lo;
	r->hi = hi;
	r->pte = pte;
	r->level = (uint8_t)level;
	r->part = part;
}

void pt_report_part(struct pt_walk *w, struct pt_report *rep, uint64_t va, unsigned int level,
		    am_pte_t pte, uint64_t lo, uint64_t hi)
{
	removed_set(report_add(w, rep), va, lo, hi, pte, level, true);
}

void pt_report_leaf(struct pt_walk *w, struct pt_report *rep, uint64_t va, unsigned int level,
		    am_pte_t pte)
{
	struct pt_removed *r = rep->n ? &rep->r[rep->n - 1] : NULL;

	if (r && !r->part && r->level == level && r->hi == va && r->pte + (va - r->base) == pte) {
		r->hi = va + pt_span(w->pt, level); /* the next leaf of a run */
		return;
	}
	removed_set(report_add(w, rep), va, va, va + pt_span(w->pt, level), pte, level, false);
}

void pt_report_one(struct am_pt *pt, struct pt_report *rep, uint64_t va, unsigned int level,
		   am_pte_t pte)
{
	removed_set(&rep->r[rep->n++], va, va, va + pt_span(pt, level), pte, level, false);
}

/* ------------------------------------------------------------- teardown -- */

static int walk_tbl(struct pt_walk *w, struct pt_tbl *t, unsigned int level, uint64_t base,
		    uint64_t lo, uint64_t hi);

/*
 * Teardown, a post-order visitor over tables no walk will use again (an
 * unlinked subtree, or a destroyed table): each leaf is invalidated when
 * its table is live, and reported to w->arg (a struct pt_report, or NULL)
 * and cleared when the report asks it; each table under it is left
 * through teardown_post() once its entries were seen. Entries are left as
 * they are otherwise: the pages go back whole. Without a report, the
 * entries of a last-level table are not read when nothing is to be
 * invalidated one by one (the table is not live, or the batch invalidates
 * everything anyway).
 */
static int teardown_visit(struct pt_walk *w, struct pt_slot *s)
{
	struct pt_report *rep = w->arg;
	struct pt_tbl *t = s->t;
	unsigned int lvl = s->level;
	uint64_t span = pt_span(w->pt, lvl);
	unsigned int k;
	bool quiet = !rep && (w->b.all || w->b.torn || !t->live); /* no leaf needs anything */

	if (pt_is_table(s->pte, lvl) && quiet && lvl + 1 == AM_PT_MAX_LEVEL) {
		/* last-level tables whose leaves need nothing: given back without
		 * entering them, as teardown_post() would after the visit */
		const bool lpa = pt_lpa_kind(w->pt) != 0; /* read once */

		for (k = 0; k < s->n; k++) {
			am_pte_t e = t->p[s->idx + k];
			uint64_t pa = lpa ? pt_oa(w->pt, e) : e & AM_PTE_OA_MASK;

			if (!pt_is_table(e, lvl))
				break;
			if (t->live && !w->b.torn)
				pt_queue_tlbi(w, s->va + k * span, lvl, false);
			pt_queue_free(w, pt_table_va(w->pt, pa), pa);
		}
		return (int)k;
	}
	if (pt_is_table(s->pte, lvl)) {
		pt_descend_table(w, s);
		return 1;
	}
	if (quiet) {
		/* nothing to do for a leaf: on to the next table entry */
		if (lvl == AM_PT_MAX_LEVEL)
			return (int)s->n;
		for (k = 1; k < s->n; k++)
			if (pt_is_table(t->p[s->idx + k], lvl))
				break;
		return (int)k;
	}
	for (k = 0; k < s->n; k++) {
		am_pte_t e = t->p[s->idx + k];
		uint64_t va = s->va + k * span;

		if (!rep && (w->b.all || w->b.torn))
			return (int)k; /* from here on as above */
		if (!e)
			continue;
		if (pt_is_table(e, lvl))
			break; /* the walker descends there next */
		if (rep && pt_report_point(w->pt, e, s->idx + k, lvl))
			pt_report_room(w, rep);
		if (t->live && !w->b.torn && (e & AM_PTE_VALID))
			pt_queue_tlbi(w, va, lvl, true);
		if (!rep)
			continue;
		if (rep->clear) {
			pte_store(&t->p[s->idx + k], 0);
			if (e & AM_PTE_VALID)
				w->b.all = true; /* see pt_destroy() */
		}
		pt_report_leaf(w, rep, va, lvl, e);
	}
	return (int)k;
}

/* After the entries of the table under entry s: invalidate the walks
 * through it (live), and queue it for freeing. */
static void teardown_post(struct pt_walk *w, struct pt_slot *s)
{
	struct pt_report *rep = w->arg;

	if (rep && rep->clear) {
		pte_store(&s->t->p[s->idx], 0);
		w->b.all = true; /* see pt_destroy() */
	}
	if (s->t->live && !w->b.torn)
		pt_queue_tlbi(w, s->va, s->level, false);
	pt_queue_free(w, s->child.p, s->child_pa);
}

static const struct pt_visitor teardown_visitor = {
	.visit = teardown_visit, .post = teardown_post, .deepest = AM_PT_MAX_LEVEL};

/*
 * The subtree of a table being unlinked (its entry is zero already): the
 * walks through that entry are invalidated first, so that a batch the
 * walk completes on its way (a report, a full free list) leaves no CPU a
 * path into the subtree, whose leaves stay as they are; then the teardown
 * visitor walks it (with @rep as its argument; the operation's own
 * visitor and argument are put back after), and the table is queued for
 * freeing.
 */
void pt_teardown(struct pt_walk *w, am_pte_t *tbl, uint64_t pa, unsigned int level, uint64_t va,
		 bool live, struct pt_report *rep)
{
	const struct pt_visitor *v = w->v;
	void *arg = w->arg;
	struct pt_tbl t = {.p = tbl, .live = live};

	/*
	 * With FEAT_TLBIRANGE, one range over the subtree's span stands for
	 * every leaf and walk in it (but a level-0 entry's 512 GiB: entry by
	 * entry, until the batch invalidates everything): the subtree is
	 * then walked as no walker's.
	 */
	if (live && level - 1 > 0 && pt_queue_tlbi_range(w, va, pt_span(w->pt, level - 1), 0, false))
		t.live = false;
	else if (live)
		pt_queue_tlbi(w, va, level - 1, false);
	w->v = &teardown_visitor;
	w->arg = rep;
	w->b.tearing = true;
	w->b.torn = false;
	(void)walk_tbl(w, &t, level, va, va, va + pt_span(w->pt, level - 1));
	w->b.tearing = false;
	w->v = v;
	w->arg = arg;
	pt_queue_free(w, tbl, pa);
}

void pt_drop_subtree(struct pt_walk *w, struct pt_slot *s, struct pt_report *rep)
{
	uint64_t pa = pt_oa(w->pt, s->pte);

	if (w->dry)
		return;
	pt_write(w, s->t, s->idx, 0);
	pt_teardown(w, pt_table_va(w->pt, pa), pa, s->level + 1, s->va, s->t->live, rep);
}

/*
 * am_pt_destroy(): one walk of the teardown visitor over the whole input
 * range, the root not live (no TLB maintenance); then the root. With a
 * report, each leaf and each table entry is cleared as the walk leaves
 * it, and before a batch of leaves is reported (or a table page given
 * back) the regime is invalidated whole, once, and that completed: a CPU
 * that still walks the table (it should not; its TLB may still hold the
 * translations) reaches none of them.
 */
void pt_destroy(struct am_pt *pt, struct pt_report *rep)
{
	struct pt_walk w;
	struct pt_tbl root = {.p = pt->root, .live = false};

	pt_walk_init(&w, pt, &teardown_visitor, rep, false);
	pt->wc_root = 3; /* the root goes too */
	pt_wc_clear(pt);
	if (rep)
		rep->clear = true;
	(void)walk_tbl(&w, &root, pt->root_level, 0, 0, pt->ia_end);
	pt_finish(&w);
	if (rep)
		pt_report_deliver(pt, rep);
	if (pt->root_pages > 1)
		pt->ops->free_tables(pt->ctx, pt->root, pt->root_pa, pt->root_pages);
	else
		pt->ops->free_table(pt->ctx, pt->root, pt->root_pa);
	pt->nr_tables -= pt->root_pages;
	if (pt->top) { /* level -1 (4 KiB, LPA2): linked the root's tables only */
		pt->ops->free_table(pt->ctx, pt->top, pt->top_pa);
		pt->nr_tables--;
		pt->top = NULL;
	}
}

/* ----------------------------------------------------------- the walker -- */

/* Entry @i of table @t at @level (span base @base), for [lo, hi) up to entry @last. */
static inline void slot_init(struct pt_slot *s, struct pt_tbl *t, unsigned int level,
			     unsigned int shift, unsigned int i, unsigned int last, uint64_t base,
			     uint64_t lo, uint64_t hi)
{
	uint64_t va = base + ((uint64_t)i << shift), end = va + (1ull << shift);

	s->t = t;
	s->level = level;
	s->idx = i;
	s->n = last - i + 1;
	s->va = va;
	s->lo = lo > va ? lo : va;
	s->hi = hi < end ? hi : end;
	s->pte = pt_get(t, i);
	s->descend = s->shallow = s->fresh = s->brk = s->apply = 0;
}

/* Back from the walk of the existing table under entry s: the visitor's
 * post visit (unmap unlinks it when empty), then its entry count. */
static PT_HOT void leave_table_g(struct pt_walk *w, struct pt_slot *s, const bool plain)
{
	if (w->v->post)
		w->v->post(w, s);
	sync_count(w, s, plain);
}

static void leave_table(struct pt_walk *w, struct pt_slot *s)
{
	leave_table_g(w, s, pt_plain(w->pt));
}

static int walk_tbl(struct pt_walk *w, struct pt_tbl *t, unsigned int level, uint64_t base,
		    uint64_t lo, uint64_t hi)
{
	unsigned int shift = pt_lshift(w->pt, level);
	unsigned int i = (unsigned int)((lo - base) >> shift);
	unsigned int last = (unsigned int)((hi - 1 - base) >> shift);

	while (i <= last) {
		struct pt_slot s;
		int rc;

		slot_init(&s, t, level, shift, i, last, base, lo, hi);
		rc = w->v->visit(w, &s);
		if (rc < 0)
			return rc;
		if (s.apply && !w->dry)
			rc = w->v->apply(w, &s, (unsigned int)rc);
		if (s.descend) {
			if (!s.shallow) {
				int crc = walk_tbl(w, &s.child, level + 1, s.va, s.lo, s.hi);

				if (crc < 0)
					return crc;
			}
			if (s.fresh)
				install(w, &s);
			else
				leave_table(w, &s);
			rc = 1;
		}
		i += (unsigned int)rc;
	}
	return 0;
}

/*
 * Where a walk starts: the table, and the path down to it from the root,
 * kept lean (one small record a level) for the way back up.
 */
struct pt_start {
	struct pt_tbl tbl[AM_PT_MAX_LEVEL + 1]; /* [l]: the table at level l on the path */
	am_pte_t desc[AM_PT_MAX_LEVEL];	   /* [l]: the entry at level l that links tbl[l + 1] */
	unsigned int idx[AM_PT_MAX_LEVEL]; /* its index */
	unsigned int level;		   /* of the start table */
	uint64_t base;			   /* start of its span */
};

/*
 * From the root, go down through each entry that is a table, holds all of
 * [lo, hi) and is not wholly covered by it: there every visitor descends
 * without a look (pt_descend_table()), so the walker does it itself, one
 * read a level. (A wholly covered table is the visitor's: unmap drops it
 * in one piece.) Not below the visitor's deepest level: populate creates
 * last-level tables and visits none of their entries.
 */
static inline void descend_path_g(struct pt_walk *w, struct pt_start *st, uint64_t lo,
				  uint64_t hi, const unsigned int gs, const bool plain)
{
	struct am_pt *pt = w->pt;
	void *(*table_va)(void *, am_paddr_t) = pt->ops->table_va;
	unsigned int level = pt->root_level;
	const unsigned int bits = gs - 3u;
	unsigned int shift = plain ? gs + bits * (3u - level) : pt_lshift(pt, level);
	/* An entry of span 2^shift holds all of the range, but not only it,
	 * iff shift is above both the highest bit where lo and hi - 1 differ
	 * and the lowest bit set in lo or hi. */
	uint64_t diff = lo ^ (hi - 1);
	unsigned int floor = (unsigned int)__builtin_ctzll(lo | hi);
	unsigned int last = w->v->deepest;

	if (diff && 63u - (unsigned int)__builtin_clzll(diff) > floor)
		floor = 63u - (unsigned int)__builtin_clzll(diff);
	st->tbl[level].p = pt->root;
	st->tbl[level].cnt = 0;
	st->tbl[level].live = true;
	st->tbl[level].blank = false;
	st->tbl[level].fresh = false;
	for (; level < last && shift > floor; level++, shift -= bits) {
		/* the root: lo < ia_end, so its index fits (a concatenated root
		 * has more entries than a table) */
		unsigned int i = (unsigned int)(lo >> shift) &
				 (level == pt->root_level ? ~0u : (1u << bits) - 1u);
		am_pte_t e = st->tbl[level].p[i];
		uint64_t pa = pt_oa_g(pt, e, plain);
		struct pt_tbl *c = &st->tbl[level + 1];

		if ((e & PT_TYPE_MASK) != PT_TYPE_MASK) /* a table: level < 3 here */
			break;
		st->idx[level] = i;
		st->desc[level] = e;
		c->p = table_va ? table_va(pt->ctx, am_pa(pa)) : (am_pte_t *)(uintptr_t)pa;
		c->cnt = pt_cnt_of_g(pt, e, plain);
		c->live = true;
		c->blank = false;
		c->fresh = false;
	}
	st->level = level;
	/* 0 at the root (lo < ia_end, its span) */
	st->base = level == pt->root_level ? 0 : lo & ~((1ull << (shift + bits)) - 1);
}

/* A plain 4 KiB table's with its geometry as constants, or the general one. */
static void descend_path(struct pt_walk *w, struct pt_start *st, uint64_t lo, uint64_t hi)
{
	if (pt_plain(w->pt))
		descend_path_g(w, st, lo, hi, 12u, true);
	else
		descend_path_g(w, st, lo, hi, pt_gs(w->pt), false);
}

/*
 * Back up the path, deepest first, as walk_tbl() does on its way back: a
 * table whose count did not change needs nothing (no post visit frees a
 * table that was not emptied); one that did is left through leave_table().
 */
static PT_HOT void ascend_path_g(struct pt_walk *w, struct pt_start *st, uint64_t lo,
				 const unsigned int gs, const bool plain)
{
	for (unsigned int l = st->level; l-- > w->pt->root_level;) {
		struct pt_slot s;

		if (st->tbl[l + 1].cnt == pt_cnt_of_g(w->pt, st->desc[l], plain))
			continue;
		s.t = &st->tbl[l];
		s.level = l;
		s.idx = st->idx[l];
		s.va = lo & ~(pt_span_g(gs, l) - 1);
		s.pte = st->desc[l];
		s.child = st->tbl[l + 1];
		s.child_pa = pt_oa_g(w->pt, s.pte, plain);
		leave_table_g(w, &s, plain);
	}
}

static void ascend_path(struct pt_walk *w, struct pt_start *st, uint64_t lo)
{
	if (pt_plain(w->pt))
		ascend_path_g(w, st, lo, 12u, true);
	else
		ascend_path_g(w, st, lo, pt_gs(w->pt), false);
}

/*
 * Once mode: the first entry of the start table, visited once for all of
 * the range. Returns 0, a refusal, or PT_AGAIN (nothing written).
 */
static int walk_once(struct pt_walk *w, struct pt_start *st, uint64_t lo, uint64_t hi)
{
	unsigned int shift = pt_lshift(w->pt, st->level);
	struct pt_slot s;
	int rc;

	slot_init(&s, &st->tbl[st->level], st->level, shift, (unsigned int)((lo - st->base) >> shift),
		  (unsigned int)((hi - 1 - st->base) >> shift), st->base, lo, hi);
	rc = w->v->visit(w, &s);
	if (rc < 0)
		return rc;
	if (s.descend)
		return PT_AGAIN; /* a table to walk: nothing was written before */
	if (s.apply)		 /* the whole range decided: now written */
		rc = w->v->apply(w, &s, (unsigned int)rc);
	if ((unsigned int)rc != s.n)
		PT_LOG(w->pt, AM_LOG_ERR, AM_EV_INTERNAL, "once mode: entries left after the visit",
		       s.va, s.level, s.n - (unsigned int)rc);
	return 0;
}

/* The index of @va's entry in its table at @level (the root's may be
 * concatenated pages). */
static inline unsigned int path_idx(const struct am_pt *pt, uint64_t va, unsigned int level,
				    const unsigned int gs)
{
	return (unsigned int)(va >> (gs + (gs - 3u) * (3u - level))) &
	       (level == pt->root_level ? ~0u : (1u << (gs - 3u)) - 1u);
}

/*
 * A table the single-leaf path emptied: left through the post visits up
 * the path of tables the lookup went through (@tbls), from the bottom and
 * only while a level's count changes. The entry linking the emptied table
 * gets its post visit (unmap unlinks the table); when that took an entry
 * from its table, the entry above gets its own (its count written back, or
 * that table unlinked in turn), and so on. A level whose count stays ends
 * it: nothing above changed, and no descriptor above it is read.
 */
static PT_HOT void leaf_emptied_g(struct pt_walk *w, uint64_t va, unsigned int level,
				  am_pte_t *const *tbls, const unsigned int gs, const bool plain)
{
	const unsigned int root = w->pt->root_level;
	unsigned int cnt = 0; /* the count of the table below the entry: emptied */
	struct pt_tbl t;
	struct pt_slot s;

	t.live = true;
	t.blank = false;
	t.fresh = false;
	s.child.live = true;
	s.child.blank = false;
	s.child.fresh = false;
	for (unsigned int l = level; l-- > root;) {
		unsigned int before;

		s.idx = path_idx(w->pt, va, l, gs);
		t.p = tbls[l];
		/* the table's own count: in the entry above it, none for the root */
		t.cnt = 0;
		if (l > root)
			t.cnt = pt_cnt_of_g(w->pt, tbls[l - 1][path_idx(w->pt, va, l - 1u, gs)],
					    plain);
		before = t.cnt;
		s.t = &t;
		s.level = l;
		s.va = va & ~(pt_span_g(gs, l) - 1);
		s.pte = t.p[s.idx];
		s.child.p = tbls[l + 1];
		s.child.cnt = cnt;
		s.child_pa = pt_oa_g(w->pt, s.pte, plain);
		leave_table_g(w, &s, plain);
		if (t.cnt == before)
			return; /* this table's entries stay: nothing above changes */
		cnt = t.cnt;
	}
}

/*
 * The common case of pt_one_emptied(): the table at @level emptied, the
 * table above it (@up_cnt entries, kept in descriptor *@up; no @up for the
 * root) keeps others. The walk's work without its state: the leaf, the
 * table's entry cleared, the count above written back; one flush op (the
 * leaf's invalidation and the table's, as the batch queues them), then the
 * table given back as pt_flush() gives it back, and its record.
 */
static PT_HOT void one_emptied_lean(struct am_pt *pt, am_pte_t *p, am_pte_t e, uint64_t va,
				    unsigned int level, bool inval, am_pte_t *link, am_pte_t *up,
				    unsigned int up_cnt, const unsigned int gs, const bool plain)
{
	const uint64_t tva = va & ~(pt_span_g(gs, level - 1u) - 1u); /* the table's span */
	am_pte_t *tbl = p - pt_wc_idx(va, level, gs);
	const uint64_t tpa = pt_oa_g(pt, *link, plain);
	struct am_pt_inval inv[2];
	unsigned int n = 0;

	pte_store(p, e);
	pte_store(link, 0);
	if (up)
		pte_store(up, (*up & ~pt_cnt_mask_g(pt, plain)) |
				      pt_cnt_bits_g(pt, up_cnt - 1u, plain));
	if (inval) {
		inv[0].addr = am_va(va);
		inv[0].pages = 0;
		inv[0].level = (uint8_t)level;
		inv[0].leaf = 1;
		n = 1;
	}
	if (!n || !pt->tlbi_range || !pt_tlbi_merge(pt, &inv[0], tva, level - 1u, false)) {
		inv[n].addr = am_va(tva);
		inv[n].pages = 0;
		inv[n].level = (uint8_t)(level - 1u);
		inv[n].leaf = 0;
		n++;
	}
	pt_flush_op(pt, AM_PT_FLUSH_LIST, n, inv);
	pt_wc_clear(pt); /* before the page goes: see pt_flush() */
	pt->nr_tables--;
	pt->ops->free_table(pt->ctx, tbl, am_pa(tpa));
	PT_LOG(pt, AM_LOG_DEBUG, AM_EV_PT_TABLE_FREED, "empty table freed", tva, level - 1u, 0);
}

/* pt_one_emptied() when the table above empties too: up the path as a walk
 * leaves tables (apart: the walk's state is a large frame). */
static __attribute__((noinline)) void one_emptied_walk(struct am_pt *pt, const struct pt_visitor *v,
						       void *arg, am_pte_t *p, am_pte_t e,
						       uint64_t va, unsigned int level, bool inval,
						       bool plain, am_pte_t *const *tbls)
{
	struct pt_walk w;

	pt_walk_init(&w, pt, v, arg, false);
	pte_store(p, e);
	if (inval)
		pt_queue_tlbi(&w, va, level, true);
	pt_wrote(&w, true);
	/* the 4 KiB granule's with its geometry as constants */
	if (plain)
		leaf_emptied_g(&w, va, level, tbls, 12u, true);
	else
		leaf_emptied_g(&w, va, level, tbls, pt_gs(pt), false);
	pt_finish(&w);
}

static PT_HOT int one_emptied_g(struct am_pt *pt, const struct pt_visitor *v, void *arg,
				am_pte_t *p, am_pte_t e, uint64_t va, unsigned int level,
				bool inval, am_pte_t *link, am_pte_t *const *tbls,
				const unsigned int gs, const bool plain)
{
	am_pte_t *up = NULL; /* the descriptor that links the table above and keeps its count */
	unsigned int up_cnt = 0;

	if (!tbls) /* the walk cache's level-2 table, the one above (pt_one_emptied()) */
		up = pt->wc_link[1];
	else if (level - 1u > pt->root_level) /* none for the root */
		up = &tbls[level - 2u][path_idx(pt, va, level - 2u, gs)];
	if (up)
		up_cnt = pt_cnt_of_g(pt, *up, plain);
	if (!up || up_cnt > 1u)
		one_emptied_lean(pt, p, e, va, level, inval, link, up, up_cnt, gs, plain);
	else if (!tbls) /* that table empties too: the path is the caller's to find */
		return PT_AGAIN;
	else
		one_emptied_walk(pt, v, arg, p, e, va, level, inval, plain, tbls);
	return 0;
}

int pt_one_emptied(struct am_pt *pt, const struct pt_visitor *v, void *arg, am_pte_t *p, am_pte_t e,
		   uint64_t va, unsigned int level, bool inval, bool plain, am_pte_t *link,
		   am_pte_t *const *tbls)
{
	if (plain) /* the 4 KiB granule's with its geometry as constants */
		return one_emptied_g(pt, v, arg, p, e, va, level, inval, link, tbls, 12u, true);
	return one_emptied_g(pt, v, arg, p, e, va, level, inval, link, tbls, pt_gs(pt), false);
}

/*
 * The single-leaf path's entry where the one table above it is missing
 * (@v->grow: map). The lookup (@p, @link, @at: pt_lookup()'s) stopped at
 * level @at; if that is just above @level and the entry there is empty,
 * the one op decides the entry in a table that has nothing else; then a
 * table page, zeroed, with the entry in it (no walker sees it yet), the
 * entries before the link (PUBLISH), the link in the empty entry above
 * with a count of 1, the count of the table that holds it, and the call's
 * COMPLETE; the new table kept in the walk cache. A link into an empty
 * entry needs no invalidation. PT_AGAIN, having written and allocated
 * nothing, when more is missing or the way is not empty. Lock held.
 */
static PT_HOT int one_grow_g(struct am_pt *pt, const struct pt_visitor *v, void *arg, uint64_t va,
			     unsigned int level, am_pte_t *p, am_pte_t *link, unsigned int at,
			     const unsigned int gs, const bool plain)
{
	const unsigned int idx = pt_wc_idx(va, level, gs);
	struct pt_one x;
	am_pte_t *t;
	uint64_t tpa;
	int rc;

	if (at + 1u != level || *p)
		return PT_AGAIN; /* a block, or more than one table missing */
	pt_one_start(&x, va, level, gs, plain);
	x.p = NULL; /* the table is not there yet */
	x.e = 0;
	rc = v->one(pt, arg, &x);
	if (rc)
		return rc == PT_ONE_SAME ? 0 : rc;
	t = alloc_table(pt, &tpa, 1, 0, &rc);
	if (!t)
		return rc;
	if (!pt->zeroed)
		pt_fill_fresh(t, pt_ents(pt), 0, 0);
	t[idx] = x.v;
	pt_flush_va(pt, AM_PT_FLUSH_PUBLISH, 0, NULL);
	pte_store(p, pt_table_desc_g(pt, tpa, 1u, plain));
	if (link) /* the table that holds it (not the root): one entry more */
		pte_store(link, (*link & ~pt_cnt_mask_g(pt, plain)) |
					pt_cnt_bits_g(pt, pt_cnt_of_g(pt, *link, plain) + 1u, plain));
	pt->nr_tables++;
	pt_wc_fill(pt, va, level, pt_wc_key(va, level, gs), &t[idx], p, gs);
	pt_flush_va(pt, AM_PT_FLUSH_COMPLETE, 0, NULL);
	return 0;
}

int pt_one_grow(struct am_pt *pt, const struct pt_visitor *v, void *arg, uint64_t va,
		unsigned int level, am_pte_t *p, am_pte_t *link, unsigned int at, bool plain)
{
	if (plain) /* the 4 KiB granule's with its geometry as constants */
		return one_grow_g(pt, v, arg, va, level, p, link, at, 12u, true);
	return one_grow_g(pt, v, arg, va, level, p, link, at, pt_gs(pt), false);
}

int pt_run(struct pt_walk *w, uint64_t va, uint64_t size)
{
	struct pt_start st;

	descend_path(w, &st, va, va + size);
	return walk_tbl(w, &st.tbl[st.level], st.level, st.base, va, va + size);
}

/* The general part of pt_exec(): the path, then once, or dry, reserve,
 * commit; the way back up; the finish. */
int pt_exec_walk(struct pt_walk *w, uint64_t va, uint64_t hi)
{
	struct pt_start st;
	int rc = PT_AGAIN;

	descend_path(w, &st, va, hi);
	if (w->v->once) {
		w->once = true;
		w->dry = false;
		rc = walk_once(w, &st, va, hi);
		w->once = false;
	}
	if (rc == PT_AGAIN) {
		w->dry = true;
		rc = walk_tbl(w, &st.tbl[st.level], st.level, st.base, va, hi);
		if (!rc)
			rc = pt_reserve(w, w->need);
		if (rc)
			return rc;
		w->dry = false;
		rc = walk_tbl(w, &st.tbl[st.level], st.level, st.base, va, hi);
	} else if (rc) {
		return rc; /* refused in once mode: nothing written */
	}
	ascend_path(w, &st, va);
	pt_finish(w);
	pt_reserve_leftover(w);
	return rc;
}
