/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
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

/**
 * @name MPU registers
 * System Control Space addresses of the MPU (current security state).
 * @{
 */
#define AM_ARMV8M_MPU_TYPE 0xe000ed90u	/**< MPU_TYPE: the number of regions */
#define AM_ARMV8M_MPU_CTRL 0xe000ed94u	/**< MPU_CTRL: enable, HFNMIENA, PRIVDEFENA */
#define AM_ARMV8M_MPU_RNR 0xe000ed98u	/**< MPU_RNR: the region selected */
#define AM_ARMV8M_MPU_RBAR 0xe000ed9cu	/**< MPU_RBAR: the base of the selected region */
#define AM_ARMV8M_MPU_RLAR 0xe000eda0u	/**< MPU_RLAR: the limit of the selected region */
#define AM_ARMV8M_MPU_MAIR0 0xe000edc0u /**< MPU_MAIR0: attributes of AttrIndx 0..3 */
#define AM_ARMV8M_MPU_MAIR1 0xe000edc4u /**< MPU_MAIR1: attributes of AttrIndx 4..7 */
/** @} */

/**
 * @name MPU_CTRL bits
 * @{
 */
#define AM_ARMV8M_CTRL_ENABLE 0x1u     /**< the MPU is on */
#define AM_ARMV8M_CTRL_HFNMIENA 0x2u   /**< the MPU stays on for HardFault and NMI handlers */
#define AM_ARMV8M_CTRL_PRIVDEFENA 0x4u /**< privileged default memory map as background */
/** @} */

/**
 * The context to pass to am_mpu_init() with these ops (the lock needs it; a
 * NULL context falls back to one shared static context). Zero-initialise it.
 * The lock masks interrupts with PRIMASK and nests: the outermost lock saves
 * PRIMASK, the matching outermost unlock restores it.
 */
struct am_armv8m_ctx {
	uint32_t saved_primask; /**< PRIMASK before the outermost lock */
	uint32_t depth;		/**< lock nesting depth, 0 = unlocked */
};

/**
 * The backend: lock/unlock (PRIMASK), no log hook, write_region, sync,
 * write_mair, hw_regions. A caller that wants a log hook copies this table
 * and sets env.log in its copy.
 */
extern const struct am_mpu_ops am_armv8m_mpu_ops;

/**
 * @name The individual ops
 * The individual ops, for callers that build their own table.
 * @{
 */
/**
 * The env.lock hook: mask interrupts (PRIMASK); nests.
 *
 * @param ctx  a struct am_armv8m_ctx, or NULL for the shared static one
 */
void am_armv8m_lock(void *ctx);
/**
 * The env.unlock hook: the outermost unlock restores PRIMASK.
 *
 * @param ctx  a struct am_armv8m_ctx, or NULL for the shared static one
 */
void am_armv8m_unlock(void *ctx);
/**
 * The write_region op (struct am_mpu_ops): MPU_RNR = @p idx, then MPU_RBAR,
 * then MPU_RLAR. No barrier.
 *
 * @param ctx   unused
 * @param idx   the region
 * @param rbar  the value for MPU_RBAR
 * @param rlar  the value for MPU_RLAR
 */
void am_armv8m_write_region(void *ctx, unsigned int idx, uint64_t rbar, uint64_t rlar);
/**
 * The sync op (struct am_mpu_ops): DSB; ISB.
 *
 * @param ctx  unused
 */
void am_armv8m_sync(void *ctx);
/**
 * The write_mair op (struct am_mpu_ops): MPU_MAIR0 and MPU_MAIR1.
 *
 * @param ctx   unused
 * @param mair  MPU_MAIR1:MPU_MAIR0, byte i for AttrIndx i
 */
void am_armv8m_write_mair(void *ctx, uint64_t mair);
/**
 * The hw_regions op (struct am_mpu_ops).
 *
 * @param ctx  unused
 * @return the regions the MPU implements (MPU_TYPE.DREGION).
 */
unsigned int am_armv8m_hw_regions(void *ctx);
/** @} */

/**
 * Turn the MPU on: MPU_CTRL = ENABLE, plus PRIVDEFENA when @p privdefena.
 *
 * HFNMIENA stays clear: HardFault and NMI handlers run with the MPU off.
 * Ends with DSB; ISB.
 *
 * @param privdefena  privileged accesses that match no region use the
 *                    default memory map; without it they fault
 */
void am_armv8m_mpu_enable(bool privdefena);

/**
 * Turn the MPU off: MPU_CTRL = 0.
 *
 * With barriers around it: DSB; ISB before and after.
 */
void am_armv8m_mpu_disable(void);

/**
 * The current MPU_CTRL value.
 *
 * @return MPU_CTRL (AM_ARMV8M_CTRL_*).
 */
uint32_t am_armv8m_mpu_ctrl(void);

/**
 * Read region @p idx back from the hardware (select it through MPU_RNR, read
 * MPU_RBAR and MPU_RLAR; interrupts masked meanwhile).
 *
 * @param idx   the region
 * @param rbar  where MPU_RBAR goes
 * @param rlar  where MPU_RLAR goes
 * @return 0, or
 *  - #AM_EINVAL  NULL pointer;
 *  - #AM_ERANGE  @p idx >= regions the hardware implements.
 */
int am_armv8m_mpu_read(unsigned int idx, uint32_t *rbar, uint32_t *rlar);

/**
 * The regions whose MPU_RLAR.EN is set, read from hardware.
 *
 * @return their number.
 */
unsigned int am_armv8m_mpu_enabled_regions(void);

/**
 * Read the attribute indirection back from the hardware.
 *
 * @return MPU_MAIR1:MPU_MAIR0 as one 64-bit value.
 */
uint64_t am_armv8m_mpu_read_mair(void);

#ifdef __cplusplus
}
#endif

#endif
