/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MMIO-guard hypervisor model (model/mmio_hyp.h): the function-ID
 * decoding of both ABIs, the rules of each call, the sorted set of guarded
 * granules, the counters, the call log and the fault injection. Written
 * from the ABI only; it includes nothing from src/ or include/armmap/.
 */
#include <string.h>

#include "model/mmio_hyp.h"

static bool pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

int mmioh_init(struct mmioh *m, enum mmioh_abi abi, uint64_t granule, unsigned int cap)
{
	memset(m, 0, sizeof(*m));
	if ((abi != MMIOH_ABI_ANDROID && abi != MMIOH_ABI_UPSTREAM) || !pow2(granule) ||
	    granule < 4096 || cap > MMIOH_MAX_SLOTS)
		return -1;
	m->abi = abi;
	m->granule = granule;
	m->offered = true;
	m->cap = cap;
	m->fail_fn = -1;
	return 0;
}

int mmioh_add_ram(struct mmioh *m, uint64_t base, uint64_t size)
{
	if (m->nram >= MMIOH_MAX_RAM)
		return -1;
	m->ram_base[m->nram] = base;
	m->ram_size[m->nram] = size;
	m->nram++;
	return 0;
}

enum mmioh_fn mmioh_fn_of(const struct mmioh *m, uint32_t fid)
{
	switch (fid) {
	case MMIOH_FID_MEMINFO:
		return MMIOH_MEMINFO;
	case MMIOH_FID_MAP:
		return MMIOH_MAP;
	case MMIOH_FID_INFO:
		return m->abi == MMIOH_ABI_ANDROID ? MMIOH_INFO : MMIOH_OTHER;
	case MMIOH_FID_ENROLL:
		return m->abi == MMIOH_ABI_ANDROID ? MMIOH_ENROLL : MMIOH_OTHER;
	case MMIOH_FID_UNMAP:
		return m->abi == MMIOH_ABI_ANDROID ? MMIOH_UNMAP : MMIOH_OTHER;
	default:
		return MMIOH_OTHER;
	}
}

/* Index of the first guarded granule >= @g (binary search). */
static unsigned int lower_bound(const struct mmioh *m, uint64_t g)
{
	unsigned int lo = 0, hi = m->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (m->guarded[mid] < g)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool has(const struct mmioh *m, uint64_t g)
{
	unsigned int i = lower_bound(m, g);

	return i < m->nr && m->guarded[i] == g;
}

bool mmioh_guarded(const struct mmioh *m, uint64_t ipa)
{
	return has(m, ipa & ~(m->granule - 1));
}

/* Does [a, a + n) meet a guest RAM range? (n > 0, no wrap) */
static bool touches_ram(const struct mmioh *m, uint64_t a, uint64_t n)
{
	for (unsigned int i = 0; i < m->nram; i++) {
		uint64_t b = m->ram_base[i], e = b + m->ram_size[i];

		if (m->ram_size[i] && a < e && b < a + n)
			return true;
	}
	return false;
}

static int64_t do_map(struct mmioh *m, uint64_t ipa)
{
	unsigned int i;

	if (m->abi == MMIOH_ABI_ANDROID && !m->enrolled)
		return MMIOH_INVALID_PARAMETER;
	if (ipa & (m->granule - 1))
		return MMIOH_INVALID_PARAMETER;
	if (ipa + m->granule < ipa || touches_ram(m, ipa, m->granule))
		return MMIOH_INVALID_PARAMETER;
	i = lower_bound(m, ipa);
	if (i < m->nr && m->guarded[i] == ipa)
		return MMIOH_SUCCESS;
	if (m->nr >= m->cap)
		return MMIOH_INVALID_PARAMETER;
	memmove(&m->guarded[i + 1], &m->guarded[i], (m->nr - i) * sizeof(m->guarded[0]));
	m->guarded[i] = ipa;
	m->nr++;
	return MMIOH_SUCCESS;
}

static int64_t do_unmap(struct mmioh *m, uint64_t ipa)
{
	unsigned int i = lower_bound(m, ipa);

	if (i >= m->nr || m->guarded[i] != ipa)
		return MMIOH_INVALID_PARAMETER;
	memmove(&m->guarded[i], &m->guarded[i + 1], (m->nr - i - 1) * sizeof(m->guarded[0]));
	m->nr--;
	return MMIOH_SUCCESS;
}

static bool inject_now(struct mmioh *m, enum mmioh_fn fn)
{
	unsigned long n;

	if (m->fail_fn < 0 || (enum mmioh_fn)m->fail_fn != fn)
		return false;
	n = m->fail_seq++;
	return m->fail_sticky ? n >= m->fail_at : n == m->fail_at;
}

static int64_t serve(struct mmioh *m, enum mmioh_fn fn, uint64_t arg)
{
	switch (fn) {
	case MMIOH_MEMINFO:
	case MMIOH_INFO:
		return (int64_t)m->granule;
	case MMIOH_ENROLL:
		m->enrolled = true;
		return MMIOH_SUCCESS;
	case MMIOH_MAP:
		return do_map(m, arg);
	case MMIOH_UNMAP:
		return do_unmap(m, arg);
	default:
		return MMIOH_NOT_SUPPORTED;
	}
}

int64_t mmioh_call(void *ctx, uint32_t fid, uint64_t arg)
{
	struct mmioh *m = ctx;
	enum mmioh_fn fn = mmioh_fn_of(m, fid);
	struct mmioh_call_rec *rec = &m->log[m->ncalls % MMIOH_LOG];
	int64_t ret;

	m->calls[fn]++;
	if (inject_now(m, fn)) {
		m->injected++;
		ret = m->fail_ret;
	} else if (!m->offered) {
		m->refused++;
		ret = MMIOH_NOT_SUPPORTED;
	} else {
		ret = serve(m, fn, arg);
		if (ret < 0)
			m->refused++;
	}
	rec->fid = fid;
	rec->arg = arg;
	rec->ret = ret;
	m->ncalls++;
	return ret;
}

void mmioh_fail(struct mmioh *m, int fn, unsigned long nth, int64_t ret, bool sticky)
{
	m->fail_fn = fn < 0 || fn >= MMIOH_FN_COUNT ? -1 : fn;
	m->fail_at = nth;
	m->fail_seq = 0;
	m->fail_sticky = sticky;
	m->fail_ret = ret;
}

bool mmioh_allowed(const struct mmioh *m, uint64_t ipa, uint64_t size)
{
	uint64_t g, last;

	if (!size || ipa + (size - 1) < ipa)
		return false;
	last = (ipa + (size - 1)) & ~(m->granule - 1);
	for (g = ipa & ~(m->granule - 1);; g += m->granule) {
		if (!has(m, g))
			return false;
		if (g == last)
			return true;
	}
}

const struct mmioh_call_rec *mmioh_call_at(const struct mmioh *m, unsigned long n)
{
	if (n >= m->ncalls || m->ncalls - n > MMIOH_LOG)
		return NULL;
	return &m->log[n % MMIOH_LOG];
}

void mmioh_reset_counts(struct mmioh *m)
{
	memset(m->calls, 0, sizeof(m->calls));
	m->ncalls = 0;
	m->refused = 0;
	m->injected = 0;
}
