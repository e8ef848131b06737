/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz module "mpu": the PMSAv8 region map (src/mpu) against the PMSAv8
 * model and a reference of the regions.
 *
 * Input: a 6-byte session header (flavour, regions the hardware has and the
 * map manages, AM_MPU_F_SPLIT, AttrIndx layout, PA size, sometimes a
 * refused init first), then one 8-byte record per call (struct rec): map,
 * unmap, unmap_containing, modify, merge, lookup, vmap_contig / vunmap,
 * boot, region_get, over a small colliding window (32 pages and the
 * granules around them, the bottom and the top of the address space), with
 * bad ranges (unaligned, empty, reversed, beyond the address size,
 * wrapping), NULL and malformed attributes and bad region indices.
 *
 * The reference holds each region's range, attributes, references and
 * index; it predicts every call's result: the index a map takes (the lowest
 * free one), a reference taken or dropped, EEXIST / EBUSY / ENOSPC /
 * EOVERFLOW / ENOTSUP / ENOENT, the split of a region, what merge joins.
 * Where the contract leaves a choice (the errors of a call that breaks two
 * rules; which index a merged or split-off region keeps), any documented
 * one is accepted and the reference follows the library. After every call:
 *  - tests/oracle: the model's registers equal the map's copy, no two
 *    enabled regions overlapped at any moment, every write synced, no write
 *    beyond the hardware's regions, the lock balanced;
 *  - a call that wrote regions synced exactly once, one that did not never;
 *    a refusal changed nothing (map, storage, registers) and logged once, a
 *    success logged nothing;
 *  - the model's answer to accesses (read, write, execute; privileged and
 *    not) at both ends of every region and at sampled addresses equals the
 *    reference's: the region hit, its permissions, memory type and
 *    shareability, and no region where the reference has none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <armmap/errors.h>
#include <armmap/mpu.h>

#include "arch/host/mpu_model.h"
#include "tests/fuzz/fuzz.h"
#include "tests/oracle/mpu_oracle.h"

#define K4 0x1000ull
#define WIN 0x38100000ull /* the window: 32 pages from here */

/* A region of the reference, by index. */
struct reg {
	uint64_t base, limit;
	struct am_attr attr;
	unsigned int refs;
	bool used;
};

struct rec {
	uint8_t op, a, b, c, d, attr, raw, ctl;
};

enum op {
	OP_MAP,
	OP_UNMAP,
	OP_UNMAP_CONTAINING,
	OP_MODIFY,
	OP_MERGE,
	OP_LOOKUP,
	OP_VMAP,
	OP_VUNMAP,
	OP_BOOT,
	OP_REGION_GET,
};
static const uint8_t op_of[16] = {OP_MAP,    OP_MAP,	OP_MAP,	  OP_MAP,
				  OP_UNMAP,  OP_UNMAP,	OP_UNMAP, OP_UNMAP_CONTAINING,
				  OP_MODIFY, OP_MODIFY, OP_MERGE, OP_LOOKUP,
				  OP_VMAP,   OP_VUNMAP, OP_BOOT,  OP_REGION_GET};

static const struct am_attr good_attr[8] = {
	AM_ATTR_RW_DATA,
	AM_ATTR_RO_DATA,
	AM_ATTR_RX_TEXT,
	AM_ATTR_DEVICE,
	AM_ATTR_RW_DATA,
	{AM_PERM_R | AM_PERM_X | AM_PERM_USER, AM_MT_NORMAL_WB, AM_SH_INNER},
	{AM_PERM_R | AM_PERM_W | AM_PERM_USER, AM_MT_NORMAL_NC, AM_SH_OUTER},
	{AM_PERM_R, AM_MT_DEVICE_nGnRnE, AM_SH_NONE},
};

/* The model's memory type of each armmap one. */
static const enum pmsa_memtype memtype_of[AM_MT_COUNT] = {PMSA_MT_DEVICE_nGnRnE,
							  PMSA_MT_DEVICE_nGnRE, PMSA_MT_NORMAL_NC,
							  PMSA_MT_NORMAL_WT, PMSA_MT_NORMAL_WB};

static const uint8_t attr_index_rev[AM_MT_COUNT] = {4, 3, 2, 1, 0};
static const uint8_t attr_index_hole[AM_MT_COUNT] = {0, 1, AM_MPU_NO_ATTRIDX, 5, 7};

