/* SPDX-License-Identifier: BSD-3-Clause */
/* The P2M oracle (p2m_oracle.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <armmap/errors.h>

#include "model/tlb.h"
#include "tests/oracle/oracle.h"
#include "tests/oracle/p2m_oracle.h"

#define K4 0x1000ull
#define IPA(g) ((uint64_t)(g) << 12)
#define OA_MASK 0x0000fffffffff000ull

static void hook_fail(struct oracle_p2m *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void hook_fail(struct oracle_p2m *o, const char *fmt, ...)
{
	va_list ap;

	if (o->hook_fails++)
		return;
	va_start(ap, fmt);
	vsnprintf(o->hook_msg, sizeof(o->hook_msg), fmt, ap);
	va_end(ap);
}

static unsigned long refs_of(const struct am_page_info *pg)
{
	return __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED) & AM_PGC_COUNT_MASK;
}

/* ------------------------------------------------- watching the put path -- */

/* Whether the TLB model may still translate IPA(@t->gfn) to @t->mfn. */
static bool tlb_holds(const struct oracle_p2m *o, const struct oracle_p2m_page *t)
{
	const struct tlbm_leaf *l;

	if (!o->hp->pt.tlb_on)
		return false;
	l = tlbm_lookup(&o->hp->pt.tlb, IPA(t->gfn));
	return l && l->pa + (IPA(t->gfn) - l->va) == IPA(t->mfn);
}

/* Before each TLBI and barrier: no frame has been put while cached. */
static void on_tlb_event(void *arg)
{
	struct oracle_p2m *o = arg;
	struct oracle_p2m_pages *ps = o->pages;

	for (unsigned int i = 0; i < ps->n; i++) {
		struct oracle_p2m_page *t = &ps->tr[i];
		struct am_page_info *pg;

		if (t->by != o || t->put || t->nopg || !tlb_holds(o, t))
			continue;
		pg = am_frame_of(o->ft, am_mfn(t->mfn));
		if (t->xen && (pg->type_info & AM_PGT_GFN_MASK) != t->gfn)
			hook_fail(o, "mfn %#llx: GFN %#llx cleared while the TLB may still map it",
				  (unsigned long long)t->mfn, (unsigned long long)t->gfn);
		/* fewer (a caller may take more before it maps the frame again) */
		if (t->foreign && refs_of(pg) < t->refs)
			hook_fail(o, "mfn %#llx: reference dropped while the TLB may still map it",
				  (unsigned long long)t->mfn);
	}
}

/* A foreign put: the reference is gone and no walk can reach the frame. */
static void on_foreign_put(void *arg, am_mfn_t put)
{
	uint64_t mfn = am_mfn_val(put);
	struct oracle_p2m *o = arg;
	struct oracle_p2m_pages *ps = o->pages;
	struct oracle_p2m_page *t = NULL;
	struct vmsa_result r;

	/* of this guest's pages mapping @mfn, the one whose IPA faults now */
	for (unsigned int i = 0; i < ps->n; i++) {
		struct oracle_p2m_page *c = &ps->tr[i];

		if (c->by != o || !c->foreign || c->put || c->mfn != mfn)
			continue;
		if (!t)
			t = c;
		vmsa_walk(&o->vc, am_host_pt_read, &o->hp->pt, IPA(c->gfn), &r);
		if (r.fault != VMSA_OK) {
			t = c;
			break;
		}
	}
	if (!t) {
		hook_fail(o, "foreign_put of mfn %#llx, not mapped foreign",
			  (unsigned long long)mfn);
		return;
	}
	t->put = true;
	if (o->hp->pt.open_tlbi || o->hp->pt.last_bar != AM_HOST_PT_BAR_COMPLETE)
		hook_fail(o, "foreign_put of mfn %#llx before the TLB invalidation completed",
			  (unsigned long long)mfn);
	vmsa_walk(&o->vc, am_host_pt_read, &o->hp->pt, IPA(t->gfn), &r);
	if (r.fault == VMSA_OK)
		hook_fail(o, "foreign_put of mfn %#llx: gfn %#llx still translates",
			  (unsigned long long)mfn, (unsigned long long)t->gfn);
	if (tlb_holds(o, t))
		hook_fail(o, "foreign_put of mfn %#llx: the TLB model still maps gfn %#llx",
			  (unsigned long long)mfn, (unsigned long long)t->gfn);
	if (t->nopg)
		return;
	if (refs_of(am_frame_of(o->ft, am_mfn(mfn))) != t->refs - 1)
		hook_fail(o, "foreign_put of mfn %#llx: %lu references, expected %lu",
			  (unsigned long long)mfn, refs_of(am_frame_of(o->ft, am_mfn(mfn))),
			  t->refs - 1);
	/* the frame's other mappings, in any guest, hold one reference less now */
	for (unsigned int i = 0; i < ps->n; i++)
		if (ps->tr[i].foreign && !ps->tr[i].put && ps->tr[i].mfn == mfn)
			ps->tr[i].refs--;
}

