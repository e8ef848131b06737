/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The P2M: a guest's stage-2 table on the translation-table engine (its
 * public calls and accessors only), p2m types kept in the descriptors'
 * software bits, the physmap calls, and the one put path every removal
 * goes through.
 *
 * Removal, all or nothing, in two walks under the P2M lock: the range is
 * checked (every page mapped, the frames expected); then one reporting
 * unmap (am_pt_unmap_report(): a block only partly in the range is broken
 * there, the one step that can fail, and then nothing has changed) tells
 * the put path of each leaf removed once its invalidation completed.
 * am_p2m_destroy() is one walk: the table's reporting destroy.
 */
#include <armmap/errors.h>
#include <armmap/p2m.h>

#include "../core/internal.h"
#include "p2m_internal.h"

#define PAGE_SHIFT 12u
#define PAGE_SIZE (1ull << PAGE_SHIFT)
#define LOG(p, lvl, ev, msg, a, b, c) am_env_log(&(p)->ops->env, (p)->ctx, lvl, ev, msg, a, b, c)

static const struct am_attr type_attr[AM_P2M_TYPE_COUNT] = {
	[AM_P2M_RAM_RW] = {AM_PERM_R | AM_PERM_W | AM_PERM_X, AM_MT_NORMAL_WB, AM_SH_INNER},
	[AM_P2M_RAM_RO] = {AM_PERM_R | AM_PERM_X, AM_MT_NORMAL_WB, AM_SH_INNER},
	[AM_P2M_MMIO_DEV] = {AM_PERM_R | AM_PERM_W, AM_MT_DEVICE_nGnRE, AM_SH_OUTER},
	[AM_P2M_MMIO_NC] = {AM_PERM_R | AM_PERM_W, AM_MT_NORMAL_NC, AM_SH_OUTER},
	[AM_P2M_GRANT_RW] = {AM_PERM_R | AM_PERM_W, AM_MT_NORMAL_WB, AM_SH_INNER},
	[AM_P2M_GRANT_RO] = {AM_PERM_R, AM_MT_NORMAL_WB, AM_SH_INNER},
	[AM_P2M_FOREIGN] = {AM_PERM_R | AM_PERM_W, AM_MT_NORMAL_WB, AM_SH_INNER},
};

int am_p2m_type_attr(enum am_p2m_type t, struct am_attr *out)
{
	if (!out || t <= AM_P2M_NONE || t >= AM_P2M_TYPE_COUNT) {
		am_log_fallback(AM_LOG_ERR, AM_EV_BAD_ARG, "p2m type_attr: NULL or unknown type",
				(unsigned int)t, (uint64_t)(uintptr_t)out, 0);
		return AM_EINVAL;
	}
	*out = type_attr[t];
	return 0;
}

static void lock(struct am_p2m *p)
{
	am_env_lock(&p->ops->env, p->ctx);
}

static void unlock(struct am_p2m *p)
{
	am_env_unlock(&p->ops->env, p->ctx);
}

/* Every call starts here: a NULL, zeroed, failed-init or destroyed P2M is refused. */
static bool p2m_ok(const struct am_p2m *p)
{
	return am_ready_check(p, p ? p->ready : 0, AM_READY_P2M,
			      "p2m: NULL or uninitialised P2M (never, init failed, or destroyed)");
}

static int bad_arg(struct am_p2m *p, const char *msg, uint64_t a, uint64_t b)
{
	LOG(p, AM_LOG_ERR, AM_EV_BAD_ARG, msg, a, b, 0);
	return AM_EINVAL;
}

