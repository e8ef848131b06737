/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * For the threaded host tests (the tests named threads_*, which make test
 * also runs built with ThreadSanitizer, as the tsan-* suites): the library's
 * lock as a real mutex, and a log hook that relies on that lock the way a
 * hypervisor's per-object log would, writing an unsynchronised ring. Every
 * record of a ready object is made under its lock (docs/errors.md), so
 * TSan must see no race on the ring; a record made outside the lock is
 * also counted in TLK.unlocked.
 */
#ifndef ARMMAP_TEST_THREADS_H
#define ARMMAP_TEST_THREADS_H

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <armmap/types.h>

static struct {
	pthread_mutex_t mu;
	int held; /* written by the holder only */
	unsigned long nrec, unlocked;
	struct am_log_rec ring[32];
} TLK = {.mu = PTHREAD_MUTEX_INITIALIZER};

static inline void tlk_lock(void *ctx)
{
	(void)ctx;
	pthread_mutex_lock(&TLK.mu);
	TLK.held = 1;
}

static inline void tlk_unlock(void *ctx)
{
	(void)ctx;
	TLK.held = 0;
	pthread_mutex_unlock(&TLK.mu);
}

static inline void tlk_log(void *ctx, const struct am_log_rec *rec)
{
	(void)ctx;
	if (!TLK.held)
		TLK.unlocked++;
	TLK.ring[TLK.nrec++ % 32] = *rec;
}

/* The env of an object shared by the threads. */
static const struct am_env TLK_ENV
	__attribute__((unused)) = {.lock = tlk_lock, .unlock = tlk_unlock, .log = tlk_log};

static inline void tlk_reset(void)
{
	TLK.nrec = TLK.unlocked = 0;
}

/* A failure seen by a thread (cmocka's asserts belong to the main thread). */
static unsigned long TH_ERRS;
static int TH_MSG_SET;
static char TH_MSG[256];

static inline void th_fail(const char *fmt, ...)
{
	va_list ap;

	__atomic_fetch_add(&TH_ERRS, 1, __ATOMIC_SEQ_CST);
	if (__atomic_exchange_n(&TH_MSG_SET, 1, __ATOMIC_SEQ_CST))
		return;
	va_start(ap, fmt);
	vsnprintf(TH_MSG, sizeof(TH_MSG), fmt, ap);
	va_end(ap);
}

/* Run @fn(i) on @n threads (i = 0 .. n-1), and wait for them all. */
static inline void run_threads(void *(*fn)(void *), unsigned int n)
{
	pthread_t t[16];

	for (uintptr_t i = 0; i < n && i < 16; i++)
		if (pthread_create(&t[i], NULL, fn, (void *)i))
			abort();
	for (unsigned int i = 0; i < n && i < 16; i++)
		pthread_join(t[i], NULL);
	if (TH_ERRS)
		fail_msg("%lu failures in the threads; the first: %s", TH_ERRS, TH_MSG);
}

#endif
