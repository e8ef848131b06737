/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-linux: an EL2 hypervisor whose guest's stage 2 is armmap's P2M, and
 * which serves the part of Xen's ABI that an unmodified Linux kernel uses
 * as a Xen guest on Arm (xen.h), on an emulated Cortex-A57 (QEMU virt,
 * virtualization=on). The runner (scripts/run-linux.sh) loads the payload
 * into the guest's RAM and writes the run's mode (layout.h):
 *  - LX_MODE_PREMAP: Debian's kernel, its RAM mapped as 2 MiB blocks first;
 *  - LX_MODE_ONDEMAND: the same kernel, its RAM mapped as it first touches
 *    it, on its stage-2 translation faults: 4 KiB pages below
 *    LX_PAGES_BELOW, 2 MiB blocks above (a page where a block would cover
 *    something mapped already);
 *  - LX_MODE_REFUSE: refuse.c, a small guest of this repository making the
 *    calls Linux never makes.
 *
 * Linux finds Xen by the /hypervisor node of its device tree (guest.dts),
 * asks for the feature map, maps the shared_info frame over a page of its
 * own RAM and the grant frames into the grant region, registers its
 * vcpu_info and runstate area, and at the end reads the wallclock that
 * this side wrote into shared_info from the PL031 RTC (the guest has no
 * clock of its own). The shared_info and grant frames are this side's own
 * pages (xenheap frames of its frame table): add_to_physmap maps them
 * with am_p2m_add_physmap(), which records the GFN in the frame's
 * type_info (seed 003). As in Xen, the RAM page at that GFN is unhooked
 * first (and put back if the add fails), and a frame that is mapped
 * already is refused with -EBUSY.
 *
 * Interrupts go straight to EL1 (HCR_EL2.IMO/FMO clear): the guest drives
 * the GIC distributor and CPU interface itself, through stage 2. PSCI is
 * by SMC, trapped (HCR_EL2.TSC) and emulated here (0.2: version, migrate
 * info, system off and reset). Every other hypercall or SMC gets -ENOSYS
 * (PSCI: NOT_SUPPORTED), counted and logged by number.
 *
 * After the guest shut down, the checks of this side run and the P2M is
 * destroyed: every xenheap frame's GFN cleared, every table page back,
 * every frame's reference count as at boot. What Linux printed is checked
 * by the runner.
 */
#include <armmap/errors.h>
#include <armmap/p2m.h>
#include <armmap/pt.h>

#include "tests/qemu/aarch64/exc.h"
#include <armmap/arch/aarch64/pt_ops.h>
#include <armmap/arch/aarch64/sysreg.h>
#include "tests/qemu/aarch64/vm.h"
#include "tests/qemu/common/check.h"
#include "tests/qemu/hyp_common/hyp.h"
#include "tests/qemu/hyp_common/relay.h"
#include "tests/qemu/linux/layout.h"
#include "tests/qemu/linux/refuse.h"
#include "tests/qemu/linux/xen.h"

#define PAGE 0x1000ul
#define UART_PA 0x09000000ul
#define GICD_PA 0x08000000ul
#define GICC_PA 0x08010000ul
#define HYP_BASE 0x40000000ul
#define FT_FRAMES ((LX_RAM_PA + LX_RAM_SIZE - HYP_BASE) / PAGE)
#define RAM_GFN ((uint64_t)LX_RAM_IPA >> 12)
#define RAM_MFN ((uint64_t)LX_RAM_PA >> 12)
#define RAM_PAGES ((uint64_t)LX_RAM_SIZE >> 12)
#define GNT_GFN ((uint64_t)LX_GNT_IPA >> 12)
#define GNT_PAGES ((uint64_t)LX_GNT_SIZE >> 12)
#define LX_PAGES_BELOW (LX_RAM_IPA + 0x01000000ul) /* on demand: pages below, blocks above */
#define S2_POOL_PAGES 256u
#define EL2_POOL_PAGES 16u
#define VMID 1u
#define NR_GNT 4u /* grant frames the guest may map (GNTTABOP_query_size: max) */
#define IPA_BITS 39u

const char check_suite[] = "qemu-linux/hyp";

/* ---------------------------------------------------------------------- */
/* State                                                                   */
/* ---------------------------------------------------------------------- */

static uint32_t g_mode;

/* The xenheap frames: shared_info, the grant frames, one status frame. */
enum { XP_SHINFO, XP_GNT0, XP_STATUS0 = XP_GNT0 + NR_GNT, XP_COUNT };
static uint8_t xen_page[XP_COUNT][PAGE] __attribute__((aligned(4096)));

static struct am_page_info g_pages[FT_FRAMES];
static unsigned long g_count0[FT_FRAMES]; /* count_info at boot */
static struct am_frame_table g_ft;
static am_mfn_t g_gnt_shared[NR_GNT], g_gnt_status[1];

static struct am_p2m g_p2m;
static struct am_aarch64_pt_ctx g_s2ctx;
static uint8_t g_s2pool[S2_POOL_PAGES * PAGE] __attribute__((aligned(4096)));
static struct am_pt_ops g_s2ops;
static struct am_p2m_ops g_p2m_ops;

static struct hyp_el2 g_el2;
static uint8_t g_el2pool[EL2_POOL_PAGES * PAGE] __attribute__((aligned(4096)));

static struct am_aarch64_vm_entry g_entry;

/* What the run did, for the checks. */
enum end_how { END_NONE, END_SHUTDOWN, END_PSCI_OFF, END_PSCI_RESET, END_FAULT };
static struct {
	/* hypercalls */
	unsigned long calls, served, unknown;
	unsigned long unknown_nr[XEN_HC_COUNT + 1]; /* the last: numbers above */
	bool features, query_size, evtchn_fifo, get_param;
	/* add_to_physmap */
	uint64_t shinfo_asked;
	int64_t shinfo_rc;
	unsigned int shinfo_adds;
	uint64_t gnt_asked[NR_GNT];
	unsigned int gnt_adds;
	unsigned long unhooked; /* RAM pages unhooked for a xenheap frame */
	/* vcpu_info, runstate */
	bool vcpu_info, runstate;
	uint64_t vcpu_info_gfn, vcpu_info_off, runstate_va;
	/* the end */
	enum end_how end;
	uint64_t shutdown_reason;
	/* stage-2 faults on demand */
	unsigned long faults, pages, blocks;
	/* PSCI */
	unsigned long psci_calls, psci_unknown;
	/* the wallclock written into shared_info, the RTC at the end */
	uint32_t wc_sec, rtc_end;
	/* refusal run: each call's answer, by its test */
	int64_t refuse_rc[RF_COUNT];
	bool refuse_seen[RF_COUNT];
	unsigned long refuse_changed; /* refused calls that changed the table or a frame */
} g_run;