struct st {
	struct fz *f;
	struct am_host_mpu h;
	struct am_mpu_region store[AM_MPU_MAX_REGIONS];
	struct am_mpu_map m;
	struct am_mpu_config cfg;
	unsigned int nr; /* regions managed */
	uint64_t gran, addr_end;
	struct reg r[AM_MPU_MAX_REGIONS];
	struct oracle_mpu_snap snap;
	uint64_t rng;
	bool trace;
	char why[256];
	char what[160];
};

static struct st S;

static uint64_t rnd(struct st *s)
{
	return fz_xorshift(&s->rng);
}

static bool fail(struct st *s, const char *what)
{
	return fz_fail(s->f, "mpu call %lu (%s): %s", s->f->call, s->what, what);
}

/* ----------------------------------------------------------- decoding -- */

/* An address of the window, or an edge of the address space. */
static uint64_t dec_addr(const struct st *s, uint8_t x, uint8_t fine)
{
	uint64_t a;

	switch (x >> 5) {
	case 7:
		switch (x & 3) {
		case 0:
			return 0;
		case 1:
			return s->addr_end - K4 * (1 + (fine & 3));
		case 2:
			return s->addr_end;
		default:
			return ~0ull - K4 + 1;
		}
	default:
		a = WIN + (x & 31) * K4;
		if ((fine & 0xc0) == 0xc0)
			a += (fine & 63) * s->gran % K4; /* granules inside a page */
		if ((fine & 0xf8) == 0x38)
			a += 4; /* not granule aligned */
		return a;
	}
}

/* [base, limit) from two bytes: mostly 1 to 8 pages. */
static void dec_range(const struct st *s, const struct rec *r, uint64_t *base, uint64_t *limit)
{
	*base = dec_addr(s, r->a, r->c);
	switch (r->b >> 5) {
	case 7: /* empty, reversed, to the top, wrapping */
		switch (r->b & 3) {
		case 0:
			*limit = *base;
			break;
		case 1:
			*limit = *base - K4;
			break;
		case 2:
			*limit = s->addr_end;
			break;
		default:
			*limit = *base + (1ull << 63);
			break;
		}
		break;
	case 6: /* in granules */
		*limit = *base + (1 + (r->b & 31)) * s->gran;
		break;
	default:
		*limit = *base + (1 + (r->b & 7)) * K4;
		break;
	}
	if ((r->c & 0xf8) == 0x20)
		*limit += 4; /* limit not aligned */
}

/*
 * A range on a region of the reference (unmap, modify, unmap_containing):
 * the region, or a part of it at its start, end or middle, or a little more.
 */
static bool dec_guided(const struct st *s, const struct rec *r, uint64_t *base, uint64_t *limit)
{
	unsigned int used[AM_MPU_MAX_REGIONS], n = 0;
	const struct reg *g;
	uint64_t step;

	for (unsigned int i = 0; i < s->nr; i++)
		if (s->r[i].used)
			used[n++] = i;
	if (!n)
		return false;
	g = &s->r[used[r->a % n]];
	step = (g->limit - g->base) % K4 ? s->gran : K4;
	*base = g->base;
	*limit = g->limit;
	if (g->limit - g->base <= step)
		return true;
	switch (r->b & 7) {
	case 0:
	case 1:
		break;
	case 2:
		*limit = g->base + step; /* the start */
		break;
	case 3:
		*base = g->limit - step; /* the end */
		break;
	case 4:
	case 5:
		if (g->limit - g->base > 2 * step) { /* the middle */
			*base = g->base + step;
			*limit = g->base + 2 * step;
		}
		break;
	case 6:
		*limit = g->limit + step; /* one step beyond */
		break;
	default:
		*base = g->base - step;
		break;
	}
	return true;
}

static const struct am_attr *dec_attr(const struct rec *r, struct am_attr *buf)
{
	if ((r->ctl & 31) == 31)
		return NULL;
	if ((r->attr >> 3) == 31) { /* raw */
		buf->perm = r->raw & 0x1f;
		buf->mtype = (r->raw >> 5) & 7;
		buf->sh = (r->attr & 3) | ((r->attr & 4) ? 4 : 0);
		return buf;
	}
	*buf = good_attr[r->attr & 7];
	if ((r->attr >> 3) == 30)
		buf->perm ^= r->raw & AM_PERM_MASK;
	return buf;
}

/* ------------------------------------------------------ expectations -- */

static unsigned int range_errs(const struct st *s, uint64_t base, uint64_t limit)
{
	unsigned int e = 0;

	if (base % s->gran || limit % s->gran || base >= limit)
		e |= FZ_EINVAL;
	if (limit > s->addr_end)
		e |= FZ_ERANGE;
	return e;
}

