/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 bare metal: exception vectors for EL2 and EL1, the saved frame
 * their handlers see, and the access probes built on them: a load, a store
 * or a call that may fault, whose fault is recorded (ESR, FAR, ELR) and
 * turned into a return value instead of a crash.
 *
 * The vector tables (vectors.S) save x0-x30, ELR, SPSR, ESR and FAR of the
 * level they serve on the current stack, call am_aarch64_exc_dispatch() and
 * return with ERET from the (possibly changed) frame. The dispatcher
 * resolves probe faults itself, hands everything else to the handler the
 * caller installed, and ends in the fatal hook when nobody handled it.
 */
#ifndef ARMMAP_ARCH_AARCH64_EXC_H
#define ARMMAP_ARCH_AARCH64_EXC_H

/* The frame, in bytes (shared with vectors.S). */
#define AM_EXC_FRAME_X 0    /* x0..x30 */
#define AM_EXC_FRAME_SP 248 /* the stack pointer before the exception */
#define AM_EXC_FRAME_ELR 256
#define AM_EXC_FRAME_SPSR 264
#define AM_EXC_FRAME_ESR 272
#define AM_EXC_FRAME_FAR 280
#define AM_EXC_FRAME_KIND 288 /* vector slot, AM_EXC_* */
#define AM_EXC_FRAME_EL 292   /* the level whose vectors took it (1, 2 or 3) */
#define AM_EXC_FRAME_SIZE 304 /* a multiple of 16 */

/* Vector slot: origin (bits [3:2]) and type (bits [1:0]), as in VBAR order. */
#define AM_EXC_CUR_SP0 0x0 /* current EL, SP_EL0 */
#define AM_EXC_CUR_SPX 0x4 /* current EL, SP_ELx */
#define AM_EXC_LOW_A64 0x8 /* lower EL, AArch64 */
#define AM_EXC_LOW_A32 0xc /* lower EL, AArch32 */
#define AM_EXC_SYNC 0x0
#define AM_EXC_IRQ 0x1
#define AM_EXC_FIQ 0x2
#define AM_EXC_SERROR 0x3

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stdint.h>

#include <armmap/arch/aarch64/sysreg.h>

struct am_aarch64_frame {
	uint64_t x[31];
	uint64_t sp; /* read only: changing it has no effect */
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
	uint32_t kind; /* AM_EXC_CUR_SPX | AM_EXC_SYNC, ... */
	uint32_t el;
	uint64_t pad;
};

_Static_assert(sizeof(struct am_aarch64_frame) == AM_EXC_FRAME_SIZE, "frame layout");
_Static_assert(__builtin_offsetof(struct am_aarch64_frame, elr) == AM_EXC_FRAME_ELR,
	       "frame layout");
_Static_assert(__builtin_offsetof(struct am_aarch64_frame, kind) == AM_EXC_FRAME_KIND,
	       "frame layout");

/* The vector tables (2 KiB aligned): write one to VBAR_EL2 resp. VBAR_EL1. */
extern const char am_aarch64_vectors_el3[], am_aarch64_vectors_el2[], am_aarch64_vectors_el1[];

/*
 * A handler: return true when it dealt with the exception (the frame is
 * restored and ERET taken: change frame->elr to resume elsewhere), false
 * to pass it on to the fatal hook.
 */
typedef bool (*am_aarch64_exc_fn)(struct am_aarch64_frame *frame);
/* A fatal hook: report and stop. It must not return. */
typedef void (*am_aarch64_fatal_fn)(const struct am_aarch64_frame *frame);

/*
 * am_aarch64_exc_init() - install the vectors of the current level (EL3, EL2
 * or EL1) in its VBAR, with @handler (may be NULL) and @fatal (NULL: spin in
 * WFE). Returns false when running at another level.
 */
bool am_aarch64_exc_init(am_aarch64_exc_fn handler, am_aarch64_fatal_fn fatal);

/*
 * am_aarch64_exc_install() - install the vectors of the current level in
 * its VBAR only, keeping the handler and fatal hook (which all CPUs share):
 * for a CPU started after am_aarch64_exc_init(). False at another level.
 */
bool am_aarch64_exc_install(void);

/* Called by vectors.S; exported for it only. */
void am_aarch64_exc_dispatch(struct am_aarch64_frame *frame);

/* am_aarch64_exc_name() - a short name of the exception class of @esr. */
const char *am_aarch64_exc_name(uint64_t esr);
/*
 * am_aarch64_fsc_name() - "translation", "permission", ... for a DFSC/IFSC/FST
 * (the level -1 ones of FEAT_LPA2 too: their level is not AM_FSC_LEVEL()).
 */
const char *am_aarch64_fsc_name(unsigned int fsc);

/* ---------------------------------------------------------------------- */
/* Probes                                                                  */
/* ---------------------------------------------------------------------- */

/* What the last probe fault left. */
struct am_aarch64_fault {
	uint64_t count; /* probe faults taken so far */
	uint64_t esr;
	uint64_t far;
	uint64_t elr; /* the faulting instruction (or the called address) */
};

/*
 * Probes are per CPU: each CPU has its own record, so that CPUs probing at
 * the same time do not see each other's faults. A CPU's slot is its
 * MPIDR_EL1 Aff0 (Aff1 when MT is set: Aff0 is then a thread), modulo
 * AM_AARCH64_MAX_CPUS: CPUs that share a slot must not probe at once.
 */
#define AM_AARCH64_MAX_CPUS 8u

static inline unsigned int am_aarch64_cpu_slot(void)
{
	uint64_t m = am_read_sysreg(mpidr_el1);

	return (unsigned int)((m & (1ull << 24)) ? m >> 8 : m) % AM_AARCH64_MAX_CPUS;
}

extern volatile struct am_aarch64_fault am_aarch64_cpu_fault[AM_AARCH64_MAX_CPUS];

/* The calling CPU's record. */
#define am_aarch64_last_fault (am_aarch64_cpu_fault[am_aarch64_cpu_slot()])

/* What am_aarch64_probe_exec() returns when the call faulted. */
#define AM_AARCH64_EXEC_FAULTED 0xfa17fa17fa17fa17ull

/*
 * am_aarch64_probe_read() / am_aarch64_probe_write() - one 64-bit load
 * resp. store at @addr (8-byte aligned). True when it completed; false when
 * it took a data abort at the current level, whose ESR, FAR and ELR are in
 * the CPU's am_aarch64_last_fault (execution resumes after the access).
 * *@val gets the value read (unchanged on a fault).
 */
bool am_aarch64_probe_read(uint64_t addr, uint64_t *val);
bool am_aarch64_probe_write(uint64_t addr, uint64_t val);

/*
 * am_aarch64_probe_exec() - call the code at @addr as uint64_t (*)(void).
 * Returns its value, or AM_AARCH64_EXEC_FAULTED when fetching its first
 * instruction took an instruction abort (recorded as above; the call
 * returns to the caller instead).
 */
uint64_t am_aarch64_probe_exec(uint64_t addr);

/* probe.S: the single faulting instructions the dispatcher knows. */
uint64_t am_aarch64_probe_ld(uint64_t addr);
void am_aarch64_probe_st(uint64_t addr, uint64_t val);
extern const char am_aarch64_probe_ld_insn[], am_aarch64_probe_st_insn[];

#endif /* !__ASSEMBLER__ */

#endif
