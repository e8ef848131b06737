/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 ticket spinlock: owns the exclusive (Armv8.0) and LSE sequences
 * that take a ticket, wait for it in WFE, and serve the next one.
 */
#include <armmap/arch/aarch64/spinlock.h>

#define TICKET_ONE (1u << 16) /* adds one to next */

void am_aarch64_spin_init(struct am_aarch64_spinlock *l)
{
	__atomic_store_n(&l->val, 0u, __ATOMIC_RELEASE);
}

/* Take a ticket: %w[old] gets the lock word before, next + 1 is stored. */
#if defined(__ARM_FEATURE_ATOMICS)
#define TAKE_TICKET "	ldadda	%w[inc], %w[old], %[lock]\n"
#else
#define TAKE_TICKET                        \
	"	prfm	pstl1strm, %[lock]\n"       \
	"1:	ldaxr	%w[old], %[lock]\n"      \
	"	add	%w[nv], %w[old], %w[inc]\n"  \
	"	stxr	%w[tmp], %w[nv], %[lock]\n" \
	"	cbnz	%w[tmp], 1b\n"
#endif

void am_aarch64_spin_lock(struct am_aarch64_spinlock *l)
{
	uint32_t old, nv, tmp;

	__asm__ volatile(TAKE_TICKET
			 /* owner == our ticket (the old next): ours at once */
			 "	eor	%w[tmp], %w[old], %w[old], ror #16\n"
			 "	cbz	%w[tmp], 3f\n"
			 /* else wait in WFE until the owner is our ticket */
			 "	sevl\n"
			 "2:	wfe\n"
			 "	ldaxrh	%w[tmp], %[owner]\n"
			 "	eor	%w[tmp], %w[tmp], %w[old], lsr #16\n"
			 "	cbnz	%w[tmp], 2b\n"
			 "3:"
			 : [old] "=&r"(old), [nv] "=&r"(nv), [tmp] "=&r"(tmp), [lock] "+Q"(l->val)
			 : [inc] "r"(TICKET_ONE), [owner] "Q"(l->t.owner)
			 : "memory");
}

bool am_aarch64_spin_trylock(struct am_aarch64_spinlock *l)
{
	uint32_t old, tmp;

	__asm__ volatile("	prfm	pstl1strm, %[lock]\n"
			 "1:	ldaxr	%w[old], %[lock]\n"
			 "	eor	%w[tmp], %w[old], %w[old], ror #16\n"
			 "	cbnz	%w[tmp], 2f\n" /* held: give up */
			 "	add	%w[old], %w[old], %w[inc]\n"
			 "	stxr	%w[tmp], %w[old], %[lock]\n"
			 "	cbnz	%w[tmp], 1b\n"
			 "2:	clrex"
			 : [old] "=&r"(old), [tmp] "=&r"(tmp), [lock] "+Q"(l->val)
			 : [inc] "r"(TICKET_ONE)
			 : "memory");
	return tmp == 0;
}

void am_aarch64_spin_unlock(struct am_aarch64_spinlock *l)
{
#if defined(__ARM_FEATURE_ATOMICS)
	__asm__ volatile("	staddlh	%w[one], %[owner]"
			 : [owner] "+Q"(l->t.owner)
			 : [one] "r"(1u)
			 : "memory");
#else
	uint32_t tmp;

	__asm__ volatile("	ldrh	%w[tmp], %[owner]\n"
			 "	add	%w[tmp], %w[tmp], #1\n"
			 "	stlrh	%w[tmp], %[owner]"
			 : [tmp] "=&r"(tmp), [owner] "+Q"(l->t.owner)
			 :
			 : "memory");
#endif
}

bool am_aarch64_spin_is_locked(const struct am_aarch64_spinlock *l)
{
	uint32_t v = __atomic_load_n(&l->val, __ATOMIC_RELAXED);

	return (v & 0xffffu) != (v >> 16);
}

void am_aarch64_spin_lock_ctx(void *lock)
{
	am_aarch64_spin_lock(lock);
}

void am_aarch64_spin_unlock_ctx(void *lock)
{
	am_aarch64_spin_unlock(lock);
}