static unsigned int attr_errs(const struct st *s, const struct am_attr *a)
{
	unsigned int e = 0;

	if (!a)
		return FZ_EINVAL;
	if ((a->perm & ~AM_PERM_MASK) || a->mtype >= AM_MT_COUNT || a->sh == 1 || a->sh > 3)
		return FZ_EINVAL;
	if ((a->perm & AM_PERM_X) && ((a->perm & AM_PERM_W) || a->mtype <= AM_MT_DEVICE_nGnRE))
		e |= FZ_EPERM;
	if (!(a->perm & AM_PERM_R))
		e |= FZ_ENOTSUP;
	if (s->cfg.attr_index && s->cfg.attr_index[a->mtype] == AM_MPU_NO_ATTRIDX)
		e |= FZ_ENOTSUP;
	return e;
}

static bool same_attr(const struct am_attr *a, const struct am_attr *b)
{
	return a->perm == b->perm && a->mtype == b->mtype && a->sh == b->sh;
}

/* How [base, limit) meets the reference: AM_MPU_* and the region. */
static int meets(const struct st *s, uint64_t base, uint64_t limit, unsigned int *idx)
{
	int res = AM_MPU_NOTFOUND;

	for (unsigned int i = 0; i < s->nr; i++) {
		const struct reg *g = &s->r[i];

		if (!g->used || g->limit <= base || g->base >= limit)
			continue;
		*idx = i;
		if (g->base == base && g->limit == limit)
			return AM_MPU_FOUND;
		if (g->base <= base && g->limit >= limit)
			return AM_MPU_INCLUSIVE;
		res = AM_MPU_OVERLAP;
	}
	return res;
}

static int lowest_free(const struct st *s)
{
	for (unsigned int i = 0; i < s->nr; i++)
		if (!s->r[i].used)
			return (int)i;
	return -1;
}

static unsigned int used_count(const struct st *s)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->nr; i++)
		n += s->r[i].used;
	return n;
}

/* ------------------------------------------------------------ oracles -- */

/* One access through the model against the reference. */
static bool check_access(struct st *s, uint64_t addr)
{
	int want = -1;
	const struct reg *g = NULL;

	if (addr >= s->addr_end)
		return true;
	for (unsigned int i = 0; i < s->nr; i++)
		if (s->r[i].used && s->r[i].base <= addr && addr < s->r[i].limit) {
			want = (int)i;
			g = &s->r[i];
		}
	for (unsigned int k = 0; k < 6; k++) {
		enum pmsa_access kind = (enum pmsa_access)(k % 3);
		bool priv = k < 3;
		struct pmsa_result res = pmsa_access(&s->h.hw, addr, kind, priv);
		enum pmsa_fault fw;

		if (!g) {
			fw = PMSA_FAULT_NO_REGION;
		} else {
			uint8_t p = g->attr.perm;
			bool ok = (priv || (p & AM_PERM_USER)) &&
				  (kind == PMSA_READ	? true
				   : kind == PMSA_WRITE ? (p & AM_PERM_W) != 0
							: (p & AM_PERM_X) != 0);

			fw = ok ? PMSA_OK : PMSA_FAULT_PERM;
		}
		if (res.fault != fw || (g && res.region != want) ||
		    (g && (res.mtype != memtype_of[g->attr.mtype] || res.sh != g->attr.sh))) {
			snprintf(s->why, sizeof(s->why),
				 "%s %s at %#llx: fault %d region %d type %d sh %u, expected fault "
				 "%d "
				 "region %d type %d sh %u",
				 priv ? "privileged" : "unprivileged",
				 kind == PMSA_READ    ? "read"
				 : kind == PMSA_WRITE ? "write"
						      : "execute",
				 (unsigned long long)addr, res.fault, res.region, res.mtype, res.sh,
				 fw, want, g ? (int)memtype_of[g->attr.mtype] : -1,
				 g ? g->attr.sh : 0);
			return fail(s, s->why);
		}
	}
	return true;
}

