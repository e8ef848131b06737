/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The attribute model: what a mapping allows (read, write, execute, access
 * from the unprivileged level) and what memory it is (device or normal, its
 * cacheability, its shareability). Both the MPU and the translation-table
 * modules take these and encode them for their hardware.
 */
#ifndef ARMMAP_ATTR_H
#define ARMMAP_ATTR_H

#include <armmap/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Memory types, strongest ordering first. */
enum am_mem_type {
	AM_MT_DEVICE_nGnRnE = 0, /**< Device-nGnRnE */
	AM_MT_DEVICE_nGnRE = 1,	 /**< Device-nGnRE */
	AM_MT_NORMAL_NC = 2,	 /**< normal, non-cacheable */
	AM_MT_NORMAL_WT = 3,	 /**< normal, write-through */
	AM_MT_NORMAL_WB = 4,	 /**< normal, write-back */
	AM_MT_COUNT		 /**< the number of memory types */
};

/** Shareability; the values are the architectural SH encoding (1 is reserved). */
enum am_shareability {
	AM_SH_NONE = 0,	 /**< non-shareable */
	AM_SH_OUTER = 2, /**< outer shareable */
	AM_SH_INNER = 3, /**< inner shareable */
};

/**
 * @name Permission bits
 * Permission bits of struct am_attr.perm.
 * @{
 */
#define AM_PERM_R 0x1u	  /**< read */
#define AM_PERM_W 0x2u	  /**< write */
#define AM_PERM_X 0x4u	  /**< execute */
#define AM_PERM_USER 0x8u /**< the unprivileged level gets the same access */
#define AM_PERM_MASK 0xfu /**< every permission bit */
/** @} */

/** The attributes of a mapping: what it allows, and what memory it is. */
struct am_attr {
	uint8_t perm;  /**< AM_PERM_* */
	uint8_t mtype; /**< enum am_mem_type */
	uint8_t sh;    /**< enum am_shareability */
};

/**
 * @name Attribute sets
 * Convenience sets for the usual hypervisor and firmware mappings.
 *
 * AM_ATTR_RW_DATA, AM_ATTR_RO_DATA, AM_ATTR_RX_TEXT and AM_ATTR_DEVICE are
 * constants to copy, to take the address of (`&AM_ATTR_RW_DATA`) for a
 * call, and to use in static initialisers (a boot table), from C (a
 * compound literal; in a static initialiser under strict ISO C,
 * `-pedantic`, use the `AM_ATTR_*_INIT` forms) and from C++ (a constexpr
 * object of the header). The library also holds one named copy of each,
 * am_attr_rw_data ..., for a caller that wants the same address everywhere.
 * @{
 */
/* clang-format off */
/** Initialiser of AM_ATTR_RW_DATA: data, read/write, normal write-back, inner shareable. */
#define AM_ATTR_RW_DATA_INIT { AM_PERM_R | AM_PERM_W, AM_MT_NORMAL_WB, AM_SH_INNER }
/** Initialiser of AM_ATTR_RO_DATA: data, read-only, normal write-back, inner shareable. */
#define AM_ATTR_RO_DATA_INIT { AM_PERM_R, AM_MT_NORMAL_WB, AM_SH_INNER }
/** Initialiser of AM_ATTR_RX_TEXT: code, read and execute, normal write-back, inner shareable. */
#define AM_ATTR_RX_TEXT_INIT { AM_PERM_R | AM_PERM_X, AM_MT_NORMAL_WB, AM_SH_INNER }
/** Initialiser of AM_ATTR_DEVICE: a device, read/write, Device-nGnRE, outer shareable. */
#define AM_ATTR_DEVICE_INIT { AM_PERM_R | AM_PERM_W, AM_MT_DEVICE_nGnRE, AM_SH_OUTER }
/* clang-format on */

/** The library's copy of AM_ATTR_RW_DATA. */
extern const struct am_attr am_attr_rw_data;
/** The library's copy of AM_ATTR_RO_DATA. */
extern const struct am_attr am_attr_ro_data;
/** The library's copy of AM_ATTR_RX_TEXT. */
extern const struct am_attr am_attr_rx_text;
/** The library's copy of AM_ATTR_DEVICE. */
extern const struct am_attr am_attr_device;

