/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What an EL3 firmware pays for the table side, for `make size`: the calls
 * a secure monitor makes of it, those TF-A's xlat_tables_v2 has (a table
 * built at boot from its regions, the MMU turned on with it, then a
 * dynamic region mapped, its attributes changed and read back, and
 * unmapped), through the shipped AArch64 backend (its pool, TLB
 * maintenance and EL3 MMU enable; not counted: core+pt, as the figure),
 * built for the one regime and granule it uses and linked with
 * --gc-sections, as a firmware is, with the memset and memcpy of
 * tests/install/mem.c. Never run: only linked.
 */
#include <stdint.h>

#include <armmap/arch/aarch64/el3_mmu.h>
#include <armmap/arch/aarch64/pt_ops.h>
#include <armmap/pt.h>

int client_entry(void);

static uint8_t pool[16 * 4096] __attribute__((aligned(4096)));
static struct am_aarch64_pt_ctx pctx;
static struct am_pt pt;

static const struct {
	uint64_t base, size;
	struct am_attr attr;
} boot[] = {
	{0x0e000000, 0x40000, AM_ATTR_RX_TEXT_INIT}, /* the image's code */
	{0x0e040000, 0x20000, AM_ATTR_RO_DATA_INIT}, /* its constants */
	{0x0e060000, 0x80000, AM_ATTR_RW_DATA_INIT}, /* its data */
	{0x09000000, 0x01000, AM_ATTR_DEVICE_INIT},  /* a UART */
	{0x08000000, 0x200000, AM_ATTR_DEVICE_INIT}, /* the GIC */
};

int client_entry(void)
{
	static const struct am_pt_config cfg = {.regime = AM_PT_S1_EL3, .ia_bits = 32};
	static const struct am_attr dev = AM_ATTR_DEVICE_INIT, ro = AM_ATTR_RO_DATA_INIT;
	struct am_pt_leaf leaf;
	int rc = am_aarch64_pt_ctx_init(&pctx, pool, sizeof(pool));

	if (!rc)
		rc = am_pt_init(&pt, &cfg, &am_aarch64_pt_ops, &pctx);
	for (unsigned int i = 0; !rc && i < sizeof(boot) / sizeof(boot[0]); i++)
		rc = am_pt_map(&pt, am_va(boot[i].base), am_pa(boot[i].base), boot[i].size,
			       &boot[i].attr, AM_PT_F_BLOCK);
	if (!rc)
		rc = am_aarch64_el3_mmu_enable_pt(&pt);
	if (!rc)
		rc = am_pt_map(&pt, am_va(0x40000000), am_pa(0x40000000), 0x2000, &dev, 0);
	if (!rc)
		rc = am_pt_modify(&pt, am_va(0x40001000), 0x1000, &ro, 0);
	if (!rc)
		rc = am_pt_query(&pt, am_va(0x40001000), &leaf);
	if (!rc)
		rc = am_pt_unmap(&pt, am_va(0x40000000), 0x2000);
	return rc;
}
