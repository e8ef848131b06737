/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mmu: the armmap translation-table engine driving the real (emulated)
 * EL2 stage-1 MMU of a Cortex-A57 (QEMU virt, started at EL2), and the
 * checks that the hardware does what the table says. The image builds its
 * own table with armmap (code RX, constants RO, RAM RW, the UART device),
 * turns the MMU on with it, and from then on every check changes the live
 * table through the API and asks the hardware: AT S1E2R / S1E2W (PAR_EL1)
 * and real loads, stores and calls whose aborts the EL2 vectors record.
 * Also `make demo`.
 *
 * QEMU's AT walks the tables in memory, while its loads and stores go
 * through its TLB; so the loads and stores also prove the engine's TLB
 * maintenance: a check touches an address before changing its mapping.
 */
#include <armmap/dump.h>
#include <armmap/errors.h>
#include <armmap/pt.h>

#include "tests/qemu/aarch64/exc.h"
#include <armmap/arch/aarch64/pt_ops.h>
#include <armmap/arch/aarch64/sysreg.h>
#include "tests/qemu/mmu/image.h"
#include "tests/qemu/common/inval_count.h"

#define PAGE 0x1000ul
#define SZ_64K 0x10000ul
#define SZ_2M 0x200000ul
#define SZ_1G 0x40000000ul
#define IA_BITS 39u
#define POOL_PAGES 64u

/* Where the checks map (RAM is [0x4000_0000, 0x8000_0000), the image below 0x4020_0000). */
#define RAM_BASE 0x40000000ul
#define BLK_A 0x40400000ul     /* 2 MiB block, later shattered by an unmap */
#define BLK_B 0x40600000ul     /* 2 MiB block, later shattered by a modify */
#define CONT_VA 0x40a00000ul   /* contiguous runs, an alias of BLK_A */
#define EXEC_PG 0x40c00000ul   /* code written at run time */
#define LIVE_PG 0x40d00000ul   /* refused calls try to map over it */
#define HOLE 0x40e00000ul      /* never mapped: no level-2 entry */
#define BLK_C 0x41000000ul     /* 2 MiB block that cannot be broken: no table page left */
#define FAR_VA 0x1000000000ul  /* 64 GiB: no level-1 entry */
#define FREE_VA 0x2000000000ul /* 128 GiB: needs its own level-2 and level-3 tables */
#define FREE_PA 0x40800000ul
#define NOMEM_VA 0x3000000000ul	 /* 192 GiB */
#define GIANT_VA 0x4000000000ul	 /* 256 GiB: a 1 GiB block onto all of RAM */
#define BEYOND_VA 0x8000000000ul /* 512 GiB: beyond the 39-bit VA space */
#define RNG_VA 0x3800000000ul	 /* 224 GiB: the range-invalidation pages */
#define RNG_PA 0x41800000ul	 /* their RAM: 9 pages */
#define RNG2_VA 0x3800200000ul	 /* 4 MiB of pages; 2 MiB unmapped by one range TLBI */
#define RNG2_PA 0x41c00000ul
#define UART_NEXT (UART_BASE + PAGE) /* the next device (PL031), not mapped */

#define POISON 0x00000000deadb003ul /* what a freed table page is filled with */

static const struct am_attr attr_rw = AM_ATTR_RW_DATA;
static const struct am_attr attr_ro = AM_ATTR_RO_DATA;
static const struct am_attr attr_rx = AM_ATTR_RX_TEXT;
static const struct am_attr attr_dev = AM_ATTR_DEVICE;

/* A constant the boot table maps read-only (.rodata), and a variable (.data). */
const uint64_t ro_word = 0xc0debabe5eed1234ull;
volatile uint64_t rw_word = 0x1111222233334444ull;

static struct am_pt g_pt;
static struct am_aarch64_pt_ctx g_ctx;
static struct am_pt_ops g_ops;
static uint8_t g_pool[POOL_PAGES * PAGE] __attribute__((aligned(4096)));
static int g_init_rc = 1, g_mmu_rc = 1;
static size_t g_boot_tables;

/* ---------------------------------------------------------------------- */
/* Watching the backend: the ops the table gets wrap the aarch64 ones.     */
/* ---------------------------------------------------------------------- */

static struct {
	unsigned long tlbi_leaf, tlbi_table, tlbi_range, tlbi_all, publishes, completes;
	unsigned long tlbi_inplace; /* TLBIs after an in-place permission change */
	unsigned long allocs, frees, violations;
	unsigned int call_tlbis, call_publishes, call_completes;
	bool published; /* a PUBLISH flush with no COMPLETE since */
} g_hw;
/* The runner asked for FEAT_TLBIRANGE (-cpu max, -append " tlbirange=1"). */
static bool g_expect_range;

#define LOG_KEEP 8u
static struct {
	unsigned int count, internal;
	struct {
		enum am_log_event event;
		const char *msg;
		uint64_t arg[3];
	} rec[LOG_KEEP];
} g_log;

const char check_suite[] = "qemu-mmu";

static void violation(const char *what)
{
	g_hw.violations++;
	FAIL("backend saw: %s\n", what);
}

/* The pool budget of the image's table (UINT_MAX: the whole pool), for
 * the checks that run it short: a caller's own policy around the backend's
 * alloc_table, as a user would add one. */
static unsigned int g_pool_budget = ~0u;

static void *img_alloc(void *ctx, am_paddr_t *pa)
{
	const struct am_aarch64_pt_ctx *c = ctx;
	void *p;

	if (c && c->in_use >= g_pool_budget)
		return NULL;
	p = am_aarch64_alloc_table(ctx, pa);

	if (p)
		g_hw.allocs++;
	return p;
}

static void img_free(void *ctx, void *table, am_paddr_t pa)
{
	uint64_t *p = table;
	unsigned int i;

	if (g_hw.published)
		violation("a table page given back after a PUBLISH with no COMPLETE yet");
	g_hw.frees++;
	/* a walk that still used it would now go astray and show */
	if ((uint8_t *)table >= g_pool && (uint8_t *)table < g_pool + sizeof(g_pool))
		for (i = 0; i < PAGE / 8; i++)
			p[i] = POISON;
	am_aarch64_free_table(ctx, table, pa);
}

/*
 * The descriptor at @level on the path of @va, read from the live table
 * (PA == VA), or the invalid one where the path ends before that level.
 */
static am_pte_t sw_desc(uint64_t va, unsigned int level)
{
	const am_pte_t *t = (const am_pte_t *)(uintptr_t)(am_pt_ttbr(&g_pt) & AM_PTE_OA_MASK);
	unsigned int l;
	am_pte_t e = 0;

	for (l = AM_PT_MAX_LEVEL + 1 - (IA_BITS - 12) / 9; l <= AM_PT_MAX_LEVEL; l++) {
		e = t[(va >> am_pt_level_shift(l)) & 511];
		if (l == level || !(e & AM_PTE_VALID) || l == AM_PT_MAX_LEVEL ||
		    !(e & AM_PTE_TABLE))
			return e;
		t = (const am_pte_t *)(uintptr_t)(e & AM_PTE_OA_MASK);
	}
	return e;
}

/*
 * Break-before-make: when the TLBI goes out, the entry is still invalid, or
 * a leaf whose permissions changed in place (the architecture needs no
 * break-before-make for that). A table there would be a block replaced
 * before its TLBI completed. Returns whether the entry is valid.
 */
static bool tlbi_entry_ok(uint64_t va, unsigned int level)
{
	am_pte_t e = sw_desc(va, level);

	if ((e & AM_PTE_VALID) && (e & AM_PTE_TABLE) && level < AM_PT_MAX_LEVEL)
		violation("TLBI of a block already replaced by a table (make before break)");
	return (e & AM_PTE_VALID) != 0;
}

/* One flush of the table: its barriers and TLBIs, checked, then carried out. */
static void img_flush(void *ctx, const struct am_pt_flush *f)
{
	if (f->regime != AM_PT_S1_EL2)
		violation("a flush of another regime");
	if (f->kind != AM_PT_FLUSH_COMPLETE) {
		g_hw.publishes++;
		g_hw.call_publishes++;
		g_hw.published = true;
	}
	if (f->kind == AM_PT_FLUSH_PUBLISH) {
		am_aarch64_pt_flush(ctx, f);
		return;
	}
	if (f->kind == AM_PT_FLUSH_ALL) {
		g_hw.tlbi_all++;
		g_hw.call_tlbis++;
	}
	for (unsigned int i = 0; f->kind == AM_PT_FLUSH_LIST && i < f->n; i++) {
		const struct am_pt_inval *v = &f->inv[i];
		bool valid = false;

		if (!v->pages)
			valid = tlbi_entry_ok(am_va_val(v->addr), v->level);
		for (uint64_t k = 0; k < v->pages; k++)
			valid |= tlbi_entry_ok(am_va_val(v->addr) + k * PAGE,
					       v->level ? v->level : 3);
		g_hw.tlbi_inplace += valid;
		(*inval_counter(v, &g_hw.tlbi_leaf, &g_hw.tlbi_table, &g_hw.tlbi_range))++;
		g_hw.call_tlbis++;
	}
	g_hw.completes++;
	g_hw.call_completes++;
	g_hw.published = false;
	am_aarch64_pt_flush(ctx, f);
}

static void img_log(void *ctx, const struct am_log_rec *rec)
{
	unsigned int i = g_log.count % LOG_KEEP;

	(void)ctx;
	if (rec->event == AM_EV_INTERNAL)
		g_log.internal++;
	g_log.rec[i].event = rec->event;
	g_log.rec[i].msg = rec->msg;
	g_log.rec[i].arg[0] = rec->arg[0];
	g_log.rec[i].arg[1] = rec->arg[1];
	g_log.rec[i].arg[2] = rec->arg[2];
	g_log.count++;
}

/* Print the log records the calls since @before left. */
static void show_log(unsigned int before)
{
	unsigned int i;

	if (g_log.count - before > LOG_KEEP)
		before = g_log.count - LOG_KEEP;
	for (i = before; i < g_log.count; i++) {
		const char *msg = g_log.rec[i % LOG_KEEP].msg;
		const uint64_t *a = g_log.rec[i % LOG_KEEP].arg;

		con_printf("        log: \"%s\" (0x%lx, 0x%lx, %lu)\n", msg ? msg : "", a[0], a[1],
			   a[2]);
	}
}

