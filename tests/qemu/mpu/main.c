/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mpu: the armmap MPU region map driving the real (emulated) Armv8-M
 * MPU of a Cortex-M33 (QEMU mps2-an505), and the checks that the hardware
 * does what the map says: every check maps or unmaps through the armmap API,
 * then accesses memory and sees whether MemManage fires. Also `make demo`.
 *
 * The image owns the first 64 KiB of SRAM and its code; all tests work in
 * the window WIN..WIN_END that the image never touches otherwise.
 *
 * The number of regions is the hardware's (MPU_TYPE.DREGION, read once at
 * start into g_nr_hw): QEMU 7.2's an505 implements 16, QEMU 10's 8. Every
 * check runs with whatever count it finds: the boot table takes NR_BOOT
 * regions and no check needs more than NR_RUN_MAX at once beside it, so the
 * image runs on NR_BOOT + NR_RUN_MAX (6) regions or more, up to NR_HW_MAX.
 *
 * The checks of the map against the hardware (the watched backend, the log
 * records, the accesses that must or must not fault, the snapshots of
 * every region register) are the MPU test kit's, tests/qemu/mpu_common/
 * kit.h, shared with qemu-r52; this image gives it the armv8m backend,
 * MPU_RNR reads and the MemManage probes (struct kit_hw).
 */
#include <armmap/errors.h>
#include <armmap/mpu.h>

#include <armmap/arch/armv8m/mpu.h>
#include "tests/qemu/mpu_common/kit.h"
#include "tests/qemu/mpu/image.h"

/* Storage for any count MPU_TYPE.DREGION (8 bits) can report. */
#define NR_STORE AM_MPU_MAX_REGIONS
#define NR_BOOT 4u
/* Regions the run-time checks map at once at most (a split, a merge: 2). */
#define NR_RUN_MAX 2u
#define WIN 0x38100000u
#define WIN_END 0x38200000u
#define PAGE 0x1000u

/*
 * ck_fill maps one page every FILL_STEP from FILL_BASE until the MPU is
 * full, then one more page that is refused: the test window holds that for
 * up to NR_LAYOUT_MAX hardware regions.
 */
#define FILL_BASE (WIN + 0x40000u)
#define FILL_STEP (2 * PAGE)
#define NR_LAYOUT_MAX (NR_BOOT + (WIN_END - PAGE - FILL_BASE) / FILL_STEP)
/* The most regions the image runs on: the window's, and the kit's snapshots'. */
#define NR_HW_MAX (NR_LAYOUT_MAX < KIT_MAX_HW ? NR_LAYOUT_MAX : KIT_MAX_HW)

/* A constant the boot table maps read-only (it lives in .rodata). */
const uint32_t ro_word = 0xc0debabeu;

const char check_suite[] = "qemu-mpu";

static unsigned int g_nr_hw; /* MPU_TYPE.DREGION, read once in main() */
static struct am_mpu_region g_regions[NR_STORE];
static struct am_armv8m_ctx g_hwctx;
static int g_init_rc = 1, g_boot_rc = 1;
static struct am_mpu_boot_region g_boot[NR_BOOT];

/* ---------------------------------------------------------------------- */
/* The hardware and the fault probes, for the MPU test kit (mpu_common)   */
/* ---------------------------------------------------------------------- */

/* Region @idx through MPU_RNR; AM_ERANGE at or past MPU_TYPE.DREGION. */
static int hw_read(unsigned int idx, uint64_t *rbar, uint64_t *rlar)
{
	uint32_t b = 0, l = 0;
	int rc = am_armv8m_mpu_read(idx, &b, &l);

	*rbar = b;
	*rlar = l;
	return rc;
}

/* A one-line description of a fault record. */
static void show_fault(void)
{
	con_printf("MemManage %s%sMMFAR=0x%08x", g_fault.mmfsr & CFSR_IACCVIOL ? "IACCVIOL " : "",
		   g_fault.mmfsr & CFSR_DACCVIOL ? "DACCVIOL " : "", g_fault.mmfar);
}

/* Did the last fault record a data access violation at exactly @addr? */
static bool fault_at(uint32_t addr)
{
	return (g_fault.mmfsr & (CFSR_DACCVIOL | CFSR_MMARVALID)) ==
		       (CFSR_DACCVIOL | CFSR_MMARVALID) &&
	       g_fault.mmfar == addr;
}

/* .nr is the hardware's count, set in main() */
static struct kit_hw g_kit = {
	.mpu_name = "MPU",
	.flavour = AM_MPU_V8M,
	.ops = &am_armv8m_mpu_ops,
	.ctx = &g_hwctx,
	.lock_depth = &g_hwctx.depth,
	.read = hw_read,
	.probe_read = probe_read,
	.probe_write = probe_write,
	.show_fault = show_fault,
	.fault_at = fault_at,
};

