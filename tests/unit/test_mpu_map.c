/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Suite unit-mpu_map: the MPU region map, checked through the PMSAv8 model.
 *
 * After every call, check() asserts what the hardware would show: the model's
 * registers equal the map's software copy for every region, no moment with
 * two enabled regions overlapping, no register write left without a barrier,
 * and the lock released as often as taken. Accesses are asked of the model,
 * not of the library. A refused call must leave map and model byte for byte
 * unchanged (snap() / unchanged()).
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"
#include "tests/unit/threads.h"

#include <armmap/errors.h>
#include <armmap/mpu.h>

#include "arch/host/mpu_model.h"
#include "tests/oracle/mpu_oracle.h"

struct fx {
	struct am_host_mpu h;
	struct am_mpu_region store[AM_MPU_MAX_REGIONS];
	struct am_mpu_map m;
};

static struct fx F;

#define A 0x38100000ull /* a test window, 64-byte aligned for every flavour */
#define K4 0x1000ull

static struct am_mpu_map *setup_map(enum am_mpu_flavour f, unsigned int nregions,
				    unsigned int flags)
{
	struct am_mpu_config cfg = {.flavour = f,
				    .storage = F.store,
				    .storage_len = AM_MPU_MAX_REGIONS,
				    .flags = flags};

	memset(&F, 0xa5, sizeof(F)); /* the library must not rely on zeroed storage */
	am_host_mpu_init(&F.h, f, nregions);
	assert_int_equal(am_mpu_init(&F.m, &cfg, &am_host_mpu_ops, &F.h), 0);
	return &F.m;
}

/* The hardware's view agrees with the library's, and the rules held (tests/oracle). */
static void check(void)
{
	char why[256];

	if (!oracle_mpu_check(&F.h, &F.m, why, sizeof(why)))
		fail_msg("%s", why);
}

struct snap {
	struct oracle_mpu_snap o;
};

static void snap(struct snap *s)
{
	oracle_mpu_snap(&s->o, &F.h, &F.m, F.store, AM_MPU_MAX_REGIONS);
	am_host_mpu_clear_log(&F.h);
}

/* Nothing changed since snap(), and the refusal said why in the log. */
static void unchanged(const struct snap *s)
{
	char why[256];

	if (!oracle_mpu_unchanged(&s->o, &F.h, &F.m, F.store, why, sizeof(why)))
		fail_msg("%s", why);
}

static enum pmsa_fault acc(uint64_t addr, enum pmsa_access kind, bool priv)
{
	return pmsa_access(&F.h.hw, addr, kind, priv).fault;
}

static int hit(uint64_t addr)
{
	return pmsa_access(&F.h.hw, addr, PMSA_READ, true).region;
}

/* Read and write [base, limit) at both ends and just outside, privileged. */
static void assert_rw_exactly(uint64_t base, uint64_t limit)
{
	assert_int_equal(acc(base, PMSA_READ, true), PMSA_OK);
	assert_int_equal(acc(base, PMSA_WRITE, true), PMSA_OK);
	assert_int_equal(acc(limit - 1, PMSA_READ, true), PMSA_OK);
	assert_int_equal(acc(limit - 1, PMSA_WRITE, true), PMSA_OK);
	assert_int_equal(acc(limit, PMSA_READ, true), PMSA_FAULT_NO_REGION);
	if (base)
		assert_int_equal(acc(base - 1, PMSA_READ, true), PMSA_FAULT_NO_REGION);
}

static const struct am_attr RW = AM_ATTR_RW_DATA;
static const struct am_attr RO = AM_ATTR_RO_DATA;
static const struct am_attr RX = AM_ATTR_RX_TEXT;
static const struct am_attr DEV = AM_ATTR_DEVICE;

/* ------------------------------------------------------------------ init -- */

static void init_takes_capacity_from_hardware_and_programs_mair(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	(void)state;
	assert_int_equal(am_mpu_capacity(m), 16);
	assert_int_equal(am_mpu_used(m), 0);
	assert_int_equal(F.h.mair_writes, 1);
	assert_int_equal(F.h.hw.mair, 0xffbb440400ull);
	assert_int_equal(am_mpu_mair(m), 0xffbb440400ull);
	/* init leaves the regions alone */
	assert_int_equal(F.h.hw.writes, 0);
	check();
}

static void init_refuses_bad_configuration(void **state)
{
	struct am_mpu_region store[16];
	struct am_mpu_config cfg = {.flavour = AM_MPU_V8M, .storage = store, .storage_len = 16};
	struct am_mpu_config c;
	struct am_mpu_ops ops = am_host_mpu_ops;
	struct am_mpu_map m;
	uint8_t idx[AM_MT_COUNT] = {0, 1, 2, 3, 4};
	(void)state;
	am_host_mpu_init(&F.h, AM_MPU_V8M, 16);
	assert_int_equal(am_mpu_init(NULL, &cfg, &ops, &F.h), AM_EINVAL);
	assert_int_equal(am_mpu_init(&m, NULL, &ops, &F.h), AM_EINVAL);
	assert_int_equal(am_mpu_init(&m, &cfg, NULL, &F.h), AM_EINVAL);
	c = cfg, c.storage = NULL;
	assert_int_equal(am_mpu_init(&m, &c, &ops, &F.h), AM_EINVAL);
	c = cfg, c.flavour = AM_MPU_FLAVOUR_COUNT;
	assert_int_equal(am_mpu_init(&m, &c, &ops, &F.h), AM_EINVAL);
	c = cfg, c.flags = 0x100;
	assert_int_equal(am_mpu_init(&m, &c, &ops, &F.h), AM_EINVAL);
	c = cfg, c.pa_bits = 40; /* only v8-R AArch64 has a configurable PA size */
	assert_int_equal(am_mpu_init(&m, &c, &ops, &F.h), AM_EINVAL);
	c = cfg, c.attr_index = idx;
	idx[2] = 8;
	assert_int_equal(am_mpu_init(&m, &c, &ops, &F.h), AM_EINVAL);
	c = cfg, c.nr_regions = 17; /* more than the hardware's 16 */
	assert_int_equal(am_mpu_init(&m, &c, &ops, &F.h), AM_ERANGE);
	c = cfg, c.nr_regions = 256;
	assert_int_equal(am_mpu_init(&m, &c, &ops, &F.h), AM_ERANGE);
	c = cfg, c.storage_len = 15; /* a malformed configuration, not "no free region" */
	assert_int_equal(am_mpu_init(&m, &c, &ops, &F.h), AM_EINVAL);
	ops.write_region = NULL;
	assert_int_equal(am_mpu_init(&m, &cfg, &ops, &F.h), AM_EINVAL);
	ops = am_host_mpu_ops, ops.sync = NULL;
	assert_int_equal(am_mpu_init(&m, &cfg, &ops, &F.h), AM_EINVAL);
	/* no hw_regions op and no count: nothing to manage */
	ops = am_host_mpu_ops, ops.hw_regions = NULL;
	assert_int_equal(am_mpu_init(&m, &cfg, &ops, &F.h), AM_ERANGE);
	c = cfg, c.nr_regions = 8;
	assert_int_equal(am_mpu_init(&m, &c, &ops, &F.h), 0);
	assert_int_equal(am_mpu_capacity(&m), 8);
	/* none of the refusals touched the hardware */
	assert_int_equal(F.h.hw.writes, 0);
	assert_int_equal(F.h.mair_writes, 1);
}

