/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mmio-guard image, the EL1 guest firmware: the guest's side of every
 * check. Like protected-VM firmware, it builds its own stage-1 table with
 * armmap (stage 1 EL1&0, ASID 1, identity: VA == IPA), maps its RAM with
 * the MMIO guard tracker and its devices lazily (parked descriptors with
 * the lazy software bit), and turns its MMU on. Its EL1 vectors take the
 * translation fault of a first device access, hand it to
 * am_mmio_handle_fault(), which guards the granule with a real
 * MMIO_GUARD_MAP hypercall and makes the page valid, and retry the
 * instruction: the retried access then traps to EL2 at stage 2 (no device
 * is mapped there), where the hypervisor carries it out on the real device
 * because the granule is guarded. It reports what it saw with the test
 * hypercalls of the check protocol (tests/qemu/hyp_common/guest.h: GH_FAIL
 * fails the running check, GH_SAY adds a detail line) and its test calls
 * (abi.h); the hypervisor prints the result lines.
 *
 * This file and guest_entry.S are linked apart with the guest's own copy
 * of the library (core, pt, mmio_guard) and of the aarch64 backend (table
 * pool and TLBI, exception vectors and probes, EL1 MMU, SMCCC transport),
 * into one object whose symbols are local but for its entry points: it
 * calls nothing outside itself (the hypervisor's code is not mapped at
 * stage 2), and its copy does not clash with the hypervisor's.
 */
#include <armmap/errors.h>
#include <armmap/mmio_guard.h>
#include <armmap/pt.h>

#include <armmap/arch/aarch64/el1_mmu.h>
#include "tests/qemu/aarch64/exc.h"
#include "tests/qemu/aarch64/mmio_trap.h"
#include <armmap/arch/aarch64/pt_ops.h>
#include <armmap/arch/aarch64/smccc.h>
#include "tests/qemu/aarch64/vm.h"
#include "tests/qemu/hyp_common/guest.h"
#include "tests/qemu/mmio_guard/abi.h"

#define PAGE 0x1000ull
#define SZ_2M 0x200000ull
#define POOL_PAGES 16u
#define ASID 1u
#define MAIR_DEVICE_nGnRE 0x04u /* am_mair_byte(AM_MT_DEVICE_nGnRE) */
#define MAIR_NORMAL_WB 0xffu

/* guest_entry.S */
uint32_t mg_rd32(uint64_t va);
void mg_wr32(uint64_t va, uint32_t v);
extern const char mg_rd32_insn[], mg_wr32_insn[];
uint64_t guest_main(uint64_t text, uint64_t rodata, uint64_t data, uint64_t end);

/* ---------------------------------------------------------------------- */
/* The firmware's state                                                    */
/* ---------------------------------------------------------------------- */

static struct {
	uint64_t text, rodata, data, end;
} g_lay;

static struct am_pt g_pt;
static struct am_aarch64_pt_ctx g_ctx;
static struct am_pt_ops g_ops;
static uint8_t g_pool[POOL_PAGES * PAGE] __attribute__((aligned(4096)));

static struct am_mmio_tracker g_t;
static struct am_mem_region g_ram[4], g_mmio[4];
static const struct am_mmio_abi *const abi = &am_mmio_abi_android;

/* Every hypercall the tracker makes, through its transport. */
#define CALLS_KEEP 16u
static struct am_aarch64_smccc_stats g_hvc_stats;
static struct {
	unsigned long n;
	struct {
		uint32_t fid;
		uint64_t arg;
		int64_t ret;
	} c[CALLS_KEEP];
} g_calls;

/* The stage-1 TLB invalidations the engine issued (then carried out by the backend). */
#define TLBI_KEEP 8u
static struct {
	unsigned long n, all, other_asid;
	uint64_t addr[TLBI_KEEP];
	uint64_t pages[TLBI_KEEP]; /* 1, or a range's (FEAT_TLBIRANGE) */
} g_tlbi;

/* The translation faults the EL1 vectors took. */
static struct {
	unsigned long n;
	uint64_t esr, far, elr;
	int rc;
} g_fault;

/* ---------------------------------------------------------------------- */
/* Talking to the hypervisor                                               */
/* ---------------------------------------------------------------------- */

struct hyp_state {
	uint64_t guarded, enrolled, maps, unmaps;
};

static struct hyp_state hyp_state(void)
{
	struct am_aarch64_hvc_res r = gh_hvc(MG_HYP_STATE, 0, 0, 0);

	return (struct hyp_state){r.x0, r.x1, r.x2, r.x3};
}

static uint64_t hyp_guarded(uint64_t ipa)
{
	return gh_hvc(MG_GUARDED, ipa, PAGE, 0).x0;
}

struct emul_state {
	uint64_t done, refused, last, last_refused;
};

static struct emul_state emul_state(void)
{
	struct am_aarch64_hvc_res r = gh_hvc(MG_EMUL_STATE, 0, 0, 0);

	return (struct emul_state){r.x0, r.x1, r.x2, r.x3};
}

/* The tracker's transport: HVC #0, each call kept for the checks. */
static int64_t transport(void *ctx, uint32_t fid, uint64_t arg)
{
	int64_t r = am_aarch64_smccc_hvc(ctx, fid, arg);
	unsigned int i = (unsigned int)(g_calls.n % CALLS_KEEP);

	g_calls.c[i].fid = fid;
	g_calls.c[i].arg = arg;
	g_calls.c[i].ret = r;
	g_calls.n++;
	return r;
}

