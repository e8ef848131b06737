/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The check reporting both qemu test images share. A check runs between
 * check_begin() and check_end(); its detail lines (and FAIL lines) are
 * captured and printed after its result line, "ok N - what" or
 * "not ok N - what". check_done() prints the closing line
 * "<suite>: N passed, M failed" that scripts/run-qemu.sh looks for; a
 * fatal error prints it too, with one more failure, and exits. Also the
 * names of armmap's error codes and permissions that the lines print.
 */
#ifndef ARMMAP_QEMU_COMMON_CHECK_H
#define ARMMAP_QEMU_COMMON_CHECK_H

#include <stdbool.h>

#include "tests/qemu/common/console.h"

/* ---- provided by each image ---- */
/* The suite name of the closing line, e.g. "qemu-mpu". */
extern const char check_suite[];
/* Semihosting exit: status 0 when @ok, non-zero otherwise. */
void sh_exit(bool ok) __attribute__((noreturn));

/* ---- check.c ---- */
/* The running check has not failed (so far). */
extern bool check_ok;
/* The suite name of the closing line when the image sets one at run time
 * (one image run as two suites); NULL: check_suite. */
extern const char *check_suite_as;

#define FAIL(...)                                   \
	do {                                        \
		check_ok = false;                   \
		con_printf("  FAIL: " __VA_ARGS__); \
	} while (0)
#define EXPECT(cond, ...)                  \
	do {                               \
		if (!(cond))               \
			FAIL(__VA_ARGS__); \
	} while (0)

/* Start a check: it passes unless FAIL()s; capture its detail lines. */
void check_begin(void);
/* End the check: print its result line "ok N - @what" and its detail lines. */
void check_end(const char *what);
/*
 * After the boot check: true when no check failed and @ready (the image's
 * boot table is in place); otherwise say that the other checks are skipped.
 */
bool check_boot_ok(bool ready);
/* Print the closing line; the image's exit status: 0 when no check failed. */
int check_done(void);
/* The closing line after a fatal error: the checks so far, plus one failure. */
void check_abort(void);
/* Print @why, flush any capture, print the closing line, exit with failure. */
void fatal(const char *why) __attribute__((noreturn));

/* "AM_EPERM" for AM_EPERM and so on, "ok" for a value >= 0. */
const char *errname(int e);
/* "RW", "RO", "RX" or "RWX" for AM_PERM_* bits (AM_PERM_USER aside), else "?". */
const char *perm_name(unsigned int perm);

#endif
