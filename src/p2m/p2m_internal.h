/* SPDX-License-Identifier: BSD-3-Clause */
/* The P2M module's insides, shared by frame.c and p2m.c. Not public. */
#ifndef ARMMAP_P2M_INTERNAL_H
#define ARMMAP_P2M_INTERNAL_H

#include <armmap/p2m.h>

/*
 * am_frame_claim_gfn() - record @gfn in xenheap frame @pg only if it has
 * none: one compare and swap, so that of two guests adding the same frame
 * at once exactly one gets it. No record logged (the caller logs).
 * Returns 0, or AM_EBUSY (it has a GFN: *@had) or AM_ERANGE (@gfn does not
 * fit the field). @pg must be xenheap.
 */
int am_frame_claim_gfn(struct am_page_info *pg, uint64_t gfn, uint64_t *had);

/* No frame, unwrapped (AM_GFN_INVALID, AM_MFN_INVALID). */
#define GFN_NONE (~(uint64_t)0)
#define MFN_NONE (~(uint64_t)0)

#endif
