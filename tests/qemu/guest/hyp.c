/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-guest: a small EL2 hypervisor that builds a guest's stage 2 with
 * armmap's P2M and runs a tiny EL1 guest under it, on an emulated
 * Cortex-A57 (QEMU virt, virtualization=on, started at EL2). Also
 * `make demo`.
 *
 * The hypervisor turns its own EL2 stage-1 MMU on with an identity map
 * built by armmap (so that its writes and the stage-2 walks are both
 * write-back cacheable), builds a frame table over the image's RAM with
 * its shared-info page and grant frames as xenheap frames, and a P2M
 * (VMID 1, 40-bit IPAs) mapping the guest's 2 MiB of RAM, one read-only
 * page and the shared-info page. It enters the guest at EL1 with its
 * stage 1 off and HCR_EL2.DC set (the guest's accesses are Normal
 * write-back, as the hypervisor's are). The guest (guest.c) drives the
 * checks: it reads and writes, asks for grant frames with hypercalls
 * (abi.h), and probes addresses that must abort. Here, the hypercalls
 * call the P2M, the stage-2 aborts are recorded from ESR_EL2, HPFAR_EL2 and
 * FAR_EL2, and each check's result line is printed (the check protocol of
 * tests/qemu/hyp_common/guest_check.h), after this side's own view: the
 * frames' type_info, the P2M's lookups, and the backend's record of every
 * TLBI and barrier the P2M issued.
 *
 * QEMU's loads and stores go through its TLB, which only TLBIs (or a
 * change of VTTBR_EL2 / HCR_EL2) flush: a removal the guest had touched
 * would still be readable without the P2M's TLBI. The control check shows
 * exactly that, with the TLBIs withheld.
 */
#include <armmap/errors.h>
#include <armmap/p2m.h>
#include <armmap/pt.h>

#include "tests/qemu/aarch64/exc.h"
#include <armmap/arch/aarch64/pt_ops.h>
#include <armmap/arch/aarch64/sysreg.h>
#include "tests/qemu/aarch64/vm.h"
#include "tests/qemu/common/check.h"
#include "tests/qemu/hyp_common/guest_check.h"
#include "tests/qemu/hyp_common/hyp.h"
#include "tests/qemu/guest/abi.h"
#include "tests/qemu/mmu/image.h"
#include "tests/qemu/common/inval_count.h"

#define PAGE 0x1000ul
#define SZ_2M 0x200000ul
#define RAM_BASE 0x40000000ul
#define FT_FRAMES 1024u /* [0x4000_0000, 0x4040_0000): the hypervisor and the guest */
#define S2_POOL_PAGES 32u
#define VMID 1u
#define POISON 0x00000000deadb003ul /* what a freed table page is filled with */

const char check_suite[] = "qemu-guest";

/* link.ld (the image's own parts: hyp.h) */
extern char __guest_bss_start[], __guest_bss_end[];
extern char __guest_stack_top[];

/* The guest (guest.c, guest_entry.S): what the hypervisor needs to know of it. */
extern char guest_entry[], guest_vectors[];
extern char guest_ld_insn[], guest_st_insn[], guest_exec_ret[];
extern volatile uint64_t guest_seed, guest_answer;
extern uint64_t guest_scratch[2048];

/* ---------------------------------------------------------------------- */
/* The hypervisor's state                                                  */
/* ---------------------------------------------------------------------- */

/* The xenheap frames a guest can map by index, and a page it gets read-only. */
enum { XP_SHINFO, XP_GNT0, XP_GNT1, XP_STATUS0, XP_COUNT };
static uint8_t xen_page[XP_COUNT][PAGE] __attribute__((aligned(4096)));
static uint8_t ro_page[PAGE] __attribute__((aligned(4096)));
static const char *const xp_name[XP_COUNT] = {"shared info", "grant frame 0", "grant frame 1",
					      "status frame 0"};

static struct am_page_info g_pages[FT_FRAMES];
static struct am_frame_table g_ft;
static am_mfn_t g_gnt_shared[2], g_gnt_status[1];

static struct am_p2m g_p2m;
static struct am_aarch64_pt_ctx g_s2ctx;
static uint8_t g_s2pool[S2_POOL_PAGES * PAGE] __attribute__((aligned(4096)));
static struct am_pt_ops g_s2ops;
static struct am_p2m_ops g_p2m_ops;

static uint64_t *xp_word(unsigned int i, unsigned int w)
{
	return (uint64_t *)(void *)&xen_page[i][8u * w];
}

static struct am_page_info *xp_frame(unsigned int i)
{
	return am_frame_of(&g_ft, hyp_mfn(xen_page[i]));
}

static uint64_t xp_gfn(unsigned int i)
{
	return am_gfn_val(hyp_xenheap_gfn(&g_ft, xen_page[i]));
}

/* ---------------------------------------------------------------------- */
/* The stage-2 backend, watched: the aarch64 ops with a record around them */
/* ---------------------------------------------------------------------- */

static struct {
	unsigned long tlbi_leaf, tlbi_table, tlbi_range, tlbi_all, withheld, publishes, completes;
	unsigned long allocs, frees, violations;
	unsigned int call_tlbis, call_completes;
	bool published; /* a PUBLISH since the last COMPLETE */
	bool withhold;	/* test hook: drop the TLBIs */
	/* a removal of a xenheap frame: its GFN must outlive the TLBI */
	struct am_page_info *watch;
	uint64_t watch_gfn;
	bool watch_tlbi, watch_completed, watch_early;
} g_hw;

static void violation(const char *what)
{
	g_hw.violations++;
	FAIL("backend saw: %s\n", what);
}

static void *s2_alloc(void *ctx, am_paddr_t *pa)
{
	void *p = am_aarch64_alloc_table(ctx, pa);

	if (p)
		g_hw.allocs++;
	return p;
}

