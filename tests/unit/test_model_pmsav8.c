/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the PMSAv8 MPU model (model/pmsav8.c): every register value
 * is hand-encoded here from the architectural bit positions, for the three
 * flavours (Armv8-R AArch64 EL2, Armv8-R AArch32 Hyp, Armv8-M), and the
 * model's answers are checked against what the architecture says.
 */
#include "tests/unit/harness.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "model/pmsav8.h"

#define CHECK_ACCESS(m, addr, kind, priv, want_fault, want_region)             \
	do {                                                                   \
		struct pmsa_result r_ = pmsa_access((m), (addr), (kind),       \
						    (priv));                   \
		assert_int_equal(r_.fault, (want_fault));                      \
		assert_int_equal(r_.region, (want_region));                    \
	} while (0)

#define HIT(m, addr, region)                                                   \
	CHECK_ACCESS(m, addr, PMSA_READ, true, PMSA_OK, region)
#define MISS(m, addr)                                                          \
	CHECK_ACCESS(m, addr, PMSA_READ, true, PMSA_FAULT_NO_REGION, -1)

/*
 * What each AP value allows, from the architecture:
 * 00 RW privileged only, 01 RW any level, 10 RO privileged only, 11 RO any.
 */
static const struct {
	bool priv_read, priv_write, user_read, user_write;
} ap_allows[4] = {
	{ true, true, false, false },
	{ true, true, true, true },
	{ true, false, false, false },
	{ true, false, true, false },
};

static enum pmsa_fault want(bool allowed)
{
	return allowed ? PMSA_OK : PMSA_FAULT_PERM;
}

/*
 * For each AP value, program region 0 as base | (ap << ap_shift), with
 * execute-never clear, and check read, write and execute at both levels.
 * Execute with XN clear needs read permission at that level.
 */
static void check_ap_matrix(enum pmsa_flavour f, uint64_t rbar_base,
			    unsigned int ap_shift, uint64_t rlar, uint64_t addr)
{
	struct pmsa_model m;
	unsigned int ap;

	for (ap = 0; ap < 4; ap++) {
		pmsa_init(&m, f, 8);
		pmsa_write_region(&m, 0, rbar_base | ((uint64_t)ap << ap_shift),
				  rlar);
		CHECK_ACCESS(&m, addr, PMSA_READ, true,
			     want(ap_allows[ap].priv_read), 0);
		CHECK_ACCESS(&m, addr, PMSA_WRITE, true,
			     want(ap_allows[ap].priv_write), 0);
		CHECK_ACCESS(&m, addr, PMSA_EXEC, true,
			     want(ap_allows[ap].priv_read), 0);
		CHECK_ACCESS(&m, addr, PMSA_READ, false,
			     want(ap_allows[ap].user_read), 0);
		CHECK_ACCESS(&m, addr, PMSA_WRITE, false,
			     want(ap_allows[ap].user_write), 0);
		CHECK_ACCESS(&m, addr, PMSA_EXEC, false,
			     want(ap_allows[ap].user_read), 0);
	}
}

/* ------------------------------------------------------------ init ---- */

static void test_init_clears_state(void **state)
{
	struct pmsa_model m;
	unsigned int i;

	(void)state;
	memset(&m, 0xa5, sizeof(m));
	pmsa_init(&m, PMSA_V8R_AARCH32, 24);
	assert_int_equal(m.flavour, PMSA_V8R_AARCH32);
	assert_int_equal(m.nregions, 24);
	for (i = 0; i < PMSA_MAX_REGIONS; i++) {
		assert_int_equal(m.rbar[i], 0);
		assert_int_equal(m.rlar[i], 0);
	}
	assert_int_equal(m.mair, 0);
	assert_false(m.background);
	assert_int_equal(m.writes, 0);
	assert_int_equal(m.syncs, 0);
	assert_int_equal(m.unsynced, 0);
	assert_int_equal(m.overlap_events, 0);
	assert_int_equal(m.bad_writes, 0);
	assert_int_equal(pmsa_enabled_count(&m), 0);
	assert_false(pmsa_any_overlap(&m));
	MISS(&m, 0x0);
	CHECK_ACCESS(&m, 0x0, PMSA_READ, false, PMSA_FAULT_NO_REGION, -1);
}

/* ------------------------------------------------------------ Armv8-M -- */

static void test_v8m_limit_inclusive(void **state)
{
	struct pmsa_model m;

	(void)state;
	pmsa_init(&m, PMSA_V8M, 16);
	/* RBAR: BASE 0x20000000, AP=01; RLAR: LIMIT 0x20000FE0, EN */
	pmsa_write_region(&m, 0, 0x20000000u | (1u << 1), 0x20000fe0u | 1u);
	MISS(&m, 0x1fffffff);
	HIT(&m, 0x20000000, 0);
	HIT(&m, 0x20000fe0, 0);
	HIT(&m, 0x20000fff, 0); /* LIMIT:0b11111 is the last byte */
	MISS(&m, 0x20001000);

	/* The very top of the 32-bit space: [0xffffffe0, 0xffffffff]. */
	pmsa_write_region(&m, 1, 0xffffffe0u | (1u << 1), 0xffffffe0u | 1u);
	MISS(&m, 0xffffffdf);
	HIT(&m, 0xffffffe0, 1);
	HIT(&m, 0xffffffff, 1);
}

