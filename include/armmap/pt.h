/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * VMSAv8-64 translation tables: descriptor encodings for three regimes
 * (stage 1 EL2, stage 1 EL1&0, stage 2) and one table engine on top of them.
 *
 * One range walker serves every operation (map, unmap, modify, populate,
 * query, walk); each operation is a small visitor. Ranges are [va, va + size)
 * and must be aligned to the table's granule (4, 16 or 64 KiB,
 * am_pt_config.granule). "va" is the input address of the regime: a VA for stage 1, an IPA
 * for stage 2, an am_vaddr_t; output addresses and table pages are
 * am_paddr_t (armmap/addr.h: distinct types, so that a mix-up does not
 * compile).
 *
 * All or nothing: a call validates the whole range and reserves every table
 * it will need before it writes a single descriptor. A call that returns an
 * error has changed nothing, in memory or in the TLBs.
 *
 * Hardware ordering lives here. A live descriptor is never replaced by one
 * with another output address, size, memory type or contiguous hint
 * without break-before-make (invalid, TLB maintenance completed, then the
 * new entry): breaking a block into a table, taking the hint off a
 * contiguous run. Permissions and software bits change in place, followed
 * by the invalidation, as the architecture allows (a whole contiguous run
 * keeps its hint; part of one loses it first). Invalid -> valid needs no TLB
 * maintenance. A new table is filled, then published (AM_PT_FLUSH_PUBLISH),
 * then linked. Invalidations are batched and handed to the backend in one
 * flush (ops->flush: publish, the TLBIs, complete); a break-before-make
 * closes a batch early, and every call that wrote descriptors ends with a
 * completion (a flush, or AM_PT_FLUSH_COMPLETE alone). With FEAT_TLBIRANGE
 * (ops->caps) a run of changed entries is one range invalidation. A
 * table page is given back only after the invalidation of every walk that
 * could still use it has completed.
 */
#ifndef ARMMAP_PT_H
#define ARMMAP_PT_H

#include <armmap/attr.h>
#include <armmap/config.h>
#include <armmap/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A translation-table descriptor. */
typedef uint64_t am_pte_t;

/** The translation regimes. */
enum am_pt_regime {
	AM_PT_S1_EL2 = 0,  /**< stage 1, EL2 (one VA range, no ASID) */
	AM_PT_S1_EL10 = 1, /**< stage 1, EL1&0 (user/privileged permissions, nG, ASID) */
	AM_PT_S2 = 2,	   /**< stage 2 (S2AP, MemAttr, XN; VMID) */
	/**
	 * stage 1, EL3: the EL2 descriptor format (one VA range, no ASID, AP[1]
	 * RES1), in the Secure state: a leaf may map Non-secure memory
	 * (#AM_PT_F_NS)
	 */
	AM_PT_S1_EL3 = 3,
	/**
	 * stage 1, EL2&0 (VHE: HCR_EL2.E2H = 1): the EL1&0 descriptor format
	 * (user / privileged permissions, PXN, UXN, nG) at EL2, with ASIDs
	 */
	AM_PT_S1_EL20 = 4,
	AM_PT_REGIME_COUNT /**< the number of regimes */
};

#define AM_PT_GRANULE_4K 4096u	  /**< the 4 KiB granule, in bytes */
#define AM_PT_GRANULE_16K 16384u  /**< the 16 KiB granule, in bytes */
#define AM_PT_GRANULE_64K 65536u  /**< the 64 KiB granule, in bytes */
#define AM_PT_MAX_LEVEL 3u	  /**< levels 0..3 */
#define AM_PT_CONTIG_ENTRIES 16u  /**< a contiguous run, 4 KiB granule (am_pt_contig_entries()) */

/* ---------------------------------------------------------------------- */
/* Descriptors                                                             */
/* ---------------------------------------------------------------------- */

/**
 * @name Descriptor bits
 * Architectural descriptor bits (4 KiB granule).
 * @{
 */
#define AM_PTE_VALID (1ull << 0)   /**< valid */
#define AM_PTE_TABLE (1ull << 1)   /**< table (levels 0-2) or page (level 3) */
#define AM_PTE_NS (1ull << 5)	   /**< stage 1: Non-secure output (Secure regimes) */
#define AM_PTE_AF (1ull << 10)	   /**< access flag */
#define AM_PTE_NG (1ull << 11)	   /**< not global */
#define AM_PTE_CONTIG (1ull << 52) /**< contiguous hint */
#define AM_PTE_SW_SHIFT 55	   /**< the lowest software bit */
#define AM_PTE_SW_MASK (0xfull << AM_PTE_SW_SHIFT) /**< bits [58:55], ignored by hardware */
#define AM_PTE_OA_MASK 0x0000fffffffff000ull	   /**< bits [47:12] */
/** @} */

/** The types of a descriptor (struct am_pt_desc.type). */
enum am_pt_desc_type {
	AM_PT_INVALID = 0, /**< bit 0 clear: the hardware ignores the rest */
	AM_PT_TABLE = 1,   /**< next-level table (levels 0-2) */
	AM_PT_BLOCK = 2,   /**< block (levels 1-2) */
	AM_PT_PAGE = 3,	   /**< page (level 3) */
};

/**
 * A descriptor, decoded. For a table, only @p oa (the next table) is used.
 * A leaf is a block or a page; its @p attr is what the regime can express.
 */
struct am_pt_desc {
	uint8_t type;	     /**< enum am_pt_desc_type */
	uint8_t contig;	     /**< contiguous hint */
	uint8_t ng;	     /**< not global (stage 1 EL1&0 only) */
	uint8_t af;	     /**< access flag */
	uint8_t sw;	     /**< software bits [58:55], 0..15 */
	uint8_t ns;	     /**< a stage-1 leaf's NS bit (5): Non-secure output (Secure regimes) */
	struct am_attr attr; /**< a leaf's attributes */
	am_paddr_t oa;	     /**< output address: the mapped PA, or the next table */
};

