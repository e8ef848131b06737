/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * PMSAv8 MPU: region encodings for Armv8-R AArch64 (PRBAR/PRLAR_EL2), Armv8-R
 * AArch32 (HPRBAR/HPRLAR) and Armv8-M (RBAR/RLAR), and the region map: a
 * software copy of the MPU regions with reference-counted inclusive mappings,
 * kept identical to the hardware through the caller's ops.
 *
 * Ranges are [base, limit): the limit is exclusive everywhere in this API.
 * The hardware's inclusive limit exists only inside am_mpu_encode() and
 * am_mpu_decode().
 *
 * Every refusal returns a negative AM_E* code, logs one record with the
 * reason (through the map's log hook, or the fallback hook when there is
 * no ready map), and changes nothing. A ready map's records are logged
 * with its lock held (see struct am_env).
 *
 * Hardware ordering: the map never has two enabled regions overlapping, not
 * even between two register writes (an access matching two regions faults).
 * When a change must both remove and add coverage, coverage is removed first.
 * Every call that writes regions ends with exactly one ops->sync (DSB; ISB).
 */
#ifndef ARMMAP_MPU_H
#define ARMMAP_MPU_H

#include <armmap/attr.h>
#include <armmap/config.h>
#include <armmap/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * An address of the MPU API: on an MPU system the address the CPU uses is
 * the physical one, a plain integer (the translation side's am_paddr_t is
 * a struct, armmap/addr.h).
 */
typedef uint64_t am_mpu_addr_t;

#define AM_MPU_MAX_REGIONS 255u /**< the most regions a map manages */
/** An am_mpu_config.attr_index entry: the memory type is not available. */
#define AM_MPU_NO_ATTRIDX 0xffu
#define AM_MPU_REFS_MAX 255u /**< extra references a region can hold */
#define AM_PAGE_SIZE 4096u   /**< the unit of am_mpu_vmap_contig() */

/** The MPU flavours: which architecture's region registers. */
enum am_mpu_flavour {
	AM_MPU_V8R_AARCH64 = 0, /**< PRBAR_EL2 / PRLAR_EL2, 64-byte granule */
	AM_MPU_V8R_AARCH32 = 1, /**< HPRBAR / HPRLAR, 64-byte granule */
	AM_MPU_V8M = 2,		/**< MPU_RBAR / MPU_RLAR, 32-byte granule */
	AM_MPU_FLAVOUR_COUNT	/**< the number of flavours */
};

/* ---------------------------------------------------------------------- */
/* Region encodings                                                        */
/* ---------------------------------------------------------------------- */

/**
 * @name Access permissions
 * AP[2:1] values, shared by all three flavours.
 * @{
 */
#define AM_MPU_AP_RW_PRIV 0u /**< read/write, privileged only */
#define AM_MPU_AP_RW_ANY 1u  /**< read/write, any level */
#define AM_MPU_AP_RO_PRIV 2u /**< read-only, privileged only */
#define AM_MPU_AP_RO_ANY 3u  /**< read-only, any level */
/** @} */

/** The fields of one region, as the hardware holds them. */
struct am_mpu_fields {
	am_mpu_addr_t base;  /**< inclusive, granule aligned */
	am_mpu_addr_t limit; /**< EXCLUSIVE, granule aligned */
	uint8_t ap;	     /**< AM_MPU_AP_* */
	uint8_t xn;	     /**< XN: 1 bit (v8-M, v8-R AArch32); XN[1:0] on v8-R AArch64 */
	uint8_t sh;	     /**< SH[1:0]: 0, 2 or 3 */
	uint8_t attr_idx;    /**< AttrIndx, 0..7 */
	uint8_t en;	     /**< enable, 0 or 1 */
};

/**
 * Region granule of a flavour in bytes (64 or 32), 0 if unknown or not built
 * (AM_CONFIG_MPU_*, armmap/config.h).
 *
 * The calls that take no map (these, am_mpu_encode(), am_mpu_decode()) log a
 * refusal to the fallback hook.
 *
 * @param f  the flavour
 * @return the granule in bytes, or 0.
 */
