/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
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

#define AM_BITS_PER_LONG (sizeof(unsigned long) * 8u) /**< the bits of an unsigned long */

/**
 * @name type_info
 * type_info: the top bit is the type (#AM_PGT_WRITABLE or none), the next
 * two a type count, and the bits left over (61 on a 64-bit build, 29 on a
 * 32-bit one) the GFN of a xenheap frame. The all-ones field means "no GFN".
 * @{
 */
#define AM_PGT_WRITABLE (1ul << (AM_BITS_PER_LONG - 1u))  /**< the type: writable */
#define AM_PGT_COUNT_SHIFT (AM_BITS_PER_LONG - 3u)	  /**< the type count's lowest bit */
#define AM_PGT_COUNT_MASK (3ul << AM_PGT_COUNT_SHIFT)	  /**< the type count */
#define AM_PGT_GFN_WIDTH (AM_BITS_PER_LONG - 3u)	  /**< the bits of the GFN field */
#define AM_PGT_GFN_MASK ((1ul << AM_PGT_GFN_WIDTH) - 1ul) /**< the GFN field */
#define AM_PGT_TYPE_INFO_INIT AM_PGT_GFN_MASK		  /**< no type, count 0, no GFN */
/** @} */

/**
 * @name count_info
 * count_info: flags on top, a reference count below.
 * @{
 */
#define AM_PGC_XEN_HEAP (1ul << (AM_BITS_PER_LONG - 1u))	   /**< a xenheap frame */
#define AM_PGC_ALLOCATED (1ul << (AM_BITS_PER_LONG - 2u))	   /**< allocated */
#define AM_PGC_COUNT_MASK ((1ul << (AM_BITS_PER_LONG - 8u)) - 1ul) /**< the reference count */
/** @} */

/** The state of one machine frame. */
struct am_page_info {
	unsigned long count_info; /**< flags and a reference count (AM_PGC_*) */
	unsigned long type_info;  /**< type, type count and a xenheap frame's GFN (AM_PGT_*) */
};

/** A run of frames and their page_info, from the caller. Members private. */
struct am_frame_table {
	uint32_t ready;		    /**< set by am_frame_table_init() */
	struct am_page_info *pages; /**< one per frame */
	uint64_t first;		    /**< MFN of pages[0] */
	size_t nr;		    /**< the number of frames */
};

/**
 * @name The frame calls
 * The frame calls take no instance with a log hook: their refusals log one
 * record to the fallback hook (am_log_set_fallback()).
 * @{
 */

/**
 * The frame table of @p nr frames from MFN @p first, whose page_info are
 * @p pages (each set up with am_frame_init()).
 *
 * @param ft     the frame table
 * @param pages  the page_info of the frames
 * @param first  the MFN of the first
 * @param nr     the number of frames
 * @return 0, or #AM_EINVAL (NULL table or pages, nr 0, first + nr wraps);
 * a refused init leaves @p ft not ready, and am_frame_of() and am_p2m_init()
 * refuse it.
 */
int am_frame_table_init(struct am_frame_table *ft, struct am_page_info *pages, am_mfn_t first,
			size_t nr);

/**
 * A frame as the allocator hands it out: no GFN (NULL: logged, nothing done).
 *
 * @param pg       the frame's page_info
 * @param xenheap  whether it is a xenheap frame
 */
void am_frame_init(struct am_page_info *pg, bool xenheap);

/**
 * The page_info of @p mfn, or NULL outside the table (an answer, not logged),
 * or NULL for a table that is not ready (logged).
 *
 * @param ft   the frame table
 * @param mfn  the frame
 * @return its page_info, or NULL.
 */
struct am_page_info *am_frame_of(const struct am_frame_table *ft, am_mfn_t mfn);

/**
 * The GFN a xenheap frame is mapped at: #AM_GFN_INVALID when it has none.
 *
 * @param pg   the frame's page_info
 * @param gfn  where the GFN goes
 * @return 0, or #AM_EINVAL for NULL or a frame that is not xenheap.
 */
int am_frame_get_gfn(const struct am_page_info *pg, am_gfn_t *gfn);

