/* SPDX-License-Identifier: BSD-3-Clause */
/* The MPU oracle (mpu_oracle.h). */
#include <stdio.h>
#include <string.h>

#include "tests/oracle/oracle.h"
#include "tests/oracle/mpu_oracle.h"

bool oracle_mpu_check(struct am_host_mpu *h, struct am_mpu_map *m, char *why, size_t n)
{
	unsigned int enabled = 0, cap = am_mpu_capacity(m);

	if (h->lock_depth || h->locks != h->unlocks || h->max_lock_depth > 1)
		return oracle_say(why, n, "lock: depth %d, %lu locks, %lu unlocks, deepest %d",
				  h->lock_depth, h->locks, h->unlocks, h->max_lock_depth);
	if (h->hw.unsynced)
		return oracle_say(why, n, "%lu register writes without a barrier", h->hw.unsynced);
	if (h->hw.overlap_events || pmsa_any_overlap(&h->hw))
		return oracle_say(why, n,
				  "two enabled regions overlapped (%lu times between writes)",
				  h->hw.overlap_events);
	if (h->hw.bad_writes)
		return oracle_say(why, n, "%lu writes to regions the hardware lacks",
				  h->hw.bad_writes);
	if (cap > h->hw.nregions)
		return oracle_say(why, n, "the map manages %u regions, the hardware has %u", cap,
				  h->hw.nregions);
	for (unsigned int i = 0; i < cap; i++) {
		uint64_t rbar, rlar;
		int rc = am_mpu_region_regs(m, i, &rbar, &rlar);

		if (rc)
			return oracle_say(why, n, "am_mpu_region_regs(%u): %d", i, rc);
		if ((rlar & 1) && (h->hw.rbar[i] != rbar || h->hw.rlar[i] != rlar))
			return oracle_say(
				why, n, "region %u: hardware %#llx %#llx, the map says %#llx %#llx",
				i, (unsigned long long)h->hw.rbar[i],
				(unsigned long long)h->hw.rlar[i], (unsigned long long)rbar,
				(unsigned long long)rlar);
		if ((h->hw.rlar[i] & 1) != (rlar & 1))
			return oracle_say(
				why, n, "region %u: enabled %u in hardware, %u in the map", i,
				(unsigned int)(h->hw.rlar[i] & 1), (unsigned int)(rlar & 1));
		enabled += rlar & 1;
	}
	if (enabled != am_mpu_used(m) || pmsa_enabled_count(&h->hw) != am_mpu_used(m))
		return oracle_say(why, n,
				  "%u regions enabled in the map, %u in hardware, am_mpu_used() %u",
				  enabled, pmsa_enabled_count(&h->hw), am_mpu_used(m));
	return true;
}

void oracle_mpu_snap(struct oracle_mpu_snap *s, const struct am_host_mpu *h,
		     const struct am_mpu_map *m, const struct am_mpu_region *store, size_t nstore)
{
	s->m = *m;
	s->nr = nstore < AM_MPU_MAX_REGIONS ? nstore : AM_MPU_MAX_REGIONS;
	memcpy(s->r, store, s->nr * sizeof(*store));
	memcpy(s->rbar, h->hw.rbar, sizeof(s->rbar));
	memcpy(s->rlar, h->hw.rlar, sizeof(s->rlar));
	s->mair = h->hw.mair;
	s->writes = h->hw.writes;
	s->syncs = h->hw.syncs;
}

bool oracle_mpu_unchanged(const struct oracle_mpu_snap *s, struct am_host_mpu *h,
			  struct am_mpu_map *m, const struct am_mpu_region *store, char *why,
			  size_t n)
{
	if (!oracle_mpu_check(h, m, why, n))
		return false;
	if (memcmp(&s->m, m, sizeof(*m)))
		return oracle_say(why, n, "the map changed");
	for (size_t i = 0; i < s->nr; i++)
		if (memcmp(&s->r[i], &store[i], sizeof(*store)))
			return oracle_say(why, n, "region %zu of the storage changed", i);
	for (unsigned int i = 0; i < PMSA_MAX_REGIONS; i++)
		if (s->rbar[i] != h->hw.rbar[i] || s->rlar[i] != h->hw.rlar[i])
			return oracle_say(why, n, "region %u's registers changed", i);
	if (s->mair != h->hw.mair)
		return oracle_say(why, n, "MAIR changed");
	if (s->writes != h->hw.writes || s->syncs != h->hw.syncs)
		return oracle_say(why, n, "%lu register writes, %lu barriers",
				  h->hw.writes - s->writes, h->hw.syncs - s->syncs);
	return true;
}
