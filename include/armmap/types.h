/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Basic types shared by every armmap module: addresses (armmap/addr.h), the log record, and
 * the environment hooks (lock, log) that every instance is given.
 */
#ifndef ARMMAP_TYPES_H
#define ARMMAP_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <armmap/addr.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Log levels of struct am_log_rec. */
enum am_log_level {
	AM_LOG_ERR = 0,	  /**< an error */
	AM_LOG_WARN = 1,  /**< a warning */
	AM_LOG_INFO = 2,  /**< information */
	AM_LOG_DEBUG = 3, /**< debugging detail */
};

/**
 * What a log record is about. Each refusal logs at least one record saying
 * which rule refused; arg[] carries the values the event names.
 */
enum am_log_event {
	AM_EV_NONE = 0,	       /**< no event */
	AM_EV_ATTR_MISMATCH,   /**< arg0 = AM_ATTR_DIFF_* bit, arg1 = existing, arg2 = requested */
	AM_EV_WRITE_EXEC,      /**< write+execute refused; arg0 = perm */
	AM_EV_DEVICE_EXEC,     /**< execute from device memory refused; arg0 = mtype */
	AM_EV_NOT_EXPRESSIBLE, /**< arg0 = what (AM_ATTR_DIFF_* bit), arg1 = value */
	AM_EV_OVERLAP,	       /**< arg0 = region index, arg1 = its base, arg2 = its limit */
	AM_EV_NO_SPACE,	       /**< arg0 = regions needed, arg1 = capacity */
	AM_EV_REFCOUNT_SATURATED, /**< arg0 = region index, arg1 = refcount */
	AM_EV_PARTIAL,		  /**< partial unmap/modify refused; arg0 = region index */
	AM_EV_NOT_FOUND,	  /**< arg0 = base (or address), arg1 = limit */
	AM_EV_REFERENCED,	  /**< region held by others; arg0 = index, arg1 = refs */
	AM_EV_BAD_RANGE,	  /**< arg0 = base, arg1 = limit */
	AM_EV_TYPE_CHANGE,	  /**< memory type/shareability change refused; arg0 = index */
	/** debug: arg0 = index, arg1 = base, arg2 = limit (0,0 = disabled) */
	AM_EV_REGION_WRITE,
	/** map over a valid or parked entry; arg0 = va, arg1 = pte, arg2 = level */
	AM_EV_PT_MAPPED,
	AM_EV_PT_NO_MEMORY, /**< arg0 = table pages needed, arg1 = pages obtained */
	/** debug: break-before-make; arg0 = va, arg1 = level, arg2 = 1 block, 2 run */
	AM_EV_PT_BREAK,
	/** debug: arg0 = va of the table's span, arg1 = level of its entry */
	AM_EV_PT_TABLE_FREED,
	AM_EV_INTERNAL, /**< a library invariant failed (a bug): arg0 = what */
	/** NULL, never initialised, failed-init or destroyed object; arg0 = its address */
	AM_EV_NOT_READY,
	AM_EV_BAD_ARG,	  /**< a malformed argument (NULL, flags, index); arg0..2 = values */
	AM_EV_BAD_CONFIG, /**< an init refused its configuration; arg0..2 = values */
	/** the backend gave a table page the hardware cannot use; arg0 = its PA, arg1 = the
	 * output size's end */
	AM_EV_BAD_TABLE,
	AM_EV_COUNT /**< the number of events */
};

/** One log record: what happened, and the values it names. */
struct am_log_rec {
	enum am_log_level level; /**< how severe */
	enum am_log_event event; /**< what it is about */
	const char *msg;	 /**< constant, human-readable, no trailing newline */
	uint64_t arg[3];	 /**< the values the event names (arg0..arg2) */
};

/**
 * Environment hooks common to every instance. Each may be NULL: no lock
 * means the caller serialises; no log means refusals are silent (the error
 * code still says what happened).
 *
 * The log hook of a ready object is called only with that object's lock
 * held (a table's for a tracker, the P2M's for a P2M and its stage-2
 * table), so a logger may rely on that lock: one object's records never
 * overlap and come in the order of its calls. Two exceptions: an init
 * logs its refusals before anything is shared, with no lock taken, and a
 * call on an object that is not ready logs to the fallback hook below. The
 * hook must not call into the object it logs for (its lock is held).
 */
struct am_env {
	void (*lock)(void *ctx);   /**< take the instance's lock */
	void (*unlock)(void *ctx); /**< release it */
	/** take one record (see above for the lock it is called with) */
	void (*log)(void *ctx, const struct am_log_rec *rec);
};

/** A log hook. */
typedef void (*am_log_fn)(void *ctx, const struct am_log_rec *rec);

/**
 * Sets where the records go that have no instance hook to go through.
 *
 * Those are the refusals of calls on a NULL, never initialised, failed-init or
 * destroyed object, refusals of init calls given no ops (or ops without a log
 * hook), and refusals of the calls that take no object (am_attr_check(),
 * am_mpu_encode(), am_pt_desc_encode(), am_frame_*(), ...). @p fn NULL (the
 * default) makes them silent; the error code still says what happened. One hook
 * for the whole program, with no lock: set it once, before the calls that could
 * use it.
 *
 * @param fn   the fallback log hook, or NULL
 * @param ctx  what @p fn is called with
 */
void am_log_set_fallback(am_log_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif
