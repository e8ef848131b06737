/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz module "pt": the translation tables (src/pt) against the walker and
 * TLB models and a flat reference.
 *
 * Input: a 6-byte session header (regime, granule (mostly 4 KiB, now and
 * then 16 or 64 KiB), input and output sizes, ASID or VMID, tlbi_max, pool
 * size, FEAT_TLBIRANGE or not, AttrIndx layout, sometimes a refused init
 * first), then one 16-byte record per call (struct rec): map, unmap,
 * modify, populate, query or walk over a small colliding address space
 * (four zones: 0, 1 GiB, 511 GiB or the middle, the top of the input
 * range; 2 MiB and 4 KiB offsets near both ends of a table), every flag,
 * bad ranges (zero, unaligned, wrapping, beyond the input or output size),
 * NULL and malformed attributes, unknown flags, and an allocation failure
 * injected at a chosen allocation of the call.
 *
 * The reference is a sorted list of extents (what each page maps to, with
 * its attributes, software bits, nG, valid or parked). From it and the
 * arguments the module derives which errors the contract allows; a call
 * must succeed when none applies and fail with one of them otherwise
 * (AM_ENOMEM only when an allocation failed). After every call:
 *  - tests/oracle: the TLB model saw no break-before-make violation, no
 *    use of a freed table, no broken walk and holds nothing stale; every
 *    TLBI published and completed; the lock balanced; the pages reachable
 *    from the root are exactly the pool's pages in use and am_pt_tables();
 *  - a refused call left every reachable table byte-identical and issued
 *    no TLB maintenance and no barrier, and logged exactly one record; a
 *    successful one logged none;
 *  - the walker's translation of sampled addresses (the call's edges, its
 *    2 MiB boundaries, random addresses of the zones, both ends of random
 *    extents) equals the reference: fault or output address, permissions
 *    as the regime shows them, memory type, shareability, nG, software
 *    bits, no RES0 bit set, a leaf (and its contiguous run) inside one
 *    mapping and no larger than its flags allowed;
 *  - am_pt_query() and am_pt_walk() agree with the reference.
 * At the end, unmapping everything leaves only the root, and destroy gives
 * every page back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <armmap/errors.h>
#include <armmap/pt.h>

#include "arch/host/pt_host.h"
#include "model/tlb.h"
#include "model/vmsa.h"
#include "tests/fuzz/fuzz.h"
#include "tests/oracle/pt_oracle.h"

/*
 * The session's granule and the spans of its levels 3, 2 and 1 (the names
 * say what they are with 4 KiB: a page, 2 MiB, 1 GiB), and its entries a
 * table: set by setup() for the granule the header draws.
 */
static uint64_t K4 = 0x1000ull, M2 = 0x200000ull, G1 = 0x40000000ull;
static unsigned int ENT = 512;
#define MAX_EXT 1024u
#define WALK_MAX 32
#define SAMPLES_RANDOM 8

/* Errors the contract allows for a call, as a bit set. */
/* One mapping of the reference: [va, end) -> pa. */
struct ext {
	uint64_t va, end, pa;
	struct am_attr attr;
	uint8_t sw, ng, valid;
	uint8_t ns;    /* AM_PT_F_NS: a Non-secure output (Secure regimes) */
	uint8_t flags; /* AM_PT_F_BLOCK / AM_PT_F_CONTIG it was mapped with */
};

/* One call's bytes. */
struct rec {
	uint8_t op, flags, ctl, zone, m, p, skind, scount, sadj, pmode, pm, pp, attr, raw, s0, s1;
};

enum op {
	OP_MAP,
	OP_UNMAP,
	OP_MODIFY,
	OP_POPULATE,
	OP_QUERY,
	OP_WALK,
};
static const uint8_t op_of[16] = {
	OP_MAP,	  OP_MAP,    OP_MAP,	OP_MAP,	   OP_MAP,	OP_MAP,	     OP_UNMAP, OP_UNMAP,
	OP_UNMAP, OP_MODIFY, OP_MODIFY, OP_MODIFY, OP_POPULATE, OP_POPULATE, OP_QUERY, OP_WALK};

static const struct am_attr good_attr[8] = {
	AM_ATTR_RW_DATA,
	AM_ATTR_RO_DATA,
	AM_ATTR_RX_TEXT,
	AM_ATTR_DEVICE,
	AM_ATTR_RW_DATA,
	{AM_PERM_R, AM_MT_NORMAL_WT, AM_SH_OUTER},
	{AM_PERM_R | AM_PERM_W, AM_MT_DEVICE_nGnRnE, AM_SH_OUTER},
	{AM_PERM_R | AM_PERM_W, AM_MT_NORMAL_NC, AM_SH_OUTER},
};

/* Architectural values per memory type: MAIR byte (stage 1), MemAttr (stage 2). */
static const uint8_t mair_of[AM_MT_COUNT] = {0x00, 0x04, 0x44, 0xbb, 0xff};
static const uint8_t memattr_of[AM_MT_COUNT] = {0x0, 0x1, 0x5, 0xa, 0xf};

static const unsigned int ia_choice[6] = {39, 48, 40, 32, 30, 25};
static const unsigned int oa_choice[4] = {0, 40, 36, 32};
static const size_t pool_choice[4] = {64, 32, 16, 128};
static const uint8_t attr_index_rev[AM_MT_COUNT] = {4, 3, 2, 1, 0};
static const uint8_t attr_index_hole[AM_MT_COUNT] = {0, 1, AM_PT_NO_ATTRIDX, 5, 7};

struct st {
	struct fz *f;
	struct am_host_pt h;
	struct am_pt pt;
	struct am_pt_config cfg;
	struct vmsa_cfg vc;
	uint64_t ia_end, oa_end;
	uint64_t zone[4];
	struct ext ext[MAX_EXT];
	unsigned int next;
	struct oracle_pt_snap snap;
	uint64_t rng;	   /* the sampler's own (never from the input) */
	bool trace;	   /* FZ_TRACE set: each call to stderr */
	bool high_pool;	   /* the pool's upper half lies beyond the output size */
	bool unmap_at_end; /* else destroy a full table */
	uint64_t base;	   /* the upper VA range's base (am_pt_config.upper), else 0: the
			    * fuzzer works from it, the calls and the models take base + va */
	char why[256];
	char what[256]; /* the call, for the report */
};

static struct st S;

static uint64_t rnd(struct st *s)
{
	return fz_xorshift(&s->rng);
}

static bool fail(struct st *s, const char *what)
{
	return fz_fail(s->f, "pt call %lu (%s): %s", s->f->call, s->what, what);
}

/* ------------------------------------------------------ the reference -- */