static int check_gfns(struct am_p2m *p, uint64_t gfn, uint64_t nr)
{
	const char *why = NULL;
	int rc = 0;

	if (!nr) {
		rc = AM_EINVAL;
		why = "p2m: no frames";
	} else if (gfn + nr < gfn) {
		rc = AM_EOVERFLOW;
		why = "p2m: the GFN range wraps around";
	} else if (gfn + nr > p->gfn_end) {
		rc = AM_ERANGE;
		why = "p2m: the GFN range is beyond the IPA size";
	}
	if (rc)
		LOG(p, AM_LOG_ERR, AM_EV_BAD_RANGE, why, gfn, nr, p->gfn_end);
	return rc;
}

/* --------------------------------------------------------- the put path -- */

static bool is_xenheap(const struct am_page_info *pg)
{
	return __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED) & AM_PGC_XEN_HEAP;
}

/* A page that left the guest (its TLB invalidation completed). */
static void put_page(struct am_p2m *p, uint64_t mfn, enum am_p2m_type t)
{
	struct am_page_info *pg = am_frame_of(p->ft, am_mfn(mfn));

	if (pg && is_xenheap(pg))
		(void)am_frame_set_gfn(pg, AM_GFN_INVALID);
	if (t == AM_P2M_FOREIGN) {
		if (pg)
			am_frame_put(pg);
		if (p->ops->foreign_put)
			p->ops->foreign_put(p->ctx, am_mfn(mfn));
	}
}

struct range_check {
	uint64_t next; /* the first address not yet seen mapped */
	uint64_t lo, hi;
	uint64_t expect; /* MFN of lo, or MFN_NONE */
	int rc;
};

/* Check pass: the leaves cover the range without a gap, with the frames expected. */
static int check_leaf(void *arg, const struct am_pt_leaf *l)
{
	struct range_check *c = arg;
	uint64_t va = am_va_val(l->va), pa = am_pa_val(l->pa);
	uint64_t from = va > c->lo ? va : c->lo;

	if (!l->valid || from != c->next)
		return c->rc = AM_ENOENT;
	if (c->expect != MFN_NONE && pa + (from - va) != (c->expect << PAGE_SHIFT) + (from - c->lo))
		return c->rc = AM_EILSEQ;
	c->next = va + l->size < c->hi ? va + l->size : c->hi;
	return 0;
}

static struct am_page_info *frames_in_table(const struct am_p2m *p, uint64_t mfn, uint64_t nr,
					    uint64_t *from, uint64_t *n);

/*
 * The put path of a leaf the table removed (am_pt_unmap_report(),
 * am_pt_destroy_report()), called once its invalidation completed: every
 * page of it (a removed leaf lies wholly in the range removed). Of a leaf
 * that is not foreign, only the frames in the frame table can have
 * anything to give back (a xenheap frame's GFN): the rest of it, a block
 * of RAM the table does not describe, is skipped whole, not page by page.
 */
static void put_removed(void *arg, const struct am_pt_leaf *l)
{
	struct am_p2m *p = arg;
	enum am_p2m_type t = (enum am_p2m_type)l->sw;
	uint64_t from = am_pa_val(l->pa) >> PAGE_SHIFT, n = l->size >> PAGE_SHIFT;

	if (t != AM_P2M_FOREIGN)
		(void)frames_in_table(p, from, n, &from, &n);
	for (uint64_t i = 0; i < n; i++)
		put_page(p, from + i, t);
}

/*
 * Remove [gfn, gfn + nr), lock held: a check walk, then one reporting
 * unmap, all or nothing, whose leaves go through the put path as their
 * invalidation completes. Two walks in all.
 */
static int remove_locked(struct am_p2m *p, uint64_t gfn, uint64_t nr, uint64_t expect)
{
	struct range_check c = {
		.lo = gfn << PAGE_SHIFT,
		.hi = (gfn + nr) << PAGE_SHIFT,
		.expect = expect,
	};
	int rc;

	c.next = c.lo;
	rc = am_pt_walk(&p->pt, am_va(c.lo), c.hi - c.lo, check_leaf, &c);
	if (!rc && c.next != c.hi)
		rc = AM_ENOENT;
	if (rc) {
		LOG(p, AM_LOG_ERR, rc == AM_EILSEQ ? AM_EV_ATTR_MISMATCH : AM_EV_NOT_FOUND,
		    rc == AM_EILSEQ ? "p2m: another frame than expected" : "p2m: not mapped",
		    c.next >> PAGE_SHIFT, expect, 0);
		return rc;
	}
	/* a refusal of the table engine logged its reason through our hook */
	return am_pt_unmap_report(&p->pt, am_va(c.lo), c.hi - c.lo, put_removed, p);
}