#ifdef __cplusplus
} /* extern "C" */
namespace armmap_detail
{
static constexpr am_attr attr_rw_data = AM_ATTR_RW_DATA_INIT;
static constexpr am_attr attr_ro_data = AM_ATTR_RO_DATA_INIT;
static constexpr am_attr attr_rx_text = AM_ATTR_RX_TEXT_INIT;
static constexpr am_attr attr_device = AM_ATTR_DEVICE_INIT;
} /* namespace armmap_detail */
extern "C" {
#define AM_ATTR_RW_DATA (::armmap_detail::attr_rw_data)
#define AM_ATTR_RO_DATA (::armmap_detail::attr_ro_data)
#define AM_ATTR_RX_TEXT (::armmap_detail::attr_rx_text)
#define AM_ATTR_DEVICE (::armmap_detail::attr_device)
#else
/** Data, read/write: normal write-back, inner shareable. */
#define AM_ATTR_RW_DATA ((struct am_attr)AM_ATTR_RW_DATA_INIT)
/** Data, read-only: normal write-back, inner shareable. */
#define AM_ATTR_RO_DATA ((struct am_attr)AM_ATTR_RO_DATA_INIT)
/** Code, read and execute: normal write-back, inner shareable. */
#define AM_ATTR_RX_TEXT ((struct am_attr)AM_ATTR_RX_TEXT_INIT)
/** A device, read/write: Device-nGnRE, outer shareable. */
#define AM_ATTR_DEVICE ((struct am_attr)AM_ATTR_DEVICE_INIT)
#endif
/** @} */

/**
 * @name Attribute differences
 * Bits of am_attr_diff(): which attribute differs.
 * @{
 */
#define AM_ATTR_DIFF_PERM 0x01u	 /**< read / write permission */
#define AM_ATTR_DIFF_XN 0x02u	 /**< execute-never */
#define AM_ATTR_DIFF_USER 0x04u	 /**< unprivileged access */
#define AM_ATTR_DIFF_MTYPE 0x08u /**< memory type */
#define AM_ATTR_DIFF_SH 0x10u	 /**< shareability */
#define AM_ATTR_DIFF_ALL 0x1fu	 /**< all the bits above */
/** @} */

/**
 * Is @p a a valid attribute set at all?
 *
 * A refusal logs one record with the reason to the fallback hook
 * (am_log_set_fallback()).
 *
 * @param a  the attribute set
 * @return 0, or
 *  - #AM_EINVAL  NULL, unknown perm bits, unknown memory type, reserved
 *                shareability (1 or > 3);
 *  - #AM_EPERM   write and execute together, or execute from device memory.
 */
int am_attr_check(const struct am_attr *a);

/**
 * The AM_ATTR_DIFF_* bits on which @p a and @p b differ.
 *
 * With @p a or @p b NULL: #AM_ATTR_DIFF_ALL (never "identical"), and one
 * record to the fallback hook.
 *
 * @param a  one attribute set
 * @param b  the other
 * @return the AM_ATTR_DIFF_* bits that differ, 0 for none.
 */
unsigned int am_attr_diff(const struct am_attr *a, const struct am_attr *b);

/**
 * True for the Device-* memory types (false for NULL).
 *
 * @param a  the attribute set, or NULL
 * @return whether @p a is device memory.
 */
static inline bool am_attr_is_device(const struct am_attr *a)
{
	return a && a->mtype <= AM_MT_DEVICE_nGnRE;
}

/**
 * The MAIR attribute byte armmap uses for a memory type.
 *
 * Device-nGnRnE 0x00, Device-nGnRE 0x04, Normal NC 0x44, Normal WT 0xbb,
 * Normal WB 0xff: inner and outer alike, non-transient, read/write-allocate.
 *
 * @param mtype  an enum am_mem_type
 * @return the byte, or #AM_EINVAL for an unknown type (logged to the
 *         fallback hook).
 */
int am_mair_byte(unsigned int mtype);

#ifdef __cplusplus
}
#endif

#endif
