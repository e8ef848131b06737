/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Suite config-reduced: the library built with a reduced configuration
 * (include/armmap/config.h): the v8-M MPU flavour only, the stage 1 EL2
 * regime only, no log strings (the Makefile's RED_DEFS, given to the
 * library and to this file alike). What is not built is refused at init
 * with AM_ENOTSUP, one record with the reason and nothing changed; what is
 * built works, checked through the models as the other unit suites do.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"

#include <armmap/armmap.h>

#include "arch/host/mpu_model.h"
#include "arch/host/pt_host.h"
#include "model/vmsa.h"
#include "tests/oracle/mpu_oracle.h"
#include "tests/oracle/pt_oracle.h"

#if AM_MPU_BUILT_MASK != 4 || AM_PT_BUILT_MASK != 1 || !defined(AM_CONFIG_NO_LOG_STRINGS)
#error "config-reduced: build with -DAM_CONFIG_MPU_V8M -DAM_CONFIG_PT_S1_EL2 -DAM_CONFIG_NO_LOG_STRINGS"
#endif

static const struct am_attr RW = AM_ATTR_RW_DATA;
static const struct am_attr RO = AM_ATTR_RO_DATA;
static const struct am_attr RX = AM_ATTR_RX_TEXT;

/* The fallback hook's records (calls that take no object). */
static struct am_log_rec FB[8];
static unsigned int NFB;

static void fb_log(void *ctx, const struct am_log_rec *rec)
{
	(void)ctx;
	if (NFB < 8)
		FB[NFB] = *rec;
	NFB++;
}

static int fb_setup(void **state)
{
	(void)state;
	NFB = 0;
	am_log_set_fallback(fb_log, NULL);
	return 0;
}

static int fb_teardown(void **state)
{
	(void)state;
	am_log_set_fallback(NULL, NULL);
	return 0;
}

/* ------------------------------------------------------------------ MPU -- */

static struct am_host_mpu MH;
static struct am_mpu_region STORE[16];
static struct am_mpu_map M;

static void mpu_check(void)
{
	char why[256];

	if (!oracle_mpu_check(&MH, &M, why, sizeof(why)))
		fail_msg("%s", why);
}

static void mpu_flavours_not_built_are_refused(void **state)
{
	static const enum am_mpu_flavour off[] = {AM_MPU_V8R_AARCH64, AM_MPU_V8R_AARCH32};
	uint64_t rbar = 0x1234, rlar = 0x5678;
	struct am_mpu_fields fl = {.base = 0x1000, .limit = 0x2000, .sh = 3, .en = 1};
	(void)state;

	for (unsigned int i = 0; i < 2; i++) {
		struct am_mpu_config cfg = {.flavour = off[i], .storage = STORE, .storage_len = 16};

		am_host_mpu_init(&MH, AM_MPU_V8M, 16);
		memset(&M, 0xa5, sizeof(M));
		memset(STORE, 0x5a, sizeof(STORE));
		assert_int_equal(am_mpu_init(&M, &cfg, &am_host_mpu_ops, &MH), AM_ENOTSUP);
		/* one record with the reason, no text in this build */
		assert_int_equal(MH.nlog_total, 1);
		assert_int_equal(MH.log[0].level, AM_LOG_ERR);
		assert_int_equal(MH.log[0].event, AM_EV_BAD_CONFIG);
		assert_null(MH.log[0].msg);
		assert_int_equal(MH.log[0].arg[0], off[i]);
		assert_int_equal(MH.log[0].arg[1], AM_MPU_BUILT_MASK);
		/* nothing changed: no register, no MAIR, no storage; the map refuses calls */
		assert_int_equal(MH.hw.writes, 0);
		assert_int_equal(MH.mair_writes, 0);
		for (size_t b = 0; b < sizeof(STORE); b++)
			assert_int_equal(((const uint8_t *)STORE)[b], 0x5a);
		assert_int_equal(am_mpu_map(&M, 0x1000, 0x2000, &RW), AM_EINVAL);
		assert_int_equal(am_mpu_capacity(&M), 0);

		/* the calls that take a flavour refuse it too, one record each */
		NFB = 0;
		assert_int_equal(am_mpu_encode(off[i], &fl, &rbar, &rlar), AM_ENOTSUP);
		assert_int_equal(rbar, 0x1234);
		assert_int_equal(rlar, 0x5678);
		assert_int_equal(am_mpu_decode(off[i], 0, 0, &fl), AM_ENOTSUP);
		assert_int_equal(fl.base, 0x1000);
		assert_int_equal(am_mpu_granule(off[i]), 0);
		assert_int_equal(am_mpu_addr_bits(off[i]), 0);
		assert_int_equal(NFB, 4);
		assert_int_equal(FB[0].event, AM_EV_BAD_ARG);
		assert_null(FB[0].msg);
	}
	/* an unknown flavour is still malformed, not "not built" */
	NFB = 0;
	assert_int_equal(am_mpu_encode(AM_MPU_FLAVOUR_COUNT, &fl, &rbar, &rlar), AM_EINVAL);
	assert_int_equal(NFB, 1);
}

