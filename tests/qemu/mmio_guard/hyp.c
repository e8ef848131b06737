/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mmio-guard: a small EL2 hypervisor serving the MMIO guard to an EL1
 * guest firmware that maps its devices lazily, on an emulated Cortex-A57
 * (QEMU virt, virtualization=on, started at EL2). Also `make demo`.
 *
 * The hypervisor turns its own EL2 stage-1 MMU on with an identity map
 * built by armmap: its image, the guest's RAM (to load it) and the device
 * pages it may touch on the guest's behalf (PL011 UART, PL031 RTC, fw_cfg,
 * PL061 GPIO, the virtio-mmio transports), as Device memory. The guest's
 * stage 2 (a P2M, VMID 1, 40-bit IPAs) maps the guest's 2 MiB of RAM and
 * nothing else: every device access of the guest traps here as a stage-2
 * data abort. The MMIO guard state is armmap's am_mmio_hyp (Android ABI,
 * 4 KiB granule, "RAM" = what the P2M maps).
 *
 * The guest (guest.c) builds its own stage 1 with armmap and drives the
 * checks. Here, its HVCs are served: the MMIO guard calls through
 * am_mmio_hyp_call(), the test calls of abi.h (the check protocol's:
 * tests/qemu/hyp_common/guest_check.h); and its trapped device
 * accesses are decided: an access whose granules are all guarded, with an
 * instruction syndrome, to a device this hypervisor maps, is carried out
 * on the real device (PA == IPA) and the guest resumes after it; any other
 * is refused, counted, and the guest takes a synchronous external abort at
 * EL1. Each check's result line is printed after this side's own view:
 * the calls it served, the guarded count, the accesses it carried out or
 * refused, with ESR_EL2, HPFAR_EL2 and FAR_EL2.
 */
#include <armmap/errors.h>
#include <armmap/mmio_guard.h>
#include <armmap/p2m.h>
#include <armmap/pt.h>

#include "tests/qemu/aarch64/exc.h"
#include "tests/qemu/aarch64/mmio_trap.h"
#include <armmap/arch/aarch64/pt_ops.h>
#include <armmap/arch/aarch64/sysreg.h>
#include "tests/qemu/aarch64/vm.h"
#include "tests/qemu/common/check.h"
#include "tests/qemu/hyp_common/guest_check.h"
#include "tests/qemu/hyp_common/hyp.h"
#include "tests/qemu/mmio_guard/abi.h"

#define PAGE 0x1000ul
#define RAM_BASE 0x40000000ul
#define FT_FRAMES 1024u /* [0x4000_0000, 0x4040_0000): the hypervisor and the guest */
#define S2_POOL_PAGES 16u
#define VMID 1u
#define GUARD_SLOTS 8u

const char check_suite[] = "qemu-mmio-guard";

/* link.ld (the image's own parts: hyp.h) */
extern char __mg_text_start[], __mg_rodata_start[], __mg_data_start[], __mg_data_end[];
extern char __mg_bss_start[], __mg_bss_end[], __mg_stack_top[];

/* The guest (guest_entry.S): what the hypervisor needs to know of it. */
extern char mg_guest_entry[], mg_boot_vectors[], mg_rd32_insn[], mg_wr32_insn[];

int main(void);

/* ---------------------------------------------------------------------- */
/* The hypervisor's state                                                  */
/* ---------------------------------------------------------------------- */

/* The devices this hypervisor maps at EL2 (Device-nGnRE), so may access for the guest. */
static const struct hyp_region g_dev[] = {
	{"PL011 UART", UART_IPA, UART_IPA + DEV_PAGE, &hyp_attr_dev, 0},
	{"PL031 RTC", RTC_IPA, RTC_IPA + DEV_PAGE, &hyp_attr_dev, 0},
	{"fw_cfg", 0x09020000, 0x09020000 + DEV_PAGE, &hyp_attr_dev, 0},
	{"PL061 GPIO", GPIO_IPA, GPIO_IPA + DEV_PAGE, &hyp_attr_dev, 0},
	{"virtio-mmio", VIRTIO_IPA, VIRTIO_IPA + 4 * DEV_PAGE, &hyp_attr_dev, 0},
};
#define NR_DEV (sizeof(g_dev) / sizeof(g_dev[0]))

