/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Armv8-R MPU backend (mpu.h): owns every access to the registers of the
 * EL2 and EL1 MPUs, and the interrupt-masking lock that keeps a region
 * update (select, base, limit) from being interleaved. AArch32 (CP15) or
 * AArch64 (system registers), chosen by the compiler's target.
 */
#include <armmap/errors.h>

#include <armmap/arch/armv8r/mpu.h>

static struct am_armv8r_ctx default_ctx;

static struct am_armv8r_ctx *ctx_of(void *ctx)
{
	return ctx ? (struct am_armv8r_ctx *)ctx : &default_ctx;
}

#if defined(__aarch64__)

#define SYSREG_R(name)                                         \
	({                                                     \
		uint64_t v_;                                   \
		__asm__ volatile("mrs %0, " #name : "=r"(v_)); \
		v_;                                            \
	})
#define SYSREG_W(name, v) __asm__ volatile("msr " #name ", %0" : : "r"((uint64_t)(v)) : "memory")

/* PRSELR_ELx, PRBAR_ELx, PRLAR_ELx, MPUIR_ELx by encoding (older assemblers lack the names). */
#define R_SELR_EL2 S3_4_C6_C2_1
#define R_BAR_EL2 S3_4_C6_C8_0
#define R_LAR_EL2 S3_4_C6_C8_1
#define R_MPUIR_EL2 S3_4_C0_C0_4
#define R_SELR_EL1 S3_0_C6_C2_1
#define R_BAR_EL1 S3_0_C6_C8_0
#define R_LAR_EL1 S3_0_C6_C8_1
#define R_MPUIR_EL1 S3_0_C0_C0_4
#define XW(name, v) SYSREG_W(name, v)
#define XR(name) SYSREG_R(name)
#define W(reg, v) XW(reg, v)
#define R(reg) XR(reg)

static inline uint32_t irq_save_disable(void)
{
	uint64_t daif = SYSREG_R(daif);

	__asm__ volatile("msr daifset, #3" : : : "memory"); /* I and F */
	return (uint32_t)daif;
}

static inline void irq_restore(uint32_t saved)
{
	SYSREG_W(daif, saved);
}

static inline void dsb_isb(void)
{
	__asm__ volatile("dsb sy\n\tisb" : : : "memory");
}

static void sel(enum am_armv8r_mpu m, unsigned int idx)
{
	if (m == AM_ARMV8R_MPU_EL2)
		W(R_SELR_EL2, idx);
	else
		W(R_SELR_EL1, idx);
	__asm__ volatile("isb" : : : "memory"); /* the selection is seen by the next access */
}

static void wr_bar_lar(enum am_armv8r_mpu m, uint64_t rbar, uint64_t rlar)
{
	if (m == AM_ARMV8R_MPU_EL2) {
		W(R_BAR_EL2, rbar);
		W(R_LAR_EL2, rlar);
	} else {
		W(R_BAR_EL1, rbar);
		W(R_LAR_EL1, rlar);
	}
}

static void rd_bar_lar(enum am_armv8r_mpu m, uint64_t *rbar, uint64_t *rlar)
{
	if (m == AM_ARMV8R_MPU_EL2) {
		*rbar = R(R_BAR_EL2);
		*rlar = R(R_LAR_EL2);
	} else {
		*rbar = R(R_BAR_EL1);
		*rlar = R(R_LAR_EL1);
	}
}

static void wr_mair(enum am_armv8r_mpu m, uint64_t mair)
{
	if (m == AM_ARMV8R_MPU_EL2)
		SYSREG_W(mair_el2, mair);
	else
		SYSREG_W(mair_el1, mair);
}

static uint64_t rd_mair(enum am_armv8r_mpu m)
{
	return m == AM_ARMV8R_MPU_EL2 ? SYSREG_R(mair_el2) : SYSREG_R(mair_el1);
}

static uint64_t rd_mpuir(enum am_armv8r_mpu m)
{
	return m == AM_ARMV8R_MPU_EL2 ? R(R_MPUIR_EL2) : R(R_MPUIR_EL1);
}

static uint64_t rd_sctlr(enum am_armv8r_mpu m)
{
	return m == AM_ARMV8R_MPU_EL2 ? SYSREG_R(sctlr_el2) : SYSREG_R(sctlr_el1);
}

static void wr_sctlr(enum am_armv8r_mpu m, uint64_t v)
{
	if (m == AM_ARMV8R_MPU_EL2)
		SYSREG_W(sctlr_el2, v);
	else
		SYSREG_W(sctlr_el1, v);
}

#elif defined(__arm__)

#include "arch/armv8r/cp15.h"

static inline uint32_t irq_save_disable(void)
{
	uint32_t cpsr;

	__asm__ volatile("mrs %0, cpsr\n\tcpsid if" : "=r"(cpsr) : : "memory");
	return cpsr & 0xc0u; /* I and F */
}

static inline void irq_restore(uint32_t saved)
{
	if (!(saved & 0x80u))
		__asm__ volatile("cpsie i" : : : "memory");
	if (!(saved & 0x40u))
		__asm__ volatile("cpsie f" : : : "memory");
}

static inline void dsb_isb(void)
{
	__asm__ volatile("dsb sy\n\tisb sy" : : : "memory");
}

static void sel(enum am_armv8r_mpu m, unsigned int idx)
{
	if (m == AM_ARMV8R_MPU_EL2)
		AM_CP15_WRITE(4, c6, c2, 1, idx); /* HPRSELR */
	else
		AM_CP15_WRITE(0, c6, c2, 1, idx);  /* PRSELR */
	__asm__ volatile("isb sy" : : : "memory"); /* the selection is seen by the next access */
}

static void wr_bar_lar(enum am_armv8r_mpu m, uint64_t rbar, uint64_t rlar)
{
	if (m == AM_ARMV8R_MPU_EL2) {
		AM_CP15_WRITE(4, c6, c3, 0, rbar); /* HPRBAR */
		AM_CP15_WRITE(4, c6, c3, 1, rlar); /* HPRLAR */
	} else {
		AM_CP15_WRITE(0, c6, c3, 0, rbar); /* PRBAR */
		AM_CP15_WRITE(0, c6, c3, 1, rlar); /* PRLAR */
	}
}

static void rd_bar_lar(enum am_armv8r_mpu m, uint64_t *rbar, uint64_t *rlar)
{
	if (m == AM_ARMV8R_MPU_EL2) {
		*rbar = AM_CP15_READ(4, c6, c3, 0);
		*rlar = AM_CP15_READ(4, c6, c3, 1);
	} else {
		*rbar = AM_CP15_READ(0, c6, c3, 0);
		*rlar = AM_CP15_READ(0, c6, c3, 1);
	}
}

static void wr_mair(enum am_armv8r_mpu m, uint64_t mair)
{
	if (m == AM_ARMV8R_MPU_EL2) {
		AM_CP15_WRITE(4, c10, c2, 0, mair);	  /* HMAIR0 */
		AM_CP15_WRITE(4, c10, c2, 1, mair >> 32); /* HMAIR1 */
	} else {
		AM_CP15_WRITE(0, c10, c2, 0, mair);	  /* MAIR0 */
		AM_CP15_WRITE(0, c10, c2, 1, mair >> 32); /* MAIR1 */
	}
}

static uint64_t rd_mair(enum am_armv8r_mpu m)
{
	if (m == AM_ARMV8R_MPU_EL2)
		return (uint64_t)AM_CP15_READ(4, c10, c2, 1) << 32 | AM_CP15_READ(4, c10, c2, 0);
	return (uint64_t)AM_CP15_READ(0, c10, c2, 1) << 32 | AM_CP15_READ(0, c10, c2, 0);
}

/* The region count: HMPUIR.REGION is bits [7:0], MPUIR.DREGION bits [15:8]. */
static uint64_t rd_mpuir(enum am_armv8r_mpu m)
{
	return m == AM_ARMV8R_MPU_EL2 ? AM_CP15_READ(4, c0, c0, 4)	 /* HMPUIR */
				      : AM_CP15_READ(0, c0, c0, 4) >> 8; /* MPUIR */
}
static uint64_t rd_sctlr(enum am_armv8r_mpu m)
{
	return m == AM_ARMV8R_MPU_EL2 ? AM_CP15_READ(4, c1, c0, 0)  /* HSCTLR */
				      : AM_CP15_READ(0, c1, c0, 0); /* SCTLR */
}

static void wr_sctlr(enum am_armv8r_mpu m, uint64_t v)
{
	if (m == AM_ARMV8R_MPU_EL2)
		AM_CP15_WRITE(4, c1, c0, 0, v);
	else
		AM_CP15_WRITE(0, c1, c0, 0, v);
}

#else
#error "arch/armv8r is for Armv8-R: build for AArch32 (-marm) or AArch64"
#endif

static bool mpu_ok(uint32_t m)
{
	return m == AM_ARMV8R_MPU_EL2 || m == AM_ARMV8R_MPU_EL1;
}

void am_armv8r_lock(void *ctx)
{
	struct am_armv8r_ctx *c = ctx_of(ctx);
	uint32_t s = irq_save_disable();

	/* interrupts are masked from here on: the context is ours */
	if (c->depth++ == 0)
		c->saved = s;
}

void am_armv8r_unlock(void *ctx)
{
	struct am_armv8r_ctx *c = ctx_of(ctx);

	if (c->depth == 0)
		return; /* unbalanced: leave the masks alone */
	if (--c->depth == 0)
		irq_restore(c->saved);
}

void am_armv8r_write_region(void *ctx, unsigned int idx, uint64_t rbar, uint64_t rlar)
{
	enum am_armv8r_mpu m = (enum am_armv8r_mpu)ctx_of(ctx)->mpu;

	sel(m, idx);
	wr_bar_lar(m, rbar, rlar);
}

void am_armv8r_sync(void *ctx)
{
	(void)ctx;
	dsb_isb();
}

void am_armv8r_write_mair(void *ctx, uint64_t mair)
{
	wr_mair((enum am_armv8r_mpu)ctx_of(ctx)->mpu, mair);
}

unsigned int am_armv8r_regions(enum am_armv8r_mpu mpu)
{
	return mpu_ok(mpu) ? (unsigned int)(rd_mpuir(mpu) & 0xffu) : 0;
}

unsigned int am_armv8r_hw_regions(void *ctx)
{
	return am_armv8r_regions((enum am_armv8r_mpu)ctx_of(ctx)->mpu);
}

const struct am_mpu_ops am_armv8r_mpu_ops = {
	.env.lock = am_armv8r_lock,
	.env.unlock = am_armv8r_unlock,
	.env.log = NULL, /* a caller wanting a log hook uses its own copy */
	.write_region = am_armv8r_write_region,
	.sync = am_armv8r_sync,
	.write_mair = am_armv8r_write_mair,
	.hw_regions = am_armv8r_hw_regions,
};

void am_armv8r_mpu_enable(enum am_armv8r_mpu mpu, bool background)
{
	uint64_t v;

	if (!mpu_ok(mpu))
		return;
	dsb_isb(); /* region writes complete before the MPU uses them */
	v = rd_sctlr(mpu) | AM_ARMV8R_SCTLR_M;
	v = background ? v | AM_ARMV8R_SCTLR_BR : v & ~(uint64_t)AM_ARMV8R_SCTLR_BR;
	wr_sctlr(mpu, v);
	dsb_isb();
}

void am_armv8r_mpu_disable(enum am_armv8r_mpu mpu)
{
	if (!mpu_ok(mpu))
		return;
	dsb_isb();
	wr_sctlr(mpu, rd_sctlr(mpu) & ~(uint64_t)(AM_ARMV8R_SCTLR_M | AM_ARMV8R_SCTLR_BR));
	dsb_isb();
}

uint64_t am_armv8r_sctlr(enum am_armv8r_mpu mpu)
{
	return mpu_ok(mpu) ? rd_sctlr(mpu) : 0;
}

int am_armv8r_mpu_read(enum am_armv8r_mpu mpu, unsigned int idx, uint64_t *rbar, uint64_t *rlar)
{
	uint32_t s;

	if (!rbar || !rlar || !mpu_ok(mpu))
		return AM_EINVAL;
	if (idx >= am_armv8r_regions(mpu))
		return AM_ERANGE;
	s = irq_save_disable();
	sel(mpu, idx);
	rd_bar_lar(mpu, rbar, rlar);
	irq_restore(s);
	return 0;
}

uint64_t am_armv8r_mpu_read_mair(enum am_armv8r_mpu mpu)
{
	return mpu_ok(mpu) ? rd_mair(mpu) : 0;
}

unsigned int am_armv8r_mpu_enabled_regions(enum am_armv8r_mpu mpu)
{
	unsigned int i, n = am_armv8r_regions(mpu), en = 0;
	uint64_t rbar, rlar;

	for (i = 0; i < n; i++)
		if (am_armv8r_mpu_read(mpu, i, &rbar, &rlar) == 0 && (rlar & 1u))
			en++;
	return en;
}
