/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host translation-table backend: the pool of fake physical pages, the
 * am_pt_ops on top of it (with and without the TLB model, locks and log),
 * and the helpers tests use to look at both.
 *
 * It uses only the types of <armmap/pt.h>, never its functions, so that it
 * links whether or not the table engine does.
 */
#include <stdlib.h>
#include <string.h>

#include "arch/host/pt_host.h"
#include "arch/aarch64/tlbi_range.h"

static bool page_of(const struct am_host_pt *h, uint64_t pa, size_t *idx)
{
	uint64_t off;

	if (!h->pool || pa < h->pa_base)
		return false;
	off = pa - h->pa_base;
	if (off / h->page >= h->pages)
		return false;
	*idx = (size_t)(off / h->page);
	return true;
}

/* Fill @bytes of a page with garbage; a 4 KiB page as before the other
 * granules came (a constant size: the benchmark counts this too). */
static void garbage(void *p, size_t bytes)
{
	if (bytes == 4096u)
		memset(p, AM_HOST_PT_GARBAGE, 4096u);
	else
		memset(p, AM_HOST_PT_GARBAGE, bytes);
}

static uint8_t *page_va(const struct am_host_pt *h, size_t idx)
{
	return h->pool + idx * h->page;
}

/* ------------------------------------------------------------- pool -- */

int am_host_pt_init(struct am_host_pt *h, size_t pages)
{
	return am_host_pt_init_g(h, pages, AM_HOST_PT_PAGE);
}

int am_host_pt_init_g(struct am_host_pt *h, size_t pages, size_t page)
{
	memset(h, 0, sizeof(*h));
	if (!pages || (page != 4096u && page != 16384u && page != 65536u) ||
	    pages > SIZE_MAX / page)
		return -1;
	h->page = page;
	h->pool = aligned_alloc(page, pages * page);
	h->used = calloc(pages, 1);
	if (!h->pool || !h->used) {
		free(h->pool);
		free(h->used);
		h->pool = NULL;
		h->used = NULL;
		return -1;
	}
	memset(h->pool, AM_HOST_PT_GARBAGE, pages * h->page);
	h->pages = pages;
	h->pa_base = AM_HOST_PT_PA_BASE;
	h->fail_at = -1;
	return 0;
}

void am_host_pt_fini(struct am_host_pt *h)
{
	free(h->pool);
	free(h->used);
	memset(h, 0, sizeof(*h));
}

void am_host_pt_fail_at(struct am_host_pt *h, long n)
{
	h->fail_at = n < 0 ? -1 : n;
	h->fail_sticky = false;
	h->alloc_seq = 0;
}

uint64_t am_host_pt_read(void *ctx, uint64_t pa, bool *ok)
{
	const struct am_host_pt *h = ctx;
	uint64_t v;
	size_t idx;

	if ((pa & 7) || !page_of(h, pa, &idx) || !h->used[idx]) {
		*ok = false;
		return 0;
	}
	memcpy(&v, page_va(h, idx) + (pa - h->pa_base) % h->page, sizeof(v));
	*ok = true;
	return v;
}

void *am_host_pt_va(struct am_host_pt *h, uint64_t pa)
{
	size_t idx;

	if (!page_of(h, pa, &idx))
		return NULL;
	return page_va(h, idx) + (pa - h->pa_base) % h->page;
}

bool am_host_pt_allocated(const struct am_host_pt *h, uint64_t pa)
{
	size_t idx;

	return page_of(h, pa, &idx) && h->used[idx];
}

/* -------------------------------------------------------------- ops -- */

static bool fail_now(struct am_host_pt *h)
{
	unsigned long n = h->alloc_seq++;

	if (h->fail_at < 0)
		return false;
	if (h->fail_sticky)
		return n >= (unsigned long)h->fail_at;
	return n == (unsigned long)h->fail_at;
}

