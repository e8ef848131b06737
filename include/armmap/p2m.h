/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest memory: the frame table (one struct am_page_info per machine frame)
 * and the P2M, a guest's stage-2 table built on the translation-table
 * engine, with the physmap calls that map the hypervisor's own pages
 * (shared-info, grant-table frames) into a guest.
 *
 * A hypervisor-heap ("xenheap") frame mapped into a guest records the guest
 * frame number (GFN) it is mapped at in its own type_info word: there is no
 * side array to go stale. Every removal of a stage-2 leaf, whatever the
 * caller, goes through one put path, after its TLB invalidation completed:
 * there a xenheap frame's GFN is cleared and a foreign frame's reference
 * dropped.
 */
#ifndef ARMMAP_P2M_H
#define ARMMAP_P2M_H

#include <armmap/pt.h>
#include <armmap/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* am_gfn_t, am_mfn_t, AM_GFN_INVALID, AM_MFN_INVALID: armmap/addr.h */

/* ---------------------------------------------------------------------- */
/* The frame table                                                         */
/* ---------------------------------------------------------------------- */

#define AM_BITS_PER_LONG (sizeof(unsigned long) * 8u)

/*
 * type_info: the top bit is the type (AM_PGT_WRITABLE or none), the next
 * two a type count, and the bits left over (61 on a 64-bit build, 29 on a
 * 32-bit one) the GFN of a xenheap frame. The all-ones field means "no GFN".
 */
#define AM_PGT_WRITABLE (1ul << (AM_BITS_PER_LONG - 1u))
#define AM_PGT_COUNT_SHIFT (AM_BITS_PER_LONG - 3u)
#define AM_PGT_COUNT_MASK (3ul << AM_PGT_COUNT_SHIFT)
#define AM_PGT_GFN_WIDTH (AM_BITS_PER_LONG - 3u)
#define AM_PGT_GFN_MASK ((1ul << AM_PGT_GFN_WIDTH) - 1ul)
#define AM_PGT_TYPE_INFO_INIT AM_PGT_GFN_MASK /* no type, count 0, no GFN */

/* count_info: flags on top, a reference count below. */
#define AM_PGC_XEN_HEAP (1ul << (AM_BITS_PER_LONG - 1u))
#define AM_PGC_ALLOCATED (1ul << (AM_BITS_PER_LONG - 2u))
#define AM_PGC_COUNT_MASK ((1ul << (AM_BITS_PER_LONG - 8u)) - 1ul)

struct am_page_info {
	unsigned long count_info;
	unsigned long type_info;
};

/* A run of frames and their page_info, from the caller. Members private. */
struct am_frame_table {
	uint32_t ready; /* set by am_frame_table_init() */
	struct am_page_info *pages;
	uint64_t first; /* MFN of pages[0] */
	size_t nr;
};

/*
 * The frame calls take no instance with a log hook: their refusals log one
 * record to the fallback hook (am_log_set_fallback()).
 */

/*
 * am_frame_table_init() - the frame table of @nr frames from MFN @first,
 * whose page_info are @pages (each set up with am_frame_init()).
 * Returns 0, or AM_EINVAL (NULL table or pages, nr 0, first + nr wraps);
 * a refused init leaves @ft not ready, and am_frame_of() and am_p2m_init()
 * refuse it.
 */
int am_frame_table_init(struct am_frame_table *ft, struct am_page_info *pages, am_mfn_t first,
			size_t nr);

/* am_frame_init() - a frame as the allocator hands it out: no GFN (NULL: logged, nothing done). */
void am_frame_init(struct am_page_info *pg, bool xenheap);

/*
 * am_frame_of() - the page_info of @mfn, or NULL outside the table (an
 * answer, not logged), or NULL for a table that is not ready (logged).
 */
struct am_page_info *am_frame_of(const struct am_frame_table *ft, am_mfn_t mfn);

/*
 * am_frame_get_gfn() - the GFN a xenheap frame is mapped at: AM_GFN_INVALID
 * when it has none. Returns 0, or AM_EINVAL for NULL or a frame that is not
 * xenheap.
 */
int am_frame_get_gfn(const struct am_page_info *pg, am_gfn_t *gfn);

/*
 * am_frame_set_gfn() - record @gfn (AM_GFN_INVALID: none) in a xenheap
 * frame, atomically (compare and swap), leaving every other bit of
 * type_info as it is. The largest GFN is AM_PGT_GFN_MASK - 1 (the all-ones
 * field is "none"). Returns 0, or
 *  AM_EINVAL  NULL, or not a xenheap frame;
 *  AM_ERANGE  @gfn does not fit the field (and is not AM_GFN_INVALID).
 */
int am_frame_set_gfn(struct am_page_info *pg, am_gfn_t gfn);

/*
 * am_frame_get() / am_frame_put() - take / drop a reference (count_info),
 * atomically. get returns 0, AM_EINVAL (NULL) or AM_EOVERFLOW (the count is
 * saturated); put never takes the count below zero (a put with no
 * reference, or of NULL, logs and does nothing).
 */