static void s2_free(void *ctx, void *table, am_paddr_t pa)
{
	uint64_t *p = table;
	unsigned int i;

	if (g_hw.published)
		violation("a table page given back after a PUBLISH with no COMPLETE yet");
	g_hw.frees++;
	if ((uint8_t *)table >= g_s2pool && (uint8_t *)table < g_s2pool + sizeof(g_s2pool))
		for (i = 0; i < PAGE / 8; i++)
			p[i] = POISON; /* a walk that still used it would go astray */
	am_aarch64_free_table(ctx, table, pa);
}

/* The concatenated root's pages (a 40-bit IPA on 40-bit PAs): counted, poisoned likewise. */
static void *s2_alloc_tables(void *ctx, unsigned int n, am_paddr_t *pa)
{
	void *p = am_aarch64_alloc_tables(ctx, n, pa);

	if (p)
		g_hw.allocs += n;
	return p;
}

static void s2_free_tables(void *ctx, void *tables, am_paddr_t pa, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		s2_free(ctx, (uint8_t *)tables + (size_t)i * PAGE, am_pa(am_pa_val(pa) + i * PAGE));
}

/* Does invalidation @v (or a whole-regime flush) cover the watched GFN? */
static bool covers_watch(const struct am_pt_flush *f, const struct am_pt_inval *v)
{
	uint64_t first = v ? am_va_val(v->addr) >> 12 : 0;

	if (!v)
		return f->kind == AM_PT_FLUSH_ALL;
	return g_hw.watch_gfn >= first && g_hw.watch_gfn < first + (v->pages ? v->pages : 1u);
}

/*
 * One flush of the P2M's table, watched: its regime and VMID, what it
 * invalidates (or, withheld, only its barriers), and for a watched
 * xenheap frame that its GFN outlives the invalidation.
 */
static void s2_flush(void *ctx, const struct am_pt_flush *f)
{
	struct am_pt_flush bar = *f;
	bool watched = false;

	if (f->regime != AM_PT_S2 || f->vmid != VMID)
		violation("a flush of another regime or VMID");
	if (f->kind != AM_PT_FLUSH_COMPLETE) {
		g_hw.publishes++;
		g_hw.published = true;
	}
	if (f->kind == AM_PT_FLUSH_PUBLISH) {
		am_aarch64_pt_flush(ctx, f);
		return;
	}
	if (f->kind == AM_PT_FLUSH_ALL || f->kind == AM_PT_FLUSH_LIST) {
		unsigned int n = f->kind == AM_PT_FLUSH_ALL ? 1u : f->n;

		if (g_hw.withhold) {
			/* the barriers only: PUBLISH, then COMPLETE below */
			g_hw.withheld += n;
			bar.kind = AM_PT_FLUSH_PUBLISH;
			am_aarch64_pt_flush(ctx, &bar);
			bar.kind = AM_PT_FLUSH_COMPLETE;
		} else {
			g_hw.call_tlbis += n;
			if (f->kind == AM_PT_FLUSH_ALL)
				g_hw.tlbi_all++;
			watched = covers_watch(f, NULL);
			for (unsigned int i = 0; f->kind == AM_PT_FLUSH_LIST && i < f->n; i++) {
				const struct am_pt_inval *v = &f->inv[i];

				(*inval_counter(v, &g_hw.tlbi_leaf, &g_hw.tlbi_table,
						&g_hw.tlbi_range))++;
				watched |= covers_watch(f, v);
			}
		}
	}
	if (g_hw.watch && watched && !g_hw.watch_completed) {
		uint64_t g = GFN_NONE;

		/* invalidated and completed now: the frame must still name its GFN */
		(void)hyp_frame_get_gfn(g_hw.watch, &g);
		g_hw.watch_tlbi = true;
		g_hw.watch_completed = true;
		if (g != g_hw.watch_gfn)
			g_hw.watch_early = true;
	}
	g_hw.completes++;
	g_hw.call_completes++;
	g_hw.published = false;
	am_aarch64_pt_flush(ctx, &bar);
}

#define LOG_KEEP 4u
static struct {
	unsigned int count, internal;
	struct am_log_rec rec[LOG_KEEP];
} g_log;

static void p2m_log(void *ctx, const struct am_log_rec *rec)
{
	(void)ctx;
	if (rec->event == AM_EV_INTERNAL)
		g_log.internal++;
	g_log.rec[g_log.count % LOG_KEEP] = *rec;
	g_log.count++;
}

static void show_log(unsigned int before)
{
	unsigned int i;

	if (g_log.count - before > LOG_KEEP)
		before = g_log.count - LOG_KEEP;
	for (i = before; i < g_log.count; i++) {
		const struct am_log_rec *r = &g_log.rec[i % LOG_KEEP];

		con_printf("      log: \"%s\" (0x%lx, 0x%lx, 0x%lx)\n", r->msg ? r->msg : "",
			   r->arg[0], r->arg[1], r->arg[2]);
	}
}

/* Around one P2M call: what it did through the backend. */
static struct {
	unsigned int in_use0, log0;
	size_t tables0;
} g_call;

static void call_begin(void)
{
	g_call.in_use0 = g_s2ctx.in_use;
	g_call.log0 = g_log.count;
	g_call.tables0 = am_pt_tables(&g_p2m.pt);
	g_hw.call_tlbis = g_hw.call_completes = 0;
}

/*
 * A refused call issued no TLBI and holds no more table pages; every call
 * left no TLBI or PUBLISH without its COMPLETE; the engine's count of
 * table pages is the pool's.
 */
static void call_end(const char *fn, int rc)
{
	if (rc < 0) {
		EXPECT(g_hw.call_tlbis == 0, "%s refused but issued %u TLBIs\n", fn,
		       g_hw.call_tlbis);
		EXPECT(g_s2ctx.in_use == g_call.in_use0,
		       "%s refused but table pages in use went %u -> %u\n", fn, g_call.in_use0,
		       g_s2ctx.in_use);
	}
	if (g_hw.published)
		violation("a PUBLISH left without a COMPLETE after the call");
	EXPECT(am_pt_tables(&g_p2m.pt) == g_s2ctx.in_use,
	       "%s: the table counts %lu pages, the pool has %u out\n", fn,
	       (unsigned long)am_pt_tables(&g_p2m.pt), g_s2ctx.in_use);
}

