/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VMSAv8-64 walk model (model/vmsa.h): descriptor decoding for the three
 * regimes, the level-by-level walk with its faults, the contiguous-run check
 * and the permission check.
 *
 * Written from the Arm ARM only; it includes nothing from src/ or
 * include/armmap/.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "model/vmsa.h"

/* Descriptor bits, 4 KiB granule. */
#define D_VALID (1ull << 0)
#define D_TABLE (1ull << 1) /* table at levels 0-2, page at level 3 */
#define D_ATTR_SHIFT 2	    /* AttrIndx [4:2] (stage 1), MemAttr [5:2] (stage 2) */
#define D_AP1 (1ull << 6)   /* stage 1: EL0 access; stage 2: S2AP read */
#define D_AP2 (1ull << 7)   /* stage 1: read-only; stage 2: S2AP write */
#define D_SH_SHIFT 8
#define D_AF (1ull << 10)
#define D_NG (1ull << 11)
#define D_OA_HI_RES0 (3ull << 48) /* [49:48], RES0 with a 48-bit OA */
#define D_CONTIG (1ull << 52)
#define D_PXN (1ull << 53)
#define D_XN (1ull << 54) /* XN, UXN at EL1&0, XN[1] at stage 2 */
#define D_SW_SHIFT 55
/* Hierarchical controls of stage 1 table descriptors. */
#define T_PXN (1ull << 59)
#define T_XN (1ull << 60)
#define T_AP0 (1ull << 61) /* APTable[0]: no EL0 access */
#define T_AP1 (1ull << 62) /* APTable[1]: no write */

#define CONTIG_RUN 16u

/* Hierarchical controls gathered on the way down (stage 1). */
struct hier {
	bool no_write, no_user, xn, pxn, ns;
};

#define D_NS (1ull << 5)  /* stage 1 leaf: Non-secure output (Secure regimes) */
#define T_NS (1ull << 63) /* NSTable: the levels below are Non-secure (Secure regimes) */

/* One privilege level: stage 1 EL2 (without VHE) and stage 1 EL3. */
static bool one_el(int regime)
{
	return regime == VMSA_S1_EL2 || regime == VMSA_S1_EL3;
}

/* A Secure stage-1 regime: NS and NSTable mean something. */
static bool secure_s1(const struct vmsa_cfg *cfg)
{
	return cfg->regime == VMSA_S1_EL3 || (cfg->secure && cfg->regime != VMSA_S2);
}

unsigned int vmsa_level_shift(unsigned int level)
{
	return 12u + 9u * (3u - level);
}

/* The granule's bits: 12, 14 or 16. */
static unsigned int gbits(unsigned int granule)
{
	return granule == 65536 ? 16u : granule == 16384 ? 14u : 12u;
}

unsigned int vmsa_level_shift_g(unsigned int granule, unsigned int level)
{
	unsigned int g = gbits(granule);

	return g + (g - 3u) * (3u - level);
}

unsigned int vmsa_root_level_g(unsigned int granule, unsigned int ia_bits)
{
	unsigned int g = gbits(granule), per = g - 3u;

	/* the levels that resolve ia_bits - g bits, per bits each, end at 3 */
	return 4u - (ia_bits - g + per - 1u) / per;
}

static unsigned int shift_of(const struct vmsa_cfg *cfg, unsigned int level)
{
	return vmsa_level_shift_g(cfg->granule, level);
}

/* The output address bits of a descriptor: [47:granule bits]. */
static uint64_t oa_mask(const struct vmsa_cfg *cfg)
{
	return 0x0000ffffffffffffull & ~((1ull << gbits(cfg->granule)) - 1u);
}

static unsigned int oa_bits_of(const struct vmsa_cfg *cfg);

/* FEAT_LPA: the 64 KiB granule with 52-bit outputs (PS / IPS 0b110). */
static bool lpa(const struct vmsa_cfg *cfg)
{
	return cfg->granule == 65536 && oa_bits_of(cfg) == 52;
}

/* FEAT_LPA2 (TCR.DS = 1): the 4 or 16 KiB granule with 52-bit outputs. */
static bool lpa2(const struct vmsa_cfg *cfg)
{
	return cfg->granule != 65536 && oa_bits_of(cfg) == 52;
}