/* The @k-th call the tracker made (0: its first). */
static unsigned int call_at(unsigned long k)
{
	return (unsigned int)(k % CALLS_KEEP);
}

static void rec_flush(void *ctx, const struct am_pt_flush *f)
{
	if (f->kind == AM_PT_FLUSH_ALL)
		g_tlbi.all++;
	if ((f->kind == AM_PT_FLUSH_ALL || f->kind == AM_PT_FLUSH_LIST) && f->asid != ASID)
		g_tlbi.other_asid++;
	for (unsigned int i = 0; f->kind == AM_PT_FLUSH_LIST && i < f->n; i++) {
		if (g_tlbi.n < TLBI_KEEP) {
			g_tlbi.addr[g_tlbi.n] = am_va_val(f->inv[i].addr);
			g_tlbi.pages[g_tlbi.n] = f->inv[i].pages ? f->inv[i].pages : 1u;
		}
		g_tlbi.n++;
	}
	am_aarch64_pt_flush(ctx, f);
}

/* Was the page of @va invalidated since g_tlbi was cleared? */
static bool tlbi_seen(uint64_t va)
{
	unsigned long i;

	if (g_tlbi.all)
		return true;
	for (i = 0; i < g_tlbi.n && i < TLBI_KEEP; i++)
		if (va >> 12 >= g_tlbi.addr[i] >> 12 &&
		    va >> 12 < (g_tlbi.addr[i] >> 12) + g_tlbi.pages[i])
			return true;
	return false;
}

/* The table's and the tracker's log: a detail line each. */
static void pt_log(void *ctx, const struct am_log_rec *rec)
{
	(void)ctx;
	gh_say("  library log: \"%s\" (0x%lx, 0x%lx)\n", GH_STR(rec->msg ? rec->msg : ""),
	       rec->arg[0], rec->arg[1]);
}

/* ---------------------------------------------------------------------- */
/* The EL1 vectors: the lazy mapping's translation faults                  */
/* ---------------------------------------------------------------------- */

static bool on_exc(struct am_aarch64_frame *f)
{
	unsigned int fsc = am_esr_fsc(f->esr);

	if (f->kind != (AM_EXC_CUR_SPX | AM_EXC_SYNC) || am_esr_ec(f->esr) != AM_EC_DABT_CUR ||
	    AM_FSC_TYPE(fsc) != AM_FSC_TRANSLATION)
		return false;
	g_fault.n++;
	g_fault.esr = f->esr;
	g_fault.far = f->far;
	g_fault.elr = f->elr;
	g_fault.rc = am_mmio_handle_fault(&g_t, am_va(f->far));
	if (g_fault.rc) {
		gh_say("am_mmio_handle_fault(0x%lx) -> %ld: the fault is not the lazy mapping's\n",
		       f->far, (uint64_t)(int64_t)g_fault.rc, 0);
		return false;
	}
	return true; /* ELR_EL1 unchanged: the access is retried */
}

static void on_fatal(const struct am_aarch64_frame *f)
{
	am_aarch64_hvc(GH_PANIC, f->esr, f->far, f->elr, f->kind);
	for (;;)
		__asm__ volatile("wfe");
}

/* ---------------------------------------------------------------------- */
/* What the firmware sees                                                  */
/* ---------------------------------------------------------------------- */

static const char *const sw_name[4] = {"none", "LAZY", "GUARDED", "LAZY|GUARDED"};

/* The leaf at @va must be (@valid, @size, software bits @sw); say what it is. */
static void expect_leaf(const char *what, uint64_t va, bool valid, uint64_t size, unsigned int sw)
{
	struct am_pt_leaf l;
	int rc = am_pt_query(&g_pt, am_va(va), &l);

	if (rc) {
		gh_fail(what, (uint64_t)(int64_t)rc, 0);
		return;
	}
	gh_say("%s: %s, software bits %s\n", GH_STR(what),
	       GH_STR(l.size == SZ_2M ? (l.valid ? "a valid 2 MiB block (level 2)"
						 : "a parked 2 MiB block (level 2)")
				      : (l.valid ? "a valid 4 KiB page (level 3)"
						 : "a parked 4 KiB page (level 3)")),
	       GH_STR(sw_name[l.sw & 3u]));
	EXPECT_EQ(l.valid, valid, "the leaf's valid bit");
	EXPECT_EQ(l.size, size, "the leaf's size");
	EXPECT_EQ(l.sw, sw, "the leaf's software bits");
}

/* What AT S1E1R says of @va: a translation fault at @level, or (@level < 0) @va itself with @attr.
 */
static void expect_at(uint64_t va, int level, unsigned int attr)
{
	uint64_t par = am_aarch64_at_s1e1r(va);

	if (par & AM_PAR_F) {
		gh_say("  AT S1E1R 0x%lx: PAR_EL1 0x%lx, a translation fault at level %lu\n", va,
		       par, AM_FSC_LEVEL(am_par_fst(par)));
		EXPECT_EQ(level >= 0, 1, "AT S1E1R faulted (got: PAR_EL1)");
		EXPECT_EQ(am_par_fst(par), AM_FSC_TRANSLATION + (unsigned int)level,
			  "PAR_EL1.FST of AT S1E1R");
		return;
	}
	gh_say("  AT S1E1R 0x%lx: PAR_EL1 0x%lx: IPA 0x%lx\n", va, par, par & AM_PAR_PA_MASK);
	EXPECT_EQ(level < 0, 1, "AT S1E1R translated (got: PAR_EL1)");
	EXPECT_EQ(par & AM_PAR_PA_MASK, va & ~(PAGE - 1), "the IPA AT S1E1R gives");
	EXPECT_EQ(am_par_attr(par), attr, "the MAIR attribute AT S1E1R gives");
}

