/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 bare-metal backend of struct am_pt_ops: owns the TLBI and barrier
 * sequences the engine asks for, the static table-page pool, the lock
 * hooks over its spinlock, and the EL2 MMU enable and AT helpers. Each
 * TLBI is the inner-shareable form, so one call keeps every CPU of the
 * inner-shareable domain coherent.
 */
#include <armmap/errors.h>

#include "arch/aarch64/pt_ops.h"
#include "arch/aarch64/sysreg.h"

#define GRANULE 4096u
#define VA_OPERAND_MASK 0x00000fffffffffffull  /* VA[55:12] in bits [43:0] */
#define IPA_OPERAND_MASK 0x000000ffffffffffull /* IPA[51:12] in bits [39:0] */
#define ASID_SHIFT 48

/* ---------------------------------------------------------------------- */
/* Table pages                                                             */
/* ---------------------------------------------------------------------- */

int am_aarch64_pt_ctx_init(struct am_aarch64_pt_ctx *ctx, void *pool, size_t bytes)
{
	unsigned int i;

	if (!ctx || !pool || ((uintptr_t)pool & (GRANULE - 1)) || !bytes || (bytes & (GRANULE - 1)))
		return AM_EINVAL;
	if (bytes / GRANULE > AM_AARCH64_POOL_MAX_PAGES)
		return AM_ERANGE;
	ctx->pool = pool;
	ctx->pages = (unsigned int)(bytes / GRANULE);
	ctx->in_use = 0;
	ctx->limit = ctx->pages;
	ctx->hint = 0;
	for (i = 0; i < AM_AARCH64_POOL_MAX_PAGES / 64; i++)
		ctx->used[i] = 0;
	ctx->ipa_pending = 0;
	ctx->vttbr_saved = 0;
	ctx->vttbr = 0;
	ctx->lock = NULL;
	ctx->allocs = ctx->frees = ctx->alloc_fails = ctx->bad_frees = 0;
	ctx->tlbis = ctx->publishes = ctx->completes = 0;
	return 0;
}

static bool page_used(const struct am_aarch64_pt_ctx *c, unsigned int i)
{
	return (c->used[i / 64] >> (i % 64)) & 1u;
}

void *am_aarch64_alloc_table(void *ctx, am_paddr_t *pa)
{
	struct am_aarch64_pt_ctx *c = ctx;
	unsigned int n, i;

	if (!c || !pa || c->in_use >= c->limit || c->in_use >= c->pages) {
		if (c)
			c->alloc_fails++;
		return NULL;
	}
	for (n = 0; n < c->pages; n++) {
		i = (c->hint + n) % c->pages;
		if (page_used(c, i))
			continue;
		c->used[i / 64] |= 1ull << (i % 64);
		c->in_use++;
		c->allocs++;
		c->hint = (i + 1) % c->pages;
		*pa = (am_paddr_t)(uintptr_t)(c->pool + (size_t)i * GRANULE);
		return c->pool + (size_t)i * GRANULE;
	}
	c->alloc_fails++; /* not reached: in_use < pages means a free bit */
	return NULL;
}

void am_aarch64_free_table(void *ctx, void *table, am_paddr_t pa)
{
	struct am_aarch64_pt_ctx *c = ctx;
	uintptr_t off;
	unsigned int i;

	if (!c)
		return;
	off = (uintptr_t)table - (uintptr_t)c->pool;
	if ((uintptr_t)table < (uintptr_t)c->pool || (off & (GRANULE - 1)) ||
	    off / GRANULE >= c->pages || pa != (am_paddr_t)(uintptr_t)table) {
		c->bad_frees++; /* not ours, or PA and VA disagree */
		return;
	}
	i = (unsigned int)(off / GRANULE);
	if (!page_used(c, i)) {
		c->bad_frees++; /* double free */
		return;
	}
	c->used[i / 64] &= ~(1ull << (i % 64));
	c->in_use--;
	c->frees++;
}

/* ---------------------------------------------------------------------- */
/* TLB maintenance                                                         */
/* ---------------------------------------------------------------------- */

/* Stage 2 invalidations use VTTBR_EL2.VMID: make it the scope's. */
static void s2_load_vmid(struct am_aarch64_pt_ctx *c, uint16_t vmid)
{
	uint64_t v = am_read_sysreg(vttbr_el2);
	uint64_t want = (v & ~AM_VTTBR_VMID_MASK) | ((uint64_t)vmid << AM_VTTBR_VMID_SHIFT);

	if (v == want)
		return;
	if (!c->vttbr_saved) {
		c->vttbr = v;
		c->vttbr_saved = 1;
	}
	am_write_sysreg(vttbr_el2, want);
	am_isb();
}

static void tlbi_s1_el2(const struct am_pt_tlbi *t)
{
	uint64_t op = (t->addr >> 12) & VA_OPERAND_MASK;

	if (t->all)
		__asm__ volatile("tlbi alle2is" : : : "memory");
	else if (t->leaf)
		__asm__ volatile("tlbi vale2is, %0" : : "r"(op) : "memory");
	else
		__asm__ volatile("tlbi vae2is, %0" : : "r"(op) : "memory");
}

