/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PMSAv8 region register encodings: PRBAR/PRLAR_EL2 (Armv8-R AArch64),
 * HPRBAR/HPRLAR (Armv8-R AArch32), MPU_RBAR/MPU_RLAR (Armv8-M).
 *
 * This file is the one place where the API's exclusive limit becomes the
 * hardware's inclusive LIMIT field and back.
 */
#include <armmap/errors.h>
#include <armmap/mpu.h>

#include "../core/internal.h"
#include "regs.h"

struct flavour_layout {
	uint8_t granule_shift;
	uint8_t addr_bits;
	uint8_t sh_shift;
	uint8_t ap_shift;
	uint8_t xn_max; /* XN field is bits [n:0] */
};

static const struct flavour_layout layouts[AM_MPU_FLAVOUR_COUNT] = {
#if AM_MPU_BUILT_V8R_AARCH64
	[AM_MPU_V8R_AARCH64] = {6, 48, 4, 2, 3},
#endif
#if AM_MPU_BUILT_V8R_AARCH32
	[AM_MPU_V8R_AARCH32] = {6, 32, 3, 1, 1},
#endif
#if AM_MPU_BUILT_V8M
	[AM_MPU_V8M] = {5, 32, 3, 1, 1},
#endif
};

/*
 * Is @f a flavour this build has? 0, or the refusal (logged to the
 * fallback hook): AM_EINVAL unknown, AM_ENOTSUP known but not built.
 */
static int flavour_check(enum am_mpu_flavour f)
{
	if ((unsigned int)f >= AM_MPU_FLAVOUR_COUNT) {
		am_log_fallback(AM_LOG_ERR, AM_EV_BAD_ARG, "mpu: unknown flavour", (unsigned int)f,
				0, 0);
		return AM_EINVAL;
	}
	if (!MPU_BUILT(f)) {
		am_log_fallback(AM_LOG_ERR, AM_EV_BAD_ARG,
				"mpu: flavour not built (AM_CONFIG_MPU_*)", (unsigned int)f,
				AM_MPU_BUILT_MASK, 0);
		return AM_ENOTSUP;
	}
	return 0;
}

/* The layout of a flavour flavour_check() accepted. */
#define LAYOUT(f) (&layouts[MPU_FLAVOUR(f)])

unsigned int am_mpu_granule(enum am_mpu_flavour f)
{
	return flavour_check(f) ? 0 : 1u << LAYOUT(f)->granule_shift;
}

unsigned int am_mpu_addr_bits(enum am_mpu_flavour f)
{
	return flavour_check(f) ? 0 : LAYOUT(f)->addr_bits;
}

void am_mpu_encode_valid(enum am_mpu_flavour f, const struct am_mpu_fields *in, uint64_t *rbar,
			 uint64_t *rlar)
{
	const struct flavour_layout *l = LAYOUT(f);
	/* the low fields and the granule mask fit in 32 bits (cheaper on 32-bit cores) */
	uint32_t gmask = (1u << l->granule_shift) - 1;

	*rbar = in->base | (uint32_t)(in->sh << l->sh_shift | in->ap << l->ap_shift | in->xn);
	/* inclusive hardware limit: the last granule's base, low bits implied */
	*rlar = ((in->limit - 1) & ~(uint64_t)gmask) | (uint32_t)(in->attr_idx << 1 | in->en);
}

int am_mpu_encode(enum am_mpu_flavour f, const struct am_mpu_fields *in, uint64_t *rbar,
		  uint64_t *rlar)
{
	const struct flavour_layout *l;
	uint64_t gmask;
	int rc = flavour_check(f);

	if (rc)
		return rc;
	l = LAYOUT(f);
	if (!in || !rbar || !rlar) {
		am_log_fallback(AM_LOG_ERR, AM_EV_BAD_ARG, "mpu encode: NULL pointer",
				(uint64_t)(uintptr_t)in, (uint64_t)(uintptr_t)rbar,
				(uint64_t)(uintptr_t)rlar);
		return AM_EINVAL;
	}
	gmask = (1ull << l->granule_shift) - 1;
	if (((in->base | in->limit) & gmask) || in->base >= in->limit) {
		am_log_fallback(AM_LOG_ERR, AM_EV_BAD_RANGE,
				"mpu encode: base or limit not aligned, or base >= limit", in->base,
				in->limit, 0);
		return AM_EINVAL;
	}
	if (in->ap > 3 || in->xn > l->xn_max || in->sh == 1 || in->sh > 3 || in->attr_idx > 7 ||
	    in->en > 1) {
		am_log_fallback(AM_LOG_ERR, AM_EV_BAD_ARG,
				"mpu encode: a field out of range (ap, xn, sh, attr_idx, en)",
				(uint64_t)in->ap << 8 | in->xn,
				(uint64_t)in->sh << 8 | in->attr_idx, in->en);
		return AM_EINVAL;
	}
	if (in->limit > (1ull << l->addr_bits)) {
		am_log_fallback(AM_LOG_ERR, AM_EV_BAD_RANGE,
				"mpu encode: limit beyond the flavour's address size", in->base,
				in->limit, l->addr_bits);
		return AM_ERANGE;
	}
	am_mpu_encode_valid(f, in, rbar, rlar);
	return 0;
}

int am_mpu_decode(enum am_mpu_flavour f, uint64_t rbar, uint64_t rlar, struct am_mpu_fields *out)
{
	const struct flavour_layout *l;
	uint64_t amask, gmask;
	int rc = flavour_check(f);

	if (rc)
		return rc;
	l = LAYOUT(f);
	if (!out) {
		am_log_fallback(AM_LOG_ERR, AM_EV_BAD_ARG, "mpu decode: NULL output", 0, 0, 0);
		return AM_EINVAL;
	}
	gmask = (1ull << l->granule_shift) - 1;
	amask = ((1ull << l->addr_bits) - 1) & ~gmask;
	out->base = rbar & amask;
	out->limit = (rlar & amask) + gmask + 1;
	out->sh = (rbar >> l->sh_shift) & 3;
	out->ap = (rbar >> l->ap_shift) & 3;
	out->xn = rbar & l->xn_max;
	out->attr_idx = (rlar >> 1) & 7;
	out->en = rlar & 1;
	return 0;
}
