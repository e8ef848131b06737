/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 guest entry from EL2: owns the order in which the stage-2
 * registers, the TLB invalidation of the VMID, HCR_EL2 and the guest's
 * EL1 registers are written before the ERET (vm_entry.S does the switch).
 */
#include <armmap/errors.h>

#include "tests/qemu/aarch64/vm.h"

static bool entry_ok(const struct am_aarch64_vm_entry *e)
{
	uint64_t m = e->spsr & AM_SPSR_M_MASK;

	if ((e->hcr & (AM_HCR_VM | AM_HCR_RW)) != (AM_HCR_VM | AM_HCR_RW))
		return false;
	if (e->hcr & (AM_HCR_E2H | AM_HCR_TGE))
		return false;
	/* AArch64 (M[4] clear), EL1h, EL1t or EL0t */
	if (e->spsr & 0x10u)
		return false;
	return m == AM_SPSR_M_EL1H || m == AM_SPSR_M_EL1T || m == AM_SPSR_M_EL0T;
}

int am_aarch64_vm_run(const struct am_aarch64_vm_entry *e, uint64_t *exit_value)
{
	uint64_t v;

	if (am_current_el() != 2)
		return AM_EPERM;
	if (!e || !exit_value || !entry_ok(e))
		return AM_EINVAL;
	am_dsb_ish(); /* the stage-2 table is written */
	am_write_sysreg(vtcr_el2, e->vtcr);
	am_write_sysreg(vttbr_el2, e->vttbr);
	am_isb();
	/* the VMID is the one in VTTBR_EL2 now */
	__asm__ volatile("tlbi vmalls12e1is\n\t"
			 "dsb ish\n\t"
			 "isb"
			 :
			 :
			 : "memory");
	am_write_sysreg(sctlr_el1, e->sctlr_el1 | AM_SCTLR_EL1_RES1);
	am_write_sysreg(vbar_el1, e->vbar_el1);
	am_write_sysreg(sp_el1, e->sp_el1);
	am_write_sysreg(elr_el2, e->pc);
	am_write_sysreg(spsr_el2, e->spsr);
	am_write_sysreg(hcr_el2, e->hcr);
	am_isb();
	v = am_aarch64_vm_switch(e->x);
	*exit_value = v;
	return 0;
}
