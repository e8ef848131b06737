/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 EL1: owns the SMCCC hypercall the MMIO guard tracker's transport
 * makes, and its optional count.
 */
#include <armmap/arch/aarch64/smccc.h>

int64_t am_aarch64_smccc_hvc(void *ctx, uint32_t fid, uint64_t arg)
{
	struct am_aarch64_smccc_stats *s = ctx;
	int64_t r = (int64_t)am_aarch64_hvc(fid, arg, 0, 0, 0).x0;

	if (s) {
		s->calls++;
		s->last_fid = fid;
		s->last_arg = arg;
		s->last_ret = r;
	}
	return r;
}
