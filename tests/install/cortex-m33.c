/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An outside bare-metal program for a Cortex-M33, linked against the
 * installed cortex-m33 library with pkg-config (suite `install`): the
 * shipped Armv8-M MPU backend, a region map, the MPU enabled. Built
 * hard-float (-mfloat-abi=hard), it links only against a library built the
 * same way (make install TARGET=cortex-m33 CF_cortex-m33='... -mfloat-abi=hard
 * -mfpu=fpv5-sp-d16'). Linked with its own entry and mem.c's memset, not run: the
 * QEMU image runs the same calls.
 */
#include <armmap/armmap.h>
#include <armmap/arch/armv8m/mpu.h>

static struct am_mpu_region store[8];
static struct am_armv8m_ctx mctx;
static struct am_mpu_map map;
volatile float scale = 1.5f; /* hard-float code in the program itself */

int entry(void);
int entry(void)
{
	struct am_mpu_config cfg = {
		.flavour = AM_MPU_V8M, .nr_regions = 8, .storage = store, .storage_len = 8};
	int rc = am_mpu_init(&map, &cfg, &am_armv8m_mpu_ops, &mctx);

	rc = rc ? rc : am_mpu_map(&map, 0x10000000, 0x10010000, &AM_ATTR_RX_TEXT);
	rc = rc ? rc : am_mpu_map(&map, 0x38000000, 0x38010000, &AM_ATTR_RW_DATA);
	if (!rc)
		am_armv8m_mpu_enable(true);
	return rc + (int)(scale * 2.0f);
}