/* ------------------------------------------------------------------ map -- */

/*
 * The part of [mfn, mfn + nr) that is in the frame table: only those frames
 * can be xenheap and hold a GFN. Empty (*n 0) when none is.
 */
static struct am_page_info *frames_in_table(const struct am_p2m *p, uint64_t mfn, uint64_t nr,
					    uint64_t *from, uint64_t *n)
{
	const struct am_frame_table *ft = p->ft;
	uint64_t lo = mfn > ft->first ? mfn : ft->first;
	uint64_t hi = mfn + nr < ft->first + ft->nr ? mfn + nr : ft->first + ft->nr;

	*from = lo;
	*n = lo < hi ? hi - lo : 0;
	return *n ? &ft->pages[lo - ft->first] : NULL;
}

/* Give back the GFNs claimed for pg[0 .. n). */
static void unclaim(struct am_page_info *pg, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (is_xenheap(&pg[i]))
			(void)am_frame_set_gfn(&pg[i], AM_GFN_INVALID);
}

/*
 * Claim the GFN of every xenheap frame of the range: each goes from "none"
 * to its GFN in one compare and swap, so that two guests (two P2Ms, two
 * locks) adding the same frame cannot both have it. A frame that has a GFN
 * already makes it AM_EBUSY, and what was claimed is given back.
 * *@any: the range has a xenheap frame.
 */
static int claim_xenheap(struct am_p2m *p, uint64_t gfn, uint64_t mfn, uint64_t nr, bool *any)
{
	uint64_t from;
	uint64_t n;
	struct am_page_info *pg = frames_in_table(p, mfn, nr, &from, &n);
	uint64_t g0 = gfn + (from - mfn);

	*any = false;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t had;
		int rc;

		if (!is_xenheap(&pg[i]))
			continue;
		*any = true;
		rc = am_frame_claim_gfn(&pg[i], g0 + i, &had);
		if (!rc)
			continue;
		unclaim(pg, i);
		if (rc == AM_EBUSY)
			LOG(p, AM_LOG_ERR, AM_EV_REFERENCED,
			    "p2m: the frame is mapped already (it has a GFN)", from + i, had, 0);
		else
			LOG(p, AM_LOG_ERR, AM_EV_BAD_RANGE, "p2m: the GFN does not fit type_info",
			    g0 + i, AM_PGT_GFN_MASK, 0);
		return rc;
	}
	return 0;
}

static int map_locked(struct am_p2m *p, uint64_t gfn, uint64_t mfn, uint64_t nr, enum am_p2m_type t)
{
	bool xenheap;
	int rc = claim_xenheap(p, gfn, mfn, nr, &xenheap);

	if (rc)
		return rc;
	/* xenheap frames by page: each records its own GFN, and goes alone */
	rc = am_pt_map(&p->pt, am_gfn_to_ipa(am_gfn(gfn)), am_mfn_to_pa(am_mfn(mfn)),
		       nr << PAGE_SHIFT, &type_attr[t],
		       (xenheap ? 0 : AM_PT_F_BLOCK) | AM_PT_F_SW(t));
	/* a refusal of the table engine logged its reason through our hook */
	if (rc && xenheap) {
		uint64_t from;
		uint64_t n;
		struct am_page_info *pg = frames_in_table(p, mfn, nr, &from, &n);

		unclaim(pg, n);
	}
	return rc;
}

