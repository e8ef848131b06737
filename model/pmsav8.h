/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An executable model of a PMSAv8 MPU (Armv8-R AArch64 EL2, Armv8-R AArch32
 * Hyp, Armv8-M), written from the architecture, independently of src/.
 * Tests program it through the same register writes a real MPU gets and ask
 * it what an access would do. It also watches the write sequence: a moment
 * where two enabled regions overlap, and register writes not yet followed by
 * a barrier, are recorded.
 *
 * It does not include or call anything from src/.
 */
#ifndef ARMMAP_MODEL_PMSAV8_H
#define ARMMAP_MODEL_PMSAV8_H

#include <stdbool.h>
#include <stdint.h>

#define PMSA_MAX_REGIONS 255

enum pmsa_flavour {
	PMSA_V8R_AARCH64 = 0, /* PRBAR_EL2/PRLAR_EL2, 64-byte granule, 48-bit PA, XN[1] */
	PMSA_V8R_AARCH32 = 1, /* HPRBAR/HPRLAR, 64-byte granule, 32-bit */
	PMSA_V8M = 2,	      /* RBAR/RLAR, 32-byte granule, 32-bit */
};

enum pmsa_access {
	PMSA_READ = 0,
	PMSA_WRITE = 1,
	PMSA_EXEC = 2,
};

enum pmsa_fault {
	PMSA_OK = 0,
	PMSA_FAULT_NO_REGION = 1, /* no enabled region matches (and no background) */
	PMSA_FAULT_PERM = 2,	  /* the one region matched refuses the access */
	PMSA_FAULT_MULTI = 3,	  /* two or more enabled regions match */
};

/* Memory types as the model decodes them from MAIR. */
enum pmsa_memtype {
	PMSA_MT_DEVICE_nGnRnE = 0,
	PMSA_MT_DEVICE_nGnRE = 1,
	PMSA_MT_DEVICE_nGRE = 2,
	PMSA_MT_DEVICE_GRE = 3,
	PMSA_MT_NORMAL_NC = 4,
	PMSA_MT_NORMAL_WT = 5,
	PMSA_MT_NORMAL_WB = 6,
	PMSA_MT_OTHER = 7, /* normal memory with mixed inner/outer policies */
};

struct pmsa_result {
	enum pmsa_fault fault;
	int region;		 /* region hit (PMSA_OK, PMSA_FAULT_PERM), else -1 */
	enum pmsa_memtype mtype; /* memory type of the region hit */
	unsigned int sh;	 /* its SH field */
};

struct pmsa_model {
	enum pmsa_flavour flavour;
	unsigned int nregions;
	uint64_t rbar[PMSA_MAX_REGIONS];
	uint64_t rlar[PMSA_MAX_REGIONS];
	uint64_t mair;
	/* privileged accesses matching no region use the default map (PRIVDEFENA / BR) */
	bool background;

	/* Watchers. */
	unsigned long writes;	      /* register writes (each RBAR and RLAR counts one) */
	unsigned long syncs;	      /* barriers */
	unsigned long unsynced;	      /* writes since the last barrier */
	unsigned long overlap_events; /* writes after which two enabled regions overlapped */
	unsigned long bad_writes;     /* writes to an index >= nregions */
};

/* pmsa_init() - all regions disabled, MAIR 0, no background, counters 0. */
void pmsa_init(struct pmsa_model *m, enum pmsa_flavour f, unsigned int nregions);

/*
 * pmsa_write_region() - what the hardware sees for one region update: select
 * @idx, write the base register, then (a separate write) the limit register.
 * After each of the two writes, the model checks whether any two enabled
 * regions overlap and counts an overlap_event if so. An index >= nregions
 * counts a bad_write and changes nothing.
 */
void pmsa_write_region(struct pmsa_model *m, unsigned int idx, uint64_t rbar, uint64_t rlar);

/* pmsa_write_mair() - program MAIR (byte i describes AttrIndx i). */
void pmsa_write_mair(struct pmsa_model *m, uint64_t mair);

/* pmsa_sync() - a DSB+ISB: pending writes are now in effect (unsynced = 0). */
void pmsa_sync(struct pmsa_model *m);

/*
 * pmsa_access() - what an access of @kind at @addr, privileged or not, does.
 * A region matches when it is enabled and base <= addr <= limit (inclusive
 * hardware limit: the LIMIT field with the low granule bits all ones).
 * Permissions: AP[2:1] (00 RW priv, 01 RW any, 10 RO priv, 11 RO any);
 * execute needs XN clear (v8-R AArch64 EL2: XN[1] clear) and read access.
 */
struct pmsa_result pmsa_access(const struct pmsa_model *m, uint64_t addr, enum pmsa_access kind,
			       bool priv);

/* pmsa_region_bounds() - decoded [base, limit] (inclusive) of region @idx; false if disabled. */
bool pmsa_region_bounds(const struct pmsa_model *m, unsigned int idx, uint64_t *base,
			uint64_t *limit_incl);

/* pmsa_enabled_count() - enabled regions. */
unsigned int pmsa_enabled_count(const struct pmsa_model *m);

/* pmsa_any_overlap() - true if two enabled regions overlap now. */
bool pmsa_any_overlap(const struct pmsa_model *m);

#endif