/* ---------------------------------------------------------------------- */
/* The checks                                                              */
/* ---------------------------------------------------------------------- */

static void ck_boot(void)
{
	static const char *const names[NR_BOOT] = {
		"code + vectors (RX)",
		"constants (RO, XN)",
		"data + stack (RW, XN)",
		"UART0 (device, XN)",
	};
	unsigned int i;
	uint32_t ctrl = am_armv8m_mpu_ctrl();
	uint32_t type = *(volatile uint32_t *)AM_ARMV8M_MPU_TYPE;
	uint64_t mair = am_armv8m_mpu_read_mair();

	check_begin();
	EXPECT(g_init_rc == 0, "am_mpu_init -> %s\n", errname(g_init_rc));
	EXPECT(g_boot_rc == 0, "am_mpu_boot -> %s\n", errname(g_boot_rc));
	con_printf("  MPU_TYPE=0x%08x: DREGION %u regions, the map manages %u\n", type,
		   (type >> 8) & 0xffu, am_mpu_capacity(&kit_map));
	EXPECT(g_nr_hw == ((type >> 8) & 0xffu) && am_mpu_capacity(&kit_map) == g_nr_hw,
	       "am_armv8m_hw_regions() %u, map capacity %u, MPU_TYPE.DREGION %u: expected one "
	       "count\n",
	       g_nr_hw, am_mpu_capacity(&kit_map), (type >> 8) & 0xffu);
	EXPECT(g_nr_hw >= NR_BOOT + NR_RUN_MAX && g_nr_hw <= NR_HW_MAX,
	       "the checks run on %u to %u regions, the hardware has %u\n", NR_BOOT + NR_RUN_MAX,
	       NR_HW_MAX, g_nr_hw);
	con_printf("  the boot table (am_mpu_dump): %s, %s, %s, %s\n", names[0], names[1], names[2],
		   names[3]);
	kit_show_map();
	for (i = 0; i < NR_BOOT; i++)
		kit_expect_bounds((int)i, (uint32_t)g_boot[i].base, (uint32_t)g_boot[i].limit);
	if (kit_matches_map())
		con_printf("  regions 0..%u read back through MPU_RNR equal am_mpu_region_regs(); "
			   "region %u is out of range for both\n",
			   g_nr_hw - 1, g_nr_hw);
	EXPECT(kit_hw_enabled() == NR_BOOT && am_mpu_used(&kit_map) == NR_BOOT,
	       "%u regions enabled, %u in use, expected %u\n", kit_hw_enabled(),
	       am_mpu_used(&kit_map), NR_BOOT);
	EXPECT(mair == am_mpu_mair(&kit_map), "MAIR 0x%08x%08x, map wants 0x%08x%08x\n",
	       (uint32_t)(mair >> 32), (uint32_t)mair, (uint32_t)(am_mpu_mair(&kit_map) >> 32),
	       (uint32_t)am_mpu_mair(&kit_map));
	EXPECT(ctrl == AM_ARMV8M_CTRL_ENABLE, "MPU_CTRL 0x%x, expected 0x1\n", ctrl);
	con_printf("  MAIR1:MAIR0=0x%08x:%08x, MPU_CTRL=0x%x (ENABLE, no PRIVDEFENA)\n",
		   (uint32_t)(mair >> 32), (uint32_t)mair, ctrl);
	EXPECT((uintptr_t)__test_window == WIN && (uintptr_t)__test_window_end == WIN_END,
	       "link.ld test window differs from the image's\n");
	kit_end("boot table programmed: 4 regions, hardware == map for every hardware region, MPU "
		"on");
}

static void ck_rw(void)
{
	int idx;

	check_begin();
	idx = kit_map_range(WIN, WIN + 4 * PAGE, &kit_rw, true);
	EXPECT(idx == (int)NR_BOOT, "expected region %u (the lowest free)\n", NR_BOOT);
	kit_expect_bounds(idx, WIN, WIN + 4 * PAGE);
	kit_expect_rw(WIN, true);
	kit_expect_rw(WIN + 2 * PAGE + 0x124, false);
	kit_expect_rw(WIN + 4 * PAGE - 4, true);
	kit_expect_none(WIN + 4 * PAGE, true); /* one past the end */
	kit_expect_none(WIN - 4, false);       /* just below */
	EXPECT(kit_unmap_range(WIN, WIN + 4 * PAGE, true) == 0, "unmap failed\n");
	kit_expect_none(WIN, true);
	kit_end("mapped RW memory: loads and stores succeed inside, fault outside");
}

