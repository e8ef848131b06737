/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hypervisor side of the MMIO guard: the ABIs' function IDs, and per
 * guest the enroll flag and the set of guarded granules, with the rules a
 * MAP or UNMAP must pass and the question every trapped MMIO access asks.
 */
#include <armmap/errors.h>
#include <armmap/mmio_guard.h>

const struct am_mmio_abi am_mmio_abi_android = {
	.meminfo = 0xc6000002u,
	.info = 0xc6000005u,
	.enroll = 0xc6000006u,
	.map = 0xc6000007u,
	.unmap = 0xc6000008u,
};

const struct am_mmio_abi am_mmio_abi_upstream = {
	.meminfo = 0xc6000002u,
	.map = 0xc6000007u,
};

int am_mmio_hyp_init(struct am_mmio_hyp *h, const struct am_mmio_hyp_config *cfg)
{
	if (!h || !cfg || !cfg->abi || !cfg->slots || !cfg->nr_slots ||
	    (cfg->granule != 4096u && cfg->granule != 16384u))
		return AM_EINVAL;
	h->c = *cfg;
	h->nr = 0;
	h->enrolled = false;
	return 0;
}

static int find(const struct am_mmio_hyp *h, uint64_t ipa)
{
	for (unsigned int i = 0; i < h->nr; i++)
		if (h->c.slots[i] == ipa)
			return (int)i;
	return -1;
}

static int64_t guard_map(struct am_mmio_hyp *h, uint64_t ipa)
{
	if (h->c.abi->enroll && !h->enrolled)
		return AM_SMCCC_INVALID_PARAMETER;
	if (ipa & (h->c.granule - 1u) || ipa + h->c.granule < ipa)
		return AM_SMCCC_INVALID_PARAMETER;
	if (h->c.is_ram && h->c.is_ram(h->c.ctx, ipa, h->c.granule))
		return AM_SMCCC_INVALID_PARAMETER;
	if (find(h, ipa) >= 0)
		return AM_SMCCC_SUCCESS; /* guarded already: once is enough */
	if (h->nr == h->c.nr_slots)
		return AM_SMCCC_INVALID_PARAMETER;
	h->c.slots[h->nr++] = ipa;
	return AM_SMCCC_SUCCESS;
}

static int64_t guard_unmap(struct am_mmio_hyp *h, uint64_t ipa)
{
	int i = find(h, ipa);

	if (i < 0)
		return AM_SMCCC_INVALID_PARAMETER;
	h->c.slots[i] = h->c.slots[--h->nr];
	return AM_SMCCC_SUCCESS;
}

int64_t am_mmio_hyp_call(struct am_mmio_hyp *h, uint32_t fid, uint64_t arg)
{
	const struct am_mmio_abi *abi;

	if (!h)
		return AM_SMCCC_NOT_SUPPORTED;
	abi = h->c.abi;
	if (!fid)
		return AM_SMCCC_NOT_SUPPORTED;
	if (fid == abi->info || fid == abi->meminfo)
		return (int64_t)h->c.granule;
	if (fid == abi->enroll) {
		h->enrolled = true;
		return AM_SMCCC_SUCCESS;
	}
	if (fid == abi->map)
		return guard_map(h, arg);
	if (fid == abi->unmap)
		return guard_unmap(h, arg);
	return AM_SMCCC_NOT_SUPPORTED;
}

bool am_mmio_hyp_allowed(const struct am_mmio_hyp *h, uint64_t ipa, uint64_t size)
{
	uint64_t g, end;

	if (!h || !size || ipa + size < ipa)
		return false;
	end = ipa + size;
	for (g = ipa & ~(h->c.granule - 1u); g < end; g += h->c.granule)
		if (find(h, g) < 0)
			return false;
	return true;
}

unsigned int am_mmio_hyp_guarded(const struct am_mmio_hyp *h)
{
	return h ? h->nr : 0;
}
