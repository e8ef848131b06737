/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-regimes image: armmap's translation regimes on the emulated hardware,
 * each proven with real accesses and AT instructions. So far stage 1 EL3 and
 * the NS bit, on QEMU virt with secure=on (the image starts at EL3, Secure)
 * and -cpu max (FEAT_TLBIRANGE):
 *  - the image's own EL3 table (AM_PT_S1_EL3, the aarch64 library's backend),
 *    turned on with am_aarch64_el3_mmu_enable_pt();
 *  - Secure and Non-secure output: the board's Secure RAM (0x0e000000) is
 *    reached through a Secure mapping and not through a Non-secure one (a
 *    synchronous external abort), normal RAM through both (one memory);
 *    AT S1E3R reports the NS bit;
 *  - the EL3 TLB maintenance: a page made read-only, a block broken and a
 *    page unmapped take effect on the accesses that follow.
 * Uses the MMU image's entry (tests/qemu/mmu/startup.S), layout (link.ld)
 * and board (board.c), and the harness of tests/qemu/common and
 * tests/qemu/aarch64.
 */
#include <armmap/armmap.h>
#include <armmap/arch/aarch64/el3_mmu.h>
#include <armmap/arch/aarch64/pt_ops.h>
#include <armmap/arch/aarch64/vhe.h>

#include "tests/qemu/aarch64/exc.h"
#include "tests/qemu/mmu/image.h"

const char check_suite[] = "qemu-regimes";

#define PAGE 0x1000ull
#define SZ_2M 0x200000ull
#define SEC_RAM 0x0e000000ull	/* virt, secure=on: Secure-only RAM (16 MiB) */
#define SEC_VA 0x80000000ull	/* -> SEC_RAM, Secure */
#define SEC_NS_VA 0x80001000ull /* -> SEC_RAM, Non-secure */
#define SHARED_PA 0x40300000ull /* a RAM page, also mapped identity (Secure) */
#define NS_VA 0x80002000ull	/* -> SHARED_PA, Non-secure */
#define BLK_VA 0x80200000ull	/* a 2 MiB block of Non-secure RAM */
#define BLK_PA 0x40400000ull
#define FSC_EXT 0x10u /* synchronous external abort, not on a walk */

static unsigned char g_pool[32 * PAGE] __attribute__((aligned(4096)));
static unsigned char g_pool2[32 * PAGE] __attribute__((aligned(4096))); /* the EL2&0 table's */
static struct am_aarch64_pt_ctx g_ctx;
static struct am_pt g_pt;
static int g_init_rc = -1, g_mmu_rc = -1;
static unsigned int g_internal;

static void img_log(void *ctx, const struct am_log_rec *rec)
{
	(void)ctx;
	if (rec->event == AM_EV_INTERNAL)
		g_internal++;
	con_printf("    armmap: %s (0x%lx, 0x%lx)\n", rec->msg ? rec->msg : "-", rec->arg[0],
		   rec->arg[1]);
}

static struct am_pt_ops g_ops;

static struct am_pt g_up; /* EL2&0: the upper VA range's table, from the same pool */

static void end(const char *what)
{
	EXPECT(am_pt_tables(&g_pt) + am_pt_tables(&g_up) == g_ctx.in_use,
	       "am_pt_tables() %lu + %lu, pool pages out %u\n", (unsigned long)am_pt_tables(&g_pt),
	       (unsigned long)am_pt_tables(&g_up), g_ctx.in_use);
	EXPECT(g_internal == 0, "the engine logged %u internal errors\n", g_internal);
	check_end(what);
}

static void fatal_exc(const struct am_aarch64_frame *f)
{
	con_release();
	con_printf("unexpected exception at EL%u (slot 0x%x): %s\n", f->el, f->kind,
		   am_aarch64_exc_name(f->esr));
	con_printf("  ESR=0x%lx FAR=0x%lx ELR=0x%lx\n", f->esr, f->far, f->elr);
	fatal("unexpected exception");
}

static void print_line(void *arg, const char *line)
{
	(void)arg;
	con_printf("    %s\n", line);
}

