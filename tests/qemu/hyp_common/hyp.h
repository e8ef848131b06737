/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shared hypervisor harness of the AArch64 EL2 images (qemu-guest,
 * qemu-mmio-guard, qemu-linux): the EL2 stage-1 identity map built from a
 * list of regions (the image's own, from link.ld, and its devices) with
 * the MMU turned on; the dispatch of the traps a lower EL takes, by
 * exception class, from a table; and the dispatch of hypercalls by number,
 * from a table. The check reporting is tests/qemu/common/check.h; the
 * checks an EL1 guest drives, guest_check.h.
 */
#ifndef ARMMAP_QEMU_HYP_HYP_H
#define ARMMAP_QEMU_HYP_HYP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <armmap/attr.h>
#include <armmap/p2m.h>
#include <armmap/pt.h>

#include "tests/qemu/aarch64/exc.h"
#include <armmap/arch/aarch64/pt_ops.h>

/* One identity-mapped range of the hypervisor's EL2 stage 1. */
struct hyp_region {
	const char *name;
	uint64_t start, end; /* 4 KiB aligned, start < end */
	const struct am_attr *attr;
	uint32_t flags; /* am_pt_map() flags, e.g. AM_PT_F_BLOCK */
};

/* The attributes the regions use (named objects: their address can be taken). */
extern const struct am_attr hyp_attr_rx, hyp_attr_ro, hyp_attr_rw, hyp_attr_dev;

/* link.ld: every hypervisor image names its parts so. */
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __ram_start[], __ram_end[];

/* The image's own three regions (code RX, constants RO, data RW) into @out. */
#define HYP_IMAGE_REGIONS 3u
void hyp_image_regions(struct hyp_region out[HYP_IMAGE_REGIONS]);

/* The EL2 stage 1 of an image: its table, the backend context and the pool. */
struct hyp_el2 {
	struct am_pt pt;
	struct am_aarch64_pt_ctx ctx;
};

/*
 * hyp_el2_mmu() - build the identity map of @n regions in @el2 (table
 * pages from [@pool, @pool + @bytes), 39-bit VAs, the CPU's PA size up to
 * 48 bits) and turn the EL2 MMU on with it. Prints one line per region
 * and one with the outcome. Returns 0 or the first refusal (the MMU then
 * stays off).
 */
int hyp_el2_mmu(struct hyp_el2 *el2, void *pool, size_t bytes, const struct hyp_region *r,
		unsigned int n);

/* The CPU's PA size, at most 48 bits (what the tables here are built for). */
unsigned int hyp_pa_bits(void);

/* The MFN of a page of the image (the EL2 map is an identity map: VA == PA). */
static inline am_mfn_t hyp_mfn(const void *p)
{
	return am_pa_to_mfn(am_pa((uintptr_t)p));
}

/*
 * hyp_xenheap_gfn() - the GFN recorded by the frame of the image's page
 * @page in @ft: AM_GFN_INVALID when it has none, 0xbad when that frame is
 * not a xenheap frame of the table (for display and checks).
 */
am_gfn_t hyp_xenheap_gfn(const struct am_frame_table *ft, const void *page);

/* A trap from the guest (lower EL, AArch64, synchronous), by exception class. */
struct hyp_trap {
	unsigned int ec; /* AM_EC_* */
	bool (*fn)(struct am_aarch64_frame *f);
};

/*
 * hyp_trap_dispatch() - call the entry of @t for the frame's exception
 * class: its answer (true: handled, resume), or false when the exception
 * is not a lower-EL AArch64 synchronous one or no entry has its class.
 */
bool hyp_trap_dispatch(const struct hyp_trap *t, size_t n, struct am_aarch64_frame *f);

/* A hypercall, by number. */
struct hyp_call {
	uint64_t nr;
	const char *name;
	void (*fn)(struct am_aarch64_frame *f);
};

/* hyp_call_find() - the entry of @t for @nr, or NULL. */
const struct hyp_call *hyp_call_find(const struct hyp_call *t, size_t n, uint64_t nr);

/* AM_GFN_INVALID and AM_MFN_INVALID as the integers the images compute with. */
#define GFN_NONE am_gfn_val(AM_GFN_INVALID)
#define MFN_NONE am_mfn_val(AM_MFN_INVALID)

/*
 * The P2M calls with a typed output (am_gfn_t, am_mfn_t), giving it as the
 * integer the images compute with; the output is written only on success,
 * as the calls do.
 */
static inline int hyp_frame_get_gfn(const struct am_page_info *pg, uint64_t *gfn)
{
	am_gfn_t g = am_gfn(0);
	int rc = am_frame_get_gfn(pg, &g);

	if (!rc)
		*gfn = am_gfn_val(g);
	return rc;
}

static inline int hyp_p2m_lookup(struct am_p2m *p, am_gfn_t gfn, uint64_t *mfn, enum am_p2m_type *t)
{
	am_mfn_t m = am_mfn(0);
	int rc = am_p2m_lookup(p, gfn, &m, t);

	if (!rc)
		*mfn = am_mfn_val(m);
	return rc;
}

static inline int hyp_p2m_gnttab_gfn(struct am_p2m *p, uint32_t idx, uint64_t *gfn)
{
	am_gfn_t g = am_gfn(0);
	int rc = am_p2m_gnttab_gfn(p, idx, &g);

	if (!rc)
		*gfn = am_gfn_val(g);
	return rc;
}

#endif
