/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fallback log hook (records with no instance hook to go through) and
 * the readiness check every call on an object starts with.
 */
#include "internal.h"

static am_log_fn fallback_fn;
static void *fallback_ctx;

void am_log_set_fallback(am_log_fn fn, void *ctx)
{
	fallback_fn = fn;
	fallback_ctx = ctx;
}

void am_log_fallback_(enum am_log_level level, enum am_log_event event, const char *msg,
		      uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct am_log_rec rec = {level, event, msg, {a0, a1, a2}};

	if (fallback_fn)
		fallback_fn(fallback_ctx, &rec);
}

bool am_ready_check_(const void *obj, uint32_t mark, uint32_t want, const char *what)
{
	if (obj && mark == want)
		return true;
	am_log_fallback_(AM_LOG_ERR, AM_EV_NOT_READY, what, (uint64_t)(uintptr_t)obj, mark, 0);
	return false;
}