/**
 * The descriptor for @p d at @p level in @p regime.
 *
 * @p attr_index gives the stage-1 AttrIndx of each memory type (NULL: memory
 * type i uses AttrIndx i); stage 2 encodes MemAttr directly. An invalid
 * descriptor encodes as 0.
 *
 * @param regime      the translation regime
 * @param level       the level of the entry, 0..3
 * @param d           the decoded descriptor
 * @param attr_index  the AttrIndx of each memory type, or NULL
 * @param out         where the descriptor goes
 * @return 0, or
 *  - #AM_EINVAL   NULL, unknown regime or type, level beyond 3, a block at a
 *                 level that has none (0 and 3), a page or contig hint off
 *                 level 3 resp. beyond what the level allows, oa not aligned
 *                 to the entry's size or wider than 48 bits, sw > 15, af > 1,
 *                 malformed attributes (am_attr_check());
 *  - #AM_EPERM    write+execute (stage 1 only: at stage 2 the guest's own
 *                 stage 1 decides W^X, so guest RAM may be RWX), execute from
 *                 device memory;
 *  - #AM_ENOTSUP  attributes the regime cannot express: no read access on
 *                 stage 1, #AM_PERM_USER on stage 1 EL2 and stage 2, nG off
 *                 stage 1 EL1&0, a memory type without an AttrIndx; a regime
 *                 this build does not have (AM_CONFIG_PT_*, armmap/config.h).
 */
int am_pt_desc_encode(enum am_pt_regime regime, unsigned int level, const struct am_pt_desc *d,
		      const uint8_t *attr_index, am_pte_t *out);

/**
 * The inverse of am_pt_desc_encode() for every descriptor it produces.
 *
 * Bit 0 clear decodes as #AM_PT_INVALID with the other fields zero. Descriptors
 * armmap does not write decode to what they guarantee (an EL0-writable EL1&0
 * page is never executable at EL1; table attributes NSTable/APTable/XNTable are
 * ignored). Stage 2 assumes HCR_EL2.FWB = 0.
 *
 * @param regime      the translation regime
 * @param level       the level of the entry, 0..3
 * @param pte         the descriptor
 * @param attr_index  the AttrIndx of each memory type, or NULL (as for
 *                    am_pt_desc_encode())
 * @param d           where the decoded descriptor goes
 * @return 0, or
 *  - #AM_EINVAL   NULL, unknown regime, level beyond 3, a reserved encoding
 *                 (bits [1:0] = 01 at level 0 or 3, SH = 01);
 *  - #AM_ENOTSUP  an AttrIndx or MemAttr that maps to no armmap memory type;
 *                 a regime this build does not have (AM_CONFIG_PT_*).
 */
int am_pt_desc_decode(enum am_pt_regime regime, unsigned int level, am_pte_t pte,
		      const uint8_t *attr_index, struct am_pt_desc *d);

/**
 * Log2 of the span of one entry at @p level (4 KiB granule); 0 for a level
 * beyond 3, which has no entries.
 *
 * @param level  the level
 * @return the shift: 39, 30, 21 or 12 for levels 0 to 3, else 0.
 */
static inline unsigned int am_pt_level_shift(unsigned int level)
{
	return level <= 3u ? 12u + 9u * (3u - level) : 0u;
}

/**
 * Log2 of the span of one entry at @p level with @p granule (bytes: 4096,
 * 16384 or 65536; 0 means 4096): each level resolves log2(granule) - 3
 * bits. 0 for a level beyond 3 or another granule.
 *
 * @param granule  the translation granule, in bytes
 * @param level    the level
 * @return 4 KiB: 39, 30, 21, 12; 16 KiB: 47, 36, 25, 14; 64 KiB: 55 (no
 *         level-0 entries exist: a 48-bit table starts at level 1), 42,
 *         29, 16; else 0.
 */
static inline unsigned int am_pt_level_shift_g(unsigned int granule, unsigned int level)
{
	unsigned int g = granule == 0u || granule == 4096u ? 12u
			 : granule == 16384u			 ? 14u
			 : granule == 65536u			 ? 16u
								 : 0u;

	return g && level <= 3u ? g + (g - 3u) * (3u - level) : 0u;
}

/**
 * The entries of a contiguous run at @p level with @p granule (0 means
 * 4 KiB), as the architecture fixes it: 4 KiB: 16 (levels 1 to 3); 16 KiB:
 * 32 at level 2, 128 at level 3; 64 KiB: 32 (levels 2 and 3). 0 where no
 * leaf can be (a level or granule it does not know).
 *
 * @param granule  the translation granule, in bytes
 * @param level    the level
 * @return the entries of one run, or 0
 */
static inline unsigned int am_pt_contig_entries(unsigned int granule, unsigned int level)
{
	if ((granule == 0u || granule == 4096u) && level >= 1u && level <= 3u)
		return 16u;
	if (granule == 16384u && (level == 2u || level == 3u))
		return level == 3u ? 128u : 32u;
	if (granule == 65536u && (level == 2u || level == 3u))
		return 32u;
	return 0u;
}

/* ---------------------------------------------------------------------- */
/* The environment                                                         */
/* ---------------------------------------------------------------------- */

/**
 * One invalidation of a flush: one entry, or (FEAT_TLBIRANGE) a range.
 *  - pages == 0: the one entry whose span holds @p addr changed: TLBI VAE2 /
 *    VAE1 / IPAS2E1 (leaf: VALE2 / VALE1 / IPAS2LE1);
 *  - pages >= 1: entries with a page in [addr, addr + pages * granule)
 *    changed (the granule of am_pt_flush.gshift):
 *    TLBI RVAE2 / RVAE1 / RIPAS2E1 (leaf: RVALE2 / RVALE1 /
 *    RIPAS2LE1). An entry that is partly in the range (a block
 *    or a table whose span starts before it) is hit too, as
 *    the architecture's range forms do. The engine gives ranges
 *    only to a backend whose caps() reports #AM_PT_CAP_TLBI_RANGE;
 *    one range may take several instructions (one covers
 *    (NUM + 1) * 2^(5 * SCALE + 1) pages, an odd page a plain
 *    TLBI).
 */