static bool check_model(struct st *s)
{
	if (!oracle_mpu_check(&s->h, &s->m, s->why, sizeof(s->why)))
		return fail(s, s->why);
	for (unsigned int i = 0; i < s->nr; i++) {
		const struct reg *g = &s->r[i];
		struct am_mpu_region lr;
		int rc = am_mpu_region_get(&s->m, i, &lr);

		if (!g->used) {
			if (rc != AM_ENOENT) {
				snprintf(s->why, sizeof(s->why),
					 "region %u: region_get %d, expected free", i, rc);
				return fail(s, s->why);
			}
			continue;
		}
		if (rc || lr.base != g->base || lr.limit != g->limit ||
		    !same_attr(&lr.attr, &g->attr) || lr.refs != g->refs) {
			snprintf(s->why, sizeof(s->why),
				 "region %u: region_get %d [%#llx, %#llx) refs %u, expected "
				 "[%#llx, %#llx) "
				 "refs %u",
				 i, rc, (unsigned long long)lr.base, (unsigned long long)lr.limit,
				 lr.refs, (unsigned long long)g->base, (unsigned long long)g->limit,
				 g->refs);
			return fail(s, s->why);
		}
		if (!check_access(s, g->base) || !check_access(s, g->limit - 1) ||
		    (g->base && !check_access(s, g->base - 1)) || !check_access(s, g->limit))
			return false;
	}
	for (unsigned int i = 0; i < 4; i++)
		if (!check_access(s, WIN + (rnd(s) % (40 * K4)) - 4 * K4))
			return false;
	if (used_count(s) != am_mpu_used(&s->m)) {
		snprintf(s->why, sizeof(s->why), "am_mpu_used() %u, expected %u",
			 am_mpu_used(&s->m), used_count(s));
		return fail(s, s->why);
	}
	return true;
}

/* rc against the allowed errors; syncs, log, and a refusal changed nothing. */
static bool check_result(struct st *s, int rc, unsigned int allowed, unsigned long writes,
			 unsigned long syncs, unsigned long logged)
{
	unsigned long w = s->h.hw.writes - writes, y = s->h.hw.syncs - syncs;

	if (!fz_rc_check(rc, allowed, 0, s->h.nlog_total - logged, s->why, sizeof(s->why)))
		return fail(s, s->why);
	if (y != (w ? 1u : 0u)) {
		snprintf(s->why, sizeof(s->why), "%lu register writes and %lu syncs", w, y);
		return fail(s, s->why);
	}
	if (rc < 0 &&
	    !oracle_mpu_unchanged(&s->snap, &s->h, &s->m, s->store, s->why, sizeof(s->why)))
		return fail(s, s->why);
	return true;
}

/* ----------------------------------------------------------- the calls -- */

/* The reference's outcome of a map: the index, or the errors. */
static int expect_map(struct st *s, uint64_t base, uint64_t limit, const struct am_attr *a,
		      unsigned int *allowed)
{
	unsigned int idx = 0;
	int how;

	*allowed = range_errs(s, base, limit) | attr_errs(s, a);
	if (range_errs(s, base, limit))
		return -1;
	how = meets(s, base, limit, &idx);
	if (how == AM_MPU_FOUND || how == AM_MPU_INCLUSIVE) {
		if (!a || attr_errs(s, a) & FZ_EINVAL || !same_attr(&s->r[idx].attr, a))
			*allowed |= FZ_EEXIST;
		else if (s->r[idx].refs >= AM_MPU_REFS_MAX)
			*allowed |= FZ_EOVERFLOW;
		return (int)idx;
	}
	if (how == AM_MPU_OVERLAP) {
		*allowed |= FZ_EBUSY;
		return -1;
	}
	if (lowest_free(s) < 0)
		*allowed |= FZ_ENOSPC;
	return lowest_free(s);
}

static bool done_map(struct st *s, int rc, int want, uint64_t base, uint64_t limit,
		     const struct am_attr *a)
{
	if (rc < 0)
		return true;
	if (rc != want) {
		snprintf(s->why, sizeof(s->why), "took region %d, expected %d", rc, want);
		return fail(s, s->why);
	}
	if (s->r[rc].used) {
		s->r[rc].refs++;
	} else {
		s->r[rc] = (struct reg){.base = base, .limit = limit, .attr = *a, .used = true};
	}
	return true;
}

/* Region @i's part [base, limit) is gone: the reference follows the library for the split. */
static bool carve(struct st *s, unsigned int i, uint64_t base, uint64_t limit)
{
	struct reg *g = &s->r[i], upper = *g;

	if (g->base == base) {
		g->base = limit;
		return true;
	}
	if (g->limit == limit) {
		g->limit = base;
		return true;
	}
	g->limit = base;
	upper.base = limit;
	for (unsigned int k = 0; k < s->nr; k++) {
		struct am_mpu_region lr;

		if (s->r[k].used || am_mpu_region_get(&s->m, k, &lr) || lr.base != upper.base)
			continue;
		s->r[k] = upper;
		return true;
	}
	snprintf(s->why, sizeof(s->why),
		 "the part above the hole, [%#llx, %#llx), is in no free region",
		 (unsigned long long)upper.base, (unsigned long long)upper.limit);
	return fail(s, s->why);
}