static void show_call(int rc)
{
	if (g_hw.call_tlbis || g_hw.call_completes)
		con_printf(" [%u TLBI, %u COMPLETE]", g_hw.call_tlbis, g_hw.call_completes);
	if (rc == 0 && am_pt_tables(&g_p2m.pt) != g_call.tables0)
		con_printf(" (table pages %lu -> %lu)", (unsigned long)g_call.tables0,
			   (unsigned long)am_pt_tables(&g_p2m.pt));
	con_printf("\n");
	if (rc < 0)
		show_log(g_call.log0);
}

/* ---------------------------------------------------------------------- */
/* Names                                                                   */
/* ---------------------------------------------------------------------- */

static const char *type_name(unsigned int t)
{
	static const char *const n[AM_P2M_TYPE_COUNT] = {
		"none",	   "RAM_RW",   "RAM_RO",   "MMIO_DEV",
		"MMIO_NC", "GRANT_RW", "GRANT_RO", "FOREIGN",
	};

	return t < AM_P2M_TYPE_COUNT ? n[t] : "?";
}

static void show_index(uint64_t space, uint64_t idx)
{
	if (space == AM_SPACE_SHARED_INFO)
		con_printf("shared info, %lu", idx);
	else if (space == AM_SPACE_GRANT_TABLE && (idx & AM_GNTTAB_STATUS))
		con_printf("grant table, status %lu", idx & ~(uint64_t)AM_GNTTAB_STATUS);
	else if (space == AM_SPACE_GRANT_TABLE)
		con_printf("grant table, %lu", idx);
	else
		con_printf("space %lu, %lu", space, idx);
}

static void show_gfn(uint64_t g)
{
	if (g == GFN_NONE)
		con_printf("none");
	else
		con_printf("GFN 0x%lx", g);
}

static const char *size_name(uint64_t size)
{
	return size == SZ_2M ? "2 MiB block" : size == PAGE ? "4 KiB page" : "1 GiB block";
}

/* The stage-2 leaf at @gfn, for display (through the table the P2M owns). */
static void show_s2(const char *what, uint64_t gfn)
{
	struct am_pt_leaf l;
	uint64_t mfn = 0;
	enum am_p2m_type t = AM_P2M_NONE;
	int rc = hyp_p2m_lookup(&g_p2m, am_gfn(gfn), &mfn, &t);

	if (rc || am_pt_query(&g_p2m.pt, am_va(gfn << 12), &l)) {
		con_printf("    %-14s GFN 0x%lx: %s\n", what, gfn, errname(rc));
		return;
	}
	con_printf("    %-14s IPA 0x%lx -> PA 0x%lx  %s, level %u %s, %s\n", what, gfn << 12,
		   mfn << 12, type_name(t), l.level, size_name(l.size), perm_name(l.attr.perm));
}

/* ---------------------------------------------------------------------- */
/* Boot: the frame table, the P2M                                         */
/* ---------------------------------------------------------------------- */

static void frames_init(void)
{
	unsigned int i;

	for (i = 0; i < FT_FRAMES; i++)
		am_frame_init(&g_pages[i], false);
	/* a refusal shows as am_p2m_init() refusing the table */
	(void)am_frame_table_init(&g_ft, g_pages, am_mfn(RAM_BASE >> 12), FT_FRAMES);
	for (i = 0; i < XP_COUNT; i++)
		am_frame_init(xp_frame(i), true);
	g_gnt_shared[0] = hyp_mfn(xen_page[XP_GNT0]);
	g_gnt_shared[1] = hyp_mfn(xen_page[XP_GNT1]);
	g_gnt_status[0] = hyp_mfn(xen_page[XP_STATUS0]);
	con_printf("  frame table: %u frames from MFN 0x%lx; xenheap: shared info MFN 0x%lx, "
		   "grant frames 0x%lx 0x%lx, status frame 0x%lx\n",
		   FT_FRAMES, g_ft.first, am_mfn_val(hyp_mfn(xen_page[XP_SHINFO])),
		   am_mfn_val(g_gnt_shared[0]), am_mfn_val(g_gnt_shared[1]),
		   am_mfn_val(g_gnt_status[0]));
}

