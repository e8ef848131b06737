/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * am_pt_dump(): the leaves of a table as text, a run of alike leaves as one
 * line (the format is armmap/dump.h's). Read-only: the leaf walk of
 * am_pt_walk() (the one walker) under the table's lock, each leaf either
 * extending the group being built or closing it, printed, and opening the
 * next. Every field of a line is decoded from the descriptor bits the
 * group shares, so that leaves armmap would not write print as they are.
 */
#include <armmap/dump.h>

#include "../core/fmt.h"
#include "pt_internal.h"

_Static_assert(AM_LINE_MAX == AM_DUMP_LINE_MAX, "one line length");

/* Leaves that follow one another, with consecutive output addresses. */
struct pt_group {
	uint64_t va, pa, size;
	uint64_t count; /* 0: none yet */
	am_pte_t key;	/* the bits they share: the descriptor but its output address */
	unsigned int level;
};

struct pt_dump {
	struct am_pt *pt;
	am_dump_print_fn print;
	void *arg;
	struct pt_group g;
};

/* The execute-never bits of a leaf, as its regime has them. */
static void exec_bits(struct am_line *l, enum am_pt_regime regime, am_pte_t k)
{
	if (IS_EL10(regime)) {
		am_line_word(l,
			     pt_perm_of[regime][pt_perm_index(k)] & AM_PERM_USER ? "user" : "priv");
		am_line_kv(l, "pxn", (k >> 53) & 1u);
		am_line_kv(l, "uxn", (k >> 54) & 1u);
	} else if (IS_S2(regime)) {
		am_line_kv(l, "xn", (k >> 53) & 3u);
	} else {
		am_line_kv(l, "xn", (k >> 54) & 1u);
	}
}

static void print_group(struct pt_dump *d)
{
	const struct pt_group *g = &d->g;
	const struct am_pt *pt = d->pt;
	/* the upper range's addresses take every digit */
	unsigned int vd = pt->va_base ? 16u : am_line_digits(pt->ia_bits);
	unsigned int pd = am_line_digits(pt->oa_bits);
	am_pte_t k = g->key;
	unsigned int mt;
	struct am_line l;

	am_line_init(&l);
	am_line_hex(&l, g->va, vd);
	am_line_chr(&l, '-');
	am_line_hex(&l, g->va + g->size * g->count - 1u, vd);
	am_line_str(&l, " -> ");
	am_line_hex(&l, g->pa, pd);
	am_line_str(&l, " L");
	am_line_dec(&l, g->level);
	am_line_chr(&l, ' ');
	am_line_size(&l, g->size);
	am_line_str(&l, " x");
	am_line_dec(&l, g->count);
	am_line_word(&l, k & AM_PTE_VALID ? "valid" : "parked");
	am_line_chr(&l, ' ');
	am_line_perm(&l, pt_perm_of[pt->regime][pt_perm_index(k)]);
	exec_bits(&l, (enum am_pt_regime)pt->regime, k);
	mt = pt->mtype_of[(k >> 2) & 0xfu];
	/* LPA2: bits [9:8] are OA[51:50], the shareability TCR's (pt_lpa2_sh()) */
	am_line_mem(&l, mt,
		    pt_lpa2(pt) ? (mt != 0xffu ? pt_lpa2_sh(mt) : 3u)
				: (unsigned int)(k >> 8) & 3u);
	am_line_kv(&l, "af", (k & AM_PTE_AF) ? 1u : 0u);
	if (IS_EL10(pt->regime))
		am_line_kv(&l, "ng", (k & AM_PTE_NG) ? 1u : 0u);
	if (pt->secure)
		am_line_kv(&l, "ns", (k & AM_PTE_NS) ? 1u : 0u);
	am_line_kv(&l, "contig", (k & AM_PTE_CONTIG) ? 1u : 0u);
	am_line_str(&l, " sw=");
	am_line_hex(&l, (k & AM_PTE_SW_MASK) >> AM_PTE_SW_SHIFT, 1);
	d->print(d->arg, l.s);
}

/* One leaf of the walk: it extends the group, or the group is printed and it opens the next. */
static int dump_leaf(void *arg, const struct am_pt_leaf *leaf)
{
	struct pt_dump *d = arg;
	struct pt_group *g = &d->g;
	uint64_t va = am_va_val(leaf->va), pa = am_pa_val(leaf->pa), span = g->size * g->count;
	/* what is not the output address (LPA2 has OA[51:50] in [9:8]) */
	am_pte_t key = leaf->pte & ~AM_PTE_OA_MASK & ~(d->pt->lpa == 2 ? 0x0003000000000300ull : 0);

	if (g->count && key == g->key && leaf->level == g->level && va == g->va + span &&
	    pa == g->pa + span) {
		g->count++;
		return 0;
	}
	if (g->count)
		print_group(d);
	g->va = va;
	g->pa = pa;
	g->size = leaf->size;
	g->count = 1;
	g->key = key;
	g->level = leaf->level;
	return 0;
}

int am_pt_dump(struct am_pt *pt, am_vaddr_t v, uint64_t size, am_dump_print_fn print, void *arg)
{
	struct pt_dump d = {.pt = pt, .print = print, .arg = arg};
	uint64_t va = am_va_val(v);
	int rc;

	if (!pt_ready(pt))
		return AM_EINVAL;
	va -= pt->va_base; /* the upper range: from its base */
	pt_lock(pt);
	/* to the end; from beyond it, one page: refused as beyond the input size */
	if (size == AM_DUMP_TO_END)
		size = va < pt->ia_end ? pt->ia_end - va : 1ull << pt_gs(pt);
	if (!print) {
		PT_LOG(pt, AM_LOG_ERR, AM_EV_BAD_ARG, "dump: NULL print callback", 0, 0, 0);
		rc = AM_EINVAL;
	} else {
		rc = pt_check_range(pt, va, size);
	}
	if (!rc) {
		rc = pt_walk_leaves(pt, va, size, dump_leaf, &d);
		if (d.g.count)
			print_group(&d);
	}
	pt_unlock(pt);
	return rc;
}