int am_frame_get(struct am_page_info *pg);
void am_frame_put(struct am_page_info *pg);

/* ---------------------------------------------------------------------- */
/* The P2M                                                                 */
/* ---------------------------------------------------------------------- */

enum am_p2m_type {
	AM_P2M_NONE = 0,
	AM_P2M_RAM_RW,	 /* guest RAM: read, write, execute */
	AM_P2M_RAM_RO,	 /* read, execute */
	AM_P2M_MMIO_DEV, /* a device, direct: Device-nGnRE, read/write */
	AM_P2M_MMIO_NC,	 /* direct, Normal non-cacheable, read/write */
	AM_P2M_GRANT_RW, /* a granted frame of another guest */
	AM_P2M_GRANT_RO,
	AM_P2M_FOREIGN, /* a foreign frame: the caller takes a reference
			 * before mapping it, and the P2M drops it when the
			 * mapping goes (map itself takes none) */
	AM_P2M_TYPE_COUNT
};

/* am_p2m_type_attr() - the stage-2 attributes of a p2m type (AM_EINVAL if unknown). */
int am_p2m_type_attr(enum am_p2m_type t, struct am_attr *out);

/*
 * The P2M passes its ctx to these hooks, and the table ops their own
 * (am_p2m_config.pt_ctx; the P2M's ctx when that is NULL). Every record of
 * a ready P2M, its table's included, goes through env.log with the P2M's
 * ctx and the P2M lock held (see struct am_env): a logger may rely on that
 * lock.
 */
struct am_p2m_ops {
	/* The P2M lock and the log. The table calls run under that lock, so
	 * the table ops carry none: am_p2m_init() refuses pt->env.lock or
	 * pt->env.unlock set (pt->env.log is not used either). */
	struct am_env env;
	/* Table pages, TLB maintenance (stage 2, the P2M's VMID), barriers. */
	const struct am_pt_ops *pt;
	/* Optional: told after a foreign frame's reference was dropped. */
	void (*foreign_put)(void *ctx, am_mfn_t mfn);
};

/* The hypervisor's frames a guest can map by index (Xen's map spaces). */
struct am_p2m_domain_frames {
	am_mfn_t shared_info; /* AM_MFN_INVALID: none (adding it is AM_EINVAL) */
	const am_mfn_t *gnttab_shared;
	unsigned int nr_gnttab_shared;
	const am_mfn_t *gnttab_status;
	unsigned int nr_gnttab_status;
};

struct am_p2m_config {
	unsigned int ipa_bits; /* 32..48; 0 means 40 */
	unsigned int pa_bits;  /* 32..48; 0 means 48 */
	uint16_t vmid;	       /* 0..255 */
	const struct am_frame_table *frames;
	struct am_p2m_domain_frames dom;
	/* The ctx the table ops (ops->pt) are called with: the table
	 * backend's own context. NULL: the P2M's ctx. */
	void *pt_ctx;
};

/* One per guest. Treat the members as private. */
struct am_p2m {
	uint32_t ready;	 /* set by a successful am_p2m_init(), cleared by am_p2m_destroy() */
	struct am_pt pt; /* its table, on ops->pt with its own ctx */
	/* the table's lock and log: the P2M's log hook and no lock (the P2M
	 * holds its own around every table call) */
	struct am_env pt_env;
	const struct am_p2m_ops *ops;
	void *ctx;
	const struct am_frame_table *ft;
	struct am_p2m_domain_frames dom;
	uint64_t gfn_end;
	uint64_t mfn_end; /* 2^(PA bits - 12) */
};

/*
 * am_p2m_init() - an empty stage-2 table for one guest. The table engine
 * logs through the P2M's log hook, with the P2M's ctx (ops->pt->env is not
 * used); the table ops get cfg->pt_ctx (or @ctx). Every call refuses a P2M
 * that is not ready (zeroed, init failed, destroyed) with AM_EINVAL and
 * one record to the fallback hook; every other refusal logs one record
 * through the P2M's log hook.
 * Returns 0, or AM_EINVAL (NULL, missing ops, bad sizes, a VMID above 255,
 * table ops that carry a lock (pt->env.lock or unlock set: the table
 * calls run under the P2M lock, and a second lock there would be taken
 * with it held, or be the same one; nothing is allocated), a frame table
 * that is not ready, a domain frame outside the frame table, not
 * xenheap, or beyond the PA size), AM_ENOMEM, or the table engine's
 * refusals (am_pt_init()): AM_EINVAL for an IPA size above the PA size,
 * AM_ENOTSUP for 40..42 IPA bits with 42 PA bits or fewer (set pa_bits to
 * the CPU's), AM_EINVAL / AM_ERANGE for a bad root page from the backend.
 */
int am_p2m_init(struct am_p2m *p2m, const struct am_p2m_config *cfg, const struct am_p2m_ops *ops,
		void *ctx);

