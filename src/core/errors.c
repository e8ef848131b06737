/* SPDX-License-Identifier: BSD-3-Clause */
/* Names of the AM_E* error codes. */
#include <armmap/errors.h>

const char *am_strerror(int err)
{
	switch (err) {
	case AM_OK:
		return "success";
	case AM_EPERM:
		return "refused by a mapping rule";
	case AM_ENOENT:
		return "nothing mapped there";
	case AM_ENOMEM:
		return "out of memory";
	case AM_EBUSY:
		return "overlaps or is referenced";
	case AM_EEXIST:
		return "already mapped";
	case AM_EINVAL:
		return "invalid argument";
	case AM_ENOSPC:
		return "no free region or slot";
	case AM_ERANGE:
		return "out of range";
	case AM_EOVERFLOW:
		return "overflow";
	case AM_EILSEQ:
		return "maps another frame than expected";
	case AM_ENOTSUP:
		return "not supported";
	default:
		return "unknown error";
	}
}