static void tlbi_s1_el10(const struct am_pt_tlbi *t)
{
	uint64_t op = ((t->addr >> 12) & VA_OPERAND_MASK) | ((uint64_t)t->asid << ASID_SHIFT);

	/*
	 * "All" is VMALLE1IS, not ASIDE1IS: ASIDE1IS leaves global entries,
	 * and a table may hold mappings without nG.
	 */
	if (t->all)
		__asm__ volatile("tlbi vmalle1is" : : : "memory");
	else if (t->leaf)
		__asm__ volatile("tlbi vale1is, %0" : : "r"(op) : "memory");
	else
		__asm__ volatile("tlbi vae1is, %0" : : "r"(op) : "memory");
}

static void tlbi_s2(struct am_aarch64_pt_ctx *c, const struct am_pt_tlbi *t)
{
	uint64_t op = (t->addr >> 12) & IPA_OPERAND_MASK;

	s2_load_vmid(c, t->vmid);
	if (t->all) {
		/* stage 1 and stage 2 entries of the VMID: no VMALLE1IS needed after */
		__asm__ volatile("tlbi vmalls12e1is" : : : "memory");
		return;
	}
	if (t->leaf)
		__asm__ volatile("tlbi ipas2le1is, %0" : : "r"(op) : "memory");
	else
		__asm__ volatile("tlbi ipas2e1is, %0" : : "r"(op) : "memory");
	c->ipa_pending = 1;
}

void am_aarch64_tlbi(void *ctx, const struct am_pt_tlbi *t)
{
	struct am_aarch64_pt_ctx *c = ctx;

	if (!t)
		return;
	if (c)
		c->tlbis++;
	switch (t->regime) {
	case AM_PT_S1_EL2:
		tlbi_s1_el2(t);
		break;
	case AM_PT_S1_EL10:
		tlbi_s1_el10(t);
		break;
	case AM_PT_S2:
		if (c)
			tlbi_s2(c, t);
		break;
	default:
		break;
	}
}

void am_aarch64_barrier(void *ctx, enum am_pt_barrier b, const struct am_pt_tlbi *scope)
{
	struct am_aarch64_pt_ctx *c = ctx;

	if (b == AM_PT_BAR_PUBLISH) {
		if (c)
			c->publishes++;
		am_dsb_ishst();
		return;
	}
	if (c)
		c->completes++;
	am_dsb_ish();
	am_isb();
	if (!c || !scope || scope->regime != AM_PT_S2)
		return;
	if (c->ipa_pending) {
		/*
		 * IPAS2E1IS leaves the combined stage 1+2 entries that used
		 * the IPA: drop the VMID's stage-1 entries too.
		 */
		s2_load_vmid(c, scope->vmid);
		__asm__ volatile("tlbi vmalle1is" : : : "memory");
		am_dsb_ish();
		am_isb();
		c->ipa_pending = 0;
	}
	if (c->vttbr_saved) {
		am_write_sysreg(vttbr_el2, c->vttbr);
		am_isb();
		c->vttbr_saved = 0;
	}
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
	.tlbi = am_aarch64_tlbi,
	.barrier = am_aarch64_barrier,
};

/* ---------------------------------------------------------------------- */
/* EL2 stage 1: MMU enable, AT                                             */
/* ---------------------------------------------------------------------- */

int am_aarch64_el2_mmu_enable(uint64_t mair, uint64_t tcr, uint64_t ttbr)
{
	uint64_t sctlr;

	if (am_current_el() != 2)
		return AM_EPERM;
	am_dsb_ish(); /* the tables are written */
	am_write_sysreg(mair_el2, mair);
	am_write_sysreg(tcr_el2, tcr | AM_TCR_EL2_RES1);
	am_write_sysreg(ttbr0_el2, ttbr);
	am_isb();
	__asm__ volatile("tlbi alle2\n\t"
			 "dsb ish\n\t"
			 "ic iallu\n\t"
			 "dsb ish\n\t"
			 "isb"
			 :
			 :
			 : "memory");
	sctlr = am_read_sysreg(sctlr_el2);
	sctlr &= ~(AM_SCTLR_A | AM_SCTLR_WXN | AM_SCTLR_EE);
	sctlr |= AM_SCTLR_EL2_RES1 | AM_SCTLR_M | AM_SCTLR_C | AM_SCTLR_I | AM_SCTLR_SA;
	am_write_sysreg(sctlr_el2, sctlr);
	am_isb();
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
	uint64_t par;

	__asm__ volatile("at s1e2r, %1\n\t"
			 "isb\n\t"
			 "mrs %0, par_el1"
			 : "=r"(par)
			 : "r"(va)
			 : "memory");
	return par;
}

uint64_t am_aarch64_at_s1e2w(uint64_t va)
{
	uint64_t par;

	__asm__ volatile("at s1e2w, %1\n\t"
			 "isb\n\t"
			 "mrs %0, par_el1"
			 : "=r"(par)
			 : "r"(va)
			 : "memory");
	return par;
}