/* The output address of descriptor @d: bits [47:granule bits]; with
 * FEAT_LPA OA[51:48] from bits [15:12] (RES0 otherwise); with FEAT_LPA2
 * bits [49:granule bits] and OA[51:50] from bits [9:8] (SH otherwise). */
static uint64_t oa_of(const struct vmsa_cfg *cfg, uint64_t d)
{
	if (lpa2(cfg))
		return (d & (oa_mask(cfg) | 3ull << 48)) | (d >> 8 & 3ull) << 50;
	return (d & oa_mask(cfg)) | (lpa(cfg) ? (d >> 12 & 0xfull) << 48 : 0);
}

/* The descriptor bits that hold the output address. */
static uint64_t oa_field(const struct vmsa_cfg *cfg)
{
	if (lpa2(cfg))
		return oa_mask(cfg) | 3ull << 48 | 3ull << 8;
	return oa_mask(cfg) | (lpa(cfg) ? 0xf000ull : 0);
}

/* Entries in a contiguous run at @level. */
static unsigned int contig_run(const struct vmsa_cfg *cfg, unsigned int level)
{
	if (cfg->granule == 16384)
		return level == 3 ? 128u : 32u;
	return cfg->granule == 65536 ? 32u : CONTIG_RUN;
}

/* May a block descriptor stand at @level (below 3)? */
static bool block_ok(const struct vmsa_cfg *cfg, unsigned int level)
{
	if (cfg->granule == 16384 || cfg->granule == 65536)
		return level == 2 || (level == 1 && lpa(cfg)); /* FEAT_LPA: 4 TiB blocks */
	return level == 1 || level == 2;
}

unsigned int vmsa_root_level(unsigned int ia_bits)
{
	if (ia_bits > 39)
		return 0;
	if (ia_bits > 30)
		return 1;
	return 2;
}

static unsigned int oa_bits_of(const struct vmsa_cfg *cfg)
{
	return cfg->oa_bits ? cfg->oa_bits : 48;
}

/* FEAT_LPA2, 4 KiB, more than 48 input bits, stage 1: the walk starts at
 * level -1 (2..16 entries), each entry a table at level 0. */
static bool level_m1(const struct vmsa_cfg *cfg)
{
	return gbits(cfg->granule) == 12u && lpa2(cfg) && cfg->ia_bits > 48 && cfg->concat <= 1 &&
	       cfg->regime != VMSA_S2;
}

/* The start level: one below the usual root with a concatenated root; with
 * level -1, level 0 (the level -1 lookup is its own step). */
static unsigned int root_level_of(const struct vmsa_cfg *cfg)
{
	if (level_m1(cfg))
		return 0;
	return vmsa_root_level_g(cfg->granule, cfg->ia_bits) + (cfg->concat > 1 ? 1u : 0u);
}

static bool cfg_ok(const struct vmsa_cfg *cfg)
{
	unsigned int oa = oa_bits_of(cfg);

	if (cfg->upper && cfg->regime != VMSA_S1_EL10 && cfg->regime != VMSA_S1_EL20)
		return false; /* two VA ranges: EL1&0 and EL2&0 only */
	if (cfg->granule && cfg->granule != 4096 && cfg->granule != 16384 && cfg->granule != 65536)
		return false;
	if (cfg->ia_bits < gbits(cfg->granule) + 1u)
		return false;
	if (cfg->concat > 1 &&
	    (cfg->regime != VMSA_S2 || cfg->concat > 16 || (cfg->concat & (cfg->concat - 1)) ||
	     cfg->ia_bits - shift_of(cfg, root_level_of(cfg)) !=
		     gbits(cfg->granule) - 3u + (unsigned int)__builtin_ctz(cfg->concat)))
		return false; /* concatenation: stage 2, and exactly the tables the size needs */
	return cfg->regime >= VMSA_S1_EL2 && cfg->regime <= VMSA_S1_EL20 && cfg->ia_bits >= 25 &&
	       (cfg->ia_bits <= 48 || (cfg->ia_bits <= 52 && lpa2(cfg))) &&
	       oa >= 32 && (oa <= 48 || oa == 52);
}