static void init_aarch64_pa_bits(void **state)
{
	struct am_mpu_region store[4];
	struct am_mpu_config cfg = {
		.flavour = AM_MPU_V8R_AARCH64, .storage = store, .storage_len = 4, .nr_regions = 4};
	struct am_mpu_map m;
	(void)state;
	am_host_mpu_init(&F.h, AM_MPU_V8R_AARCH64, 4);
	cfg.pa_bits = 31;
	assert_int_equal(am_mpu_init(&m, &cfg, &am_host_mpu_ops, &F.h), AM_EINVAL);
	cfg.pa_bits = 49;
	assert_int_equal(am_mpu_init(&m, &cfg, &am_host_mpu_ops, &F.h), AM_EINVAL);
	cfg.pa_bits = 40;
	assert_int_equal(am_mpu_init(&m, &cfg, &am_host_mpu_ops, &F.h), 0);
	assert_int_equal(am_mpu_map(&m, 1ull << 40, (1ull << 40) + K4, &RW), AM_ERANGE);
	assert_int_equal(am_mpu_map(&m, (1ull << 40) - K4, 1ull << 40, &RW), 0);
	assert_int_equal(acc((1ull << 40) - 1, PMSA_WRITE, true), PMSA_OK);
}

/* ------------------------------------------------------------------- map -- */

static void map_programs_region_the_hardware_honours(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	unsigned long syncs = F.h.hw.syncs;
	struct pmsa_result r;
	(void)state;
	assert_int_equal(am_mpu_map(m, A, A + 4 * K4, &RW), 0);
	check();
	assert_int_equal(F.h.hw.syncs, syncs + 1); /* one barrier for the call */
	assert_rw_exactly(A, A + 4 * K4);
	assert_int_equal(acc(A, PMSA_READ, false), PMSA_FAULT_PERM); /* not USER */
	assert_int_equal(acc(A, PMSA_EXEC, true), PMSA_FAULT_PERM);  /* XN */
	r = pmsa_access(&F.h.hw, A + 8, PMSA_READ, true);
	assert_int_equal(r.region, 0);
	assert_int_equal(r.mtype, PMSA_MT_NORMAL_WB);
	assert_int_equal(r.sh, AM_SH_INNER);
}

static void map_attributes_on_every_flavour(void **state)
{
	static const enum am_mpu_flavour fl[] = {AM_MPU_V8R_AARCH64, AM_MPU_V8R_AARCH32,
						 AM_MPU_V8M};
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct am_mpu_map *m = setup_map(fl[i], 16, 0);
		struct am_attr rxu = RX, rwu = RW, nc = RW;
		struct pmsa_result r;

		rxu.perm |= AM_PERM_USER;
		rwu.perm |= AM_PERM_USER;
		nc.mtype = AM_MT_NORMAL_NC;
		nc.sh = AM_SH_OUTER;
		assert_int_equal(am_mpu_map(m, A, A + K4, &rxu), 0);
		assert_int_equal(am_mpu_map(m, A + K4, A + 2 * K4, &RO), 1);
		assert_int_equal(am_mpu_map(m, A + 2 * K4, A + 3 * K4, &DEV), 2);
		assert_int_equal(am_mpu_map(m, A + 3 * K4, A + 4 * K4, &rwu), 3);
		assert_int_equal(am_mpu_map(m, A + 4 * K4, A + 5 * K4, &nc), 4);
		check();
		/* RX + user: everyone reads and executes, nobody writes */
		assert_int_equal(acc(A, PMSA_READ, false), PMSA_OK);
		assert_int_equal(acc(A, PMSA_EXEC, false), PMSA_OK);
		assert_int_equal(acc(A, PMSA_EXEC, true), PMSA_OK);
		assert_int_equal(acc(A, PMSA_WRITE, true), PMSA_FAULT_PERM);
		/* RO, privileged only, never executable */
		assert_int_equal(acc(A + K4, PMSA_READ, true), PMSA_OK);
		assert_int_equal(acc(A + K4, PMSA_READ, false), PMSA_FAULT_PERM);
		assert_int_equal(acc(A + K4, PMSA_WRITE, true), PMSA_FAULT_PERM);
		assert_int_equal(acc(A + K4, PMSA_EXEC, true), PMSA_FAULT_PERM);
		/* device */
		r = pmsa_access(&F.h.hw, A + 2 * K4, PMSA_WRITE, true);
		assert_int_equal(r.fault, PMSA_OK);
		assert_int_equal(r.mtype, PMSA_MT_DEVICE_nGnRE);
		assert_int_equal(acc(A + 2 * K4, PMSA_EXEC, true), PMSA_FAULT_PERM);
		/* RW + user */
		assert_int_equal(acc(A + 3 * K4, PMSA_WRITE, false), PMSA_OK);
		assert_int_equal(acc(A + 3 * K4, PMSA_EXEC, false), PMSA_FAULT_PERM);
		/* normal non-cacheable, outer shareable */
		r = pmsa_access(&F.h.hw, A + 4 * K4, PMSA_READ, true);
		assert_int_equal(r.mtype, PMSA_MT_NORMAL_NC);
		assert_int_equal(r.sh, AM_SH_OUTER);
	}
}

static void map_takes_lowest_free_region(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	(void)state;
	assert_int_equal(am_mpu_map(m, A, A + K4, &RW), 0);
	assert_int_equal(am_mpu_map(m, A + 2 * K4, A + 3 * K4, &RW), 1);
	assert_int_equal(am_mpu_map(m, A + 4 * K4, A + 5 * K4, &RW), 2);
	assert_int_equal(am_mpu_unmap(m, A + 2 * K4, A + 3 * K4), 0);
	check();
	assert_int_equal(hit(A + 2 * K4), -1);
	assert_int_equal(am_mpu_map(m, A + 8 * K4, A + 9 * K4, &RO), 1);
	check();
	assert_int_equal(hit(A + 8 * K4), 1);
	assert_int_equal(acc(A + 8 * K4, PMSA_WRITE, true), PMSA_FAULT_PERM);
}

static void map_top_of_address_space_and_48_bit(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	(void)state;
	/* exclusive limit 2^32: the last granule of a 32-bit space */
	assert_int_equal(am_mpu_map(m, 0xffffffe0ull, 0x100000000ull, &RO), 0);
	check();
	assert_int_equal(acc(0xffffffffull, PMSA_READ, true), PMSA_OK);
	assert_int_equal(acc(0xffffffdfull, PMSA_READ, true), PMSA_FAULT_NO_REGION);
	m = setup_map(AM_MPU_V8R_AARCH64, 16, 0);
	assert_int_equal(am_mpu_map(m, 0x800000000000ull, 0x800000010000ull, &RW), 0);
	assert_int_equal(am_mpu_map(m, 0xffffffff0000ull, 0x1000000000000ull, &RO), 1);
	check();
	assert_rw_exactly(0x800000000000ull, 0x800000010000ull);
	assert_int_equal(acc(0xffffffffffffull, PMSA_READ, true), PMSA_OK);
	/* the same offsets below 2^32 are not mapped */
	assert_int_equal(acc(0x10000ull, PMSA_READ, true), PMSA_FAULT_NO_REGION);
}