/* ---------------------------------------------------------- attaching -- */

void oracle_p2m_attach(struct oracle_p2m *o, struct am_host_p2m *hp, struct am_p2m *p,
		       const struct am_frame_table *ft, unsigned int ipa_bits, unsigned int pa_bits,
		       uint16_t vmid)
{
	o->hp = hp;
	o->p2m = p;
	o->ft = ft;
	o->vc = (struct vmsa_cfg){.regime = VMSA_S2,
				  .ia_bits = ipa_bits ? ipa_bits : 40,
				  .oa_bits = pa_bits ? pa_bits : 48,
				  .root_pa = am_pa_val(p->pt.root_pa),
				  .concat = p->pt.root_pages};
	am_host_pt_tlb(&hp->pt, AM_PT_S2, o->vc.ia_bits, o->vc.oa_bits, o->vc.root_pa, 0, vmid);
	hp->pt.tlb.cfg = o->vc; /* a concatenated root included */
	hp->on_tlb_event = on_tlb_event;
	hp->on_foreign_put = on_foreign_put;
	hp->hook_arg = o;
	o->base_unlocked = hp->unlocked_table_ops;
	o->base_unlocked_logs = hp->unlocked_logs;
	o->hook_fails = 0;
	o->hook_msg[0] = 0;
	if (!o->pages)
		o->pages = &o->own;
	oracle_p2m_untrack(o, 0, ~0ull);
	o->live = true;
}

void oracle_p2m_detach(struct oracle_p2m *o)
{
	if (!o->live)
		return;
	o->hp->on_tlb_event = NULL;
	o->hp->on_foreign_put = NULL;
	am_host_pt_tlb_flush(&o->hp->pt);
	o->hp->pt.tlb_on = false;
	o->live = false;
}

void oracle_p2m_share(struct oracle_p2m *o, struct oracle_p2m_pages *pages)
{
	o->pages = pages;
}

bool oracle_p2m_track(struct oracle_p2m *o, uint64_t gfn, uint64_t mfn, uint64_t n, bool foreign)
{
	struct oracle_p2m_pages *ps = o->pages;
	uint64_t lo = 0, hi = n;

	/*
	 * Not foreign: only frames of the table can be tracked (xenheap), so
	 * only they are looked at; a RAM range of 2^28 pages took minutes
	 * under the fuzzer's instrumentation. Outside [first, first + nr)
	 * am_frame_of() has no frame, table ready or not.
	 */
	if (!foreign && o->ft) {
		uint64_t end = o->ft->first + o->ft->nr;

		lo = o->ft->first > mfn ? o->ft->first - mfn : 0;
		hi = end > mfn ? (end - mfn < n ? end - mfn : n) : 0;
	}
	for (uint64_t i = lo; i < hi; i++) {
		struct am_page_info *pg = am_frame_of(o->ft, am_mfn(mfn + i));
		bool xen = pg && (pg->count_info & AM_PGC_XEN_HEAP);
		struct oracle_p2m_page *t;

		if (!xen && !foreign)
			continue;
		if (ps->n >= ORACLE_P2M_TRACK)
			return false;
		t = &ps->tr[ps->n++];
		*t = (struct oracle_p2m_page){.by = o,
					      .gfn = gfn + i,
					      .mfn = mfn + i,
					      .refs = pg ? refs_of(pg) : 0,
					      .xen = xen,
					      .foreign = foreign,
					      .nopg = !pg};
		/* the frame's other mappings, in any guest, see its new count too */
		for (unsigned int k = 0; foreign && pg && k + 1 < ps->n; k++)
			if (ps->tr[k].foreign && !ps->tr[k].put && ps->tr[k].mfn == t->mfn)
				ps->tr[k].refs = t->refs;
	}
	return true;
}