static bool logged(unsigned int before, enum am_log_event event)
{
	unsigned int i;

	if (g_log.count - before > LOG_KEEP)
		before = g_log.count - LOG_KEEP;
	for (i = before; i < g_log.count; i++)
		if (g_log.rec[i % LOG_KEEP].event == event)
			return true;
	return false;
}

/* What the last API call did through the backend. */
static struct {
	unsigned int tlbis, publishes, completes;
} g_call;

/*
 * After every API call: every TLBI came after a PUBLISH (checked as it
 * happens) and a COMPLETE follows the last one; a call that wrote (@wrote)
 * ends with a COMPLETE; a refused call issued no TLBI and holds no more
 * table pages; the engine's count of table pages equals what the pool
 * handed out. A call that breaks a live block or run completes twice: once
 * between the break and the make, once at the end.
 */
static void after_call(const char *fn, int rc, unsigned int in_use0, bool wrote)
{
	if (rc < 0) {
		EXPECT(g_hw.call_tlbis == 0, "%s refused but issued %u TLBIs\n", fn,
		       g_hw.call_tlbis);
		EXPECT(g_ctx.in_use == in_use0, "%s refused but table pages in use went %u -> %u\n",
		       fn, in_use0, g_ctx.in_use);
	}
	if (g_hw.published) {
		g_hw.violations++;
		FAIL("%s: a PUBLISH left after the last COMPLETE barrier\n", fn);
	}
	if (rc == 0 && wrote && g_hw.call_completes == 0) {
		g_hw.violations++;
		FAIL("%s wrote descriptors but ended without a COMPLETE barrier\n", fn);
	}
	EXPECT(am_pt_tables(&g_pt) == g_ctx.in_use,
	       "%s: am_pt_tables() says %lu, the pool has %u pages out\n", fn,
	       (unsigned long)am_pt_tables(&g_pt), g_ctx.in_use);
	g_call.tlbis = g_hw.call_tlbis;
	g_call.publishes = g_hw.call_publishes;
	g_call.completes = g_hw.call_completes;
	g_hw.call_tlbis = g_hw.call_publishes = g_hw.call_completes = 0;
}

static void show_call(void)
{
	if (g_call.tlbis || g_call.completes)
		con_printf(" [%u TLBI, %u PUBLISH, %u COMPLETE]", g_call.tlbis, g_call.publishes,
			   g_call.completes);
}

/* ---------------------------------------------------------------------- */
/* Names (errname, perm_name: tests/qemu/common/check.c)                  */
/* ---------------------------------------------------------------------- */

static const char *mt_name(unsigned int mt)
{
	static const char *const n[AM_MT_COUNT] = {"Device-nGnRnE", "Device-nGnRE", "Normal-NC",
						   "Normal-WT", "Normal-WB"};

	return mt < AM_MT_COUNT ? n[mt] : "?";
}

static const char *sh_name(unsigned int sh)
{
	return sh == AM_SH_INNER ? "inner" : sh == AM_SH_OUTER ? "outer" : sh ? "?" : "non";
}

/* ---------------------------------------------------------------------- */
/* The table through the API                                               */
/* ---------------------------------------------------------------------- */

static unsigned int g_dump_lines;

static void dump_line(void *arg, const char *line)
{
	(void)arg;
	con_printf("    %s\n", line);
	g_dump_lines++;
}

/* The leaves of [va, va + size), as the library's dump groups them (armmap/dump.h). */
static void show_leaves(uint64_t va, uint64_t size)
{
	unsigned int n0 = g_dump_lines;
	int rc = am_pt_dump(&g_pt, am_va(va), size, dump_line, NULL);

	if (!rc && g_dump_lines == n0)
		con_printf("    (nothing mapped)\n");
	EXPECT(rc == 0, "am_pt_dump: %s\n", errname(rc));
}

static int map_(uint64_t va, uint64_t pa, uint64_t size, const struct am_attr *a,
		unsigned int flags, bool show)
{
	unsigned int in_use0 = g_ctx.in_use, log0 = g_log.count;
	size_t t0 = am_pt_tables(&g_pt);
	int rc = am_pt_map(&g_pt, am_va(va), am_pa(pa), size, a, flags);

	after_call("am_pt_map", rc, in_use0, true);
	if (!show)
		return rc;
	con_printf("  map    [0x%lx, 0x%lx) -> 0x%lx %s %s%s%s -> %s", va, va + size, pa,
		   perm_name(a->perm), mt_name(a->mtype), flags & AM_PT_F_BLOCK ? " BLOCK" : "",
		   flags & AM_PT_F_CONTIG ? " CONTIG" : "", errname(rc));
	if (rc == 0) {
		con_printf(" (tables %lu -> %lu)", (unsigned long)t0,
			   (unsigned long)am_pt_tables(&g_pt));
		show_call();
		con_printf("\n");
		show_leaves(va, size);
	} else {
		con_printf("\n");
		show_log(log0);
	}
	return rc;
}

static int unmap_(uint64_t va, uint64_t size, bool show)
{
	unsigned int in_use0 = g_ctx.in_use, log0 = g_log.count;
	size_t t0 = am_pt_tables(&g_pt);
	int rc = am_pt_unmap(&g_pt, am_va(va), size);

	after_call("am_pt_unmap", rc, in_use0, true);
	if (!show)
		return rc;
	con_printf("  unmap  [0x%lx, 0x%lx) -> %s (tables %lu -> %lu)", va, va + size, errname(rc),
		   (unsigned long)t0, (unsigned long)am_pt_tables(&g_pt));
	show_call();
	con_printf("\n");
	show_log(log0);
	return rc;
}

static int modify_(uint64_t va, uint64_t size, const struct am_attr *a, bool show)
{
	unsigned int in_use0 = g_ctx.in_use, log0 = g_log.count;
	size_t t0 = am_pt_tables(&g_pt);
	int rc = am_pt_modify(&g_pt, am_va(va), size, a, 0);

	after_call("am_pt_modify", rc, in_use0, true);
	if (!show)
		return rc;
	con_printf("  modify [0x%lx, 0x%lx) -> %s: %s (tables %lu -> %lu)", va, va + size,
		   perm_name(a->perm), errname(rc), (unsigned long)t0,
		   (unsigned long)am_pt_tables(&g_pt));
	show_call();
	con_printf("\n");
	show_log(log0);
	return rc;
}

/* The leaf that maps @va: level and size @level / @size (0: any). */
static bool expect_leaf(uint64_t va, unsigned int level, uint64_t size, struct am_pt_leaf *out)
{
	struct am_pt_leaf l = {0};
	int rc = am_pt_query(&g_pt, am_va(va), &l);

	if (rc) {
		FAIL("am_pt_query(0x%lx): %s\n", va, errname(rc));
		return false;
	}
	if ((level && l.level != level) || (size && l.size != size)) {
		FAIL("am_pt_query(0x%lx): level %u size 0x%lx, expected level %u size 0x%lx\n", va,
		     l.level, l.size, level, size);
		return false;
	}
	if (out)
		*out = l;
	return true;
}

static void expect_no_leaf(uint64_t va)
{
	struct am_pt_leaf l;
	int rc = am_pt_query(&g_pt, am_va(va), &l);

	EXPECT(rc == AM_ENOENT, "am_pt_query(0x%lx): %s, expected AM_ENOENT\n", va, errname(rc));
}

/* ---------------------------------------------------------------------- */
/* The hardware's answer                                                   */
/* ---------------------------------------------------------------------- */

#define OK (-1) /* expected: no fault */

static void show_fsc(unsigned int fsc)
{
	con_printf("%s fault, level %u", am_aarch64_fsc_name(fsc), AM_FSC_LEVEL(fsc));
}

/*
 * AT S1E2R (or S1E2W when @write) of @va. @fsc OK: expect a translation to
 * @pa (the page's PA) with the MAIR byte of @mt and shareability @sh;
 * otherwise expect F = 1 with FST == @fsc.
 */
static uint64_t expect_at(uint64_t va, bool write, int fsc, uint64_t pa, unsigned int mt,
			  unsigned int sh, bool show)
{
	uint64_t par = write ? am_aarch64_at_s1e2w(va) : am_aarch64_at_s1e2r(va);
	const char *op = write ? "AT S1E2W" : "AT S1E2R";

	if (fsc == OK) {
		uint64_t got = par & AM_PAR_PA_MASK;
		unsigned int attr = (unsigned int)am_mair_byte(mt);
		unsigned int hsh = am_attr_is_device(&(struct am_attr){0, (uint8_t)mt, 0})
					   ? AM_SH_OUTER /* device: the PE reports outer */
					   : sh;

		if (par & AM_PAR_F) {
			FAIL("%s 0x%lx: PAR_EL1=0x%lx, ", op, va, par);
			show_fsc(am_par_fst(par));
			con_printf(", expected a translation to 0x%lx\n", pa);
		} else if (got != (pa & AM_PAR_PA_MASK) || am_par_attr(par) != attr ||
			   am_par_sh(par) != hsh) {
			FAIL("%s 0x%lx: PAR_EL1=0x%lx (PA 0x%lx ATTR 0x%02x SH %u), expected PA "
			     "0x%lx ATTR 0x%02x SH %u\n",
			     op, va, par, got, am_par_attr(par), am_par_sh(par),
			     pa & AM_PAR_PA_MASK, attr, hsh);
		} else if (show) {
			con_printf("  %s 0x%lx -> PAR_EL1=0x%lx: PA 0x%lx, ATTR 0x%02x (%s), SH "
				   "%s\n",
				   op, va, par, got, am_par_attr(par), mt_name(mt), sh_name(hsh));
		}
		return par;
	}
	if (!(par & AM_PAR_F)) {
		FAIL("%s 0x%lx: PAR_EL1=0x%lx translates to 0x%lx, expected a fault\n", op, va, par,
		     par & AM_PAR_PA_MASK);
	} else if (am_par_fst(par) != (unsigned int)fsc) {
		FAIL("%s 0x%lx: PAR_EL1=0x%lx FST 0x%02x (", op, va, par, am_par_fst(par));
		show_fsc(am_par_fst(par));
		con_printf("), expected FST 0x%02x (", (unsigned int)fsc);
		show_fsc((unsigned int)fsc);
		con_printf(")\n");
	} else if (show) {
		con_printf("  %s 0x%lx -> PAR_EL1=0x%lx: F=1, FST 0x%02x (", op, va, par,
			   am_par_fst(par));
		show_fsc(am_par_fst(par));
		con_printf(")\n");
	}
	return par;
}

