/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Armv8-R AArch32: CP15 system register access by encoding, (opc1, CRn,
 * CRm, opc2), for the MPU backend and for bare-metal code around it (the
 * Hyp-mode syndrome registers HSR, HDFAR, HIFAR, HPFAR, HCR; the EL1 fault
 * registers DFSR, DFAR). EL2 (Hyp) registers have opc1 4, EL1 ones 0.
 */
#ifndef ARMMAP_ARCH_ARMV8R_CP15_H
#define ARMMAP_ARCH_ARMV8R_CP15_H

#include <stdint.h>

#define AM_CP15_READ(op1, crn, crm, op2)                                                         \
	({                                                                                       \
		uint32_t v_;                                                                     \
		__asm__ volatile("mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 : "=r"(v_)); \
		v_;                                                                              \
	})
#define AM_CP15_WRITE(op1, crn, crm, op2, v)                                \
	__asm__ volatile("mcr p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 \
			 :                                                  \
			 : "r"((uint32_t)(v))                               \
			 : "memory")

#endif