/* AT S1E3R of @va: a translation to @pa with NS @ns, or (pa ~0) a fault. */
static void expect_at(uint64_t va, uint64_t pa, bool ns)
{
	uint64_t par = am_aarch64_at_s1e3r(va);

	if (pa == ~0ull) {
		EXPECT(par & AM_PAR_F, "AT S1E3R 0x%lx: 0x%lx, expected a fault\n", va, par);
		return;
	}
	EXPECT(!(par & AM_PAR_F) && (par & AM_PAR_PA_MASK) == (pa & ~(PAGE - 1)) &&
		       !!(par & AM_PAR_NS) == ns,
	       "AT S1E3R 0x%lx: PAR 0x%lx, expected PA 0x%lx NS=%d\n", va, par, pa, ns);
	con_printf("  AT S1E3R 0x%lx -> PA 0x%lx, NS=%d\n", va, par & AM_PAR_PA_MASK,
		   !!(par & AM_PAR_NS));
}

/* A load that must fault with fault status @fsc (0: must not fault). */
static uint64_t expect_load(uint64_t va, unsigned int fsc)
{
	uint64_t v = 0;
	bool ok = am_aarch64_probe_read(va, &v);
	unsigned int got = (unsigned int)(am_aarch64_last_fault.esr & 0x3f);

	if (!fsc)
		EXPECT(ok, "load 0x%lx faulted (ESR 0x%lx)\n", va, am_aarch64_last_fault.esr);
	else
		EXPECT(!ok && got == fsc, "load 0x%lx: %s, expected fault status 0x%x\n", va,
		       ok ? "no fault" : am_aarch64_fsc_name(got), fsc);
	return v;
}

static void expect_store(uint64_t va, uint64_t v, unsigned int fsc)
{
	bool ok = am_aarch64_probe_write(va, v);
	unsigned int got = (unsigned int)(am_aarch64_last_fault.esr & 0x3f);

	if (!fsc)
		EXPECT(ok, "store 0x%lx faulted (ESR 0x%lx)\n", va, am_aarch64_last_fault.esr);
	else
		EXPECT(!ok && got == fsc, "store 0x%lx: %s, expected fault status 0x%x\n", va,
		       ok ? "no fault" : am_aarch64_fsc_name(got), fsc);
}

static int map(uint64_t va, uint64_t pa, uint64_t size, const struct am_attr *a, unsigned int f)
{
	int rc = am_pt_map(&g_pt, am_va(va), am_pa(pa), size, a, f);

	EXPECT(rc == 0, "am_pt_map(0x%lx -> 0x%lx, 0x%lx) -> %s\n", va, pa, size, errname(rc));
	return rc;
}

static void ck_boot(void)
{
	struct am_pt_config cfg = {.regime = AM_PT_S1_EL3, .ia_bits = 39};
	uint64_t text = (uintptr_t)__text_start, rodata = (uintptr_t)__rodata_start;
	uint64_t ram = (uintptr_t)__ram_start, end_ = (uintptr_t)__ram_end;

	check_begin();
	cfg.oa_bits = am_aarch64_pa_bits() < 48 ? am_aarch64_pa_bits() : 48;
	g_ops = am_aarch64_pt_ops;
	g_ops.env.log = img_log;
	g_init_rc = am_aarch64_pt_ctx_init(&g_ctx, g_pool, sizeof(g_pool));
	g_init_rc = g_init_rc ? g_init_rc : am_pt_init(&g_pt, &cfg, &g_ops, &g_ctx);
	EXPECT(g_init_rc == 0, "table init: %s\n", errname(g_init_rc));
	if (g_init_rc) {
		end("boot");
		return;
	}
	/* the image: code RX, constants RO, data RW (Secure); the UART Non-secure */
	if (map(text, text, rodata - text, &AM_ATTR_RX_TEXT, 0) ||
	    map(rodata, rodata, ram - rodata, &AM_ATTR_RO_DATA, 0) ||
	    map(ram, ram, end_ - ram, &AM_ATTR_RW_DATA, 0) ||
	    map(SHARED_PA, SHARED_PA, PAGE, &AM_ATTR_RW_DATA, 0) ||
	    map(UART_BASE, UART_BASE, PAGE, &AM_ATTR_DEVICE, AM_PT_F_NS)) {
		end("boot");
		return;
	}
	con_printf("  EL3 table: TCR_EL3 0x%lx, TTBR0_EL3 0x%lx, MAIR_EL3 0x%lx\n",
		   am_pt_tcr(&g_pt), am_pt_ttbr(&g_pt), am_pt_mair(&g_pt));
	g_mmu_rc = am_aarch64_el3_mmu_enable_pt(&g_pt);
	EXPECT(g_mmu_rc == 0 && am_aarch64_el3_mmu_is_on(), "EL3 MMU enable: %s\n",
	       errname(g_mmu_rc));
	con_printf("  MMU on at EL3 (SCTLR_EL3.M %d); the table, by am_pt_dump():\n",
		   am_aarch64_el3_mmu_is_on());
	am_pt_dump(&g_pt, am_va(0), AM_DUMP_TO_END, print_line, NULL);
	expect_at(ram, ram, false);
	expect_at(UART_BASE, UART_BASE, true);
	end("boot at EL3 (Secure): armmap builds the EL3 stage-1 table, the MMU comes on with it; "
	    "code, data and the Non-secure UART keep working");
}

