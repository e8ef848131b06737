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
 * image runs on NR_BOOT + NR_RUN_MAX (6) regions or more.
 */
#include <armmap/errors.h>
#include <armmap/mpu.h>

#include "arch/armv8m/mpu.h"
#include "tests/qemu/mpu/image.h"

/* Storage for any count MPU_TYPE.DREGION (8 bits) can report. */
#define NR_STORE AM_MPU_MAX_REGIONS
#define NR_BOOT 4u
/* Regions the run-time checks map at once at most (a split, a merge: 2). */
#define NR_RUN_MAX 2u
#define WIN 0x38100000u
#define WIN_END 0x38200000u
#define UART0_BASE 0x40200000u
#define PAGE 0x1000u

/*
 * ck_fill maps one page every FILL_STEP from FILL_BASE until the MPU is
 * full, then one more page that is refused: the test window holds that for
 * up to NR_LAYOUT_MAX hardware regions.
 */
#define FILL_BASE (WIN + 0x40000u)
#define FILL_STEP (2 * PAGE)
#define NR_LAYOUT_MAX (NR_BOOT + (WIN_END - PAGE - FILL_BASE) / FILL_STEP)

static const struct am_attr attr_rw = AM_ATTR_RW_DATA;
static const struct am_attr attr_ro = AM_ATTR_RO_DATA;
static const struct am_attr attr_rx = AM_ATTR_RX_TEXT;
static const struct am_attr attr_dev = AM_ATTR_DEVICE;

/* A constant the boot table maps read-only (it lives in .rodata). */
const uint32_t ro_word = 0xc0debabeu;

static struct am_mpu_map g_map;
static unsigned int g_nr_hw; /* MPU_TYPE.DREGION, read once in main() */
static struct am_mpu_region g_regions[NR_STORE];
static struct am_armv8m_ctx g_hwctx;
static struct am_mpu_ops g_ops;
static int g_init_rc = 1, g_boot_rc = 1;
static struct am_mpu_boot_region g_boot[NR_BOOT];

/* ---------------------------------------------------------------------- */
/* Watching the backend: the ops the map gets wrap the armv8m ones.        */
/* ---------------------------------------------------------------------- */

static struct {
	unsigned int locks, unlocks;
	unsigned int writes, syncs;
	unsigned int bad_writes;     /* index beyond the hardware */
	unsigned int overlap_events; /* two enabled regions overlapping */
	unsigned int max_enabled;
	bool unsynced;			      /* region writes not yet followed by sync */
	unsigned int unsynced_calls;	      /* calls that broke the one-sync-at-the-end rule */
	unsigned int call_writes, call_syncs; /* since the last after_call() */
} g_hw;

/* The log hook keeps the last LOG_KEEP records (debug region writes aside). */
#define LOG_KEEP 8u
static struct {
	unsigned int count;
	struct {
		enum am_log_event event;
		const char *msg;
		uint64_t arg0;
	} rec[LOG_KEEP];
} g_log;

static void img_lock(void *ctx)
{
	g_hw.locks++;
	am_armv8m_lock(ctx);
}

static void img_unlock(void *ctx)
{
	g_hw.unlocks++;
	am_armv8m_unlock(ctx);
}

static bool hw_overlap(void)
{
	/* static: up to NR_STORE entries each; called with the lock held */
	static uint32_t b[NR_STORE], l[NR_STORE];
	uint32_t rbar, rlar;
	unsigned int i, j, n = 0;

	for (i = 0; i < g_nr_hw; i++) {
		if (am_armv8m_mpu_read(i, &rbar, &rlar) || !(rlar & 1u))
			continue;
		b[n] = rbar & ~31u;
		l[n] = rlar | 31u; /* inclusive */
		n++;
	}
	if (n > g_hw.max_enabled)
		g_hw.max_enabled = n;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (b[i] <= l[j] && b[j] <= l[i])
				return true;
	return false;
}

static void img_write_region(void *ctx, unsigned int idx, uint64_t rbar, uint64_t rlar)
{
	g_hw.writes++;
	g_hw.call_writes++;
	if (idx >= g_nr_hw) {
		g_hw.bad_writes++; /* RNR would ignore it and hit another region */
		return;
	}
	am_armv8m_write_region(ctx, idx, rbar, rlar);
	g_hw.unsynced = true;
	if (hw_overlap())
		g_hw.overlap_events++;
}

static void img_sync(void *ctx)
{
	g_hw.syncs++;
	g_hw.call_syncs++;
	g_hw.unsynced = false;
	am_armv8m_sync(ctx);
}

static void img_log(void *ctx, const struct am_log_rec *rec)
{
	(void)ctx;
	if (rec->event == AM_EV_REGION_WRITE)
		return;
	g_log.rec[g_log.count % LOG_KEEP].event = rec->event;
	g_log.rec[g_log.count % LOG_KEEP].msg = rec->msg;
	g_log.rec[g_log.count % LOG_KEEP].arg0 = rec->arg[0];
	g_log.count++;
}

/* ---------------------------------------------------------------------- */
/* Checks and their output (reporting: tests/qemu/common/check.c)         */
/* ---------------------------------------------------------------------- */

const char check_suite[] = "qemu-mpu";

static const char *attr_name(const struct am_attr *a)
{
	if (am_attr_is_device(a))
		return "dev";
	return perm_name(a->perm);
}

/* Print the AM_ATTR_DIFF_* bits of a mismatch record. */
static void show_diff(uint64_t d)
{
	static const char *const names[] = {"permissions", "execute-never", "unprivileged access",
					    "memory type", "shareability"};
	const char *sep = "";

	con_printf(" [differs:");
	for (unsigned int b = 0; b < 5; b++) {
		if (d & (1u << b)) {
			con_printf("%s %s", sep, names[b]);
			sep = ",";
		}
	}
	con_printf("]");
}

