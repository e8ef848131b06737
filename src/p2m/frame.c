/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frame table: a struct am_page_info per machine frame, and the GFN a
 * xenheap frame records in its type_info when it is mapped into a guest.
 * Every update of type_info is a compare and swap, so the GFN field and the
 * type and count bits never overwrite each other, whoever holds which lock.
 */
#include <armmap/errors.h>
#include <armmap/p2m.h>

#include "../core/internal.h"
#include "p2m_internal.h"

static int refuse(int rc, const char *msg, uint64_t a, uint64_t b)
{
	am_log_fallback(AM_LOG_ERR, AM_EV_BAD_ARG, msg, a, b, 0);
	return rc;
}

int am_frame_table_init(struct am_frame_table *ft, struct am_page_info *pages, am_mfn_t first_mfn,
			size_t nr)
{
	uint64_t first = am_mfn_val(first_mfn);

	if (!ft)
		return refuse(AM_EINVAL, "frame table init: NULL table", 0, 0);
	ft->ready = 0;
	if (!pages || !nr || first + nr < first)
		return refuse(AM_EINVAL, "frame table init: NULL pages, no frames, or MFNs wrap",
			      first, nr);
	ft->pages = pages;
	ft->first = first;
	ft->nr = nr;
	ft->ready = AM_READY_FT;
	return 0;
}

void am_frame_init(struct am_page_info *pg, bool xenheap)
{
	if (!pg) {
		refuse(AM_EINVAL, "frame init: NULL frame", 0, 0);
		return;
	}
	__atomic_store_n(&pg->count_info, xenheap ? AM_PGC_XEN_HEAP : 0ul, __ATOMIC_RELAXED);
	__atomic_store_n(&pg->type_info, AM_PGT_TYPE_INFO_INIT, __ATOMIC_RELEASE);
}

struct am_page_info *am_frame_of(const struct am_frame_table *ft, am_mfn_t m)
{
	uint64_t mfn = am_mfn_val(m);

	if (!am_ready_check(ft, ft ? ft->ready : 0, AM_READY_FT,
			    "frame table: NULL or not initialised"))
		return NULL;
	if (mfn < ft->first || mfn - ft->first >= ft->nr)
		return NULL; /* outside the table: an answer, not a refusal */
	return &ft->pages[mfn - ft->first];
}

static bool is_xenheap(const struct am_page_info *pg)
{
	return __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED) & AM_PGC_XEN_HEAP;
}

int am_frame_get_gfn(const struct am_page_info *pg, am_gfn_t *gfn)
{
	unsigned long f;

	if (!pg || !gfn)
		return refuse(AM_EINVAL, "frame get_gfn: NULL frame or output",
			      (uint64_t)(uintptr_t)pg, (uint64_t)(uintptr_t)gfn);
	if (!is_xenheap(pg))
		return refuse(AM_EINVAL, "frame get_gfn: not a xenheap frame",
			      (uint64_t)(uintptr_t)pg, 0);
	f = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE) & AM_PGT_GFN_MASK;
	*gfn = am_gfn(f == AM_PGT_GFN_MASK ? GFN_NONE : (uint64_t)f);
	return 0;
}

int am_frame_set_gfn(struct am_page_info *pg, am_gfn_t g)
{
	uint64_t gfn = am_gfn_val(g);
	unsigned long field, old, new;

	if (!pg)
		return refuse(AM_EINVAL, "frame set_gfn: NULL frame", 0, gfn);
	if (!is_xenheap(pg))
		return refuse(AM_EINVAL, "frame set_gfn: not a xenheap frame",
			      (uint64_t)(uintptr_t)pg, gfn);
	if (gfn == GFN_NONE)
		field = AM_PGT_GFN_MASK;
	else if (gfn >= AM_PGT_GFN_MASK) /* all-ones is "none" */
		return refuse(AM_ERANGE, "frame set_gfn: the GFN does not fit type_info", gfn,
			      AM_PGT_GFN_MASK);
	else
		field = (unsigned long)gfn;
	old = __atomic_load_n(&pg->type_info, __ATOMIC_RELAXED);
	do {
		new = (old & ~AM_PGT_GFN_MASK) | field;
	} while (!__atomic_compare_exchange_n(&pg->type_info, &old, new, true, __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	return 0;
}

int am_frame_claim_gfn(struct am_page_info *pg, uint64_t gfn, uint64_t *had)
{
	unsigned long old = __atomic_load_n(&pg->type_info, __ATOMIC_RELAXED);

	if (gfn >= AM_PGT_GFN_MASK)
		return AM_ERANGE;
	do {
		if ((old & AM_PGT_GFN_MASK) != AM_PGT_GFN_MASK) {
			*had = (uint64_t)(old & AM_PGT_GFN_MASK);
			return AM_EBUSY;
		}
	} while (!__atomic_compare_exchange_n(&pg->type_info, &old,
					      (old & ~AM_PGT_GFN_MASK) | (unsigned long)gfn, true,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	return 0;
}

int am_frame_get(struct am_page_info *pg)
{
	unsigned long old;

	if (!pg)
		return refuse(AM_EINVAL, "frame get: NULL frame", 0, 0);
	old = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED);
	do {
		if ((old & AM_PGC_COUNT_MASK) == AM_PGC_COUNT_MASK)
			return refuse(AM_EOVERFLOW, "frame get: the reference count is saturated",
				      (uint64_t)(uintptr_t)pg, old);
	} while (!__atomic_compare_exchange_n(&pg->count_info, &old, old + 1, true,
					      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
	return 0;
}

void am_frame_put(struct am_page_info *pg)
{
	unsigned long old;

	if (!pg) {
		refuse(AM_EINVAL, "frame put: NULL frame", 0, 0);
		return;
	}
	old = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED);
	do {
		if (!(old & AM_PGC_COUNT_MASK)) { /* nothing to drop: never below zero */
			refuse(AM_EINVAL, "frame put: no reference to drop",
			       (uint64_t)(uintptr_t)pg, old);
			return;
		}
	} while (!__atomic_compare_exchange_n(&pg->count_info, &old, old - 1, true,
					      __ATOMIC_RELEASE, __ATOMIC_RELAXED));
}