/**
 * Record @p gfn (#AM_GFN_INVALID: none) in a xenheap frame, atomically (compare
 * and swap), leaving every other bit of type_info as it is.
 *
 * The largest GFN is #AM_PGT_GFN_MASK - 1 (the all-ones field is "none").
 *
 * @param pg   the frame's page_info
 * @param gfn  the GFN, or #AM_GFN_INVALID
 * @return 0, or
 *  - #AM_EINVAL  NULL, or not a xenheap frame;
 *  - #AM_ERANGE  @p gfn does not fit the field (and is not #AM_GFN_INVALID).
 */
int am_frame_set_gfn(struct am_page_info *pg, am_gfn_t gfn);

/**
 * Take a reference (count_info), atomically.
 *
 * @param pg  the frame's page_info
 * @return 0, #AM_EINVAL (NULL) or #AM_EOVERFLOW (the count is saturated).
 */
int am_frame_get(struct am_page_info *pg);
/**
 * Drop a reference (count_info), atomically.
 *
 * Never takes the count below zero (a put with no reference, or of NULL, logs
 * and does nothing).
 *
 * @param pg  the frame's page_info
 */
void am_frame_put(struct am_page_info *pg);

/** @} */

/* ---------------------------------------------------------------------- */
/* The P2M                                                                 */
/* ---------------------------------------------------------------------- */

/** The types of a guest mapping. */
enum am_p2m_type {
	AM_P2M_NONE = 0,  /**< no type (nothing can be mapped with it) */
	AM_P2M_RAM_RW,	  /**< guest RAM: read, write, execute */
	AM_P2M_RAM_RO,	  /**< read, execute */
	AM_P2M_MMIO_DEV,  /**< a device, direct: Device-nGnRE, read/write */
	AM_P2M_MMIO_NC,	  /**< direct, Normal non-cacheable, read/write */
	AM_P2M_GRANT_RW,  /**< a granted frame of another guest */
	AM_P2M_GRANT_RO,  /**< a granted frame of another guest, read-only */
	AM_P2M_FOREIGN,	  /**< a foreign frame: the caller takes a reference
			   * before mapping it, and the P2M drops it when the
			   * mapping goes (map itself takes none) */
	AM_P2M_TYPE_COUNT /**< the number of types */
};

/**
 * The stage-2 attributes of a p2m type (#AM_EINVAL if unknown).
 *
 * @param t    the type
 * @param out  where the attributes go
 * @return 0, or #AM_EINVAL.
 */
int am_p2m_type_attr(enum am_p2m_type t, struct am_attr *out);

/**
 * What the P2M's backend provides.
 *
 * The P2M passes its ctx to these hooks, and the table ops their own
 * (am_p2m_config.pt_ctx; the P2M's ctx when that is NULL). Every record of
 * a ready P2M, its table's included, goes through env.log with the P2M's
 * ctx and the P2M lock held (see struct am_env): a logger may rely on that
 * lock.
 */
struct am_p2m_ops {
	/** The P2M lock and the log. The table calls run under that lock, so
	 * the table ops carry none: am_p2m_init() refuses pt->env.lock or
	 * pt->env.unlock set (pt->env.log is not used either). */
	struct am_env env;
	/** Table pages, TLB maintenance (stage 2, the P2M's VMID), barriers. */
	const struct am_pt_ops *pt;
	/** Optional: told after a foreign frame's reference was dropped. */
	void (*foreign_put)(void *ctx, am_mfn_t mfn);
};

/** The hypervisor's frames a guest can map by index (Xen's map spaces). */
struct am_p2m_domain_frames {
	am_mfn_t shared_info;	       /**< AM_MFN_INVALID: none (adding it is AM_EINVAL) */
	const am_mfn_t *gnttab_shared; /**< the grant table's shared frames */
	unsigned int nr_gnttab_shared; /**< their number */
	const am_mfn_t *gnttab_status; /**< the grant table's status frames */
	unsigned int nr_gnttab_status; /**< their number */
};

/** The configuration of a P2M, for am_p2m_init(). */
struct am_p2m_config {
	unsigned int ipa_bits;		     /**< 32..48; 0 means 40 */
	unsigned int pa_bits;		     /**< 32..48; 0 means 48 */
	uint16_t vmid;			     /**< 0..255 */
	const struct am_frame_table *frames; /**< the frame table */
	struct am_p2m_domain_frames dom;     /**< the frames the guest can map by index */
	/** The ctx the table ops (ops->pt) are called with: the table
	 * backend's own context. NULL: the P2M's ctx. */
	void *pt_ctx;
};