static struct am_page_info *xp_frame(unsigned int i)
{
	return am_frame_of(&g_ft, hyp_mfn(xen_page[i]));
}

static uint64_t xp_gfn(unsigned int i)
{
	return am_gfn_val(hyp_xenheap_gfn(&g_ft, xen_page[i]));
}

static const char *xp_name(unsigned int i)
{
	static const char *const n[XP_COUNT] = {"shared_info",	 "grant frame 0", "grant frame 1",
						"grant frame 2", "grant frame 3", "status frame 0"};

	return i < XP_COUNT ? n[i] : "?";
}

static uint32_t rtc_read(void)
{
	return *(volatile uint32_t *)(uintptr_t)LX_RTC_PA; /* RTCDR: seconds since 1970 */
}

/* ---------------------------------------------------------------------- */
/* The end of the run                                                      */
/* ---------------------------------------------------------------------- */

static void end_run(enum end_how how, uint64_t arg) __attribute__((noreturn));
static void end_run(enum end_how how, uint64_t arg)
{
	g_run.end = how;
	g_run.shutdown_reason = arg;
	g_run.rtc_end = rtc_read();
	am_aarch64_vm_exit(how);
}

/* ---------------------------------------------------------------------- */
/* Stage 2 on demand                                                       */
/* ---------------------------------------------------------------------- */

static bool in_ram(uint64_t gfn)
{
	return gfn >= RAM_GFN && gfn < RAM_GFN + RAM_PAGES;
}

static uint64_t ram_mfn(uint64_t gfn)
{
	return RAM_MFN + (gfn - RAM_GFN);
}

/* Map the RAM at @gfn, on demand: a 2 MiB block above LX_PAGES_BELOW when nothing in it is mapped.
 */
static bool populate(uint64_t gfn)
{
	uint64_t b = gfn & ~(uint64_t)511;
	int rc;

	if (g_mode != LX_MODE_ONDEMAND || !in_ram(gfn))
		return false;
	if ((b << 12) >= LX_PAGES_BELOW && in_ram(b) && in_ram(b + 511)) {
		rc = am_p2m_map(&g_p2m, am_gfn(b), am_mfn(ram_mfn(b)), 512, AM_P2M_RAM_RW);
		if (rc == 0) {
			g_run.blocks++;
			return true;
		}
		if (rc != AM_EEXIST)
			return false;
	}
	rc = am_p2m_map(&g_p2m, am_gfn(gfn), am_mfn(ram_mfn(gfn)), 1, AM_P2M_RAM_RW);
	if (rc == 0)
		g_run.pages++;
	return rc == 0;
}

static bool s2_abort(struct am_aarch64_frame *f)
{
	uint64_t hpfar = am_read_sysreg(hpfar_el2);
	uint64_t ipa = am_aarch64_s2_fault_ipa(hpfar, f->far);
	unsigned int fsc = am_esr_fsc(f->esr);

	if (AM_FSC_TYPE(fsc) == AM_FSC_TRANSLATION && populate(ipa >> 12)) {
		g_run.faults++;
		return true; /* the access runs again */
	}
	con_printf(
		"\n  EL2: a stage-2 abort this hypervisor does not serve: %s, %s level %u at IPA "
		"0x%lx (FAR_EL2 0x%lx, ELR_EL2 0x%lx, ESR_EL2 0x%lx)\n",
		am_aarch64_exc_name(f->esr), am_aarch64_fsc_name(fsc), AM_FSC_LEVEL(fsc), ipa,
		f->far, f->elr, f->esr);
	end_run(END_FAULT, ipa);
}

/* ---------------------------------------------------------------------- */
/* The guest's memory, by its virtual addresses                            */
/* ---------------------------------------------------------------------- */

/*
 * The PA behind the guest's VA @va: the guest's stage 1 by AT S1E1R/W
 * (its PAR_EL1 kept), then the P2M (populating on demand).
 */
static bool gva_to_pa(uint64_t va, bool write, uint64_t *pa)
{
	uint64_t saved = am_read_sysreg(par_el1), par, ipa;
	uint64_t mfn = 0;
	enum am_p2m_type t = AM_P2M_NONE;
	int rc;

	if (write)
		__asm__ volatile("at s1e1w, %0" : : "r"(va));
	else
		__asm__ volatile("at s1e1r, %0" : : "r"(va));
	am_isb();
	par = am_read_sysreg(par_el1);
	am_write_sysreg(par_el1, saved);
	if (par & 1u)
		return false;
	ipa = (par & 0x0000fffffffff000ull) | (va & 0xfffu);
	rc = hyp_p2m_lookup(&g_p2m, am_gfn(ipa >> 12), &mfn, &t);
	if (rc == AM_ENOENT && populate(ipa >> 12))
		rc = hyp_p2m_lookup(&g_p2m, am_gfn(ipa >> 12), &mfn, &t);
	if (rc || t != AM_P2M_RAM_RW)
		return false;
	*pa = (mfn << 12) | (va & 0xfffu);
	return true;
}

static int64_t copy_guest(void *buf, uint64_t va, size_t n, bool to_guest)
{
	uint8_t *b = buf;
	uint64_t pa;
	size_t i, chunk;

	while (n) {
		chunk = PAGE - (va & (PAGE - 1));
		if (chunk > n)
			chunk = n;
		if (!gva_to_pa(va, to_guest, &pa))
			return -XEN_EFAULT;
		for (i = 0; i < chunk; i++) {
			volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)(pa + i);

			if (to_guest)
				*p = b[i];
			else
				b[i] = *p;
		}
		b += chunk;
		va += chunk;
		n -= chunk;
	}
	return 0;
}

#define FROM_GUEST(obj, va) copy_guest(&(obj), (va), sizeof(obj), false)
#define TO_GUEST(va, obj) copy_guest(&(obj), (va), sizeof(obj), true)

/* ---------------------------------------------------------------------- */
/* Hypercalls                                                              */
/* ---------------------------------------------------------------------- */

static int64_t xen_err(int rc)
{
	switch (rc) {
	case 0:
		return 0;
	case AM_ENOTSUP:
		return -XEN_ENOSYS;
	case AM_EBUSY:
		return -XEN_EBUSY;
	case AM_EEXIST:
		return -XEN_EEXIST;
	case AM_ENOENT:
		return -XEN_ENOENT;
	case AM_ENOMEM:
		return -XEN_ENOMEM;
	default: /* AM_EINVAL, AM_ERANGE, AM_EOVERFLOW, AM_EILSEQ */
		return -XEN_EINVAL;
	}
}

