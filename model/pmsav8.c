/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PMSAv8 MPU model (model/pmsav8.h): register decoding for the three
 * flavours, the access check, MAIR decoding and the write-sequence watchers.
 *
 * Written from the architecture only; it includes nothing from src/ or
 * include/armmap/. Register values are kept exactly as written; only the
 * fields below are interpreted, everything else (PXN, NS, RES0 bits) is
 * ignored.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "model/pmsav8.h"

/* Field layout of one flavour's base/limit register pair. */
struct pmsa_layout {
	uint64_t addr_mask; /* BASE/LIMIT bits, in place */
	uint64_t gran_bits; /* low bits of the inclusive limit forced to ones */
	unsigned int sh_shift;
	unsigned int ap_shift;
	uint64_t xn_bit; /* the execute-never bit that applies */
};

static const struct pmsa_layout layouts[] = {
	/* PRBAR_EL2/PRLAR_EL2: BASE/LIMIT [47:6], SH [5:4], AP [3:2], XN[1] */
	[PMSA_V8R_AARCH64] = {0x0000ffffffffffc0ull, 0x3f, 4, 2, 1ull << 1},
	/* HPRBAR/HPRLAR: BASE/LIMIT [31:6], SH [4:3], AP [2:1], XN [0] */
	[PMSA_V8R_AARCH32] = {0x00000000ffffffc0ull, 0x3f, 3, 1, 1ull << 0},
	/* RBAR/RLAR: BASE/LIMIT [31:5], SH [4:3], AP [2:1], XN [0] */
	[PMSA_V8M] = {0x00000000ffffffe0ull, 0x1f, 3, 1, 1ull << 0},
};

#define PMSA_LAR_EN 1ull
#define PMSA_AP_ANY_EL 1u /* AP[1]: accessible at any level */
#define PMSA_AP_RO 2u	  /* AP[2]: read-only */

static const struct pmsa_layout *layout_of(const struct pmsa_model *m)
{
	unsigned int f = (unsigned int)m->flavour;

	if (f >= sizeof(layouts) / sizeof(layouts[0]))
		f = PMSA_V8M;
	return &layouts[f];
}

static bool region_enabled(const struct pmsa_model *m, unsigned int idx)
{
	return (m->rlar[idx] & PMSA_LAR_EN) != 0;
}

static uint64_t region_base(const struct pmsa_model *m, unsigned int idx)
{
	return m->rbar[idx] & layout_of(m)->addr_mask;
}

static uint64_t region_limit(const struct pmsa_model *m, unsigned int idx)
{
	const struct pmsa_layout *l = layout_of(m);

	return (m->rlar[idx] & l->addr_mask) | l->gran_bits;
}

static unsigned int region_nr(const struct pmsa_model *m)
{
	return m->nregions > PMSA_MAX_REGIONS ? PMSA_MAX_REGIONS : m->nregions;
}

void pmsa_init(struct pmsa_model *m, enum pmsa_flavour f, unsigned int nregions)
{
	memset(m, 0, sizeof(*m));
	m->flavour = f;
	m->nregions = nregions > PMSA_MAX_REGIONS ? PMSA_MAX_REGIONS : nregions;
}

/* Enabled region with a non-empty range (base <= limit) that matches addr. */
static bool region_matches(const struct pmsa_model *m, unsigned int idx, uint64_t addr)
{
	return region_enabled(m, idx) && region_base(m, idx) <= addr &&
	       addr <= region_limit(m, idx);
}

static bool regions_overlap(const struct pmsa_model *m, unsigned int a, unsigned int b)
{
	uint64_t ba, la, bb, lb;

	if (!region_enabled(m, a) || !region_enabled(m, b))
		return false;
	ba = region_base(m, a);
	la = region_limit(m, a);
	bb = region_base(m, b);
	lb = region_limit(m, b);
	if (ba > la || bb > lb)
		return false; /* an empty region matches nothing */
	return ba <= lb && bb <= la;
}

struct span {
	uint64_t base;
	uint64_t limit;
};

static void sift_down(struct span *s, unsigned int root, unsigned int n)
{
	for (;;) {
		unsigned int child = 2 * root + 1;
		struct span t;

		if (child >= n)
			return;
		if (child + 1 < n && s[child + 1].base > s[child].base)
			child++;
		if (s[root].base >= s[child].base)
			return;
		t = s[root];
		s[root] = s[child];
		s[child] = t;
		root = child;
	}
}

/*
 * Sort the enabled, non-empty regions by base (heapsort) and sweep: two
 * regions overlap iff some base is <= the largest limit seen before it.
 * O(n log n).
 */
bool pmsa_any_overlap(const struct pmsa_model *m)
{
	struct span s[PMSA_MAX_REGIONS];
	unsigned int n = 0, nr = region_nr(m), i;
	uint64_t max_limit;

	for (i = 0; i < nr; i++) {
		if (!region_enabled(m, i))
			continue;
		s[n].base = region_base(m, i);
		s[n].limit = region_limit(m, i);
		if (s[n].base <= s[n].limit)
			n++;
	}
	if (n < 2)
		return false;

	for (i = n / 2; i-- > 0;)
		sift_down(s, i, n);
	for (i = n - 1; i > 0; i--) {
		struct span t = s[0];

		s[0] = s[i];
		s[i] = t;
		sift_down(s, 0, i);
	}

	max_limit = s[0].limit;
	for (i = 1; i < n; i++) {
		if (s[i].base <= max_limit)
			return true;
		if (s[i].limit > max_limit)
			max_limit = s[i].limit;
	}
	return false;
}