static void ck_secure_ram(void)
{
	check_begin();
	if (!map(SEC_VA, SEC_RAM, PAGE, &AM_ATTR_RW_DATA, 0) &&
	    !map(SEC_NS_VA, SEC_RAM, PAGE, &AM_ATTR_RW_DATA, AM_PT_F_NS)) {
		expect_at(SEC_VA, SEC_RAM, false);
		expect_at(SEC_NS_VA, SEC_RAM, true);
		expect_store(SEC_VA, 0x5ec0de, 0);
		EXPECT(expect_load(SEC_VA, 0) == 0x5ec0de, "Secure RAM did not keep its value\n");
		expect_load(SEC_NS_VA, FSC_EXT);
		con_printf("  a Non-secure load of Secure RAM: %s\n",
			   am_aarch64_fsc_name((unsigned int)(am_aarch64_last_fault.esr & 0x3f)));
	}
	end("the NS bit: Secure RAM is reached through the Secure mapping, and a Non-secure "
	    "one (AM_PT_F_NS) to the same PA aborts (external abort)");
}

static void ck_ns_ram(void)
{
	check_begin();
	expect_store(SHARED_PA, 0, 0);
	if (!map(NS_VA, SHARED_PA, PAGE, &AM_ATTR_RW_DATA, AM_PT_F_NS)) {
		struct am_pt_leaf l = {0};

		expect_at(NS_VA, SHARED_PA, true);
		expect_store(NS_VA + 8, 0x0123456789abcdefull, 0);
		EXPECT(expect_load(SHARED_PA + 8, 0) == 0x0123456789abcdefull,
		       "a Non-secure store did not reach the RAM the Secure mapping reads\n");
		EXPECT(am_pt_query(&g_pt, am_va(NS_VA), &l) == 0 && l.ns == 1,
		       "am_pt_query(): ns %u\n", l.ns);
	}
	end("normal RAM through a Non-secure mapping: what it stores, the Secure mapping reads "
	    "(one memory, two address spaces); am_pt_query() reports ns");
}

static void ck_modify(void)
{
	check_begin();
	expect_store(NS_VA, 1, 0); /* the TLB may now hold a writable entry */
	EXPECT(am_pt_modify(&g_pt, am_va(NS_VA), PAGE, &AM_ATTR_RO_DATA, 0) == 0,
	       "modify failed\n");
	expect_at(NS_VA, SHARED_PA, true); /* modify keeps NS */
	expect_store(NS_VA, 2, AM_FSC_PERM + 3);
	EXPECT(expect_load(NS_VA, 0) == 1, "the refused store changed memory\n");
	EXPECT(g_ctx.tlbis > 0, "no TLBI issued\n");
	con_printf("  TLBIs by address so far: %lu (VALE3IS / VAE3IS)\n", g_ctx.tlbis);
	end("modify at EL3: the page read-only, still Non-secure; after the EL3 TLB invalidation "
	    "a store faults (permission, level 3)");
}

