/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz module "p2m": up to three guests, each a P2M on its own host
 * backend (arch/host/p2m_host: pool, counting lock, TLB model), sharing one
 * frame table, driven by random map / unmap / physmap / lookup / grant /
 * destroy calls over a small colliding space, with allocation failures
 * injected at chosen points.
 *
 * The frame table (FT_NR frames from MFN FT_FIRST): domheap runs (2 MiB
 * aligned), xenheap frames, the domains' shared-info and grant frames (the
 * guests' configurations overlap, so two guests contend for the same
 * xenheap frames: AM_EBUSY), frames of another guest holding one
 * reference. MFNs outside the table (devices, beyond the PA size, wrapping)
 * are chosen too. GFNs: 1024 pages across the 1 GiB boundary, the last 512
 * pages of the IPA space, two 1 GiB slots, the end of the space, wrapping
 * values.
 *
 * The fuzzer keeps a shadow of each guest (extents: gfn, nr, mfn, type),
 * of each xenheap frame's GFN and of each frame's reference count, and
 * predicts every call's result from it. After every call (the P2M oracle,
 * tests/oracle/p2m.h, shared with unit-p2m):
 *  - the call returned what the shadow predicts (AM_ENOMEM only when an
 *    allocation failed during it); a refused call changed no table byte,
 *    no page_info word, issued no TLB maintenance and no put;
 *  - oracle_p2m_check(): the lock balanced, no table op outside it, the put
 *    path only after the invalidation (TLB-event and foreign-put hooks),
 *    the TLB model clean, every TLBI completed, pool pages in use == the
 *    tables;
 *  - the stage 2 read raw from the pool is exactly the shadow (every leaf,
 *    its frames and type, no parked entry left over, no page missing);
 *    lookup and the walker model agree at the call's edges and at random
 *    mapped pages, with the attributes of each type;
 *  - every frame: its reference count is its base plus its foreign
 *    mappings; a xenheap frame's GFN (t_frame_get_gfn()) is where the
 *    shadow maps it, and oracle_p2m_frames_agree() over all guests: it agrees
 *    with what the stage 2s map.
 *
 * Input layout (each choice is fz_below()/fz_bits(), one byte unless it
 * needs more): session: guests (1..3), watch stride, per guest the pool
 * size and its configuration; then per step an opcode byte and its
 * arguments (see step()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <armmap/errors.h>
#include <armmap/p2m.h>

#include "arch/host/p2m_host.h"
#include "model/tlb.h"
#include "model/vmsa.h"
#include "tests/fuzz/fuzz.h"
#include "tests/oracle/oracle.h"
#include "tests/oracle/p2m_oracle.h"

#define K4 0x1000ull
#define IPA(g) ((uint64_t)(g) << 12)

#define FT_FIRST 0x100000ull /* 4 GiB */
#define FT_NR 2048u
#define F_RAM 0u       /* 512 domheap frames, 2 MiB aligned */
#define F_XEN 512u     /* 64 xenheap frames */
#define F_DOMX 576u    /* 32 xenheap frames: shared info, grant frames */
#define F_FOREIGN 608u /* 32 frames of another guest, one reference each */
#define F_FREE 640u    /* domheap */
#define F_RAM2 1024u   /* 1024 domheap frames, 2 MiB aligned */
#define MFN(i) (FT_FIRST + (uint64_t)(i))

#define NG 3u		 /* guests at most */
#define EXT_MAX 1024u	 /* shadow extents per guest */
#define POOL_MAX 128u	 /* table pages per guest at most */
#define WIN_A 0x3fe00ull /* 1024 pages across the 1 GiB boundary */
#define WIN_A_N 1024u
#define WIN_B_N 512u	 /* the top of the IPA space */
#define FOREIGN_MAX 600u /* pages one foreign map may take */

/* A rare choice: the last value, so that the zeros past an input's end pick the common one. */
#define RARE(f, n) (fz_below((f), (n)) == (n)-1)

struct ext {
	uint64_t gfn;
	uint64_t nr;
	uint64_t mfn;
	enum am_p2m_type t;
};

struct guest {
	struct am_host_p2m hp;
	struct am_p2m p2m;
	struct oracle_p2m o;
	struct am_p2m_config cfg;
	bool live; /* init succeeded, not destroyed */
	uint64_t gfn_end;
	uint64_t mfn_end;
	unsigned int next;
	struct ext ext[EXT_MAX];
};

static struct guest G[NG];
static struct oracle_p2m_pages PAGES; /* the put path's watch list, all guests */
static unsigned int NGUEST;
static unsigned long CALLS;    /* API calls this session */
static uint64_t SAMPLE;	       /* the oracle's own choices (it reads no input) */
static bool TRACE;	       /* FZ_TRACE set: each call on stderr */
static unsigned long FALLBACK; /* records to the fallback hook */

#define T(...) (TRACE ? (void)fprintf(stderr, __VA_ARGS__) : (void)0)
static uint64_t STRIDE;
static struct am_page_info PG[FT_NR];
static struct am_frame_table FT, FT_BAD;
static unsigned long BASE_REFS[FT_NR]; /* references not the guests' */
static unsigned long FMAPS[FT_NR];     /* foreign mappings, all guests */
static uint64_t XGFN[FT_NR];	       /* where the guests map a xenheap frame */
static struct oracle_p2m_snap SNAP;    /* before each call that may change a guest */
static struct am_page_info SNAP_PG[FT_NR];

/* The domain frames the configurations point into. */
static am_mfn_t DOMF[32];
static am_mfn_t BADF[8];

static bool in_table(uint64_t m)
{
	return m >= FT_FIRST && m - FT_FIRST < FT_NR;
}

static bool xen(uint64_t m)
{
	return in_table(m) && (PG[m - FT_FIRST].count_info & AM_PGC_XEN_HEAP);
}

static unsigned long refs(unsigned int i)
{
	return PG[i].count_info & AM_PGC_COUNT_MASK;
}

static char WHY[384]; /* why an oracle said no */

/* An oracle's verdict (true: it held), a divergence when it did not. */
static bool held(struct fz *f, bool good)
{
	return good || fz_fail(f, "%s", WHY);
}

/* Records logged since @mark (through @g's hook or the fallback hook); @mark is reset. */
static unsigned long logged(const struct guest *g, unsigned long *mark)
{
	unsigned long now = g->hp.pt.nlog_total + FALLBACK, n = now - *mark;

	*mark = now;
	return n;
}

static unsigned long LOG_MARK; /* logged() before the call being made */

/* ---------------------------------------------------------- the shadow -- */

/* The first extent that ends after @g. */
static unsigned int ext_from(const struct guest *g, uint64_t gfn)
{
	unsigned int lo = 0, hi = g->next;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (g->ext[mid].gfn + g->ext[mid].nr <= gfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool occupied(const struct guest *g, uint64_t gfn, uint64_t nr)
{
	unsigned int i = ext_from(g, gfn);

	return i < g->next && g->ext[i].gfn < gfn + nr;
}

/* What @gfn maps: its MFN (MFN_NONE: nothing) and type. */
static uint64_t mfn_at(const struct guest *g, uint64_t gfn, enum am_p2m_type *t)
{
	unsigned int i = ext_from(g, gfn);

	if (i >= g->next || g->ext[i].gfn > gfn)
		return MFN_NONE;
	*t = g->ext[i].t;
	return g->ext[i].mfn + (gfn - g->ext[i].gfn);
}

/* Account one page mapped (+1) or removed (-1) in the frame shadows. */
static void account(uint64_t gfn, uint64_t mfn, enum am_p2m_type t, int d)
{
	unsigned int i;

	if (!in_table(mfn))
		return;
	i = (unsigned int)(mfn - FT_FIRST);
	if (t == AM_P2M_FOREIGN)
		FMAPS[i] += (unsigned long)d;
	if (PG[i].count_info & AM_PGC_XEN_HEAP)
		XGFN[i] = d > 0 ? gfn : GFN_NONE;
}

/* Account a whole extent range: only the frames of the table matter. */
static void account_range(uint64_t gfn, uint64_t mfn, uint64_t nr, enum am_p2m_type t, int d)
{
	uint64_t lo = mfn > FT_FIRST ? mfn : FT_FIRST;
	uint64_t hi = mfn + nr < FT_FIRST + FT_NR ? mfn + nr : FT_FIRST + FT_NR;

	for (uint64_t m = lo; m < hi; m++)
		account(gfn + (m - mfn), m, t, d);
}

static bool ext_insert(struct guest *g, uint64_t gfn, uint64_t nr, uint64_t mfn, enum am_p2m_type t)
{
	unsigned int i = ext_from(g, gfn);

	if (g->next >= EXT_MAX)
		return false;
	memmove(&g->ext[i + 1], &g->ext[i], (g->next - i) * sizeof(g->ext[0]));
	g->ext[i] = (struct ext){gfn, nr, mfn, t};
	g->next++;
	account_range(gfn, mfn, nr, t, +1);
	return true;
}

/* Remove [gfn, gfn + nr) (wholly mapped) from the shadow. */
static bool ext_remove(struct guest *g, uint64_t gfn, uint64_t nr)
{
	uint64_t end = gfn + nr;
	unsigned int i = ext_from(g, gfn);

	while (i < g->next && g->ext[i].gfn < end) {
		struct ext *e = &g->ext[i];
		uint64_t lo = e->gfn > gfn ? e->gfn : gfn;
		uint64_t hi = e->gfn + e->nr < end ? e->gfn + e->nr : end;

		account_range(lo, e->mfn + (lo - e->gfn), hi - lo, e->t, -1);
		if (lo > e->gfn && hi < e->gfn + e->nr) { /* split in two */
			struct ext tail = {hi, e->gfn + e->nr - hi, e->mfn + (hi - e->gfn), e->t};

			if (g->next >= EXT_MAX)
				return false;
			e->nr = lo - e->gfn;
			memmove(&g->ext[i + 2], &g->ext[i + 1],
				(g->next - i - 1) * sizeof(g->ext[0]));
			g->ext[i + 1] = tail;
			g->next++;
			return true;
		}
		if (lo > e->gfn) {
			e->nr = lo - e->gfn;
			i++;
		} else if (hi < e->gfn + e->nr) {
			e->mfn += hi - e->gfn;
			e->nr -= hi - e->gfn;
			e->gfn = hi;
			i++;
		} else {
			memmove(&g->ext[i], &g->ext[i + 1], (g->next - i - 1) * sizeof(g->ext[0]));
			g->next--;
		}
	}
	return true;
}

static uint64_t shadow_pages(const struct guest *g, uint64_t *foreign)
{
	uint64_t n = 0;

	*foreign = 0;
	for (unsigned int i = 0; i < g->next; i++) {
		n += g->ext[i].nr;
		if (g->ext[i].t == AM_P2M_FOREIGN)
			*foreign += g->ext[i].nr;
	}
	return n;
}

/* ---------------------------------------------------------- the checks -- */

struct cmp {
	const struct guest *g;
	unsigned int i;
	uint64_t pages;
	bool bad;
};

/* One raw leaf of the stage 2 against the shadow. */
static int cmp_leaf(void *arg, const struct oracle_p2m_leaf *l)
{
	struct cmp *c = arg;
	const struct guest *g = c->g;
	uint64_t a = l->ipa >> 12, end = (l->ipa + l->size) >> 12;
	unsigned int t = (unsigned int)((l->pte >> 55) & 0xf);

	if (!l->valid) {
		c->bad = !oracle_say(WHY, sizeof(WHY), "stage 2: a parked entry left at gfn %#llx",
				     (unsigned long long)a);
		return 1;
	}
	c->pages += end - a;
	while (c->i < g->next && g->ext[c->i].gfn + g->ext[c->i].nr <= a)
		c->i++;
	while (a < end) {
		const struct ext *e = &g->ext[c->i];
		uint64_t m = (l->pa >> 12) + (a - (l->ipa >> 12));

		if (c->i >= g->next || e->gfn > a) {
			c->bad =
				!oracle_say(WHY, sizeof(WHY),
					    "stage 2 maps gfn %#llx (mfn %#llx, level %u), the "
					    "shadow nothing",
					    (unsigned long long)a, (unsigned long long)m, l->level);
			return 1;
		}
		if (e->mfn + (a - e->gfn) != m || t != (unsigned int)e->t) {
			c->bad =
				!oracle_say(WHY, sizeof(WHY),
					    "stage 2 maps gfn %#llx to mfn %#llx type %u, the "
					    "shadow mfn %#llx type %d",
					    (unsigned long long)a, (unsigned long long)m, t,
					    (unsigned long long)(e->mfn + (a - e->gfn)), (int)e->t);
			return 1;
		}
		a = e->gfn + e->nr < end ? e->gfn + e->nr : end;
		if (a == e->gfn + e->nr)
			c->i++;
	}
	return 0;
}

/* The stage 2 of @g, read raw, is exactly its shadow. */
static bool stage2_is_shadow(struct guest *g)
{
	uint64_t foreign, want = shadow_pages(g, &foreign);
	struct cmp c = {.g = g};
	int rc = oracle_p2m_leaves(&g->o, cmp_leaf, &c);

	if (c.bad)
		return false;
	if (rc)
		return oracle_say(WHY, sizeof(WHY),
				  "stage 2: a table descriptor names a page not in use");
	if (c.pages != want)
		return oracle_say(WHY, sizeof(WHY), "stage 2 maps %llu pages, the shadow %llu",
				  (unsigned long long)c.pages, (unsigned long long)want);
	return true;
}

/* Every frame: references, xenheap GFN, flags as the shadows say. */
static bool frames_are_shadow(void)
{
	for (unsigned int i = 0; i < FT_NR; i++) {
		uint64_t gfn = 0;

		if (refs(i) != BASE_REFS[i] + FMAPS[i])
			return oracle_say(WHY, sizeof(WHY),
					  "mfn %#llx: %lu references, expected %lu + %lu foreign "
					  "mappings",
					  (unsigned long long)MFN(i), refs(i), BASE_REFS[i],
					  FMAPS[i]);
		if ((PG[i].type_info & ~AM_PGT_GFN_MASK) != 0)
			return oracle_say(WHY, sizeof(WHY), "mfn %#llx: type_info %#lx",
					  (unsigned long long)MFN(i), PG[i].type_info);
		if (!(PG[i].count_info & AM_PGC_XEN_HEAP))
			continue;
		if (t_frame_get_gfn(&PG[i], &gfn) || gfn != XGFN[i])
			return oracle_say(
				WHY, sizeof(WHY),
				"xenheap mfn %#llx: GFN %#llx, the guests map it at %#llx",
				(unsigned long long)MFN(i), (unsigned long long)gfn,
				(unsigned long long)XGFN[i]);
	}
	return true;
}

/* Lookup and walker at @gfn, as the shadow says (only inside the IPA space). */
static bool expect_at(struct guest *g, uint64_t gfn)
{
	enum am_p2m_type t = AM_P2M_NONE;
	uint64_t m;

	if (gfn >= g->gfn_end)
		return true;
	m = mfn_at(g, gfn, &t);
	return oracle_p2m_expect(&g->o, gfn, m, t, WHY, sizeof(WHY));
}

/* After a call on @g over [gfn, gfn + nr): everything, or false. */
static bool verify(struct fz *f, struct guest *g, uint64_t gfn, uint64_t nr)
{
	struct oracle_p2m *os[NG];

	if (!held(f, oracle_p2m_check(&g->o, WHY, sizeof(WHY)) && frames_are_shadow()))
		return false;
	if (!g->live)
		return true;
	for (unsigned int k = 0; k < NGUEST; k++)
		os[k] = &G[k].o;
	if (!held(f, stage2_is_shadow(g) && oracle_p2m_frames_agree(os, NGUEST, WHY, sizeof(WHY))))
		return false;
	/* the edges of the call, and two mapped pages */
	if (nr && !held(f, expect_at(g, gfn - 1) && expect_at(g, gfn) &&
				   expect_at(g, gfn + nr - 1) && expect_at(g, gfn + nr)))
		return false;
	for (int k = 0; k < 2 && g->next; k++) {
		const struct ext *e;

		uint64_t r = fz_xorshift(&SAMPLE);

		e = &g->ext[r % g->next];
		if (!held(f, expect_at(g, e->gfn + (r >> 20) % e->nr)))
			return false;
	}
	return true;
}

/* ------------------------------------------------------ guests come, go -- */

static void watch(struct guest *g)
{
	struct tlbm *t = &g->hp.pt.tlb;

	tlbm_watch(t, IPA(WIN_A), WIN_A_N * K4, STRIDE);
	tlbm_watch(t, IPA(g->gfn_end - WIN_B_N), WIN_B_N * K4, STRIDE);
	if (g->gfn_end >= 0x100000)
		tlbm_watch(t, IPA(0x80000), 0x80000 * K4, 0x4000000);
	tlbm_fill(t);
}

/* IPA / PA bits: mostly valid ones (0 is the default), 1 in 16 not. */
static unsigned int pick_bits(struct fz *f)
{
	static const unsigned int v[32] = {0,  40, 40, 36, 44, 48, 39, 42, 32, 33, 34,
					   47, 38, 41, 46, 45, 0,  40, 40, 36, 44, 48,
					   39, 42, 35, 37, 43, 40, 31, 49, 25, 64};

	return v[fz_below(f, 32)];
}

/* One domain-frame list: into DOMF, into BADF, or NULL. */
static const am_mfn_t *pick_frames(struct fz *f, unsigned int *nr, unsigned int max)
{
	unsigned int r = (unsigned int)fz_below(f, 32);

	*nr = (unsigned int)fz_below(f, max + 1);
	if (r < 30)
		return &DOMF[fz_below(f, 32 - max)];
	if (r < 31)
		return &BADF[fz_below(f, 8 - max)];
	return NULL;
}

static bool bad_frame(uint64_t m)
{
	return !xen(m);
}

static bool guest_init(struct fz *f, struct guest *g, unsigned int k)
{
	struct am_p2m_config *c = &g->cfg;
	const struct am_p2m_ops *ops = &g->hp.ops;
	unsigned int ipa, pa;
	bool einval, beyond = false;
	unsigned long failed0 = g->hp.pt.alloc_failed;
	int rc, want;

	memset(c, 0, sizeof(*c));
	c->ipa_bits = pick_bits(f);
	c->pa_bits = pick_bits(f);
	c->vmid = RARE(f, 16) ? (uint16_t)fz_bits(f, 16) : (uint16_t)(k + 1);
	c->frames = RARE(f, 64) ? &FT_BAD : &FT;
	c->dom.shared_info = fz_one_in(f, 4) ? AM_MFN_INVALID
			     : RARE(f, 32)   ? BADF[fz_below(f, 8)]
					     : DOMF[fz_below(f, 4)];
	c->dom.gnttab_shared = pick_frames(f, &c->dom.nr_gnttab_shared, 8);
	c->dom.gnttab_status = pick_frames(f, &c->dom.nr_gnttab_status, 4);
	if (RARE(f, 64))
		ops = NULL;
	ipa = c->ipa_bits ? c->ipa_bits : 40;
	pa = c->pa_bits ? c->pa_bits : 48;
	einval = !ops || c->vmid > 255 || (c->ipa_bits && (ipa < 32 || ipa > 48)) ||
		 (c->pa_bits && (pa < 32 || pa > 48)) || c->frames == &FT_BAD ||
		 (c->dom.nr_gnttab_shared && !c->dom.gnttab_shared) ||
		 (c->dom.nr_gnttab_status && !c->dom.gnttab_status);
	if (!einval && am_mfn_val(c->dom.shared_info) != MFN_NONE)
		einval = bad_frame(am_mfn_val(c->dom.shared_info));
	for (unsigned int i = 0; !einval && i < c->dom.nr_gnttab_shared; i++)
		einval = bad_frame(am_mfn_val(c->dom.gnttab_shared[i]));
	for (unsigned int i = 0; !einval && i < c->dom.nr_gnttab_status; i++)
		einval = bad_frame(am_mfn_val(c->dom.gnttab_status[i]));
	if (!einval && pa <= 48) {
		uint64_t end = 1ull << (pa - 12);

		beyond = am_mfn_val(c->dom.shared_info) != MFN_NONE &&
			 am_mfn_val(c->dom.shared_info) >= end;
		for (unsigned int i = 0; i < c->dom.nr_gnttab_shared; i++)
			beyond |= am_mfn_val(c->dom.gnttab_shared[i]) >= end;
		for (unsigned int i = 0; i < c->dom.nr_gnttab_status; i++)
			beyond |= am_mfn_val(c->dom.gnttab_status[i]) >= end;
	}
	memset(&g->p2m, 0x5a, sizeof(g->p2m));
	(void)logged(g, &LOG_MARK);
	rc = am_p2m_init(&g->p2m, c, ops, &g->hp);
	g->o.base_unlocked = g->hp.unlocked_table_ops;
	CALLS++;
	T("g%u init ipa %u pa %u vmid %u shared %#llx gnt %u sts %u: %d\n", k, c->ipa_bits,
	  c->pa_bits, c->vmid, (unsigned long long)am_mfn_val(c->dom.shared_info),
	  c->dom.nr_gnttab_shared, c->dom.nr_gnttab_status, rc);
	want = einval ? AM_EINVAL : 0;
	/* stage 2 the hardware cannot walk (am_pt_init): an IPA wider than the
	 * PA. (An IPA above 39 bits with 42 PA bits or fewer: a concatenated root.) */
	if (!want && ipa > pa)
		want = AM_EINVAL;
	if (beyond && !rc)
		return fz_fail(f,
			       "p2m init: pa_bits %u, and a domain frame beyond it was accepted "
			       "(shared info %#llx, %u grant, %u status frames)",
			       pa, (unsigned long long)am_mfn_val(c->dom.shared_info),
			       c->dom.nr_gnttab_shared, c->dom.nr_gnttab_status);
	if (beyond && rc != AM_EINVAL && rc != AM_ERANGE && rc != AM_ENOMEM)
		return fz_fail(f, "p2m init, a domain frame beyond pa_bits: %d", rc);
	if (!beyond && rc != want &&
	    !(rc == AM_ENOMEM && !want && g->hp.pt.alloc_failed != failed0))
		return fz_fail(f, "p2m init (ipa %u pa %u vmid %u): %d, expected %d", c->ipa_bits,
			       c->pa_bits, c->vmid, rc, want);
	if (!fz_rc_check(rc, rc ? fz_err(rc) : 0, 0, logged(g, &LOG_MARK), WHY, sizeof(WHY)))
		return fz_fail(f, "p2m init: %s", WHY);
	if (rc) {
		/* refused: not ready (every call says so), no page kept */
		uint64_t m;
		enum am_p2m_type t;

		if (!FZ_CHECK(f, t_p2m_lookup(&g->p2m, am_gfn(0), &m, &t) == AM_EINVAL,
			      "a P2M whose init failed answered a lookup"))
			return false;
		return FZ_CHECK(f, g->hp.pt.in_use == 0, "a failed p2m init kept %zu pages",
				g->hp.pt.in_use);
	}
	g->live = true;
	g->gfn_end = 1ull << (ipa - 12);
	g->mfn_end = 1ull << (pa - 12);
	g->next = 0;
	oracle_p2m_attach(&g->o, &g->hp, &g->p2m, &FT, c->ipa_bits, c->pa_bits, c->vmid);
	watch(g);
	return FZ_CHECK(f, g->hp.pt.in_use == g->p2m.pt.root_pages, "a new P2M has %zu table pages",
			g->hp.pt.in_use);
}

/*
 * Destroy @g: every mapping through the put path, every table back. @tlb:
 * with the TLB model watching (it costs a fill per leaf removed); without
 * it the put hooks still check each foreign put against the walker.
 */
static bool guest_destroy(struct fz *f, struct guest *g, bool tlb)
{
	uint64_t foreign;
	unsigned long puts0 = g->hp.foreign_puts;

	(void)shadow_pages(g, &foreign);
	if (!g->live)
		return true;
	if (!tlb) {
		am_host_pt_tlb_flush(&g->hp.pt);
		g->hp.pt.tlb_on = false;
	}
	am_p2m_destroy(&g->p2m);
	CALLS++;
	T("g%u destroy\n", (unsigned int)(g - G));
	if (g->o.hook_fails)
		return fz_fail(f, "destroy: put path: %s", g->o.hook_msg);
	if (!FZ_CHECK(f, g->hp.foreign_puts - puts0 == foreign,
		      "destroy: %lu foreign puts, %llu foreign pages were mapped",
		      g->hp.foreign_puts - puts0, (unsigned long long)foreign) ||
	    !FZ_CHECK(f, g->hp.pt.in_use == 0 && !g->hp.pt.bad_frees && !g->hp.pt.tlb.freed_in_use,
		      "destroy: %zu pages in use, %lu bad frees, %lu tables freed in use",
		      g->hp.pt.in_use, g->hp.pt.bad_frees, g->hp.pt.tlb.freed_in_use))
		return false;
	oracle_p2m_detach(&g->o);
	g->live = false;
	ext_remove(g, 0, g->gfn_end);
	return verify(f, g, 0, 0);
}

/* ---------------------------------------------------------- the choices -- */

static uint64_t pick_gfn(struct fz *f, const struct guest *g)
{
	unsigned int r = (unsigned int)fz_below(f, 16);
	uint64_t k;

	if (r < 9 || r == 11) {
		uint64_t base = r < 9 ? WIN_A : g->gfn_end - WIN_B_N;
		uint64_t n = r < 9 ? WIN_A_N : WIN_B_N;

		k = fz_below(f, n);
		switch (fz_below(f, 4)) {
		case 0:
			return base + (k & ~511ull);
		case 1:
			return base + (k & ~15ull);
		default:
			return base + k;
		}
	}
	switch (r) {
	case 9:
	case 10:
		if (g->next) { /* an extent's edge */
			const struct ext *e = &g->ext[fz_below(f, g->next)];
			static const int d[4] = {0, -1, 1, 0};

			k = fz_below(f, 4);
			return (k == 3 ? e->gfn + e->nr : e->gfn) + (uint64_t)(int64_t)d[k];
		}
		return WIN_A;
	case 12:
		return (fz_one_in(f, 2) ? 0x80000 : 0xc0000) +
		       (fz_one_in(f, 2) ? 0 : fz_below(f, 1024));
	case 13:
		return g->gfn_end - 2 + fz_below(f, 4);
	case 14:
		return ~0ull - fz_below(f, 4);
	default:
		return fz_bits(f, 64);
	}
}

static uint64_t pick_nr(struct fz *f)
{
	switch (fz_below(f, 16)) {
	case 0:
		return fz_one_in(f, 2) ? 0 : ~0ull - fz_below(f, 4);
	case 1:
	case 2:
	case 3:
	case 4:
	case 5:
	case 6:
		return 1 + fz_below(f, 16);
	case 7:
	case 8:
		return 1 + fz_below(f, 1024);
	case 9:
	case 10:
		return 512;
	case 11:
		return 511 + fz_below(f, 3);
	case 12:
		return 1024;
	case 13:
		return fz_one_in(f, 4) ? 0x40000 : 16 * (1 + fz_below(f, 8));
	case 14:
		return 1 + fz_below(f, 64);
	default: /* now and then 1 GiB to 128 TiB: only the frame table's frames may be looked at */
		return RARE(f, 8) ? 1ull << (18 + fz_below(f, 18)) : 1 + fz_below(f, 4);
	}
}

static uint64_t pick_mfn(struct fz *f, const struct guest *g)
{
	uint64_t k;

	switch (fz_below(f, 16)) {
	case 0:
	case 1:
	case 2:
	case 3:
		k = fz_below(f, 512);
		return MFN(F_RAM + (fz_one_in(f, 2) ? k & ~511ull : k));
	case 4:
	case 5:
		return MFN(F_XEN + fz_below(f, 64));
	case 6:
		return MFN(F_DOMX + fz_below(f, 32));
	case 7:
		return MFN(F_FOREIGN + fz_below(f, 32));
	case 8:
	case 9:
		k = fz_below(f, 1024);
		return MFN(F_RAM2 + (fz_one_in(f, 2) ? k & ~511ull : k));
	case 10:
		return MFN(F_FREE + fz_below(f, 384));
	case 11:
		return 0x9000 + fz_below(f, 64); /* a device, outside the table */
	case 12:
		return FT_FIRST + FT_NR - 4 + fz_below(f, 8);
	case 13:
		return FT_FIRST - 4 + fz_below(f, 8);
	case 14:
		return g->mfn_end - fz_below(f, 4);
	default:
		return fz_one_in(f, 2) ? 0x40000 * (1 + fz_below(f, 8)) : ~0ull - fz_below(f, 4);
	}
}

static enum am_p2m_type pick_type(struct fz *f)
{
	unsigned int r = (unsigned int)fz_below(f, 16);

	if (r < 6)
		return AM_P2M_RAM_RW;
	if (r < 13)
		return (enum am_p2m_type)(1 + fz_below(f, 7));
	return r == 13 ? AM_P2M_NONE : r == 14 ? AM_P2M_TYPE_COUNT : (enum am_p2m_type)255;
}

/* ----------------------------------------------------------- the calls -- */

/* Snapshot before a call that may change @g. */
static void snap(struct guest *g)
{
	SNAP.pg = SNAP_PG;
	oracle_p2m_snap(&SNAP, &g->o);
	(void)logged(g, &LOG_MARK);
}

/*
 * The result of a call: as predicted (AM_ENOMEM when an allocation failed),
 * one record for a refusal, none for a success; a refusal changed nothing.
 */
static bool result(struct fz *f, struct guest *g, const char *call, int rc, int want,
		   unsigned long failed0)
{
	unsigned int may = !want && g->hp.pt.alloc_failed != failed0 ? fz_err(AM_ENOMEM) : 0;

	if (!fz_rc_check(rc, want ? fz_err(want) : 0, may, logged(g, &LOG_MARK), WHY, sizeof(WHY)))
		return fz_fail(f, "%s: %s", call, WHY);
	return !rc || held(f, oracle_p2m_unchanged(&SNAP, &g->o, WHY, sizeof(WHY)));
}

static int predict_map(const struct guest *g, uint64_t gfn, uint64_t mfn, uint64_t nr,
		       enum am_p2m_type t)
{
	if (!g->live || t <= AM_P2M_NONE || t >= AM_P2M_TYPE_COUNT || !nr)
		return AM_EINVAL;
	if (gfn + nr < gfn)
		return AM_EOVERFLOW;
	if (gfn + nr > g->gfn_end)
		return AM_ERANGE;
	if (mfn + nr < mfn)
		return AM_EOVERFLOW;
	if (mfn + nr > g->mfn_end)
		return AM_ERANGE;
	for (uint64_t m = mfn > FT_FIRST ? mfn : FT_FIRST; m < mfn + nr && m < FT_FIRST + FT_NR;
	     m++)
		if (xen(m) && XGFN[m - FT_FIRST] != GFN_NONE)
			return AM_EBUSY;
	return occupied(g, gfn, nr) ? AM_EEXIST : 0;
}

static bool op_map(struct fz *f, struct guest *g, uint64_t gfn, uint64_t mfn, uint64_t nr,
		   enum am_p2m_type t)
{
	unsigned long failed0 = g->hp.pt.alloc_failed;
	bool foreign = t == AM_P2M_FOREIGN;
	int want = predict_map(g, gfn, mfn, nr, t), rc;

	if (foreign && nr > FOREIGN_MAX)
		nr = FOREIGN_MAX, want = predict_map(g, gfn, mfn, nr, t);
	/* a foreign frame: the caller takes a reference first */
	if (foreign && mfn + nr >= mfn)
		for (uint64_t m = mfn; m < mfn + nr; m++)
			if (in_table(m) && am_frame_get(&PG[m - FT_FIRST]))
				return fz_fail(f, "am_frame_get of mfn %#llx refused",
					       (unsigned long long)m);
	snap(g);
	rc = am_p2m_map(&g->p2m, am_gfn(gfn), am_mfn(mfn), nr, t);
	CALLS++;
	T("g%u map gfn %#llx mfn %#llx nr %#llx type %d: %d (want %d)\n", (unsigned int)(g - G),
	  (unsigned long long)gfn, (unsigned long long)mfn, (unsigned long long)nr, (int)t, rc,
	  want);
	if (!result(f, g, "map", rc, want, failed0))
		return false;
	if (foreign && mfn + nr >= mfn) /* refused: the caller drops them */
		for (uint64_t m = mfn; rc && m < mfn + nr; m++)
			if (in_table(m))
				am_frame_put(&PG[m - FT_FIRST]);
	if (!rc) {
		if (!ext_insert(g, gfn, nr, mfn, t) ||
		    !oracle_p2m_track(&g->o, gfn, mfn, nr, foreign))
			return false; /* the shadow is full: end the session */
	}
	return verify(f, g, gfn, nr);
}

/* The result of removing [gfn, gfn + nr) expecting @expect, from the shadow. */
static int predict_unmap(const struct guest *g, uint64_t gfn, uint64_t nr, uint64_t expect)
{
	uint64_t a = gfn;
	unsigned int i;

	if (!g->live || !nr)
		return AM_EINVAL;
	if (gfn + nr < gfn)
		return AM_EOVERFLOW;
	if (gfn + nr > g->gfn_end)
		return AM_ERANGE;
	for (i = ext_from(g, gfn); a < gfn + nr; i++) {
		const struct ext *e = &g->ext[i];

		if (i >= g->next || e->gfn > a)
			return AM_ENOENT;
		if (expect != MFN_NONE && e->mfn + (a - e->gfn) != expect + (a - gfn))
			return AM_EILSEQ;
		a = e->gfn + e->nr;
	}
	return 0;
}

static bool op_unmap(struct fz *f, struct guest *g, uint64_t gfn, uint64_t nr, uint64_t expect,
		     bool physmap)
{
	unsigned long failed0 = g->hp.pt.alloc_failed;
	int want = predict_unmap(g, gfn, nr, expect), rc;

	snap(g);
	rc = physmap ? am_p2m_remove_physmap(&g->p2m, am_gfn(gfn), am_mfn(expect))
		     : am_p2m_unmap(&g->p2m, am_gfn(gfn), nr, am_mfn(expect));
	CALLS++;
	T("g%u %s gfn %#llx nr %#llx expect %#llx: %d (want %d)\n", (unsigned int)(g - G),
	  physmap ? "remove_physmap" : "unmap", (unsigned long long)gfn, (unsigned long long)nr,
	  (unsigned long long)expect, rc, want);
	if (!result(f, g, physmap ? "remove_physmap" : "unmap", rc, want, failed0))
		return false;
	if (!rc) {
		if (!ext_remove(g, gfn, nr))
			return false;
		oracle_p2m_untrack(&g->o, gfn, nr);
	}
	return verify(f, g, gfn, nr);
}

/* The frame named by (@space, @idx), or an error. */
static int physmap_frame(const struct guest *g, unsigned int space, uint32_t idx, uint64_t *mfn)
{
	const struct am_p2m_domain_frames *d = &g->cfg.dom;
	uint32_t i = idx & ~AM_GNTTAB_STATUS;

	if (space == AM_SPACE_SHARED_INFO) {
		*mfn = am_mfn_val(d->shared_info);
		return idx || *mfn == MFN_NONE ? AM_EINVAL : 0;
	}
	if (space != AM_SPACE_GRANT_TABLE)
		return AM_ENOTSUP;
	if (idx & AM_GNTTAB_STATUS) {
		if (i >= d->nr_gnttab_status)
			return AM_EINVAL;
		*mfn = am_mfn_val(d->gnttab_status[i]);
	} else {
		if (i >= d->nr_gnttab_shared)
			return AM_EINVAL;
		*mfn = am_mfn_val(d->gnttab_shared[i]);
	}
	return 0;
}

static uint32_t pick_idx(struct fz *f)
{
	switch (fz_below(f, 8)) {
	case 0:
	case 1:
	case 2:
		return (uint32_t)fz_below(f, 10);
	case 3:
	case 4:
		return AM_GNTTAB_STATUS | (uint32_t)fz_below(f, 6);
	case 5:
		return 0;
	default:
		return (uint32_t)fz_bits(f, 32);
	}
}

static bool op_add_physmap(struct fz *f, struct guest *g)
{
	unsigned int space =
		fz_one_in(f, 8) ? (unsigned int)fz_bits(f, 8) : (unsigned int)fz_below(f, 2);
	uint32_t idx = pick_idx(f);
	uint64_t gfn = pick_gfn(f, g);
	unsigned long failed0 = g->hp.pt.alloc_failed;
	uint64_t mfn = MFN_NONE;
	int want, rc;

	want = g->live ? physmap_frame(g, space, idx, &mfn) : AM_EINVAL;
	if (!want && gfn >= g->gfn_end)
		want = AM_ERANGE;
	if (!want && XGFN[mfn - FT_FIRST] != GFN_NONE)
		want = AM_EBUSY;
	if (!want && occupied(g, gfn, 1))
		want = AM_EEXIST;
	snap(g);
	rc = am_p2m_add_physmap(&g->p2m, (enum am_p2m_space)space, idx, am_gfn(gfn));
	CALLS++;
	T("g%u add_physmap space %u idx %#x gfn %#llx (mfn %#llx): %d (want %d)\n",
	  (unsigned int)(g - G), space, idx, (unsigned long long)gfn, (unsigned long long)mfn, rc,
	  want);
	if (!result(f, g, "add_physmap", rc, want, failed0))
		return false;
	if (!rc && (!ext_insert(g, gfn, 1, mfn, AM_P2M_RAM_RW) ||
		    !oracle_p2m_track(&g->o, gfn, mfn, 1, false)))
		return false;
	return verify(f, g, gfn, 1);
}

static bool op_gnttab_gfn(struct fz *f, struct guest *g)
{
	uint32_t idx = pick_idx(f);
	bool null = fz_one_in(f, 16);
	uint64_t gfn = 0x5a5a;
	uint64_t mfn = MFN_NONE;
	int want = g->live ? physmap_frame(g, AM_SPACE_GRANT_TABLE, idx, &mfn) : AM_EINVAL, rc;

	(void)logged(g, &LOG_MARK);
	rc = t_p2m_gnttab_gfn(&g->p2m, idx, null ? NULL : &gfn);
	CALLS++;
	if (null && g->live)
		want = AM_EINVAL;
	if (!fz_rc_check(rc, want ? fz_err(want) : 0, 0, logged(g, &LOG_MARK), WHY, sizeof(WHY)))
		return fz_fail(f, "gnttab_gfn(%#x): %s", idx, WHY);
	if (!rc && !FZ_CHECK(f, gfn == XGFN[mfn - FT_FIRST],
			     "gnttab_gfn(%#x): gfn %#llx, the guests map it at %#llx", idx,
			     (unsigned long long)gfn, (unsigned long long)XGFN[mfn - FT_FIRST]))
		return false;
	return verify(f, g, 0, 0);
}

static bool op_lookup(struct fz *f, struct guest *g)
{
	uint64_t gfn = pick_gfn(f, g);
	unsigned int null = (unsigned int)fz_below(f, 16);
	uint64_t m;
	enum am_p2m_type t;
	int rc, want;

	if (g->live && gfn < g->gfn_end && null > 1) {
		CALLS++;
		return held(f, expect_at(g, gfn)) && verify(f, g, 0, 0);
	}
	want = !g->live || null <= 1 ? AM_EINVAL : AM_ERANGE;
	(void)logged(g, &LOG_MARK);
	rc = t_p2m_lookup(&g->p2m, am_gfn(gfn), null == 0 ? NULL : &m, null == 1 ? NULL : &t);
	CALLS++;
	if (!fz_rc_check(rc, fz_err(want), 0, logged(g, &LOG_MARK), WHY, sizeof(WHY)))
		return fz_fail(f, "lookup(%#llx): %s", (unsigned long long)gfn, WHY);
	return verify(f, g, 0, 0);
}

/* The frame calls: round trips that leave every frame as it was. */
static bool op_frame(struct fz *f)
{
	unsigned int i = (unsigned int)fz_below(f, FT_NR);
	struct am_page_info was = PG[i];
	uint64_t gfn = 0, set;
	int rc;

	CALLS++;
	switch (fz_below(f, 8)) {
	case 0: /* a reference taken and dropped */
		if (!FZ_CHECK(f, am_frame_get(&PG[i]) == 0, "am_frame_get(%u) refused", i))
			return false;
		am_frame_put(&PG[i]);
		break;
	case 1: /* a put with no reference of ours: never below zero */
		if (!refs(i))
			am_frame_put(&PG[i]);
		break;
	case 2: /* a GFN set and cleared on a frame no guest maps */
		set = fz_one_in(f, 4) ? AM_PGT_GFN_MASK + fz_below(f, 2) : fz_bits(f, 40);
		rc = am_frame_set_gfn(&PG[i], am_gfn(set));
		if (!(PG[i].count_info & AM_PGC_XEN_HEAP) || XGFN[i] != GFN_NONE) {
			if (!(PG[i].count_info & AM_PGC_XEN_HEAP) &&
			    !FZ_CHECK(f, rc == AM_EINVAL, "set_gfn of domheap frame %u: %d", i, rc))
				return false;
			if (!rc) /* restore what a guest mapped */
				(void)am_frame_set_gfn(&PG[i], am_gfn(XGFN[i]));
			break;
		}
		if (set >= AM_PGT_GFN_MASK) {
			if (!FZ_CHECK(f, rc == AM_ERANGE, "set_gfn(%#llx): %d",
				      (unsigned long long)set, rc))
				return false;
			break;
		}
		if (!FZ_CHECK(f, rc == 0 && t_frame_get_gfn(&PG[i], &gfn) == 0 && gfn == set,
			      "set_gfn(%#llx) then get_gfn: %d, %#llx", (unsigned long long)set, rc,
			      (unsigned long long)gfn))
			return false;
		(void)am_frame_set_gfn(&PG[i], AM_GFN_INVALID);
		break;
	case 3: /* outside the table: no frame */
		if (!FZ_CHECK(
			    f,
			    !am_frame_of(&FT, am_mfn(FT_FIRST - 1 - fz_below(f, 8))) &&
				    !am_frame_of(&FT, am_mfn(FT_FIRST + FT_NR + fz_below(f, 8))) &&
				    am_frame_of(&FT, am_mfn(MFN(i))) == &PG[i] &&
				    !am_frame_of(&FT_BAD, am_mfn(MFN(i))) &&
				    !am_frame_of(NULL, am_mfn(MFN(i))),
			    "am_frame_of: wrong answer"))
			return false;
		break;
	case 4: /* a saturated reference count: no more references */
		PG[i].count_info |= AM_PGC_COUNT_MASK;
		rc = am_frame_get(&PG[i]);
		if (!FZ_CHECK(f, rc == AM_EOVERFLOW && refs(i) == AM_PGC_COUNT_MASK,
			      "am_frame_get of a saturated frame: %d", rc))
			return false;
		PG[i] = was;
		break;
	case 5: /* the type attributes: known types only */
		set = (uint64_t)pick_type(f);
		{
			struct am_attr a;
			bool known = set > AM_P2M_NONE && set < AM_P2M_TYPE_COUNT;

			rc = am_p2m_type_attr((enum am_p2m_type)set, &a);
			if (!FZ_CHECK(f, rc == (known ? 0 : AM_EINVAL), "am_p2m_type_attr(%d): %d",
				      (int)set, rc) ||
			    !FZ_CHECK(f, am_p2m_type_attr((enum am_p2m_type)set, NULL) == AM_EINVAL,
				      "am_p2m_type_attr(%d, NULL) accepted", (int)set))
				return false;
		}
		break;
	default: /* misuse: NULL frames, tables, outputs */
		if (!FZ_CHECK(f,
			      am_frame_get(NULL) == AM_EINVAL &&
				      t_frame_get_gfn(NULL, &gfn) == AM_EINVAL &&
				      t_frame_get_gfn(&PG[i], NULL) == AM_EINVAL &&
				      am_frame_set_gfn(NULL, am_gfn(1)) == AM_EINVAL &&
				      am_frame_table_init(NULL, PG, am_mfn(FT_FIRST), FT_NR) ==
					      AM_EINVAL,
			      "a frame call accepted NULL"))
			return false;
		am_frame_put(NULL);
		am_frame_init(NULL, true);
		{
			struct am_frame_table t;

			if (!FZ_CHECK(f,
				      am_frame_table_init(&t, NULL, am_mfn(FT_FIRST), 1) ==
						      AM_EINVAL &&
					      am_frame_table_init(&t, PG, am_mfn(FT_FIRST), 0) ==
						      AM_EINVAL &&
					      am_frame_table_init(&t, PG, am_mfn(~0ull - 1), 4) ==
						      AM_EINVAL &&
					      !am_frame_of(&t, am_mfn(FT_FIRST)),
				      "a bad frame table accepted"))
				return false;
		}
		if (!(PG[i].count_info & AM_PGC_XEN_HEAP) &&
		    !FZ_CHECK(f, t_frame_get_gfn(&PG[i], &gfn) == AM_EINVAL,
			      "get_gfn of domheap frame %u accepted", i))
			return false;
		break;
	}
	return FZ_CHECK(f, !memcmp(&was, &PG[i], sizeof(was)), "frame %u changed by a round trip",
			i) &&
	       held(f, frames_are_shadow());
}

/* Calls on no P2M, and on @g's when it is not ready: AM_EINVAL, nothing changes. */
static bool op_null(struct fz *f, struct guest *g)
{
	struct am_p2m *ps[2] = {NULL, &g->p2m};
	uint64_t m;
	enum am_p2m_type t;
	uint64_t gfn;

	snap(g);
	for (int k = g->live ? 0 : 1; k >= 0; k--) {
		struct am_p2m *p = ps[k];
		int rc[6] = {
			am_p2m_map(p, am_gfn(WIN_A), am_mfn(MFN(F_RAM)), 1, AM_P2M_RAM_RW),
			am_p2m_unmap(p, am_gfn(WIN_A), 1, AM_MFN_INVALID),
			t_p2m_lookup(p, am_gfn(WIN_A), &m, &t),
			am_p2m_add_physmap(p, AM_SPACE_SHARED_INFO, 0, am_gfn(WIN_A)),
			am_p2m_remove_physmap(p, am_gfn(WIN_A), AM_MFN_INVALID),
			t_p2m_gnttab_gfn(p, 0, &gfn),
		};

		am_p2m_destroy(p);
		CALLS += 7;
		for (int i = 0; i < 6; i++)
			if (!FZ_CHECK(f, rc[i] == AM_EINVAL, "call %d on %s: %d", i,
				      p ? "a P2M not ready" : "no P2M", rc[i]))
				return false;
	}
	CALLS++;
	if (!FZ_CHECK(f, am_p2m_init(NULL, &g->cfg, &g->hp.ops, &g->hp) == AM_EINVAL,
		      "am_p2m_init(NULL) accepted"))
		return false;
	/* that refusal was logged through @g's hook, without a lock: no P2M was ready */
	g->o.base_unlocked_logs = g->hp.unlocked_logs;
	return held(f, oracle_p2m_unchanged(&SNAP, &g->o, WHY, sizeof(WHY))) && verify(f, g, 0, 0);
}

/* Allocation failures from now on: the n-th one, or every one from it. */
static void op_inject(struct fz *f, struct guest *g)
{
	unsigned int r = (unsigned int)fz_below(f, 8);

	if (r == 0) {
		am_host_pt_fail_at(&g->hp.pt, -1);
		return;
	}
	am_host_pt_fail_at(&g->hp.pt, (long)fz_below(f, 4));
	g->hp.pt.fail_sticky = r >= 6;
	T("g%u allocation %ld fails%s\n", (unsigned int)(g - G), g->hp.pt.fail_at,
	  g->hp.pt.fail_sticky ? ", and every one after it" : "");
}

/* ----------------------------------------------------------- a session -- */

static void frames_reset(void)
{
	(void)am_frame_table_init(&FT, PG, am_mfn(FT_FIRST), FT_NR);
	memset(&FT_BAD, 0, sizeof(FT_BAD));
	for (unsigned int i = 0; i < FT_NR; i++) {
		bool x = (i >= F_XEN && i < F_FOREIGN);

		am_frame_init(&PG[i], x);
		BASE_REFS[i] = 0;
		if (i >= F_FOREIGN && i < F_FOREIGN + 32) {
			PG[i].count_info = AM_PGC_ALLOCATED | 1ul;
			BASE_REFS[i] = 1;
		}
		FMAPS[i] = 0;
		XGFN[i] = GFN_NONE;
	}
	for (unsigned int i = 0; i < 32; i++)
		DOMF[i] = am_mfn(MFN(F_DOMX + i));
	/* a domain-frame list with domheap and outside frames among xenheap ones */
	BADF[0] = am_mfn(MFN(F_DOMX + 30));
	BADF[1] = am_mfn(MFN(F_RAM + 3));
	BADF[2] = am_mfn(MFN(F_DOMX + 31));
	BADF[3] = am_mfn(0x9000);
	BADF[4] = am_mfn(MFN(F_XEN + 63));
	BADF[5] = am_mfn(MFN(F_FOREIGN));
	BADF[6] = am_mfn(FT_FIRST + FT_NR);
	BADF[7] = am_mfn(MFN(F_DOMX + 29));
}

static bool step(struct fz *f)
{
	struct guest *g = &G[fz_below(f, NGUEST)];
	unsigned int op = (unsigned int)fz_below(f, 16);
	uint64_t gfn;
	uint64_t mfn, expect;
	enum am_p2m_type t;
	uint64_t nr;

	switch (op) {
	case 0:
	case 1:
	case 2:
	case 3: /* map, anything */
		gfn = pick_gfn(f, g);
		mfn = pick_mfn(f, g);
		nr = pick_nr(f);
		return op_map(f, g, gfn, mfn, nr, pick_type(f));
	case 4: /* map xenheap frames by page */
		gfn = pick_gfn(f, g);
		mfn = MFN((fz_one_in(f, 2) ? F_XEN : F_DOMX) + fz_below(f, 32));
		return op_map(f, g, gfn, mfn, 1 + fz_below(f, 8),
			      fz_one_in(f, 4) ? pick_type(f) : AM_P2M_RAM_RW);
	case 5: /* map foreign frames */
		gfn = pick_gfn(f, g);
		mfn = fz_one_in(f, 4) ? pick_mfn(f, g) : MFN(F_FOREIGN + fz_below(f, 32));
		return op_map(f, g, gfn, mfn, 1 + fz_below(f, 8), AM_P2M_FOREIGN);
	case 6:
	case 7:
	case 8: /* unmap */
		gfn = pick_gfn(f, g);
		nr = pick_nr(f);
		expect = MFN_NONE;
		if (fz_one_in(f, 2) && gfn < g->gfn_end)
			expect = mfn_at(g, gfn, &t) + fz_below(f, 4) / 3;
		else if (fz_one_in(f, 8))
			expect = pick_mfn(f, g);
		return op_unmap(f, g, gfn, nr, expect, false);
	case 9:
		return op_add_physmap(f, g);
	case 10: /* remove_physmap */
		gfn = pick_gfn(f, g);
		expect = MFN_NONE;
		if (fz_one_in(f, 2) && gfn < g->gfn_end)
			expect = mfn_at(g, gfn, &t) + fz_below(f, 4) / 3;
		return op_unmap(f, g, gfn, 1, expect, true);
	case 11:
		return op_lookup(f, g);
	case 12:
		return op_gnttab_gfn(f, g);
	case 13:
		if (fz_one_in(f, 8))
			return op_null(f, g);
		op_inject(f, g);
		return true;
	case 14:
		return op_frame(f);
	default: /* a guest goes, another comes */
		if (g->live && !fz_one_in(f, 8))
			return op_add_physmap(f, g);
		if (!guest_destroy(f, g, fz_one_in(f, 4)))
			return false;
		return guest_init(f, g, (unsigned int)(g - G));
	}
}

static unsigned long run(struct fz *f, unsigned long max_ops)
{
	static const uint64_t strides[4] = {0x4000, 0x4000, 0x10000, 0x1000};
	unsigned long div0 = f->divergences;
	bool ok = true;

	CALLS = 0;
	TRACE = getenv("FZ_TRACE") != NULL;
	am_log_set_fallback(oracle_count_record, &FALLBACK);
	SAMPLE = 0x9e3779b97f4a7c15ull;
	frames_reset();
	PAGES.n = 0;
	NGUEST = 1 + (unsigned int)fz_below(f, NG);
	STRIDE = strides[fz_below(f, 4)];
	for (unsigned int k = 0; k < NGUEST && ok; k++) {
		struct guest *g = &G[k];

		if (am_host_p2m_init(&g->hp, POOL_MAX - fz_below(f, POOL_MAX - 15), true, false)) {
			fz_fail(f, "p2m fuzz: no memory for a pool");
			NGUEST = k;
			ok = false;
			break;
		}
		memset(&g->o, 0, sizeof(g->o));
		oracle_p2m_share(&g->o, &PAGES);
		g->o.hp = &g->hp;
		g->o.p2m = &g->p2m;
		g->o.ft = &FT;
		g->live = false;
		g->next = 0;
		g->gfn_end = 1ull << 28;
		g->mfn_end = 1ull << 36;
		ok = guest_init(f, g, k);
	}
	while (ok && !fz_done(f) && CALLS < max_ops && f->divergences == div0)
		ok = step(f);
	for (unsigned int k = 0; k < NGUEST; k++) {
		struct guest *g = &G[k];

		am_host_pt_fail_at(&g->hp.pt, -1);
		if (f->divergences == div0)
			(void)guest_destroy(f, g, false);
		oracle_p2m_detach(&g->o);
		if (g->live)
			am_p2m_destroy(&g->p2m);
		g->live = false;
		am_host_p2m_fini(&g->hp);
	}
	oracle_pt_snap_free(&SNAP.t);
	am_log_set_fallback(NULL, NULL);
	return CALLS;
}

const struct fz_module fz_module_p2m = {"p2m", run};