static void test_v8m_32byte_granule(void **state)
{
	struct pmsa_model m;

	(void)state;
	pmsa_init(&m, PMSA_V8M, 16);
	/* Smallest region: BASE 0x100, LIMIT 0x100 -> [0x100, 0x11f]. */
	pmsa_write_region(&m, 0, 0x100u | (1u << 1), 0x100u | 1u);
	HIT(&m, 0x100, 0);
	HIT(&m, 0x11f, 0);
	MISS(&m, 0x120);
	/* Bit 5 is part of BASE on v8-M: [0x120, 0x13f] is its own region. */
	pmsa_write_region(&m, 1, 0x120u | (1u << 1), 0x120u | 1u);
	assert_int_equal(m.overlap_events, 0);
	assert_false(pmsa_any_overlap(&m));
	MISS(&m, 0xff);
	HIT(&m, 0x11f, 0);
	HIT(&m, 0x120, 1);
	HIT(&m, 0x13f, 1);
	MISS(&m, 0x140);
}

static void test_v8m_ap_matrix(void **state)
{
	(void)state;
	/* RBAR AP at bits [2:1]; RLAR LIMIT 0x20000FE0, EN. */
	check_ap_matrix(PMSA_V8M, 0x20000000u, 1, 0x20000fe0u | 1u, 0x20000800);
}

static void test_v8m_xn(void **state)
{
	struct pmsa_model m;

	(void)state;
	pmsa_init(&m, PMSA_V8M, 16);
	/* XN = bit 0, AP=01 (bit 1). */
	pmsa_write_region(&m, 0, 0x10000000u | (1u << 1) | 1u, 0x10000fe0u | 1u);
	/* AP=01, XN=0: bit 1 is AP[1] on v8-M, not an execute-never bit. */
	pmsa_write_region(&m, 1, 0x10001000u | (1u << 1), 0x10001fe0u | 1u);
	CHECK_ACCESS(&m, 0x10000000, PMSA_EXEC, true, PMSA_FAULT_PERM, 0);
	CHECK_ACCESS(&m, 0x10000000, PMSA_EXEC, false, PMSA_FAULT_PERM, 0);
	CHECK_ACCESS(&m, 0x10000000, PMSA_READ, false, PMSA_OK, 0);
	CHECK_ACCESS(&m, 0x10000000, PMSA_WRITE, false, PMSA_OK, 0);
	CHECK_ACCESS(&m, 0x10001000, PMSA_EXEC, true, PMSA_OK, 1);
	CHECK_ACCESS(&m, 0x10001000, PMSA_EXEC, false, PMSA_OK, 1);
}

static void test_v8m_ignored_bits_and_raw_values(void **state)
{
	struct pmsa_model m;
	uint64_t base, limit;

	(void)state;
	pmsa_init(&m, PMSA_V8M, 16);
	/* MAIR byte 2 = 0x44 (Normal NC), the others Device-nGnRnE. */
	pmsa_write_mair(&m, 0x44ull << 16);
	/* RLAR: PXN (bit 4) set, AttrIndx 2, EN; RBAR: SH=2, AP=01. */
	pmsa_write_region(&m, 0, 0x20000000u | (2u << 3) | (1u << 1),
			  0x20000fe0u | (1u << 4) | (2u << 1) | 1u);
	assert_int_equal(m.rbar[0], 0x20000000u | (2u << 3) | (1u << 1));
	assert_int_equal(m.rlar[0], 0x20000fe0u | (1u << 4) | (2u << 1) | 1u);
	assert_true(pmsa_region_bounds(&m, 0, &base, &limit));
	assert_int_equal(base, 0x20000000u);
	assert_int_equal(limit, 0x20000fffu);
	HIT(&m, 0x20000fff, 0);
	MISS(&m, 0x20001000);
	/* PXN does not forbid execute in the model. */
	CHECK_ACCESS(&m, 0x20000000, PMSA_EXEC, true, PMSA_OK, 0);
	{
		struct pmsa_result r = pmsa_access(&m, 0x20000010, PMSA_READ, true);

		assert_int_equal(r.mtype, PMSA_MT_NORMAL_NC);
		assert_int_equal(r.sh, 2);
	}
}

/* ------------------------------------------------- Armv8-R AArch32 Hyp -- */

static void test_r32_limit_inclusive(void **state)
{
	struct pmsa_model m;

	(void)state;
	pmsa_init(&m, PMSA_V8R_AARCH32, 24);
	/* HPRBAR: BASE 0x38000000, AP=01; HPRLAR: LIMIT 0x3800FFC0, EN */
	pmsa_write_region(&m, 0, 0x38000000u | (1u << 1), 0x3800ffc0u | 1u);
	MISS(&m, 0x37ffffff);
	HIT(&m, 0x38000000, 0);
	HIT(&m, 0x3800ffc0, 0);
	HIT(&m, 0x3800ffff, 0); /* LIMIT:0b111111 */
	MISS(&m, 0x38010000);
}

static void test_r32_64byte_granule(void **state)
{
	struct pmsa_model m;
	uint64_t base, limit;

	(void)state;
	pmsa_init(&m, PMSA_V8R_AARCH32, 24);
	/* Bit 5 is not part of BASE on v8-R: this base decodes to 0x80000000. */
	pmsa_write_region(&m, 0, 0x80000020u | (1u << 1), 0x80000000u | 1u);
	assert_true(pmsa_region_bounds(&m, 0, &base, &limit));
	assert_int_equal(base, 0x80000000u);
	assert_int_equal(limit, 0x8000003fu);
	MISS(&m, 0x7fffffff);
	HIT(&m, 0x80000000, 0);
	HIT(&m, 0x8000001f, 0);
	HIT(&m, 0x8000003f, 0);
	MISS(&m, 0x80000040);
}

static void test_r32_ap_matrix(void **state)
{
	(void)state;
	/* HPRBAR AP at bits [2:1]; HPRLAR LIMIT 0x0000FFC0, EN. */
	check_ap_matrix(PMSA_V8R_AARCH32, 0x00000000u, 1, 0x0000ffc0u | 1u,
			0x00008000);
}