static void ck_ro(void)
{
	uint32_t a = (uint32_t)(uintptr_t)&ro_word, v = 0;
	uint32_t base = WIN + 4 * PAGE;
	int idx;

	check_begin();
	EXPECT(a >= (uintptr_t)__rodata_start && a < (uintptr_t)__rodata_end,
	       "ro_word at 0x%08x is not in the RO boot region\n", a);
	con_printf("  boot region 1 (constants), ro_word at 0x%08x:\n", a);
	kit_expect_store(a, 0x12345678u, true, true);
	kit_expect_load(a, false, true, &v);
	EXPECT(v == 0xc0debabeu, "ro_word reads 0x%08x\n", v);
	/* runtime: fill a page while RW, then map it RO */
	EXPECT(kit_map_range(base, base + PAGE, &kit_rw, false) >= 0, "map RW failed\n");
	kit_expect_store(base + 0x40, 0x5eed1234u, false, false);
	EXPECT(kit_unmap_range(base, base + PAGE, false) == 0, "unmap RW failed\n");
	idx = kit_map_range(base, base + PAGE, &kit_ro, true);
	EXPECT(idx >= 0, "map RO failed\n");
	kit_expect_load(base + 0x40, false, true, &v);
	EXPECT(v == 0x5eed1234u, "read 0x%08x, expected 0x5eed1234\n", v);
	kit_expect_store(base + 0x40, 0xdeadbeefu, true, true);
	kit_expect_load(base + 0x40, false, false, &v);
	EXPECT(v == 0x5eed1234u, "the refused store changed memory: 0x%08x\n", v);
	kit_unmap_range(base, base + PAGE, false);
	kit_end("store to a read-only region raises MemManage (DACCVIOL, MMFAR), load succeeds");
}

static void ck_unmapped(void)
{
	check_begin();
	con_printf("  (0x%08x: end of the image RAM region; 0x%08x: end of its constants)\n",
		   (uint32_t)(uintptr_t)__ram_end, (uint32_t)(uintptr_t)__rodata_end);
	kit_expect_none(WIN + 0x80000, true);
	kit_expect_none((uint32_t)(uintptr_t)__ram_end, true);
	kit_expect_none((uint32_t)(uintptr_t)__rodata_end, true);
	kit_end("access to unmapped memory raises MemManage (no background region)");
}

static void ck_inclusive(void)
{
	uint32_t base = WIN + 0x10000, limit = WIN + 0x18000;
	uint32_t in = WIN + 0x12000;
	struct kit_snap s;
	unsigned int en;
	int outer, inner, rc;

	check_begin();
	outer = kit_map_range(base, limit, &kit_rw, true);
	en = kit_hw_enabled();
	kit_snap(&s);
	inner = kit_map_range(in, in + PAGE, &kit_rw, true);
	EXPECT(inner == outer && outer >= 0, "inner map -> %d, outer region %d\n", inner, outer);
	EXPECT(kit_hw_enabled() == en, "enabled regions %u -> %u\n", en, kit_hw_enabled());
	EXPECT(kit_refs(outer) == 1, "refs %u, expected 1\n", kit_refs(outer));
	kit_expect_unchanged(&s);
	kit_show_map();
	kit_expect_rw(in, false);
	rc = kit_unmap_range(base, limit, true);
	EXPECT(rc == 0 && kit_hw_enabled() == en && kit_refs(outer) == 0,
	       "outer unmap: rc %d, %u enabled (expected %u), refs %u\n", rc, kit_hw_enabled(), en,
	       kit_refs(outer));
	con_printf("  region %d kept (reference dropped), still accessible:\n", outer);
	kit_expect_rw(base, true);
	kit_expect_rw(in, false);
	rc = am_mpu_unmap_containing(&kit_map, in + 0x345);
	kit_after_call("am_mpu_unmap_containing");
	con_printf("  unmap_containing(0x%08x) -> %d (last reference: region disabled)\n",
		   in + 0x345, rc);
	EXPECT(rc == outer, "expected region %d\n", outer);
	EXPECT(kit_hw_enabled() == en - 1, "enabled regions %u, expected %u\n", kit_hw_enabled(),
	       en - 1);
	kit_expect_none(in, true);
	kit_expect_none(base, false);
	kit_end("inclusive map takes a reference, no new hardware region; last unmap removes it");
}

static void ck_overlap(void)
{
	uint32_t base = WIN + 0x20000;
	uint32_t ram_end = (uint32_t)(uintptr_t)__ram_end;
	struct kit_snap s;
	int idx, rc;

	check_begin();
	idx = kit_map_range(base, base + 4 * PAGE, &kit_rw, true);
	EXPECT(idx >= 0, "map failed\n");
	kit_snap(&s);
	rc = kit_map_range(base + 2 * PAGE, base + 6 * PAGE, &kit_rw, true);
	EXPECT(rc == AM_EBUSY, "expected AM_EBUSY\n");
	rc = kit_map_range(ram_end - 0x20, ram_end + 0x20, &kit_rw, true);
	EXPECT(rc == AM_EBUSY, "expected AM_EBUSY (overlaps the image RAM)\n");
	kit_expect_unchanged(&s);
	kit_expect_none(base + 4 * PAGE, true); /* not mapped by the refused call */
	kit_expect_none(ram_end, false);
	kit_expect_rw(base + 2 * PAGE, false);
	kit_unmap_range(base, base + 4 * PAGE, false);
	kit_end("overlapping map refused with AM_EBUSY, hardware unchanged");
}