struct am_pt_inval {
	am_vaddr_t addr; /**< granule aligned: the entry's span start, or the range's */
	uint32_t pages;	 /**< 0: one entry; else the range's length in granules */
	uint8_t level;	 /**< one entry: its level. A range: the level of every leaf in it
			  * (the TTL hint, 1..3), or 0 when they differ or tables changed */
	uint8_t leaf;	 /**< 1: only leaves changed (the leaf-only forms);
			  * 0: table entries too: walk caches as well */
};

/** What a flush does (struct am_pt_flush.kind). */
enum am_pt_flush_kind {
	/** Descriptor writes so far become visible to the table walker before
	 * what follows (linking a new table): DSB ISHST. Nothing else. */
	AM_PT_FLUSH_PUBLISH = 0,
	/** Wait for the descriptor writes so far to complete: DSB ISH; ISB.
	 * Nothing is invalidated (a write into an empty entry needs none). */
	AM_PT_FLUSH_COMPLETE = 1,
	/** DSB ISHST; the n invalidations of inv[]; DSB ISH; ISB. For stage 2,
	 * when IPAs were invalidated, then also the combined stage-1+2 entries
	 * of the VMID: TLBI VMALLE1IS; DSB ISH; ISB. */
	AM_PT_FLUSH_LIST = 2,
	/** DSB ISHST; everything of the regime: ALLE2 / VMALLE1 (every ASID:
	 * the table may hold global entries, which ASIDE1 would keep) /
	 * VMALLS12E1 of the VMID; DSB ISH; ISB. inv[] unused. */
	AM_PT_FLUSH_ALL = 3,
};

/**
 * One flush: the whole TLB maintenance of a batch, barriers included, with
 * its scope. The engine calls it once per batch (a break-before-make closes
 * a batch early) and never in between: a backend keeps no state from one
 * flush to the next (e.g. the VMID it loaded for stage 2 is restored before
 * it returns).
 */
struct am_pt_flush {
	uint8_t kind;	/**< enum am_pt_flush_kind */
	uint8_t regime; /**< enum am_pt_regime */
	uint16_t asid;	/**< stage 1 EL1&0 */
	uint16_t vmid;	/**< stage 2 */
	uint8_t gshift; /**< log2 of the table's granule (12, 14, 16): a range's unit (TG) */
	uint8_t ds;	/**< FEAT_LPA2 (TCR.DS): a range's BaseADDR counts 64 KiB */
	unsigned int n; /**< AM_PT_FLUSH_LIST: entries in inv[], 1..AM_PT_TLBI_BATCH; else 0 */
	const struct am_pt_inval *inv; /**< AM_PT_FLUSH_LIST: the invalidations */
};

/**
 * @name Capabilities
 * Capabilities a backend reports (struct am_pt_ops.caps).
 * @{
 */
#define AM_PT_CAP_TLBI_RANGE 0x1u /**< FEAT_TLBIRANGE: range invalidations welcome */
/**
 * Every page alloc_table() (and alloc_tables()) returns is all zero: the
 * library does not zero the pages it takes. A backend that zeroes its pages
 * ahead, outside the table's lock (as KVM's memory cache is topped up with
 * zeroed pages before a fault takes the lock), spares the call that makes a
 * table the granule's stores. A page that is not zero then becomes
 * translations: claim it only for an allocator that zeroes every page.
 */
#define AM_PT_CAP_ZEROED 0x2u
/** @} */

/**
 * What the backend provides. alloc_table, free_table and flush are
 * required; the others may be NULL.
 */
struct am_pt_ops {
	struct am_env env; /**< lock, unlock, log */
	/**
	 * A page for a table (one granule, granule aligned): returns the
	 * address the library writes it through and the PA in `*pa`, or NULL
	 * when there is none. The content need not be zero (unless caps()
	 * reports #AM_PT_CAP_ZEROED).
	 */
	void *(*alloc_table)(void *ctx, am_paddr_t *pa);
	/** Give back a table page. Called only once no walk can use it. */
	void (*free_table)(void *ctx, void *table, am_paddr_t pa);
	/**
	 * Where the table at @p pa can be accessed; NULL: at @p pa itself.
	 * The address must stay valid, and the same, while the table is in
	 * the tree (a direct map's is): the table keeps addresses from one
	 * call for the next (its walk cache), as it keeps the root's.
	 */
	void *(*table_va)(void *ctx, am_paddr_t pa);
	/**
	 * Carry out @p f whole (barriers, invalidations, barriers) before
	 * returning; see enum am_pt_flush_kind. Cannot fail.
	 */
	void (*flush)(void *ctx, const struct am_pt_flush *f);
	/**
	 * The AM_PT_CAP_* bits of the hardware and the allocator under
	 * @p ctx, asked once by am_pt_init(); NULL: none (one invalidation
	 * per entry, or all; pages zeroed by the library).
	 */
	unsigned int (*caps)(void *ctx);
	/**
	 * @p n contiguous table pages (2 to 16, a power of two), aligned to
	 * their size, for a concatenated stage-2 root: the address the library
	 * writes them through and the PA of the first in *@p pa, or NULL when
	 * there are none. Optional: only a stage-2 table whose root is
	 * concatenated needs it (am_pt_config: an IPA above 39 bits with 42
	 * output bits or fewer). The content need not be zero (as
	 * alloc_table()'s).
	 */
	void *(*alloc_tables)(void *ctx, unsigned int n, am_paddr_t *pa);
	/** Give back the @p n pages alloc_tables() gave. Optional, with it. */
	void (*free_tables)(void *ctx, void *tables, am_paddr_t pa, unsigned int n);
};

/* ---------------------------------------------------------------------- */
/* A table                                                                 */
/* ---------------------------------------------------------------------- */