static void test_r32_xn_and_sh(void **state)
{
	struct pmsa_model m;
	struct pmsa_result r;

	(void)state;
	pmsa_init(&m, PMSA_V8R_AARCH32, 24);
	/* HPRBAR: SH=3 (bits 4:3), AP=01, XN (bit 0). */
	pmsa_write_region(&m, 0, 0x00100000u | (3u << 3) | (1u << 1) | 1u,
			  0x001fffc0u | 1u);
	/* Same but XN clear, AP=10 (RO, privileged only). */
	pmsa_write_region(&m, 1, 0x00200000u | (2u << 1), 0x002fffc0u | 1u);
	CHECK_ACCESS(&m, 0x00100040, PMSA_EXEC, true, PMSA_FAULT_PERM, 0);
	CHECK_ACCESS(&m, 0x00100040, PMSA_EXEC, false, PMSA_FAULT_PERM, 0);
	CHECK_ACCESS(&m, 0x00100040, PMSA_WRITE, false, PMSA_OK, 0);
	CHECK_ACCESS(&m, 0x00200040, PMSA_EXEC, true, PMSA_OK, 1);
	CHECK_ACCESS(&m, 0x00200040, PMSA_EXEC, false, PMSA_FAULT_PERM, 1);
	r = pmsa_access(&m, 0x001fffff, PMSA_READ, true);
	assert_int_equal(r.fault, PMSA_OK);
	assert_int_equal(r.sh, 3);
	r = pmsa_access(&m, 0x00200000, PMSA_READ, true);
	assert_int_equal(r.sh, 0);
}

/* ------------------------------------------------- Armv8-R AArch64 EL2 -- */

static void test_r64_limit_inclusive(void **state)
{
	struct pmsa_model m;

	(void)state;
	pmsa_init(&m, PMSA_V8R_AARCH64, 32);
	/* PRBAR: BASE 0x40000000, AP=01 (bits 3:2); PRLAR: LIMIT 0x4001FFC0, EN */
	pmsa_write_region(&m, 0, 0x40000000ull | (1ull << 2),
			  0x4001ffc0ull | 1ull);
	MISS(&m, 0x3fffffff);
	HIT(&m, 0x40000000, 0);
	HIT(&m, 0x4001ffc0, 0);
	HIT(&m, 0x4001ffff, 0);
	MISS(&m, 0x40020000);
}

static void test_r64_ap_matrix(void **state)
{
	(void)state;
	/* PRBAR AP at bits [3:2]; PRLAR LIMIT 0x4000FFC0, EN. */
	check_ap_matrix(PMSA_V8R_AARCH64, 0x40000000ull, 2,
			0x4000ffc0ull | 1ull, 0x40000100);
}

static void test_r64_xn1_only_forbids_exec(void **state)
{
	struct pmsa_model m;

	(void)state;
	pmsa_init(&m, PMSA_V8R_AARCH64, 32);
	/* All AP=01. Region 0: XN[0] only; 1: XN[1] only; 2: both; 3: none. */
	pmsa_write_region(&m, 0, 0x10000ull | (1ull << 2) | 1ull, 0x10fc0ull | 1ull);
	pmsa_write_region(&m, 1, 0x20000ull | (1ull << 2) | 2ull, 0x20fc0ull | 1ull);
	pmsa_write_region(&m, 2, 0x30000ull | (1ull << 2) | 3ull, 0x30fc0ull | 1ull);
	pmsa_write_region(&m, 3, 0x40000ull | (1ull << 2), 0x40fc0ull | 1ull);
	CHECK_ACCESS(&m, 0x10000, PMSA_EXEC, true, PMSA_OK, 0);
	CHECK_ACCESS(&m, 0x10000, PMSA_EXEC, false, PMSA_OK, 0);
	CHECK_ACCESS(&m, 0x20000, PMSA_EXEC, true, PMSA_FAULT_PERM, 1);
	CHECK_ACCESS(&m, 0x20000, PMSA_EXEC, false, PMSA_FAULT_PERM, 1);
	CHECK_ACCESS(&m, 0x20000, PMSA_READ, false, PMSA_OK, 1);
	CHECK_ACCESS(&m, 0x20000, PMSA_WRITE, true, PMSA_OK, 1);
	CHECK_ACCESS(&m, 0x30000, PMSA_EXEC, true, PMSA_FAULT_PERM, 2);
	CHECK_ACCESS(&m, 0x40000, PMSA_EXEC, true, PMSA_OK, 3);
	CHECK_ACCESS(&m, 0x40fff, PMSA_EXEC, false, PMSA_OK, 3);
}

static void test_r64_sh_attr_ns_fields(void **state)
{
	struct pmsa_model m;
	struct pmsa_result r;
	uint64_t base, limit;

	(void)state;
	pmsa_init(&m, PMSA_V8R_AARCH64, 32);
	/* MAIR byte 5 = 0xff (Normal WB), byte 1 = 0x04 (Device-nGnRE). */
	pmsa_write_mair(&m, (0xffull << 40) | (0x04ull << 8));
	/* PRBAR: SH=2 (bits 5:4), AP=01 (bits 3:2). PRLAR: NS, AttrIndx 5, EN. */
	pmsa_write_region(&m, 0, 0x50000000ull | (2ull << 4) | (1ull << 2),
			  0x5000ffc0ull | (1ull << 4) | (5ull << 1) | 1ull);
	/* PRBAR: SH=1, AP=00. PRLAR: AttrIndx 1, EN. */
	pmsa_write_region(&m, 1, 0x60000000ull | (1ull << 4),
			  0x6000ffc0ull | (1ull << 1) | 1ull);
	assert_true(pmsa_region_bounds(&m, 0, &base, &limit));
	assert_int_equal(base, 0x50000000ull);
	assert_int_equal(limit, 0x5000ffffull); /* NS does not move the limit */

	r = pmsa_access(&m, 0x5000ffff, PMSA_READ, false);
	assert_int_equal(r.fault, PMSA_OK);
	assert_int_equal(r.region, 0);
	assert_int_equal(r.sh, 2);
	assert_int_equal(r.mtype, PMSA_MT_NORMAL_WB);
	MISS(&m, 0x50010000);

	r = pmsa_access(&m, 0x60000000, PMSA_WRITE, true);
	assert_int_equal(r.fault, PMSA_OK);
	assert_int_equal(r.region, 1);
	assert_int_equal(r.sh, 1);
	assert_int_equal(r.mtype, PMSA_MT_DEVICE_nGnRE);
	/* AP=00 at bits 3:2: privileged only. */
	CHECK_ACCESS(&m, 0x60000000, PMSA_READ, false, PMSA_FAULT_PERM, 1);
}

