/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the region map's other files (dump.c) use of map.c beyond the
 * public API. Not part of the public API.
 */
#ifndef ARMMAP_MPU_MAP_INTERNAL_H
#define ARMMAP_MPU_MAP_INTERNAL_H

#include <armmap/mpu.h>

/* The start of every call on a map: false (one record to the fallback
 * hook) for one that is not ready, else its lock is taken. */
bool mpu_enter(struct am_mpu_map *m);
/* The end of a call that entered: the lock released, @rc returned. */
int mpu_leave(struct am_mpu_map *m, int rc);
/* The register fields (AP, XN, SH, AttrIndx, EN) of a region with @a,
 * attributes the map accepted. */
void mpu_attr_fields(const struct am_mpu_map *m, const struct am_attr *a, struct am_mpu_fields *f);

#endif
