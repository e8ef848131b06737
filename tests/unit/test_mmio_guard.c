/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Suite unit-mmio_guard: the lazy MMIO guard, guest tracker and hypervisor
 * side, checked through the models.
 *
 * The tracker's stage-1 table lives in the host backend's page pool
 * (arch/host/pt_host); its hypercalls go through a logging transport to the
 * MMIO-guard hypervisor model (model/mmio_hyp), or to the library's own
 * hypervisor side for the differential tests. After every call check()
 * asserts what the hardware and the hypervisor would show: the lock was
 * released, the TLB model saw no break-before-make violation and holds
 * nothing stale, every TLBI was completed; and for every page of every
 * tracked device: a valid leaf is a guarded one (AM_MMIO_SW_GUARDED, and the
 * hypervisor has its granule), a parked one is lazy (AM_MMIO_SW_LAZY) and
 * faults in the walker model, a valid one translates as Device-nGnRE. A
 * refused call must leave every table page byte for byte, the tracker's
 * lists and the hypervisor as they were, and make no hypercall. The
 * hypervisor's guarded set must be what the tracker believes: the granules
 * of its valid guarded pages and those it remembers guarded, as many as it
 * counts.
 *
 * These checks, the transport and the differential check of the two
 * hypervisors are the MMIO-guard oracle (tests/oracle/mmio_oracle.c), which
 * the fuzzers (tests/fuzz/fuzz_mmio_guard.c, fuzz_mmio_hyp.c) call as well.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"

#include <armmap/errors.h>
#include <armmap/mmio_guard.h>
#include <armmap/pt.h>

#include "arch/host/pt_host.h"
#include "model/mmio_hyp.h"
#include "model/tlb.h"
#include "model/vmsa.h"
#include "tests/oracle/mmio_oracle.h"

#define K4 0x1000ull
#define K16 0x4000ull
#define K64 0x10000ull
#define M2 0x200000ull
#define G1 0x40000000ull
#define POOL_PAGES 256u

/* The tracked space and what lives in it (VA == IPA == PA). */
#define LO 0x08000000ull
#define HI 0x100000000ull
#define UART 0x09000000ull    /* one page */
#define RTC 0x09010000ull     /* four pages */
#define WIN 0x10000000ull     /* a 4 MiB device window, 2 MiB aligned */
#define FAR_DEV 0xc0000000ull /* alone in its 1 GiB: mapping it needs tables */
#define RAM0 0x40000000ull    /* 8 MiB RAM */

#define MAX_DEV 32u
#define MAX_SLOTS 64u

static const struct am_attr DEV = AM_ATTR_DEVICE;
static const struct am_attr RW = AM_ATTR_RW_DATA;

struct opts {
	enum mmioh_abi abi;
	uint64_t granule;
	uint64_t page; /* the guest table's granule; 0: 4 KiB */
	bool src; /* the library's hypervisor side instead of the model */
	unsigned int ram_cap, mmio_cap, slots;
};

/* One guest: its table, its tracker, its hypervisor, the oracle watching them. */
struct env {
	struct am_host_pt h;
	struct am_pt pt;
	bool pt_live;
	struct am_mmio_tracker t;
	struct am_mmio_tracker_config cfg;
	struct am_mem_region ram[16], mmio[16];
	struct mmioh m;
	struct am_mmio_hyp hyp;
	uint64_t slots[MAX_SLOTS];
	struct oracle_mmio_ram rh; /* guest RAM as the src side's is_ram sees it */
	struct oracle_mmio_xport x;
	struct oracle_mmio o; /* the devices tracked, as the test knows them */
};

static struct env E0, E1;

static const struct opts OPT_ANDROID = {MMIOH_ABI_ANDROID, K4, 0, false, 4, 8, MAX_SLOTS};

/* -------------------------------------------------------- transport -- */

/* Calls of @fid among the logged calls from @from on. */
static unsigned long calls_of(const struct env *e, uint32_t fid, unsigned long from)
{
	return oracle_mmio_xcalls_of(&e->x, fid, from);
}

/* -------------------------------------------------------------- setup -- */

static void env_table(struct env *e, uint64_t page)
{
	struct am_pt_config pc = {.regime = AM_PT_S1_EL2, .ia_bits = 39, .granule = (unsigned int)page};

	am_host_pt_fini(&e->h);
	memset(e, 0, sizeof(*e));
	assert_int_equal(am_host_pt_init_g(&e->h, POOL_PAGES, page ? page : 4096u), 0);
	assert_int_equal(am_pt_init(&e->pt, &pc, &am_host_pt_ops, &e->h), 0);
	e->pt_live = true;
	oracle_mmio_attach(&e->o, &e->h, &e->pt, 39, &e->t, &e->x, 0);
}

static const struct am_mmio_abi *abi_of(enum mmioh_abi a)
{
	return a == MMIOH_ABI_ANDROID ? &am_mmio_abi_android : &am_mmio_abi_upstream;
}

/* The hypervisor; the model is set up even for src (its granule is used). */
static void env_hyp(struct env *e, const struct opts *o)
{
	assert_int_equal(mmioh_init(&e->m, o->abi, o->granule, o->slots), 0);
	e->x.m = &e->m;
	e->x.h = NULL;
	/* every UNMAP: no page of its granule may still be in the TLB model */
	e->x.tlb = &e->h.tlb;
	e->x.granule = o->granule;
	e->o.granule = o->granule;
	e->rh.granule = o->granule;
	if (o->src) {
		struct am_mmio_hyp_config hc = {.abi = abi_of(o->abi),
						.granule = o->granule,
						.slots = e->slots,
						.nr_slots = o->slots,
						.is_ram = oracle_mmio_is_ram,
						.ctx = &e->rh};

		assert_int_equal(am_mmio_hyp_init(&e->hyp, &hc), 0);
		e->x.m = NULL;
		e->x.h = &e->hyp;
	}
}

static void env_cfg(struct env *e, const struct opts *o)
{
	e->cfg = (struct am_mmio_tracker_config){.pt = &e->pt,
						 .lo = am_va(LO),
						 .hi = am_va(HI),
						 .ram = e->ram,
						 .ram_cap = o->ram_cap,
						 .mmio = e->mmio,
						 .mmio_cap = o->mmio_cap,
						 .abi = abi_of(o->abi),
						 .hyp = {oracle_mmio_xcall, &e->x}};
}

static struct env *setup_env(struct env *e, const struct opts *o)
{
	env_table(e, o->page);
	env_hyp(e, o);
	env_cfg(e, o);
	assert_int_equal(am_mmio_tracker_init(&e->t, &e->cfg), 0);
	return e;
}

static struct env *setup(const struct opts *o)
{
	return setup_env(&E0, o);
}

static struct env *setup_g(enum mmioh_abi abi, uint64_t granule)
{
	struct opts o = OPT_ANDROID;

	o.abi = abi;
	o.granule = granule;
	return setup(&o);
}

static void env_fini(struct env *e)
{
	if (e->pt_live) {
		e->h.tlb_on = false;
		am_pt_destroy(&e->pt);
	}
	e->pt_live = false;
	am_host_pt_fini(&e->h);
}

static int teardown(void **state)
{
	(void)state;
	env_fini(&E0);
	env_fini(&E1);
	return 0;
}

/* ------------------------------------------------------- the hardware -- */

static struct vmsa_result xlate(struct env *e, uint64_t va, unsigned int acc)
{
	struct vmsa_result r;

	vmsa_access(&e->o.vc, am_host_pt_read, &e->h, va, acc, &r);
	return r;
}

static void expect_map(struct env *e, uint64_t va, unsigned int acc)
{
	struct vmsa_result r = xlate(e, va, acc);

	if (r.fault != VMSA_OK)
		fail_msg("va %#llx: %s at level %u", (unsigned long long)va,
			 vmsa_fault_name(r.fault), r.level);
	assert_int_equal(r.pa, va);
}

static void expect_fault(struct env *e, uint64_t va, unsigned int acc, enum vmsa_fault f)
{
	struct vmsa_result r = xlate(e, va, acc);

	if (r.fault != f)
		fail_msg("va %#llx: %s, expected %s", (unsigned long long)va,
			 vmsa_fault_name(r.fault), vmsa_fault_name(f));
}

static char WHY[384]; /* why the oracle said no */

/* The oracle's verdict, as a test failure. */
static void ok(bool good)
{
	if (!good)
		fail_msg("%s", WHY);
}

static struct oracle_mmio_page page(struct env *e, uint64_t va)
{
	struct oracle_mmio_page p;

	ok(oracle_mmio_page(&e->o, va, &p, WHY, sizeof(WHY)));
	return p;
}

/* What the hardware sees, and what the rules demand, after a call (the oracle). */
static void check(struct env *e)
{
	ok(oracle_mmio_check(&e->o, WHY, sizeof(WHY)));
	assert_int_equal(e->x.unmap_stale, 0);
	/* the hardware may cache whatever translates now */
	tlbm_fill(&e->h.tlb);
}

static void add_dev(struct env *e, uint64_t base, uint64_t size)
{
	assert_int_equal(am_mmio_add_device(&e->t, am_va(base), size), 0);
	assert_true(oracle_mmio_add_dev(&e->o, base, size));
	tlbm_watch(&e->h.tlb, base, size, K4); /* the TLB model may cache its pages */
	check(e);
}

/* Was any value logged equal to @v? */
static bool logged_value(const struct am_host_pt *h, uint64_t v)
{
	for (unsigned int i = 0; i < h->nlog; i++)
		for (int j = 0; j < 3; j++)
			if (h->log[i].arg[j] == v)
				return true;
	return false;
}

/* ------------------------------------------------- snapshots of state -- */

static void snap(struct env *e, struct oracle_mmio_snap *s)
{
	memset(s, 0, sizeof(*s));
	oracle_mmio_snap(s, &e->o);
}

/* Every table page as it was, no maintenance, lists as they were. */
static void table_unchanged(struct env *e, struct oracle_mmio_snap *s)
{
	bool good = oracle_mmio_unchanged(s, &e->o, false, WHY, sizeof(WHY));

	oracle_pt_snap_free(&s->t);
	ok(good);
}

/* ... and no hypercall was made, the hypervisor is as it was. */
static void unchanged(struct env *e, struct oracle_mmio_snap *s)
{
	bool good = oracle_mmio_unchanged(s, &e->o, true, WHY, sizeof(WHY));

	oracle_pt_snap_free(&s->t);
	ok(good);
}

/* ---------------------------------------------------------------- ABI -- */

static void test_abi_ids(void **state)
{
	(void)state;
	assert_int_equal(am_mmio_abi_android.meminfo, MMIOH_FID_MEMINFO);
	assert_int_equal(am_mmio_abi_android.info, MMIOH_FID_INFO);
	assert_int_equal(am_mmio_abi_android.enroll, MMIOH_FID_ENROLL);
	assert_int_equal(am_mmio_abi_android.map, MMIOH_FID_MAP);
	assert_int_equal(am_mmio_abi_android.unmap, MMIOH_FID_UNMAP);
	assert_int_equal(am_mmio_abi_upstream.meminfo, MMIOH_FID_MEMINFO);
	assert_int_equal(am_mmio_abi_upstream.info, 0);
	assert_int_equal(am_mmio_abi_upstream.enroll, 0);
	assert_int_equal(am_mmio_abi_upstream.map, MMIOH_FID_MAP);
	assert_int_equal(am_mmio_abi_upstream.unmap, 0);
	assert_int_equal(AM_SMCCC_SUCCESS, MMIOH_SUCCESS);
	assert_int_equal(AM_SMCCC_NOT_SUPPORTED, MMIOH_NOT_SUPPORTED);
	assert_int_equal(AM_SMCCC_INVALID_PARAMETER, MMIOH_INVALID_PARAMETER);
}

/* --------------------------------------------------------------- init -- */

