/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Suite unit-mpu_regs: PMSAv8 region encodings. Known register values are
 * written out bit by bit from the architecture, then every field is
 * round-tripped for each flavour.
 */
#include "tests/unit/harness.h"

#include <armmap/errors.h>
#include <armmap/mpu.h>

static const enum am_mpu_flavour flavours[] = {AM_MPU_V8R_AARCH64, AM_MPU_V8R_AARCH32, AM_MPU_V8M};

static void granule_and_address_size(void **state)
{
	(void)state;
	assert_int_equal(am_mpu_granule(AM_MPU_V8R_AARCH64), 64);
	assert_int_equal(am_mpu_granule(AM_MPU_V8R_AARCH32), 64);
	assert_int_equal(am_mpu_granule(AM_MPU_V8M), 32);
	assert_int_equal(am_mpu_granule(AM_MPU_FLAVOUR_COUNT), 0);
	assert_int_equal(am_mpu_addr_bits(AM_MPU_V8R_AARCH64), 48);
	assert_int_equal(am_mpu_addr_bits(AM_MPU_V8R_AARCH32), 32);
	assert_int_equal(am_mpu_addr_bits(AM_MPU_V8M), 32);
	assert_int_equal(am_mpu_addr_bits((enum am_mpu_flavour)7), 0);
}

/* PRBAR_EL2: XN[1:0] 1:0, AP 3:2, SH 5:4, BASE 47:6; PRLAR_EL2: EN 0, AttrIndx 3:1, LIMIT 47:6 */
static void v8r_aarch64_known_values(void **state)
{
	struct am_mpu_fields f = {.base = 0x800000001000ull,
				  .limit = 0x800000003000ull,
				  .ap = 2,
				  .xn = 2,
				  .sh = 3,
				  .attr_idx = 5,
				  .en = 1};
	uint64_t rbar, rlar;
	(void)state;
	assert_int_equal(am_mpu_encode(AM_MPU_V8R_AARCH64, &f, &rbar, &rlar), 0);
	assert_int_equal(rbar, 0x800000001000ull | (3u << 4) | (2u << 2) | 2u);
	assert_int_equal(rlar, 0x800000002fc0ull | (5u << 1) | 1u);
}

/* HPRBAR: XN 0, AP 2:1, SH 4:3, BASE 31:6; HPRLAR: EN 0, AttrIndx 3:1, LIMIT 31:6 */
static void v8r_aarch32_known_values(void **state)
{
	struct am_mpu_fields f = {.base = 0x20000040,
				  .limit = 0x20000100,
				  .ap = 1,
				  .xn = 1,
				  .sh = 2,
				  .attr_idx = 7,
				  .en = 1};
	uint64_t rbar, rlar;
	(void)state;
	assert_int_equal(am_mpu_encode(AM_MPU_V8R_AARCH32, &f, &rbar, &rlar), 0);
	assert_int_equal(rbar, 0x20000040u | (2u << 3) | (1u << 1) | 1u);
	assert_int_equal(rlar, 0x200000c0u | (7u << 1) | 1u);
}

/* RBAR: XN 0, AP 2:1, SH 4:3, BASE 31:5; RLAR: EN 0, AttrIndx 3:1, LIMIT 31:5 */
static void v8m_known_values(void **state)
{
	struct am_mpu_fields f = {.base = 0x38000020,
				  .limit = 0x38000040,
				  .ap = 3,
				  .xn = 0,
				  .sh = 3,
				  .attr_idx = 4,
				  .en = 1};
	uint64_t rbar, rlar;
	(void)state;
	assert_int_equal(am_mpu_encode(AM_MPU_V8M, &f, &rbar, &rlar), 0);
	assert_int_equal(rbar, 0x38000020u | (3u << 3) | (3u << 1));
	/* one granule: the inclusive limit field equals the base */
	assert_int_equal(rlar, 0x38000020u | (4u << 1) | 1u);
}

static void round_trip_every_field(void **state)
{
	(void)state;
	for (size_t fi = 0; fi < 3; fi++) {
		enum am_mpu_flavour fl = flavours[fi];
		uint64_t g = am_mpu_granule(fl);
		uint64_t top = 1ull << am_mpu_addr_bits(fl);
		const am_mpu_addr_t bases[] = {0, g, 0x10000000, top - 2 * g};
		unsigned int xn_max = fl == AM_MPU_V8R_AARCH64 ? 3 : 1;

		for (size_t b = 0; b < 4; b++) {
			const am_mpu_addr_t limits[] = {bases[b] + g, bases[b] + 2 * g, top};
			for (size_t l = 0; l < 3; l++)
				for (unsigned int ap = 0; ap < 4; ap++)
					for (unsigned int xn = 0; xn <= xn_max; xn++)
						for (unsigned int sh = 0; sh < 4; sh++)
							for (unsigned int ai = 0; ai < 8; ai++)
								for (unsigned int en = 0; en < 2;
								     en++) {
									struct am_mpu_fields
										in = {bases[b],
										      limits[l],
										      (uint8_t)ap,
										      (uint8_t)xn,
										      (uint8_t)sh,
										      (uint8_t)ai,
										      (uint8_t)en},
										out;
									uint64_t rbar, rlar;

									if (sh == 1) {
										assert_int_equal(
											am_mpu_encode(
												fl,
												&in,
												&rbar,
												&rlar),
											AM_EINVAL);
										continue;
									}
									assert_int_equal(
										am_mpu_encode(
											fl, &in,
											&rbar,
											&rlar),
										0);
									assert_int_equal(
										am_mpu_decode(
											fl, rbar,
											rlar, &out),
										0);
									assert_int_equal(out.base,
											 in.base);
									assert_int_equal(out.limit,
											 in.limit);
									assert_int_equal(out.ap,
											 ap);
									assert_int_equal(out.xn,
											 xn);
									assert_int_equal(out.sh,
											 sh);
									assert_int_equal(
										out.attr_idx, ai);
									assert_int_equal(out.en,
											 en);
								}
		}
	}
}

