/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-linux: the refusal guest. A small EL1 program (stage 1 off, so its
 * VAs are its IPAs) that makes the Xen calls Linux never makes, each of
 * which the hypervisor must refuse with Xen's error code and no change,
 * and one it must accept; it checks each answer in x0, prints it on the
 * PL011 (passed through), reads the wallclock through the shared_info
 * page it mapped, and shuts down: poweroff when every answer was right,
 * crash otherwise. Loaded as a raw binary where the kernel Image goes.
 */
#include <stdint.h>

#include "tests/qemu/linux/refuse.h"
#include "tests/qemu/linux/xen.h"

_Static_assert(LX_RAM_IPA + LX_KERNEL_OFF == 0x40200000, "refuse.ld links at this address");

#define UART_DR (*(volatile uint32_t *)0x09000000ul)
#define UART_FR (*(volatile uint32_t *)0x09000018ul)

__asm__(".section .text.entry, \"ax\"\n"
	".global _start\n"
	"_start:\n"
	"	ldr x1, =rf_stack_top\n"
	"	mov sp, x1\n"
	"	bl rf_main\n"
	"1:	wfi\n"
	"	b 1b\n"
	".ltorg\n");

static uint64_t rf_stack[512] __attribute__((aligned(16), used));
__asm__(".global rf_stack_top\n.set rf_stack_top, rf_stack + 4096\n");

static void putc_(char c)
{
	while (UART_FR & (1u << 5))
		;
	UART_DR = (uint8_t)c;
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void putd(int64_t v)
{
	char b[24];
	int n = 0;
	uint64_t u = v < 0 ? (uint64_t)-v : (uint64_t)v;

	if (v < 0)
		putc_('-');
	do {
		b[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (n)
		putc_(b[--n]);
}

static int64_t hypercall(uint64_t nr, uint64_t a0, uint64_t a1)
{
	register uint64_t x0 __asm__("x0") = a0;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x16 __asm__("x16") = nr;

	__asm__ volatile("hvc #0xea1"
			 : "+r"(x0), "+r"(x1), "+r"(x16)
			 :
			 : "x2", "x3", "x4", "memory");
	return (int64_t)x0;
}

static unsigned int bad;

static void expect(const char *what, int64_t got, int64_t want)
{
	puts_("refusal-guest: ");
	puts_(what);
	puts_(" -> ");
	putd(got);
	puts_(got == want ? " (as Xen)\n" : " WRONG, Xen answers ");
	if (got != want) {
		putd(want);
		puts_("\n");
		bad++;
	}
}

static int64_t add(uint32_t space, uint64_t idx, uint64_t gfn)
{
	static struct xen_add_to_physmap a;

	a.domid = XEN_DOMID_SELF;
	a.size = 0;
	a.space = space;
	a.idx = idx;
	a.gpfn = gfn;
	return hypercall(XEN_HC_memory_op, XENMEM_add_to_physmap, (uintptr_t)&a);
}

void rf_main(void);
void rf_main(void)
{
	static struct xen_remove_from_physmap r;
	static uint32_t reason;
	volatile uint32_t *wc;

	puts_("refusal-guest: at EL1, making the calls Linux never makes\n");
	expect("add_to_physmap(shared_info, GFN in RAM)",
	       add(XENMAPSPACE_shared_info, 0, RF_GFN_FIRST), 0);
	wc = (volatile uint32_t *)(uintptr_t)((RF_GFN_FIRST << 12) + XEN_SHINFO_WC_SEC);
	puts_("refusal-guest: the wallclock in shared_info: ");
	putd(*wc);
	puts_(" s\n");
	if (*wc == 0)
		bad++;
	expect("add_to_physmap(grant 1, GFN outside RAM)",
	       add(XENMAPSPACE_grant_table, 1, RF_GFN_OUTSIDE), -XEN_EINVAL);
	expect("add_to_physmap(grant 1, GFN of the PL011)",
	       add(XENMAPSPACE_grant_table, 1, RF_GFN_DEVICE), -XEN_EINVAL);
	expect("add_to_physmap(shared_info again, another GFN)",
	       add(XENMAPSPACE_shared_info, 0, RF_GFN_SECOND), -XEN_EBUSY);
	r.domid = XEN_DOMID_SELF;
	r.gpfn = RF_GFN_UNMAPPED;
	expect("remove_from_physmap(a GFN that maps nothing)",
	       hypercall(XEN_HC_memory_op, XENMEM_remove_from_physmap, (uintptr_t)&r), -XEN_ENOENT);
	expect("add_to_physmap(unknown space 9)", add(RF_SPACE_UNKNOWN, 0, RF_GFN_SPACE),
	       -XEN_ENOSYS);
	expect("add_to_physmap(grant 100, beyond the table)",
	       add(XENMAPSPACE_grant_table, RF_IDX_BAD, LX_GNT_IPA >> 12), -XEN_EINVAL);
	expect("hypercall 50 (none such)", hypercall(RF_HC_UNKNOWN, 0, 0), -XEN_ENOSYS);
	puts_(bad ? "refusal-guest: some answers were wrong: crash\n"
		  : "refusal-guest: every answer as Xen's: poweroff\n");
	reason = bad ? SHUTDOWN_crash : SHUTDOWN_poweroff;
	(void)hypercall(XEN_HC_sched_op, SCHEDOP_shutdown, (uintptr_t)&reason);
}
