/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal helpers shared by the modules: the environment hooks (lock, log)
 * called safely when absent, the fallback log, and the ready marks. Not part
 * of the public API.
 */
#ifndef ARMMAP_CORE_INTERNAL_H
#define ARMMAP_CORE_INTERNAL_H

#include <armmap/attr.h>
#include <armmap/config.h>
#include <armmap/errors.h>
#include <armmap/types.h>

/*
 * Ready marks. Init writes 0 first and the mark last, only on success;
 * destroy clears it. Every call on an object checks its mark before it
 * reads anything else of it, so a zeroed, failed-init or destroyed object
 * is refused with AM_EINVAL instead of calling through unset pointers.
 */
#define AM_READY_MPU 0x616d4d50u      /* "amMP" */
#define AM_READY_PT 0x616d5054u	      /* "amPT" */
#define AM_READY_P2M 0x616d5032u      /* "amP2" */
#define AM_READY_FT 0x616d4654u	      /* "amFT" */
#define AM_READY_TRACKER 0x616d4d54u  /* "amMT" */
#define AM_READY_MMIO_HYP 0x616d4d48u /* "amMH" */

static inline void am_env_lock(const struct am_env *env, void *ctx)
{
	if (env->lock)
		env->lock(ctx);
}

static inline void am_env_unlock(const struct am_env *env, void *ctx)
{
	if (env->unlock)
		env->unlock(ctx);
}

/*
 * The log calls. A record's level and event travel packed in one word
 * (AM_LE()), and the calls are out of line (log.c): a call site passes
 * the hook's owner and the record's values, nothing more.
 *
 * A build with AM_CONFIG_NO_LOG_STRINGS (a smaller library) keeps every
 * record, its level, event and arguments, but not its text (msg is NULL):
 * the text is not even passed. am_strerror() keeps its names.
 */
#define AM_LE(level, event) ((unsigned int)(level) << 8 | (unsigned int)(event))
#ifdef AM_CONFIG_NO_LOG_STRINGS
#define AM_LOG_MSG_PARAM
#define AM_LOG_MSG(s)
#define AM_LOG_CALL(s, call) ((void)(s), call)
#else
#define AM_LOG_MSG_PARAM , const char *msg
#define AM_LOG_MSG(s) , (s)
#define AM_LOG_CALL(s, call) (call)
#endif

/* A record to @env's log hook, if it has one. */
void am_log_(const struct am_env *env, void *ctx, unsigned int le, uint64_t a0, uint64_t a1,
	     uint64_t a2 AM_LOG_MSG_PARAM);

/* A record with no instance hook: to the fallback hook (am_log_set_fallback()). */
void am_log_fallback_(unsigned int le, uint64_t a0, uint64_t a1, uint64_t a2 AM_LOG_MSG_PARAM);

/*
 * Init's refusals: through the log hook of the ops it was given, or the
 * fallback hook when it has none (no ops, or ops without a log hook).
 * am_init_refuse_() logs an AM_EV_BAD_CONFIG record and returns @rc.
 */
void am_init_log_(const struct am_env *env, void *ctx, unsigned int event, uint64_t a0, uint64_t a1,
		  uint64_t a2 AM_LOG_MSG_PARAM);
int am_init_refuse_(const struct am_env *env, void *ctx, int rc, uint64_t a0, uint64_t a1,
		    uint64_t a2 AM_LOG_MSG_PARAM);

/*
 * Is @obj, whose ready word reads @mark, initialised as @want? If not, log
 * @what (with the object's address: 0 for NULL) to the fallback hook.
 */
bool am_ready_check_(const void *obj, uint32_t mark, uint32_t want AM_LOG_MSG_PARAM);

#define am_env_log(env, ctx, level, event, msg, a0, a1, a2) \
	AM_LOG_CALL(msg, am_log_(env, ctx, AM_LE(level, event), a0, a1, a2 AM_LOG_MSG(msg)))
#define am_log_fallback(level, event, msg, a0, a1, a2) \
	AM_LOG_CALL(msg, am_log_fallback_(AM_LE(level, event), a0, a1, a2 AM_LOG_MSG(msg)))
#define am_init_log(env, ctx, event, msg, a0, a1, a2) \
	AM_LOG_CALL(msg, am_init_log_(env, ctx, event, a0, a1, a2 AM_LOG_MSG(msg)))
#define am_init_refuse(env, ctx, rc, msg, a0, a1, a2) \
	AM_LOG_CALL(msg, am_init_refuse_(env, ctx, rc, a0, a1, a2 AM_LOG_MSG(msg)))
#define am_ready_check(obj, mark, want, what) \
	AM_LOG_CALL(what, am_ready_check_(obj, mark, want AM_LOG_MSG(what)))

/* am_attr_check() without its log record: for callers that log the reason. */
int am_attr_validate(const struct am_attr *a);

#endif