static void inclusive_and_exact_maps_take_references(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	struct am_mpu_region r;
	unsigned long writes;
	(void)state;
	assert_int_equal(am_mpu_map(m, A, A + 16 * K4, &RW), 0);
	writes = F.h.hw.writes;
	assert_int_equal(am_mpu_map(m, A + 4 * K4, A + 8 * K4, &RW), 0);
	assert_int_equal(am_mpu_map(m, A, A + 16 * K4, &RW), 0);
	check();
	assert_int_equal(F.h.hw.writes, writes); /* no hardware region spent */
	assert_int_equal(am_mpu_used(m), 1);
	assert_int_equal(am_mpu_region_get(m, 0, &r), 0);
	assert_int_equal(r.refs, 2);
	assert_int_equal(r.base, A);
	assert_int_equal(r.limit, A + 16 * K4);
}

static void unmap_drops_references_and_removes_whole_region_last(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	struct am_mpu_region r;
	(void)state;
	assert_int_equal(am_mpu_map(m, A, A + 16 * K4, &RW), 0);
	assert_int_equal(am_mpu_map(m, A + 4 * K4, A + 8 * K4, &RW), 0);
	assert_int_equal(am_mpu_map(m, A + 4 * K4, A + 8 * K4, &RW), 0);
	assert_int_equal(am_mpu_unmap(m, A + 4 * K4, A + 8 * K4), 0);
	assert_int_equal(am_mpu_unmap(m, A + 4 * K4, A + 8 * K4), 0);
	check();
	assert_int_equal(am_mpu_region_get(m, 0, &r), 0);
	assert_int_equal(r.refs, 0);
	assert_rw_exactly(A, A + 16 * K4); /* still whole */
	assert_int_equal(am_mpu_unmap(m, A, A + 16 * K4), 0);
	check();
	assert_int_equal(am_mpu_used(m), 0);
	assert_int_equal(acc(A, PMSA_READ, true), PMSA_FAULT_NO_REGION);
	assert_int_equal(am_mpu_region_get(m, 0, &r), AM_ENOENT);
	/* unmapping again: nothing there */
	assert_int_equal(am_mpu_unmap(m, A, A + 16 * K4), AM_ENOENT);
}

static void inclusive_region_outlives_its_creator(void **state)
{
	/* The seed's case: B inside A, A unmapped first, B keeps the region. */
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	struct snap s;
	(void)state;
	assert_int_equal(am_mpu_map(m, A, A + 16 * K4, &RW), 0);
	assert_int_equal(am_mpu_map(m, A + 4 * K4, A + 5 * K4, &RW), 0);
	assert_int_equal(am_mpu_unmap(m, A, A + 16 * K4), 0);
	check();
	assert_int_equal(acc(A + 4 * K4, PMSA_WRITE, true), PMSA_OK);
	/* the partial range cannot remove the region (no split mode)... */
	snap(&s);
	assert_int_equal(am_mpu_unmap(m, A + 4 * K4, A + 5 * K4), AM_ENOTSUP);
	unchanged(&s);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_PARTIAL, 0), 1);
	/* ...the address does */
	assert_int_equal(am_mpu_unmap_containing(m, A + 4 * K4), 0);
	check();
	assert_int_equal(acc(A + 4 * K4, PMSA_READ, true), PMSA_FAULT_NO_REGION);
}

static void attribute_mismatch_is_refused_and_named(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	struct am_attr nc = RW, shared = RW, user = RW;
	struct snap s;
	(void)state;
	nc.mtype = AM_MT_NORMAL_NC;
	shared.sh = AM_SH_OUTER;
	user.perm |= AM_PERM_USER;
	assert_int_equal(am_mpu_map(m, A, A + 16 * K4, &RW), 0);
	assert_int_equal(am_mpu_map(m, A + K4, A + 2 * K4, &RW), 0); /* a holder */

	snap(&s);
	assert_int_equal(am_mpu_map(m, A + 4 * K4, A + 8 * K4, &RO), AM_EEXIST);
	unchanged(&s);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_PERM), 1);
	assert_int_equal(F.h.nlog, 1);

	snap(&s);
	assert_int_equal(am_mpu_map(m, A + 4 * K4, A + 8 * K4, &RX), AM_EEXIST);
	unchanged(&s);
	/* one record, naming the first attribute, with every difference in arg0 */
	assert_int_equal(
		am_host_mpu_logged(&F.h, AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_PERM | AM_ATTR_DIFF_XN),
		1);
	assert_int_equal(F.h.nlog, 1);

	snap(&s);
	assert_int_equal(am_mpu_map(m, A, A + 16 * K4, &nc), AM_EEXIST);
	unchanged(&s);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_MTYPE), 1);

	snap(&s);
	assert_int_equal(am_mpu_map(m, A, A + 16 * K4, &shared), AM_EEXIST);
	unchanged(&s);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_SH), 1);

	snap(&s);
	assert_int_equal(am_mpu_map(m, A, A + 16 * K4, &user), AM_EEXIST);
	unchanged(&s);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_USER), 1);
	/* the held region still has its permissions in hardware */
	assert_int_equal(acc(A + 4 * K4, PMSA_WRITE, true), PMSA_OK);
	assert_int_equal(acc(A + 4 * K4, PMSA_READ, false), PMSA_FAULT_PERM);
}

static void overlapping_map_is_refused(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	struct snap s;
	(void)state;
	assert_int_equal(am_mpu_map(m, A + 4 * K4, A + 8 * K4, &RW), 0);
	snap(&s);
	assert_int_equal(am_mpu_map(m, A + 6 * K4, A + 10 * K4, &RW), AM_EBUSY);
	assert_int_equal(am_mpu_map(m, A + 2 * K4, A + 5 * K4, &RW), AM_EBUSY);
	assert_int_equal(am_mpu_map(m, A, A + 16 * K4, &RW), AM_EBUSY); /* covers it */
	unchanged(&s);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_OVERLAP, 0), 3);
	/* adjacent is not overlapping */
	assert_int_equal(am_mpu_map(m, A + 8 * K4, A + 9 * K4, &RW), 1);
	assert_int_equal(am_mpu_map(m, A + 3 * K4, A + 4 * K4, &RO), 2);
	check();
}

static void full_table_is_refused(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	struct snap s;
	(void)state;
	for (unsigned int i = 0; i < 16; i++)
		assert_int_equal(am_mpu_map(m, A + 2 * i * K4, A + (2 * i + 1) * K4, &RW), (int)i);
	check();
	assert_int_equal(pmsa_enabled_count(&F.h.hw), 16);
	snap(&s);
	assert_int_equal(am_mpu_map(m, A + 64 * K4, A + 65 * K4, &RW), AM_ENOSPC);
	unchanged(&s);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_NO_SPACE, ~0ull), 1);
	/* a reference needs no region, even when full */
	assert_int_equal(am_mpu_map(m, A, A + K4, &RW), 0);
	check();
}