static void test_init_android(void **state)
{
	struct env *e;

	(void)state;
	for (int gi = 0; gi < 2; gi++) {
		uint64_t g = gi ? K16 : K4;

		e = setup_g(MMIOH_ABI_ANDROID, g);
		assert_int_equal(e->t.granule, g);
		assert_int_equal(e->m.calls[MMIOH_INFO], 1);
		assert_int_equal(e->m.calls[MMIOH_ENROLL], 1);
		assert_int_equal(e->m.calls[MMIOH_MEMINFO], 0);
		assert_int_equal(e->m.ncalls, 2);
		assert_true(e->m.enrolled);
		assert_int_equal(e->t.nr_ram, 0);
		assert_int_equal(e->t.nr_mmio, 0);
		assert_int_equal(e->t.guarded, 0);
		assert_int_equal(am_pt_tables(&e->pt), 1); /* nothing mapped */
		check(e);
		teardown(NULL);
	}
}

static void test_init_upstream(void **state)
{
	struct env *e;

	(void)state;
	for (int gi = 0; gi < 2; gi++) {
		uint64_t g = gi ? K16 : K4;

		e = setup_g(MMIOH_ABI_UPSTREAM, g);
		assert_int_equal(e->t.granule, g);
		/* the upstream ABI has neither INFO nor ENROLL: MEMINFO alone */
		assert_int_equal(e->m.calls[MMIOH_MEMINFO], 1);
		assert_int_equal(e->m.ncalls, 1);
		assert_int_equal(e->x.rec[0].fid, MMIOH_FID_MEMINFO);
		check(e);
		teardown(NULL);
	}
	/* an ABI with MEMINFO and ENROLL but no INFO: MEMINFO, then ENROLL */
	{
		static const struct am_mmio_abi no_info = {MMIOH_FID_MEMINFO, 0, MMIOH_FID_ENROLL,
							   MMIOH_FID_MAP, MMIOH_FID_UNMAP};
		struct opts o = OPT_ANDROID;

		e = &E0;
		o.granule = K16;
		env_table(e, 0);
		env_hyp(e, &o);
		env_cfg(e, &o);
		e->cfg.abi = &no_info;
		assert_int_equal(am_mmio_tracker_init(&e->t, &e->cfg), 0);
		assert_int_equal(e->t.granule, K16);
		assert_int_equal(e->m.calls[MMIOH_MEMINFO], 1);
		assert_int_equal(e->m.calls[MMIOH_INFO], 0);
		assert_int_equal(e->m.calls[MMIOH_ENROLL], 1);
		assert_true(e->m.enrolled);
	}
}

/* Init with @cfg changed by the caller: the code, and no hypercall for EINVAL. */
static void init_fails(struct env *e, const struct am_mmio_tracker_config *cfg, int want,
		       const char *what)
{
	unsigned long n0 = e->x.n;
	struct am_mmio_tracker t;
	int rc;

	memset(&t, 0x5a, sizeof(t));
	rc = am_mmio_tracker_init(&t, cfg);
	if (rc != want)
		fail_msg("init with %s: %d, expected %d", what, rc, want);
	if (want == AM_EINVAL)
		assert_int_equal(e->x.n, n0);
	assert_int_equal(am_pt_tables(&e->pt), 1);
}

