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

#define PAGE 4096u
#define LOG(t, ev, msg, x, y, z) \
	am_env_log(&(t)->c.pt->ops->env, (t)->c.pt->ctx, AM_LOG_ERR, ev, msg, x, y, z)

static int64_t hyp(struct am_mmio_tracker *t, uint32_t fid, uint64_t arg)
{
	return t->c.hyp.call(t->c.hyp.ctx, fid, arg);
}

int am_mmio_tracker_init(struct am_mmio_tracker *t, const struct am_mmio_tracker_config *cfg)
{
	const struct am_mmio_abi *abi;
	int64_t g;

	if (!t || !cfg || !cfg->pt || !cfg->abi || !cfg->hyp.call || cfg->lo >= cfg->hi ||
	    ((cfg->lo | cfg->hi) & (PAGE - 1u)) || !cfg->ram_cap || !cfg->ram || !cfg->mmio_cap ||
	    !cfg->mmio)
		return AM_EINVAL;
	abi = cfg->abi;
	t->c = *cfg;
	t->nr_ram = t->nr_mmio = 0;
	t->guarded = t->map_calls = 0;
	t->nr_pending = 0;
	if (!abi->info && !abi->meminfo)
		return AM_ENOTSUP;
	g = hyp(t, abi->info ? abi->info : abi->meminfo, 0);
	if (g != 4096 && g != 16384)
		return AM_ENOTSUP; /* NOT_SUPPORTED, or a granule we do not handle */
	t->granule = (uint64_t)g;
	if (abi->enroll && hyp(t, abi->enroll, 0) != AM_SMCCC_SUCCESS)
		return AM_ENOTSUP;
	return 0;
}

static bool overlaps(const struct am_mem_region *r, unsigned int n, am_vaddr_t b, am_vaddr_t l)
{
	for (unsigned int i = 0; i < n; i++)
		if (b < r[i].limit && r[i].base < l)
			return true;
	return false;
}

static int add(struct am_mmio_tracker *t, am_vaddr_t base, uint64_t size, enum am_mem_kind kind)
{
	static const struct am_attr dev = AM_ATTR_DEVICE;
	bool mmio = kind == AM_MEM_MMIO;
	struct am_mem_region *list = mmio ? t->c.mmio : t->c.ram;
	unsigned int *nr = mmio ? &t->nr_mmio : &t->nr_ram;
	unsigned int cap = mmio ? t->c.mmio_cap : t->c.ram_cap;
	am_vaddr_t limit = base + size;
	int rc;

	if (!size || ((base | size) & (PAGE - 1u)) || limit < base)
		return AM_EINVAL;
	if (base < t->c.lo || limit > t->c.hi)
		rc = AM_ERANGE;
	else if (overlaps(t->c.ram, t->nr_ram, base, limit) ||
		 overlaps(t->c.mmio, t->nr_mmio, base, limit))
		rc = AM_EBUSY;
	else if (*nr == cap)
		rc = AM_ENOSPC;
	else if (mmio)
		rc = am_pt_map(t->c.pt, base, base, size, &dev,
			       AM_PT_F_PARKED | AM_PT_F_BLOCK | AM_PT_F_SW(AM_MMIO_SW_LAZY));
	else
		rc = am_pt_map(t->c.pt, base, base, size,
			       kind == AM_MEM_RW ? &AM_ATTR_RW_DATA : &AM_ATTR_RO_DATA,
			       AM_PT_F_BLOCK);
	if (rc) {
		LOG(t, AM_EV_BAD_RANGE, "tracker: region refused", base, limit, (uint64_t)-rc);
		return rc;
	}
	list[*nr].base = base;
	list[*nr].limit = limit;
	list[*nr].kind = (uint8_t)kind;
	(*nr)++;
	return 0;
}

int am_mmio_add_ram(struct am_mmio_tracker *t, am_vaddr_t base, uint64_t size, bool writable)
{
	if (!t)
		return AM_EINVAL;
	return add(t, base, size, writable ? AM_MEM_RW : AM_MEM_RO);
}

int am_mmio_add_device(struct am_mmio_tracker *t, am_vaddr_t base, uint64_t size)
{
	if (!t)
		return AM_EINVAL;
	return add(t, base, size, AM_MEM_MMIO);
}

static const struct am_mem_region *mmio_of(const struct am_mmio_tracker *t, am_vaddr_t a)
{
	for (unsigned int i = 0; i < t->nr_mmio; i++)
		if (a >= t->c.mmio[i].base && a < t->c.mmio[i].limit)
			return &t->c.mmio[i];
	return NULL;
}

/*
 * Give every tracked device page of granule @g the device attributes and
 * @flags: parked or valid, with the software bits they say.
 */
static int granule_set(struct am_mmio_tracker *t, uint64_t g, unsigned int flags)
{
	static const struct am_attr dev = AM_ATTR_DEVICE;

	for (unsigned int i = 0; i < t->nr_mmio; i++) {
		const struct am_mem_region *r = &t->c.mmio[i];
		am_vaddr_t lo = g > r->base ? g : r->base;
		am_vaddr_t hi = g + t->granule < r->limit ? g + t->granule : r->limit;
		int rc;

		if (lo >= hi)
			continue;
		rc = am_pt_modify(t->c.pt, lo, hi - lo, &dev, flags);
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
	/* every tracked page of the granule, whichever device: lazy again */
	if (granule_set(t, g, LAZY_PARKED))
		LOG(t, AM_EV_INTERNAL, "tracker: could not park an unguarded granule", g, 0, 0);
	return 0;
}

int am_mmio_handle_fault(struct am_mmio_tracker *t, am_vaddr_t addr)
{
	struct am_pt_leaf l;
	uint64_t g;
	int rc, p;

	if (!t)
		return AM_EINVAL;
	if (!mmio_of(t, addr) || am_pt_query(t->c.pt, addr, &l) || l.valid ||
	    !(l.sw & AM_MMIO_SW_LAZY)) {
		LOG(t, AM_EV_NOT_FOUND, "tracker: no lazy invalid PTE at the fault", addr, 0, 0);
		return AM_ENOENT;
	}
	g = addr & ~(t->granule - 1u);
	p = pending_at(t, g);
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

int am_mmio_unmap_all(struct am_mmio_tracker *t)
{
	int n = 0;

	if (!t)
		return AM_EINVAL;
	if (!t->c.abi->unmap)
		return AM_ENOTSUP;
	while (t->nr_pending) {
		if (unguard(t, t->pending[t->nr_pending - 1], &n))
			return AM_EPERM;
		t->nr_pending--;
	}
	for (unsigned int i = 0; i < t->nr_mmio; i++) {
		const struct am_mem_region *r = &t->c.mmio[i];

		for (am_vaddr_t a = r->base; a < r->limit; a += PAGE) {
			struct am_pt_leaf l;

			if (am_pt_query(t->c.pt, a, &l) || !l.valid || !(l.sw & AM_MMIO_SW_GUARDED))
				continue;
			if (unguard(t, a & ~(t->granule - 1u), &n))
				return AM_EPERM;
		}
	}
	return n;
}