void oracle_p2m_untrack(struct oracle_p2m *o, uint64_t gfn, uint64_t n)
{
	struct oracle_p2m_pages *ps = o->pages;
	unsigned int k = 0;

	for (unsigned int i = 0; i < ps->n; i++)
		if (ps->tr[i].by != o || ps->tr[i].gfn < gfn || ps->tr[i].gfn - gfn >= n)
			ps->tr[k++] = ps->tr[i];
	ps->n = k;
}

/* ------------------------------------------------------------- checks -- */

bool oracle_p2m_check(struct oracle_p2m *o, char *why, size_t n)
{
	struct am_host_p2m *hp = o->hp;
	struct am_host_pt *h = &hp->pt;

	if (hp->lock_depth || hp->locks != hp->unlocks || hp->max_lock_depth > 1 ||
	    hp->bad_unlocks || am_host_p2m_held())
		return oracle_say(why, n,
				  "P2M lock: depth %d, %lu locks, %lu unlocks, deepest %d, %lu bad "
				  "unlocks, held %d",
				  hp->lock_depth, hp->locks, hp->unlocks, hp->max_lock_depth,
				  hp->bad_unlocks, am_host_p2m_held());
	if (hp->unlocked_table_ops != o->base_unlocked)
		return oracle_say(why, n, "%lu table ops outside the P2M lock",
				  hp->unlocked_table_ops - o->base_unlocked);
	if (o->live && hp->unlocked_logs != o->base_unlocked_logs)
		return oracle_say(why, n, "%lu records logged outside the P2M lock",
				  hp->unlocked_logs - o->base_unlocked_logs);
	if (o->hook_fails)
		return oracle_say(why, n, "put path: %s (%lu problems)", o->hook_msg,
				  o->hook_fails);
	if (o->live)
		return oracle_pt_check(h, &o->p2m->pt, why, n);
	/* no P2M: nothing may be left of one */
	if (h->in_use || h->open_tlbi || h->tlbi_between || h->bad_frees || h->bad_table_va)
		return oracle_say(why, n,
				  "no P2M: %zu table pages in use, %lu TLBIs open, %lu bad frees, "
				  "%lu bad table_va",
				  h->in_use, h->open_tlbi, h->bad_frees, h->bad_table_va);
	return true;
}

struct vmsa_result oracle_p2m_xlate(struct oracle_p2m *o, uint64_t g, uint64_t off,
				    unsigned int acc)
{
	struct vmsa_result r;

	vmsa_access(&o->vc, am_host_pt_read, &o->hp->pt, IPA(g) + off, acc, &r);
	return r;
}

/* What docs/p2m.md gives each type: stage-2 read, write, execute; MemAttr; SH. */
static const struct {
	uint8_t r, w, x, mem, sh;
} type_view[AM_P2M_TYPE_COUNT] = {
	[AM_P2M_RAM_RW] = {1, 1, 1, 0xf, 3},   [AM_P2M_RAM_RO] = {1, 0, 1, 0xf, 3},
	[AM_P2M_MMIO_DEV] = {1, 1, 0, 0x1, 2}, [AM_P2M_MMIO_NC] = {1, 1, 0, 0x5, 2},
	[AM_P2M_GRANT_RW] = {1, 1, 0, 0xf, 3}, [AM_P2M_GRANT_RO] = {1, 0, 0, 0xf, 3},
	[AM_P2M_FOREIGN] = {1, 1, 0, 0xf, 3},
};