static void *host_alloc_table(void *ctx, am_paddr_t *pa)
{
	struct am_host_pt *h = ctx;
	size_t i, idx;

	h->allocs++;
	if (fail_now(h))
		goto fail;
	for (i = 0; i < h->pages; i++) {
		idx = (h->cursor + i) % h->pages;
		if (h->used[idx])
			continue;
		h->used[idx] = 1;
		h->cursor = (idx + 1) % h->pages;
		if (++h->in_use > h->max_in_use)
			h->max_in_use = h->in_use;
		if (h->cap_zeroed)
			memset(page_va(h, idx), 0, h->page);
		else
			garbage(page_va(h, idx), h->page);
		*pa = am_pa(h->pa_base + (uint64_t)idx * h->page);
		return page_va(h, idx);
	}
fail:
	h->alloc_failed++;
	return NULL;
}

static void host_free_table(void *ctx, void *table, am_paddr_t table_pa)
{
	uint64_t pa = am_pa_val(table_pa);
	struct am_host_pt *h = ctx;
	size_t idx;

	if ((pa - h->pa_base) % h->page || !page_of(h, pa, &idx) || !h->used[idx] ||
	    table != page_va(h, idx)) {
		h->bad_frees++;
		return;
	}
	/* The model looks at the tables while the page is still readable. */
	if (h->tlb_on)
		tlbm_free_table(&h->tlb, pa);
	h->used[idx] = 0;
	h->in_use--;
	h->frees++;
	garbage(table, h->page);
}

/*
 * @n contiguous pages aligned to n pages (a concatenated stage-2 root): the
 * lowest free run, counted as n allocations.
 */
static void *host_alloc_tables(void *ctx, unsigned int n, am_paddr_t *pa)
{
	struct am_host_pt *h = ctx;
	size_t first = (size_t)((-(h->pa_base / h->page)) & (n - 1)); /* PA aligned */

	h->allocs++;
	if (fail_now(h) || !n || (n & (n - 1)))
		goto fail;
	for (size_t idx = first; idx + n <= h->pages; idx += n) {
		size_t k = 0;

		while (k < n && !h->used[idx + k])
			k++;
		if (k < n)
			continue;
		for (k = 0; k < n; k++)
			h->used[idx + k] = 1;
		h->allocs += n - 1; /* one allocation a page, as the frees count */
		h->in_use += n;
		if (h->in_use > h->max_in_use)
			h->max_in_use = h->in_use;
		memset(page_va(h, idx), h->cap_zeroed ? 0 : AM_HOST_PT_GARBAGE,
		       (size_t)n * h->page);
		*pa = am_pa(h->pa_base + (uint64_t)idx * h->page);
		return page_va(h, idx);
	}
fail:
	h->alloc_failed++;
	return NULL;
}

static void host_free_table_bare(void *ctx, void *table, am_paddr_t table_pa);

static void host_free_tables(void *ctx, void *tables, am_paddr_t pa, unsigned int n)
{
	const struct am_host_pt *h = ctx;

	for (unsigned int i = 0; i < n; i++)
		host_free_table(ctx, (uint8_t *)tables + (size_t)i * h->page,
				am_pa(am_pa_val(pa) + (uint64_t)i * h->page));
}

static void host_free_tables_bare(void *ctx, void *tables, am_paddr_t pa, unsigned int n)
{
	const struct am_host_pt *h = ctx;

	for (unsigned int i = 0; i < n; i++)
		host_free_table_bare(ctx, (uint8_t *)tables + (size_t)i * h->page,
				     am_pa(am_pa_val(pa) + (uint64_t)i * h->page));
}

static void host_free_table_bare(void *ctx, void *table, am_paddr_t table_pa)
{
	uint64_t pa = am_pa_val(table_pa);
	struct am_host_pt *h = ctx;
	size_t idx;

	if ((pa - h->pa_base) % h->page || !page_of(h, pa, &idx) || !h->used[idx] ||
	    table != page_va(h, idx)) {
		h->bad_frees++;
		return;
	}
	h->used[idx] = 0;
	h->in_use--;
	h->frees++;
}

static void *host_table_va(void *ctx, am_paddr_t pa)
{
	struct am_host_pt *h = ctx;
	void *va = am_host_pt_va(h, am_pa_val(pa));

	if (!va)
		h->bad_table_va++;
	return va;
}

/* One TLBI request as the backend saw it, kept and counted; the model's
 * barrier state is the caller's. */