static void ck_block(void)
{
	check_begin();
	if (!map(BLK_VA, BLK_PA, SZ_2M, &AM_ATTR_RW_DATA, AM_PT_F_BLOCK | AM_PT_F_NS)) {
		struct am_pt_leaf l = {0};
		unsigned long r0;

		EXPECT(am_pt_query(&g_pt, am_va(BLK_VA + 0x5000), &l) == 0 && l.level == 2 && l.ns,
		       "not a Non-secure 2 MiB block: level %u ns %u\n", l.level, l.ns);
		expect_store(BLK_VA + 0x5008, 0xb10c, 0);
		expect_store(BLK_VA + 0x6008, 0xb10d, 0);
		EXPECT(am_pt_unmap(&g_pt, am_va(BLK_VA + 0x5000), PAGE) == 0, "unmap failed\n");
		expect_load(BLK_VA + 0x5008, AM_FSC_TRANSLATION + 3);
		EXPECT(expect_load(BLK_VA + 0x6008, 0) == 0xb10d,
		       "the page next to it lost data\n");
		EXPECT(am_pt_query(&g_pt, am_va(BLK_VA + 0x6000), &l) == 0 && l.level == 3 && l.ns,
		       "after the break: level %u ns %u\n", l.level, l.ns);
		expect_at(BLK_VA + 0x5000, ~0ull, false);
		r0 = g_ctx.tlbi_ranges;
		EXPECT(am_pt_unmap(&g_pt, am_va(BLK_VA), SZ_2M) == 0, "unmap of the rest failed\n");
		expect_load(BLK_VA + 0x6008, AM_FSC_TRANSLATION + 2);
		/* -cpu max: the 511 pages and their table go in range TLBIs (RVAE3IS) */
		EXPECT(!g_ctx.tlbi_range || g_ctx.tlbi_ranges > r0,
		       "FEAT_TLBIRANGE, but no range TLBI for 2 MiB of pages\n");
		con_printf("  FEAT_TLBIRANGE %s; range TLBIs for the unmap: %lu\n",
			   g_ctx.tlbi_range ? "yes" : "no", g_ctx.tlbi_ranges - r0);
	}
	end("a Non-secure 2 MiB block broken by a page unmap (break-before-make at EL3): the page "
	    "faults, its neighbours keep their data and their NS; then the whole range unmapped");
}

static void ck_refused(void)
{
	int rc;

	check_begin();
	rc = am_pt_map(&g_pt, am_va(NS_VA), am_pa(SHARED_PA), PAGE, &AM_ATTR_RW_DATA, AM_PT_F_NS);
	EXPECT(rc == AM_EEXIST, "a map over a live page: %s\n", errname(rc));
	rc = am_pt_map(&g_pt, am_va(NS_VA + PAGE), am_pa(SHARED_PA), PAGE, &AM_ATTR_RW_DATA,
		       AM_PT_F_NG);
	EXPECT(rc == AM_EINVAL, "nG at EL3: %s\n", errname(rc));
	rc = am_pt_modify(&g_pt, am_va(NS_VA), PAGE, &AM_ATTR_RW_DATA, AM_PT_F_NS);
	EXPECT(rc == AM_EINVAL, "AM_PT_F_NS given to modify: %s\n", errname(rc));
	expect_at(NS_VA, SHARED_PA, true);
	expect_at(NS_VA + PAGE, ~0ull, false);
	expect_store(NS_VA, 3, AM_FSC_PERM + 3);
	end("refused at EL3 (a map over a live page, nG, NS given to modify): nothing changed");
}

static void ck_final(void)
{
	check_begin();
	EXPECT(am_pt_unmap(&g_pt, am_va(SEC_VA), 3 * PAGE) == 0, "unmap failed\n");
	expect_at(SEC_VA, ~0ull, false);
	expect_at(NS_VA, ~0ull, false);
	con_printf("  the table at the end:\n");
	am_pt_dump(&g_pt, am_va(0), AM_DUMP_TO_END, print_line, NULL);
	con_printf(
		"  pool: %u pages out, %lu allocated, %lu freed; TLBIs %lu, ranges %lu, all %lu\n",
		g_ctx.in_use, g_ctx.allocs, g_ctx.frees, g_ctx.tlbis, g_ctx.tlbi_ranges,
		g_ctx.tlbi_alls);
	end("the check mappings unmapped: the image's own table as it was, every table page "
	    "accounted for");
}

/* ---------------------------------------------------- EL2&0 (VHE) -- */

#define U_VA 0x80000000ull  /* -> SHARED_PA, EL0 and EL2 read/write */
#define P_VA 0x80001000ull  /* -> SHARED_PA, EL2 only */
#define NG_VA 0x80002000ull /* -> SHARED_PA + 4K, not global (ASID 5) */
#define EL20_ASID 5u

void drop_to_el2(void (*entry)(void), uint64_t sp) __attribute__((noreturn));

static bool g_vhe_ok;

