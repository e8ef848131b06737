/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shared hypervisor harness (hyp.h): the EL2 stage-1 identity map from
 * a region list, the trap and hypercall dispatch tables.
 */
#include <armmap/errors.h>

#include <armmap/arch/aarch64/sysreg.h>
#include "tests/qemu/common/check.h"
#include "tests/qemu/hyp_common/hyp.h"

const struct am_attr hyp_attr_rx = AM_ATTR_RX_TEXT;
const struct am_attr hyp_attr_ro = AM_ATTR_RO_DATA;
const struct am_attr hyp_attr_rw = AM_ATTR_RW_DATA;
const struct am_attr hyp_attr_dev = AM_ATTR_DEVICE;

void hyp_image_regions(struct hyp_region out[HYP_IMAGE_REGIONS])
{
	out[0] = (struct hyp_region){"code", (uintptr_t)__text_start, (uintptr_t)__text_end,
				     &hyp_attr_rx, 0};
	out[1] = (struct hyp_region){"constants", (uintptr_t)__rodata_start,
				     (uintptr_t)__rodata_end, &hyp_attr_ro, 0};
	out[2] = (struct hyp_region){"data", (uintptr_t)__ram_start, (uintptr_t)__ram_end,
				     &hyp_attr_rw, 0};
}

unsigned int hyp_pa_bits(void)
{
	unsigned int b = am_aarch64_pa_bits();

	return b > 48 ? 48 : b;
}

int hyp_el2_mmu(struct hyp_el2 *el2, void *pool, size_t bytes, const struct hyp_region *r,
		unsigned int n)
{
	struct am_pt_config cfg = {.regime = AM_PT_S1_EL2, .ia_bits = 39, .oa_bits = hyp_pa_bits()};
	unsigned int i;
	int rc;

	rc = am_aarch64_pt_ctx_init(&el2->ctx, pool, bytes);
	rc = rc ? rc : am_pt_init(&el2->pt, &cfg, &am_aarch64_pt_ops, &el2->ctx);
	con_printf("  EL2 stage 1, an identity map:\n");
	for (i = 0; i < n && rc == 0; i++) {
		rc = am_pt_map(&el2->pt, am_va(r[i].start), am_pa(r[i].start),
			       r[i].end - r[i].start, r[i].attr, r[i].flags);
		con_printf("    [0x%08lx, 0x%08lx) %-4s %s%s\n", r[i].start, r[i].end,
			   am_attr_is_device(r[i].attr) ? "dev" : perm_name(r[i].attr->perm),
			   r[i].name, rc ? " -- refused" : "");
	}
	rc = rc ? rc : am_aarch64_el2_mmu_enable_pt(&el2->pt);
	con_printf("    %lu table pages; MMU on: %s\n", (unsigned long)am_pt_tables(&el2->pt),
		   errname(rc));
	return rc;
}

bool hyp_trap_dispatch(const struct hyp_trap *t, size_t n, struct am_aarch64_frame *f)
{
	unsigned int ec = am_esr_ec(f->esr);
	size_t i;

	if (f->kind != (AM_EXC_LOW_A64 | AM_EXC_SYNC))
		return false;
	for (i = 0; i < n; i++)
		if (t[i].ec == ec)
			return t[i].fn(f);
	return false;
}

const struct hyp_call *hyp_call_find(const struct hyp_call *t, size_t n, uint64_t nr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].nr == nr)
			return &t[i];
	return NULL;
}

am_gfn_t hyp_xenheap_gfn(const struct am_frame_table *ft, const void *page)
{
	am_gfn_t g = am_gfn(0);

	if (am_frame_get_gfn(am_frame_of(ft, hyp_mfn(page)), &g))
		return am_gfn(0xbadull);
	return g;
}
