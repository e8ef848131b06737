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

#define AM_RUN_SUITE(name, tests)                                              \
	do {                                                                   \
		size_t n_ = sizeof(tests) / sizeof((tests)[0]);                \
		int failed_ = _cmocka_run_group_tests(name, tests, n_, NULL,   \
						      NULL);                   \
		fflush(stderr);                                                \
		printf("%s: %zu passed, %d failed\n", name,                   \
		       n_ - (size_t)failed_, failed_);                         \
		fflush(stdout);                                                \
		return failed_ ? 1 : 0;                                        \
	} while (0)

#endif