static int expect_unmap(struct st *s, uint64_t base, uint64_t limit, unsigned int *allowed)
{
	unsigned int idx = 0;
	int how;

	*allowed = range_errs(s, base, limit);
	if (*allowed)
		return -1;
	how = meets(s, base, limit, &idx);
	if (how == AM_MPU_NOTFOUND) {
		*allowed |= FZ_ENOENT;
	} else if (how == AM_MPU_OVERLAP) {
		*allowed |= FZ_EBUSY;
	} else if (how == AM_MPU_INCLUSIVE && !s->r[idx].refs) {
		if (!(s->cfg.flags & AM_MPU_F_SPLIT))
			*allowed |= FZ_ENOTSUP;
		else if (s->r[idx].base != base && s->r[idx].limit != limit && lowest_free(s) < 0)
			*allowed |= FZ_ENOSPC;
	}
	return (int)idx;
}

static bool done_unmap(struct st *s, unsigned int idx, uint64_t base, uint64_t limit)
{
	struct reg *g = &s->r[idx];

	if (g->refs) {
		g->refs--;
		return true;
	}
	if (g->base == base && g->limit == limit) {
		g->used = false;
		return true;
	}
	return carve(s, idx, base, limit);
}

static unsigned int expect_modify(struct st *s, uint64_t base, uint64_t limit,
				  const struct am_attr *a, unsigned int *idx)
{
	unsigned int e = range_errs(s, base, limit) | attr_errs(s, a);
	int how;

	if (range_errs(s, base, limit))
		return e;
	how = meets(s, base, limit, idx);
	if (how == AM_MPU_NOTFOUND)
		e |= FZ_ENOENT;
	else if (how == AM_MPU_OVERLAP)
		e |= FZ_EBUSY;
	else if (how == AM_MPU_INCLUSIVE)
		e |= FZ_ENOTSUP;
	else if (s->r[*idx].refs)
		e |= FZ_EBUSY;
	else if (a && !(attr_errs(s, a) & FZ_EINVAL) &&
		 (s->r[*idx].attr.mtype != a->mtype || s->r[*idx].attr.sh != a->sh))
		e |= FZ_EPERM;
	return e;
}

/* Merge in the reference: maximal runs of adjacent, identical, unreferenced regions. */
static bool do_merge(struct st *s)
{
	struct reg before[AM_MPU_MAX_REGIONS];
	int rc, freed = 0;

	memcpy(before, s->r, sizeof(before));
	rc = am_mpu_merge(&s->m);
	if (rc < 0)
		return fail(s, "merge failed");
	for (bool again = true; again;) {
		again = false;
		for (unsigned int i = 0; i < s->nr; i++)
			for (unsigned int j = 0; j < s->nr; j++) {
				struct reg *x = &s->r[i], *y = &s->r[j];

				if (i == j || !x->used || !y->used || x->refs || y->refs ||
				    x->limit != y->base || !same_attr(&x->attr, &y->attr))
					continue;
				x->limit = y->limit;
				y->used = false;
				freed++;
				again = true;
			}
	}
	if (rc != freed) {
		snprintf(s->why, sizeof(s->why), "merge freed %d regions, expected %d", rc, freed);
		return fail(s, s->why);
	}
	/* which index keeps each merged region is the library's choice */
	for (unsigned int i = 0; i < s->nr; i++) {
		struct reg *x = &s->r[i];
		struct am_mpu_region lr;

		if (!x->used || (x->base == before[i].base && x->limit == before[i].limit))
			continue;
		for (unsigned int k = 0; k < s->nr; k++) {
			if (am_mpu_region_get(&s->m, k, &lr) || lr.base != x->base ||
			    lr.limit != x->limit)
				continue;
			if (!before[k].used || before[k].limit <= x->base ||
			    before[k].base >= x->limit) {
				snprintf(s->why, sizeof(s->why),
					 "merged region [%#llx, %#llx) in region %u, which was not "
					 "part of it",
					 (unsigned long long)x->base, (unsigned long long)x->limit,
					 k);
				return fail(s, s->why);
			}
			if (k != i) {
				s->r[k] = *x;
				x->used = false;
			}
			break;
		}
	}
	return true;
}