/*
 * One first access: it must take exactly one EL1 translation fault at
 * @va (level @level) at the access instruction @insn, make exactly one
 * MMIO_GUARD_MAP of @va's granule, and be retried.
 */
static void expect_fault_and_map(const char *what, unsigned long f0, unsigned long c0, uint64_t va,
				 const char *insn, unsigned int level)
{
	unsigned int i = call_at(c0);

	EXPECT_EQ(g_fault.n - f0, 1, "EL1 translation faults taken");
	if (g_fault.n - f0 != 1)
		return;
	gh_say("%s: EL1 data abort: ESR_EL1 0x%lx, FAR_EL1 0x%lx\n", GH_STR(what), g_fault.esr,
	       g_fault.far);
	EXPECT_EQ(am_esr_ec(g_fault.esr), AM_EC_DABT_CUR, "ESR_EL1.EC (a data abort at EL1)");
	EXPECT_EQ(am_esr_fsc(g_fault.esr), AM_FSC_TRANSLATION + level,
		  "ESR_EL1.DFSC (a translation fault at the expected level)");
	EXPECT_EQ(g_fault.far, va, "FAR_EL1");
	EXPECT_EQ(g_fault.elr, (uintptr_t)insn, "ELR_EL1: the access instruction");
	EXPECT_EQ(g_fault.rc, 0, "am_mmio_handle_fault() in the fault handler");
	EXPECT_EQ(g_calls.n - c0, 1, "hypercalls the fault handler made");
	if (g_calls.n - c0 != 1)
		return;
	EXPECT_EQ(g_calls.c[i].fid, abi->map, "the handler's hypercall (MMIO_GUARD_MAP)");
	EXPECT_EQ(g_calls.c[i].arg, va & ~(PAGE - 1), "MMIO_GUARD_MAP's IPA: the granule");
	EXPECT_EQ(g_calls.c[i].ret, AM_SMCCC_SUCCESS, "MMIO_GUARD_MAP's result");
	gh_say("  the handler: HVC MMIO_GUARD_MAP(0x%lx) -> %ld; the access is retried at 0x%lx\n",
	       g_calls.c[i].arg, (uint64_t)g_calls.c[i].ret, g_fault.elr);
}

/* The last trap at EL2 must be the retried access: @va, from @insn, moving @val. */
static void expect_emulated(uint64_t va, const char *insn, uint64_t val)
{
	struct am_aarch64_hvc_res r = gh_hvc(MG_LAST_TRAP, 0, 0, 0);

	EXPECT_EQ(r.x1, va, "the IPA of the hypervisor's last stage-2 trap");
	EXPECT_EQ(r.x3, (uintptr_t)insn, "ELR_EL2 of that trap: the retried instruction");
	EXPECT_EQ(r.x2, val, "the value the hypervisor moved on the device");
	EXPECT_EQ(am_esr_ec(r.x0), AM_EC_DABT_LOW, "ESR_EL2.EC of that trap");
}

static uint32_t periph_id(uint64_t base)
{
	uint32_t id = 0;
	unsigned int i;

	for (i = 0; i < 4; i++)
		id |= (mg_rd32(base + PCELL_PERIPHID0 + 4u * i) & 0xffu) << (8u * i);
	return id;
}

/* ---------------------------------------------------------------------- */
/* The checks                                                              */
/* ---------------------------------------------------------------------- */

static int ck_init(void)
{
	const struct am_pt_config pcfg = {
		.regime = AM_PT_S1_EL10, .ia_bits = 39, .oa_bits = GUEST_IPA_BITS, .asid = ASID};
	const struct am_mmio_tracker_config tcfg = {
		.pt = &g_pt,
		.lo = am_va(TRACK_LO),
		.hi = am_va(TRACK_HI),
		.ram = g_ram,
		.ram_cap = 4,
		.mmio = g_mmio,
		.mmio_cap = 4,
		.abi = abi,
		.hyp = {transport, &g_hvc_stats},
	};
	struct hyp_state h;
	int rc;

	gh_begin(CK_INIT);
	EXPECT_EQ(am_current_el(), 1, "CurrentEL");
	EXPECT_EQ(am_aarch64_el1_mmu_is_on(), 0, "SCTLR_EL1.M at entry");
	EXPECT_EQ(am_aarch64_exc_init(on_exc, on_fatal), 1, "installing the EL1 vectors");
	g_ops = am_aarch64_pt_ops;
	g_ops.env.log = pt_log;
	g_ops.flush = rec_flush;
	rc = am_aarch64_pt_ctx_init(&g_ctx, g_pool, sizeof(g_pool));
	rc = rc ? rc : am_pt_init(&g_pt, &pcfg, &g_ops, &g_ctx);
	EXPECT_EQ(rc, 0, "am_pt_init(stage 1 EL1&0, 39-bit VAs, ASID 1)");
	gh_say("its own stage-1 table: armmap, stage 1 EL1&0, 39-bit VAs, ASID %lu, pages from a "
	       "%lu-page pool at 0x%lx\n",
	       ASID, POOL_PAGES, (uint64_t)(uintptr_t)g_pool);
	rc = rc ? rc : am_mmio_tracker_init(&g_t, &tcfg);
	EXPECT_EQ(rc, 0, "am_mmio_tracker_init()");
	EXPECT_EQ(g_calls.n, 2, "hypercalls am_mmio_tracker_init() made");
	if (g_calls.n == 2) {
		EXPECT_EQ(g_calls.c[0].fid, abi->info, "its first call: MMIO guard INFO");
		EXPECT_EQ(g_calls.c[0].ret, 4096, "the granule INFO returned");
		EXPECT_EQ(g_calls.c[1].fid, abi->enroll, "its second call: ENROLL");
		EXPECT_EQ(g_calls.c[1].ret, AM_SMCCC_SUCCESS, "ENROLL's result");
		gh_say("am_mmio_tracker_init(): HVC INFO -> %ld (the granule), HVC ENROLL -> %ld\n",
		       (uint64_t)g_calls.c[0].ret, (uint64_t)g_calls.c[1].ret, 0);
	}
	EXPECT_EQ(g_hvc_stats.calls, g_calls.n, "calls the SMCCC transport counted");
	h = hyp_state();
	EXPECT_EQ(h.enrolled, 1, "the hypervisor's enrolled flag");
	EXPECT_EQ(h.guarded, 0, "granules the hypervisor guards");
	gh_end(CK_INIT);
	return rc;
}

