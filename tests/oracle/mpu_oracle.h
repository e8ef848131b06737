/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MPU oracle: what the PMSAv8 model (arch/host/mpu_model) shows of a
 * region map, and what the rules demand, after a call. The unit tests
 * (tests/unit/test_mpu_map.c) and the fuzzer (tests/fuzz/fuzz_mpu.c) call
 * the same checks. Each returns true when all holds, else false with the
 * first rule broken in @why.
 */
#ifndef ARMMAP_TESTS_ORACLE_MPU_H
#define ARMMAP_TESTS_ORACLE_MPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <armmap/mpu.h>

#include "arch/host/mpu_model.h"

/*
 * oracle_mpu_check() - after a call on @m, whose ops are am_host_mpu_ops
 * over @h: the lock was released as often as taken and never nested; every
 * register write was followed by a barrier; no moment, between any two
 * register writes, had two enabled regions overlapping, and none overlap
 * now; no write to a region the hardware lacks; every region's registers in
 * the model equal the map's (am_mpu_region_regs(): both values when
 * enabled, the enable bit always); the enabled regions are as many as
 * am_mpu_used().
 */
bool oracle_mpu_check(struct am_host_mpu *h, struct am_mpu_map *m, char *why, size_t n);

/* What a refused call must leave alone: the map, its storage, the model's registers. */
struct oracle_mpu_snap {
	struct am_mpu_map m;
	struct am_mpu_region r[AM_MPU_MAX_REGIONS];
	size_t nr; /* regions of storage kept */
	uint64_t rbar[PMSA_MAX_REGIONS], rlar[PMSA_MAX_REGIONS];
	uint64_t mair;
	unsigned long writes, syncs;
};

/* oracle_mpu_snap() - @store: the map's storage, @nstore regions of it. */
void oracle_mpu_snap(struct oracle_mpu_snap *s, const struct am_host_mpu *h,
		     const struct am_mpu_map *m, const struct am_mpu_region *store, size_t nstore);
/* oracle_mpu_unchanged() - oracle_mpu_check(), and map, storage and registers as at the snapshot.
 */
bool oracle_mpu_unchanged(const struct oracle_mpu_snap *s, struct am_host_mpu *h,
			  struct am_mpu_map *m, const struct am_mpu_region *store, char *why,
			  size_t n);

#endif
