/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mpu image runtime: reset (.data copy, .bss zero, main, exit), the
 * MemManage handler that records an expected fault and resumes the test,
 * the HardFault and catch-all handlers (print, exit with failure, never
 * hang), and the probes built on them.
 */
#include "tests/qemu/mpu/image.h"

#define REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))

#define SCB_SHCSR 0xe000ed24u
#define SCB_CFSR 0xe000ed28u
#define SCB_HFSR 0xe000ed2cu
#define SCB_MMFAR 0xe000ed34u
#define SCB_BFAR 0xe000ed38u
#define SHCSR_MEMFAULTENA (1u << 16)
#define ICSR 0xe000ed04u

/* Stacked frame: r0 r1 r2 r3 r12 lr pc xpsr. */
enum { FR_R0 = 0, FR_R12 = 4, FR_LR = 5, FR_PC = 6, FR_XPSR = 7 };

volatile struct fault_rec g_fault;
static volatile uint32_t exec_target; /* armed by probe_exec() */

void reset_handler(void);
void memmanage_c(uint32_t *frame, uint32_t exc_return);
void hardfault_c(uint32_t *frame, uint32_t exc_return);
void other_exc_c(uint32_t *frame, uint32_t exc_return);

void reset_handler(void)
{
	uint32_t *src = (uint32_t *)__data_load, *dst = (uint32_t *)__data_start;

	while (dst < (uint32_t *)__data_end)
		*dst++ = *src++;
	for (dst = (uint32_t *)__bss_start; dst < (uint32_t *)__bss_end;)
		*dst++ = 0;
	sh_exit(main() == 0);
}

void faults_init(void)
{
	REG32(SCB_CFSR) = 0xffu; /* clear stale MemManage status */
	REG32(SCB_SHCSR) |= SHCSR_MEMFAULTENA;
	__asm__ volatile("dsb sy\n\tisb sy" : : : "memory");
}

static bool frame_ok(const uint32_t *frame)
{
	uintptr_t f = (uintptr_t)frame;

	return f >= (uintptr_t)__ram_start && f + 32 <= (uintptr_t)__ram_end && !(f & 3);
}

static void dump_frame(const uint32_t *frame, uint32_t exc_return)
{
	con_printf("  EXC_RETURN=0x%08x CFSR=0x%08x HFSR=0x%08x MMFAR=0x%08x BFAR=0x%08x\n",
		   exc_return, REG32(SCB_CFSR), REG32(SCB_HFSR), REG32(SCB_MMFAR), REG32(SCB_BFAR));
	if (!frame_ok(frame)) {
		con_printf("  frame at 0x%08x is outside the image RAM\n",
			   (unsigned int)(uintptr_t)frame);
		return;
	}
	con_printf("  r0=0x%08x r1=0x%08x r2=0x%08x r3=0x%08x r12=0x%08x\n", frame[0], frame[1],
		   frame[2], frame[3], frame[FR_R12]);
	con_printf("  lr=0x%08x pc=0x%08x xpsr=0x%08x\n", frame[FR_LR], frame[FR_PC],
		   frame[FR_XPSR]);
}

void memmanage_c(uint32_t *frame, uint32_t exc_return)
{
	uint32_t mmfsr = REG32(SCB_CFSR) & 0xffu;
	uint32_t mmfar = REG32(SCB_MMFAR);
	uint32_t pc;

	if (!frame_ok(frame)) {
		con_printf("unexpected MemManage: bad frame\n");
		dump_frame(frame, exc_return);
		fatal("MemManage with an unusable exception frame");
	}
	pc = frame[FR_PC];
	g_fault.count++;
	g_fault.mmfsr = mmfsr;
	g_fault.mmfar = (mmfsr & CFSR_MMARVALID) ? mmfar : 0;
	g_fault.pc = pc;
	REG32(SCB_CFSR) = mmfsr; /* write-1-to-clear the MemManage bits */

	if ((mmfsr & CFSR_DACCVIOL) &&
	    (pc == ((uintptr_t)probe_ld_insn & ~1u) || pc == ((uintptr_t)probe_st_insn & ~1u))) {
		frame[FR_PC] = pc + 4; /* skip the ldr.w / str.w */
		return;
	}
	if ((mmfsr & CFSR_IACCVIOL) && exec_target && pc == exec_target) {
		frame[FR_PC] = frame[FR_LR] & ~1u; /* return to the caller */
		frame[FR_R0] = EXEC_FAULTED;
		return;
	}
	con_printf("unexpected MemManage fault (MMFSR=0x%02x) at pc=0x%08x\n", mmfsr, pc);
	dump_frame(frame, exc_return);
	fatal("MemManage outside a probe");
}

void hardfault_c(uint32_t *frame, uint32_t exc_return)
{
	con_release();
	con_printf("HardFault\n");
	dump_frame(frame, exc_return);
	fatal("HardFault");
}

void other_exc_c(uint32_t *frame, uint32_t exc_return)
{
	con_release();
	con_printf("unexpected exception %u\n", REG32(ICSR) & 0x1ffu);
	dump_frame(frame, exc_return);
	fatal("unexpected exception");
}

bool probe_read(uint32_t addr, uint32_t *val)
{
	uint32_t before = g_fault.count, v;

	v = probe_ld(addr);
	if (g_fault.count != before)
		return false;
	if (val)
		*val = v;
	return true;
}

bool probe_write(uint32_t addr, uint32_t val)
{
	uint32_t before = g_fault.count;

	probe_st(addr, val);
	return g_fault.count == before;
}

uint32_t probe_exec(uint32_t addr)
{
	uint32_t (*fn)(void) = (uint32_t(*)(void))(uintptr_t)(addr | 1u);
	uint32_t r;

	__asm__ volatile("dsb sy\n\tisb sy" : : : "memory");
	exec_target = addr & ~1u;
	r = fn();
	exec_target = 0;
	return r;
}