/** The configuration of a table, for am_pt_init(). */
struct am_pt_config {
	enum am_pt_regime regime; /**< the translation regime */
	/**
	 * The translation granule in bytes: 4096 (or 0), 16384 or 65536. It
	 * fixes the table size (one granule: 512, 2048 or 8192 entries), the
	 * levels (each resolves log2(granule) - 3 bits, am_pt_level_shift_g()),
	 * where blocks go (4 KiB: 1 GiB at level 1 and 2 MiB at level 2;
	 * 16 KiB: 32 MiB at level 2; 64 KiB: 512 MiB at level 2), the
	 * contiguous runs (am_pt_contig_entries()) and the alignment every
	 * call asks of its addresses and sizes.
	 */
	unsigned int granule;
	/**
	 * Input address bits, 25..48 with each granule;
	 * up to 52 with 52-bit outputs (FEAT_LPA2) for 4 and 16 KiB: 16 KiB has
	 * a level-0 root of up to 32 entries; 4 KiB starts at level -1 (stage
	 * 1: a table of 2..16 entries that armmap writes once at init, linking
	 * a run of as many level-0 tables, am_pt_ttbr() giving it; stage 2:
	 * those level-0 tables concatenated), with alloc_tables in the ops.
	 * The root is the highest level the size needs (4 KiB: level 0 above
	 * 39 bits, 1 above 30, else 2; 16 KiB at 25 bits and 64 KiB under 30
	 * bits: level 3, a root of pages only), or for stage 2 one level lower with up
	 * to 16 concatenated tables (#am_pt_ops.alloc_tables): 4 KiB, 40..42
	 * bits with 42 output bits or fewer; 16 and 64 KiB, whenever the level
	 * above would resolve 4 bits or fewer (16 KiB: 37..40 and 48 bits;
	 * 64 KiB: 43..46 bits).
	 */
	unsigned int ia_bits;
	/**
	 * Output address bits, 32..48, 0 meaning 48; or 52 (PS / IPS 0b110,
	 * TTBR bits [5:2] for BADDR[51:48]; the CPU must have it:
	 * ID_AA64MMFR0_EL1.PARange 0b0110):
	 *  - 64 KiB: FEAT_LPA: OA[51:48] in descriptor bits [15:12], level-1
	 *    blocks of 4 TiB;
	 *  - 4 and 16 KiB: FEAT_LPA2 (TCR / VTCR DS = 1, am_pt_tcr()): OA[49:48]
	 *    in place, OA[51:50] in bits [9:8], where a leaf's shareability was:
	 *    it is TCR's (inner) now, outer for devices, and a leaf asked with
	 *    another is refused (#AM_ENOTSUP). A range TLBI's BaseADDR counts
	 *    64 KiB (am_pt_flush.ds). The level-0 blocks of 4 KiB and the level-1
	 *    blocks of 16 KiB that LPA2 allows are not written.
	 */
	unsigned int oa_bits;
	uint16_t asid;		  /**< stage 1 EL1&0, EL2&0; 8-bit ASIDs (TCR.AS = 0): 0..255 */
	uint16_t vmid;		  /**< stage 2; 8-bit VMIDs (VTCR.VS = 0): 0..255 */
	/**
	 * Stage 1 EL2 or EL1&0 of the Secure state (Secure EL2, Secure EL1&0),
	 * whose leaves may map Non-secure memory (#AM_PT_F_NS); 0: the
	 * Non-secure state. Stage 1 EL3 is Secure whatever this says; stage 2
	 * refuses it (#AM_ENOTSUP).
	 */
	uint8_t secure;
	/**
	 * Stage 1 EL1&0 or EL2&0: the upper VA range (TTBR1), [2^64 -
	 * 2^ia_bits, 2^64), the addresses every call takes and reports; 0:
	 * the lower one (TTBR0), [0, 2^ia_bits). Refused elsewhere
	 * (#AM_EINVAL). am_pt_tcr() gives the TTBR1 half of TCR (TTBR0 walks
	 * disabled); am_pt_tcr_pair() combines a lower and an upper table.
	 */
	uint8_t upper;
	/**
	 * Stage 1: AttrIndx of each memory type, indexed by enum am_mem_type,
	 * #AM_PT_NO_ATTRIDX where the type is not available. NULL: type i uses
	 * AttrIndx i (am_pt_mair() gives the matching MAIR).
	 */
	const uint8_t *attr_index;
	/**
	 * Invalidations one flush lists (entries; with FEAT_TLBIRANGE, runs
	 * of entries as ranges) before the batch invalidates the whole regime
	 * (ASID, VMID) instead. 0 means 64.
	 */
	unsigned int tlbi_max;
	/**
	 * The lock and log hooks and the ctx they are called with, when they
	 * are not the table ops' own: a module that embeds the table and
	 * serialises and logs for it (the P2M) passes its own here. NULL:
	 * ops->env, called with the ctx given to am_pt_init(). The table ops
	 * (alloc_table ... barrier) always get that ctx. The lock and unlock
	 * hooks are read once, by am_pt_init() (a call on the table calls
	 * them straight); the log hook at each record.
	 */
	const struct am_env *env;
	void *env_ctx; /**< the ctx the hooks of @p env are called with */
};

/** An am_pt_config.attr_index entry: the memory type is not available. */
#define AM_PT_NO_ATTRIDX 0xffu
/** The most invalidations one flush lists (am_pt_config.tlbi_max at most). */
#define AM_PT_TLBI_BATCH 64u

/** A leaf descriptor, as am_pt_query() and am_pt_walk() report it. */
struct am_pt_leaf {
	am_vaddr_t va;	     /**< start of the descriptor's span */
	am_paddr_t pa;	     /**< output address of that start */
	uint64_t size;	     /**< span of the descriptor: 4 KiB, 2 MiB, 1 GiB (4 KiB granule) */
	struct am_attr attr; /**< its attributes */
	uint8_t level;	     /**< its level */
	uint8_t valid;	     /**< 0: parked */
	uint8_t contig;	     /**< contiguous hint */
	uint8_t ng;	     /**< not global */
	uint8_t sw;	     /**< software bits, 0..15 */
	uint8_t ns;	     /**< Non-secure output (the NS bit; Secure stage-1 regimes) */
	am_pte_t pte;	     /**< the raw descriptor */
};