/* The last probe fault was a data abort at EL2 at @va with @fsc, a write if @wnr. */
static bool fault_is(uint64_t va, unsigned int fsc, bool wnr, const char *insn)
{
	uint64_t esr = am_aarch64_last_fault.esr;

	return am_esr_ec(esr) == AM_EC_DABT_CUR && am_esr_fsc(esr) == fsc &&
	       !!(esr & AM_ISS_WNR) == wnr && am_aarch64_last_fault.far == va &&
	       am_aarch64_last_fault.elr == (uintptr_t)insn;
}

static void show_fault(void)
{
	uint64_t esr = am_aarch64_last_fault.esr;

	con_printf("%s: ESR_EL2=0x%lx (EC 0x%02x, DFSC 0x%02x: ", am_aarch64_exc_name(esr), esr,
		   am_esr_ec(esr), am_esr_fsc(esr));
	show_fsc(am_esr_fsc(esr));
	con_printf("%s) FAR_EL2=0x%lx", (esr & AM_ISS_WNR) ? ", WnR" : "",
		   am_aarch64_last_fault.far);
}

/* A 64-bit load at @va: it succeeds (@fsc OK) or takes a data abort with @fsc. */
static bool expect_load(uint64_t va, int fsc, bool show, uint64_t *out)
{
	uint64_t v = 0;
	bool ok = am_aarch64_probe_read(va, &v);

	if (ok && fsc == OK) {
		if (show)
			con_printf("  load  0x%lx -> ok, 0x%lx\n", va, v);
		if (out)
			*out = v;
		return true;
	}
	if (ok) {
		FAIL("load 0x%lx -> ok (0x%lx), expected a data abort\n", va, v);
		return false;
	}
	if (fsc == OK) {
		FAIL("load 0x%lx -> ", va);
		show_fault();
		con_printf(", expected it to succeed\n");
	} else if (!fault_is(va, (unsigned int)fsc, false, am_aarch64_probe_ld_insn)) {
		FAIL("load 0x%lx -> ", va);
		show_fault();
		con_printf(", expected DFSC 0x%02x at the address, WnR=0, from the probe\n",
			   (unsigned int)fsc);
	} else if (show) {
		con_printf("  load  0x%lx -> ", va);
		show_fault();
		con_printf("\n");
	}
	return false;
}

/* A 64-bit store at @va (read back when it succeeds). */
static bool expect_store(uint64_t va, uint64_t val, int fsc, bool show)
{
	bool ok = am_aarch64_probe_write(va, val);
	uint64_t back = 0;

	if (ok && fsc == OK) {
		if (!am_aarch64_probe_read(va, &back) || back != val) {
			FAIL("store 0x%lx <- 0x%lx: read back 0x%lx\n", va, val, back);
			return false;
		}
		if (show)
			con_printf("  store 0x%lx <- 0x%lx -> ok, read back\n", va, val);
		return true;
	}
	if (ok) {
		FAIL("store 0x%lx -> ok, expected a data abort\n", va);
		return false;
	}
	if (fsc == OK) {
		FAIL("store 0x%lx -> ", va);
		show_fault();
		con_printf(", expected it to succeed\n");
	} else if (!fault_is(va, (unsigned int)fsc, true, am_aarch64_probe_st_insn)) {
		FAIL("store 0x%lx -> ", va);
		show_fault();
		con_printf(", expected DFSC 0x%02x at the address, WnR=1, from the probe\n",
			   (unsigned int)fsc);
	} else if (show) {
		con_printf("  store 0x%lx -> ", va);
		show_fault();
		con_printf("\n");
	}
	return false;
}

/* The pattern a check writes into page @va. */
static uint64_t pat(uint64_t va)
{
	return va ^ 0xa5a5a5a500000000ull;
}

/* Store pat() into the first word of every page of [va, va + size). */
static bool fill(uint64_t va, uint64_t size)
{
	uint64_t a;

	for (a = va; a < va + size; a += PAGE)
		if (!am_aarch64_probe_write(a, pat(a))) {
			FAIL("store 0x%lx faulted\n", a);
			return false;
		}
	return true;
}

/* Every page of [va, va + size) but @hole loads pat(pa of it); returns pages read. */
static unsigned int verify(uint64_t va, uint64_t size, uint64_t pa, uint64_t hole)
{
	uint64_t a, v;
	unsigned int n = 0;

	for (a = va; a < va + size; a += PAGE) {
		if (a == hole)
			continue;
		if (!am_aarch64_probe_read(a, &v)) {
			FAIL("load 0x%lx -> ", a);
			show_fault();
			con_printf("\n");
			return n;
		}
		if (v != pat(a - va + pa)) {
			FAIL("load 0x%lx -> 0x%lx, expected 0x%lx\n", a, v, pat(a - va + pa));
			return n;
		}
		n++;
	}
	return n;
}

/* Make the instructions written at [va, va + len) visible to instruction fetch. */
static void sync_icache(uint64_t va, uint64_t len)
{
	uint64_t a;

	for (a = va & ~63ull; a < va + len; a += 64)
		__asm__ volatile("dc cvau, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb ish" : : : "memory");
	for (a = va & ~63ull; a < va + len; a += 64)
		__asm__ volatile("ic ivau, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb ish\n\tisb" : : : "memory");
}

/* ---------------------------------------------------------------------- */
/* Checks (reporting: tests/qemu/common/check.c)                          */
/* ---------------------------------------------------------------------- */

static void end(const char *what)
{
	/* every check leaves the engine's count equal to the pool's, no invariant broken */
	EXPECT(am_pt_tables(&g_pt) == g_ctx.in_use, "am_pt_tables() %lu, pool pages out %u\n",
	       (unsigned long)am_pt_tables(&g_pt), g_ctx.in_use);
	EXPECT(g_log.internal == 0, "the engine logged %u internal errors\n", g_log.internal);
	check_end(what);
}

static void fatal_exc(const struct am_aarch64_frame *f)
{
	con_release();
	con_printf("unexpected exception at EL%u (slot 0x%x): %s\n", f->el, f->kind,
		   am_aarch64_exc_name(f->esr));
	con_printf("  ESR=0x%lx FAR=0x%lx ELR=0x%lx SPSR=0x%lx SP=0x%lx\n", f->esr, f->far, f->elr,
		   f->spsr, f->sp);
	con_printf("  x0=0x%lx x1=0x%lx x2=0x%lx x30=0x%lx\n", f->x[0], f->x[1], f->x[2], f->x[30]);
	fatal("unexpected exception");
}

/* The raw boot leaves: AF set, AP[1] set (RES1 at EL2), XN everywhere but code. */
static int boot_pte_cb(void *arg, const struct am_pt_leaf *l)
{
	unsigned int *bad = arg;
	bool code = l->attr.perm & AM_PERM_X;

	if (!(l->pte & AM_PTE_AF) || !(l->pte & (1ull << 6)) || !!(l->pte & (1ull << 54)) == code ||
	    (l->pte & (1ull << 53))) {
		if (!*bad)
			FAIL("leaf 0x%lx: pte 0x%lx (AF, AP[1] RES1, XN only off for code, PXN "
			     "RES0)\n",
			     am_va_val(l->va), l->pte);
		(*bad)++;
	}
	return 0;
}

static void ck_boot(void)
{
	struct am_pt_config cfg = {
		.regime = AM_PT_S1_EL2,
		.granule = AM_PT_GRANULE_4K,
		.ia_bits = IA_BITS,
		.oa_bits = 0,
		.attr_index = NULL,
	};
	uint64_t text = (uintptr_t)__text_start, text_end = (uintptr_t)__text_end;
	uint64_t ro = (uintptr_t)__rodata_start, ro_end = (uintptr_t)__rodata_end;
	uint64_t ram = (uintptr_t)__ram_start, ram_end = (uintptr_t)__ram_end;
	unsigned int bad = 0, pa_bits = am_aarch64_pa_bits();
	int rc;

	check_begin();
	cfg.oa_bits = pa_bits > 48 ? 48 : pa_bits;
	con_printf("  CurrentEL=%u, PARange: %u-bit PAs; table: stage 1 EL2, 4 KiB granule, %u-bit "
		   "VAs (root level 1), %u-bit OAs\n",
		   am_current_el(), pa_bits, IA_BITS, cfg.oa_bits);
	rc = am_aarch64_pt_ctx_init(&g_ctx, g_pool, sizeof(g_pool));
	EXPECT(rc == 0, "am_aarch64_pt_ctx_init: %s\n", errname(rc));
	g_ops = am_aarch64_pt_ops;
	g_ops.alloc_table = img_alloc;
	g_ops.free_table = img_free;
	g_ops.flush = img_flush;
	g_ops.env.log = img_log;
	g_init_rc = am_pt_init(&g_pt, &cfg, &g_ops, &g_ctx);
	con_printf("  am_pt_init -> %s, root at 0x%lx, pool [0x%lx, 0x%lx) %u pages\n",
		   errname(g_init_rc), am_pa_val(g_pt.root_pa), (uint64_t)(uintptr_t)g_pool,
		   (uint64_t)(uintptr_t)g_pool + sizeof(g_pool), POOL_PAGES);
	if (g_init_rc) {
		FAIL("am_pt_init failed\n");
		end("boot: armmap builds the EL2 table and the MMU comes on with it");
		return;
	}
	con_printf("  the image: code [0x%lx, 0x%lx) RX, constants [0x%lx, 0x%lx) RO, data + pool "
		   "+ stack [0x%lx, 0x%lx) RW, PL011 at 0x%lx\n",
		   text, text_end, ro, ro_end, ram, ram_end, (uint64_t)UART_BASE);
	rc = map_(text, text, text_end - text, &attr_rx, 0, true);
	rc |= map_(ro, ro, ro_end - ro, &attr_ro, 0, true);
	rc |= map_(ram, ram, ram_end - ram, &attr_rw, AM_PT_F_CONTIG, true);
	rc |= map_(UART_BASE, UART_BASE, PAGE, &attr_dev, 0, true);
	am_pt_walk(&g_pt, am_va(0), 1ull << IA_BITS, boot_pte_cb, &bad);
	if (rc || !check_ok) {
		FAIL("the boot table is not complete: the MMU stays off\n");
		end("boot: armmap builds the EL2 table and the MMU comes on with it");
		return;
	}
	g_boot_tables = am_pt_tables(&g_pt);
	g_mmu_rc = am_aarch64_el2_mmu_enable_pt(&g_pt);
	con_printf("  MMU on (%s): SCTLR_EL2=0x%lx TCR_EL2=0x%lx MAIR_EL2=0x%lx TTBR0_EL2=0x%lx\n",
		   errname(g_mmu_rc), am_read_sysreg(sctlr_el2), am_read_sysreg(tcr_el2),
		   am_read_sysreg(mair_el2), am_read_sysreg(ttbr0_el2));
	con_printf("  %lu table pages (root, 2 level-2, 2 level-3); still running, printing "
		   "through the mapped UART\n",
		   (unsigned long)g_boot_tables);
	EXPECT(g_mmu_rc == 0 && am_aarch64_el2_mmu_is_on(), "the MMU is not on\n");
	EXPECT(am_read_sysreg(ttbr0_el2) == am_pt_ttbr(&g_pt), "TTBR0_EL2 is not am_pt_ttbr()\n");
	EXPECT(am_read_sysreg(mair_el2) == am_pt_mair(&g_pt), "MAIR_EL2 is not am_pt_mair()\n");
	EXPECT(g_boot_tables == 5, "%lu table pages, expected 5\n", (unsigned long)g_boot_tables);
	expect_at(text, false, OK, text, AM_MT_NORMAL_WB, AM_SH_INNER, true);
	end("boot: armmap builds the EL2 table and the MMU comes on with it");
}