static int ck_lazy(void)
{
	const struct am_attr rx = AM_ATTR_RX_TEXT;
	uint64_t text = g_lay.text, ro = g_lay.rodata, data = g_lay.data, e = g_lay.end;
	struct hyp_state h;
	struct emul_state em;
	int rc;

	gh_begin(CK_LAZY);
	/* RAM: the tracker maps RO / RW data, never executable: the code becomes RX here */
	rc = am_mmio_add_ram(&g_t, am_va(text), ro - text, false);
	EXPECT_EQ(rc, 0, "am_mmio_add_ram(code, read-only)");
	rc = rc ? rc : am_pt_modify(&g_pt, am_va(text), ro - text, &rx, 0);
	EXPECT_EQ(rc, 0, "am_pt_modify(code, RX)");
	rc = rc ? rc : am_mmio_add_ram(&g_t, am_va(ro), data - ro, false);
	EXPECT_EQ(rc, 0, "am_mmio_add_ram(constants, read-only)");
	rc = rc ? rc : am_mmio_add_ram(&g_t, am_va(data), e - data, true);
	EXPECT_EQ(rc, 0, "am_mmio_add_ram(data, tables, stack, read/write)");
	gh_say("RAM: code [0x%lx, 0x%lx) RX (added read-only, made executable with am_pt_modify), "
	       "constants up to 0x%lx RO,\n",
	       text, ro, data);
	gh_say("  data, table pool and stack up to 0x%lx RW; the rest of its 2 MiB unmapped\n", e,
	       0, 0);
	/* devices: lazily */
	rc = rc ? rc : am_mmio_add_device(&g_t, am_va(UART_IPA), DEV_PAGE);
	EXPECT_EQ(rc, 0, "am_mmio_add_device(PL011 UART, 4 KiB)");
	rc = rc ? rc : am_mmio_add_device(&g_t, am_va(RTC_IPA), DEV_PAGE);
	EXPECT_EQ(rc, 0, "am_mmio_add_device(PL031 RTC, 4 KiB)");
	rc = rc ? rc : am_mmio_add_device(&g_t, am_va(VIRTIO_IPA), VIRTIO_SIZE);
	EXPECT_EQ(rc, 0, "am_mmio_add_device(virtio-mmio window, 2 MiB)");
	if (rc) {
		gh_end(CK_LAZY);
		return rc;
	}
	expect_leaf("  UART   0x09000000", UART_IPA, false, PAGE, AM_MMIO_SW_LAZY);
	expect_leaf("  RTC    0x09010000", RTC_IPA, false, PAGE, AM_MMIO_SW_LAZY);
	expect_leaf("  virtio 0x0a000000", VIRTIO_IPA, false, SZ_2M, AM_MMIO_SW_LAZY);
	expect_leaf("  code", text, true, PAGE, 0);
	/* the MMU on: the lines written with it off must not be stale in the cache */
	am_aarch64_dcache_civac(data, e - data);
	rc = am_aarch64_el1_mmu_enable_pt(&g_pt);
	EXPECT_EQ(rc, 0, "am_aarch64_el1_mmu_enable_pt()");
	EXPECT_EQ(am_aarch64_el1_mmu_is_on(), 1, "SCTLR_EL1.M");
	EXPECT_EQ(am_read_sysreg(ttbr0_el1), am_pt_ttbr(&g_pt), "TTBR0_EL1 (root and ASID)");
	gh_say("MMU on: SCTLR_EL1 0x%lx, TCR_EL1 0x%lx, TTBR0_EL1 0x%lx\n",
	       am_read_sysreg(sctlr_el1), am_read_sysreg(tcr_el1), am_read_sysreg(ttbr0_el1));
	gh_say("  %lu table pages; the hardware's view of the lazy devices and the code:\n",
	       (uint64_t)am_pt_tables(&g_pt), 0, 0);
	expect_at(UART_IPA, 3, 0);
	expect_at(VIRTIO_IPA + 0x1000, 2, 0);
	expect_at((uintptr_t)guest_main, -1, MAIR_NORMAL_WB);
	h = hyp_state();
	em = emul_state();
	EXPECT_EQ(h.maps, 0, "MMIO_GUARD_MAP calls the hypervisor served (mapping is lazy)");
	EXPECT_EQ(h.guarded, 0, "granules the hypervisor guards");
	EXPECT_EQ(em.done + em.refused, 0, "device accesses trapped at stage 2");
	gh_end(CK_LAZY);
	return rc;
}