/** One table. Treat the members as private. */
struct am_pt {
	uint32_t ready; /**< set by a successful am_pt_init(), cleared by am_pt_destroy() */
	const struct am_pt_ops *ops; /**< the backend */
	void *ctx;		     /**< what the table ops are called with */
	const struct am_env *env;    /**< lock and log: cfg->env, or &ops->env */
	void *env_ctx;		     /**< what env's hooks get */
	void (*lock)(void *ctx);     /**< env's lock hook, or one that does nothing */
	void (*unlock)(void *ctx);   /**< env's unlock hook, or one that does nothing */
	am_pte_t *root;		     /**< the root table, where the library writes it */
	am_paddr_t root_pa;	     /**< the root table's PA */
	size_t nr_tables;	     /**< table pages in use, the root's included */
	uint64_t ia_end;	     /**< 2^ia_bits */
	uint64_t oa_end;	     /**< 2^oa_bits */
	unsigned int tlbi_max;	     /**< invalidations one flush lists (am_pt_config.tlbi_max) */
	/** the ASID (stage 1 EL1&0) */
	uint16_t asid, vmid; /**< the VMID (stage 2) */
	/** enum am_pt_regime */
	uint8_t regime, root_level, ia_bits, oa_bits; /**< output address bits */
	uint8_t secure;	    /**< a Secure stage-1 regime: leaves may carry NS (#AM_PT_F_NS) */
	uint8_t root_pages; /**< pages of the root: 1, or 2..16 concatenated (stage 2) */
	uint8_t gshift;	    /**< log2 of the granule: 12, 14 or 16 */
	uint64_t gmask;	    /**< the granule's size - 1: what an aligned address has clear */
	uint8_t lshift[4];  /**< log2 of the span of an entry at each level */
	/** 52-bit outputs: 0 none, 1 FEAT_LPA (64 KiB), 2 FEAT_LPA2 (4, 16 KiB: TCR.DS) */
	uint8_t lpa;
	uint8_t slow; /**< not the plain 4 KiB geometry: the small calls take the general path */
	uint8_t blocks;	 /**< bit l: level l may hold blocks */
	/**
	 * 4 KiB with LPA2 and more than 48 input bits, stage 1: the level -1
	 * table the hardware starts at (TTBR), whose 2..16 entries link the
	 * root's level-0 tables once and for all; NULL otherwise
	 */
	am_pte_t *top;
	am_paddr_t top_pa; /**< its PA */
	struct am_pt_flush flush; /**< a flush's scope (regime, ASID, VMID, granule, DS), as a COMPLETE */
	uint8_t cont[4]; /**< entries of a contiguous run at each level (0: none) */
	uint64_t va_base;   /**< the first input address: 0, or 2^64 - 2^ia_bits (upper) */
	/** @var am_pt::root_level
	 * the level of the root table */
	/** @var am_pt::ia_bits
	 * input address bits */
	uint8_t attr_index[AM_MT_COUNT]; /**< AttrIndx of each memory type (stage 1) */
	uint8_t tlbi_range;		 /**< the backend's caps() reported AM_PT_CAP_TLBI_RANGE */
	uint8_t zeroed;			 /**< ... and AM_PT_CAP_ZEROED: pages come zeroed */
	uint8_t mtype_of[16];		 /**< memory type of each AttrIndx / MemAttr, 0xff: none */
	uint8_t tmpl_next;		 /**< the cache slot the next new template takes */
	uint64_t tmpl_key[2]; /**< the last two leaf templates built: attributes and flags, */
	uint64_t tmpl_val[2]; /**< and the descriptor bits they give */
	/**
	 * The walk cache of the single-leaf path and of am_pt_query(): at
	 * [l - 1], the table at level l (1..3, below the root) that the last
	 * such lookup to level l went through (at [1] also the last level-2
	 * table a lookup to level 3 went through), with the descriptor that
	 * links it; its key is the input address >> the span of that
	 * descriptor (~0: none). Emptied whenever a table is unlinked, but
	 * for the root's (a root of one page at level 1..3: key 0, no link),
	 * at [wc_root]; [3] is never read.
	 */
	uint64_t wc_key[4];
	am_pte_t *wc_tbl[3];  /**< the tables of the walk cache */
	am_pte_t *wc_link[3]; /**< the descriptors that link them */
	uint8_t wc_root;      /**< the root's slot in wc_key (3: none) */
	/** the single-leaf path's flush: @p flush as a list of @p leaf_inv */
	struct am_pt_flush leaf_flush;
	struct am_pt_inval leaf_inv; /**< its one invalidation: a leaf entry */
	/**
	 * The last leaf am_pt_query() decoded, by its descriptor's bits but
	 * the output address [47:12] (~0: none), and what those bits decode
	 * to (@p lq_leaf's attr, valid, contig, ng, sw, ns; its other members
	 * are the call's): a pure function of them and the table's settings.
	 */
	uint64_t lq_key;
	struct am_pt_leaf lq_leaf; /**< the decoded leaf of @p lq_key */
};

/**
 * @name Flags
 * Flags of am_pt_map() and am_pt_modify().
 * @{
 */
#define AM_PT_F_BLOCK 0x01u  /**< blocks (4 KiB granule: 1 GiB, 2 MiB) where alignment allows */
#define AM_PT_F_CONTIG 0x02u /**< the contiguous hint on aligned runs (4 KiB granule: of 16) */
#define AM_PT_F_NG 0x04u     /**< not global (stage 1 EL1&0 and EL2&0 only) */
/**
 * Descriptors written invalid (bit 0 clear) but complete: attributes, OA and
 * software bits kept for a later am_pt_modify() to make valid.
 */