static void test_init_refusals(void **state)
{
	static const struct am_mmio_abi no_granule = {0, 0, MMIOH_FID_ENROLL, MMIOH_FID_MAP,
						      MMIOH_FID_UNMAP};
	struct opts o = OPT_ANDROID;
	struct am_mmio_tracker_config c;
	struct env *e = &E0;

	(void)state;
	env_table(e, 0);
	env_hyp(e, &o);
	env_cfg(e, &o);
	assert_int_equal(am_mmio_tracker_init(NULL, &e->cfg), AM_EINVAL);
	assert_int_equal(am_mmio_tracker_init(&e->t, NULL), AM_EINVAL);
	assert_int_equal(e->x.n, 0);
#define BAD(field, value, want)                               \
	do {                                                  \
		c = e->cfg;                                   \
		c.field = value;                              \
		init_fails(e, &c, want, #field " = " #value); \
	} while (0)
	BAD(pt, NULL, AM_EINVAL);
	BAD(lo, am_va(HI), AM_EINVAL);
	BAD(hi, am_va(LO), AM_EINVAL);
	BAD(lo, am_va(LO + 0x800), AM_EINVAL);
	BAD(hi, am_va(HI - 0x10), AM_EINVAL);
	BAD(ram, NULL, AM_EINVAL);
	BAD(mmio, NULL, AM_EINVAL);
	BAD(abi, NULL, AM_EINVAL);
	BAD(hyp.call, NULL, AM_EINVAL);
	assert_int_equal(e->x.n, 0);
	/* an ABI without INFO and MEMINFO: no guard to ask, and no call */
	BAD(abi, &no_granule, AM_ENOTSUP);
	assert_int_equal(e->x.n, 0);
#undef BAD

	/* the hypervisor has no MMIO guard: INFO says NOT_SUPPORTED */
	e->m.offered = false;
	init_fails(e, &e->cfg, AM_ENOTSUP, "the hypervisor's answer");
	assert_false(e->m.enrolled);
	e->m.offered = true;
	/* INFO fine, ENROLL NOT_SUPPORTED */
	{
		unsigned long enrolls = e->m.calls[MMIOH_ENROLL];

		mmioh_fail(&e->m, MMIOH_ENROLL, 0, MMIOH_NOT_SUPPORTED, false);
		init_fails(e, &e->cfg, AM_ENOTSUP, "the hypervisor's answer");
		assert_int_equal(e->m.calls[MMIOH_ENROLL], enrolls + 1);
	}
	mmioh_fail(&e->m, -1, 0, 0, false);
	/* INFO answers an error the guest cannot use as a granule */
	mmioh_fail(&e->m, MMIOH_INFO, 0, MMIOH_INVALID_PARAMETER, false);
	init_fails(e, &e->cfg, AM_ENOTSUP, "the hypervisor's answer");
	mmioh_fail(&e->m, -1, 0, 0, false);

	/* upstream, not offered: MEMINFO says NOT_SUPPORTED */
	o.abi = MMIOH_ABI_UPSTREAM;
	env_hyp(e, &o);
	env_cfg(e, &o);
	e->m.offered = false;
	init_fails(e, &e->cfg, AM_ENOTSUP, "the hypervisor's answer");
	assert_int_equal(e->m.calls[MMIOH_MEMINFO], 1);

	/* granules other than 4, 16 and 64 KiB, either ABI */
	for (int a = 0; a < 2; a++) {
		const uint64_t bad[] = {0x20000, 0x2000, 0x100000};

		for (unsigned int i = 0; i < 3; i++) {
			o.abi = a ? MMIOH_ABI_UPSTREAM : MMIOH_ABI_ANDROID;
			o.granule = bad[i];
			env_hyp(e, &o);
			env_cfg(e, &o);
			init_fails(e, &e->cfg, AM_ENOTSUP, "the hypervisor's answer");
			assert_int_equal(e->m.calls[a ? MMIOH_MEMINFO : MMIOH_INFO], 1);
		}
	}
	check(e);
}

/* "No storage": a list of capacity 0 is refused like a NULL one. */
static void test_init_no_storage(void **state)
{
	struct opts o = OPT_ANDROID;
	struct am_mmio_tracker_config c;
	struct env *e = &E0;

	(void)state;
	env_table(e, 0);
	env_hyp(e, &o);
	env_cfg(e, &o);
	c = e->cfg;
	c.ram_cap = 0;
	init_fails(e, &c, AM_EINVAL, "ram_cap = 0");
	c.ram = NULL;
	init_fails(e, &c, AM_EINVAL, "ram = NULL, ram_cap = 0");
	c = e->cfg;
	c.mmio_cap = 0;
	init_fails(e, &c, AM_EINVAL, "mmio_cap = 0");
	c.mmio = NULL;
	init_fails(e, &c, AM_EINVAL, "mmio = NULL, mmio_cap = 0");
	assert_int_equal(e->x.n, 0);
}

/* ---------------------------------------------------------------- add -- */

static void test_add_ram(void **state)
{
	struct env *e = setup(&OPT_ANDROID);
	struct am_pt_leaf l;

	(void)state;
	assert_int_equal(am_mmio_add_ram(&e->t, am_va(RAM0), 4 * M2, true), 0);
	assert_int_equal(am_mmio_add_ram(&e->t, am_va(RAM0 + 4 * M2), 3 * K4, false), 0);
	tlbm_watch(&e->h.tlb, RAM0, 4 * M2 + 3 * K4, K4);
	check(e);
	assert_int_equal(e->t.nr_ram, 2);
	assert_int_equal(e->t.nr_mmio, 0);
	assert_int_equal(e->x.n, 2); /* init only: RAM needs no hypercall */
	expect_map(e, RAM0 + 0x123, VMSA_ACC_R | VMSA_ACC_W);
	expect_map(e, RAM0 + 4 * M2 - 8, VMSA_ACC_R | VMSA_ACC_W);
	expect_map(e, RAM0 + 4 * M2 + 2 * K4, VMSA_ACC_R);
	expect_fault(e, RAM0 + 4 * M2, VMSA_ACC_W, VMSA_F_PERMISSION); /* RO store */
	expect_fault(e, RAM0 + 4 * M2 + 2 * K4 + 0x10, VMSA_ACC_W, VMSA_F_PERMISSION);
	expect_fault(e, RAM0 + 4 * M2 + 3 * K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	expect_fault(e, RAM0 - K4, VMSA_ACC_R, VMSA_F_TRANSLATION);
	assert_int_equal(xlate(e, RAM0, VMSA_ACC_R).mem, 0xff); /* Normal WB */
	assert_int_equal(xlate(e, RAM0 + 4 * M2, VMSA_ACC_R).mem, 0xff);
	assert_int_equal(am_pt_query(&e->pt, am_va(RAM0 + 5), &l), 0);
	assert_int_equal(l.valid, 1);
	assert_int_equal(l.sw & AM_MMIO_SW_LAZY, 0);
	/* the whole space, edge to edge, is fine too */
	assert_int_equal(am_mmio_add_ram(&e->t, am_va(LO), K4, false), 0);
	assert_int_equal(am_mmio_add_ram(&e->t, am_va(HI - K4), K4, true), 0);
	check(e);
	expect_map(e, LO, VMSA_ACC_R);
	expect_map(e, HI - 8, VMSA_ACC_W);
}

static void test_add_device_lazy(void **state)
{
	struct env *e = setup(&OPT_ANDROID);
	struct am_pt_leaf l;

	(void)state;
	add_dev(e, UART, K4);
	add_dev(e, RTC, 4 * K4);
	add_dev(e, WIN, 2 * M2);
	/* lazy: not one hypercall, nothing guarded */
	assert_int_equal(e->x.n, 2);
	assert_int_equal(e->m.nr, 0);
	assert_int_equal(e->t.nr_mmio, 3);
	for (uint64_t va = RTC; va < RTC + 4 * K4; va += K4) {
		assert_int_equal(am_pt_query(&e->pt, am_va(va), &l), 0);
		assert_int_equal(l.valid, 0);
		assert_int_equal(l.level, 3);
		assert_true(l.sw & AM_MMIO_SW_LAZY);
		assert_false(l.sw & AM_MMIO_SW_GUARDED);
		assert_int_equal(l.attr.mtype, AM_MT_DEVICE_nGnRE);
		assert_int_equal(am_pa_val(l.pa), va);
		expect_fault(e, va, VMSA_ACC_R, VMSA_F_TRANSLATION);
		expect_fault(e, va, VMSA_ACC_W, VMSA_F_TRANSLATION);
	}
	/* a 2 MiB-aligned window: parked blocks */
	for (uint64_t va = WIN; va < WIN + 2 * M2; va += M2) {
		assert_int_equal(am_pt_query(&e->pt, am_va(va + 0x5000), &l), 0);
		assert_int_equal(l.level, 2);
		assert_int_equal(l.size, M2);
		assert_int_equal(am_va_val(l.va), va);
		assert_int_equal(am_pa_val(l.pa), va);
		assert_int_equal(l.valid, 0);
		assert_true(l.sw & AM_MMIO_SW_LAZY);
		assert_int_equal(l.attr.mtype, AM_MT_DEVICE_nGnRE);
		expect_fault(e, va + 0x5000, VMSA_ACC_R, VMSA_F_TRANSLATION);
	}
	/* the walker's fault is the one pvmfw's handler sees: at the leaf */
	assert_int_equal(xlate(e, WIN + 0x5000, VMSA_ACC_R).level, 2);
	assert_int_equal(xlate(e, RTC, VMSA_ACC_R).level, 3);
	/* no access is allowed yet */
	assert_false(mmioh_allowed(&e->m, UART, 4));
	assert_false(mmioh_allowed(&e->m, WIN, 4));
	/* 1 GiB aligned: blocks there too, still one device, still lazy */
	add_dev(e, 3 * G1 + M2, 2 * M2 + K4);
	assert_int_equal(am_pt_query(&e->pt, am_va(3 * G1 + M2), &l), 0);
	assert_int_equal(l.level, 2);
	assert_int_equal(am_pt_query(&e->pt, am_va(3 * G1 + 3 * M2), &l), 0);
	assert_int_equal(l.level, 3);
	assert_int_equal(e->x.n, 2);
}

/* Every refusal of add_ram / add_device: its code, and nothing changed. */
static void test_add_refusals(void **state)
{
	struct opts o = OPT_ANDROID;
	struct env *e;
	struct oracle_mmio_snap s;

	(void)state;
	o.ram_cap = 3;
	o.mmio_cap = 3;
	e = setup(&o);
	assert_int_equal(am_mmio_add_ram(&e->t, am_va(RAM0), 4 * M2, true), 0);
	add_dev(e, UART, 4 * K4);
	add_dev(e, WIN, 2 * M2);
	snap(e, &s);
	for (int dev = 0; dev < 2; dev++) {
#define ADD(b, sz)                                         \
	(dev ? am_mmio_add_device(&e->t, am_va((b)), (sz)) \
	     : am_mmio_add_ram(&e->t, am_va((b)), (sz), dev))
		/* malformed */
		assert_int_equal(ADD(0x20000000, 0), AM_EINVAL);
		assert_int_equal(ADD(0x20000800, K4), AM_EINVAL);
		assert_int_equal(ADD(0x20000000, 0x800), AM_EINVAL);
		assert_int_equal(ADD(0x20000000, K4 + 1), AM_EINVAL);
		assert_int_equal(ADD(0xfffffffffffff000ull, 2 * K4), AM_EINVAL);
		assert_int_equal(ADD(0xffffffffffe00000ull, 0xffffffffffe00000ull), AM_EINVAL);
		/* outside the tracked space, partly or wholly */
		assert_int_equal(ADD(LO - K4, K4), AM_ERANGE);
		assert_int_equal(ADD(LO - K4, 2 * K4), AM_ERANGE);
		assert_int_equal(ADD(0, K4), AM_ERANGE);
		assert_int_equal(ADD(HI, K4), AM_ERANGE);
		assert_int_equal(ADD(HI - K4, 2 * K4), AM_ERANGE);
		/* overlaps: RAM, MMIO; the start, the end, inside, around, exact */
		assert_int_equal(ADD(RAM0 - K4, 2 * K4), AM_EBUSY);
		assert_int_equal(ADD(RAM0 + 4 * M2 - K4, 2 * K4), AM_EBUSY);
		assert_int_equal(ADD(RAM0 + M2, K4), AM_EBUSY);
		assert_int_equal(ADD(RAM0 - M2, 8 * M2), AM_EBUSY);
		assert_int_equal(ADD(RAM0, 4 * M2), AM_EBUSY);
		assert_int_equal(ADD(UART - K4, 2 * K4), AM_EBUSY);
		assert_int_equal(ADD(UART + 3 * K4, 2 * K4), AM_EBUSY);
		assert_int_equal(ADD(UART + K4, K4), AM_EBUSY);
		assert_int_equal(ADD(UART - M2, 4 * M2), AM_EBUSY);
		assert_int_equal(ADD(UART, 4 * K4), AM_EBUSY);
		assert_int_equal(ADD(WIN + M2 + 0x3000, K4), AM_EBUSY);
		assert_int_equal(ADD(WIN - K4, 2 * M2 + 2 * K4), AM_EBUSY);
		/* both RAM and MMIO at once */
		assert_int_equal(ADD(UART, RAM0 - UART + K4), AM_EBUSY);
#undef ADD
	}
	assert_int_equal(am_mmio_add_ram(NULL, am_va(RAM0 + G1), K4, true), AM_EINVAL);
	assert_int_equal(am_mmio_add_device(NULL, am_va(0x20000000), K4), AM_EINVAL);
	unchanged(e, &s);
	check(e);

	/* the lists fill up: the third fits, the fourth does not */
	assert_int_equal(am_mmio_add_ram(&e->t, am_va(RAM0 + G1), K4, false), 0);
	assert_int_equal(am_mmio_add_ram(&e->t, am_va(RAM0 + 2 * G1), K4, true), 0);
	add_dev(e, 0x20000000, K4);
	snap(e, &s);
	assert_int_equal(am_mmio_add_ram(&e->t, am_va(0x30000000), K4, true), AM_ENOSPC);
	assert_int_equal(am_mmio_add_device(&e->t, am_va(0x30000000), K4), AM_ENOSPC);
	unchanged(e, &s);
	check(e);
	expect_fault(e, 0x30000000, VMSA_ACC_R, VMSA_F_TRANSLATION);
	assert_int_equal(e->t.nr_ram, 3);
	assert_int_equal(e->t.nr_mmio, 3);
	/* touching neighbours are not overlaps */
	teardown(NULL);
	e = setup(&o);
	assert_int_equal(am_mmio_add_ram(&e->t, am_va(UART + K4), K4, true), 0);
	add_dev(e, UART, K4);
	add_dev(e, UART + 2 * K4, K4);
	assert_int_equal(am_mmio_add_ram(&e->t, am_va(UART - K4), K4, false), 0);
	check(e);
}

/* Errors of the table: AM_ENOMEM, AM_EEXIST; nothing changes, a retry works. */
static void test_add_table_errors(void **state)
{
	struct env *e = setup(&OPT_ANDROID);
	struct oracle_mmio_snap s;

	(void)state;
	/* FAR_DEV needs a level-2 and a level-3 table: fail either */
	for (long f = 0; f < 2; f++) {
		snap(e, &s);
		am_host_pt_fail_at(&e->h, f);
		assert_int_equal(am_mmio_add_device(&e->t, am_va(FAR_DEV + K4), 2 * K4), AM_ENOMEM);
		am_host_pt_fail_at(&e->h, f);
		assert_int_equal(am_mmio_add_ram(&e->t, am_va(FAR_DEV + K4), 2 * K4, true),
				 AM_ENOMEM);
		am_host_pt_fail_at(&e->h, -1);
		unchanged(e, &s);
		check(e);
	}
	add_dev(e, FAR_DEV + K4, 2 * K4);
	assert_int_equal(e->t.nr_mmio, 1);
	/* somebody mapped a page of the space behind the tracker's back */
	assert_int_equal(am_pt_map(&e->pt, am_va(0x20001000), am_pa(0x20001000), K4, &DEV, 0), 0);
	assert_int_equal(
		am_pt_map(&e->pt, am_va(0x20003000), am_pa(0x20003000), K4, &RW, AM_PT_F_PARKED),
		0);
	check(e);
	snap(e, &s);
	assert_int_equal(am_mmio_add_device(&e->t, am_va(0x20000000), 4 * K4), AM_EEXIST);
	assert_int_equal(am_mmio_add_ram(&e->t, am_va(0x20000000), 4 * K4, true), AM_EEXIST);
	assert_int_equal(am_mmio_add_device(&e->t, am_va(0x20003000), K4), AM_EEXIST);
	unchanged(e, &s);
	check(e);
	/* the failed ranges were not recorded: next to them, all is well */
	add_dev(e, 0x20002000, K4);
	assert_int_equal(am_mmio_add_ram(&e->t, am_va(0x20000000), K4, true), 0);
	check(e);
}

/* -------------------------------------------------------------- fault -- */

static void test_fault_4k(void **state)
{
	struct env *e = setup(&OPT_ANDROID);
	unsigned long n0, t0;
	struct oracle_mmio_page p;

	(void)state;
	add_dev(e, RTC, 4 * K4);
	n0 = e->x.n;
	t0 = e->h.tlbi + e->h.tlbi_all;
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(RTC + K4 + 0xabc)), 0);
	check(e);
	/* one MAP, of the page */
	assert_int_equal(e->x.n, n0 + 1);
	assert_int_equal(e->x.rec[n0].fid, MMIOH_FID_MAP);
	assert_int_equal(e->x.rec[n0].arg, RTC + K4);
	assert_int_equal(e->x.rec[n0].ret, MMIOH_SUCCESS);
	assert_int_equal(e->t.map_calls, 1);
	assert_int_equal(e->t.guarded, 1);
	/* exactly that page is valid; parked -> valid needs no TLBI */
	assert_int_equal(e->h.tlbi + e->h.tlbi_all, t0);
	p = page(e, RTC + K4);
	assert_int_equal(p.valid, 1);
	assert_true(p.sw & AM_MMIO_SW_GUARDED);
	expect_map(e, RTC + K4 + 0xabc, VMSA_ACC_R | VMSA_ACC_W);
	assert_int_equal(xlate(e, RTC + K4, VMSA_ACC_R).mem, 0x04);
	for (uint64_t va = RTC; va < RTC + 4 * K4; va += K4) {
		if (va == RTC + K4)
			continue;
		assert_int_equal(page(e, va).valid, 0);
		expect_fault(e, va, VMSA_ACC_R, VMSA_F_TRANSLATION);
	}
	/* what the hypervisor lets through */
	assert_true(mmioh_allowed(&e->m, RTC + K4, 4));
	assert_true(mmioh_allowed(&e->m, RTC + 2 * K4 - 4, 4));
	assert_false(mmioh_allowed(&e->m, RTC + 2 * K4 - 4, 8)); /* into the neighbour */
	assert_false(mmioh_allowed(&e->m, RTC, 4));
	assert_false(mmioh_allowed(&e->m, RTC + 2 * K4, 4));
	/* the next page: one more MAP */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(RTC + 2 * K4)), 0);
	check(e);
	assert_int_equal(calls_of(e, MMIOH_FID_MAP, n0), 2);
	assert_int_equal(e->x.rec[n0 + 1].arg, RTC + 2 * K4);
	assert_true(mmioh_allowed(&e->m, RTC + 2 * K4 - 4, 8));
	assert_int_equal(e->t.guarded, 2);
	assert_int_equal(e->h.tlbi + e->h.tlbi_all, t0);
}

/* A lazy block splits without break-before-make; exactly the page turns valid. */
static void test_fault_splits_block(void **state)
{
	struct env *e = setup(&OPT_ANDROID);
	uint64_t a = WIN + M2 + 0x7000;
	unsigned long n0, t0;
	size_t tables;

	(void)state;
	add_dev(e, WIN, 2 * M2);
	tables = am_pt_tables(&e->pt);
	n0 = e->x.n;
	t0 = e->h.tlbi + e->h.tlbi_all;
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(a + 0x10)), 0);
	check(e); /* the TLB model had the walk cached: no violation */
	assert_int_equal(e->h.tlbi + e->h.tlbi_all, t0);
	assert_int_equal(am_pt_tables(&e->pt), tables + 1);
	assert_int_equal(e->x.n, n0 + 1);
	assert_int_equal(e->x.rec[n0].fid, MMIOH_FID_MAP);
	assert_int_equal(e->x.rec[n0].arg, a);
	expect_map(e, a, VMSA_ACC_R | VMSA_ACC_W);
	assert_int_equal(page(e, a).level, 3);
	assert_int_equal(page(e, a - K4).valid, 0);
	assert_int_equal(page(e, a - K4).level, 3);
	assert_true(page(e, a - K4).sw & AM_MMIO_SW_LAZY);
	assert_int_equal(page(e, a + K4).valid, 0);
	assert_true(page(e, WIN + 2 * M2 - K4).sw & AM_MMIO_SW_LAZY);
	/* the other block is untouched */
	assert_int_equal(page(e, WIN).level, 2);
	assert_int_equal(page(e, WIN).valid, 0);
	/* another page of the split block: no new table, no TLBI */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN + 2 * M2 - 4)), 0);
	check(e);
	assert_int_equal(am_pt_tables(&e->pt), tables + 1);
	assert_int_equal(e->x.rec[n0 + 1].arg, WIN + 2 * M2 - K4);
	assert_int_equal(e->h.tlbi + e->h.tlbi_all, t0);
	/* the first page of the first block */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN)), 0);
	check(e);
	assert_int_equal(e->x.rec[n0 + 2].arg, WIN);
	assert_int_equal(page(e, WIN + K4).valid, 0);
	assert_int_equal(e->t.guarded, 3);
	assert_int_equal(e->h.tlbi + e->h.tlbi_all, t0);
}

