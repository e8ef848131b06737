/* SPDX-License-Identifier: BSD-3-Clause */
/* Names of the AM_E* error codes. */
#include <armmap/errors.h>

#include "internal.h"

/* -code of each name, in the order of names[] (whose last one is for the rest). */
static const uint8_t codes[] = {
	AM_OK,	    -AM_EPERM,	-AM_ENOENT, -AM_ENOMEM,	   -AM_EBUSY,  -AM_EEXIST,
	-AM_EINVAL, -AM_ENOSPC, -AM_ERANGE, -AM_EOVERFLOW, -AM_EILSEQ, -AM_ENOTSUP,
};

/* The names one after the other, each ended by its NUL: no table of pointers. */
static const char names[] = "success\0"
			    "refused by a mapping rule\0"
			    "nothing mapped there\0"
			    "out of memory\0"
			    "overlaps or is referenced\0"
			    "already mapped\0"
			    "invalid argument\0"
			    "no free region or slot\0"
			    "out of range\0"
			    "overflow\0"
			    "maps another frame than expected\0"
			    "not supported\0"
			    "unknown error";

/* The constants' names, in the same order (the last one for the rest). */
static const char symbols[] = "AM_OK\0"
			      "AM_EPERM\0"
			      "AM_ENOENT\0"
			      "AM_ENOMEM\0"
			      "AM_EBUSY\0"
			      "AM_EEXIST\0"
			      "AM_EINVAL\0"
			      "AM_ENOSPC\0"
			      "AM_ERANGE\0"
			      "AM_EOVERFLOW\0"
			      "AM_EILSEQ\0"
			      "AM_ENOTSUP\0"
			      "AM_E?";

/* The string of @err in @list: the one at its code's place in codes[]. */
static const char *pick(const char *list, int err)
{
	unsigned int e = 0u - (unsigned int)err; /* no overflow for INT_MIN */
	const char *s = list;

	for (unsigned int i = 0; i < sizeof(codes) && codes[i] != e; i++)
		while (*s++)
			;
	return s;
}

const char *am_strerror(int err)
{
	return pick(names, err);
}

const char *am_errname(int err)
{
	return pick(symbols, err);
}
