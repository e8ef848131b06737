/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Armv8-M MPU backend: the struct am_mpu_ops that programs the real MPU
 * registers (MPU_RNR, MPU_RBAR, MPU_RLAR, MPU_MAIR0/1) of the PE's current
 * security state, an interrupt-masking lock, and the few helpers a bare-metal
 * image needs around the map (enable, disable, read back).
 *
 * Bare metal only: build with -mcpu=cortex-m33 (or any Armv8-M Mainline
 * core) -mthumb. Runs privileged.
 */
#ifndef ARMMAP_ARCH_ARMV8M_MPU_H
#define ARMMAP_ARCH_ARMV8M_MPU_H

#include <armmap/mpu.h>

#ifdef __cplusplus
extern "C" {
#endif

/* System Control Space addresses of the MPU (current security state). */
#define AM_ARMV8M_MPU_TYPE 0xe000ed90u
#define AM_ARMV8M_MPU_CTRL 0xe000ed94u
#define AM_ARMV8M_MPU_RNR 0xe000ed98u
#define AM_ARMV8M_MPU_RBAR 0xe000ed9cu
#define AM_ARMV8M_MPU_RLAR 0xe000eda0u
#define AM_ARMV8M_MPU_MAIR0 0xe000edc0u
#define AM_ARMV8M_MPU_MAIR1 0xe000edc4u

/* MPU_CTRL bits. */
#define AM_ARMV8M_CTRL_ENABLE 0x1u
#define AM_ARMV8M_CTRL_HFNMIENA 0x2u
#define AM_ARMV8M_CTRL_PRIVDEFENA 0x4u

/*
 * The context to pass to am_mpu_init() with these ops (the lock needs it; a
 * NULL context falls back to one shared static context). Zero-initialise it.
 * The lock masks interrupts with PRIMASK and nests: the outermost lock saves
 * PRIMASK, the matching outermost unlock restores it.
 */
struct am_armv8m_ctx {
	uint32_t saved_primask; /* PRIMASK before the outermost lock */
	uint32_t depth;		/* lock nesting depth, 0 = unlocked */
};

/*
 * The backend: lock/unlock (PRIMASK), no log hook, write_region, sync,
 * write_mair, hw_regions. A caller that wants a log hook copies this table
 * and sets env.log in its copy.
 */
extern const struct am_mpu_ops am_armv8m_mpu_ops;

/* The individual ops, for callers that build their own table. */
void am_armv8m_lock(void *ctx);
void am_armv8m_unlock(void *ctx);
void am_armv8m_write_region(void *ctx, unsigned int idx, uint64_t rbar, uint64_t rlar);
void am_armv8m_sync(void *ctx);
void am_armv8m_write_mair(void *ctx, uint64_t mair);
unsigned int am_armv8m_hw_regions(void *ctx);

/*
 * am_armv8m_mpu_enable() - turn the MPU on: MPU_CTRL = ENABLE, plus
 * PRIVDEFENA when @privdefena (privileged accesses that match no region then
 * use the default memory map; without it they fault). HFNMIENA stays clear:
 * HardFault and NMI handlers run with the MPU off. Ends with DSB; ISB.
 */
void am_armv8m_mpu_enable(bool privdefena);

/* am_armv8m_mpu_disable() - MPU_CTRL = 0, with barriers around it. */
void am_armv8m_mpu_disable(void);

/* am_armv8m_mpu_ctrl() - the current MPU_CTRL value. */
uint32_t am_armv8m_mpu_ctrl(void);

/*
 * am_armv8m_mpu_read() - read region @idx back from the hardware (select it
 * through MPU_RNR, read MPU_RBAR and MPU_RLAR; interrupts masked meanwhile).
 * Returns 0, or AM_EINVAL (NULL pointer), AM_ERANGE (@idx >= regions the
 * hardware implements).
 */
int am_armv8m_mpu_read(unsigned int idx, uint32_t *rbar, uint32_t *rlar);

/* am_armv8m_mpu_enabled_regions() - regions whose MPU_RLAR.EN is set, read from hardware. */
unsigned int am_armv8m_mpu_enabled_regions(void);

/* am_armv8m_mpu_read_mair() - MPU_MAIR1:MPU_MAIR0 as one 64-bit value. */
uint64_t am_armv8m_mpu_read_mair(void);

#ifdef __cplusplus
}
#endif

#endif