/** One per guest. Treat the members as private. */
struct am_p2m {
	uint32_t ready;	 /**< set by a successful am_p2m_init(), cleared by am_p2m_destroy() */
	struct am_pt pt; /**< its table, on ops->pt with its own ctx */
	/** the table's lock and log: the P2M's log hook and no lock (the P2M
	 * holds its own around every table call) */
	struct am_env pt_env;
	const struct am_p2m_ops *ops;	 /**< the backend */
	void *ctx;			 /**< what the P2M's hooks are called with */
	const struct am_frame_table *ft; /**< the frame table */
	struct am_p2m_domain_frames dom; /**< the frames the guest can map by index */
	uint64_t gfn_end;		 /**< 2^(IPA bits - 12) */
	uint64_t mfn_end;		 /**< 2^(PA bits - 12) */
};

/**
 * An empty stage-2 table for one guest.
 *
 * The table engine logs through the P2M's log hook, with the P2M's ctx
 * (ops->pt->env is not used); the table ops get cfg->pt_ctx (or @p ctx). Every
 * call refuses a P2M that is not ready (zeroed, init failed, destroyed) with
 * #AM_EINVAL and one record to the fallback hook; every other refusal logs one
 * record through the P2M's log hook.
 *
 * @param p2m  the P2M
 * @param cfg  its configuration
 * @param ops  the backend
 * @param ctx  what the P2M's hooks are called with
 * @return 0, or #AM_EINVAL (NULL, missing ops, bad sizes, a VMID above 255,
 * table ops that carry a lock (pt->env.lock or unlock set: the table calls run
 * under the P2M lock, and a second lock there would be taken with it held, or
 * be the same one; nothing is allocated), a frame table that is not ready, a
 * domain frame outside the frame table, not xenheap, or beyond the PA size),
 * #AM_ENOMEM, or the table engine's refusals (am_pt_init()): #AM_EINVAL for an
 * IPA size above the PA size, #AM_ENOTSUP for 40..42 IPA bits with 42 PA bits
 * or fewer when the table ops have no alloc_tables (that stage 2 starts at
 * level 1 with a concatenated root: set pa_bits to the CPU's or less),
 * #AM_EINVAL / #AM_ERANGE for a bad root page from the backend.
 */
int am_p2m_init(struct am_p2m *p2m, const struct am_p2m_config *cfg, const struct am_p2m_ops *ops,
		void *ctx);

/**
 * Remove every mapping (through the put path), free the tables, in one walk of
 * the table (am_pt_destroy_report()).
 *
 * Each leaf is cleared and its pages put once the VMID's invalidation that
 * follows completed. The guest must no longer run on it. The P2M is then not
 * ready: every call refuses it.
 *
 * @param p2m  the P2M
 */
void am_p2m_destroy(struct am_p2m *p2m);

/**
 * Map @p nr frames from @p mfn at @p gfn with type @p t (blocks where
 * alignment allows, except for xenheap frames, which are mapped by page and
 * get their GFN recorded).
 *
 * Only the frames of [mfn, mfn + nr) that are in the frame table are looked at:
 * the cost is that of the descriptors plus one look per frame of the table in
 * the range, never one per frame of the range. A xenheap frame's GFN is claimed
 * (one compare and swap from "none") before the mapping and given back if it
 * fails: of two guests adding the same frame at once, exactly one gets it.
 *
 * @param p2m  the P2M
 * @param gfn  the first guest frame
 * @param mfn  the first machine frame
 * @param nr   the number of frames
 * @param t    the type
 * @return 0, or
 *  - #AM_EINVAL    NULL, nr 0, unknown type;
 *  - #AM_EOVERFLOW gfn + nr or mfn + nr wraps;
 *  - #AM_ERANGE    beyond the guest's IPA size or the PA size, or (32-bit
 *                  builds) a xenheap frame's GFN does not fit type_info;
 *  - #AM_EEXIST    something is mapped in the range;
 *  - #AM_EBUSY     a xenheap frame in the range has a GFN already;
 *  - #AM_ENOMEM.
 */