/* AT S1E0R / S1E0W: a translation (@pa) or a fault (pa ~0). */
static void expect_at0(uint64_t va, bool write, uint64_t pa)
{
	uint64_t par = write ? am_aarch64_at_s1e0w(va) : am_aarch64_at_s1e0r(va);

	if (pa == ~0ull)
		EXPECT(par & AM_PAR_F, "AT S1E0%c 0x%lx: 0x%lx, expected a fault\n",
		       write ? 'W' : 'R', va, par);
	else
		EXPECT(!(par & AM_PAR_F) && (par & AM_PAR_PA_MASK) == pa,
		       "AT S1E0%c 0x%lx: PAR 0x%lx, expected PA 0x%lx\n", write ? 'W' : 'R', va,
		       par, pa);
	con_printf("  AT S1E0%c 0x%lx -> %s\n", write ? 'W' : 'R', va,
		   par & AM_PAR_F ? "fault" : "translates");
}

static void ck_vhe_boot(void)
{
	struct am_pt_config cfg = {.regime = AM_PT_S1_EL20, .ia_bits = 39, .asid = EL20_ASID};
	uint64_t text = (uintptr_t)__text_start, rodata = (uintptr_t)__rodata_start;
	uint64_t ram = (uintptr_t)__ram_start, end_ = (uintptr_t)__ram_end;
	int rc;

	check_begin();
	EXPECT(am_current_el() == 2, "at EL%u, not EL2\n", am_current_el());
	rc = am_aarch64_vhe_enable();
	EXPECT(rc == 0, "am_aarch64_vhe_enable(): %s (FEAT_VHE %d)\n", errname(rc),
	       am_aarch64_has_vhe());
	cfg.oa_bits = am_aarch64_pa_bits() < 48 ? am_aarch64_pa_bits() : 48;
	rc = rc ? rc : am_aarch64_pt_ctx_init(&g_ctx, g_pool2, sizeof(g_pool2));
	rc = rc ? rc : am_pt_init(&g_pt, &cfg, &g_ops, &g_ctx);
	if (!rc && (map(text, text, rodata - text, &AM_ATTR_RX_TEXT, 0) ||
		    map(rodata, rodata, ram - rodata, &AM_ATTR_RO_DATA, 0) ||
		    map(ram, ram, end_ - ram, &AM_ATTR_RW_DATA, 0) ||
		    map(SHARED_PA, SHARED_PA, 2 * PAGE, &AM_ATTR_RW_DATA, 0) ||
		    map(UART_BASE, UART_BASE, PAGE, &AM_ATTR_DEVICE, 0)))
		rc = AM_EINVAL;
	if (!rc) {
		con_printf("  EL2&0 table: TCR_EL2 0x%lx, TTBR0_EL2 0x%lx (ASID %u)\n",
			   am_pt_tcr(&g_pt), am_pt_ttbr(&g_pt), EL20_ASID);
		rc = am_aarch64_el20_mmu_enable_pt(&g_pt);
		EXPECT(rc == 0, "EL2&0 MMU enable: %s\n", errname(rc));
	}
	g_vhe_ok = rc == 0;
	if (g_vhe_ok) {
		uint64_t par = am_aarch64_at_s1e2r(ram);

		EXPECT(!(par & AM_PAR_F) && (par & AM_PAR_PA_MASK) == ram,
		       "AT S1E2R 0x%lx: PAR 0x%lx\n", ram, par);
		con_printf("  AT S1E2R 0x%lx -> PA 0x%lx; the table, by am_pt_dump():\n", ram,
			   par & AM_PAR_PA_MASK);
		am_pt_dump(&g_pt, am_va(0), AM_DUMP_TO_END, print_line, NULL);
	}
	end("down to Non-secure EL2, VHE on (HCR_EL2.E2H, TGE): armmap builds the EL2&0 table "
	    "(AM_PT_S1_EL20, ASID 5) and the MMU comes on with it");
}