/* Print the log records a refused call left (those since @before). */
static void show_log(unsigned int before)
{
	unsigned int i;

	if (g_log.count == before) {
		con_printf("        (no log record)\n");
		return;
	}
	if (g_log.count - before > LOG_KEEP)
		before = g_log.count - LOG_KEEP;
	for (i = before; i < g_log.count; i++) {
		const char *msg = g_log.rec[i % LOG_KEEP].msg;

		con_printf("        log: \"%s\"", msg ? msg : "");
		if (g_log.rec[i % LOG_KEEP].event == AM_EV_ATTR_MISMATCH)
			show_diff(g_log.rec[i % LOG_KEEP].arg0);
		con_printf("\n");
	}
}

/* Did the calls since @before log @event with arg0 == @arg0? */
static bool logged(unsigned int before, enum am_log_event event, uint64_t arg0)
{
	unsigned int i;

	if (g_log.count - before > LOG_KEEP)
		before = g_log.count - LOG_KEEP;
	for (i = before; i < g_log.count; i++)
		if (g_log.rec[i % LOG_KEEP].event == event && g_log.rec[i % LOG_KEEP].arg0 == arg0)
			return true;
	return false;
}

/*
 * After every API call: no lock held; a call that wrote regions ended with
 * exactly one sync, and no write after it.
 */
static void after_call(const char *fn)
{
	if (g_hw.unsynced || (g_hw.call_writes && g_hw.call_syncs != 1)) {
		g_hw.unsynced_calls++;
		FAIL("%s: %u region writes, %u syncs%s\n", fn, g_hw.call_writes, g_hw.call_syncs,
		     g_hw.unsynced ? ", the last write not synced" : "");
	}
	EXPECT(g_hwctx.depth == 0, "%s returned holding the lock\n", fn);
	g_hw.unsynced = false;
	g_hw.call_writes = g_hw.call_syncs = 0;
}

static unsigned int hw_enabled(void)
{
	return am_armv8m_mpu_enabled_regions();
}

static int map_(uint32_t base, uint32_t limit, const struct am_attr *a, bool show)
{
	unsigned int used0 = am_mpu_used(&g_map), log0 = g_log.count;
	int rc = am_mpu_map(&g_map, base, limit, a);

	after_call("am_mpu_map");
	if (!show)
		return rc;
	con_printf("  map   [0x%08x, 0x%08x) %-3s -> ", base, limit, attr_name(a));
	if (rc >= 0) {
		con_printf("region %d (%s)\n", rc,
			   am_mpu_used(&g_map) > used0 ? "new" : "existing one, reference taken");
	} else {
		con_printf("%s\n", errname(rc));
		show_log(log0);
	}
	return rc;
}

