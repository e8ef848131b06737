/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor's side of the guest-driven checks (guest_check.h). */
#include "tests/qemu/hyp_common/guest_check.h"

#include <armmap/errors.h>

#include <armmap/arch/aarch64/el1_mmu.h>
#include "tests/qemu/common/check.h"
#include "tests/qemu/hyp_common/relay.h"

#define EL2_POOL_PAGES 16u

uint64_t hyp_guest_spsr;
struct hyp_el2 hyp_guest_el2;

static uint8_t g_el2pool[EL2_POOL_PAGES * 4096] __attribute__((aligned(4096)));

static const struct hyp_guest *g_guest;
static int g_open = -1; /* the check the guest is running */

/* End the check the guest left open (failed). */
static void close_open(void)
{
	check_end(g_guest->names[g_open]);
	g_open = -1;
}

static void gh_check_begin(struct am_aarch64_frame *f)
{
	uint64_t id = f->x[1];

	if (g_open >= 0) {
		FAIL("the guest began check %lu inside check %d\n", id, g_open);
		close_open();
	}
	if (id == 0 || id >= g_guest->count - 1)
		fatal("the guest began a check that is not its own");
	check_begin();
	g_open = (int)id;
	if (g_guest->begin)
		g_guest->begin(id);
	f->x[0] = 0;
}

static void gh_check_end(struct am_aarch64_frame *f)
{
	uint64_t id = f->x[1];

	f->x[0] = 0;
	if (g_open < 0 || id != (uint64_t)g_open) {
		FAIL("the guest ended check %lu, but %d is running\n", id, g_open);
		if (g_open < 0)
			return;
		id = (uint64_t)g_open;
	}
	g_guest->verify(id);
	check_end(g_guest->names[id]);
	g_open = -1;
}

static void gh_fail(struct am_aarch64_frame *f)
{
	const char *msg = relay_str(f->x[1], GUEST_RAM_IPA, GUEST_RAM_IPA + GUEST_RAM_SIZE);

	if (!msg)
		msg = "(bad string)";
	if (f->x[4] == GH_FAIL_ABORT)
		FAIL("guest: %s: took a stage-2 abort at IPA 0x%lx\n", msg, f->x[2]);
	else
		FAIL("guest: %s: got 0x%lx, expected 0x%lx\n", msg, f->x[2], f->x[3]);
	f->x[0] = 0;
}

static void gh_say(struct am_aarch64_frame *f)
{
	relay_say(f->x[1], &f->x[2], GUEST_RAM_IPA, GUEST_RAM_IPA + GUEST_RAM_SIZE);
	f->x[0] = 0;
}

static void gh_exit(struct am_aarch64_frame *f)
{
	if (g_open >= 0) {
		FAIL("the guest exited inside the check\n");
		close_open();
	}
	am_aarch64_vm_exit(f->x[1]);
}

static void gh_panic(struct am_aarch64_frame *f)
{
	con_release();
	con_printf("the guest took an exception it could not handle (EL1 vector slot %lu): ESR_EL1 "
		   "0x%lx, FAR_EL1 0x%lx, ELR_EL1 0x%lx\n",
		   f->x[4], f->x[1], f->x[2], f->x[3]);
	fatal("guest exception");
}

static const struct hyp_call g_protocol[] = {
	{GH_CHECK_BEGIN, "check_begin", gh_check_begin},
	{GH_CHECK_END, "check_end", gh_check_end},
	{GH_FAIL, "fail", gh_fail},
	{GH_SAY, "say", gh_say},
	{GH_EXIT, "exit", gh_exit},
	{GH_PANIC, "panic", gh_panic},
};

bool hyp_guest_hvc(struct am_aarch64_frame *f)
{
	uint64_t fid = (uint32_t)f->x[0];
	const struct hyp_call *c;

	hyp_guest_spsr = f->spsr;
	if (f->esr & AM_ISS_IMM16_MASK) {
		f->x[0] = (uint64_t)g_guest->not_supported;
		return true;
	}
	if ((fid & GH_ID_MASK) != GH_ID(0)) {
		if (g_guest->other)
			g_guest->other(f);
		else
			f->x[0] = (uint64_t)g_guest->not_supported;
		return true;
	}
	c = hyp_call_find(g_protocol, sizeof(g_protocol) / sizeof(g_protocol[0]), fid);
	c = c ? c : hyp_call_find(g_guest->calls, g_guest->nr_calls, fid);
	if (c)
		c->fn(f);
	else
		f->x[0] = (uint64_t)g_guest->not_supported;
	return true;
}

void hyp_guest_load(char *bss, char *bss_end)
{
	uint64_t *p;

	for (p = (uint64_t *)(void *)bss; p < (uint64_t *)(void *)bss_end; p++)
		*p = 0;
	/* a guest with its stage 1 off does not look in the caches */
	am_aarch64_dcache_civac(GUEST_RAM_IPA, GUEST_RAM_SIZE);
}

/* An identity map of the image, the guest's RAM (to load it) and the devices; the MMU on. */
static int el2_mmu(const struct hyp_guest *g)
{
	struct hyp_region r[HYP_IMAGE_REGIONS + 1 + HYP_GUEST_DEVICES];
	unsigned int i;

	if (g->nr_devices > HYP_GUEST_DEVICES)
		fatal("more devices than HYP_GUEST_DEVICES");
	hyp_image_regions(r);
	r[HYP_IMAGE_REGIONS] =
		(struct hyp_region){"the guest's RAM (to load it)", GUEST_RAM_IPA,
				    GUEST_RAM_IPA + GUEST_RAM_SIZE, &hyp_attr_rw, AM_PT_F_BLOCK};
	for (i = 0; i < g->nr_devices; i++)
		r[HYP_IMAGE_REGIONS + 1 + i] = g->devices[i];
	return hyp_el2_mmu(&hyp_guest_el2, g_el2pool, sizeof(g_el2pool), r,
			   HYP_IMAGE_REGIONS + 1 + g->nr_devices);
}

static bool exc(struct am_aarch64_frame *f)
{
	return hyp_trap_dispatch(g_guest->traps, g_guest->nr_traps, f);
}

int hyp_guest_run(const struct hyp_guest *g)
{
	static struct am_aarch64_vm_entry entry;
	uint64_t status = 1;
	bool ready;
	int rc;

	g_guest = g;
	if (!hyp_start(exc))
		return 1;
	con_printf("armmap %s: %s\n", check_suite, g->banner);
	check_begin();
	rc = el2_mmu(g);
	EXPECT(rc == 0, "the EL2 MMU is not on: %s\n", errname(rc));
	ready = rc == 0 && g->boot(&entry) && check_ok;
	check_end(g->names[0]);
	if (check_boot_ok(ready)) {
		rc = am_aarch64_vm_run(&entry, &status);
		check_begin();
		EXPECT(rc == 0 && status == 0, "the guest's run: %s, exit status %lu\n",
		       errname(rc), status);
		con_printf("  the guest exited with status %lu\n", status);
		g->final();
		check_end(g->names[g->count - 1]);
	}
	return check_done();
}
