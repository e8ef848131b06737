/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host P2M backend: the P2M lock (counting, optionally a mutex), wrappers
 * around the host table ops that check the lock is held and let a test
 * look at each TLB event, and the foreign_put counter.
 */
#include <string.h>

#include "arch/host/p2m_host.h"

/* P2M locks the calling thread holds (any instance). */
static _Thread_local int held_by_me;

bool am_host_p2m_held(void)
{
	return held_by_me > 0;
}

static struct am_host_p2m *of(void *ctx)
{
	return ctx;
}

static void note_table_op(struct am_host_p2m *hp)
{
	if (!held_by_me)
		__atomic_fetch_add(&hp->unlocked_table_ops, 1, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------- lock -- */

static void p2m_lock(void *ctx)
{
	struct am_host_p2m *hp = of(ctx);

	if (hp->threaded)
		pthread_mutex_lock(&hp->mutex);
	held_by_me++;
	hp->locks++;
	if (++hp->lock_depth > hp->max_lock_depth)
		hp->max_lock_depth = hp->lock_depth;
}

static void p2m_unlock(void *ctx)
{
	struct am_host_p2m *hp = of(ctx);

	if (!held_by_me) {
		__atomic_fetch_add(&hp->bad_unlocks, 1, __ATOMIC_RELAXED);
		return;
	}
	held_by_me--;
	hp->unlocks++;
	hp->lock_depth--;
	if (hp->threaded && pthread_mutex_unlock(&hp->mutex))
		hp->bad_unlocks++;
}

static void p2m_log(void *ctx, const struct am_log_rec *rec)
{
	if (!held_by_me)
		of(ctx)->unlocked_logs++;
	am_host_pt_ops.env.log(&of(ctx)->pt, rec);
}

static void p2m_foreign_put(void *ctx, am_mfn_t mfn)
{
	struct am_host_p2m *hp = of(ctx);

	__atomic_fetch_add(&hp->foreign_puts, 1, __ATOMIC_RELAXED);
	hp->last_foreign = mfn;
	if (hp->on_foreign_put)
		hp->on_foreign_put(hp->hook_arg, mfn);
}

/* ------------------------------------------------------- table ops -- */

static const struct am_pt_ops *base_of(struct am_host_p2m *hp)
{
	return hp->model ? &am_host_pt_ops : &am_host_pt_ops_bare;
}

static void *w_alloc_table(void *ctx, am_paddr_t *pa)
{
	struct am_host_p2m *hp = of(ctx);

	note_table_op(hp);
	return base_of(hp)->alloc_table(&hp->pt, pa);
}

static void w_free_table(void *ctx, void *table, am_paddr_t pa)
{
	struct am_host_p2m *hp = of(ctx);

	note_table_op(hp);
	base_of(hp)->free_table(&hp->pt, table, pa);
}

static void *w_alloc_tables(void *ctx, unsigned int n, am_paddr_t *pa)
{
	struct am_host_p2m *hp = of(ctx);

	note_table_op(hp);
	return base_of(hp)->alloc_tables(&hp->pt, n, pa);
}

static void w_free_tables(void *ctx, void *tables, am_paddr_t pa, unsigned int n)
{
	struct am_host_p2m *hp = of(ctx);

	note_table_op(hp);
	base_of(hp)->free_tables(&hp->pt, tables, pa, n);
}

static void *w_table_va(void *ctx, am_paddr_t pa)
{
	struct am_host_p2m *hp = of(ctx);

	note_table_op(hp);
	__atomic_fetch_add(&hp->table_reads, 1, __ATOMIC_RELAXED);
	return base_of(hp)->table_va(&hp->pt, pa);
}

static void w_flush(void *ctx, const struct am_pt_flush *f)
{
	struct am_host_p2m *hp = of(ctx);

	note_table_op(hp);
	if (hp->on_tlb_event)
		hp->on_tlb_event(hp->hook_arg);
	base_of(hp)->flush(&hp->pt, f);
}

static unsigned int w_caps(void *ctx)
{
	struct am_host_p2m *hp = of(ctx);

	return base_of(hp)->caps ? base_of(hp)->caps(&hp->pt) : 0;
}

/* ------------------------------------------------------------ setup -- */

int am_host_p2m_init(struct am_host_p2m *hp, size_t pages, bool model, bool threaded)
{
	pthread_mutexattr_t attr;

	memset(hp, 0, sizeof(*hp));
	if (am_host_pt_init(&hp->pt, pages))
		return -1;
	hp->pt_ops = (struct am_pt_ops){
		.env = {.lock = NULL, .unlock = NULL, .log = model ? am_host_pt_ops.env.log : NULL},
		.alloc_table = w_alloc_table,
		.free_table = w_free_table,
		.table_va = w_table_va,
		.flush = w_flush,
		.caps = w_caps,
		.alloc_tables = w_alloc_tables,
		.free_tables = w_free_tables,
	};
	hp->ops = (struct am_p2m_ops){
		.env = {.lock = p2m_lock, .unlock = p2m_unlock, .log = model ? p2m_log : NULL},
		.pt = &hp->pt_ops,
		.foreign_put = p2m_foreign_put,
	};
	hp->last_foreign = AM_MFN_INVALID;
	hp->model = model;
	hp->threaded = threaded;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&hp->mutex, &attr);
	pthread_mutexattr_destroy(&attr);
	return 0;
}

void am_host_p2m_fini(struct am_host_p2m *hp)
{
	am_host_pt_fini(&hp->pt);
	pthread_mutex_destroy(&hp->mutex);
	memset(hp, 0, sizeof(*hp));
}
