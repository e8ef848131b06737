/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-smp image: owns the bring-up of the secondary CPUs, the job a CPU
 * runs, the barrier inside a job, and powering CPUs off.
 */
#include <armmap/arch/aarch64/el1_mmu.h>
#include "tests/qemu/aarch64/exc.h"
#include "tests/qemu/aarch64/psci.h"
#include <armmap/arch/aarch64/pt_ops.h>
#include <armmap/arch/aarch64/sysreg.h>
#include "tests/qemu/common/check.h"
#include "tests/qemu/smp/cpus.h"

extern char __stack_top[];
extern char __stack_size[]; /* link.ld: a symbol whose address is the size */

struct cpu_info g_cpu_info[NCPU];

/* What a starting CPU reads with its MMU off: cleaned to the PoC before CPU_ON. */
static struct boot_slot {
	struct am_aarch64_cpu_boot boot;
	uint64_t mair, tcr, ttbr;
	unsigned int cpu;
} __attribute__((aligned(64))) g_slot[NCPU];

/* Each CPU's mailbox: a job is posted by writing fn (NULL: power off), then the new gen. */
static struct {
	void (*fn)(unsigned int cpu);
	unsigned int gen;  /* the job posted last */
	unsigned int done; /* the job finished last */
} __attribute__((aligned(64))) g_mail[NCPU];

static unsigned int g_online = 1u; /* CPU 0 */
static unsigned int g_bar_count, g_bar_gen;

static void sev(void)
{
	__asm__ volatile("dsb ish\n\tsev" : : : "memory");
}

static void relax(void)
{
	__asm__ volatile("wfe" : : : "memory");
}

uint64_t ticks(void)
{
	am_isb();
	return am_read_sysreg(cntpct_el0);
}

uint64_t ticks_per_s(void)
{
	return am_read_sysreg(cntfrq_el0);
}

unsigned int this_cpu(void)
{
	return am_aarch64_cpu_slot();
}

unsigned int cpus_online(void)
{
	return __atomic_load_n(&g_online, __ATOMIC_ACQUIRE);
}

static void report_in(unsigned int cpu)
{
	struct cpu_info *i = &g_cpu_info[cpu];

	i->mpidr = am_read_sysreg(mpidr_el1);
	i->el = am_current_el();
	i->sctlr = am_read_sysreg(sctlr_el2);
	i->ttbr0 = am_read_sysreg(ttbr0_el2);
	i->online = true;
}

static void job_loop(unsigned int cpu)
{
	unsigned int seen = 0;

	for (;;) {
		unsigned int gen = __atomic_load_n(&g_mail[cpu].gen, __ATOMIC_ACQUIRE);

		if (gen == seen) {
			relax();
			continue;
		}
		seen = gen;
		if (!g_mail[cpu].fn) {
			__atomic_and_fetch(&g_online, ~CPU_MASK(cpu), __ATOMIC_RELEASE);
			__atomic_store_n(&g_mail[cpu].done, gen, __ATOMIC_RELEASE);
			sev();
			(void)am_aarch64_psci_cpu_off(AM_PSCI_SMC);
			fatal("PSCI CPU_OFF returned");
		}
		g_mail[cpu].fn(cpu);
		__atomic_store_n(&g_mail[cpu].done, gen, __ATOMIC_RELEASE);
		sev();
	}
}

/* A secondary CPU, MMU off: only its slot is read until the MMU is on. */
static void secondary(void *arg)
{
	struct boot_slot *s = arg;
	unsigned int cpu = s->cpu;
	int rc = am_aarch64_el2_mmu_enable(s->mair, s->tcr, s->ttbr);

	(void)am_aarch64_exc_install();
	g_cpu_info[cpu].mmu_rc = rc;
	report_in(cpu);
	__atomic_or_fetch(&g_online, CPU_MASK(cpu), __ATOMIC_RELEASE);
	sev();
	job_loop(cpu);
}

static bool wait_for(const unsigned int *word, unsigned int mask, unsigned int want, uint64_t limit)
{
	uint64_t end = ticks() + limit;

	while ((__atomic_load_n(word, __ATOMIC_ACQUIRE) & mask) != want)
		if (ticks() > end)
			return false;
	return true;
}