static struct am_page_info g_pages[FT_FRAMES];
static struct am_frame_table g_ft;

static struct am_p2m g_p2m;
static struct am_aarch64_pt_ctx g_s2ctx;
static uint8_t g_s2pool[S2_POOL_PAGES * PAGE] __attribute__((aligned(4096)));
static struct am_p2m_ops g_p2m_ops;

static struct am_mmio_hyp g_hyp;
static uint64_t g_slots[GUARD_SLOTS];
static const struct am_mmio_abi *const abi = &am_mmio_abi_android;

/* What the hypervisor read from the devices itself, at boot. */
static struct {
	uint32_t uart_id, rtc_id, rtc_dr, virtio0, virtio8;
} g_ref;

/* The MMIO guard calls served. */
static struct {
	unsigned long info, enroll, meminfo, other;
	unsigned long map_ok, map_bad, unmap_ok, unmap_bad;
} g_calls;

/* The device accesses trapped at stage 2. */
static struct {
	unsigned long done, refused, no_syndrome, not_backed;
	uint64_t last, last_refused;
	uint64_t esr, ipa, val, elr; /* of the last one */
	unsigned long uart_bytes, uart_sum;
	bool quiet;
} g_emul;

/* ---------------------------------------------------------------------- */
/* Names                                                                   */
/* ---------------------------------------------------------------------- */

static const char *dev_name(uint64_t ipa)
{
	unsigned int i;

	for (i = 0; i < NR_DEV; i++)
		if (ipa >= g_dev[i].start && ipa < g_dev[i].end)
			return g_dev[i].name;
	if (ipa - VIRTIO_IPA < VIRTIO_SIZE)
		return "virtio window";
	return "no device";
}

static const char *fid_name(uint32_t fid)
{
	if (fid == abi->info)
		return "MMIO_GUARD_INFO";
	if (fid == abi->enroll)
		return "MMIO_GUARD_ENROLL";
	if (fid == abi->map)
		return "MMIO_GUARD_MAP";
	if (fid == abi->unmap)
		return "MMIO_GUARD_UNMAP";
	if (fid == abi->meminfo)
		return "MEMINFO";
	return "an unknown function";
}

static const char *smccc_name(int64_t r)
{
	return r == AM_SMCCC_SUCCESS		 ? "SUCCESS"
	       : r == AM_SMCCC_NOT_SUPPORTED	 ? "NOT_SUPPORTED"
	       : r == AM_SMCCC_INVALID_PARAMETER ? "INVALID_PARAMETER"
	       : r > 0				 ? "the granule"
						 : "?";
}

/* ---------------------------------------------------------------------- */
/* Boot: the P2M, the MMIO guard state                                    */
/* ---------------------------------------------------------------------- */

/* Does the hypervisor map [ipa, ipa + size) as a device at EL2 (PA == IPA)? */
static bool backed(uint64_t ipa, uint64_t size)
{
	struct am_pt_leaf a, b;

	return !am_pt_query(&hyp_guest_el2.pt, am_va(ipa), &a) && am_attr_is_device(&a.attr) &&
	       !am_pt_query(&hyp_guest_el2.pt, am_va(ipa + size - 1), &b) &&
	       am_attr_is_device(&b.attr);
}

/* am_mmio_hyp's is_ram: guest RAM is whatever the guest's P2M maps. */
static bool is_ram(void *ctx, uint64_t ipa, uint64_t size)
{
	uint64_t g;
	am_mfn_t mfn;
	enum am_p2m_type t;

	(void)ctx;
	for (g = ipa >> 12; g <= (ipa + size - 1) >> 12; g++)
		if (am_p2m_lookup(&g_p2m, am_gfn(g), &mfn, &t) == 0)
			return true;
	return false;
}