/* @g maps @mfn through the lookup and the walker, with the view of the type lookup gives. */
static bool expect_frame(struct oracle_p2m *o, uint64_t g, uint64_t mfn, enum am_p2m_type *ty,
			 char *why, size_t n)
{
	am_mfn_t mt = am_mfn(0x5a5a);
	int rc = am_p2m_lookup(o->p2m, am_gfn(g), &mt, ty);
	uint64_t m = am_mfn_val(mt);
	enum am_p2m_type t = *ty;
	struct vmsa_result r;

	if (rc || m != mfn)
		return oracle_say(why, n, "lookup gfn %#llx: rc %d mfn %#llx, expected mfn %#llx",
				  (unsigned long long)g, rc, (unsigned long long)m,
				  (unsigned long long)mfn);
	vmsa_walk(&o->vc, am_host_pt_read, &o->hp->pt, IPA(g) + 0x18, &r);
	if (r.fault != VMSA_OK || r.pa != IPA(mfn) + 0x18)
		return oracle_say(why, n,
				  "gfn %#llx: the walker says %s at level %u, pa %#llx, expected "
				  "mfn %#llx",
				  (unsigned long long)g, vmsa_fault_name(r.fault), r.level,
				  (unsigned long long)r.pa, (unsigned long long)mfn);
	if (t <= AM_P2M_NONE || t >= AM_P2M_TYPE_COUNT)
		return oracle_say(why, n, "lookup gfn %#llx: unknown type %d",
				  (unsigned long long)g, (int)t);
	if (r.priv_r != type_view[t].r || r.priv_w != type_view[t].w ||
	    r.priv_x != type_view[t].x || r.mem != type_view[t].mem || r.sh != type_view[t].sh ||
	    r.res_bits)
		return oracle_say(
			why, n,
			"gfn %#llx type %d: the walker says r%u w%u x%u MemAttr %#x SH %u "
			"res %#llx",
			(unsigned long long)g, (int)t, r.priv_r, r.priv_w, r.priv_x, r.mem, r.sh,
			(unsigned long long)r.res_bits);
	return true;
}

bool oracle_p2m_expect(struct oracle_p2m *o, uint64_t g, uint64_t mfn, enum am_p2m_type t,
		       char *why, size_t n)
{
	enum am_p2m_type ty = AM_P2M_NONE;
	struct vmsa_result r;
	am_mfn_t m;
	int rc;

	if (mfn != am_mfn_val(AM_MFN_INVALID)) {
		if (!expect_frame(o, g, mfn, &ty, why, n))
			return false;
		if (ty != t)
			return oracle_say(why, n, "lookup gfn %#llx: type %d, expected %d",
					  (unsigned long long)g, (int)ty, (int)t);
		return true;
	}
	rc = am_p2m_lookup(o->p2m, am_gfn(g), &m, &ty);
	if (rc != AM_ENOENT)
		return oracle_say(why, n, "lookup gfn %#llx: %d, expected nothing mapped",
				  (unsigned long long)g, rc);
	vmsa_walk(&o->vc, am_host_pt_read, &o->hp->pt, IPA(g) + 0x18, &r);
	if (r.fault != VMSA_F_TRANSLATION)
		return oracle_say(
			why, n,
			"gfn %#llx: the walker says %s (pa %#llx), expected a translation "
			"fault",
			(unsigned long long)g, vmsa_fault_name(r.fault), (unsigned long long)r.pa);
	return true;
}

/* -------------------------------------------- the stage 2, read raw -- */