static void ck_ram(void)
{
	uint64_t data = (uintptr_t)&rw_word, pool = (uintptr_t)g_pool + PAGE * (POOL_PAGES - 1);
	uint64_t stack = (uintptr_t)__stack_top - 16;
	uint64_t last = (uintptr_t)__ram_end - 8;

	check_begin();
	con_printf("  .data word at 0x%lx, last pool page 0x%lx, stack top 0x%lx:\n", data, pool,
		   stack);
	expect_at(data, false, OK, data, AM_MT_NORMAL_WB, AM_SH_INNER, true);
	expect_at(data, true, OK, data, AM_MT_NORMAL_WB, AM_SH_INNER, true);
	expect_at(stack, true, OK, stack, AM_MT_NORMAL_WB, AM_SH_INNER, false);
	expect_at(pool, true, OK, pool, AM_MT_NORMAL_WB, AM_SH_INNER, false);
	expect_store(data, 0x0123456789abcdefull, OK, true);
	expect_store(last, 0xfeedfacecafef00dull, OK, true);
	rw_word = 0x1111222233334444ull;
	end("mapped RAM translates (PA == VA, ATTR 0xff Normal-WB, SH inner); loads and stores "
	    "work");
}

static void ck_uart(void)
{
	struct am_pt_leaf l = {0};

	check_begin();
	if (expect_leaf(UART_BASE, 3, PAGE, &l))
		con_printf("  am_pt_query(0x%lx): L3 page, %s %s, pte 0x%lx\n", (uint64_t)UART_BASE,
			   perm_name(l.attr.perm), mt_name(l.attr.mtype), l.pte);
	expect_at(UART_BASE, false, OK, UART_BASE, AM_MT_DEVICE_nGnRE, AM_SH_OUTER, true);
	expect_at(UART_BASE, true, OK, UART_BASE, AM_MT_DEVICE_nGnRE, AM_SH_OUTER, false);
	con_printf("  (every line of this output went through that mapping)\n");
	expect_at(UART_NEXT, false, AM_FSC_TRANSLATION + 3, 0, 0, 0, true);
	expect_load(UART_NEXT, AM_FSC_TRANSLATION + 3, true, NULL);
	end("the UART is Device-nGnRE (PAR ATTR 0x04, SH outer); the next device page faults");
}

static void ck_unmapped(void)
{
	uint64_t past = (uintptr_t)__ram_end;

	check_begin();
	con_printf("  0x%lx: just past the image (its level-3 table has no entry)\n", past);
	expect_at(past, false, AM_FSC_TRANSLATION + 3, 0, 0, 0, true);
	expect_load(past, AM_FSC_TRANSLATION + 3, true, NULL);
	con_printf("  0x%lx: RAM nobody mapped (no level-2 entry)\n", HOLE);
	expect_at(HOLE, false, AM_FSC_TRANSLATION + 2, 0, 0, 0, true);
	expect_load(HOLE, AM_FSC_TRANSLATION + 2, true, NULL);
	expect_store(HOLE + 8, 1, AM_FSC_TRANSLATION + 2, true);
	con_printf("  0x%lx: 64 GiB (no level-1 entry)\n", FAR_VA);
	expect_at(FAR_VA, false, AM_FSC_TRANSLATION + 1, 0, 0, 0, true);
	expect_load(FAR_VA, AM_FSC_TRANSLATION + 1, true, NULL);
	con_printf("  0x%lx: beyond the 39-bit VA space\n", BEYOND_VA);
	expect_at(BEYOND_VA, false, AM_FSC_TRANSLATION + 0, 0, 0, 0, true);
	expect_load(BEYOND_VA, AM_FSC_TRANSLATION + 0, true, NULL);
	end("unmapped addresses fault: AT F=1, loads take a data abort (EC 0x25, translation "
	    "fault at the level where the walk stopped, FAR = the address)");
}

static void ck_ro(void)
{
	uint64_t ro = (uintptr_t)&ro_word, code = (uintptr_t)&ck_ro;
	uint64_t v = 0;

	check_begin();
	con_printf("  ro_word (constants, RO) at 0x%lx; this function's code (RX) at 0x%lx\n", ro,
		   code);
	expect_at(ro, false, OK, ro, AM_MT_NORMAL_WB, AM_SH_INNER, true);
	expect_at(ro, true, AM_FSC_PERM + 3, 0, 0, 0, true);
	expect_store(ro, 0xbad, AM_FSC_PERM + 3, true);
	if (expect_load(ro, OK, true, &v))
		EXPECT(v == ro_word, "read 0x%lx, expected 0x%lx\n", v, ro_word);
	expect_at(code & ~7ull, true, AM_FSC_PERM + 3, 0, 0, 0, false);
	expect_store(code & ~7ull, 0xbad, AM_FSC_PERM + 3, true);
	expect_load(code & ~7ull, OK, true, NULL);
	end("read-only pages: a store takes a permission fault (DFSC 0x0f, WnR=1), a load works");
}

static void ck_block(void)
{
	struct am_pt_leaf l = {0};
	size_t t0 = am_pt_tables(&g_pt);

	check_begin();
	EXPECT(map_(BLK_A, BLK_A, SZ_2M, &attr_rw, AM_PT_F_BLOCK, true) == 0, "map failed\n");
	if (expect_leaf(BLK_A + 0x12345, 2, SZ_2M, &l))
		con_printf("  am_pt_query(0x%lx): level %u, 0x%lx bytes at 0x%lx, pte 0x%lx\n",
			   BLK_A + 0x12345, l.level, l.size, am_va_val(l.va), l.pte);
	EXPECT(am_pt_tables(&g_pt) == t0, "a block needs no new table: %lu -> %lu\n",
	       (unsigned long)t0, (unsigned long)am_pt_tables(&g_pt));
	expect_at(BLK_A, false, OK, BLK_A, AM_MT_NORMAL_WB, AM_SH_INNER, true);
	expect_at(BLK_A + 0x123000, true, OK, BLK_A + 0x123000, AM_MT_NORMAL_WB, AM_SH_INNER, true);
	expect_at(BLK_A + SZ_2M - PAGE, false, OK, BLK_A + SZ_2M - PAGE, AM_MT_NORMAL_WB,
		  AM_SH_INNER, true);
	expect_at(BLK_A + SZ_2M, false, AM_FSC_TRANSLATION + 2, 0, 0, 0, true);
	if (fill(BLK_A, SZ_2M))
		con_printf("  stored a pattern into each of its 512 pages; %u read back\n",
			   verify(BLK_A, SZ_2M, BLK_A, 0));
	end("AM_PT_F_BLOCK maps an aligned 2 MiB range with one level-2 block; the hardware "
	    "translates inside it");
}

static void ck_giant(void)
{
	uint64_t ro_off = (uintptr_t)&ro_word - RAM_BASE, rw_off = (uintptr_t)&rw_word - RAM_BASE;
	size_t t0 = am_pt_tables(&g_pt);
	struct am_pt_leaf l = {0};
	uint64_t v = 0;

	check_begin();
	EXPECT(map_(GIANT_VA, RAM_BASE, SZ_1G, &attr_ro, AM_PT_F_BLOCK, true) == 0, "map failed\n");
	if (expect_leaf(GIANT_VA + SZ_1G - 1, 1, SZ_1G, &l))
		con_printf("  am_pt_query: level %u, 0x%lx bytes, pte 0x%lx (a level-1 entry: no "
			   "new table, %lu -> %lu)\n",
			   l.level, l.size, l.pte, (unsigned long)t0,
			   (unsigned long)am_pt_tables(&g_pt));
	EXPECT(am_pt_tables(&g_pt) == t0, "a 1 GiB block needs no new table\n");
	expect_at(GIANT_VA + ro_off, false, OK, RAM_BASE + ro_off, AM_MT_NORMAL_WB, AM_SH_INNER,
		  true);
	expect_at(GIANT_VA + SZ_1G - PAGE, false, OK, RAM_BASE + SZ_1G - PAGE, AM_MT_NORMAL_WB,
		  AM_SH_INNER, true);
	if (expect_load(GIANT_VA + ro_off, OK, true, &v))
		EXPECT(v == ro_word, "alias of ro_word reads 0x%lx\n", v);
	rw_word = 0x5a5a000011110000ull;
	if (expect_load(GIANT_VA + rw_off, OK, true, &v))
		EXPECT(v == rw_word, "alias of rw_word reads 0x%lx, expected 0x%lx\n", v, rw_word);
	con_printf("  (the alias sees what was stored through the identity map)\n");
	expect_store(GIANT_VA + rw_off, 1, AM_FSC_PERM + 1, true);
	EXPECT(unmap_(GIANT_VA, SZ_1G, true) == 0, "unmap failed\n");
	expect_load(GIANT_VA + rw_off, AM_FSC_TRANSLATION + 1, true, NULL);
	end("a 1 GiB level-1 block (a read-only alias of all RAM) translates; a store through it "
	    "takes a level-1 permission fault");
}