static const char *xen_errname(int64_t rc)
{
	switch (rc) {
	case 0:
		return "0";
	case -XEN_EPERM:
		return "-EPERM";
	case -XEN_ENOENT:
		return "-ENOENT";
	case -XEN_ESRCH:
		return "-ESRCH";
	case -XEN_EFAULT:
		return "-EFAULT";
	case -XEN_EBUSY:
		return "-EBUSY";
	case -XEN_EEXIST:
		return "-EEXIST";
	case -XEN_EINVAL:
		return "-EINVAL";
	case -XEN_ENOMEM:
		return "-ENOMEM";
	case -XEN_ENOSYS:
		return "-ENOSYS";
	default:
		return "(other)";
	}
}

/* A call (or a sub-command) not served: -ENOSYS, counted and logged by number. */
static void not_served(struct am_aarch64_frame *f, const char *what)
{
	uint64_t nr = f->x[16];

	g_run.unknown++;
	g_run.unknown_nr[nr < XEN_HC_COUNT ? nr : XEN_HC_COUNT]++;
	con_printf("  xen: hypercall %lu%s%s (x0 0x%lx) -> -ENOSYS, not served (%lu so far)\n", nr,
		   what ? " " : "", what ? what : "", f->x[0], g_run.unknown);
	f->x[0] = (uint64_t)-XEN_ENOSYS;
}

static void ret(struct am_aarch64_frame *f, int64_t rc)
{
	f->x[0] = (uint64_t)rc;
	g_run.served++;
}

static void hc_xen_version(struct am_aarch64_frame *f)
{
	struct xen_feature_info fi;
	int64_t rc;

	switch (f->x[0]) {
	case XENVER_version:
		ret(f, (XEN_VERSION_MAJOR << 16) | XEN_VERSION_MINOR);
		return;
	case XENVER_pagesize:
		ret(f, (int64_t)PAGE);
		return;
	case XENVER_get_features:
		rc = FROM_GUEST(fi, f->x[1]);
		if (rc == 0) {
			/* an auto-translated physmap, not dom0 */
			fi.submap = fi.submap_idx
					    ? 0
					    : (1u << XENFEAT_writable_page_tables) |
						      (1u << XENFEAT_auto_translated_physmap) |
						      (1u << XENFEAT_not_direct_mapped);
			rc = TO_GUEST(f->x[1], fi);
		}
		con_printf("  xen: xen_version(get_features, submap %u) -> %s, 0x%x\n",
			   fi.submap_idx, xen_errname(rc), fi.submap);
		g_run.features = g_run.features || rc == 0;
		ret(f, rc);
		return;
	default:
		not_served(f, "(xen_version)");
	}
}

/* The xenheap frame of (space, idx), or -1. */
static int xp_index(uint32_t space, uint64_t idx)
{
	if (space == XENMAPSPACE_shared_info)
		return idx == 0 ? XP_SHINFO : -1;
	if (space != XENMAPSPACE_grant_table)
		return -1;
	if (idx & XENMAPIDX_grant_table_status)
		return (idx & ~(uint64_t)XENMAPIDX_grant_table_status) == 0 ? XP_STATUS0 : -1;
	return idx < NR_GNT ? (int)(XP_GNT0 + idx) : -1;
}

static void note_refusal(unsigned int test, int64_t rc)
{
	if (g_mode == LX_MODE_REFUSE && test < RF_COUNT && !g_run.refuse_seen[test]) {
		g_run.refuse_seen[test] = true;
		g_run.refuse_rc[test] = rc;
	}
}

/*
 * add_to_physmap of a xenheap frame at @gfn, as Xen on Arm does it: a
 * frame with a GFN is refused (-EBUSY) before anything changes; a RAM page
 * at @gfn is unhooked first and put back if the add is refused.
 */
static int64_t add_physmap(uint32_t space, uint64_t idx, uint64_t gfn)
{
	int xp = xp_index(space, idx);
	uint64_t old = 0;
	enum am_p2m_type t = AM_P2M_NONE;
	bool unhooked = false;
	int rc;

	if (space != XENMAPSPACE_shared_info && space != XENMAPSPACE_grant_table)
		return -XEN_ENOSYS; /* Xen: an unknown space */
	if (xp < 0)
		return -XEN_EINVAL;
	if (!in_ram(gfn) && !(gfn >= GNT_GFN && gfn < GNT_GFN + GNT_PAGES)) {
		con_printf("  EL2: GFN 0x%lx is neither the guest's RAM nor its grant region\n",
			   gfn);
		return -XEN_EINVAL;
	}
	if (xp_gfn((unsigned int)xp) != GFN_NONE)
		return -XEN_EBUSY;
	if (hyp_p2m_lookup(&g_p2m, am_gfn(gfn), &old, &t) == 0 && t == AM_P2M_RAM_RW &&
	    in_ram(gfn)) {
		rc = am_p2m_unmap(&g_p2m, am_gfn(gfn), 1, am_mfn(old));
		if (rc)
			return xen_err(rc);
		unhooked = true;
	}
	rc = am_p2m_add_physmap(&g_p2m, (enum am_p2m_space)space, (uint32_t)idx, am_gfn(gfn));
	if (rc && unhooked && am_p2m_map(&g_p2m, am_gfn(gfn), am_mfn(old), 1, AM_P2M_RAM_RW))
		con_printf("  FAIL: the RAM page at GFN 0x%lx could not be put back\n", gfn);
	if (rc == 0 && unhooked)
		g_run.unhooked++;
	return xen_err(rc);
}

static const char *space_name(uint32_t space)
{
	return space == XENMAPSPACE_shared_info	  ? "shared_info"
	       : space == XENMAPSPACE_grant_table ? "grant_table"
						  : "unknown space";
}