static int p2m_build(void)
{
	struct am_p2m_config cfg = {
		.ipa_bits = GUEST_IPA_BITS,
		/* 40-bit PAs (VTCR_EL2.PS), whatever the CPU has: a 40-bit IPA
		 * then cannot start at level 0, and the P2M's root is two
		 * concatenated level-1 tables (VTCR_EL2.SL0 = 1) */
		.pa_bits = 40,
		.vmid = VMID,
		.frames = &g_ft,
		.dom = {.shared_info = hyp_mfn(xen_page[XP_SHINFO]),
			.gnttab_shared = g_gnt_shared,
			.nr_gnttab_shared = 2,
			.gnttab_status = g_gnt_status,
			.nr_gnttab_status = 1},
	};
	const uint64_t ram = GUEST_RAM_IPA >> 12;
	int rc;

	g_s2ops = am_aarch64_pt_ops;
	g_s2ops.alloc_table = s2_alloc;
	g_s2ops.free_table = s2_free;
	g_s2ops.alloc_tables = s2_alloc_tables;
	g_s2ops.free_tables = s2_free_tables;
	g_s2ops.flush = s2_flush;
	g_s2ops.env.log = p2m_log;   /* the engine's reasons too (no lock: the P2M has it) */
	g_p2m_ops.env.log = p2m_log; /* no lock: one CPU, and the P2M calls run at EL2 only */
	g_p2m_ops.pt = &g_s2ops;
	rc = am_aarch64_pt_ctx_init(&g_s2ctx, g_s2pool, sizeof(g_s2pool));
	rc = rc ? rc : am_p2m_init(&g_p2m, &cfg, &g_p2m_ops, &g_s2ctx);
	con_printf("  P2M: %u-bit IPAs, %u-bit PAs, VMID %u, table pages from a %u-page pool: %s\n",
		   GUEST_IPA_BITS, cfg.pa_bits, VMID, S2_POOL_PAGES, errname(rc));
	if (!rc)
		con_printf(
			"  its root: %u concatenated level-%u tables at PA 0x%lx; VTCR_EL2 0x%lx "
			"(SL0 %lu, T0SZ %lu)\n",
			g_p2m.pt.root_pages, g_p2m.pt.root_level, am_pa_val(g_p2m.pt.root_pa),
			am_pt_tcr(&g_p2m.pt), (am_pt_tcr(&g_p2m.pt) >> 6) & 3,
			am_pt_tcr(&g_p2m.pt) & 0x3f);
	if (rc)
		return rc;
	call_begin();
	rc = am_p2m_map(&g_p2m, am_gfn(ram), am_mfn(ram), GUEST_RAM_SIZE >> 12, AM_P2M_RAM_RW);
	call_end("am_p2m_map", rc);
	con_printf("  am_p2m_map(GFN 0x%lx, MFN 0x%lx, 512 frames, RAM_RW): %s", ram, ram,
		   errname(rc));
	show_call(rc);
	call_begin();
	rc = rc ? rc : am_p2m_map(&g_p2m, am_gfn(RO_GFN), hyp_mfn(ro_page), 1, AM_P2M_RAM_RO);
	call_end("am_p2m_map", rc);
	con_printf("  am_p2m_map(GFN 0x%lx, MFN 0x%lx, 1 frame, RAM_RO): %s", RO_GFN,
		   am_mfn_val(hyp_mfn(ro_page)), errname(rc));
	show_call(rc);
	call_begin();
	rc = rc ? rc : am_p2m_add_physmap(&g_p2m, AM_SPACE_SHARED_INFO, 0, am_gfn(SHINFO_GFN));
	call_end("am_p2m_add_physmap", rc);
	con_printf("  am_p2m_add_physmap(shared info, 0, GFN 0x%lx): %s", SHINFO_GFN, errname(rc));
	show_call(rc);
	return rc;
}

/* The guest's RAM as a loader leaves it, and what the hypervisor plants. */
static void plant(void)
{
	hyp_guest_load(__guest_bss_start, __guest_bss_end);
	guest_seed = SEED_RAM;
	*xp_word(XP_SHINFO, 0) = MAGIC_SHINFO;
	*xp_word(XP_GNT0, 0) = MAGIC_GNT0;
	*xp_word(XP_GNT1, 0) = MAGIC_GNT1;
	*xp_word(XP_STATUS0, 0) = MAGIC_STATUS;
	*(uint64_t *)(void *)ro_page = MAGIC_RO;
	am_dsb_ish();
}

/* The boot check, the EL2 MMU on: the frame table, the P2M, the guest's RAM; @e. */
static bool boot(struct am_aarch64_vm_entry *e)
{
	unsigned int i;
	int rc;

	frames_init();
	rc = p2m_build();
	EXPECT(rc == 0, "building the P2M: %s\n", errname(rc));
	if (rc == 0) {
		con_printf("  the guest's stage 2:\n");
		show_s2("guest RAM", GUEST_RAM_IPA >> 12);
		show_s2("read-only page", RO_GFN);
		show_s2("shared info", SHINFO_GFN);
		EXPECT(xp_gfn(XP_SHINFO) == SHINFO_GFN, "the shared-info frame records 0x%lx\n",
		       xp_gfn(XP_SHINFO));
		for (i = XP_GNT0; i < XP_COUNT; i++)
			EXPECT(xp_gfn(i) == GFN_NONE, "%s records GFN 0x%lx\n", xp_name[i],
			       xp_gfn(i));
		plant();
		*e = (struct am_aarch64_vm_entry){
			.hcr = AM_HCR_VM | AM_HCR_SWIO | AM_HCR_DC | AM_HCR_RW,
			.vtcr = am_pt_tcr(&g_p2m.pt),
			.vttbr = am_pt_ttbr(&g_p2m.pt),
			.sctlr_el1 = 0,
			.vbar_el1 = (uintptr_t)guest_vectors,
			.sp_el1 = (uintptr_t)__guest_stack_top,
			.pc = (uintptr_t)guest_entry,
			.spsr = AM_SPSR_M_EL1H | AM_SPSR_DAIF,
		};
		con_printf("  enter EL1h at IPA 0x%lx, SP_EL1 0x%lx: HCR_EL2 0x%lx (VM, SWIO, DC, "
			   "RW), VTCR_EL2 0x%lx, VTTBR_EL2 0x%lx\n",
			   e->pc, e->sp_el1, e->hcr, e->vtcr, e->vttbr);
		EXPECT(e->vttbr >> AM_VTTBR_VMID_SHIFT == VMID, "VTTBR_EL2 VMID\n");
	}
	return rc == 0;
}

/* ---------------------------------------------------------------------- */
/* What the guest does: its aborts                                         */
/* ---------------------------------------------------------------------- */

static struct {
	uint64_t count, esr, far, hpfar, ipa, elr;
} g_fault;

