/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The guest side of the MMIO guard: the firmware's memory tracker. Bounded
 * lists of RAM and MMIO regions over a stage-1 table built with the engine;
 * device memory mapped lazily (parked descriptors with the lazy software
 * bit), a granule guarded and made valid on its first fault, and unguarded
 * again, exactly those, by am_mmio_unmap_all().
 */
#include <armmap/errors.h>
#include <armmap/mmio_guard.h>

#include "../core/internal.h"

#define LOG(t, ev, msg, x, y, z) \
	AM_LOG_CALL(msg, tlog(t, AM_LE(AM_LOG_ERR, ev), x, y, z AM_LOG_MSG(msg)))

/*
 * The tracker's own records go through its table's log hook, under the
 * table's lock as every record of that hook is (the tracker never holds
 * that lock itself: the table calls take and release it). The hook and
 * its ctx come from the table's accessor, am_pt_env(); a table that is
 * no longer ready has none: the fallback hook.
 */
static void tlog(const struct am_mmio_tracker *t, unsigned int le, uint64_t x, uint64_t y,
		 uint64_t z AM_LOG_MSG_PARAM)
{
	void *ctx = NULL;
	const struct am_env *env = am_pt_env(t->c.pt, &ctx);

	if (!env) {
		am_log_fallback_(le, x, y, z AM_LOG_MSG(msg));
		return;
	}
	am_env_lock(env, ctx);
	am_log_(env, ctx, le, x, y, z AM_LOG_MSG(msg));
	am_env_unlock(env, ctx);
}

/* Every call starts here: a NULL, zeroed or failed-init tracker is refused. */
static bool tracker_ok(const struct am_mmio_tracker *t)
{
	return am_ready_check(t, t ? t->ready : 0, AM_READY_TRACKER,
			      "tracker: NULL or uninitialised (never, or init failed)");
}

static int64_t hyp(struct am_mmio_tracker *t, uint32_t fid, uint64_t arg)
{
	return t->c.hyp.call(t->c.hyp.ctx, fid, arg);
}

/* Init's refusals: through the table's log hook when the table is ready. */
static int init_refuse(const struct am_mmio_tracker_config *cfg, int rc, const char *msg,
		       uint64_t a, uint64_t b)
{
	void *ctx = NULL;
	const struct am_env *env = am_pt_env(cfg ? cfg->pt : NULL, &ctx);

	return am_init_refuse(env, ctx, rc, msg, a, b, 0);
}

int am_mmio_tracker_init(struct am_mmio_tracker *t, const struct am_mmio_tracker_config *cfg)
{
	const struct am_mmio_abi *abi;
	int64_t g;

	if (t)
		t->ready = 0; /* a failed init leaves a tracker every call refuses */
	if (!t || !cfg || !am_pt_env(cfg->pt, NULL) || !cfg->abi || !cfg->hyp.call)
		return init_refuse(cfg, AM_EINVAL,
				   "tracker init: NULL tracker or config, no ready table, no ABI "
				   "or no transport",
				   (uint64_t)(uintptr_t)t, (uint64_t)(uintptr_t)cfg);
	if (am_va_val(cfg->lo) >= am_va_val(cfg->hi) ||
	    ((am_va_val(cfg->lo) | am_va_val(cfg->hi)) & (am_pt_granule(cfg->pt) - 1u)))
		return init_refuse(cfg, AM_EINVAL,
				   "tracker init: the space is empty or not page aligned",
				   am_va_val(cfg->lo), am_va_val(cfg->hi));
	if (!cfg->ram_cap || !cfg->ram || !cfg->mmio_cap || !cfg->mmio)
		return init_refuse(cfg, AM_EINVAL, "tracker init: no storage for a list",
				   cfg->ram_cap, cfg->mmio_cap);
	abi = cfg->abi;
	t->c = *cfg;
	t->nr_ram = t->nr_mmio = 0;
	t->guarded = t->map_calls = 0;
	t->nr_pending = 0;
	if (!abi->info && !abi->meminfo)
		return init_refuse(cfg, AM_ENOTSUP, "tracker init: the ABI has no INFO nor MEMINFO",
				   0, 0);
	g = hyp(t, abi->info ? abi->info : abi->meminfo, 0);
	if (g != 4096 && g != 16384 && g != 65536) /* NOT_SUPPORTED, or one we do not handle */
		return init_refuse(
			cfg, AM_ENOTSUP,
			"tracker init: no MMIO guard, or a granule other than 4, 16 or 64 KiB",
			(uint64_t)g, 0);
	/* the guest's pages are its table's granule: a guard granule smaller
	 * than a page could not be mapped on its own */
	if ((uint64_t)g < am_pt_granule(cfg->pt))
		return init_refuse(cfg, AM_ENOTSUP,
				   "tracker init: the guard granule is smaller than the table's",
				   (uint64_t)g, am_pt_granule(cfg->pt));
	t->granule = (uint64_t)g;
	t->page = am_pt_granule(cfg->pt);
	if (abi->enroll && hyp(t, abi->enroll, 0) != AM_SMCCC_SUCCESS)
		return init_refuse(cfg, AM_ENOTSUP, "tracker init: the hypervisor refused ENROLL",
				   0, 0);
	t->ready = AM_READY_TRACKER;
	return 0;
}

