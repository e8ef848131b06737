/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Armv8-R MPU backend: the struct am_mpu_ops that programs the real MPU
 * registers of an Armv8-R PE, for either of its two MPUs:
 *  - the EL2 MPU (AArch32: HPRSELR, HPRBAR, HPRLAR, HMAIR0/1, HSCTLR,
 *    HMPUIR; AArch64: PRSELR_EL2, PRBAR_EL2, PRLAR_EL2, MAIR_EL2,
 *    SCTLR_EL2, MPUIR_EL2): the hypervisor's own map and, with HCR.VM
 *    set, the second stage of EL1 and EL0;
 *  - the EL1 MPU (AArch32: PRSELR, PRBAR, PRLAR, MAIR0/1, SCTLR, MPUIR;
 *    AArch64: the _EL1 registers): the guest's or the OS's own map.
 * Which one a map drives is its context's (struct am_armv8r_ctx). One
 * source serves both execution states: built for AArch32 (Cortex-R52,
 * -marm, map flavour AM_MPU_V8R_AARCH32) it uses the CP15 registers; built
 * for AArch64 (Cortex-R82, flavour AM_MPU_V8R_AARCH64) the system
 * registers. Also the few helpers a bare-metal program needs around a map:
 * enable and disable (with the barriers), the region count the hardware
 * reports, reading a region back.
 *
 * Bare metal only, privileged: the EL2 MPU from EL2, the EL1 MPU from EL1
 * or EL2. The lock masks IRQ and FIQ (CPSR.I/F, resp. DAIF.I/F) and nests.
 */
#ifndef ARMMAP_ARCH_ARMV8R_MPU_H
#define ARMMAP_ARCH_ARMV8R_MPU_H

#include <armmap/mpu.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Which MPU. */
enum am_armv8r_mpu {
	AM_ARMV8R_MPU_EL2 = 0, /**< HPR* / *_EL2 */
	AM_ARMV8R_MPU_EL1 = 1, /**< PR* / *_EL1 */
};

/**
 * @name (H)SCTLR bits
 * (H)SCTLR bits the helpers set.
 * @{
 */
#define AM_ARMV8R_SCTLR_M (1u << 0)   /**< MPU enable */
#define AM_ARMV8R_SCTLR_BR (1u << 17) /**< background region (privileged default map) */
/** @} */

/**
 * The context to pass to am_mpu_init() with am_armv8r_mpu_ops: which MPU,
 * and the lock's state. Zero-initialised it is the EL2 MPU; a NULL context
 * is a shared static one for the EL2 MPU.
 */
struct am_armv8r_ctx {
	uint32_t mpu;	/**< enum am_armv8r_mpu */
	uint32_t saved; /**< the interrupt masks before the outermost lock */
	uint32_t depth; /**< lock nesting depth, 0 = unlocked */
};

/**
 * The backend: lock/unlock, no log hook, write_region, sync (DSB; ISB),
 * write_mair, hw_regions. A caller that wants a log hook copies this table
 * and sets env.log in its copy.
 */
extern const struct am_mpu_ops am_armv8r_mpu_ops;

/**
 * @name The individual ops
 * The individual ops, for callers that build their own table.
 * @{
 */
/**
 * The env.lock hook: mask IRQ and FIQ; nests.
 *
 * @param ctx  a struct am_armv8r_ctx, or NULL for the shared static one
 */
void am_armv8r_lock(void *ctx);
/**
 * The env.unlock hook: the outermost unlock restores the interrupt masks.
 *
 * @param ctx  a struct am_armv8r_ctx, or NULL for the shared static one
 */
void am_armv8r_unlock(void *ctx);
/**
 * The write_region op (struct am_mpu_ops): select region @p idx of the
 * context's MPU, then write its base register, then its limit register.
 * No barrier after them.
 *
 * @param ctx   a struct am_armv8r_ctx, or NULL for the shared static one
 * @param idx   the region
 * @param rbar  the value for the base register ((H)PRBAR)
 * @param rlar  the value for the limit register ((H)PRLAR)
 */
void am_armv8r_write_region(void *ctx, unsigned int idx, uint64_t rbar, uint64_t rlar);
/**
 * The sync op (struct am_mpu_ops): DSB; ISB.
 *
 * @param ctx  unused
 */
void am_armv8r_sync(void *ctx);
/**
 * The write_mair op (struct am_mpu_ops): (H)MAIR0 and (H)MAIR1 of the
 * context's MPU (MAIR_ELx on AArch64).
 *
 * @param ctx   a struct am_armv8r_ctx, or NULL for the shared static one
 * @param mair  (H)MAIR1:(H)MAIR0, byte i for AttrIndx i
 */
void am_armv8r_write_mair(void *ctx, uint64_t mair);
/**
 * The hw_regions op (struct am_mpu_ops): am_armv8r_regions() of the
 * context's MPU.
 *
 * @param ctx  a struct am_armv8r_ctx, or NULL for the shared static one
 * @return the regions that MPU implements.
 */
unsigned int am_armv8r_hw_regions(void *ctx);
/** @} */

/**
 * The regions @p mpu implements ((H)MPUIR.REGION).
 *
 * @param mpu  which MPU
 * @return the region count, or 0 for an unknown @p mpu.
 */
unsigned int am_armv8r_regions(enum am_armv8r_mpu mpu);

/**
 * Turn @p mpu on: (H)SCTLR.M, plus BR when @p background.
 *
 * DSB; ISB before (the region writes are complete) and after (the next
 * instruction sees the MPU on). An unknown @p mpu: nothing done.
 *
 * @param mpu         which MPU
 * @param background  privileged accesses that match no region use the
 *                    default memory map; without it they fault
 */
void am_armv8r_mpu_enable(enum am_armv8r_mpu mpu, bool background);

/**
 * Turn @p mpu off: clear (H)SCTLR.M and BR, with the barriers.
 *
 * @param mpu  which MPU (an unknown one: nothing done)
 */
void am_armv8r_mpu_disable(enum am_armv8r_mpu mpu);

/**
 * The system control register of @p mpu.
 *
 * @param mpu  which MPU
 * @return (H)SCTLR (SCTLR_EL2 / SCTLR_EL1 on AArch64), or 0 for an unknown
 * @p mpu.
 */
uint64_t am_armv8r_sctlr(enum am_armv8r_mpu mpu);

/**
 * Read region @p idx of @p mpu back from the hardware (select it, read its
 * base and limit registers; interrupts masked meanwhile).
 *
 * @param mpu   which MPU
 * @param idx   the region
 * @param rbar  where the base register goes
 * @param rlar  where the limit register goes
 * @return 0, or
 *  - #AM_EINVAL  NULL pointer, unknown MPU;
 *  - #AM_ERANGE  @p idx >= the regions the hardware implements.
 */
int am_armv8r_mpu_read(enum am_armv8r_mpu mpu, unsigned int idx, uint64_t *rbar, uint64_t *rlar);

/**
 * Read the attribute indirection of @p mpu back from the hardware.
 *
 * @param mpu  which MPU
 * @return (H)MAIR1:(H)MAIR0 (MAIR_ELx on AArch64), or 0 for an unknown
 * @p mpu.
 */
uint64_t am_armv8r_mpu_read_mair(enum am_armv8r_mpu mpu);

/**
 * The regions of @p mpu whose limit register has EN set, read from hardware.
 *
 * @param mpu  which MPU
 * @return their number.
 */
unsigned int am_armv8r_mpu_enabled_regions(enum am_armv8r_mpu mpu);

#ifdef __cplusplus
}
#endif

#endif