static void test_fault_16k(void **state)
{
	struct env *e = setup_g(MMIOH_ABI_ANDROID, K16);
	unsigned long n0, t0;

	(void)state;
	add_dev(e, RTC, 4 * K16);
	add_dev(e, WIN, M2);
	n0 = e->x.n;
	t0 = e->h.tlbi + e->h.tlbi_all;
	/* the third page of the second granule */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(RTC + K16 + 2 * K4 + 0x44)), 0);
	check(e);
	assert_int_equal(e->x.n, n0 + 1);
	assert_int_equal(e->x.rec[n0].fid, MMIOH_FID_MAP);
	assert_int_equal(e->x.rec[n0].arg, RTC + K16);
	for (uint64_t va = RTC; va < RTC + 4 * K16; va += K4) {
		bool in = va >= RTC + K16 && va < RTC + 2 * K16;

		assert_int_equal(page(e, va).valid, in);
	}
	assert_true(mmioh_allowed(&e->m, RTC + K16, K16));
	assert_false(mmioh_allowed(&e->m, RTC + 2 * K16 - 4, 8));
	assert_false(mmioh_allowed(&e->m, RTC + K16 - 4, 8));
	/* any page of the granule is valid now: no second fault there */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(RTC + K16)), AM_ENOENT);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(RTC + K16 + 3 * K4)), AM_ENOENT);
	assert_int_equal(e->x.n, n0 + 1);
	/* in a block: the four pages of the granule, their neighbours parked */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN + 0x9000)), 0);
	check(e);
	assert_int_equal(e->x.rec[n0 + 1].arg, WIN + 0x8000);
	for (uint64_t va = WIN + 0x7000; va < WIN + 0xd000; va += K4) {
		struct oracle_mmio_page p = page(e, va);

		assert_int_equal(p.level, 3);
		assert_int_equal(p.valid, va >= WIN + 0x8000 && va < WIN + 0xc000);
	}
	assert_int_equal(e->t.guarded, 2);
	assert_int_equal(e->t.map_calls, 2);
	assert_int_equal(e->h.tlbi + e->h.tlbi_all, t0);
}

/*
 * A 64 KiB guard granule (the hypervisor's INFO says so) over 4 KiB pages:
 * a fault guards the granule and makes its sixteen device pages valid, the
 * neighbours stay parked; a fault in a 2 MiB lazy block splits it; then
 * unmap-all unguards each granule once, after its pages' invalidations
 * (check()), at 64 KiB aligned IPAs.
 */
static void test_granule_64k(void **state)
{
	struct env *e = setup_g(MMIOH_ABI_ANDROID, K64);
	unsigned long n0;

	(void)state;
	assert_int_equal(e->t.granule, K64);
	add_dev(e, 0x09000000, 4 * K64);
	add_dev(e, WIN, M2);
	n0 = e->x.n;
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(0x09000000 + K64 + 5 * K4 + 0x10)), 0);
	check(e);
	assert_int_equal(e->x.n, n0 + 1);
	assert_int_equal(e->x.rec[n0].fid, MMIOH_FID_MAP);
	assert_int_equal(e->x.rec[n0].arg, 0x09000000 + K64);
	for (uint64_t va = 0x09000000; va < 0x09000000 + 4 * K64; va += K4)
		assert_int_equal(page(e, va).valid,
				 va >= 0x09000000 + K64 && va < 0x09000000 + 2 * K64);
	assert_true(mmioh_allowed(&e->m, 0x09000000 + K64, K64));
	assert_false(mmioh_allowed(&e->m, 0x09000000 + 2 * K64 - 4, 8));
	/* any page of the granule: valid already, no second fault */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(0x09000000 + K64 + 15 * K4)), AM_ENOENT);
	/* in the 2 MiB window: its block split, the granule's pages valid */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN + 0x23000)), 0);
	check(e);
	assert_int_equal(e->x.rec[n0 + 1].arg, WIN + 0x20000);
	for (uint64_t va = WIN + 0x10000; va < WIN + 0x40000; va += K4) {
		struct oracle_mmio_page p = page(e, va);

		assert_int_equal(p.level, 3);
		assert_int_equal(p.valid, va >= WIN + 0x20000 && va < WIN + 0x30000);
	}
	assert_int_equal(e->t.guarded, 2);
	n0 = e->x.n;
	assert_int_equal(am_mmio_unmap_all(&e->t), 2);
	check(e);
	assert_int_equal(calls_of(e, MMIOH_FID_UNMAP, n0), 2);
	for (unsigned long i = n0; i < e->x.n; i++)
		assert_int_equal(e->x.rec[i].arg & (K64 - 1), 0);
	assert_int_equal(e->m.nr, 0);
	assert_int_equal(page(e, 0x09000000 + K64).valid, 0);
}

/*
 * The guard granule follows the guest's: a guest whose table has the 64 KiB
 * granule, under a hypervisor that reports 64 KiB. A fault maps the one
 * 64 KiB page of its granule (one leaf), unmap-all unguards it; a guard
 * granule smaller than the guest's page is refused at init; a 16 KiB guest
 * under a 64 KiB guard granule makes the granule's four pages valid.
 */
static void test_guest_granule_64k(void **state)
{
	struct opts o = OPT_ANDROID;
	struct env *e;
	struct am_pt_leaf l;
	unsigned long n0;

	(void)state;
	o.granule = K64;
	o.page = K64;
	e = setup(&o);
	assert_int_equal(e->t.page, K64);
	assert_int_equal(e->t.granule, K64);
	/* regions must be whole pages of the guest */
	assert_int_equal(am_mmio_add_device(&e->t, am_va(0x09000000), K4), AM_EINVAL);
	add_dev(e, 0x09000000, 4 * K64);
	n0 = e->x.n;
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(0x09000000 + 2 * K64 + 0x1230)), 0);
	check(e);
	assert_int_equal(e->x.n, n0 + 1);
	assert_int_equal(e->x.rec[n0].fid, MMIOH_FID_MAP);
	assert_int_equal(e->x.rec[n0].arg, 0x09000000 + 2 * K64);
	assert_int_equal(am_pt_query(&e->pt, am_va(0x09000000 + 2 * K64 + 0x1230), &l), 0);
	assert_int_equal(l.size, K64);
	assert_int_equal(l.valid, 1);
	expect_map(e, 0x09000000 + 3 * K64 - 8, VMSA_ACC_R);
	expect_fault(e, 0x09000000 + K64, VMSA_ACC_R, VMSA_F_TRANSLATION);
	assert_true(mmioh_allowed(&e->m, 0x09000000 + 2 * K64, K64));
	assert_int_equal(e->t.guarded, 1);
	n0 = e->x.n;
	assert_int_equal(am_mmio_unmap_all(&e->t), 1);
	check(e);
	assert_int_equal(calls_of(e, MMIOH_FID_UNMAP, n0), 1);
	assert_int_equal(e->m.nr, 0);
	assert_int_equal(page(e, 0x09000000 + 2 * K64).valid, 0);
	env_fini(e);

	/* a 4 KiB guard granule under a 64 KiB guest: refused, one record */
	o.granule = K4;
	env_table(e, K64);
	env_hyp(e, &o);
	env_cfg(e, &o);
	assert_int_equal(am_mmio_tracker_init(&e->t, &e->cfg), AM_ENOTSUP);
	assert_int_equal(e->h.nlog_total, 1);
	assert_false(e->t.ready);
	env_fini(e);

	/* a 16 KiB guest under a 64 KiB guard granule: the granule's pages together */
	o.granule = K64;
	o.page = K16;
	e = setup(&o);
	add_dev(e, 0x0a000000, K64);
	n0 = e->x.n;
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(0x0a000000 + 3 * K16 + 8)), 0);
	check(e);
	assert_int_equal(e->x.rec[n0].arg, 0x0a000000);
	for (uint64_t va = 0x0a000000; va < 0x0a000000 + K64; va += K16) {
		assert_int_equal(am_pt_query(&e->pt, am_va(va), &l), 0);
		assert_int_equal(l.size, K16);
		assert_int_equal(l.valid, 1);
	}
	assert_int_equal(am_mmio_unmap_all(&e->t), 1);
	check(e);
}

/* No parked lazy leaf at the address: AM_ENOENT, no hypercall, nothing changes. */
static void test_fault_enoent(void **state)
{
	struct env *e = setup(&OPT_ANDROID);
	struct oracle_mmio_snap s;

	(void)state;
	assert_int_equal(am_mmio_add_ram(&e->t, am_va(RAM0), 4 * M2, true), 0);
	add_dev(e, UART, K4);
	add_dev(e, WIN, M2);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(UART)), 0);
	/* parked, but not lazy: somebody else's */
	assert_int_equal(
		am_pt_map(&e->pt, am_va(0x20000000), am_pa(0x20000000), K4, &DEV, AM_PT_F_PARKED),
		0);
	/* valid device memory without the flag */
	assert_int_equal(am_pt_map(&e->pt, am_va(0x20001000), am_pa(0x20001000), K4, &DEV, 0), 0);
	check(e);
	snap(e, &s);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(RAM0 + 0x10)), AM_ENOENT); /* RAM */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(UART + 0x20)), AM_ENOENT); /* valid */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(UART + K4)), AM_ENOENT);   /* unmapped */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(0x20000000)), AM_ENOENT);  /* not lazy */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(0x20001000)), AM_ENOENT);  /* not lazy */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN + M2)), AM_ENOENT);    /* unmapped */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(LO - K4)), AM_ENOENT);     /* outside */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(HI + UART)), AM_ENOENT);   /* outside */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va((1ull << 39) + K4)),
			 AM_ENOENT); /* beyond */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(~0ull)), AM_ENOENT);
	assert_int_equal(am_mmio_handle_fault(NULL, am_va(WIN)), AM_EINVAL);
	unchanged(e, &s);
	check(e);
	assert_int_equal(e->t.map_calls, 1);
}

/* The hypervisor refuses the guard: AM_EPERM, still parked; a later fault works. */
static void test_fault_refused(void **state)
{
	struct opts o = OPT_ANDROID;
	struct env *e;
	struct oracle_mmio_snap s;
	unsigned long n0;

	(void)state;
	o.slots = 2;
	e = setup(&o);
	add_dev(e, RTC, 4 * K4);
	add_dev(e, WIN, M2);
	const int64_t refusals[] = {MMIOH_INVALID_PARAMETER, MMIOH_NOT_SUPPORTED};
	for (int i = 0; i < 2; i++) {
		snap(e, &s);
		am_host_pt_clear_log(&e->h);
		mmioh_fail(&e->m, MMIOH_MAP, 0, refusals[i], false);
		n0 = e->x.n;
		assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN + 0x3000)), AM_EPERM);
		assert_int_equal(e->x.n, n0 + 1);
		assert_int_equal(e->x.rec[n0].fid, MMIOH_FID_MAP);
		assert_int_equal(e->x.rec[n0].arg, WIN + 0x3000);
		s.calls++; /* the refused MAP, and nothing else */
		unchanged(e, &s);
		check(e);
		assert_true(logged_value(&e->h, (uint64_t)refusals[i])); /* its error is logged */
		expect_fault(e, WIN + 0x3000, VMSA_ACC_R, VMSA_F_TRANSLATION);
		assert_int_equal(page(e, WIN).level, 2); /* not even split */
	}
	mmioh_fail(&e->m, -1, 0, 0, false);
	/* the fault comes again: guarded now */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN + 0x3000)), 0);
	check(e);
	expect_map(e, WIN + 0x3000, VMSA_ACC_W);
	/* the hypervisor's own refusal: its slots are full */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(RTC)), 0);
	snap(e, &s);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(RTC + K4)), AM_EPERM);
	assert_int_equal(e->x.rec[e->x.n - 1].ret, MMIOH_INVALID_PARAMETER);
	s.calls++;
	unchanged(e, &s);
	check(e);
	assert_int_equal(e->t.guarded, 2);
}

