/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * AArch64 bare metal: system register access, barriers, and the register
 * fields armmap's bare-metal code reads or writes (SCTLR_EL2, TCR_EL2,
 * ESR_ELx, PAR_EL1, VTTBR_EL2). Values from the Arm Architecture Reference
 * Manual (Armv8-A, AArch64 state, EL2 without HCR_EL2.E2H).
 *
 * Usable from C and from assembly (.S): the C part is guarded.
 */
#ifndef ARMMAP_ARCH_AARCH64_SYSREG_H
#define ARMMAP_ARCH_AARCH64_SYSREG_H

/**
 * @def AM_U64
 * The constant @p x as a uint64_t: UINT64_C(x) in C, @p x as it is in
 * assembly.
 */
#ifdef __ASSEMBLER__
#define AM_U64(x) (x)
#else
#include <stdint.h>
#define AM_U64(x) UINT64_C(x)
#endif

/** CurrentEL.EL, bits [3:2]: its shift. */
#define AM_CURRENTEL_SHIFT 2

/**
 * @name SCTLR_EL2
 * SCTLR_EL2 (HCR_EL2.E2H == 0).
 * @{
 */
#define AM_SCTLR_M (AM_U64(1) << 0)    /**< stage 1 MMU enable */
#define AM_SCTLR_A (AM_U64(1) << 1)    /**< alignment check */
#define AM_SCTLR_C (AM_U64(1) << 2)    /**< data cacheability */
#define AM_SCTLR_SA (AM_U64(1) << 3)   /**< SP alignment check */
#define AM_SCTLR_I (AM_U64(1) << 12)   /**< instruction cacheability */
#define AM_SCTLR_WXN (AM_U64(1) << 19) /**< write implies execute-never */
#define AM_SCTLR_EE (AM_U64(1) << 25)  /**< big-endian data and table walks */
/** RES1 bits: 29, 28, 23, 22, 18, 16, 11, 5, 4. */
#define AM_SCTLR_EL2_RES1 AM_U64(0x30c50830)
/** @} */

/** SCTLR_EL1 RES1 bits (Armv8.0): 29, 28, 23, 22, 20, 11. */
#define AM_SCTLR_EL1_RES1 AM_U64(0x30d00800)

/** TCR_EL2 (HCR_EL2.E2H == 0): bits 31 and 23 are RES1. */
#define AM_TCR_EL2_RES1 ((AM_U64(1) << 31) | (AM_U64(1) << 23))

/**
 * @name VTTBR_EL2.VMID
 * VTTBR_EL2.VMID, bits [63:48] (bits [55:48] with 8-bit VMIDs).
 * @{
 */
#define AM_VTTBR_VMID_SHIFT 48 /**< the field's shift */
/** The field, in place. */
#define AM_VTTBR_VMID_MASK (AM_U64(0xffff) << AM_VTTBR_VMID_SHIFT)
/** @} */

/**
 * @name ESR_ELx
 * ESR_ELx: the syndrome of an exception taken to ELx.
 * @{
 */
#define AM_ESR_EC_SHIFT 26	    /**< EC, the exception class [31:26]: its shift */
#define AM_ESR_EC_MASK 0x3fu	    /**< EC, shifted down */
#define AM_ESR_IL (AM_U64(1) << 25) /**< IL: a 32-bit instruction */
#define AM_ESR_ISS_MASK 0x1ffffffu  /**< ISS, the syndrome [24:0] */
/** @} */

/**
 * @name Exception classes
 * ESR_ELx.EC values (am_esr_ec()).
 * @{
 */
#define AM_EC_UNKNOWN 0x00u  /**< unknown reason */
#define AM_EC_HVC64 0x16u    /**< HVC in AArch64 */
#define AM_EC_SMC64 0x17u    /**< SMC in AArch64 */
#define AM_EC_SYS64 0x18u    /**< MSR, MRS or system instruction in AArch64 */
#define AM_EC_IABT_LOW 0x20u /**< instruction abort from a lower EL */
#define AM_EC_IABT_CUR 0x21u /**< instruction abort, same EL */
#define AM_EC_PC_ALIGN 0x22u /**< PC alignment fault */
#define AM_EC_DABT_LOW 0x24u /**< data abort from a lower EL */
#define AM_EC_DABT_CUR 0x25u /**< data abort, same EL */
#define AM_EC_SP_ALIGN 0x26u /**< SP alignment fault */
#define AM_EC_BRK64 0x3cu    /**< BRK in AArch64 */
/** @} */