static void refcount_saturates_never_wraps(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	struct am_mpu_region r;
	struct snap s;
	(void)state;
	assert_int_equal(am_mpu_map(m, A, A + 16 * K4, &RW), 0);
	for (unsigned int i = 0; i < AM_MPU_REFS_MAX; i++)
		assert_int_equal(am_mpu_map(m, A + K4, A + 2 * K4, &RW), 0);
	snap(&s);
	assert_int_equal(am_mpu_map(m, A + K4, A + 2 * K4, &RW), AM_EOVERFLOW);
	assert_int_equal(am_mpu_map(m, A, A + 16 * K4, &RW), AM_EOVERFLOW);
	unchanged(&s);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_REFCOUNT_SATURATED, 0), 2);
	assert_int_equal(am_mpu_region_get(m, 0, &r), 0);
	assert_int_equal(r.refs, AM_MPU_REFS_MAX);
	/* 256 holders in all: 255 drops keep it, the 256th removes it */
	for (unsigned int i = 0; i < AM_MPU_REFS_MAX; i++)
		assert_int_equal(am_mpu_unmap(m, A + K4, A + 2 * K4), 0);
	assert_int_equal(acc(A, PMSA_READ, true), PMSA_OK);
	assert_int_equal(am_mpu_unmap(m, A, A + 16 * K4), 0);
	check();
	assert_int_equal(acc(A, PMSA_READ, true), PMSA_FAULT_NO_REGION);
}

static void rules_refuse_attributes(void **state)
{
	static const uint8_t no_wt[AM_MT_COUNT] = {0, 1, 2, AM_MPU_NO_ATTRIDX, 4};
	struct am_mpu_config cfg = {
		.flavour = AM_MPU_V8M, .storage = F.store, .storage_len = 16, .attr_index = no_wt};
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	struct am_attr wx = RW, devx = DEV, wo = RW, xo = RX, wt = RW, bad = RW;
	struct snap s;
	(void)state;
	wx.perm |= AM_PERM_X;
	devx.perm = AM_PERM_R | AM_PERM_X;
	wo.perm = AM_PERM_W;
	xo.perm = AM_PERM_X;
	wt.mtype = AM_MT_NORMAL_WT;
	bad.sh = 1;
	snap(&s);
	assert_int_equal(am_mpu_map(m, A, A + K4, &wx), AM_EPERM);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_WRITE_EXEC, ~0ull), 1);
	assert_int_equal(am_mpu_map(m, A, A + K4, &devx), AM_EPERM);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_DEVICE_EXEC, ~0ull), 1);
	assert_int_equal(am_mpu_map(m, A, A + K4, &wo), AM_ENOTSUP);
	assert_int_equal(am_mpu_map(m, A, A + K4, &xo), AM_ENOTSUP);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_NOT_EXPRESSIBLE, AM_ATTR_DIFF_PERM), 2);
	assert_int_equal(am_mpu_map(m, A, A + K4, &bad), AM_EINVAL);
	assert_int_equal(am_mpu_map(m, A, A + K4, NULL), AM_EINVAL);
	unchanged(&s);

	/* a map whose MAIR has no write-through index */
	am_host_mpu_init(&F.h, AM_MPU_V8M, 16);
	assert_int_equal(am_mpu_init(&F.m, &cfg, &am_host_mpu_ops, &F.h), 0);
	assert_int_equal(F.h.hw.mair, 0xff00440400ull);
	snap(&s);
	assert_int_equal(am_mpu_map(&F.m, A, A + K4, &wt), AM_ENOTSUP);
	unchanged(&s);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_NOT_EXPRESSIBLE, AM_ATTR_DIFF_MTYPE), 1);
	assert_int_equal(am_mpu_map(&F.m, A, A + K4, &RW), 0);
	check();
}

static void bad_ranges_are_refused(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	struct snap s;
	(void)state;
	assert_int_equal(am_mpu_map(m, A, A + 4 * K4, &RW), 0);
	snap(&s);
	assert_int_equal(am_mpu_map(m, A + 16, A + K4, &RW), AM_EINVAL);   /* base */
	assert_int_equal(am_mpu_map(m, A, A + K4 + 8, &RW), AM_EINVAL);	   /* limit */
	assert_int_equal(am_mpu_map(m, A, A, &RW), AM_EINVAL);		   /* empty */
	assert_int_equal(am_mpu_map(m, A + K4, A, &RW), AM_EINVAL);	   /* reversed */
	assert_int_equal(am_mpu_map(m, 0xffffff00ull, 0, &RW), AM_EINVAL); /* wrapped */
	assert_int_equal(am_mpu_map(m, 0xffffff00ull, 0x100000020ull, &RW), AM_ERANGE);
	assert_int_equal(am_mpu_map(NULL, A, A + K4, &RW), AM_EINVAL);
	assert_int_equal(am_mpu_unmap(m, A + 16, A + K4), AM_EINVAL);
	assert_int_equal(am_mpu_unmap(m, A, 0x100000020ull), AM_ERANGE);
	assert_int_equal(am_mpu_unmap(NULL, A, A + K4), AM_EINVAL);
	assert_int_equal(am_mpu_modify(m, A + 16, A + K4, &RW), AM_EINVAL);
	assert_int_equal(am_mpu_modify(NULL, A, A + K4, &RW), AM_EINVAL);
	assert_int_equal(am_mpu_lookup(m, A + 16, A + K4, NULL), AM_EINVAL);
	assert_int_equal(am_mpu_lookup(m, A, 0x100000020ull, NULL), AM_ERANGE);
	assert_int_equal(am_mpu_lookup(NULL, A, A + K4, NULL), AM_EINVAL);
	assert_int_equal(am_mpu_unmap_containing(m, 0x100000000ull), AM_ERANGE);
	assert_int_equal(am_mpu_unmap_containing(NULL, A), AM_EINVAL);
	assert_int_equal(am_mpu_merge(NULL), AM_EINVAL);
	unchanged(&s);
	assert_true(am_host_mpu_logged(&F.h, AM_EV_BAD_RANGE, ~0ull) >= 6);
}

static void lookup_classifies(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	unsigned int idx = 99;
	(void)state;
	assert_int_equal(am_mpu_map(m, A, A + K4, &RW), 0);
	assert_int_equal(am_mpu_map(m, A + 4 * K4, A + 8 * K4, &RW), 1);
	assert_int_equal(am_mpu_lookup(m, A + 2 * K4, A + 3 * K4, &idx), AM_MPU_NOTFOUND);
	assert_int_equal(idx, 99);
	assert_int_equal(am_mpu_lookup(m, A + 4 * K4, A + 8 * K4, &idx), AM_MPU_FOUND);
	assert_int_equal(idx, 1);
	assert_int_equal(am_mpu_lookup(m, A + 5 * K4, A + 5 * K4 + 32, &idx), AM_MPU_INCLUSIVE);
	assert_int_equal(idx, 1);
	assert_int_equal(am_mpu_lookup(m, A + 7 * K4, A + 9 * K4, &idx), AM_MPU_OVERLAP);
	assert_int_equal(idx, 1);
	assert_int_equal(am_mpu_lookup(m, A, A + 2 * K4, &idx), AM_MPU_OVERLAP);
	assert_int_equal(idx, 0);
	assert_int_equal(am_mpu_lookup(m, A, A + K4, NULL), AM_MPU_FOUND);
	/* one granule past either end is an overlap, not an inclusion */
	assert_int_equal(am_mpu_lookup(m, A + 5 * K4, A + 8 * K4 + 32, &idx), AM_MPU_OVERLAP);
	assert_int_equal(am_mpu_lookup(m, A + 4 * K4 - 32, A + 5 * K4, &idx), AM_MPU_OVERLAP);
	assert_int_equal(am_mpu_lookup(m, A + 8 * K4 - 32, A + 8 * K4, &idx), AM_MPU_INCLUSIVE);
	check();
}