/*
 * unmap_all is one walk of the table (one am_pt_park_walk(), which takes
 * the table's lock once and parks the guarded pages as it meets them): a
 * 4 MiB window with two granules guarded apart costs one table call, not
 * the 1 024 of a query per page, nor a walk and a modify per run.
 */
static void test_unmap_all_one_pass(void **state)
{
	struct env *e = setup(&OPT_ANDROID);
	unsigned long locks0;

	(void)state;
	add_dev(e, WIN, 2 * M2);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN + 0x5000)), 0);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN + M2 + 0x3000)), 0);
	check(e);
	locks0 = e->h.locks;
	assert_int_equal(am_mmio_unmap_all(&e->t), 2);
	assert_int_equal(e->h.locks - locks0, 1);
	check(e);
	assert_int_equal(e->m.nr, 0);
	expect_fault(e, WIN + 0x5000, VMSA_ACC_R, VMSA_F_TRANSLATION);
}

/*
 * Granules next to one another, in two devices that touch, then 20
 * granules apart: one walk each time, each granule unguarded exactly once.
 */
static void test_unmap_all_runs(void **state)
{
	struct env *e = setup(&OPT_ANDROID);
	unsigned long locks0, n0;

	(void)state;
	add_dev(e, WIN, 8 * K4);
	add_dev(e, WIN + 8 * K4, M2 - 8 * K4);
	for (unsigned int i = 5; i < 11; i++)
		assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN + i * K4)), 0);
	check(e);
	locks0 = e->h.locks;
	n0 = e->x.n;
	assert_int_equal(am_mmio_unmap_all(&e->t), 6);
	assert_int_equal(e->h.locks - locks0, 1);
	assert_int_equal(calls_of(e, MMIOH_FID_UNMAP, n0), 6);
	check(e);
	assert_int_equal(e->m.nr, 0);

	/* 20 granules apart: still one walk */
	for (unsigned int i = 0; i < 20; i++)
		assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN + 2 * i * K4 + 0x10)), 0);
	check(e);
	locks0 = e->h.locks;
	n0 = e->x.n;
	assert_int_equal(am_mmio_unmap_all(&e->t), 20);
	assert_int_equal(e->h.locks - locks0, 1);
	assert_int_equal(calls_of(e, MMIOH_FID_UNMAP, n0), 20);
	check(e);
	assert_int_equal(e->m.nr, 0);
	assert_int_equal(e->t.guarded, 0);
	for (unsigned int i = 0; i < 20; i++)
		expect_fault(e, WIN + 2 * i * K4, VMSA_ACC_R, VMSA_F_TRANSLATION);

	/* 70 granules (a hypervisor with 128 slots): more than one walk queues
	 * (64), so two walks, each granule unguarded once, each after its
	 * pages' invalidation (check) */
	e->m.cap = 128;
	for (unsigned int i = 0; i < 70; i++)
		assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN + 3 * i * K4)), 0);
	check(e);
	locks0 = e->h.locks;
	n0 = e->x.n;
	assert_int_equal(am_mmio_unmap_all(&e->t), 70);
	assert_int_equal(e->h.locks - locks0, 2);
	assert_int_equal(calls_of(e, MMIOH_FID_UNMAP, n0), 70);
	check(e);
	assert_int_equal(e->m.nr, 0);
	assert_int_equal(e->t.guarded, 0);
}

/* Guarded, then the table has no page: guarded but not mapped, no second MAP. */
static void test_fault_enomem(void **state)
{
	struct env *e = setup(&OPT_ANDROID);
	uint64_t a = WIN + 0x5000;
	unsigned long n0;
	struct oracle_mmio_snap s;

	(void)state;
	add_dev(e, WIN, M2);
	add_dev(e, RTC, 4 * K4);
	snap(e, &s);
	n0 = e->x.n;
	am_host_pt_fail_at(&e->h, 0);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(a + 0x10)), AM_ENOMEM);
	am_host_pt_fail_at(&e->h, -1);
	assert_int_equal(e->h.alloc_failed, 1); /* it was the split that failed */
	assert_int_equal(e->x.n, n0 + 1);
	assert_int_equal(e->x.rec[n0].fid, MMIOH_FID_MAP);
	assert_int_equal(e->x.rec[n0].arg, a);
	assert_true(mmioh_guarded(&e->m, a)); /* guarded ... */
	table_unchanged(e, &s);		      /* ... but not mapped */
	check(e);
	expect_fault(e, a, VMSA_ACC_R, VMSA_F_TRANSLATION);
	/* the fault comes again: found guarded, no second MAP */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(a)), 0);
	check(e);
	assert_int_equal(calls_of(e, MMIOH_FID_MAP, n0), 1);
	expect_map(e, a + 0x10, VMSA_ACC_R | VMSA_ACC_W);
	assert_true(page(e, a).sw & AM_MMIO_SW_GUARDED);
	assert_int_equal(e->t.guarded, 1);
	assert_int_equal(e->t.map_calls, 1);
	/* and unmap_all gives it back, once */
	n0 = e->x.n;
	assert_int_equal(am_mmio_unmap_all(&e->t), 1);
	check(e);
	assert_int_equal(calls_of(e, MMIOH_FID_UNMAP, n0), 1);
	assert_int_equal(e->m.nr, 0);
}

/*
 * Guarded but not mapped, then another granule faults and is guarded as
 * usual; then (@refault) the first fault comes again, and unmap_all: the
 * first granule is not forgotten, not guarded twice, unguarded once.
 */
static void enomem_interleaved(bool refault)
{
	struct env *e = setup(&OPT_ANDROID);
	uint64_t a = WIN + 0x5000;
	unsigned long n0;

	add_dev(e, WIN, M2);
	add_dev(e, RTC, 4 * K4);
	n0 = e->x.n;
	am_host_pt_fail_at(&e->h, 0);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(a)), AM_ENOMEM);
	am_host_pt_fail_at(&e->h, -1);
	check(e);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(RTC + K4)), 0);
	check(e);
	assert_int_equal(calls_of(e, MMIOH_FID_MAP, n0), 2);
	assert_int_equal(e->m.nr, 2);
	if (refault) {
		assert_int_equal(am_mmio_handle_fault(&e->t, am_va(a)), 0);
		check(e);
		assert_int_equal(calls_of(e, MMIOH_FID_MAP, n0), 2);
		assert_int_equal(e->t.guarded, 2);
	}
	n0 = e->x.n;
	assert_int_equal(am_mmio_unmap_all(&e->t), 2);
	check(e);
	assert_int_equal(calls_of(e, MMIOH_FID_UNMAP, n0), 2);
	assert_int_equal(e->m.nr, 0);
}

static void test_enomem_interleaved_refault(void **state)
{
	(void)state;
	enomem_interleaved(true);
}

static void test_enomem_interleaved_unmap_all(void **state)
{
	(void)state;
	enomem_interleaved(false);
}

/* Guarded but not mapped, then unmap_all: that granule is unguarded too. */
static void test_enomem_then_unmap_all(void **state)
{
	struct env *e = setup(&OPT_ANDROID);
	uint64_t a = WIN + 0x5000;
	unsigned long n0;

	(void)state;
	add_dev(e, WIN, M2);
	am_host_pt_fail_at(&e->h, 0);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(a)), AM_ENOMEM);
	am_host_pt_fail_at(&e->h, -1);
	check(e);
	assert_int_equal(e->m.nr, 1);
	n0 = e->x.n;
	assert_int_equal(am_mmio_unmap_all(&e->t), 1);
	check(e);
	assert_int_equal(e->x.n, n0 + 1);
	assert_int_equal(e->x.rec[n0].fid, MMIOH_FID_UNMAP);
	assert_int_equal(e->x.rec[n0].arg, a);
	assert_int_equal(e->m.nr, 0);
	assert_int_equal(e->t.guarded, 0);
	/* unguarded now: the next fault must guard it again */
	n0 = e->x.n;
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(a)), 0);
	check(e);
	assert_int_equal(calls_of(e, MMIOH_FID_MAP, n0), 1);
	assert_true(mmioh_guarded(&e->m, a));
}

/*
 * Two granules guarded but not mapped, one after the other; then (@refault)
 * both faults come again, and unmap_all: neither is forgotten, neither is
 * guarded twice, both are unguarded once.
 */
static void enomem_twice(bool refault)
{
	struct env *e = setup(&OPT_ANDROID);
	uint64_t a = WIN + 0x5000, b = WIN + M2 + 0x9000;
	unsigned long n0;

	add_dev(e, WIN, 2 * M2);
	am_host_pt_fail_at(&e->h, 0);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(a)), AM_ENOMEM);
	am_host_pt_fail_at(&e->h, 0);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(b)), AM_ENOMEM);
	am_host_pt_fail_at(&e->h, -1);
	check(e);
	assert_int_equal(e->m.nr, 2);
	if (refault) {
		n0 = e->x.n;
		assert_int_equal(am_mmio_handle_fault(&e->t, am_va(a)), 0);
		check(e);
		assert_int_equal(am_mmio_handle_fault(&e->t, am_va(b)), 0);
		check(e);
		assert_int_equal(calls_of(e, MMIOH_FID_MAP, n0), 0);
		expect_map(e, a, VMSA_ACC_R);
		expect_map(e, b, VMSA_ACC_R);
	}
	n0 = e->x.n;
	assert_int_equal(am_mmio_unmap_all(&e->t), 2);
	check(e);
	assert_int_equal(calls_of(e, MMIOH_FID_UNMAP, n0), 2);
	assert_int_equal(e->m.nr, 0);
	assert_int_equal(e->m.refused, 0);
}

static void test_enomem_twice_refault(void **state)
{
	(void)state;
	enomem_twice(true);
}

static void test_enomem_twice_unmap_all(void **state)
{
	(void)state;
	enomem_twice(false);
}

/* ---------------------------------------------------------- unmap_all -- */

/* Fault @addrs in, then unmap_all: exactly the guarded granules, once each. */
static void unmap_all_exact(struct env *e, const uint64_t *addrs, unsigned int n)
{
	uint64_t before[MAX_SLOTS];
	unsigned int nb, seen[MAX_SLOTS];
	unsigned long n0, t0;
	int rc;

	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(am_mmio_handle_fault(&e->t, am_va(addrs[i])), 0);
		check(e);
	}
	nb = e->m.nr;
	assert_true(nb > 0);
	memcpy(before, e->m.guarded, nb * sizeof(before[0]));
	memset(seen, 0, sizeof(seen));
	n0 = e->x.n;
	t0 = e->h.tlbi + e->h.tlbi_all;
	rc = am_mmio_unmap_all(&e->t);
	assert_int_equal(rc, (int)nb);
	check(e); /* the valid entries the TLB held were invalidated */
	assert_true(e->h.tlbi + e->h.tlbi_all > t0);
	assert_int_equal(e->x.n, n0 + nb);
	for (unsigned long i = n0; i < e->x.n; i++) {
		unsigned int j;

		assert_int_equal(e->x.rec[i].fid, MMIOH_FID_UNMAP);
		assert_int_equal(e->x.rec[i].ret, MMIOH_SUCCESS);
		for (j = 0; j < nb && before[j] != e->x.rec[i].arg; j++)
			;
		if (j == nb)
			fail_msg("UNMAP of %#llx, never guarded",
				 (unsigned long long)e->x.rec[i].arg);
		seen[j]++;
	}
	for (unsigned int j = 0; j < nb; j++)
		assert_int_equal(seen[j], 1);
	assert_int_equal(e->m.nr, 0);
	assert_int_equal(e->t.guarded, 0);
	/* every page parked and lazy again (invariants()), nothing valid */
	for (unsigned int i = 0; i < e->o.ndev; i++)
		for (uint64_t va = e->o.dev_base[i]; va < e->o.dev_base[i] + e->o.dev_size[i];
		     va += K4) {
			struct oracle_mmio_page p = page(e, va);

			assert_int_equal(p.valid, 0);
			assert_true(p.sw & AM_MMIO_SW_LAZY);
			assert_false(p.sw & AM_MMIO_SW_GUARDED);
		}
	for (unsigned int j = 0; j < nb; j++)
		assert_false(mmioh_allowed(&e->m, before[j], 4));
	/* nothing left: a second unmap_all has nothing to do */
	n0 = e->x.n;
	assert_int_equal(am_mmio_unmap_all(&e->t), 0);
	assert_int_equal(e->x.n, n0);
	check(e);
	/* a later access faults and guards anew */
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(am_mmio_handle_fault(&e->t, am_va(addrs[i])), 0);
		check(e);
	}
	assert_int_equal(e->m.nr, nb);
}