static int unmap_(uint32_t base, uint32_t limit, bool show)
{
	unsigned int used0 = am_mpu_used(&g_map), log0 = g_log.count;
	int rc = am_mpu_unmap(&g_map, base, limit);

	after_call("am_mpu_unmap");
	if (!show)
		return rc;
	con_printf("  unmap [0x%08x, 0x%08x)    -> %s", base, limit, errname(rc));
	if (rc >= 0)
		con_printf(" (regions in use %u -> %u)\n", used0, am_mpu_used(&g_map));
	else
		con_printf("\n");
	if (rc < 0)
		show_log(log0);
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

static void expect_load(uint32_t addr, bool fault, bool show, uint32_t *out)
{
	uint32_t v = 0;
	bool ok = probe_read(addr, &v);

	if (ok && !fault) {
		if (show)
			con_printf("  load  0x%08x -> ok, 0x%08x\n", addr, v);
		if (out)
			*out = v;
	} else if (!ok && fault) {
		if (!fault_at(addr)) {
			FAIL("load 0x%08x -> ", addr);
			show_fault();
			con_printf(", expected DACCVIOL at the address\n");
		} else if (show) {
			con_printf("  load  0x%08x -> ", addr);
			show_fault();
			con_printf(" (as expected)\n");
		}
	} else if (ok) {
		FAIL("load 0x%08x -> ok (0x%08x), expected MemManage\n", addr, v);
	} else {
		FAIL("load 0x%08x -> ", addr);
		show_fault();
		con_printf(", expected it to succeed\n");
	}
}

static void expect_store(uint32_t addr, uint32_t val, bool fault, bool show)
{
	bool ok = probe_write(addr, val);
	uint32_t back = 0;

	if (ok && !fault) {
		if (!probe_read(addr, &back) || back != val)
			FAIL("store 0x%08x <- 0x%08x: read back 0x%08x\n", addr, val, back);
		else if (show)
			con_printf("  store 0x%08x <- 0x%08x -> ok, read back\n", addr, val);
	} else if (!ok && fault) {
		if (!fault_at(addr)) {
			FAIL("store 0x%08x -> ", addr);
			show_fault();
			con_printf(", expected DACCVIOL at the address\n");
		} else if (show) {
			con_printf("  store 0x%08x -> ", addr);
			show_fault();
			con_printf(" (as expected)\n");
		}
	} else if (ok) {
		FAIL("store 0x%08x -> ok, expected MemManage\n", addr);
	} else {
		FAIL("store 0x%08x -> ", addr);
		show_fault();
		con_printf(", expected it to succeed\n");
	}
}

/* Read/write access at @addr (store a pattern, load it back). */
static void expect_rw(uint32_t addr, bool show)
{
	expect_store(addr, addr ^ 0xa5a5a5a5u, false, show);
}

/* No access at all at @addr: both a load and a store fault. */
static void expect_none(uint32_t addr, bool show)
{
	expect_load(addr, true, show, NULL);
	expect_store(addr, 0x0badf00du, true, false);
}

/* The whole MPU, as the hardware holds it (its first g_nr_hw entries). */
struct hw_snap {
	uint32_t rbar[NR_STORE], rlar[NR_STORE];
};

static void snap(struct hw_snap *s)
{
	unsigned int i;

	for (i = 0; i < g_nr_hw; i++)
		if (am_armv8m_mpu_read(i, &s->rbar[i], &s->rlar[i]))
			s->rbar[i] = s->rlar[i] = 0xffffffffu;
}

static void expect_hw_unchanged(const struct hw_snap *before)
{
	static struct hw_snap now; /* static: 2 KiB, off the 8 KiB stack */
	unsigned int i, diff = 0;

	snap(&now);
	for (i = 0; i < g_nr_hw; i++) {
		if (now.rbar[i] == before->rbar[i] && now.rlar[i] == before->rlar[i])
			continue;
		diff++;
		FAIL("region %u changed: RBAR 0x%08x -> 0x%08x, RLAR 0x%08x -> 0x%08x\n", i,
		     before->rbar[i], now.rbar[i], before->rlar[i], now.rlar[i]);
	}
	if (!diff)
		con_printf("  hardware unchanged: all %u region registers identical, %u enabled\n",
			   g_nr_hw, hw_enabled());
}

/*
 * Hardware registers equal the map's view of them, for every region the
 * hardware implements; and the first index past them is out of range for
 * both (the map manages exactly the hardware's regions).
 */
static bool hw_matches_map(void)
{
	uint64_t pb, pl;
	uint32_t qb, ql;
	unsigned int i;
	bool same = true;
	int rh, rm;

	for (i = 0; i < g_nr_hw; i++) {
		uint64_t mb = 0, ml = 0;
		uint32_t hb = 0, hl = 0;
		int rc = am_mpu_region_regs(&g_map, i, &mb, &ml);

		am_armv8m_mpu_read(i, &hb, &hl);
		if (rc == 0 && mb == hb && ml == hl)
			continue;
		same = false;
		FAIL("region %u: map says RBAR=0x%08x RLAR=0x%08x (rc %d), hardware has 0x%08x "
		     "0x%08x\n",
		     i, (uint32_t)mb, (uint32_t)ml, rc, hb, hl);
	}
	rh = am_armv8m_mpu_read(g_nr_hw, &qb, &ql);
	rm = am_mpu_region_regs(&g_map, g_nr_hw, &pb, &pl);
	if (rh != AM_ERANGE || rm != AM_ERANGE) {
		same = false;
		FAIL("region %u (one past the hardware's): read back %s, map %s, expected "
		     "AM_ERANGE "
		     "from both\n",
		     g_nr_hw, errname(rh), errname(rm));
	}
	if (am_mpu_used(&g_map) != hw_enabled()) {
		same = false;
		FAIL("map uses %u regions, hardware has %u enabled\n", am_mpu_used(&g_map),
		     hw_enabled());
	}
	return same;
}

static void end(const char *what)
{
	/* every check leaves the hardware exactly as the map describes it */
	hw_matches_map();
	check_end(what);
}

/* Region @idx as the hardware has it, decoded. */
static void show_hw_region(unsigned int idx, const char *what)
{
	uint32_t rbar = 0, rlar = 0;
	struct am_mpu_fields f = {0};

	am_armv8m_mpu_read(idx, &rbar, &rlar);
	am_mpu_decode(AM_MPU_V8M, rbar, rlar, &f);
	con_printf(
		"  region %2u RBAR=0x%08x RLAR=0x%08x  [0x%08x, 0x%08x) AP=%u XN=%u Attr=%u %s\n",
		idx, rbar, rlar, (uint32_t)f.base, (uint32_t)f.limit, f.ap, f.xn, f.attr_idx, what);
}

/* The hardware's region @idx covers exactly [base, limit). */
static void expect_hw_bounds(int idx, uint32_t base, uint32_t limit)
{
	uint32_t rbar = 0, rlar = 0;
	struct am_mpu_fields f = {0};

	if (idx < 0 || am_armv8m_mpu_read((unsigned int)idx, &rbar, &rlar)) {
		FAIL("no region index (%d)\n", idx);
		return;
	}
	am_mpu_decode(AM_MPU_V8M, rbar, rlar, &f);
	EXPECT(f.en && f.base == base && f.limit == limit,
	       "hardware region %d is [0x%08x, 0x%08x) en=%u, expected [0x%08x, 0x%08x)\n", idx,
	       (uint32_t)f.base, (uint32_t)f.limit, f.en, base, limit);
}

static unsigned int region_refs(int idx)
{
	struct am_mpu_region r = {0};

	if (idx < 0 || am_mpu_region_get(&g_map, (unsigned int)idx, &r))
		return 0xffffu;
	return r.refs;
}

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
		   (type >> 8) & 0xffu, am_mpu_capacity(&g_map));
	EXPECT(g_nr_hw == ((type >> 8) & 0xffu) && am_mpu_capacity(&g_map) == g_nr_hw,
	       "am_armv8m_hw_regions() %u, map capacity %u, MPU_TYPE.DREGION %u: expected one "
	       "count\n",
	       g_nr_hw, am_mpu_capacity(&g_map), (type >> 8) & 0xffu);
	EXPECT(g_nr_hw >= NR_BOOT + NR_RUN_MAX && g_nr_hw <= NR_LAYOUT_MAX,
	       "the checks run on %u to %u regions, the hardware has %u\n", NR_BOOT + NR_RUN_MAX,
	       NR_LAYOUT_MAX, g_nr_hw);
	for (i = 0; i < NR_BOOT; i++)
		show_hw_region(i, names[i]);
	for (i = 0; i < NR_BOOT; i++)
		expect_hw_bounds((int)i, (uint32_t)g_boot[i].base, (uint32_t)g_boot[i].limit);
	if (hw_matches_map())
		con_printf("  regions 0..%u read back through MPU_RNR equal am_mpu_region_regs(); "
			   "region %u is out of range for both\n",
			   g_nr_hw - 1, g_nr_hw);
	EXPECT(hw_enabled() == NR_BOOT && am_mpu_used(&g_map) == NR_BOOT,
	       "%u regions enabled, %u in use, expected %u\n", hw_enabled(), am_mpu_used(&g_map),
	       NR_BOOT);
	EXPECT(mair == am_mpu_mair(&g_map), "MAIR 0x%08x%08x, map wants 0x%08x%08x\n",
	       (uint32_t)(mair >> 32), (uint32_t)mair, (uint32_t)(am_mpu_mair(&g_map) >> 32),
	       (uint32_t)am_mpu_mair(&g_map));
	EXPECT(ctrl == AM_ARMV8M_CTRL_ENABLE, "MPU_CTRL 0x%x, expected 0x1\n", ctrl);
	con_printf("  MAIR1:MAIR0=0x%08x:%08x, MPU_CTRL=0x%x (ENABLE, no PRIVDEFENA)\n",
		   (uint32_t)(mair >> 32), (uint32_t)mair, ctrl);
	EXPECT((uintptr_t)__test_window == WIN && (uintptr_t)__test_window_end == WIN_END,
	       "link.ld test window differs from the image's\n");
	end("boot table programmed: 4 regions, hardware == map for every hardware region, MPU on");
}

