/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * AArch64 EL1: the transport of the MMIO guard tracker
 * (struct am_mmio_transport, armmap/mmio_guard.h) over HVC #0, with the
 * SMC Calling Convention's registers: the function ID in x0, the argument
 * in x1, the result in x0.
 */
#ifndef ARMMAP_ARCH_AARCH64_SMCCC_H
#define ARMMAP_ARCH_AARCH64_SMCCC_H

#include <stdint.h>

#include <armmap/mmio_guard.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What the transport counts when it is given a context (may be NULL). */
struct am_aarch64_smccc_stats {
	unsigned long calls; /**< the calls made */
	uint32_t last_fid;   /**< the function ID of the last call */
	uint64_t last_arg;   /**< the argument of the last call */
	int64_t last_ret;    /**< what the last call returned */
};

/** What an HVC returns: x0..x3. */
struct am_aarch64_hvc_res {
	/** @var am_aarch64_hvc_res::x1
	 * x1 after the call */
	/** @var am_aarch64_hvc_res::x2
	 * x2 after the call */
	/** x0 after the call */
	uint64_t x0, x1, x2, x3; /**< x3 after the call */
};

/**
 * HVC #0 with the function in x0 and arguments in x1..x4, the SMC Calling
 * Convention's register use: results in x0..x3, x4..x17 may be changed by
 * the hypervisor, x18 and above are kept.
 *
 * @param fn  the function ID, in x0
 * @param a1  the first argument, in x1
 * @param a2  the second argument, in x2
 * @param a3  the third argument, in x3
 * @param a4  the fourth argument, in x4
 * @return x0..x3 after the call.
 */
static inline struct am_aarch64_hvc_res am_aarch64_hvc(uint64_t fn, uint64_t a1, uint64_t a2,
						       uint64_t a3, uint64_t a4)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	register uint64_t x4 __asm__("x4") = a4;

	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4)
			 :
			 : "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
			   "x16", "x17", "memory");
	struct am_aarch64_hvc_res r;

	r.x0 = x0;
	r.x1 = x1;
	r.x2 = x2;
	r.x3 = x3;
	return r;
}

/**
 * HVC #0 with x0 = @p fid, x1 = @p arg.
 *
 * @param ctx  NULL, or a struct am_aarch64_smccc_stats to count the call in
 * @param fid  the function ID
 * @param arg  the argument
 * @return x0 after the call.
 */
int64_t am_aarch64_smccc_hvc(void *ctx, uint32_t fid, uint64_t arg);

/**
 * The tracker's transport over am_aarch64_smccc_hvc().
 *
 * @param s  NULL, or a struct am_aarch64_smccc_stats to count the calls in
 * @return the transport: call am_aarch64_smccc_hvc(), ctx @p s.
 */
static inline struct am_mmio_transport am_aarch64_smccc_transport(struct am_aarch64_smccc_stats *s)
{
	struct am_mmio_transport t;

	t.call = am_aarch64_smccc_hvc;
	t.ctx = s;
	return t;
}

#ifdef __cplusplus
}
#endif

#endif