/* After a write to @idx: does any pair of enabled regions overlap? */
static bool overlap_after_write(const struct pmsa_model *m, unsigned int idx)
{
	unsigned int nr = region_nr(m), i;

	/* Fast path, O(n): the written region against the others. */
	for (i = 0; i < nr; i++)
		if (i != idx && regions_overlap(m, idx, i))
			return true;
	/* An overlap among the others may still be there. */
	return pmsa_any_overlap(m);
}

static void note_write(struct pmsa_model *m, unsigned int idx)
{
	m->writes++;
	m->unsynced++;
	if (overlap_after_write(m, idx))
		m->overlap_events++;
}

void pmsa_write_region(struct pmsa_model *m, unsigned int idx, uint64_t rbar, uint64_t rlar)
{
	if (idx >= region_nr(m)) {
		m->bad_writes++;
		return;
	}
	m->rbar[idx] = rbar;
	note_write(m, idx);
	m->rlar[idx] = rlar;
	note_write(m, idx);
}

void pmsa_write_mair(struct pmsa_model *m, uint64_t mair)
{
	m->mair = mair;
}

void pmsa_sync(struct pmsa_model *m)
{
	m->syncs++;
	m->unsynced = 0;
}

/* Normal memory cache policy of one MAIR nibble (outer or inner). */
enum nibble_policy { POL_BAD, POL_NC, POL_WT, POL_WB };

static enum nibble_policy nibble_policy(unsigned int n)
{
	if (n == 0x4)
		return POL_NC;
	if ((n & 0xc) == 0x0)
		return (n & 0x3) ? POL_WT : POL_BAD; /* 0b00RW: WT transient */
	if ((n & 0xc) == 0x4)
		return POL_WB; /* 0b01RW, RW != 00 */
	if ((n & 0xc) == 0x8)
		return POL_WT; /* 0b10RW */
	return POL_WB;	       /* 0b11RW */
}

static enum pmsa_memtype decode_attr(uint64_t mair, unsigned int attrindx)
{
	unsigned int attr = (unsigned int)(mair >> (8 * attrindx)) & 0xff;
	unsigned int outer = attr >> 4, inner = attr & 0xf;
	enum nibble_policy po, pi;

	if (outer == 0) {
		switch (inner) {
		case 0x0:
			return PMSA_MT_DEVICE_nGnRnE;
		case 0x4:
			return PMSA_MT_DEVICE_nGnRE;
		case 0x8:
			return PMSA_MT_DEVICE_nGRE;
		case 0xc:
			return PMSA_MT_DEVICE_GRE;
		default:
			return PMSA_MT_OTHER;
		}
	}
	po = nibble_policy(outer);
	pi = nibble_policy(inner);
	if (po != pi || po == POL_BAD)
		return PMSA_MT_OTHER;
	if (po == POL_NC)
		return PMSA_MT_NORMAL_NC;
	return po == POL_WT ? PMSA_MT_NORMAL_WT : PMSA_MT_NORMAL_WB;
}

struct pmsa_result pmsa_access(const struct pmsa_model *m, uint64_t addr, enum pmsa_access kind,
			       bool priv)
{
	const struct pmsa_layout *l = layout_of(m);
	struct pmsa_result r = {PMSA_FAULT_NO_REGION, -1, PMSA_MT_OTHER, 0};
	unsigned int nr = region_nr(m), i, hits = 0, hit = 0, ap;
	uint64_t rbar;
	bool ok;

	for (i = 0; i < nr; i++) {
		if (region_matches(m, i, addr)) {
			if (++hits > 1) {
				r.fault = PMSA_FAULT_MULTI;
				return r;
			}
			hit = i;
		}
	}

	if (hits == 0) {
		if (priv && m->background) {
			r.fault = PMSA_OK;
			r.mtype = PMSA_MT_NORMAL_WB;
		}
		return r;
	}

	rbar = m->rbar[hit];
	ap = (unsigned int)(rbar >> l->ap_shift) & 3;
	r.region = (int)hit;
	r.sh = (unsigned int)(rbar >> l->sh_shift) & 3;
	r.mtype = decode_attr(m->mair, (unsigned int)(m->rlar[hit] >> 1) & 7);

	ok = priv || (ap & PMSA_AP_ANY_EL); /* read permission at this level */
	if (kind == PMSA_WRITE && (ap & PMSA_AP_RO))
		ok = false;
	if (kind == PMSA_EXEC && (rbar & l->xn_bit))
		ok = false;
	r.fault = ok ? PMSA_OK : PMSA_FAULT_PERM;
	return r;
}

bool pmsa_region_bounds(const struct pmsa_model *m, unsigned int idx, uint64_t *base,
			uint64_t *limit_incl)
{
	if (idx >= region_nr(m) || !region_enabled(m, idx))
		return false;
	if (base)
		*base = region_base(m, idx);
	if (limit_incl)
		*limit_incl = region_limit(m, idx);
	return true;
}

unsigned int pmsa_enabled_count(const struct pmsa_model *m)
{
	unsigned int nr = region_nr(m), i, n = 0;

	for (i = 0; i < nr; i++)
		if (region_enabled(m, i))
			n++;
	return n;
}