static void ck_rw(void)
{
	int idx;

	check_begin();
	idx = map_(WIN, WIN + 4 * PAGE, &attr_rw, true);
	EXPECT(idx == (int)NR_BOOT, "expected region %u (the lowest free)\n", NR_BOOT);
	expect_hw_bounds(idx, WIN, WIN + 4 * PAGE);
	expect_rw(WIN, true);
	expect_rw(WIN + 2 * PAGE + 0x124, false);
	expect_rw(WIN + 4 * PAGE - 4, true);
	expect_none(WIN + 4 * PAGE, true); /* one past the end */
	expect_none(WIN - 4, false);	   /* just below */
	EXPECT(unmap_(WIN, WIN + 4 * PAGE, true) == 0, "unmap failed\n");
	expect_none(WIN, true);
	end("mapped RW memory: loads and stores succeed inside, fault outside");
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
	expect_store(a, 0x12345678u, true, true);
	expect_load(a, false, true, &v);
	EXPECT(v == 0xc0debabeu, "ro_word reads 0x%08x\n", v);
	/* runtime: fill a page while RW, then map it RO */
	EXPECT(map_(base, base + PAGE, &attr_rw, false) >= 0, "map RW failed\n");
	expect_store(base + 0x40, 0x5eed1234u, false, false);
	EXPECT(unmap_(base, base + PAGE, false) == 0, "unmap RW failed\n");
	idx = map_(base, base + PAGE, &attr_ro, true);
	EXPECT(idx >= 0, "map RO failed\n");
	expect_load(base + 0x40, false, true, &v);
	EXPECT(v == 0x5eed1234u, "read 0x%08x, expected 0x5eed1234\n", v);
	expect_store(base + 0x40, 0xdeadbeefu, true, true);
	expect_load(base + 0x40, false, false, &v);
	EXPECT(v == 0x5eed1234u, "the refused store changed memory: 0x%08x\n", v);
	unmap_(base, base + PAGE, false);
	end("store to a read-only region raises MemManage (DACCVIOL, MMFAR), load succeeds");
}

static void ck_unmapped(void)
{
	check_begin();
	con_printf("  (0x%08x: end of the image RAM region; 0x%08x: end of its constants)\n",
		   (uint32_t)(uintptr_t)__ram_end, (uint32_t)(uintptr_t)__rodata_end);
	expect_none(WIN + 0x80000, true);
	expect_none((uint32_t)(uintptr_t)__ram_end, true);
	expect_none((uint32_t)(uintptr_t)__rodata_end, true);
	end("access to unmapped memory raises MemManage (no background region)");
}

static void ck_inclusive(void)
{
	uint32_t base = WIN + 0x10000, limit = WIN + 0x18000;
	uint32_t in = WIN + 0x12000;
	struct hw_snap s;
	unsigned int en;
	int outer, inner, rc;

	check_begin();
	outer = map_(base, limit, &attr_rw, true);
	en = hw_enabled();
	snap(&s);
	inner = map_(in, in + PAGE, &attr_rw, true);
	EXPECT(inner == outer && outer >= 0, "inner map -> %d, outer region %d\n", inner, outer);
	EXPECT(hw_enabled() == en, "enabled regions %u -> %u\n", en, hw_enabled());
	EXPECT(region_refs(outer) == 1, "refs %u, expected 1\n", region_refs(outer));
	expect_hw_unchanged(&s);
	expect_rw(in, false);
	rc = unmap_(base, limit, true);
	EXPECT(rc == 0 && hw_enabled() == en && region_refs(outer) == 0,
	       "outer unmap: rc %d, %u enabled (expected %u), refs %u\n", rc, hw_enabled(), en,
	       region_refs(outer));
	con_printf("  region %d kept (reference dropped), still accessible:\n", outer);
	expect_rw(base, true);
	expect_rw(in, false);
	rc = am_mpu_unmap_containing(&g_map, in + 0x345);
	after_call("am_mpu_unmap_containing");
	con_printf("  unmap_containing(0x%08x) -> %d (last reference: region disabled)\n",
		   in + 0x345, rc);
	EXPECT(rc == outer, "expected region %d\n", outer);
	EXPECT(hw_enabled() == en - 1, "enabled regions %u, expected %u\n", hw_enabled(), en - 1);
	expect_none(in, true);
	expect_none(base, false);
	end("inclusive map takes a reference, no new hardware region; last unmap removes it");
}