#define AM_PT_F_PARKED 0x08u
/**
 * Non-secure: the leaves map the Non-secure physical address space (the NS
 * bit, 5). Stage 1 of a Secure regime only (EL3, or am_pt_config.secure);
 * am_pt_modify() keeps each leaf's NS as it is.
 */
#define AM_PT_F_NS 0x10u
/** The software bits @p sw (0..15), as flags. */
#define AM_PT_F_SW(sw) (((unsigned int)(sw)&0xfu) << 8)
/** The software bits of @p flags. */
#define AM_PT_F_SW_OF(flags) (((flags) >> 8) & 0xfu)
#define AM_PT_F_MASK 0xf1fu /**< every flag */
/** @} */

/**
 * An empty table: allocates and zeroes the root.
 *
 * On success the table is ready. Every other call refuses a table that is
 * not (zeroed, never initialised, init failed, destroyed) with #AM_EINVAL
 * (0 for the calls that return a value) and one record to the fallback
 * hook (am_log_set_fallback()), reading nothing else of it. Every other
 * refusal logs one record with its reason through ops->env.log, with the
 * table's lock held (see struct am_env); init's own refusals too, with no
 * lock (the fallback hook when there is none).
 *
 * @param pt   the table
 * @param cfg  its configuration
 * @param ops  the backend
 * @param ctx  what the table ops are called with
 * @return 0, or
 *  - #AM_EINVAL   NULL, missing required op, unknown regime, ia_bits outside
 *                 25..52, oa_bits outside 32..48 and not 52, an attr_index entry > 7
 *                 that is not #AM_PT_NO_ATTRIDX, two memory types sharing an
 *                 AttrIndx, asid or vmid above 255, tlbi_max above 64, a
 *                 stage 2 whose ia_bits exceed its oa_bits (0 counts as 48);
 *  - #AM_ENOTSUP  a regime this build does not have (AM_CONFIG_PT_*, see
 *                 armmap/config.h); a granule other than 4, 16 or 64 KiB,
 *                 or one this build does not have (AM_CONFIG_PT_GRANULE_*),
 *                 ia_bits below 26 (16 KiB) or 30 (64 KiB), ia_bits above
 *                 48 but with oa_bits 52 and 4 or 16 KiB (64 KiB would
 *                 need FEAT_LVA); a Secure
 *                 stage 2, or am_pt_config.secure above 1 (#AM_EINVAL); a
 *                 concatenated root (below) with no alloc_tables and
 *                 free_tables in @p ops;
 *  - #AM_ENOMEM   no page for the root;
 *  - #AM_EINVAL / #AM_ERANGE  the root page's VA or PA is not granule aligned
 *                 (a concatenated root: aligned to its size), or its PA lies
 *                 beyond oa_bits (the pages are given back). The same check
 *                 refuses any later call that would take such a table page,
 *                 with nothing changed.
 *
 * Stage 2 with the 4 KiB granule, ia_bits 40..42 and oa_bits 42 or fewer
 * starts at level 1 with a concatenated root of 2, 4 or 8 pages
 * (VTCR_EL2.SL0 = 1, as am_pt_tcr() says): the hardware cannot start at
 * level 0 there. With 16 and 64 KiB, stage 2 concatenates 2 to 16 root
 * tables wherever that saves a level (am_pt_config.ia_bits). Set
 * oa_bits to the CPU's PA size (the aarch64 backend's am_aarch64_pa_bits())
 * or less.
 */
int am_pt_init(struct am_pt *pt, const struct am_pt_config *cfg, const struct am_pt_ops *ops,
	       void *ctx);

/**
 * Give every table page back, the root included.
 *
 * The table must no longer be in use by any CPU (no TLB maintenance is done).
 * The table is then not ready: every call refuses it.
 *
 * @param pt  the table
 */
void am_pt_destroy(struct am_pt *pt);

/**
 * Map [va, va + size) to [pa, pa + size) with @p attr.
 *
 * Pages, unless @p flags allows blocks (#AM_PT_F_BLOCK: the largest block that
 * VA, PA and the remaining size allow) and contiguous runs (#AM_PT_F_CONTIG:
 * 16 aligned entries that map 16 aligned, consecutive output ranges). The
 * descriptors written are the minimal decomposition of the range; tables
 * that exist already (am_pt_populate()) are used rather than replaced by
 * blocks. #AM_PT_F_PARKED writes the descriptors invalid; AM_PT_F_SW() sets
 * the software bits.
 *
 * @param pt     the table
 * @param va     the range's start
 * @param pa     the output address of that start
 * @param size   the range's size in bytes
 * @param attr   the attributes
 * @param flags  AM_PT_F_* flags
 * @return 0, or
 *  - #AM_EINVAL    NULL, size 0, va/pa/size not granule aligned, unknown flags,
 *                  malformed attributes, #AM_PT_F_NG off stage 1 EL1&0,
 *                  #AM_PT_F_NS off a Secure stage-1 regime;
 *  - #AM_EOVERFLOW va + size or pa + size wraps around;
 *  - #AM_ERANGE    the range is beyond the input or output address size;
 *  - #AM_EPERM     write+execute (stage 1), or execute from device memory;
 *  - #AM_ENOTSUP   attributes the regime cannot express (am_pt_desc_encode());
 *  - #AM_EEXIST    something is mapped (valid or parked) in the range: a live
 *                  output address is never changed silently;
 *  - #AM_ENOMEM    not enough table pages.
 */
int am_pt_map(struct am_pt *pt, am_vaddr_t va, am_paddr_t pa, uint64_t size,
	      const struct am_attr *attr, unsigned int flags);

/**
 * Unmap [va, va + size); what is not mapped is skipped.
 *
 * A block or contiguous run only partly in the range is broken first (with
 * break-before-make) so that the rest stays mapped; tables left empty are
 * freed.
 *
 * @param pt    the table
 * @param va    the range's start
 * @param size  the range's size in bytes
 * @return 0, or
 *  - #AM_EINVAL / #AM_EOVERFLOW / #AM_ERANGE  as am_pt_map() for the range;
 *  - #AM_ENOMEM    a block to break needs table pages and there are none.
 */