static void ck_contig(void)
{
	uint64_t va2 = CONT_VA + SZ_64K, pa2 = BLK_A + SZ_64K, hole = CONT_VA + 3 * PAGE;
	struct am_pt_leaf l = {0};
	unsigned int i, bad = 0;
	uint64_t v = 0;

	check_begin();
	con_printf("  an alias of BLK_A's first pages: 16 pages, then 17 pages\n");
	EXPECT(map_(CONT_VA, BLK_A, SZ_64K, &attr_rw, AM_PT_F_CONTIG, true) == 0, "map failed\n");
	EXPECT(map_(va2, pa2, 17 * PAGE, &attr_rw, AM_PT_F_CONTIG, true) == 0, "map failed\n");
	for (i = 0; i < 16; i++) {
		if (!expect_leaf(CONT_VA + i * PAGE, 3, PAGE, &l) || !l.contig ||
		    !(l.pte & AM_PTE_CONTIG))
			bad++;
		expect_at(CONT_VA + i * PAGE + 8, i & 1, OK, BLK_A + i * PAGE, AM_MT_NORMAL_WB,
			  AM_SH_INNER, i == 5);
	}
	EXPECT(!bad, "%u of the 16 pages lack the contiguous bit\n", bad);
	EXPECT(expect_leaf(va2 + 16 * PAGE, 3, PAGE, &l) && !l.contig,
	       "the 17th page (no aligned run of 16) has the contiguous bit\n");
	con_printf("  16 x (pte bit 52 set), all 16 translate to BLK_A; the 17th page has no "
		   "hint\n");
	con_printf("  %u pages of the two runs read the pattern stored through BLK_A\n",
		   verify(CONT_VA, 33 * PAGE, BLK_A, 0));
	expect_store(CONT_VA + 5 * PAGE + 8, 0x77, OK, true);
	if (expect_load(BLK_A + 5 * PAGE + 8, OK, false, &v))
		EXPECT(v == 0x77, "BLK_A does not see the store through the alias: 0x%lx\n", v);
	con_printf("  unmap one page inside the first run (TLB warm: it was just read):\n");
	EXPECT(unmap_(hole, PAGE, true) == 0, "unmap failed\n");
	EXPECT(expect_leaf(CONT_VA, 3, PAGE, &l) && !l.contig,
	       "the run's other pages keep the contiguous bit\n");
	con_printf("  the 15 others: %u read the pattern, no contiguous bit left\n",
		   verify(CONT_VA, SZ_64K, BLK_A, hole));
	expect_load(hole, AM_FSC_TRANSLATION + 3, true, NULL);
	EXPECT(unmap_(CONT_VA, 33 * PAGE, false) == 0, "unmap failed\n");
	end("AM_PT_F_CONTIG sets the contiguous hint on an aligned run of 16 pages; they "
	    "translate; breaking the run keeps the rest");
}

static void ck_shatter_unmap(void)
{
	uint64_t hole = BLK_A + 0x100000;
	size_t t0 = am_pt_tables(&g_pt);
	unsigned int n, log0 = g_log.count;

	check_begin();
	expect_load(hole, OK, true, NULL); /* the block's translation is in the TLB now */
	EXPECT(unmap_(hole, PAGE, true) == 0, "unmap failed\n");
	EXPECT(logged(log0, AM_EV_PT_BREAK), "no break-before-make logged\n");
	EXPECT(am_pt_tables(&g_pt) == t0 + 1, "tables %lu -> %lu, expected one more\n",
	       (unsigned long)t0, (unsigned long)am_pt_tables(&g_pt));
	show_leaves(BLK_A, SZ_2M);
	expect_leaf(hole - PAGE, 3, PAGE, NULL);
	expect_no_leaf(hole);
	expect_at(hole, false, AM_FSC_TRANSLATION + 3, 0, 0, 0, true);
	expect_load(hole, AM_FSC_TRANSLATION + 3, true, NULL);
	expect_load(hole - PAGE, OK, true, NULL);
	expect_load(hole + PAGE, OK, true, NULL);
	n = verify(BLK_A, SZ_2M, BLK_A, hole);
	con_printf("  the other pages: %u of 511 read the pattern stored before\n", n);
	EXPECT(n == 511, "only %u of 511\n", n);
	end("unmapping one page out of a live 2 MiB block: a level-3 table replaces it, the rest "
	    "keeps its data, the hole faults");
}

static void ck_shatter_modify(void)
{
	uint64_t pg = BLK_B + 0x80000;
	struct am_pt_leaf l = {0};
	unsigned int n;

	check_begin();
	EXPECT(map_(BLK_B, BLK_B, SZ_2M, &attr_rw, AM_PT_F_BLOCK, true) == 0, "map failed\n");
	fill(BLK_B, SZ_2M);
	expect_store(pg + 8, 0x1234, OK, true); /* a writable translation in the TLB */
	EXPECT(modify_(pg, PAGE, &attr_ro, true) == 0, "modify failed\n");
	show_leaves(pg - PAGE, 3 * PAGE);
	EXPECT(expect_leaf(pg, 3, PAGE, &l) && l.attr.perm == AM_PERM_R,
	       "the page is not a read-only level-3 page\n");
	expect_at(pg, true, AM_FSC_PERM + 3, 0, 0, 0, true);
	expect_store(pg + 8, 0x5678, AM_FSC_PERM + 3, true);
	expect_load(pg, OK, true, NULL);
	expect_store(pg - PAGE + 8, 0x9abc, OK, true);
	expect_store(pg + PAGE + 8, 0xdef0, OK, true);
	n = verify(BLK_B, SZ_2M, BLK_B, 0);
	con_printf("  all pages: %u of 512 read the pattern\n", n);
	EXPECT(n == 512, "only %u of 512\n", n);
	EXPECT(modify_(pg, PAGE, &attr_rw, true) == 0, "modify back failed\n");
	expect_store(pg + 8, 0x5678, OK, true);
	end("changing one page of a live 2 MiB block to read-only: it faults on stores at once, "
	    "its neighbours stay writable");
}

static void ck_exec(void)
{
	volatile uint32_t *code = (volatile uint32_t *)(uintptr_t)EXEC_PG;
	uint64_t r;

	check_begin();
	EXPECT(map_(EXEC_PG, EXEC_PG, PAGE, &attr_rw, 0, true) == 0, "map failed\n");
	code[0] = 0xd2800540; /* mov x0, #42 */
	code[1] = 0xd65f03c0; /* ret */
	sync_icache(EXEC_PG, 8);
	r = am_aarch64_probe_exec(EXEC_PG);
	if (r == AM_AARCH64_EXEC_FAULTED &&
	    am_esr_ec(am_aarch64_last_fault.esr) == AM_EC_IABT_CUR &&
	    am_esr_fsc(am_aarch64_last_fault.esr) == AM_FSC_PERM + 3 &&
	    am_aarch64_last_fault.far == EXEC_PG && am_aarch64_last_fault.elr == EXEC_PG)
		con_printf("  call 0x%lx (mov x0,#42; ret) -> %s: ESR_EL2=0x%lx (IFSC 0x%02x, "
			   "permission, level 3) FAR=ELR=0x%lx (RW is execute-never)\n",
			   EXEC_PG, am_aarch64_exc_name(am_aarch64_last_fault.esr),
			   am_aarch64_last_fault.esr, am_esr_fsc(am_aarch64_last_fault.esr),
			   am_aarch64_last_fault.far);
	else
		FAIL("call into the RW page returned 0x%lx (ESR 0x%lx FAR 0x%lx), expected an "
		     "instruction abort\n",
		     r, am_aarch64_last_fault.esr, am_aarch64_last_fault.far);
	EXPECT(modify_(EXEC_PG, PAGE, &attr_rx, true) == 0, "modify to RX failed\n");
	r = am_aarch64_probe_exec(EXEC_PG);
	if (r == 42)
		con_printf("  call 0x%lx -> returned 42\n", EXEC_PG);
	else
		FAIL("call into the RX page returned 0x%lx, expected 42\n", r);
	expect_store(EXEC_PG + 8, 0, AM_FSC_PERM + 3, true);
	EXPECT(modify_(EXEC_PG, PAGE, &attr_rw, true) == 0, "modify to RW failed\n");
	r = am_aarch64_probe_exec(EXEC_PG);
	EXPECT(r == AM_AARCH64_EXEC_FAULTED, "call after RX -> RW returned 0x%lx\n", r);
	EXPECT(unmap_(EXEC_PG, PAGE, false) == 0, "unmap failed\n");
	end("execute-never: code in a RW page takes an instruction abort (EC 0x21); modified to "
	    "RX it runs; back to RW it faults again");
}