/* The checks of a map's frames; lock held. */
static int check_map(struct am_p2m *p, uint64_t gfn, uint64_t mfn, uint64_t nr, enum am_p2m_type t)
{
	int rc;

	if (t <= AM_P2M_NONE || t >= AM_P2M_TYPE_COUNT)
		return bad_arg(p, "p2m map: unknown type", (unsigned int)t, 0);
	rc = check_gfns(p, gfn, nr);
	if (rc)
		return rc;
	if (mfn + nr < mfn || mfn + nr > p->mfn_end) {
		rc = mfn + nr < mfn ? AM_EOVERFLOW : AM_ERANGE;
		LOG(p, AM_LOG_ERR, AM_EV_BAD_RANGE,
		    rc == AM_EOVERFLOW ? "p2m map: the MFN range wraps around"
				       : "p2m map: the MFN range is beyond the PA size",
		    mfn, nr, p->mfn_end);
	}
	return rc;
}

int am_p2m_map(struct am_p2m *p, am_gfn_t g, am_mfn_t m, uint64_t nr, enum am_p2m_type t)
{
	uint64_t gfn = am_gfn_val(g), mfn = am_mfn_val(m);
	int rc;

	if (!p2m_ok(p))
		return AM_EINVAL;
	lock(p);
	rc = check_map(p, gfn, mfn, nr, t);
	if (!rc)
		rc = map_locked(p, gfn, mfn, nr, t);
	unlock(p);
	return rc;
}

int am_p2m_unmap(struct am_p2m *p, am_gfn_t g, uint64_t nr, am_mfn_t expect_mfn)
{
	uint64_t gfn = am_gfn_val(g), expect = am_mfn_val(expect_mfn);
	int rc;

	if (!p2m_ok(p))
		return AM_EINVAL;
	lock(p);
	rc = check_gfns(p, gfn, nr);
	if (!rc)
		rc = remove_locked(p, gfn, nr, expect);
	unlock(p);
	return rc;
}

int am_p2m_lookup(struct am_p2m *p, am_gfn_t g, am_mfn_t *mfn, enum am_p2m_type *t)
{
	uint64_t gfn = am_gfn_val(g);
	struct am_pt_leaf l;
	int rc;

	if (!p2m_ok(p))
		return AM_EINVAL;
	lock(p);
	if (!mfn || !t) {
		rc = bad_arg(p, "p2m lookup: NULL output", (uint64_t)(uintptr_t)mfn,
			     (uint64_t)(uintptr_t)t);
	} else if (gfn >= p->gfn_end) {
		LOG(p, AM_LOG_ERR, AM_EV_BAD_RANGE, "p2m lookup: beyond the IPA size", gfn,
		    p->gfn_end, 0);
		rc = AM_ERANGE;
	} else {
		/* nothing mapped: an answer, not a refusal (no record) */
		if (am_pt_query(&p->pt, am_gfn_to_ipa(g), &l) || !l.valid)
			rc = AM_ENOENT;
		else
			rc = 0;
	}
	unlock(p);
	if (rc)
		return rc;
	*mfn = am_pa_to_mfn(am_pa_add(l.pa, am_va_val(am_gfn_to_ipa(g)) - am_va_val(l.va)));
	*t = (enum am_p2m_type)l.sw;
	return 0;
}

/* -------------------------------------------------------------- physmap -- */

/* The MFN named by a grant-table index (AM_GNTTAB_STATUS | i for status). */
static int gnttab_mfn(const struct am_p2m *p, uint32_t idx, uint64_t *mfn)
{
	uint32_t i = idx & ~AM_GNTTAB_STATUS;

	if (idx & AM_GNTTAB_STATUS) {
		if (i >= p->dom.nr_gnttab_status)
			return AM_EINVAL;
		*mfn = am_mfn_val(p->dom.gnttab_status[i]);
	} else {
		if (i >= p->dom.nr_gnttab_shared)
			return AM_EINVAL;
		*mfn = am_mfn_val(p->dom.gnttab_shared[i]);
	}
	return 0;
}

