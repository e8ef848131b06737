/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The P2M oracle: what a P2M on the host backend (arch/host/p2m_host) must
 * show after each call, asked of the walker and TLB models and of the frame
 * table, never of the library's own bookkeeping. The unit tests
 * (tests/unit/test_p2m.c) and the fuzzer (tests/fuzz/fuzz_p2m.c) call the
 * same checks. Each returns true when all holds, else false with the first
 * rule broken in @why.
 *
 *  - oracle_p2m_check(): the P2M lock taken and released in pairs, never
 *    nested, no table op and no log record outside it; the put path as the hooks watched it
 *    (below); the table oracle (pt_oracle.h): TLB model clean, every TLBI
 *    completed, the pages reachable from the root are the pool's in use.
 *  - The put path, watched at each TLB event and each foreign put through
 *    the backend's hooks: no tracked xenheap frame loses its GFN and no
 *    tracked foreign frame a reference while the TLB model may still hold
 *    its translation; at a foreign put the invalidation has completed, and
 *    both the walker and the TLB model fault at the old IPA.
 *  - oracle_p2m_expect(): one GFN through am_p2m_lookup() and through the
 *    walker model: the frame, and the attributes docs/p2m.md gives its type.
 *  - oracle_p2m_frames_agree(): over the P2Ms sharing one frame table,
 *    every xenheap frame's GFN (am_frame_get_gfn()) agrees with what the
 *    stage 2s map, read raw from their tables: a frame with a GFN is mapped
 *    there, by one P2M, by page, and nowhere else; a frame without one is
 *    mapped nowhere; no parked entry is left over.
 *  - oracle_p2m_snap() / oracle_p2m_unchanged(): a refused call left every
 *    table page, every page_info word and every counter as it was.
 */
#ifndef ARMMAP_TESTS_ORACLE_P2M_H
#define ARMMAP_TESTS_ORACLE_P2M_H

#include <stdbool.h>
#include <stddef.h>

#include <armmap/p2m.h>

#include "arch/host/p2m_host.h"
#include "model/vmsa.h"
#include "tests/oracle/pt_oracle.h"

#define ORACLE_P2M_TRACK 4096u

struct oracle_p2m;

/* A page mapped into a guest whose put the oracle watches. */
struct oracle_p2m_page {
	const struct oracle_p2m *by; /* the P2M that maps it */
	uint64_t gfn;
	uint64_t mfn;
	unsigned long refs; /* the frame's reference count while mapped */
	bool xen, foreign, put, nopg;
};

/*
 * The pages watched: one list for all the P2Ms of a frame table, since a
 * frame's reference count is that of every guest mapping it.
 */
struct oracle_p2m_pages {
	unsigned int n;
	struct oracle_p2m_page tr[ORACLE_P2M_TRACK];
};

/* One P2M under watch. */
struct oracle_p2m {
	struct am_host_p2m *hp;
	struct am_p2m *p2m;
	const struct am_frame_table *ft;
	struct vmsa_cfg vc;
	bool live; /* attached, not detached */
	unsigned long base_unlocked, base_unlocked_logs;
	unsigned long hook_fails;
	char hook_msg[256];
	struct oracle_p2m_pages *pages; /* &own, or shared (oracle_p2m_share()) */
	struct oracle_p2m_pages own;
};

/*
 * oracle_p2m_share() - before the first oracle_p2m_attach(): P2Ms sharing
 * one frame table watch their pages in one list, @pages (zeroed).
 */
void oracle_p2m_share(struct oracle_p2m *o, struct oracle_p2m_pages *pages);

/*
 * oracle_p2m_attach() - after a successful am_p2m_init() of @p on @hp with
 * @ipa_bits (0: 40), @pa_bits (0: 48) and @vmid: the walker's view, the
 * TLB model on (nothing watched yet: tlbm_watch(&hp->pt.tlb, ...)), the put
 * path hooks, none of its pages tracked.
 */
void oracle_p2m_attach(struct oracle_p2m *o, struct am_host_p2m *hp, struct am_p2m *p,
		       const struct am_frame_table *ft, unsigned int ipa_bits, unsigned int pa_bits,
		       uint16_t vmid);

/* oracle_p2m_detach() - before am_p2m_destroy(): hooks off, TLB model flushed and off. */
void oracle_p2m_detach(struct oracle_p2m *o);