/* ----------------------------------------------------------------- unmap -- */

static void unmap_refusals_change_nothing(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	struct snap s;
	(void)state;
	assert_int_equal(am_mpu_map(m, A + 4 * K4, A + 8 * K4, &RW), 0);
	snap(&s);
	assert_int_equal(am_mpu_unmap(m, A, A + K4), AM_ENOENT);
	assert_int_equal(am_mpu_unmap(m, A + 6 * K4, A + 10 * K4), AM_EBUSY);
	assert_int_equal(am_mpu_unmap(m, A, A + 16 * K4), AM_EBUSY);
	assert_int_equal(am_mpu_unmap(m, A + 5 * K4, A + 6 * K4), AM_ENOTSUP);
	unchanged(&s);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_NOT_FOUND, ~0ull), 1);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_OVERLAP, ~0ull), 2);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_PARTIAL, ~0ull), 1);
}

static void split_unmap_carves_a_hole(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, AM_MPU_F_SPLIT);
	unsigned long syncs;
	(void)state;
	assert_int_equal(am_mpu_map(m, A, A + 12 * K4, &RO), 0);
	syncs = F.h.hw.syncs;
	assert_int_equal(am_mpu_unmap(m, A + 4 * K4, A + 8 * K4), 0);
	check(); /* the model saw no overlap between any two writes */
	assert_int_equal(F.h.hw.syncs, syncs + 1);
	assert_int_equal(am_mpu_used(m), 2);
	assert_int_equal(acc(A, PMSA_READ, true), PMSA_OK);
	assert_int_equal(acc(A + 4 * K4 - 1, PMSA_READ, true), PMSA_OK);
	assert_int_equal(acc(A + 4 * K4, PMSA_READ, true), PMSA_FAULT_NO_REGION);
	assert_int_equal(acc(A + 8 * K4 - 1, PMSA_READ, true), PMSA_FAULT_NO_REGION);
	assert_int_equal(acc(A + 8 * K4, PMSA_READ, true), PMSA_OK);
	assert_int_equal(acc(A + 12 * K4 - 1, PMSA_READ, true), PMSA_OK);
	/* both parts keep the attributes */
	assert_int_equal(acc(A + 8 * K4, PMSA_WRITE, true), PMSA_FAULT_PERM);
	assert_int_equal(acc(A, PMSA_WRITE, true), PMSA_FAULT_PERM);
	/* the parts are whole regions now */
	assert_int_equal(am_mpu_lookup(m, A, A + 4 * K4, NULL), AM_MPU_FOUND);
	assert_int_equal(am_mpu_lookup(m, A + 8 * K4, A + 12 * K4, NULL), AM_MPU_FOUND);
}

static void split_at_either_end_needs_no_region(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 1, AM_MPU_F_SPLIT);
	(void)state;
	assert_int_equal(am_mpu_map(m, A, A + 8 * K4, &RW), 0);
	assert_int_equal(am_mpu_unmap(m, A, A + 2 * K4), 0); /* bottom */
	check();
	assert_int_equal(am_mpu_unmap(m, A + 6 * K4, A + 8 * K4), 0); /* top */
	check();
	assert_int_equal(am_mpu_used(m), 1);
	assert_rw_exactly(A + 2 * K4, A + 6 * K4);
}

static void split_without_free_region_changes_nothing(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 2, AM_MPU_F_SPLIT);
	struct snap s;
	(void)state;
	assert_int_equal(am_mpu_map(m, A, A + 8 * K4, &RW), 0);
	assert_int_equal(am_mpu_map(m, A + 16 * K4, A + 17 * K4, &RW), 1);
	snap(&s);
	assert_int_equal(am_mpu_unmap(m, A + 2 * K4, A + 4 * K4), AM_ENOSPC);
	unchanged(&s);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_NO_SPACE, ~0ull), 1);
	assert_rw_exactly(A, A + 8 * K4);
}

static void split_mode_still_counts_references(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, AM_MPU_F_SPLIT);
	(void)state;
	assert_int_equal(am_mpu_map(m, A, A + 8 * K4, &RW), 0);
	assert_int_equal(am_mpu_map(m, A + 2 * K4, A + 4 * K4, &RW), 0);
	/* a holder remains: the reference goes, the region stays whole */
	assert_int_equal(am_mpu_unmap(m, A + 2 * K4, A + 4 * K4), 0);
	check();
	assert_int_equal(am_mpu_used(m), 1);
	assert_rw_exactly(A, A + 8 * K4);
}

static void unmap_containing_takes_any_inner_address(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	struct snap s;
	(void)state;
	assert_int_equal(am_mpu_map(m, A, A + K4, &RW), 0);
	assert_int_equal(am_mpu_map(m, A + 4 * K4, A + 8 * K4, &RO), 1);
	assert_int_equal(am_mpu_map(m, A + 5 * K4, A + 6 * K4, &RO), 1);
	/* unaligned, near the end */
	assert_int_equal(am_mpu_unmap_containing(m, A + 8 * K4 - 3), 1);
	check();
	assert_int_equal(acc(A + 4 * K4, PMSA_READ, true), PMSA_OK); /* reference dropped */
	assert_int_equal(am_mpu_unmap_containing(m, A + 4 * K4 + 17), 1);
	check();
	assert_int_equal(acc(A + 4 * K4, PMSA_READ, true), PMSA_FAULT_NO_REGION);
	assert_int_equal(acc(A, PMSA_READ, true), PMSA_OK);
	snap(&s);
	assert_int_equal(am_mpu_unmap_containing(m, A + 4 * K4), AM_ENOENT);
	assert_int_equal(am_mpu_unmap_containing(m, A + K4), AM_ENOENT); /* exclusive limit */
	unchanged(&s);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_NOT_FOUND, ~0ull), 2);
}

/* ---------------------------------------------------------------- modify -- */

static void modify_changes_permissions_in_place(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	unsigned long writes, syncs;
	(void)state;
	assert_int_equal(am_mpu_map(m, A, A + 4 * K4, &RW), 0);
	assert_int_equal(am_mpu_modify(m, A, A + 4 * K4, &RO), 0);
	check();
	assert_int_equal(acc(A, PMSA_WRITE, true), PMSA_FAULT_PERM);
	assert_int_equal(acc(A, PMSA_READ, true), PMSA_OK);
	assert_int_equal(am_mpu_modify(m, A, A + 4 * K4, &RX), 0);
	check();
	assert_int_equal(acc(A, PMSA_EXEC, true), PMSA_OK);
	/* the same attributes again: nothing to write */
	writes = F.h.hw.writes;
	syncs = F.h.hw.syncs;
	assert_int_equal(am_mpu_modify(m, A, A + 4 * K4, &RX), 0);
	assert_int_equal(F.h.hw.writes, writes);
	assert_int_equal(F.h.hw.syncs, syncs);
}