int am_p2m_add_physmap(struct am_p2m *p, enum am_p2m_space space, uint32_t idx, am_gfn_t g)
{
	uint64_t gfn = am_gfn_val(g);
	uint64_t mfn;
	int rc;

	if (!p2m_ok(p))
		return AM_EINVAL;
	if (space == AM_SPACE_SHARED_INFO) {
		mfn = am_mfn_val(p->dom.shared_info);
		rc = idx || mfn == MFN_NONE ? AM_EINVAL : 0;
	} else if (space == AM_SPACE_GRANT_TABLE) {
		rc = gnttab_mfn(p, idx, &mfn);
	} else {
		rc = AM_ENOTSUP;
	}
	if (!rc && gfn >= p->gfn_end)
		rc = AM_ERANGE;
	lock(p);
	if (rc)
		LOG(p, AM_LOG_ERR, AM_EV_BAD_RANGE, "p2m: bad map space, index or GFN",
		    (uint64_t)space, idx, gfn);
	else
		rc = map_locked(p, gfn, mfn, 1, AM_P2M_RAM_RW);
	unlock(p);
	return rc;
}

int am_p2m_remove_physmap(struct am_p2m *p, am_gfn_t gfn, am_mfn_t expect)
{
	return am_p2m_unmap(p, gfn, 1, expect);
}

int am_p2m_gnttab_gfn(struct am_p2m *p, uint32_t idx, am_gfn_t *gfn)
{
	uint64_t mfn;
	int rc;

	if (!p2m_ok(p))
		return AM_EINVAL;
	rc = gfn ? gnttab_mfn(p, idx, &mfn) : AM_EINVAL;
	if (rc) { /* no lock to read a GFN; a refusal logs under it, as every record */
		lock(p);
		bad_arg(p,
			gfn ? "p2m gnttab_gfn: grant frame index out of range"
			    : "p2m gnttab_gfn: NULL output",
			idx, 0);
		unlock(p);
		return rc;
	}
	/* the domain's frames were checked xenheap at init: this cannot fail */
	return am_frame_get_gfn(am_frame_of(p->ft, am_mfn(mfn)), gfn);
}

/* --------------------------------------------------------- init, destroy -- */

/* A frame the guest may map: xenheap, and within the PA size. */
static bool xenheap_frame(const struct am_frame_table *ft, uint64_t mfn, unsigned int pa_bits)
{
	const struct am_page_info *pg = am_frame_of(ft, am_mfn(mfn));

	return pg && is_xenheap(pg) && mfn < 1ull << (pa_bits - PAGE_SHIFT);
}

static int check_domain_frames(const struct am_p2m_domain_frames *d,
			       const struct am_frame_table *ft, unsigned int pa_bits)
{
	if ((d->nr_gnttab_shared && !d->gnttab_shared) ||
	    (d->nr_gnttab_status && !d->gnttab_status))
		return -1;
	if (!am_mfn_is_invalid(d->shared_info) &&
	    !xenheap_frame(ft, am_mfn_val(d->shared_info), pa_bits))
		return -1;
	for (unsigned int i = 0; i < d->nr_gnttab_shared; i++)
		if (!xenheap_frame(ft, am_mfn_val(d->gnttab_shared[i]), pa_bits))
			return -1;
	for (unsigned int i = 0; i < d->nr_gnttab_status; i++)
		if (!xenheap_frame(ft, am_mfn_val(d->gnttab_status[i]), pa_bits))
			return -1;
	return 0;
}