/* A stage-2 abort of a probe (guest_entry.S): recorded, and the guest resumes after it. */
static bool guest_abort(struct am_aarch64_frame *f)
{
	bool insn = am_esr_ec(f->esr) == AM_EC_IABT_LOW;
	uint64_t hpfar = am_read_sysreg(hpfar_el2);
	uint64_t ipa = am_aarch64_s2_fault_ipa(hpfar, f->far);
	unsigned int fsc = am_esr_fsc(f->esr), iss = (unsigned int)(f->esr & AM_ESR_ISS_MASK);
	bool load = f->elr == (uintptr_t)guest_ld_insn, store = f->elr == (uintptr_t)guest_st_insn;

	if (insn ? f->x[30] != (uintptr_t)guest_exec_ret : !(load || store))
		return false; /* not a probe: fatal */
	g_fault.count++;
	g_fault.esr = f->esr;
	g_fault.far = f->far;
	g_fault.hpfar = hpfar;
	g_fault.ipa = ipa;
	g_fault.elr = f->elr;
	con_printf("  EL2: stage-2 %s abort from EL1 (EC 0x%x): %s IPA 0x%lx, %s fault level "
		   "%u; HPFAR_EL2 0x%lx, FAR_EL2 0x%lx",
		   insn ? "instruction" : "data", am_esr_ec(f->esr),
		   insn			? "fetch at"
		   : (iss & AM_ISS_WNR) ? "write to"
					: "read of",
		   ipa, am_aarch64_fsc_name(fsc), AM_FSC_LEVEL(fsc), hpfar, f->far);
	if (!insn && (iss & AM_ISS_ISV))
		con_printf(", ISV: %u bytes, x%u",
			   1u << ((iss >> AM_ISS_SAS_SHIFT) & AM_ISS_SAS_MASK),
			   (iss >> AM_ISS_SRT_SHIFT) & AM_ISS_SRT_MASK);
	con_printf("\n");
	EXPECT(f->far >> 12 == ipa >> 12, "HPFAR_EL2 (IPA 0x%lx) and FAR_EL2 (VA 0x%lx) disagree\n",
	       ipa, f->far);
	EXPECT(!(iss & AM_ISS_S1PTW), "S1PTW set: stage 1 is off\n");
	if (!insn) {
		EXPECT(iss & AM_ISS_ISV, "no instruction syndrome (ISV clear)\n");
		EXPECT(((iss >> AM_ISS_SAS_SHIFT) & AM_ISS_SAS_MASK) == 3 &&
			       ((iss >> AM_ISS_SRT_SHIFT) & AM_ISS_SRT_MASK) == (load ? 0u : 2u),
		       "the syndrome names another access (ISS 0x%x)\n", iss);
		EXPECT(!!(iss & AM_ISS_WNR) == store, "WnR says %s\n",
		       (iss & AM_ISS_WNR) ? "write" : "read");
		f->elr += 4; /* past the access */
		if (load)
			f->x[0] = 0;
		f->x[1] = GUEST_FAULTED;
	} else {
		f->elr = f->x[30]; /* as if the call had returned */
		f->x[0] = GUEST_EXEC_FAULTED;
	}
	return true;
}

/* ---------------------------------------------------------------------- */
/* What the guest does: its hypercalls                                     */
/* ---------------------------------------------------------------------- */

/* What a check began with. */
static struct {
	uint64_t faults, tlbis, withheld, violations;
	size_t tables;
	bool watched; /* a removal of a xenheap frame was watched and found in order */
} g_ck0;

/* GH_ADD_PHYSMAP: am_p2m_add_physmap(). */
static void hc_add_physmap(struct am_aarch64_frame *f)
{
	uint64_t space = f->x[1], idx = f->x[2], gfn = f->x[3];
	int rc;

	call_begin();
	rc = am_p2m_add_physmap(&g_p2m, (enum am_p2m_space)space, (uint32_t)idx, am_gfn(gfn));
	call_end("am_p2m_add_physmap", rc);
	con_printf("  HVC add_physmap(");
	show_index(space, idx);
	con_printf(", GFN 0x%lx) -> %s", gfn, errname(rc));
	show_call(rc);
	f->x[0] = (uint64_t)(int64_t)rc;
}

/* The xenheap frame at @gfn, if one is mapped there. */
static int xp_at(uint64_t gfn)
{
	uint64_t mfn;
	enum am_p2m_type t;
	unsigned int i;

	if (hyp_p2m_lookup(&g_p2m, am_gfn(gfn), &mfn, &t))
		return -1;
	for (i = 0; i < XP_COUNT; i++)
		if (mfn == am_mfn_val(hyp_mfn(xen_page[i])))
			return (int)i;
	return -1;
}

/* GH_REMOVE: am_p2m_remove_physmap(); a xenheap frame's GFN watched through its TLBI. */
static void hc_remove(struct am_aarch64_frame *f)
{
	uint64_t gfn = f->x[1], expect = f->x[2];
	int xp = xp_at(gfn);
	int rc;

	if (xp >= 0) {
		g_hw.watch = xp_frame((unsigned int)xp);
		g_hw.watch_gfn = gfn;
		g_hw.watch_tlbi = g_hw.watch_completed = g_hw.watch_early = false;
	}
	call_begin();
	rc = am_p2m_remove_physmap(&g_p2m, am_gfn(gfn), am_mfn(expect));
	call_end("am_p2m_remove_physmap", rc);
	con_printf("  HVC remove(GFN 0x%lx, expect MFN ", gfn);
	if (expect == MFN_NONE)
		con_printf("any");
	else
		con_printf("0x%lx", expect);
	con_printf(") -> %s", errname(rc));
	show_call(rc);
	if (xp >= 0 && rc == 0) {
		bool seen = g_hw.watch_tlbi && g_hw.watch_completed;

		if (!g_hw.withhold) {
			EXPECT(seen, "no TLBI for GFN 0x%lx completed\n", gfn);
			EXPECT(!g_hw.watch_early,
			       "%s lost its GFN before the TLBI of GFN 0x%lx completed\n",
			       xp_name[xp], gfn);
			if (seen && !g_hw.watch_early) {
				g_ck0.watched = true;
				con_printf(
					"  EL2: %s named GFN 0x%lx until its TLBI completed; then "
					"the put path cleared it: ",
					xp_name[xp], gfn);
				show_gfn(xp_gfn((unsigned int)xp));
				con_printf("\n");
			}
		}
		EXPECT(xp_gfn((unsigned int)xp) == GFN_NONE,
		       "%s still records GFN 0x%lx after its removal\n", xp_name[xp],
		       xp_gfn((unsigned int)xp));
	}
	g_hw.watch = NULL;
	f->x[0] = (uint64_t)(int64_t)rc;
}

