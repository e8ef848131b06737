/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-regimes image: armmap's translation regimes and granules on the
 * emulated hardware, each proven with real accesses and AT instructions, on
 * QEMU virt with secure=on and virtualization=on (the image starts at EL3,
 * Secure) and -cpu max (FEAT_TLBIRANGE, FEAT_VHE, the 16 and 64 KiB
 * granules at both stages, FEAT_LPA: PARange 0b0110, 52-bit PAs, and
 * FEAT_LPA2: TGran4 0b0001, TGran16 0b0010):
 *  - stage 1 EL3 and the NS bit: the image's own EL3 table (AM_PT_S1_EL3,
 *    the aarch64 library's backend), turned on with
 *    am_aarch64_el3_mmu_enable_pt(); the board's Secure RAM (0x0e000000)
 *    reached through a Secure mapping and not through a Non-secure one (a
 *    synchronous external abort), normal RAM through both (one memory),
 *    AT S1E3R reporting the NS bit; the EL3 TLB maintenance (a page made
 *    read-only, a block broken, a page unmapped) in the accesses that follow;
 *  - then, at Non-secure EL2 without VHE (drop.S), stage 1 EL2 with the
 *    16 KiB and then the 64 KiB granule: the image's table from a pool of
 *    pages of that size (am_aarch64_pt_ctx_init_g()), the MMU on with it
 *    (am_aarch64_el2_mmu_enable_pt(), TCR_EL2.TG0 from am_pt_tcr()), a
 *    page and a level-2 block (32 MiB, 512 MiB) seen by AT S1E2R / S1E2W
 *    and real loads and stores, a page made read-only, a page unmapped out
 *    of the block, the rest unmapped under a range TLBI; the MMU off again
 *    after each;
 *  - with the 64 KiB table on, an EL1 guest (s2_guest.S, its stage 1 off)
 *    on a 64 KiB stage 2 of 44-bit IPAs, whose root is 4 concatenated
 *    level-2 tables: its load of an IPA in the root's fourth table returns
 *    what EL2 wrote there, its loads of IPAs the stage 2 does not map abort
 *    to EL2 (ESR_EL2, HPFAR_EL2, FAR_EL2); then the same guest on a 4 KiB
 *    stage 2 with FEAT_LPA2 and 52-bit IPAs (a root of 16 concatenated
 *    level-0 tables: VTCR_EL2 DS 1, SL2 0, SL0 0b10, T0SZ 12): its load of
 *    an IPA above 2^51, its loads of unmapped IPAs aborting at levels 3 and
 *    0, HPFAR_EL2 giving the 52-bit IPA; then on a 64 KiB stage 2 of 29-bit
 *    IPAs, whose root is at level 3 (VTCR_EL2 SL0 0b00, T0SZ 35): its code
 *    and stack mapped below 512 MiB, its load and its level-3 abort;
 *  - 52-bit output addresses (FEAT_LPA, ID_AA64MMFR0_EL1.PARange 0b0110,
 *    which -cpu max reports: anything else fails): a 64 KiB EL2 table with
 *    oa_bits 52 and 48-bit VAs (root at level 1, TCR_EL2.PS 0b110), the
 *    MMU on with it and the 64 KiB checks above run on it (its RAM
 *    descriptors are in the LPA format, though below 2^48 and 64 KiB
 *    aligned they have the same bits as 48-bit ones); a page at PA
 *    0x9876543210000 and two pages either side of 2^48, then a 4 TiB
 *    level-1 block above 2^48, seen by AT S1E2R / S1E2W (PAR_EL1.PA
 *    [51:12]; those PAs are no RAM: mapped Device, never accessed); each
 *    unmapped, AT faults (QEMU's AT walks the tables, it does not look in
 *    its TLB: the faults show the descriptors gone, the TLBIs are counted);
 *  - FEAT_LPA2 (ID_AA64MMFR0_EL1 PARange 0b0110, TGran4 0b0001, TGran16
 *    0b0010, which -cpu max reports: anything else fails): a 4 KiB EL2 table
 *    with oa_bits 52 and 48-bit VAs (root at level 0), a 4 KiB one with
 *    52-bit VAs too (ia_bits 52: T0SZ 12, the walk starts at level -1,
 *    struct am_pt.top, whose 16 entries link the 16 level-0 tables of the
 *    engine's root; TTBR0_EL2 from am_pt_ttbr() names it), then a 16 KiB one
 *    with 52-bit VAs (ia_bits 52: T0SZ 12, a 32-entry root at level 0);
 *    TCR_EL2.DS 1 and PS 0b110 from am_pt_tcr() and as programmed, the MMU
 *    on with each and the page, block (4 KiB: 1 GiB at level 1) and TLB
 *    checks run on it with real loads and stores: the DS=1 format walked
 *    over RAM (no shareability in the leaves, table descriptors whose bits
 *    [9:8] are address bits: their entry counts kept out of them), range
 *    TLBIs whose BaseADDR counts 64 KiB; a page with PA[51:50] set, two
 *    pages either side of 2^50 and a level-2 block above 2^50 by AT S1E2R /
 *    S1E2W (PAR_EL1.PA [51:12]; Device, never accessed), each unmapped to
 *    translation faults; a map of normal memory asked outer shareable (and
 *    of device memory asked inner) refused with AM_ENOTSUP, nothing changed;
 *    with 52-bit VAs a RAM page at VA 0xf800000000000 (16 KiB: the root's
 *    entry 31; 4 KiB: level -1 entry 15) by AT and by loads and stores
 *    another mapping sees, VA 2^52 faulting at level 0 (AT and a load: out
 *    of range, level 0 whatever the start level), with 16 KiB this VA under
 *    T0SZ 16 (one AT) too, with 4 KiB this VA through a copy of the level -1
 *    table whose entry 15 is invalid (TTBR0_EL2 naming it for one AT and one
 *    load) faulting at level -1 (FSC 0x2b, FEAT_LPA2's code), its next load
 *    faulting once it is unmapped;
 *  - then stage 1 EL2&0 with VHE (HCR_EL2.E2H and TGE): the lower range
 *    with ASIDs, then the upper range (TTBR1_EL2).
 * 65 checks in all.
 * QEMU's TLB flushes itself whole for an invalidation of any address in the
 * region where it holds pages larger than 4 KiB: the 16 and 64 KiB checks
 * (and the 4 KiB ones with their 1 GiB block) show that each change is
 * invalidated (without the TLBIs they fail), not which addresses a range
 * TLBI names; its operands (TG, BaseADDR in granules) are checked against
 * the TLB model by unit-pt's test_granules. Uses the MMU image's entry
 * (tests/qemu/mmu/startup.S) and board (board.c), its own layout (link.ld:
 * the MMU image's, 64 KiB aligned), and the harness of tests/qemu/common and
 * tests/qemu/aarch64.
 */
#include <armmap/armmap.h>
#include <armmap/arch/aarch64/el3_mmu.h>
#include <armmap/arch/aarch64/pt_ops.h>
#include <armmap/arch/aarch64/vhe.h>

#include "tests/qemu/aarch64/exc.h"
#include "tests/qemu/aarch64/vm.h"
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

static int map_in(struct am_pt *pt, uint64_t va, uint64_t pa, uint64_t size,
		  const struct am_attr *a, unsigned int f)
{
	int rc = am_pt_map(pt, am_va(va), am_pa(pa), size, a, f);

	EXPECT(rc == 0, "am_pt_map(0x%lx -> 0x%lx, 0x%lx) -> %s\n", va, pa, size, errname(rc));
	return rc;
}

static int map(uint64_t va, uint64_t pa, uint64_t size, const struct am_attr *a, unsigned int f)
{
	return map_in(&g_pt, va, pa, size, a, f);
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

/* ------------------ EL2 (no VHE): the 16 and 64 KiB granules, 52-bit outputs -- */

#define SZ_64K 0x10000ul
#define SZ_32M 0x2000000ul
#define SZ_512M 0x20000000ul
#define SZ_1G 0x40000000ul
#define RAM_BASE 0x40000000ul
#define G_PAGE_PA 0x40900000ul	 /* a RAM page of the granule checks (64 KiB aligned) */
#define G_BRK_OFF 0xa00000ul	 /* the page each check unmaps out of its block: PA 0x40a00000 */
#define G16_PAGE_VA 0x80000000ul /* -> G_PAGE_PA, one 16 KiB page */
#define G16_BLK_VA 0x84000000ul	 /* -> RAM_BASE, a 32 MiB block (level 2) */
#define G64_BLK_VA 0x80000000ul	 /* -> RAM_BASE, a 512 MiB block (level 2) */
#define G64_PAGE_VA 0xa0000000ul /* -> G_PAGE_PA, one 64 KiB page */
/*
 * 4 KiB (LPA2 only): the page in the image's 1 GiB (its level-2 table stays
 * when the page's level-3 table goes), a 1 GiB block at level 1 over all of
 * RAM (-m 1G)
 */
#define G4_PAGE_VA 0x7fe00000ul /* -> G_PAGE_PA, one 4 KiB page */
#define G4_BLK_VA 0xc0000000ul	/* -> RAM_BASE, a 1 GiB block (level 1) */

/* The 64 KiB stage 2 (VMID 7, 44-bit IPAs: a root of four level-2 tables) */
#define S2_VMID 7u
#define S2_IA_BITS 44u
#define S2_STACK_PA 0x40700000ul     /* the guest's stack, IPA == PA */
#define S2_DATA_PA 0x40800000ul	     /* the page the guest reads, EL2 plants a word in it */
#define S2_DATA_IPA 0xc0040800000ul  /* -> S2_DATA_PA: in the root's fourth page */
#define S2_HOLE_IPA 0xc0040810000ul  /* the next page: not mapped (level 3) */
#define S2_HOLE2_IPA 0x80000000010ul /* the root's third page: nothing (level 2) */
/* The 4 KiB stage 2 with FEAT_LPA2 and 52-bit IPAs (VMID 9): a root of 16
 * concatenated level-0 tables (VTCR_EL2 DS 1, SL2 0, SL0 0b10, T0SZ 12) */
#define S2L_VMID 9u
#define S2L_DATA_IPA 0xf800040800000ul	/* -> S2_DATA_PA: the root's 16th table, above 2^51 */
#define S2L_HOLE_IPA 0xf800040801000ul	/* the next page: not mapped (level 3) */
#define S2L_HOLE0_IPA 0x8000000000010ul /* the root's 9th table: nothing (level 0) */
#define S2L_MAGIC 0x52b17f00d5eed052ul	/* planted at S2_DATA_PA + 16, apart from S2_MAGIC */
/* The 64 KiB stage 2 of 29-bit IPAs (VMID 11): its root is at level 3
 * (VTCR_EL2 SL0 0b00, T0SZ 35), and IPAs end at 512 MiB, below the image:
 * the guest's code and stack are mapped down there */
#define S2T_VMID 11u
#define S2T_IA_BITS 29u
#define S2T_CODE_IPA 0x10000000ul  /* -> the 64 KiB page of s2_guest, and the next */
#define S2T_STACK_IPA 0x1f000000ul /* -> S2_STACK_PA */
#define S2T_DATA_IPA 0x1ff00000ul  /* -> S2_DATA_PA */
#define S2T_HOLE_IPA 0x1ff10000ul  /* the next page: not mapped (level 3, the root) */
#define S2T_MAGIC 0x29b175eed0003ul /* planted at S2_DATA_PA + 24 */
#define S2_MAGIC 0x64c0ffee5eed0044ul
#define GUEST_ABORTED 0xab0a7ab0a7ab0a7aul /* what a run that took a stage-2 abort returns */
#define GUEST_EXC 0xe1e1e1e1e1e1e1e1ul	   /* a run that ended in the guest's own vectors */

/*
 * 52-bit output addresses: none of these PAs is RAM; they are mapped Device
 * and never accessed, only translated by AT.
 *  - FEAT_LPA, 64 KiB: a page, two pages either side of 2^48, a 4 TiB
 *    block at level 1;
 *  - FEAT_LPA2 (TCR_EL2.DS), 4 and 16 KiB: a page with PA[51:50] set, two
 *    pages either side of 2^50, a level-2 block (2 MiB, 32 MiB) above
 *    2^50.
 */
#define SZ_4T 0x40000000000ul	      /* a level-1 block of the 64 KiB granule with LPA */
#define PA_2P48 0x1000000000000ul     /* 2^48 */
#define PA_2P50 0x4000000000000ul     /* 2^50 */
#define LPA_PAGE_VA 0xc0000000ul      /* -> LPA_PAGE_PA, one 64 KiB page */
#define LPA_PAGE_PA 0x9876543210000ul /* above 2^48, OA[51:48] 0b1001 */
#define LPA_BLK_VA 0xc0000000000ul    /* 12 TiB: a 4 TiB block at level 1 */
#define LPA_BLK_PA 0xa0c0000000000ul  /* 4 TiB aligned, above 2^48 */
#define LPA_BLK_OFF 0x1234567a000ul   /* an address inside the block */
#define LPA2_BLK_PA 0xe123456000000ul /* 32 MiB aligned, OA[51:48] 0b1110 */
#define PAR_PA52 0x000ffffffffff000ul /* PAR_EL1.PA: [47:12], with FEAT_LPA / LPA2 [51:12] */
/* 16 KiB with LPA2 and 52-bit VAs (T0SZ 12): a page in the root's last entry */
#define VA52_PAGE 0x000f800000000000ul

/* One granule's EL2 stage-1 checks; with 52-bit outputs, the lpa fields too. */
struct gran {
	unsigned int granule; /* AM_PT_GRANULE_4K (LPA2 only), _16K, _64K */
	const char *name;
	uint64_t tg0;			    /* TCR_EL2.TG0: 0b00 4 KiB, 0b10 16 KiB, 0b01 64 KiB */
	uint64_t page_va, blk_va, blk_size; /* a page -> G_PAGE_PA; a block -> RAM_BASE */
	unsigned int blk_level;		    /* the block's level */
	unsigned int ia_bits;		    /* the table's VA bits (TCR_EL2.T0SZ 64 - ia_bits) */
	unsigned int oa_bits;		    /* 0: the CPU's, 48 at most; or 52 */
	/*
	 * where the engine's root is for that granule and ia_bits (4 KiB above
	 * 48 bits: level 0, under the level -1 table the walk starts at)
	 */
	unsigned int root_level;
	/* 52-bit outputs: 0 none, 1 FEAT_LPA (64 KiB), 2 FEAT_LPA2 (4, 16 KiB; TCR_EL2.DS) */
	unsigned int lpa;
	/*
	 * With lpa (ck_lpa_*): a page at hi_va -> hi_pa (AT at hi_va + hi_off),
	 * the two after it -> either side of edge_pa, all in one level-3
	 * table; a block at hblk_va -> hblk_pa of hblk_size at hblk_level, in a
	 * table that stays (AT at hblk_va + hblk_off)
	 */
	uint64_t hi_va, hi_pa, hi_off, edge_pa;
	uint64_t hblk_va, hblk_pa, hblk_size, hblk_off;
	unsigned int hblk_level;
	/*
	 * the titles of its checks: boot, map, tlb, off; with lpa: page, block,
	 * unmap; with ia_bits above 48: the 52-bit VA one
	 */
	const char *what[8];
};

static const struct gran g_g16 = {
	.granule = AM_PT_GRANULE_16K,
	.name = "16 KiB",
	.tg0 = 2,
	.page_va = G16_PAGE_VA,
	.blk_va = G16_BLK_VA,
	.blk_size = SZ_32M,
	.blk_level = 2,
	.ia_bits = 39,
	.root_level = 1,
	.what = {"EL2 stage 1, 16 KiB granule: armmap builds the image's table from a pool of 16 "
		 "KiB pages (TG0 0b10), and the MMU comes on with it",
		 "16 KiB granule: a 16 KiB page and a 32 MiB block (level 2) translate (AT S1E2R / "
		 "S1E2W) and take real loads and stores; the next page does not translate",
		 "16 KiB TLB maintenance: a page made read-only takes no store, a 16 KiB page "
		 "unmapped out of the 32 MiB block faults (its neighbours keep their data), the "
		 "page unmapped faults, the rest of the block goes under a range TLBI",
		 "the EL2 MMU off again (caches cleaned first), the 16 KiB table destroyed: every "
		 "pool page back"},
};
static const struct gran g_g64 = {
	.granule = AM_PT_GRANULE_64K,
	.name = "64 KiB",
	.tg0 = 1,
	.page_va = G64_PAGE_VA,
	.blk_va = G64_BLK_VA,
	.blk_size = SZ_512M,
	.blk_level = 2,
	.ia_bits = 39,
	.root_level = 2,
	.what = {"EL2 stage 1, 64 KiB granule: armmap builds the image's table from a pool of 64 "
		 "KiB pages (TG0 0b01, root at level 2), and the MMU comes on with it",
		 "64 KiB granule: a 64 KiB page and a 512 MiB block of RAM (level 2, VA and PA 512 "
		 "MiB aligned) translate and take real loads and stores",
		 "64 KiB TLB maintenance: a page made read-only takes no store, a 64 KiB page "
		 "unmapped out of the 512 MiB block faults (its neighbours keep their data), the "
		 "page unmapped faults, the rest of the block goes under a range TLBI",
		 "the EL2 MMU off again, the 64 KiB tables destroyed: every pool page back"},
};
/* The same granule with 52-bit outputs and 48-bit VAs (root at level 1: 4 TiB entries) */
static const struct gran g_g64lpa = {
	.granule = AM_PT_GRANULE_64K,
	.name = "64 KiB",
	.tg0 = 1,
	.page_va = G64_PAGE_VA,
	.blk_va = G64_BLK_VA,
	.blk_size = SZ_512M,
	.blk_level = 2,
	.ia_bits = 48,
	.oa_bits = 52,
	.root_level = 1,
	.lpa = 1,
	.hi_va = LPA_PAGE_VA,
	.hi_pa = LPA_PAGE_PA,
	.hi_off = 0xa238, /* PAR bits [15:12]: the VA's offset (0xa); [51:48]: the descriptor's */
	.edge_pa = PA_2P48,
	.hblk_va = LPA_BLK_VA,
	.hblk_pa = LPA_BLK_PA,
	.hblk_size = SZ_4T,
	.hblk_off = LPA_BLK_OFF,
	.hblk_level = 1,
	.what = {"EL2 stage 1, 64 KiB granule with 52-bit output addresses (FEAT_LPA, oa_bits "
		 "52): the image's table with 48-bit VAs (root at level 1), TCR_EL2.PS 0b110, and "
		 "the MMU comes on with it",
		 "LPA descriptors over RAM: a 64 KiB page and a 512 MiB block of RAM in the 52-bit "
		 "table translate and take real loads and stores",
		 "LPA TLB maintenance: a page made read-only takes no store, a page unmapped out "
		 "of the 512 MiB block faults (its neighbours keep their data), the rest goes "
		 "under a range TLBI",
		 "the EL2 MMU off again, the 52-bit table destroyed: every pool page back",
		 "52-bit outputs: a 64 KiB page at PA 0x9876543210000 (OA[51:48] in descriptor "
		 "bits [15:12]) and two pages either side of 2^48 translate by AT S1E2R / S1E2W, "
		 "PAR_EL1 giving PA[51:48]",
		 "52-bit outputs: a 4 TiB block at level 1 (AM_PT_F_BLOCK, VA 0xc0000000000 -> PA "
		 "0xa0c0000000000) in the root, no table page taken; AT S1E2R inside it and at its "
		 "ends gives the PA",
		 "52-bit outputs unmapped: after the library's TLBIs AT S1E2R faults (translation, "
		 "level 3 for the page, level 2 once its table is gone, level 1 for the block), "
		 "the table back to its boot pages"},
};
/*
 * FEAT_LPA2 (TCR_EL2.DS = 1): the 4 KiB granule with 48-bit VAs (root at
 * level 0) and the RAM block at level 1; the descriptors' bits [9:8] are
 * OA[51:50], no leaf carries its shareability (TCR_EL2.SH0's)
 */
static const struct gran g_g4lpa2 = {
	.granule = AM_PT_GRANULE_4K,
	.name = "4 KiB",
	.tg0 = 0,
	.page_va = G4_PAGE_VA,
	.blk_va = G4_BLK_VA,
	.blk_size = SZ_1G,
	.blk_level = 1,
	.ia_bits = 48,
	.oa_bits = 52,
	.root_level = 0,
	.lpa = 2,
	.hi_va = 0x7fc00000ul, /* the page, then the two at the edge, in one level-3 table */
	.hi_pa = 0xc000012345000ul,
	.hi_off = 0x238,
	.edge_pa = PA_2P50,
	.hblk_va = 0x7f000000ul, /* a 2 MiB block in the image's level-2 table */
	.hblk_pa = LPA2_BLK_PA,
	.hblk_size = SZ_2M,
	.hblk_off = 0x12a238,
	.hblk_level = 2,
	.what = {"EL2 stage 1, 4 KiB granule with FEAT_LPA2 (oa_bits 52): the image's table with "
		 "48-bit VAs (root at level 0), TCR_EL2.DS 1 and PS 0b110 from am_pt_tcr() and as "
		 "programmed, and the MMU comes on with it",
		 "LPA2 descriptors over RAM: a 4 KiB page and a 1 GiB block (level 1) of RAM in "
		 "the DS=1 table translate and take real loads and stores (no shareability in the "
		 "leaves: TCR_EL2.SH0's)",
		 "LPA2 TLB maintenance: a page made read-only takes no store, a page unmapped out "
		 "of the 1 GiB block faults (a 512-entry level-2 and a level-3 table under it, "
		 "their entry counts clear of bits [9:8]; the neighbours keep their data), the "
		 "rest unmapped faults, no range TLBI",
		 "the EL2 MMU off again, the 4 KiB LPA2 table destroyed: every pool page back",
		 "LPA2 outputs: a 4 KiB page at PA 0xc000012345000 (OA[51:50] in descriptor bits "
		 "[9:8]) and two pages either side of 2^50 translate by AT S1E2R / S1E2W, PAR_EL1 "
		 "giving PA[51:12]",
		 "LPA2 outputs: a 2 MiB block (level 2) at PA 0xe123456000000, above 2^50, no "
		 "table page taken; AT S1E2R inside it and at its ends gives the PA",
		 "LPA2 outputs unmapped: after the library's TLBIs AT S1E2R faults (translation, "
		 "level 3 for the page, level 2 once its table is gone and for the block), the "
		 "table back to its boot pages"},
};
/* 16 KiB with FEAT_LPA2 and 52-bit VAs: T0SZ 12, a level-0 root of 32 entries */
static const struct gran g_g16lpa2 = {
	.granule = AM_PT_GRANULE_16K,
	.name = "16 KiB",
	.tg0 = 2,
	.page_va = G16_PAGE_VA,
	.blk_va = G16_BLK_VA,
	.blk_size = SZ_32M,
	.blk_level = 2,
	.ia_bits = 52,
	.oa_bits = 52,
	.root_level = 0,
	.lpa = 2,
	.hi_va = 0xc0000000ul,
	.hi_pa = 0xc000012344000ul,
	.hi_off = 0x3238, /* PAR bits [13:12]: the VA's offset (0x3) */
	.edge_pa = PA_2P50,
	.hblk_va = 0xc2000000ul,
	.hblk_pa = LPA2_BLK_PA,
	.hblk_size = SZ_32M,
	.hblk_off = 0x1234238,
	.hblk_level = 2,
	.what = {"EL2 stage 1, 16 KiB granule with FEAT_LPA2 and 52-bit VAs (ia_bits and oa_bits "
		 "52): the image's table with a 32-entry root at level 0, TCR_EL2.T0SZ 12, DS 1 "
		 "and PS 0b110 from am_pt_tcr() and as programmed, and the MMU comes on with it",
		 "LPA2 descriptors over RAM: a 16 KiB page and a 32 MiB block of RAM in the DS=1 "
		 "table translate and take real loads and stores",
		 "LPA2 TLB maintenance, 16 KiB: a page made read-only takes no store, a page "
		 "unmapped out of the 32 MiB block faults (a 2048-entry level-3 table, its count "
		 "clear of bits [9:8]; the neighbours keep their data), the rest unmapped faults, "
		 "no range TLBI",
		 "the EL2 MMU off again, the 16 KiB LPA2 table destroyed: every pool page back",
		 "LPA2 outputs, 16 KiB: a page at PA 0xc000012344000 (OA[51:50] in descriptor bits "
		 "[9:8]) and two pages either side of 2^50 translate by AT S1E2R / S1E2W, PAR_EL1 "
		 "giving PA[51:12]",
		 "LPA2 outputs, 16 KiB: a 32 MiB block (level 2) at PA 0xe123456000000, above "
		 "2^50, no table page taken; AT S1E2R inside it and at its ends gives the PA",
		 "LPA2 outputs unmapped, 16 KiB: after the library's TLBIs AT S1E2R faults "
		 "(translation, level 3 for the page, level 2 once its table is gone and for the "
		 "block), the table back to its boot pages",
		 "52-bit VAs at EL2 (16 KiB, LPA2, TCR_EL2.T0SZ 12): a RAM page at VA "
		 "0xf800000000000 (the root's entry 31) translates (AT S1E2R / S1E2W) and takes "
		 "real loads and stores that another mapping of the page sees; VA 2^52 (AT and a "
		 "load), and this VA with T0SZ 16, fault at level 0; unmapped, its next load "
		 "faults"},
};
/*
 * 4 KiB with FEAT_LPA2 and 52-bit VAs: T0SZ 12, the walk starts at level -1
 * (struct am_pt.top, named by TTBR0_EL2), whose 16 entries link the 16
 * level-0 tables the engine keeps as its root; the RAM checks, the page and
 * block above 2^50 of g_g4lpa2 all walk through its entry 0
 */
static const struct gran g_g4lpa2_52 = {
	.granule = AM_PT_GRANULE_4K,
	.name = "4 KiB",
	.tg0 = 0,
	.page_va = G4_PAGE_VA,
	.blk_va = G4_BLK_VA,
	.blk_size = SZ_1G,
	.blk_level = 1,
	.ia_bits = 52,
	.oa_bits = 52,
	.root_level = 0,
	.lpa = 2,
	.hi_va = 0x7fc00000ul,
	.hi_pa = 0xc000012345000ul,
	.hi_off = 0x238,
	.edge_pa = PA_2P50,
	.hblk_va = 0x7f000000ul,
	.hblk_pa = LPA2_BLK_PA,
	.hblk_size = SZ_2M,
	.hblk_off = 0x12a238,
	.hblk_level = 2,
	.what = {"EL2 stage 1, 4 KiB granule with FEAT_LPA2 and 52-bit VAs (ia_bits and oa_bits "
		 "52): a level -1 table (struct am_pt.top) linking 16 level-0 tables, TTBR0_EL2 "
		 "from am_pt_ttbr() naming it, TCR_EL2.T0SZ 12, DS 1 and PS 0b110 from "
		 "am_pt_tcr() and as programmed, and the MMU comes on with it",
		 "LPA2 from level -1: a 4 KiB page and a 1 GiB block (level 1) of RAM translate "
		 "and take real loads and stores, every walk through the level -1 table",
		 "LPA2 TLB maintenance from level -1: a page made read-only takes no store, a page "
		 "unmapped out of the 1 GiB block faults (the neighbours keep their data), the "
		 "rest unmapped faults",
		 "the EL2 MMU off again, the 4 KiB table of 52-bit VAs destroyed: every pool page "
		 "back, the level -1 table and the 16 level-0 tables too",
		 "LPA2 outputs from level -1: a 4 KiB page at PA 0xc000012345000 and two pages "
		 "either side of 2^50 translate by AT S1E2R / S1E2W, PAR_EL1 giving PA[51:12]",
		 "LPA2 outputs from level -1: a 2 MiB block (level 2) at PA 0xe123456000000 "
		 "translates by AT, no table page taken",
		 "LPA2 outputs from level -1 unmapped: AT S1E2R faults at level 3, then 2, the "
		 "table back to its boot pages",
		 "52-bit VAs at EL2 (4 KiB, LPA2, TCR_EL2.T0SZ 12, the walk from level -1): a RAM "
		 "page at VA 0xf800000000000 (level -1 entry 15) translates (AT S1E2R / S1E2W) and "
		 "takes real loads and stores that another mapping of the page sees; VA 2^52 (AT "
		 "and a load) faults at level 0; with level -1 entry 15 invalid (a copy of the "
		 "table in TTBR0_EL2) AT and a load fault at level -1, FSC 0x2b; unmapped, its "
		 "next load faults"},
};

/*
 * The 4 KiB tables (96 pages of the pool; the one of 52-bit VAs takes 17 at
 * its init: a run of 16 level-0 tables, 64 KiB aligned, and the level -1
 * table), the 16 KiB ones (24 pages of it), then the 64 KiB ones (6 pages
 * of it: the 52-bit table, root at level 1, takes all 6 when a block is
 * broken with the page mapped). The stage 2s' pool, in turn: the 64 KiB
 * one (root 4 pages), the 4 KiB LPA2 one (23 of its 128 4 KiB pages: root
 * 16), the 64 KiB one whose root is at level 3 (1 page).
 */
static unsigned char g_gpool[6 * SZ_64K] __attribute__((aligned(65536)));
static unsigned char g_s2pool[8 * SZ_64K] __attribute__((aligned(65536)));
static struct am_aarch64_pt_ctx g_gctx, g_s2ctx;
static struct am_pt g_gpt, g_s2pt;
static bool g_gpt_live, g_s2_live, g_gran_on;
static size_t g_gboot_tables;

/* s2_guest.S */
extern char s2_guest[], s2_guest_vectors[];
/* Where the guest's code and stack are in its IPA space: its code g_s2_move
 * bytes below its PA (0: IPA == PA), its stack's top at g_s2_sp. */
static uint64_t g_s2_move, g_s2_sp = S2_STACK_PA + SZ_64K;

/* What the guest's last exit left: its stage-2 abort, or the ESR_EL1 of its own exception. */
static struct {
	unsigned int aborts;
	uint64_t esr, far, hpfar, elr, esr_el1;
} g_s2f;

/*
 * The EL2 handler of what the guest raises (EL2 vectors, from a lower EL):
 * HVC #0 ends the run with x0, a stage-2 data abort ends it with
 * GUEST_ABORTED after recording the syndrome, HVC #0xbad (the guest's own
 * vectors) with GUEST_EXC. Anything else is fatal.
 */
static bool el2_sync(struct am_aarch64_frame *f)
{
	unsigned int ec = am_esr_ec(f->esr);

	if (f->kind != (AM_EXC_LOW_A64 | AM_EXC_SYNC))
		return false;
	if (ec == AM_EC_HVC64 && (f->esr & AM_ISS_IMM16_MASK) == 0)
		am_aarch64_vm_exit(f->x[0]);
	if (ec == AM_EC_HVC64 && (f->esr & AM_ISS_IMM16_MASK) == 0xbad) {
		g_s2f.esr_el1 = f->x[0];
		am_aarch64_vm_exit(GUEST_EXC);
	}
	if (ec == AM_EC_DABT_LOW) {
		g_s2f.aborts++;
		g_s2f.esr = f->esr;
		g_s2f.far = f->far;
		g_s2f.elr = f->elr;
		g_s2f.hpfar = am_read_sysreg(hpfar_el2);
		am_aarch64_vm_exit(GUEST_ABORTED);
	}
	return false;
}

/* A check's end for the granule tables: every page of their pools accounted for. */
static void gend(const char *what)
{
	if (g_gpt_live)
		EXPECT(am_pt_tables(&g_gpt) == g_gctx.in_use,
		       "am_pt_tables() %lu, pool pages out %u\n",
		       (unsigned long)am_pt_tables(&g_gpt), g_gctx.in_use);
	if (g_s2_live)
		EXPECT(am_pt_tables(&g_s2pt) == g_s2ctx.in_use,
		       "stage 2: am_pt_tables() %lu, pool pages out %u\n",
		       (unsigned long)am_pt_tables(&g_s2pt), g_s2ctx.in_use);
	EXPECT(g_internal == 0, "the engine logged %u internal errors\n", g_internal);
	check_end(what);
}

/* The level of fault status @fsc: 0..3, or -1 (FEAT_LPA2's codes of their own) */
static int fsc_level(unsigned int fsc)
{
	return AM_FSC_IS_LM1(fsc) ? -1 : (int)AM_FSC_LEVEL(fsc);
}

/* AT S1E2R (or S1E2W) of @va: a translation to @pa, or (pa ~0) a fault with status @fst. */
static void expect_at2(uint64_t va, bool write, uint64_t pa, unsigned int fst)
{
	uint64_t par = write ? am_aarch64_at_s1e2w(va) : am_aarch64_at_s1e2r(va);

	if (pa == ~0ull) {
		EXPECT((par & AM_PAR_F) && am_par_fst(par) == fst,
		       "AT S1E2%c 0x%lx: PAR 0x%lx, expected a fault with status 0x%x\n",
		       write ? 'W' : 'R', va, par, fst);
		con_printf("  AT S1E2%c 0x%lx -> fault, %s level %d (FST 0x%x)\n",
			   write ? 'W' : 'R', va, am_aarch64_fsc_name(am_par_fst(par)),
			   fsc_level(am_par_fst(par)), am_par_fst(par));
		return;
	}
	EXPECT(!(par & AM_PAR_F) && (par & PAR_PA52) == (pa & ~(PAGE - 1)),
	       "AT S1E2%c 0x%lx: PAR 0x%lx, expected PA 0x%lx\n", write ? 'W' : 'R', va, par, pa);
	con_printf("  AT S1E2%c 0x%lx -> PA 0x%lx\n", write ? 'W' : 'R', va, par & PAR_PA52);
}

/* The CPU's granule support (ID_AA64MMFR0_EL1): stage 1 and stage 2. */
static bool cpu_has_granule(unsigned int granule, bool s2)
{
	uint64_t r = am_read_sysreg(id_aa64mmfr0_el1);
	unsigned int s1, two;

	if (granule == AM_PT_GRANULE_4K) {
		s1 = (unsigned int)(r >> 28) & 0xfu;  /* TGran4: 0 or 1 (LPA2) yes, 0xf no */
		two = (unsigned int)(r >> 40) & 0xfu; /* TGran4_2: 0 as stage 1, 1 no */
		return s1 != 0xf && (!s2 || two != 1);
	}
	if (granule == AM_PT_GRANULE_16K) {
		s1 = (unsigned int)(r >> 20) & 0xfu;  /* TGran16: 0 no, 1 or 2 yes */
		two = (unsigned int)(r >> 32) & 0xfu; /* TGran16_2: 0 as stage 1, 1 no */
		return s1 != 0 && (!s2 || (two == 0 ? s1 != 0 : two != 1));
	}
	s1 = (unsigned int)(r >> 24) & 0xfu;  /* TGran64: 0 yes, 0xf no */
	two = (unsigned int)(r >> 36) & 0xfu; /* TGran64_2: 0 as stage 1, 1 no */
	return s1 == 0 && (!s2 || two != 1);
}

/* ID_AA64MMFR0_EL1.PARange: 0b0101 48 bits, 0b0110 52 bits (FEAT_LPA) */
static unsigned int cpu_parange(void)
{
	return (unsigned int)am_read_sysreg(id_aa64mmfr0_el1) & 0xfu;
}

/*
 * ID_AA64MMFR0_EL1.TGran4 [31:28] and TGran16 [23:20]: FEAT_LPA2, 52-bit
 * input and output addresses with that granule, is TGran4 0b0001 and
 * TGran16 0b0010 (the Arm ARM's values; TGran4 0b0000 and TGran16 0b0001
 * are the granule without them).
 */
static unsigned int cpu_tgran4(void)
{
	return (unsigned int)(am_read_sysreg(id_aa64mmfr0_el1) >> 28) & 0xfu;
}
static unsigned int cpu_tgran16(void)
{
	return (unsigned int)(am_read_sysreg(id_aa64mmfr0_el1) >> 20) & 0xfu;
}

/* The TCR PS / PARange encoding of @oa_bits output bits (32..52) */
static unsigned int ps_of(unsigned int oa_bits)
{
	static const uint8_t bits[] = {32, 36, 40, 42, 44, 48, 52};
	unsigned int i = 0;

	while (i < 6 && bits[i] < oa_bits)
		i++;
	return i;
}

/*
 * The EL2 stage-1 MMU off again, before the next table and before VHE
 * (which wants it off). A test helper, the library has no MMU-off call:
 * the image's RAM cleaned and invalidated to memory with the MMU and
 * caches still on, SCTLR_EL2.M and C cleared, the RAM invalidated once
 * more (lines speculation brought in meanwhile), then the EL2 TLB and the
 * instruction cache. No memory access in between: one assembly block.
 */
static void el2_mmu_off(void)
{
	uint64_t line = 4ull << ((am_read_sysreg(ctr_el0) >> 16) & 0xfu);
	uint64_t start = (uintptr_t)__ram_start & ~(line - 1), stop = (uintptr_t)__ram_end;
	uint64_t a, s;

	__asm__ volatile("	mov	%[a], %[start]\n"
			 "1:	dc	civac, %[a]\n"
			 "	add	%[a], %[a], %[line]\n"
			 "	cmp	%[a], %[stop]\n"
			 "	b.lo	1b\n"
			 "	dsb	sy\n"
			 "	mrs	%[s], sctlr_el2\n"
			 "	bic	%[s], %[s], #1\n" /* M */
			 "	bic	%[s], %[s], #4\n" /* C */
			 "	msr	sctlr_el2, %[s]\n"
			 "	isb\n"
			 "	mov	%[a], %[start]\n"
			 "2:	dc	civac, %[a]\n"
			 "	add	%[a], %[a], %[line]\n"
			 "	cmp	%[a], %[stop]\n"
			 "	b.lo	2b\n"
			 "	dsb	sy\n"
			 "	tlbi	alle2\n"
			 "	dsb	ish\n"
			 "	ic	iallu\n"
			 "	dsb	ish\n"
			 "	isb\n"
			 : [a] "=&r"(a), [s] "=&r"(s)
			 : [start] "r"(start), [stop] "r"(stop), [line] "r"(line)
			 : "memory", "cc");
}

static bool desc_holds(const struct gran *g, uint64_t pte, uint64_t pa, uint64_t size);

/*
 * 4 KiB above 48 VA bits: the level -1 table (struct am_pt.top) whose first
 * 2^(ia_bits - 48) entries are table descriptors (LPA2 format) of the root's
 * level-0 tables in order, the rest invalid.
 */
static void check_top(const struct gran *g)
{
	const uint64_t root = am_pa_val(g_gpt.root_pa), pg = PAGE;
	const unsigned int n = 1u << (g->ia_bits - 48);
	unsigned int bad = 0;

	EXPECT(g_gpt.root_pages == n, "%u root pages, expected %u level-0 tables\n",
	       g_gpt.root_pages, n);
	for (unsigned int i = 0; i < 512; i++) {
		uint64_t e = g_gpt.top[i];
		bool ok = i < n ? (e & 3) == 3 && desc_holds(g, e, root + i * pg, PAGE) : e == 0;

		if (!ok && bad++ < 4)
			FAIL("level -1 entry %u: 0x%lx, expected %s 0x%lx\n", i, e,
			     i < n ? "a table descriptor of" : "nothing, not", root + i * pg);
	}
	con_printf("  walk from level -1: the table at PA 0x%lx, entries 0..%u linking the level-0 "
		   "tables at 0x%lx..0x%lx (entry %u: 0x%lx)\n",
		   am_pa_val(g_gpt.top_pa), n - 1, root, root + (n - 1) * pg, n - 1,
		   g_gpt.top[n - 1]);
}

static void ck_gran_boot(const struct gran *g)
{
	struct am_pt_config cfg = {
		.regime = AM_PT_S1_EL2, .granule = g->granule, .ia_bits = g->ia_bits};
	uint64_t text = (uintptr_t)__text_start, rodata = (uintptr_t)__rodata_start;
	uint64_t ram = (uintptr_t)__ram_start, end_ = (uintptr_t)__ram_end, tcr = 0, ttbr = 0, root;
	/* 4 KiB above 48 bits: the walk starts at level -1, TTBR0_EL2 names that table */
	const bool lm1 = g->granule == AM_PT_GRANULE_4K && g->ia_bits > 48;
	int rc;

	check_begin();
	EXPECT(!am_aarch64_el2_mmu_is_on(), "the EL2 MMU is already on\n");
	EXPECT(cpu_has_granule(g->granule, false),
	       "the CPU has no %s granule (ID_AA64MMFR0 0x%lx)\n", g->name,
	       am_read_sysreg(id_aa64mmfr0_el1));
	cfg.oa_bits = am_aarch64_pa_bits() < 48 ? am_aarch64_pa_bits() : 48;
	if (g->oa_bits)
		cfg.oa_bits = g->oa_bits;
	rc = am_aarch64_pt_ctx_init_g(&g_gctx, g_gpool, sizeof(g_gpool), g->granule);
	rc = rc ? rc : am_pt_init(&g_gpt, &cfg, &g_ops, &g_gctx);
	EXPECT(rc == 0, "table init: %s\n", errname(rc));
	g_gpt_live = rc == 0;
	/* the image (its boundaries 64 KiB aligned: link.ld), the UART, one granule of it */
	if (!rc && (map_in(&g_gpt, text, text, rodata - text, &AM_ATTR_RX_TEXT, 0) ||
		    map_in(&g_gpt, rodata, rodata, ram - rodata, &AM_ATTR_RO_DATA, 0) ||
		    map_in(&g_gpt, ram, ram, end_ - ram, &AM_ATTR_RW_DATA, 0) ||
		    map_in(&g_gpt, UART_BASE, UART_BASE, g->granule, &AM_ATTR_DEVICE, 0)))
		rc = AM_EINVAL;
	if (!rc) {
		tcr = am_pt_tcr(&g_gpt);
		ttbr = am_pt_ttbr(&g_gpt);
		root = am_pa_val(g_gpt.root_pa);
		con_printf("  EL2 table, %s granule, %u-bit VAs, %u-bit PAs: %u pages of %u bytes "
			   "in its pool, root at level %u; TCR_EL2 0x%lx (TG0 %lu, T0SZ %lu, PS "
			   "0b%lu%lu%lu, DS %lu), TTBR0_EL2 0x%lx\n",
			   g->name, g->ia_bits, cfg.oa_bits, g_gctx.pages, g_gctx.page,
			   g_gpt.root_level, tcr, (tcr >> 14) & 3, tcr & 0x3f, (tcr >> 18) & 1,
			   (tcr >> 17) & 1, (tcr >> 16) & 1, (tcr >> 32) & 1, ttbr);
		EXPECT(((tcr >> 14) & 3) == g->tg0 && (tcr & 0x3f) == 64 - g->ia_bits,
		       "TCR_EL2 0x%lx: TG0 %lu T0SZ %lu, expected TG0 %lu T0SZ %u\n", tcr,
		       (tcr >> 14) & 3, tcr & 0x3f, g->tg0, 64 - g->ia_bits);
		/* TCR_EL2.PS [18:16]: 0b101 48 bits, 0b110 52 bits (FEAT_LPA) */
		EXPECT(((tcr >> 16) & 7) == ps_of(cfg.oa_bits),
		       "TCR_EL2 0x%lx: PS %lu, expected %u for %u-bit outputs\n", tcr,
		       (tcr >> 16) & 7, ps_of(cfg.oa_bits), cfg.oa_bits);
		/* TCR_EL2.DS, bit 32: FEAT_LPA2's descriptor format (4 and 16 KiB) */
		EXPECT(((tcr >> 32) & 1) == (g->lpa == 2), "TCR_EL2 0x%lx: DS %lu, expected %d\n",
		       tcr, (tcr >> 32) & 1, g->lpa == 2);
		EXPECT(g_gpt.lpa == g->lpa, "the table's lpa %u, expected %u\n", g_gpt.lpa, g->lpa);
		EXPECT(g_gpt.root_level == g->root_level, "the root at level %u, expected %u\n",
		       g_gpt.root_level, g->root_level);
		EXPECT(root % g->granule == 0, "the root is not %s aligned\n", g->name);
		EXPECT(!g_gpt.top == !lm1, "struct am_pt.top %s, expected %s\n",
		       g_gpt.top ? "set" : "NULL", lm1 ? "a level -1 table" : "NULL");
		if (lm1 && g_gpt.top) {
			check_top(g);
			root = am_pa_val(g_gpt.top_pa); /* what TTBR0_EL2 names */
		}
		/* BADDR: [47:16] in place, [51:48] in TTBR bits [5:2] (64 KiB with LPA) */
		EXPECT((ttbr & 0x0000ffffffffffc0ul) == (root & 0x0000fffffffffffful) &&
			       ((ttbr >> 2) & 0xf) == ((root >> 48) & 0xf),
		       "TTBR0_EL2 0x%lx does not name the %s at 0x%lx\n", ttbr,
		       lm1 ? "level -1 table" : "root", root);
		rc = am_aarch64_el2_mmu_enable_pt(&g_gpt);
		g_gran_on = rc == 0;
		EXPECT(rc == 0 && am_aarch64_el2_mmu_is_on(), "EL2 MMU enable: %s\n", errname(rc));
		EXPECT(((am_read_sysreg(tcr_el2) >> 16) & 7) == ps_of(cfg.oa_bits),
		       "TCR_EL2 0x%lx as programmed: PS %lu\n", am_read_sysreg(tcr_el2),
		       (am_read_sysreg(tcr_el2) >> 16) & 7);
		EXPECT(((am_read_sysreg(tcr_el2) >> 32) & 1) == (g->lpa == 2) &&
			       (am_read_sysreg(tcr_el2) & 0x3f) == 64 - g->ia_bits,
		       "TCR_EL2 0x%lx as programmed: DS %lu, T0SZ %lu\n", am_read_sysreg(tcr_el2),
		       (am_read_sysreg(tcr_el2) >> 32) & 1, am_read_sysreg(tcr_el2) & 0x3f);
		EXPECT(am_read_sysreg(ttbr0_el2) == ttbr,
		       "TTBR0_EL2 0x%lx as programmed, not 0x%lx\n", am_read_sysreg(ttbr0_el2),
		       ttbr);
		if (lm1)
			con_printf("  as programmed: TCR_EL2 0x%lx (T0SZ %lu, DS %lu, TG0 %lu), "
				   "TTBR0_EL2 0x%lx: the walk starts at level -1\n",
				   am_read_sysreg(tcr_el2), am_read_sysreg(tcr_el2) & 0x3f,
				   (am_read_sysreg(tcr_el2) >> 32) & 1,
				   (am_read_sysreg(tcr_el2) >> 14) & 3, am_read_sysreg(ttbr0_el2));
	}
	g_gboot_tables = g_gpt_live ? am_pt_tables(&g_gpt) : 0;
	if (g_gran_on) {
		con_printf(
			"  MMU on at EL2 with it (SCTLR_EL2.M %d); the table, by am_pt_dump():\n",
			am_aarch64_el2_mmu_is_on());
		am_pt_dump(&g_gpt, am_va(0), AM_DUMP_TO_END, print_line, NULL);
		expect_at2(text, false, text, 0);
		expect_at2(ram, true, ram, 0);
		expect_at2(UART_BASE, true, UART_BASE, 0);
	}
	gend(g->what[0]);
}

static void ck_gran_map(const struct gran *g)
{
	const uint64_t gs = g->granule, off = G_PAGE_PA - RAM_BASE;

	check_begin();
	if (!map_in(&g_gpt, g->page_va, G_PAGE_PA, gs, &AM_ATTR_RW_DATA, 0) &&
	    !map_in(&g_gpt, g->blk_va, RAM_BASE, g->blk_size, &AM_ATTR_RW_DATA, AM_PT_F_BLOCK)) {
		struct am_pt_leaf l = {0};

		EXPECT(am_pt_query(&g_gpt, am_va(g->page_va + gs - 8), &l) == 0 && l.level == 3 &&
			       l.size == gs,
		       "the page: level %u size 0x%lx\n", l.level, l.size);
		EXPECT(am_pt_query(&g_gpt, am_va(g->blk_va + off), &l) == 0 &&
			       l.level == g->blk_level && l.size == g->blk_size &&
			       am_pa_val(l.pa) == RAM_BASE,
		       "the block: level %u size 0x%lx PA 0x%lx\n", l.level, l.size,
		       am_pa_val(l.pa));
		con_printf("  a %s page at 0x%lx -> 0x%lx, a 0x%lx-byte block (level %u) at 0x%lx "
			   "-> 0x%lx\n",
			   g->name, g->page_va, G_PAGE_PA, g->blk_size, l.level, g->blk_va,
			   RAM_BASE);
		expect_at2(g->page_va + gs - 8, false, G_PAGE_PA + gs - 8, 0);
		expect_at2(g->blk_va + off + 0x18, true, G_PAGE_PA + 0x18, 0);
		expect_at2(g->blk_va + g->blk_size - 8, false, RAM_BASE + g->blk_size - 8, 0);
		expect_at2(g->page_va + gs, false, ~0ull, AM_FSC_TRANSLATION + 3);
		/* one memory through both: the page's first and last words */
		expect_store(g->page_va + 0x10, 0x16a64a000010ull, 0);
		expect_store(g->blk_va + off + gs - 8, 0x16a64a00fff8ull, 0);
		EXPECT(expect_load(g->blk_va + off + 0x10, 0) == 0x16a64a000010ull,
		       "a store through the page did not reach the block's view\n");
		EXPECT(expect_load(g->page_va + gs - 8, 0) == 0x16a64a00fff8ull,
		       "a store through the block did not reach the page's last word\n");
		expect_store(g->blk_va + g->blk_size - 8, 0xb10c4e2d, 0);
		EXPECT(expect_load(g->blk_va + g->blk_size - 8, 0) == 0xb10c4e2d,
		       "the block's last word\n");
	}
	gend(g->what[1]);
}

static void ck_gran_tlb(const struct gran *g)
{
	const uint64_t gs = g->granule, b = g->blk_va + G_BRK_OFF;
	const unsigned int bl = g->blk_level;
	struct am_pt_leaf l = {0};
	unsigned long r0, tl0, ta0;
	size_t tables = am_pt_tables(&g_gpt);

	check_begin();
	/* the page made read-only: the TLB holds it writable first */
	expect_store(g->page_va, 0x1111, 0);
	EXPECT(am_pt_modify(&g_gpt, am_va(g->page_va), gs, &AM_ATTR_RO_DATA, 0) == 0,
	       "modify failed\n");
	expect_store(g->page_va, 0x2222, AM_FSC_PERM + 3);
	EXPECT(expect_load(g->page_va, 0) == 0x1111, "the refused store changed memory\n");
	expect_at2(g->page_va, true, ~0ull, AM_FSC_PERM + 3);
	/* one page out of the block: break-before-make into a level-3 table */
	expect_store(b - gs + 8, 0xb0, 0);
	expect_store(b + 8, 0xb1, 0);
	expect_store(b + gs + 8, 0xb2, 0);
	EXPECT(am_pt_unmap(&g_gpt, am_va(b), gs) == 0, "unmap of a page of the block failed\n");
	expect_load(b + 8, AM_FSC_TRANSLATION + 3);
	EXPECT(expect_load(b - gs + 8, 0) == 0xb0 && expect_load(b + gs + 8, 0) == 0xb2,
	       "the pages next to it lost their data\n");
	EXPECT(am_pt_query(&g_gpt, am_va(b + gs), &l) == 0 && l.level == 3 && l.size == gs,
	       "after the break: level %u size 0x%lx\n", l.level, l.size);
	con_printf("  the block broken down to level 3 (%lu table pages for it), the page at 0x%lx "
		   "gone\n",
		   (unsigned long)(am_pt_tables(&g_gpt) - tables), b);
	/* the page unmapped: its level-3 table, empty now, goes too */
	EXPECT(am_pt_unmap(&g_gpt, am_va(g->page_va), gs) == 0, "unmap of the page failed\n");
	expect_load(g->page_va, AM_FSC_TRANSLATION + 2);
	/*
	 * The whole block's range, its pages cached first: a range TLBI (TG the
	 * granule, BaseADDR in granules). QEMU drops its whole TLB for it (see
	 * the top): the loads show that it came, not the range it named.
	 */
	expect_store(g->blk_va + gs + 8, 0xc1, 0);
	expect_load(g->blk_va + g->blk_size - 8, 0);
	r0 = g_gctx.tlbi_ranges;
	tl0 = g_gctx.tlbis;
	ta0 = g_gctx.tlbi_alls;
	EXPECT(am_pt_unmap(&g_gpt, am_va(g->blk_va), g->blk_size) == 0, "unmap of the rest\n");
	expect_load(g->blk_va + gs + 8, AM_FSC_TRANSLATION + bl);
	expect_load(b + gs + 8, AM_FSC_TRANSLATION + bl);
	expect_load(g->blk_va + g->blk_size - 8, AM_FSC_TRANSLATION + bl);
	if (g->lpa == 2) {
		/* LPA2 (DS = 1): the range operand's BaseADDR counts 64 KiB */
		EXPECT(!g_gctx.tlbi_range || g_gctx.tlbi_ranges > r0,
		       "FEAT_TLBIRANGE, but no range TLBI for the block's pages (LPA2)\n");
		con_printf(
			"  FEAT_TLBIRANGE %s; with LPA2 (DS) a range's BaseADDR counts 64 KiB: "
			"%lu range TLBIs, %lu by VA, %lu of the whole EL2 regime for the unmap\n",
			g_gctx.tlbi_range ? "yes" : "no", g_gctx.tlbi_ranges - r0,
			g_gctx.tlbis - tl0, g_gctx.tlbi_alls - ta0);
	} else {
		EXPECT(!g_gctx.tlbi_range || g_gctx.tlbi_ranges > r0,
		       "FEAT_TLBIRANGE, but no range TLBI for the block's pages\n");
		con_printf("  FEAT_TLBIRANGE %s; range TLBIs (TG %s) for the unmap of the %lu "
			   "pages: %lu\n",
			   g_gctx.tlbi_range ? "yes" : "no", g->name,
			   (unsigned long)(g->blk_size / gs - 1), g_gctx.tlbi_ranges - r0);
	}
	gend(g->what[2]);
}

static void ck_gran_off(const struct gran *g)
{
	check_begin();
	if (g_gpt_live)
		EXPECT(am_pt_tables(&g_gpt) == g_gboot_tables,
		       "%lu table pages, %lu after the boot\n", (unsigned long)am_pt_tables(&g_gpt),
		       (unsigned long)g_gboot_tables);
	if (g_gran_on)
		el2_mmu_off();
	g_gran_on = false;
	EXPECT(!am_aarch64_el2_mmu_is_on(), "the EL2 MMU is still on\n");
	if (g_gpt_live) {
		expect_load((uintptr_t)__ram_start, 0); /* the same addresses, MMU off */
		am_pt_destroy(&g_gpt);
		g_gpt_live = false;
	}
	EXPECT(g_gctx.in_use == 0, "%u pool pages still out after am_pt_destroy()\n",
	       g_gctx.in_use);
	con_printf("  pool: %lu pages allocated, %lu freed; TLBIs %lu, ranges %lu, all %lu\n",
		   g_gctx.allocs, g_gctx.frees, g_gctx.tlbis, g_gctx.tlbi_ranges, g_gctx.tlbi_alls);
	gend(g->what[3]);
}

/* --------------------- 52-bit output addresses: FEAT_LPA (64 KiB), FEAT_LPA2 -- */

/*
 * A 52-bit table (g->lpa) is on: outputs above 2^48 are seen by AT S1E2R,
 * whose PAR_EL1 carries PA[51:12]. The hardware reads OA[51:48] from
 * descriptor bits [15:12] with FEAT_LPA (64 KiB), OA[51:50] from bits [9:8]
 * with FEAT_LPA2 (4 and 16 KiB, TCR_EL2.DS = 1). Nothing up there is RAM:
 * those addresses are mapped Device and never accessed.
 */

/* The descriptor bits above OA[47:x] in place: [15:12] (LPA), [9:8] (LPA2). */
static uint64_t desc_hi(const struct gran *g, uint64_t pte)
{
	return g->lpa == 1 ? (pte >> 12) & 0xf : (pte >> 8) & 3;
}

/* Does leaf @pte of @size hold output address @pa in @g's format? */
static bool desc_holds(const struct gran *g, uint64_t pte, uint64_t pa, uint64_t size)
{
	/* LPA: OA[47:16] in place, [51:48] in bits [15:12]; LPA2: OA[49:12], [51:50] in [9:8] */
	uint64_t inplace =
		(g->lpa == 1 ? 0x0000ffffffff0000ul : 0x0003fffffffff000ul) & ~(size - 1);

	return (pte & inplace) == (pa & inplace) &&
	       desc_hi(g, pte) == pa >> (g->lpa == 1 ? 48 : 50);
}

static void ck_lpa_page(const struct gran *g)
{
	const uint64_t gs = g->granule, edge_va = g->hi_va + gs;
	struct am_pt_leaf l = {0};

	check_begin();
	if (!map_in(&g_gpt, g->hi_va, g->hi_pa, gs, &AM_ATTR_DEVICE, 0) &&
	    !map_in(&g_gpt, edge_va, g->edge_pa - gs, 2 * gs, &AM_ATTR_DEVICE, 0)) {
		EXPECT(am_pt_query(&g_gpt, am_va(g->hi_va), &l) == 0 && l.level == 3 &&
			       am_pa_val(l.pa) == g->hi_pa,
		       "am_pt_query(): level %u PA 0x%lx\n", l.level, am_pa_val(l.pa));
		EXPECT(desc_holds(g, l.pte, g->hi_pa, gs),
		       "the descriptor 0x%lx does not hold PA 0x%lx in the LPA%s format\n", l.pte,
		       g->hi_pa, g->lpa == 2 ? "2" : "");
		con_printf("  a %s page at 0x%lx -> PA 0x%lx: descriptor 0x%lx (bits %s 0x%lx = "
			   "OA[51:%u])\n",
			   g->name, g->hi_va, g->hi_pa, l.pte, g->lpa == 1 ? "[15:12]" : "[9:8]",
			   desc_hi(g, l.pte), g->lpa == 1 ? 48 : 50);
		expect_at2(g->hi_va + g->hi_off, false, g->hi_pa + g->hi_off, 0);
		expect_at2(g->hi_va + gs - 8, true, g->hi_pa + gs - 8, 0);
		/* two pages either side of 2^48 (LPA) / 2^50 (LPA2) */
		expect_at2(edge_va + gs - 8, false, g->edge_pa - 8, 0);
		expect_at2(edge_va + gs + 0x10, false, g->edge_pa + 0x10, 0);
		expect_at2(edge_va + 2 * gs, false, ~0ull, AM_FSC_TRANSLATION + 3);
	}
	gend(g->what[4]);
}

static void ck_lpa_block(const struct gran *g)
{
	struct am_pt_leaf l = {0};
	size_t t0 = am_pt_tables(&g_gpt);
	const uint64_t va = g->hblk_va, pa = g->hblk_pa, size = g->hblk_size;

	check_begin();
	if (!map_in(&g_gpt, va, pa, size, &AM_ATTR_DEVICE, AM_PT_F_BLOCK)) {
		EXPECT(am_pt_query(&g_gpt, am_va(va + g->hblk_off), &l) == 0 &&
			       l.level == g->hblk_level && l.size == size && am_pa_val(l.pa) == pa,
		       "am_pt_query(): level %u size 0x%lx PA 0x%lx\n", l.level, l.size,
		       am_pa_val(l.pa));
		EXPECT(desc_holds(g, l.pte, pa, size) && (l.pte & 3) == 1,
		       "the descriptor 0x%lx: not a block with OA 0x%lx\n", l.pte, pa);
		EXPECT(am_pt_tables(&g_gpt) == t0, "the block took %lu table pages\n",
		       (unsigned long)(am_pt_tables(&g_gpt) - t0));
		con_printf(
			"  a 0x%lx-byte block (level %u) at 0x%lx -> PA 0x%lx: descriptor 0x%lx\n",
			size, l.level, va, pa, l.pte);
		expect_at2(va + g->hblk_off, false, pa + g->hblk_off, 0);
		expect_at2(va, true, pa, 0);
		expect_at2(va + size - 8, false, pa + size - 8, 0);
		expect_at2(va + size, false, ~0ull, AM_FSC_TRANSLATION + g->hblk_level);
	}
	gend(g->what[5]);
}

static void ck_lpa_unmap(const struct gran *g)
{
	const uint64_t gs = g->granule, edge_va = g->hi_va + gs;
	unsigned long t0 = g_gctx.tlbis + g_gctx.tlbi_ranges + g_gctx.tlbi_alls;

	check_begin();
	EXPECT(am_pt_unmap(&g_gpt, am_va(g->hi_va), gs) == 0, "unmap of the page\n");
	expect_at2(g->hi_va + g->hi_off, false, ~0ull, AM_FSC_TRANSLATION + 3);
	expect_at2(edge_va + gs, false, g->edge_pa, 0); /* its neighbours stay */
	EXPECT(am_pt_unmap(&g_gpt, am_va(edge_va), 2 * gs) == 0, "unmap of the pair\n");
	expect_at2(edge_va, false, ~0ull, AM_FSC_TRANSLATION + 2); /* their table gone */
	EXPECT(am_pt_unmap(&g_gpt, am_va(g->hblk_va), g->hblk_size) == 0, "unmap of the block\n");
	expect_at2(g->hblk_va + g->hblk_off, false, ~0ull, AM_FSC_TRANSLATION + g->hblk_level);
	EXPECT(am_pt_tables(&g_gpt) == g_gboot_tables, "%lu table pages, %lu after the boot\n",
	       (unsigned long)am_pt_tables(&g_gpt), (unsigned long)g_gboot_tables);
	con_printf("  TLB invalidations for the three unmaps: %lu\n",
		   g_gctx.tlbis + g_gctx.tlbi_ranges + g_gctx.tlbi_alls - t0);
	EXPECT(g_gctx.tlbis + g_gctx.tlbi_ranges + g_gctx.tlbi_alls > t0, "no TLBI issued\n");
	gend(g->what[6]);
}

/* The CPU has no 52-bit PAs: QEMU 10's -cpu max has them, so this is a failure. */
static void ck_lpa_absent(void)
{
	check_begin();
	FAIL("ID_AA64MMFR0_EL1.PARange %u (%u-bit PAs), not 0b0110: no FEAT_LPA, which QEMU's "
	     "-cpu max has; the 52-bit checks did not run\n",
	     cpu_parange(), am_aarch64_pa_bits());
	gend("52-bit output addresses (FEAT_LPA) with the 64 KiB granule: the CPU must report "
	     "PARange 0b0110");
}

/*
 * FEAT_LPA2 as ID_AA64MMFR0_EL1 says it: PARange 0b0110, TGran4 0b0001,
 * TGran16 0b0010. Anything else fails, and the LPA2 tables are not made.
 */
static bool ck_lpa2_id(void)
{
	unsigned int pa = cpu_parange(), t4 = cpu_tgran4(), t16 = cpu_tgran16();
	bool ok = pa == 6 && t4 == 1 && t16 == 2;

	check_begin();
	con_printf("  ID_AA64MMFR0_EL1 0x%lx: PARange %u, TGran4 %u, TGran16 %u (TGran4_2 %lu, "
		   "TGran16_2 %lu)\n",
		   am_read_sysreg(id_aa64mmfr0_el1), pa, t4, t16,
		   (am_read_sysreg(id_aa64mmfr0_el1) >> 40) & 0xf,
		   (am_read_sysreg(id_aa64mmfr0_el1) >> 32) & 0xf);
	EXPECT(ok,
	       "no FEAT_LPA2 for both granules: PARange %u (0b0110 wanted), TGran4 %u (1 wanted), "
	       "TGran16 %u (2 wanted); the LPA2 checks do not run\n",
	       pa, t4, t16);
	gend("FEAT_LPA2 reported: ID_AA64MMFR0_EL1.PARange 0b0110 (52-bit PAs), TGran4 0b0001 "
	     "and TGran16 0b0010 (52-bit input and output addresses with the 4 and 16 KiB "
	     "granules)");
	return ok;
}

/*
 * LPA2's leaves have no shareability field: a map of normal memory asked
 * outer shareable, or of device memory asked inner, is refused before
 * anything is allocated or written (the page would need a level-3 table).
 */
static void ck_lpa2_sh(const struct gran *g)
{
	static const struct am_attr outer = {AM_PERM_R | AM_PERM_W, AM_MT_NORMAL_WB, AM_SH_OUTER};
	static const struct am_attr dev_inner = {AM_PERM_R | AM_PERM_W, AM_MT_DEVICE_nGnRE,
						 AM_SH_INNER};
	size_t t0 = am_pt_tables(&g_gpt);
	unsigned int in_use = g_gctx.in_use;
	int rc;

	check_begin();
	rc = am_pt_map(&g_gpt, am_va(g->page_va), am_pa(G_PAGE_PA), g->granule, &outer, 0);
	EXPECT(rc == AM_ENOTSUP, "normal memory, outer shareable: %s, expected AM_ENOTSUP\n",
	       errname(rc));
	rc = am_pt_map(&g_gpt, am_va(g->page_va), am_pa(UART_BASE), g->granule, &dev_inner, 0);
	EXPECT(rc == AM_ENOTSUP, "device memory, inner shareable: %s, expected AM_ENOTSUP\n",
	       errname(rc));
	EXPECT(am_pt_tables(&g_gpt) == t0 && g_gctx.in_use == in_use,
	       "table pages %lu -> %lu, pool pages out %u -> %u\n", (unsigned long)t0,
	       (unsigned long)am_pt_tables(&g_gpt), in_use, g_gctx.in_use);
	expect_at2(g->page_va, false, ~0ull, AM_FSC_TRANSLATION + 2);
	gend("LPA2 leaves take their shareability from TCR_EL2.SH0: a map of normal memory asked "
	     "outer shareable (and of device memory asked inner) is refused with AM_ENOTSUP, "
	     "nothing changed (am_pt_tables() the same, the VA still faults)");
}

/*
 * AT S1E2R of @va with TCR_EL2.T0SZ @t0sz for that one instruction, the
 * table's own T0SZ back after it, the EL2 TLB dropped. The image's VAs (below
 * 2^47, the root's entry 0) are walked the same with T0SZ 12 and 16, so
 * nothing it runs on changes in between.
 */
static uint64_t at_s1e2r_t0sz(uint64_t va, unsigned int t0sz)
{
	uint64_t old = am_read_sysreg(tcr_el2), tcr = (old & ~0x3ful) | t0sz, par;

	__asm__ volatile("msr	tcr_el2, %[tcr]\n"
			 "	isb\n"
			 "	at	s1e2r, %[va]\n"
			 "	isb\n"
			 "	mrs	%[par], par_el1\n"
			 "	msr	tcr_el2, %[old]\n"
			 "	isb\n"
			 "	tlbi	alle2\n"
			 "	dsb	ish\n"
			 "	isb\n"
			 : [par] "=&r"(par)
			 : [tcr] "r"(tcr), [va] "r"(va), [old] "r"(old)
			 : "memory");
	return par;
}

/*
 * A copy of a level -1 table with one entry invalid, which TTBR0_EL2 names
 * for a while (test code: the library's own table is not touched). Page
 * aligned in the image's RAM (PA == VA, below 2^48).
 */
static uint64_t g_lm1_copy[512] __attribute__((aligned(4096)));

/*
 * TTBR0_EL2 @ttbr from now on, the EL2 TLB dropped (what it held of the
 * table before is gone). Whatever the image runs on must translate the same
 * through both tables: only VAs above 2^48 differ here.
 */
static void el2_ttbr0_switch(uint64_t ttbr)
{
	__asm__ volatile("dsb	ishst\n"
			 "	msr	ttbr0_el2, %[t]\n"
			 "	isb\n"
			 "	tlbi	alle2\n"
			 "	dsb	ish\n"
			 "	isb\n"
			 :
			 : [t] "r"(ttbr)
			 : "memory");
}

/*
 * The walk starts at level -1 (4 KiB, T0SZ 12): with level -1 entry @idx
 * invalid in a copy of @g's table (@va under it), AT S1E2R and a load of
 * @va fault at level -1, FSC 0b101011 (Arm ARM, ESR_ELx.DFSC and PAR_EL1.FST:
 * "Translation fault, level -1", FEAT_LPA2); the image, under entry 0,
 * runs on meanwhile. The library's table back in TTBR0_EL2, @va translates
 * again (its word @want).
 */
static void lm1_fault(const struct gran *g, uint64_t va, unsigned int idx, uint64_t want)
{
	const uint64_t old = am_read_sysreg(ttbr0_el2), copy = (uintptr_t)g_lm1_copy;
	uint64_t par, esr;

	for (unsigned int i = 0; i < 512; i++)
		g_lm1_copy[i] = g_gpt.top[i];
	g_lm1_copy[idx] = 0;
	el2_ttbr0_switch(copy);
	par = am_aarch64_at_s1e2r(va);
	expect_load(va, AM_FSC_TRANSLATION_LM1);
	esr = am_aarch64_last_fault.esr;
	expect_load(g->page_va, 0); /* under level -1 entry 0: the same */
	el2_ttbr0_switch(old);
	EXPECT((par & AM_PAR_F) && am_par_fst(par) == AM_FSC_TRANSLATION_LM1,
	       "AT S1E2R 0x%lx through level -1 entry %u invalid: PAR 0x%lx, expected FST 0x%x\n",
	       va, idx, par, AM_FSC_TRANSLATION_LM1);
	con_printf("  TTBR0_EL2 0x%lx: a copy of the level -1 table, entry %u invalid: AT S1E2R "
		   "0x%lx -> PAR 0x%lx (FST 0x%x: %s level %d); a load -> ESR_EL2 0x%lx (DFSC "
		   "0x%lx: %s level %d)\n",
		   copy, idx, va, par, am_par_fst(par), am_aarch64_fsc_name(am_par_fst(par)),
		   fsc_level(am_par_fst(par)), esr, esr & 0x3f,
		   am_aarch64_fsc_name((unsigned int)esr & 0x3f),
		   fsc_level((unsigned int)esr & 0x3f));
	EXPECT(am_read_sysreg(ttbr0_el2) == old, "TTBR0_EL2 0x%lx, not back to 0x%lx\n",
	       am_read_sysreg(ttbr0_el2), old);
	EXPECT(expect_load(va, 0) == want, "0x%lx through the library's table again\n", va);
}

/*
 * 52-bit VAs (LPA2, T0SZ 12): a RAM page at VA 0xf800000000000, translated
 * by AT and by real loads and stores (another mapping of the page at
 * page_va sees them). 16 KiB: the root's last entry (31); 4 KiB: level -1
 * entry 15, entry 256 of the last level-0 table. The VA beyond 2^52 faults
 * at level 0 (an input address out of range faults there whatever the
 * start level); 16 KiB: so does this one with T0SZ 16 (48-bit VAs), for one
 * AT (4 KiB cannot: with T0SZ 16 its walk would take the level -1 table for
 * a level-0 one, and the image's own VAs with it); 4 KiB: with level -1
 * entry 15 invalid (lm1_fault()) the page faults at level -1. Then
 * unmapped, the next load faults.
 */
static void ck_lpa2_va52(const struct gran *g)
{
	const uint64_t gs = g->granule, off = gs > PAGE ? 0x1238 : 0x238;
	const bool lm1 = g_gpt.top != NULL;
	struct am_pt_leaf l = {0};
	uint64_t par, esr;

	check_begin();
	if (!map_in(&g_gpt, VA52_PAGE, G_PAGE_PA, gs, &AM_ATTR_RW_DATA, 0) &&
	    !map_in(&g_gpt, g->page_va, G_PAGE_PA, gs, &AM_ATTR_RW_DATA, 0)) {
		EXPECT(am_pt_query(&g_gpt, am_va(VA52_PAGE + 8), &l) == 0 && l.level == 3 &&
			       am_pa_val(l.pa) == G_PAGE_PA,
		       "am_pt_query(0x%lx): level %u PA 0x%lx\n", VA52_PAGE, l.level,
		       am_pa_val(l.pa));
		con_printf(
			"  TCR_EL2 0x%lx (T0SZ %lu, DS %lu); a %s page at VA 0x%lx -> PA 0x%lx\n",
			am_read_sysreg(tcr_el2), am_read_sysreg(tcr_el2) & 0x3f,
			(am_read_sysreg(tcr_el2) >> 32) & 1, g->name, VA52_PAGE, G_PAGE_PA);
		if (lm1)
			con_printf(
				"  level -1 entry %lu (0x%lx) -> level-0 table %lu at 0x%lx, its "
				"entry %lu\n",
				VA52_PAGE >> 48, g_gpt.top[VA52_PAGE >> 48], VA52_PAGE >> 48,
				am_pa_val(g_gpt.root_pa) + (VA52_PAGE >> 48) * gs,
				(VA52_PAGE >> 39) & 511);
		else
			con_printf("  the root's entry %lu\n", VA52_PAGE >> 47);
		expect_at2(VA52_PAGE + off, false, G_PAGE_PA + off, 0);
		expect_at2(VA52_PAGE + gs - 8, true, G_PAGE_PA + gs - 8, 0);
		expect_at2(VA52_PAGE + gs, false, ~0ull, AM_FSC_TRANSLATION + 3);
		/* beyond the 52 bits: out of TTBR0_EL2's range, a level-0 fault */
		expect_at2(1ul << 52, false, ~0ull, AM_FSC_TRANSLATION + 0);
		expect_load(1ul << 52, AM_FSC_TRANSLATION + 0);
		esr = am_aarch64_last_fault.esr;
		con_printf("  a load of 0x%lx -> ESR_EL2 0x%lx (DFSC 0x%lx: %s level %d)\n",
			   1ul << 52, esr, esr & 0x3f,
			   am_aarch64_fsc_name((unsigned int)esr & 0x3f),
			   fsc_level((unsigned int)esr & 0x3f));
		if (!lm1) {
			/* the same VA with 48-bit VAs (T0SZ 16): out of range too */
			par = at_s1e2r_t0sz(VA52_PAGE, 16);
			EXPECT((par & AM_PAR_F) && am_par_fst(par) == AM_FSC_TRANSLATION + 0,
			       "with T0SZ 16, AT S1E2R 0x%lx: PAR 0x%lx, expected a level-0 "
			       "fault\n",
			       VA52_PAGE, par);
			con_printf("  the same VA with TCR_EL2.T0SZ 16 for one AT: %s level %d\n",
				   par & AM_PAR_F ? am_aarch64_fsc_name(am_par_fst(par))
						  : "translates",
				   fsc_level(am_par_fst(par)));
		}
		/* real accesses through the 52-bit VA, seen through the low one and back */
		expect_store(VA52_PAGE + 0x20, 0x52b17a5520ul, 0);
		EXPECT(expect_load(g->page_va + 0x20, 0) == 0x52b17a5520ul,
		       "a store through VA 0x%lx did not reach the page\n", VA52_PAGE + 0x20);
		expect_store(g->page_va + gs - 16, 0x52b17a55f0ul, 0);
		EXPECT(expect_load(VA52_PAGE + gs - 16, 0) == 0x52b17a55f0ul,
		       "a load through VA 0x%lx did not see the page\n", VA52_PAGE + gs - 16);
		if (lm1)
			lm1_fault(g, VA52_PAGE + 0x20, (unsigned int)(VA52_PAGE >> 48),
				  0x52b17a5520ul);
		/* unmapped (its three tables go): the next load through it faults */
		EXPECT(am_pt_unmap(&g_gpt, am_va(VA52_PAGE), gs) == 0, "unmap of the page\n");
		expect_load(VA52_PAGE + 0x20, AM_FSC_TRANSLATION + 0);
		expect_at2(VA52_PAGE + 0x20, false, ~0ull, AM_FSC_TRANSLATION + 0);
		EXPECT(am_pt_unmap(&g_gpt, am_va(g->page_va), gs) == 0, "unmap of the alias\n");
	}
	EXPECT(am_pt_tables(&g_gpt) == g_gboot_tables, "%lu table pages, %lu after the boot\n",
	       (unsigned long)am_pt_tables(&g_gpt), (unsigned long)g_gboot_tables);
	gend(g->what[7]);
}

/* One 52-bit table's checks, from its boot to its pool back. */
static void lpa_table(const struct gran *g)
{
	ck_gran_boot(g);
	if (g_gran_on) {
		ck_gran_map(g);
		ck_gran_tlb(g);
		ck_lpa_page(g);
		ck_lpa_block(g);
		ck_lpa_unmap(g);
		if (g->lpa == 2 && g->granule == AM_PT_GRANULE_4K && g->ia_bits <= 48)
			ck_lpa2_sh(g); /* the leaves' format: the same with 52-bit VAs */
		if (g->ia_bits > 48)
			ck_lpa2_va52(g);
	}
	ck_gran_off(g);
}

/* ------------------------------------------- EL1 guest on a 64 KiB stage 2 -- */

/* Run s2_guest reading @ipa under the stage 2; HCR_EL2 is restored after. */
static int run_guest(uint64_t ipa, uint64_t *out)
{
	uint64_t hcr = am_read_sysreg(hcr_el2);
	struct am_aarch64_vm_entry e = {
		.hcr = AM_HCR_VM | AM_HCR_SWIO | AM_HCR_DC | AM_HCR_RW,
		.vtcr = am_pt_tcr(&g_s2pt),
		.vttbr = am_pt_ttbr(&g_s2pt),
		.sctlr_el1 = 0,
		.vbar_el1 = (uintptr_t)s2_guest_vectors - g_s2_move,
		.sp_el1 = g_s2_sp,
		.pc = (uintptr_t)s2_guest - g_s2_move,
		.spsr = AM_SPSR_M_EL1H | AM_SPSR_DAIF,
		.x = {ipa},
	};
	int rc;

	g_s2f.esr_el1 = 0;
	rc = am_aarch64_vm_run(&e, out);
	am_write_sysreg(hcr_el2, hcr);
	am_isb();
	EXPECT(rc == 0, "am_aarch64_vm_run: %s\n", errname(rc));
	EXPECT(*out != GUEST_EXC, "the guest took an exception of its own: ESR_EL1 0x%lx\n",
	       g_s2f.esr_el1);
	return rc;
}

static void ck_s2_boot(void)
{
	struct am_pt_config cfg = {.regime = AM_PT_S2,
				   .granule = AM_PT_GRANULE_64K,
				   .ia_bits = S2_IA_BITS,
				   .vmid = S2_VMID};
	uint64_t text = (uintptr_t)__text_start, rodata = (uintptr_t)__rodata_start, vtcr;
	int rc;

	check_begin();
	EXPECT(cpu_has_granule(AM_PT_GRANULE_64K, true),
	       "the CPU has no 64 KiB granule at stage 2 (ID_AA64MMFR0 0x%lx)\n",
	       am_read_sysreg(id_aa64mmfr0_el1));
	cfg.oa_bits = am_aarch64_pa_bits() < 48 ? am_aarch64_pa_bits() : 48;
	rc = am_aarch64_pt_ctx_init_g(&g_s2ctx, g_s2pool, sizeof(g_s2pool), AM_PT_GRANULE_64K);
	rc = rc ? rc : am_pt_init(&g_s2pt, &cfg, &g_ops, &g_s2ctx);
	EXPECT(rc == 0, "stage-2 init: %s\n", errname(rc));
	g_s2_live = rc == 0;
	if (rc) {
		gend("the 64 KiB stage 2");
		return;
	}
	vtcr = am_pt_tcr(&g_s2pt);
	con_printf("  stage 2, 64 KiB granule, %u-bit IPAs: root %u concatenated level-%u tables "
		   "at PA 0x%lx; VTCR_EL2 0x%lx (TG0 %lu, SL0 %lu, T0SZ %lu), VTTBR_EL2 0x%lx\n",
		   S2_IA_BITS, g_s2pt.root_pages, g_s2pt.root_level, am_pa_val(g_s2pt.root_pa),
		   vtcr, (vtcr >> 14) & 3, (vtcr >> 6) & 3, vtcr & 0x3f, am_pt_ttbr(&g_s2pt));
	EXPECT(g_s2pt.root_pages == 4 && g_s2pt.root_level == 2,
	       "root: %u pages at level %u, expected 4 at level 2\n", g_s2pt.root_pages,
	       g_s2pt.root_level);
	EXPECT(am_pa_val(g_s2pt.root_pa) % (4 * SZ_64K) == 0,
	       "the root at 0x%lx is not aligned to its 256 KiB\n", am_pa_val(g_s2pt.root_pa));
	EXPECT(((vtcr >> 14) & 3) == 1 && ((vtcr >> 6) & 3) == 1 && (vtcr & 0x3f) == 20,
	       "VTCR_EL2 0x%lx: expected TG0 0b01, SL0 1, T0SZ 20\n", vtcr);
	EXPECT(am_pt_ttbr(&g_s2pt) >> 48 == S2_VMID, "VTTBR_EL2 VMID\n");
	/* the guest: its code and stack at IPA == PA, and the page it reads up high */
	if (!map_in(&g_s2pt, text, text, rodata - text, &AM_ATTR_RX_TEXT, 0) &&
	    !map_in(&g_s2pt, S2_STACK_PA, S2_STACK_PA, SZ_64K, &AM_ATTR_RW_DATA, 0) &&
	    !map_in(&g_s2pt, S2_DATA_IPA, S2_DATA_PA, SZ_64K, &AM_ATTR_RO_DATA, 0) &&
	    !map_in(&g_gpt, S2_DATA_PA, S2_DATA_PA, SZ_64K, &AM_ATTR_RW_DATA, 0)) {
		/* EL2 plants the word through its own (64 KiB) mapping of the page */
		expect_store(S2_DATA_PA + 8, S2_MAGIC, 0);
		con_printf("  EL2 wrote 0x%lx at PA 0x%lx; the stage 2, by am_pt_dump():\n",
			   S2_MAGIC, S2_DATA_PA + 8);
		am_pt_dump(&g_s2pt, am_va(0), AM_DUMP_TO_END, print_line, NULL);
	}
	gend("stage 2 with the 64 KiB granule and 44-bit IPAs: a root of 4 concatenated level-2 "
	     "tables (VTCR_EL2 TG0 0b01, SL0 1, T0SZ 20), aligned to its 256 KiB");
}

static void ck_s2_read(void)
{
	uint64_t v = 0;

	check_begin();
	g_s2f.aborts = 0;
	if (g_s2_live && !run_guest(S2_DATA_IPA + 8, &v)) {
		con_printf("  EL1 guest (stage 1 off) read IPA 0x%lx and left by HVC with 0x%lx\n",
			   S2_DATA_IPA + 8, v);
		EXPECT(v == S2_MAGIC && g_s2f.aborts == 0,
		       "the guest read 0x%lx (%u stage-2 aborts), expected 0x%lx\n", v,
		       g_s2f.aborts, S2_MAGIC);
	}
	EXPECT(g_s2_live, "no stage 2\n");
	gend("an EL1 guest on the 64 KiB stage 2: its load of IPA 0xc0040800008 (in the root's "
	     "fourth table) returns the word EL2 wrote at PA 0x40800008, through its mapped stack");
}

/* One run that must end in a stage-2 translation fault at @ipa, level @level. */
static void expect_s2_fault(uint64_t ipa, unsigned int level)
{
	uint64_t v = 0, fipa;
	unsigned int iss;

	g_s2f.aborts = 0;
	if (run_guest(ipa, &v))
		return;
	EXPECT(v == GUEST_ABORTED && g_s2f.aborts == 1, "the run returned 0x%lx (%u aborts)\n", v,
	       g_s2f.aborts);
	if (v != GUEST_ABORTED)
		return;
	fipa = am_aarch64_s2_fault_ipa(g_s2f.hpfar, g_s2f.far);
	iss = (unsigned int)(g_s2f.esr & AM_ESR_ISS_MASK);
	con_printf("  guest load of IPA 0x%lx -> EL2: %s (EC 0x%x), %s fault level %u; HPFAR_EL2 "
		   "0x%lx, FAR_EL2 0x%lx: IPA 0x%lx\n",
		   ipa, am_aarch64_exc_name(g_s2f.esr), am_esr_ec(g_s2f.esr),
		   am_aarch64_fsc_name(am_esr_fsc(g_s2f.esr)), AM_FSC_LEVEL(am_esr_fsc(g_s2f.esr)),
		   g_s2f.hpfar, g_s2f.far, fipa);
	EXPECT(am_esr_ec(g_s2f.esr) == AM_EC_DABT_LOW, "EC 0x%x\n", am_esr_ec(g_s2f.esr));
	EXPECT(am_esr_fsc(g_s2f.esr) == AM_FSC_TRANSLATION + level,
	       "DFSC 0x%x, expected a translation fault at level %u\n", am_esr_fsc(g_s2f.esr),
	       level);
	EXPECT(fipa == ipa && g_s2f.far == ipa,
	       "HPFAR_EL2 / FAR_EL2 give 0x%lx / 0x%lx, not 0x%lx\n", fipa, g_s2f.far, ipa);
	EXPECT(!(iss & AM_ISS_WNR) && !(iss & AM_ISS_S1PTW), "ISS 0x%x: a write, or on a walk\n",
	       iss);
	EXPECT(g_s2f.elr == (uintptr_t)s2_guest - g_s2_move,
	       "the abort at 0x%lx, not at the guest's load\n", g_s2f.elr);
}

static void ck_s2_fault(void)
{
	check_begin();
	EXPECT(g_s2_live, "no stage 2\n");
	if (g_s2_live) {
		expect_s2_fault(S2_HOLE_IPA, 3);
		expect_s2_fault(S2_HOLE2_IPA, 2);
	}
	gend("the guest's load of an IPA the stage 2 does not map aborts to EL2: EC 0x24, "
	     "translation fault at level 3 (the page next to the data), at level 2 (the root's "
	     "third table), HPFAR_EL2 and FAR_EL2 name the IPA");
}

static void ck_s2_end(const char *what)
{
	check_begin();
	if (g_s2_live) {
		EXPECT(am_pt_unmap(&g_gpt, am_va(S2_DATA_PA), SZ_64K) == 0, "EL2's unmap\n");
		/* the VMID's entries go before its table */
		__asm__ volatile("tlbi vmalls12e1is\n\tdsb ish\n\tisb" : : : "memory");
		am_pt_destroy(&g_s2pt);
		g_s2_live = false;
	}
	EXPECT(g_s2ctx.in_use == 0, "%u stage-2 pool pages still out\n", g_s2ctx.in_use);
	con_printf("  stage-2 pool: %lu pages allocated, %lu freed; IPA TLBIs %lu\n",
		   g_s2ctx.allocs, g_s2ctx.frees, g_s2ctx.tlbis);
	gend(what);
}

/* ------------------- EL1 guest on a 4 KiB stage 2 with FEAT_LPA2, 52-bit IPAs -- */

/*
 * The same guest on a 4 KiB stage 2 of 52-bit IPAs (ia_bits and oa_bits
 * 52, FEAT_LPA2): armmap starts it at level 0 with 16 concatenated tables
 * (64 KiB aligned) rather than at level -1, VTCR_EL2 DS 1, SL2 0, SL0
 * 0b10, T0SZ 12, PS 0b110. Run with the 64 KiB EL2 table on, from the pool
 * of the 64 KiB stage 2 (back whole), re-cut in 4 KiB pages.
 */
static void ck_s2l_boot(void)
{
	struct am_pt_config cfg = {.regime = AM_PT_S2,
				   .granule = AM_PT_GRANULE_4K,
				   .ia_bits = 52,
				   .oa_bits = 52,
				   .vmid = S2L_VMID};
	uint64_t text = (uintptr_t)__text_start, rodata = (uintptr_t)__rodata_start, vtcr;
	int rc;

	check_begin();
	EXPECT(cpu_parange() == 6 && cpu_tgran4() == 1 && cpu_has_granule(AM_PT_GRANULE_4K, true),
	       "no FEAT_LPA2 with the 4 KiB granule at stage 2 (ID_AA64MMFR0 0x%lx)\n",
	       am_read_sysreg(id_aa64mmfr0_el1));
	rc = am_aarch64_pt_ctx_init_g(&g_s2ctx, g_s2pool, sizeof(g_s2pool), AM_PT_GRANULE_4K);
	rc = rc ? rc : am_pt_init(&g_s2pt, &cfg, &g_ops, &g_s2ctx);
	EXPECT(rc == 0, "stage-2 init: %s\n", errname(rc));
	g_s2_live = rc == 0;
	if (rc) {
		gend("the 4 KiB stage 2 with 52-bit IPAs");
		return;
	}
	vtcr = am_pt_tcr(&g_s2pt);
	con_printf("  stage 2, 4 KiB granule, FEAT_LPA2, 52-bit IPAs: root %u concatenated "
		   "level-%u tables at PA 0x%lx; VTCR_EL2 0x%lx (TG0 %lu, DS %lu, SL2 %lu, SL0 %lu, "
		   "T0SZ %lu, PS %lu), VTTBR_EL2 0x%lx\n",
		   g_s2pt.root_pages, g_s2pt.root_level, am_pa_val(g_s2pt.root_pa), vtcr,
		   (vtcr >> 14) & 3, (vtcr >> 32) & 1, (vtcr >> 33) & 1, (vtcr >> 6) & 3,
		   vtcr & 0x3f, (vtcr >> 16) & 7, am_pt_ttbr(&g_s2pt));
	EXPECT(g_s2pt.root_pages == 16 && g_s2pt.root_level == 0 && !g_s2pt.top,
	       "root: %u pages at level %u (a level -1 table: %d), expected 16 at level 0\n",
	       g_s2pt.root_pages, g_s2pt.root_level, g_s2pt.top != NULL);
	EXPECT(am_pa_val(g_s2pt.root_pa) % (16 * PAGE) == 0,
	       "the root at 0x%lx is not aligned to its 64 KiB\n", am_pa_val(g_s2pt.root_pa));
	EXPECT(((vtcr >> 14) & 3) == 0 && ((vtcr >> 32) & 1) == 1 && ((vtcr >> 33) & 1) == 0 &&
		       ((vtcr >> 6) & 3) == 2 && (vtcr & 0x3f) == 12 && ((vtcr >> 16) & 7) == 6,
	       "VTCR_EL2 0x%lx: expected TG0 0b00, DS 1, SL2 0, SL0 0b10, T0SZ 12, PS 0b110\n",
	       vtcr);
	EXPECT(am_pt_ttbr(&g_s2pt) >> 48 == S2L_VMID, "VTTBR_EL2 VMID\n");
	if (!map_in(&g_s2pt, text, text, rodata - text, &AM_ATTR_RX_TEXT, 0) &&
	    !map_in(&g_s2pt, S2_STACK_PA, S2_STACK_PA, SZ_64K, &AM_ATTR_RW_DATA, 0) &&
	    !map_in(&g_s2pt, S2L_DATA_IPA, S2_DATA_PA, PAGE, &AM_ATTR_RO_DATA, 0) &&
	    !map_in(&g_gpt, S2_DATA_PA, S2_DATA_PA, SZ_64K, &AM_ATTR_RW_DATA, 0)) {
		expect_store(S2_DATA_PA + 16, S2L_MAGIC, 0);
		con_printf("  EL2 wrote 0x%lx at PA 0x%lx; the stage 2 maps IPA 0x%lx to PA 0x%lx\n",
			   S2L_MAGIC, S2_DATA_PA + 16, S2L_DATA_IPA, S2_DATA_PA);
	}
	gend("stage 2 with the 4 KiB granule, FEAT_LPA2 and 52-bit IPAs: a root of 16 "
	     "concatenated level-0 tables, 64 KiB aligned (VTCR_EL2 TG0 0b00, DS 1, SL2 0, SL0 "
	     "0b10, T0SZ 12, PS 0b110)");
}

static void ck_s2l_read(void)
{
	uint64_t v = 0;

	check_begin();
	g_s2f.aborts = 0;
	if (g_s2_live && !run_guest(S2L_DATA_IPA + 16, &v)) {
		con_printf("  EL1 guest (stage 1 off) read IPA 0x%lx and left by HVC with 0x%lx\n",
			   S2L_DATA_IPA + 16, v);
		EXPECT(v == S2L_MAGIC && g_s2f.aborts == 0,
		       "the guest read 0x%lx (%u stage-2 aborts), expected 0x%lx\n", v,
		       g_s2f.aborts, S2L_MAGIC);
	}
	EXPECT(g_s2_live, "no stage 2\n");
	gend("an EL1 guest on the 4 KiB LPA2 stage 2: its load of IPA 0xf800040800010 (above "
	     "2^51, in the root's 16th table) returns the word EL2 wrote at PA 0x40800010");
}

static void ck_s2l_fault(void)
{
	check_begin();
	EXPECT(g_s2_live, "no stage 2\n");
	if (g_s2_live) {
		expect_s2_fault(S2L_HOLE_IPA, 3);
		expect_s2_fault(S2L_HOLE0_IPA, 0);
	}
	gend("the guest's loads of IPAs above 2^51 the 4 KiB LPA2 stage 2 does not map abort to "
	     "EL2: translation fault at level 3 (the page next to the data), at level 0 (the "
	     "root's 9th table), HPFAR_EL2 and FAR_EL2 name the 52-bit IPA");
}

/* ---------------------- EL1 guest on a 64 KiB stage 2 whose root is at level 3 -- */

/*
 * The guest on a 64 KiB stage 2 of 29-bit IPAs: one level resolves them
 * all, so the root is at level 3 (a table of 8192 pages; VTCR_EL2 TG0
 * 0b01, SL0 0b00, T0SZ 35). Its IPAs end at 512 MiB, below the image: its
 * code and stack are mapped down there (g_s2_move, g_s2_sp). From the pool
 * of the stage 2 before it, back whole, in 64 KiB pages again.
 */
static void ck_s2t_boot(void)
{
	struct am_pt_config cfg = {.regime = AM_PT_S2,
				   .granule = AM_PT_GRANULE_64K,
				   .ia_bits = S2T_IA_BITS,
				   .vmid = S2T_VMID};
	uint64_t code = (uintptr_t)s2_guest & ~(SZ_64K - 1), vtcr;
	int rc;

	check_begin();
	cfg.oa_bits = am_aarch64_pa_bits() < 48 ? am_aarch64_pa_bits() : 48;
	rc = am_aarch64_pt_ctx_init_g(&g_s2ctx, g_s2pool, sizeof(g_s2pool), AM_PT_GRANULE_64K);
	rc = rc ? rc : am_pt_init(&g_s2pt, &cfg, &g_ops, &g_s2ctx);
	EXPECT(rc == 0, "stage-2 init: %s\n", errname(rc));
	g_s2_live = rc == 0;
	if (rc) {
		gend("the 64 KiB stage 2 with its root at level 3");
		return;
	}
	vtcr = am_pt_tcr(&g_s2pt);
	con_printf("  stage 2, 64 KiB granule, %u-bit IPAs: root at level %u (%u page) at PA "
		   "0x%lx; VTCR_EL2 0x%lx (TG0 %lu, SL0 %lu, T0SZ %lu), VTTBR_EL2 0x%lx\n",
		   S2T_IA_BITS, g_s2pt.root_level, g_s2pt.root_pages, am_pa_val(g_s2pt.root_pa),
		   vtcr, (vtcr >> 14) & 3, (vtcr >> 6) & 3, vtcr & 0x3f, am_pt_ttbr(&g_s2pt));
	EXPECT(g_s2pt.root_level == 3 && g_s2pt.root_pages == 1 && am_pt_tables(&g_s2pt) == 1,
	       "root: %u pages at level %u, expected 1 at level 3\n", g_s2pt.root_pages,
	       g_s2pt.root_level);
	EXPECT(((vtcr >> 14) & 3) == 1 && ((vtcr >> 6) & 3) == 0 && (vtcr & 0x3f) == 35,
	       "VTCR_EL2 0x%lx: expected TG0 0b01, SL0 0b00, T0SZ 35\n", vtcr);
	EXPECT(am_pt_ttbr(&g_s2pt) >> 48 == S2T_VMID, "VTTBR_EL2 VMID\n");
	g_s2_move = code - S2T_CODE_IPA;
	g_s2_sp = S2T_STACK_IPA + SZ_64K;
	if (!map_in(&g_s2pt, S2T_CODE_IPA, code, 2 * SZ_64K, &AM_ATTR_RX_TEXT, 0) &&
	    !map_in(&g_s2pt, S2T_STACK_IPA, S2_STACK_PA, SZ_64K, &AM_ATTR_RW_DATA, 0) &&
	    !map_in(&g_s2pt, S2T_DATA_IPA, S2_DATA_PA, SZ_64K, &AM_ATTR_RO_DATA, 0) &&
	    !map_in(&g_gpt, S2_DATA_PA, S2_DATA_PA, SZ_64K, &AM_ATTR_RW_DATA, 0)) {
		expect_store(S2_DATA_PA + 24, S2T_MAGIC, 0);
		con_printf("  the guest's code at IPA 0x%lx (PA 0x%lx), its stack at IPA 0x%lx; EL2 "
			   "wrote 0x%lx at PA 0x%lx; the stage 2, by am_pt_dump():\n",
			   (uintptr_t)s2_guest - g_s2_move, (uintptr_t)s2_guest, S2T_STACK_IPA,
			   S2T_MAGIC, S2_DATA_PA + 24);
		am_pt_dump(&g_s2pt, am_va(0), AM_DUMP_TO_END, print_line, NULL);
		EXPECT(am_pt_tables(&g_s2pt) == 1, "%lu tables: the root at level 3 is the only one\n",
		       (unsigned long)am_pt_tables(&g_s2pt));
	}
	gend("stage 2 with the 64 KiB granule and 29-bit IPAs: its root at level 3, the only "
	     "table (VTCR_EL2 TG0 0b01, SL0 0b00, T0SZ 35); the guest's code and stack mapped "
	     "below 512 MiB");
}

static void ck_s2t_read(void)
{
	uint64_t v = 0;

	check_begin();
	g_s2f.aborts = 0;
	if (g_s2_live && !run_guest(S2T_DATA_IPA + 24, &v)) {
		con_printf("  EL1 guest (stage 1 off) read IPA 0x%lx and left by HVC with 0x%lx\n",
			   S2T_DATA_IPA + 24, v);
		EXPECT(v == S2T_MAGIC && g_s2f.aborts == 0,
		       "the guest read 0x%lx (%u stage-2 aborts), expected 0x%lx\n", v,
		       g_s2f.aborts, S2T_MAGIC);
	}
	EXPECT(g_s2_live, "no stage 2\n");
	gend("an EL1 guest on the stage 2 whose root is at level 3: it runs from IPA "
	     "0x1000xxxx, and its load of IPA 0x1ff00018 returns the word EL2 wrote at PA "
	     "0x40800018");
}

static void ck_s2t_fault(void)
{
	check_begin();
	EXPECT(g_s2_live, "no stage 2\n");
	if (g_s2_live)
		expect_s2_fault(S2T_HOLE_IPA, 3);
	gend("the guest's load of an IPA the level-3 root does not map aborts to EL2: "
	     "translation fault at level 3, HPFAR_EL2 and FAR_EL2 name the IPA");
}

/* The 16 KiB and 64 KiB granules at non-VHE EL2, the 52-bit tables (64, 4, 16 KiB). */
static void granule_checks(void)
{
	ck_gran_boot(&g_g16);
	if (g_gran_on) {
		ck_gran_map(&g_g16);
		ck_gran_tlb(&g_g16);
	}
	ck_gran_off(&g_g16);
	ck_gran_boot(&g_g64);
	if (g_gran_on) {
		ck_gran_map(&g_g64);
		ck_gran_tlb(&g_g64);
		ck_s2_boot();
		ck_s2_read();
		ck_s2_fault();
		ck_s2_end("the stage 2 destroyed (VMID 7 invalidated first): its root's 4 pages and "
			  "its tables back in the pool");
		ck_s2l_boot();
		ck_s2l_read();
		ck_s2l_fault();
		ck_s2_end("the 4 KiB LPA2 stage 2 destroyed (VMID 9 invalidated first): its root's "
			  "16 pages and its tables back in the pool");
		ck_s2t_boot();
		ck_s2t_read();
		ck_s2t_fault();
		ck_s2_end("the stage 2 with its root at level 3 destroyed (VMID 11 invalidated "
			  "first): its one page back in the pool");
		g_s2_move = 0;
		g_s2_sp = S2_STACK_PA + SZ_64K;
	}
	ck_gran_off(&g_g64);
	con_printf("\nID_AA64MMFR0_EL1.PARange at EL2: %u (%u-bit PAs)%s\n", cpu_parange(),
		   am_aarch64_pa_bits(),
		   cpu_parange() == 6 ? ": FEAT_LPA, a 64 KiB table with 52-bit output addresses"
				      : "");
	if (cpu_parange() != 6)
		ck_lpa_absent();
	else
		lpa_table(&g_g64lpa);
	con_printf("\nFEAT_LPA2 (TCR_EL2.DS): 52-bit output addresses with the 4 and 16 KiB "
		   "granules, and 52-bit\nVAs with both (4 KiB: the walk starts at level -1).\n");
	if (ck_lpa2_id()) {
		lpa_table(&g_g4lpa2);
		lpa_table(&g_g4lpa2_52);
		lpa_table(&g_g16lpa2);
	}
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
	end("Non-secure EL2 with VHE on (HCR_EL2.E2H, TGE): armmap builds the EL2&0 table "
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
	if (!am_aarch64_exc_init(el2_sync, fatal_exc))
		fatal("no vectors at EL2");
	con_printf("\nNon-secure EL2 now (from EL3 by ERET), VHE off (HCR_EL2.E2H 0): stage 1 EL2 "
		   "with the 16 KiB and\n64 KiB granules, an EL1 guest on a 64 KiB stage 2, then "
		   "52-bit output addresses (FEAT_LPA,\nFEAT_LPA2) and VAs.\n");
	granule_checks();
	con_printf("\nNow VHE (HCR_EL2.E2H and TGE): stage 1 EL2&0.\n");
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
		   "Secure; -cpu max); then\nat Non-secure EL2 the 16 and 64 KiB granules (stage 1 "
		   "EL2, a guest on a 64 KiB stage 2,\nthen on a 4 KiB FEAT_LPA2 stage 2 of 52-bit IPAs, "
		   "then on a 64 KiB one\nwhose root is at level 3) "
		   "and 52-bit output addresses\n(64 KiB FEAT_LPA; 4 and 16 KiB FEAT_LPA2, with "
		   "52-bit VAs too, 4 KiB from level -1),\n"
		   "then stage 1 EL2&0 with VHE.\n\n");
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
