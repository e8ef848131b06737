/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the AArch64 hypervisor images (qemu-guest, qemu-mmio-guard,
 * qemu-smp): relaying what an EL1 guest asks to print, the report of an
 * exception nobody expected, and the start at EL2 that installs it.
 */
#ifndef ARMMAP_QEMU_HYP_RELAY_H
#define ARMMAP_QEMU_HYP_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/qemu/aarch64/exc.h"

/* A NUL-terminated string of at most 200 bytes in [lo, hi) (IPA == PA), or NULL. */
const char *relay_str(uint64_t ipa, uint64_t lo, uint64_t hi);

/*
 * Print the guest's line "  guest: <fmt>" with up to three arguments; the
 * format string and any %s must lie in [lo, hi). Conversions: %lx %lu %ld
 * %08lx %s %%; anything else ends the line with "(bad format)".
 */
void relay_say(uint64_t fmt, const uint64_t *arg, uint64_t lo, uint64_t hi);

/* The fatal hook of am_aarch64_exc_init(): print the frame, then fatal(). */
void relay_fatal_exc(const struct am_aarch64_frame *f);

/*
 * The image's first step: the EL2 vectors with @handler (may be NULL) and
 * relay_fatal_exc(). False, with the reason and the closing line printed,
 * when not running at EL2.
 */
bool hyp_start(am_aarch64_exc_fn handler);

#endif