static void test_r64_48bit_addresses(void **state)
{
	struct pmsa_model m;
	uint64_t base, limit;

	(void)state;
	pmsa_init(&m, PMSA_V8R_AARCH64, 32);
	/* [0x8000_0000_0000, 0x8000_0000_FFFF], AP=01 */
	pmsa_write_region(&m, 0, 0x800000000000ull | (1ull << 2),
			  0x80000000ffc0ull | 1ull);
	/* [0, 0xFFF]: would alias region 0 if addresses were truncated. */
	pmsa_write_region(&m, 1, 0x0ull | (1ull << 2), 0xfc0ull | 1ull);
	/* Top of the 48-bit space; bits 63:48 of the registers are not BASE/LIMIT. */
	pmsa_write_region(&m, 2, 0xffff000000000000ull | 0xfffffffff000ull |
				      (1ull << 2),
			  0xffff000000000000ull | 0xffffffffffc0ull | 1ull);
	assert_int_equal(m.overlap_events, 0);
	assert_false(pmsa_any_overlap(&m));

	MISS(&m, 0x7fffffffffffull);
	HIT(&m, 0x800000000000ull, 0);
	HIT(&m, 0x80000000ffffull, 0);
	MISS(&m, 0x800000010000ull);
	HIT(&m, 0x0ull, 1);
	MISS(&m, 0x1000ull);

	assert_true(pmsa_region_bounds(&m, 2, &base, &limit));
	assert_int_equal(base, 0xfffffffff000ull);
	assert_int_equal(limit, 0xffffffffffffull);
	MISS(&m, 0xffffffffefffull);
	HIT(&m, 0xfffffffff000ull, 2);
	HIT(&m, 0xffffffffffffull, 2);
}

/* ------------------------------------------------------ all flavours -- */

static void test_disabled_and_empty_regions_ignored(void **state)
{
	struct pmsa_model m;
	uint64_t base = 0x1234, limit = 0x5678;

	(void)state;
	pmsa_init(&m, PMSA_V8M, 16);
	m.background = false;
	/* Fully programmed but EN=0. */
	pmsa_write_region(&m, 0, 0x20000000u | (1u << 1), 0x20000fe0u);
	MISS(&m, 0x20000000);
	MISS(&m, 0x20000fff);
	assert_int_equal(pmsa_enabled_count(&m), 0);
	assert_false(pmsa_region_bounds(&m, 0, &base, &limit));
	assert_int_equal(base, 0x1234);
	assert_int_equal(limit, 0x5678);

	/* Enabled, but base above the limit: matches nothing, overlaps nothing. */
	pmsa_write_region(&m, 1, 0x20000800u | (1u << 1), 0x20000400u | 1u);
	pmsa_write_region(&m, 2, 0x20000000u | (1u << 1), 0x20000fe0u | 1u);
	assert_int_equal(pmsa_enabled_count(&m), 2);
	assert_false(pmsa_any_overlap(&m));
	assert_int_equal(m.overlap_events, 0);
	HIT(&m, 0x20000400, 2);
	HIT(&m, 0x20000800, 2);
	HIT(&m, 0x2000041f, 2);
}

static void test_multi_match(void **state)
{
	struct pmsa_model m;

	(void)state;
	pmsa_init(&m, PMSA_V8R_AARCH32, 24);
	/* Region 0 [0x1000, 0x1FFF], region 1 [0x1800, 0x27FF], both AP=01. */
	pmsa_write_region(&m, 0, 0x1000u | (1u << 1), 0x1fc0u | 1u);
	pmsa_write_region(&m, 1, 0x1800u | (1u << 1), 0x27c0u | 1u);
	assert_true(pmsa_any_overlap(&m));
	HIT(&m, 0x17ff, 0);
	CHECK_ACCESS(&m, 0x1800, PMSA_READ, true, PMSA_FAULT_MULTI, -1);
	CHECK_ACCESS(&m, 0x1fff, PMSA_READ, true, PMSA_FAULT_MULTI, -1);
	/* Both regions would allow these; the double match still faults. */
	CHECK_ACCESS(&m, 0x1c00, PMSA_WRITE, false, PMSA_FAULT_MULTI, -1);
	CHECK_ACCESS(&m, 0x1c00, PMSA_EXEC, true, PMSA_FAULT_MULTI, -1);
	HIT(&m, 0x2000, 1);
	HIT(&m, 0x27ff, 1);

	/* Three-way match is still MULTI; a disabled fourth changes nothing. */
	pmsa_write_region(&m, 2, 0x1c00u | (3u << 1), 0x1cc0u | 1u);
	pmsa_write_region(&m, 3, 0x1c00u | (1u << 1), 0x1cc0u);
	CHECK_ACCESS(&m, 0x1c00, PMSA_READ, false, PMSA_FAULT_MULTI, -1);
	HIT(&m, 0x17ff, 0);
}