static void test_unmap_all(void **state)
{
	const uint64_t addrs[] = {UART + 0x10,	RTC + 3 * K4,	     WIN + 0x1000,
				  WIN + 0x2000, WIN + M2 + 0x1ff000, FAR_DEV};
	struct env *e = setup(&OPT_ANDROID);

	(void)state;
	add_dev(e, UART, K4);
	add_dev(e, RTC, 4 * K4);
	add_dev(e, WIN, 2 * M2);
	add_dev(e, FAR_DEV, K4);
	assert_int_equal(am_mmio_add_ram(&e->t, am_va(RAM0), M2, true), 0);
	unmap_all_exact(e, addrs, 6);
	assert_int_equal(am_mmio_unmap_all(NULL), AM_EINVAL);
	/* RAM stayed mapped */
	expect_map(e, RAM0, VMSA_ACC_W);
}

static void test_unmap_all_16k(void **state)
{
	/* the last two share a granule: they fault once */
	const uint64_t addrs[] = {RTC + K16 + K4, WIN + 0x6000, WIN + M2 + 0x10000,
				  WIN + M2 + 0x10000 + 0x4000, WIN + M2 + 0x14000 + 0x3000};
	struct env *e = setup_g(MMIOH_ABI_ANDROID, K16);

	(void)state;
	add_dev(e, RTC, 4 * K16);
	add_dev(e, WIN, 2 * M2);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(am_mmio_handle_fault(&e->t, am_va(addrs[i])), 0);
		check(e);
	}
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(addrs[4])), AM_ENOENT);
	assert_int_equal(e->m.nr, 4);
	{
		unsigned long n0 = e->x.n;

		assert_int_equal(am_mmio_unmap_all(&e->t), 4);
		check(e);
		assert_int_equal(calls_of(e, MMIOH_FID_UNMAP, n0), 4);
		for (unsigned long i = n0; i < e->x.n; i++)
			assert_int_equal(e->x.rec[i].arg & (K16 - 1), 0);
		assert_int_equal(e->m.nr, 0);
	}
	unmap_all_exact(e, addrs, 4);
}

/*
 * The hypervisor refuses an UNMAP: AM_EPERM; a retry finishes the job. The
 * walk parked all three granules before the first UNMAP (each granule is
 * unguarded only once its pages' invalidations completed): the refused one
 * and the one after it get their pages back, valid and guarded.
 */
static void test_unmap_all_refused(void **state)
{
	struct env *e = setup(&OPT_ANDROID);
	unsigned long n0;
	uint64_t first, refused;

	(void)state;
	add_dev(e, UART, K4);
	add_dev(e, RTC, 4 * K4);
	add_dev(e, WIN, M2);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(UART)), 0);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(RTC + K4)), 0);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN + 0x4000)), 0);
	check(e);
	am_host_pt_clear_log(&e->h);
	mmioh_fail(&e->m, MMIOH_UNMAP, 1, MMIOH_INVALID_PARAMETER, false);
	n0 = e->x.n;
	assert_int_equal(am_mmio_unmap_all(&e->t), AM_EPERM);
	mmioh_fail(&e->m, -1, 0, 0, false);
	/* it stopped at the refusal: one unguarded, two still guarded */
	assert_int_equal(e->x.n, n0 + 2);
	assert_int_equal(e->x.rec[n0].fid, MMIOH_FID_UNMAP);
	assert_int_equal(e->x.rec[n0].ret, MMIOH_SUCCESS);
	assert_int_equal(e->x.rec[n0 + 1].fid, MMIOH_FID_UNMAP);
	first = e->x.rec[n0].arg;
	refused = e->x.rec[n0 + 1].arg;
	assert_int_equal(e->m.nr, 2);
	assert_false(mmioh_guarded(&e->m, first));
	assert_true(mmioh_guarded(&e->m, refused));
	assert_true(logged_value(&e->h, (uint64_t)(int64_t)MMIOH_INVALID_PARAMETER));
	check(e); /* valid => guarded still holds, counts agree */
	/* the one before the refusal is parked */
	assert_int_equal(page(e, first).valid, 0);
	/* the refused one and the one queued after it: valid and guarded again */
	assert_int_equal(page(e, refused).valid, 1);
	assert_int_equal(page(e, WIN + 0x4000).valid, 1);
	expect_map(e, WIN + 0x4000, VMSA_ACC_R | VMSA_ACC_W);
	/* a retry unguards the rest, the refused one included */
	n0 = e->x.n;
	assert_int_equal(am_mmio_unmap_all(&e->t), 2);
	check(e);
	assert_int_equal(calls_of(e, MMIOH_FID_UNMAP, n0), 2);
	assert_int_equal(e->m.nr, 0);
	assert_int_equal(e->m.refused, 0);
}

/* The upstream ABI has no UNMAP: unmap_all is AM_ENOTSUP and changes nothing. */
static void test_unmap_all_upstream(void **state)
{
	struct env *e = setup_g(MMIOH_ABI_UPSTREAM, K4);
	struct oracle_mmio_snap s;

	(void)state;
	add_dev(e, RTC, 4 * K4);
	add_dev(e, WIN, M2);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(RTC + 2 * K4)), 0);
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN + 0x8000)), 0);
	check(e);
	/* MAP is the upstream MMIO_GUARD call; no ENROLL was needed */
	assert_int_equal(e->m.calls[MMIOH_MAP], 2);
	assert_int_equal(e->m.calls[MMIOH_OTHER], 0);
	assert_int_equal(e->m.refused, 0);
	snap(e, &s);
	assert_int_equal(am_mmio_unmap_all(&e->t), AM_ENOTSUP);
	unchanged(e, &s);
	check(e);
	assert_int_equal(e->m.nr, 2);
	expect_map(e, RTC + 2 * K4, VMSA_ACC_R);
	assert_true(mmioh_allowed(&e->m, WIN + 0x8000, 8));
}

/*
 * 16 KiB granule, a device that does not start on a granule: the granule
 * is guarded; only the device's own pages change.
 */
static void test_granule_beyond_device_16k(void **state)
{
	struct env *e = setup_g(MMIOH_ABI_ANDROID, K16);
	uint64_t c = 0x0a011000;
	unsigned long n0;

	(void)state;
	add_dev(e, c, 2 * K4); /* the middle of granule 0x0a010000 */
	n0 = e->x.n;
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(c + K4 + 4)), 0);
	check(e);
	assert_int_equal(e->x.n, n0 + 1);
	assert_int_equal(e->x.rec[n0].fid, MMIOH_FID_MAP);
	assert_int_equal(e->x.rec[n0].arg, 0x0a010000);
	assert_int_equal(page(e, c).valid, 1);
	assert_int_equal(page(e, c + K4).valid, 1);
	assert_int_equal(am_pt_query(&e->pt, am_va(0x0a010000), &(struct am_pt_leaf){0}),
			 AM_ENOENT);
	assert_int_equal(am_pt_query(&e->pt, am_va(c + 2 * K4), &(struct am_pt_leaf){0}),
			 AM_ENOENT);
	assert_int_equal(e->m.nr, 1);
	n0 = e->x.n;
	assert_int_equal(am_mmio_unmap_all(&e->t), 1);
	check(e);
	assert_int_equal(calls_of(e, MMIOH_FID_UNMAP, n0), 1);
	assert_int_equal(e->x.rec[n0].arg, 0x0a010000);
	assert_int_equal(e->m.nr, 0);
}

/*
 * 16 KiB granule, two one-page devices in one granule: the granule is
 * guarded once, counted once, and unguarded once.
 */
/* One granule guarded: unmap-all unguards it once, with no refusal. */
static void unmap_all_one(struct env *e)
{
	unsigned long n0 = e->x.n;

	assert_int_equal(am_mmio_unmap_all(&e->t), 1);
	check(e);
	assert_int_equal(calls_of(e, MMIOH_FID_UNMAP, n0), 1);
	assert_int_equal(e->m.refused, 0);
	assert_int_equal(e->m.nr, 0);
	assert_int_equal(e->t.guarded, 0);
}

static void test_shared_granule_16k(void **state)
{
	struct env *e = setup_g(MMIOH_ABI_ANDROID, K16);
	uint64_t g = 0x0a000000;
	unsigned long n0;

	(void)state;
	add_dev(e, g, K4);	    /* A */
	add_dev(e, g + 2 * K4, K4); /* B, same granule */
	n0 = e->x.n;
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(g + 0x10)), 0);
	check(e);
	assert_int_equal(e->x.rec[n0].arg, g);
	assert_int_equal(am_pt_query(&e->pt, am_va(g + K4), &(struct am_pt_leaf){0}), AM_ENOENT);
	assert_int_equal(am_pt_query(&e->pt, am_va(g + 3 * K4), &(struct am_pt_leaf){0}),
			 AM_ENOENT);
	/* B: valid with A, or faults and finds its granule guarded */
	if (!page(e, g + 2 * K4).valid)
		assert_int_equal(am_mmio_handle_fault(&e->t, am_va(g + 2 * K4)), 0);
	check(e);
	assert_int_equal(e->m.nr, 1);
	assert_int_equal(e->t.guarded, 1);
	unmap_all_one(e);
}

/*
 * Issue 10, fuzz finding 3: a device added into a 16 KiB granule that is
 * guarded already. Its pages are parked lazy; their first fault finds the
 * granule guarded and makes them valid without a second MMIO_GUARD_MAP,
 * so the tracker and the hypervisor count the granule once.
 */
static void test_device_added_into_guarded_granule(void **state)
{
	struct env *e = setup_g(MMIOH_ABI_ANDROID, K16);
	uint64_t g = 0x0a000000;
	unsigned long n0;

	(void)state;
	add_dev(e, g, K4); /* A */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(g + 0x10)), 0);
	check(e);
	assert_int_equal(e->t.guarded, 1);
	add_dev(e, g + 2 * K4, K4); /* B, after A's granule was guarded */
	check(e);
	n0 = e->x.n;
	if (!page(e, g + 2 * K4).valid)
		assert_int_equal(am_mmio_handle_fault(&e->t, am_va(g + 2 * K4 + 8)), 0);
	check(e);
	assert_true(page(e, g + 2 * K4).valid);
	assert_int_equal(calls_of(e, MMIOH_FID_MAP, n0), 0);
	assert_int_equal(e->m.nr, 1);
	assert_int_equal(e->t.guarded, 1);
	unmap_all_one(e);
}