static int leaves_of(struct am_host_pt *h, uint64_t tpa, unsigned int level, uint64_t ipa,
		     unsigned int nent, int (*fn)(void *, const struct oracle_p2m_leaf *),
		     void *arg)
{
	unsigned int shift = vmsa_level_shift(level);
	const uint64_t *t = am_host_pt_va(h, tpa);

	/* a table is a whole page the pool handed out */
	if ((tpa & (AM_HOST_PT_PAGE - 1)) || !t || !am_host_pt_allocated(h, tpa) ||
	    nent > AM_HOST_PT_PAGE / 8)
		return -1;
	for (unsigned int i = 0; i < nent; i++) {
		uint64_t e = t[i], a = ipa + ((uint64_t)i << shift);
		int rc;

		if (!e)
			continue;
		if (level < 3 && (e & 3u) == 3u) {
			rc = leaves_of(h, e & OA_MASK, level + 1, a, 512, fn, arg);
		} else {
			struct oracle_p2m_leaf l = {.ipa = a,
						    .size = 1ull << shift,
						    .pa = e & OA_MASK & ~((1ull << shift) - 1),
						    .pte = e,
						    .level = level,
						    .valid = e & 1u};

			rc = fn(arg, &l);
		}
		if (rc)
			return rc;
	}
	return 0;
}

int oracle_p2m_leaves(struct oracle_p2m *o, int (*fn)(void *arg, const struct oracle_p2m_leaf *l),
		      void *arg)
{
	unsigned int root = vmsa_root_level(o->vc.ia_bits) + (o->vc.concat > 1 ? 1u : 0u);
	unsigned int pages = o->vc.concat > 1 ? o->vc.concat : 1u;
	unsigned int nent = (1u << (o->vc.ia_bits - vmsa_level_shift(root))) / pages;
	int rc = 0;

	/* a concatenated root: its pages one after the other, each a whole table */
	for (unsigned int i = 0; !rc && i < pages; i++)
		rc = leaves_of(&o->hp->pt, o->vc.root_pa + (uint64_t)i * AM_HOST_PT_PAGE, root,
			       ((uint64_t)i * nent) << vmsa_level_shift(root), nent, fn, arg);
	return rc;
}

/* ------------------------------------------------- frames and stage 2s -- */

struct agree {
	unsigned int who;
	const struct am_frame_table *ft;
	uint64_t *rev;	      /* per frame: the GFN mapping it, AM_GFN_INVALID */
	unsigned int *rev_by; /* per frame: which P2M */
	char *why;
	size_t n;
	bool bad;
};

static int agree_leaf(void *arg, const struct oracle_p2m_leaf *l)
{
	struct agree *a = arg;
	const struct am_frame_table *ft = a->ft;
	uint64_t m0 = l->pa >> 12, m1 = (l->pa + l->size) >> 12;

	if (!l->valid) {
		a->bad =
			!oracle_say(a->why, a->n,
				    "P2M %u: a parked entry is left at ipa %#llx "
				    "(pte %#llx)",
				    a->who, (unsigned long long)l->ipa, (unsigned long long)l->pte);
		return 1;
	}
	if (m0 < ft->first)
		m0 = ft->first;
	if (m1 > ft->first + ft->nr)
		m1 = ft->first + ft->nr;
	for (uint64_t m = m0; m < m1; m++) {
		size_t i = m - ft->first;
		uint64_t g = (l->ipa + ((m << 12) - l->pa)) >> 12;

		if (!(ft->pages[i].count_info & AM_PGC_XEN_HEAP))
			continue;
		if (l->size != K4) {
			a->bad = !oracle_say(a->why, a->n,
					     "P2M %u: xenheap mfn %#llx mapped by a block at gfn "
					     "%#llx",
					     a->who, (unsigned long long)m, (unsigned long long)g);
			return 1;
		}
		if (a->rev[i] != am_gfn_val(AM_GFN_INVALID)) {
			a->bad = !oracle_say(a->why, a->n,
					     "xenheap mfn %#llx mapped twice: gfn %#llx of P2M %u "
					     "and gfn %#llx of P2M %u",
					     (unsigned long long)m, (unsigned long long)a->rev[i],
					     a->rev_by[i], (unsigned long long)g, a->who);
			return 1;
		}
		a->rev[i] = g;
		a->rev_by[i] = a->who;
	}
	return 0;
}