unsigned int am_mpu_granule(enum am_mpu_flavour f);

/**
 * Address bits of a flavour (48 for v8-R AArch64, else 32); 0 if unknown or not
 * built.
 *
 * @param f  the flavour
 * @return the number of address bits, or 0.
 */
unsigned int am_mpu_addr_bits(enum am_mpu_flavour f);

/**
 * Encode @p in into the flavour's base and limit registers.
 *
 * @param f     the flavour
 * @param in    the region's fields
 * @param rbar  where the base register value goes
 * @param rlar  where the limit register value goes
 * @return 0, or
 *  - #AM_EINVAL  unknown flavour, NULL pointer, base or limit not granule
 *                aligned, base >= limit, ap > 3, xn too wide, sh == 1 or > 3,
 *                attr_idx > 7, en > 1;
 *  - #AM_ERANGE  limit beyond the flavour's address size;
 *  - #AM_ENOTSUP a flavour this build does not have (AM_CONFIG_MPU_*).
 */
int am_mpu_encode(enum am_mpu_flavour f, const struct am_mpu_fields *in, uint64_t *rbar,
		  uint64_t *rlar);

/**
 * The inverse of am_mpu_encode(); bits outside the fields are ignored.
 *
 * @param f     the flavour
 * @param rbar  the base register value
 * @param rlar  the limit register value
 * @param out   where the fields go
 * @return 0, or #AM_EINVAL for an unknown flavour or NULL, #AM_ENOTSUP for a
 * flavour this build does not have.
 */
int am_mpu_decode(enum am_mpu_flavour f, uint64_t rbar, uint64_t rlar, struct am_mpu_fields *out);

/* ---------------------------------------------------------------------- */
/* The region map                                                          */
/* ---------------------------------------------------------------------- */

/**
 * What the hardware backend provides. write_region and sync are required;
 * the others may be NULL.
 */
struct am_mpu_ops {
	struct am_env env; /**< lock, unlock, log */
	/**
	 * Select region @p idx and write its base register, then its limit
	 * register, in that order (RNR/PRSELR, RBAR, RLAR). No barrier.
	 */
	void (*write_region)(void *ctx, unsigned int idx, uint64_t rbar, uint64_t rlar);
	/** Make the region writes so far take effect: DSB then ISB. */
	void (*sync)(void *ctx);
	/** Program the attribute indirection (MAIR): byte i is AttrIndx i. */
	void (*write_mair)(void *ctx, uint64_t mair);
	/** Number of regions the hardware implements (MPU_TYPE / MPUIR). */
	unsigned int (*hw_regions)(void *ctx);
};

/**
 * @name Configuration flags
 * Flags of am_mpu_config.flags.
 * @{
 */
#define AM_MPU_F_SPLIT 0x1u /**< am_mpu_unmap() may carve a range out of a region */
/** @} */

struct am_mpu_region; /* software copy of one region, below */

/** The configuration of a map, for am_mpu_init(). */
struct am_mpu_config {
	enum am_mpu_flavour flavour; /**< the MPU's flavour */
	/** Regions the map manages: 1..255, 0 = all the hardware reports. */
	unsigned int nr_regions;
	/** Storage for the software copy, at least as long as the region count. */
	struct am_mpu_region *storage;
	unsigned int storage_len; /**< entries in storage */
	/**
	 * AttrIndx used for each memory type, indexed by enum am_mem_type;
	 * #AM_MPU_NO_ATTRIDX where the type is not available. NULL: memory type
	 * i uses AttrIndx i. The map programs MAIR accordingly at init when
	 * ops->write_mair is given.
	 */
	const uint8_t *attr_index;
	/** Physical address bits, v8-R AArch64 only: 32..48; 0 means 48. */
	unsigned int pa_bits;
	unsigned int flags; /**< AM_MPU_F_* */
};

