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

struct flavour_layout {
	uint8_t granule_shift;
	uint8_t addr_bits;
	uint8_t sh_shift;
	uint8_t ap_shift;
	uint8_t xn_max; /* XN field is bits [n:0] */
};

static const struct flavour_layout layouts[AM_MPU_FLAVOUR_COUNT] = {
	[AM_MPU_V8R_AARCH64] = { 6, 48, 4, 2, 3 },
	[AM_MPU_V8R_AARCH32] = { 6, 32, 3, 1, 1 },
	[AM_MPU_V8M] = { 5, 32, 3, 1, 1 },
};

static const struct flavour_layout *layout(enum am_mpu_flavour f)
{
	return (unsigned int)f < AM_MPU_FLAVOUR_COUNT ? &layouts[f] : 0;
}

unsigned int am_mpu_granule(enum am_mpu_flavour f)
{
	const struct flavour_layout *l = layout(f);

	return l ? 1u << l->granule_shift : 0;
}

unsigned int am_mpu_addr_bits(enum am_mpu_flavour f)
{
	const struct flavour_layout *l = layout(f);

	return l ? l->addr_bits : 0;
}

int am_mpu_encode(enum am_mpu_flavour f, const struct am_mpu_fields *in,
		  uint64_t *rbar, uint64_t *rlar)
{
	const struct flavour_layout *l = layout(f);
	uint64_t gmask;

	if (!l || !in || !rbar || !rlar)
		return AM_EINVAL;
	gmask = (1ull << l->granule_shift) - 1;
	if (((in->base | in->limit) & gmask) || in->base >= in->limit ||
	    in->ap > 3 || in->xn > l->xn_max || in->sh == 1 || in->sh > 3 ||
	    in->attr_idx > 7 || in->en > 1)
		return AM_EINVAL;
	if (in->limit > (1ull << l->addr_bits))
		return AM_ERANGE;

	*rbar = in->base | (uint64_t)in->sh << l->sh_shift |
		(uint64_t)in->ap << l->ap_shift | in->xn;
	/* inclusive hardware limit: the last granule's base, low bits implied */
	*rlar = ((in->limit - 1) & ~gmask) | (uint64_t)in->attr_idx << 1 | in->en;
	return 0;
}

int am_mpu_decode(enum am_mpu_flavour f, uint64_t rbar, uint64_t rlar,
		  struct am_mpu_fields *out)
{
	const struct flavour_layout *l = layout(f);
	uint64_t amask, gmask;

	if (!l || !out)
		return AM_EINVAL;
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
