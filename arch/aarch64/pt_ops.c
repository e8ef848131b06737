/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 bare-metal backend of struct am_pt_ops: owns the TLBI and barrier
 * sequences of each flush the engine hands it (range forms with
 * FEAT_TLBIRANGE), the static table-page pool, the lock
 * hooks over its spinlock, and the EL2 MMU enable and AT helpers. Each
 * TLBI is the inner-shareable form, so one call keeps every CPU of the
 * inner-shareable domain coherent.
 */
#include <armmap/errors.h>

#include <armmap/arch/aarch64/pt_ops.h>
#include <armmap/arch/aarch64/sysreg.h>
#include "arch/aarch64/mmu.h"
#include "arch/aarch64/tlbi_range.h"

#define VA_OPERAND_MASK 0x00000fffffffffffull /* VA[55:12] in bits [43:0] */
#define ASID_SHIFT 48

/* ---------------------------------------------------------------------- */
/* TLB maintenance                                                         */
/* ---------------------------------------------------------------------- */

/* One TLBI by SYS encoding (op1, CRm, op2; CRn = 8), so that the range forms
 * assemble for any -mcpu. */
#define TLBI_SYS(op1, crm, op2, x) \
	__asm__ volatile("sys #" #op1 ", c8, c" #crm ", #" #op2 ", %0" : : "r"(x) : "memory")

/* Plain forms (FEAT_TLBIRANGE off, or an odd page of a range) */
static void tlbi_one(unsigned int regime, bool leaf, uint64_t op)
{
	switch (regime) {
	case AM_PT_S1_EL2:
	case AM_PT_S1_EL20: /* with E2H: by VA and the operand's ASID */
		if (leaf)
			TLBI_SYS(4, 3, 5, op); /* VALE2IS */
		else
			TLBI_SYS(4, 3, 1, op); /* VAE2IS */
		break;
	case AM_PT_S1_EL10:
		if (leaf)
			TLBI_SYS(0, 3, 5, op); /* VALE1IS */
		else
			TLBI_SYS(0, 3, 1, op); /* VAE1IS */
		break;
	case AM_PT_S1_EL3:
		if (leaf)
			TLBI_SYS(6, 3, 5, op); /* VALE3IS */
		else
			TLBI_SYS(6, 3, 1, op); /* VAE3IS */
		break;
	default:
		if (leaf)
			TLBI_SYS(4, 0, 5, op); /* IPAS2LE1IS */
		else
			TLBI_SYS(4, 0, 1, op); /* IPAS2E1IS */
		break;
	}
}

/* Range forms (FEAT_TLBIRANGE) */
static void tlbi_range(unsigned int regime, bool leaf, uint64_t op)
{
	switch (regime) {
	case AM_PT_S1_EL2:
	case AM_PT_S1_EL20:
		if (leaf)
			TLBI_SYS(4, 2, 5, op); /* RVALE2IS */
		else
			TLBI_SYS(4, 2, 1, op); /* RVAE2IS */
		break;
	case AM_PT_S1_EL10:
		if (leaf)
			TLBI_SYS(0, 2, 5, op); /* RVALE1IS */
		else
			TLBI_SYS(0, 2, 1, op); /* RVAE1IS */
		break;
	case AM_PT_S1_EL3:
		if (leaf)
			TLBI_SYS(6, 2, 5, op); /* RVALE3IS */
		else
			TLBI_SYS(6, 2, 1, op); /* RVAE3IS */
		break;
	default:
		if (leaf)
			TLBI_SYS(4, 0, 6, op); /* RIPAS2LE1IS */
		else
			TLBI_SYS(4, 0, 2, op); /* RIPAS2E1IS */
		break;
	}
}

static void tlbi_all(unsigned int regime)
{
	/*
	 * EL1&0: VMALLE1IS, not ASIDE1IS, which leaves global entries, and a
	 * table may hold mappings without nG. Stage 2: VMALLS12E1IS drops the
	 * VMID's stage 1 and stage 2 entries, no VMALLE1IS needed after.
	 */
	if (regime == AM_PT_S1_EL2 || regime == AM_PT_S1_EL20) /* EL2&0: every ASID */
		__asm__ volatile("tlbi alle2is" : : : "memory");
	else if (regime == AM_PT_S1_EL10)
		__asm__ volatile("tlbi vmalle1is" : : : "memory");
	else if (regime == AM_PT_S1_EL3)
		__asm__ volatile("tlbi alle3is" : : : "memory");
	else
		__asm__ volatile("tlbi vmalls12e1is" : : : "memory");
}

/* One invalidation of a list: one TLBI, or the instructions of a range. */
static void inval(struct am_aarch64_pt_ctx *c, const struct am_pt_flush *f,
		  const struct am_pt_inval *v)
{
	uint16_t asid = f->regime == AM_PT_S1_EL10 || f->regime == AM_PT_S1_EL20 ? f->asid : 0;
	uint64_t addr = am_va_val(v->addr), left = v->pages, op;
	bool range;

	if (!left) {
		tlbi_one(f->regime, v->leaf,
			 ((addr >> 12) & VA_OPERAND_MASK) | (uint64_t)asid << ASID_SHIFT);
		if (c)
			c->tlbis++;
		return;
	}
	while (left) {
		uint64_t n = am_tlbir_step(addr, left, f->gshift, v->level, asid, f->ds, &op, &range);

		if (range)
			tlbi_range(f->regime, v->leaf, op);
		else
			tlbi_one(f->regime, v->leaf, op);
		if (c) {
			if (range)
				c->tlbi_ranges++;
			else
				c->tlbis++;
		}
		addr += n << f->gshift;
		left -= n;
	}
}

void am_aarch64_pt_flush(void *ctx, const struct am_pt_flush *f)
{
	struct am_aarch64_pt_ctx *c = ctx;
	uint64_t vttbr = 0, want;
	bool s2, vmid_loaded = false;

	if (!f)
		return;
	if (f->kind == AM_PT_FLUSH_PUBLISH || f->kind == AM_PT_FLUSH_LIST ||
	    f->kind == AM_PT_FLUSH_ALL) {
		if (c)
			c->publishes++;
		am_dsb_ishst();
	}
	if (f->kind == AM_PT_FLUSH_PUBLISH)
		return;
	s2 = f->regime == AM_PT_S2;
	if (s2 && f->kind != AM_PT_FLUSH_COMPLETE) {
		/* stage 2 invalidations act on VTTBR_EL2.VMID: make it the scope's */
		vttbr = am_read_sysreg(vttbr_el2);
		want = (vttbr & ~AM_VTTBR_VMID_MASK) | ((uint64_t)f->vmid << AM_VTTBR_VMID_SHIFT);
		if (want != vttbr) {
			am_write_sysreg(vttbr_el2, want);
			am_isb();
			vmid_loaded = true;
		}
	}
	if (f->kind == AM_PT_FLUSH_ALL) {
		if (c)
			c->tlbi_alls++;
		tlbi_all(f->regime);
	} else if (f->kind == AM_PT_FLUSH_LIST) {
		for (unsigned int i = 0; i < f->n; i++)
			inval(c, f, &f->inv[i]);
	}
	if (c)
		c->completes++;
	am_dsb_ish();
	am_isb();
	if (s2 && f->kind == AM_PT_FLUSH_LIST && f->n) {
		/*
		 * IPAS2E1IS leaves the combined stage 1+2 entries that used
		 * the IPA: drop the VMID's stage-1 entries too.
		 */
		__asm__ volatile("tlbi vmalle1is" : : : "memory");
		am_dsb_ish();
		am_isb();
	}
	if (vmid_loaded) {
		am_write_sysreg(vttbr_el2, vttbr);
		am_isb();
	}
}

unsigned int am_aarch64_pt_caps(void *ctx)
{
	struct am_aarch64_pt_ctx *c = ctx;

	return c && c->tlbi_range ? AM_PT_CAP_TLBI_RANGE : 0u;
}

bool am_aarch64_has_tlbi_range(void)
{
	/* ID_AA64ISAR0_EL1.TLB, bits [59:56]: 0b0010 = FEAT_TLBIOS and FEAT_TLBIRANGE */
	return ((am_read_sysreg(id_aa64isar0_el1) >> 56) & 0xfu) == 2u;
}

void am_aarch64_pt_lock(void *ctx)
{
	struct am_aarch64_pt_ctx *c = ctx;

	if (c && c->lock)
		am_aarch64_spin_lock(c->lock);
}

void am_aarch64_pt_unlock(void *ctx)
{
	struct am_aarch64_pt_ctx *c = ctx;

	if (c && c->lock)
		am_aarch64_spin_unlock(c->lock);
}

const struct am_pt_ops am_aarch64_pt_ops = {
	.env.lock = NULL,
	.env.unlock = NULL,
	.env.log = NULL,
	.alloc_table = am_aarch64_alloc_table,
	.free_table = am_aarch64_free_table,
	.table_va = NULL, /* PA == VA */
	.flush = am_aarch64_pt_flush,
	.caps = am_aarch64_pt_caps,
	.alloc_tables = am_aarch64_alloc_tables,
	.free_tables = am_aarch64_free_tables,
};

/* ---------------------------------------------------------------------- */
/* EL2 stage 1: MMU enable, AT                                             */
/* ---------------------------------------------------------------------- */

int am_aarch64_el2_mmu_enable(uint64_t mair, uint64_t tcr, uint64_t ttbr)
{
	if (am_current_el() != 2)
		return AM_EPERM;
	AM_MMU_ENABLE(el2, AM_MMU_LOCAL_EL2, mair, tcr | AM_TCR_EL2_RES1, ttbr,
		      AM_SCTLR_A | AM_SCTLR_WXN | AM_SCTLR_EE,
		      AM_SCTLR_EL2_RES1 | AM_SCTLR_M | AM_SCTLR_C | AM_SCTLR_I | AM_SCTLR_SA);
	return 0;
}

int am_aarch64_el2_mmu_enable_pt(const struct am_pt *pt)
{
	if (!pt)
		return AM_EINVAL;
	return am_aarch64_el2_mmu_enable(am_pt_mair(pt), am_pt_tcr(pt), am_pt_ttbr(pt));
}

bool am_aarch64_el2_mmu_is_on(void)
{
	return (am_read_sysreg(sctlr_el2) & AM_SCTLR_M) != 0;
}

unsigned int am_aarch64_pa_bits(void)
{
	static const uint8_t bits[] = {32, 36, 40, 42, 44, 48, 52};
	unsigned int r = (unsigned int)am_read_sysreg(id_aa64mmfr0_el1) & 0xfu;

	return r < sizeof(bits) ? bits[r] : 48u;
}

uint64_t am_aarch64_at_s1e2r(uint64_t va)
{
	return AM_AT(s1e2r, va);
}

uint64_t am_aarch64_at_s1e2w(uint64_t va)
{
	return AM_AT(s1e2w, va);
}