static void test_adjacent_regions_do_not_overlap(void **state)
{
	struct pmsa_model m;

	(void)state;
	pmsa_init(&m, PMSA_V8R_AARCH64, 32);
	/* [0x1000, 0x1FFF] and [0x2000, 0x2FFF]. */
	pmsa_write_region(&m, 0, 0x1000ull | (1ull << 2), 0x1fc0ull | 1ull);
	pmsa_write_region(&m, 1, 0x2000ull | (1ull << 2), 0x2fc0ull | 1ull);
	assert_int_equal(m.overlap_events, 0);
	assert_false(pmsa_any_overlap(&m));
	HIT(&m, 0x1fff, 0);
	HIT(&m, 0x2000, 1);

	/* Growing region 0 by one granule makes them share [0x2000, 0x203F]. */
	pmsa_write_region(&m, 0, 0x1000ull | (1ull << 2), 0x2000ull | 1ull);
	assert_int_equal(m.overlap_events, 1);
	assert_true(pmsa_any_overlap(&m));
	CHECK_ACCESS(&m, 0x203f, PMSA_READ, true, PMSA_FAULT_MULTI, -1);
	HIT(&m, 0x2040, 1);
}

static void test_overlap_event_after_base_write(void **state)
{
	struct pmsa_model m;

	(void)state;
	pmsa_init(&m, PMSA_V8M, 16);
	/* Region 0 [0x3000, 0x3FFF], region 1 [0x4000, 0x4FFF]. */
	pmsa_write_region(&m, 0, 0x3000u | (1u << 1), 0x3fe0u | 1u);
	pmsa_write_region(&m, 1, 0x4000u | (1u << 1), 0x4fe0u | 1u);
	assert_int_equal(m.overlap_events, 0);

	/*
	 * Move region 1 to [0x0000, 0x0FFF]. After the base write alone it is
	 * [0x0000, 0x4FFF] (old limit still there), which covers region 0; the
	 * limit write ends the overlap. Exactly one event.
	 */
	pmsa_write_region(&m, 1, 0x0000u | (1u << 1), 0x0fe0u | 1u);
	assert_int_equal(m.overlap_events, 1);
	assert_false(pmsa_any_overlap(&m));
	HIT(&m, 0x0fff, 1);
	HIT(&m, 0x3000, 0);
	MISS(&m, 0x4000);
}

static void test_overlap_event_after_limit_write(void **state)
{
	struct pmsa_model m;

	(void)state;
	pmsa_init(&m, PMSA_V8M, 16);
	pmsa_write_region(&m, 0, 0x3000u | (1u << 1), 0x3fe0u | 1u);
	assert_int_equal(m.overlap_events, 0);

	/* Region 1 was disabled: the base write alone cannot overlap, EN can. */
	pmsa_write_region(&m, 1, 0x3800u | (1u << 1), 0x38e0u | 1u);
	assert_int_equal(m.overlap_events, 1);
	assert_true(pmsa_any_overlap(&m));

	/*
	 * Move region 1 to [0x3400, 0x34FF]: after the base write it is
	 * [0x3400, 0x38FF], after the limit write [0x3400, 0x34FF]; both
	 * overlap region 0, so two more events.
	 */
	pmsa_write_region(&m, 1, 0x3400u | (1u << 1), 0x34e0u | 1u);
	assert_int_equal(m.overlap_events, 3);

	/*
	 * Move it to [0x3900, 0x39FF]: after the base write it is
	 * [0x3900, 0x34FF], empty, so no overlap; the limit write brings it
	 * back inside region 0. One more event.
	 */
	pmsa_write_region(&m, 1, 0x3900u | (1u << 1), 0x39e0u | 1u);
	assert_int_equal(m.overlap_events, 4);
}

static void test_overlap_elsewhere_counted_once_per_write(void **state)
{
	struct pmsa_model m;

	(void)state;
	pmsa_init(&m, PMSA_V8R_AARCH32, 24);
	/* Regions 0 and 1 overlap on [0x1800, 0x1FFF]. */
	pmsa_write_region(&m, 0, 0x1000u | (1u << 1), 0x1fc0u | 1u);
	pmsa_write_region(&m, 1, 0x1800u | (1u << 1), 0x27c0u | 1u);
	assert_int_equal(m.overlap_events, 1);

	/* A write to an unrelated region: the overlap is still there after each. */
	pmsa_write_region(&m, 2, 0x8000u | (1u << 1), 0x8fc0u | 1u);
	assert_int_equal(m.overlap_events, 3);

	/* A third region overlapping both: still one event per write. */
	pmsa_write_region(&m, 3, 0x1000u | (1u << 1), 0x27c0u | 1u);
	assert_int_equal(m.overlap_events, 5);

	/* Disabling 3 (EN=0) leaves 0/1 overlapping after both writes. */
	pmsa_write_region(&m, 3, 0x1000u | (1u << 1), 0x27c0u);
	assert_int_equal(m.overlap_events, 7);
	/* Disabling 1: only its base write still sees the overlap. */
	pmsa_write_region(&m, 1, 0x1800u | (1u << 1), 0x27c0u);
	assert_int_equal(m.overlap_events, 8);
	assert_false(pmsa_any_overlap(&m));
	pmsa_write_region(&m, 4, 0x9000u | (1u << 1), 0x9fc0u | 1u);
	assert_int_equal(m.overlap_events, 8);
}