static void hc_memory_op(struct am_aarch64_frame *f)
{
	struct xen_add_to_physmap a;
	struct xen_remove_from_physmap r;
	size_t tables = am_pt_tables(&g_p2m.pt);
	uint64_t shgfn = xp_gfn(XP_SHINFO);
	int64_t rc;
	int xp;

	switch (f->x[0] & XENMEM_CMD_MASK) {
	case XENMEM_add_to_physmap:
		rc = FROM_GUEST(a, f->x[1]);
		if (rc == 0 && a.domid != XEN_DOMID_SELF)
			rc = -XEN_ESRCH;
		if (rc == 0)
			rc = add_physmap(a.space, a.idx, a.gpfn);
		con_printf("  xen: memory_op(add_to_physmap, %s, idx 0x%lx, GFN 0x%lx) -> %s\n",
			   space_name(a.space), a.idx, a.gpfn, xen_errname(rc));
		xp = xp_index(a.space, a.idx);
		if (rc == 0 && xp == XP_SHINFO) {
			g_run.shinfo_asked = a.gpfn;
			g_run.shinfo_adds++;
		} else if (rc == 0 && xp >= (int)XP_GNT0 && xp < (int)(XP_GNT0 + NR_GNT)) {
			g_run.gnt_asked[xp - XP_GNT0] = a.gpfn;
			g_run.gnt_adds++;
		}
		if (g_run.shinfo_adds == 0 && xp == XP_SHINFO)
			g_run.shinfo_rc = rc;
		if (a.gpfn == RF_GFN_OUTSIDE)
			note_refusal(RF_OUTSIDE, rc);
		else if (a.gpfn == RF_GFN_DEVICE)
			note_refusal(RF_DEVICE, rc);
		else if (a.gpfn == RF_GFN_SECOND)
			note_refusal(RF_DOUBLE, rc);
		else if (a.space == RF_SPACE_UNKNOWN)
			note_refusal(RF_SPACE, rc);
		else if (a.idx == RF_IDX_BAD)
			note_refusal(RF_INDEX, rc);
		break;
	case XENMEM_remove_from_physmap:
		rc = FROM_GUEST(r, f->x[1]);
		if (rc == 0 && r.domid != XEN_DOMID_SELF)
			rc = -XEN_ESRCH;
		if (rc == 0)
			rc = xen_err(am_p2m_remove_physmap(&g_p2m, am_gfn(r.gpfn), AM_MFN_INVALID));
		con_printf("  xen: memory_op(remove_from_physmap, GFN 0x%lx) -> %s\n", r.gpfn,
			   xen_errname(rc));
		if (r.gpfn == RF_GFN_UNMAPPED)
			note_refusal(RF_REMOVE, rc);
		break;
	default:
		not_served(f, "(memory_op)");
		return;
	}
	if (rc < 0 && (am_pt_tables(&g_p2m.pt) != tables || xp_gfn(XP_SHINFO) != shgfn)) {
		g_run.refuse_changed++;
		con_printf("  FAIL: a refused memory_op changed the table or a frame\n");
	}
	ret(f, rc);
}

static void hc_grant_table_op(struct am_aarch64_frame *f)
{
	struct gnttab_query_size q;
	int64_t rc;

	if (f->x[0] != GNTTABOP_query_size) {
		not_served(f, "(grant_table_op)");
		return;
	}
	rc = f->x[2] == 1 ? FROM_GUEST(q, f->x[1]) : -XEN_EINVAL;
	if (rc == 0) {
		q.nr_frames = 1;
		q.max_nr_frames = NR_GNT;
		q.status = 0; /* GNTST_okay */
		rc = TO_GUEST(f->x[1], q);
	}
	con_printf("  xen: grant_table_op(query_size) -> %s: 1 frame, at most %u\n",
		   xen_errname(rc), NR_GNT);
	g_run.query_size = g_run.query_size || rc == 0;
	ret(f, rc);
}

static void hc_vcpu_op(struct am_aarch64_frame *f)
{
	struct vcpu_register_vcpu_info vi;
	uint64_t va = 0;
	uint64_t mfn;
	enum am_p2m_type t;
	int64_t rc;

	if (f->x[0] != VCPUOP_register_vcpu_info &&
	    f->x[0] != VCPUOP_register_runstate_memory_area) {
		not_served(f, "(vcpu_op)");
		return;
	}
	if (f->x[1] != 0) {
		ret(f, -XEN_ENOENT); /* one vCPU */
		return;
	}
	if (f->x[0] == VCPUOP_register_vcpu_info) {
		rc = FROM_GUEST(vi, f->x[2]);
		if (rc == 0 &&
		    (vi.offset > PAGE - XEN_VCPU_INFO_SIZE ||
		     hyp_p2m_lookup(&g_p2m, am_gfn(vi.mfn), &mfn, &t) != 0 || t != AM_P2M_RAM_RW))
			rc = -XEN_EINVAL;
		con_printf("  xen: vcpu_op(register_vcpu_info, vCPU 0, GFN 0x%lx + 0x%x) -> %s\n",
			   vi.mfn, vi.offset, xen_errname(rc));
		if (rc == 0) {
			g_run.vcpu_info = true;
			g_run.vcpu_info_gfn = vi.mfn;
			g_run.vcpu_info_off = vi.offset;
		}
	} else {
		rc = FROM_GUEST(va, f->x[2]);
		con_printf(
			"  xen: vcpu_op(register_runstate_memory_area, vCPU 0, VA 0x%lx) -> %s\n",
			va, xen_errname(rc));
		if (rc == 0) {
			g_run.runstate = true;
			g_run.runstate_va = va;
		}
	}
	ret(f, rc);
}

static void hc_event_channel_op(struct am_aarch64_frame *f)
{
	if (f->x[0] != EVTCHNOP_init_control) {
		not_served(f, "(event_channel_op)");
		return;
	}
	/* no FIFO event channels here: Linux falls back to the 2-level ABI */
	con_printf("  xen: event_channel_op(init_control) -> -ENOSYS: no FIFO events, 2-level\n");
	g_run.evtchn_fifo = true;
	ret(f, -XEN_ENOSYS);
}

static void hc_hvm_op(struct am_aarch64_frame *f)
{
	uint32_t p[2] = {0, 0}; /* domid (16 bits, padded), index */

	if (f->x[0] != HVMOP_get_param) {
		not_served(f, "(hvm_op)");
		return;
	}
	(void)FROM_GUEST(p, f->x[1]);
	/* no xenstore, no PV console: Linux goes on without them */
	con_printf("  xen: hvm_op(get_param %u) -> -EINVAL: no xenstore or PV console here\n",
		   p[1]);
	g_run.get_param = true;
	ret(f, -XEN_EINVAL);
}

static void hc_sched_op(struct am_aarch64_frame *f)
{
	uint32_t reason = 0;
	int64_t rc;

	switch (f->x[0]) {
	case SCHEDOP_yield:
	case SCHEDOP_block:
		ret(f, 0);
		return;
	case SCHEDOP_shutdown:
		rc = FROM_GUEST(reason, f->x[1]);
		if (rc) {
			ret(f, rc);
			return;
		}
		con_printf("\n  xen: sched_op(shutdown, %s) -> the guest's run ends\n",
			   reason == SHUTDOWN_poweroff ? "poweroff"
			   : reason == SHUTDOWN_reboot ? "reboot"
			   : reason == SHUTDOWN_crash  ? "crash"
						       : "other");
		g_run.served++;
		end_run(END_SHUTDOWN, reason);
	default:
		not_served(f, "(sched_op)");
	}
}

