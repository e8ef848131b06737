/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-guest image, the EL1 guest: the guest's side of every check. It runs
 * at EL1 with its stage 1 off (HCR_EL2.DC: its accesses are Normal
 * write-back), so every address it uses is an IPA, translated only by the
 * stage-2 table the hypervisor built with armmap. It reads and writes its
 * RAM and the pages the hypervisor maps for it, asks for grant frames with
 * hypercalls (abi.h), probes addresses that must take stage-2 aborts, and
 * reports what it saw with the check protocol's hypercalls
 * (tests/qemu/hyp_common/guest.h): GH_FAIL fails the running check, GH_SAY
 * adds a detail line. The hypervisor prints the result lines.
 *
 * This file and guest_entry.S are linked apart (one relocatable object,
 * placed in the guest's 2 MiB of RAM by link.ld) and may call nothing
 * outside themselves: the hypervisor's code is not mapped at stage 2.
 */
#include <armmap/errors.h>
#include <armmap/p2m.h>

#include "tests/qemu/aarch64/vm.h"
#include "tests/qemu/guest/abi.h"
#include "tests/qemu/hyp_common/guest.h"

#define PAGE 0x1000ull
/* AM_GFN_INVALID and AM_MFN_INVALID as the hypercalls carry them: integers. */
#define GFN_NONE (~0ull)
#define MFN_NONE (~0ull)

struct guest_probe {
	uint64_t val, faulted;
};

/* guest_entry.S */
struct guest_probe guest_ld(uint64_t ipa);
struct guest_probe guest_st(uint64_t ipa, uint64_t v);
uint64_t guest_exec(uint64_t ipa);
uint64_t guest_ret42(void);
uint64_t guest_main(void);

/* Guest RAM the hypervisor reads or sets (IPA == PA). */
volatile uint64_t guest_seed;	/* SEED_RAM, from the hypervisor */
volatile uint64_t guest_answer; /* ANSWER_RAM, for the hypervisor */
uint64_t guest_scratch[2048];	/* 16 KiB: five pages touched */

static uint64_t gnt0_mfn = MFN_NONE;

/* ---------------------------------------------------------------------- */
/* Talking to the hypervisor                                               */
/* ---------------------------------------------------------------------- */

static int64_t add_physmap(unsigned int space, uint32_t idx, uint64_t gfn)
{
	return (int64_t)gh_hvc(GH_ADD_PHYSMAP, space, idx, gfn).x0;
}

static int64_t remove_gfn(uint64_t gfn, uint64_t expect_mfn)
{
	return (int64_t)gh_hvc(GH_REMOVE, gfn, expect_mfn, 0).x0;
}

/* The GFN grant frame @idx is at, as the hypervisor reads it from the frame. */
static uint64_t gnttab_gfn(uint32_t idx)
{
	struct am_aarch64_hvc_res r = gh_hvc(GH_GNTTAB_GFN, idx, 0, 0);

	EXPECT_EQ(r.x0, 0, "GH_GNTTAB_GFN returned an error");
	return r.x1;
}

static int64_t lookup(uint64_t gfn, uint64_t *mfn)
{
	struct am_aarch64_hvc_res r = gh_hvc(GH_LOOKUP, gfn, 0, 0);

	*mfn = r.x1;
	return (int64_t)r.x0;
}

/* ---------------------------------------------------------------------- */
/* Accesses                                                                */
/* ---------------------------------------------------------------------- */

/* Read @ipa: no abort, and the value @want. */
static bool read_ok(uint64_t ipa, uint64_t want, const char *what)
{
	struct guest_probe p = guest_ld(ipa);

	if (p.faulted) {
		gh_fail_abort(what, ipa);
		return false;
	}
	if (p.val != want) {
		gh_fail(what, p.val, want);
		return false;
	}
	gh_say("read  0x%lx at IPA 0x%lx\n", p.val, ipa, 0);
	return true;
}

static bool write_ok(uint64_t ipa, uint64_t v, const char *what)
{
	struct guest_probe p = guest_st(ipa, v);

	if (p.faulted) {
		gh_fail_abort(what, ipa);
		return false;
	}
	gh_say("wrote 0x%lx at IPA 0x%lx\n", v, ipa, 0);
	return true;
}

/*
 * A read (or write) of @ipa must take a stage-2 data abort of type @fsc
 * (translation, permission) to EL2, which must report this very IPA.
 */
static void expect_dabt(uint64_t ipa, bool write, unsigned int fsc)
{
	uint64_t before = gh_hvc(GH_LAST_FAULT, 0, 0, 0).x0;
	struct guest_probe p = write ? guest_st(ipa, 0xbadbadbadull) : guest_ld(ipa);
	struct am_aarch64_hvc_res f = gh_hvc(GH_LAST_FAULT, 0, 0, 0);

	if (!p.faulted) {
		gh_fail(write ? "a write did not abort (got: the IPA)"
			      : "a read did not abort (got: the IPA, expected: its value)",
			ipa, p.val);
		return;
	}
	EXPECT_EQ(f.x0, before + 1, "stage-2 aborts counted by the hypervisor");
	EXPECT_EQ(f.x1, ipa, "the IPA the hypervisor found (HPFAR_EL2, FAR_EL2)");
	EXPECT_EQ(f.x3, ipa, "FAR_EL2 (stage 1 is off: VA == IPA)");
	EXPECT_EQ(am_esr_ec(f.x2), AM_EC_DABT_LOW, "the exception class");
	EXPECT_EQ(!!(f.x2 & AM_ISS_WNR), write, "ESR_EL2.WnR");
	EXPECT_EQ(AM_FSC_TYPE(am_esr_fsc(f.x2)), fsc, "the fault status code type");
	gh_say("%s of IPA 0x%lx aborted to EL2, which reports IPA 0x%lx\n",
	       GH_STR(write ? "write" : "read "), ipa, f.x1);
}

/* ---------------------------------------------------------------------- */
/* The checks                                                              */
/* ---------------------------------------------------------------------- */

static uint64_t ipa_of(uint64_t gfn)
{
	return gfn << 12;
}

static void ck_entry(void)
{
	uint64_t sp, mfn;

	gh_begin(CK_ENTRY);
	__asm__ volatile("mov %0, sp" : "=r"(sp));
	EXPECT_EQ(am_current_el(), 1, "CurrentEL");
	EXPECT_EQ(am_read_sysreg(sctlr_el1) & AM_SCTLR_M, 0, "SCTLR_EL1.M (stage 1 off)");
	EXPECT_EQ(sp - GUEST_RAM_IPA < GUEST_RAM_SIZE, 1, "SP inside the guest's RAM (got: SP)");
	EXPECT_EQ((uintptr_t)guest_main - GUEST_RAM_IPA < GUEST_RAM_SIZE, 1,
		  "code inside the guest's RAM");
	gh_say("running at EL%lu, SP 0x%lx, guest_main at IPA 0x%lx\n", am_current_el(), sp,
	       (uint64_t)(uintptr_t)guest_main);
	EXPECT_EQ(lookup(GUEST_RAM_IPA >> 12, &mfn), 0, "GH_LOOKUP of the guest's RAM");
	EXPECT_EQ(mfn, GUEST_RAM_IPA >> 12, "the MFN behind the guest's first GFN (IPA == PA)");
	EXPECT_EQ(guest_exec((uintptr_t)guest_ret42), 42, "a call through the exec probe");
	gh_end(CK_ENTRY);
}

static void ck_ram(void)
{
	unsigned int i, bad = 0;

	gh_begin(CK_RAM);
	EXPECT_EQ(guest_seed, SEED_RAM, "the word the hypervisor planted in the guest's RAM");
	for (i = 0; i < sizeof(guest_scratch) / 8; i++)
		guest_scratch[i] = ((uint64_t)i << 32) | (uint64_t)(uintptr_t)&guest_scratch[i];
	__asm__ volatile("dsb sy" : : : "memory");
	for (i = 0; i < sizeof(guest_scratch) / 8; i++)
		if (guest_scratch[i] !=
		    (((uint64_t)i << 32) | (uint64_t)(uintptr_t)&guest_scratch[i]))
			bad++;
	EXPECT_EQ(bad, 0, "scratch words that did not read back");
	gh_say("wrote and read back 16 KiB at IPA 0x%lx; the seed word reads 0x%lx\n",
	       (uint64_t)(uintptr_t)guest_scratch, guest_seed, 0);
	guest_answer = ANSWER_RAM;
	gh_end(CK_RAM);
}

static void ck_shinfo(void)
{
	uint64_t mfn;

	gh_begin(CK_SHINFO);
	EXPECT_EQ(lookup(SHINFO_GFN, &mfn), 0, "GH_LOOKUP of the shared-info GFN");
	read_ok(ipa_of(SHINFO_GFN), MAGIC_SHINFO, "shared info, word 0");
	write_ok(ipa_of(SHINFO_GFN) + 8, ANSWER_SHINFO, "shared info, word 1");
	read_ok(ipa_of(SHINFO_GFN) + 8, ANSWER_SHINFO, "shared info, word 1 read back");
	gh_end(CK_SHINFO);
}

static void ck_unmapped(void)
{
	gh_begin(CK_UNMAPPED);
	expect_dabt(ipa_of(HOLE_GFN) + 0x678, false, AM_FSC_TRANSLATION);
	expect_dabt(ipa_of(HOLE_GFN) + 0xff8, true, AM_FSC_TRANSLATION);
	expect_dabt(NOL2_IPA + 0x10, false, AM_FSC_TRANSLATION);
	expect_dabt(NOL1_IPA + 0x20, true, AM_FSC_TRANSLATION);
	gh_end(CK_UNMAPPED);
}

static void ck_iabt(void)
{
	struct am_aarch64_hvc_res f;
	uint64_t r;

	gh_begin(CK_IABT);
	r = guest_exec(ipa_of(HOLE_GFN) + 0x40);
	f = gh_hvc(GH_LAST_FAULT, 0, 0, 0);
	EXPECT_EQ(r, GUEST_EXEC_FAULTED, "a call to an unmapped IPA (got: its value)");
	EXPECT_EQ(f.x1, ipa_of(HOLE_GFN) + 0x40, "the IPA the hypervisor found");
	EXPECT_EQ(am_esr_ec(f.x2), AM_EC_IABT_LOW, "the exception class");
	EXPECT_EQ(AM_FSC_TYPE(am_esr_fsc(f.x2)), AM_FSC_TRANSLATION, "the fault status type");
	gh_say("a call to IPA 0x%lx aborted to EL2, which reports IPA 0x%lx\n",
	       ipa_of(HOLE_GFN) + 0x40, f.x1, 0);
	gh_end(CK_IABT);
}

static void ck_ro(void)
{
	gh_begin(CK_RO);
	read_ok(ipa_of(RO_GFN), MAGIC_RO, "the read-only page, word 0");
	expect_dabt(ipa_of(RO_GFN) + 8, true, AM_FSC_PERM);
	read_ok(ipa_of(RO_GFN) + 8, 0, "the read-only page, word 1, after the refused write");
	gh_end(CK_RO);
}

static void ck_gnt_add(void)
{
	int64_t rc;

	gh_begin(CK_GNT_ADD);
	expect_dabt(ipa_of(GNT_A_GFN), false, AM_FSC_TRANSLATION);
	rc = add_physmap(AM_SPACE_GRANT_TABLE, 0, GNT_A_GFN);
	EXPECT_EQ(rc, 0, "GH_ADD_PHYSMAP(grant table, 0, GFN A)");
	gh_say("add_physmap(grant table, 0, GFN 0x%lx) -> %ld\n", GNT_A_GFN, (uint64_t)rc, 0);
	read_ok(ipa_of(GNT_A_GFN), MAGIC_GNT0, "grant frame 0, word 0, at GFN A");
	write_ok(ipa_of(GNT_A_GFN) + 8, ANSWER_GNT0, "grant frame 0, word 1, at GFN A");
	gh_end(CK_GNT_ADD);
}

static void ck_gnt_gfn(void)
{
	enum am_p2m_type t;
	struct am_aarch64_hvc_res r;
	uint64_t g0, g1;

	gh_begin(CK_GNT_GFN);
	g0 = gnttab_gfn(0);
	g1 = gnttab_gfn(1);
	EXPECT_EQ(g0, GNT_A_GFN, "GH_GNTTAB_GFN(0)");
	EXPECT_EQ(g1, GFN_NONE, "GH_GNTTAB_GFN(1): never mapped");
	r = gh_hvc(GH_LOOKUP, GNT_A_GFN, 0, 0);
	t = (enum am_p2m_type)r.x2;
	EXPECT_EQ(r.x0, 0, "GH_LOOKUP(GFN A)");
	EXPECT_EQ(t, AM_P2M_RAM_RW, "the p2m type at GFN A");
	gnt0_mfn = r.x1;
	gh_say("grant frame 0 is at GFN 0x%lx (MFN 0x%lx); grant frame 1 at %s\n", g0, gnt0_mfn,
	       GH_STR(g1 == GFN_NONE ? "none (GFN_NONE)" : "a GFN?"));
	gh_end(CK_GNT_GFN);
}

static void ck_gnt_busy(void)
{
	int64_t rc;

	gh_begin(CK_GNT_BUSY);
	rc = add_physmap(AM_SPACE_GRANT_TABLE, 0, GNT_B_GFN);
	EXPECT_EQ(rc, AM_EBUSY, "GH_ADD_PHYSMAP(grant table, 0, GFN B) while it is at GFN A");
	gh_say("add_physmap(grant table, 0, GFN 0x%lx) again -> %ld (AM_EBUSY is %ld)\n", GNT_B_GFN,
	       (uint64_t)rc, (uint64_t)(int64_t)AM_EBUSY);
	expect_dabt(ipa_of(GNT_B_GFN), false, AM_FSC_TRANSLATION);
	read_ok(ipa_of(GNT_A_GFN), MAGIC_GNT0, "grant frame 0 at GFN A, still");
	EXPECT_EQ(gnttab_gfn(0), GNT_A_GFN, "GH_GNTTAB_GFN(0) after the refusal");
	gh_end(CK_GNT_BUSY);
}

static void ck_gnt_eilseq(void)
{
	uint64_t shinfo_mfn;
	int64_t rc;

	gh_begin(CK_GNT_EILSEQ);
	EXPECT_EQ(lookup(SHINFO_GFN, &shinfo_mfn), 0, "GH_LOOKUP(shared info)");
	rc = remove_gfn(GNT_A_GFN, shinfo_mfn);
	EXPECT_EQ(rc, AM_EILSEQ, "GH_REMOVE(GFN A, expecting the shared-info MFN)");
	gh_say("remove(GFN 0x%lx, expect MFN 0x%lx) -> %ld\n", GNT_A_GFN, shinfo_mfn, (uint64_t)rc);
	read_ok(ipa_of(GNT_A_GFN), MAGIC_GNT0, "grant frame 0 at GFN A after the refusal");
	EXPECT_EQ(gnttab_gfn(0), GNT_A_GFN, "GH_GNTTAB_GFN(0) after the refusal");
	gh_end(CK_GNT_EILSEQ);
}

static void ck_gnt_remove(void)
{
	uint64_t mfn;
	int64_t rc;

	gh_begin(CK_GNT_REMOVE);
	/* touch it first: a stale TLB entry would let the read below through */
	read_ok(ipa_of(GNT_A_GFN) + 8, ANSWER_GNT0, "grant frame 0 at GFN A, before removal");
	rc = remove_gfn(GNT_A_GFN, gnt0_mfn);
	EXPECT_EQ(rc, 0, "GH_REMOVE(GFN A, its MFN)");
	gh_say("remove(GFN 0x%lx, expect MFN 0x%lx) -> %ld\n", GNT_A_GFN, gnt0_mfn, (uint64_t)rc);
	expect_dabt(ipa_of(GNT_A_GFN) + 8, false, AM_FSC_TRANSLATION);
	expect_dabt(ipa_of(GNT_A_GFN), true, AM_FSC_TRANSLATION);
	EXPECT_EQ(gnttab_gfn(0), GFN_NONE, "GH_GNTTAB_GFN(0) after the removal");
	EXPECT_EQ(lookup(GNT_A_GFN, &mfn), AM_ENOENT, "GH_LOOKUP(GFN A) after the removal");
	gh_end(CK_GNT_REMOVE);
}

static void ck_gnt_readd(void)
{
	int64_t rc;

	gh_begin(CK_GNT_READD);
	expect_dabt(ipa_of(GNT_C_GFN), false, AM_FSC_TRANSLATION);
	rc = add_physmap(AM_SPACE_GRANT_TABLE, 0, GNT_C_GFN);
	EXPECT_EQ(rc, 0, "GH_ADD_PHYSMAP(grant table, 0, GFN C)");
	read_ok(ipa_of(GNT_C_GFN), MAGIC_GNT0, "grant frame 0, word 0, at GFN C");
	read_ok(ipa_of(GNT_C_GFN) + 8, ANSWER_GNT0,
		"grant frame 0, word 1 (written through GFN A), at GFN C");
	expect_dabt(ipa_of(GNT_A_GFN), false, AM_FSC_TRANSLATION);
	rc = add_physmap(AM_SPACE_GRANT_TABLE, 1, GNT_D_GFN);
	EXPECT_EQ(rc, 0, "GH_ADD_PHYSMAP(grant table, 1, GFN D)");
	read_ok(ipa_of(GNT_D_GFN), MAGIC_GNT1, "grant frame 1, word 0, at GFN D");
	EXPECT_EQ(gnttab_gfn(0), GNT_C_GFN, "GH_GNTTAB_GFN(0)");
	EXPECT_EQ(gnttab_gfn(1), GNT_D_GFN, "GH_GNTTAB_GFN(1)");
	gh_end(CK_GNT_READD);
}

static void ck_status(void)
{
	const uint32_t st0 = AM_GNTTAB_STATUS | 0u;
	int64_t rc;

	gh_begin(CK_STATUS);
	rc = add_physmap(AM_SPACE_GRANT_TABLE, st0, STATUS_GFN);
	EXPECT_EQ(rc, 0, "GH_ADD_PHYSMAP(grant table, AM_GNTTAB_STATUS | 0, GFN S)");
	read_ok(ipa_of(STATUS_GFN), MAGIC_STATUS, "status frame 0, word 0");
	EXPECT_EQ(gnttab_gfn(st0), STATUS_GFN, "GH_GNTTAB_GFN(AM_GNTTAB_STATUS | 0)");
	rc = remove_gfn(STATUS_GFN, MFN_NONE);
	EXPECT_EQ(rc, 0, "GH_REMOVE(GFN S, any MFN)");
	expect_dabt(ipa_of(STATUS_GFN), false, AM_FSC_TRANSLATION);
	EXPECT_EQ(gnttab_gfn(st0), GFN_NONE, "GH_GNTTAB_GFN(status 0) after the removal");
	gh_end(CK_STATUS);
}

static void refused(int64_t rc, int64_t want, const char *call)
{
	EXPECT_EQ(rc, want, call);
	gh_say("%s -> %ld\n", GH_STR(call), (uint64_t)rc, 0);
}

static void ck_bad_args(void)
{
	const uint64_t ram_gfn = (GUEST_RAM_IPA >> 12) + 0x1f0;
	struct guest_probe p;

	gh_begin(CK_BAD_ARGS);
	refused(add_physmap(AM_SPACE_GRANT_TABLE, 2, HOLE_GFN), AM_EINVAL,
		"add_physmap(grant table, 2, hole): there are 2 frames");
	refused(add_physmap(AM_SPACE_GRANT_TABLE, AM_GNTTAB_STATUS | 1u, HOLE_GFN), AM_EINVAL,
		"add_physmap(grant table, status 1, hole): there is 1 status frame");
	refused(add_physmap(AM_SPACE_SHARED_INFO, 1, HOLE_GFN), AM_EINVAL,
		"add_physmap(shared info, 1, hole)");
	refused(add_physmap(7, 0, HOLE_GFN), AM_ENOTSUP, "add_physmap(space 7, 0, hole)");
	refused(add_physmap(AM_SPACE_GRANT_TABLE, AM_GNTTAB_STATUS, BEYOND_GFN), AM_ERANGE,
		"add_physmap(grant table, status 0, GFN 2^28): beyond 40-bit IPAs");
	refused(add_physmap(AM_SPACE_SHARED_INFO, 0, HOLE_GFN), AM_EBUSY,
		"add_physmap(shared info, 0, hole): it is mapped already");
	refused(add_physmap(AM_SPACE_GRANT_TABLE, AM_GNTTAB_STATUS, ram_gfn), AM_EEXIST,
		"add_physmap(grant table, status 0, a GFN of the guest's RAM)");
	refused(remove_gfn(HOLE_GFN, MFN_NONE), AM_ENOENT, "remove(hole)");
	refused(remove_gfn(BEYOND_GFN, MFN_NONE), AM_ERANGE, "remove(GFN 2^28)");
	/* nothing changed */
	expect_dabt(ipa_of(HOLE_GFN), false, AM_FSC_TRANSLATION);
	p = guest_ld(ipa_of(ram_gfn));
	EXPECT_EQ(p.faulted, 0, "the guest's RAM at the GFN the refused call aimed at");
	EXPECT_EQ(gnttab_gfn(AM_GNTTAB_STATUS), GFN_NONE, "status frame 0's GFN");
	read_ok(ipa_of(SHINFO_GFN), MAGIC_SHINFO, "shared info, still at its GFN");
	gh_end(CK_BAD_ARGS);
}

static void ck_control(void)
{
	struct guest_probe p;

	gh_begin(CK_CONTROL);
	read_ok(ipa_of(GNT_D_GFN), MAGIC_GNT1, "grant frame 1 at GFN D (fills the TLB)");
	gh_hvc(GH_WITHHOLD_TLBI, 1, 0, 0);
	EXPECT_EQ(remove_gfn(GNT_D_GFN, MFN_NONE), 0, "GH_REMOVE(GFN D), TLBIs withheld");
	gh_hvc(GH_WITHHOLD_TLBI, 0, 0, 0);
	EXPECT_EQ(gnttab_gfn(1), GFN_NONE, "GH_GNTTAB_GFN(1) after the removal");
	p = guest_ld(ipa_of(GNT_D_GFN));
	EXPECT_EQ(p.faulted, 0, "the stale read of GFN D (no TLBI: the TLB still maps it)");
	EXPECT_EQ(p.val, MAGIC_GNT1, "what the stale read of GFN D returned");
	gh_say("without the TLBI, GFN 0x%lx still reads 0x%lx through the stale TLB entry\n",
	       GNT_D_GFN, p.val, 0);
	gh_hvc(GH_FLUSH_VMID, 0, 0, 0);
	expect_dabt(ipa_of(GNT_D_GFN), false, AM_FSC_TRANSLATION);
	gh_end(CK_CONTROL);
}

uint64_t guest_main(void)
{
	ck_entry();
	ck_ram();
	ck_shinfo();
	ck_unmapped();
	ck_iabt();
	ck_ro();
	ck_gnt_add();
	ck_gnt_gfn();
	ck_gnt_busy();
	ck_gnt_eilseq();
	ck_gnt_remove();
	ck_gnt_readd();
	ck_status();
	ck_bad_args();
	ck_control();
	return 0;
}
