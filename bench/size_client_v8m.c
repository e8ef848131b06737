/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a Cortex-M33 firmware pays for the MPU side, for `make size`: the
 * calls an RTOS makes of it (init, its boot table, a device page mapped
 * and unmapped again) through the shipped Armv8-M backend, linked with the
 * v8-M objects in sections of their own and --gc-sections, as a firmware
 * is (the backend's own code is not counted: core+mpu, as the figure),
 * with the memset of tests/install/mem.c. Never run: only linked
 * (tests/install/cortex-m33.c links the installed library the same way).
 */
#include <stdint.h>

#include <armmap/arch/armv8m/mpu.h>
#include <armmap/mpu.h>

#define NR 8

int client_entry(void);

static struct am_armv8m_ctx mctx;
static struct am_mpu_region regions[NR];
static struct am_mpu_map map;

static const struct am_mpu_boot_region boot[] = {
	{.base = 0x00000000, .limit = 0x00080000, .attr = AM_ATTR_RX_TEXT},
	{.base = 0x20000000, .limit = 0x20040000, .attr = AM_ATTR_RW_DATA},
};

int client_entry(void)
{
	static const struct am_mpu_config cfg = {
		.flavour = AM_MPU_V8M, .nr_regions = NR, .storage = regions, .storage_len = NR};
	static const struct am_attr dev = AM_ATTR_DEVICE;
	int rc = am_mpu_init(&map, &cfg, &am_armv8m_mpu_ops, &mctx);

	if (!rc)
		rc = am_mpu_boot(&map, boot, 2);
	if (!rc && am_mpu_map(&map, 0x40000000, 0x40001000, &dev) < 0)
		rc = -1;
	if (!rc)
		rc = am_mpu_unmap(&map, 0x40000000, 0x40001000);
	return rc;
}
