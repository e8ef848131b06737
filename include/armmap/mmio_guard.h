/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Lazy MMIO guard. Protected-VM firmware must tell the hypervisor which
 * device granules it really uses. Instead of guarding every page of every
 * device at start-up, the guest's memory tracker maps device memory as
 * parked (invalid) descriptors carrying the "lazy" software flag, and guards
 * a granule only when the first access to it faults. The hypervisor side
 * keeps, per guest, the enroll flag and the set of guarded granules, and
 * carries out a trapped MMIO access only when every granule it touches is
 * guarded.
 *
 * The hypercalls are SMCCC vendor-specific hypervisor calls; their function
 * IDs differ between ABIs (struct am_mmio_abi).
 */
#ifndef ARMMAP_MMIO_GUARD_H
#define ARMMAP_MMIO_GUARD_H

#include <armmap/pt.h>
#include <armmap/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ the ABI -- */

#define AM_SMCCC_SUCCESS 0		/**< SMCCC result: success */
#define AM_SMCCC_NOT_SUPPORTED (-1)	/**< SMCCC result: NOT_SUPPORTED */
#define AM_SMCCC_INVALID_PARAMETER (-3) /**< SMCCC result: INVALID_PARAMETER */

/** Function IDs of one ABI; 0: the call does not exist in it. */
struct am_mmio_abi {
	uint32_t meminfo; /**< x1..: -; returns the granule in x0 */
	uint32_t info;	  /**< MMIO guard info: the granule in x0 */
	uint32_t enroll;  /**< MMIO guard enroll */
	uint32_t map;	  /**< x1 = IPA of the granule */
	uint32_t unmap;	  /**< x1 = IPA of the granule */
};

/** Android (pKVM): MEMINFO 0xC6000002, INFO..UNMAP 0xC6000005..0xC6000008. */
extern const struct am_mmio_abi am_mmio_abi_android;
/** Upstream: a single MMIO_GUARD (map) call at 0xC6000007; MEMINFO 0xC6000002. */
extern const struct am_mmio_abi am_mmio_abi_upstream;

/** How the guest issues an SMCCC call (HVC #0): x0 = @p fid, x1 = @p arg; returns x0. */
struct am_mmio_transport {
	int64_t (*call)(void *ctx, uint32_t fid, uint64_t arg); /**< make the call */
	void *ctx;						/**< what @p call is called with */
};

/* ---------------------------------------------------- the guest side -- */

#define AM_MMIO_SW_LAZY 0x1u	/**< software bit: device memory mapped lazily */
#define AM_MMIO_SW_GUARDED 0x2u /**< software bit: its granule is guarded */

/** The kinds of tracked memory. */
enum am_mem_kind {
	AM_MEM_RO = 0,	 /**< RAM, read-only */
	AM_MEM_RW = 1,	 /**< RAM, read/write */
	AM_MEM_MMIO = 2, /**< a device */
};

/** One tracked region. */
struct am_mem_region {
	/** [base, limit), VA == IPA; the tracker's own storage */
	uint64_t base, limit; /**< the end of [base, limit) */
	uint8_t kind;	      /**< enum am_mem_kind */
};

/** The configuration of a tracker, for am_mmio_tracker_init(). */
struct am_mmio_tracker_config {
	/** The firmware's stage-1 table (identity), its lists (both needed,
	 * capacities above 0). */
	struct am_pt *pt;
	/** the tracked address space: its start */
	am_vaddr_t lo, hi;	       /**< the tracked address space: its end */
	struct am_mem_region *ram;     /**< storage for the RAM list */
	unsigned int ram_cap;	       /**< entries in ram */
	struct am_mem_region *mmio;    /**< storage for the MMIO list */
	unsigned int mmio_cap;	       /**< entries in mmio */
	const struct am_mmio_abi *abi; /**< the hypervisor's ABI */
	struct am_mmio_transport hyp;  /**< how to call the hypervisor */
};

/** The most guarded granules a tracker remembers whose pages could not be made valid. */
#define AM_MMIO_PENDING 4u

/** The tracker. Treat the members as private. */
struct am_mmio_tracker {
	uint32_t ready;			 /**< set by a successful am_mmio_tracker_init() */
	struct am_mmio_tracker_config c; /**< the configuration */
	/** the RAM regions tracked */
	unsigned int nr_ram, nr_mmio; /**< the MMIO regions tracked */
	uint64_t granule;	      /**< the hypervisor's MMIO guard granule */
	uint64_t page;		      /**< the table's granule: what one leaf maps (am_pt_granule()) */
	unsigned long guarded;	      /**< granules guarded by this tracker, now */
	unsigned long map_calls;      /**< MMIO_GUARD_MAP calls made */
	/** granules guarded whose pages could not be made valid (no table page) */
	uint64_t pending[AM_MMIO_PENDING];
	unsigned int nr_pending; /**< entries in pending */
};