static void ck_split(void)
{
	uint32_t base = WIN + 0x30000, hole = base + 2 * PAGE, top = base + 8 * PAGE;
	unsigned int en, lo = 0, hi = 0;
	int idx, rc;

	check_begin();
	idx = kit_map_range(base, top, &kit_rw, true);
	EXPECT(idx >= 0, "map failed\n");
	en = kit_hw_enabled();
	rc = kit_unmap_range(hole, hole + 2 * PAGE, true);
	EXPECT(rc == 0, "split unmap failed\n");
	EXPECT(kit_hw_enabled() == en + 1, "enabled regions %u -> %u, expected +1\n", en,
	       kit_hw_enabled());
	if (am_mpu_lookup(&kit_map, base, hole, &lo) == AM_MPU_FOUND &&
	    am_mpu_lookup(&kit_map, hole + 2 * PAGE, top, &hi) == AM_MPU_FOUND) {
		con_printf("  now region %u [0x%08x, 0x%08x) and region %u [0x%08x, 0x%08x)\n", lo,
			   base, hole, hi, hole + 2 * PAGE, top);
		kit_expect_bounds((int)lo, base, hole);
		kit_expect_bounds((int)hi, hole + 2 * PAGE, top);
	} else {
		FAIL("the two sides are not regions of their own\n");
	}
	kit_expect_rw(base, false);
	kit_expect_rw(hole - 4, true);
	kit_expect_none(hole, true);
	kit_expect_none(hole + 2 * PAGE - 4, false);
	kit_expect_rw(hole + 2 * PAGE, true);
	kit_expect_rw(top - 4, false);
	kit_expect_none(top, false);
	kit_unmap_range(base, hole, false);
	kit_unmap_range(hole + 2 * PAGE, top, false);
	EXPECT(kit_hw_enabled() == en - 1, "cleanup left %u enabled\n", kit_hw_enabled());
	kit_end("split unmap: both sides accessible, hole faults, one more hardware region");
}

static void ck_shrink(void)
{
	uint32_t base = WIN + 0xa0000, top = base + 4 * PAGE;
	unsigned int en;
	int idx;

	check_begin();
	idx = kit_map_range(base, top, &kit_rw, true);
	EXPECT(idx >= 0, "map failed\n");
	en = kit_hw_enabled();
	EXPECT(kit_unmap_range(base, base + PAGE, false) == 0, "unmap of the first page failed\n");
	EXPECT(kit_unmap_range(top - PAGE, top, false) == 0, "unmap of the last page failed\n");
	EXPECT(kit_hw_enabled() == en, "enabled regions %u -> %u, expected no change\n", en,
	       kit_hw_enabled());
	kit_expect_bounds(idx, base + PAGE, top - PAGE);
	con_printf("  unmap the first and the last page: region %d is now [0x%08x, 0x%08x)\n", idx,
		   base + PAGE, top - PAGE);
	kit_expect_none(base + PAGE - 4, true);
	kit_expect_rw(base + PAGE, false);
	kit_expect_rw(top - PAGE - 4, false);
	kit_expect_none(top - PAGE, true);
	EXPECT(kit_unmap_range(base + PAGE, top - PAGE, false) == 0, "unmap of the rest failed\n");
	kit_end("unmap at a region's edges shrinks it in place: no new region, the edges fault");
}

/* Shared by ck_fill and ck_fill_split: the regions ck_fill mapped. */
static unsigned int g_filled;

static void ck_fill(void)
{
	unsigned int k, en, maxen = 0;
	struct kit_snap s;
	int rc = 0, first = -1, last = -1;

	check_begin();
	g_filled = 0;
	/* one map past the hardware's count at most: that one must be refused */
	for (k = 0; k <= g_nr_hw - NR_BOOT; k++) {
		uint32_t b = FILL_BASE + k * FILL_STEP;

		kit_snap(&s);
		rc = kit_map_range(b, b + PAGE, &kit_rw, false);
		en = kit_hw_enabled();
		if (en > maxen)
			maxen = en;
		if (rc < 0)
			break;
		if (first < 0)
			first = rc;
		last = rc;
		g_filled++;
		EXPECT(en == NR_BOOT + g_filled, "after %u maps, %u regions enabled\n", g_filled,
		       en);
		kit_expect_rw(b, false);
	}
	con_printf("  mapped %u pages 8 KiB apart from 0x%08x -> regions %d..%d\n", g_filled,
		   FILL_BASE, first, last);
	con_printf("  map %u [0x%08x, 0x%08x) RW -> %s\n", k + 1, FILL_BASE + k * FILL_STEP,
		   FILL_BASE + k * FILL_STEP + PAGE, errname(rc));
	EXPECT(rc == AM_ENOSPC, "expected AM_ENOSPC\n");
	EXPECT(g_filled == g_nr_hw - NR_BOOT, "%u maps succeeded, expected %u\n", g_filled,
	       g_nr_hw - NR_BOOT);
	EXPECT(kit_hw_enabled() == g_nr_hw && maxen == g_nr_hw && am_mpu_used(&kit_map) == g_nr_hw,
	       "enabled %u (max %u), used %u, expected %u\n", kit_hw_enabled(), maxen,
	       am_mpu_used(&kit_map), g_nr_hw);
	con_printf("  all %u hardware regions enabled, the map uses %u\n", kit_hw_enabled(),
		   am_mpu_used(&kit_map));
	kit_expect_unchanged(&s);
	kit_expect_none(FILL_BASE + k * FILL_STEP, true);
	kit_end("filling the MPU: AM_ENOSPC exactly when all the hardware's regions are in use");
}

