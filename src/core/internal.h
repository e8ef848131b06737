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

static inline void am_env_log_(const struct am_env *env, void *ctx, enum am_log_level level,
			       enum am_log_event event, const char *msg, uint64_t a0, uint64_t a1,
			       uint64_t a2)
{
	struct am_log_rec rec = {level, event, msg, {a0, a1, a2}};

	if (env->log)
		env->log(ctx, &rec);
}

/* A record with no instance hook: to the fallback hook (am_log_set_fallback()). */
void am_log_fallback_(enum am_log_level level, enum am_log_event event, const char *msg,
		      uint64_t a0, uint64_t a1, uint64_t a2);

/*
 * Init's refusals: through the log hook of the ops it was given, or the
 * fallback hook when it has none (no ops, or ops without a log hook).
 */
static inline void am_init_log_(const struct am_env *env, void *ctx, enum am_log_event event,
				const char *msg, uint64_t a0, uint64_t a1, uint64_t a2)
{
	if (env && env->log)
		am_env_log_(env, ctx, AM_LOG_ERR, event, msg, a0, a1, a2);
	else
		am_log_fallback_(AM_LOG_ERR, event, msg, a0, a1, a2);
}

static inline int am_init_refuse_(const struct am_env *env, void *ctx, int rc, const char *msg,
				  uint64_t a0, uint64_t a1, uint64_t a2)
{
	am_init_log_(env, ctx, AM_EV_BAD_CONFIG, msg, a0, a1, a2);
	return rc;
}

/*
 * Is @obj, whose ready word reads @mark, initialised as @want? If not, log
 * @what (with the object's address: 0 for NULL) to the fallback hook.
 */
bool am_ready_check_(const void *obj, uint32_t mark, uint32_t want, const char *what);

/*
 * The log calls, through AM_LOG_TEXT: a build with AM_CONFIG_NO_LOG_STRINGS
 * (a smaller library) keeps every record, its level, event and arguments,
 * but not its text (msg is NULL). am_strerror() keeps its names.
 */
#ifdef AM_CONFIG_NO_LOG_STRINGS
#define AM_LOG_TEXT(s) ((void)(s), (const char *)0)
#else
#define AM_LOG_TEXT(s) (s)
#endif
#define am_env_log(env, ctx, level, event, msg, a0, a1, a2) \
	am_env_log_(env, ctx, level, event, AM_LOG_TEXT(msg), a0, a1, a2)
#define am_log_fallback(level, event, msg, a0, a1, a2) \
	am_log_fallback_(level, event, AM_LOG_TEXT(msg), a0, a1, a2)
#define am_init_log(env, ctx, event, msg, a0, a1, a2) \
	am_init_log_(env, ctx, event, AM_LOG_TEXT(msg), a0, a1, a2)
#define am_init_refuse(env, ctx, rc, msg, a0, a1, a2) \
	am_init_refuse_(env, ctx, rc, AM_LOG_TEXT(msg), a0, a1, a2)
#define am_ready_check(obj, mark, want, what) am_ready_check_(obj, mark, want, AM_LOG_TEXT(what))

/* am_attr_check() without its log record: for callers that log the reason. */
int am_attr_validate(const struct am_attr *a);

#endif