int am_pt_unmap(struct am_pt *pt, am_vaddr_t va, uint64_t size);

/**
 * Give every leaf in [va, va + size) the permissions of
 * @p attr and the software bits of @p flags (AM_PT_F_SW()).
 *
 * The memory type and shareability of a mapping cannot change. A parked leaf
 * becomes valid unless @p flags has #AM_PT_F_PARKED, and a valid one becomes
 * parked with it.
 * @p attr NULL: every leaf keeps its permissions and software bits, and only
 * parks (#AM_PT_F_PARKED) or becomes valid again (0), whatever its type.
 * Blocks and contiguous runs only partly in the range are broken first.
 *
 * @param pt     the table
 * @param va     the range's start
 * @param size   the range's size in bytes
 * @param attr   the new permissions, or NULL
 * @param flags  #AM_PT_F_PARKED and the software bits (AM_PT_F_SW())
 * @return 0, or
 *  - #AM_EINVAL / #AM_EOVERFLOW / #AM_ERANGE / #AM_EPERM / #AM_ENOTSUP  as
 *                  am_pt_map() for the range and attributes (only
 *                  #AM_PT_F_PARKED and AM_PT_F_SW() are accepted in @p flags,
 *                  only #AM_PT_F_PARKED with @p attr NULL);
 *  - #AM_ENOENT    some page in the range is not mapped;
 *  - #AM_EPERM     the memory type or shareability would change;
 *  - #AM_ENOMEM    a block to break needs table pages and there are none.
 */
int am_pt_modify(struct am_pt *pt, am_vaddr_t va, uint64_t size, const struct am_attr *attr,
		 unsigned int flags);

/**
 * Create the tables down to the last level for [va, va + size), mapping
 * nothing, so that a later am_pt_map() of pages there needs no allocation.
 *
 * Parts already mapped by a block are left as they are.
 *
 * @param pt    the table
 * @param va    the range's start
 * @param size  the range's size in bytes
 * @return 0, or #AM_EINVAL / #AM_EOVERFLOW / #AM_ERANGE as am_pt_map() for the
 * range, #AM_ENOMEM.
 */
int am_pt_populate(struct am_pt *pt, am_vaddr_t va, uint64_t size);

/**
 * The leaf that maps @p va (any address in its span). Like every call on
 * the table it runs under the table's lock: it may keep the level-3 table
 * it went through in the table's walk cache (struct am_pt.wc_key), for the
 * next call there.
 *
 * @param pt   the table
 * @param va   the address
 * @param out  where the leaf goes
 * @return 0, or
 *  - #AM_EINVAL  NULL;
 *  - #AM_ERANGE  @p va beyond the input address size;
 *  - #AM_ENOENT  nothing (valid or parked) maps @p va.
 */
int am_pt_query(struct am_pt *pt, am_vaddr_t va, struct am_pt_leaf *out);

/**
 * The callback of am_pt_walk(): told of one leaf; a non-zero return stops the
 * walk.
 */
typedef int (*am_pt_leaf_fn)(void *arg, const struct am_pt_leaf *leaf);
/**
 * Call @p fn for each leaf (valid or parked) that intersects [va, va + size),
 * in address order.
 *
 * A non-zero return from @p fn stops the walk and is returned. @p fn must not
 * call back into this table.
 *
 * @param pt    the table
 * @param va    the range's start
 * @param size  the range's size in bytes
 * @param fn    the callback
 * @param arg   what @p fn is called with
 * @return 0, @p fn's value, or the range errors of am_pt_map().
 */
int am_pt_walk(struct am_pt *pt, am_vaddr_t va, uint64_t size, am_pt_leaf_fn fn, void *arg);

/** What an am_pt_park_fn returns to park the leaf (am_pt_park_walk()). */
#define AM_PT_PARK 1
/**
 * The callback of am_pt_park_walk(): decides for one leaf, and may set the
 * software bits in `*sw`.
 */
typedef int (*am_pt_park_fn)(void *arg, const struct am_pt_leaf *leaf, unsigned int *sw);
/**
 * am_pt_walk() that may park leaves as it goes.
 *
 * For each leaf (valid or parked) that intersects [va, va + size), in address
 * order, @p fn decides. It returns 0 to leave the leaf as it is, #AM_PT_PARK to
 * park it (made invalid, every other bit kept: am_pt_modify() with
 * #AM_PT_F_PARKED) with the software bits it put in `*sw` (which holds the
 * leaf's own when @p fn is called), or any other value, which stops the walk
 * and is returned. A leaf is handed over, and parked, whole, also where it
 * extends beyond the range; one in a contiguous run is taken out of the run
 * first (break-before-make of the run, the others kept as they are). A valid
 * leaf parked is invalidated, and the invalidations of the call have completed
 * when it returns, also when @p fn stopped it: parking cannot fail, and what
 * was parked before a stop stays parked (undo with am_pt_modify()). @p fn runs
 * with the table's lock held and must not call back into this table. One walk:
 * a module that decides leaf by leaf what to park (the MMIO guard's unmap-all)
 * needs no second pass.
 *
 * @param pt    the table
 * @param va    the range's start
 * @param size  the range's size in bytes
 * @param fn    the callback
 * @param arg   what @p fn is called with
 * @return 0, @p fn's value, #AM_EINVAL for a NULL @p fn, or the range errors of
 * am_pt_map().
 */
int am_pt_park_walk(struct am_pt *pt, am_vaddr_t va, uint64_t size, am_pt_park_fn fn, void *arg);

/** Told of one leaf a call removed (am_pt_unmap_report(), am_pt_destroy_report()). */
typedef void (*am_pt_removed_fn)(void *arg, const struct am_pt_leaf *leaf);

