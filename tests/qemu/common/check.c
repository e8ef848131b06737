/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The check reporting both qemu test images share: the result line of
 * each check, the counts, the closing line, fatal(), and the names of
 * error codes and permissions.
 */
#include <armmap/attr.h>
#include <armmap/errors.h>

#include "tests/qemu/common/check.h"

bool check_ok;
const char *check_suite_as;
static unsigned int g_num, g_pass, g_fail;

void check_begin(void)
{
	check_ok = true;
	con_capture();
}

void check_end(const char *what)
{
	con_stop();
	g_num++;
	if (check_ok) {
		g_pass++;
		con_printf("ok %u - %s\n", g_num, what);
	} else {
		g_fail++;
		con_printf("not ok %u - %s\n", g_num, what);
	}
	con_flush();
}

bool check_boot_ok(bool ready)
{
	if (ready && !g_fail)
		return true;
	con_printf("# the boot table is not in place: the other checks are skipped\n");
	return false;
}

int check_done(void)
{
	con_printf("\n%s: %u passed, %u failed\n", check_suite_as ? check_suite_as : check_suite,
		   g_pass, g_fail);
	return g_fail ? 1 : 0;
}

void check_abort(void)
{
	con_printf("%s: %u passed, %u failed\n", check_suite_as ? check_suite_as : check_suite,
		   g_pass, g_fail + 1);
}

void fatal(const char *why)
{
	con_release();
	con_printf("FATAL: %s\n", why);
	check_abort();
	sh_exit(false);
}

const char *errname(int e)
{
	return e >= 0 ? "ok" : am_errname(e);
}

const char *perm_name(unsigned int perm)
{
	switch (perm & ~AM_PERM_USER) {
	case AM_PERM_R | AM_PERM_W:
		return "RW";
	case AM_PERM_R:
		return "RO";
	case AM_PERM_R | AM_PERM_X:
		return "RX";
	case AM_PERM_R | AM_PERM_W | AM_PERM_X:
		return "RWX";
	default:
		return "?";
	}
}