/** The software copy of one region. */
struct am_mpu_region {
	am_mpu_addr_t base;  /**< inclusive */
	am_mpu_addr_t limit; /**< exclusive */
	struct am_attr attr; /**< its attributes */
	uint8_t refs;	     /**< references taken beyond the region's creator */
	uint8_t used;	     /**< 1 if the region is enabled */
};

/** One map per MPU. Treat the members as private. */
struct am_mpu_map {
	uint32_t ready;			 /**< set by a successful am_mpu_init() */
	const struct am_mpu_ops *ops;	 /**< the backend */
	void *ctx;			 /**< what the backend's ops are called with */
	struct am_mpu_region *r;	 /**< the software copy (am_mpu_config.storage) */
	am_mpu_addr_t addr_end;		 /**< one past the highest address (2^addr_bits) */
	uint16_t nr;			 /**< regions managed */
	uint16_t top;			 /**< one past the highest index in use */
	uint16_t used;			 /**< regions in use */
	uint8_t flavour;		 /**< enum am_mpu_flavour */
	uint8_t granule;		 /**< the flavour's region granule in bytes */
	uint8_t flags;			 /**< AM_MPU_F_* */
	uint8_t attr_index[AM_MT_COUNT]; /**< AttrIndx of each memory type */
	/** every region below this index is in use (in what was tail padding) */
	uint16_t free_lo;
};

/** Result of am_mpu_lookup(). */
enum am_mpu_lookup_result {
	AM_MPU_NOTFOUND = 0,  /**< no region intersects the range */
	AM_MPU_FOUND = 1,     /**< a region is exactly the range */
	AM_MPU_INCLUSIVE = 2, /**< one region contains the range */
	AM_MPU_OVERLAP = 3,   /**< some region intersects it otherwise */
};

/**
 * Set up an empty map; regions are not touched, MAIR is written when
 * ops->write_mair is given.
 *
 * On success the map is ready; every other call refuses a map that is not
 * (zeroed, never initialised, or whose init failed) with #AM_EINVAL and one
 * record to the fallback hook (am_log_set_fallback()), and reads nothing
 * else of it. A refused init logs its reason through @p ops' log hook (the
 * fallback hook without one) and leaves @p m not ready.
 *
 * @param m    the map
 * @param cfg  its configuration
 * @param ops  the hardware backend
 * @param ctx  what the ops are called with
 * @return 0, or
 *  - #AM_EINVAL  NULL map/config/ops/storage, missing write_region or sync,
 *                unknown flavour, pa_bits out of 32..48 (or set on a 32-bit
 *                flavour), an attr_index entry > 7 that is not
 *                #AM_MPU_NO_ATTRIDX, two memory types on one AttrIndx (MAIR
 *                holds one of them only), unknown flags, storage_len below
 *                the region count;
 *  - #AM_ERANGE  region count 0 or > 255, or above what the hardware reports;
 *  - #AM_ENOTSUP a flavour this build does not have (AM_CONFIG_MPU_*, see
 *                armmap/config.h).
 */
int am_mpu_init(struct am_mpu_map *m, const struct am_mpu_config *cfg, const struct am_mpu_ops *ops,
		void *ctx);

/** A static region for am_mpu_boot(). */
struct am_mpu_boot_region {
	am_mpu_addr_t base;  /**< inclusive */
	am_mpu_addr_t limit; /**< exclusive */
	struct am_attr attr; /**< its attributes */
};

/**
 * Program a static initial table in one call: entry i goes to region i, every
 * other managed region is disabled, then one sync.
 *
 * The software copy is replaced by the table. Regions the map had enabled are
 * disabled first; regions it does not know of must be disabled already, or
 * the MPU off (as at reset), since their old values are not known.
 * On error, neither the map nor the hardware has changed.
 *
 * @param m    the map
 * @param tbl  the table
 * @param n    its number of entries
 * @return 0, or an error of the first bad entry (as am_mpu_map()), or
 *  - #AM_EBUSY   two entries overlap;
 *  - #AM_ENOSPC  more entries than regions.
 */