unsigned int cpus_start(const struct am_pt *pt)
{
	uint64_t stack = (uintptr_t)__stack_top, size = (uintptr_t)__stack_size;
	unsigned int cpu;

	report_in(0);
	for (cpu = 1; cpu < NCPU; cpu++) {
		struct boot_slot *s = &g_slot[cpu];

		s->boot.sp = stack + cpu * size;
		s->boot.fn = secondary;
		s->boot.arg = s;
		s->mair = am_pt_mair(pt);
		s->tcr = am_pt_tcr(pt);
		s->ttbr = am_pt_ttbr(pt);
		s->cpu = cpu;
		/* its slot, and its stack, which it uses with the MMU off */
		am_aarch64_dcache_civac((uintptr_t)s, sizeof(*s));
		am_aarch64_dcache_civac(s->boot.sp - size, size);
		g_cpu_info[cpu].on_rc = am_aarch64_psci_cpu_on(AM_PSCI_SMC, cpu, &s->boot);
		if (g_cpu_info[cpu].on_rc == AM_PSCI_SUCCESS)
			(void)wait_for(&g_online, CPU_MASK(cpu), CPU_MASK(cpu), 5 * ticks_per_s());
	}
	return cpus_online();
}

int64_t cpus_on_again(unsigned int cpu)
{
	return am_aarch64_psci_cpu_on(AM_PSCI_SMC, cpu, &g_slot[cpu].boot);
}

/* Post @fn (NULL: power off) to the CPUs of @mask but CPU 0. */
static void post(unsigned int mask, void (*fn)(unsigned int cpu))
{
	unsigned int cpu;

	if ((mask & cpus_online()) != mask)
		fatal("a job for a CPU that is not online");
	for (cpu = 1; cpu < NCPU; cpu++) {
		if (!(mask & CPU_MASK(cpu)))
			continue;
		g_mail[cpu].fn = fn;
		__atomic_add_fetch(&g_mail[cpu].gen, 1u, __ATOMIC_RELEASE);
	}
	sev();
}

/* Wait until the CPUs of @mask but CPU 0 are done with the job posted last. */
static void wait_done(unsigned int mask)
{
	uint64_t end = ticks() + 30 * ticks_per_s();
	unsigned int cpu;

	for (cpu = 1; cpu < NCPU; cpu++)
		while ((mask & CPU_MASK(cpu)) &&
		       __atomic_load_n(&g_mail[cpu].done, __ATOMIC_ACQUIRE) != g_mail[cpu].gen)
			if (ticks() > end)
				fatal("a CPU did not finish its job within 30 s");
}

void run_on(unsigned int mask, void (*fn)(unsigned int cpu))
{
	post(mask, fn);
	if (mask & 1u)
		fn(0);
	wait_done(mask);
}

void cpus_barrier(unsigned int n)
{
	/* the episode: it cannot move on before this CPU has come */
	unsigned int gen = __atomic_load_n(&g_bar_gen, __ATOMIC_ACQUIRE);

	if (__atomic_add_fetch(&g_bar_count, 1u, __ATOMIC_ACQ_REL) == n) {
		__atomic_store_n(&g_bar_count, 0u, __ATOMIC_RELAXED);
		__atomic_store_n(&g_bar_gen, gen + 1u, __ATOMIC_RELEASE);
		sev();
		return;
	}
	while (__atomic_load_n(&g_bar_gen, __ATOMIC_ACQUIRE) == gen)
		relax();
}

unsigned int cpus_off(unsigned int mask)
{
	unsigned int cpu, off = 0;
	uint64_t end;

	mask &= ~1u;
	post(mask, NULL);
	wait_done(mask);
	end = ticks() + 5 * ticks_per_s();
	for (cpu = 1; cpu < NCPU; cpu++) {
		if (!(mask & CPU_MASK(cpu)))
			continue;
		while (am_aarch64_psci_affinity_info(AM_PSCI_SMC, cpu) != AM_PSCI_AFF_OFF &&
		       ticks() < end)
			;
		if (am_aarch64_psci_affinity_info(AM_PSCI_SMC, cpu) == AM_PSCI_AFF_OFF)
			off |= CPU_MASK(cpu);
	}
	return off;
}