static bool overlaps(const struct am_mem_region *r, unsigned int n, uint64_t b, uint64_t l)
{
	for (unsigned int i = 0; i < n; i++)
		if (b < r[i].limit && r[i].base < l)
			return true;
	return false;
}

static int add(struct am_mmio_tracker *t, uint64_t base, uint64_t size, enum am_mem_kind kind)
{
	static const struct am_attr dev = AM_ATTR_DEVICE;
	bool mmio = kind == AM_MEM_MMIO;
	struct am_mem_region *list = mmio ? t->c.mmio : t->c.ram;
	unsigned int *nr = mmio ? &t->nr_mmio : &t->nr_ram;
	unsigned int cap = mmio ? t->c.mmio_cap : t->c.ram_cap;
	uint64_t limit = base + size;
	int rc = 0;

	const char *why = NULL;

	if (!size || ((base | size) & (t->page - 1u)) || limit < base) {
		rc = AM_EINVAL;
		why = "tracker: region empty, not page aligned, or wrapping";
	} else if (base < am_va_val(t->c.lo) || limit > am_va_val(t->c.hi)) {
		rc = AM_ERANGE;
		why = "tracker: region outside the tracked space";
	} else if (overlaps(t->c.ram, t->nr_ram, base, limit) ||
		   overlaps(t->c.mmio, t->nr_mmio, base, limit)) {
		rc = AM_EBUSY;
		why = "tracker: region overlaps a tracked region";
	} else if (*nr == cap) {
		rc = AM_ENOSPC;
		why = "tracker: the region list is full";
	}
	if (rc) {
		LOG(t, AM_EV_BAD_RANGE, why, base, size, (uint64_t)-rc);
		return rc;
	}
	if (mmio)
		rc = am_pt_map(t->c.pt, am_va(base), am_pa(base), size, &dev,
			       AM_PT_F_PARKED | AM_PT_F_BLOCK | AM_PT_F_SW(AM_MMIO_SW_LAZY));
	else
		rc = am_pt_map(t->c.pt, am_va(base), am_pa(base), size,
			       kind == AM_MEM_RW ? &AM_ATTR_RW_DATA : &AM_ATTR_RO_DATA,
			       AM_PT_F_BLOCK);
	if (rc) /* the table engine logged why, through the same hook */
		return rc;
	list[*nr].base = base;
	list[*nr].limit = limit;
	list[*nr].kind = (uint8_t)kind;
	(*nr)++;
	return 0;
}

int am_mmio_add_ram(struct am_mmio_tracker *t, am_vaddr_t base, uint64_t size, bool writable)
{
	if (!tracker_ok(t))
		return AM_EINVAL;
	return add(t, am_va_val(base), size, writable ? AM_MEM_RW : AM_MEM_RO);
}