static void modify_refusals_change_nothing(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	struct am_attr nc = RW, wx = RW, osh = RW;
	struct snap s;
	(void)state;
	nc.mtype = AM_MT_NORMAL_NC;
	osh.sh = AM_SH_OUTER;
	wx.perm |= AM_PERM_X;
	assert_int_equal(am_mpu_map(m, A, A + 4 * K4, &RW), 0);
	assert_int_equal(am_mpu_map(m, A + 8 * K4, A + 12 * K4, &RW), 1);
	assert_int_equal(am_mpu_map(m, A + 9 * K4, A + 10 * K4, &RW), 1); /* held */
	snap(&s);
	assert_int_equal(am_mpu_modify(m, A, A + 4 * K4, &nc), AM_EPERM);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_TYPE_CHANGE, AM_ATTR_DIFF_MTYPE), 1);
	assert_int_equal(F.h.nlog, 1);
	assert_int_equal(am_mpu_modify(m, A, A + 4 * K4, &osh), AM_EPERM);
	assert_int_equal(am_mpu_modify(m, A, A + 4 * K4, &wx), AM_EPERM);
	assert_int_equal(am_mpu_modify(m, A, A + 2 * K4, &RO), AM_ENOTSUP);
	assert_int_equal(am_mpu_modify(m, A + 4 * K4, A + 5 * K4, &RO), AM_ENOENT);
	assert_int_equal(am_mpu_modify(m, A + 2 * K4, A + 6 * K4, &RO), AM_EBUSY);
	assert_int_equal(am_mpu_modify(m, A + 8 * K4, A + 12 * K4, &RO), AM_EBUSY);
	assert_int_equal(am_host_mpu_logged(&F.h, AM_EV_REFERENCED, 1), 1);
	unchanged(&s);
	assert_int_equal(acc(A + 9 * K4, PMSA_WRITE, true), PMSA_OK);
}

/* ----------------------------------------------------------------- merge -- */

static void merge_coalesces_identical_neighbours(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	struct am_mpu_region r;
	(void)state;
	/* higher index at the lower address, to exercise both directions */
	assert_int_equal(am_mpu_map(m, A + 8 * K4, A + 12 * K4, &RW), 0);
	assert_int_equal(am_mpu_map(m, A + 4 * K4, A + 8 * K4, &RW), 1);
	assert_int_equal(am_mpu_map(m, A, A + 4 * K4, &RW), 2);
	assert_int_equal(am_mpu_map(m, A + 12 * K4, A + 16 * K4, &RO), 3); /* other attrs */
	assert_int_equal(am_mpu_map(m, A + 16 * K4, A + 20 * K4, &RO), 4);
	assert_int_equal(am_mpu_map(m, A + 17 * K4, A + 18 * K4, &RO), 4); /* held */
	assert_int_equal(am_mpu_map(m, A + 32 * K4, A + 33 * K4, &RW), 5); /* not adjacent */
	assert_int_equal(am_mpu_merge(m), 2);
	check();
	assert_int_equal(am_mpu_used(m), 4);
	assert_int_equal(am_mpu_region_get(m, 0, &r), 0);
	assert_int_equal(r.base, A);
	assert_int_equal(r.limit, A + 12 * K4);
	assert_int_equal(acc(A - 1, PMSA_READ, true), PMSA_FAULT_NO_REGION);
	assert_int_equal(acc(A + 6 * K4, PMSA_WRITE, true), PMSA_OK);
	assert_int_equal(hit(A + 12 * K4 - 1), 0);
	assert_int_equal(hit(A), 0);
	assert_int_equal(hit(A + 12 * K4), 3);
	assert_int_equal(hit(A + 16 * K4), 4);
	/* nothing left to merge */
	assert_int_equal(am_mpu_merge(m), 0);
	check();
	/* the freed regions are usable again */
	assert_int_equal(am_mpu_map(m, A + 40 * K4, A + 41 * K4, &RW), 1);
	check();
}

/* ------------------------------------------------------------------ vmap -- */

static void vmap_is_identity_and_vunmap_undoes_it(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8R_AARCH64, 16, 0);
	void *va = NULL;
	(void)state;
	assert_int_equal(am_mpu_vmap_contig(m, A, 3, NULL, &va), 0);
	assert_true((uintptr_t)va == A);
	check();
	assert_rw_exactly(A, A + 3 * K4);
	assert_int_equal(am_mpu_vmap_contig(m, A + K4, 1, &RW, &va), 0); /* reference */
	assert_int_equal(am_mpu_used(m), 1);
	assert_int_equal(am_mpu_vunmap(m, va), 0);
	assert_rw_exactly(A, A + 3 * K4);
	assert_int_equal(am_mpu_vunmap(m, (void *)(uintptr_t)A), 0);
	check();
	assert_int_equal(acc(A, PMSA_READ, true), PMSA_FAULT_NO_REGION);
	assert_int_equal(am_mpu_vunmap(m, (void *)(uintptr_t)A), AM_ENOENT);
	assert_int_equal(am_mpu_vmap_contig(m, A, 1, &RX, &va), 0);
	assert_int_equal(acc(A, PMSA_EXEC, true), PMSA_OK);
}

static void vmap_refuses_bad_input(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8R_AARCH64, 16, 0);
	void *va = (void *)0x1;
	struct am_attr wx = RW;
	struct snap s;
	(void)state;
	wx.perm |= AM_PERM_X;
	assert_int_equal(am_mpu_map(m, A, A + K4, &RW), 0);
	snap(&s);
	assert_int_equal(am_mpu_vmap_contig(m, A, 0, NULL, &va), AM_EINVAL);
	assert_int_equal(am_mpu_vmap_contig(m, A + 64, 1, NULL, &va), AM_EINVAL);
	assert_int_equal(am_mpu_vmap_contig(m, A, 1, NULL, NULL), AM_EINVAL);
	assert_int_equal(am_mpu_vmap_contig(NULL, A, 1, NULL, &va), AM_EINVAL);
	assert_int_equal(am_mpu_vmap_contig(m, 0xfffffffffffff000ull, 2, NULL, &va), AM_EOVERFLOW);
	assert_int_equal(am_mpu_vmap_contig(m, 0xfffffffffffff000ull, 1, NULL, &va), AM_EOVERFLOW);
	assert_int_equal(am_mpu_vmap_contig(m, K4, SIZE_MAX, NULL, &va), AM_EOVERFLOW);
	assert_int_equal(am_mpu_vmap_contig(m, 0xfffffffff000ull, 2, NULL, &va), AM_ERANGE);
	assert_int_equal(am_mpu_vmap_contig(m, A, 1, &wx, &va), AM_EPERM);
	assert_int_equal(am_mpu_vmap_contig(m, A, 1, &RO, &va), AM_EEXIST);
	unchanged(&s);
	assert_true(va == (void *)0x1); /* untouched on failure */
}

/* ------------------------------------------------------------------ boot -- */

static const struct am_mpu_boot_region boot_tbl[] = {
	{0x10000000, 0x10008000, AM_ATTR_RX_TEXT},
	{0x10008000, 0x1000a000, AM_ATTR_RO_DATA},
	{0x38000000, 0x38010000, AM_ATTR_RW_DATA},
	{0x40200000, 0x40201000, AM_ATTR_DEVICE},
};

