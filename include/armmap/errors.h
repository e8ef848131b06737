/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * armmap error codes.
 *
 * Every armmap function that can fail returns a negative AM_E* value; 0 (or a
 * documented non-negative value) means success. The numbers are those of the
 * Linux errno of the same name, so a hypervisor can pass them through as is.
 * A call that returns an error has changed nothing.
 */
#ifndef ARMMAP_ERRORS_H
#define ARMMAP_ERRORS_H

#ifdef __cplusplus
extern "C" {
#endif

#define AM_OK 0		   /**< success */
#define AM_EPERM (-1)	   /**< a rule refuses it (write+execute, live type change) */
#define AM_ENOENT (-2)	   /**< nothing is mapped there */
#define AM_ENOMEM (-12)	   /**< the allocator had no memory */
#define AM_EBUSY (-16)	   /**< in use: overlaps another mapping, or referenced */
#define AM_EEXIST (-17)	   /**< already mapped (by another mapping, or the same) */
#define AM_EINVAL (-22)	   /**< malformed argument: alignment, empty range, NULL */
#define AM_ENOSPC (-28)	   /**< no free region (MPU) or list slot */
#define AM_ERANGE (-34)	   /**< address or index beyond what the hardware has */
#define AM_EOVERFLOW (-75) /**< arithmetic wrap-around, or a saturated refcount */
#define AM_EILSEQ (-84)	   /**< maps another frame than the caller expected */
#define AM_ENOTSUP (-95)   /**< not expressible by this flavour, or not enabled */

/**
 * A short human-readable name for an AM_E* code.
 *
 * @param err  an AM_E* code (or any other value)
 * @return a static string; unknown codes give "unknown error".
 */
const char *am_strerror(int err);

/**
 * The name of an AM_E* code's constant, for logs and test output.
 *
 * @param err  an AM_E* code (or any other value)
 * @return a static string: "AM_OK", "AM_EINVAL", ...; unknown codes (any
 *         other value, positive ones included) give "AM_E?".
 */
const char *am_errname(int err);

#ifdef __cplusplus
}
#endif

#endif