static int p2m_build(void)
{
	struct am_p2m_config cfg = {
		.ipa_bits = GUEST_IPA_BITS,
		.pa_bits = hyp_pa_bits(),
		.vmid = VMID,
		.frames = &g_ft,
		.dom = {.shared_info = AM_MFN_INVALID},
	};
	const am_gfn_t ram = am_ipa_to_gfn(am_va(GUEST_RAM_IPA));
	unsigned int i;
	int rc;

	for (i = 0; i < FT_FRAMES; i++)
		am_frame_init(&g_pages[i], false);
	if (am_frame_table_init(&g_ft, g_pages, am_mfn(RAM_BASE >> 12), FT_FRAMES))
		return -1;
	g_p2m_ops.pt = &am_aarch64_pt_ops; /* no lock: one CPU, the P2M calls run at EL2 only */
	rc = am_aarch64_pt_ctx_init(&g_s2ctx, g_s2pool, sizeof(g_s2pool));
	rc = rc ? rc : am_p2m_init(&g_p2m, &cfg, &g_p2m_ops, &g_s2ctx);
	rc = rc ? rc
		: am_p2m_map(&g_p2m, ram, am_pa_to_mfn(am_pa(GUEST_RAM_IPA)), GUEST_RAM_SIZE >> 12,
			     AM_P2M_RAM_RW);
	con_printf("  the guest's stage 2 (P2M, VMID %u, %u-bit IPAs): its 2 MiB of RAM at IPA "
		   "0x%lx == PA, RAM_RW: %s\n",
		   VMID, GUEST_IPA_BITS, GUEST_RAM_IPA, errname(rc));
	return rc;
}

/* The devices must not be in the guest's stage 2: every access of the guest traps. */
static void expect_unmapped(uint64_t ipa)
{
	am_mfn_t mfn = am_mfn(0);
	enum am_p2m_type t = AM_P2M_NONE;
	int rc = am_p2m_lookup(&g_p2m, am_gfn(ipa >> 12), &mfn, &t);

	con_printf("    %-12s IPA 0x%08lx: am_p2m_lookup() -> %s\n", dev_name(ipa), ipa,
		   errname(rc));
	EXPECT(rc == AM_ENOENT, "%s is in the guest's stage 2 (%s)\n", dev_name(ipa), errname(rc));
}

static uint32_t rd32(uint64_t pa)
{
	return *(volatile uint32_t *)(uintptr_t)pa;
}

static uint32_t periph_id(uint64_t base)
{
	uint32_t id = 0;
	unsigned int i;

	for (i = 0; i < 4; i++)
		id |= (rd32(base + PCELL_PERIPHID0 + 4u * i) & 0xffu) << (8u * i);
	return id;
}

/* What the devices say to the hypervisor itself: the guest must see the same. */
static void read_devices(void)
{
	g_ref.uart_id = periph_id(UART_IPA);
	g_ref.rtc_id = periph_id(RTC_IPA);
	g_ref.rtc_dr = rd32(RTC_IPA + RTC_DR);
	g_ref.virtio0 = rd32(VIRTIO_IPA);
	g_ref.virtio8 = rd32(VIRTIO_IPA + 0x1000);
	con_printf("  EL2 reads the devices itself: PL011 PeriphID3..0 0x%08x, PL031 PeriphID3..0 "
		   "0x%08x, RTCDR %u,\n    virtio-mmio magic 0x%08x (transport 0), 0x%08x "
		   "(transport 8)\n",
		   g_ref.uart_id, g_ref.rtc_id, g_ref.rtc_dr, g_ref.virtio0, g_ref.virtio8);
	EXPECT(g_ref.uart_id == PL011_PERIPHID, "PL011 PeriphID 0x%08x\n", g_ref.uart_id);
	EXPECT(g_ref.rtc_id == PL031_PERIPHID, "PL031 PeriphID 0x%08x\n", g_ref.rtc_id);
	EXPECT(g_ref.virtio0 == VIRTIO_MAGIC && g_ref.virtio8 == VIRTIO_MAGIC,
	       "virtio-mmio magic 0x%08x 0x%08x\n", g_ref.virtio0, g_ref.virtio8);
}

