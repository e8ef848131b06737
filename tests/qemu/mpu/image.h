/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mpu image: what its parts share. The console and the check reporting
 * (tests/qemu/common), the UART0 setup of mps2-an505, the fault record the
 * MemManage handler fills, and the probes that access memory and report
 * whether it faulted.
 */
#ifndef ARMMAP_QEMU_MPU_IMAGE_H
#define ARMMAP_QEMU_MPU_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Built with a 4 KiB capture buffer and without the format check of
 * con_printf() (see the Makefile): uint32_t is "long" on this target, and
 * %x/%u/%d here take any 32-bit integer. Cast 64-bit values (am_mpu_addr_t) to
 * uint32_t.
 */
#include "tests/qemu/common/check.h"

/* ---- board.c (uart_putc() and sh_exit() are declared in common/) ---- */
#define UART0_BASE 0x40200000u /* CMSDK APB UART0 of mps2-an505 */
/* Turn UART0 on, transmit only. */
void con_init(void);

/* ---- rt.c: runtime and fault handling ---- */
#define CFSR_IACCVIOL 0x01u
#define CFSR_DACCVIOL 0x02u
#define CFSR_MMARVALID 0x80u
#define EXEC_FAULTED 0xfa17fa17u /* what a probe_exec() that faulted returns */

struct fault_rec {
	uint32_t count; /* MemManage faults taken so far */
	uint32_t mmfsr; /* CFSR[7:0] of the last one */
	uint32_t mmfar; /* MMFAR, when MMARVALID */
	uint32_t pc;	/* stacked PC */
};

extern volatile struct fault_rec g_fault;

/* Fault-enable setup: SHCSR.MEMFAULTENA. */
void faults_init(void);

/*
 * probe_read() / probe_write() - one 32-bit access; true when it completed,
 * false when it raised MemManage (the record is in g_fault). *@val gets the
 * value read.
 */
bool probe_read(uint32_t addr, uint32_t *val);
bool probe_write(uint32_t addr, uint32_t val);
/*
 * probe_exec() - call the Thumb code at @addr (a function returning a
 * value in r0). Returns its value, or EXEC_FAULTED when the fetch raised
 * MemManage (the handler returns to the caller in that case).
 */
uint32_t probe_exec(uint32_t addr);

/* ---- startup.S ---- */
uint32_t probe_ld(uint32_t addr);
void probe_st(uint32_t addr, uint32_t val);
extern const char probe_ld_insn[], probe_st_insn[];

/* ---- link.ld ---- */
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __ram_start[], __ram_end[], __test_window[], __test_window_end[];
extern char __data_start[], __data_end[], __data_load[];
extern char __bss_start[], __bss_end[], __stack_top[];

/* ---- main.c ---- */
int main(void);

#endif
