/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the oracles of tests/oracle. */
#include <stdarg.h>
#include <stdio.h>

#include "tests/oracle/oracle.h"

void oracle_count_record(void *ctx, const struct am_log_rec *rec)
{
	(void)rec;
	++*(unsigned long *)ctx;
}

bool oracle_say(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (why && n) {
		va_start(ap, fmt);
		vsnprintf(why, n, fmt, ap);
		va_end(ap);
	}
	return false;
}
