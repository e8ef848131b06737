/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * AArch64 bare metal: a ticket spinlock, for CPUs that share an armmap
 * instance (a table, a P2M): its env.lock / env.unlock hooks (struct
 * am_env). Fair: CPUs get the lock in the order they asked for it.
 *
 * Armv8.0 (no FEAT_LSE, e.g. Cortex-A57): the ticket is taken with an
 * LDAXR / STXR loop; with FEAT_LSE at build time (__ARM_FEATURE_ATOMICS)
 * with LDADDA. A waiter sleeps in WFE and reads the owner with LDAXRH, so
 * the unlocker's store clears its exclusive monitor and wakes it (no SEV
 * needed). Acquire on lock, release on unlock: what the holder wrote is
 * visible to the next holder.
 *
 * The lock word must be in Normal cacheable memory, inner shareable, as
 * every CPU using it maps it (exclusives on Device memory, e.g. with the
 * MMU off, need not work). The lock is not recursive and does not mask
 * interrupts: a caller whose interrupt handlers take the same lock masks
 * them around it. 16-bit tickets: at most 65535 CPUs waiting at once.
 */
#ifndef ARMMAP_ARCH_AARCH64_SPINLOCK_H
#define ARMMAP_ARCH_AARCH64_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A ticket spinlock. owner: the ticket being served; next: the next ticket
 * to hand out.
 */
struct am_aarch64_spinlock {
	union {
		uint32_t val; /**< owner in bits [15:0], next in [31:16] */
		/** the two halves of val */
		struct {
			uint16_t owner; /**< the ticket being served */
			uint16_t next;	/**< the next ticket to hand out */
		} t;
	};
};

/** An unlocked spinlock, as a static initialiser. */

#define AM_AARCH64_SPINLOCK_INIT \
	{                        \
		{                \
			0        \
		}                \
	}

/**
 * Make @p l unlocked (a zeroed lock is unlocked too).
 *
 * @param l  the lock
 */
void am_aarch64_spin_init(struct am_aarch64_spinlock *l);

/**
 * Take a ticket and wait for it to be served.
 *
 * @param l  the lock
 */
void am_aarch64_spin_lock(struct am_aarch64_spinlock *l);

/**
 * Take the lock if it is free.
 *
 * @param l  the lock
 * @return true when taken.
 */
bool am_aarch64_spin_trylock(struct am_aarch64_spinlock *l);

/**
 * Serve the next ticket. Only the holder calls it.
 *
 * @param l  the lock
 */
void am_aarch64_spin_unlock(struct am_aarch64_spinlock *l);

/**
 * Whether the lock is held (or waited for) at the moment of the read.
 *
 * @param l  the lock
 * @return true when held or waited for.
 */
bool am_aarch64_spin_is_locked(const struct am_aarch64_spinlock *l);

/**
 * @name The hooks of struct am_env
 * The hooks of struct am_env when the instance's ctx is the lock itself:
 * .lock = am_aarch64_spin_lock_ctx, .unlock = am_aarch64_spin_unlock_ctx.
 * With the backend of pt_ops.h, whose ctx is a struct am_aarch64_pt_ctx,
 * use am_aarch64_pt_lock() / am_aarch64_pt_unlock() instead.
 * @{
 */
/**
 * The env.lock hook: am_aarch64_spin_lock() on @p lock.
 *
 * @param lock  the instance's ctx, a struct am_aarch64_spinlock
 */
void am_aarch64_spin_lock_ctx(void *lock);
/**
 * The env.unlock hook: am_aarch64_spin_unlock() on @p lock.
 *
 * @param lock  the instance's ctx, a struct am_aarch64_spinlock
 */
void am_aarch64_spin_unlock_ctx(void *lock);
/** @} */

#ifdef __cplusplus
}
#endif

#endif