int am_mmio_add_device(struct am_mmio_tracker *t, am_vaddr_t base, uint64_t size)
{
	if (!tracker_ok(t))
		return AM_EINVAL;
	return add(t, am_va_val(base), size, AM_MEM_MMIO);
}

static const struct am_mem_region *mmio_of(const struct am_mmio_tracker *t, uint64_t a)
{
	for (unsigned int i = 0; i < t->nr_mmio; i++)
		if (a >= t->c.mmio[i].base && a < t->c.mmio[i].limit)
			return &t->c.mmio[i];
	return NULL;
}

/* The part [*lo, *hi) of device @i in granule @g; false when empty. */
static bool in_granule(const struct am_mmio_tracker *t, unsigned int i, uint64_t g, uint64_t *lo,
		       uint64_t *hi)
{
	const struct am_mem_region *r = &t->c.mmio[i];

	*lo = g > r->base ? g : r->base;
	*hi = g + t->granule < r->limit ? g + t->granule : r->limit;
	return *lo < *hi;
}

/*
 * Give every tracked device page of granule @g the device attributes and
 * @flags: parked or valid, with the software bits they say.
 */
static int granule_set(struct am_mmio_tracker *t, uint64_t g, unsigned int flags)
{
	static const struct am_attr dev = AM_ATTR_DEVICE;

	for (unsigned int i = 0; i < t->nr_mmio; i++) {
		uint64_t lo, hi;
		int rc;

		if (!in_granule(t, i, g, &lo, &hi))
			continue;
		rc = am_pt_modify(t->c.pt, am_va(lo), hi - lo, &dev, flags);
		if (rc)
			return rc;
	}
	return 0;
}

#define LAZY_PARKED (AM_PT_F_PARKED | AM_PT_F_SW(AM_MMIO_SW_LAZY))
#define LAZY_GUARDED AM_PT_F_SW(AM_MMIO_SW_LAZY | AM_MMIO_SW_GUARDED)

static int pending_at(const struct am_mmio_tracker *t, uint64_t g)
{
	for (unsigned int i = 0; i < t->nr_pending; i++)
		if (t->pending[i] == g)
			return (int)i;
	return -1;
}

static void pending_drop(struct am_mmio_tracker *t, int i)
{
	if (i >= 0)
		t->pending[i] = t->pending[--t->nr_pending];
}

/*
 * The valid tracked device pages of granule @g. With @park, each is parked
 * (lazy, unguarded): only those, since the pages of a granule guarded at a
 * fault were split to pages then, so parking them needs no table page,
 * and pages still parked (a pending granule's, in a lazy block) are left
 * alone, not split for nothing; returns 0 or the table's error. Without,
 * returns 1 when one of them carries AM_MMIO_SW_GUARDED: the granule is
 * guarded by this tracker already (a device added into a guarded granule
 * has its pages parked lazy like any other, and that granule must not be
 * guarded, and counted, a second time), else 0.
 */
