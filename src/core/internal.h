/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal helpers shared by the modules: the environment hooks (lock, log)
 * called safely when absent. Not part of the public API.
 */
#ifndef ARMMAP_CORE_INTERNAL_H
#define ARMMAP_CORE_INTERNAL_H

#include <armmap/errors.h>
#include <armmap/types.h>

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

static inline void am_env_log(const struct am_env *env, void *ctx,
			      enum am_log_level level, enum am_log_event event,
			      const char *msg, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct am_log_rec rec = { level, event, msg, { a0, a1, a2 } };

	if (env->log)
		env->log(ctx, &rec);
}

#endif
