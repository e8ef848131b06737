/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An executable model of the VMSAv8-64 translation table walk (4 KiB
 * granule, levels 0..3, input addresses of 25..48 bits, output addresses of
 * up to 48 bits) for three regimes: stage 1 EL2 (without VHE), stage 1
 * EL1&0 and stage 2. Written from the Arm ARM, independently of src/: tests
 * hand it the tables the library wrote and ask what the hardware would do
 * with an access.
 *
 * Descriptor fields (all regimes): bit 0 valid, bit 1 table (levels 0-2) or
 * page (level 3), SH [9:8], AF bit 10, OA / next-level table [47:12],
 * Contiguous bit 52, software bits [58:55].
 *  - stage 1 EL2: AttrIndx [4:2], AP[2] bit 7 read-only, AP[1] bit 6 RES1,
 *    PXN bit 53 RES0, XN bit 54, no nG (no ASIDs in the regime);
 *  - stage 1 EL1&0: AttrIndx [4:2], AP[2:1] bits [7:6] (00 RW EL1, 01 RW
 *    EL1+EL0, 10 RO EL1, 11 RO EL1+EL0), nG bit 11, PXN bit 53, UXN bit 54.
 *    EL1 never executes what EL0 can write (AP = 01 implies PXN). EL0 may
 *    execute what it cannot read (execute-only: UXN clear, AP[1] clear);
 *  - stage 2: MemAttr[3:0] [5:2], S2AP bits [7:6] (bit 6 read, bit 7 write),
 *    XN bit 54 (bit 53 RES0: no FEAT_XNX), execution independent of S2AP.
 * Stage 1 table descriptors carry the hierarchical controls, applied to
 * every leaf below them: APTable[1] bit 62 (no write), APTable[0] bit 61 (no
 * EL0 access, EL1&0 only), XNTable/UXNTable bit 60, PXNTable bit 59 (EL1&0
 * only). Stage 2 has none. SCTLR.WXN, PAN and hardware AF/dirty management
 * are not modelled (all off).
 *
 * It does not include or call anything from src/ or include/armmap/.
 */
#ifndef ARMMAP_MODEL_VMSA_H
#define ARMMAP_MODEL_VMSA_H

#include <stdbool.h>
#include <stdint.h>

enum vmsa_regime {
	VMSA_S1_EL2 = 0,  /* stage 1, EL2 without VHE: one privilege level */
	VMSA_S1_EL10 = 1, /* stage 1, EL1&0: EL1 and EL0 permissions, nG */
	VMSA_S2 = 2,	  /* stage 2: S2AP, MemAttr, XN */
	VMSA_S1_EL3 = 3,  /* stage 1, EL3: the EL2 format, Secure (NS, NSTable) */
	VMSA_S1_EL20 = 4, /* stage 1, EL2&0 (VHE): the EL1&0 format and ASIDs, at EL2 */
};

/*
 * One translation regime's registers, as far as the walk needs them.
 * @ia_bits: 25..48; the walk starts at level 0 above 39 bits, at level 1
 * above 30 bits, else at level 2 (no concatenated stage-2 roots). The root
 * table then has 2^(ia_bits - level shift) entries and must be aligned to
 * its own size. @oa_bits: 32..48, 0 meaning 48; 52 with the 64 KiB granule
 * (FEAT_LPA: OA[51:48] in descriptor bits [15:12], level-1 blocks of
 * 4 TiB). @mair: stage 1 only.
 */
struct vmsa_cfg {
	int regime; /* enum vmsa_regime */
	unsigned int ia_bits, oa_bits;
	uint64_t root_pa;
	uint64_t mair; /* stage 1 */
	/* stage 1 EL2 / EL1&0 of the Secure state (EL3 is Secure anyway): the
	 * NS bit (5) of a leaf and NSTable (63) of a table are honoured; in a
	 * Non-secure regime NS is RES0 (res_bits) and NSTable ignored */
	bool secure;
	/*
	 * Stage 2: the root is this many concatenated tables (2..16, a power
	 * of two; 0 or 1: none), one level below vmsa_root_level(): the walk
	 * starts at level vmsa_root_level() + 1 (VTCR_EL2.SL0), whose table
	 * has 512 * concat entries, aligned to its size.
	 */
	unsigned int concat;
	/*
	 * Stage 1 EL1&0 / EL2&0: the upper VA range (TTBR1): the walk takes VAs
	 * whose bits above ia_bits are all ones, [2^64 - 2^ia_bits, 2^64).
	 */
	bool upper;
	/*
	 * The translation granule in bytes: 4096 (or 0), 16384 or 65536. It
	 * gives the levels (each resolves granule bits - 3 bits of the
	 * address: 9, 11 or 13), the start level from ia_bits, the blocks (4K:
	 * levels 1 and 2; 16K and 64K: level 2: 32 MiB, 512 MiB), the
	 * contiguous runs (4K: 16; 16K: 128 at level 3, 32 at level 2; 64K:
	 * 32) and the output address bits of a descriptor ([47:granule bits];
 * the bits between 12 and the granule's are RES0, but LPA's [15:12]).
	 */
	unsigned int granule;
};

/* The span of one entry at @level with @granule (0: 4 KiB): log2. */
unsigned int vmsa_level_shift_g(unsigned int granule, unsigned int level);
/* The start level for @ia_bits with @granule (no concatenated root). */
unsigned int vmsa_root_level_g(unsigned int granule, unsigned int ia_bits);

/* An 8-byte read of the table memory at @pa; *@ok = false: no memory there. */
typedef uint64_t (*vmsa_read_fn)(void *ctx, uint64_t pa, bool *ok);