/* GH_GNTTAB_GFN: hyp_p2m_gnttab_gfn(). */
static void hc_gnttab_gfn(struct am_aarch64_frame *f)
{
	uint64_t gfn = 0;
	int rc = hyp_p2m_gnttab_gfn(&g_p2m, (uint32_t)f->x[1], &gfn);

	con_printf("  HVC gnttab_gfn(%s%lu) -> %s, ", (f->x[1] & AM_GNTTAB_STATUS) ? "status " : "",
		   f->x[1] & ~(uint64_t)AM_GNTTAB_STATUS, errname(rc));
	show_gfn(gfn);
	con_printf("\n");
	f->x[0] = (uint64_t)(int64_t)rc;
	f->x[1] = gfn;
}

/* GH_LOOKUP: hyp_p2m_lookup(). */
static void hc_lookup(struct am_aarch64_frame *f)
{
	uint64_t mfn = 0;
	enum am_p2m_type t = AM_P2M_NONE;
	int rc = hyp_p2m_lookup(&g_p2m, am_gfn(f->x[1]), &mfn, &t);

	con_printf("  HVC lookup(GFN 0x%lx) -> %s", f->x[1], errname(rc));
	if (rc == 0)
		con_printf(", MFN 0x%lx %s", mfn, type_name(t));
	con_printf("\n");
	f->x[0] = (uint64_t)(int64_t)rc;
	f->x[1] = mfn;
	f->x[2] = t;
}

/* GH_LAST_FAULT: the last stage-2 abort. */
static void hc_last_fault(struct am_aarch64_frame *f)
{
	f->x[0] = g_fault.count;
	f->x[1] = g_fault.ipa;
	f->x[2] = g_fault.esr;
	f->x[3] = g_fault.far;
}

/* GH_WITHHOLD_TLBI: the test hook. */
static void hc_withhold_tlbi(struct am_aarch64_frame *f)
{
	g_hw.withhold = f->x[1] != 0;
	con_printf("  EL2: the backend %s\n", g_hw.withhold
						      ? "now drops the P2M's TLBIs (test hook)"
						      : "issues the P2M's TLBIs again");
	f->x[0] = 0;
}

/* GH_FLUSH_VMID: every TLB entry of the guest's VMID. */
static void hc_flush_vmid(struct am_aarch64_frame *f)
{
	__asm__ volatile("tlbi vmalls12e1is\n\tdsb ish\n\tisb" : : : "memory");
	con_printf("  EL2: TLBI VMALLS12E1IS (every entry of VMID %u)\n", VMID);
	f->x[0] = 0;
}

static const struct hyp_call g_calls[] = {
	{GH_ADD_PHYSMAP, "add_physmap", hc_add_physmap},
	{GH_REMOVE, "remove", hc_remove},
	{GH_GNTTAB_GFN, "gnttab_gfn", hc_gnttab_gfn},
	{GH_LOOKUP, "lookup", hc_lookup},
	{GH_LAST_FAULT, "last_fault", hc_last_fault},
	{GH_WITHHOLD_TLBI, "withhold_tlbi", hc_withhold_tlbi},
	{GH_FLUSH_VMID, "flush_vmid", hc_flush_vmid},
};

static const struct hyp_trap g_traps[] = {
	{AM_EC_HVC64, hyp_guest_hvc},
	{AM_EC_DABT_LOW, guest_abort},
	{AM_EC_IABT_LOW, guest_abort},
};

/* ---------------------------------------------------------------------- */
/* The hypervisor's side of each check                                     */
/* ---------------------------------------------------------------------- */

static void expect_gfn(unsigned int xp, uint64_t want)
{
	uint64_t g = xp_gfn(xp);

	con_printf("  EL2: %s (MFN 0x%lx) type_info 0x%016lx: ", xp_name[xp],
		   am_mfn_val(hyp_mfn(xen_page[xp])), xp_frame(xp)->type_info);
	show_gfn(g);
	con_printf("\n");
	EXPECT(g == want, "%s records GFN 0x%lx, expected 0x%lx\n", xp_name[xp], g, want);
}

static void expect_lookup(uint64_t gfn, int want_rc, uint64_t want_mfn)
{
	uint64_t mfn = 0;
	enum am_p2m_type t = AM_P2M_NONE;
	int rc = hyp_p2m_lookup(&g_p2m, am_gfn(gfn), &mfn, &t);

	EXPECT(rc == want_rc, "hyp_p2m_lookup(GFN 0x%lx): %s, expected %s\n", gfn, errname(rc),
	       errname(want_rc));
	if (rc == 0 && want_rc == 0)
		EXPECT(mfn == want_mfn && t == AM_P2M_RAM_RW,
		       "GFN 0x%lx maps MFN 0x%lx %s, expected MFN 0x%lx RAM_RW\n", gfn, mfn,
		       type_name(t), want_mfn);
}

/* A check of the guest begins: what it starts from. */
static void begin(uint64_t id)
{
	(void)id;
	g_ck0.faults = g_fault.count;
	g_ck0.tlbis = g_hw.tlbi_leaf + g_hw.tlbi_table + g_hw.tlbi_range + g_hw.tlbi_all;
	g_ck0.withheld = g_hw.withheld;
	g_ck0.violations = g_hw.violations;
	g_ck0.tables = am_pt_tables(&g_p2m.pt);
	g_ck0.watched = false;
}