/*
 * The two tracker findings of the fuzzers (tests/fuzz/corpus/mmio_guard/
 * new-1-*, new-2-*), with no table page to be had at all:
 * 1. four granules guarded but not made valid fill the pending list; a
 *    fifth fault then splits before it guards: out of pages, it guards
 *    nothing (no MAP) and logs one record, and the hypervisor and the
 *    tracker still agree on four granules (before: MAP, then a give-back
 *    whose UNMAP could fail, leaving a granule guarded and forgotten);
 * 2. unmap-all unguards the four and parks only valid pages: the pending
 *    granules' pages, still in their lazy block, need no split, so it
 *    succeeds with no record (before: a split for nothing, AM_ENOMEM and
 *    an internal-error record under a success).
 */
static void test_pending_full_no_pages(void **state)
{
	struct env *e = setup(&OPT_ANDROID);
	unsigned long n0, log0;

	(void)state;
	add_dev(e, WIN, M2);
	am_host_pt_fail_at(&e->h, 0);
	e->h.fail_sticky = true;
	for (unsigned int i = 0; i < AM_MMIO_PENDING; i++)
		assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN + i * K4)), AM_ENOMEM);
	assert_int_equal(e->m.nr, AM_MMIO_PENDING);
	assert_int_equal(e->t.guarded, AM_MMIO_PENDING);
	n0 = e->x.n;
	log0 = e->h.nlog_total;
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN + 8 * K4)), AM_ENOMEM);
	assert_int_equal(e->x.n, n0); /* no MAP, no UNMAP */
	assert_int_equal(e->h.nlog_total - log0, 1);
	assert_int_equal(e->m.nr, AM_MMIO_PENDING);
	assert_int_equal(e->t.guarded, AM_MMIO_PENDING);
	check(e);
	log0 = e->h.nlog_total;
	assert_int_equal(am_mmio_unmap_all(&e->t), (int)AM_MMIO_PENDING);
	assert_int_equal(e->h.nlog_total - log0, 0);
	am_host_pt_fail_at(&e->h, -1);
	assert_int_equal(e->m.nr, 0);
	assert_int_equal(e->t.guarded, 0);
	check(e);
	/* with pages again, the faults guard and map as ever */
	assert_int_equal(am_mmio_handle_fault(&e->t, am_va(WIN + 8 * K4)), 0);
	assert_int_equal(e->m.nr, 1);
	check(e);
}

/* ------------------------------------------------ the hypervisor side -- */

static struct am_mmio_hyp HY;
static uint64_t SLOTS[8];

static int hyp_setup(const struct am_mmio_abi *abi, uint64_t granule, unsigned int nslots,
		     struct oracle_mmio_ram *ram)
{
	struct am_mmio_hyp_config hc = {.abi = abi,
					.granule = granule,
					.slots = SLOTS,
					.nr_slots = nslots,
					.is_ram = ram ? oracle_mmio_is_ram : NULL,
					.ctx = ram};

	memset(&HY, 0x5a, sizeof(HY));
	return am_mmio_hyp_init(&HY, &hc);
}

static void test_hyp_init(void **state)
{
	struct am_mmio_hyp_config hc = {&am_mmio_abi_android, K4, SLOTS, 8, NULL, NULL, NULL};
	struct am_mmio_hyp_config c;

	(void)state;
	assert_int_equal(am_mmio_hyp_init(NULL, &hc), AM_EINVAL);
	assert_int_equal(am_mmio_hyp_init(&HY, NULL), AM_EINVAL);
	c = hc;
	c.abi = NULL;
	assert_int_equal(am_mmio_hyp_init(&HY, &c), AM_EINVAL);
	c = hc;
	c.slots = NULL;
	assert_int_equal(am_mmio_hyp_init(&HY, &c), AM_EINVAL);
	c = hc;
	c.nr_slots = 0;
	assert_int_equal(am_mmio_hyp_init(&HY, &c), AM_EINVAL);
	const uint64_t bad[] = {0, 0x800, 0x2000, 0x3000, 0x20000, 0x100000};
	for (unsigned int i = 0; i < 6; i++) {
		c = hc;
		c.granule = bad[i];
		assert_int_equal(am_mmio_hyp_init(&HY, &c), AM_EINVAL);
	}
	c = hc;
	c.granule = K16;
	assert_int_equal(am_mmio_hyp_init(&HY, &c), 0);
	c = hc;
	c.granule = K64;
	assert_int_equal(am_mmio_hyp_init(&HY, &c), 0);
	assert_int_equal(am_mmio_hyp_guarded(&HY), 0);
	assert_int_equal(am_mmio_hyp_init(&HY, &hc), 0);
	assert_int_equal(am_mmio_hyp_guarded(&HY), 0);
	assert_false(am_mmio_hyp_allowed(&HY, 0, 4));
}

static void test_hyp_android(void **state)
{
	struct env *e = &E0;
	const uint32_t MAP = MMIOH_FID_MAP, UNMAP = MMIOH_FID_UNMAP;

	(void)state;
	memset(e, 0, sizeof(*e));
	e->rh.granule = K16; /* the size oracle_mmio_is_ram() expects */
	e->rh.base[0] = 0x40000000;
	e->rh.size[0] = 0x1000; /* one page of RAM: refuses its whole granule */
	e->rh.n = 1;
	for (int gi = 0; gi < 2; gi++) {
		uint64_t g = gi ? K16 : K4;

		e->rh.granule = g;
		assert_int_equal(hyp_setup(&am_mmio_abi_android, g, 3, &e->rh), 0);
		assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_INFO, 0), (int64_t)g);
		assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_MEMINFO, 0), (int64_t)g);
		/* MAP before ENROLL */
		assert_int_equal(am_mmio_hyp_call(&HY, MAP, 0x9000000), MMIOH_INVALID_PARAMETER);
		assert_int_equal(am_mmio_hyp_guarded(&HY), 0);
		assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_ENROLL, 0), MMIOH_SUCCESS);
		assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_ENROLL, 0), MMIOH_SUCCESS);
		/* unaligned (for 16 KiB: page aligned is not enough) */
		assert_int_equal(am_mmio_hyp_call(&HY, MAP, 0x9000004), MMIOH_INVALID_PARAMETER);
		assert_int_equal(am_mmio_hyp_call(&HY, MAP, 0x9000000 + g / 2),
				 MMIOH_INVALID_PARAMETER);
		/* guest RAM, and a granule that holds some */
		e->rh.calls = 0;
		assert_int_equal(am_mmio_hyp_call(&HY, MAP, 0x40000000), MMIOH_INVALID_PARAMETER);
		assert_true(e->rh.calls > 0);
		assert_int_equal(e->rh.bad_size, 0);
		e->rh.base[0] = 0x40000000 + g - K4;
		assert_int_equal(am_mmio_hyp_call(&HY, MAP, 0x40000000), MMIOH_INVALID_PARAMETER);
		e->rh.base[0] = 0x40000000;
		assert_int_equal(am_mmio_hyp_call(&HY, MAP, 0x40000000 + g), MMIOH_SUCCESS);
		assert_int_equal(am_mmio_hyp_guarded(&HY), 1);
		/* double MAP keeps one slot */
		assert_int_equal(am_mmio_hyp_call(&HY, MAP, 0x9000000), MMIOH_SUCCESS);
		assert_int_equal(am_mmio_hyp_call(&HY, MAP, 0x9000000), MMIOH_SUCCESS);
		assert_int_equal(am_mmio_hyp_guarded(&HY), 2);
		assert_int_equal(am_mmio_hyp_call(&HY, MAP, 0), MMIOH_SUCCESS); /* IPA 0 is MMIO */
		assert_int_equal(am_mmio_hyp_guarded(&HY), 3);
		/* full */
		assert_int_equal(am_mmio_hyp_call(&HY, MAP, 0xa000000), MMIOH_INVALID_PARAMETER);
		assert_int_equal(am_mmio_hyp_guarded(&HY), 3);
		assert_false(am_mmio_hyp_allowed(&HY, 0xa000000, 4));
		/* full, but guarded already: still guarded once */
		assert_int_equal(am_mmio_hyp_call(&HY, MAP, 0x9000000), MMIOH_SUCCESS);
		assert_int_equal(am_mmio_hyp_guarded(&HY), 3);
		/* UNMAP of what is not guarded, or not a granule base */
		assert_int_equal(am_mmio_hyp_call(&HY, UNMAP, 0xa000000), MMIOH_INVALID_PARAMETER);
		assert_int_equal(am_mmio_hyp_call(&HY, UNMAP, 0x9000000 + K4 / 2),
				 MMIOH_INVALID_PARAMETER);
		assert_int_equal(am_mmio_hyp_call(&HY, UNMAP, 0x9000000 + g),
				 MMIOH_INVALID_PARAMETER);
		assert_int_equal(am_mmio_hyp_guarded(&HY), 3);
		/* UNMAP frees the slot */
		assert_int_equal(am_mmio_hyp_call(&HY, UNMAP, 0x9000000), MMIOH_SUCCESS);
		assert_int_equal(am_mmio_hyp_guarded(&HY), 2);
		assert_false(am_mmio_hyp_allowed(&HY, 0x9000000, 4));
		assert_int_equal(am_mmio_hyp_call(&HY, UNMAP, 0x9000000), MMIOH_INVALID_PARAMETER);
		assert_int_equal(am_mmio_hyp_call(&HY, MAP, 0xa000000), MMIOH_SUCCESS);
		assert_true(am_mmio_hyp_allowed(&HY, 0xa000000, g));
		assert_true(am_mmio_hyp_allowed(&HY, 0, 8));
		/* unknown function IDs, and the zero of an absent call */
		assert_int_equal(am_mmio_hyp_call(&HY, 0, 0), MMIOH_NOT_SUPPORTED);
		assert_int_equal(am_mmio_hyp_call(&HY, 0xC6000003u, 0), MMIOH_NOT_SUPPORTED);
		assert_int_equal(am_mmio_hyp_call(&HY, 0xC6000009u, 0), MMIOH_NOT_SUPPORTED);
		assert_int_equal(am_mmio_hyp_call(&HY, 0x84000000u, 0), MMIOH_NOT_SUPPORTED);
		assert_int_equal(am_mmio_hyp_call(&HY, 0xffffffffu, 0), MMIOH_NOT_SUPPORTED);
		assert_int_equal(am_mmio_hyp_guarded(&HY), 3);
	}
	/* no is_ram hook: nothing is RAM */
	assert_int_equal(hyp_setup(&am_mmio_abi_android, K4, 3, NULL), 0);
	assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_ENROLL, 0), MMIOH_SUCCESS);
	assert_int_equal(am_mmio_hyp_call(&HY, MAP, 0x40000000), MMIOH_SUCCESS);
	/* init again forgets the enrolment and the granules */
	assert_int_equal(hyp_setup(&am_mmio_abi_android, K4, 3, NULL), 0);
	assert_int_equal(am_mmio_hyp_call(&HY, MAP, 0x40000000), MMIOH_INVALID_PARAMETER);
	assert_int_equal(am_mmio_hyp_guarded(&HY), 0);
}

static void test_hyp_upstream(void **state)
{
	(void)state;
	assert_int_equal(hyp_setup(&am_mmio_abi_upstream, K16, 4, NULL), 0);
	assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_MEMINFO, 0), (int64_t)K16);
	/* the Android-only IDs do not exist here */
	assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_INFO, 0), MMIOH_NOT_SUPPORTED);
	assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_UNMAP, 0x9000000), MMIOH_NOT_SUPPORTED);
	/* no ENROLL needed, and none accepted */
	assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_MAP, 0x9000000), MMIOH_SUCCESS);
	assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_ENROLL, 0), MMIOH_NOT_SUPPORTED);
	assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_MAP, 0x9002000), MMIOH_INVALID_PARAMETER);
	assert_int_equal(am_mmio_hyp_call(&HY, 0, 0), MMIOH_NOT_SUPPORTED);
	assert_int_equal(am_mmio_hyp_call(&HY, 0, 0x9000000), MMIOH_NOT_SUPPORTED);
	assert_int_equal(am_mmio_hyp_guarded(&HY), 1);
	assert_true(am_mmio_hyp_allowed(&HY, 0x9000000, K16));
	assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_UNMAP, 0x9000000), MMIOH_NOT_SUPPORTED);
	assert_int_equal(am_mmio_hyp_guarded(&HY), 1);
}