static const struct hyp_call xen_calls[] = {
	{XEN_HC_memory_op, "memory_op", hc_memory_op},
	{XEN_HC_xen_version, "xen_version", hc_xen_version},
	{XEN_HC_grant_table_op, "grant_table_op", hc_grant_table_op},
	{XEN_HC_vcpu_op, "vcpu_op", hc_vcpu_op},
	{XEN_HC_sched_op, "sched_op", hc_sched_op},
	{XEN_HC_event_channel_op, "event_channel_op", hc_event_channel_op},
	{XEN_HC_hvm_op, "hvm_op", hc_hvm_op},
};

static bool trap_hvc(struct am_aarch64_frame *f)
{
	const struct hyp_call *c;

	g_run.calls++;
	if ((f->esr & AM_ISS_IMM16_MASK) != XEN_HVC_IMM) {
		con_printf("  EL2: HVC #0x%lx is not Xen's\n", f->esr & AM_ISS_IMM16_MASK);
		not_served(f, "(not HVC #0xEA1)");
		return true;
	}
	c = hyp_call_find(xen_calls, sizeof(xen_calls) / sizeof(xen_calls[0]), f->x[16]);
	if (c)
		c->fn(f);
	else
		not_served(f, NULL);
	return true;
}

/* PSCI 0.2 by SMC: trapped by HCR_EL2.TSC, with ELR_EL2 at the SMC itself. */
static bool trap_smc(struct am_aarch64_frame *f)
{
	uint32_t fn = (uint32_t)f->x[0];

	f->elr += 4;
	g_run.psci_calls++;
	switch (fn) {
	case PSCI_VERSION:
		f->x[0] = 2; /* 0.2 */
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		f->x[0] = PSCI_TOS_NOT_PRESENT_MP;
		break;
	case PSCI_SYSTEM_OFF:
		con_printf("\n  psci: SYSTEM_OFF -> the guest's run ends\n");
		end_run(END_PSCI_OFF, 0);
	case PSCI_SYSTEM_RESET:
		con_printf("\n  psci: SYSTEM_RESET -> the guest's run ends\n");
		end_run(END_PSCI_RESET, 0);
	default:
		g_run.psci_unknown++;
		con_printf("  psci: function 0x%x -> NOT_SUPPORTED\n", fn);
		f->x[0] = (uint64_t)(int64_t)PSCI_RET_NOT_SUPPORTED;
		break;
	}
	return true;
}

static const struct hyp_trap traps[] = {
	{AM_EC_HVC64, trap_hvc},
	{AM_EC_SMC64, trap_smc},
	{AM_EC_DABT_LOW, s2_abort},
	{AM_EC_IABT_LOW, s2_abort},
};

static bool hyp_exc(struct am_aarch64_frame *f)
{
	return hyp_trap_dispatch(traps, sizeof(traps) / sizeof(traps[0]), f);
}

/* ---------------------------------------------------------------------- */
/* Boot                                                                    */
/* ---------------------------------------------------------------------- */

static int el2_mmu(void)
{
	struct hyp_region r[HYP_IMAGE_REGIONS + 4];

	hyp_image_regions(r);
	r[3] = (struct hyp_region){"the run's mode word", LX_MODE_PA, LX_MODE_PA + PAGE,
				   &hyp_attr_ro, 0};
	r[4] = (struct hyp_region){"the guest's RAM (its PAs)", LX_RAM_PA, LX_RAM_PA + LX_RAM_SIZE,
				   &hyp_attr_rw, AM_PT_F_BLOCK};
	r[5] = (struct hyp_region){"PL011 UART", UART_PA, UART_PA + PAGE, &hyp_attr_dev, 0};
	r[6] = (struct hyp_region){"PL031 RTC", LX_RTC_PA, LX_RTC_PA + PAGE, &hyp_attr_dev, 0};
	return hyp_el2_mmu(&g_el2, g_el2pool, sizeof(g_el2pool), r, 7);
}

/*
 * The domain's reference on each frame it owns or shares, as Xen's
 * allocation and share_xen_page_with_guest() take: its RAM and the xenheap
 * frames. Taken at boot, dropped after the P2M is destroyed; in between,
 * the P2M must neither take nor drop one (it does so only for foreign
 * frames). Returns how many frames do not hold exactly the domain's one.
 */
static unsigned long domain_refs(bool take)
{
	unsigned long off = 0;
	uint64_t m;
	unsigned int i;

	for (m = RAM_MFN; m < RAM_MFN + RAM_PAGES; m++) {
		struct am_page_info *pg = am_frame_of(&g_ft, am_mfn(m));

		off += (pg->count_info & AM_PGC_COUNT_MASK) != (take ? 0u : 1u);
		if (take)
			off += am_frame_get(pg) != 0;
		else
			am_frame_put(pg);
	}
	for (i = 0; i < XP_COUNT; i++) {
		off += (xp_frame(i)->count_info & AM_PGC_COUNT_MASK) != (take ? 0u : 1u);
		if (take)
			off += am_frame_get(xp_frame(i)) != 0;
		else
			am_frame_put(xp_frame(i));
	}
	return off;
}

static void frames_init(void)
{
	unsigned int i;

	for (i = 0; i < FT_FRAMES; i++)
		am_frame_init(&g_pages[i], false);
	(void)am_frame_table_init(&g_ft, g_pages, am_mfn(HYP_BASE >> 12), FT_FRAMES);
	for (i = 0; i < XP_COUNT; i++)
		am_frame_init(xp_frame(i), true);
	for (i = 0; i < NR_GNT; i++)
		g_gnt_shared[i] = hyp_mfn(xen_page[XP_GNT0 + i]);
	g_gnt_status[0] = hyp_mfn(xen_page[XP_STATUS0]);
	for (i = 0; i < FT_FRAMES; i++)
		g_count0[i] = g_pages[i].count_info;
	domain_refs(true);
}

