/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the host unit suites: cmocka, plus the closing line every suite
 * prints, `<suite>: N passed, M failed`.
 */
#ifndef ARMMAP_TEST_HARNESS_H
#define ARMMAP_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <string.h>

/*
 * A build with AM_SUITE_ONLY="text" (and AM_SUITE_NAME) runs only the tests
 * whose name holds that text, as a suite of that name: the ThreadSanitizer
 * builds of the threaded tests (suites tsan-*, see the Makefile).
 */
static inline size_t am_suite_select(struct CMUnitTest *t, size_t n)
{
#ifdef AM_SUITE_ONLY
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (strstr(t[i].name, AM_SUITE_ONLY))
			t[k++] = t[i];
	return k;
#else
	(void)t;
	return n;
#endif
}
#ifdef AM_SUITE_NAME
#define AM_SUITE_NAME_OF(name) AM_SUITE_NAME
#else
#define AM_SUITE_NAME_OF(name) name
#endif

#define AM_RUN_SUITE(name, tests)                                                               \
	do {                                                                                    \
		size_t n_ = am_suite_select(tests, sizeof(tests) / sizeof((tests)[0]));         \
		int failed_ =                                                                   \
			_cmocka_run_group_tests(AM_SUITE_NAME_OF(name), tests, n_, NULL, NULL); \
		fflush(stderr);                                                                 \
		printf("%s: %zu passed, %d failed\n", AM_SUITE_NAME_OF(name),                   \
		       n_ - (size_t)failed_, failed_);                                          \
		fflush(stdout);                                                                 \
		return failed_ || !n_ ? 1 : 0;                                                  \
	} while (0)

#endif
