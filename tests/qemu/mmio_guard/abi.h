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
 *  - the image's own test calls, vendor-specific hypervisor service fast
 *    calls 0xc600_0100 + n, a range apart from the MMIO guard's:
 *
 *   ID              arguments          results
 *   MG_CHECK_BEGIN  id                 0          a check starts
 *   MG_CHECK_END    id                 0          it ends: the hypervisor adds its
 *                                                 own view, prints "ok N - ..."
 *   MG_FAIL         msg, got, want     0          the running check fails:
 *                                                 "msg: got 0x.., expected 0x.."
 *   MG_SAY          fmt, a, b, c       0          a detail line: %lx %lu %ld %s %%
 *   MG_HYP_STATE    -                  guarded, enrolled, MAP calls, UNMAP calls
 *   MG_GUARDED      ipa, size          am_mmio_hyp_allowed(ipa, size)
 *   MG_EMUL_STATE   -                  accesses emulated, accesses refused,
 *                                      IPA of the last emulated, of the last refused
 *   MG_LAST_TRAP    -                  ESR_EL2, IPA, value transferred, ELR_EL2
 *                                      of the last device access trapped at stage 2
 *   MG_UART_STATE   -                  bytes written to UARTDR on the guest's
 *                                      behalf, their sum
 *   MG_QUIET        on                 0          no detail line per emulated access
 *   MG_EXIT         status             -          the guest is done
 *   MG_PANIC        esr, far, elr      -          the guest took an exception it
 *                                                 could not handle
 * msg and fmt are IPAs of strings in the guest's RAM (IPA == PA there).
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

#ifdef __ASSEMBLER__
#define MG_U64(x) (x)
#else
#include <stdint.h>
#define MG_U64(x) UINT64_C(x)
#endif

/* ---- test hypercall function IDs ---- */
#define MG_ID(n) (0xc6000100 + (n))
#define MG_ID_MASK 0xffffff00u
#define MG_CHECK_BEGIN MG_ID(0x00)
#define MG_CHECK_END MG_ID(0x01)
#define MG_FAIL MG_ID(0x02)
#define MG_SAY MG_ID(0x03)
#define MG_HYP_STATE MG_ID(0x10)
#define MG_GUARDED MG_ID(0x11)
#define MG_EMUL_STATE MG_ID(0x12)
#define MG_LAST_TRAP MG_ID(0x13)
#define MG_UART_STATE MG_ID(0x14)
#define MG_QUIET MG_ID(0x15)
#define MG_EXIT MG_ID(0x3e)
#define MG_PANIC MG_ID(0x3f)

/* ---- the guest's IPA space ---- */
#define GUEST_IPA_BITS 40
#define GUEST_RAM_IPA MG_U64(0x40200000) /* 2 MiB, IPA == PA: code, data, tables, stack */
#define GUEST_RAM_SIZE MG_U64(0x00200000)
#define TRACK_LO MG_U64(0x00000000) /* the tracker's address space: [0, 2 GiB) */
#define TRACK_HI MG_U64(0x80000000)

/* ---- devices of the virt board (none is mapped at stage 2) ---- */
#define UART_IPA MG_U64(0x09000000)   /* PL011: lazy, one page */
#define RTC_IPA MG_U64(0x09010000)    /* PL031: lazy, one page */
#define GPIO_IPA MG_U64(0x09030000)   /* PL061: mapped by hand, never guarded */
#define VIRTIO_IPA MG_U64(0x0a000000) /* virtio-mmio transports: a lazy 2 MiB block */
#define VIRTIO_SIZE MG_U64(0x00200000)
#define DEV_PAGE MG_U64(0x1000)

/* PrimeCell registers and the values QEMU's models give */
#define UART_DR 0x000u
#define UART_FR 0x018u
#define UART_FR_TXFF (1u << 5)
#define RTC_DR 0x000u
#define PCELL_PERIPHID0 0xfe0u		  /* PeriphID0..3 at 0xfe0, 0xfe4, 0xfe8, 0xfec */
#define PL011_PERIPHID MG_U64(0x00141011) /* PeriphID3..0 = 0x00 0x14 0x10 0x11 */
#define PL031_PERIPHID MG_U64(0x00141031) /* PeriphID3..0 = 0x00 0x14 0x10 0x31 */
#define VIRTIO_MAGIC MG_U64(0x74726976)	  /* "virt", at offset 0 of each transport */

/* ---- the checks the guest runs, in order ---- */
#define CK_BOOT 0 /* the hypervisor's, before the guest runs */
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