static int p2m_build(void)
{
	struct am_p2m_config cfg = {
		.ipa_bits = IPA_BITS,
		.pa_bits = hyp_pa_bits(),
		.vmid = VMID,
		.frames = &g_ft,
		.dom = {.shared_info = hyp_mfn(xen_page[XP_SHINFO]),
			.gnttab_shared = g_gnt_shared,
			.nr_gnttab_shared = NR_GNT,
			.gnttab_status = g_gnt_status,
			.nr_gnttab_status = 1},
	};
	int rc;

	g_s2ops = am_aarch64_pt_ops;
	g_p2m_ops.pt = &g_s2ops;
	rc = am_aarch64_pt_ctx_init(&g_s2ctx, g_s2pool, sizeof(g_s2pool));
	rc = rc ? rc : am_p2m_init(&g_p2m, &cfg, &g_p2m_ops, &g_s2ctx);
	con_printf("  P2M: %u-bit IPAs, VMID %u, table pages from a %u-page pool: %s\n", IPA_BITS,
		   VMID, S2_POOL_PAGES, errname(rc));
	if (rc == 0 && g_mode != LX_MODE_ONDEMAND) {
		rc = am_p2m_map(&g_p2m, am_gfn(RAM_GFN), am_mfn(RAM_MFN), RAM_PAGES, AM_P2M_RAM_RW);
		con_printf("  guest RAM: IPA 0x%lx -> PA 0x%lx, %lu MiB, RAM_RW, mapped now: %s "
			   "(%lu table pages)\n",
			   (unsigned long)LX_RAM_IPA, (unsigned long)LX_RAM_PA,
			   (unsigned long)LX_RAM_SIZE >> 20, errname(rc),
			   (unsigned long)am_pt_tables(&g_p2m.pt));
	} else if (rc == 0) {
		con_printf("  guest RAM: IPA 0x%lx -> PA 0x%lx, %lu MiB, RAM_RW, mapped on demand: "
			   "4 KiB pages below IPA 0x%lx, 2 MiB blocks above\n",
			   (unsigned long)LX_RAM_IPA, (unsigned long)LX_RAM_PA,
			   (unsigned long)LX_RAM_SIZE >> 20, (unsigned long)LX_PAGES_BELOW);
	}
	rc = rc ? rc
		: am_p2m_map(&g_p2m, am_gfn(GICD_PA >> 12), am_mfn(GICD_PA >> 12), 16,
			     AM_P2M_MMIO_DEV);
	rc = rc ? rc
		: am_p2m_map(&g_p2m, am_gfn(GICC_PA >> 12), am_mfn(GICC_PA >> 12), 16,
			     AM_P2M_MMIO_DEV);
	rc = rc ? rc
		: am_p2m_map(&g_p2m, am_gfn(UART_PA >> 12), am_mfn(UART_PA >> 12), 1,
			     AM_P2M_MMIO_DEV);
	con_printf("  devices passed through (IPA == PA, MMIO_DEV): GIC distributor 0x%lx, CPU "
		   "interface 0x%lx, PL011 0x%lx: %s\n",
		   GICD_PA, GICC_PA, UART_PA, errname(rc));
	return rc;
}

/* Before the guest reads it: the wallclock of its boot, from the RTC. */
static void wallclock(void)
{
	uint8_t *s = xen_page[XP_SHINFO];
	uint32_t now = rtc_read();

	*(volatile uint32_t *)(void *)(s + XEN_SHINFO_WC_VERSION) = 1; /* odd: being written */
	am_dsb_ish();
	*(volatile uint32_t *)(void *)(s + XEN_SHINFO_WC_SEC) = now;
	*(volatile uint32_t *)(void *)(s + XEN_SHINFO_WC_NSEC) = 0;
	*(volatile uint32_t *)(void *)(s + XEN_SHINFO_WC_SEC_HI) = 0;
	am_dsb_ish();
	*(volatile uint32_t *)(void *)(s + XEN_SHINFO_WC_VERSION) = 2;
	am_dsb_ish();
	g_run.wc_sec = now;
	con_printf("  wallclock: the PL031 RTC reads %u s since 1970; written into shared_info "
		   "(MFN 0x%lx) for the guest\n",
		   now, am_mfn_val(hyp_mfn(s)));
}

static const char *mode_name(void)
{
	return g_mode == LX_MODE_PREMAP	    ? "Linux, RAM premapped"
	       : g_mode == LX_MODE_ONDEMAND ? "Linux, RAM on demand"
	       : g_mode == LX_MODE_REFUSE   ? "the refusal guest"
					    : "unknown";
}

static bool ck_boot(void)
{
	uint64_t kpa = LX_RAM_PA + LX_KERNEL_OFF, dpa = LX_RAM_PA + LX_DTB_OFF;
	uint32_t kmagic = 0, dmagic = 0;
	int rc;

	check_begin();
	g_mode = *(volatile uint32_t *)(uintptr_t)LX_MODE_PA;
	con_printf("  run: %s (mode word %u at PA 0x%lx)\n", mode_name(), g_mode,
		   (unsigned long)LX_MODE_PA);
	EXPECT(g_mode >= LX_MODE_PREMAP && g_mode <= LX_MODE_REFUSE, "no mode: %u\n", g_mode);
	rc = el2_mmu();
	EXPECT(rc == 0, "the EL2 MMU is not on: %s\n", errname(rc));
	frames_init();
	con_printf("  frame table: %lu frames from MFN 0x%lx; xenheap: shared_info MFN 0x%lx, %u "
		   "grant frames from MFN 0x%lx\n",
		   (unsigned long)FT_FRAMES, HYP_BASE >> 12,
		   am_mfn_val(hyp_mfn(xen_page[XP_SHINFO])), NR_GNT, am_mfn_val(g_gnt_shared[0]));
	if (rc == 0) {
		rc = p2m_build();
		EXPECT(rc == 0, "building the stage 2: %s\n", errname(rc));
	}
	if (rc == 0) {
		kmagic = *(volatile uint32_t *)(uintptr_t)(kpa + 0x38);
		dmagic = *(volatile uint32_t *)(uintptr_t)dpa;
		con_printf("  payload: at IPA 0x%lx %s; device tree at IPA 0x%lx %s\n",
			   (unsigned long)(LX_RAM_IPA + LX_KERNEL_OFF),
			   kmagic == 0x644d5241u      ? "an arm64 Image (magic ARM\\x64)"
			   : g_mode == LX_MODE_REFUSE ? "the refusal guest"
						      : "NO arm64 Image",
			   (unsigned long)(LX_RAM_IPA + LX_DTB_OFF),
			   dmagic == 0xedfe0dd0u ? "(magic 0xd00dfeed)" : "MISSING");
		EXPECT(g_mode == LX_MODE_REFUSE || kmagic == 0x644d5241u,
		       "no kernel Image at PA 0x%lx\n", kpa);
		EXPECT(g_mode == LX_MODE_REFUSE || dmagic == 0xedfe0dd0u,
		       "no device tree at PA 0x%lx\n", dpa);
		wallclock();
		g_entry = (struct am_aarch64_vm_entry){
			.hcr = AM_HCR_VM | AM_HCR_SWIO | AM_HCR_TSC | AM_HCR_RW,
			.vtcr = am_pt_tcr(&g_p2m.pt),
			.vttbr = am_pt_ttbr(&g_p2m.pt),
			.pc = LX_RAM_IPA + LX_KERNEL_OFF,
			.spsr = AM_SPSR_M_EL1H | AM_SPSR_DAIF,
			.x = {LX_RAM_IPA + LX_DTB_OFF, 0, 0, 0},
		};
		/* the timers and counters usable from EL1, no offset; the guest sees this CPU */
		am_write_sysreg(cnthctl_el2, 3);
		am_write_sysreg(cntvoff_el2, 0);
		am_write_sysreg(vpidr_el2, am_read_sysreg(midr_el1));
		am_write_sysreg(vmpidr_el2, am_read_sysreg(mpidr_el1));
		am_write_sysreg(cptr_el2, 0x33ff); /* FP/SIMD not trapped (TFP clear) */
		am_write_sysreg(hstr_el2, 0);
		am_isb();
		con_printf(
			"  enter EL1h at IPA 0x%lx with x0 = the device tree: HCR_EL2 0x%lx (VM, "
			"SWIO, TSC, RW; IMO/FMO clear: interrupts go to EL1), VTTBR_EL2 0x%lx\n",
			g_entry.pc, g_entry.hcr, g_entry.vttbr);
	}
	check_end("the hypervisor builds the guest's stage 2 with armmap's P2M (RAM at an IPA that "
		  "is not its PA; GIC and PL011 passed through) and finds the payload in place");
	return check_ok;
}

