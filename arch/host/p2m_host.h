/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host P2M backend for tests: a struct am_p2m_ops around the host
 * translation-table backend (arch/host/pt_host), with a P2M lock that
 * counts (and, for threaded tests, is a real mutex), a check that every
 * table op runs under that lock, a foreign_put counter, and hooks a test
 * can use to look at the world at each TLB event and each foreign put.
 *
 * The P2M's hooks and the table ops (the wrappers here) both take the
 * struct am_host_p2m as their ctx (am_p2m_config.pt_ctx NULL, or the same
 * pointer); the wrappers hand the host table backend its own context,
 * &hp->pt. Nothing depends on where pt sits in the struct.
 *
 * It uses only the types of <armmap/p2m.h>, never its functions, so that it
 * links whether or not the P2M does.
 */
#ifndef ARMMAP_ARCH_HOST_P2M_HOST_H
#define ARMMAP_ARCH_HOST_P2M_HOST_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <armmap/p2m.h>

#include "arch/host/pt_host.h"

struct am_host_p2m {
	struct am_pt_ops pt_ops;
	struct am_p2m_ops ops;
	bool model;	      /* table ops over am_host_pt_ops, else am_host_pt_ops_bare */
	struct am_host_pt pt; /* the table backend; its ops get &pt */
	/* table_va calls: the engine makes one for each table it goes into,
	 * so this counts the tables the P2M's calls read their way through */
	unsigned long table_reads;

	/* The P2M lock. */
	pthread_mutex_t mutex; /* error-checking; taken only when threaded */
	bool threaded;
	int lock_depth; /* changed only by the holder */
	int max_lock_depth;
	unsigned long locks, unlocks;
	unsigned long bad_unlocks; /* unlock without the lock */
	/* Table ops (alloc, free, table_va, tlbi, barrier) called by a thread
	 * that does not hold the P2M lock. */
	unsigned long unlocked_table_ops;
	/* Records logged by a thread that does not hold the P2M lock. */
	unsigned long unlocked_logs;

	/* Foreign puts. */
	unsigned long foreign_puts;
	am_mfn_t last_foreign;

	/* Test hooks, each optional; @hook_arg is passed to both. */
	void (*on_foreign_put)(void *arg, am_mfn_t mfn); /* after counting */
	void (*on_tlb_event)(void *arg);		 /* before each flush */
	void *hook_arg;
};

/*
 * am_host_p2m_init() - a pool of @pages pages (am_host_pt_init()); @model:
 * the table ops are am_host_pt_ops (counters, TLB model when turned on with
 * am_host_pt_tlb(), log capture), else am_host_pt_ops_bare. The table ops'
 * own lock and unlock are NULL, as <armmap/p2m.h> asks; the P2M's log goes
 * to the host backend's capture (none when !@model). @threaded: the P2M
 * lock is a real mutex. Returns 0 or -1.
 */
int am_host_p2m_init(struct am_host_p2m *hp, size_t pages, bool model, bool threaded);

/* am_host_p2m_fini() - free the pool and the mutex. */
void am_host_p2m_fini(struct am_host_p2m *hp);

/* am_host_p2m_held() - whether the calling thread holds a P2M lock. */
bool am_host_p2m_held(void);

#endif