/* Entries of the table at @level: the root may be smaller than a page, or
 * (concatenated) larger. */
static uint64_t table_entries(const struct vmsa_cfg *cfg, unsigned int level)
{
	unsigned int root = root_level_of(cfg);

	if (level == root && !level_m1(cfg))
		return 1ull << (cfg->ia_bits - shift_of(cfg, root));
	return 1ull << (gbits(cfg->granule) - 3u);
}

static bool beyond_oa(uint64_t addr, unsigned int oa_bits)
{
	return oa_bits < 64 && (addr >> oa_bits) != 0;
}

static void gather_hier(const struct vmsa_cfg *cfg, uint64_t desc, struct hier *h)
{
	if (cfg->regime == VMSA_S2)
		return; /* stage 2 has no hierarchical controls */
	if (secure_s1(cfg))
		h->ns |= (desc & T_NS) != 0;
	h->no_write |= (desc & T_AP1) != 0;
	h->xn |= (desc & T_XN) != 0;
	if (cfg->regime == VMSA_S1_EL10 || cfg->regime == VMSA_S1_EL20) {
		h->no_user |= (desc & T_AP0) != 0;
		h->pxn |= (desc & T_PXN) != 0;
	}
}

static void decode_perms(const struct vmsa_cfg *cfg, uint64_t d, const struct hier *h,
			 struct vmsa_result *out)
{
	bool ro, user, uw;

	switch (cfg->regime) {
	case VMSA_S1_EL2:
	case VMSA_S1_EL3:
		out->priv_r = 1;
		out->priv_w = !(d & D_AP2) && !h->no_write;
		out->priv_x = !(d & D_XN) && !h->xn;
		break;
	case VMSA_S1_EL10:
	case VMSA_S1_EL20:
		ro = (d & D_AP2) || h->no_write;
		user = (d & D_AP1) && !h->no_user;
		uw = user && !ro;
		out->priv_r = 1;
		out->priv_w = !ro;
		out->user_r = user;
		out->user_w = uw;
		/* EL1 never executes memory that EL0 can write */
		out->priv_x = !(d & D_PXN) && !h->pxn && !uw;
		out->user_x = !(d & D_XN) && !h->xn;
		break;
	default: /* stage 2 */
		out->priv_r = (d & D_AP1) != 0;
		out->priv_w = (d & D_AP2) != 0;
		out->priv_x = !(d & D_XN);
		break;
	}
}

static uint64_t res_bits_of(const struct vmsa_cfg *cfg, uint64_t d)
{
	/* and the bits between 12 and the granule's OA, unless LPA's OA[51:48] */
	uint64_t bad = (d & D_OA_HI_RES0 & ~oa_field(cfg)) |
		       (d & ((1ull << gbits(cfg->granule)) - 1u) & ~0xfffull & ~oa_field(cfg));

	if (one_el(cfg->regime))
		bad |= (~d & D_AP1) | (d & (D_PXN | D_NG));
	if (cfg->regime != VMSA_S2 && !secure_s1(cfg))
		bad |= d & D_NS;
	if (cfg->regime == VMSA_S2) {
		bad |= d & (D_NG | D_PXN);
	}
	return bad;
}

/* Fill the leaf fields of @out for descriptor @d at @level. */
static void decode_leaf(const struct vmsa_cfg *cfg, uint64_t va, uint64_t d, unsigned int level,
			const struct hier *h, struct vmsa_result *out)
{
	uint64_t size = 1ull << shift_of(cfg, level);
	uint64_t run = (uint64_t)contig_run(cfg, level) * size;

	out->leaf_va = va & ~(size - 1);
	out->leaf_size = size;
	out->pa = oa_of(cfg, d) + (va - out->leaf_va);
	out->contig = (d & D_CONTIG) != 0;
	if (out->contig) {
		out->tlb_va = va & ~(run - 1);
		out->tlb_size = run;
	} else {
		out->tlb_va = out->leaf_va;
		out->tlb_size = size;
	}
	if (cfg->regime == VMSA_S2)
		out->mem = (uint8_t)((d >> D_ATTR_SHIFT) & 0xf);
	else
		out->mem = (uint8_t)(cfg->mair >> (8 * ((d >> D_ATTR_SHIFT) & 7)));
	if (lpa2(cfg)) /* TCR.SH0 (inner, as armmap sets it); a device is outer */
		out->sh = (uint8_t)(cfg->regime == VMSA_S2 ? ((out->mem & 0xc) ? 3 : 2)
							   : ((out->mem & 0xf0) ? 3 : 2));
	else
		out->sh = (uint8_t)((d >> D_SH_SHIFT) & 3);
	out->ng = (cfg->regime == VMSA_S1_EL10 || cfg->regime == VMSA_S1_EL20) && (d & D_NG);
	out->ns = secure_s1(cfg) && ((d & D_NS) || h->ns);
	out->sw = (uint8_t)((d >> D_SW_SHIFT) & 0xf);
	decode_perms(cfg, d, h, out);
	out->res_bits = res_bits_of(cfg, d);
}

