/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the region map (map.c) uses of the register encodings (regs.c)
 * beyond the public API. Not part of the public API.
 */
#ifndef ARMMAP_MPU_REGS_H
#define ARMMAP_MPU_REGS_H

#include <armmap/mpu.h>

/*
 * The flavour the code works with: with one flavour built
 * (include/armmap/config.h) it is a constant, and the compiler folds its
 * layout into the code.
 */
#if AM_MPU_BUILT_MASK == 1
#define MPU_FLAVOUR(f) ((void)(f), AM_MPU_V8R_AARCH64)
#elif AM_MPU_BUILT_MASK == 2
#define MPU_FLAVOUR(f) ((void)(f), AM_MPU_V8R_AARCH32)
#elif AM_MPU_BUILT_MASK == 4
#define MPU_FLAVOUR(f) ((void)(f), AM_MPU_V8M)
#else
#define MPU_FLAVOUR(f) (f)
#endif

/* Is known flavour @f built? */
#define MPU_BUILT(f) ((AM_MPU_BUILT_MASK >> (unsigned int)(f)) & 1u)

/*
 * am_mpu_encode() of fields known to pass its checks, without the checks:
 * @f is a known flavour and @in passed am_mpu_encode()'s checks for it, as
 * the map's software copy of a programmed region does (it was validated
 * when it was made). Every region write encodes, so that is not done twice.
 */
void am_mpu_encode_valid(enum am_mpu_flavour f, const struct am_mpu_fields *in, uint64_t *rbar,
			 uint64_t *rlar);

#endif