enum vmsa_fault {
	VMSA_OK = 0,
	VMSA_F_TRANSLATION, /* invalid descriptor; or the input address is beyond
			     * ia_bits (then reported at level 0, nlevels 0) */
	VMSA_F_ACCESS_FLAG, /* a leaf with AF = 0 */
	VMSA_F_PERMISSION,  /* vmsa_access() only: the leaf refuses the access */
	VMSA_F_ADDR_SIZE,   /* a table or output address beyond oa_bits (the
			     * root: reported at the root level, nlevels 0) */
	VMSA_F_BAD_DESC,    /* a reserved encoding (bits[1:0] = 01 at level 0
			     * or 3; the architecture reports a translation
			     * fault, the model tells it apart), a block whose
			     * OA has bits set below the block size, a root
			     * table not aligned to its size */
	VMSA_F_CONTIG,	    /* a misprogrammed contiguous run (see vmsa_walk()) */
	VMSA_F_EXTERNAL,    /* a table read found no memory (*ok = false) */
	VMSA_F_BAD_CFG,	    /* the vmsa_cfg itself is malformed (model misuse) */
};

#define VMSA_ACC_R 1u
#define VMSA_ACC_W 2u
#define VMSA_ACC_X 4u
#define VMSA_ACC_USER 8u /* EL0 access (EL1&0 regime only) */

struct vmsa_result {
	enum vmsa_fault fault;
	unsigned int level;	     /* level of the leaf, or where the walk faulted */
	uint64_t pa;		     /* translated address of va */
	uint64_t leaf_va, leaf_size; /* span of the leaf descriptor (4K/2M/1G) */
	uint64_t tlb_va, tlb_size;   /* span a TLB may cache: the whole contiguous
				      * run if the hint is set, else the leaf */
	uint64_t pte;		     /* raw leaf descriptor; on a fault, the descriptor
				      * read at the faulting level (0 if none was read) */
	uint64_t table_pa[4];	     /* PA of the table read at each level, ROOT FIRST:
				      * table_pa[i] is the table of level root_level + i;
				      * unused entries 0 */
	unsigned int nlevels;	     /* tables read (a table whose read failed counts) */
	unsigned int root_level;
	/*
	 * Decoded attributes of a leaf: filled when the walk is VMSA_OK, and
	 * also for VMSA_F_ACCESS_FLAG, VMSA_F_CONTIG and VMSA_F_PERMISSION.
	 */
	uint8_t mem; /* stage 1: the MAIR byte selected by AttrIndx; stage 2: MemAttr[3:0] */
	uint8_t sh, ng, contig, sw;
	uint8_t ns; /* a Secure regime's output is Non-secure (NS, or NSTable above) */
	/* what the leaf allows, hierarchical controls applied (stage 1 EL2 and
	 * stage 2: the priv_* ones; user_* zero) */
	uint8_t priv_r, priv_w, priv_x, user_r, user_w, user_x;
	/*
	 * Leaf bits that break a RES0 / RES1 rule of the regime (not a fault,
	 * the hardware ignores them; tests assert it is 0): bits [49:48]
	 * (48-bit OA); stage 1 EL2 and EL3: AP[1] clear, PXN or nG set; stage 1
	 * of a Non-secure regime: NS set; stage 2: bit 11 or bit 53 set.
	 */
	uint64_t res_bits;
};

/*
 * vmsa_walk() - translate @va (translation only, no permission check).
 * Faults, in the order of the walk: VMSA_F_BAD_CFG, VMSA_F_TRANSLATION (ia
 * beyond range), VMSA_F_ADDR_SIZE / VMSA_F_BAD_DESC for the root, then per
 * level VMSA_F_EXTERNAL, VMSA_F_TRANSLATION, VMSA_F_ADDR_SIZE (next table),
 * and for the leaf VMSA_F_BAD_DESC, VMSA_F_ADDR_SIZE, VMSA_F_CONTIG,
 * VMSA_F_ACCESS_FLAG.
 * A leaf with the Contiguous bit (levels 1-3) needs its whole aligned run of
 * 16 entries to be: valid, of the same type, contiguous, with every bit but
 * the OA equal to the leaf's (software bits and AF included), OAs
 * consecutive and the first one aligned to 16 entries; a root table of fewer
 * than 16 entries cannot hold a run. Otherwise: VMSA_F_CONTIG.
 */
void vmsa_walk(const struct vmsa_cfg *cfg, vmsa_read_fn rd, void *ctx, uint64_t va,
	       struct vmsa_result *out);

/*
 * vmsa_walk_raw() - vmsa_walk() without the contiguous-run check (the hint
 * still sets tlb_va / tlb_size): what one descriptor says. For the TLB model.
 */
void vmsa_walk_raw(const struct vmsa_cfg *cfg, vmsa_read_fn rd, void *ctx, uint64_t va,
		   struct vmsa_result *out);

/*
 * vmsa_access() - vmsa_walk(), then the permission check of @acc
 * (VMSA_ACC_*): VMSA_F_PERMISSION when one of the accesses asked for is
 * refused. VMSA_ACC_USER selects the EL0 permissions in the EL1&0 regime;
 * stage 1 EL2 has no EL0, so a user access is refused there; stage 2 applies
 * to EL1 and EL0 alike and ignores it.
 */
void vmsa_access(const struct vmsa_cfg *cfg, vmsa_read_fn rd, void *ctx, uint64_t va,
		 unsigned int acc, struct vmsa_result *out);

/* vmsa_fault_name() - "ok", "translation", ... ("?" for unknown values). */
const char *vmsa_fault_name(enum vmsa_fault f);

/* vmsa_root_level() - the start level for @ia_bits (4 KiB granule). */
unsigned int vmsa_root_level(unsigned int ia_bits);

/* vmsa_level_shift() - log2 of the span of one entry at @level. */
unsigned int vmsa_level_shift(unsigned int level);

#endif