/*
 * The boot check, the EL2 MMU on: the P2M, the MMIO guard state, the
 * devices read here, the guest's RAM; its entry in @e.
 */
static bool boot(struct am_aarch64_vm_entry *e)
{
	const struct am_mmio_hyp_config hcfg = {
		.abi = abi,
		.granule = 4096,
		.slots = g_slots,
		.nr_slots = GUARD_SLOTS,
		.is_ram = is_ram,
		.ctx = NULL,
	};
	int rc;

	rc = p2m_build();
	EXPECT(rc == 0, "building the P2M: %s\n", errname(rc));
	if (rc == 0) {
		expect_unmapped(UART_IPA);
		expect_unmapped(RTC_IPA);
		expect_unmapped(GPIO_IPA);
		expect_unmapped(VIRTIO_IPA);
		rc = am_mmio_hyp_init(&g_hyp, &hcfg);
		con_printf("  am_mmio_hyp_init(Android ABI, 4 KiB granule, %u slots, is_ram = the "
			   "P2M's RAM): %s; guarded granules: %u\n",
			   GUARD_SLOTS, errname(rc), am_mmio_hyp_guarded(&g_hyp));
		EXPECT(rc == 0, "am_mmio_hyp_init: %s\n", errname(rc));
		read_devices();
	}
	if (rc == 0) {
		hyp_guest_load(__mg_bss_start, __mg_bss_end);
		*e = (struct am_aarch64_vm_entry){
			.hcr = AM_HCR_VM | AM_HCR_SWIO | AM_HCR_RW,
			.vtcr = am_pt_tcr(&g_p2m.pt),
			.vttbr = am_pt_ttbr(&g_p2m.pt),
			.sctlr_el1 = 0,
			.vbar_el1 = (uintptr_t)mg_boot_vectors,
			.sp_el1 = (uintptr_t)__mg_stack_top,
			.pc = (uintptr_t)mg_guest_entry,
			.spsr = AM_SPSR_M_EL1H | AM_SPSR_DAIF,
			.x = {(uintptr_t)__mg_text_start, (uintptr_t)__mg_rodata_start,
			      (uintptr_t)__mg_data_start, (uintptr_t)__mg_data_end},
		};
		con_printf("  enter EL1h at IPA 0x%lx, SP_EL1 0x%lx: HCR_EL2 0x%lx (VM, SWIO, RW; "
			   "no DC: the guest's own stage 1 decides), VTTBR_EL2 0x%lx\n",
			   e->pc, e->sp_el1, e->hcr, e->vttbr);
	}
	return rc == 0;
}

/* ---------------------------------------------------------------------- */
/* The guest's device accesses: trapped at stage 2                          */
/* ---------------------------------------------------------------------- */