static void record(struct am_host_pt *h, const struct am_host_pt_tlbi *r)
{
	if (r->all)
		h->tlbi_all++;
	else if (r->range)
		h->tlbi_range++;
	else
		h->tlbi++;
	if (h->last_bar != AM_HOST_PT_BAR_PUBLISH)
		h->tlbi_between++;
	h->open_tlbi++;
	h->last_tlbi = *r;
	h->ring[h->nring % AM_HOST_PT_RING] = *r;
	h->nring++;
}

/*
 * A range: cut into the operands the aarch64 backend issues
 * (arch/aarch64/tlbi_range.h), each decoded again by the model from the
 * operand alone (its own reading of the Arm ARM): a wrong BaseADDR, NUM,
 * SCALE, TTL, TG or ASID shows as a stale entry.
 */
static void host_range(struct am_host_pt *h, const struct am_pt_flush *f,
		       const struct am_pt_inval *v)
{
	uint16_t asid = (f->regime == AM_PT_S1_EL10 || f->regime == AM_PT_S1_EL20) ? f->asid : 0;
	uint64_t addr = am_va_val(v->addr), left = v->pages, op;
	bool range;

	h->tlbi_range_inv++;
	while (left) {
		uint64_t n = am_tlbir_step(addr, left, f->gshift, v->level, asid, f->ds, &op, &range);
		struct am_host_pt_tlbi r = {
			.regime = f->regime,
			.level = v->level,
			.leaf = v->leaf,
			.range = range,
			.asid = f->asid,
			.vmid = f->vmid,
			.addr = addr,
			.pages = range ? n : 0,
			.op = op,
		};

		record(h, &r);
		if (h->tlb_on) {
			struct tlbm_range d;
			uint16_t id = f->regime == AM_PT_S2 ? f->vmid : 0;

			if (!range) {
				if ((f->regime == AM_PT_S1_EL10 || f->regime == AM_PT_S1_EL20))
					id = (uint16_t)(op >> 48);
				/* VA[55:12], VA[63:56] as bit 55 (the upper VA range) */
				tlbm_tlbi_va(
					&h->tlb, f->regime, id,
					(uint64_t)((int64_t)((op & 0x00000fffffffffffull) << 20) >>
						   8),
					v->leaf != 0);
			} else if (!tlbm_range_decode_ds(op, f->ds != 0, &d)) {
				h->bad_ranges++;
			} else {
				if ((f->regime == AM_PT_S1_EL10 || f->regime == AM_PT_S1_EL20))
					id = d.asid;
				/* stage 1: BaseADDR is VA[48:12] (DS: VA[52:16]), the bits
				 * above as its top bit */
				if (f->regime != AM_PT_S2)
					d.va = f->ds ? (uint64_t)((int64_t)(d.va << 11) >> 11)
						     : (uint64_t)((int64_t)(d.va << 15) >> 15);
				tlbm_tlbi_range(&h->tlb, f->regime, id, &d, v->leaf != 0);
			}
		}
		addr += n << f->gshift;
		left -= n;
	}
}

static void host_flush(void *ctx, const struct am_pt_flush *f)
{
	struct am_host_pt *h = ctx;
	uint16_t id = (f->regime == AM_PT_S1_EL10 || f->regime == AM_PT_S1_EL20) ? f->asid
		      : f->regime == AM_PT_S2					 ? f->vmid
										 : 0;
	struct am_host_pt_tlbi r = {.regime = f->regime, .asid = f->asid, .vmid = f->vmid};

	h->flushes++;
	if (f->kind > AM_PT_FLUSH_ALL || (f->kind == AM_PT_FLUSH_LIST) != (f->n != 0) ||
	    f->n > AM_PT_TLBI_BATCH || (f->n && !f->inv))
		h->bad_flushes++;
	r.all = f->kind == AM_PT_FLUSH_ALL;
	h->last_scope = r;
	if (f->kind != AM_PT_FLUSH_COMPLETE) {
		h->publish++;
		h->last_bar = AM_HOST_PT_BAR_PUBLISH;
		if (h->tlb_on)
			tlbm_barrier(&h->tlb, false);
	}
	if (f->kind == AM_PT_FLUSH_PUBLISH)
		return;
	if (f->kind == AM_PT_FLUSH_ALL) {
		record(h, &r);
		if (h->tlb_on && (f->regime == AM_PT_S1_EL10 || f->regime == AM_PT_S1_EL20))
			tlbm_tlbi_vmalle1(&h->tlb); /* what pt.h asks for EL1&0 */
		else if (h->tlb_on)
			tlbm_tlbi_all(&h->tlb, f->regime, id);
	}
	for (unsigned int i = 0; f->kind == AM_PT_FLUSH_LIST && f->inv && i < f->n; i++) {
		const struct am_pt_inval *v = &f->inv[i];

		if (v->pages) {
			host_range(h, f, v);
			continue;
		}
		r.level = v->level;
		r.leaf = v->leaf;
		r.addr = am_va_val(v->addr);
		record(h, &r);
		if (h->tlb_on)
			tlbm_tlbi_va(&h->tlb, f->regime, id, am_va_val(v->addr), v->leaf != 0);
	}
	h->complete++;
	h->open_tlbi = 0;
	h->last_bar = AM_HOST_PT_BAR_COMPLETE;
	if (h->tlb_on)
		tlbm_barrier(&h->tlb, true);
}