/* Each xenheap frame: its GFN is where the stage 2s map it (a.rev), and they say so. */
static bool frames_vs_rev(struct oracle_p2m *const *os, const struct agree *a, char *why, size_t n)
{
	const struct am_frame_table *ft = a->ft;

	for (size_t i = 0; i < ft->nr; i++) {
		const struct am_page_info *pg = &ft->pages[i];
		uint64_t m = ft->first + i;
		enum am_p2m_type ty;
		am_gfn_t gfn;
		uint64_t g;

		if (!(pg->count_info & AM_PGC_XEN_HEAP))
			continue;
		if (am_frame_get_gfn(pg, &gfn))
			return oracle_say(why, n,
					  "mfn %#llx: am_frame_get_gfn() refused a xenheap frame",
					  (unsigned long long)m);
		g = am_gfn_val(gfn);
		if (g != a->rev[i])
			return oracle_say(why, n,
					  "xenheap mfn %#llx: GFN %#llx, the stage 2s map it at "
					  "%#llx (P2M %u)",
					  (unsigned long long)m, (unsigned long long)g,
					  (unsigned long long)a->rev[i],
					  a->rev[i] == am_gfn_val(AM_GFN_INVALID) ? 0u
										  : a->rev_by[i]);
		/* the walker model and the P2M's own lookup say the same */
		if (g != am_gfn_val(AM_GFN_INVALID) &&
		    !expect_frame(os[a->rev_by[i]], g, m, &ty, why, n))
			return false;
	}
	return true;
}

bool oracle_p2m_frames_agree(struct oracle_p2m *const *os, unsigned int np, char *why, size_t n)
{
	struct agree a = {.why = why, .n = n};
	bool ok;

	for (unsigned int k = 0; k < np && !a.ft; k++)
		a.ft = os[k]->ft;
	if (!a.ft)
		return true;
	a.rev = malloc(a.ft->nr * sizeof(*a.rev));
	a.rev_by = malloc(a.ft->nr * sizeof(*a.rev_by));
	ok = a.rev && a.rev_by;
	if (!ok)
		oracle_say(why, n, "frames_agree: out of memory");
	for (size_t i = 0; ok && i < a.ft->nr; i++)
		a.rev[i] = am_gfn_val(AM_GFN_INVALID);
	for (unsigned int k = 0; ok && k < np; k++) {
		if (!os[k]->live)
			continue;
		a.who = k;
		if (oracle_p2m_leaves(os[k], agree_leaf, &a) < 0 && !a.bad)
			a.bad = !oracle_say(
				why, n, "P2M %u: a table descriptor names a page not allocated", k);
		ok = !a.bad;
	}
	ok = ok && frames_vs_rev(os, &a, why, n);
	free(a.rev);
	free(a.rev_by);
	return ok;
}

/* -------------------------------------------------------- snapshots -- */

void oracle_p2m_snap(struct oracle_p2m_snap *s, struct oracle_p2m *o)
{
	oracle_pt_snap(&s->t, &o->hp->pt, &o->p2m->pt);
	memcpy(s->pg, o->ft->pages, o->ft->nr * sizeof(*s->pg));
	s->foreign_puts = o->hp->foreign_puts;
}

bool oracle_p2m_unchanged(const struct oracle_p2m_snap *s, struct oracle_p2m *o, char *why,
			  size_t n)
{
	if (o->live && !oracle_pt_unchanged(&s->t, &o->hp->pt, &o->p2m->pt, why, n))
		return false;
	if (!o->live && o->hp->pt.in_use != s->t.in_use)
		return oracle_say(why, n, "no P2M: %zu table pages in use, were %zu",
				  o->hp->pt.in_use, s->t.in_use);
	for (size_t i = 0; i < o->ft->nr; i++)
		if (memcmp(&s->pg[i], &o->ft->pages[i], sizeof(s->pg[i])))
			return oracle_say(why, n,
					  "frame %zu changed: count %#lx type %#lx, was %#lx %#lx",
					  i, o->ft->pages[i].count_info, o->ft->pages[i].type_info,
					  s->pg[i].count_info, s->pg[i].type_info);
	if (o->hp->foreign_puts != s->foreign_puts)
		return oracle_say(why, n, "foreign_put called");
	return true;
}
