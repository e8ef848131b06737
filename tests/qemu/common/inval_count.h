/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the QEMU images' counting flush ops do with each entry of a flush
 * list: a range, a leaf or a table entry (walk caches too). One copy for
 * every image that counts them.
 */
#ifndef QEMU_COMMON_INVAL_COUNT_H
#define QEMU_COMMON_INVAL_COUNT_H

#include <armmap/pt.h>

/* The counter @v goes to: @range, @leaf or @table. */
static inline unsigned long *inval_counter(const struct am_pt_inval *v, unsigned long *leaf,
					   unsigned long *table, unsigned long *range)
{
	return v->pages ? range : v->leaf ? leaf : table;
}

#endif