static void ck_overlap(void)
{
	uint32_t base = WIN + 0x20000;
	uint32_t ram_end = (uint32_t)(uintptr_t)__ram_end;
	struct hw_snap s;
	int idx, rc;

	check_begin();
	idx = map_(base, base + 4 * PAGE, &attr_rw, true);
	EXPECT(idx >= 0, "map failed\n");
	snap(&s);
	rc = map_(base + 2 * PAGE, base + 6 * PAGE, &attr_rw, true);
	EXPECT(rc == AM_EBUSY, "expected AM_EBUSY\n");
	rc = map_(ram_end - 0x20, ram_end + 0x20, &attr_rw, true);
	EXPECT(rc == AM_EBUSY, "expected AM_EBUSY (overlaps the image RAM)\n");
	expect_hw_unchanged(&s);
	expect_none(base + 4 * PAGE, true); /* not mapped by the refused call */
	expect_none(ram_end, false);
	expect_rw(base + 2 * PAGE, false);
	unmap_(base, base + 4 * PAGE, false);
	end("overlapping map refused with AM_EBUSY, hardware unchanged");
}

static void ck_split(void)
{
	uint32_t base = WIN + 0x30000, hole = base + 2 * PAGE, top = base + 8 * PAGE;
	unsigned int en, lo = 0, hi = 0;
	int idx, rc;

	check_begin();
	idx = map_(base, top, &attr_rw, true);
	EXPECT(idx >= 0, "map failed\n");
	en = hw_enabled();
	rc = unmap_(hole, hole + 2 * PAGE, true);
	EXPECT(rc == 0, "split unmap failed\n");
	EXPECT(hw_enabled() == en + 1, "enabled regions %u -> %u, expected +1\n", en, hw_enabled());
	if (am_mpu_lookup(&g_map, base, hole, &lo) == AM_MPU_FOUND &&
	    am_mpu_lookup(&g_map, hole + 2 * PAGE, top, &hi) == AM_MPU_FOUND) {
		con_printf("  now region %u [0x%08x, 0x%08x) and region %u [0x%08x, 0x%08x)\n", lo,
			   base, hole, hi, hole + 2 * PAGE, top);
		expect_hw_bounds((int)lo, base, hole);
		expect_hw_bounds((int)hi, hole + 2 * PAGE, top);
	} else {
		FAIL("the two sides are not regions of their own\n");
	}
	expect_rw(base, false);
	expect_rw(hole - 4, true);
	expect_none(hole, true);
	expect_none(hole + 2 * PAGE - 4, false);
	expect_rw(hole + 2 * PAGE, true);
	expect_rw(top - 4, false);
	expect_none(top, false);
	unmap_(base, hole, false);
	unmap_(hole + 2 * PAGE, top, false);
	EXPECT(hw_enabled() == en - 1, "cleanup left %u enabled\n", hw_enabled());
	end("split unmap: both sides accessible, hole faults, one more hardware region");
}

static void ck_shrink(void)
{
	uint32_t base = WIN + 0xa0000, top = base + 4 * PAGE;
	unsigned int en;
	int idx;

	check_begin();
	idx = map_(base, top, &attr_rw, true);
	EXPECT(idx >= 0, "map failed\n");
	en = hw_enabled();
	EXPECT(unmap_(base, base + PAGE, false) == 0, "unmap of the first page failed\n");
	EXPECT(unmap_(top - PAGE, top, false) == 0, "unmap of the last page failed\n");
	EXPECT(hw_enabled() == en, "enabled regions %u -> %u, expected no change\n", en,
	       hw_enabled());
	expect_hw_bounds(idx, base + PAGE, top - PAGE);
	con_printf("  unmap the first and the last page: region %d is now [0x%08x, 0x%08x)\n", idx,
		   base + PAGE, top - PAGE);
	expect_none(base + PAGE - 4, true);
	expect_rw(base + PAGE, false);
	expect_rw(top - PAGE - 4, false);
	expect_none(top - PAGE, true);
	EXPECT(unmap_(base + PAGE, top - PAGE, false) == 0, "unmap of the rest failed\n");
	end("unmap at a region's edges shrinks it in place: no new region, the edges fault");
}

/* Shared by ck_fill and ck_fill_split: the regions ck_fill mapped. */
static unsigned int g_filled;

