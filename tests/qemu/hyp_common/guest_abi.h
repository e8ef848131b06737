/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The check protocol between an EL2 hypervisor image and the EL1 guest it
 * runs (qemu-guest, qemu-mmio-guard): the guest drives the checks with
 * these hypercalls, the hypervisor adds its own view and prints the result
 * lines (guest_check.h; the guest's side: guest.h). Each image's abi.h
 * names its checks and adds its own calls, GH_ID(0x10) to GH_ID(0x3d).
 *
 * Hypercalls: HVC #0, function ID in x0, arguments in x1..x4, results in
 * x0..x3 (the SMC Calling Convention's registers). IDs are SMCCC-style
 * fast calls of the vendor-specific hypervisor service range, 0xc600_0100
 * + n: apart from the MMIO guard calls of the Android ABI (0xc600_0000 + n).
 *
 *   ID              arguments             results
 *   GH_CHECK_BEGIN  id                    0          a check starts
 *   GH_CHECK_END    id                    0          it ends: the hypervisor adds its
 *                                                    own view, prints "ok N - ..."
 *   GH_FAIL         msg, got, want, kind  0          the running check fails; kind
 *                                                    GH_FAIL_VALUES: "msg: got 0x..,
 *                                                    expected 0x..", GH_FAIL_ABORT:
 *                                                    "msg: took a stage-2 abort at
 *                                                    IPA <got>"
 *   GH_SAY          fmt, a, b, c          0          a detail line: %lx %lu %ld %08lx %s %%
 *   GH_EXIT         status                -          the guest is done
 *   GH_PANIC        esr, far, elr, slot   -          the guest took an exception it
 *                                                    could not handle (ESR_EL1, FAR_EL1,
 *                                                    ELR_EL1, its EL1 vector slot)
 * msg and fmt are IPAs of strings in the guest's RAM (IPA == PA there).
 * The checks: 0 is the hypervisor's, before the guest runs; the guest runs
 * 1 to CK_FINAL - 1, in order; CK_FINAL, the last, is the hypervisor's
 * again, after the guest exited.
 *
 * The guest's RAM is the same in both images: 2 MiB at 0x4020_0000, where
 * each image's link.ld places the guest, mapped at IPA == PA.
 *
 * Usable from C and from assembly (.S): the C part is guarded.
 */
#ifndef ARMMAP_QEMU_HYP_GUEST_ABI_H
#define ARMMAP_QEMU_HYP_GUEST_ABI_H

#ifdef __ASSEMBLER__
#define GH_U64(x) (x)
#else
#include <stdint.h>
#define GH_U64(x) UINT64_C(x)
#endif

#define GH_ID(n) (0xc6000100 + (n))
#define GH_ID_MASK 0xffffff00u /* the test calls: (id & GH_ID_MASK) == GH_ID(0) */
#define GH_CHECK_BEGIN GH_ID(0x00)
#define GH_CHECK_END GH_ID(0x01)
#define GH_FAIL GH_ID(0x02)
#define GH_SAY GH_ID(0x03)
#define GH_EXIT GH_ID(0x3e)
#define GH_PANIC GH_ID(0x3f)

#define GH_FAIL_VALUES 0
#define GH_FAIL_ABORT 1

/* ---- the guest's IPA space: its RAM ---- */
#define GUEST_IPA_BITS 40
#define GUEST_RAM_IPA GH_U64(0x40200000) /* 2 MiB, IPA == PA: the guest's code, data, stack */
#define GUEST_RAM_SIZE GH_U64(0x00200000)

#endif
