/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-r52 image: what its parts share. The board (QEMU mps3-an536, a
 * Cortex-R52 started in Hyp mode), the memory layout of link.ld, the Hyp
 * exception frame of startup.S, the probes, and the guest's entry.
 */
#ifndef ARMMAP_QEMU_R52_IMAGE_H
#define ARMMAP_QEMU_R52_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/qemu/common/check.h"

/* ---- board.c (uart_putc() and sh_exit() are declared in common/) ---- */
#define UART_BASE 0xe7c00000u /* the CPU's own CMSDK APB UART */
void con_init(void);

/* ---- startup.S ---- */
/* The Hyp exception frame: see startup.S. */
struct hyp_frame {
	uint32_t elr, spsr, pad, slot;
	uint32_t r[12]; /* r0..r11 */
	uint32_t lr, r12;
};
/* Slots of the Hyp vector table. */
enum { SLOT_UNDEF = 1, SLOT_HVC, SLOT_PABT, SLOT_DABT, SLOT_TRAP, SLOT_IRQ, SLOT_FIQ };

uint32_t probe_ld(uint32_t addr);
void probe_st(uint32_t addr, uint32_t val);
extern const char probe_ld_insn[], probe_st_insn[];
uint32_t guest_enter(uint32_t entry, uint32_t sp);
void guest_exit(uint32_t value) __attribute__((noreturn));

/* ---- main.c: called by startup.S for every exception taken to Hyp mode ---- */
void hyp_exception(struct hyp_frame *f);
int main(void);

/* ---- link.ld ---- */
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __ram_start[], __ram_end[], __bss_start[], __bss_end[], __stack_top[];
extern char __guest_text_start[], __guest_text_end[], __guest_data_start[], __guest_end[];
extern char __guest_bss_start[], __guest_bss_end[], __guest_stack_top[];

/* Memory the checks use (DDR), away from the image and the guest. */
#define WIN 0x20800000u
#define WIN_END 0x20900000u
/* The guest's second window of RAM: mapped on its first stage-2 fault. */
#define GUEST_RAM2 0x20300000u
#define GUEST_RAM2_END 0x20310000u

#endif