int am_mpu_boot(struct am_mpu_map *m, const struct am_mpu_boot_region *tbl, unsigned int n);

/**
 * How [base, limit) meets the regions in use.
 *
 * @param m      the map
 * @param base   the range's start (inclusive)
 * @param limit  its end (exclusive)
 * @param idx    where the region index goes, or NULL
 * @return an enum am_mpu_lookup_result (>= 0), with the region in `*idx`
 * (may be NULL) for FOUND, INCLUSIVE and OVERLAP; or
 *  - #AM_EINVAL  NULL map, base or limit not granule aligned, base >= limit;
 *  - #AM_ERANGE  limit beyond the address size.
 */
int am_mpu_lookup(struct am_mpu_map *m, am_mpu_addr_t base, am_mpu_addr_t limit, unsigned int *idx);

/**
 * Map [base, limit) with @p attr.
 *
 * No region intersects: the lowest free region is taken. A region equals or
 * contains the range with identical attributes: a reference is taken on it
 * instead.
 *
 * @param m      the map
 * @param base   the range's start (inclusive)
 * @param limit  its end (exclusive)
 * @param attr   its attributes
 * @return the region index (>= 0), or
 *  - #AM_EINVAL    bad range (as am_mpu_lookup()) or malformed attributes;
 *  - #AM_ERANGE    limit beyond the address size;
 *  - #AM_EPERM     write+execute, or execute from device memory;
 *  - #AM_ENOTSUP   attributes the flavour cannot express (no read access,
 *                  a memory type without an AttrIndx);
 *  - #AM_EEXIST    a region equals or contains the range with other
 *                  attributes (the log says which attribute differs);
 *  - #AM_EBUSY     the range partially overlaps a region;
 *  - #AM_EOVERFLOW the containing region's refcount is saturated;
 *  - #AM_ENOSPC    no free region.
 */
int am_mpu_map(struct am_mpu_map *m, am_mpu_addr_t base, am_mpu_addr_t limit,
	       const struct am_attr *attr);

/**
 * Unmap [base, limit).
 *
 * A region holding references: one is dropped (the region stays). A region
 * that is exactly the range, with no references: disabled. A range strictly
 * inside a region with no references: with #AM_MPU_F_SPLIT the range is carved
 * out (the region shrinks, and a second region takes the part above the hole
 * when there is one); otherwise refused.
 *
 * @param m      the map
 * @param base   the range's start (inclusive)
 * @param limit  its end (exclusive)
 * @return 0, or
 *  - #AM_EINVAL / #AM_ERANGE  bad range (as am_mpu_lookup());
 *  - #AM_ENOENT   nothing is mapped in the range;
 *  - #AM_EBUSY    the range partially overlaps a region;
 *  - #AM_ENOTSUP  partial unmap without #AM_MPU_F_SPLIT;
 *  - #AM_ENOSPC   the split needs a free region and none is free.
 */
int am_mpu_unmap(struct am_mpu_map *m, am_mpu_addr_t base, am_mpu_addr_t limit);

/**
 * Drop a reference on, or (with none left) disable, the whole region that
 * contains @p addr.
 *
 * Any address inside the region will do: it need not be aligned.
 *
 * @param m     the map
 * @param addr  an address inside the region
 * @return the region index (>= 0), or
 *  - #AM_EINVAL  NULL map;
 *  - #AM_ERANGE  @p addr beyond the address size;
 *  - #AM_ENOENT  no region contains @p addr.
 */
int am_mpu_unmap_containing(struct am_mpu_map *m, am_mpu_addr_t addr);

/**
 * Change the permissions (read/write/execute/user) of the region that is
 * exactly [base, limit).
 *
 * The memory type and shareability of a live region cannot change.
 *
 * @param m      the map
 * @param base   the range's start (inclusive)
 * @param limit  its end (exclusive)
 * @param attr   the new attributes
 * @return 0, or
 *  - #AM_EINVAL / #AM_ERANGE / #AM_EPERM / #AM_ENOTSUP  as am_mpu_map() for the
 *                range and attributes;
 *  - #AM_EPERM    @p attr changes the memory type or shareability;
 *  - #AM_ENOENT   nothing is mapped in the range;
 *  - #AM_ENOTSUP  the range is only part of a region;
 *  - #AM_EBUSY    the range partially overlaps a region, or the region holds
 *                 references (others rely on its permissions).
 */