static void ck_fill_split(void)
{
	uint32_t b = FILL_BASE;
	struct kit_snap s;
	unsigned int k;
	int rc;

	check_begin();
	kit_snap(&s);
	rc = kit_unmap_range(b + 0x400, b + 0x800, true);
	EXPECT(rc == AM_ENOSPC, "expected AM_ENOSPC (the split needs a region)\n");
	kit_expect_unchanged(&s);
	kit_expect_rw(b + 0x400, true);
	for (k = 0; k < g_filled; k++)
		EXPECT(kit_unmap_range(FILL_BASE + k * FILL_STEP, FILL_BASE + k * FILL_STEP + PAGE,
				       false) == 0,
		       "unmap %u failed\n", k);
	con_printf("  unmapped the %u pages: %u regions enabled\n", g_filled, kit_hw_enabled());
	EXPECT(kit_hw_enabled() == NR_BOOT, "expected %u\n", NR_BOOT);
	kit_expect_none(FILL_BASE, false);
	kit_end("split unmap with no free region refused (AM_ENOSPC), hardware unchanged");
}

static void ck_mismatch(void)
{
	uint32_t base = WIN + 0x60000;
	struct kit_snap s;
	unsigned int en, log0;
	int idx, rc;

	check_begin();
	idx = kit_map_range(base, base + 4 * PAGE, &kit_rw, true);
	EXPECT(idx >= 0, "map failed\n");
	en = kit_hw_enabled();
	kit_snap(&s);
	log0 = kit_log_count();
	rc = kit_map_range(base + PAGE, base + 2 * PAGE, &kit_ro, true);
	EXPECT(rc == AM_EEXIST, "expected AM_EEXIST\n");
	EXPECT(kit_logged(log0, AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_PERM),
	       "expected a log record AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_PERM\n");
	log0 = kit_log_count();
	rc = kit_map_range(base, base + 4 * PAGE, &kit_rx, true);
	EXPECT(rc == AM_EEXIST, "expected AM_EEXIST\n");
	EXPECT(kit_logged(log0, AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_PERM | AM_ATTR_DIFF_XN),
	       "expected a log record AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_PERM | _XN\n");
	log0 = kit_log_count();
	rc = kit_map_range(base + PAGE, base + 2 * PAGE, &kit_dev, true);
	EXPECT(rc == AM_EEXIST, "expected AM_EEXIST\n");
	EXPECT(kit_logged(log0, AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_MTYPE | AM_ATTR_DIFF_SH),
	       "expected a log record AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_MTYPE | _SH\n");
	kit_expect_unchanged(&s);
	EXPECT(kit_refs(idx) == 0, "refused maps took a reference (%u)\n", kit_refs(idx));
	kit_expect_rw(base + PAGE, true); /* still RW */
	EXPECT(kit_unmap_range(base, base + 4 * PAGE, false) == 0 && kit_hw_enabled() == en - 1,
	       "one unmap did not remove the region\n");
	kit_end("attribute mismatch inside a region refused (AM_EEXIST), nothing changed");
}

static void ck_rules(void)
{
	static const struct am_attr rwx = {AM_PERM_R | AM_PERM_W | AM_PERM_X, AM_MT_NORMAL_WB,
					   AM_SH_INNER};
	static const struct am_attr devx = {AM_PERM_R | AM_PERM_X, AM_MT_DEVICE_nGnRE, AM_SH_OUTER};
	uint32_t base = WIN + 0x68000;
	struct kit_snap s;

	check_begin();
	kit_snap(&s);
	EXPECT(kit_map_range(base, base + PAGE, &rwx, true) == AM_EPERM, "expected AM_EPERM\n");
	EXPECT(kit_map_range(base, base + PAGE, &devx, true) == AM_EPERM, "expected AM_EPERM\n");
	EXPECT(kit_map_range(base + 0x10, base + PAGE, &kit_rw, true) == AM_EINVAL,
	       "expected AM_EINVAL\n");
	kit_expect_unchanged(&s);
	kit_expect_none(base, false);
	kit_end("write+execute, execute from device, unaligned: refused, hardware unchanged");
}

