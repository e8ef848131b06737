/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The log calls of every module (internal.h), the fallback log hook
 * (records with no instance hook to go through) and the readiness check
 * every call on an object starts with.
 */
#include "internal.h"

#ifdef AM_CONFIG_NO_LOG_STRINGS
#define MSG ((const char *)0)
#else
#define MSG msg
#endif

static am_log_fn fallback_fn;
static void *fallback_ctx;

void am_log_set_fallback(am_log_fn fn, void *ctx)
{
	fallback_fn = fn;
	fallback_ctx = ctx;
}

/* One record of level and event @le (AM_LE()) to @fn, if there is one. */
static void emit(am_log_fn fn, void *ctx, unsigned int le, uint64_t a0, uint64_t a1,
		 uint64_t a2 AM_LOG_MSG_PARAM)
{
	struct am_log_rec rec = {
		(enum am_log_level)(le >> 8), (enum am_log_event)(le & 0xffu), MSG, {a0, a1, a2}};

	if (fn)
		fn(ctx, &rec);
}

void am_log_(const struct am_env *env, void *ctx, unsigned int le, uint64_t a0, uint64_t a1,
	     uint64_t a2 AM_LOG_MSG_PARAM)
{
	emit(env->log, ctx, le, a0, a1, a2 AM_LOG_MSG(MSG));
}

void am_log_fallback_(unsigned int le, uint64_t a0, uint64_t a1, uint64_t a2 AM_LOG_MSG_PARAM)
{
	emit(fallback_fn, fallback_ctx, le, a0, a1, a2 AM_LOG_MSG(MSG));
}

void am_init_log_(const struct am_env *env, void *ctx, unsigned int event, uint64_t a0, uint64_t a1,
		  uint64_t a2 AM_LOG_MSG_PARAM)
{
	unsigned int le = AM_LE(AM_LOG_ERR, event);

	if (env && env->log)
		emit(env->log, ctx, le, a0, a1, a2 AM_LOG_MSG(MSG));
	else
		emit(fallback_fn, fallback_ctx, le, a0, a1, a2 AM_LOG_MSG(MSG));
}

int am_init_refuse_(const struct am_env *env, void *ctx, int rc, uint64_t a0, uint64_t a1,
		    uint64_t a2 AM_LOG_MSG_PARAM)
{
	am_init_log_(env, ctx, AM_EV_BAD_CONFIG, a0, a1, a2 AM_LOG_MSG(MSG));
	return rc;
}

bool am_ready_check_(const void *obj, uint32_t mark, uint32_t want AM_LOG_MSG_PARAM)
{
	if (obj && mark == want)
		return true;
	emit(fallback_fn, fallback_ctx, AM_LE(AM_LOG_ERR, AM_EV_NOT_READY),
	     (uint64_t)(uintptr_t)obj, mark, 0 AM_LOG_MSG(MSG));
	return false;
}