/**
 * An empty tracker. Asks the hypervisor for the guard granule (INFO, else
 * MEMINFO) and enrolls (when the ABI has ENROLL).
 *
 * The tracker logs through its table's log hook, one record per refusal, taking
 * the table's lock around it (see struct am_env). The tracker has no lock of
 * its own: its caller serialises its calls. Every call refuses a tracker that
 * is not ready (zeroed, init failed) with #AM_EINVAL and one record to the
 * fallback hook (am_log_set_fallback()).
 *
 * @param t    the tracker
 * @param cfg  its configuration
 * @return 0, or
 *  - #AM_EINVAL   NULL, no table or one that is not ready, no transport, no
 *                 ABI, lo >= hi or not aligned to the table's granule (its
 *                 page: am_pt_granule()), no storage;
 *  - #AM_ENOTSUP  the hypervisor does not offer the MMIO guard (NOT_SUPPORTED,
 *                 or neither INFO nor MEMINFO in the ABI), a granule other
 *                 than 4, 16 or 64 KiB, or one smaller than the table's (the
 *                 guard granule follows the guest's: a 64 KiB guest's
 *                 hypervisor reports 64 KiB or more).
 */
int am_mmio_tracker_init(struct am_mmio_tracker *t, const struct am_mmio_tracker_config *cfg);

/**
 * Track [base, base + size) as RAM and map it: normal write-back (read-only
 * or read/write).
 *
 * Nothing changes on error.
 *
 * @param t         the tracker
 * @param base      the range's start
 * @param size      its size in bytes
 * @param writable  read/write (else read-only)
 * @return 0, or
 *  - #AM_EINVAL   NULL, size 0, not page aligned, wraps;
 *  - #AM_ERANGE   the range is not inside the tracked space;
 *  - #AM_EBUSY    it overlaps a tracked region;
 *  - #AM_ENOSPC   the list is full;
 *  - an error of am_pt_map() (#AM_ENOMEM ...).
 */
int am_mmio_add_ram(struct am_mmio_tracker *t, am_vaddr_t base, uint64_t size, bool writable);
/**
 * Track [base, base + size) as a device and map it lazily (parked Device-nGnRE
 * descriptors with #AM_MMIO_SW_LAZY, blocks allowed).
 *
 * Nothing changes on error.
 *
 * @param t     the tracker
 * @param base  the range's start
 * @param size  its size in bytes
 * @return 0, or
 *  - #AM_EINVAL   NULL, size 0, not page aligned, wraps;
 *  - #AM_ERANGE   the range is not inside the tracked space;
 *  - #AM_EBUSY    it overlaps a tracked region;
 *  - #AM_ENOSPC   the list is full;
 *  - an error of am_pt_map() (#AM_ENOMEM ...).
 */
int am_mmio_add_device(struct am_mmio_tracker *t, am_vaddr_t base, uint64_t size);

/**
 * The translation fault at @p addr: its leaf must be parked with
 * #AM_MMIO_SW_LAZY.
 *
 * The granule containing @p addr is guarded (MMIO_GUARD_MAP), then exactly the
 * tracked device pages of that granule (of every device in it) are made valid
 * with #AM_MMIO_SW_GUARDED, a lazy block being split without break-before-make
 * (its entries are invalid). A granule is never guarded twice: a device added
 * later into a granule guarded already (a granule larger than a page) is parked
 * lazy too, and its first fault finds the granule's other pages valid and
 * guarded, so it only makes the new pages valid, with no hypercall.
 *
 * @param t     the tracker
 * @param addr  the faulting address
 * @return 0, or
 *  - #AM_EINVAL   NULL;
 *  - #AM_ENOENT   the "invalid PTE" error: no parked lazy leaf at @p addr (not
 *                 tracked MMIO, or valid already); no hypercall;
 *  - #AM_EPERM    the hypervisor refused the guard (its error is in the log);
 *                 nothing changed, the fault can come again (with
 *                 #AM_MMIO_PENDING granules remembered, blocks of the granule
 *                 may have been split to pages first: the same translations);
 *  - #AM_ENOMEM   no table page for the split: the granule stays guarded and
 *                 is remembered (up to #AM_MMIO_PENDING of them), so the fault
 *                 coming again does not guard it twice, and
 *                 am_mmio_unmap_all() unguards it. With #AM_MMIO_PENDING
 *                 remembered already, the split comes before the guard: out
 *                 of pages, nothing is guarded (no MMIO_GUARD_MAP).
 */