static bool do_lookup(struct st *s, uint64_t base, uint64_t limit)
{
	unsigned int idx = ~0u, want_idx = ~0u;
	unsigned int allowed = range_errs(s, base, limit);
	int rc = am_mpu_lookup(&s->m, base, limit, &idx), want;

	if (allowed) {
		if (!(fz_err(rc) & allowed))
			return fail(s, "lookup of a bad range did not refuse it");
		return true;
	}
	want = meets(s, base, limit, &want_idx);
	/* OVERLAP: any region that intersects the range */
	if (want == AM_MPU_OVERLAP && idx < s->nr && s->r[idx].used && s->r[idx].base < limit &&
	    base < s->r[idx].limit)
		want_idx = idx;
	if (rc != want || (want != AM_MPU_NOTFOUND && idx != want_idx)) {
		snprintf(s->why, sizeof(s->why), "lookup: %d region %u, expected %d region %u", rc,
			 idx, want, want_idx);
		return fail(s, s->why);
	}
	return true;
}

static bool do_region_get(struct st *s, uint8_t which)
{
	unsigned int i = which < 0xf0 ? which % (s->nr + 1) : which;
	struct am_mpu_region lr;
	int rc = am_mpu_region_get(&s->m, i, &lr), want;

	want = i >= s->nr ? AM_ERANGE : s->r[i].used ? 0 : AM_ENOENT;
	if (rc != want) {
		snprintf(s->why, sizeof(s->why), "region_get(%u): %d, expected %d", i, rc, want);
		return fail(s, s->why);
	}
	return true;
}

/* A boot table of up to 5 entries from the window, sometimes a bad one. */
static bool do_boot(struct st *s, const struct rec *r, unsigned long writes, unsigned long syncs,
		    unsigned long logged)
{
	struct am_mpu_boot_region tbl[5];
	unsigned int n = r->a % 6, allowed = 0;
	int rc;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t base = WIN + ((r->b + (r->d & 7u) * i) % 32) * K4; /* stride 0: overlap */
		struct am_attr ab;
		struct rec er = *r;

		er.attr = (uint8_t)(r->attr + i);
		er.ctl = 0; /* attributes, never NULL */
		tbl[i].base = base;
		tbl[i].limit = base + (1 + ((r->c >> i) & 1)) * K4;
		tbl[i].attr = *dec_attr(&er, &ab);
		allowed |= range_errs(s, tbl[i].base, tbl[i].limit) | attr_errs(s, &tbl[i].attr);
		for (unsigned int j = 0; j < i; j++)
			if (tbl[j].base < tbl[i].limit && tbl[i].base < tbl[j].limit)
				allowed |= FZ_EBUSY;
	}
	if (n > s->nr)
		allowed |= FZ_ENOSPC;
	rc = am_mpu_boot(&s->m, (r->ctl & 0xf0) == 0xf0 && n ? NULL : tbl, n);
	if ((r->ctl & 0xf0) == 0xf0 && n)
		allowed = FZ_EINVAL;
	if (!check_result(s, rc, allowed, writes, syncs, logged))
		return false;
	if (rc == 0) {
		memset(s->r, 0, sizeof(s->r));
		for (unsigned int i = 0; i < n; i++)
			s->r[i] = (struct reg){.base = tbl[i].base,
					       .limit = tbl[i].limit,
					       .attr = tbl[i].attr,
					       .used = true};
	}
	return true;
}