/**
 * @name ISS of aborts
 * ISS of data and instruction aborts.
 * @{
 */
#define AM_ISS_FSC_MASK 0x3fu  /**< DFSC / IFSC */
#define AM_ISS_WNR (1u << 6)   /**< data abort: the access was a write */
#define AM_ISS_S1PTW (1u << 7) /**< fault on the stage 2 walk of a stage 1 walk */
#define AM_ISS_CM (1u << 8)    /**< cache maintenance */
#define AM_ISS_EA (1u << 9)    /**< external abort type */
#define AM_ISS_FNV (1u << 10)  /**< FAR not valid */
#define AM_ISS_ISV (1u << 24)  /**< syndrome bits [23:14] valid */
/** @} */

/**
 * @name Fault status codes
 * Fault status codes (DFSC / IFSC, and PAR_EL1.FST): the level in [1:0].
 * A walk that starts at level -1 (4 KiB granule, FEAT_LPA2, TCR.DS = 1 and
 * T0SZ below 16) reports its level -1 faults with codes of their own, apart
 * from the others: AM_FSC_TYPE() and AM_FSC_LEVEL() do not apply to them
 * (AM_FSC_IS_LM1()). An input address out of the table's range faults at
 * level 0 whatever the start level.
 * @{
 */
#define AM_FSC_ADDR_SIZE 0x00u	       /**< address size fault, level n: 0x00 + n */
#define AM_FSC_TRANSLATION 0x04u       /**< translation fault, level n: 0x04 + n */
#define AM_FSC_ACCESS 0x08u	       /**< access flag fault, level n: 0x08 + n */
#define AM_FSC_PERM 0x0cu	       /**< permission fault, level n: 0x0c + n */
#define AM_FSC_TYPE(fsc) ((fsc)&0x3cu) /**< the fault type of @p fsc: one of the above */
#define AM_FSC_LEVEL(fsc) ((fsc)&0x3u) /**< the level of @p fsc (0..3) */
#define AM_FSC_ADDR_SIZE_LM1 0x29u     /**< address size fault, level -1 (FEAT_LPA2) */
#define AM_FSC_TRANSLATION_LM1 0x2bu   /**< translation fault, level -1 (FEAT_LPA2) */
/** Is @p fsc one of the level -1 faults (address size, translation)? */
#define AM_FSC_IS_LM1(fsc) (((fsc)&0x3du) == 0x29u)
/** @} */

/**
 * @name PAR_EL1
 * PAR_EL1: the result of an AT instruction (AT S1E2R / S1E2W write PAR_EL1;
 * there is no PAR_EL2). 64-bit format.
 * @{
 */
#define AM_PAR_F (AM_U64(1) << 0) /**< 1: the translation aborted */
/** @} */

/**
 * @name PAR_EL1, F == 0
 * @{
 */
#define AM_PAR_SH_SHIFT 7			  /**< shareability [8:7] */
#define AM_PAR_SH_MASK AM_U64(0x3)		  /**< shareability, shifted down */
#define AM_PAR_NS (AM_U64(1) << 9)		  /**< NS: non-secure */
#define AM_PAR_PA_MASK AM_U64(0x0000fffffffff000) /**< PA [47:12] */
#define AM_PAR_ATTR_SHIFT 56			  /**< MAIR byte [63:56] */
/** @} */

/**
 * @name PAR_EL1, F == 1
 * @{
 */
#define AM_PAR_FST_SHIFT 1	     /**< fault status [6:1], the FSC encoding above */
#define AM_PAR_FST_MASK AM_U64(0x3f) /**< fault status, shifted down */
#define AM_PAR_PTW (AM_U64(1) << 8)  /**< stage 2 fault on a stage 1 walk */
#define AM_PAR_S (AM_U64(1) << 9)    /**< 1: stage 2 fault */
/** @} */

#ifndef __ASSEMBLER__

