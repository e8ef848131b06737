/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * am_mpu_dump(): the regions of a map in use as text, one line each (the
 * format is armmap/dump.h's), from the software copy under the map's lock,
 * with the register fields each region is programmed with.
 */
#include <armmap/dump.h>

#include "../core/fmt.h"
#include "../core/internal.h"
#include "map_internal.h"
#include "regs.h"

_Static_assert(AM_LINE_MAX == AM_DUMP_LINE_MAX, "one line length");

static void print_region(const struct am_mpu_map *m, unsigned int idx, am_dump_print_fn print,
			 void *arg)
{
	const struct am_mpu_region *r = &m->r[idx];
	unsigned int digits = am_line_digits(
		MPU_FLAVOUR((enum am_mpu_flavour)m->flavour) == AM_MPU_V8R_AARCH64 ? 48u : 32u);
	struct am_mpu_fields f;
	struct am_line l;

	mpu_attr_fields(m, &r->attr, &f);
	am_line_init(&l);
	am_line_str(&l, "region ");
	am_line_dec(&l, idx);
	am_line_str(&l, ": ");
	am_line_hex(&l, r->base, digits);
	am_line_chr(&l, '-');
	am_line_hex(&l, r->limit - 1u, digits);
	am_line_chr(&l, ' ');
	am_line_perm(&l, r->attr.perm);
	am_line_word(&l, r->attr.perm & AM_PERM_USER ? "user" : "priv");
	am_line_mem(&l, r->attr.mtype, r->attr.sh);
	am_line_kv(&l, "ap", f.ap);
	am_line_kv(&l, "xn", f.xn);
	am_line_kv(&l, "attr", f.attr_idx);
	am_line_kv(&l, "refs", r->refs);
	print(arg, l.s);
}

int am_mpu_dump(struct am_mpu_map *m, am_dump_print_fn print, void *arg)
{
	if (!mpu_enter(m))
		return AM_EINVAL;
	if (!print) {
		am_env_log(&m->ops->env, m->ctx, AM_LOG_ERR, AM_EV_BAD_ARG,
			   "mpu dump: NULL print callback", 0, 0, 0);
		return mpu_leave(m, AM_EINVAL);
	}
	for (unsigned int i = 0; i < m->top; i++)
		if (m->r[i].used)
			print_region(m, i, print, arg);
	return mpu_leave(m, 0);
}