/* First extent whose end is above @va. */
static unsigned int ext_from(const struct st *s, uint64_t va)
{
	unsigned int lo = 0, hi = s->next;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (s->ext[mid].end <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct ext *ext_at(const struct st *s, uint64_t va)
{
	unsigned int i = ext_from(s, va);

	return i < s->next && s->ext[i].va <= va ? &s->ext[i] : NULL;
}

static bool ext_any(const struct st *s, uint64_t va, uint64_t end)
{
	unsigned int i = ext_from(s, va);

	if (va >= end)
		return false;

	return i < s->next && s->ext[i].va < end;
}

/* Every page of [va, end) mapped? */
static bool ext_all(const struct st *s, uint64_t va, uint64_t end)
{
	for (unsigned int i = ext_from(s, va); va < end; i++) {
		if (i >= s->next || s->ext[i].va > va)
			return false;
		va = s->ext[i].end;
	}
	return true;
}

/* Split the extent holding @va (if any) at @va. */
static bool ext_split(struct st *s, uint64_t va)
{
	unsigned int i = ext_from(s, va);
	struct ext *e = &s->ext[i];

	if (i >= s->next || e->va >= va)
		return true;
	if (s->next == MAX_EXT)
		return false;
	memmove(e + 1, e, (s->next - i) * sizeof(*e));
	s->next++;
	e[1].va = va;
	e[1].pa = e->pa + (va - e->va);
	e->end = va;
	return true;
}

static bool ext_same(const struct ext *a, const struct ext *b)
{
	return a->end == b->va && a->pa + (a->end - a->va) == b->pa &&
	       !memcmp(&a->attr, &b->attr, sizeof(a->attr)) && a->sw == b->sw && a->ng == b->ng &&
	       a->ns == b->ns && a->valid == b->valid && a->flags == b->flags;
}

/* Join the extents meeting at @va if they are one mapping. */
static void ext_join(struct st *s, uint64_t va)
{
	unsigned int i = ext_from(s, va);

	if (i == 0 || i >= s->next || s->ext[i].va != va || !ext_same(&s->ext[i - 1], &s->ext[i]))
		return;
	s->ext[i - 1].end = s->ext[i].end;
	memmove(&s->ext[i], &s->ext[i + 1], (s->next - i - 1) * sizeof(s->ext[0]));
	s->next--;
}

static void ext_insert(struct st *s, const struct ext *n)
{
	unsigned int i = ext_from(s, n->va);

	memmove(&s->ext[i + 1], &s->ext[i], (s->next - i) * sizeof(*n));
	s->ext[i] = *n;
	s->next++;
}

static void ext_remove(struct st *s, uint64_t va, uint64_t end)
{
	unsigned int i, j;

	ext_split(s, va);
	ext_split(s, end);
	i = ext_from(s, va);
	for (j = i; j < s->next && s->ext[j].va < end; j++)
		;
	memmove(&s->ext[i], &s->ext[j], (s->next - j) * sizeof(s->ext[0]));
	s->next -= j - i;
}

/* ----------------------------------------------------------- decoding -- */

static uint64_t pick_off(uint8_t b)
{
	unsigned int v = b & 31u;

	return v < 16 ? v : ENT - 16 + (v - 16);
}

static uint64_t dec_va(struct st *s, const struct rec *r)
{
	uint64_t va = s->zone[r->zone & 3] + pick_off(r->m) * M2 + pick_off(r->p) * K4;

	va %= s->ia_end;
	switch ((r->zone >> 2) & 31) {
	case 30:
		return va + 0x800; /* unaligned */
	case 31:
		switch (r->pp & 3) {
		case 0:
			return s->ia_end; /* just beyond */
		case 1:
			return s->ia_end - K4;
		case 2:
			return ~0ull - K4 + 1; /* wraps with any size above a page */
		default:
			return 1ull << 48;
		}
	default:
		return va;
	}
}

static uint64_t dec_size(const struct st *s, const struct rec *r, uint64_t va)
{
	uint64_t n = 1 + r->scount % 32u;
	int64_t adj = (int8_t)r->sadj % 17;

	switch (r->skind & 7) {
	case 0:
	case 1:
	case 2:
		return n * K4;
	case 3:
	case 4:
		n = n * M2 + ((r->skind & 8) ? (uint64_t)(adj * (int64_t)K4) : 0);
		return n ? n : K4;
	case 5:
		n = (1 + r->scount % 2u) * G1;
		if (r->skind & 8)
			n += (uint64_t)(adj * (int64_t)((r->skind & 16) ? M2 : K4));
		return n;
	case 6:
		return (1 + r->scount % 512u) * K4;
	default:
		switch (r->scount % 6u) {
		case 0:
			return 0;
		case 1:
			return 0x800;
		case 2:
			return 0 - va; /* to 2^64 exactly */
		case 3:
			return va < s->ia_end ? s->ia_end - va : K4;
		case 4:
			return 1ull << 63;
		default:
			return (1 + (uint64_t)r->sadj) * K4;
		}
	}
}

static uint64_t dec_pa(const struct st *s, const struct rec *r, uint64_t va)
{
	const uint64_t g1 = G1 < s->oa_end / 4 ? G1 : s->oa_end / 4; /* 64 KiB: 4 TiB */
	uint64_t pz[4] = {0, g1, 64 * g1 % s->oa_end, s->oa_end - g1};
	uint64_t base = pz[(r->pmode >> 4) & 3];

	switch (r->pmode & 15) {
	case 0 ... 5:
		return base + (va & (g1 - 1) & ~(K4 - 1));
	case 6 ... 10:
		return base + (va & (M2 - 1) & ~(K4 - 1)) + (r->pm % 32u) * M2;
	case 11 ... 14:
		return base + (r->pm % 32u) * M2 + pick_off(r->pp) * K4;
	default:
		switch (r->pm & 3) {
		case 0:
			return base + (va & (g1 - 1)) + 0x800;
		case 1:
			return s->oa_end;
		case 2:
			return ~0ull - K4 + 1;
		default:
			return s->oa_end - K4;
		}
	}
}

/* Now and then a misuse: an unknown flag, or no attributes. */
enum misuse { MIS_NONE, MIS_FLAG, MIS_NULL };

static enum misuse dec_misuse(const struct rec *r)
{
	if ((r->ctl & 15) != 15)
		return MIS_NONE;
	return (r->raw & 1) ? MIS_NULL : MIS_FLAG;
}

/*
 * A range inside (or just across the end of) a mapping of the reference,
 * for the calls that need one to do anything: modify, unmap, query.
 */
static bool dec_guided(const struct st *s, const struct rec *r, uint64_t *va, uint64_t *size)
{
	const struct ext *e;
	uint64_t pages, off, n;

	if (!s->next)
		return false;
	e = &s->ext[(r->m | (uint64_t)r->p << 8) % s->next];
	pages = (e->end - e->va) / K4;
	off = (r->sadj & 3) ? (r->sadj >> 2) % pages : 0;
	switch (r->scount & 3) {
	case 0:
		n = pages - off; /* to the end */
		break;
	case 1:
		n = 1;
		break;
	case 2:
		n = 1 + (r->scount >> 2) % (pages - off);
		break;
	default:
		n = pages - off + 1 + (r->scount >> 2) % 16; /* beyond the end */
		break;
	}
	*va = e->va + off * K4;
	*size = n * K4;
	return true;
}

/* The attributes, or NULL. */
static const struct am_attr *dec_attr(const struct st *s, const struct rec *r, struct am_attr *buf)
{
	if (dec_misuse(r) == MIS_NULL)
		return NULL;
	if ((r->attr >> 3) == 31) { /* raw: anything, valid or not */
		buf->perm = r->raw & 0x1f;
		buf->mtype = (r->raw >> 5) & 7;
		buf->sh = (r->attr & 3) | ((r->attr & 4) ? 4 : 0);
		return buf;
	}
	*buf = good_attr[r->attr & 7];
	if ((r->attr >> 3) == 30)
		buf->perm ^= r->raw & AM_PERM_MASK; /* a permission flipped */
	else if ((r->attr & 0x40) &&
		 (s->cfg.regime == AM_PT_S1_EL10 || s->cfg.regime == AM_PT_S1_EL20) &&
		 !(buf->perm & AM_PERM_W && buf->perm & AM_PERM_X))
		buf->perm |= AM_PERM_USER;
	return buf;
}

static unsigned int dec_flags(const struct st *s, const struct rec *r)
{
	unsigned int fl = (r->flags & 0x03u) | AM_PT_F_SW(r->flags >> 4);

	if ((r->flags & 0x04) &&
	    ((s->cfg.regime == AM_PT_S1_EL10 || s->cfg.regime == AM_PT_S1_EL20) ||
	     (r->raw & 0xf0) == 0xf0))
		fl |= AM_PT_F_NG; /* off stage 1 EL1&0: refused */
	if ((r->flags & 0x08) && (r->raw & 0x08))
		fl |= AM_PT_F_PARKED;
	/* NS in a Secure regime (EL3); elsewhere now and then, to be refused */
	if ((r->flags & 0x04) && (s->pt.secure || (r->raw & 0xf0) == 0xe0))
		fl |= AM_PT_F_NS;

	if (dec_misuse(r) == MIS_FLAG)
		fl |= (r->raw & 2) ? 0x20u : 0x1000u; /* unknown */
	return fl;
}

/* ------------------------------------------------------ expectations -- */

/* A range of the input (@limit ia_end) or output (oa_end) space. */
static unsigned int range_errs(uint64_t a, uint64_t size, uint64_t limit)
{
	unsigned int e = 0;

	if (!size || a % K4 || size % K4)
		e |= FZ_EINVAL;
	if (a + size < a || (size && a + size == 0))
		e |= FZ_EOVERFLOW | FZ_ERANGE;
	else if (a + size > limit)
		e |= FZ_ERANGE;
	return e;
}

static bool range_ok(uint64_t a, uint64_t size, uint64_t limit)
{
	return !range_errs(a, size, limit);
}

static unsigned int attr_errs(const struct st *s, const struct am_attr *a)
{
	bool dev = a->mtype <= AM_MT_DEVICE_nGnRE;
	unsigned int e = 0;
	const uint8_t *idx = s->cfg.attr_index;

	if ((a->perm & ~AM_PERM_MASK) || a->mtype >= AM_MT_COUNT || a->sh == 1 || a->sh > 3)
		return FZ_EINVAL;
	if ((a->perm & AM_PERM_X) && (dev || ((a->perm & AM_PERM_W) && s->cfg.regime != AM_PT_S2)))
		e |= FZ_EPERM;
	if (s->cfg.regime != AM_PT_S2 && !(a->perm & AM_PERM_R))
		e |= FZ_ENOTSUP;
	if ((a->perm & AM_PERM_USER) &&
	    !(s->cfg.regime == AM_PT_S1_EL10 || s->cfg.regime == AM_PT_S1_EL20))
		e |= FZ_ENOTSUP;
	if (s->cfg.regime != AM_PT_S2 && idx && idx[a->mtype] == AM_PT_NO_ATTRIDX)
		e |= FZ_ENOTSUP;
	/* LPA2: no shareability in the leaf (TCR's inner; outer for devices) */
	if (s->cfg.oa_bits == 52 && s->cfg.granule != AM_PT_GRANULE_64K &&
	    a->sh != (dev ? AM_SH_OUTER : AM_SH_INNER))
		e |= FZ_ENOTSUP;
	return e;
}

/* ------------------------------------------------------------ oracles -- */

/* The walker model at @va (from the table's base), its spans from the base too. */
static void fz_walk(struct st *s, uint64_t va, struct vmsa_result *r)
{
	vmsa_walk(&s->vc, am_host_pt_read, &s->h, va + s->base, r);
	r->leaf_va -= s->base;
	r->tlb_va -= s->base;
}

/* What the walker shows at @va against the reference. */
static bool check_va(struct st *s, uint64_t va)
{
	const struct ext *e = ext_at(s, va);
	struct vmsa_result r;
	unsigned int want_mem;
	uint8_t p, pr, pw, px, ur, uw, ux;

	fz_walk(s, va, &r);
	if (!e || !e->valid) {
		if (r.fault == VMSA_F_TRANSLATION)
			return true;
		snprintf(s->why, sizeof(s->why),
			 "va %#llx: %s at level %u, expected a translation fault (%s)",
			 (unsigned long long)va, vmsa_fault_name(r.fault), r.level,
			 e ? "parked" : "unmapped");
		return fail(s, s->why);
	}
	if (r.fault != VMSA_OK) {
		snprintf(s->why, sizeof(s->why),
			 "va %#llx: %s at level %u (pte %#llx), expected pa %#llx",
			 (unsigned long long)va, vmsa_fault_name(r.fault), r.level,
			 (unsigned long long)r.pte, (unsigned long long)(e->pa + (va - e->va)));
		return fail(s, s->why);
	}
	if (r.pa != e->pa + (va - e->va)) {
		snprintf(s->why, sizeof(s->why), "va %#llx: pa %#llx, expected %#llx",
			 (unsigned long long)va, (unsigned long long)r.pa,
			 (unsigned long long)(e->pa + (va - e->va)));
		return fail(s, s->why);
	}
	p = e->attr.perm;
	pr = s->cfg.regime == AM_PT_S2 ? !!(p & AM_PERM_R) : 1;
	pw = !!(p & AM_PERM_W);
	px = !!(p & AM_PERM_X);
	ur = (s->cfg.regime == AM_PT_S1_EL10 || s->cfg.regime == AM_PT_S1_EL20) &&
	     (p & AM_PERM_USER);
	uw = ur && pw;
	ux = ur && px;
	want_mem = s->cfg.regime == AM_PT_S2 ? memattr_of[e->attr.mtype] : mair_of[e->attr.mtype];
	if (r.priv_r != pr || r.priv_w != pw || r.priv_x != px || r.user_r != ur ||
	    r.user_w != uw || r.user_x != ux || r.mem != want_mem || r.sh != e->attr.sh ||
	    r.ng != e->ng || r.ns != e->ns || r.sw != e->sw || r.res_bits) {
		snprintf(s->why, sizeof(s->why),
			 "va %#llx: priv rwx %u%u%u user rwx %u%u%u mem %#x sh %u ng %u sw %u res "
			 "%#llx, "
			 "expected %u%u%u %u%u%u %#x %u %u %u 0 (pte %#llx)",
			 (unsigned long long)va, r.priv_r, r.priv_w, r.priv_x, r.user_r, r.user_w,
			 r.user_x, r.mem, r.sh, r.ng, r.sw, (unsigned long long)r.res_bits, pr, pw,
			 px, ur, uw, ux, want_mem, e->attr.sh, e->ng, e->sw,
			 (unsigned long long)r.pte);
		return fail(s, s->why);
	}
	if ((!(e->flags & AM_PT_F_BLOCK) && r.leaf_size != K4) ||
	    (!(e->flags & AM_PT_F_CONTIG) && r.contig)) {
		snprintf(s->why, sizeof(s->why),
			 "va %#llx: a leaf of %#llx%s, mapped with flags %#x",
			 (unsigned long long)va, (unsigned long long)r.leaf_size,
			 r.contig ? " (contiguous)" : "", e->flags);
		return fail(s, s->why);
	}
	if (r.tlb_va < e->va || r.tlb_va + r.tlb_size > e->end || r.leaf_va < e->va ||
	    r.leaf_va + r.leaf_size > e->end) {
		snprintf(s->why, sizeof(s->why),
			 "va %#llx: leaf [%#llx +%#llx) (TLB span [%#llx +%#llx)) outside its "
			 "mapping "
			 "[%#llx, %#llx)",
			 (unsigned long long)va, (unsigned long long)r.leaf_va,
			 (unsigned long long)r.leaf_size, (unsigned long long)r.tlb_va,
			 (unsigned long long)r.tlb_size, (unsigned long long)e->va,
			 (unsigned long long)e->end);
		return fail(s, s->why);
	}
	return true;
}

static bool check_near(struct st *s, uint64_t va)
{
	if (va >= s->ia_end)
		return true;
	return check_va(s, va) && check_va(s, va + (rnd(s) & (K4 - 8)));
}

/* Sampled addresses after a call on [va, va + size). */
static bool check_samples(struct st *s, uint64_t va, uint64_t size)
{
	va &= ~(K4 - 1);
	if (size && size < s->ia_end && va < s->ia_end) {
		uint64_t end = va + size > s->ia_end || va + size < va ? s->ia_end : (va + size);
		uint64_t up = (va + M2 - 1) & ~(M2 - 1), down = (end - 1) & ~(M2 - 1);

		end &= ~(K4 - 1);
		if (!check_near(s, va) || (end > va && !check_near(s, end - K4)) ||
		    !check_near(s, end) || (va && !check_near(s, va - K4)))
			return false;
		if (end > va && !check_near(s, va + ((rnd(s) % ((end - va) / K4)) * K4)))
			return false;
		if (up < end && !(check_near(s, up) && check_near(s, up - K4)))
			return false;
		if (down > va && !(check_near(s, down) && check_near(s, down - K4)))
			return false;
	}
	for (unsigned int i = 0; i < SAMPLES_RANDOM; i++) {
		uint64_t r = rnd(s);
		uint64_t a = (s->zone[r & 3] + pick_off((uint8_t)(r >> 8)) * M2 +
			      pick_off((uint8_t)(r >> 16)) * K4) %
			     s->ia_end;

		if (!check_near(s, a))
			return false;
	}
	for (unsigned int i = 0; i < 2 && s->next; i++) {
		const struct ext *e = &s->ext[rnd(s) % s->next];

		if (!check_near(s, e->va) || !check_near(s, e->end - K4))
			return false;
	}
	return true;
}

static bool check_after(struct st *s)
{
	if (!oracle_pt_check(&s->h, &s->pt, s->why, sizeof(s->why)))
		return fail(s, s->why);
	return true;
}

/* The result against the errors allowed; a refusal changed nothing. */
static bool check_result(struct st *s, int rc, unsigned int allowed, unsigned int maybe,
			 unsigned long failed_before, unsigned long log_before)
{
	/* an allocation failed: the call must fail, with AM_ENOMEM or another error it breaks */
	if (s->h.alloc_failed != failed_before)
		allowed |= FZ_ENOMEM;
	if (!fz_rc_check(rc, allowed, maybe, s->h.nlog_total - log_before, s->why, sizeof(s->why)))
		return fail(s, s->why);
	if (rc != 0 && !oracle_pt_unchanged(&s->snap, &s->h, &s->pt, s->why, sizeof(s->why)))
		return fail(s, s->why);
	return true;
}

/*
 * The minimal decomposition: before a map that should succeed, how deep the
 * tables go at a few addresses of the range (the level where the walk
 * faults); after it, the leaf there must be the largest block the flags,
 * the alignment of both addresses, the range and the tables already there
 * allow ("tables that exist already are used rather than replaced").
 */
#define SHAPE_SAMPLES 6

struct shape {
	unsigned int n;
	uint64_t va[SHAPE_SAMPLES];
	uint8_t depth[SHAPE_SAMPLES]; /* level of the translation fault */
};

static void shape_before(struct st *s, uint64_t va, uint64_t size, struct shape *sh)
{
	uint64_t end = va + size, pages = size / K4;
	uint64_t cand[SHAPE_SAMPLES] = {va,
					end - K4,
					va + rnd(s) % pages * K4,
					(va + M2 - 1) & ~(M2 - 1),
					(va + G1 - 1) & ~(G1 - 1),
					va + rnd(s) % pages * K4};

	sh->n = 0;
	for (unsigned int i = 0; i < SHAPE_SAMPLES; i++) {
		struct vmsa_result r;

		if (cand[i] < va || cand[i] >= end)
			continue;
		fz_walk(s, cand[i], &r);
		sh->va[sh->n] = cand[i];
		sh->depth[sh->n++] = (uint8_t)r.level;
	}
}

static bool shape_after(struct st *s, uint64_t va, uint64_t pa, uint64_t size, unsigned int fl,
			const struct shape *sh)
{
	unsigned int root = vmsa_root_level_g(s->cfg.granule, s->cfg.ia_bits);
	if (root > 3) /* 4 KiB above 48 bits: level -1, its tables at level 0 */
		root = 0;
	/* the first level with blocks: 2 with 16 and 64 KiB, but 64 KiB with FEAT_LPA
	 * (16 KiB's level-1 blocks of LPA2 armmap does not write) */
	unsigned int first = s->cfg.granule == AM_PT_GRANULE_16K   ? 2u
			     : s->cfg.granule == AM_PT_GRANULE_64K ? (s->cfg.oa_bits == 52 ? 1u : 2u)
								   : 1u;

	for (unsigned int i = 0; i < sh->n; i++) {
		uint64_t a = sh->va[i], want = K4;
		struct vmsa_result r;

		for (unsigned int level = root < first ? first : root; (fl & AM_PT_F_BLOCK) && level < 3;
		     level++) {
			uint64_t span = 1ull << vmsa_level_shift_g(s->cfg.granule, level),
				 start = a & ~(span - 1);

			/* a block at @level: its span inside the range, the output aligned, and no
			 * table below it yet (the walk faulted at @level or above) */
			if (start >= va && start + span <= va + size &&
			    !((pa + (start - va)) % span) && sh->depth[i] <= level) {
				want = span;
				break;
			}
		}
		fz_walk(s, a, &r);
		if (r.fault == VMSA_OK && r.leaf_size == want)
			continue;
		snprintf(s->why, sizeof(s->why),
			 "granule %u: va %#llx: a leaf of %#llx (%s), expected %#llx (the tables went to level "
			 "%u "
			 "before)",
			 s->cfg.granule, (unsigned long long)a, (unsigned long long)r.leaf_size,
			 vmsa_fault_name(r.fault), (unsigned long long)want, sh->depth[i]);
		return fail(s, s->why);
	}
	return true;
}

/* -------------------------------------------------------------- calls -- */

static bool do_query(struct st *s, uint64_t va)
{
	const struct ext *e = ext_at(s, va);
	struct am_pt_leaf l;
	int rc = am_pt_query(&s->pt, am_va(va + s->base), &l);

	if (va >= s->ia_end) {
		if (rc != AM_ERANGE)
			return fail(s, "query beyond the input size did not give AM_ERANGE");
		return true;
	}
	if (!e) {
		if (rc != AM_ENOENT) {
			snprintf(s->why, sizeof(s->why),
				 "query %#llx: %d, expected AM_ENOENT (pa %#llx)",
				 (unsigned long long)va, rc, (unsigned long long)am_pa_val(l.pa));
			return fail(s, s->why);
		}
		return true;
	}
	if (rc) {
		snprintf(s->why, sizeof(s->why), "query %#llx: %d, expected pa %#llx",
			 (unsigned long long)va, rc, (unsigned long long)(e->pa + (va - e->va)));
		return fail(s, s->why);
	}
	l.va = am_va(am_va_val(l.va) - s->base); /* from the table's base, as the reference */
	if (am_va_val(l.va) > va || va - am_va_val(l.va) >= l.size ||
	    l.size != 1ull << am_pt_level_shift_g(s->cfg.granule, l.level) ||
	    am_pa_val(l.pa) + (va - am_va_val(l.va)) != e->pa + (va - e->va) ||
	    l.valid != e->valid || memcmp(&l.attr, &e->attr, sizeof(l.attr)) || l.sw != e->sw ||
	    l.ng != e->ng || l.ns != e->ns || am_va_val(l.va) < e->va ||
	    am_va_val(l.va) + l.size > e->end) {
		snprintf(
			s->why, sizeof(s->why),
			"query %#llx: leaf [%#llx +%#llx) level %u pa %#llx valid %u attr %x/%u/%u "
			"sw %u ng %u; expected pa %#llx valid %u attr %x/%u/%u sw %u ng %u in "
			"[%#llx, "
			"%#llx)",
			(unsigned long long)va, (unsigned long long)am_va_val(l.va),
			(unsigned long long)l.size, l.level, (unsigned long long)am_pa_val(l.pa),
			l.valid, l.attr.perm, l.attr.mtype, l.attr.sh, l.sw, l.ng,
			(unsigned long long)(e->pa + (va - e->va)), e->valid, e->attr.perm,
			e->attr.mtype, e->attr.sh, e->sw, e->ng, (unsigned long long)e->va,
			(unsigned long long)e->end);
		return fail(s, s->why);
	}
	return true;
}

struct walk_seen {
	struct st *s;
	uint64_t va, end, last; /* the range, and the end of the last leaf */
	int n;
	bool bad;
};

static int walk_leaf(void *arg, const struct am_pt_leaf *leaf)
{
	struct walk_seen *w = arg;
	struct st *s = w->s;
	struct am_pt_leaf from_base = *leaf; /* its VA from the table's base */
	const struct am_pt_leaf *l = &from_base;
	uint64_t lva;

	from_base.va = am_va(am_va_val(leaf->va) - s->base);
	lva = am_va_val(l->va);
	const struct ext *e = ext_at(s, lva > w->va ? lva : w->va);
	uint64_t from = lva > w->va ? lva : w->va;

	if (w->bad)
		return 1;
	w->bad = true;
	if (am_va_val(l->va) + l->size <= w->va || am_va_val(l->va) >= w->end || from < w->last) {
		snprintf(s->why, sizeof(s->why), "walk: leaf [%#llx +%#llx) out of order or range",
			 (unsigned long long)am_va_val(l->va), (unsigned long long)l->size);
		return 1;
	}
	/* nothing mapped between the previous leaf and this one */
	if (ext_any(s, w->last, from)) {
		snprintf(s->why, sizeof(s->why), "walk: skipped a mapping in [%#llx, %#llx)",
			 (unsigned long long)w->last, (unsigned long long)from);
		return 1;
	}
	if (!e || am_pa_val(l->pa) + (from - am_va_val(l->va)) != e->pa + (from - e->va) ||
	    l->valid != e->valid || memcmp(&l->attr, &e->attr, sizeof(l->attr)) || l->sw != e->sw ||
	    l->ng != e->ng || l->ns != e->ns) {
		snprintf(s->why, sizeof(s->why),
			 "walk: leaf [%#llx +%#llx) pa %#llx valid %u disagrees with the reference",
			 (unsigned long long)am_va_val(l->va), (unsigned long long)l->size,
			 (unsigned long long)am_pa_val(l->pa), l->valid);
		return 1;
	}
	w->bad = false;
	w->last = am_va_val(l->va) + l->size;
	return ++w->n == WALK_MAX ? 2 : 0;
}

static bool do_walk(struct st *s, uint64_t va, uint64_t size)
{
	struct walk_seen w = {.s = s, .va = va, .end = va + size, .last = va};
	unsigned int allowed = range_errs(va, size, s->ia_end);
	int rc;
	char a[96];

	rc = am_pt_walk(&s->pt, am_va(va + s->base), size, walk_leaf, &w);
	if (w.bad)
		return fail(s, s->why);
	if (allowed) {
		if (!(fz_err(rc) & allowed)) {
			snprintf(s->why, sizeof(s->why), "walk returned %d, expected %s", rc,
				 fz_errs(allowed, a, sizeof(a)));
			return fail(s, s->why);
		}
		return true;
	}
	if (rc != (w.n == WALK_MAX ? 2 : 0)) {
		snprintf(s->why, sizeof(s->why), "walk returned %d after %d leaves", rc, w.n);
		return fail(s, s->why);
	}
	if (rc == 0 && ext_any(s, w.last, va + size)) {
		snprintf(s->why, sizeof(s->why), "walk: missed a mapping in [%#llx, %#llx)",
			 (unsigned long long)w.last, (unsigned long long)(va + size));
		return fail(s, s->why);
	}
	return true;
}

/* What the reference expects of a map, and its update on success. */
static unsigned int expect_map(struct st *s, uint64_t va, uint64_t pa, uint64_t size,
			       const struct am_attr *a, unsigned int fl)
{
	unsigned int e = range_errs(va, size, s->ia_end) | range_errs(pa, size, s->oa_end);

	if (!a)
		e |= FZ_EINVAL;
	else
		e |= attr_errs(s, a);
	if ((fl & ~AM_PT_F_MASK) ||
	    ((fl & AM_PT_F_NG) &&
	     !(s->cfg.regime == AM_PT_S1_EL10 || s->cfg.regime == AM_PT_S1_EL20)) ||
	    ((fl & AM_PT_F_NS) && !s->pt.secure))
		e |= FZ_EINVAL;
	if (range_ok(va, size, s->ia_end) && ext_any(s, va, va + size))
		e |= FZ_EEXIST;
	return e;
}

static unsigned int expect_modify(struct st *s, uint64_t va, uint64_t size, const struct am_attr *a,
				  unsigned int fl)
{
	unsigned int e = range_errs(va, size, s->ia_end);

	if (a)
		e |= attr_errs(s, a);
	if ((fl & ~(AM_PT_F_PARKED | AM_PT_F_SW(0xf))) || (!a && (fl & ~AM_PT_F_PARKED)))
		e |= FZ_EINVAL;
	if (range_ok(va, size, s->ia_end)) {
		if (!ext_all(s, va, va + size))
			e |= FZ_ENOENT;
		if (a && !(attr_errs(s, a) & ~FZ_EPERM))
			for (unsigned int i = ext_from(s, va);
			     i < s->next && s->ext[i].va < va + size; i++)
				if (s->ext[i].attr.mtype != a->mtype || s->ext[i].attr.sh != a->sh)
					e |= FZ_EPERM;
	}
	return e;
}

static void apply_modify(struct st *s, uint64_t va, uint64_t end, const struct am_attr *a,
			 unsigned int fl)
{
	ext_split(s, va);
	ext_split(s, end);
	for (unsigned int i = ext_from(s, va); i < s->next && s->ext[i].va < end; i++) {
		struct ext *e = &s->ext[i];

		if (a) {
			e->attr.perm = a->perm;
			e->sw = (uint8_t)AM_PT_F_SW_OF(fl);
		}
		e->valid = !(fl & AM_PT_F_PARKED);
	}
	ext_join(s, end);
	ext_join(s, va);
}

/* An allocation failure at the call's 1st..4th allocation, or from its 1st or 2nd on. */
static void inject(struct st *s, const struct rec *r)
{
	unsigned int v = (r->ctl >> 3) & 31;

	if (v >= 1 && v <= 6) {
		am_host_pt_fail_at(&s->h, v <= 4 ? (long)v - 1 : (long)v - 5);
		s->h.fail_sticky = v > 4;
	}
}

/* One call; false on a divergence. */
static bool one_call(void *st, const uint8_t *rec)
{
	struct st *s = st;
	const struct rec *r = (const void *)rec;
	enum op op = op_of[r->op & 15];
	uint64_t va = dec_va(s, r), size = dec_size(s, r, va), pa = 0;
	bool guide = (op == OP_MODIFY || op == OP_QUERY) ? !(r->s1 & 1)
		     : op == OP_UNMAP			 ? (r->s1 & 3) == 3
		     : op == OP_MAP			 ? (r->s1 & 7) == 7
							 : false;
	struct am_attr abuf;
	const struct am_attr *a = dec_attr(s, r, &abuf);
	unsigned int fl = dec_flags(s, r), allowed = 0, maybe = 0;
	struct shape shape = {.n = 0};
	unsigned long failed = s->h.alloc_failed, allocs = s->h.allocs, logged;
	int rc;

	s->rng ^= ((uint64_t)r->s0 << 8 | r->s1) * 0x9e3779b97f4a7c15ull;
	if (guide && !dec_guided(s, r, &va, &size))
		guide = false;
	if (guide && op == OP_MODIFY && a && (r->s1 & 6)) {
		/* mostly the memory type and shareability it has */
		abuf.mtype = ext_at(s, va)->attr.mtype;
		abuf.sh = ext_at(s, va)->attr.sh;
		if ((abuf.perm & AM_PERM_X) && abuf.mtype <= AM_MT_DEVICE_nGnRE)
			abuf.perm &= (uint8_t)~AM_PERM_X;
	}
	if (op == OP_QUERY) {
		va += (uint64_t)r->s0 << 4;
		snprintf(s->what, sizeof(s->what), "query %#llx", (unsigned long long)va);
		return do_query(s, va);
	}
	if (op == OP_WALK) {
		snprintf(s->what, sizeof(s->what), "walk %#llx +%#llx", (unsigned long long)va,
			 (unsigned long long)size);
		return do_walk(s, va, size);
	}
	/* a valid range of more than 4 GiB takes the library time in
	 * proportion to its size (it counts the tables it needs first): keep
	 * to 4 GiB, ending at the top of the input range if need be */
	if ((op == OP_MAP || op == OP_POPULATE) && range_ok(va, size, s->ia_end) && size > 4 * G1) {
		size = 4 * G1;
		va = va + size > s->ia_end ? s->ia_end - size : va;
	}
	if (op == OP_MAP)
		pa = dec_pa(s, r, va);
	if (op == OP_MODIFY) {
		/* parked and software bits; now and then a flag modify refuses */
		fl &= AM_PT_F_PARKED | AM_PT_F_SW(0xf) | 0x10u | 0x1000u;
		if ((r->attr & 0xc0) == 0xc0 && a) /* park or unpark only */
			a = NULL, fl &= ~AM_PT_F_SW(0xf);
		if ((r->flags & 0x06) == 0x06 && (r->raw & 4))
			fl |= a ? AM_PT_F_BLOCK : AM_PT_F_SW(1);
	}
	snprintf(s->what, sizeof(s->what),
		 "%s va %#llx size %#llx pa %#llx attr %s%x/%u/%u flags %#x",
		 op == OP_MAP	   ? "map"
		 : op == OP_UNMAP  ? "unmap"
		 : op == OP_MODIFY ? "modify"
				   : "populate",
		 (unsigned long long)va, (unsigned long long)size, (unsigned long long)pa,
		 a ? "" : "NULL ", a ? a->perm : 0, a ? a->mtype : 0, a ? a->sh : 0, fl);
	tlbm_fill(&s->h.tlb);
	oracle_pt_snap(&s->snap, &s->h, &s->pt);
	logged = s->h.nlog_total;
	inject(s, r);
	switch (op) {
	case OP_MAP:
		allowed = expect_map(s, va, pa, size, a, fl);
		if (!allowed && s->next + 1 >= MAX_EXT)
			return true; /* the reference is full: not called */
		shape.n = 0;
		if (!allowed && !(fl & AM_PT_F_PARKED))
			shape_before(s, va, size, &shape);
		rc = am_pt_map(&s->pt, am_va(va + s->base), am_pa(pa), size, a, fl);
		break;
	case OP_UNMAP:
		allowed = range_errs(va, size, s->ia_end);
		rc = am_pt_unmap(&s->pt, am_va(va + s->base), size);
		break;
	case OP_MODIFY:
		allowed = expect_modify(s, va, size, a, fl);
		rc = am_pt_modify(&s->pt, am_va(va + s->base), size, a, fl);
		break;
	default:
		allowed = range_errs(va, size, s->ia_end);
		rc = am_pt_populate(&s->pt, am_va(va + s->base), size);
		break;
	}
	am_host_pt_fail_at(&s->h, -1);
	if (s->high_pool && s->h.allocs != allocs)
		maybe |= FZ_ERANGE; /* perhaps a page beyond the output size */
	if (s->trace) {
		char e[96];

		fprintf(stderr, "pt %lu: %s: %d (allowed %s)%s\n", s->f->call, s->what, rc,
			fz_errs(allowed, e, sizeof(e)),
			s->h.alloc_failed != failed ? " (an allocation failed)" : "");
	}
	if (!check_result(s, rc, allowed, maybe, failed, logged) || !check_after(s))
		return false;
	if (rc == 0) {
		struct ext n = {.va = va,
				.end = va + size,
				.pa = pa,
				.valid = !(fl & AM_PT_F_PARKED),
				.sw = (uint8_t)AM_PT_F_SW_OF(fl),
				.ng = !!(fl & AM_PT_F_NG),
				.ns = !!(fl & AM_PT_F_NS),
				.flags = (uint8_t)(fl & (AM_PT_F_BLOCK | AM_PT_F_CONTIG))};

		if (op == OP_MAP) {
			n.attr = *a;
			ext_insert(s, &n);
			if (!shape_after(s, va, pa, size, fl, &shape))
				return false;
		} else if (op == OP_UNMAP) {
			ext_remove(s, va, va + size);
		} else if (op == OP_MODIFY) {
			apply_modify(s, va, va + size, a, fl);
		}
	}
	return check_samples(s, va, size);
}

/* ------------------------------------------------------------ session -- */

/* A refused init: the documented error, one record, no page kept. */
static bool bad_init(struct st *s, uint8_t which)
{
	static const uint8_t dup_idx[AM_MT_COUNT] = {0, 1, 2, 3, 3};
	static const uint8_t big_idx[AM_MT_COUNT] = {0, 1, 2, 3, 8};
	struct am_pt_config c = s->cfg;
	struct am_pt_ops ops = am_host_pt_ops;
	unsigned long logged = s->h.nlog_total;
	int want = AM_EINVAL, rc;

	switch (which % 13) {
	case 0:
		c.ia_bits = 24;
		break;
	case 1:
		c.ia_bits = 53;
		break;
	case 2:
		c.oa_bits = 31;
		break;
	case 3:
		c.regime = AM_PT_REGIME_COUNT;
		break;
	case 4:
		c.granule = 8192;
		want = AM_ENOTSUP;
		break;
	case 5:
		c.asid = 256;
		c.vmid = 256;
		break;
	case 6:
		c.tlbi_max = AM_PT_TLBI_BATCH + 1;
		break;
	case 7:
		c.attr_index = dup_idx;
		break;
	case 8:
		c.attr_index = big_idx;
		break;
	case 9:
		ops.flush = NULL;
		break;
	case 11: /* stage 2, IPA wider than the output */
		c.regime = AM_PT_S2;
		c.upper = 0;
		c.ia_bits = 40;
		c.oa_bits = 36;
		break;
	case 12: /* stage 2 that needs a concatenated root, from ops that cannot give one */
		c.regime = AM_PT_S2;
		c.upper = 0;
		c.granule = 0; /* 4 KiB: 40 bits on 40 is concatenated */
		c.ia_bits = 40;
		c.oa_bits = 40;
		ops.alloc_tables = NULL;
		want = AM_ENOTSUP;
		break;
	default:
		am_host_pt_fail_at(&s->h, 0);
		want = AM_ENOMEM;
		break;
	}
	snprintf(s->what, sizeof(s->what), "a refused init (%u)", which % 13);
	rc = am_pt_init(&s->pt, &c, &ops, &s->h);
	am_host_pt_fail_at(&s->h, -1);
	if (rc != want) {
		snprintf(s->why, sizeof(s->why), "init returned %d, expected %d", rc, want);
		if (!rc) /* its ops are this function's: not a table to keep */
			am_pt_destroy(&s->pt);
		return fail(s, s->why);
	}
	if (s->h.in_use || s->h.nlog_total - logged != 1) {
		snprintf(s->why, sizeof(s->why), "refused init: %zu pages kept, %lu records",
			 s->h.in_use, s->h.nlog_total - logged);
		return fail(s, s->why);
	}
	return true;
}

static bool setup(void *st, const uint8_t *hd)
{
	struct st *s = st;
	struct am_pt_config *c = &s->cfg;
	uint64_t half;
	int rc;

	s->next = 0;
	memset(c, 0, sizeof(*c));
	c->regime = (enum am_pt_regime)(hd[0] % AM_PT_REGIME_COUNT);
	c->ia_bits = ia_choice[(hd[1] & 0x7f) % 6];
	c->oa_bits = oa_choice[hd[2] & 3];
	/* the granule: 4 KiB mostly, 16 or 64 KiB (a root at level 3 with 25
	 * input bits, and with 64 KiB up to 29: 25 + bits [5:3] of hd[3], mod 5) */
	c->granule = (hd[2] >> 4) >= 14 ? AM_PT_GRANULE_64K
		     : (hd[2] >> 4) >= 12 ? AM_PT_GRANULE_16K
					  : AM_PT_GRANULE_4K;
	if (c->granule == AM_PT_GRANULE_64K && c->ia_bits == 25)
		c->ia_bits = 25 + ((hd[3] >> 3) & 7u) % 5u;
	/* 52-bit outputs now and then: 64 KiB with FEAT_LPA, 4 and 16 KiB with
	 * FEAT_LPA2 (16 KiB: 52-bit inputs too, now and then) */
	if (c->granule == AM_PT_GRANULE_64K && !c->oa_bits && (hd[3] & 1))
		c->oa_bits = 52;
	if (c->granule != AM_PT_GRANULE_64K && !c->oa_bits && (hd[3] & 3) == 3 &&
	    (c->granule == AM_PT_GRANULE_16K || (hd[1] & 0x80))) {
		c->oa_bits = 52;
		if (c->ia_bits == 48 && (hd[3] & 4)) /* 4 KiB: level -1, or stage 2's 16 level-0 tables */
			c->ia_bits = 49 + (hd[3] >> 6);
	}
	{
		unsigned int gs = c->granule == AM_PT_GRANULE_4K ? 12u
				  : c->granule == AM_PT_GRANULE_16K ? 14u
								    : 16u;

		K4 = 1ull << gs;
		ENT = 1u << (gs - 3u);
		M2 = K4 * ENT;
		G1 = M2 * ENT;
	}
	/* stage 2: the IPA within the output (above 39 bits with 42 output bits
	 * or fewer: a concatenated root of level-1 tables) */
	if (c->regime == AM_PT_S2 && c->oa_bits && c->ia_bits > c->oa_bits)
		c->ia_bits = c->oa_bits;
	if (c->regime != AM_PT_S2 && (hd[2] & 0x0c) == 0x04)
		c->attr_index = attr_index_rev;
	else if (c->regime != AM_PT_S2 && (hd[2] & 0x0c) == 0x08)
		c->attr_index = attr_index_hole;
	c->asid = hd[3];
	c->vmid = (uint16_t)(hd[3] ^ 0x5a);
	c->tlbi_max = hd[4] % (AM_PT_TLBI_BATCH + 1);
	/* EL1&0 and EL2&0: now and then the upper VA range (TTBR1) */
	c->upper = (c->regime == AM_PT_S1_EL10 || c->regime == AM_PT_S1_EL20) && (hd[4] & 0x80);
	/* a 16 or 64 KiB stage 2, or a 4 KiB table above 48 input bits, may have a
	 * root of 16 pages: room for it, also when half the pool is beyond the
	 * output size */
	if (am_host_pt_init_g(&s->h,
			      ((c->regime == AM_PT_S2 && c->granule != AM_PT_GRANULE_4K) ||
			       c->ia_bits > 48) &&
					      pool_choice[hd[5] & 3] < 64
				      ? 64
				      : pool_choice[hd[5] & 3],
			      c->granule))
		abort();
	s->unmap_at_end = !(hd[5] & 0x10);
	s->h.cap_tlbi_range = (hd[5] & 0x20) != 0; /* FEAT_TLBIRANGE */
	s->h.cap_zeroed = (hd[5] & 0x40) != 0;	   /* pages handed out zeroed */
	s->high_pool = (hd[5] & 0x0c) == 0x0c && c->oa_bits && c->oa_bits <= 40;
	if (s->high_pool) /* a backend handing out pages the hardware cannot reach */
		s->h.pa_base = (1ull << c->oa_bits) - s->h.pages / 2 * K4;
	if (c->oa_bits == 52 && (hd[5] & 0x0c) == 0x08) /* the tables above 2^48 (LPA2: */
		s->h.pa_base = 3ull << 50;		  /* with OA[51:50] in [9:8]) */
	if ((hd[0] & 0x80) && !bad_init(s, hd[1] >> 4))
		return false;
	snprintf(
		s->what, sizeof(s->what),
		"init regime %u granule %u ia %u oa %u attr_index %s asid %u vmid %u tlbi_max %u "
		"pool %zu%s%s%s",
		c->regime, c->granule, c->ia_bits, c->oa_bits,
		c->attr_index == attr_index_rev ? "reversed"
		: c->attr_index			? "with a hole"
						: "NULL",
		c->asid, c->vmid, c->tlbi_max, s->h.pages,
		s->high_pool ? " (upper half beyond the output size)" : "",
		s->h.cap_tlbi_range ? " FEAT_TLBIRANGE" : "",
		s->h.cap_zeroed ? " zeroed pages" : "");
	if (s->trace)
		fprintf(stderr, "pt: %s\n", s->what);
	rc = am_pt_init(&s->pt, c, &am_host_pt_ops, &s->h);
	if (rc) {
		snprintf(s->why, sizeof(s->why), "init of a good configuration: %d", rc);
		return fail(s, s->why);
	}
	s->ia_end = 1ull << c->ia_bits;
	s->oa_end = 1ull << (c->oa_bits ? c->oa_bits : 48);
	s->vc = (struct vmsa_cfg){.regime = c->regime,
				  .ia_bits = c->ia_bits,
				  .oa_bits = c->oa_bits ? c->oa_bits : 48,
				  /* where TTBR points: level -1 when there is one */
				  .root_pa = am_pa_val(s->pt.top ? s->pt.top_pa : s->pt.root_pa),
				  .mair = am_pt_mair(&s->pt),
				  .concat = s->pt.top ? 1 : s->pt.root_pages,
				  .upper = c->upper != 0,
				  .granule = c->granule};
	s->base = s->pt.va_base;
	am_host_pt_tlb(&s->h, c->regime, c->ia_bits, s->vc.oa_bits, s->vc.root_pa,
		       s->vc.mair, c->regime == AM_PT_S2 ? c->vmid : c->asid);
	s->h.tlb.cfg = s->vc; /* a concatenated root included */
	half = s->ia_end / 2;
	s->zone[0] = 0;
	s->zone[1] = s->ia_end > 2 * G1 ? G1 : half;
	s->zone[2] = G1 < s->ia_end / ENT ? (ENT - 1) * G1 : half + half / 2;
	s->zone[3] = s->ia_end - (s->ia_end > 2 * G1 ? G1 : half);
	/* what the hardware may cache: both ends of tables in every zone */
	for (unsigned int z = 0; z < 4; z++)
		for (unsigned int m = 0; m < 32; m += 15)
			for (unsigned int p = 0; p < 32; p += 15) {
				uint64_t va = s->zone[z] + pick_off((uint8_t)m) * M2 +
					      pick_off((uint8_t)p) * K4;

				if (va < s->ia_end)
					tlbm_watch(&s->h.tlb, va + s->base, K4, K4);
			}
	s->rng = 0x243f6a8885a308d3ull ^ ((uint64_t)hd[3] << 32 | hd[4]);
	return true;
}

/* Unmapping everything leaves the root alone; destroy gives every page back. */
static bool teardown(struct st *s, bool ok)
{
	if (ok && s->unmap_at_end) {
		snprintf(s->what, sizeof(s->what), "unmap everything");
		tlbm_fill(&s->h.tlb);
		if (am_pt_unmap(&s->pt, am_va(s->base), s->ia_end))
			ok = fail(s, "unmapping everything failed");
		else if (!check_after(s))
			ok = false;
		else if (am_pt_tables(&s->pt) != (size_t)s->pt.root_pages + (s->pt.top != NULL) ||
			 s->h.in_use !=
				 (size_t)s->pt.root_pages + (s->pt.top != NULL)) { /* the root's */
			snprintf(s->why, sizeof(s->why),
				 "after unmapping everything: %zu tables, %zu pages in use",
				 am_pt_tables(&s->pt), s->h.in_use);
			ok = fail(s, s->why);
		}
	}
	s->h.tlb_on = false;
	am_pt_destroy(&s->pt);
	if (ok && (s->h.in_use || s->h.bad_frees)) {
		snprintf(s->what, sizeof(s->what), "destroy");
		snprintf(s->why, sizeof(s->why), "%zu pages still in use, %lu bad frees",
			 s->h.in_use, s->h.bad_frees);
		ok = fail(s, s->why);
	}
	am_host_pt_fini(&s->h);
	oracle_pt_snap_free(&s->snap);
	return ok;
}

static bool end(void *st, bool ok)
{
	struct st *s = st;

	if (s->pt.ready)
		return teardown(s, ok) && ok;
	am_host_pt_fini(&s->h);
	return ok;
}

static unsigned long run(struct fz *f, unsigned long max_ops)
{
	static const struct fz_sessions sessions = {6, sizeof(struct rec), setup, one_call, end};

	S.f = f;
	S.trace = getenv("FZ_TRACE") != NULL;
	return fz_run_sessions(f, max_ops, &sessions, &S);
}

const struct fz_module fz_module_pt = {"pt", run};