static unsigned int host_caps(void *ctx)
{
	const struct am_host_pt *h = ctx;

	return (h->cap_tlbi_range ? AM_PT_CAP_TLBI_RANGE : 0u) |
	       (h->cap_zeroed ? AM_PT_CAP_ZEROED : 0u);
}

static void host_flush_bare(void *ctx, const struct am_pt_flush *f)
{
	(void)ctx;
	(void)f;
}

static void host_lock(void *ctx)
{
	struct am_host_pt *h = ctx;

	h->locks++;
	if (++h->lock_depth > h->max_lock_depth)
		h->max_lock_depth = h->lock_depth;
}

static void host_unlock(void *ctx)
{
	struct am_host_pt *h = ctx;

	h->unlocks++;
	h->lock_depth--;
}

static void host_log(void *ctx, const struct am_log_rec *rec)
{
	struct am_host_pt *h = ctx;

	if (!h->lock_depth)
		h->unlocked_logs++;
	if (rec->level == AM_LOG_DEBUG && !h->log_debug)
		return;
	h->nlog_total++;
	if (h->nlog < AM_HOST_LOG_MAX)
		h->log[h->nlog++] = *rec;
}

const struct am_pt_ops am_host_pt_ops = {
	.env = {.lock = host_lock, .unlock = host_unlock, .log = host_log},
	.alloc_table = host_alloc_table,
	.free_table = host_free_table,
	.table_va = host_table_va,
	.flush = host_flush,
	.caps = host_caps,
	.alloc_tables = host_alloc_tables,
	.free_tables = host_free_tables,
};

const struct am_pt_ops am_host_pt_ops_bare = {
	.alloc_table = host_alloc_table,
	.free_table = host_free_table_bare,
	.table_va = host_table_va,
	.flush = host_flush_bare,
	.caps = host_caps,
	.alloc_tables = host_alloc_tables,
	.free_tables = host_free_tables_bare,
};

/* ----------------------------------------------------------- helpers -- */

void am_host_pt_tlb(struct am_host_pt *h, int regime, unsigned int ia_bits, unsigned int oa_bits,
		    uint64_t root_pa, uint64_t mair, uint16_t asid_or_vmid)
{
	struct vmsa_cfg cfg = {
		.regime = regime,
		.ia_bits = ia_bits,
		.oa_bits = oa_bits,
		.root_pa = root_pa,
		.mair = mair,
	};

	tlbm_init(&h->tlb, &cfg, am_host_pt_read, h, asid_or_vmid);
	h->tlb_on = true;
}

void am_host_pt_tlb_flush(struct am_host_pt *h)
{
	tlbm_flush(&h->tlb);
}

const struct am_host_pt_tlbi *am_host_pt_tlbi_at(const struct am_host_pt *h, unsigned long n)
{
	if (n >= h->nring || h->nring - n > AM_HOST_PT_RING)
		return NULL;
	return &h->ring[n % AM_HOST_PT_RING];
}

unsigned int am_host_pt_logged(const struct am_host_pt *h, enum am_log_event ev, uint64_t arg0)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < h->nlog; i++)
		if (h->log[i].event == ev && (arg0 == ~0ull || h->log[i].arg[0] == arg0))
			n++;
	return n;
}

void am_host_pt_clear_log(struct am_host_pt *h)
{
	h->nlog = 0;
	h->nlog_total = 0;
}
