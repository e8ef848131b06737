/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MPU test kit of the bare-metal MPU images, qemu-mpu (Cortex-M33) and
 * qemu-r52 (Cortex-R52): the backend watched (every region write checked
 * for two enabled regions overlapping, one sync per writing call, the lock
 * balanced), the log hook's records, the map and unmap calls with their
 * output, loads and stores that must or must not fault, and the hardware
 * compared with the map: a snapshot of every region register, "unchanged"
 * after a refusal, "equal to am_mpu_region_regs()" after every check, for
 * every region the hardware has, and the first index past them out of
 * range for both.
 *
 * The image describes its hardware and its fault probes in struct kit_hw
 * and calls kit_init() once; the kit drives one map (kit_map).
 */
#ifndef ARMMAP_QEMU_MPU_KIT_H
#define ARMMAP_QEMU_MPU_KIT_H

#include <stdbool.h>
#include <stdint.h>

#include <armmap/dump.h>
#include <armmap/errors.h>
#include <armmap/mpu.h>

#include "tests/qemu/common/check.h"

#define KIT_MAX_HW 32u /* region registers the snapshots hold */

struct kit_hw {
	const char *mpu_name;	      /* e.g. "EL2 MPU" */
	enum am_mpu_flavour flavour;  /* for decoding the registers */
	unsigned int nr;	      /* regions the hardware implements */
	const struct am_mpu_ops *ops; /* the real backend, which the kit wraps */
	void *ctx;		      /* its context */
	const uint32_t *lock_depth;   /* the backend's lock nesting, 0 when free */
	/* region @idx as the hardware holds it: 0; AM_ERANGE from @nr on */
	int (*read)(unsigned int idx, uint64_t *rbar, uint64_t *rlar);
	/* probes: a load or store at @addr; false when it faulted */
	bool (*probe_read)(uint32_t addr, uint32_t *val);
	bool (*probe_write)(uint32_t addr, uint32_t val);
	/* the last fault: printed on one line; was it a data fault at @addr? */
	void (*show_fault)(void);
	bool (*fault_at)(uint32_t addr);
};

/* The watch on the backend, for checks that look at it. */
struct kit_watch {
	unsigned int locks, unlocks, writes, syncs;
	unsigned int bad_writes;     /* index beyond the hardware */
	unsigned int overlap_events; /* two enabled regions overlapping */
	unsigned int max_enabled;
	bool unsynced;
	unsigned int unsynced_calls;
	unsigned int call_writes, call_syncs;
};

struct kit_snap {
	uint64_t rbar[KIT_MAX_HW], rlar[KIT_MAX_HW];
};

extern struct am_mpu_map kit_map;
extern struct kit_watch kit_w;
/*
 * The watched ops: pass them to am_mpu_init(). Their env.log is the kit's
 * log hook (kit_show_log(), kit_logged()), also for am_log_set_fallback().
 */
extern struct am_mpu_ops kit_ops;
extern const struct am_attr kit_rw, kit_ro, kit_rx, kit_dev;

/* kit_init() - take the image's hardware description; set up kit_ops. */
void kit_init(const struct kit_hw *hw);

/* The log records since @before (count: kit_log_count()), printed indented. */
unsigned int kit_log_count(void);
void kit_show_log(unsigned int before);
/* Did the calls since @before log @event with arg0 == @arg0? */
bool kit_logged(unsigned int before, enum am_log_event event, uint64_t arg0);

/* After every API call: the lock free, one sync after the last region write. */
void kit_after_call(const char *fn);

/* am_mpu_map / am_mpu_unmap through the kit: checked, and printed when @show. */
int kit_map_range(uint32_t base, uint32_t limit, const struct am_attr *a, bool show);
int kit_unmap_range(uint32_t base, uint32_t limit, bool show);

/* Loads and stores that must succeed (with the value read back) or fault at the address. */
void kit_expect_load(uint32_t addr, bool fault, bool show, uint32_t *out);
void kit_expect_store(uint32_t addr, uint32_t val, bool fault, bool show);
void kit_expect_rw(uint32_t addr, bool show);	/* a store and its load succeed */
void kit_expect_none(uint32_t addr, bool show); /* a load and a store fault */

/* The hardware: a snapshot, unchanged since one, equal to the map's view (and no more). */
void kit_snap(struct kit_snap *s);
void kit_expect_unchanged(const struct kit_snap *before);
bool kit_matches_map(void);
unsigned int kit_hw_enabled(void);
/* Region @idx as the hardware has it, decoded, with a note. */
void kit_show_region(unsigned int idx, const char *what);
/* The regions of kit_map in use, as the library's dump prints them (armmap/dump.h). */
void kit_show_map(void);
/* The hardware's region @idx covers exactly [base, limit), enabled. */
void kit_expect_bounds(int idx, uint32_t base, uint32_t limit);
/* The references a region holds beyond its creator (0xffff: no such region). */
unsigned int kit_refs(int idx);
/* check_end() after kit_matches_map(): every check leaves the hardware as the map says. */
void kit_end(const char *what);

#endif
