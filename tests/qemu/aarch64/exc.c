/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 exception dispatch and the access probes: owns the installed
 * handler and fatal hook, each CPU's record of its last probe fault, and the rule
 * that turns a data abort at a probe instruction (or an instruction abort
 * at a probed call target) into a recorded, resumed fault.
 */
#include "tests/qemu/aarch64/exc.h"
#include <armmap/arch/aarch64/sysreg.h>

volatile struct am_aarch64_fault am_aarch64_cpu_fault[AM_AARCH64_MAX_CPUS];

static am_aarch64_exc_fn exc_handler;
static am_aarch64_fatal_fn exc_fatal;
/* per CPU: armed by am_aarch64_probe_exec() */
static volatile uint64_t exec_target[AM_AARCH64_MAX_CPUS];

bool am_aarch64_exc_init(am_aarch64_exc_fn handler, am_aarch64_fatal_fn fatal)
{
	exc_handler = handler;
	exc_fatal = fatal;
	return am_aarch64_exc_install();
}

bool am_aarch64_exc_install(void)
{
	unsigned int el = am_current_el();

	if (el == 3)
		am_write_sysreg(vbar_el3, (uint64_t)(uintptr_t)am_aarch64_vectors_el3);
	else if (el == 2)
		am_write_sysreg(vbar_el2, (uint64_t)(uintptr_t)am_aarch64_vectors_el2);
	else if (el == 1)
		am_write_sysreg(vbar_el1, (uint64_t)(uintptr_t)am_aarch64_vectors_el1);
	else
		return false;
	am_isb();
	return true;
}

static void record(const struct am_aarch64_frame *f)
{
	volatile struct am_aarch64_fault *r = &am_aarch64_last_fault;

	r->esr = f->esr;
	r->far = f->far;
	r->elr = f->elr;
	r->count++;
}

/* A probe fault: record it and resume. */
static bool probe_fault(struct am_aarch64_frame *f)
{
	unsigned int ec = am_esr_ec(f->esr);

	if (f->kind != (AM_EXC_CUR_SPX | AM_EXC_SYNC))
		return false;
	if (ec == AM_EC_DABT_CUR && (f->elr == (uintptr_t)am_aarch64_probe_ld_insn ||
				     f->elr == (uintptr_t)am_aarch64_probe_st_insn)) {
		record(f);
		f->elr += 4; /* skip the load / store */
		return true;
	}
	if (ec == AM_EC_IABT_CUR && exec_target[am_aarch64_cpu_slot()] &&
	    f->elr == exec_target[am_aarch64_cpu_slot()]) {
		record(f);
		f->elr = f->x[30]; /* back to the caller, as if returning */
		f->x[0] = AM_AARCH64_EXEC_FAULTED;
		return true;
	}
	return false;
}

void am_aarch64_exc_dispatch(struct am_aarch64_frame *frame)
{
	if (probe_fault(frame))
		return;
	if (exc_handler && exc_handler(frame))
		return;
	if (exc_fatal)
		exc_fatal(frame);
	for (;;)
		__asm__ volatile("wfe");
}

const char *am_aarch64_exc_name(uint64_t esr)
{
	switch (am_esr_ec(esr)) {
	case AM_EC_UNKNOWN:
		return "unknown reason";
	case AM_EC_HVC64:
		return "HVC";
	case AM_EC_SMC64:
		return "SMC";
	case AM_EC_SYS64:
		return "MSR/MRS trap";
	case AM_EC_IABT_LOW:
		return "instruction abort from a lower EL";
	case AM_EC_IABT_CUR:
		return "instruction abort";
	case AM_EC_PC_ALIGN:
		return "PC alignment fault";
	case AM_EC_DABT_LOW:
		return "data abort from a lower EL";
	case AM_EC_DABT_CUR:
		return "data abort";
	case AM_EC_SP_ALIGN:
		return "SP alignment fault";
	case AM_EC_BRK64:
		return "BRK";
	default:
		return "other";
	}
}

const char *am_aarch64_fsc_name(unsigned int fsc)
{
	if (AM_FSC_IS_LM1(fsc)) /* FEAT_LPA2: codes apart, AM_FSC_TYPE() does not hold */
		return fsc == AM_FSC_TRANSLATION_LM1 ? "translation" : "address size";
	switch (AM_FSC_TYPE(fsc)) {
	case AM_FSC_ADDR_SIZE:
		return "address size";
	case AM_FSC_TRANSLATION:
		return "translation";
	case AM_FSC_ACCESS:
		return "access flag";
	case AM_FSC_PERM:
		return "permission";
	case 0x10u: /* not on a walk */
		return "synchronous external abort";
	default:
		return "other";
	}
}

bool am_aarch64_probe_read(uint64_t addr, uint64_t *val)
{
	uint64_t before = am_aarch64_last_fault.count;
	uint64_t v = am_aarch64_probe_ld(addr);

	if (am_aarch64_last_fault.count != before)
		return false;
	if (val)
		*val = v;
	return true;
}

bool am_aarch64_probe_write(uint64_t addr, uint64_t val)
{
	uint64_t before = am_aarch64_last_fault.count;

	am_aarch64_probe_st(addr, val);
	return am_aarch64_last_fault.count == before;
}

uint64_t am_aarch64_probe_exec(uint64_t addr)
{
	uint64_t (*fn)(void) = (uint64_t(*)(void))(uintptr_t)addr;
	uint64_t r;

	__asm__ volatile("isb" : : : "memory");
	exec_target[am_aarch64_cpu_slot()] = addr;
	r = fn();
	exec_target[am_aarch64_cpu_slot()] = 0;
	return r;
}