static void test_hyp_allowed(void **state)
{
	(void)state;
	for (int gi = 0; gi < 2; gi++) {
		uint64_t g = gi ? K16 : K4, a = 0x9000000;

		assert_int_equal(hyp_setup(&am_mmio_abi_upstream, g, 8, NULL), 0);
		assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_MAP, a), MMIOH_SUCCESS);
		assert_true(am_mmio_hyp_allowed(&HY, a, 1));
		assert_true(am_mmio_hyp_allowed(&HY, a, g));
		assert_true(am_mmio_hyp_allowed(&HY, a + g - 8, 8));
		assert_true(am_mmio_hyp_allowed(&HY, a + g / 2 + 3, 4));
		/* spanning into an unguarded granule, either side */
		assert_false(am_mmio_hyp_allowed(&HY, a + g - 4, 8));
		assert_false(am_mmio_hyp_allowed(&HY, a - 4, 8));
		assert_false(am_mmio_hyp_allowed(&HY, a, g + 1));
		assert_false(am_mmio_hyp_allowed(&HY, a + g, 4));
		assert_false(am_mmio_hyp_allowed(&HY, a - 1, 1));
		/* both guarded: the span is fine; a gap between: not */
		assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_MAP, a + g), MMIOH_SUCCESS);
		assert_true(am_mmio_hyp_allowed(&HY, a + g - 4, 8));
		assert_true(am_mmio_hyp_allowed(&HY, a, 2 * g));
		assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_MAP, a + 3 * g), MMIOH_SUCCESS);
		assert_false(am_mmio_hyp_allowed(&HY, a, 4 * g));
		assert_true(am_mmio_hyp_allowed(&HY, a + 3 * g, g));
		/* the top of the address space: its last granule cannot be
		 * guarded (its end wraps), and a span that wraps is not allowed */
		assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_MAP, 0), MMIOH_SUCCESS);
		assert_int_equal(am_mmio_hyp_call(&HY, MMIOH_FID_MAP, (uint64_t)0 - g),
				 MMIOH_INVALID_PARAMETER);
		assert_true(am_mmio_hyp_allowed(&HY, 0, 8));
		assert_false(am_mmio_hyp_allowed(&HY, ~0ull - 7, 8));
		assert_false(am_mmio_hyp_allowed(&HY, ~0ull - 3, 8));
		assert_false(am_mmio_hyp_allowed(&HY, a, 0));
	}
}

/* The src hypervisor side and the model, fed the same random calls. */
static void test_hyp_vs_model(void **state)
{
	static struct mmioh m;
	struct env *e = &E0;

	(void)state;
	memset(e, 0, sizeof(*e));
	srand(4711);
	for (int cfg = 0; cfg < 4; cfg++) {
		enum mmioh_abi abi = cfg & 1 ? MMIOH_ABI_UPSTREAM : MMIOH_ABI_ANDROID;
		uint64_t g = cfg & 2 ? K16 : K4, base = 0x9000000;

		assert_int_equal(mmioh_init(&m, abi, g, 6), 0);
		assert_int_equal(mmioh_add_ram(&m, base + 5 * g, g / 2), 0);
		e->rh.granule = g;
		e->rh.n = 1;
		e->rh.base[0] = base + 5 * g;
		e->rh.size[0] = g / 2;
		assert_int_equal(hyp_setup(abi_of(abi), g, 6, &e->rh), 0);
		for (int i = 0; i < 3000; i++) {
			const uint32_t fids[] = {MMIOH_FID_MEMINFO, MMIOH_FID_INFO,
						 MMIOH_FID_ENROLL,  MMIOH_FID_MAP,
						 MMIOH_FID_UNMAP,   0,
						 0xC6000001u,	    0xC6000009u};
			uint32_t fid = rand() % 3 ? (rand() % 2 ? MMIOH_FID_MAP : MMIOH_FID_UNMAP)
						  : fids[rand() % 8];
			uint64_t arg = base + (uint64_t)(rand() % 16) * g;
			int64_t want, got;

			if (fid == MMIOH_FID_ENROLL && rand() % 4)
				continue; /* keep the unenrolled phase long */
			if (rand() % 8 == 0)
				arg += (uint64_t)(rand() % 4) * K4 + (rand() % 2);
			want = mmioh_call(&m, fid, arg);
			got = am_mmio_hyp_call(&HY, fid, arg);
			if (want != got)
				fail_msg("cfg %d call %d: fid %#x arg %#llx: %lld, the model %lld",
					 cfg, i, fid, (unsigned long long)arg, (long long)got,
					 (long long)want);
			ok(oracle_mmio_hyp_diff(&HY, &m, base - g, base + 17 * g, WHY,
						sizeof(WHY)));
		}
		assert_true(m.calls[MMIOH_MAP] > 500);
		assert_true(m.refused > 100);
	}
}

/* --------------------------------------------------- the whole guest -- */

/*
 * The same random guest, twice: against the model and against the src
 * hypervisor side. Same results, same hypercalls, same tables, same
 * guarded sets; the invariants hold on both after every step.
 */
static void test_tracker_differential(void **state)
{
	(void)state;
	srand(2024);
	for (int cfg = 0; cfg < 2; cfg++) {
		struct opts o = OPT_ANDROID;
		struct env *e[2];
		uint64_t g = cfg ? K16 : K4, space = 0x10000000, span = 8 * M2;

		o.granule = g;
		o.mmio_cap = 12;
		o.slots = 24; /* small enough to be refused sometimes */
		e[0] = setup_env(&E0, &o);
		o.src = true;
		e[1] = setup_env(&E1, &o);
		/* the hypervisors see RAM where the guest put a device */
		for (int k = 0; k < 2; k++) {
			assert_int_equal(mmioh_add_ram(&e[k]->m, space + 6 * M2, M2), 0);
			e[k]->rh.n = 1;
			e[k]->rh.base[0] = space + 6 * M2;
			e[k]->rh.size[0] = M2;
		}
		for (int it = 0; it < 400; it++) {
			int op = rand() % 10;
			uint64_t a = space + (uint64_t)(rand() % (int)(span / K4)) * K4;
			int rc[2];
			unsigned long n0[2] = {e[0]->x.n, e[1]->x.n};

			if (op < 2) {
				uint64_t sz = rand() % 3 ? (uint64_t)(1 + rand() % 8) * K4
							 : (uint64_t)(1 + rand() % 2) * M2;

				if (rand() % 2)
					a &= ~(M2 - 1);
				for (int k = 0; k < 2; k++)
					rc[k] = am_mmio_add_device(&e[k]->t, am_va(a), sz);
				assert_int_equal(rc[0], rc[1]);
				if (!rc[0])
					for (int k = 0; k < 2; k++) {
						assert_true(oracle_mmio_add_dev(&e[k]->o, a, sz));
					}
			} else if (op < 9) {
				/* fault mostly where a device is */
				if (e[0]->o.ndev && rand() % 4) {
					unsigned int d = (unsigned int)rand() % e[0]->o.ndev;

					a = e[0]->o.dev_base[d] +
					    (uint64_t)rand() % e[0]->o.dev_size[d];
				}
				for (int k = 0; k < 2; k++)
					rc[k] = am_mmio_handle_fault(&e[k]->t, am_va(a));
				assert_int_equal(rc[0], rc[1]);
				assert_true(rc[0] == 0 || rc[0] == AM_ENOENT || rc[0] == AM_EPERM);
			} else {
				for (int k = 0; k < 2; k++)
					rc[k] = am_mmio_unmap_all(&e[k]->t);
				assert_int_equal(rc[0], rc[1]);
				assert_true(rc[0] >= 0);
				assert_int_equal(e[0]->m.nr, 0);
			}
			for (int k = 0; k < 2; k++)
				check(e[k]);
			/* the same hypercalls, the same answers */
			assert_int_equal(e[0]->x.n - n0[0], e[1]->x.n - n0[1]);
			for (unsigned long i = 0; i < e[0]->x.n - n0[0]; i++) {
				const struct mmioh_call_rec *p = &e[0]->x.rec[n0[0] + i],
							    *q = &e[1]->x.rec[n0[1] + i];

				assert_int_equal(p->fid, q->fid);
				assert_int_equal(p->arg, q->arg);
				assert_int_equal(p->ret, q->ret);
			}
			/* the same guarded sets, the same tables */
			assert_int_equal(oracle_mmio_hyp_nr(&e[0]->o),
					 oracle_mmio_hyp_nr(&e[1]->o));
			for (uint64_t x = space - g; x < space + span + 2 * M2; x += g)
				assert_int_equal(oracle_mmio_hyp_allowed(&e[0]->o, x, 4),
						 oracle_mmio_hyp_allowed(&e[1]->o, x, 4));
			assert_int_equal(am_pt_tables(&e[0]->pt), am_pt_tables(&e[1]->pt));
			assert_memory_equal(e[0]->h.pool, e[1]->h.pool, POOL_PAGES * 4096u);
		}
		assert_true(e[0]->m.calls[MMIOH_MAP] > 50);
		assert_true(e[0]->m.calls[MMIOH_UNMAP] > 10);
		teardown(NULL);
	}
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_abi_ids, teardown),
		cmocka_unit_test_teardown(test_init_android, teardown),
		cmocka_unit_test_teardown(test_init_upstream, teardown),
		cmocka_unit_test_teardown(test_init_refusals, teardown),
		cmocka_unit_test_teardown(test_init_no_storage, teardown),
		cmocka_unit_test_teardown(test_add_ram, teardown),
		cmocka_unit_test_teardown(test_add_device_lazy, teardown),
		cmocka_unit_test_teardown(test_add_refusals, teardown),
		cmocka_unit_test_teardown(test_add_table_errors, teardown),
		cmocka_unit_test_teardown(test_fault_4k, teardown),
		cmocka_unit_test_teardown(test_fault_splits_block, teardown),
		cmocka_unit_test_teardown(test_fault_16k, teardown),
		cmocka_unit_test_teardown(test_fault_enoent, teardown),
		cmocka_unit_test_teardown(test_fault_refused, teardown),
		cmocka_unit_test_teardown(test_unmap_all_one_pass, teardown),
		cmocka_unit_test_teardown(test_unmap_all_runs, teardown),
		cmocka_unit_test_teardown(test_fault_enomem, teardown),
		cmocka_unit_test_teardown(test_enomem_then_unmap_all, teardown),
		cmocka_unit_test_teardown(test_enomem_interleaved_refault, teardown),
		cmocka_unit_test_teardown(test_enomem_interleaved_unmap_all, teardown),
		cmocka_unit_test_teardown(test_enomem_twice_refault, teardown),
		cmocka_unit_test_teardown(test_enomem_twice_unmap_all, teardown),
		cmocka_unit_test_teardown(test_unmap_all, teardown),
		cmocka_unit_test_teardown(test_unmap_all_16k, teardown),
		cmocka_unit_test_teardown(test_unmap_all_refused, teardown),
		cmocka_unit_test_teardown(test_unmap_all_upstream, teardown),
		cmocka_unit_test_teardown(test_granule_beyond_device_16k, teardown),
		cmocka_unit_test_teardown(test_granule_64k, teardown),
		cmocka_unit_test_teardown(test_shared_granule_16k, teardown),
		cmocka_unit_test_teardown(test_guest_granule_64k, teardown),
		cmocka_unit_test_teardown(test_device_added_into_guarded_granule, teardown),
		cmocka_unit_test_teardown(test_pending_full_no_pages, teardown),
		cmocka_unit_test_teardown(test_hyp_init, teardown),
		cmocka_unit_test_teardown(test_hyp_android, teardown),
		cmocka_unit_test_teardown(test_hyp_upstream, teardown),
		cmocka_unit_test_teardown(test_hyp_allowed, teardown),
		cmocka_unit_test_teardown(test_hyp_vs_model, teardown),
		cmocka_unit_test_teardown(test_tracker_differential, teardown),
	};

	AM_RUN_SUITE("unit-mmio_guard", tests);
}