static void ck_modify(void)
{
	uint32_t base = WIN + 0x70000, limit = base + 4 * PAGE;
	struct kit_snap s;
	uint32_t v = 0;
	int idx, rc;

	check_begin();
	idx = kit_map_range(base, limit, &kit_rw, true);
	EXPECT(idx >= 0, "map failed\n");
	kit_expect_store(base + 0x100, 0x600dcafeu, false, false);
	rc = am_mpu_modify(&kit_map, base, limit, &kit_ro);
	kit_after_call("am_mpu_modify");
	con_printf("  modify [0x%08x, 0x%08x) RW -> RO: %s\n", base, limit, errname(rc));
	EXPECT(rc == 0, "modify failed\n");
	kit_expect_bounds(idx, base, limit);
	kit_expect_store(base + 0x100, 0x11111111u, true, true);
	kit_expect_load(base + 0x100, false, false, &v);
	EXPECT(v == 0x600dcafeu, "read 0x%08x\n", v);
	kit_snap(&s);
	rc = am_mpu_modify(&kit_map, base, limit, &kit_dev);
	kit_after_call("am_mpu_modify");
	con_printf("  modify to device memory: %s (memory type of a live region)\n", errname(rc));
	EXPECT(rc == AM_EPERM, "expected AM_EPERM\n");
	kit_expect_unchanged(&s);
	rc = am_mpu_modify(&kit_map, base, limit, &kit_rw);
	kit_after_call("am_mpu_modify");
	con_printf("  modify back RO -> RW: %s\n", errname(rc));
	EXPECT(rc == 0, "modify back failed\n");
	kit_expect_store(base + 0x100, 0x22222222u, false, true);
	kit_unmap_range(base, limit, false);
	kit_end("am_mpu_modify RW -> RO: stores fault; back to RW: stores succeed");
}

static void ck_xn(void)
{
	uint32_t base = WIN + 0x78000, r;
	int idx;

	check_begin();
	idx = kit_map_range(base, base + PAGE, &kit_rw, true);
	EXPECT(idx >= 0, "map failed\n");
	/* movs r0, #42 ; bx lr */
	kit_expect_store(base, 0x4770202au, false, false);
	r = probe_exec(base);
	if (r == EXEC_FAULTED && (g_fault.mmfsr & CFSR_IACCVIOL) && g_fault.pc == base)
		con_printf("  call 0x%08x (movs r0,#42; bx lr) -> MemManage IACCVIOL pc=0x%08x (as "
			   "expected: XN)\n",
			   base, g_fault.pc);
	else
		FAIL("call into the RW (XN) region returned 0x%08x, expected IACCVIOL\n", r);
	kit_unmap_range(base, base + PAGE, false);
	idx = kit_map_range(base, base + PAGE, &kit_rx, true);
	EXPECT(idx >= 0, "map RX failed\n");
	r = probe_exec(base);
	if (r == 42)
		con_printf("  call 0x%08x -> returned 42\n", base);
	else
		FAIL("call into the RX region returned 0x%08x, expected 42\n", r);
	kit_expect_store(base + 8, 0, true, true); /* RX is not writable */
	kit_unmap_range(base, base + PAGE, false);
	r = probe_exec(base);
	EXPECT(r == EXEC_FAULTED, "call after unmap returned 0x%08x\n", r);
	kit_end("execute-never: call into RW region faults (IACCVIOL); RX region runs");
}