/* It ends: this side's view of it. */
static void verify(uint64_t id)
{
	uint64_t faults = g_fault.count - g_ck0.faults;
	uint64_t tlbis =
		g_hw.tlbi_leaf + g_hw.tlbi_table + g_hw.tlbi_range + g_hw.tlbi_all - g_ck0.tlbis;

	switch (id) {
	case CK_ENTRY:
		con_printf("  EL2: the guest's HVCs come with SPSR_EL2 0x%lx (EL1h); VTTBR_EL2 "
			   "0x%lx, HCR_EL2 0x%lx\n",
			   hyp_guest_spsr, am_read_sysreg(vttbr_el2), am_read_sysreg(hcr_el2));
		EXPECT((hyp_guest_spsr & AM_SPSR_M_MASK) == AM_SPSR_M_EL1H, "not from EL1h\n");
		EXPECT(am_read_sysreg(vttbr_el2) == am_pt_ttbr(&g_p2m.pt),
		       "VTTBR_EL2 is not the P2M's\n");
		break;
	case CK_RAM:
		con_printf("  EL2: the guest's answer word reads 0x%lx; scratch[100] 0x%lx\n",
			   guest_answer, guest_scratch[100]);
		EXPECT(guest_answer == ANSWER_RAM, "the guest's answer is not in its RAM\n");
		EXPECT(guest_scratch[100] == ((100ull << 32) | (uintptr_t)&guest_scratch[100]),
		       "the guest's scratch pattern is not in its RAM\n");
		break;
	case CK_SHINFO:
		con_printf("  EL2: shared info word 1 reads 0x%lx\n", *xp_word(XP_SHINFO, 1));
		EXPECT(*xp_word(XP_SHINFO, 1) == ANSWER_SHINFO,
		       "the guest's write is not in the shared-info page\n");
		expect_gfn(XP_SHINFO, SHINFO_GFN);
		break;
	case CK_UNMAPPED:
		EXPECT(faults == 4, "%lu stage-2 aborts, expected 4\n", faults);
		break;
	case CK_IABT:
		EXPECT(faults == 1, "%lu stage-2 aborts, expected 1\n", faults);
		break;
	case CK_RO:
		con_printf("  EL2: the read-only page's word 1 reads 0x%lx\n",
			   ((uint64_t *)(void *)ro_page)[1]);
		EXPECT(((uint64_t *)(void *)ro_page)[1] == 0, "the refused write went through\n");
		EXPECT(faults == 1, "%lu stage-2 aborts, expected 1\n", faults);
		break;
	case CK_GNT_ADD:
		con_printf("  EL2: grant frame 0 word 1 reads 0x%lx\n", *xp_word(XP_GNT0, 1));
		EXPECT(*xp_word(XP_GNT0, 1) == ANSWER_GNT0,
		       "the guest's write is not in grant frame 0\n");
		expect_gfn(XP_GNT0, GNT_A_GFN);
		break;
	case CK_GNT_GFN:
		expect_gfn(XP_GNT0, GNT_A_GFN);
		EXPECT((xp_frame(XP_GNT0)->type_info & AM_PGT_GFN_MASK) == GNT_A_GFN,
		       "the GFN field of type_info is not GFN A\n");
		expect_gfn(XP_GNT1, GFN_NONE);
		expect_lookup(GNT_A_GFN, 0, am_mfn_val(hyp_mfn(xen_page[XP_GNT0])));
		break;
	case CK_GNT_BUSY:
		expect_gfn(XP_GNT0, GNT_A_GFN);
		expect_lookup(GNT_B_GFN, AM_ENOENT, 0);
		EXPECT(tlbis == 0, "%lu TLBIs\n", tlbis);
		break;
	case CK_GNT_EILSEQ:
		expect_gfn(XP_GNT0, GNT_A_GFN);
		expect_lookup(GNT_A_GFN, 0, am_mfn_val(hyp_mfn(xen_page[XP_GNT0])));
		EXPECT(tlbis == 0, "%lu TLBIs\n", tlbis);
		break;
	case CK_GNT_REMOVE:
		expect_gfn(XP_GNT0, GFN_NONE);
		expect_lookup(GNT_A_GFN, AM_ENOENT, 0);
		EXPECT(g_ck0.watched, "the removal's TLBI and put path were not seen in order\n");
		break;
	case CK_GNT_READD:
		expect_gfn(XP_GNT0, GNT_C_GFN);
		expect_gfn(XP_GNT1, GNT_D_GFN);
		expect_lookup(GNT_C_GFN, 0, am_mfn_val(hyp_mfn(xen_page[XP_GNT0])));
		expect_lookup(GNT_D_GFN, 0, am_mfn_val(hyp_mfn(xen_page[XP_GNT1])));
		break;
	case CK_STATUS:
		expect_gfn(XP_STATUS0, GFN_NONE);
		EXPECT(g_ck0.watched, "the removal's TLBI and put path were not seen in order\n");
		break;
	case CK_BAD_ARGS:
		expect_gfn(XP_SHINFO, SHINFO_GFN);
		expect_gfn(XP_STATUS0, GFN_NONE);
		con_printf("  EL2: %lu TLBIs; table pages %lu -> %lu\n", tlbis,
			   (unsigned long)g_ck0.tables, (unsigned long)am_pt_tables(&g_p2m.pt));
		EXPECT(tlbis == 0, "refused calls issued %lu TLBIs\n", tlbis);
		EXPECT(am_pt_tables(&g_p2m.pt) == g_ck0.tables, "table pages changed\n");
		break;
	case CK_CONTROL:
		con_printf("  EL2: %lu TLBIs withheld\n", g_hw.withheld - g_ck0.withheld);
		EXPECT(g_hw.withheld > g_ck0.withheld, "no TLBI was withheld\n");
		expect_gfn(XP_GNT1, GFN_NONE);
		break;
	default:
		break;
	}
	EXPECT(g_hw.violations == g_ck0.violations, "%lu ordering violations\n",
	       g_hw.violations - g_ck0.violations);
	EXPECT(g_log.internal == 0, "the P2M logged %u internal errors\n", g_log.internal);
}

/* ---------------------------------------------------------------------- */
/* After the guest                                                         */
/* ---------------------------------------------------------------------- */