static bool one_call(void *st, const uint8_t *rec)
{
	struct st *s = st;
	const struct rec *r = (const void *)rec;
	enum op op = op_of[r->op & 15];
	uint64_t base, limit;
	struct am_attr abuf;
	const struct am_attr *a;
	unsigned long writes = s->h.hw.writes, syncs = s->h.hw.syncs, logged = s->h.nlog_total;
	unsigned int allowed = 0, idx = 0;
	int rc = 0, want = -1;

	dec_range(s, r, &base, &limit);
	a = dec_attr(r, &abuf);
	if ((op == OP_UNMAP || op == OP_MODIFY || op == OP_UNMAP_CONTAINING || op == OP_VUNMAP) &&
	    !(r->d & 0x80) && dec_guided(s, r, &base, &limit) && op == OP_MODIFY && a &&
	    (r->raw & 0x60)) {
		unsigned int i = 0;

		/* mostly the memory type and shareability it has */
		if (meets(s, base, limit, &i) != AM_MPU_NOTFOUND) {
			abuf.mtype = s->r[i].attr.mtype;
			abuf.sh = s->r[i].attr.sh;
			if (abuf.mtype <= AM_MT_DEVICE_nGnRE)
				abuf.perm &= (uint8_t)~AM_PERM_X;
		}
	}
	snprintf(s->what, sizeof(s->what), "op %d [%#llx, %#llx) attr %s%x/%u/%u", op,
		 (unsigned long long)base, (unsigned long long)limit, a ? "" : "NULL ",
		 a ? a->perm : 0, a ? a->mtype : 0, a ? a->sh : 0);
	oracle_mpu_snap(&s->snap, &s->h, &s->m, s->store, s->nr);
	switch (op) {
	case OP_MAP:
		want = expect_map(s, base, limit, a, &allowed);
		rc = am_mpu_map(&s->m, base, limit, a);
		break;
	case OP_UNMAP:
		want = expect_unmap(s, base, limit, &allowed);
		rc = am_mpu_unmap(&s->m, base, limit);
		break;
	case OP_UNMAP_CONTAINING:
	case OP_VUNMAP:
		base += (r->d & 0x3f) * 4u %
			(limit - base > 0 ? limit - base : 1); /* any address in it */
		want = -1;
		for (unsigned int i = 0; i < s->nr; i++)
			if (s->r[i].used && s->r[i].base <= base && base < s->r[i].limit)
				want = (int)i;
		allowed = base >= s->addr_end ? FZ_ERANGE : want < 0 ? FZ_ENOENT : 0;
		if (op == OP_VUNMAP) {
			rc = am_mpu_vunmap(&s->m, (const void *)(uintptr_t)base);
			if (rc == 0)
				rc = want; /* the region is the same */
		} else {
			rc = am_mpu_unmap_containing(&s->m, base);
		}
		if (rc >= 0 && rc != want) {
			snprintf(s->why, sizeof(s->why), "unmapped region %d, expected %d", rc,
				 want);
			return fail(s, s->why);
		}
		break;
	case OP_MODIFY:
		allowed = expect_modify(s, base, limit, a, &idx);
		rc = am_mpu_modify(&s->m, base, limit, a);
		break;
	case OP_VMAP: {
		/* vmap_contig(pa = base, pages): am_mpu_map() of the pages, attr NULL is RW data */
		size_t pages = (r->b & 0xe0) == 0xe0 ? ((r->b & 0x10) ? SIZE_MAX / 2 : 0u)
						     : 1u + (r->b & 3u);
		bool no_va = (r->ctl & 0xf0) == 0xf0;
		void *va = (void *)0x1;

		if (!pages || base % K4 || no_va)
			allowed = FZ_EINVAL;
		else if (pages > (~0ull - base) / K4)
			allowed = FZ_EOVERFLOW | FZ_ERANGE;
		else if ((limit = base + pages * K4) > s->addr_end)
			allowed = FZ_ERANGE;
		else
			want = expect_map(s, base, limit, a ? a : &good_attr[0], &allowed);
		rc = am_mpu_vmap_contig(&s->m, base, pages, a, no_va ? NULL : &va);
		if (rc == 0 && va != (void *)(uintptr_t)base)
			return fail(s, "vmap_contig gave another address than the PA");
		if (rc < 0 && va != (void *)0x1)
			return fail(s, "a refused vmap_contig wrote *va");
		if (rc == 0)
			rc = want; /* the region it took or referenced */
		if (!a)
			a = &good_attr[0];
		break;
	}
	case OP_MERGE:
		return do_merge(s) && check_result(s, 0, 0, writes, syncs, logged) &&
		       check_model(s);
	case OP_LOOKUP:
		return do_lookup(s, base, limit) && check_model(s);
	case OP_REGION_GET:
		return do_region_get(s, r->d);
	default:
		return do_boot(s, r, writes, syncs, logged) && check_model(s);
	}
	if (s->trace) {
		char e[96];

		fprintf(stderr, "mpu %lu: %s: %d (allowed %s)\n", s->f->call, s->what, rc,
			fz_errs(allowed, e, sizeof(e)));
	}
	if (!check_result(s, rc, allowed, writes, syncs, logged))
		return false;
	if (rc >= 0) {
		bool ok = true;

		if (op == OP_MAP || op == OP_VMAP)
			ok = done_map(s, rc, want, base, limit, a);
		else if (op == OP_UNMAP)
			ok = done_unmap(s, (unsigned int)want, base, limit);
		else if (op == OP_UNMAP_CONTAINING || op == OP_VUNMAP)
			ok = done_unmap(s, (unsigned int)want, s->r[want].base, s->r[want].limit);
		else if (op == OP_MODIFY)
			s->r[idx].attr.perm = a->perm;
		if (!ok)
			return false;
	}
	return check_model(s);
}

/* ------------------------------------------------------------ session -- */

