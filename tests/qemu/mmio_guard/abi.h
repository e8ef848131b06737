/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mmio-guard image: what the EL2 hypervisor (hyp.c) and the EL1 guest
 * firmware (guest.c, guest_entry.S) agree on. The guest's IPA layout, the
 * devices of the QEMU virt board it uses, the checks (the guest runs them
 * in this order, the hypervisor names and counts them), and the test
 * hypercalls.
 *
 * Two kinds of hypercall, both HVC #0 with the SMC Calling Convention's
 * registers (function ID in x0, arguments in x1..x4, results in x0..x3):
 *  - the MMIO guard calls of the Android ABI (am_mmio_abi_android:
 *    MEMINFO 0xc600_0002, INFO 0xc600_0005, ENROLL 0xc600_0006,
 *    MAP 0xc600_0007, UNMAP 0xc600_0008), which the hypervisor hands to
 *    am_mmio_hyp_call(); the guest makes them through its tracker, and a
 *    few by hand to see them refused;
 *  - the test calls, vendor-specific hypervisor service fast calls
 *    0xc600_0100 + n, a range apart from the MMIO guard's: the check
 *    protocol's (begin, end, fail, say, exit, panic:
 *    tests/qemu/hyp_common/guest_abi.h) and the image's own:
 *
 *   ID              arguments          results
 *   MG_HYP_STATE    -                  guarded, enrolled, MAP calls, UNMAP calls
 *   MG_GUARDED      ipa, size          am_mmio_hyp_allowed(ipa, size)
 *   MG_EMUL_STATE   -                  accesses emulated, accesses refused,
 *                                      IPA of the last emulated, of the last refused
 *   MG_LAST_TRAP    -                  ESR_EL2, IPA, value transferred, ELR_EL2
 *                                      of the last device access trapped at stage 2
 *   MG_UART_STATE   -                  bytes written to UARTDR on the guest's
 *                                      behalf, their sum
 *   MG_QUIET        on                 0          no detail line per emulated access
 * An unknown ID of either range: SMCCC NOT_SUPPORTED (-1).
 *
 * A device access trapped at stage 2 is carried out on the real device
 * when every granule it touches is guarded (am_mmio_hyp_allowed()), and
 * the guest resumes after it; otherwise the hypervisor refuses it and
 * injects a synchronous external abort (DFSC 0x10) into the guest at EL1.
 *
 * Usable from C and from assembly (.S): the C part is guarded.
 */
#ifndef ARMMAP_QEMU_MMIO_GUARD_ABI_H
#define ARMMAP_QEMU_MMIO_GUARD_ABI_H

#include "tests/qemu/hyp_common/guest_abi.h"

/* ---- the image's test hypercall function IDs ---- */
#define MG_HYP_STATE GH_ID(0x10)
#define MG_GUARDED GH_ID(0x11)
#define MG_EMUL_STATE GH_ID(0x12)
#define MG_LAST_TRAP GH_ID(0x13)
#define MG_UART_STATE GH_ID(0x14)
#define MG_QUIET GH_ID(0x15)

/* ---- the guest's IPA space (its RAM: guest_abi.h) ---- */
#define TRACK_LO GH_U64(0x00000000) /* the tracker's address space: [0, 2 GiB) */
#define TRACK_HI GH_U64(0x80000000)

/* ---- devices of the virt board (none is mapped at stage 2) ---- */
#define UART_IPA GH_U64(0x09000000)   /* PL011: lazy, one page */
#define RTC_IPA GH_U64(0x09010000)    /* PL031: lazy, one page */
#define GPIO_IPA GH_U64(0x09030000)   /* PL061: mapped by hand, never guarded */
#define VIRTIO_IPA GH_U64(0x0a000000) /* virtio-mmio transports: a lazy 2 MiB block */
#define VIRTIO_SIZE GH_U64(0x00200000)
#define DEV_PAGE GH_U64(0x1000)

/* PrimeCell registers and the values QEMU's models give */
#define UART_DR 0x000u
#define UART_FR 0x018u
#define UART_FR_TXFF (1u << 5)
#define RTC_DR 0x000u
#define PCELL_PERIPHID0 0xfe0u		  /* PeriphID0..3 at 0xfe0, 0xfe4, 0xfe8, 0xfec */
#define PL011_PERIPHID GH_U64(0x00141011) /* PeriphID3..0 = 0x00 0x14 0x10 0x11 */
#define PL031_PERIPHID GH_U64(0x00141031) /* PeriphID3..0 = 0x00 0x14 0x10 0x31 */
#define VIRTIO_MAGIC GH_U64(0x74726976)	  /* "virt", at offset 0 of each transport */

/* ---- the checks the guest runs, in order ---- */
#define CK_BOOT 0 /* the hypervisor's, before the guest runs (guest_abi.h) */
#define CK_INIT 1
#define CK_LAZY 2
#define CK_UART_FIRST 3
#define CK_UART_AGAIN 4
#define CK_RTC 5
#define CK_BLOCK 6
#define CK_REFUSED 7
#define CK_HVC_BAD 8
#define CK_TRACKER_ERR 9
#define CK_UNMAP_ALL 10
#define CK_REFAULT 11
#define CK_FINAL 12 /* the hypervisor's, after the guest exited */
#define CK_COUNT 13

#endif
