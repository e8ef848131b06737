/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 bare metal: bringing CPUs up and down with PSCI (Arm Power State
 * Coordination Interface, DEN0022), over SMC or HVC with the SMC Calling
 * Convention's registers. A CPU started by CPU_ON begins at
 * am_aarch64_cpu_entry with its MMU and caches off, at the level the
 * firmware chooses (EL2 under QEMU virt with virtualization=on, whose PSCI
 * conduit is SMC); the entry takes its stack and the C function to run
 * from a boot block the caller fills in.
 */
#ifndef ARMMAP_ARCH_AARCH64_PSCI_H
#define ARMMAP_ARCH_AARCH64_PSCI_H

/* The boot block, in bytes (shared with psci.S). */
#define AM_CPU_BOOT_SP 0
#define AM_CPU_BOOT_FN 8
#define AM_CPU_BOOT_ARG 16

#ifndef __ASSEMBLER__

#include <stdint.h>

/* Function IDs (SMC64 where the call takes addresses). */
#define AM_PSCI_VERSION 0x84000000u
#define AM_PSCI_CPU_OFF 0x84000002u
#define AM_PSCI_CPU_ON 0xc4000003u
#define AM_PSCI_AFFINITY_INFO 0xc4000004u

/* Return codes. */
#define AM_PSCI_SUCCESS 0
#define AM_PSCI_NOT_SUPPORTED (-1)
#define AM_PSCI_INVALID_PARAMS (-2)
#define AM_PSCI_DENIED (-3)
#define AM_PSCI_ALREADY_ON (-4)
#define AM_PSCI_ON_PENDING (-5)
#define AM_PSCI_INTERNAL_FAILURE (-6)

/* What AFFINITY_INFO reports. */
#define AM_PSCI_AFF_ON 0
#define AM_PSCI_AFF_OFF 1
#define AM_PSCI_AFF_ON_PENDING 2

/* MPIDR_EL1: the affinity fields a PSCI call names a CPU by. */
#define AM_MPIDR_AFF_MASK 0xff00ffffffull /* Aff3 [39:32], Aff2..Aff0 [23:0] */
#define AM_MPIDR_MT (1ull << 24)	  /* Aff0 is a thread, Aff1 the core */

enum am_psci_conduit {
	AM_PSCI_SMC = 0,
	AM_PSCI_HVC = 1,
};

/*
 * What a CPU started by am_aarch64_psci_cpu_on() runs: am_aarch64_cpu_entry
 * masks D, A, I, F, sets SP to @sp (16-byte aligned, the top of its
 * stack), and calls @fn(@arg); if @fn returns, the CPU waits in WFE for
 * good. Read with the MMU off: keep it where the new CPU sees it at its
 * PA (am_aarch64_psci_cpu_on() cleans it to the point of coherency).
 */
struct am_aarch64_cpu_boot {
	uint64_t sp;
	void (*fn)(void *arg);
	void *arg;
};

_Static_assert(__builtin_offsetof(struct am_aarch64_cpu_boot, fn) == AM_CPU_BOOT_FN, "layout");
_Static_assert(__builtin_offsetof(struct am_aarch64_cpu_boot, arg) == AM_CPU_BOOT_ARG, "layout");

/*
 * am_aarch64_psci_call() - one PSCI call (SMC #0 or HVC #0) with x0 = @fid,
 * x1..x3 = @a1..@a3; returns x0.
 */
int64_t am_aarch64_psci_call(enum am_psci_conduit c, uint32_t fid, uint64_t a1, uint64_t a2,
			     uint64_t a3);

/*
 * am_aarch64_psci_cpu_on() - CPU_ON for the CPU whose MPIDR affinity is
 * @mpidr, entering am_aarch64_cpu_entry with @boot (PA == VA) as its
 * context. @boot is cleaned to the point of coherency first. Returns
 * AM_PSCI_SUCCESS or the firmware's error (AM_PSCI_ALREADY_ON,
 * AM_PSCI_INVALID_PARAMS, ...).
 */
int64_t am_aarch64_psci_cpu_on(enum am_psci_conduit c, uint64_t mpidr,
			       const struct am_aarch64_cpu_boot *boot);

/* am_aarch64_psci_affinity_info() - AM_PSCI_AFF_ON / _OFF / _ON_PENDING of @mpidr, or an error. */
int64_t am_aarch64_psci_affinity_info(enum am_psci_conduit c, uint64_t mpidr);

/* am_aarch64_psci_cpu_off() - power the calling CPU off; returns only on an error. */
int64_t am_aarch64_psci_cpu_off(enum am_psci_conduit c);

/* psci.S: where CPU_ON starts a CPU (x0: its struct am_aarch64_cpu_boot). */
void am_aarch64_cpu_entry(void);

#endif /* !__ASSEMBLER__ */

#endif