/*
 * oracle_p2m_track() - watch the put of @n pages mapped at @gfn from @mfn
 * (only xenheap frames and, @foreign, frames mapped AM_P2M_FOREIGN are
 * kept). False when the list is full.
 */
bool oracle_p2m_track(struct oracle_p2m *o, uint64_t gfn, uint64_t mfn, uint64_t n, bool foreign);

/* oracle_p2m_untrack() - forget this P2M's pages in [gfn, gfn + n) (after their removal). */
void oracle_p2m_untrack(struct oracle_p2m *o, uint64_t gfn, uint64_t n);

/* oracle_p2m_check() - the lock, the put path, the table (see above). */
bool oracle_p2m_check(struct oracle_p2m *o, char *why, size_t n);

/* oracle_p2m_xlate() - the walker model's access @acc (VMSA_ACC_*) at IPA(@g) + @off. */
struct vmsa_result oracle_p2m_xlate(struct oracle_p2m *o, uint64_t g, uint64_t off,
				    unsigned int acc);

/*
 * oracle_p2m_expect() - @g maps @mfn with type @t (@mfn AM_MFN_INVALID:
 * nothing), through am_p2m_lookup() and the walker model.
 */
bool oracle_p2m_expect(struct oracle_p2m *o, uint64_t g, uint64_t mfn, enum am_p2m_type t,
		       char *why, size_t n);

/* oracle_p2m_frames_agree() - the frame table and the @np P2Ms of @os sharing it. */
bool oracle_p2m_frames_agree(struct oracle_p2m *const *os, unsigned int np, char *why, size_t n);

/* A leaf of the stage 2, read raw from the pool: a non-zero entry that is not a table. */
struct oracle_p2m_leaf {
	uint64_t ipa, size; /* the entry's span */
	uint64_t pa;	    /* its output address (bits [47:12], aligned to the span) */
	uint64_t pte;
	unsigned int level;
	bool valid; /* bit 0; false: parked (or garbage) */
};

/*
 * oracle_p2m_leaves() - call @fn for every leaf of the P2M's stage 2, in
 * IPA order, reading the tables raw from the pool (independently of the
 * library); a non-zero return of @fn stops the walk and is returned. -1: a
 * table descriptor names a page the pool has not handed out.
 */
int oracle_p2m_leaves(struct oracle_p2m *o, int (*fn)(void *arg, const struct oracle_p2m_leaf *l),
		      void *arg);

/* A snapshot: the table's pages and counters, the frame table, the puts. */
struct oracle_p2m_snap {
	struct oracle_pt_snap t;
	struct am_page_info *pg; /* room for the frame table, from the caller */
	unsigned long foreign_puts;
};

void oracle_p2m_snap(struct oracle_p2m_snap *s, struct oracle_p2m *o);
/* oracle_p2m_unchanged() - tables, frame words, references as they were; no maintenance, no put. */
bool oracle_p2m_unchanged(const struct oracle_p2m_snap *s, struct oracle_p2m *o, char *why,
			  size_t n);

/* AM_GFN_INVALID and AM_MFN_INVALID as the integers the tests compute with. */
#define GFN_NONE am_gfn_val(AM_GFN_INVALID)
#define MFN_NONE am_mfn_val(AM_MFN_INVALID)

/*
 * The P2M calls with a typed output (am_gfn_t, am_mfn_t), giving it as the
 * integer the tests compute with. The output is written only on success,
 * as the calls do; NULL stays NULL.
 */
static inline int t_frame_get_gfn(const struct am_page_info *pg, uint64_t *gfn)
{
	am_gfn_t g = am_gfn(0);
	int rc = am_frame_get_gfn(pg, gfn ? &g : NULL);

	if (!rc && gfn)
		*gfn = am_gfn_val(g);
	return rc;
}

static inline int t_p2m_lookup(struct am_p2m *p, am_gfn_t gfn, uint64_t *mfn, enum am_p2m_type *t)
{
	am_mfn_t m = am_mfn(0);
	int rc = am_p2m_lookup(p, gfn, mfn ? &m : NULL, t);

	if (!rc && mfn)
		*mfn = am_mfn_val(m);
	return rc;
}

static inline int t_p2m_gnttab_gfn(struct am_p2m *p, uint32_t idx, uint64_t *gfn)
{
	am_gfn_t g = am_gfn(0);
	int rc = am_p2m_gnttab_gfn(p, idx, gfn ? &g : NULL);

	if (!rc && gfn)
		*gfn = am_gfn_val(g);
	return rc;
}

#endif
