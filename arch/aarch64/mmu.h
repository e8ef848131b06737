/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The aarch64 backend's MMU enable and AT sequences, one copy for every
 * translation regime (el1_mmu.c, pt_ops.c for EL2, el3_mmu.c, vhe.c for
 * EL2&0). Private to arch/aarch64/: not installed.
 */
#ifndef ARMMAP_ARCH_AARCH64_MMU_H
#define ARMMAP_ARCH_AARCH64_MMU_H

#include <stdint.h>

#include <armmap/arch/aarch64/sysreg.h>

/*
 * Turn the MMU of the level whose registers end in @el (el1, el2, el3) on:
 * the tables written (DSB ISH), MAIR, TCR and TTBR0 written, @local (the
 * regime's local TLB invalidation and the instruction cache's, with their
 * barriers, as one assembly string), then SCTLR with @clear cleared and @set
 * set (M and the RES1 bits of its layout among them).
 */
#define AM_MMU_ENABLE(el, local, mair, tcr, ttbr, clear, set)                   \
	do {                                                                    \
		uint64_t am_sctlr_;                                             \
                                                                                \
		am_dsb_ish(); /* the tables are written */                      \
		am_write_sysreg(mair_##el, (mair));                             \
		am_write_sysreg(tcr_##el, (tcr));                               \
		am_write_sysreg(ttbr0_##el, (ttbr));                            \
		am_isb();                                                       \
		__asm__ volatile(local : : : "memory");                         \
		am_sctlr_ = am_read_sysreg(sctlr_##el);                         \
		am_sctlr_ = (am_sctlr_ & ~(uint64_t)(clear)) | (uint64_t)(set); \
		am_write_sysreg(sctlr_##el, am_sctlr_);                         \
		am_isb();                                                       \
	} while (0)

/* The local invalidations of each regime's MMU enable: its TLB, the I-cache. */
#define AM_MMU_LOCAL_EL1 "tlbi vmalle1\n\tdsb nsh\n\tic iallu\n\tdsb nsh\n\tisb"
#define AM_MMU_LOCAL_EL2 "tlbi alle2\n\tdsb ish\n\tic iallu\n\tdsb ish\n\tisb"
#define AM_MMU_LOCAL_EL3 "tlbi alle3\n\tdsb ish\n\tic iallu\n\tdsb ish\n\tisb"

/* PAR_EL1 after AT @op (s1e2r, s1e0w, ...) of @va: what the hardware makes of it. */
#define AM_AT(op, va)                                                       \
	__extension__({                                                     \
		uint64_t am_par_;                                           \
		__asm__ volatile("at " #op ", %1\n\tisb\n\tmrs %0, par_el1" \
				 : "=r"(am_par_)                            \
				 : "r"((uint64_t)(va))                      \
				 : "memory");                               \
		am_par_;                                                    \
	})

#endif
