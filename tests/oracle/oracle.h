/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the oracles of tests/oracle. */
#ifndef ARMMAP_TESTS_ORACLE_H
#define ARMMAP_TESTS_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

/* oracle_say() - the reason (printf-style) into @why[@n] if @why; returns false. */
bool oracle_say(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

struct am_log_rec;
/*
 * oracle_count_record() - a log hook that counts the records it is given in
 * the unsigned long at @ctx (e.g. am_log_set_fallback(oracle_count_record,
 * &n)), and keeps nothing else.
 */
void oracle_count_record(void *ctx, const struct am_log_rec *rec);

#endif