static void test_disabled_overlap_not_counted(void **state)
{
	struct pmsa_model m;

	(void)state;
	pmsa_init(&m, PMSA_V8R_AARCH64, 32);
	/* Region 1 has the same range as region 0 but EN=0. */
	pmsa_write_region(&m, 0, 0x3000ull | (1ull << 2), 0x3fc0ull | 1ull);
	pmsa_write_region(&m, 1, 0x3000ull | (1ull << 2), 0x3fc0ull);
	assert_int_equal(m.overlap_events, 0);
	assert_false(pmsa_any_overlap(&m));
	HIT(&m, 0x3000, 0);
	/* Enabling it: only the limit write (which sets EN) overlaps. */
	pmsa_write_region(&m, 1, 0x3000ull | (1ull << 2), 0x3fc0ull | 1ull);
	assert_int_equal(m.overlap_events, 1);
	CHECK_ACCESS(&m, 0x3000, PMSA_READ, true, PMSA_FAULT_MULTI, -1);
}

static void test_background(void **state)
{
	struct pmsa_model m;
	struct pmsa_result r;

	(void)state;
	pmsa_init(&m, PMSA_V8M, 16);
	/* MAIR byte 0 = Device-nGnRnE, so a WB answer can only be the default map. */
	pmsa_write_mair(&m, 0x00);
	/* Region 0: AP=10 (RO privileged), SH=1. Regions 1, 2 overlap. */
	pmsa_write_region(&m, 0, 0x20000000u | (1u << 3) | (2u << 1),
			  0x20000fe0u | 1u);
	pmsa_write_region(&m, 1, 0x30000000u | (1u << 1), 0x30000fe0u | 1u);
	pmsa_write_region(&m, 2, 0x30000800u | (1u << 1), 0x30000fe0u | 1u);

	/* Off: nothing matches, at either level. */
	MISS(&m, 0x40000000);
	CHECK_ACCESS(&m, 0x40000000, PMSA_READ, false, PMSA_FAULT_NO_REGION, -1);

	m.background = true;
	r = pmsa_access(&m, 0x40000000, PMSA_READ, true);
	assert_int_equal(r.fault, PMSA_OK);
	assert_int_equal(r.region, -1);
	assert_int_equal(r.mtype, PMSA_MT_NORMAL_WB);
	assert_int_equal(r.sh, 0);
	CHECK_ACCESS(&m, 0x40000000, PMSA_WRITE, true, PMSA_OK, -1);
	CHECK_ACCESS(&m, 0x40000000, PMSA_EXEC, true, PMSA_OK, -1);
	/* Unprivileged accesses never use the default map. */
	CHECK_ACCESS(&m, 0x40000000, PMSA_READ, false, PMSA_FAULT_NO_REGION, -1);
	CHECK_ACCESS(&m, 0x40000000, PMSA_EXEC, false, PMSA_FAULT_NO_REGION, -1);
	/* A matching region is used, and its refusal stands. */
	r = pmsa_access(&m, 0x20000000, PMSA_READ, true);
	assert_int_equal(r.fault, PMSA_OK);
	assert_int_equal(r.region, 0);
	assert_int_equal(r.mtype, PMSA_MT_DEVICE_nGnRnE);
	assert_int_equal(r.sh, 1);
	CHECK_ACCESS(&m, 0x20000000, PMSA_WRITE, true, PMSA_FAULT_PERM, 0);
	CHECK_ACCESS(&m, 0x20000000, PMSA_READ, false, PMSA_FAULT_PERM, 0);
	/* A double match is still a fault. */
	CHECK_ACCESS(&m, 0x30000800, PMSA_READ, true, PMSA_FAULT_MULTI, -1);
	/* Just past the region: default map. */
	CHECK_ACCESS(&m, 0x20001000, PMSA_WRITE, true, PMSA_OK, -1);
}

static void test_write_counters_and_sync(void **state)
{
	struct pmsa_model m;

	(void)state;
	pmsa_init(&m, PMSA_V8R_AARCH64, 32);
	pmsa_write_region(&m, 0, 0x1000ull | (1ull << 2), 0x1fc0ull | 1ull);
	assert_int_equal(m.writes, 2);
	assert_int_equal(m.unsynced, 2);
	assert_int_equal(m.syncs, 0);
	pmsa_write_region(&m, 1, 0x2000ull | (1ull << 2), 0x2fc0ull | 1ull);
	assert_int_equal(m.writes, 4);
	assert_int_equal(m.unsynced, 4);

	pmsa_sync(&m);
	assert_int_equal(m.syncs, 1);
	assert_int_equal(m.unsynced, 0);
	assert_int_equal(m.writes, 4);

	/* Disabling a region (EN=0) is a write pair like any other. */
	pmsa_write_region(&m, 1, 0x2000ull | (1ull << 2), 0x2fc0ull);
	assert_int_equal(m.writes, 6);
	assert_int_equal(m.unsynced, 2);
	pmsa_sync(&m);
	pmsa_sync(&m);
	assert_int_equal(m.syncs, 3);
	assert_int_equal(m.unsynced, 0);

	/* The model counts region register writes only; MAIR is not counted. */
	pmsa_write_mair(&m, 0xffull);
	assert_int_equal(m.mair, 0xffull);
	assert_int_equal(m.writes, 6);
	assert_int_equal(m.unsynced, 0);
	assert_int_equal(m.overlap_events, 0);
	assert_int_equal(m.bad_writes, 0);
}