static void ck_uart_first(void)
{
	unsigned long f0 = g_fault.n, c0 = g_calls.n;
	struct emul_state e0 = emul_state(), e;
	struct hyp_state h;
	uint32_t v;

	gh_begin(CK_UART_FIRST);
	v = mg_rd32(UART_IPA + PCELL_PERIPHID0);
	expect_fault_and_map("read of UART PeriphID0", f0, c0, UART_IPA + PCELL_PERIPHID0,
			     mg_rd32_insn, 3);
	e = emul_state();
	h = hyp_state();
	EXPECT_EQ(e.done - e0.done, 1, "accesses the hypervisor emulated");
	EXPECT_EQ(e.refused, e0.refused, "accesses the hypervisor refused");
	expect_emulated(UART_IPA + PCELL_PERIPHID0, mg_rd32_insn, PL011_PERIPHID & 0xff);
	EXPECT_EQ(v, PL011_PERIPHID & 0xff, "UART PeriphID0, as the retried read returned it");
	EXPECT_EQ(h.guarded, 1, "granules the hypervisor guards");
	EXPECT_EQ(h.maps, 1, "MMIO_GUARD_MAP calls the hypervisor served");
	EXPECT_EQ(hyp_guarded(UART_IPA), 1, "the hypervisor guards the UART's granule");
	gh_say("the retried read returned 0x%lx (PL011 PeriphID0)\n", v, 0, 0);
	expect_leaf("  UART   0x09000000", UART_IPA, true, PAGE,
		    AM_MMIO_SW_LAZY | AM_MMIO_SW_GUARDED);
	expect_at(UART_IPA, -1, MAIR_DEVICE_nGnRE);
	gh_end(CK_UART_FIRST);
}

static const char hello[] = "[guest firmware at EL1, each byte through its guarded UART page "
			    "and the hypervisor] hello\n";

static void ck_uart_again(void)
{
	unsigned long f0 = g_fault.n, c0 = g_calls.n;
	struct emul_state e0 = emul_state(), e;
	struct am_aarch64_hvc_res u0 = gh_hvc(MG_UART_STATE, 0, 0, 0), u;
	uint64_t sum = 0, n = 0, polls = 0;
	uint32_t id, fr;
	unsigned int i;

	gh_begin(CK_UART_AGAIN);
	id = periph_id(UART_IPA);
	fr = mg_rd32(UART_IPA + UART_FR);
	EXPECT_EQ(id, PL011_PERIPHID, "UART PeriphID3..0");
	EXPECT_EQ(fr & UART_FR_TXFF, 0, "UARTFR.TXFF");
	gh_say("PeriphID3..0 0x%08lx, UARTFR 0x%lx; now a line through UARTDR:\n", id, fr, 0);
	gh_hvc(MG_QUIET, 1, 0, 0);
	for (i = 0; hello[i]; i++) {
		do
			polls++;
		while (mg_rd32(UART_IPA + UART_FR) & UART_FR_TXFF);
		mg_wr32(UART_IPA + UART_DR, (uint8_t)hello[i]);
		sum += (uint8_t)hello[i];
		n++;
	}
	gh_hvc(MG_QUIET, 0, 0, 0);
	e = emul_state();
	u = gh_hvc(MG_UART_STATE, 0, 0, 0);
	EXPECT_EQ(g_fault.n, f0, "EL1 translation faults (the page is valid now)");
	EXPECT_EQ(g_calls.n, c0, "hypercalls the tracker made (the granule is guarded)");
	EXPECT_EQ(e.done - e0.done, 5 + polls + n, "accesses the hypervisor emulated");
	EXPECT_EQ(u.x0 - u0.x0, n, "bytes the hypervisor wrote to UARTDR");
	EXPECT_EQ(u.x1 - u0.x1, sum, "their sum");
	gh_say("%lu bytes written to UARTDR (sum %lu), %lu UARTFR polls: no fault, no hypercall\n",
	       n, sum, polls);
	gh_end(CK_UART_AGAIN);
}