/* The final check: am_p2m_destroy() gives everything back. */
static void final(void)
{
	unsigned int i;
	bool all_clear = true;

	con_printf("  before am_p2m_destroy(): shared info at ");
	show_gfn(xp_gfn(XP_SHINFO));
	con_printf(", grant frame 0 at ");
	show_gfn(xp_gfn(XP_GNT0));
	con_printf(", table pages %lu\n", (unsigned long)am_pt_tables(&g_p2m.pt));
	call_begin();
	am_p2m_destroy(&g_p2m);
	call_end("am_p2m_destroy", 0);
	for (i = 0; i < XP_COUNT; i++)
		all_clear = all_clear && xp_gfn(i) == GFN_NONE;
	con_printf("  after: every xenheap frame without a GFN: %s; pool pages out %u (%lu bad "
		   "frees)\n",
		   all_clear ? "yes" : "no", g_s2ctx.in_use, g_s2ctx.bad_frees);
	EXPECT(all_clear, "a xenheap frame kept its GFN through am_p2m_destroy()\n");
	EXPECT(g_s2ctx.in_use == 0 && g_s2ctx.bad_frees == 0, "the pool did not get every page "
							      "back\n");
	con_printf("  stage-2 TLBIs over the run: %lu IPAS2LE1IS, %lu IPAS2E1IS, %lu "
		   "VMALLS12E1IS (%lu withheld by the control); %lu PUBLISH, %lu COMPLETE; %lu "
		   "table pages allocated, %lu freed\n",
		   g_hw.tlbi_leaf, g_hw.tlbi_table, g_hw.tlbi_all, g_hw.withheld, g_hw.publishes,
		   g_hw.completes, g_hw.allocs, g_hw.frees);
	EXPECT(g_hw.violations == 0, "%lu ordering violations over the run\n", g_hw.violations);
	EXPECT(g_log.internal == 0, "the P2M logged %u internal errors\n", g_log.internal);
}

/* ---------------------------------------------------------------------- */
/* The image                                                               */
/* ---------------------------------------------------------------------- */

static const char *const ck_name[CK_COUNT] = {
	[CK_BOOT] = "the hypervisor builds the guest's stage 2 with armmap: its 2 MiB of RAM as "
		    "one block, a read-only page, the shared-info page through add_physmap",
	[CK_ENTRY] = "the guest runs at EL1 from its own RAM under the stage 2 (IPA == PA), "
		     "and its HVCs reach EL2",
	[CK_RAM] = "the guest reads and writes its RAM; the hypervisor sees the same memory",
	[CK_SHINFO] = "the guest reads the hypervisor's word in the shared-info page and writes "
		      "one back; the frame records its GFN",
	[CK_UNMAPPED] = "guest reads and writes of unmapped IPAs trap to EL2 as stage-2 data "
			"aborts, with the right IPA from HPFAR_EL2 and FAR_EL2",
	[CK_IABT] = "a guest call to an unmapped IPA traps to EL2 as a stage-2 instruction abort "
		    "with that IPA",
	[CK_RO] = "a RAM_RO page: the guest reads it, its write takes a stage-2 permission fault",
	[CK_GNT_ADD] = "HVC add_physmap(grant table, 0, GFN A) -> 0: the guest reads the "
		       "hypervisor's word at GFN A and writes through",
	[CK_GNT_GFN] = "hyp_p2m_gnttab_gfn() reports GFN A to the guest; the frame's type_info "
		       "holds it",
	[CK_GNT_BUSY] = "adding grant frame 0 again (at GFN B) fails with AM_EBUSY in the "
			"guest's x0; GFN B still traps, GFN A still maps",
	[CK_GNT_EILSEQ] = "a removal expecting another MFN fails with AM_EILSEQ and changes "
			  "nothing",
	[CK_GNT_REMOVE] = "removing GFN A (touched just before) makes it trap again; the frame's "
			  "GFN is cleared after its TLBI",
	[CK_GNT_READD] = "grant frame 0 re-added at a new GFN C shows its old content; GFN A "
			 "still traps; grant frame 1 at GFN D",
	[CK_STATUS] = "status frame 0 (AM_GNTTAB_STATUS | 0): add, read, report its GFN, remove, "
		      "trap",
	[CK_BAD_ARGS] = "refused hypercalls return AM_EINVAL / AM_ENOTSUP / AM_ERANGE / AM_EBUSY "
			"/ AM_EEXIST / AM_ENOENT to the guest, and change nothing",
	[CK_CONTROL] = "control: with the TLBIs withheld, a removed GFN stays readable through "
		       "the stale TLB entry until a flush; so the traps above are the P2M's TLBIs",
	[CK_FINAL] = "afterwards: am_p2m_destroy() clears every xenheap frame's GFN and gives "
		     "every table page back; every TLBI was published and completed",
};

/* The hypervisor's device at EL2, besides its image and the guest's RAM. */
static const struct hyp_region g_dev[] = {
	{"PL011 UART", UART_BASE, UART_BASE + PAGE, &hyp_attr_dev, 0},
};

static const struct hyp_guest g_guest = {
	.banner = "a small EL2 hypervisor builds a guest's stage 2 with the\n"
		  "armmap P2M (frame table, physmap) and runs a tiny EL1 guest under it on an\n"
		  "emulated Cortex-A57 (QEMU virt, virtualization=on). The guest checks its RAM,\n"
		  "the shared-info page and grant frames it asks for with HVCs; its stage-2\n"
		  "aborts reach EL2 (ESR_EL2, HPFAR_EL2, FAR_EL2).\n",
	.names = ck_name,
	.count = CK_COUNT,
	.devices = g_dev,
	.nr_devices = sizeof(g_dev) / sizeof(g_dev[0]),
	.traps = g_traps,
	.nr_traps = sizeof(g_traps) / sizeof(g_traps[0]),
	.calls = g_calls,
	.nr_calls = sizeof(g_calls) / sizeof(g_calls[0]),
	.not_supported = AM_ENOTSUP,
	.boot = boot,
	.begin = begin,
	.verify = verify,
	.final = final,
};

int main(void)
{
	return hyp_guest_run(&g_guest);
}