static void mpu_v8m_works(void **state)
{
	struct am_mpu_config cfg = {.flavour = AM_MPU_V8M,
				    .storage = STORE,
				    .storage_len = 16,
				    .flags = AM_MPU_F_SPLIT};
	static const struct am_mpu_boot_region boot[] = {
		{0x10000000, 0x10010000, AM_ATTR_RX_TEXT},
		{0x38000000, 0x38010000, AM_ATTR_RW_DATA},
	};
	struct am_mpu_fields fl = {
		.base = 0x1000, .limit = 0x2000, .sh = 3, .attr_idx = 4, .en = 1};
	struct am_mpu_fields back;
	uint64_t rbar, rlar;
	(void)state;

	assert_int_equal(am_mpu_granule(AM_MPU_V8M), 32);
	assert_int_equal(am_mpu_addr_bits(AM_MPU_V8M), 32);
	assert_int_equal(am_mpu_encode(AM_MPU_V8M, &fl, &rbar, &rlar), 0);
	assert_int_equal(rbar, 0x1000 | 3 << 3 | 0);
	assert_int_equal(rlar, 0x1fe0 | 4 << 1 | 1);
	assert_int_equal(am_mpu_decode(AM_MPU_V8M, rbar, rlar, &back), 0);
	assert_int_equal(back.base, fl.base);
	assert_int_equal(back.limit, fl.limit);
	assert_int_equal(NFB, 0);

	am_host_mpu_init(&MH, AM_MPU_V8M, 8);
	memset(STORE, 0xa5, sizeof(STORE));
	assert_int_equal(am_mpu_init(&M, &cfg, &am_host_mpu_ops, &MH), 0);
	assert_int_equal(am_mpu_capacity(&M), 8);
	assert_int_equal(MH.hw.mair, 0xffbb440400ull);
	mpu_check();
	assert_int_equal(am_mpu_boot(&M, boot, 2), 0);
	mpu_check();
	assert_int_equal(pmsa_access(&MH.hw, 0x10000100, PMSA_EXEC, true).fault, PMSA_OK);
	assert_int_equal(pmsa_access(&MH.hw, 0x10000100, PMSA_WRITE, true).fault, PMSA_FAULT_PERM);
	assert_int_equal(am_mpu_map(&M, 0x38100000, 0x38104000, &RW), 2);
	mpu_check();
	assert_int_equal(pmsa_access(&MH.hw, 0x38103ffc, PMSA_WRITE, true).fault, PMSA_OK);
	assert_int_equal(pmsa_access(&MH.hw, 0x38104000, PMSA_READ, true).fault,
			 PMSA_FAULT_NO_REGION);
	assert_int_equal(am_mpu_modify(&M, 0x38100000, 0x38104000, &RO), 0);
	mpu_check();
	assert_int_equal(pmsa_access(&MH.hw, 0x38100000, PMSA_WRITE, true).fault, PMSA_FAULT_PERM);
	/* a split unmap: the hole faults, both sides stay */
	assert_int_equal(am_mpu_unmap(&M, 0x38101000, 0x38102000), 0);
	mpu_check();
	assert_int_equal(pmsa_access(&MH.hw, 0x38101000, PMSA_READ, true).fault,
			 PMSA_FAULT_NO_REGION);
	assert_int_equal(pmsa_access(&MH.hw, 0x38100000, PMSA_READ, true).fault, PMSA_OK);
	assert_int_equal(pmsa_access(&MH.hw, 0x38102000, PMSA_READ, true).fault, PMSA_OK);
	assert_int_equal(am_mpu_used(&M), 4);

	/* a refusal: one record, no text, nothing changed */
	MH.nlog_total = 0;
	MH.nlog = 0;
	assert_int_equal(am_mpu_map(&M, 0x38100000, 0x38101000, &RX), AM_EEXIST);
	assert_int_equal(MH.nlog_total, 1);
	assert_int_equal(MH.log[0].event, AM_EV_ATTR_MISMATCH);
	assert_null(MH.log[0].msg);
	mpu_check();
}