static void ck_fill(void)
{
	unsigned int k, en, maxen = 0;
	struct hw_snap s;
	int rc = 0, first = -1, last = -1;

	check_begin();
	g_filled = 0;
	/* one map past the hardware's count at most: that one must be refused */
	for (k = 0; k <= g_nr_hw - NR_BOOT; k++) {
		uint32_t b = FILL_BASE + k * FILL_STEP;

		snap(&s);
		rc = map_(b, b + PAGE, &attr_rw, false);
		en = hw_enabled();
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
		expect_rw(b, false);
	}
	con_printf("  mapped %u pages 8 KiB apart from 0x%08x -> regions %d..%d\n", g_filled,
		   FILL_BASE, first, last);
	con_printf("  map %u [0x%08x, 0x%08x) RW -> %s\n", k + 1, FILL_BASE + k * FILL_STEP,
		   FILL_BASE + k * FILL_STEP + PAGE, errname(rc));
	EXPECT(rc == AM_ENOSPC, "expected AM_ENOSPC\n");
	EXPECT(g_filled == g_nr_hw - NR_BOOT, "%u maps succeeded, expected %u\n", g_filled,
	       g_nr_hw - NR_BOOT);
	EXPECT(hw_enabled() == g_nr_hw && maxen == g_nr_hw && am_mpu_used(&g_map) == g_nr_hw,
	       "enabled %u (max %u), used %u, expected %u\n", hw_enabled(), maxen,
	       am_mpu_used(&g_map), g_nr_hw);
	con_printf("  all %u hardware regions enabled, the map uses %u\n", hw_enabled(),
		   am_mpu_used(&g_map));
	expect_hw_unchanged(&s);
	expect_none(FILL_BASE + k * FILL_STEP, true);
	end("filling the MPU: AM_ENOSPC exactly when all the hardware's regions are in use");
}

static void ck_fill_split(void)
{
	uint32_t b = FILL_BASE;
	struct hw_snap s;
	unsigned int k;
	int rc;

	check_begin();
	snap(&s);
	rc = unmap_(b + 0x400, b + 0x800, true);
	EXPECT(rc == AM_ENOSPC, "expected AM_ENOSPC (the split needs a region)\n");
	expect_hw_unchanged(&s);
	expect_rw(b + 0x400, true);
	for (k = 0; k < g_filled; k++)
		EXPECT(unmap_(FILL_BASE + k * FILL_STEP, FILL_BASE + k * FILL_STEP + PAGE, false) ==
			       0,
		       "unmap %u failed\n", k);
	con_printf("  unmapped the %u pages: %u regions enabled\n", g_filled, hw_enabled());
	EXPECT(hw_enabled() == NR_BOOT, "expected %u\n", NR_BOOT);
	expect_none(FILL_BASE, false);
	end("split unmap with no free region refused (AM_ENOSPC), hardware unchanged");
}

static void ck_mismatch(void)
{
	uint32_t base = WIN + 0x60000;
	struct hw_snap s;
	unsigned int en, log0;
	int idx, rc;

	check_begin();
	idx = map_(base, base + 4 * PAGE, &attr_rw, true);
	EXPECT(idx >= 0, "map failed\n");
	en = hw_enabled();
	snap(&s);
	log0 = g_log.count;
	rc = map_(base + PAGE, base + 2 * PAGE, &attr_ro, true);
	EXPECT(rc == AM_EEXIST, "expected AM_EEXIST\n");
	EXPECT(logged(log0, AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_PERM),
	       "expected a log record AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_PERM\n");
	log0 = g_log.count;
	rc = map_(base, base + 4 * PAGE, &attr_rx, true);
	EXPECT(rc == AM_EEXIST, "expected AM_EEXIST\n");
	EXPECT(logged(log0, AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_PERM | AM_ATTR_DIFF_XN),
	       "expected a log record AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_PERM | _XN\n");
	log0 = g_log.count;
	rc = map_(base + PAGE, base + 2 * PAGE, &attr_dev, true);
	EXPECT(rc == AM_EEXIST, "expected AM_EEXIST\n");
	EXPECT(logged(log0, AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_MTYPE | AM_ATTR_DIFF_SH),
	       "expected a log record AM_EV_ATTR_MISMATCH, AM_ATTR_DIFF_MTYPE | _SH\n");
	expect_hw_unchanged(&s);
	EXPECT(region_refs(idx) == 0, "refused maps took a reference (%u)\n", region_refs(idx));
	expect_rw(base + PAGE, true); /* still RW */
	EXPECT(unmap_(base, base + 4 * PAGE, false) == 0 && hw_enabled() == en - 1,
	       "one unmap did not remove the region\n");
	end("attribute mismatch inside a region refused (AM_EEXIST), nothing changed");
}

static void ck_rules(void)
{
	static const struct am_attr rwx = {AM_PERM_R | AM_PERM_W | AM_PERM_X, AM_MT_NORMAL_WB,
					   AM_SH_INNER};
	static const struct am_attr devx = {AM_PERM_R | AM_PERM_X, AM_MT_DEVICE_nGnRE, AM_SH_OUTER};
	uint32_t base = WIN + 0x68000;
	struct hw_snap s;

	check_begin();
	snap(&s);
	EXPECT(map_(base, base + PAGE, &rwx, true) == AM_EPERM, "expected AM_EPERM\n");
	EXPECT(map_(base, base + PAGE, &devx, true) == AM_EPERM, "expected AM_EPERM\n");
	EXPECT(map_(base + 0x10, base + PAGE, &attr_rw, true) == AM_EINVAL, "expected AM_EINVAL\n");
	expect_hw_unchanged(&s);
	expect_none(base, false);
	end("write+execute, execute from device, unaligned: refused, hardware unchanged");
}