static bool guest_dabt(struct am_aarch64_frame *f)
{
	uint64_t hpfar = am_read_sysreg(hpfar_el2);
	uint64_t ipa = am_aarch64_s2_fault_ipa(hpfar, f->far), v;
	unsigned int fsc = am_esr_fsc(f->esr);
	struct am_aarch64_mmio_access a;
	bool syn = am_aarch64_mmio_decode(f->esr, ipa, &a);
	bool write = (f->esr & AM_ISS_WNR) != 0;
	const char *why = NULL;

	if (is_ram(NULL, ipa, 1))
		return false; /* the guest's RAM is mapped: a fault there is a bug */
	g_emul.esr = f->esr;
	g_emul.ipa = ipa;
	g_emul.elr = f->elr;
	g_emul.val = 0;
	if (!syn) {
		why = "no instruction syndrome (ISV clear)";
		g_emul.no_syndrome++;
	} else if (!am_mmio_hyp_allowed(&g_hyp, ipa, a.size)) {
		why = "not guarded";
	} else if (!backed(ipa, a.size)) {
		why = "guarded, but no device the hypervisor maps";
		g_emul.not_backed++;
	}
	if (!why) {
		/* PA == IPA, and the hypervisor's own map is the identity */
		uint64_t elr = f->elr;

		v = am_aarch64_mmio_emulate(f, &a, ipa);
		g_emul.val = v;
		g_emul.done++;
		g_emul.last = ipa;
		if (ipa == UART_IPA + UART_DR && a.write) {
			g_emul.uart_bytes++;
			g_emul.uart_sum += v & 0xffu;
		}
		if (!g_emul.quiet)
			con_printf("  EL2: stage-2 data abort (EC 0x%x, %s fault level %u): %s %u "
				   "bytes at IPA 0x%08lx (%s), x%u, ELR_EL2 0x%lx;\n"
				   "       guarded -> carried out on the device: 0x%lx\n",
				   am_esr_ec(f->esr), am_aarch64_fsc_name(fsc), AM_FSC_LEVEL(fsc),
				   a.write ? "write" : "read", a.size, ipa, dev_name(ipa), a.reg,
				   elr, v);
		return true;
	}
	g_emul.refused++;
	g_emul.last_refused = ipa;
	am_aarch64_vm_inject_dabt(f, f->far, write, AM_FSC_SYNC_EXT);
	con_printf(
		"  EL2: stage-2 data abort (EC 0x%x, %s fault level %u): %s at IPA 0x%08lx (%s), "
		"ELR_EL2 0x%lx;\n       %s -> refused: the guest takes a synchronous external "
		"abort (ESR_EL1 0x%lx)\n",
		am_esr_ec(f->esr), am_aarch64_fsc_name(fsc), AM_FSC_LEVEL(fsc),
		write ? "write" : "read", ipa, dev_name(ipa), g_emul.elr, why,
		am_read_sysreg(esr_el1));
	return true;
}

/* ---------------------------------------------------------------------- */
/* The guest's hypercalls                                                  */
/* ---------------------------------------------------------------------- */

/* What a check began with. */
static struct {
	unsigned long map_ok, map_bad, unmap_ok, unmap_bad, done, refused;
} g_ck0;

/* An MMIO guard call: armmap's am_mmio_hyp decides. */
static void guard_call(struct am_aarch64_frame *f)
{
	uint32_t fid = (uint32_t)f->x[0];
	uint64_t arg = f->x[1];
	int64_t r = am_mmio_hyp_call(&g_hyp, fid, arg);
	bool ok = r >= 0;

	if (fid == abi->info)
		g_calls.info++;
	else if (fid == abi->enroll)
		g_calls.enroll++;
	else if (fid == abi->meminfo)
		g_calls.meminfo++;
	else if (fid == abi->map)
		ok ? g_calls.map_ok++ : g_calls.map_bad++;
	else if (fid == abi->unmap)
		ok ? g_calls.unmap_ok++ : g_calls.unmap_bad++;
	else
		g_calls.other++;
	con_printf("  HVC 0x%08x %s", fid, fid_name(fid));
	if (fid == abi->map || fid == abi->unmap)
		con_printf("(IPA 0x%08lx, %s)", arg, dev_name(arg));
	con_printf(" -> %ld (%s); guarded granules: %u\n", (long)r, smccc_name(r),
		   am_mmio_hyp_guarded(&g_hyp));
	f->x[0] = (uint64_t)r;
}

/* MG_HYP_STATE: the guarded count, the enrolled flag, the MAP and UNMAP calls. */
static void hc_hyp_state(struct am_aarch64_frame *f)
{
	f->x[0] = am_mmio_hyp_guarded(&g_hyp);
	f->x[1] = g_hyp.enrolled; /* a private member, read here to show the flag itself */
	f->x[2] = g_calls.map_ok + g_calls.map_bad;
	f->x[3] = g_calls.unmap_ok + g_calls.unmap_bad;
}

/* MG_GUARDED: am_mmio_hyp_allowed(). */
static void hc_guarded(struct am_aarch64_frame *f)
{
	f->x[0] = am_mmio_hyp_allowed(&g_hyp, f->x[1], f->x[2]);
}

/* MG_EMUL_STATE: the accesses carried out and refused. */
static void hc_emul_state(struct am_aarch64_frame *f)
{
	f->x[0] = g_emul.done;
	f->x[1] = g_emul.refused;
	f->x[2] = g_emul.last;
	f->x[3] = g_emul.last_refused;
}