/* ------------------------------------------------------------------- PT -- */

static struct am_host_pt PH;
static struct am_pt PT;

static int pt_teardown(void **state)
{
	if (PT.ready)
		am_pt_destroy(&PT);
	memset(&PT, 0, sizeof(PT));
	am_host_pt_fini(&PH);
	return fb_teardown(state);
}

static void pt_regimes_not_built_are_refused(void **state)
{
	static const enum am_pt_regime off[] = {AM_PT_S1_EL10, AM_PT_S2};
	struct am_pt_desc d = {.type = AM_PT_PAGE, .oa = 0x1000, .attr = AM_ATTR_RW_DATA, .af = 1};
	am_pte_t pte = 0x77;
	(void)state;

	for (unsigned int i = 0; i < 2; i++) {
		struct am_pt_config cfg = {.regime = off[i], .ia_bits = 39};

		am_host_pt_fini(&PH);
		assert_int_equal(am_host_pt_init(&PH, 64), 0);
		memset(&PT, 0x5a, sizeof(PT));
		assert_int_equal(am_pt_init(&PT, &cfg, &am_host_pt_ops, &PH), AM_ENOTSUP);
		assert_int_equal(PH.nlog_total, 1);
		assert_int_equal(PH.log[0].level, AM_LOG_ERR);
		assert_int_equal(PH.log[0].event, AM_EV_BAD_CONFIG);
		assert_null(PH.log[0].msg);
		assert_int_equal(PH.log[0].arg[0], off[i]);
		assert_int_equal(PH.log[0].arg[1], AM_PT_BUILT_MASK);
		/* nothing allocated, no TLB maintenance; the table refuses calls */
		assert_int_equal(PH.allocs, 0);
		assert_int_equal(PH.in_use, 0);
		assert_int_equal(PH.tlbi + PH.tlbi_all, 0);
		assert_int_equal(am_pt_map(&PT, am_va(0), am_pa(0), 0x1000, &RW, 0), AM_EINVAL);

		NFB = 0;
		assert_int_equal(am_pt_desc_encode(off[i], 3, &d, NULL, &pte), AM_ENOTSUP);
		assert_int_equal(pte, 0x77);
		assert_int_equal(am_pt_desc_decode(off[i], 3, 0x403, NULL, &d), AM_ENOTSUP);
		assert_int_equal(am_pa_val(d.oa), 0x1000);
		assert_int_equal(NFB, 2);
		assert_int_equal(FB[0].event, AM_EV_BAD_ARG);
		assert_null(FB[0].msg);
	}
	memset(&PT, 0, sizeof(PT));
}

/* Built with the 4 KiB granule only: the others are refused like a regime not built. */
static void pt_granules_not_built_are_refused(void **state)
{
	static const unsigned int off[] = {AM_PT_GRANULE_16K, AM_PT_GRANULE_64K};
	(void)state;

	assert_int_equal(AM_PT_GRANULES_BUILT, 1);
	for (unsigned int i = 0; i < 2; i++) {
		struct am_pt_config cfg = {.regime = AM_PT_S1_EL2, .ia_bits = 39, .granule = off[i]};

		am_host_pt_fini(&PH);
		assert_int_equal(am_host_pt_init_g(&PH, 16, off[i]), 0);
		memset(&PT, 0x5a, sizeof(PT));
		assert_int_equal(am_pt_init(&PT, &cfg, &am_host_pt_ops, &PH), AM_ENOTSUP);
		assert_int_equal(PH.nlog_total, 1);
		assert_int_equal(PH.log[0].event, AM_EV_BAD_CONFIG);
		assert_null(PH.log[0].msg);
		assert_int_equal(PH.log[0].arg[0], off[i]);
		assert_int_equal(PH.log[0].arg[1], AM_PT_GRANULES_BUILT);
		assert_int_equal(PH.allocs, 0);
		assert_int_equal(am_pt_map(&PT, am_va(0), am_pa(0), off[i], &RW, 0), AM_EINVAL);
	}
	memset(&PT, 0, sizeof(PT));
}

