/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-r52: armmap's MPU map on a real (emulated) Armv8-R core, a
 * Cortex-R52 (QEMU mps3-an536, from QEMU 10), which starts in Hyp mode
 * (EL2). Also `make demo`.
 *
 * At EL2, a small hypervisor laid out as Xen's MPU port lays itself out:
 * am_mpu_boot() gives its code RX, its constants RO, its data RW and the
 * UART Device, all EL2 only, and the EL2 MPU comes on with no background
 * region (an address no region covers faults). Then, through the
 * arch/armv8r backend: map and unmap, read-only and execute-never regions,
 * reference-counted inclusive maps (seed 000), unmap_containing (seed
 * 001), split and merge, vmap_contig / vunmap, modify, and the table filled
 * to the hardware's own count (HMPUIR) until AM_ENOSPC. Every check makes
 * real loads, stores and instruction fetches; the aborts it expects are
 * taken in Hyp mode and recorded (HSR, HDFAR / HIFAR) and decoded. A
 * refused call leaves every region register of the hardware unchanged,
 * and after every check the hardware equals the map's view of it
 * (tests/qemu/mpu_common/kit.h).
 *
 * At EL1, a guest under HCR.VM = 1, for which the EL2 MPU is the second
 * stage: the hypervisor gives it its code and data with armmap (regions
 * EL1 may use), an access outside them takes a stage-2 MPU fault to Hyp
 * mode (HSR EC 0x24, HDFAR, HPFAR), where the hypervisor maps a second
 * window of guest RAM on demand and resumes the guest, or refuses the
 * access (the hypervisor's own memory). The guest (guest.c) programs its
 * own EL1 MPU with armmap's v8-R AArch32 flavour and the same backend, and
 * takes its own faults at EL1.
 */
#include <armmap/errors.h>
#include <armmap/mpu.h>

#include "arch/armv8r/cp15.h"
#include <armmap/arch/armv8r/mpu.h>
#include "tests/qemu/mpu_common/kit.h"
#include "tests/qemu/r52/abi.h"
#include "tests/qemu/r52/image.h"

#define PAGE 0x1000u
#define EXEC_FAULTED 0xfa17fa17u

const char check_suite[] = "qemu-r52";

/* The guest (guest.c, guest_entry.S): what the hypervisor knows of it. */
extern char guest_entry[], guest_ld_insn[];

static struct am_armv8r_ctx g_ctx; /* the EL2 MPU */
static struct am_mpu_region g_regions[AM_MPU_MAX_REGIONS];
static unsigned int g_nr;	 /* HMPUIR.REGION */
static unsigned int g_boot_used; /* regions of the boot table */
static int g_init_rc = 1, g_boot_rc = 1;

/* ---------------------------------------------------------------------- */
/* Hyp mode registers                                                      */
/* ---------------------------------------------------------------------- */

static uint32_t rd_hsr(void)
{
	return AM_CP15_READ(4, c5, c2, 0);
}
static uint32_t rd_hdfar(void)
{
	return AM_CP15_READ(4, c6, c0, 0);
}
static uint32_t rd_hifar(void)
{
	return AM_CP15_READ(4, c6, c0, 2);
}
static uint32_t rd_hpfar(void)
{
	return AM_CP15_READ(4, c6, c0, 4);
}
static uint32_t rd_hcr(void)
{
	return AM_CP15_READ(4, c1, c1, 0);
}
static void wr_hcr(uint32_t v)
{
	AM_CP15_WRITE(4, c1, c1, 0, v);
	__asm__ volatile("isb" : : : "memory");
}

#define HCR_VM 0x1u
#define HSR_EC(hsr) ((hsr) >> 26)
#define EC_HVC 0x12u
#define EC_PABT_LOW 0x20u
#define EC_PABT_CUR 0x21u
#define EC_DABT_LOW 0x24u
#define EC_DABT_CUR 0x25u

static const char *ec_name(uint32_t ec)
{
	switch (ec) {
	case EC_HVC:
		return "HVC from EL1";
	case EC_PABT_LOW:
		return "prefetch abort from EL1 (stage 2)";
	case EC_PABT_CUR:
		return "prefetch abort in Hyp mode";
	case EC_DABT_LOW:
		return "data abort from EL1 (stage 2)";
	case EC_DABT_CUR:
		return "data abort in Hyp mode";
	default:
		return "other";
	}
}

/* The fault status code of a data or prefetch abort (HSR.ISS[5:0]), in words. */
static const char *fsc_name(uint32_t fsc)
{
	switch (fsc & 0x3cu) {
	case 0x04:
		return "translation (background) fault";
	case 0x08:
		return "access flag fault";
	case 0x0c:
		return "permission fault";
	default:
		return fsc == 0x21 ? "alignment fault" : "other fault";
	}
}

/* ---------------------------------------------------------------------- */
/* Faults in Hyp mode, and the probes                                      */
/* ---------------------------------------------------------------------- */

static struct {
	unsigned int count;
	uint32_t hsr, far, hpfar, elr;
} g_fault;
static volatile uint32_t g_exec_target;

static void record(uint32_t hsr, uint32_t far, uint32_t elr)
{
	g_fault.count++;
	g_fault.hsr = hsr;
	g_fault.far = far;
	g_fault.hpfar = rd_hpfar();
	g_fault.elr = elr;
}

static void show_fault(void)
{
	uint32_t ec = HSR_EC(g_fault.hsr), fsc = g_fault.hsr & 0x3fu;

	con_printf("Hyp abort: HSR=0x%08x (EC 0x%02x %s, %s%s, level %u) %s=0x%08x", g_fault.hsr,
		   ec, ec_name(ec), fsc_name(fsc),
		   (ec == EC_DABT_CUR || ec == EC_DABT_LOW)
			   ? ((g_fault.hsr & 0x40u) ? ", write" : ", read")
			   : "",
		   fsc & 3u, (ec == EC_PABT_CUR || ec == EC_PABT_LOW) ? "HIFAR" : "HDFAR",
		   g_fault.far);
}

static bool fault_at(uint32_t addr)
{
	return HSR_EC(g_fault.hsr) == EC_DABT_CUR && g_fault.far == addr;
}

static bool probe_read(uint32_t addr, uint32_t *val)
{
	unsigned int before = g_fault.count;
	uint32_t v = probe_ld(addr);

	if (g_fault.count != before)
		return false;
	if (val)
		*val = v;
	return true;
}

static bool probe_write(uint32_t addr, uint32_t val)
{
	unsigned int before = g_fault.count;

	probe_st(addr, val);
	return g_fault.count == before;
}

/* Call the A32 code at @addr: its r0, or EXEC_FAULTED after a prefetch abort there. */
static uint32_t probe_exec(uint32_t addr)
{
	uint32_t (*fn)(void) = (uint32_t(*)(void))(uintptr_t)addr;
	uint32_t r;

	__asm__ volatile("dsb sy\n\tmcr p15, 0, %0, c7, c5, 0\n\tisb" : : "r"(0) : "memory");
	g_exec_target = addr;
	r = fn();
	g_exec_target = 0;
	return r;
}

static void dump(const struct hyp_frame *f, uint32_t hsr)
{
	con_release();
	con_printf("unexpected exception in Hyp mode (vector slot %u): HSR=0x%08x (EC 0x%02x %s) "
		   "ELR_hyp=0x%08x SPSR_hyp=0x%08x HDFAR=0x%08x HIFAR=0x%08x HPFAR=0x%08x\n",
		   f->slot, hsr, HSR_EC(hsr), ec_name(HSR_EC(hsr)), f->elr, f->spsr, rd_hdfar(),
		   rd_hifar(), rd_hpfar());
	con_printf("  r0=0x%08x r1=0x%08x r2=0x%08x r3=0x%08x lr=0x%08x\n", f->r[0], f->r[1],
		   f->r[2], f->r[3], f->lr);
	fatal("unexpected exception");
}

static bool guest_trap(struct hyp_frame *f, uint32_t hsr);

void hyp_exception(struct hyp_frame *f)
{
	uint32_t hsr = rd_hsr();

	if (f->slot == SLOT_DABT &&
	    (f->elr == (uintptr_t)probe_ld_insn || f->elr == (uintptr_t)probe_st_insn)) {
		record(hsr, rd_hdfar(), f->elr);
		if (f->elr == (uintptr_t)probe_ld_insn)
			f->r[0] = 0;
		f->elr += 4; /* past the access */
		return;
	}
	if (f->slot == SLOT_PABT && g_exec_target && f->elr == g_exec_target) {
		record(hsr, rd_hifar(), f->elr);
		f->elr = f->lr; /* as if the call had returned */
		f->r[0] = EXEC_FAULTED;
		return;
	}
	if (f->slot == SLOT_TRAP && guest_trap(f, hsr))
		return;
	dump(f, hsr);
}

/* ---------------------------------------------------------------------- */
/* The map                                                                 */
/* ---------------------------------------------------------------------- */

static int hw_read(unsigned int idx, uint64_t *rbar, uint64_t *rlar)
{
	return am_armv8r_mpu_read(AM_ARMV8R_MPU_EL2, idx, rbar, rlar);
}

static const struct kit_hw g_hw = {
	.mpu_name = "EL2 MPU",
	.flavour = AM_MPU_V8R_AARCH32,
	.ops = &am_armv8r_mpu_ops,
	.ctx = &g_ctx,
	.lock_depth = &g_ctx.depth,
	.read = hw_read,
	.probe_read = probe_read,
	.probe_write = probe_write,
	.show_fault = show_fault,
	.fault_at = fault_at,
};
static struct kit_hw g_hwd; /* g_hw with the count the hardware reports */

/* The whole window is unmapped again: nothing of it answers. */
static void expect_window_free(void)
{
	unsigned int idx;

	EXPECT(am_mpu_lookup(&kit_map, WIN, WIN_END, &idx) == AM_MPU_NOTFOUND,
	       "something is still mapped in the test window\n");
}

/* ---------------------------------------------------------------------- */
/* EL2 checks                                                              */
/* ---------------------------------------------------------------------- */

static void ck_boot(void)
{
	struct am_mpu_config cfg = {.flavour = AM_MPU_V8R_AARCH32,
				    .nr_regions = 0, /* ask the hardware */
				    .storage = g_regions,
				    .storage_len = AM_MPU_MAX_REGIONS,
				    .flags = AM_MPU_F_SPLIT};
	const struct am_mpu_boot_region boot[] = {
		{(uintptr_t)__text_start, (uintptr_t)__text_end, kit_rx},
		{(uintptr_t)__rodata_start, (uintptr_t)__rodata_end, kit_ro},
		{(uintptr_t)__ram_start, (uintptr_t)__ram_end, kit_rw},
		{UART_BASE, UART_BASE + PAGE, kit_dev},
	};
	static const char *const names[] = {"code (RX)", "constants (RO)", "data, stack (RW)",
					    "UART (Device)"};
	unsigned int i;

	check_begin();
	g_nr = am_armv8r_regions(AM_ARMV8R_MPU_EL2);
	g_hwd = g_hw;
	g_hwd.nr = g_nr;
	kit_init(&g_hwd);
	con_printf("  HMPUIR: %u EL2 MPU regions; MPUIR: %u EL1 MPU regions; HSCTLR 0x%08lx\n",
		   g_nr, am_armv8r_regions(AM_ARMV8R_MPU_EL1),
		   (unsigned long)am_armv8r_sctlr(AM_ARMV8R_MPU_EL2));
	EXPECT(g_nr >= 8 && g_nr <= KIT_MAX_HW, "HMPUIR reports %u regions\n", g_nr);
	g_init_rc = am_mpu_init(&kit_map, &cfg, &kit_ops, &g_ctx);
	kit_after_call("am_mpu_init");
	EXPECT(g_init_rc == 0, "am_mpu_init: %s\n", errname(g_init_rc));
	EXPECT(am_mpu_capacity(&kit_map) == g_nr, "the map manages %u regions, not %u\n",
	       am_mpu_capacity(&kit_map), g_nr);
	g_boot_rc = am_mpu_boot(&kit_map, boot, 4);
	kit_after_call("am_mpu_boot");
	EXPECT(g_boot_rc == 0, "am_mpu_boot: %s\n", errname(g_boot_rc));
	if (g_boot_rc == 0) {
		am_armv8r_mpu_enable(AM_ARMV8R_MPU_EL2, false);
		g_boot_used = am_mpu_used(&kit_map);
	}
	for (i = 0; i < 4; i++)
		kit_show_region(i, names[i]);
	con_printf("  EL2 MPU on (HSCTLR 0x%08lx: M set, BR clear: no background region); the "
		   "image keeps running from its regions\n",
		   (unsigned long)am_armv8r_sctlr(AM_ARMV8R_MPU_EL2));
	EXPECT(am_armv8r_sctlr(AM_ARMV8R_MPU_EL2) & AM_ARMV8R_SCTLR_M, "HSCTLR.M is clear\n");
	EXPECT(!(am_armv8r_sctlr(AM_ARMV8R_MPU_EL2) & AM_ARMV8R_SCTLR_BR), "HSCTLR.BR is set\n");
	kit_expect_none(WIN, true); /* no region, no background: a fault */
	kit_end("am_mpu_boot lays the hypervisor out as Xen's MPU port does (code RX, constants "
		"RO, data RW, UART Device) and the EL2 MPU comes on with no background region");
}

static void ck_rw(void)
{
	int r;

	check_begin();
	r = kit_map_range(WIN, WIN + PAGE, &kit_rw, true);
	kit_expect_bounds(r, WIN, WIN + PAGE);
	kit_expect_rw(WIN, true);
	kit_expect_rw(WIN + PAGE - 4, false);
	kit_expect_none(WIN + PAGE, true);
	kit_unmap_range(WIN, WIN + PAGE, true);
	kit_expect_none(WIN, true);
	kit_end("map gives real read/write access to exactly the range; unmap takes it away (a "
		"data abort in Hyp mode, HDFAR = the address)");
}

static void ck_ro(void)
{
	int r;

	check_begin();
	r = kit_map_range(WIN, WIN + PAGE, &kit_ro, true);
	kit_expect_bounds(r, WIN, WIN + PAGE);
	kit_expect_load(WIN, false, true, NULL);
	kit_expect_store(WIN, 1, true, true);
	EXPECT((g_fault.hsr & 0x3cu) == 0x0c && (g_fault.hsr & 0x40u),
	       "the store's abort is not a permission fault on a write (HSR 0x%08x)\n",
	       g_fault.hsr);
	kit_unmap_range(WIN, WIN + PAGE, false);
	kit_end("a read-only region: loads work, a store takes a permission fault");
}

static void ck_exec(void)
{
	static const uint32_t code[] = {0xe3a0002au /* mov r0, #42 */, 0xe12fff1eu /* bx lr */};
	unsigned int before;
	uint32_t r;
	int idx;

	check_begin();
	idx = kit_map_range(WIN, WIN + PAGE, &kit_rw, true);
	probe_st(WIN, code[0]);
	probe_st(WIN + 4, code[1]);
	before = g_fault.count;
	r = probe_exec(WIN);
	con_printf("  call 0x%08x in the RW (execute-never) region -> %s", WIN,
		   r == EXEC_FAULTED ? "" : "returned\n");
	if (r == EXEC_FAULTED) {
		show_fault();
		con_printf("\n");
	}
	EXPECT(r == EXEC_FAULTED && g_fault.count == before + 1 &&
		       HSR_EC(g_fault.hsr) == EC_PABT_CUR && g_fault.far == WIN,
	       "the fetch did not take a prefetch abort at 0x%08x (r0 0x%08x)\n", WIN, r);
	r = (uint32_t)am_mpu_modify(&kit_map, WIN, WIN + PAGE, &kit_rx);
	kit_after_call("am_mpu_modify");
	con_printf("  modify [0x%08x, 0x%08x) -> RX: %s\n", WIN, WIN + PAGE, errname((int)r));
	kit_expect_bounds(idx, WIN, WIN + PAGE);
	r = probe_exec(WIN);
	con_printf("  call 0x%08x in the RX region -> %s, r0 = %u\n", WIN,
		   r == EXEC_FAULTED ? "prefetch abort" : "returned", r);
	EXPECT(r == 42, "the code in the RX region did not run (0x%08x)\n", r);
	kit_expect_store(WIN, 0, true, false);
	kit_unmap_range(WIN, WIN + PAGE, false);
	kit_end("instruction fetches: an RW region is execute-never (a prefetch abort in Hyp mode, "
		"HIFAR = the address); modified to RX, the same code runs and stores fault");
}

static void ck_inclusive(void)
{
	int outer, inner;

	check_begin();
	outer = kit_map_range(WIN, WIN + 0x10000, &kit_rw, true);
	inner = kit_map_range(WIN + 0x1000, WIN + 0x2000, &kit_rw, true);
	con_printf("  region %d holds %u extra reference(s); regions in use %u\n", outer,
		   kit_refs(outer), am_mpu_used(&kit_map));
	EXPECT(inner == outer && kit_refs(outer) == 1,
	       "the inclusive map did not take a reference on region %d (got %d, refs %u)\n", outer,
	       inner, kit_refs(outer));
	kit_unmap_range(WIN + 0x1000, WIN + 0x2000, true);
	EXPECT(kit_refs(outer) == 0, "refs %u after the inner unmap\n", kit_refs(outer));
	kit_expect_rw(WIN + 0x1000, true); /* the region stays */
	kit_unmap_range(WIN, WIN + 0x10000, true);
	kit_expect_none(WIN + 0x1000, true);
	kit_end("seed 000: a map inside a region with the same attributes takes a reference; "
		"the region goes with its last reference");
}

static void ck_refusals(void)
{
	struct kit_snap s;
	unsigned int log0;
	int rc;

	check_begin();
	kit_map_range(WIN, WIN + 0x10000, &kit_rw, true);
	kit_snap(&s);
	log0 = kit_log_count();
	rc = kit_map_range(WIN + 0xf000, WIN + 0x11000, &kit_rw, true);
	EXPECT(rc < 0, "a map across the region's end was accepted\n");
	rc = kit_map_range(WIN + 0x1000, WIN + 0x2000, &kit_ro, true);
	EXPECT(rc < 0, "a read-only map inside a read-write region was accepted\n");
	rc = kit_map_range(WIN + 0x20, WIN + 0x1000, &kit_rw, true);
	EXPECT(rc == AM_EINVAL, "a base off the 64-byte granule: %s\n", errname(rc));
	rc = kit_map_range(WIN + 0x30000, WIN + 0x20000, &kit_rw, true);
	EXPECT(rc == AM_EINVAL, "a limit below the base: %s\n", errname(rc));
	rc = kit_unmap_range(WIN + 0x40000, WIN + 0x41000, true);
	EXPECT(rc < 0, "an unmap of nothing was accepted\n");
	EXPECT(kit_log_count() - log0 == 5, "%u log records for 5 refusals\n",
	       kit_log_count() - log0);
	kit_expect_unchanged(&s);
	kit_unmap_range(WIN, WIN + 0x10000, false);
	kit_end("refusals (an overlap, an attribute mismatch, a base off the granule, a limit "
		"below the base, an unmap of nothing): an error code, one log record each, and "
		"every region register of the EL2 MPU unchanged");
}

static void ck_containing(void)
{
	struct kit_snap s;
	int rc;

	check_begin();
	kit_map_range(WIN, WIN + 0x4000, &kit_rw, true);
	rc = am_mpu_unmap_containing(&kit_map, WIN + 0x1234);
	kit_after_call("am_mpu_unmap_containing");
	con_printf("  unmap_containing(0x%08x) -> %s\n", WIN + 0x1234, errname(rc));
	EXPECT(rc >= 0, "unmap_containing: %s\n", errname(rc));
	kit_expect_none(WIN, true);
	kit_expect_none(WIN + 0x3ffc, false);
	kit_snap(&s);
	rc = am_mpu_unmap_containing(&kit_map, WIN + 0x1234);
	kit_after_call("am_mpu_unmap_containing");
	con_printf("  unmap_containing(0x%08x) again -> %s\n", WIN + 0x1234, errname(rc));
	EXPECT(rc == AM_ENOENT, "a second unmap_containing: %s\n", errname(rc));
	kit_expect_unchanged(&s);
	kit_end("seed 001: unmap_containing removes the whole region around an address; with "
		"none there it is AM_ENOENT and nothing changes");
}

static void ck_split_merge(void)
{
	unsigned int used0 = am_mpu_used(&kit_map);
	int rc;

	check_begin();
	kit_map_range(WIN, WIN + 0x10000, &kit_rw, true);
	kit_unmap_range(WIN + 0x4000, WIN + 0x8000, true);
	EXPECT(am_mpu_used(&kit_map) == used0 + 2, "a split left %u regions, expected %u\n",
	       am_mpu_used(&kit_map) - used0, 2u);
	kit_expect_rw(WIN + 0x3ffc, true);
	kit_expect_none(WIN + 0x4000, true);
	kit_expect_none(WIN + 0x7ffc, false);
	kit_expect_rw(WIN + 0x8000, true);
	kit_map_range(WIN + 0x4000, WIN + 0x8000, &kit_rw, true);
	con_printf("  three adjacent RW regions: %u in use\n", am_mpu_used(&kit_map) - used0);
	rc = am_mpu_merge(&kit_map);
	kit_after_call("am_mpu_merge");
	con_printf("  merge -> %s: %u in use\n", errname(rc), am_mpu_used(&kit_map) - used0);
	EXPECT(rc >= 0 && am_mpu_used(&kit_map) == used0 + 1, "merge left %u regions\n",
	       am_mpu_used(&kit_map) - used0);
	kit_expect_rw(WIN + 0x5000, true);
	kit_expect_rw(WIN + 0xfffc, false);
	kit_unmap_range(WIN, WIN + 0x10000, true);
	expect_window_free();
	kit_end("split: unmapping the middle of a region leaves both sides reachable and the "
		"hole faulting; merge joins adjacent regions of equal attributes into one");
}

static void ck_vmap(void)
{
	void *va = NULL;
	int rc;

	check_begin();
	rc = am_mpu_vmap_contig(&kit_map, WIN + 0x20000, 4, &kit_rw, &va);
	kit_after_call("am_mpu_vmap_contig");
	con_printf("  vmap_contig(PA 0x%08x, 4 pages, RW) -> %s, VA 0x%08lx\n", WIN + 0x20000,
		   errname(rc), (unsigned long)(uintptr_t)va);
	EXPECT(rc >= 0 && (uintptr_t)va == WIN + 0x20000, "vmap_contig: %s, VA 0x%08lx\n",
	       errname(rc), (unsigned long)(uintptr_t)va);
	kit_expect_rw(WIN + 0x20000, true);
	kit_expect_rw(WIN + 0x23ffc, false);
	rc = am_mpu_vunmap(&kit_map, va);
	kit_after_call("am_mpu_vunmap");
	con_printf("  vunmap(0x%08lx) -> %s\n", (unsigned long)(uintptr_t)va, errname(rc));
	EXPECT(rc >= 0, "vunmap: %s\n", errname(rc));
	kit_expect_none(WIN + 0x20000, true);
	kit_end("vmap_contig maps pages at their own address (an MPU has no translation) and "
		"vunmap takes them away");
}

static void ck_fill(void)
{
	struct kit_snap s;
	unsigned int n = 0, used0 = am_mpu_used(&kit_map), i;
	int rc = 0;

	check_begin();
	while (n < g_nr) {
		rc = kit_map_range(WIN + 2 * n * PAGE, WIN + (2 * n + 1) * PAGE, &kit_rw, false);
		if (rc < 0)
			break;
		n++;
	}
	con_printf("  %u regions mapped after the %u of the boot table: %u of %u in use; the next "
		   "-> %s\n",
		   n, used0, am_mpu_used(&kit_map), g_nr, errname(rc));
	EXPECT(am_mpu_used(&kit_map) == g_nr && rc == AM_ENOSPC,
	       "the table filled at %u of %u regions (%s)\n", am_mpu_used(&kit_map), g_nr,
	       errname(rc));
	kit_snap(&s);
	rc = kit_map_range(WIN + 0x80000, WIN + 0x81000, &kit_rw, true);
	EXPECT(rc == AM_ENOSPC, "one more map: %s\n", errname(rc));
	kit_expect_unchanged(&s);
	for (i = 0; i < n; i++)
		kit_expect_rw(WIN + 2 * i * PAGE, false);
	kit_expect_none(WIN + PAGE, false);
	for (i = 0; i < n; i++)
		kit_unmap_range(WIN + 2 * i * PAGE, WIN + (2 * i + 1) * PAGE, false);
	expect_window_free();
	kit_end("the table fills to exactly the hardware's count (HMPUIR), every region live; "
		"the next map is AM_ENOSPC and changes no register");
}

/* ---------------------------------------------------------------------- */
/* The guest                                                               */
/* ---------------------------------------------------------------------- */

static const char *const ck_guest_name[R52_CK_COUNT] = {
	[R52_CK_ENTRY] = "the guest runs in SVC mode (EL1) under HCR.VM, from the regions the "
			 "hypervisor gave it with armmap; its HVCs reach Hyp mode (HSR EC 0x12)",
	[R52_CK_DEMAND] = "a guest load outside its RAM takes a stage-2 MPU fault to Hyp mode "
			  "(EC 0x24, HDFAR, HPFAR); the hypervisor maps the window on demand and "
			  "the guest's load completes with the hypervisor's value",
	[R52_CK_DENY] = "a guest load from the hypervisor's own memory takes a stage-2 fault "
			"that the hypervisor refuses: nothing is mapped for EL1",
	[R52_CK_EL1MPU] = "the guest programs its own EL1 MPU with armmap (v8-R AArch32 "
			  "flavour, PRSELR/PRBAR/PRLAR) and turns it on",
	[R52_CK_EL1RO] = "a guest store to a read-only region of its own MPU takes a permission "
			 "fault at EL1 (DFSR, DFAR), not a stage-2 fault",
	[R52_CK_EL1UNMAP] = "a region the guest unmapped from its own MPU faults at EL1 "
			    "(background), and the hypervisor sees no stage-2 fault",
	[R52_CK_EL1OFF] = "the guest turns its EL1 MPU off again (am_armv8r_mpu_disable): the page "
			  "it unmapped is reachable, only the second stage applies",
};

static struct {
	int open;
	unsigned int s2_faults, s2_mapped, s2_denied, hvcs;
	unsigned int faults0;
	uint32_t spsr, last_ipa, last_hsr;
	int ram2_region;
	bool exited;
	uint32_t status;
} g_guest = {.open = -1, .ram2_region = -1};

static void guest_verify(uint32_t id, uint32_t verdict, uint32_t value)
{
	EXPECT(verdict == 1, "the guest's own verdict: failed (value 0x%08x)\n", value);
	switch (id) {
	case R52_CK_ENTRY:
		con_printf("  EL2: the guest's HVC came with SPSR_hyp 0x%08x (mode 0x%02x); HCR "
			   "0x%08x\n",
			   g_guest.spsr, g_guest.spsr & 0x1fu, rd_hcr());
		EXPECT((g_guest.spsr & 0x1fu) == 0x13, "not from SVC mode\n");
		EXPECT(rd_hcr() & HCR_VM, "HCR.VM is clear\n");
		break;
	case R52_CK_DEMAND:
		con_printf(
			"  EL2: %u stage-2 fault(s) served by mapping; the window is region %d\n",
			g_guest.s2_mapped, g_guest.ram2_region);
		EXPECT(g_guest.s2_mapped == 1, "%u faults mapped, expected 1\n", g_guest.s2_mapped);
		EXPECT(value == R52_SEED, "the guest read 0x%08x, expected the seed\n", value);
		break;
	case R52_CK_DENY:
		EXPECT(g_guest.s2_denied == 1, "%u faults refused, expected 1\n",
		       g_guest.s2_denied);
		EXPECT(value == R52_DENIED, "the guest read 0x%08x\n", value);
		break;
	case R52_CK_EL1RO:
	case R52_CK_EL1UNMAP:
	case R52_CK_EL1OFF:
		EXPECT(g_guest.s2_faults == g_guest.faults0, "%u stage-2 faults during the check\n",
		       g_guest.s2_faults - g_guest.faults0);
		break;
	default:
		break;
	}
}

static void hc_note(uint32_t what, uint32_t a, uint32_t b)
{
	static const char *const call[] = {"am_mpu_init", "am_mpu_boot", "am_mpu_map",
					   "am_mpu_unmap"};

	switch (what) {
	case R52_NOTE_EL1_REGIONS:
		con_printf("  guest: MPUIR reports %u EL1 MPU regions; its map uses %u\n", a, b);
		break;
	case R52_NOTE_EL1_FAULT:
		con_printf("  guest: took a data abort at EL1: DFSR=0x%08x (%s, %s) DFAR=0x%08x\n",
			   a, fsc_name(a & 0x3fu), (a & 0x800u) ? "write" : "read", b);
		break;
	case R52_NOTE_VALUE:
		con_printf("  guest: read 0x%08x at 0x%08x\n", b, a);
		break;
	case R52_NOTE_RC:
		con_printf("  guest: %s -> %s\n", a < 4 ? call[a] : "?", errname((int)b));
		break;
	default:
		con_printf("  guest: note %u (0x%08x, 0x%08x)\n", what, a, b);
		break;
	}
}

static void hvc(struct hyp_frame *f)
{
	uint32_t fn = f->r[0], a = f->r[1], b = f->r[2], c = f->r[3];

	g_guest.hvcs++;
	g_guest.spsr = f->spsr;
	f->r[0] = 0;
	switch (fn) {
	case R52_HC_BEGIN:
		if (g_guest.open >= 0 || a >= R52_CK_COUNT)
			fatal("the guest began a check out of order");
		check_begin();
		g_guest.open = (int)a;
		g_guest.faults0 = g_guest.s2_faults;
		break;
	case R52_HC_END:
		if (g_guest.open != (int)a)
			fatal("the guest ended a check it had not begun");
		guest_verify(a, b, c);
		check_end(ck_guest_name[a]);
		g_guest.open = -1;
		break;
	case R52_HC_NOTE:
		hc_note(a, b, c);
		break;
	case R52_HC_EXIT:
		g_guest.exited = true;
		g_guest.status = a;
		guest_exit(0);
	default:
		f->r[0] = (uint32_t)AM_ENOTSUP;
		break;
	}
}

/* A stage-2 data abort of the guest. */
static bool s2_abort(struct hyp_frame *f, uint32_t hsr)
{
	uint32_t ipa = (rd_hpfar() >> 4) << 12 | (rd_hdfar() & 0xfffu);
	int rc;

	g_guest.s2_faults++;
	g_guest.last_ipa = ipa;
	g_guest.last_hsr = hsr;
	con_printf("  EL2: stage-2 abort from EL1: HSR=0x%08x (EC 0x%02x, %s, %s) HDFAR=0x%08x "
		   "HPFAR=0x%08x -> IPA 0x%08x\n",
		   hsr, HSR_EC(hsr), fsc_name(hsr & 0x3fu), (hsr & 0x40u) ? "write" : "read",
		   rd_hdfar(), rd_hpfar(), ipa);
	if (ipa >= GUEST_RAM2 && ipa < GUEST_RAM2_END && g_guest.ram2_region < 0) {
		const struct am_attr rw_el1 = {AM_PERM_R | AM_PERM_W | AM_PERM_USER,
					       AM_MT_NORMAL_WB, AM_SH_INNER};

		rc = kit_map_range(GUEST_RAM2, GUEST_RAM2_END, &rw_el1, true);
		if (rc < 0)
			return false;
		g_guest.ram2_region = rc;
		*(volatile uint32_t *)(uintptr_t)GUEST_RAM2 = R52_SEED;
		g_guest.s2_mapped++;
		con_printf("  EL2: mapped the guest's second window on demand (region %d); the "
			   "guest's load runs again\n",
			   rc);
		return true;
	}
	if (f->elr == (uintptr_t)guest_ld_insn) {
		g_guest.s2_denied++;
		f->r[0] = R52_DENIED;
		f->elr += 4;
		con_printf("  EL2: IPA 0x%08x is the hypervisor's: refused, the guest's load "
			   "returns 0x%08x\n",
			   ipa, R52_DENIED);
		return true;
	}
	return false;
}

static bool guest_trap(struct hyp_frame *f, uint32_t hsr)
{
	switch (HSR_EC(hsr)) {
	case EC_HVC:
		hvc(f);
		return true;
	case EC_DABT_LOW:
		return s2_abort(f, hsr);
	default:
		return false;
	}
}

static void ck_guest(void)
{
	const struct am_attr rx_el1 = {AM_PERM_R | AM_PERM_X | AM_PERM_USER, AM_MT_NORMAL_WB,
				       AM_SH_INNER};
	const struct am_attr rw_el1 = {AM_PERM_R | AM_PERM_W | AM_PERM_USER, AM_MT_NORMAL_WB,
				       AM_SH_INNER};
	uint32_t *p;
	int t, d;

	check_begin();
	t = kit_map_range((uintptr_t)__guest_text_start, (uintptr_t)__guest_text_end, &rx_el1,
			  true);
	d = kit_map_range((uintptr_t)__guest_data_start, (uintptr_t)__guest_end, &rw_el1, true);
	EXPECT(t >= 0 && d >= 0, "the guest's regions: %s, %s\n", errname(t), errname(d));
	kit_show_region((unsigned int)t, "the guest's code (RX, EL1 too: AP = RO at any level)");
	kit_show_region((unsigned int)d, "the guest's data (RW, EL1 too: AP = RW at any level)");
	for (p = (uint32_t *)(void *)__guest_bss_start; p < (uint32_t *)(void *)__guest_bss_end;
	     p++)
		*p = 0;
	kit_end("the hypervisor gives the guest its code (RX) and data (RW) with armmap: EL2 MPU "
		"regions EL1 may use, its second stage");
	if (!check_ok)
		return;
	wr_hcr(rd_hcr() | HCR_VM);
	con_printf("\n---- the guest runs at EL1 (SVC mode), HCR.VM = 1 ----\n");
	(void)guest_enter((uintptr_t)guest_entry, (uintptr_t)__guest_stack_top);
	wr_hcr(rd_hcr() & ~HCR_VM);
	con_printf("---- the guest's run is over ----\n");
	if (g_guest.open >= 0) {
		FAIL("the guest stopped inside its check\n");
		check_end(ck_guest_name[g_guest.open]);
	}
}

static void ck_final(void)
{
	check_begin();
	con_printf("  the guest exited with status %u after %u HVCs; %u stage-2 faults (%u mapped, "
		   "%u refused)\n",
		   g_guest.status, g_guest.hvcs, g_guest.s2_faults, g_guest.s2_mapped,
		   g_guest.s2_denied);
	EXPECT(g_guest.exited && g_guest.status == 0, "the guest's run failed\n");
	con_printf("  over the run: %u region writes, %u syncs, %u locks / %u unlocks; two "
		   "enabled regions overlapping: %u times; at most %u regions enabled\n",
		   kit_w.writes, kit_w.syncs, kit_w.locks, kit_w.unlocks, kit_w.overlap_events,
		   kit_w.max_enabled);
	EXPECT(kit_w.overlap_events == 0, "two enabled regions overlapped\n");
	EXPECT(kit_w.bad_writes == 0 && kit_w.unsynced_calls == 0,
	       "%u writes beyond the hardware, %u calls not synced\n", kit_w.bad_writes,
	       kit_w.unsynced_calls);
	EXPECT(kit_w.locks == kit_w.unlocks, "the lock was not balanced\n");
	kit_end("afterwards: the guest exited cleanly; over the whole run no two enabled regions "
		"overlapped, every writing call ended with one sync, the lock balanced");
}

int main(void)
{
	con_init();
	con_printf(
		"armmap qemu-r52: the MPU map on an emulated Cortex-R52 (QEMU mps3-an536, "
		"Armv8-R AArch32): an EL2 hypervisor on the EL2 MPU, an EL1 guest behind it\n\n");
	ck_boot();
	if (!check_boot_ok(g_init_rc == 0 && g_boot_rc == 0))
		return check_done();
	ck_rw();
	ck_ro();
	ck_exec();
	ck_inclusive();
	ck_refusals();
	ck_containing();
	ck_split_merge();
	ck_vmap();
	ck_fill();
	ck_guest();
	ck_final();
	return check_done();
}