int am_mmio_handle_fault(struct am_mmio_tracker *t, am_vaddr_t addr);

/**
 * Unguard (MMIO_GUARD_UNMAP) exactly the granules this tracker guarded, and
 * park them again (lazy, unguarded), so that a later access faults and guards
 * anew.
 *
 * Parking comes first: a granule is unguarded only once the invalidations of
 * its pages have completed, so that no CPU reaches the device through a stale
 * TLB entry after the hypervisor stopped guarding it. One walk of the table
 * parks up to 64 granules, their UNMAPs follow; more take a walk per 64.
 *
 * @param t  the tracker
 * @return the number of granules unguarded (>= 0), or #AM_EINVAL (NULL),
 * #AM_ENOTSUP (the ABI has no UNMAP: nothing changed), #AM_EPERM (the
 * hypervisor refused an unmap: those before it are unguarded and parked, the
 * refused one and the rest stay guarded, their pages valid).
 */
int am_mmio_unmap_all(struct am_mmio_tracker *t);

/* ------------------------------------------------ the hypervisor side -- */

/** The configuration of the hypervisor side, for am_mmio_hyp_init(). */
struct am_mmio_hyp_config {
	const struct am_mmio_abi *abi; /**< the ABI the guest calls */
	uint64_t granule;	       /**< 4096, 16384 or 65536 */
	uint64_t *slots;	       /**< storage for the guarded granules' IPAs */
	unsigned int nr_slots;	       /**< entries in slots */
	/** Is [ipa, ipa + size) guest RAM? (MAP of RAM is refused.) May be NULL. */
	bool (*is_ram)(void *ctx, uint64_t ipa, uint64_t size);
	/** Told why a guest's call was refused, one record each. May be NULL. */
	void (*log)(void *ctx, const struct am_log_rec *rec);
	void *ctx; /**< what is_ram and log are called with */
};

/** Per guest. Treat the members as private. */
struct am_mmio_hyp {
	uint32_t ready;		     /**< set by a successful am_mmio_hyp_init() */
	struct am_mmio_hyp_config c; /**< the configuration */
	unsigned int nr;	     /**< granules guarded */
	bool enrolled;		     /**< the guest enrolled */
};

/**
 * Set up the hypervisor side of one guest.
 *
 * The calls below treat a side that is not ready (zeroed, init failed) as one
 * that offers nothing (NOT_SUPPORTED, false, 0), with one record to the
 * fallback hook.
 *
 * @param h    the hypervisor side
 * @param cfg  its configuration
 * @return 0, or #AM_EINVAL (NULL, granule, no slots), logged through cfg->log
 * (the fallback hook without one).
 */
int am_mmio_hyp_init(struct am_mmio_hyp *h, const struct am_mmio_hyp_config *cfg);

/**
 * Serve the guest's call @p fid with x1 = @p arg.
 *
 * INFO / MEMINFO: the granule. ENROLL: sets the flag. MAP: enrolled (when
 * the ABI has ENROLL), @p arg granule aligned, not guest RAM, room left,
 * else INVALID_PARAMETER; a granule guarded already stays guarded once.
 * UNMAP: @p arg must be guarded, else INVALID_PARAMETER. Any other @p fid:
 * NOT_SUPPORTED. Each refusal logs one record (cfg->log) with its reason.
 * The hypervisor side has no lock: the caller serialises the calls on one
 * side (a per-guest lock), and cfg->log runs inside them, under that lock.
 *
 * @param h    the hypervisor side
 * @param fid  the function ID (x0)
 * @param arg  x1
 * @return the SMCCC result for x0 (>= 0 success or the granule;
 * AM_SMCCC_* < 0).
 */
int64_t am_mmio_hyp_call(struct am_mmio_hyp *h, uint32_t fid, uint64_t arg);

/**
 * Is every granule [ipa, ipa + size) touches guarded?
 *
 * An unguarded granule is an answer (false, no record); size 0 or a wrapping
 * range is refused (false, one record).
 *
 * @param h     the hypervisor side
 * @param ipa   the access's IPA
 * @param size  its size in bytes
 * @return whether the access may be carried out.
 */
bool am_mmio_hyp_allowed(const struct am_mmio_hyp *h, uint64_t ipa, uint64_t size);

/**
 * Granules guarded now.
 *
 * @param h  the hypervisor side
 * @return the number of granules guarded.
 */
unsigned int am_mmio_hyp_guarded(const struct am_mmio_hyp *h);

#ifdef __cplusplus
}
#endif

#endif