static void ck_free(void)
{
	size_t t0 = am_pt_tables(&g_pt);
	unsigned int in_use0 = g_ctx.in_use;
	unsigned long frees0 = g_hw.frees;

	check_begin();
	con_printf("  4 pages at 128 GiB, where the table has no level-2 or level-3 table yet:\n");
	EXPECT(map_(FREE_VA, FREE_PA, 4 * PAGE, &attr_rw, 0, true) == 0, "map failed\n");
	EXPECT(am_pt_tables(&g_pt) == t0 + 2, "tables %lu -> %lu, expected 2 more\n",
	       (unsigned long)t0, (unsigned long)am_pt_tables(&g_pt));
	expect_at(FREE_VA + 3 * PAGE, true, OK, FREE_PA + 3 * PAGE, AM_MT_NORMAL_WB, AM_SH_INNER,
		  true);
	expect_store(FREE_VA + 8, 0x600d, OK, true);
	EXPECT(unmap_(FREE_VA, 4 * PAGE, true) == 0, "unmap failed\n");
	EXPECT(am_pt_tables(&g_pt) == t0 && g_ctx.in_use == in_use0 && g_hw.frees == frees0 + 2,
	       "tables %lu (expected %lu), pool pages out %u (expected %u), %lu frees\n",
	       (unsigned long)am_pt_tables(&g_pt), (unsigned long)t0, g_ctx.in_use, in_use0,
	       g_hw.frees - frees0);
	con_printf("  2 table pages given back (and poisoned); the walk now stops at level 1:\n");
	expect_at(FREE_VA, false, AM_FSC_TRANSLATION + 1, 0, 0, 0, true);
	expect_load(FREE_VA + 8, AM_FSC_TRANSLATION + 1, true, NULL);

	/* the single-leaf unmap of the last page of a level-3 table whose
	 * level-2 table keeps another: it unlinks and frees that table itself */
	con_printf("  a page in each of two level-3 tables under one level-2 table, both touched:\n");
	EXPECT(map_(FREE_VA, FREE_PA, PAGE, &attr_rw, 0, true) == 0, "map failed\n");
	EXPECT(map_(FREE_VA + SZ_2M, FREE_PA + PAGE, PAGE, &attr_rw, 0, true) == 0,
	       "map failed\n");
	EXPECT(am_pt_tables(&g_pt) == t0 + 3, "tables %lu -> %lu, expected 3 more\n",
	       (unsigned long)t0, (unsigned long)am_pt_tables(&g_pt));
	expect_store(FREE_VA + 8, 0x600d, OK, true);
	expect_store(FREE_VA + SZ_2M + 8, 0x700d, OK, true);
	EXPECT(unmap_(FREE_VA, PAGE, true) == 0, "unmap failed\n");
	EXPECT(am_pt_tables(&g_pt) == t0 + 2 && g_hw.frees == frees0 + 3,
	       "tables %lu (expected %lu), %lu frees (expected 3)\n",
	       (unsigned long)am_pt_tables(&g_pt), (unsigned long)t0 + 2, g_hw.frees - frees0);
	con_printf("  its level-3 table given back (and poisoned); the walk stops at level 2, "
		   "the other page stays:\n");
	expect_at(FREE_VA, false, AM_FSC_TRANSLATION + 2, 0, 0, 0, true);
	expect_load(FREE_VA + 8, AM_FSC_TRANSLATION + 2, true, NULL);
	expect_at(FREE_VA + SZ_2M, true, OK, FREE_PA + PAGE, AM_MT_NORMAL_WB, AM_SH_INNER, true);
	{
		uint64_t v = 0;

		if (expect_load(FREE_VA + SZ_2M + 8, OK, true, &v))
			EXPECT(v == 0x700d, "read 0x%lx, expected 0x700d\n", v);
	}
	/* the other page: its level-2 table empties too, up the path */
	EXPECT(unmap_(FREE_VA + SZ_2M, PAGE, true) == 0, "unmap failed\n");
	EXPECT(am_pt_tables(&g_pt) == t0 && g_ctx.in_use == in_use0 && g_hw.frees == frees0 + 5,
	       "tables %lu (expected %lu), pool pages out %u (expected %u), %lu frees\n",
	       (unsigned long)am_pt_tables(&g_pt), (unsigned long)t0, g_ctx.in_use, in_use0,
	       g_hw.frees - frees0);
	expect_load(FREE_VA + SZ_2M + 8, AM_FSC_TRANSLATION + 1, true, NULL);
	end("unmapping frees the tables it emptied (am_pt_tables() back down); the address "
	    "faults at level 1; a single-page unmap that empties its level-3 table frees it "
	    "(its address faults at level 2, the page in the next level-3 table still reads), "
	    "the next one the level-2 table too");
}

/* The leaf at @va is still @before, and the hardware still sees it writable. */
static void expect_same(uint64_t va, const struct am_pt_leaf *before)
{
	struct am_pt_leaf l = {0};

	if (expect_leaf(va, 0, 0, &l))
		EXPECT(l.pte == before->pte, "pte at 0x%lx 0x%lx -> 0x%lx\n", va, before->pte,
		       l.pte);
	expect_store(va + 16, 0x1e55, OK, false);
}

static void ck_refused(void)
{
	struct am_pt_leaf live = {0};
	size_t t0;
	uint64_t v = 0;
	int rc;

	check_begin();
	EXPECT(map_(LIVE_PG, LIVE_PG, PAGE, &attr_rw, 0, true) == 0, "map failed\n");
	expect_store(LIVE_PG, 0x11fe, OK, false);
	expect_leaf(LIVE_PG, 3, PAGE, &live);
	t0 = am_pt_tables(&g_pt);
	rc = map_(LIVE_PG - 2 * PAGE, LIVE_PG - 2 * PAGE, 4 * PAGE, &attr_ro, 0, true);
	EXPECT(rc == AM_EEXIST, "expected AM_EEXIST\n");
	rc = map_(LIVE_PG, 0x40f00000, PAGE, &attr_rw, 0, true);
	EXPECT(rc == AM_EEXIST, "expected AM_EEXIST\n");
	rc = map_(LIVE_PG & ~(SZ_2M - 1), LIVE_PG & ~(SZ_2M - 1), SZ_2M, &attr_rw, AM_PT_F_BLOCK,
		  true);
	EXPECT(rc == AM_EEXIST, "expected AM_EEXIST\n");
	rc = map_(
		LIVE_PG + PAGE, LIVE_PG + PAGE, PAGE,
		&(struct am_attr){AM_PERM_R | AM_PERM_W | AM_PERM_X, AM_MT_NORMAL_WB, AM_SH_INNER},
		0, true);
	EXPECT(rc == AM_EPERM, "write+execute: expected AM_EPERM\n");
	rc = map_(BEYOND_VA, RAM_BASE, PAGE, &attr_rw, 0, true);
	EXPECT(rc == AM_ERANGE, "beyond 39 bits: expected AM_ERANGE\n");
	EXPECT(am_pt_tables(&g_pt) == t0, "tables %lu -> %lu\n", (unsigned long)t0,
	       (unsigned long)am_pt_tables(&g_pt));
	con_printf("  afterwards: the live page unchanged (pte 0x%lx, still writable, data kept), "
		   "its free neighbours still unmapped:\n",
		   live.pte);
	expect_same(LIVE_PG, &live);
	if (expect_load(LIVE_PG, OK, false, &v))
		EXPECT(v == 0x11fe, "the live page reads 0x%lx\n", v);
	expect_no_leaf(LIVE_PG - 2 * PAGE);
	expect_no_leaf(LIVE_PG + PAGE);
	expect_at(LIVE_PG - 2 * PAGE, false, AM_FSC_TRANSLATION + 3, 0, 0, 0, true);
	expect_at(LIVE_PG + PAGE, false, AM_FSC_TRANSLATION + 3, 0, 0, 0, true);
	expect_load(LIVE_PG + PAGE, AM_FSC_TRANSLATION + 3, false, NULL);
	end("refused maps (over a live page, W+X, beyond the VA space) change nothing: the old "
	    "translation still works, the rest stays unmapped");
}

static void ck_refused_modify(void)
{
	struct am_pt_leaf live = {0};
	unsigned int in_use0;
	size_t t0;
	int rc;

	check_begin();
	expect_leaf(LIVE_PG, 3, PAGE, &live);
	rc = modify_(LIVE_PG, 2 * PAGE, &attr_ro, true);
	EXPECT(rc == AM_ENOENT, "a range with an unmapped page: expected AM_ENOENT\n");
	rc = modify_(LIVE_PG, PAGE, &attr_dev, true);
	EXPECT(rc == AM_EPERM, "a memory type change: expected AM_EPERM\n");
	con_printf("  the first page was not made read-only: all or nothing\n");
	expect_same(LIVE_PG, &live);
	expect_at(LIVE_PG, true, OK, LIVE_PG, AM_MT_NORMAL_WB, AM_SH_INNER, true);

	t0 = am_pt_tables(&g_pt);
	in_use0 = g_ctx.in_use;
	g_pool_budget = g_ctx.in_use + 1;
	con_printf("  the pool limited to one more page; a map at 192 GiB needs two:\n");
	rc = map_(NOMEM_VA, FREE_PA, PAGE, &attr_rw, 0, true);
	EXPECT(rc == AM_ENOMEM, "expected AM_ENOMEM\n");
	EXPECT(am_pt_tables(&g_pt) == t0 && g_ctx.in_use == in_use0,
	       "tables %lu -> %lu, pool pages out %u -> %u\n", (unsigned long)t0,
	       (unsigned long)am_pt_tables(&g_pt), in_use0, g_ctx.in_use);
	expect_at(NOMEM_VA, false, AM_FSC_TRANSLATION + 1, 0, 0, 0, true);
	con_printf("  and breaking a 2 MiB block needs a page too, none left:\n");
	g_pool_budget = g_ctx.in_use;
	EXPECT(map_(BLK_C, BLK_C, SZ_2M, &attr_rw, AM_PT_F_BLOCK, true) == 0, "map failed\n");
	expect_store(BLK_C + 0x40008, 0xb10c, OK, false);
	rc = unmap_(BLK_C + 0x40000, PAGE, true);
	EXPECT(rc == AM_ENOMEM, "expected AM_ENOMEM\n");
	expect_leaf(BLK_C + 0x40000, 2, SZ_2M, NULL);
	expect_load(BLK_C + 0x40008, OK, true, NULL);
	g_pool_budget = ~0u;
	EXPECT(unmap_(BLK_C, SZ_2M, false) == 0, "unmap of the whole block failed\n");
	end("refused modify (a hole in the range, a type change) and running out of table pages "
	    "change nothing, on the hardware too");
}

