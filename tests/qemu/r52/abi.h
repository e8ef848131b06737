/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-r52: the calls between the EL1 guest (guest.c) and the EL2
 * hypervisor (main.c): HVC #0 with the function in r0, arguments in r1..r3,
 * the answer in r0. Both halves are built together from this header.
 */
#ifndef ARMMAP_QEMU_R52_ABI_H
#define ARMMAP_QEMU_R52_ABI_H

enum {
	R52_HC_BEGIN = 0x100, /* r1 = check (R52_CK_*) */
	R52_HC_END,	      /* r1 = check, r2 = the guest's own verdict (1 ok), r3 = a value */
	R52_HC_NOTE,	      /* r1 = what (R52_NOTE_*), r2, r3: printed by the hypervisor */
	R52_HC_EXIT,	      /* r1 = status: the guest's run ends */
};

/* The guest's checks, in order. */
enum {
	R52_CK_ENTRY,	 /* it runs in SVC mode under HCR.VM; its HVCs reach Hyp mode */
	R52_CK_DEMAND,	 /* a load from its second RAM window: a stage-2 fault, mapped, resumed */
	R52_CK_DENY,	 /* a load from the hypervisor's memory: a stage-2 fault, refused */
	R52_CK_EL1MPU,	 /* its own EL1 MPU, programmed with armmap, on */
	R52_CK_EL1RO,	 /* a store to its own read-only region faults at EL1 */
	R52_CK_EL1UNMAP, /* a region it unmapped faults at EL1 (background) */
	R52_CK_EL1OFF,	 /* its EL1 MPU off again: only the second stage applies */
	R52_CK_COUNT
};

/* Notes the guest asks the hypervisor to print. */
enum {
	R52_NOTE_EL1_REGIONS, /* r2 = MPUIR regions, r3 = regions the guest's map uses */
	R52_NOTE_EL1_FAULT,   /* r2 = DFSR, r3 = DFAR of a fault taken at EL1 */
	R52_NOTE_VALUE,	      /* r2 = an address, r3 = the value the guest read there */
	R52_NOTE_RC,	      /* r2 = a call (R52_CALL_*), r3 = its armmap return code */
};

enum { R52_CALL_INIT, R52_CALL_BOOT, R52_CALL_MAP, R52_CALL_UNMAP };

/* What a guest probe reads when the hypervisor refused its stage-2 fault. */
#define R52_DENIED 0xde91ed00u
/* What the hypervisor plants in the second window before mapping it. */
#define R52_SEED 0x5eed52u

#endif
