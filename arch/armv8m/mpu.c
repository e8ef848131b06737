/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Armv8-M MPU backend: owns every access to the MPU registers (MPU_TYPE,
 * MPU_CTRL, MPU_RNR, MPU_RBAR, MPU_RLAR, MPU_MAIR0/1) and the PRIMASK lock
 * that keeps a region update (RNR, RBAR, RLAR) from being interleaved.
 */
#include <armmap/errors.h>

#include <armmap/arch/armv8m/mpu.h>

#define REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))

static struct am_armv8m_ctx default_ctx;

static inline uint32_t primask_save_disable(void)
{
	uint32_t pm;

	__asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(pm) : : "memory");
	return pm;
}

static inline void primask_restore(uint32_t pm)
{
	__asm__ volatile("msr primask, %0" : : "r"(pm) : "memory");
}

static inline void dsb_isb(void)
{
	__asm__ volatile("dsb sy\n\tisb sy" : : : "memory");
}

static struct am_armv8m_ctx *ctx_of(void *ctx)
{
	return ctx ? (struct am_armv8m_ctx *)ctx : &default_ctx;
}

void am_armv8m_lock(void *ctx)
{
	struct am_armv8m_ctx *c = ctx_of(ctx);
	uint32_t pm = primask_save_disable();

	/* interrupts are masked from here on: the context is ours */
	if (c->depth++ == 0)
		c->saved_primask = pm;
}

void am_armv8m_unlock(void *ctx)
{
	struct am_armv8m_ctx *c = ctx_of(ctx);

	if (c->depth == 0)
		return; /* unbalanced: leave PRIMASK alone */
	if (--c->depth == 0)
		primask_restore(c->saved_primask);
}

void am_armv8m_write_region(void *ctx, unsigned int idx, uint64_t rbar, uint64_t rlar)
{
	(void)ctx;
	REG32(AM_ARMV8M_MPU_RNR) = idx;
	REG32(AM_ARMV8M_MPU_RBAR) = (uint32_t)rbar;
	REG32(AM_ARMV8M_MPU_RLAR) = (uint32_t)rlar;
}

void am_armv8m_sync(void *ctx)
{
	(void)ctx;
	dsb_isb();
}

void am_armv8m_write_mair(void *ctx, uint64_t mair)
{
	(void)ctx;
	REG32(AM_ARMV8M_MPU_MAIR0) = (uint32_t)mair;
	REG32(AM_ARMV8M_MPU_MAIR1) = (uint32_t)(mair >> 32);
}

unsigned int am_armv8m_hw_regions(void *ctx)
{
	(void)ctx;
	return (REG32(AM_ARMV8M_MPU_TYPE) >> 8) & 0xffu;
}

const struct am_mpu_ops am_armv8m_mpu_ops = {
	.env.lock = am_armv8m_lock,
	.env.unlock = am_armv8m_unlock,
	.env.log = NULL, /* a caller wanting a log hook uses its own copy */
	.write_region = am_armv8m_write_region,
	.sync = am_armv8m_sync,
	.write_mair = am_armv8m_write_mair,
	.hw_regions = am_armv8m_hw_regions,
};

void am_armv8m_mpu_enable(bool privdefena)
{
	uint32_t ctrl = AM_ARMV8M_CTRL_ENABLE;

	if (privdefena)
		ctrl |= AM_ARMV8M_CTRL_PRIVDEFENA;
	dsb_isb(); /* region writes complete before the MPU uses them */
	REG32(AM_ARMV8M_MPU_CTRL) = ctrl;
	dsb_isb();
}

void am_armv8m_mpu_disable(void)
{
	dsb_isb();
	REG32(AM_ARMV8M_MPU_CTRL) = 0;
	dsb_isb();
}

uint32_t am_armv8m_mpu_ctrl(void)
{
	return REG32(AM_ARMV8M_MPU_CTRL);
}

int am_armv8m_mpu_read(unsigned int idx, uint32_t *rbar, uint32_t *rlar)
{
	uint32_t pm;

	if (!rbar || !rlar)
		return AM_EINVAL;
	if (idx >= am_armv8m_hw_regions(NULL))
		return AM_ERANGE;
	pm = primask_save_disable();
	REG32(AM_ARMV8M_MPU_RNR) = idx;
	*rbar = REG32(AM_ARMV8M_MPU_RBAR);
	*rlar = REG32(AM_ARMV8M_MPU_RLAR);
	primask_restore(pm);
	return 0;
}

unsigned int am_armv8m_mpu_enabled_regions(void)
{
	unsigned int i, n = am_armv8m_hw_regions(NULL), en = 0;
	uint32_t rbar, rlar;

	for (i = 0; i < n; i++)
		if (am_armv8m_mpu_read(i, &rbar, &rlar) == 0 && (rlar & 1u))
			en++;
	return en;
}

uint64_t am_armv8m_mpu_read_mair(void)
{
	return (uint64_t)REG32(AM_ARMV8M_MPU_MAIR1) << 32 | REG32(AM_ARMV8M_MPU_MAIR0);
}
