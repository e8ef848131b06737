/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hypervisor's side of the check protocol (guest_abi.h), shared by the
 * EL2 images that run an EL1 guest which drives the checks (qemu-guest,
 * qemu-mmio-guard). An image describes itself in a struct hyp_guest and
 * hands it to hyp_guest_run(), its whole main(): the start at EL2, the
 * banner, the boot check (the EL2 MMU on with an identity map of the
 * image, the guest's RAM and the image's devices, then the image's own
 * boot), the guest's run, the final check and the closing line. While the
 * guest runs, hyp_guest_hvc() serves its hypercalls: the protocol's here
 * (a check's begin and end around the image's own view, the guest's
 * failures and detail lines, its exit, its panic), the image's from its
 * table.
 */
#ifndef ARMMAP_QEMU_HYP_GUEST_CHECK_H
#define ARMMAP_QEMU_HYP_GUEST_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/qemu/aarch64/exc.h"
#include "tests/qemu/aarch64/vm.h"
#include "tests/qemu/hyp_common/guest_abi.h"
#include "tests/qemu/hyp_common/hyp.h"

struct hyp_guest {
	/* The opening lines, after "armmap <suite>: " (each line ends with \n). */
	const char *banner;
	/* Each check's result line, by id: 0 the boot check, @count - 1 the final one. */
	const char *const *names;
	unsigned int count;
	/* The devices the hypervisor maps at EL2 besides its image and the guest's RAM. */
	const struct hyp_region *devices;
	unsigned int nr_devices; /* at most HYP_GUEST_DEVICES */
	/* The traps the guest takes, by class: the AM_EC_HVC64 entry is hyp_guest_hvc(). */
	const struct hyp_trap *traps;
	size_t nr_traps;
	/* The image's own hypercalls (GH_ID(0x10) to GH_ID(0x3d)). */
	const struct hyp_call *calls;
	size_t nr_calls;
	/* A function ID outside the test calls (not GH_ID(0x00..0xff)); NULL: not served. */
	void (*other)(struct am_aarch64_frame *f);
	/* x0 for a hypercall not served (or with an HVC immediate other than 0). */
	int64_t not_supported;
	/* The boot check's body, the EL2 MMU on: build the guest's world, fill @entry. */
	bool (*boot)(struct am_aarch64_vm_entry *entry);
	/* A check of the guest begins: the image takes its baseline. May be NULL. */
	void (*begin)(uint64_t id);
	/* The check ends: the image's own view and its EXPECT()s, before the result line. */
	void (*verify)(uint64_t id);
	/* The final check's body, after the guest exited (its status already checked). */
	void (*final)(void);
};

#define HYP_GUEST_DEVICES 8u

/* The SPSR_EL2 of the guest's last hypercall (its mode: EL1h). */
extern uint64_t hyp_guest_spsr;

/* The hypervisor's EL2 stage 1 (built by the boot check). */
extern struct hyp_el2 hyp_guest_el2;

/*
 * hyp_guest_run() - the image's main(): start at EL2 with @g's traps, the
 * banner, the boot check, the guest's run (when the boot check passed and
 * @g->boot was ready), the final check. The image's exit status.
 */
int hyp_guest_run(const struct hyp_guest *g);

/* The AM_EC_HVC64 entry of the image's traps: serves the guest's hypercalls. */
bool hyp_guest_hvc(struct am_aarch64_frame *f);

/* The guest's RAM as a loader leaves it: [@bss, @bss_end) zero, nothing of it in the caches. */
void hyp_guest_load(char *bss, char *bss_end);

#endif