/* MG_LAST_TRAP: the last device access trapped. */
static void hc_last_trap(struct am_aarch64_frame *f)
{
	f->x[0] = g_emul.esr;
	f->x[1] = g_emul.ipa;
	f->x[2] = g_emul.val;
	f->x[3] = g_emul.elr;
}

/* MG_UART_STATE: the bytes written to UARTDR for the guest. */
static void hc_uart_state(struct am_aarch64_frame *f)
{
	f->x[0] = g_emul.uart_bytes;
	f->x[1] = g_emul.uart_sum;
}

/* MG_QUIET: no detail line per access carried out. */
static void hc_quiet(struct am_aarch64_frame *f)
{
	g_emul.quiet = f->x[1] != 0;
	f->x[0] = 0;
}

static const struct hyp_call g_test_calls[] = {
	{MG_HYP_STATE, "hyp_state", hc_hyp_state},    {MG_GUARDED, "guarded", hc_guarded},
	{MG_EMUL_STATE, "emul_state", hc_emul_state}, {MG_LAST_TRAP, "last_trap", hc_last_trap},
	{MG_UART_STATE, "uart_state", hc_uart_state}, {MG_QUIET, "quiet", hc_quiet},
};

static const struct hyp_trap g_traps[] = {
	{AM_EC_HVC64, hyp_guest_hvc},
	{AM_EC_DABT_LOW, guest_dabt},
};

/* ---------------------------------------------------------------------- */
/* The hypervisor's side of each check                                     */
/* ---------------------------------------------------------------------- */

/* What each check must have done here: calls served, accesses refused, guarded after. */
static const struct {
	uint8_t map_ok, map_bad, unmap_ok, unmap_bad, refused, guarded;
	int8_t done; /* accesses carried out; -1: some */
} g_want[CK_COUNT] = {
	[CK_INIT] = {0, 0, 0, 0, 0, 0, 0},	  [CK_LAZY] = {0, 0, 0, 0, 0, 0, 0},
	[CK_UART_FIRST] = {1, 0, 0, 0, 0, 1, 1},  [CK_UART_AGAIN] = {0, 0, 0, 0, 0, 1, -1},
	[CK_RTC] = {1, 0, 0, 0, 0, 2, 6},	  [CK_BLOCK] = {2, 0, 0, 0, 0, 4, 2},
	[CK_REFUSED] = {0, 0, 0, 0, 2, 4, 0},	  [CK_HVC_BAD] = {0, 2, 0, 1, 0, 4, 0},
	[CK_TRACKER_ERR] = {0, 0, 0, 0, 0, 4, 0}, [CK_UNMAP_ALL] = {0, 0, 4, 0, 0, 0, 0},
	[CK_REFAULT] = {1, 0, 0, 0, 0, 1, 1},
};

/* A check of the guest begins: what it starts from. */
static void begin(uint64_t id)
{
	(void)id;
	g_ck0.map_ok = g_calls.map_ok;
	g_ck0.map_bad = g_calls.map_bad;
	g_ck0.unmap_ok = g_calls.unmap_ok;
	g_ck0.unmap_bad = g_calls.unmap_bad;
	g_ck0.done = g_emul.done;
	g_ck0.refused = g_emul.refused;
}