static void test_bad_index(void **state)
{
	struct pmsa_model m;
	unsigned int i;

	(void)state;
	pmsa_init(&m, PMSA_V8M, 16);
	pmsa_write_region(&m, 16, 0x1000u | (1u << 1), 0x1fe0u | 1u);
	assert_int_equal(m.bad_writes, 1);
	assert_int_equal(m.writes, 0);
	assert_int_equal(m.unsynced, 0);
	assert_int_equal(m.overlap_events, 0);
	for (i = 0; i < PMSA_MAX_REGIONS; i++) {
		assert_int_equal(m.rbar[i], 0);
		assert_int_equal(m.rlar[i], 0);
	}
	assert_int_equal(pmsa_enabled_count(&m), 0);
	MISS(&m, 0x1000);
	assert_false(pmsa_region_bounds(&m, 16, NULL, NULL));

	/* Far out of range: counted, no memory touched (ASan would object). */
	pmsa_write_region(&m, 1000, 0x1000u | (1u << 1), 0x1fe0u | 1u);
	pmsa_write_region(&m, PMSA_MAX_REGIONS, 0x1000u | (1u << 1),
			  0x1fe0u | 1u);
	assert_int_equal(m.bad_writes, 3);
	assert_int_equal(m.writes, 0);

	/* The last valid index still works. */
	pmsa_write_region(&m, 15, 0x1000u | (1u << 1), 0x1fe0u | 1u);
	assert_int_equal(m.bad_writes, 3);
	assert_int_equal(m.writes, 2);
	HIT(&m, 0x1fff, 15);
}

static void test_highest_index_254(void **state)
{
	struct pmsa_model m;
	uint64_t base, limit;

	(void)state;
	pmsa_init(&m, PMSA_V8R_AARCH32, PMSA_MAX_REGIONS);
	assert_int_equal(m.nregions, 255);
	pmsa_write_region(&m, 254, 0x70000000u | (1u << 1), 0x7000ffc0u | 1u);
	assert_int_equal(m.bad_writes, 0);
	assert_int_equal(m.writes, 2);
	assert_int_equal(m.rbar[254], 0x70000000u | (1u << 1));
	assert_int_equal(pmsa_enabled_count(&m), 1);
	assert_true(pmsa_region_bounds(&m, 254, &base, &limit));
	assert_int_equal(base, 0x70000000u);
	assert_int_equal(limit, 0x7000ffffu);
	HIT(&m, 0x7000ffff, 254);
	CHECK_ACCESS(&m, 0x70000000, PMSA_WRITE, false, PMSA_OK, 254);

	/* An overlap with region 0 is seen across the whole table. */
	pmsa_write_region(&m, 0, 0x7000f000u | (1u << 1), 0x7001ffc0u | 1u);
	assert_int_equal(m.overlap_events, 1); /* the limit write enables it */
	CHECK_ACCESS(&m, 0x7000f000, PMSA_READ, true, PMSA_FAULT_MULTI, -1);

	pmsa_write_region(&m, 255, 0, 0);
	assert_int_equal(m.bad_writes, 1);
	assert_false(pmsa_region_bounds(&m, 255, &base, &limit));
}

static void test_mair_decode(void **state)
{
	static const enum pmsa_memtype first[8] = {
		PMSA_MT_DEVICE_nGnRnE, /* 0x00 */
		PMSA_MT_DEVICE_nGnRE,  /* 0x04 */
		PMSA_MT_DEVICE_nGRE,   /* 0x08 */
		PMSA_MT_DEVICE_GRE,    /* 0x0c */
		PMSA_MT_NORMAL_NC,     /* 0x44 */
		PMSA_MT_NORMAL_WT,     /* 0xbb */
		PMSA_MT_NORMAL_WB,     /* 0xff */
		PMSA_MT_OTHER,         /* 0x4f: outer NC, inner WB */
	};
	static const enum pmsa_memtype second[8] = {
		PMSA_MT_NORMAL_WT, /* 0xaa */
		PMSA_MT_NORMAL_WB, /* 0xee */
		PMSA_MT_NORMAL_WT, /* 0x88 */
		PMSA_MT_NORMAL_WB, /* 0xcc */
		PMSA_MT_OTHER,     /* 0x01: reserved Device encoding */
		PMSA_MT_OTHER,     /* 0x40: inner 0b0000 is not Normal */
		PMSA_MT_OTHER,     /* 0xb4: outer WT, inner NC */
		PMSA_MT_OTHER,     /* 0xfb: outer WB, inner WT */
	};
	/* Transient encodings: 0b00RW (RW != 00) is WT, 0b01RW is WB. */
	static const enum pmsa_memtype third[8] = {
		PMSA_MT_OTHER,     /* 0x80: outer WT, inner 0b0000 reserved */
		PMSA_MT_NORMAL_WT, /* 0x33 */
		PMSA_MT_NORMAL_WB, /* 0x77 */
		PMSA_MT_OTHER,     /* 0xf0: outer WB, inner 0b0000 reserved */
		PMSA_MT_NORMAL_WT, /* 0x3b: transient outer, non-transient inner */
		PMSA_MT_OTHER,     /* 0x02: reserved Device encoding */
		PMSA_MT_OTHER,     /* 0x4c: outer NC, inner WB */
		PMSA_MT_NORMAL_WT, /* 0x11 */
	};
	struct pmsa_model m;
	unsigned int i;

	(void)state;
	pmsa_init(&m, PMSA_V8M, 16);
	/* Region i = [0x1000 * i, 0x1000 * i + 0x1f], AttrIndx i, AP=01. */
	for (i = 0; i < 8; i++)
		pmsa_write_region(&m, i, (0x1000u * i) | (1u << 1),
				  (0x1000u * i) | (i << 1) | 1u);

	pmsa_write_mair(&m, 0x4fffbb440c080400ull);
	for (i = 0; i < 8; i++) {
		struct pmsa_result r = pmsa_access(&m, 0x1000u * i, PMSA_READ, true);

		assert_int_equal(r.fault, PMSA_OK);
		assert_int_equal(r.region, (int)i);
		assert_int_equal(r.mtype, first[i]);
	}

	pmsa_write_mair(&m, 0xfbb44001cc88eeaaull);
	for (i = 0; i < 8; i++) {
		struct pmsa_result r = pmsa_access(&m, 0x1000u * i + 0x1f,
						   PMSA_READ, true);

		assert_int_equal(r.region, (int)i);
		assert_int_equal(r.mtype, second[i]);
	}

	pmsa_write_mair(&m, 0x114c023bf0773380ull);
	for (i = 0; i < 8; i++) {
		struct pmsa_result r = pmsa_access(&m, 0x1000u * i, PMSA_EXEC,
						   false);

		assert_int_equal(r.fault, PMSA_OK);
		assert_int_equal(r.mtype, third[i]);
	}
}