static void ck_modify(void)
{
	uint32_t base = WIN + 0x70000, limit = base + 4 * PAGE;
	struct hw_snap s;
	uint32_t v = 0;
	int idx, rc;

	check_begin();
	idx = map_(base, limit, &attr_rw, true);
	EXPECT(idx >= 0, "map failed\n");
	expect_store(base + 0x100, 0x600dcafeu, false, false);
	rc = am_mpu_modify(&g_map, base, limit, &attr_ro);
	after_call("am_mpu_modify");
	con_printf("  modify [0x%08x, 0x%08x) RW -> RO: %s\n", base, limit, errname(rc));
	EXPECT(rc == 0, "modify failed\n");
	expect_hw_bounds(idx, base, limit);
	expect_store(base + 0x100, 0x11111111u, true, true);
	expect_load(base + 0x100, false, false, &v);
	EXPECT(v == 0x600dcafeu, "read 0x%08x\n", v);
	snap(&s);
	rc = am_mpu_modify(&g_map, base, limit, &attr_dev);
	after_call("am_mpu_modify");
	con_printf("  modify to device memory: %s (memory type of a live region)\n", errname(rc));
	EXPECT(rc == AM_EPERM, "expected AM_EPERM\n");
	expect_hw_unchanged(&s);
	rc = am_mpu_modify(&g_map, base, limit, &attr_rw);
	after_call("am_mpu_modify");
	con_printf("  modify back RO -> RW: %s\n", errname(rc));
	EXPECT(rc == 0, "modify back failed\n");
	expect_store(base + 0x100, 0x22222222u, false, true);
	unmap_(base, limit, false);
	end("am_mpu_modify RW -> RO: stores fault; back to RW: stores succeed");
}

static void ck_xn(void)
{
	uint32_t base = WIN + 0x78000, r;
	int idx;

	check_begin();
	idx = map_(base, base + PAGE, &attr_rw, true);
	EXPECT(idx >= 0, "map failed\n");
	/* movs r0, #42 ; bx lr */
	expect_store(base, 0x4770202au, false, false);
	r = probe_exec(base);
	if (r == EXEC_FAULTED && (g_fault.mmfsr & CFSR_IACCVIOL) && g_fault.pc == base)
		con_printf("  call 0x%08x (movs r0,#42; bx lr) -> MemManage IACCVIOL pc=0x%08x (as "
			   "expected: XN)\n",
			   base, g_fault.pc);
	else
		FAIL("call into the RW (XN) region returned 0x%08x, expected IACCVIOL\n", r);
	unmap_(base, base + PAGE, false);
	idx = map_(base, base + PAGE, &attr_rx, true);
	EXPECT(idx >= 0, "map RX failed\n");
	r = probe_exec(base);
	if (r == 42)
		con_printf("  call 0x%08x -> returned 42\n", base);
	else
		FAIL("call into the RX region returned 0x%08x, expected 42\n", r);
	expect_store(base + 8, 0, true, true); /* RX is not writable */
	unmap_(base, base + PAGE, false);
	r = probe_exec(base);
	EXPECT(r == EXEC_FAULTED, "call after unmap returned 0x%08x\n", r);
	end("execute-never: call into RW region faults (IACCVIOL); RX region runs");
}

static void ck_vmap(void)
{
	uint32_t pa = WIN + 0x80000;
	void *va = NULL, *va2 = NULL;
	unsigned int en;
	int rc;

	check_begin();
	rc = am_mpu_vmap_contig(&g_map, pa, 4, NULL, &va);
	after_call("am_mpu_vmap_contig");
	con_printf("  vmap_contig(0x%08x, 4 pages) -> %s, va=0x%08x\n", pa, errname(rc),
		   (uint32_t)(uintptr_t)va);
	EXPECT(rc == 0 && (uintptr_t)va == pa, "expected va == pa\n");
	en = hw_enabled();
	expect_rw(pa, false);
	expect_rw(pa + 4 * PAGE - 4, false);
	expect_none(pa + 4 * PAGE, true);
	rc = am_mpu_vmap_contig(&g_map, pa + PAGE, 1, NULL, &va2);
	after_call("am_mpu_vmap_contig");
	con_printf("  vmap_contig(0x%08x, 1 page) -> %s, inside: %u regions enabled (was %u)\n",
		   pa + PAGE, errname(rc), hw_enabled(), en);
	EXPECT(rc == 0 && (uintptr_t)va2 == pa + PAGE && hw_enabled() == en,
	       "expected a reference on the same region\n");
	rc = am_mpu_vunmap(&g_map, va2);
	after_call("am_mpu_vunmap");
	EXPECT(rc == 0 && hw_enabled() == en, "vunmap inner: %s\n", errname(rc));
	expect_rw(pa, false);
	rc = am_mpu_vunmap(&g_map, va);
	after_call("am_mpu_vunmap");
	con_printf("  vunmap(0x%08x): reference dropped; vunmap(0x%08x) -> %s, %u enabled\n",
		   pa + PAGE, pa, errname(rc), hw_enabled());
	EXPECT(rc == 0 && hw_enabled() == en - 1, "vunmap failed\n");
	expect_none(pa, true);
	rc = am_mpu_vmap_contig(&g_map, pa + 0x800, 1, NULL, &va);
	after_call("am_mpu_vmap_contig");
	EXPECT(rc == AM_EINVAL, "unaligned pa: %s, expected AM_EINVAL\n", errname(rc));
	end("am_mpu_vmap_contig / am_mpu_vunmap on hardware");
}