/* It ends: this side's view of it. */
static void verify(uint64_t id)
{
	unsigned long map_ok = g_calls.map_ok - g_ck0.map_ok;
	unsigned long map_bad = g_calls.map_bad - g_ck0.map_bad;
	unsigned long unmap_ok = g_calls.unmap_ok - g_ck0.unmap_ok;
	unsigned long unmap_bad = g_calls.unmap_bad - g_ck0.unmap_bad;
	unsigned long done = g_emul.done - g_ck0.done, refused = g_emul.refused - g_ck0.refused;
	unsigned int guarded = am_mmio_hyp_guarded(&g_hyp);

	con_printf("  EL2 view: %lu MAP, %lu UNMAP served (%lu, %lu refused); %lu accesses "
		   "carried out, %lu refused; guarded granules: %u\n",
		   map_ok, unmap_ok, map_bad, unmap_bad, done, refused, guarded);
	EXPECT(map_ok == g_want[id].map_ok && map_bad == g_want[id].map_bad,
	       "MAP calls: %lu served, %lu refused; expected %u, %u\n", map_ok, map_bad,
	       g_want[id].map_ok, g_want[id].map_bad);
	EXPECT(unmap_ok == g_want[id].unmap_ok && unmap_bad == g_want[id].unmap_bad,
	       "UNMAP calls: %lu served, %lu refused; expected %u, %u\n", unmap_ok, unmap_bad,
	       g_want[id].unmap_ok, g_want[id].unmap_bad);
	EXPECT(refused == g_want[id].refused, "%lu accesses refused, expected %u\n", refused,
	       g_want[id].refused);
	EXPECT(g_want[id].done < 0 ? done > 0 : done == (unsigned long)g_want[id].done,
	       "%lu accesses carried out, expected %d\n", done, g_want[id].done);
	EXPECT(guarded == g_want[id].guarded, "%u granules guarded, expected %u\n", guarded,
	       g_want[id].guarded);
	switch (id) {
	case CK_INIT:
		con_printf("  EL2: the guest's HVCs come from SPSR_EL2 0x%lx (EL1h); INFO %lu, "
			   "ENROLL %lu; enrolled: %s\n",
			   hyp_guest_spsr, g_calls.info, g_calls.enroll,
			   g_hyp.enrolled ? "yes" : "no");
		EXPECT((hyp_guest_spsr & AM_SPSR_M_MASK) == AM_SPSR_M_EL1H, "not from EL1h\n");
		EXPECT(g_calls.info == 1 && g_calls.enroll == 1, "INFO %lu, ENROLL %lu calls\n",
		       g_calls.info, g_calls.enroll);
		EXPECT(g_hyp.enrolled, "the guest is not enrolled\n");
		break;
	case CK_UART_FIRST:
	case CK_REFAULT:
		EXPECT(g_emul.val == (g_ref.uart_id & 0xffu),
		       "the guest got 0x%lx, EL2 read 0x%x itself\n", g_emul.val,
		       g_ref.uart_id & 0xffu);
		EXPECT(g_emul.elr == (uintptr_t)mg_rd32_insn,
		       "the trap came from 0x%lx, not the guest's read instruction\n", g_emul.elr);
		break;
	case CK_UART_AGAIN:
		con_printf("  EL2: %lu bytes written to UARTDR for the guest so far\n",
			   g_emul.uart_bytes);
		break;
	case CK_UNMAP_ALL:
		EXPECT(!am_mmio_hyp_allowed(&g_hyp, UART_IPA, 1), "the UART is still guarded\n");
		break;
	default:
		break;
	}
	EXPECT(g_emul.no_syndrome == 0 && g_emul.not_backed == 0,
	       "%lu traps without syndrome, %lu guarded without a device\n", g_emul.no_syndrome,
	       g_emul.not_backed);
}

/* ---------------------------------------------------------------------- */
/* After the guest                                                         */
/* ---------------------------------------------------------------------- */

/* The final check: the counts over the run agree. */
static void final(void)
{
	con_printf("  MMIO guard calls served: INFO %lu, ENROLL %lu, MEMINFO %lu, MAP %lu (+%lu "
		   "refused), UNMAP %lu (+%lu refused), other %lu\n",
		   g_calls.info, g_calls.enroll, g_calls.meminfo, g_calls.map_ok, g_calls.map_bad,
		   g_calls.unmap_ok, g_calls.unmap_bad, g_calls.other);
	con_printf("  device accesses trapped at stage 2: %lu carried out (%lu bytes to UARTDR), "
		   "%lu refused; guarded granules at the end: %u\n",
		   g_emul.done, g_emul.uart_bytes, g_emul.refused, am_mmio_hyp_guarded(&g_hyp));
	EXPECT(g_calls.map_ok - g_calls.unmap_ok == am_mmio_hyp_guarded(&g_hyp),
	       "MAPs served minus UNMAPs served is not the guarded count\n");
	EXPECT(g_emul.no_syndrome == 0 && g_emul.not_backed == 0,
	       "%lu traps without syndrome, %lu guarded without a device\n", g_emul.no_syndrome,
	       g_emul.not_backed);
}