static void ck_rtc(void)
{
	unsigned long f0 = g_fault.n, c0 = g_calls.n;
	struct hyp_state h;
	uint32_t v, id, dr;

	gh_begin(CK_RTC);
	v = mg_rd32(RTC_IPA + PCELL_PERIPHID0);
	expect_fault_and_map("read of RTC PeriphID0", f0, c0, RTC_IPA + PCELL_PERIPHID0,
			     mg_rd32_insn, 3);
	expect_emulated(RTC_IPA + PCELL_PERIPHID0, mg_rd32_insn, PL031_PERIPHID & 0xff);
	id = periph_id(RTC_IPA);
	dr = mg_rd32(RTC_IPA + RTC_DR);
	h = hyp_state();
	EXPECT_EQ(v, PL031_PERIPHID & 0xff, "RTC PeriphID0, as the retried read returned it");
	EXPECT_EQ(id, PL031_PERIPHID, "RTC PeriphID3..0");
	EXPECT_EQ(dr != 0, 1, "RTCDR (seconds since 1970) is not 0");
	EXPECT_EQ(g_fault.n - f0, 1, "EL1 translation faults (one, the first access)");
	EXPECT_EQ(h.guarded, 2, "granules the hypervisor guards");
	EXPECT_EQ(hyp_guarded(RTC_IPA), 1, "the hypervisor guards the RTC's granule");
	gh_say("PL031 PeriphID3..0 0x%08lx, RTCDR %lu (seconds since 1970); %lu granules guarded\n",
	       id, dr, h.guarded);
	expect_leaf("  RTC    0x09010000", RTC_IPA, true, PAGE,
		    AM_MMIO_SW_LAZY | AM_MMIO_SW_GUARDED);
	gh_end(CK_RTC);
}

static void ck_block(void)
{
	unsigned long f0 = g_fault.n, c0 = g_calls.n;
	size_t tables0 = am_pt_tables(&g_pt);
	struct hyp_state h;
	uint32_t v0, v1;

	gh_begin(CK_BLOCK);
	v0 = mg_rd32(VIRTIO_IPA);
	expect_fault_and_map("read of virtio transport 0", f0, c0, VIRTIO_IPA, mg_rd32_insn, 2);
	expect_emulated(VIRTIO_IPA, mg_rd32_insn, VIRTIO_MAGIC);
	EXPECT_EQ(v0, VIRTIO_MAGIC, "virtio-mmio magic of transport 0");
	EXPECT_EQ(am_pt_tables(&g_pt), tables0 + 1, "table pages (the block split into a table)");
	expect_leaf("  virtio 0x0a000000", VIRTIO_IPA, true, PAGE,
		    AM_MMIO_SW_LAZY | AM_MMIO_SW_GUARDED);
	expect_leaf("  virtio 0x0a001000", VIRTIO_IPA + 0x1000, false, PAGE, AM_MMIO_SW_LAZY);
	expect_leaf("  virtio 0x0a1ff000", VIRTIO_IPA + 0x1ff000, false, PAGE, AM_MMIO_SW_LAZY);
	f0 = g_fault.n;
	c0 = g_calls.n;
	v1 = mg_rd32(VIRTIO_IPA + 0x1000);
	expect_fault_and_map("read of virtio transport 8", f0, c0, VIRTIO_IPA + 0x1000,
			     mg_rd32_insn, 3);
	EXPECT_EQ(v1, VIRTIO_MAGIC, "virtio-mmio magic of transport 8 (the second page)");
	h = hyp_state();
	EXPECT_EQ(h.guarded, 4, "granules the hypervisor guards");
	EXPECT_EQ(hyp_guarded(VIRTIO_IPA + 0x2000), 0, "the hypervisor guards the third page");
	gh_say("both pages read the magic 0x%lx (\"virt\"); %lu granules guarded, %lu table "
	       "pages\n",
	       v1, h.guarded, (uint64_t)am_pt_tables(&g_pt));
	gh_end(CK_BLOCK);
}

static void ck_refused(void)
{
	const struct am_attr dev = AM_ATTR_DEVICE;
	unsigned long f0 = g_fault.n, c0 = g_calls.n;
	struct emul_state e0 = emul_state(), e;
	struct hyp_state h0 = hyp_state(), h;
	volatile struct am_aarch64_fault *pf = &am_aarch64_last_fault;
	uint64_t v = 0x5a5a5a5a;
	bool ok;
	int rc;

	gh_begin(CK_REFUSED);
	rc = am_pt_map(&g_pt, am_va(GPIO_IPA), am_pa(GPIO_IPA), DEV_PAGE, &dev, 0);
	EXPECT_EQ(rc, 0, "am_pt_map(PL061 GPIO page, valid, bypassing the tracker)");
	expect_leaf("  GPIO   0x09030000 (mapped by hand)", GPIO_IPA, true, PAGE, 0);
	ok = am_aarch64_probe_read(GPIO_IPA + PCELL_PERIPHID0, &v);
	EXPECT_EQ(ok, 0, "the read of the unguarded GPIO page completed");
	EXPECT_EQ(am_esr_ec(pf->esr), AM_EC_DABT_CUR, "the guest's ESR_EL1.EC: a data abort");
	EXPECT_EQ(am_esr_fsc(pf->esr), AM_FSC_SYNC_EXT,
		  "the guest's ESR_EL1.DFSC: synchronous external abort");
	EXPECT_EQ(!!(pf->esr & AM_ISS_WNR), 0, "the guest's ESR_EL1.WnR");
	EXPECT_EQ(pf->far, GPIO_IPA + PCELL_PERIPHID0, "the guest's FAR_EL1");
	EXPECT_EQ(pf->elr, (uintptr_t)am_aarch64_probe_ld_insn, "the guest's ELR_EL1");
	EXPECT_EQ(v, 0x5a5a5a5a, "the refused read's destination (untouched)");
	gh_say("read  of 0x%lx: refused; the guest took a data abort, ESR_EL1 0x%lx (synchronous "
	       "external abort), FAR_EL1 0x%lx\n",
	       GPIO_IPA + PCELL_PERIPHID0, pf->esr, pf->far);
	ok = am_aarch64_probe_write(GPIO_IPA + 0x400, 0xff);
	EXPECT_EQ(ok, 0, "the write of the unguarded GPIO page completed");
	EXPECT_EQ(!!(pf->esr & AM_ISS_WNR), 1, "the guest's ESR_EL1.WnR");
	EXPECT_EQ(pf->far, GPIO_IPA + 0x400, "the guest's FAR_EL1");
	gh_say("write of 0x%lx: refused; ESR_EL1 0x%lx, FAR_EL1 0x%lx\n", GPIO_IPA + 0x400, pf->esr,
	       pf->far);
	e = emul_state();
	h = hyp_state();
	EXPECT_EQ(e.refused - e0.refused, 2, "accesses the hypervisor refused");
	EXPECT_EQ(e.last_refused, GPIO_IPA + 0x400, "the IPA of the last one");
	EXPECT_EQ(e.done, e0.done, "accesses the hypervisor emulated");
	EXPECT_EQ(g_fault.n, f0, "EL1 translation faults (the page is valid in stage 1)");
	EXPECT_EQ(g_calls.n, c0, "hypercalls the tracker made");
	EXPECT_EQ(h.maps, h0.maps, "MMIO_GUARD_MAP calls the hypervisor served");
	EXPECT_EQ(h.guarded, h0.guarded, "granules the hypervisor guards");
	gh_end(CK_REFUSED);
}