/*
 * am_p2m_destroy() - remove every mapping (through the put path), free the
 * tables, in one walk of the table (am_pt_destroy_report()): each leaf is
 * cleared and its pages put once the VMID's invalidation that follows
 * completed. The guest must no longer run on it. The P2M is then not
 * ready: every call refuses it.
 */
void am_p2m_destroy(struct am_p2m *p2m);

/*
 * am_p2m_map() - map @nr frames from @mfn at @gfn with type @t (blocks where
 * alignment allows, except for xenheap frames, which are mapped by page and
 * get their GFN recorded). Only the frames of [mfn, mfn + nr) that are in
 * the frame table are looked at: the cost is that of the descriptors plus
 * one look per frame of the table in the range, never one per frame of
 * the range. A xenheap frame's GFN is claimed (one compare and swap from
 * "none") before the mapping and given back if it fails: of two guests
 * adding the same frame at once, exactly one gets it. Returns 0, or
 *  AM_EINVAL    NULL, nr 0, unknown type;
 *  AM_EOVERFLOW gfn + nr or mfn + nr wraps;
 *  AM_ERANGE    beyond the guest's IPA size or the PA size, or (32-bit
 *               builds) a xenheap frame's GFN does not fit type_info;
 *  AM_EEXIST    something is mapped in the range;
 *  AM_EBUSY     a xenheap frame in the range has a GFN already;
 *  AM_ENOMEM.
 */
int am_p2m_map(struct am_p2m *p2m, am_gfn_t gfn, am_mfn_t mfn, uint64_t nr, enum am_p2m_type t);

/*
 * am_p2m_unmap() - remove @nr pages from @gfn, each through the put path.
 * @expect: the MFN the first page must map (the others follow it), or
 * AM_MFN_INVALID for whatever is there. Two walks of the table: one that
 * checks, then one reporting unmap (am_pt_unmap_report()), whose pages
 * are put as their invalidation completes. Returns 0, or
 *  AM_EINVAL / AM_EOVERFLOW / AM_ERANGE  bad range;
 *  AM_ENOENT    a page in the range maps nothing;
 *  AM_EILSEQ    a page maps another frame than expected;
 *  AM_ENOMEM    a block to break needs a table page.
 * Nothing changes on error.
 */
int am_p2m_unmap(struct am_p2m *p2m, am_gfn_t gfn, uint64_t nr, am_mfn_t expect);

/*
 * am_p2m_lookup() - the frame and type at @gfn. Returns 0, or AM_EINVAL
 * (NULL), AM_ERANGE (beyond the IPA size), AM_ENOENT (nothing mapped).
 */
int am_p2m_lookup(struct am_p2m *p2m, am_gfn_t gfn, am_mfn_t *mfn, enum am_p2m_type *t);

/* Map spaces of am_p2m_add_physmap(). */
enum am_p2m_space {
	AM_SPACE_SHARED_INFO = 0, /* index 0 only */
	AM_SPACE_GRANT_TABLE = 1, /* index of a shared frame, or
				   * AM_GNTTAB_STATUS | index of a status frame */
};
#define AM_GNTTAB_STATUS 0x80000000u

/*
 * am_p2m_add_physmap() - map the hypervisor frame named by (@space, @idx)
 * at @gfn as guest RAM, and record @gfn in the frame, under the P2M lock.
 * Argument errors come first, then AM_EBUSY, then AM_EEXIST. Returns 0, or
 *  AM_EINVAL    NULL, an index out of range (shared info: not 0, or the
 *               domain has none);
 *  AM_ENOTSUP   an unknown space;
 *  AM_ERANGE    @gfn beyond the guest's IPA size;
 *  AM_EBUSY     the frame is mapped already (it has a GFN): remove it first;
 *  AM_EEXIST    something else is mapped at @gfn;
 *  AM_ENOMEM.
 */
int am_p2m_add_physmap(struct am_p2m *p2m, enum am_p2m_space space, uint32_t idx, am_gfn_t gfn);

/*
 * am_p2m_remove_physmap() - remove the mapping at @gfn (through the put
 * path, which clears a xenheap frame's GFN). @expect as in am_p2m_unmap().
 * Returns 0, or AM_EINVAL (NULL), AM_ERANGE, AM_ENOENT (nothing mapped),
 * AM_EILSEQ (another frame than expected), AM_ENOMEM.
 */
int am_p2m_remove_physmap(struct am_p2m *p2m, am_gfn_t gfn, am_mfn_t expect);

/*
 * am_p2m_gnttab_gfn() - the GFN grant frame @idx (AM_GNTTAB_STATUS | idx
 * for a status frame) is mapped at, read from the frame itself:
 * AM_GFN_INVALID when it is not mapped. Returns 0, or AM_EINVAL (NULL, index
 * out of range).
 */
int am_p2m_gnttab_gfn(struct am_p2m *p2m, uint32_t idx, am_gfn_t *gfn);

#ifdef __cplusplus
}
#endif

#endif