/** The most runs am_pt_unmap_report() reports in one batch. */
#define AM_PT_REPORT_BATCH 32u
/**
 * am_pt_unmap(), telling @p fn of each leaf (valid or parked) the call removed.
 *
 * What it is told: its span's start, output address, size, level, attributes,
 * software bits and raw descriptor, as they were. A block or contiguous run
 * only partly in the range is broken first; what is reported of it is the part
 * removed, as the descriptors the break put in its place (the largest aligned
 * pieces, down to pages), never the part left mapped.
 *
 * @p fn is called for a leaf only once the TLB maintenance of its removal
 * has COMPLETED (the AM_PT_BAR_COMPLETE barrier of its invalidation, a broken
 * block's break-before-make included), so that @p fn may free the page or drop
 * a reference to it. The walk keeps its state bounded: the leaves are reported
 * in address order, in batches of at most #AM_PT_REPORT_BATCH runs (leaves that
 * follow one another with the next output address and the same attributes make
 * one run), each batch once its invalidations completed and before the walk
 * goes on, the last once the call's own maintenance completed. @p fn runs with
 * the table's lock held and must not call into this table. All or nothing: a
 * refused call has changed nothing and reports nothing.
 *
 * @param pt    the table
 * @param va    the range's start
 * @param size  the range's size in bytes
 * @param fn    told of each leaf removed
 * @param arg   what @p fn is called with
 * @return 0, or
 *  - #AM_EINVAL    NULL @p fn;
 *  - #AM_EINVAL / #AM_EOVERFLOW / #AM_ERANGE  as am_pt_map() for the range;
 *  - #AM_ENOMEM    a block to break needs table pages and there are none.
 */
int am_pt_unmap_report(struct am_pt *pt, am_vaddr_t va, uint64_t size, am_pt_removed_fn fn,
		       void *arg);

/**
 * am_pt_destroy(), telling @p fn of every leaf (valid or parked) the table
 * held, in address order, so that the caller can put the pages they mapped.
 *
 * Each is cleared from its table before it is reported. The table must no
 * longer be in use by any CPU as its translation table: its regime (the ASID,
 * the VMID) is invalidated once, whole, and that invalidation has completed
 * (AM_PT_BAR_COMPLETE) before the first leaf is reported, so that no TLB entry
 * left from the time the table was in use reaches a page @p fn frees; there is
 * no other TLB maintenance. One walk of the table: a post-order visit that
 * reports the leaves of each table, then gives the table back. @p fn runs with
 * the table's lock held and must not call into this table.
 *
 * @param pt   the table
 * @param fn   told of each leaf
 * @param arg  what @p fn is called with
 * @return 0, or #AM_EINVAL (NULL or not ready table: one record to the
 * fallback hook; NULL @p fn: one record, the table left as it was).
 */
int am_pt_destroy_report(struct am_pt *pt, am_pt_removed_fn fn, void *arg);

/**
 * Table pages in use, the root included.
 *
 * @param pt  the table
 * @return the number of table pages.
 */
size_t am_pt_tables(const struct am_pt *pt);

/**
 * The output address size of the table in bits (32..48), or 0 for a table that
 * is not ready (one record to the fallback hook).
 *
 * @param pt  the table
 * @return the output address bits, or 0.
 */
unsigned int am_pt_oa_bits(const struct am_pt *pt);

/**
 * The translation granule of the table in bytes (4096, 16384 or 65536): the
 * alignment its calls ask of addresses and sizes, its page; 0 for a table
 * that is not ready (one record to the fallback hook).
 *
 * @param pt  the table
 * @return the granule, or 0.
 */
uint64_t am_pt_granule(const struct am_pt *pt);

/**
 * The lock and log hooks of a ready table, and in `*ctx` (when @p ctx is not
 * NULL) the ctx they take: for a module built on the table that logs through
 * the same hook under the same lock (the MMIO tracker).
 *
 * NULL, `*ctx` untouched, for NULL or a table that is not ready: an answer,
 * with no record (the caller decides where its refusal goes).
 *
 * @param pt   the table
 * @param ctx  where the hooks' ctx goes, or NULL
 * @return the hooks, or NULL.
 */
const struct am_env *am_pt_env(const struct am_pt *pt, void **ctx);

/* ---------------------------------------------------------------------- */
/* Register values for the table                                           */
/* ---------------------------------------------------------------------- */

/**
 * TTBR0_EL2 / TTBR0_EL1 (with ASID) / VTTBR_EL2 (with VMID).
 *
 * @param pt  the table
 * @return the register value.
 */
uint64_t am_pt_ttbr(const struct am_pt *pt);
/**
 * TCR_EL2 / TCR_EL1 (TTBR1 walks disabled) / VTCR_EL2 for the table: size, root
 * level, granule (TG0, or TG1 for the upper range), inner-shareable write-back walks, output size (PS / IPS
 * from oa_bits: keeping it within the hardware's PARange is the caller's part).
 *
 * @param pt  the table
 * @return the register value.
 */
uint64_t am_pt_tcr(const struct am_pt *pt);
/**
 * TCR_EL1 (or TCR_EL2 with E2H) for a lower (TTBR0) and an upper (TTBR1)
 * table of the same regime: T0SZ and the TTBR0 walk attributes of @p lower,
 * T1SZ, TG1 and the TTBR1 walk attributes of @p upper, both halves enabled.
 *
 * @param lower  a stage 1 EL1&0 or EL2&0 table of the lower VA range
 * @param upper  one of the upper VA range (am_pt_config.upper)
 * @return the value, or 0 for a table that is not ready, or not of the
 *         expected range or of the same regime.
 */
uint64_t am_pt_tcr_pair(const struct am_pt *lower, const struct am_pt *upper);

/**
 * The MAIR value the table's attr_index implies (stage 1).
 *
 * @param pt  the table
 * @return the MAIR value.
 */
uint64_t am_pt_mair(const struct am_pt *pt);

#ifdef __cplusplus
}
#endif

#endif