/** @p x as a string literal, as it is (AM_STR()'s helper). */
#define AM_STR_(x) #x
/** @p x as a string literal, after macro expansion. */
#define AM_STR(x) AM_STR_(x)

/**
 * @name System register access
 * am_read_sysreg(name) / am_write_sysreg(name, v): MRS / MSR by name.
 * @{
 */
/** MRS: the value of the system register @p reg (a name: sctlr_el2), a uint64_t. */
#define am_read_sysreg(reg)                                             \
	__extension__({                                                 \
		uint64_t am_v_;                                         \
		__asm__ volatile("mrs %0, " AM_STR(reg) : "=r"(am_v_)); \
		am_v_;                                                  \
	})
/** MSR: write @p v, as a uint64_t, to the system register @p reg (a name: sctlr_el2). */
#define am_write_sysreg(reg, v)                                                        \
	do {                                                                           \
		uint64_t am_w_ = (uint64_t)(v);                                        \
		__asm__ volatile("msr " AM_STR(reg) ", %0" : : "r"(am_w_) : "memory"); \
	} while (0)
/** @} */

/** @name Barriers
 * @{
 */
/**
 * ISB: instruction synchronization barrier.
 *
 * A compiler barrier too ("memory" clobber): the compiler moves no memory
 * access across it.
 */
static inline void am_isb(void)
{
	__asm__ volatile("isb" : : : "memory");
}

/**
 * DSB ISH: data synchronization barrier, inner shareable.
 *
 * A compiler barrier too ("memory" clobber): the compiler moves no memory
 * access across it.
 */
static inline void am_dsb_ish(void)
{
	__asm__ volatile("dsb ish" : : : "memory");
}

/**
 * DSB ISHST: data synchronization barrier for stores, inner shareable.
 *
 * A compiler barrier too ("memory" clobber): the compiler moves no memory
 * access across it.
 */
static inline void am_dsb_ishst(void)
{
	__asm__ volatile("dsb ishst" : : : "memory");
}

/**
 * DSB SY: data synchronization barrier, full system.
 *
 * A compiler barrier too ("memory" clobber): the compiler moves no memory
 * access across it.
 */
static inline void am_dsb_sy(void)
{
	__asm__ volatile("dsb sy" : : : "memory");
}
/** @} */

/**
 * The exception level the code runs at.
 *
 * @return 0..3.
 */
static inline unsigned int am_current_el(void)
{
	return (unsigned int)(am_read_sysreg(CurrentEL) >> AM_CURRENTEL_SHIFT) & 3u;
}

/**
 * The exception class of a syndrome.
 *
 * @param esr  an ESR_ELx value
 * @return its EC (AM_EC_*).
 */
static inline unsigned int am_esr_ec(uint64_t esr)
{
	return (unsigned int)(esr >> AM_ESR_EC_SHIFT) & AM_ESR_EC_MASK;
}

/**
 * The fault status code of an abort's syndrome.
 *
 * @param esr  an ESR_ELx value of a data or instruction abort
 * @return its DFSC / IFSC (AM_FSC_*).
 */
static inline unsigned int am_esr_fsc(uint64_t esr)
{
	return (unsigned int)esr & AM_ISS_FSC_MASK;
}

/**
 * The fault status of a translation that aborted.
 *
 * @param par  a PAR_EL1 value with F == 1
 * @return its FST (AM_FSC_*).
 */
static inline unsigned int am_par_fst(uint64_t par)
{
	return (unsigned int)((par >> AM_PAR_FST_SHIFT) & AM_PAR_FST_MASK);
}

/**
 * The memory attributes of a translation.
 *
 * @param par  a PAR_EL1 value with F == 0
 * @return its ATTR, a MAIR byte.
 */
static inline unsigned int am_par_attr(uint64_t par)
{
	return (unsigned int)(par >> AM_PAR_ATTR_SHIFT);
}

/**
 * The shareability of a translation.
 *
 * @param par  a PAR_EL1 value with F == 0
 * @return its SH, the architectural encoding (enum am_shareability).
 */
static inline unsigned int am_par_sh(uint64_t par)
{
	return (unsigned int)((par >> AM_PAR_SH_SHIFT) & AM_PAR_SH_MASK);
}

#endif /* !__ASSEMBLER__ */

#endif