static bool bad_init(struct st *s, uint8_t which)
{
	static const uint8_t dup_idx[AM_MT_COUNT] = {0, 1, 2, 3, 3};
	static const uint8_t big_idx[AM_MT_COUNT] = {0, 1, 2, 3, 8};
	struct am_mpu_config c = s->cfg;
	struct am_mpu_ops ops = am_host_mpu_ops;
	struct am_mpu_map m;
	unsigned long logged = s->h.nlog_total, writes = s->h.hw.writes;
	int want = AM_EINVAL, rc;

	switch (which % 10) {
	case 0:
		c.flavour = AM_MPU_FLAVOUR_COUNT;
		break;
	case 1:
		c.nr_regions = s->h.hw.nregions + 1;
		want = AM_ERANGE;
		break;
	case 2:
		c.nr_regions = 256;
		want = AM_ERANGE;
		break;
	case 3:
		c.storage_len = (c.nr_regions ? c.nr_regions : s->h.hw.nregions) - 1;
		break;
	case 4:
		c.flags = 0x100;
		break;
	case 5:
		c.pa_bits = c.flavour == AM_MPU_V8R_AARCH64 ? 31 : 40;
		break;
	case 6:
		c.attr_index = dup_idx;
		break;
	case 7:
		c.attr_index = big_idx;
		break;
	case 8:
		c.storage = NULL;
		break;
	default:
		ops.sync = NULL;
		break;
	}
	snprintf(s->what, sizeof(s->what), "a refused init (%u)", which % 10);
	rc = am_mpu_init(&m, &c, &ops, &s->h);
	if (rc != want) {
		snprintf(s->why, sizeof(s->why), "init returned %d, expected %d", rc, want);
		return fail(s, s->why);
	}
	if (s->h.nlog_total - logged != 1 || s->h.hw.writes != writes) {
		snprintf(s->why, sizeof(s->why), "refused init: %lu records, %lu region writes",
			 s->h.nlog_total - logged, s->h.hw.writes - writes);
		return fail(s, s->why);
	}
	return true;
}

static bool setup(void *st, const uint8_t *hd)
{
	struct st *s = st;
	static const unsigned int pa_bits[4] = {0, 32, 40, 48};
	struct am_mpu_config *c = &s->cfg;
	unsigned int hw = 1 + hd[1] % 16;
	int rc;

	memset(c, 0, sizeof(*c));
	c->flavour = (enum am_mpu_flavour)(hd[0] % 3);
	c->nr_regions = (hd[1] & 0x80) ? 1 + hd[2] % hw : 0;
	c->storage = s->store;
	c->storage_len = AM_MPU_MAX_REGIONS;
	c->flags = (hd[3] & 1) ? AM_MPU_F_SPLIT : 0;
	if ((hd[3] & 6) == 2)
		c->attr_index = attr_index_rev;
	else if ((hd[3] & 6) == 4)
		c->attr_index = attr_index_hole;
	if (c->flavour == AM_MPU_V8R_AARCH64)
		c->pa_bits = pa_bits[(hd[3] >> 3) & 3];
	memset(s->store, 0xa5, sizeof(s->store));
	am_host_mpu_init(&s->h, c->flavour, hw);
	if ((hd[0] & 0x80) && !bad_init(s, hd[4]))
		return false;
	snprintf(s->what, sizeof(s->what), "init flavour %u hw %u nr %u flags %u pa_bits %u",
		 c->flavour, hw, c->nr_regions, c->flags, c->pa_bits);
	if (s->trace)
		fprintf(stderr, "mpu: %s\n", s->what);
	rc = am_mpu_init(&s->m, c, &am_host_mpu_ops, &s->h);
	if (rc) {
		snprintf(s->why, sizeof(s->why), "init of a good configuration: %d", rc);
		return fail(s, s->why);
	}
	s->nr = c->nr_regions ? c->nr_regions : hw;
	s->gran = c->flavour == AM_MPU_V8M ? 32 : 64;
	s->addr_end = c->flavour == AM_MPU_V8R_AARCH64 ? 1ull << (c->pa_bits ? c->pa_bits : 48)
						       : 1ull << 32;
	if (am_mpu_capacity(&s->m) != s->nr)
		return fail(s, "am_mpu_capacity() is not the region count");
	memset(s->r, 0, sizeof(s->r));
	s->rng = 0x243f6a8885a308d3ull ^ ((uint64_t)hd[4] << 8 | hd[5]);
	return true;
}

static unsigned long run(struct fz *f, unsigned long max_ops)
{
	static const struct fz_sessions sessions = {6, sizeof(struct rec), setup, one_call, NULL};

	S.f = f;
	S.trace = getenv("FZ_TRACE") != NULL;
	return fz_run_sessions(f, max_ops, &sessions, &S);
}

const struct fz_module fz_module_mpu = {"mpu", run};