static void boot_programs_the_static_table(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	unsigned long syncs;
	(void)state;
	/* something mapped before boot is replaced */
	assert_int_equal(am_mpu_map(m, A, A + K4, &RW), 0);
	assert_int_equal(am_mpu_map(m, A + 2 * K4, A + 3 * K4, &RW), 1);
	assert_int_equal(am_mpu_map(m, A + 4 * K4, A + 5 * K4, &RW), 2);
	assert_int_equal(am_mpu_map(m, A + 6 * K4, A + 7 * K4, &RW), 3);
	assert_int_equal(am_mpu_map(m, A + 8 * K4, A + 9 * K4, &RW), 4);
	syncs = F.h.hw.syncs;
	assert_int_equal(am_mpu_boot(m, boot_tbl, 4), 0);
	check();
	assert_int_equal(F.h.hw.syncs, syncs + 1);
	assert_int_equal(am_mpu_used(m), 4);
	for (unsigned int i = 0; i < 16; i++) {
		uint64_t rbar, rlar;

		assert_int_equal(am_mpu_region_regs(m, i, &rbar, &rlar), 0);
		assert_int_equal(F.h.hw.rbar[i], rbar); /* identical, enabled or not */
		assert_int_equal(F.h.hw.rlar[i], rlar);
	}
	assert_int_equal(acc(A, PMSA_READ, true), PMSA_FAULT_NO_REGION);
	assert_int_equal(acc(A + 8 * K4, PMSA_READ, true), PMSA_FAULT_NO_REGION);
	assert_int_equal(hit(0x10000000), 0);
	assert_int_equal(acc(0x10000000, PMSA_EXEC, true), PMSA_OK);
	assert_int_equal(acc(0x10008000, PMSA_EXEC, true), PMSA_FAULT_PERM);
	assert_int_equal(acc(0x10009ffc, PMSA_WRITE, true), PMSA_FAULT_PERM);
	assert_int_equal(acc(0x3800fffc, PMSA_WRITE, true), PMSA_OK);
	assert_int_equal(pmsa_access(&F.h.hw, 0x40200000, PMSA_WRITE, true).mtype,
			 PMSA_MT_DEVICE_nGnRE);
	/* and the map goes on from there */
	assert_int_equal(am_mpu_map(m, A, A + K4, &RW), 4);
	check();
}

static void boot_refusals_change_nothing(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 3, 0);
	struct am_mpu_boot_region bad[2] = {boot_tbl[0], boot_tbl[1]};
	struct snap s;
	(void)state;
	assert_int_equal(am_mpu_map(m, A, A + K4, &RW), 0);
	snap(&s);
	assert_int_equal(am_mpu_boot(m, boot_tbl, 4), AM_ENOSPC);
	bad[1].base = 0x10004000; /* overlaps entry 0 */
	assert_int_equal(am_mpu_boot(m, bad, 2), AM_EBUSY);
	bad[1] = boot_tbl[1];
	bad[1].attr.perm |= AM_PERM_W | AM_PERM_X;
	assert_int_equal(am_mpu_boot(m, bad, 2), AM_EPERM);
	bad[1] = boot_tbl[1];
	bad[1].limit += 4;
	assert_int_equal(am_mpu_boot(m, bad, 2), AM_EINVAL);
	assert_int_equal(am_mpu_boot(m, NULL, 2), AM_EINVAL);
	assert_int_equal(am_mpu_boot(NULL, boot_tbl, 2), AM_EINVAL);
	unchanged(&s);
	/* an empty table disables everything */
	assert_int_equal(am_mpu_boot(m, NULL, 0), 0);
	check();
	assert_int_equal(am_mpu_used(m), 0);
	assert_int_equal(pmsa_enabled_count(&F.h.hw), 0);
}

/* --------------------------------------------------------- 255 regions -- */

static void every_index_0_to_254_enables_and_disables(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8R_AARCH64, 255, 0);
	(void)state;
	for (unsigned int i = 0; i < 255; i++)
		assert_int_equal(am_mpu_map(m, A + 2 * i * K4, A + (2 * i + 1) * K4, &RW), (int)i);
	check();
	assert_int_equal(pmsa_enabled_count(&F.h.hw), 255);
	for (unsigned int i = 0; i < 255; i++)
		assert_int_equal(hit(A + 2 * i * K4), (int)i);
	assert_int_equal(am_mpu_map(m, A + 600 * K4, A + 601 * K4, &RW), AM_ENOSPC);
	/* remove from both ends towards the middle */
	for (unsigned int k = 0; k < 255; k++) {
		unsigned int i = k % 2 ? 254 - k / 2 : k / 2;

		assert_int_equal(am_mpu_unmap(m, A + 2 * i * K4, A + (2 * i + 1) * K4), 0);
		assert_int_equal(F.h.hw.rlar[i] & 1, 0);
		assert_int_equal(acc(A + 2 * i * K4, PMSA_READ, true), PMSA_FAULT_NO_REGION);
	}
	check();
	assert_int_equal(pmsa_enabled_count(&F.h.hw), 0);
	assert_int_equal(F.h.hw.bad_writes, 0);
}

static void region_queries_refuse_bad_index(void **state)
{
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 16, 0);
	struct am_mpu_region r;
	uint64_t rbar, rlar;
	(void)state;
	assert_int_equal(am_mpu_region_get(m, 16, &r), AM_ERANGE);
	assert_int_equal(am_mpu_region_get(m, 255, &r), AM_ERANGE);
	assert_int_equal(am_mpu_region_get(m, 3, &r), AM_ENOENT);
	assert_int_equal(am_mpu_region_get(m, 0, NULL), AM_EINVAL);
	assert_int_equal(am_mpu_region_get(NULL, 0, &r), AM_EINVAL);
	assert_int_equal(am_mpu_region_regs(m, 16, &rbar, &rlar), AM_ERANGE);
	assert_int_equal(am_mpu_region_regs(m, 0, NULL, &rlar), AM_EINVAL);
	assert_int_equal(am_mpu_region_regs(m, 0, &rbar, &rlar), 0);
	assert_int_equal(rbar, 0);
	assert_int_equal(rlar, 0);
	assert_int_equal(am_mpu_used(NULL), 0);
	assert_int_equal(am_mpu_capacity(NULL), 0);
	check();
}

/* ------------------------------------------------------ random sequences -- */

/*
 * Random operations on a small window with few regions, so that every
 * outcome (new, reference, overlap, full, split, merge) happens often. After
 * each call, check() holds, and a shadow count of holders per region
 * predicts the result the model shows.
 */
