/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The P2M oracle, shared by the unit suite (tests/unit/test_p2m.c) and the
 * fuzzer (tests/fuzz/fuzz_p2m.c): what a P2M on the host backend
 * (arch/host/p2m_host) must show after each call, asked of the walker and
 * TLB models and of the frame table, never of the library's own bookkeeping.
 *
 *  - amo_p2m_check(): the P2M lock taken and released in pairs, never
 *    nested, no table op outside it; the put path watched while it ran (see
 *    below); the table oracle (tests/oracle/table.h): TLB model clean,
 *    every TLBI completed, pool pages in use == the table's.
 *  - The put path, watched at each TLB event and each foreign put through
 *    the backend's hooks: no tracked xenheap frame loses its GFN and no
 *    tracked foreign frame its reference while the TLB model may still
 *    hold its translation; at a foreign put the invalidation has completed
 *    and both the walker and the TLB model fault at the old IPA.
 *  - amo_p2m_expect(): one GFN through am_p2m_lookup() and through the
 *    walker model: the frame, and the attributes docs/p2m.md gives its type.
 *  - amo_p2m_frames_agree(): over several P2Ms sharing one frame table,
 *    every xenheap frame's GFN (am_frame_get_gfn()) agrees with what the
 *    stage 2s map, read raw from their tables: a frame with a GFN is mapped
 *    there, by exactly one P2M, and nowhere else; a frame without one is
 *    mapped nowhere; no parked entry is left over.
 *  - amo_p2m_snap() / amo_p2m_unchanged(): a refused call left every table
 *    page, every page_info word and every counter as it was.
 *
 * Each check returns NULL, or why it failed (a static buffer, valid until
 * the next check).
 */
#ifndef ARMMAP_TESTS_ORACLE_P2M_H
#define ARMMAP_TESTS_ORACLE_P2M_H

#include <stdbool.h>

#include <armmap/p2m.h>

#include "arch/host/p2m_host.h"
#include "model/vmsa.h"
#include "tests/oracle/table.h"

#define AMO_P2M_TRACK 4096u

/* A page mapped into the guest whose put the oracle watches. */
struct amo_p2m_page {
	am_gfn_t gfn;
	am_mfn_t mfn;
	unsigned long refs; /* the frame's reference count while mapped */
	bool xen, foreign, put, nopg;
};

/* One P2M under watch. */
struct amo_p2m {
	struct am_host_p2m *hp;
	struct am_p2m *p2m;
	const struct am_frame_table *ft;
	struct vmsa_cfg vc;
	bool live; /* attached, not detached */
	unsigned long base_unlocked;
	unsigned long hook_fails;
	char hook_msg[256];
	unsigned int ntr;
	struct amo_p2m_page tr[AMO_P2M_TRACK];
};

/*
 * amo_p2m_attach() - after a successful am_p2m_init() of @p on @hp with
 * @ipa_bits (0: 40), @pa_bits (0: 48) and @vmid: the walker's view, the TLB
 * model on (nothing watched yet: tlbm_watch(&hp->pt.tlb, ...)), the put
 * path hooks, nothing tracked.
 */
void amo_p2m_attach(struct amo_p2m *o, struct am_host_p2m *hp, struct am_p2m *p,
		    const struct am_frame_table *ft, unsigned int ipa_bits, unsigned int pa_bits,
		    uint16_t vmid);

/* amo_p2m_detach() - before am_p2m_destroy(): hooks off, TLB model flushed and off. */
void amo_p2m_detach(struct amo_p2m *o);

/*
 * amo_p2m_track() - watch the put of @n pages mapped at @gfn from @mfn
 * (only xenheap frames and, @foreign, frames mapped AM_P2M_FOREIGN are
 * kept). Returns false when the list is full.
 */
bool amo_p2m_track(struct amo_p2m *o, am_gfn_t gfn, am_mfn_t mfn, uint64_t n, bool foreign);

/* amo_p2m_untrack() - forget the pages of [gfn, gfn + n) (after their removal). */
void amo_p2m_untrack(struct amo_p2m *o, am_gfn_t gfn, uint64_t n);

/* amo_p2m_check() - the lock, the put path, the table (see above). */
const char *amo_p2m_check(struct amo_p2m *o);

/* amo_p2m_xlate() - the walker model's access @acc (VMSA_ACC_*) at IPA(@g) + @off. */
struct vmsa_result amo_p2m_xlate(struct amo_p2m *o, am_gfn_t g, uint64_t off, unsigned int acc);

/*
 * amo_p2m_expect() - @g maps @mfn with type @t (@mfn AM_MFN_INVALID:
 * nothing), through am_p2m_lookup() and the walker model.
 */
const char *amo_p2m_expect(struct amo_p2m *o, am_gfn_t g, am_mfn_t mfn, enum am_p2m_type t);

/* amo_p2m_frames_agree() - the frame table and @n P2Ms sharing it (see above). */
const char *amo_p2m_frames_agree(struct amo_p2m *const *os, unsigned int n);

/* A snapshot: the table's pool and counters, the frame table, the puts. */
struct amo_p2m_snap {
	struct amo_table_snap t;
	struct am_page_info *pg; /* room for the frame table, from the caller */
	unsigned long foreign_puts, locks;
};

void amo_p2m_snap(struct amo_p2m_snap *s, const struct amo_p2m *o);
/* amo_p2m_unchanged() - tables, frame words, references as they were; no maintenance; no put. */
const char *amo_p2m_unchanged(const struct amo_p2m_snap *s, const struct amo_p2m *o);

#endif