static void pt_s1_el2_works(void **state)
{
	struct am_pt_config cfg = {.regime = AM_PT_S1_EL2, .ia_bits = 39};
	struct vmsa_cfg vc;
	struct vmsa_result r;
	char why[256];
	(void)state;

	am_host_pt_fini(&PH);
	assert_int_equal(am_host_pt_init(&PH, 256), 0);
	assert_int_equal(am_pt_init(&PT, &cfg, &am_host_pt_ops, &PH), 0);
	vc = (struct vmsa_cfg){.regime = AM_PT_S1_EL2,
			       .ia_bits = 39,
			       .oa_bits = 48,
			       .root_pa = am_pa_val(PT.root_pa),
			       .mair = am_pt_mair(&PT)};
	am_host_pt_tlb(&PH, AM_PT_S1_EL2, 39, 48, am_pa_val(PT.root_pa), vc.mair, 0);
	assert_int_equal(am_pt_tcr(&PT) & 0x3f, 64 - 39);

	assert_int_equal(
		am_pt_map(&PT, am_va(0x40000000), am_pa(0x80000000), 0x400000, &RW, AM_PT_F_BLOCK),
		0);
	assert_int_equal(am_pt_map(&PT, am_va(0x9000000), am_pa(0x9000000), 0x1000, &RX, 0), 0);
	if (!oracle_pt_check(&PH, &PT, why, sizeof(why)))
		fail_msg("%s", why);
	vmsa_access(&vc, am_host_pt_read, &PH, 0x40201234, VMSA_ACC_R | VMSA_ACC_W, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.pa, 0x80201234);
	assert_int_equal(r.level, 2);
	vmsa_access(&vc, am_host_pt_read, &PH, 0x9000010, VMSA_ACC_X, &r);
	assert_int_equal(r.fault, VMSA_OK);
	vmsa_access(&vc, am_host_pt_read, &PH, 0x9000010, VMSA_ACC_W, &r);
	assert_int_equal(r.fault, VMSA_F_PERMISSION);

	/* break a block to make one page read-only, then unmap */
	assert_int_equal(am_pt_modify(&PT, am_va(0x40201000), 0x1000, &RO, 0), 0);
	if (!oracle_pt_check(&PH, &PT, why, sizeof(why)))
		fail_msg("%s", why);
	vmsa_access(&vc, am_host_pt_read, &PH, 0x40201000, VMSA_ACC_W, &r);
	assert_int_equal(r.fault, VMSA_F_PERMISSION);
	vmsa_access(&vc, am_host_pt_read, &PH, 0x40202000, VMSA_ACC_W, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(am_pt_unmap(&PT, am_va(0x40000000), 0x400000), 0);
	if (!oracle_pt_check(&PH, &PT, why, sizeof(why)))
		fail_msg("%s", why);
	vmsa_access(&vc, am_host_pt_read, &PH, 0x40201000, VMSA_ACC_R, &r);
	assert_int_equal(r.fault, VMSA_F_TRANSLATION);
	am_host_pt_tlb_flush(&PH);
}

/* ---------------------------------------------------------------- core -- */

static void strerror_kept(void **state)
{
	(void)state;
	assert_string_equal(am_strerror(AM_ENOTSUP), "not supported");
	assert_string_equal(am_strerror(AM_OK), "success");
	assert_string_equal(am_strerror(AM_EILSEQ), "maps another frame than expected");
	assert_string_equal(am_strerror(-1000), "unknown error");
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(mpu_flavours_not_built_are_refused, fb_setup,
						fb_teardown),
		cmocka_unit_test_setup_teardown(mpu_v8m_works, fb_setup, fb_teardown),
		cmocka_unit_test_setup_teardown(pt_regimes_not_built_are_refused, fb_setup,
						pt_teardown),
		cmocka_unit_test_setup_teardown(pt_granules_not_built_are_refused, fb_setup,
						pt_teardown),
		cmocka_unit_test_setup_teardown(pt_s1_el2_works, fb_setup, pt_teardown),
		cmocka_unit_test(strerror_kept),
	};

	AM_RUN_SUITE("config-reduced", tests);
}
