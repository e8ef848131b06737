/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frame table: a struct am_page_info per machine frame, and the GFN a
 * xenheap frame records in its type_info when it is mapped into a guest.
 * Every update of type_info is a compare and swap, so the GFN field and the
 * type and count bits never overwrite each other, whoever holds which lock.
 */
#include <armmap/errors.h>
#include <armmap/p2m.h>

void am_frame_init(struct am_page_info *pg, bool xenheap)
{
	if (!pg)
		return;
	__atomic_store_n(&pg->count_info, xenheap ? AM_PGC_XEN_HEAP : 0ul, __ATOMIC_RELAXED);
	__atomic_store_n(&pg->type_info, AM_PGT_TYPE_INFO_INIT, __ATOMIC_RELEASE);
}

struct am_page_info *am_frame_of(const struct am_frame_table *ft, am_mfn_t mfn)
{
	if (!ft || !ft->pages || mfn < ft->first || mfn - ft->first >= ft->nr)
		return NULL;
	return &ft->pages[mfn - ft->first];
}

static bool is_xenheap(const struct am_page_info *pg)
{
	return __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED) & AM_PGC_XEN_HEAP;
}

int am_frame_get_gfn(const struct am_page_info *pg, am_gfn_t *gfn)
{
	unsigned long f;

	if (!pg || !gfn || !is_xenheap(pg))
		return AM_EINVAL;
	f = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE) & AM_PGT_GFN_MASK;
	*gfn = f == AM_PGT_GFN_MASK ? AM_GFN_INVALID : (am_gfn_t)f;
	return 0;
}

int am_frame_set_gfn(struct am_page_info *pg, am_gfn_t gfn)
{
	unsigned long field, old, new;

	if (!pg || !is_xenheap(pg))
		return AM_EINVAL;
	if (gfn == AM_GFN_INVALID)
		field = AM_PGT_GFN_MASK;
	else if (gfn >= AM_PGT_GFN_MASK) /* all-ones is "none" */
		return AM_ERANGE;
	else
		field = (unsigned long)gfn;
	old = __atomic_load_n(&pg->type_info, __ATOMIC_RELAXED);
	do {
		new = (old & ~AM_PGT_GFN_MASK) | field;
	} while (!__atomic_compare_exchange_n(&pg->type_info, &old, new, true, __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	return 0;
}

int am_frame_get(struct am_page_info *pg)
{
	unsigned long old;

	if (!pg)
		return AM_EINVAL;
	old = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED);
	do {
		if ((old & AM_PGC_COUNT_MASK) == AM_PGC_COUNT_MASK)
			return AM_EOVERFLOW;
	} while (!__atomic_compare_exchange_n(&pg->count_info, &old, old + 1, true,
					      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
	return 0;
}

void am_frame_put(struct am_page_info *pg)
{
	unsigned long old;

	if (!pg)
		return;
	old = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED);
	do {
		if (!(old & AM_PGC_COUNT_MASK))
			return; /* nothing to drop: never below zero */
	} while (!__atomic_compare_exchange_n(&pg->count_info, &old, old - 1, true,
					      __ATOMIC_RELEASE, __ATOMIC_RELAXED));
}
