/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host MPU backend for tests and tools: am_mpu_ops that program the PMSAv8
 * model (model/pmsav8.h) instead of real registers, count lock and unlock,
 * and keep the log records the library emits.
 */
#ifndef ARMMAP_ARCH_HOST_MPU_MODEL_H
#define ARMMAP_ARCH_HOST_MPU_MODEL_H

#include <armmap/mpu.h>

#include "model/pmsav8.h"

#define AM_HOST_LOG_MAX 64

struct am_host_mpu {
	struct pmsa_model hw;
	int lock_depth;           /* current nesting: 0 outside the library */
	int max_lock_depth;       /* deepest nesting seen (1 = never nested) */
	unsigned long locks, unlocks;
	unsigned long mair_writes;
	struct am_log_rec log[AM_HOST_LOG_MAX];
	unsigned int nlog;        /* records kept (the first AM_HOST_LOG_MAX) */
	unsigned long nlog_total; /* records emitted */
	unsigned long unlocked_logs; /* records made with the lock not held */
	bool log_debug;           /* keep AM_LOG_DEBUG records too */
};

/* Ops whose ctx is a struct am_host_mpu. */
extern const struct am_mpu_ops am_host_mpu_ops;
/* The same without lock and log hooks (for benchmarks). */
extern const struct am_mpu_ops am_host_mpu_ops_bare;

/* am_host_mpu_init() - a model MPU of @nregions regions of flavour @f. */
void am_host_mpu_init(struct am_host_mpu *h, enum am_mpu_flavour f,
		      unsigned int nregions);

/* am_host_mpu_logged() - count of kept records of @ev (with arg0 == @arg0 unless @arg0 is ~0). */
unsigned int am_host_mpu_logged(const struct am_host_mpu *h, enum am_log_event ev,
				uint64_t arg0);

/* am_host_mpu_clear_log() - forget the kept records. */
void am_host_mpu_clear_log(struct am_host_mpu *h);

#endif