/*
 * The aligned run of 16 around entry @idx of the table at @table: same bits
 * but the OA everywhere, OAs consecutive from a 16-entry aligned start.
 */
static bool contig_run_ok(const struct vmsa_cfg *cfg, vmsa_read_fn rd, void *ctx, uint64_t table,
			  uint64_t nent, uint64_t idx, unsigned int level, uint64_t size,
			  uint64_t d)
{
	const uint64_t run = contig_run(cfg, level), oam = oa_field(cfg);
	uint64_t first = idx & ~(run - 1);
	uint64_t before = (idx - first) * size;
	uint64_t oa0;
	unsigned int j;

	if (nent < run || oa_of(cfg, d) < before)
		return false;
	oa0 = oa_of(cfg, d) - before;
	if (oa0 & (run * size - 1))
		return false;
	for (j = 0; j < run; j++) {
		bool ok = true;
		uint64_t e = rd(ctx, table + (first + j) * 8, &ok);

		if (!ok || (e & ~oam) != (d & ~oam) || oa_of(cfg, e) != oa0 + j * size)
			return false;
	}
	return true;
}

/*
 * Read the descriptor at @pa into *@d and out->pte: false, with the fault
 * in @out, when the read fails (external abort) or it is invalid
 * (translation fault).
 */
static bool read_desc(vmsa_read_fn rd, void *ctx, uint64_t pa, uint64_t *d,
		      struct vmsa_result *out)
{
	bool ok = true;

	*d = rd(ctx, pa, &ok);
	if (!ok) {
		out->fault = VMSA_F_EXTERNAL;
		return false;
	}
	out->pte = *d;
	if (!(*d & D_VALID)) {
		out->fault = VMSA_F_TRANSLATION;
		return false;
	}
	return true;
}

static void walk(const struct vmsa_cfg *cfg, vmsa_read_fn rd, void *ctx, uint64_t va,
		 struct vmsa_result *out, bool check_contig)
{
	struct hier h = {false, false, false, false, false};
	unsigned int level, oa_bits;
	uint64_t table, nent, idx, d, size;

	memset(out, 0, sizeof(*out));
	if (!cfg || !rd || !cfg_ok(cfg)) {
		out->fault = VMSA_F_BAD_CFG;
		return;
	}
	oa_bits = oa_bits_of(cfg);
	level = root_level_of(cfg);
	out->root_level = level;
	if (cfg->upper ? (~va >> cfg->ia_bits) != 0 : (va >> cfg->ia_bits) != 0) {
		out->fault = VMSA_F_TRANSLATION;
		out->level = 0;
		return;
	}
	table = cfg->root_pa;
	out->level = level;
	if (beyond_oa(table, oa_bits)) {
		out->fault = VMSA_F_ADDR_SIZE;
		return;
	}
	if (level_m1(cfg)) { /* level -1: a table descriptor to level 0, or a fault there */
		idx = (va >> 48) & ((1ull << (cfg->ia_bits - 48)) - 1u);
		if (!read_desc(rd, ctx, table + idx * 8, &d, out))
			return;
		if (!(d & D_TABLE)) { /* no blocks at level -1 */
			out->fault = VMSA_F_BAD_DESC;
			return;
		}
		if (beyond_oa(oa_of(cfg, d), oa_bits)) {
			out->fault = VMSA_F_ADDR_SIZE;
			return;
		}
		gather_hier(cfg, d, &h);
		table = oa_of(cfg, d);
	}
	if (table & (table_entries(cfg, level) * 8 - 1)) {
		out->fault = VMSA_F_BAD_DESC;
		return;
	}
	for (;;) {
		nent = table_entries(cfg, level);
		idx = (va >> shift_of(cfg, level)) & (nent - 1);
		out->level = level;
		out->table_pa[out->nlevels++] = table;
		if (!read_desc(rd, ctx, table + idx * 8, &d, out))
			return;
		if (level == 3 || !(d & D_TABLE))
			break;
		if (beyond_oa(oa_of(cfg, d), oa_bits)) {
			out->fault = VMSA_F_ADDR_SIZE;
			return;
		}
		gather_hier(cfg, d, &h);
		table = oa_of(cfg, d);
		level++;
	}