static void refused(uint32_t fid, uint64_t arg, int64_t want, const char *what)
{
	int64_t r = am_aarch64_smccc_hvc(NULL, fid, arg);

	EXPECT_EQ(r, want, what);
	gh_say("%s -> %ld\n", GH_STR(what), (uint64_t)r, 0);
}

static void ck_hvc_bad(void)
{
	struct hyp_state h0 = hyp_state(), h;

	gh_begin(CK_HVC_BAD);
	refused(abi->map, g_lay.data, AM_SMCCC_INVALID_PARAMETER,
		"HVC MMIO_GUARD_MAP(a page of its own RAM)");
	refused(abi->map, UART_IPA + 0x10, AM_SMCCC_INVALID_PARAMETER,
		"HVC MMIO_GUARD_MAP(0x09000010: not granule aligned)");
	refused(abi->unmap, GPIO_IPA, AM_SMCCC_INVALID_PARAMETER,
		"HVC MMIO_GUARD_UNMAP(0x09030000: never guarded)");
	refused(0xc6000009u, 0, AM_SMCCC_NOT_SUPPORTED, "HVC 0xc6000009 (no such function)");
	refused(abi->meminfo, 0, 4096, "HVC MEMINFO: the granule, still");
	h = hyp_state();
	EXPECT_EQ(h.guarded, h0.guarded, "granules the hypervisor guards");
	EXPECT_EQ(hyp_guarded(g_lay.data), 0, "the hypervisor guards the RAM page");
	EXPECT_EQ(hyp_guarded(GPIO_IPA), 0, "the hypervisor guards the GPIO page");
	gh_end(CK_HVC_BAD);
}

static void tracker_refuses(int rc, int want, const char *what)
{
	EXPECT_EQ(rc, want, what);
	gh_say("%s -> %ld\n", GH_STR(what), (uint64_t)(int64_t)rc, 0);
}

static void ck_tracker_err(void)
{
	unsigned long c0 = g_calls.n;
	size_t tables0 = am_pt_tables(&g_pt);
	uint64_t hole = GUEST_RAM_IPA + GUEST_RAM_SIZE - PAGE;

	gh_begin(CK_TRACKER_ERR);
	tracker_refuses(am_mmio_handle_fault(&g_t, am_va(g_lay.text + 0x100)), AM_ENOENT,
			"am_mmio_handle_fault(code): RAM, not lazy MMIO");
	tracker_refuses(am_mmio_handle_fault(&g_t, am_va(UART_IPA + UART_FR)), AM_ENOENT,
			"am_mmio_handle_fault(UART): valid already");
	tracker_refuses(am_mmio_handle_fault(&g_t, am_va(GPIO_IPA)), AM_ENOENT,
			"am_mmio_handle_fault(GPIO): not tracked");
	tracker_refuses(am_mmio_handle_fault(&g_t, am_va(hole)), AM_ENOENT,
			"am_mmio_handle_fault(unmapped RAM)");
	tracker_refuses(am_mmio_add_device(&g_t, am_va(UART_IPA), DEV_PAGE), AM_EBUSY,
			"am_mmio_add_device(UART again)");
	tracker_refuses(am_mmio_add_device(&g_t, am_va(VIRTIO_IPA + 0x100000), DEV_PAGE), AM_EBUSY,
			"am_mmio_add_device(a page inside the virtio window)");
	tracker_refuses(am_mmio_add_device(&g_t, am_va(g_lay.data), DEV_PAGE), AM_EBUSY,
			"am_mmio_add_device(a page of its RAM)");
	tracker_refuses(am_mmio_add_device(&g_t, am_va(TRACK_HI), DEV_PAGE), AM_ERANGE,
			"am_mmio_add_device(0x80000000: beyond the tracked space)");
	tracker_refuses(am_mmio_add_device(&g_t, am_va(TRACK_HI - DEV_PAGE), 2 * DEV_PAGE),
			AM_ERANGE, "am_mmio_add_device(straddling its end)");
	tracker_refuses(am_mmio_add_device(&g_t, am_va(0x09040010u), DEV_PAGE), AM_EINVAL,
			"am_mmio_add_device(not page aligned)");
	EXPECT_EQ(g_calls.n, c0, "hypercalls the tracker made");
	EXPECT_EQ(am_pt_tables(&g_pt), tables0, "table pages");
	EXPECT_EQ(hyp_state().guarded, 4, "granules the hypervisor guards");
	gh_end(CK_TRACKER_ERR);
}