static void ck_merge(void)
{
	uint32_t base = WIN + 0x90000, mid = base + 2 * PAGE, top = base + 4 * PAGE;
	unsigned int en, idx = 0;
	int a, b, rc;

	check_begin();
	a = map_(base, mid, &attr_rw, true);
	b = map_(mid, top, &attr_rw, true);
	EXPECT(a >= 0 && b >= 0 && a != b, "expected two regions\n");
	en = hw_enabled();
	rc = am_mpu_merge(&g_map);
	after_call("am_mpu_merge");
	con_printf("  merge -> %d region(s) freed; hardware regions enabled %u -> %u\n", rc, en,
		   hw_enabled());
	EXPECT(rc == 1 && hw_enabled() == en - 1, "expected exactly one freed\n");
	if (am_mpu_lookup(&g_map, base, top, &idx) == AM_MPU_FOUND) {
		con_printf("  region %u is now [0x%08x, 0x%08x)\n", idx, base, top);
		expect_hw_bounds((int)idx, base, top);
	} else {
		FAIL("no single region [0x%08x, 0x%08x)\n", base, top);
	}
	expect_rw(base, false);
	expect_rw(mid - 4, false);
	expect_rw(mid, true);
	expect_rw(top - 4, false);
	expect_none(top, false);
	EXPECT(unmap_(base, top, false) == 0, "unmap of the merged range failed\n");
	expect_none(mid, false);
	end("am_mpu_merge: two adjacent identical regions become one, both halves accessible");
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
	struct hw_snap s;
	unsigned int log0, writes0 = g_hw.writes;
	int rc1, rc2, rc3;

	check_begin();
	am_log_set_fallback(img_log, NULL);
	snap(&s);
	log0 = g_log.count;
	rc1 = am_mpu_map(&never, WIN, WIN + PAGE, &AM_ATTR_RW_DATA);
	con_printf("  am_mpu_map() on a map never initialised: %s\n", errname(rc1));
	show_log(log0);
	EXPECT(rc1 == AM_EINVAL, "expected AM_EINVAL\n");
	EXPECT(g_log.count == log0 + 1 && logged(log0, AM_EV_NOT_READY, (uintptr_t)&never),
	       "expected one record AM_EV_NOT_READY\n");
	rc2 = am_mpu_init(&failed, &bad, &g_ops, &g_hwctx);
	log0 = g_log.count;
	rc3 = am_mpu_unmap(&failed, WIN, WIN + PAGE);
	con_printf("  am_mpu_init() with storage shorter than the regions: %s; then "
		   "am_mpu_unmap(): %s\n",
		   errname(rc2), errname(rc3));
	show_log(log0);
	EXPECT(rc2 == AM_EINVAL && rc3 == AM_EINVAL, "expected AM_EINVAL twice\n");
	EXPECT(g_log.count == log0 + 1 && logged(log0, AM_EV_NOT_READY, (uintptr_t)&failed),
	       "expected one record AM_EV_NOT_READY\n");
	EXPECT(g_hw.writes == writes0, "a refused call wrote %u regions\n", g_hw.writes - writes0);
	expect_hw_unchanged(&s);
	am_log_set_fallback(NULL, NULL);
	end("an uninitialised or failed-init map: an error code and a record, not a jump");
}

static void ck_final(void)
{
	uint32_t primask;

	__asm__ volatile("mrs %0, primask" : "=r"(primask));
	check_begin();
	con_printf("  lock/unlock %u/%u, region writes %u, syncs %u, MemManage faults (all "
		   "expected) %u\n",
		   g_hw.locks, g_hw.unlocks, g_hw.writes, g_hw.syncs, g_fault.count);
	EXPECT(g_hw.locks == g_hw.unlocks && g_hw.locks > 0 && g_hwctx.depth == 0,
	       "lock/unlock unbalanced or never used\n");
	EXPECT(primask == 0, "PRIMASK left at %u\n", primask);
	EXPECT(g_hw.overlap_events == 0, "%u region writes left two enabled regions overlapping\n",
	       g_hw.overlap_events);
	EXPECT(g_hw.bad_writes == 0, "%u writes to a region index >= %u\n", g_hw.bad_writes,
	       g_nr_hw);
	EXPECT(g_hw.unsynced_calls == 0, "%u calls ended without a sync\n", g_hw.unsynced_calls);
	EXPECT(g_hw.max_enabled <= g_nr_hw, "max enabled %u of %u\n", g_hw.max_enabled, g_nr_hw);
	EXPECT(hw_enabled() == NR_BOOT && am_mpu_used(&g_map) == NR_BOOT,
	       "%u regions left enabled, expected the %u boot regions\n", hw_enabled(), NR_BOOT);
	end("afterwards: only the boot regions, lock balanced, no overlap, every write synced");
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

	g_ops = am_armv8m_mpu_ops;
	g_ops.env.lock = img_lock;
	g_ops.env.unlock = img_unlock;
	g_ops.env.log = img_log;
	g_ops.write_region = img_write_region;
	g_ops.sync = img_sync;

	g_boot[0] = (struct am_mpu_boot_region){(uintptr_t)__text_start, (uintptr_t)__text_end,
						AM_ATTR_RX_TEXT};
	g_boot[1] = (struct am_mpu_boot_region){(uintptr_t)__rodata_start, (uintptr_t)__rodata_end,
						AM_ATTR_RO_DATA};
	g_boot[2] = (struct am_mpu_boot_region){(uintptr_t)__ram_start, (uintptr_t)__ram_end,
						AM_ATTR_RW_DATA};
	g_boot[3] = (struct am_mpu_boot_region){UART0_BASE, UART0_BASE + PAGE, AM_ATTR_DEVICE};

	g_init_rc = am_mpu_init(&g_map, &cfg, &g_ops, &g_hwctx);
	g_hw.call_writes = g_hw.call_syncs = 0; /* init syncs after writing MAIR */
	if (g_init_rc == 0)
		g_boot_rc = am_mpu_boot(&g_map, g_boot, NR_BOOT);
	if (g_hw.unsynced || g_hw.call_syncs != 1)
		g_hw.unsynced_calls++; /* am_mpu_boot: one sync at the end */
	g_hw.unsynced = false;
	g_hw.call_writes = g_hw.call_syncs = 0;
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
