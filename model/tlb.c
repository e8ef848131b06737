/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TLB model (model/tlb.h): leaf and walk-cache entries, the watch list
 * and its fill, invalidation by address and by regime, barriers, and the
 * break-before-make, stale-entry and freed-table checks.
 *
 * Leaf entries are kept sorted by address with a running maximum of their
 * ends, so that "is this address covered?" is a binary search even when
 * entries overlap (which only a break-before-make violation produces).
 * Written from the Arm ARM only; it includes nothing from src/ or
 * include/armmap/.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model/tlb.h"

#define GRANULE 4096ull

typedef unsigned long long ull;

/* Walk-cache entry against the live tables. */
enum walk_state {
	W_MATCH,   /* the path still goes through the cached table */
	W_PENDING, /* the walk faults above it: an invalidation can be pending */
	W_DIFF,	   /* another table, or a valid block above it */
	W_GONE,	   /* same table, but it can no longer be read */
};

static void note(struct tlbm *t, const char *fmt, ...)
{
	va_list ap;

	if (t->first_error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(t->first_error, sizeof(t->first_error), fmt, ap);
	va_end(ap);
}

uint8_t tlbm_perms(const struct vmsa_result *r)
{
	return (uint8_t)((r->priv_r ? TLBM_P_PRIV_R : 0) | (r->priv_w ? TLBM_P_PRIV_W : 0) |
			 (r->priv_x ? TLBM_P_PRIV_X : 0) | (r->user_r ? TLBM_P_USER_R : 0) |
			 (r->user_w ? TLBM_P_USER_W : 0) | (r->user_x ? TLBM_P_USER_X : 0));
}

void tlbm_init(struct tlbm *t, const struct vmsa_cfg *cfg, vmsa_read_fn rd, void *ctx,
	       uint16_t asid_or_vmid)
{
	memset(t, 0, sizeof(*t));
	if (cfg)
		t->cfg = *cfg;
	t->rd = rd;
	t->ctx = ctx;
	t->id = asid_or_vmid;
	t->walk_faults = true;
	t->perm_in_place = true;
}

void tlbm_watch(struct tlbm *t, uint64_t va, uint64_t size, uint64_t stride)
{
	uint64_t n;

	if (!stride)
		stride = t->cfg.granule ? t->cfg.granule : GRANULE;
	if (!size)
		return;
	n = (size - 1) / stride + 1;
	if (va + size < va || t->nwatch >= TLBM_MAX_WATCH ||
	    n > TLBM_MAX_WATCH_ADDRS - t->watch_addrs) {
		t->model_errors++;
		note(t, "model: watch [%#llx, +%#llx) stride %#llx does not fit", (ull)va,
		     (ull)size, (ull)stride);
		return;
	}
	t->watch[t->nwatch++] = (struct tlbm_watch){va, size, stride};
	t->watch_addrs += n;
}

/* ------------------------------------------------------ leaf entries -- */

static void leaf_reindex(struct tlbm *t, unsigned int from)
{
	unsigned int i;

	for (i = from; i < t->nleaf; i++) {
		uint64_t end = t->leaf[i].va + t->leaf[i].size;
		uint64_t prev = i ? t->leaf_maxend[i - 1] : 0;

		t->leaf_maxend[i] = end > prev ? end : prev;
	}
}

/* The first leaf entry that starts above @addr. */
static unsigned int leaf_upper(const struct tlbm *t, uint64_t addr)
{
	unsigned int lo = 0, hi = t->nleaf;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (t->leaf[mid].va <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Covered by some entry? The entry that gives the running maximum starts at
 * or below @addr and ends above it, so [addr, *end) is all covered.
 */
static bool leaf_covered(const struct tlbm *t, uint64_t addr, uint64_t *end)
{
	unsigned int ub = leaf_upper(t, addr);

	if (!ub || t->leaf_maxend[ub - 1] <= addr)
		return false;
	*end = t->leaf_maxend[ub - 1];
	return true;
}

static bool leaf_add(struct tlbm *t, const struct vmsa_result *r, uint64_t addr)
{
	unsigned int pos;
	struct tlbm_leaf *e;

	if (t->nleaf >= TLBM_MAX_LEAF)
		return false;
	pos = leaf_upper(t, r->tlb_va);
	memmove(&t->leaf[pos + 1], &t->leaf[pos], (t->nleaf - pos) * sizeof(t->leaf[0]));
	t->nleaf++;
	e = &t->leaf[pos];
	e->va = r->tlb_va;
	e->size = r->tlb_size;
	e->pa = r->pa - (addr - r->tlb_va);
	e->attrs = r->pte & TLBM_ATTR_MASK;
	e->level = (uint8_t)r->level;
	e->perms = tlbm_perms(r);
	e->ng = r->ng;
	e->flags = 0;
	leaf_reindex(t, pos);
	return true;
}

const struct tlbm_leaf *tlbm_lookup(const struct tlbm *t, uint64_t va)
{
	unsigned int i;

	for (i = 0; i < t->nleaf; i++)
		if (t->leaf[i].va <= va && va - t->leaf[i].va < t->leaf[i].size)
			return &t->leaf[i];
	return NULL;
}

/* Does the walk @r of @probe give what @e caches (permissions aside if !@perms)? */
static bool same_translation(const struct tlbm_leaf *e, const struct vmsa_result *r, uint64_t probe,
			     bool perms)
{
	uint64_t mask = perms ? TLBM_ATTR_MASK : TLBM_ATTR_MASK & ~TLBM_PERM_MASK;

	return r->tlb_va == e->va && r->tlb_size == e->size && r->level == e->level &&
	       r->pa == e->pa + (probe - e->va) && (r->pte & mask) == (e->attrs & mask) &&
	       (!perms || tlbm_perms(r) == e->perms);
}

/*
 * Break-before-make for one leaf entry: probe the start of each leaf in its
 * span and its last granule. A valid walk that differs is a violation.
 */
static void check_leaf(struct tlbm *t, struct tlbm_leaf *e)
{
	const uint64_t gran = t->cfg.granule ? t->cfg.granule : GRANULE;
	uint64_t leaf = 1ull << vmsa_level_shift_g(t->cfg.granule, e->level);
	uint64_t n = e->size / leaf, j;
	struct vmsa_result r;

	for (j = 0; j <= n; j++) {
		uint64_t probe = j < n ? e->va + j * leaf : e->va + e->size - gran;

		if (j == n && leaf == gran)
			break; /* the last granule is the last leaf: probed */
		vmsa_walk_raw(&t->cfg, t->rd, t->ctx, probe, &r);
		if (r.fault != VMSA_OK || same_translation(e, &r, probe, !t->perm_in_place))
			continue;
		e->flags |= TLBM_E_BBM_COUNTED;
		t->bbm_violations++;
		note(t,
		     "bbm: va %#llx cached pa %#llx span %#llx L%u attrs %#llx%s, now pa %#llx "
		     "span %#llx L%u attrs %#llx",
		     (ull)probe, (ull)(e->pa + (probe - e->va)), (ull)e->size, e->level,
		     (ull)e->attrs, (e->flags & TLBM_E_DYING) ? " (dying)" : "", (ull)r.pa,
		     (ull)r.tlb_size, r.level, (ull)(r.pte & TLBM_ATTR_MASK));
		return;
	}
}

/* ------------------------------------------------ walk-cache entries -- */

static bool walk_is(const struct tlbm_walk *w, unsigned int level, uint64_t va, uint64_t pa)
{
	return w->level == level && w->va == va && w->pa == pa && !(w->flags & TLBM_E_DYING);
}

static bool walk_known(struct tlbm *t, unsigned int level, uint64_t va, uint64_t pa)
{
	unsigned int i = t->walk_hint[level];

	if (i < t->nwalk && walk_is(&t->walk[i], level, va, pa))
		return true;
	for (i = 0; i < t->nwalk; i++) {
		if (walk_is(&t->walk[i], level, va, pa)) {
			t->walk_hint[level] = i;
			return true;
		}
	}
	return false;
}

/* The non-root tables the walk @r of @addr read. */
static bool walks_add(struct tlbm *t, const struct vmsa_result *r, uint64_t addr)
{
	unsigned int nread = r->nlevels, i;

	if (r->fault == VMSA_F_EXTERNAL && nread)
		nread--; /* that table could not be read */
	for (i = 1; i < nread; i++) {
		unsigned int level = r->root_level + i;
		uint64_t size = 1ull << vmsa_level_shift_g(t->cfg.granule, level - 1);
		uint64_t va = addr & ~(size - 1);

		if (walk_known(t, level, va, r->table_pa[i]))
			continue;
		if (t->nwalk >= TLBM_MAX_WALK)
			return false;
		t->walk_hint[level] = t->nwalk;
		t->walk[t->nwalk++] =
			(struct tlbm_walk){va, size, r->table_pa[i], (uint8_t)level, 0};
	}
	return true;
}

static enum walk_state walk_state(struct tlbm *t, const struct tlbm_walk *w, uint64_t *now)
{
	struct vmsa_result r;
	unsigned int i;

	vmsa_walk_raw(&t->cfg, t->rd, t->ctx, w->va, &r);
	*now = 0;
	if (r.fault == VMSA_F_BAD_CFG || w->level <= r.root_level)
		return W_PENDING;
	i = w->level - r.root_level;
	if (r.nlevels > i) {
		*now = r.table_pa[i];
		if (r.table_pa[i] != w->pa)
			return W_DIFF;
		if (r.fault == VMSA_F_EXTERNAL && r.nlevels == i + 1)
			return W_GONE;
		return W_MATCH;
	}
	/* The walk stopped above the cached table: at a valid block, or a fault. */
	if (r.fault == VMSA_OK) {
		*now = r.pte;
		return W_DIFF;
	}
	return W_PENDING;
}

static void check_walk(struct tlbm *t, struct tlbm_walk *w)
{
	uint64_t now;

	if (walk_state(t, w, &now) != W_DIFF)
		return;
	w->flags |= TLBM_E_BBM_COUNTED;
	t->bbm_violations++;
	note(t, "bbm: walk cache L%u [%#llx, +%#llx) table %#llx%s, now %#llx", w->level,
	     (ull)w->va, (ull)w->size, (ull)w->pa, (w->flags & TLBM_E_DYING) ? " (dying)" : "",
	     (ull)now);
}

/* ------------------------------------------------------------ events -- */

static void check_all(struct tlbm *t)
{
	unsigned int i;

	t->events++;
	for (i = 0; i < t->nleaf; i++)
		if (!(t->leaf[i].flags & TLBM_E_BBM_COUNTED))
			check_leaf(t, &t->leaf[i]);
	for (i = 0; i < t->nwalk; i++)
		if (!(t->walk[i].flags & TLBM_E_BBM_COUNTED))
			check_walk(t, &t->walk[i]);
}

static bool bad_fault(enum vmsa_fault f)
{
	return f == VMSA_F_BAD_DESC || f == VMSA_F_CONTIG || f == VMSA_F_ADDR_SIZE ||
	       f == VMSA_F_EXTERNAL || f == VMSA_F_BAD_CFG;
}

/*
 * Where the next address that could walk differently starts, after a fault
 * of @addr: the end of the faulting descriptor's span (of the unreadable
 * table's span for an external abort); @end for a fault before any table.
 */
static uint64_t fault_skip(const struct tlbm *t, const struct vmsa_result *r, uint64_t addr,
			   uint64_t end)
{
	unsigned int level = r->level;
	uint64_t span;

	if (r->nlevels == 0)
		return end;
	if (r->fault == VMSA_F_EXTERNAL) {
		if (level == r->root_level)
			return end;
		level--;
	}
	span = 1ull << vmsa_level_shift_g(t->cfg.granule, level);
	return (addr & ~(span - 1)) + span;
}

/* The first address of the watch @w at or above @next (and above @addr). */
static uint64_t watch_next(const struct tlbm_watch *w, uint64_t next, uint64_t addr)
{
	uint64_t k;

	if (next <= addr)
		next = addr + 1;
	k = (next - w->va + w->stride - 1) / w->stride;
	return w->va + k * w->stride;
}

void tlbm_fill(struct tlbm *t)
{
	bool leaf_full = false, walk_full = false;
	struct vmsa_result r;
	unsigned int i;

	for (i = 0; i < t->nwatch && !leaf_full; i++) {
		const struct tlbm_watch *w = &t->watch[i];
		uint64_t addr = w->va, end = w->va + w->size;

		while (addr < end) {
			uint64_t next;

			if (!leaf_covered(t, addr, &next)) {
				vmsa_walk(&t->cfg, t->rd, t->ctx, addr, &r);
				if (r.fault == VMSA_OK) {
					if (!leaf_add(t, &r, addr)) {
						leaf_full = true;
						break;
					}
					next = r.tlb_va + r.tlb_size;
				} else {
					next = fault_skip(t, &r, addr, end);
				}
				if ((r.fault == VMSA_OK || t->walk_faults) &&
				    !walks_add(t, &r, addr))
					walk_full = true;
				if (bad_fault(r.fault)) {
					t->bad_walks++;
					note(t,
					     "bad walk: va %#llx %s fault at L%u, descriptor %#llx",
					     (ull)addr, vmsa_fault_name(r.fault), r.level,
					     (ull)r.pte);
				}
			}
			addr = watch_next(w, next, addr);
		}
	}
	if (leaf_full || walk_full) {
		t->model_errors++;
		note(t, "model: %s entries full", leaf_full ? "leaf" : "walk-cache");
	}
}

bool tlbm_range_decode(uint64_t op, struct tlbm_range *out)
{
	return tlbm_range_decode_ds(op, false, out);
}

bool tlbm_range_decode_ds(uint64_t op, bool ds, struct tlbm_range *out)
{
	unsigned int scale = (unsigned int)(op >> 44) & 3u, num = (unsigned int)(op >> 39) & 31u;
	/* TG: 1 4 KiB, 2 16 KiB, 3 64 KiB; BaseADDR and the count in its units */
	static const unsigned int tg_bits[4] = {0, 12, 14, 16};
	unsigned int g = tg_bits[(op >> 46) & 3u];

	if (!g)
		return false;
	out->asid = (uint16_t)(op >> 48);
	out->ttl = (unsigned int)(op >> 37) & 3u;
	out->va = (op & ((1ull << 37) - 1u)) << (ds ? 16u : g); /* DS: 64 KiB units */
	out->size = ((uint64_t)(num + 1u) << (5u * scale + 1u)) << g;
	return true;
}

static bool meets(uint64_t start, uint64_t size, const struct tlbm_range *r)
{
	/* by last addresses: a span may end at 2^64 (the upper VA range) */
	return start <= r->va + (r->size - 1) && r->va <= start + (size - 1);
}

void tlbm_tlbi_range(struct tlbm *t, int regime, uint16_t asid_or_vmid, const struct tlbm_range *r,
		     bool leaf_only)
{
	bool id_ok = regime == VMSA_S1_EL2 || regime == VMSA_S1_EL3 || asid_or_vmid == t->id;
	unsigned int i;

	check_all(t);
	if (regime == t->cfg.regime) {
		for (i = 0; i < t->nleaf; i++) {
			struct tlbm_leaf *e = &t->leaf[i];

			/* as by VA, global entries match any ASID */
			if (meets(e->va, e->size, r) && (!r->ttl || r->ttl == e->level) &&
			    (id_ok ||
			     ((regime == VMSA_S1_EL10 || regime == VMSA_S1_EL20) && !e->ng)))
				e->flags |= TLBM_E_DYING;
		}
		for (i = 0; i < t->nwalk && !leaf_only && id_ok; i++)
			if (meets(t->walk[i].va, t->walk[i].size, r))
				t->walk[i].flags |= TLBM_E_DYING;
	}
	tlbm_fill(t);
}

/* By VA: the range of that one address (no TTL hint). */
void tlbm_tlbi_va(struct tlbm *t, int regime, uint16_t asid_or_vmid, uint64_t va, bool leaf_only)
{
	struct tlbm_range r = {.va = va, .size = 1, .ttl = 0};

	tlbm_tlbi_range(t, regime, asid_or_vmid, &r, leaf_only);
}

void tlbm_tlbi_all(struct tlbm *t, int regime, uint16_t asid_or_vmid)
{
	unsigned int i;

	check_all(t);
	if (regime == t->cfg.regime &&
	    (regime == VMSA_S1_EL2 || regime == VMSA_S1_EL3 || asid_or_vmid == t->id)) {
		for (i = 0; i < t->nleaf; i++)
			/* TLBI ASIDE1 leaves global entries alone */
			if ((regime != VMSA_S1_EL10 && regime != VMSA_S1_EL20) || t->leaf[i].ng)
				t->leaf[i].flags |= TLBM_E_DYING;
		for (i = 0; i < t->nwalk; i++)
			t->walk[i].flags |= TLBM_E_DYING;
	}
	tlbm_fill(t);
}

void tlbm_tlbi_vmalle1(struct tlbm *t)
{
	unsigned int i;

	check_all(t);
	if (t->cfg.regime == VMSA_S1_EL10 || t->cfg.regime == VMSA_S1_EL20) {
		for (i = 0; i < t->nleaf; i++)
			t->leaf[i].flags |= TLBM_E_DYING;
		for (i = 0; i < t->nwalk; i++)
			t->walk[i].flags |= TLBM_E_DYING;
	}
	tlbm_fill(t);
}

static void drop_dying(struct tlbm *t)
{
	unsigned int i, n = 0;

	for (i = 0; i < t->nleaf; i++)
		if (!(t->leaf[i].flags & TLBM_E_DYING))
			t->leaf[n++] = t->leaf[i];
	t->nleaf = n;
	leaf_reindex(t, 0);
	n = 0;
	for (i = 0; i < t->nwalk; i++)
		if (!(t->walk[i].flags & TLBM_E_DYING))
			t->walk[n++] = t->walk[i];
	t->nwalk = n;
	memset(t->walk_hint, 0, sizeof(t->walk_hint));
}

void tlbm_barrier(struct tlbm *t, bool complete)
{
	check_all(t);
	if (complete)
		drop_dying(t);
	tlbm_fill(t);
}

void tlbm_free_table(struct tlbm *t, uint64_t pa)
{
	unsigned int i;

	check_all(t);
	for (i = 0; i < t->nwalk; i++) {
		const struct tlbm_walk *w = &t->walk[i];

		if (w->pa != pa)
			continue;
		t->freed_in_use++;
		note(t, "freed in use: table %#llx still cached%s for L%u [%#llx, +%#llx)", (ull)pa,
		     (w->flags & TLBM_E_DYING) ? " (dying)" : "", w->level, (ull)w->va,
		     (ull)w->size);
		break;
	}
	tlbm_fill(t);
}

int tlbm_check_end(struct tlbm *t)
{
	struct vmsa_result r;
	unsigned int i;
	int n = 0;

	for (i = 0; i < t->nleaf; i++) {
		struct tlbm_leaf *e = &t->leaf[i];

		vmsa_walk(&t->cfg, t->rd, t->ctx, e->va, &r);
		if (r.fault == VMSA_OK && same_translation(e, &r, e->va, true))
			continue;
		n++;
		if (e->flags & TLBM_E_STALE_COUNTED)
			continue;
		e->flags |= TLBM_E_STALE_COUNTED;
		t->stale++;
		note(t, "stale: va %#llx span %#llx cached pa %#llx L%u%s; walk now: %s, pa %#llx",
		     (ull)e->va, (ull)e->size, (ull)e->pa, e->level,
		     (e->flags & TLBM_E_DYING) ? " (dying)" : "", vmsa_fault_name(r.fault),
		     (ull)r.pa);
	}
	for (i = 0; i < t->nwalk; i++) {
		struct tlbm_walk *w = &t->walk[i];
		uint64_t now;

		if (walk_state(t, w, &now) == W_MATCH)
			continue;
		n++;
		if (w->flags & TLBM_E_STALE_COUNTED)
			continue;
		w->flags |= TLBM_E_STALE_COUNTED;
		t->stale++;
		note(t, "stale: walk cache L%u [%#llx, +%#llx) table %#llx%s, now %#llx", w->level,
		     (ull)w->va, (ull)w->size, (ull)w->pa,
		     (w->flags & TLBM_E_DYING) ? " (dying)" : "", (ull)now);
	}
	return n;
}

void tlbm_reset_counts(struct tlbm *t)
{
	unsigned int i;
	const uint8_t keep = (uint8_t) ~(TLBM_E_BBM_COUNTED | TLBM_E_STALE_COUNTED);

	t->bbm_violations = 0;
	t->stale = 0;
	t->freed_in_use = 0;
	t->model_errors = 0;
	t->bad_walks = 0;
	t->events = 0;
	t->first_error[0] = '\0';
	for (i = 0; i < t->nleaf; i++)
		t->leaf[i].flags &= keep;
	for (i = 0; i < t->nwalk; i++)
		t->walk[i].flags &= keep;
}

void tlbm_flush(struct tlbm *t)
{
	t->nleaf = 0;
	t->nwalk = 0;
	memset(t->walk_hint, 0, sizeof(t->walk_hint));
}