static void ck_vmap(void)
{
	uint32_t pa = WIN + 0x80000;
	void *va = NULL, *va2 = NULL;
	unsigned int en;
	int rc;

	check_begin();
	rc = am_mpu_vmap_contig(&kit_map, pa, 4, NULL, &va);
	kit_after_call("am_mpu_vmap_contig");
	con_printf("  vmap_contig(0x%08x, 4 pages) -> %s, va=0x%08x\n", pa, errname(rc),
		   (uint32_t)(uintptr_t)va);
	EXPECT(rc == 0 && (uintptr_t)va == pa, "expected va == pa\n");
	en = kit_hw_enabled();
	kit_expect_rw(pa, false);
	kit_expect_rw(pa + 4 * PAGE - 4, false);
	kit_expect_none(pa + 4 * PAGE, true);
	rc = am_mpu_vmap_contig(&kit_map, pa + PAGE, 1, NULL, &va2);
	kit_after_call("am_mpu_vmap_contig");
	con_printf("  vmap_contig(0x%08x, 1 page) -> %s, inside: %u regions enabled (was %u)\n",
		   pa + PAGE, errname(rc), kit_hw_enabled(), en);
	EXPECT(rc == 0 && (uintptr_t)va2 == pa + PAGE && kit_hw_enabled() == en,
	       "expected a reference on the same region\n");
	rc = am_mpu_vunmap(&kit_map, va2);
	kit_after_call("am_mpu_vunmap");
	EXPECT(rc == 0 && kit_hw_enabled() == en, "vunmap inner: %s\n", errname(rc));
	kit_expect_rw(pa, false);
	rc = am_mpu_vunmap(&kit_map, va);
	kit_after_call("am_mpu_vunmap");
	con_printf("  vunmap(0x%08x): reference dropped; vunmap(0x%08x) -> %s, %u enabled\n",
		   pa + PAGE, pa, errname(rc), kit_hw_enabled());
	EXPECT(rc == 0 && kit_hw_enabled() == en - 1, "vunmap failed\n");
	kit_expect_none(pa, true);
	rc = am_mpu_vmap_contig(&kit_map, pa + 0x800, 1, NULL, &va);
	kit_after_call("am_mpu_vmap_contig");
	EXPECT(rc == AM_EINVAL, "unaligned pa: %s, expected AM_EINVAL\n", errname(rc));
	kit_end("am_mpu_vmap_contig / am_mpu_vunmap on hardware");
}

static void ck_merge(void)
{
	uint32_t base = WIN + 0x90000, mid = base + 2 * PAGE, top = base + 4 * PAGE;
	unsigned int en, idx = 0;
	int a, b, rc;

	check_begin();
	a = kit_map_range(base, mid, &kit_rw, true);
	b = kit_map_range(mid, top, &kit_rw, true);
	EXPECT(a >= 0 && b >= 0 && a != b, "expected two regions\n");
	en = kit_hw_enabled();
	rc = am_mpu_merge(&kit_map);
	kit_after_call("am_mpu_merge");
	con_printf("  merge -> %d region(s) freed; hardware regions enabled %u -> %u\n", rc, en,
		   kit_hw_enabled());
	EXPECT(rc == 1 && kit_hw_enabled() == en - 1, "expected exactly one freed\n");
	if (am_mpu_lookup(&kit_map, base, top, &idx) == AM_MPU_FOUND) {
		con_printf("  region %u is now [0x%08x, 0x%08x)\n", idx, base, top);
		kit_expect_bounds((int)idx, base, top);
	} else {
		FAIL("no single region [0x%08x, 0x%08x)\n", base, top);
	}
	kit_expect_rw(base, false);
	kit_expect_rw(mid - 4, false);
	kit_expect_rw(mid, true);
	kit_expect_rw(top - 4, false);
	kit_expect_none(top, false);
	EXPECT(kit_unmap_range(base, top, false) == 0, "unmap of the merged range failed\n");
	kit_expect_none(mid, false);
	kit_end("am_mpu_merge: two adjacent identical regions become one, both halves accessible");
}

/*
 * A map that was never initialised, and one whose init failed: before
 * issue 9, the first call read the log hook through a NULL ops pointer
 * (the NMI vector at address 0x8) and jumped into the vector table.
 */
static void ck_uninit(void)
{
	static struct am_mpu_map never; /* zeroed, as static storage is */
	struct am_mpu_map failed;
	struct am_mpu_config bad = {.flavour = AM_MPU_V8M,
				    .storage = g_regions,
				    .storage_len = 1,
				    .nr_regions = 0 /* the hardware's */};
	struct kit_snap s;
	unsigned int log0, writes0 = kit_w.writes;
	int rc1, rc2, rc3;

	check_begin();
	am_log_set_fallback(kit_ops.env.log, NULL);
	kit_snap(&s);
	log0 = kit_log_count();
	rc1 = am_mpu_map(&never, WIN, WIN + PAGE, &AM_ATTR_RW_DATA);
	con_printf("  am_mpu_map() on a map never initialised: %s\n", errname(rc1));
	kit_show_log(log0);
	EXPECT(rc1 == AM_EINVAL, "expected AM_EINVAL\n");
	EXPECT(kit_log_count() == log0 + 1 && kit_logged(log0, AM_EV_NOT_READY, (uintptr_t)&never),
	       "expected one record AM_EV_NOT_READY\n");
	rc2 = am_mpu_init(&failed, &bad, &kit_ops, &g_hwctx);
	log0 = kit_log_count();
	rc3 = am_mpu_unmap(&failed, WIN, WIN + PAGE);
	con_printf("  am_mpu_init() with storage shorter than the regions: %s; then "
		   "am_mpu_unmap(): %s\n",
		   errname(rc2), errname(rc3));
	kit_show_log(log0);
	EXPECT(rc2 == AM_EINVAL && rc3 == AM_EINVAL, "expected AM_EINVAL twice\n");
	EXPECT(kit_log_count() == log0 + 1 && kit_logged(log0, AM_EV_NOT_READY, (uintptr_t)&failed),
	       "expected one record AM_EV_NOT_READY\n");
	EXPECT(kit_w.writes == writes0, "a refused call wrote %u regions\n",
	       kit_w.writes - writes0);
	kit_expect_unchanged(&s);
	am_log_set_fallback(NULL, NULL);
	kit_end("an uninitialised or failed-init map: an error code and a record, not a jump");
}