static void ck_unmap_all(void)
{
	static const uint64_t touched[4] = {UART_IPA, RTC_IPA, VIRTIO_IPA, VIRTIO_IPA + 0x1000};
	unsigned long c0 = g_calls.n, k;
	struct hyp_state h0 = hyp_state(), h;
	unsigned int seen[4] = {0, 0, 0, 0}, i, other = 0;
	int n;

	gh_begin(CK_UNMAP_ALL);
	g_tlbi.n = g_tlbi.all = g_tlbi.other_asid = 0;
	n = am_mmio_unmap_all(&g_t);
	h = hyp_state();
	gh_say("am_mmio_unmap_all() -> %ld; the hypervisor guarded %lu granules before, %lu "
	       "after\n",
	       (uint64_t)(int64_t)n, h0.guarded, h.guarded);
	EXPECT_EQ(n, h0.guarded, "am_mmio_unmap_all() (got) against the hypervisor's count before");
	EXPECT_EQ(n, 4, "am_mmio_unmap_all(): the granules touched");
	EXPECT_EQ(h.guarded, 0, "granules the hypervisor guards after");
	EXPECT_EQ(h.unmaps - h0.unmaps, 4, "MMIO_GUARD_UNMAP calls the hypervisor served");
	EXPECT_EQ(g_calls.n - c0, 4, "hypercalls am_mmio_unmap_all() made");
	for (k = c0; k < g_calls.n && k - c0 < CALLS_KEEP; k++) {
		unsigned int j = call_at(k);
		bool found = false;

		gh_say("  HVC MMIO_GUARD_UNMAP(0x%lx) -> %ld\n", g_calls.c[j].arg,
		       (uint64_t)g_calls.c[j].ret, 0);
		EXPECT_EQ(g_calls.c[j].fid, abi->unmap, "the call (MMIO_GUARD_UNMAP)");
		EXPECT_EQ(g_calls.c[j].ret, AM_SMCCC_SUCCESS, "its result");
		for (i = 0; i < 4; i++)
			if (g_calls.c[j].arg == touched[i]) {
				seen[i]++;
				found = true;
			}
		if (!found)
			other++;
	}
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(seen[i], 1, "UNMAP calls for a touched granule (once each)");
		EXPECT_EQ(hyp_guarded(touched[i]), 0, "the hypervisor guards a touched granule");
		EXPECT_EQ(tlbi_seen(touched[i]), 1, "a TLBI for a parked page (got: seen)");
	}
	EXPECT_EQ(g_tlbi.other_asid, 0, "TLBIs for another ASID");
	gh_say("parking the 4 valid pages again: the engine issued %lu stage-1 TLBIs (%lu of all "
	       "entries) for ASID %lu\n",
	       g_tlbi.n, g_tlbi.all, ASID);
	EXPECT_EQ(other, 0, "UNMAP calls for granules never touched");
	expect_leaf("  UART   0x09000000", UART_IPA, false, PAGE, AM_MMIO_SW_LAZY);
	expect_leaf("  virtio 0x0a001000", VIRTIO_IPA + 0x1000, false, PAGE, AM_MMIO_SW_LAZY);
	expect_leaf("  GPIO   0x09030000 (not the tracker's)", GPIO_IPA, true, PAGE, 0);
	gh_end(CK_UNMAP_ALL);
}

static void ck_refault(void)
{
	unsigned long f0 = g_fault.n, c0 = g_calls.n;
	struct hyp_state h;
	uint32_t v;

	gh_begin(CK_REFAULT);
	v = mg_rd32(UART_IPA + PCELL_PERIPHID0);
	expect_fault_and_map("read of UART PeriphID0 again", f0, c0, UART_IPA + PCELL_PERIPHID0,
			     mg_rd32_insn, 3);
	expect_emulated(UART_IPA + PCELL_PERIPHID0, mg_rd32_insn, PL011_PERIPHID & 0xff);
	h = hyp_state();
	EXPECT_EQ(v, PL011_PERIPHID & 0xff, "UART PeriphID0");
	EXPECT_EQ(h.guarded, 1, "granules the hypervisor guards");
	EXPECT_EQ(hyp_guarded(UART_IPA), 1, "the hypervisor guards the UART's granule");
	gh_say("the UART page faulted again, was guarded anew and read 0x%lx; %lu granule "
	       "guarded\n",
	       v, h.guarded, 0);
	gh_end(CK_REFAULT);
}

uint64_t guest_main(uint64_t text, uint64_t rodata, uint64_t data, uint64_t end)
{
	g_lay.text = text;
	g_lay.rodata = rodata;
	g_lay.data = data;
	g_lay.end = end;
	if (ck_init() || ck_lazy())
		return 1;
	ck_uart_first();
	ck_uart_again();
	ck_rtc();
	ck_block();
	ck_refused();
	ck_hvc_bad();
	ck_tracker_err();
	ck_unmap_all();
	ck_refault();
	return 0;
}