	/* A leaf: a block (bits[1:0] = 01, where the granule has blocks) or a
	 * page (11, level 3). */
	if ((level < 3 && !block_ok(cfg, level)) || (level == 3 && !(d & D_TABLE))) {
		out->fault = VMSA_F_BAD_DESC;
		return;
	}
	size = 1ull << shift_of(cfg, level);
	if (oa_of(cfg, d) & (size - 1)) {
		out->fault = VMSA_F_BAD_DESC;
		return;
	}
	if (beyond_oa(oa_of(cfg, d), oa_bits)) {
		out->fault = VMSA_F_ADDR_SIZE;
		return;
	}
	decode_leaf(cfg, va, d, level, &h, out);
	if (check_contig && (d & D_CONTIG) &&
	    !contig_run_ok(cfg, rd, ctx, table, nent, idx, level, size, d)) {
		out->fault = VMSA_F_CONTIG;
		return;
	}
	if (!(d & D_AF))
		out->fault = VMSA_F_ACCESS_FLAG;
}

void vmsa_walk(const struct vmsa_cfg *cfg, vmsa_read_fn rd, void *ctx, uint64_t va,
	       struct vmsa_result *out)
{
	walk(cfg, rd, ctx, va, out, true);
}

void vmsa_walk_raw(const struct vmsa_cfg *cfg, vmsa_read_fn rd, void *ctx, uint64_t va,
		   struct vmsa_result *out)
{
	walk(cfg, rd, ctx, va, out, false);
}

static bool allowed(int regime, const struct vmsa_result *r, unsigned int acc)
{
	bool user = (acc & VMSA_ACC_USER) != 0;
	bool rd, wr, ex;

	if (regime == VMSA_S2)
		user = false; /* stage 2 permissions apply to EL1 and EL0 alike */
	else if (one_el(regime) && user)
		return false; /* no EL0 in this regime */
	rd = user ? r->user_r : r->priv_r;
	wr = user ? r->user_w : r->priv_w;
	ex = user ? r->user_x : r->priv_x;
	if ((acc & VMSA_ACC_R) && !rd)
		return false;
	if ((acc & VMSA_ACC_W) && !wr)
		return false;
	if ((acc & VMSA_ACC_X) && !ex)
		return false;
	return true;
}

void vmsa_access(const struct vmsa_cfg *cfg, vmsa_read_fn rd, void *ctx, uint64_t va,
		 unsigned int acc, struct vmsa_result *out)
{
	vmsa_walk(cfg, rd, ctx, va, out);
	if (out->fault == VMSA_OK && !allowed(cfg->regime, out, acc))
		out->fault = VMSA_F_PERMISSION;
}

const char *vmsa_fault_name(enum vmsa_fault f)
{
	static const char *const names[] = {
		[VMSA_OK] = "ok",
		[VMSA_F_TRANSLATION] = "translation",
		[VMSA_F_ACCESS_FLAG] = "access-flag",
		[VMSA_F_PERMISSION] = "permission",
		[VMSA_F_ADDR_SIZE] = "address-size",
		[VMSA_F_BAD_DESC] = "bad-descriptor",
		[VMSA_F_CONTIG] = "contiguous",
		[VMSA_F_EXTERNAL] = "external-abort",
		[VMSA_F_BAD_CFG] = "bad-config",
	};

	if ((unsigned int)f >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[f];
}
