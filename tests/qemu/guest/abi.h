/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-guest image: what the EL2 hypervisor (hyp.c) and the EL1 guest
 * (guest.c, guest_entry.S) agree on. The guest's IPA layout, the values
 * each side plants for the other, the checks (the guest runs them in this
 * order, the hypervisor names and counts them), and the image's own
 * hypercalls; the check protocol's (begin, end, fail, say, exit, panic)
 * are tests/qemu/hyp_common/guest_abi.h, with the same registers. A
 * negative x0 is an armmap error code (AM_E*), sign-extended to 64 bits:
 * the P2M's own return value.
 *
 *   ID               arguments             results
 *   GH_ADD_PHYSMAP   space, idx, gfn       rc         am_p2m_add_physmap()
 *   GH_REMOVE        gfn, expect_mfn       rc         am_p2m_remove_physmap()
 *   GH_GNTTAB_GFN    idx                   rc, gfn    am_p2m_gnttab_gfn()
 *   GH_LOOKUP        gfn                   rc, mfn, type         am_p2m_lookup()
 *   GH_LAST_FAULT    -                     count, ipa, esr, far  of the last stage-2
 *                                                     abort (ipa: HPFAR_EL2 + FAR_EL2)
 *   GH_WITHHOLD_TLBI on                    0          test hook: the backend drops the
 *                                                     P2M's TLBIs while on
 *   GH_FLUSH_VMID    -                     0          TLBI VMALLS12E1IS
 * An unknown ID returns AM_ENOTSUP.
 *
 * A guest access probe (guest_entry.S) that takes a stage-2 abort is
 * resumed by the hypervisor after the access, with x1 = GUEST_FAULTED; a
 * probed call whose target takes a stage-2 instruction abort returns
 * GUEST_EXEC_FAULTED.
 *
 * Usable from C and from assembly (.S): the C part is guarded.
 */
#ifndef ARMMAP_QEMU_GUEST_ABI_H
#define ARMMAP_QEMU_GUEST_ABI_H

#include "tests/qemu/hyp_common/guest_abi.h"

/* ---- the image's hypercall function IDs ---- */
#define GH_ADD_PHYSMAP GH_ID(0x10)
#define GH_REMOVE GH_ID(0x11)
#define GH_GNTTAB_GFN GH_ID(0x12)
#define GH_LOOKUP GH_ID(0x13)
#define GH_LAST_FAULT GH_ID(0x14)
#define GH_WITHHOLD_TLBI GH_ID(0x20)
#define GH_FLUSH_VMID GH_ID(0x21)

#define GUEST_FAULTED 1			 /* x1 after a probe whose access aborted */
#define GUEST_EXEC_FAULTED 0xfa17fa17ull /* x0 after a probed call that aborted */

/* ---- the guest's IPA space (40 bits; its RAM: guest_abi.h) ---- */
#define SHINFO_GFN GH_U64(0x50000)    /* the shared-info page (mapped at boot) */
#define RO_GFN GH_U64(0x50001)	      /* a hypervisor page mapped RAM_RO */
#define HOLE_GFN GH_U64(0x50008)      /* never mapped; its level-3 table exists */
#define GNT_A_GFN GH_U64(0x50010)     /* grant frame 0, first */
#define GNT_B_GFN GH_U64(0x50011)     /* where grant frame 0 cannot go twice */
#define GNT_C_GFN GH_U64(0x50012)     /* grant frame 0, again, after its removal */
/* grant frame 1: at 512 GiB + 76 KiB, an IPA of the second page of the P2M's
 * concatenated root (two level-1 tables: 40-bit IPAs on 40-bit PAs) */
#define GNT_D_GFN GH_U64(0x8000013)
#define STATUS_GFN GH_U64(0x50020)    /* grant status frame 0 */
#define NOL2_IPA GH_U64(0x80000000)   /* 2..3 GiB: no level-2 table (the walk stops at level 1) */
/* 512 GiB: the second root page's first entry, empty until GFN D is added
 * (the walk stops at level 1) */
#define NOL1_IPA GH_U64(0x8000000000)
#define BEYOND_GFN (GH_U64(1) << (GUEST_IPA_BITS - 12)) /* the first GFN past the IPA size */

/* ---- what each side plants ---- */
#define MAGIC_SHINFO GH_U64(0x5ba7ed1f05ba7ed1)	 /* shared info, word 0 (hypervisor) */
#define ANSWER_SHINFO GH_U64(0x9e57a11ed9e57a11) /* shared info, word 1 (guest) */
#define MAGIC_RO GH_U64(0x0eadb0000eadb000)	 /* the RAM_RO page, word 0 */
#define MAGIC_GNT0 GH_U64(0x96a47f0096a47f00)	 /* grant frame 0, word 0 */
#define MAGIC_GNT1 GH_U64(0x96a47f0196a47f01)	 /* grant frame 1, word 0 */
#define MAGIC_STATUS GH_U64(0x57a7057a7057a705)	 /* status frame 0, word 0 */
#define ANSWER_GNT0 GH_U64(0x6e57b00c6e57b00c)	 /* grant frame 0, word 1 (guest) */
#define SEED_RAM GH_U64(0x5eed5eed0000cafe)	 /* a guest variable, set by the hypervisor */
#define ANSWER_RAM GH_U64(0xa2a2a2a2f00dface)	 /* a guest variable, set by the guest */

/* ---- the checks the guest runs, in order ---- */
#define CK_BOOT 0 /* the hypervisor's, before the guest runs (guest_abi.h) */
#define CK_ENTRY 1
#define CK_RAM 2
#define CK_SHINFO 3
#define CK_UNMAPPED 4
#define CK_IABT 5
#define CK_RO 6
#define CK_GNT_ADD 7
#define CK_GNT_GFN 8
#define CK_GNT_BUSY 9
#define CK_GNT_EILSEQ 10
#define CK_GNT_REMOVE 11
#define CK_GNT_READD 12
#define CK_STATUS 13
#define CK_BAD_ARGS 14
#define CK_CONTROL 15
#define CK_FINAL 16 /* the hypervisor's, after the guest exited */
#define CK_COUNT 17

#endif