static void random_operations_keep_the_rules(void **state)
{
	static const struct am_attr *attrs[] = {&RW, &RO};
	struct am_mpu_map *m = setup_map(AM_MPU_V8M, 6, AM_MPU_F_SPLIT);
	unsigned int seed = 12345, counts[8] = {0};
	(void)state;
	for (unsigned int n = 0; n < 20000; n++) {
		unsigned int op, a, b;
		am_mpu_addr_t base, limit;
		int rc;

		seed = seed * 1103515245u + 12345u;
		op = (seed >> 16) % 6;
		a = (seed >> 4) % 16;
		b = a + 1 + (seed >> 24) % 4;
		base = A + a * K4;
		limit = A + b * K4;
		switch (op) {
		case 0:
		case 1:
			rc = am_mpu_map(m, base, limit, attrs[(seed >> 8) & 1]);
			if (rc >= 0) {
				/* the whole range is now accessible, through region rc */
				assert_int_equal(hit(base), rc);
				assert_int_equal(hit(limit - 1), rc);
			} else {
				assert_true(rc == AM_EBUSY || rc == AM_EEXIST || rc == AM_ENOSPC ||
					    rc == AM_EOVERFLOW);
			}
			break;
		case 2:
			rc = am_mpu_unmap(m, base, limit);
			assert_true(rc == 0 || rc == AM_ENOENT || rc == AM_EBUSY ||
				    rc == AM_ENOSPC);
			break;
		case 3:
			rc = am_mpu_unmap_containing(m, base + 40);
			assert_true(rc >= 0 || rc == AM_ENOENT);
			break;
		case 4:
			rc = am_mpu_merge(m);
			assert_true(rc >= 0);
			break;
		default:
			rc = am_mpu_modify(m, base, limit, attrs[(seed >> 8) & 1]);
			assert_true(rc == 0 || rc == AM_ENOENT || rc == AM_EBUSY ||
				    rc == AM_ENOTSUP);
			break;
		}
		counts[rc >= 0 ? 0 : (unsigned int)(-rc) % 8]++;
		check();
		/* every region in use is reachable, and only through itself */
		for (unsigned int i = 0; i < 6; i++) {
			struct am_mpu_region r;

			if (am_mpu_region_get(m, i, &r) == 0) {
				assert_int_equal(hit(r.base), (int)i);
				assert_int_equal(hit(r.limit - 1), (int)i);
			}
		}
	}
	assert_true(counts[0] > 1000); /* plenty of successes, and refusals too */
	assert_true(counts[(unsigned int)(-AM_ENOSPC) % 8] > 0);
	assert_true(counts[(unsigned int)(-AM_EBUSY) % 8] > 0);
}

/* ------------------------------------------------------------ threads -- */

/*
 * Four threads share one 16-region map under a real mutex: each maps,
 * shares, modifies and unmaps regions of its own window, with refused
 * calls whose records go to a log hook that relies on the lock
 * (tests/unit/threads.h). At the end the model's registers equal the
 * software copy and hold exactly what each thread left.
 */
static struct am_mpu_ops TH_MPU_OPS;

static void *mpu_thread(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg;
	am_mpu_addr_t w = A + id * 0x100000ull;

	for (unsigned int i = 0; i < 400; i++) {
		am_mpu_addr_t b = w + (i % 3) * 0x10000ull;
		int r = am_mpu_map(&F.m, b, b + 0x8000, &AM_ATTR_RW_DATA);

		if (r < 0 || am_mpu_map(&F.m, b, b + 0x1000, &AM_ATTR_RW_DATA) != r ||
		    am_mpu_map(&F.m, b, b + 0x1000, &AM_ATTR_DEVICE) != AM_EEXIST ||
		    am_mpu_unmap(&F.m, b + 1, b + 0x1000) != AM_EINVAL ||
		    am_mpu_unmap(&F.m, b, b + 0x1000) ||
		    am_mpu_modify(&F.m, b, b + 0x8000, &AM_ATTR_RO_DATA) ||
		    am_mpu_unmap(&F.m, b, b + 0x8000))
			th_fail("thread %u, op %u: a call failed (map %d)", id, i, r);
	}
	if (am_mpu_map(&F.m, w, w + 0x4000, &AM_ATTR_RW_DATA) < 0)
		th_fail("thread %u: final map", id);
	return NULL;
}

static void threads_share_one_map(void **state)
{
	struct am_mpu_config cfg = {.flavour = AM_MPU_V8R_AARCH64,
				    .storage = F.store,
				    .storage_len = AM_MPU_MAX_REGIONS};

	(void)state;
	memset(&F, 0, sizeof(F));
	am_host_mpu_init(&F.h, AM_MPU_V8R_AARCH64, 16);
	TH_MPU_OPS = am_host_mpu_ops;
	TH_MPU_OPS.env = TLK_ENV;
	assert_int_equal(am_mpu_init(&F.m, &cfg, &TH_MPU_OPS, &F.h), 0);
	tlk_reset();
	run_threads(mpu_thread, 4);
	assert_int_equal(TLK.unlocked, 0);
	assert_true(TLK.nrec >= 2u * 4 * 400);
	assert_int_equal(am_mpu_used(&F.m), 4);
	for (unsigned int id = 0; id < 4; id++) {
		am_mpu_addr_t w = A + id * 0x100000ull;

		assert_int_equal(am_mpu_lookup(&F.m, w, w + 0x4000, NULL), AM_MPU_FOUND);
	}
	check();
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(init_takes_capacity_from_hardware_and_programs_mair),
		cmocka_unit_test(init_refuses_bad_configuration),
		cmocka_unit_test(init_aarch64_pa_bits),
		cmocka_unit_test(map_programs_region_the_hardware_honours),
		cmocka_unit_test(map_attributes_on_every_flavour),
		cmocka_unit_test(map_takes_lowest_free_region),
		cmocka_unit_test(map_top_of_address_space_and_48_bit),
		cmocka_unit_test(inclusive_and_exact_maps_take_references),
		cmocka_unit_test(unmap_drops_references_and_removes_whole_region_last),
		cmocka_unit_test(inclusive_region_outlives_its_creator),
		cmocka_unit_test(attribute_mismatch_is_refused_and_named),
		cmocka_unit_test(overlapping_map_is_refused),
		cmocka_unit_test(full_table_is_refused),
		cmocka_unit_test(refcount_saturates_never_wraps),
		cmocka_unit_test(rules_refuse_attributes),
		cmocka_unit_test(bad_ranges_are_refused),
		cmocka_unit_test(lookup_classifies),
		cmocka_unit_test(unmap_refusals_change_nothing),
		cmocka_unit_test(split_unmap_carves_a_hole),
		cmocka_unit_test(split_at_either_end_needs_no_region),
		cmocka_unit_test(split_without_free_region_changes_nothing),
		cmocka_unit_test(split_mode_still_counts_references),
		cmocka_unit_test(unmap_containing_takes_any_inner_address),
		cmocka_unit_test(modify_changes_permissions_in_place),
		cmocka_unit_test(modify_refusals_change_nothing),
		cmocka_unit_test(merge_coalesces_identical_neighbours),
		cmocka_unit_test(vmap_is_identity_and_vunmap_undoes_it),
		cmocka_unit_test(vmap_refuses_bad_input),
		cmocka_unit_test(boot_programs_the_static_table),
		cmocka_unit_test(boot_refusals_change_nothing),
		cmocka_unit_test(every_index_0_to_254_enables_and_disables),
		cmocka_unit_test(region_queries_refuse_bad_index),
		cmocka_unit_test(random_operations_keep_the_rules),
		cmocka_unit_test(threads_share_one_map),
	};
	AM_RUN_SUITE("unit-mpu_map", tests);
}