/* ---------------------------------------------------------------------- */
/* After the guest                                                         */
/* ---------------------------------------------------------------------- */

static const char *end_name(void)
{
	switch (g_run.end) {
	case END_SHUTDOWN:
		return g_run.shutdown_reason == SHUTDOWN_poweroff
			       ? "SCHEDOP_shutdown(poweroff)"
			       : "SCHEDOP_shutdown(not poweroff)";
	case END_PSCI_OFF:
		return "PSCI SYSTEM_OFF";
	case END_PSCI_RESET:
		return "PSCI SYSTEM_RESET";
	case END_FAULT:
		return "a stage-2 abort not served";
	default:
		return "nothing";
	}
}

static bool powered_off(void)
{
	return (g_run.end == END_SHUTDOWN && g_run.shutdown_reason == SHUTDOWN_poweroff) ||
	       g_run.end == END_PSCI_OFF;
}

static void show_xp(unsigned int i)
{
	con_printf("  EL2: %s (MFN 0x%lx) type_info 0x%016lx: ", xp_name(i),
		   am_mfn_val(hyp_mfn(xen_page[i])), xp_frame(i)->type_info);
	if (xp_gfn(i) == GFN_NONE)
		con_printf("no GFN\n");
	else
		con_printf("GFN 0x%lx\n", xp_gfn(i));
}

/* The xenheap frame @i is mapped at @gfn: its type_info and the P2M say so. */
static void expect_at(unsigned int i, uint64_t gfn)
{
	uint64_t mfn = 0;
	enum am_p2m_type t = AM_P2M_NONE;
	int rc = hyp_p2m_lookup(&g_p2m, am_gfn(gfn), &mfn, &t);

	show_xp(i);
	EXPECT(xp_gfn(i) == gfn, "%s records GFN 0x%lx, the guest asked for 0x%lx\n", xp_name(i),
	       xp_gfn(i), gfn);
	EXPECT(rc == 0 && mfn == am_mfn_val(hyp_mfn(xen_page[i])),
	       "the P2M maps GFN 0x%lx to MFN 0x%lx (%s), not to %s\n", gfn, mfn, errname(rc),
	       xp_name(i));
}

static void ck_linux(void)
{
	unsigned int i;
	unsigned long sum = 0;

	check_begin();
	con_printf("  the guest's run ended by %s\n", end_name());
	EXPECT(powered_off(), "the run did not end by a poweroff\n");
	check_end("poweroff ends the run through the hypervisor (SCHEDOP_shutdown(poweroff) or "
		  "PSCI SYSTEM_OFF)");

	check_begin();
	con_printf("  Linux asked for shared_info at GFN 0x%lx (IPA 0x%lx)%s\n", g_run.shinfo_asked,
		   g_run.shinfo_asked << 12,
		   in_ram(g_run.shinfo_asked) ? ", a page of its own RAM, unhooked for it" : "");
	EXPECT(g_run.shinfo_adds == 1, "%u successful adds of shared_info (first answer %s)\n",
	       g_run.shinfo_adds, xen_errname(g_run.shinfo_rc));
	if (g_run.shinfo_adds)
		expect_at(XP_SHINFO, g_run.shinfo_asked);
	check_end("the shared_info GFN that Linux chose is the GFN in the frame's type_info, and "
		  "the P2M maps the hypervisor's frame there");

	check_begin();
	con_printf("  grant frames added: %u\n", g_run.gnt_adds);
	EXPECT(g_run.gnt_adds >= 1, "Linux added no grant frame\n");
	for (i = 0; i < NR_GNT; i++) {
		if (g_run.gnt_asked[i] == 0) {
			EXPECT(xp_gfn(XP_GNT0 + i) == GFN_NONE, "%s has a GFN\n",
			       xp_name(XP_GNT0 + i));
			continue;
		}
		EXPECT(g_run.gnt_asked[i] >= GNT_GFN && g_run.gnt_asked[i] < GNT_GFN + GNT_PAGES,
		       "grant frame %u at GFN 0x%lx, outside the grant region\n", i,
		       g_run.gnt_asked[i]);
		expect_at(XP_GNT0 + i, g_run.gnt_asked[i]);
	}
	check_end("each grant frame Linux added: its GFN (in the /hypervisor grant region) is the "
		  "GFN in the frame's type_info");

	check_begin();
	con_printf("  vcpu_info at GFN 0x%lx + 0x%lx; runstate area at VA 0x%lx\n",
		   g_run.vcpu_info_gfn, g_run.vcpu_info_off, g_run.runstate_va);
	EXPECT(g_run.vcpu_info && g_run.runstate, "vcpu_info %s, runstate %s\n",
	       g_run.vcpu_info ? "registered" : "NOT registered",
	       g_run.runstate ? "registered" : "NOT registered");
	EXPECT(g_run.features && g_run.query_size, "feature map asked: %s; query_size: %s\n",
	       g_run.features ? "yes" : "no", g_run.query_size ? "yes" : "no");
	check_end("Linux asked for the feature map and the grant-table size, and registered its "
		  "vcpu_info and runstate area (it BUGs if refused)");

	check_begin();
	con_printf("  %lu hypercalls: %lu served, %lu not served (-ENOSYS)", g_run.calls,
		   g_run.served, g_run.unknown);
	for (i = 0; i <= XEN_HC_COUNT; i++) {
		sum += g_run.unknown_nr[i];
		if (g_run.unknown_nr[i])
			con_printf("; number %s%u: %lu", i == XEN_HC_COUNT ? ">= " : "", i,
				   g_run.unknown_nr[i]);
	}
	con_printf("\n  PSCI: %lu calls, %lu not supported\n", g_run.psci_calls,
		   g_run.psci_unknown);
	EXPECT(sum == g_run.unknown, "the counts by number add up to %lu, not %lu\n", sum,
	       g_run.unknown);
	EXPECT(g_run.served + g_run.unknown == g_run.calls, "%lu calls, %lu answered\n",
	       g_run.calls, g_run.served + g_run.unknown);
	EXPECT(g_run.evtchn_fifo, "Linux did not try FIFO event channels\n");
	check_end("every hypercall was answered: the calls not served got -ENOSYS and are counted "
		  "by number");

	check_begin();
	if (g_mode == LX_MODE_ONDEMAND) {
		con_printf("  %lu stage-2 translation faults served: %lu 4 KiB pages, %lu 2 MiB "
			   "blocks mapped; %lu table pages\n",
			   g_run.faults, g_run.pages, g_run.blocks,
			   (unsigned long)am_pt_tables(&g_p2m.pt));
		EXPECT(g_run.faults == g_run.pages + g_run.blocks && g_run.pages > 0 &&
			       g_run.blocks > 0,
		       "faults %lu, pages %lu, blocks %lu\n", g_run.faults, g_run.pages,
		       g_run.blocks);
		check_end("on demand: the guest's stage-2 translation faults populated its RAM "
			  "through armmap, as 4 KiB pages and 2 MiB blocks");
	} else {
		con_printf("  %lu stage-2 faults; %lu RAM pages unhooked for xenheap frames\n",
			   g_run.faults, g_run.unhooked);
		EXPECT(g_run.faults == 0, "%lu stage-2 faults\n", g_run.faults);
		EXPECT(g_run.unhooked >= 1, "no RAM page was unhooked for shared_info\n");
		check_end(
			"premapped: no stage-2 fault; the RAM page under shared_info was unhooked "
			"from its 2 MiB block");
	}
}