static int check_config(const struct am_p2m_config *cfg, const struct am_p2m_ops *ops, void *ctx)
{
	const struct am_env *env = ops ? &ops->env : NULL;

	if (!cfg || !ops || !ops->pt)
		return am_init_refuse(env, ctx, AM_EINVAL,
				      "p2m init: NULL config, ops or table ops",
				      (uint64_t)(uintptr_t)cfg, (uint64_t)(uintptr_t)ops, 0);
	if (ops->pt->env.lock || ops->pt->env.unlock)
		return am_init_refuse(env, ctx, AM_EINVAL,
				      "p2m init: the table ops carry a lock; the table calls run "
				      "under the P2M lock, so the table ops must have none",
				      (uint64_t)(uintptr_t)ops->pt->env.lock,
				      (uint64_t)(uintptr_t)ops->pt->env.unlock, 0);
	if (cfg->vmid > 255 || (cfg->ipa_bits && (cfg->ipa_bits < 32 || cfg->ipa_bits > 48)) ||
	    (cfg->pa_bits && (cfg->pa_bits < 32 || cfg->pa_bits > 48)))
		return am_init_refuse(
			env, ctx, AM_EINVAL,
			"p2m init: ipa_bits or pa_bits outside 32..48, or VMID above 255",
			cfg->ipa_bits, cfg->pa_bits, cfg->vmid);
	if (!cfg->frames || cfg->frames->ready != AM_READY_FT)
		return am_init_refuse(env, ctx, AM_EINVAL,
				      "p2m init: NULL or uninitialised frame table",
				      (uint64_t)(uintptr_t)cfg->frames, 0, 0);
	if (check_domain_frames(&cfg->dom, cfg->frames, cfg->pa_bits ? cfg->pa_bits : 48))
		return am_init_refuse(
			env, ctx, AM_EINVAL,
			"p2m init: a domain frame is missing, outside the frame table, "
			"not xenheap, or beyond the PA size",
			am_mfn_val(cfg->dom.shared_info), cfg->dom.nr_gnttab_shared,
			cfg->dom.nr_gnttab_status);
	return 0;
}

int am_p2m_init(struct am_p2m *p, const struct am_p2m_config *cfg, const struct am_p2m_ops *ops,
		void *ctx)
{
	struct am_pt_config pc = {.regime = AM_PT_S2};
	int rc;

	if (!p)
		return am_init_refuse(ops ? &ops->env : NULL, ctx, AM_EINVAL, "p2m init: NULL P2M",
				      0, 0, 0);
	p->ready = 0; /* a failed init leaves a P2M every call refuses */
	rc = check_config(cfg, ops, ctx);
	if (rc)
		return rc;
	/* the engine logs through the P2M's hook with the P2M's ctx, and runs
	 * under the P2M's lock; the table ops get their own ctx */
	p->pt_env = (struct am_env){.log = ops->env.log};
	pc.env = &p->pt_env;
	pc.env_ctx = ctx;
	pc.ia_bits = cfg->ipa_bits ? cfg->ipa_bits : 40;
	pc.oa_bits = cfg->pa_bits;
	pc.vmid = cfg->vmid;
	rc = am_pt_init(&p->pt, &pc, ops->pt, cfg->pt_ctx ? cfg->pt_ctx : ctx);
	if (rc)
		return rc;
	p->ops = ops;
	p->ctx = ctx;
	p->ft = cfg->frames;
	p->dom = cfg->dom;
	p->gfn_end = 1ull << (pc.ia_bits - PAGE_SHIFT);
	p->mfn_end = 1ull << (am_pt_oa_bits(&p->pt) - PAGE_SHIFT);
	p->ready = AM_READY_P2M;
	return 0;
}

/* One walk: every leaf cleared, its pages put once the VMID's invalidation
 * completed, every table given back (it cannot fail: the table is ready). */
void am_p2m_destroy(struct am_p2m *p)
{
	if (!p2m_ok(p))
		return;
	lock(p);
	(void)am_pt_destroy_report(&p->pt, put_removed, p);
	p->ready = 0;
	unlock(p);
}
