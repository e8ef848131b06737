/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Build-time selection: which MPU flavours and which translation regimes
 * the library is built with, and whether its log records carry text.
 * Define the options when building the library (-DAM_CONFIG_...), and the
 * same ones where its headers are used.
 *
 * MPU flavours (src/mpu/): AM_CONFIG_MPU_V8R_AARCH64, AM_CONFIG_MPU_V8R_AARCH32,
 * AM_CONFIG_MPU_V8M. None defined: every flavour. Any defined: those only.
 * A flavour not built is refused by am_mpu_init() with AM_ENOTSUP (one
 * record with the reason, nothing changed), and by the calls that take a
 * flavour (am_mpu_encode(), am_mpu_decode(), am_mpu_granule(),
 * am_mpu_addr_bits()) as they refuse an unknown one, with AM_ENOTSUP
 * where they return an error.
 *
 * Translation regimes (src/pt/): AM_CONFIG_PT_S1_EL2, AM_CONFIG_PT_S1_EL10,
 * AM_CONFIG_PT_S2, AM_CONFIG_PT_S1_EL3, AM_CONFIG_PT_S1_EL20. None defined: every regime. Any
 * defined: those only. A regime not built is refused by am_pt_init() with AM_ENOTSUP (one record
 * with the reason, nothing allocated), and by am_pt_desc_encode() /
 * am_pt_desc_decode() with AM_ENOTSUP. The P2M needs stage 2.
 *
 * Translation granules (src/pt/): AM_CONFIG_PT_GRANULE_4K,
 * AM_CONFIG_PT_GRANULE_16K, AM_CONFIG_PT_GRANULE_64K. None defined: every
 * granule. Any defined: those only; am_pt_init() refuses another with
 * AM_ENOTSUP and one record. A 4 KiB-only build has its geometry as
 * constants (a little smaller and faster).
 *
 * AM_CONFIG_NO_LOG_STRINGS: every log record is kept (level, event,
 * arguments) without its text (msg is NULL). am_strerror() keeps its names.
 */
#ifndef ARMMAP_CONFIG_H
#define ARMMAP_CONFIG_H

#if !defined(AM_CONFIG_MPU_V8R_AARCH64) && !defined(AM_CONFIG_MPU_V8R_AARCH32) && \
	!defined(AM_CONFIG_MPU_V8M)
/** 1 when the v8-R AArch64 MPU flavour is built, else 0. */
#define AM_MPU_BUILT_V8R_AARCH64 1
/** 1 when the v8-R AArch32 MPU flavour is built, else 0. */
#define AM_MPU_BUILT_V8R_AARCH32 1
/** 1 when the v8-M MPU flavour is built, else 0. */
#define AM_MPU_BUILT_V8M 1
#else
#ifdef AM_CONFIG_MPU_V8R_AARCH64
#define AM_MPU_BUILT_V8R_AARCH64 1
#else
#define AM_MPU_BUILT_V8R_AARCH64 0
#endif
#ifdef AM_CONFIG_MPU_V8R_AARCH32
#define AM_MPU_BUILT_V8R_AARCH32 1
#else
#define AM_MPU_BUILT_V8R_AARCH32 0
#endif
#ifdef AM_CONFIG_MPU_V8M
#define AM_MPU_BUILT_V8M 1
#else
#define AM_MPU_BUILT_V8M 0
#endif
#endif

/** Bit f set: enum am_mpu_flavour f is built. */
#define AM_MPU_BUILT_MASK \
	(AM_MPU_BUILT_V8R_AARCH64 << 0 | AM_MPU_BUILT_V8R_AARCH32 << 1 | AM_MPU_BUILT_V8M << 2)

#if !defined(AM_CONFIG_PT_S1_EL2) && !defined(AM_CONFIG_PT_S1_EL10) && \
	!defined(AM_CONFIG_PT_S2) && !defined(AM_CONFIG_PT_S1_EL3) &&  \
	!defined(AM_CONFIG_PT_S1_EL20)
/** 1 when the stage 1 EL2 regime is built, else 0. */
#define AM_PT_BUILT_S1_EL2 1
/** 1 when the stage 1 EL1&0 regime is built, else 0. */
#define AM_PT_BUILT_S1_EL10 1
/** 1 when the stage 2 regime is built, else 0. */
#define AM_PT_BUILT_S2 1
/** 1 when the stage 1 EL3 regime is built, else 0. */
#define AM_PT_BUILT_S1_EL3 1
/** 1 when the stage 1 EL2&0 (VHE) regime is built, else 0. */
#define AM_PT_BUILT_S1_EL20 1
#else
#ifdef AM_CONFIG_PT_S1_EL2
#define AM_PT_BUILT_S1_EL2 1
#else
#define AM_PT_BUILT_S1_EL2 0
#endif
#ifdef AM_CONFIG_PT_S1_EL10
#define AM_PT_BUILT_S1_EL10 1
#else
#define AM_PT_BUILT_S1_EL10 0
#endif
#ifdef AM_CONFIG_PT_S2
#define AM_PT_BUILT_S2 1
#else
#define AM_PT_BUILT_S2 0
#endif
#ifdef AM_CONFIG_PT_S1_EL3
#define AM_PT_BUILT_S1_EL3 1
#else
#define AM_PT_BUILT_S1_EL3 0
#endif
#ifdef AM_CONFIG_PT_S1_EL20
#define AM_PT_BUILT_S1_EL20 1
#else
#define AM_PT_BUILT_S1_EL20 0
#endif
#endif

/** Bit r set: enum am_pt_regime r is built. */
#define AM_PT_BUILT_MASK                                                            \
	(AM_PT_BUILT_S1_EL2 << 0 | AM_PT_BUILT_S1_EL10 << 1 | AM_PT_BUILT_S2 << 2 | \
	 AM_PT_BUILT_S1_EL3 << 3 | AM_PT_BUILT_S1_EL20 << 4)

#if !defined(AM_CONFIG_PT_GRANULE_4K) && !defined(AM_CONFIG_PT_GRANULE_16K) && \
	!defined(AM_CONFIG_PT_GRANULE_64K)
/** Bit 0: the 4 KiB granule is built; bit 1: 16 KiB; bit 2: 64 KiB. */
#define AM_PT_GRANULES_BUILT 7
#else
#ifdef AM_CONFIG_PT_GRANULE_4K
#define AM_PT_GRANULE_BUILT_4K 1
#else
#define AM_PT_GRANULE_BUILT_4K 0
#endif
#ifdef AM_CONFIG_PT_GRANULE_16K
#define AM_PT_GRANULE_BUILT_16K 2
#else
#define AM_PT_GRANULE_BUILT_16K 0
#endif
#ifdef AM_CONFIG_PT_GRANULE_64K
#define AM_PT_GRANULE_BUILT_64K 4
#else
#define AM_PT_GRANULE_BUILT_64K 0
#endif
#define AM_PT_GRANULES_BUILT \
	(AM_PT_GRANULE_BUILT_4K | AM_PT_GRANULE_BUILT_16K | AM_PT_GRANULE_BUILT_64K)
#endif

#endif
