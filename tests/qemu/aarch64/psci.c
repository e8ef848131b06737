/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 PSCI: owns the conduit call and the CPU_ON, CPU_OFF and
 * AFFINITY_INFO requests built on it.
 */
#include "tests/qemu/aarch64/psci.h"
#include <armmap/arch/aarch64/el1_mmu.h>

int64_t am_aarch64_psci_call(enum am_psci_conduit c, uint32_t fid, uint64_t a1, uint64_t a2,
			     uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	/* SMCCC: x4..x17 may be changed by the callee */
	if (c == AM_PSCI_HVC)
		__asm__ volatile("hvc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
				   "x14", "x15", "x16", "x17", "memory");
	else
		__asm__ volatile("smc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
				   "x14", "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

int64_t am_aarch64_psci_cpu_on(enum am_psci_conduit c, uint64_t mpidr,
			       const struct am_aarch64_cpu_boot *boot)
{
	/* the new CPU reads the block with its MMU and caches off */
	am_aarch64_dcache_civac((uintptr_t)boot, sizeof(*boot));
	return am_aarch64_psci_call(c, AM_PSCI_CPU_ON, mpidr & AM_MPIDR_AFF_MASK,
				    (uintptr_t)am_aarch64_cpu_entry, (uintptr_t)boot);
}

int64_t am_aarch64_psci_affinity_info(enum am_psci_conduit c, uint64_t mpidr)
{
	return am_aarch64_psci_call(c, AM_PSCI_AFFINITY_INFO, mpidr & AM_MPIDR_AFF_MASK, 0, 0);
}

int64_t am_aarch64_psci_cpu_off(enum am_psci_conduit c)
{
	return am_aarch64_psci_call(c, AM_PSCI_CPU_OFF, 0, 0, 0);
}
