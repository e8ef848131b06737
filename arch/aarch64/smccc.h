/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 EL1: the transport of the MMIO guard tracker
 * (struct am_mmio_transport, armmap/mmio_guard.h) over HVC #0, with the
 * SMC Calling Convention's registers: the function ID in x0, the argument
 * in x1, the result in x0.
 */
#ifndef ARMMAP_ARCH_AARCH64_SMCCC_H
#define ARMMAP_ARCH_AARCH64_SMCCC_H

#include <armmap/mmio_guard.h>

/* What the transport counts when it is given a context (may be NULL). */
struct am_aarch64_smccc_stats {
	unsigned long calls;
	uint32_t last_fid;
	uint64_t last_arg;
	int64_t last_ret;
};

/*
 * am_aarch64_smccc_hvc() - HVC #0 with x0 = @fid, x1 = @arg; returns x0.
 * @ctx: NULL, or a struct am_aarch64_smccc_stats to count the call in.
 */
int64_t am_aarch64_smccc_hvc(void *ctx, uint32_t fid, uint64_t arg);

/* am_aarch64_smccc_transport() - the tracker's transport over am_aarch64_smccc_hvc(). */
static inline struct am_mmio_transport am_aarch64_smccc_transport(struct am_aarch64_smccc_stats *s)
{
	return (struct am_mmio_transport){am_aarch64_smccc_hvc, s};
}

#endif