static void ck_refusals(void)
{
	static const struct {
		unsigned int test;
		int64_t want;
		const char *what;
	} rf[] = {
		{RF_OUTSIDE, -XEN_EINVAL,
		 "add_to_physmap at a GFN outside RAM and the grant region"},
		{RF_DEVICE, -XEN_EINVAL,
		 "add_to_physmap over the PL011 the hypervisor passes through"},
		{RF_DOUBLE, -XEN_EBUSY, "a second add of shared_info, mapped already"},
		{RF_REMOVE, -XEN_ENOENT, "remove_from_physmap of a GFN that maps nothing"},
		{RF_SPACE, -XEN_ENOSYS, "add_to_physmap in an unknown map space"},
		{RF_INDEX, -XEN_EINVAL, "add_to_physmap of a grant frame beyond the table"},
	};
	unsigned int i;

	for (i = 0; i < sizeof(rf) / sizeof(rf[0]); i++) {
		check_begin();
		con_printf("  answered %s, Xen's code is %s\n",
			   g_run.refuse_seen[rf[i].test] ? xen_errname(g_run.refuse_rc[rf[i].test])
							 : "(never asked)",
			   xen_errname(rf[i].want));
		EXPECT(g_run.refuse_seen[rf[i].test] && g_run.refuse_rc[rf[i].test] == rf[i].want,
		       "wrong answer\n");
		check_end(rf[i].what);
	}
	check_begin();
	con_printf("  hypercall %u: %lu calls not served\n", RF_HC_UNKNOWN,
		   g_run.unknown_nr[RF_HC_UNKNOWN]);
	EXPECT(g_run.unknown_nr[RF_HC_UNKNOWN] == 1, "not counted once\n");
	check_end("an unknown hypercall gets -ENOSYS and is counted by its number");
	check_begin();
	con_printf("  the guest's run ended by %s; refused calls that changed something: %lu\n",
		   end_name(), g_run.refuse_changed);
	show_xp(XP_SHINFO);
	EXPECT(powered_off(), "the guest did not power off: it saw a wrong code or stopped\n");
	EXPECT(g_run.refuse_changed == 0, "a refused call changed the P2M\n");
	EXPECT(xp_gfn(XP_SHINFO) == RF_GFN_FIRST, "shared_info is not at its first GFN\n");
	check_end("the guest saw each code in x0 and went on to a poweroff; no refused call "
		  "changed the table or a frame");
}

static void ck_destroy(void)
{
	unsigned int i;
	unsigned long moved = 0, off;
	bool all_clear = true;

	check_begin();
	con_printf("  before am_p2m_destroy(): %lu table pages\n",
		   (unsigned long)am_pt_tables(&g_p2m.pt));
	am_p2m_destroy(&g_p2m);
	for (i = 0; i < XP_COUNT; i++)
		all_clear = all_clear && xp_gfn(i) == GFN_NONE;
	off = domain_refs(false);
	for (i = 0; i < FT_FRAMES; i++)
		moved += g_pages[i].count_info != g_count0[i];
	con_printf("  after: every xenheap frame without a GFN: %s; pool pages out %u (%lu bad "
		   "frees); frames not holding exactly the domain's reference: %lu of %lu; after "
		   "the domain dropped them, frames whose count_info differs from boot: %lu\n",
		   all_clear ? "yes" : "no", g_s2ctx.in_use, g_s2ctx.bad_frees, off,
		   (unsigned long)(RAM_PAGES + XP_COUNT), moved);
	EXPECT(all_clear, "a xenheap frame kept its GFN\n");
	EXPECT(g_s2ctx.in_use == 0 && g_s2ctx.bad_frees == 0, "table pages not all back\n");
	EXPECT(off == 0, "%lu frames' references moved during the run\n", off);
	EXPECT(moved == 0, "%lu frames' references differ\n", moved);
	check_end("afterwards the hypervisor destroys the P2M: every frame's GFN is cleared, every "
		  "table page is freed, the domain's references are the only ones and are back");
}

int main(void)
{
	uint64_t how = 0;
	int rc;

	if (!hyp_start(hyp_exc))
		return 1;
	con_printf("armmap qemu-linux: an EL2 hypervisor on armmap's P2M serves Xen's guest ABI to "
		   "an unmodified guest (QEMU virt, Cortex-A57)\n\n");
	if (!check_boot_ok(ck_boot()))
		return check_done();
	con_printf("\n---- the guest runs (its console follows) ----\n");
	rc = am_aarch64_vm_run(&g_entry, &how);
	con_printf("---- the guest's run is over: %s ----\n", rc ? errname(rc) : end_name());
	con_printf("hyp: RTC at the end: %u; wallclock written: %u\n\n", g_run.rtc_end,
		   g_run.wc_sec);
	if (g_mode == LX_MODE_REFUSE)
		ck_refusals();
	else
		ck_linux();
	ck_destroy();
	return check_done();
}
