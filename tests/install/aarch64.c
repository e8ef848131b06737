/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An outside bare-metal program for AArch64 at EL2, linked against the
 * installed aarch64 library (suite `install`, through CMake with a cross
 * toolchain file): the shipped backend's pool and ops, an identity map of
 * its RAM, and the EL2 MMU turned on with it. It is linked (with its own
 * entry, and the memset and memcpy of mem.c), not run: the QEMU images run the same calls.
 */
#include <armmap/armmap.h>
#include <armmap/arch/aarch64/pt_ops.h>

static unsigned char pool[64 * 4096] __attribute__((aligned(4096)));
static struct am_aarch64_pt_ctx ctx;
static struct am_pt pt;

int entry(void);
int entry(void)
{
	struct am_pt_config cfg = {.regime = AM_PT_S1_EL2, .ia_bits = 39};
	int rc;

	cfg.oa_bits = am_aarch64_pa_bits();
	rc = am_aarch64_pt_ctx_init(&ctx, pool, sizeof(pool));
	rc = rc ? rc : am_pt_init(&pt, &cfg, &am_aarch64_pt_ops, &ctx);
	/* RAM as code and data: RX for the image's text would be tighter */
	rc = rc ? rc
		: am_pt_map(&pt, am_va(0x40000000), am_pa(0x40000000), 0x40000000,
			    &(struct am_attr)AM_ATTR_RW_DATA_INIT, AM_PT_F_BLOCK);
	rc = rc ? rc : am_aarch64_el2_mmu_enable_pt(&pt);
	return rc;
}