/* One flush of @n invalidations in @regime's scope, straight to the backend. */
static void backend_flush(struct am_aarch64_pt_ctx *ctx, unsigned int kind, unsigned int regime,
			  uint16_t id, unsigned int n, const struct am_pt_inval *inv)
{
	struct am_pt_flush f = {
		.kind = (uint8_t)kind,
		.regime = (uint8_t)regime,
		.asid = regime == AM_PT_S1_EL10 ? id : 0,
		.vmid = regime == AM_PT_S2 ? id : 0,
		.gshift = 12,
		.n = n,
		.inv = inv,
	};

	am_aarch64_pt_flush(ctx, &f);
}

/*
 * The backend's other regimes, executed at EL2 without a guest: a stage-2
 * table (not loaded) driven through the plain aarch64 ops, whose TLBIs act
 * on the VMID the backend puts into VTTBR_EL2 and restores before the
 * flush returns; and the EL1&0 forms with an ASID. With FEAT_TLBIRANGE,
 * the range forms of both too.
 */
static void ck_backend(void)
{
	static uint8_t s2_pool[4 * PAGE] __attribute__((aligned(4096)));
	struct am_pt_config cfg = {.regime = AM_PT_S2, .ia_bits = 32, .oa_bits = 40, .vmid = 3};
	struct am_pt_inval v[2] = {{.addr = am_va(0x1000), .level = 3, .leaf = 1},
				   {.addr = am_va(0x400000), .pages = 513, .leaf = 0}};
	const uint64_t vttbr0 = 7ull << AM_VTTBR_VMID_SHIFT;
	struct am_aarch64_pt_ctx ctx;
	struct am_pt s2;
	unsigned long t0, r0;
	int rc;

	check_begin();
	am_write_sysreg(vttbr_el2, vttbr0);
	am_isb();
	rc = am_aarch64_pt_ctx_init(&ctx, s2_pool, sizeof(s2_pool));
	rc = rc ? rc : am_pt_init(&s2, &cfg, &am_aarch64_pt_ops, &ctx);
	rc = rc ? rc : am_pt_map(&s2, am_va(0x80000000), am_pa(RAM_BASE), 4 * PAGE, &attr_rw, 0);
	rc = rc ? rc : am_pt_modify(&s2, am_va(0x80001000), PAGE, &attr_ro, 0);
	rc = rc ? rc : am_pt_unmap(&s2, am_va(0x80000000), 4 * PAGE);
	con_printf("  stage-2 table (VMID 3, 32-bit IPAs): map 4 pages, modify 1, unmap 4 -> %s; "
		   "%lu TLBIs, %lu range TLBIs, %lu COMPLETE\n",
		   errname(rc), ctx.tlbis, ctx.tlbi_ranges, ctx.completes);
	if (ctx.tlbi_range)
		EXPECT(rc == 0 && ctx.tlbis == 1 && ctx.tlbi_ranges == 1,
		       "expected the modify's IPAS2LE1IS and the unmap's one RIPAS2E1IS\n");
	else
		EXPECT(rc == 0 && ctx.tlbis >= 4 && ctx.tlbi_ranges == 0,
		       "expected the calls to succeed with IPA TLBIs\n");
	con_printf("  VTTBR_EL2 before 0x%lx, after 0x%lx; table pages %lu, pool %u\n", vttbr0,
		   am_read_sysreg(vttbr_el2), (unsigned long)am_pt_tables(&s2), ctx.in_use);
	EXPECT(am_read_sysreg(vttbr_el2) == vttbr0, "VTTBR_EL2 not restored\n");
	if (!rc)
		am_pt_destroy(&s2);
	EXPECT(ctx.in_use == 0 && ctx.bad_frees == 0, "am_pt_destroy left %u pages (%lu bad)\n",
	       ctx.in_use, ctx.bad_frees);

	t0 = ctx.tlbis;
	backend_flush(&ctx, AM_PT_FLUSH_LIST, AM_PT_S2, 9, 1, v);
	con_printf("  IPAS2LE1IS for VMID 9: VTTBR_EL2 0x%lx after the flush\n",
		   am_read_sysreg(vttbr_el2));
	EXPECT(am_read_sysreg(vttbr_el2) == vttbr0 && ctx.tlbis == t0 + 1,
	       "the VMID was not restored, or no TLBI was issued\n");
	v[0].addr = am_va(0x400000);
	backend_flush(&ctx, AM_PT_FLUSH_LIST, AM_PT_S1_EL10, 5, 1, v);
	v[0].leaf = 0;
	backend_flush(&ctx, AM_PT_FLUSH_LIST, AM_PT_S1_EL10, 5, 1, v);
	backend_flush(&ctx, AM_PT_FLUSH_ALL, AM_PT_S1_EL10, 5, 0, NULL);
	con_printf("  VALE1IS / VAE1IS (ASID 5) / VMALLE1IS executed at EL2\n");
	if (ctx.tlbi_range) {
		/* 513 pages: 512 as one range, the last a plain TLBI */
		t0 = ctx.tlbis;
		r0 = ctx.tlbi_ranges;
		backend_flush(&ctx, AM_PT_FLUSH_LIST, AM_PT_S2, 9, 1, &v[1]);
		v[1].leaf = 1;
		v[1].level = 3;
		backend_flush(&ctx, AM_PT_FLUSH_LIST, AM_PT_S2, 9, 1, &v[1]);
		backend_flush(&ctx, AM_PT_FLUSH_LIST, AM_PT_S1_EL10, 5, 1, &v[1]);
		v[1].leaf = 0;
		v[1].level = 0;
		backend_flush(&ctx, AM_PT_FLUSH_LIST, AM_PT_S1_EL10, 5, 1, &v[1]);
		con_printf(
			"  RIPAS2E1IS / RIPAS2LE1IS (VMID 9), RVALE1IS / RVAE1IS (ASID 5) of 513 "
			"pages: %lu range and %lu plain TLBIs\n",
			ctx.tlbi_ranges - r0, ctx.tlbis - t0);
		EXPECT(ctx.tlbi_ranges - r0 == 4 && ctx.tlbis - t0 == 4,
		       "expected one range and one plain TLBI each\n");
		EXPECT(am_read_sysreg(vttbr_el2) == vttbr0, "VTTBR_EL2 not restored\n");
	}
	am_write_sysreg(vttbr_el2, 0);
	am_isb();
	end(ctx.tlbi_range ? "the backend's stage-2 TLBIs act on the table's VMID (VTTBR_EL2 "
			     "swapped in, restored by the flush); the EL1&0 forms and the range "
			     "forms run"
			   : "the backend's stage-2 TLBIs act on the table's VMID (VTTBR_EL2 "
			     "swapped in, restored by the flush); the EL1&0 forms run");
}

/* The level-3 descriptor of @va in the live table (tables only on its path). */
static volatile am_pte_t *sw_slot(uint64_t va)
{
	am_pte_t *t = (am_pte_t *)(uintptr_t)(am_pt_ttbr(&g_pt) & AM_PTE_OA_MASK);

	for (unsigned int l = AM_PT_MAX_LEVEL + 1 - (IA_BITS - 12) / 9; l < AM_PT_MAX_LEVEL; l++)
		t = (am_pte_t *)(uintptr_t)(t[(va >> am_pt_level_shift(l)) & 511] & AM_PTE_OA_MASK);
	return &t[(va >> 12) & 511];
}

/* A load at @va that must succeed: its value, or ~0 after a FAIL. */
static uint64_t load(uint64_t va)
{
	uint64_t v = ~0ull;

	if (!expect_load(va, OK, false, &v))
		return ~0ull;
	return v;
}

/*
 * FEAT_TLBIRANGE on the real (emulated) TLB. The backend reads
 * ID_AA64ISAR0_EL1.TLB at its ctx init and reports what the runner expects
 * (-cpu max: 0b0010, the Cortex-A57: 0). Nine pages are mapped and loaded
 * (so that the TLB holds them); pages 1-4 are unmapped: one range TLBI
 * (RVALE2IS) with the feature, four VALE2IS without. Then, before any
 * fault is taken, pages 0 and 5 (just outside the range) get their
 * descriptors rewritten in memory to page 8's PA without any TLBI: loads
 * must still see the old data, from the TLB. A full invalidation (ALLE2IS)
 * must make them see page 8's (the control: the check can fail). Then
 * every page of the range must fault. Last, 2 MiB of pages unmapped: one
 * range TLBI with the feature (a full invalidation without).
 *
 * QEMU's TLB (softmmu, 10.0) drops everything on a range longer than its
 * index mask, 32 bytes per entry: with its initial 256 entries, any range
 * of two pages or more. It doubles at a full flush when more than 70% of
 * it was used: the check first loads 1024 pages three times, each round
 * closed by a full invalidation, so that it has 2048 entries (ranges up to
 * 15 pages kept precise) when the range TLBI comes.
 */