static void ck_vhe_user(void)
{
	static const struct am_attr urw = {AM_PERM_R | AM_PERM_W | AM_PERM_USER, AM_MT_NORMAL_WB,
					   AM_SH_INNER};

	check_begin();
	if (!map(U_VA, SHARED_PA, PAGE, &urw, 0) &&
	    !map(P_VA, SHARED_PA, PAGE, &AM_ATTR_RW_DATA, 0)) {
		expect_at0(U_VA, false, SHARED_PA);
		expect_at0(U_VA, true, SHARED_PA);
		expect_at0(P_VA, false, ~0ull);
		EXPECT(!(am_aarch64_at_s1e2r(P_VA) & AM_PAR_F),
		       "AT S1E2R of the EL2-only page faulted\n");
		expect_store(U_VA + 16, 0xe10, 0);
		EXPECT(expect_load(P_VA + 16, 0) == 0xe10, "the two mappings disagree\n");
		EXPECT(am_pt_modify(&g_pt, am_va(U_VA), PAGE, &AM_ATTR_RW_DATA, 0) == 0,
		       "modify failed\n");
		expect_at0(U_VA, false, ~0ull); /* after its TLBI (by VA and ASID) */
	}
	end("EL2&0 permissions: a user page is readable and writable at EL0 (AT S1E0R / S1E0W), "
	    "an EL2-only one is not; made EL2-only, the user page faults at EL0 too");
}

static void ck_vhe_ng(void)
{
	check_begin();
	if (!map(NG_VA, SHARED_PA + PAGE, PAGE, &AM_ATTR_RW_DATA, AM_PT_F_NG)) {
		struct am_pt_leaf l = {0};
		unsigned long t0 = g_ctx.tlbis;

		EXPECT(am_pt_query(&g_pt, am_va(NG_VA), &l) == 0 && l.ng, "not nG: %u\n", l.ng);
		expect_store(NG_VA, 0x9a, 0); /* the TLB may hold it, tagged with ASID 5 */
		EXPECT(am_pt_modify(&g_pt, am_va(NG_VA), PAGE, &AM_ATTR_RO_DATA, 0) == 0,
		       "modify failed\n");
		expect_store(NG_VA, 0x9b, AM_FSC_PERM + 3);
		EXPECT(expect_load(NG_VA, 0) == 0x9a, "the refused store changed memory\n");
		EXPECT(g_ctx.tlbis > t0, "no TLBI by VA and ASID issued\n");
	}
	end("a not-global page under ASID 5: made read-only, its TLBI by VA and ASID (VALE2IS "
	    "with E2H) takes effect on the next store");
}

static void ck_vhe_range(void)
{
	check_begin();
	if (!map(BLK_VA, BLK_PA, SZ_2M, &AM_ATTR_RW_DATA, 0)) {
		unsigned long r0 = g_ctx.tlbi_ranges;

		expect_store(BLK_VA + 0x10008, 0xfe, 0);
		expect_store(BLK_VA + SZ_2M - 8, 0xff, 0);
		EXPECT(am_pt_unmap(&g_pt, am_va(BLK_VA), SZ_2M) == 0, "unmap failed\n");
		expect_load(BLK_VA + 0x10008, AM_FSC_TRANSLATION + 2);
		expect_load(BLK_VA + SZ_2M - 8, AM_FSC_TRANSLATION + 2);
		EXPECT(!g_ctx.tlbi_range || g_ctx.tlbi_ranges > r0,
		       "FEAT_TLBIRANGE, but no range TLBI\n");
		con_printf("  range TLBIs for the unmap of 2 MiB of pages: %lu\n",
			   g_ctx.tlbi_ranges - r0);
	}
	end("2 MiB of pages at EL2&0 unmapped: one range TLBI (RVAE2IS with the ASID), every page "
	    "faults after it");
}

#define UP_VA 0xffffff8040000000ul /* the upper range (TTBR1_EL2), 39-bit: base + 1 GiB */