static int granule_valid_pages(struct am_mmio_tracker *t, uint64_t g, bool park)
{
	static const struct am_attr dev = AM_ATTR_DEVICE;

	for (unsigned int i = 0; i < t->nr_mmio; i++) {
		uint64_t lo, hi;

		if (!in_granule(t, i, g, &lo, &hi))
			continue;
		for (uint64_t a = lo; a < hi; a += t->page) {
			struct am_pt_leaf l;
			int rc;

			if (am_pt_query(t->c.pt, am_va(a), &l) || !l.valid)
				continue;
			if (!park) {
				if (l.sw & AM_MMIO_SW_GUARDED)
					return 1;
				continue;
			}
			rc = am_pt_modify(t->c.pt, am_va(a), t->page, &dev, LAZY_PARKED);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Unguard granule @g, count it, and park whatever of it is valid. */
static int unguard(struct am_mmio_tracker *t, uint64_t g, int *n)
{
	int64_t ret = hyp(t, t->c.abi->unmap, g);

	if (ret != AM_SMCCC_SUCCESS) {
		LOG(t, AM_EV_NOT_EXPRESSIBLE, "tracker: the hypervisor refused MMIO_GUARD_UNMAP", g,
		    (uint64_t)ret, 0);
		return AM_EPERM;
	}
	t->guarded--;
	if (n)
		(*n)++;
	/* every valid tracked page of the granule, whichever device: lazy again */
	if (granule_valid_pages(t, g, true))
		LOG(t, AM_EV_INTERNAL, "tracker: could not park an unguarded granule", g, 0, 0);
	return 0;
}

int am_mmio_handle_fault(struct am_mmio_tracker *t, am_vaddr_t fault)
{
	uint64_t addr = am_va_val(fault);
	struct am_pt_leaf l;
	uint64_t g;
	int rc, p;

	if (!tracker_ok(t))
		return AM_EINVAL;
	if (!mmio_of(t, addr) || am_pt_query(t->c.pt, fault, &l) || l.valid ||
	    !(l.sw & AM_MMIO_SW_LAZY)) {
		LOG(t, AM_EV_NOT_FOUND, "tracker: no lazy invalid PTE at the fault", addr, 0, 0);
		return AM_ENOENT;
	}
	g = addr & ~(t->granule - 1u);
	p = pending_at(t, g);
	if (p < 0 && t->granule > t->page && granule_valid_pages(t, g, false) == 1) {
		/* guarded with another page of it: only this device's pages are new */
		return granule_set(t, g, LAZY_GUARDED);
	}
	if (p < 0 && t->nr_pending == AM_MMIO_PENDING) {
		/*
		 * No room to remember a granule guarded but not made valid: split
		 * its blocks before guarding it (parked stays parked, the
		 * translations do not change), so that making it valid after the
		 * MAP needs no table page. Out of pages: nothing is guarded.
		 */
		rc = granule_set(t, g, LAZY_PARKED);
		if (rc)
			return rc;
	}
	if (p < 0) {
		int64_t ret = hyp(t, t->c.abi->map, g);

		t->map_calls++;
		if (ret != AM_SMCCC_SUCCESS) {
			LOG(t, AM_EV_NOT_EXPRESSIBLE,
			    "tracker: the hypervisor refused MMIO_GUARD_MAP", g, (uint64_t)ret, 0);
			return AM_EPERM;
		}
		t->guarded++;
	}
	rc = granule_set(t, g, LAZY_GUARDED);
	if (!rc) {
		pending_drop(t, p);
		return 0;
	}
	if (p < 0 && t->nr_pending < AM_MMIO_PENDING)
		t->pending[t->nr_pending++] = g; /* guarded, not mapped: remember */
	else if (p < 0)
		(void)unguard(t, g, NULL); /* nowhere to remember it: give it back */
	return rc;
}

/*
 * am_mmio_unmap_all(): walks of the table over the device ranges
 * (am_pt_park_walk()), each parking the valid guarded pages it meets (lazy
 * again) and queueing their granules, up to UNGUARD_BATCH of them; a
 * granule is unguarded (MMIO_GUARD_UNMAP) only after the walk returned, so
 * once its pages' invalidations have completed: no CPU can reach a device
 * page through a stale TLB entry after the hypervisor stopped guarding it.
 * With no more than UNGUARD_BATCH granules guarded, one walk. The pending
 * granules (guarded, never made valid: nothing cached) are unguarded first.
 * After a refusal no granule is unguarded any more: the refused one and
 * those queued after it get their pages back, valid and guarded, as they
 * were.
 */
#define UNGUARD_BATCH 64u
#define UNGUARD_STOP 2 /* the queue is full: the walk stops, to go on after the calls */

struct unmap_all {
	struct am_mmio_tracker *t;
	uint64_t done[AM_MMIO_PENDING]; /* pending granules unguarded before the walk */
	unsigned int ndone;
	uint64_t q[UNGUARD_BATCH]; /* granules parked by this walk, to unguard after it */
	unsigned int nq;
	uint64_t resume; /* where the next walk starts, after a stop */
	bool refused;	 /* the hypervisor refused an UNMAP: no more */
	uint64_t refused_g;
	int64_t refused_ret;
	int n; /* granules unguarded */
};

static bool unguarded_pending(const struct unmap_all *u, uint64_t g)
{
	for (unsigned int i = 0; i < u->ndone; i++)
		if (u->done[i] == g)
			return true;
	return false;
}

/* MMIO_GUARD_UNMAP of @g; the refusal is logged by the caller. */
static bool unguard_call(struct unmap_all *u, uint64_t g)
{
	int64_t ret = hyp(u->t, u->t->c.abi->unmap, g);

	if (ret != AM_SMCCC_SUCCESS) {
		u->refused = true;
		u->refused_g = g;
		u->refused_ret = ret;
		return false;
	}
	u->t->guarded--;
	u->n++;
	return true;
}

/* A leaf of the walk: a valid guarded page is parked lazy, its granule
 * queued (once: a granule's pages come one after the other). */
static int unguard_leaf(void *arg, const struct am_pt_leaf *l, unsigned int *sw)
{
	struct unmap_all *u = arg;
	struct am_mmio_tracker *t = u->t;
	uint64_t va = am_va_val(l->va);
	uint64_t g = va & ~(t->granule - 1u);

	if (!l->valid || !(l->sw & AM_MMIO_SW_GUARDED) || !mmio_of(t, va))
		return 0;
	if (!unguarded_pending(u, g) && !(u->nq && u->q[u->nq - 1] == g)) {
		if (u->nq == UNGUARD_BATCH) {
			u->resume = va;
			return UNGUARD_STOP;
		}
		u->q[u->nq++] = g;
	}
	*sw = AM_PT_F_SW_OF(LAZY_PARKED);
	return AM_PT_PARK;
}

/* The walk returned (its invalidations completed): unguard what it queued.
 * After a refusal, the refused granule and the rest get their pages back. */
static void unguard_queued(struct unmap_all *u)
{
	for (unsigned int i = 0; i < u->nq; i++) {
		if (!u->refused && unguard_call(u, u->q[i]))
			continue;
		if (granule_set(u->t, u->q[i], LAZY_GUARDED))
			LOG(u->t, AM_EV_INTERNAL, "tracker: a refused granule's pages not restored",
			    u->q[i], 0, 0);
	}
	u->nq = 0;
}

int am_mmio_unmap_all(struct am_mmio_tracker *t)
{
	struct unmap_all u = {.t = t};
	uint64_t lo = ~(uint64_t)0, hi = 0;
	int rc;

	if (!tracker_ok(t))
		return AM_EINVAL;
	if (!t->c.abi->unmap) {
		LOG(t, AM_EV_NOT_EXPRESSIBLE, "tracker: the ABI has no MMIO_GUARD_UNMAP", 0, 0, 0);
		return AM_ENOTSUP;
	}
	/* guarded but never made valid: unguarded first, their pages stay parked */
	while (t->nr_pending && !u.refused) {
		uint64_t g = t->pending[t->nr_pending - 1];

		if (!unguard_call(&u, g))
			break;
		u.done[u.ndone++] = g;
		t->nr_pending--;
	}
	for (unsigned int i = 0; i < t->nr_mmio; i++) {
		lo = t->c.mmio[i].base < lo ? t->c.mmio[i].base : lo;
		hi = t->c.mmio[i].limit > hi ? t->c.mmio[i].limit : hi;
	}
	for (u.resume = lo; u.resume < hi && !u.refused;) {
		rc = am_pt_park_walk(t->c.pt, am_va(u.resume), hi - u.resume, unguard_leaf, &u);
		if (rc && rc != UNGUARD_STOP)
			LOG(t, AM_EV_INTERNAL, "tracker: the walk of the device ranges failed",
			    u.resume, hi, 0);
		unguard_queued(&u);
		if (rc != UNGUARD_STOP)
			break;
	}
	if (u.refused) {
		LOG(t, AM_EV_NOT_EXPRESSIBLE, "tracker: the hypervisor refused MMIO_GUARD_UNMAP",
		    u.refused_g, (uint64_t)u.refused_ret, 0);
		return AM_EPERM;
	}
	return u.n;
}