/* ---------------------------------------------------------------------- */
/* The image                                                               */
/* ---------------------------------------------------------------------- */

static const char *const ck_name[CK_COUNT] = {
	[CK_BOOT] = "the hypervisor: the guest's stage 2 maps its RAM only, so every device access "
		    "traps to EL2; the MMIO guard state is empty; EL2 reads the devices itself",
	[CK_INIT] = "the guest firmware at EL1 builds its stage 1 with armmap; "
		    "am_mmio_tracker_init() gets the 4 KiB granule by a real INFO HVC and enrolls",
	[CK_LAZY] = "the UART, the RTC and a 2 MiB virtio window are mapped lazily (parked, "
		    "software bit LAZY; the window one block); MMU on; no MAP HVC yet",
	[CK_UART_FIRST] = "the first UART access takes a real EL1 translation fault; the handler "
			  "makes one MMIO_GUARD_MAP HVC; the retried access traps to EL2 and "
			  "reaches the PL011",
	[CK_UART_AGAIN] = "further UART accesses take no fault and no HVC: PeriphID and UARTFR "
			  "read, a line written to UARTDR, all through the hypervisor",
	[CK_RTC] = "a second device, the PL031 RTC: its first access faults and guards its "
		   "granule; PeriphID and the running clock come from the device",
	[CK_BLOCK] = "the lazy 2 MiB block: a fault at level 2 guards one 4 KiB granule and splits "
		     "the block; another page of it faults and guards on its own",
	[CK_REFUSED] = "an access to a granule the guest never guarded (GPIO page mapped by hand) "
		       "is refused by the hypervisor: counted, no device access, an abort in the "
		       "guest",
	[CK_HVC_BAD] = "the hypervisor refuses bad MMIO guard calls: MAP of guest RAM or of an "
		       "unaligned IPA, UNMAP of an unguarded granule, an unknown function",
	[CK_TRACKER_ERR] = "the tracker's refusals: a fault with no lazy PTE -> AM_ENOENT, an "
			   "overlap -> AM_EBUSY, outside its space -> AM_ERANGE; no HVC made",
	[CK_UNMAP_ALL] = "am_mmio_unmap_all() unguards exactly the 4 granules touched: its value "
			 "is the hypervisor's count before, which is 0 after; pages parked again",
	[CK_REFAULT] = "after unmap-all the UART faults again and is guarded anew: the "
		       "hypervisor's count is back to 1",
	[CK_FINAL] = "afterwards: the guest exited cleanly; MAPs served minus UNMAPs served equals "
		     "the hypervisor's guarded count",
};

static const struct hyp_guest g_guest = {
	.banner = "an EL2 hypervisor serves the MMIO guard (am_mmio_hyp)\n"
		  "to an EL1 guest firmware that builds its own stage 1 with armmap and maps its\n"
		  "devices lazily with the tracker (am_mmio_tracker): a first access faults at\n"
		  "EL1, the handler guards the granule with a real HVC, the retried access traps\n"
		  "at stage 2 and the hypervisor carries it out on the real device, because it is\n"
		  "guarded (QEMU virt, Cortex-A57, virtualization=on).\n",
	.names = ck_name,
	.count = CK_COUNT,
	.devices = g_dev,
	.nr_devices = NR_DEV,
	.traps = g_traps,
	.nr_traps = sizeof(g_traps) / sizeof(g_traps[0]),
	.calls = g_test_calls,
	.nr_calls = sizeof(g_test_calls) / sizeof(g_test_calls[0]),
	.other = guard_call,
	.not_supported = AM_SMCCC_NOT_SUPPORTED,
	.boot = boot,
	.begin = begin,
	.verify = verify,
	.final = final,
};

int main(void)
{
	return hyp_guest_run(&g_guest);
}