static void ck_vhe_upper(void)
{
	struct am_pt_config cfg = {
		.regime = AM_PT_S1_EL20, .ia_bits = 39, .asid = EL20_ASID, .upper = 1};
	uint64_t par;
	int rc;

	check_begin();
	cfg.oa_bits = am_aarch64_pa_bits() < 48 ? am_aarch64_pa_bits() : 48;
	rc = am_pt_init(&g_up, &cfg, &g_ops, &g_ctx);
	EXPECT(rc == 0, "the upper table's init: %s\n", errname(rc));
	if (!rc)
		rc = am_pt_map(&g_up, am_va(UP_VA), am_pa(SHARED_PA), PAGE, &AM_ATTR_RW_DATA, 0);
	if (!rc)
		rc = am_aarch64_el20_ttbr1(&g_pt, &g_up);
	EXPECT(rc == 0, "map / TTBR1: %s\n", errname(rc));
	if (!rc) {
		con_printf("  TTBR1_EL2 0x%lx, TCR_EL2 0x%lx (both halves)\n", am_pt_ttbr(&g_up),
			   am_pt_tcr_pair(&g_pt, &g_up));
		par = am_aarch64_at_s1e2r(UP_VA);
		EXPECT(!(par & AM_PAR_F) && (par & AM_PAR_PA_MASK) == SHARED_PA,
		       "AT S1E2R 0x%lx: PAR 0x%lx\n", UP_VA, par);
		con_printf("  AT S1E2R 0x%lx -> PA 0x%lx\n", UP_VA, par & AM_PAR_PA_MASK);
		expect_store(UP_VA + 24, 0x7781, 0);
		EXPECT(expect_load(SHARED_PA + 24, 0) == 0x7781,
		       "a store through the upper range did not reach the page\n");
		am_pt_dump(&g_up, am_va(0 - (1ull << 39)), AM_DUMP_TO_END, print_line, NULL);
	}
	end("the upper VA range at EL2&0 (TTBR1_EL2, am_pt_config.upper): a page at "
	    "0xffffff8040000000 translates (AT S1E2R), and a store through it reaches the RAM");
}

static void ck_vhe_upper_tlbi(void)
{
	check_begin();
	expect_store(UP_VA, 0x55, 0); /* cached, writable */
	EXPECT(am_pt_modify(&g_up, am_va(UP_VA), PAGE, &AM_ATTR_RO_DATA, 0) == 0, "modify\n");
	expect_store(UP_VA, 0x56, AM_FSC_PERM + 3);
	if (!am_pt_map(&g_up, am_va(UP_VA + SZ_2M), am_pa(BLK_PA), SZ_2M, &AM_ATTR_RW_DATA, 0)) {
		unsigned long r0 = g_ctx.tlbi_ranges;

		expect_store(UP_VA + SZ_2M + 0x3008, 0x57, 0);
		expect_store(UP_VA + 2 * SZ_2M - 8, 0x58, 0);
		EXPECT(am_pt_unmap(&g_up, am_va(UP_VA + SZ_2M), SZ_2M) == 0, "unmap\n");
		expect_load(UP_VA + SZ_2M + 0x3008, AM_FSC_TRANSLATION + 2);
		expect_load(UP_VA + 2 * SZ_2M - 8, AM_FSC_TRANSLATION + 2);
		EXPECT(!g_ctx.tlbi_range || g_ctx.tlbi_ranges > r0, "no range TLBI\n");
	}
	end("TLB maintenance of the upper range: the TLBI by VA carries VA[55] (a page made "
	    "read-only faults on the next store), and a range TLBI drops 2 MiB of its pages");
}

static void el2_main(void)
{
	if (!am_aarch64_exc_install())
		fatal("no vectors at EL2");
	con_printf("\nNon-secure EL2 now (from EL3 by ERET): stage 1 EL2&0 with VHE.\n");
	ck_vhe_boot();
	if (g_vhe_ok) {
		ck_vhe_user();
		ck_vhe_ng();
		ck_vhe_range();
		ck_vhe_upper();
		ck_vhe_upper_tlbi();
	}
	sh_exit(check_done() == 0);
}

int main(void)
{
	if (!am_aarch64_exc_init(NULL, fatal_exc) || am_current_el() != 3) {
		con_printf("not at EL3 (CurrentEL %u): QEMU virt needs secure=on\n",
			   am_current_el());
		check_abort();
		return 1;
	}
	con_printf("armmap qemu-regimes: the translation regimes on the emulated hardware. "
		   "Stage 1 EL3\nand the NS bit (QEMU virt, secure=on: the image starts at EL3, "
		   "Secure; -cpu max).\n\n");
	ck_boot();
	if (check_boot_ok(g_init_rc == 0 && g_mmu_rc == 0)) {
		ck_secure_ram();
		ck_ns_ram();
		ck_modify();
		ck_block();
		ck_refused();
		ck_final();
		/* the EL3 table stays as it is; EL2 builds its own */
		__builtin_memset(&g_pt, 0, sizeof(g_pt));
		drop_to_el2(el2_main, (uint64_t)(uintptr_t)__stack_top);
	}
	return check_done();
}