static void decode_ignores_other_bits(void **state)
{
	struct am_mpu_fields out;
	(void)state;
	/* v8-M RLAR bit 4 (PXN) and v8-R AArch64 PRLAR bit 4 (NS) are not fields here */
	assert_int_equal(am_mpu_decode(AM_MPU_V8M, 0x38000000, 0x380000f0 | 0x10 | 1, &out), 0);
	assert_int_equal(out.limit, 0x38000100);
	assert_int_equal(out.attr_idx, 0);
	assert_int_equal(out.en, 1);
	assert_int_equal(am_mpu_decode(AM_MPU_V8R_AARCH64, 0xffff000000001000ull,
				       0xffff000000001fc0ull | 0x10, &out),
			 0);
	assert_int_equal(out.base, 0x1000);
	assert_int_equal(out.limit, 0x2000);
	assert_int_equal(out.en, 0);
}

static void encode_refuses_bad_fields(void **state)
{
	const struct am_mpu_fields good = {0x1000, 0x2000, 0, 1, 0, 0, 1};
	struct am_mpu_fields f;
	uint64_t rbar = 0x1234, rlar = 0x5678;
	(void)state;
	for (size_t fi = 0; fi < 3; fi++) {
		enum am_mpu_flavour fl = flavours[fi];

		f = good;
		f.base += am_mpu_granule(fl) / 2;
		assert_int_equal(am_mpu_encode(fl, &f, &rbar, &rlar), AM_EINVAL);
		f = good;
		f.limit -= 16;
		assert_int_equal(am_mpu_encode(fl, &f, &rbar, &rlar), AM_EINVAL);
		f = good;
		f.limit = f.base;
		assert_int_equal(am_mpu_encode(fl, &f, &rbar, &rlar), AM_EINVAL);
		f = good;
		f.base = 0x3000;
		assert_int_equal(am_mpu_encode(fl, &f, &rbar, &rlar), AM_EINVAL);
		f = good;
		f.ap = 4;
		assert_int_equal(am_mpu_encode(fl, &f, &rbar, &rlar), AM_EINVAL);
		f = good;
		f.xn = fl == AM_MPU_V8R_AARCH64 ? 4 : 2;
		assert_int_equal(am_mpu_encode(fl, &f, &rbar, &rlar), AM_EINVAL);
		f = good;
		f.sh = 1;
		assert_int_equal(am_mpu_encode(fl, &f, &rbar, &rlar), AM_EINVAL);
		f.sh = 4;
		assert_int_equal(am_mpu_encode(fl, &f, &rbar, &rlar), AM_EINVAL);
		f = good;
		f.attr_idx = 8;
		assert_int_equal(am_mpu_encode(fl, &f, &rbar, &rlar), AM_EINVAL);
		f = good;
		f.en = 2;
		assert_int_equal(am_mpu_encode(fl, &f, &rbar, &rlar), AM_EINVAL);
		f = good;
		f.limit = (1ull << am_mpu_addr_bits(fl)) + am_mpu_granule(fl);
		assert_int_equal(am_mpu_encode(fl, &f, &rbar, &rlar), AM_ERANGE);
		assert_int_equal(am_mpu_encode(fl, NULL, &rbar, &rlar), AM_EINVAL);
		assert_int_equal(am_mpu_encode(fl, &good, NULL, &rlar), AM_EINVAL);
		assert_int_equal(am_mpu_decode(fl, 0, 0, NULL), AM_EINVAL);
		/* nothing written on failure */
		assert_int_equal(rbar, 0x1234);
		assert_int_equal(rlar, 0x5678);
	}
	assert_int_equal(am_mpu_encode(AM_MPU_FLAVOUR_COUNT, &good, &rbar, &rlar), AM_EINVAL);
	assert_int_equal(am_mpu_decode(AM_MPU_FLAVOUR_COUNT, 0, 0, &f), AM_EINVAL);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(granule_and_address_size),
		cmocka_unit_test(v8r_aarch64_known_values),
		cmocka_unit_test(v8r_aarch32_known_values),
		cmocka_unit_test(v8m_known_values),
		cmocka_unit_test(round_trip_every_field),
		cmocka_unit_test(decode_ignores_other_bits),
		cmocka_unit_test(encode_refuses_bad_fields),
	};
	AM_RUN_SUITE("unit-mpu_regs", tests);
}