int am_mpu_modify(struct am_mpu_map *m, am_mpu_addr_t base, am_mpu_addr_t limit,
		  const struct am_attr *attr);

/**
 * Coalesce adjacent regions (one's limit is the other's base) with identical
 * attributes and no references, to give regions back.
 *
 * @param m  the map
 * @return the number of regions freed (>= 0), or #AM_EINVAL for a NULL map.
 */
int am_mpu_merge(struct am_mpu_map *m);

/**
 * Map @p nr_pages 4 KiB pages from @p pa on a system without virtual memory:
 * the address returned in `*va` is @p pa itself.
 *
 * @p attr NULL means #AM_ATTR_RW_DATA. The mapping is am_mpu_map(), so a
 * range inside an existing region with the same attributes takes a
 * reference.
 *
 * @param m         the map
 * @param pa        the first page's address
 * @param nr_pages  the number of pages
 * @param attr      their attributes, or NULL
 * @param va        where the address goes
 * @return 0, or
 *  - #AM_EINVAL     NULL map or va, nr_pages 0, @p pa not 4 KiB aligned;
 *  - #AM_EOVERFLOW  @p pa + @p nr_pages pages wraps around;
 *  - #AM_ERANGE     the range does not fit the address size or a pointer;
 *  - any error of am_mpu_map().
 */
int am_mpu_vmap_contig(struct am_mpu_map *m, am_mpu_addr_t pa, size_t nr_pages,
		       const struct am_attr *attr, void **va);

/**
 * Undo am_mpu_vmap_contig(): am_mpu_unmap_containing() of the address.
 *
 * @param m   the map
 * @param va  the address am_mpu_vmap_contig() returned
 * @return 0 or its error.
 */
int am_mpu_vunmap(struct am_mpu_map *m, const void *va);

/**
 * Copy the software copy of region @p idx to @p out.
 *
 * @param m    the map
 * @param idx  the region index
 * @param out  where the copy goes
 * @return 0, or #AM_EINVAL (NULL), #AM_ERANGE (@p idx >= regions managed),
 * #AM_ENOENT (the region is not in use).
 */
int am_mpu_region_get(struct am_mpu_map *m, unsigned int idx, struct am_mpu_region *out);

/**
 * The register values region @p idx has in hardware according to the map.
 *
 * A disabled region keeps the values it last had with EN clear (disabling
 * writes only what must change); a region never programmed since
 * am_mpu_init()/am_mpu_boot() reads as 0, 0.
 *
 * @param m     the map
 * @param idx   the region index
 * @param rbar  where the base register value goes
 * @param rlar  where the limit register value goes
 * @return 0, or #AM_EINVAL (NULL), #AM_ERANGE (@p idx >= regions managed).
 */
int am_mpu_region_regs(struct am_mpu_map *m, unsigned int idx, uint64_t *rbar, uint64_t *rlar);

/**
 * Regions in use.
 *
 * 0 (and one fallback record) for a map that is not ready.
 *
 * @param m  the map
 * @return the number of regions in use.
 */
unsigned int am_mpu_used(const struct am_mpu_map *m);
/**
 * Regions managed.
 *
 * 0 (and one fallback record) for a map that is not ready.
 *
 * @param m  the map
 * @return the number of regions the map manages.
 */
unsigned int am_mpu_capacity(const struct am_mpu_map *m);

/**
 * The MAIR value the map's attr_index implies (0 if not ready).
 *
 * @param m  the map
 * @return the MAIR value.
 */
uint64_t am_mpu_mair(const struct am_mpu_map *m);

#ifdef __cplusplus
}
#endif

#endif