static void ck_tlbirange(void)
{
	uint64_t isar0 = am_read_sysreg(id_aa64isar0_el1);
	unsigned long t0, r0, a0;
	uint64_t before, after, q = pat(RNG_PA + 8 * PAGE);
	am_pte_t keep0, keep5;
	struct am_pt_flush all = {.kind = AM_PT_FLUSH_ALL, .regime = AM_PT_S1_EL2, .gshift = 12};

	check_begin();
	con_printf("  ID_AA64ISAR0_EL1 0x%lx: TLB [59:56] = %lu; the backend: ctx.tlbi_range %u, "
		   "caps 0x%x, the table's engine uses ranges: %u; the runner expects %s\n",
		   isar0, (isar0 >> 56) & 0xf, g_ctx.tlbi_range, am_aarch64_pt_caps(&g_ctx),
		   g_pt.tlbi_range, g_expect_range ? "FEAT_TLBIRANGE" : "none");
	EXPECT(g_ctx.tlbi_range == g_expect_range && am_aarch64_has_tlbi_range() == g_expect_range,
	       "the backend's detection is not what the runner expects\n");
	EXPECT(g_pt.tlbi_range == g_expect_range, "the table did not take the backend's caps\n");

	if (map_(RNG2_VA, RNG2_PA, 2 * SZ_2M, &attr_rw, 0, false) ||
	    map_(RNG_VA, RNG_PA, 9 * PAGE, &attr_rw, 0, true)) {
		end("FEAT_TLBIRANGE: setup failed");
		return;
	}
	/* QEMU's TLB grown to 2048 entries (see above) */
	for (unsigned int round = 0; round < 3; round++) {
		for (uint64_t a = RNG2_VA; a < RNG2_VA + 2 * SZ_2M; a += PAGE)
			(void)*(volatile uint64_t *)a;
		am_aarch64_pt_flush(&g_ctx, &all);
	}
	/* each page holds pat() of its PA; loading them fills the TLB */
	for (uint64_t k = 0; k < 9; k++)
		expect_store(RNG_VA + k * PAGE, pat(RNG_PA + k * PAGE), OK, false);
	EXPECT(verify(RNG_VA, 9 * PAGE, RNG_PA, ~0ul) == 9, "the nine pages do not read back\n");
	t0 = g_ctx.tlbis;
	r0 = g_ctx.tlbi_ranges;
	a0 = g_ctx.tlbi_alls;
	unmap_(RNG_VA + PAGE, 4 * PAGE, true);
	con_printf("  the backend issued %lu range TLBIs, %lu plain ones, %lu full ones\n",
		   g_ctx.tlbi_ranges - r0, g_ctx.tlbis - t0, g_ctx.tlbi_alls - a0);
	if (g_expect_range)
		EXPECT(g_ctx.tlbi_ranges - r0 == 1 && g_ctx.tlbis == t0 && g_ctx.tlbi_alls == a0,
		       "expected one range TLBI (RVALE2IS, 4 pages)\n");
	else
		EXPECT(g_ctx.tlbi_ranges == r0 && g_ctx.tlbis - t0 == 4 && g_ctx.tlbi_alls == a0,
		       "expected four VALE2IS\n");

	/* the pages just outside the range, repointed behind the TLB's back */
	keep0 = *sw_slot(RNG_VA);
	keep5 = *sw_slot(RNG_VA + 5 * PAGE);
	*sw_slot(RNG_VA) = (keep0 & ~AM_PTE_OA_MASK) | (RNG_PA + 8 * PAGE);
	*sw_slot(RNG_VA + 5 * PAGE) = (keep5 & ~AM_PTE_OA_MASK) | (RNG_PA + 8 * PAGE);
	am_dsb_ish();
	am_isb();
	before = load(RNG_VA + 5 * PAGE);
	con_printf("  page 5 (just after the range), its descriptor now naming page 8, no TLBI: "
		   "load -> 0x%lx (%s)\n",
		   before,
		   before == pat(RNG_PA + 5 * PAGE) ? "its old data: still cached"
		   : before == q		    ? "page 8's: it was not cached"
						    : "?");
	EXPECT(before == pat(RNG_PA + 5 * PAGE), "page 5 was not kept in the TLB\n");
	before = load(RNG_VA);
	con_printf("  page 0 (just before the range): load -> 0x%lx (%s)\n", before,
		   before == pat(RNG_PA) ? "its old data: still cached"
		   : before == q	 ? "page 8's: it was not cached"
					 : "?");
	EXPECT(before == pat(RNG_PA), "page 0 was not kept in the TLB\n");
	/* the control: an invalidation that covers them drops them */
	am_aarch64_pt_flush(&g_ctx, &all);
	after = load(RNG_VA + 5 * PAGE);
	con_printf("  after a TLBI ALLE2IS: page 5 -> 0x%lx, page 0 -> 0x%lx (page 8's: 0x%lx)\n",
		   after, load(RNG_VA), q);
	EXPECT(after == q && load(RNG_VA) == q, "the full invalidation did not reach them\n");
	*sw_slot(RNG_VA) = keep0;
	*sw_slot(RNG_VA + 5 * PAGE) = keep5;
	am_aarch64_pt_flush(&g_ctx, &all);
	EXPECT(load(RNG_VA + 5 * PAGE) == pat(RNG_PA + 5 * PAGE), "page 5 not restored\n");

	/* now the faults: every page of the range, the first and the last included */
	for (uint64_t k = 1; k <= 4; k++)
		expect_load(RNG_VA + k * PAGE, AM_FSC_TRANSLATION + 3, k == 1 || k == 4, NULL);

	/* 2 MiB of pages, one level-3 table (the next 2 MiB keep the level-2 table) */
	{
		before = load(RNG2_VA);
		after = load(RNG2_VA + SZ_2M - PAGE);
		(void)before;
		(void)after;
		t0 = g_ctx.tlbis;
		r0 = g_ctx.tlbi_ranges;
		a0 = g_ctx.tlbi_alls;
		unmap_(RNG2_VA, SZ_2M, true);
		con_printf("  the backend issued %lu range TLBIs, %lu plain ones, %lu full ones\n",
			   g_ctx.tlbi_ranges - r0, g_ctx.tlbis - t0, g_ctx.tlbi_alls - a0);
		if (g_expect_range)
			EXPECT(g_ctx.tlbi_ranges - r0 == 1 && g_ctx.tlbis == t0 &&
				       g_ctx.tlbi_alls == a0,
			       "expected one range TLBI (RVAE2IS, 512 pages and the table)\n");
		else
			EXPECT(g_ctx.tlbi_ranges == r0 && g_ctx.tlbis == t0 &&
				       g_ctx.tlbi_alls - a0 == 1,
			       "expected one ALLE2IS (past 64 entries)\n");
		expect_load(RNG2_VA, AM_FSC_TRANSLATION + 2, true, NULL);
		expect_load(RNG2_VA + SZ_2M - PAGE, AM_FSC_TRANSLATION + 2, true, NULL);
	}
	unmap_(RNG2_VA + SZ_2M, SZ_2M, false);
	unmap_(RNG_VA, 9 * PAGE, false);
	expect_load(RNG_VA, AM_FSC_TRANSLATION + 1, false, NULL);
	end(g_expect_range
		    ? "FEAT_TLBIRANGE detected; a 4-page unmap is one RVALE2IS: the pages in "
		      "it fault, the pages just outside it stay cached (a full flush drops them); "
		      "2 MiB of pages is one RVAE2IS"
		    : "no FEAT_TLBIRANGE on this CPU: a 4-page unmap is four VALE2IS, the pages "
		      "just outside stay cached (a full flush drops them); 2 MiB of pages is one "
		      "ALLE2IS");
}

static void ck_final(void)
{
	check_begin();
	con_printf("  TLBIs: %lu VALE2IS, %lu VAE2IS, %lu ranges (%lu RVALE2IS / RVAE2IS), %lu "
		   "ALLE2IS; %lu PUBLISH, %lu COMPLETE; %lu table pages allocated, %lu freed\n",
		   g_hw.tlbi_leaf, g_hw.tlbi_table, g_hw.tlbi_range, g_ctx.tlbi_ranges,
		   g_hw.tlbi_all, g_hw.publishes, g_hw.completes, g_hw.allocs, g_hw.frees);
	con_printf("  pool: %u of %u pages out (%lu failed allocations: the two provoked), %lu "
		   "bad frees; data aborts caught %lu\n",
		   g_ctx.in_use, g_ctx.pages, g_ctx.alloc_fails, g_ctx.bad_frees,
		   am_aarch64_last_fault.count);
	con_printf("  %lu TLBIs followed an in-place permission change of a valid leaf (allowed "
		   "without break-before-make); every other TLBI found its entry invalid\n",
		   g_hw.tlbi_inplace);
	EXPECT(g_hw.violations == 0, "%lu ordering violations\n", g_hw.violations);
	EXPECT(g_ctx.bad_frees == 0, "%lu bad frees\n", g_ctx.bad_frees);
	EXPECT(g_hw.tlbi_leaf + g_hw.tlbi_table + g_hw.tlbi_range > 0, "no TLBI was ever issued\n");
	EXPECT(g_log.internal == 0, "%u internal errors logged\n", g_log.internal);
	con_printf("  the table at the end (am_pt_dump):\n");
	show_leaves(0, AM_DUMP_TO_END);
	end("afterwards: every TLBI published and completed, every freed table unlinked first, "
	    "pool and engine agree");
}

static void banner(void)
{
	con_printf(
		"armmap qemu-mmu: the armmap translation-table engine driving the EL2 stage-1\n");
	con_printf(
		"MMU of an emulated Cortex-A57 (QEMU virt, virtualization=on, started at EL2).\n");
	con_printf(
		"The image builds its own table (4 KiB granule, 39-bit VAs, table pages from a\n");
	con_printf("static pool), turns the MMU on with it, then changes the live table through "
		   "the\n");
	con_printf(
		"API and asks the hardware: AT S1E2R/S1E2W (PAR_EL1) and real loads, stores and\n");
	con_printf("calls, whose aborts the EL2 vectors record (ESR_EL2, FAR_EL2, ELR_EL2).\n\n");
}

/* Does @s hold @w? */
static bool holds(const char *s, const char *w)
{
	for (; *s; s++) {
		unsigned int i = 0;

		while (w[i] && s[i] == w[i])
			i++;
		if (!w[i])
			return true;
	}
	return false;
}

int main(void)
{
	static char cmdline[256];

	/* the same image, run on -cpu max as its own suite: -append " tlbirange=1" */
	if (sh_cmdline(cmdline, sizeof(cmdline)) && holds(cmdline, " tlbirange=1")) {
		g_expect_range = true;
		check_suite_as = "qemu-mmu-max";
	}
	if (!am_aarch64_exc_init(NULL, fatal_exc)) {
		con_printf("not at EL2 or EL1 (CurrentEL %u)\n", am_current_el());
		check_abort();
		return 1;
	}
	banner();
	ck_boot();
	if (check_boot_ok(g_init_rc == 0 && g_mmu_rc == 0)) {
		ck_ram();
		ck_uart();
		ck_tlbirange();
		ck_unmapped();
		ck_ro();
		ck_block();
		ck_giant();
		ck_contig();
		ck_shatter_unmap();
		ck_shatter_modify();
		ck_exec();
		ck_free();
		ck_refused();
		ck_refused_modify();
		ck_backend();
		ck_final();
	}
	return check_done();
}
