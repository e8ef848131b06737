/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-smp image: the CPUs. CPU 0 (the boot CPU) starts the others with
 * PSCI CPU_ON (conduit SMC: QEMU virt with virtualization=on); each turns
 * its EL2 MMU on with the table CPU 0 built (the same TTBR0_EL2), installs
 * the shared exception vectors, reports in and waits for jobs. A job is a
 * function CPU 0 runs on a set of CPUs, itself included or not, and waits
 * for; inside one, the CPUs meet at barriers. Only CPU 0 prints and counts
 * checks: the others leave their results in memory.
 */
#ifndef ARMMAP_QEMU_SMP_CPUS_H
#define ARMMAP_QEMU_SMP_CPUS_H

#include <stdbool.h>
#include <stdint.h>

#include <armmap/pt.h>

#define NCPU 4u
#define ALL_CPUS ((1u << NCPU) - 1u)
#define CPU_MASK(n) (1u << (n))

/* What each CPU reported when it came up (CPU 0's own too). */
struct cpu_info {
	int64_t on_rc;	/* PSCI CPU_ON's answer (0 for CPU 0) */
	bool online;	/* it reached its job loop */
	uint64_t mpidr; /* MPIDR_EL1 */
	unsigned int el;
	uint64_t sctlr, ttbr0; /* SCTLR_EL2, TTBR0_EL2 with its MMU on */
	int mmu_rc;	       /* am_aarch64_el2_mmu_enable() */
};

extern struct cpu_info g_cpu_info[NCPU];

/* The calling CPU: its MPIDR_EL1 Aff0 (QEMU virt numbers CPUs 0..n-1 there). */
unsigned int this_cpu(void);

/*
 * Start CPUs 1..NCPU-1 with the EL2 MMU on @pt (which CPU 0 runs on
 * already) and wait for each to report in or give up after 5 s.
 * Returns the mask of the CPUs online, CPU 0's included.
 */
unsigned int cpus_start(const struct am_pt *pt);

/* PSCI CPU_ON of @cpu once more, with its own boot block: PSCI's answer. */
int64_t cpus_on_again(unsigned int cpu);

/* The CPUs online (and not powered off). */
unsigned int cpus_online(void);

/*
 * Run @fn(cpu) on every CPU of @mask (CPU 0's part runs here), and return
 * when all are done. A CPU that is not online, or one that does not finish
 * within 30 s, is fatal.
 */
void run_on(unsigned int mask, void (*fn)(unsigned int cpu));

/* Inside a job: wait until @n CPUs (those of the job) have come here. */
void cpus_barrier(unsigned int n);

/*
 * Power off the CPUs of @mask (not CPU 0) with PSCI CPU_OFF, and wait
 * until PSCI AFFINITY_INFO reports each OFF. Returns the mask of those it
 * does (within 5 s).
 */
unsigned int cpus_off(unsigned int mask);

/* The counter (CNTPCT_EL0) and its frequency. */
uint64_t ticks(void);
uint64_t ticks_per_s(void);

#endif