int am_p2m_map(struct am_p2m *p2m, am_gfn_t gfn, am_mfn_t mfn, uint64_t nr, enum am_p2m_type t);

/**
 * Remove @p nr pages from @p gfn, each through the put path.
 *
 * @p expect: the MFN the first page must map (the others follow it), or
 * #AM_MFN_INVALID for whatever is there. Two walks of the table: one that
 * checks, then one reporting unmap (am_pt_unmap_report()), whose pages are put
 * as their invalidation completes. Nothing changes on error.
 *
 * @param p2m     the P2M
 * @param gfn     the first guest frame
 * @param nr      the number of pages
 * @param expect  the MFN the first page must map, or #AM_MFN_INVALID
 * @return 0, or
 *  - #AM_EINVAL / #AM_EOVERFLOW / #AM_ERANGE  bad range;
 *  - #AM_ENOENT    a page in the range maps nothing;
 *  - #AM_EILSEQ    a page maps another frame than expected;
 *  - #AM_ENOMEM    a block to break needs a table page.
 */
int am_p2m_unmap(struct am_p2m *p2m, am_gfn_t gfn, uint64_t nr, am_mfn_t expect);

/**
 * The frame and type at @p gfn.
 *
 * @param p2m  the P2M
 * @param gfn  the guest frame
 * @param mfn  where the machine frame goes
 * @param t    where the type goes
 * @return 0, or #AM_EINVAL (NULL), #AM_ERANGE (beyond the IPA size), #AM_ENOENT
 * (nothing mapped).
 */
int am_p2m_lookup(struct am_p2m *p2m, am_gfn_t gfn, am_mfn_t *mfn, enum am_p2m_type *t);

/** Map spaces of am_p2m_add_physmap(). */
enum am_p2m_space {
	AM_SPACE_SHARED_INFO = 0, /**< index 0 only */
	AM_SPACE_GRANT_TABLE = 1, /**< index of a shared frame, or
				   * AM_GNTTAB_STATUS | index of a status frame */
};
/** In a grant-table index: a status frame's. */
#define AM_GNTTAB_STATUS 0x80000000u

/**
 * Map the hypervisor frame named by (@p space, @p idx) at @p gfn as guest RAM,
 * and record @p gfn in the frame, under the P2M lock.
 *
 * Argument errors come first, then #AM_EBUSY, then #AM_EEXIST.
 *
 * @param p2m    the P2M
 * @param space  the map space
 * @param idx    the index in it
 * @param gfn    the guest frame
 * @return 0, or
 *  - #AM_EINVAL    NULL, an index out of range (shared info: not 0, or the
 *                  domain has none);
 *  - #AM_ENOTSUP   an unknown space;
 *  - #AM_ERANGE    @p gfn beyond the guest's IPA size;
 *  - #AM_EBUSY     the frame is mapped already (it has a GFN): remove it first;
 *  - #AM_EEXIST    something else is mapped at @p gfn;
 *  - #AM_ENOMEM.
 */
int am_p2m_add_physmap(struct am_p2m *p2m, enum am_p2m_space space, uint32_t idx, am_gfn_t gfn);

/**
 * Remove the mapping at @p gfn (through the put path, which clears a xenheap
 * frame's GFN).
 *
 * @p expect as in am_p2m_unmap().
 *
 * @param p2m     the P2M
 * @param gfn     the guest frame
 * @param expect  the MFN it must map, or #AM_MFN_INVALID
 * @return 0, or #AM_EINVAL (NULL), #AM_ERANGE, #AM_ENOENT (nothing mapped),
 * #AM_EILSEQ (another frame than expected), #AM_ENOMEM.
 */
int am_p2m_remove_physmap(struct am_p2m *p2m, am_gfn_t gfn, am_mfn_t expect);

/**
 * The GFN grant frame @p idx (#AM_GNTTAB_STATUS | idx for a status frame) is
 * mapped at, read from the frame itself: #AM_GFN_INVALID when it is not mapped.
 *
 * @param p2m  the P2M
 * @param idx  the grant frame's index
 * @param gfn  where the GFN goes
 * @return 0, or #AM_EINVAL (NULL, index out of range).
 */
int am_p2m_gnttab_gfn(struct am_p2m *p2m, uint32_t idx, am_gfn_t *gfn);

#ifdef __cplusplus
}
#endif

#endif
