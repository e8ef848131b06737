/* SPDX-License-Identifier: BSD-3-Clause */
/* The library's version: include/armmap/version.h as it was built. */
#include <armmap/version.h>

unsigned long am_version(void)
{
	return ARMMAP_VERSION;
}