static void ck_final(void)
{
	uint32_t primask;

	__asm__ volatile("mrs %0, primask" : "=r"(primask));
	check_begin();
	con_printf("  lock/unlock %u/%u, region writes %u, syncs %u, MemManage faults (all "
		   "expected) %u\n",
		   kit_w.locks, kit_w.unlocks, kit_w.writes, kit_w.syncs, g_fault.count);
	EXPECT(kit_w.locks == kit_w.unlocks && kit_w.locks > 0 && g_hwctx.depth == 0,
	       "lock/unlock unbalanced or never used\n");
	EXPECT(primask == 0, "PRIMASK left at %u\n", primask);
	EXPECT(kit_w.overlap_events == 0, "%u region writes left two enabled regions overlapping\n",
	       kit_w.overlap_events);
	EXPECT(kit_w.bad_writes == 0, "%u writes to a region index >= %u\n", kit_w.bad_writes,
	       g_nr_hw);
	EXPECT(kit_w.unsynced_calls == 0, "%u calls ended without a sync\n", kit_w.unsynced_calls);
	EXPECT(kit_w.max_enabled <= g_nr_hw, "max enabled %u of %u\n", kit_w.max_enabled, g_nr_hw);
	EXPECT(kit_hw_enabled() == NR_BOOT && am_mpu_used(&kit_map) == NR_BOOT,
	       "%u regions left enabled, expected the %u boot regions\n", kit_hw_enabled(),
	       NR_BOOT);
	kit_end("afterwards: only the boot regions, lock balanced, no overlap, every write synced");
}

static void banner(void)
{
	con_printf("armmap qemu-mpu: the armmap MPU map driving the Armv8-M MPU of an emulated\n");
	con_printf("Cortex-M33 (mps2-an505, Secure, %u regions as MPU_TYPE.DREGION reports).\n",
		   g_nr_hw);
	con_printf("Code RX, constants RO, RAM RW, UART device; the MPU runs WITHOUT a\n");
	con_printf("background region, so whatever is not mapped faults. Each check maps\n");
	con_printf("through the API, touches memory, and the MemManage handler reports the\n");
	con_printf("fault. Test window: [0x%08x, 0x%08x).\n\n", WIN, WIN_END);
}

int main(void)
{
	struct am_mpu_config cfg = {
		.flavour = AM_MPU_V8M,
		.nr_regions = 0, /* ask the hardware */
		.storage = g_regions,
		.storage_len = NR_STORE,
		.attr_index = NULL,
		.pa_bits = 0,
		.flags = AM_MPU_F_SPLIT,
	};

	con_init();
	faults_init();
	g_nr_hw = am_armv8m_hw_regions(NULL);
	banner();

	g_kit.nr = g_nr_hw;
	kit_init(&g_kit);

	g_boot[0] = (struct am_mpu_boot_region){(uintptr_t)__text_start, (uintptr_t)__text_end,
						AM_ATTR_RX_TEXT};
	g_boot[1] = (struct am_mpu_boot_region){(uintptr_t)__rodata_start, (uintptr_t)__rodata_end,
						AM_ATTR_RO_DATA};
	g_boot[2] = (struct am_mpu_boot_region){(uintptr_t)__ram_start, (uintptr_t)__ram_end,
						AM_ATTR_RW_DATA};
	g_boot[3] = (struct am_mpu_boot_region){UART0_BASE, UART0_BASE + PAGE, AM_ATTR_DEVICE};

	g_init_rc = am_mpu_init(&kit_map, &cfg, &kit_ops, &g_hwctx);
	/*
	 * Before the first check: a FAIL here prints ahead of it, and ck_final
	 * counts the call among those not synced.
	 */
	kit_after_call("am_mpu_init");
	if (g_init_rc == 0) {
		g_boot_rc = am_mpu_boot(&kit_map, g_boot, NR_BOOT);
		kit_after_call("am_mpu_boot");
	}
	if (g_init_rc == 0 && g_boot_rc == 0)
		am_armv8m_mpu_enable(false);

	ck_boot();
	if (check_boot_ok(g_init_rc == 0 && g_boot_rc == 0)) {
		ck_rw();
		ck_ro();
		ck_unmapped();
		ck_inclusive();
		ck_overlap();
		ck_split();
		ck_shrink();
		ck_fill();
		ck_fill_split();
		ck_mismatch();
		ck_rules();
		ck_modify();
		ck_xn();
		ck_vmap();
		ck_merge();
		ck_uninit();
		ck_final();
	}
	return check_done();
}