static void test_region_bounds_per_flavour(void **state)
{
	struct pmsa_model m;
	uint64_t base, limit;

	(void)state;
	/* Arbitrary raw values: only BASE/LIMIT bits count, low bits forced. */
	pmsa_init(&m, PMSA_V8M, 16);
	pmsa_write_region(&m, 3, 0x12345678u, 0x1234abcdu);
	assert_true(pmsa_region_bounds(&m, 3, &base, &limit));
	assert_int_equal(base, 0x12345660u);
	assert_int_equal(limit, 0x1234abdfu);
	assert_int_equal(m.rbar[3], 0x12345678u);
	assert_int_equal(m.rlar[3], 0x1234abcdu);
	assert_false(pmsa_region_bounds(&m, 2, &base, &limit));

	pmsa_init(&m, PMSA_V8R_AARCH32, 24);
	pmsa_write_region(&m, 3, 0x12345678u, 0x1234abcdu);
	assert_true(pmsa_region_bounds(&m, 3, &base, &limit));
	assert_int_equal(base, 0x12345640u);
	assert_int_equal(limit, 0x1234abffu);

	pmsa_init(&m, PMSA_V8R_AARCH64, 32);
	pmsa_write_region(&m, 3, 0xffff123456789abcull, 0xffff123456789abdull);
	assert_true(pmsa_region_bounds(&m, 3, &base, &limit));
	assert_int_equal(base, 0x123456789a80ull);
	assert_int_equal(limit, 0x123456789abfull);
	assert_int_equal(m.rbar[3], 0xffff123456789abcull);
	assert_int_equal(m.rlar[3], 0xffff123456789abdull);
	/* EN clear in the raw limit value: disabled. */
	pmsa_write_region(&m, 4, 0x1000ull, 0x1fc0ull | (1ull << 4));
	assert_false(pmsa_region_bounds(&m, 4, &base, &limit));
	assert_int_equal(pmsa_enabled_count(&m), 1);
}

static void test_perm_fault_reports_region(void **state)
{
	struct pmsa_model m;
	struct pmsa_result r;

	(void)state;
	pmsa_init(&m, PMSA_V8R_AARCH32, 24);
	/* MAIR byte 6 = 0xbb (Normal WT). */
	pmsa_write_mair(&m, 0xbbull << 48);
	/* Region 3: SH=1, AP=11 (RO any), XN; AttrIndx 6. */
	pmsa_write_region(&m, 3, 0x00400000u | (1u << 3) | (3u << 1) | 1u,
			  0x0040ffc0u | (6u << 1) | 1u);
	r = pmsa_access(&m, 0x00400000, PMSA_WRITE, true);
	assert_int_equal(r.fault, PMSA_FAULT_PERM);
	assert_int_equal(r.region, 3);
	assert_int_equal(r.mtype, PMSA_MT_NORMAL_WT);
	assert_int_equal(r.sh, 1);
	r = pmsa_access(&m, 0x00400000, PMSA_EXEC, false);
	assert_int_equal(r.fault, PMSA_FAULT_PERM);
	assert_int_equal(r.region, 3);
	r = pmsa_access(&m, 0x0040ffff, PMSA_READ, false);
	assert_int_equal(r.fault, PMSA_OK);
	assert_int_equal(r.region, 3);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_clears_state),
		cmocka_unit_test(test_v8m_limit_inclusive),
		cmocka_unit_test(test_v8m_32byte_granule),
		cmocka_unit_test(test_v8m_ap_matrix),
		cmocka_unit_test(test_v8m_xn),
		cmocka_unit_test(test_v8m_ignored_bits_and_raw_values),
		cmocka_unit_test(test_r32_limit_inclusive),
		cmocka_unit_test(test_r32_64byte_granule),
		cmocka_unit_test(test_r32_ap_matrix),
		cmocka_unit_test(test_r32_xn_and_sh),
		cmocka_unit_test(test_r64_limit_inclusive),
		cmocka_unit_test(test_r64_ap_matrix),
		cmocka_unit_test(test_r64_xn1_only_forbids_exec),
		cmocka_unit_test(test_r64_sh_attr_ns_fields),
		cmocka_unit_test(test_r64_48bit_addresses),
		cmocka_unit_test(test_disabled_and_empty_regions_ignored),
		cmocka_unit_test(test_multi_match),
		cmocka_unit_test(test_adjacent_regions_do_not_overlap),
		cmocka_unit_test(test_overlap_event_after_base_write),
		cmocka_unit_test(test_overlap_event_after_limit_write),
		cmocka_unit_test(test_overlap_elsewhere_counted_once_per_write),
		cmocka_unit_test(test_disabled_overlap_not_counted),
		cmocka_unit_test(test_background),
		cmocka_unit_test(test_write_counters_and_sync),
		cmocka_unit_test(test_bad_index),
		cmocka_unit_test(test_highest_index_254),
		cmocka_unit_test(test_mair_decode),
		cmocka_unit_test(test_region_bounds_per_flavour),
		cmocka_unit_test(test_perm_fault_reports_region),
	};

	AM_RUN_SUITE("unit-model_pmsav8", tests);
}
