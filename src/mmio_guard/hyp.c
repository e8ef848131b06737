/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hypervisor side of the MMIO guard: the ABIs' function IDs, and per
 * guest the enroll flag and the set of guarded granules, with the rules a
 * MAP or UNMAP must pass and the question every trapped MMIO access asks.
 */
#include <armmap/errors.h>
#include <armmap/mmio_guard.h>

#include "../core/internal.h"

static bool hyp_ok(const struct am_mmio_hyp *h)
{
	return am_ready_check(h, h ? h->ready : 0, AM_READY_MMIO_HYP,
			      "mmio hyp: NULL or uninitialised (never, or init failed)");
}

/* One record of a refused guest call, through cfg->log. */
static int64_t refuse(const struct am_mmio_hyp *h, int64_t ret, const char *msg, uint64_t a)
{
	const struct am_env env = {.log = h->c.log};

	am_env_log(&env, h->c.ctx, AM_LOG_WARN, AM_EV_BAD_ARG, msg, a, (uint64_t)ret, 0);
	return ret;
}

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
	struct am_env env = {.log = cfg ? cfg->log : NULL};

	if (h)
		h->ready = 0;
	if (!h || !cfg || !cfg->abi || !cfg->slots || !cfg->nr_slots ||
	    (cfg->granule != 4096u && cfg->granule != 16384u && cfg->granule != 65536u))
		return am_init_refuse(&env, cfg ? cfg->ctx : NULL, AM_EINVAL,
				      "mmio hyp init: NULL, no ABI, no slots, or a granule other "
				      "than 4, 16 or 64 KiB",
				      (uint64_t)(uintptr_t)h, cfg ? cfg->granule : 0,
				      cfg ? cfg->nr_slots : 0);
	h->c = *cfg;
	h->nr = 0;
	h->enrolled = false;
	h->ready = AM_READY_MMIO_HYP;
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
	const int64_t inval = AM_SMCCC_INVALID_PARAMETER;

	if (h->c.abi->enroll && !h->enrolled)
		return refuse(h, inval, "mmio hyp: MAP before ENROLL", ipa);
	if (ipa & (h->c.granule - 1u) || ipa + h->c.granule < ipa)
		return refuse(h, inval, "mmio hyp: MAP of an IPA not granule aligned", ipa);
	if (h->c.is_ram && h->c.is_ram(h->c.ctx, ipa, h->c.granule))
		return refuse(h, inval, "mmio hyp: MAP of guest RAM", ipa);
	if (find(h, ipa) >= 0)
		return AM_SMCCC_SUCCESS; /* guarded already: once is enough */
	if (h->nr == h->c.nr_slots)
		return refuse(h, inval, "mmio hyp: MAP with every slot taken", ipa);
	h->c.slots[h->nr++] = ipa;
	return AM_SMCCC_SUCCESS;
}

static int64_t guard_unmap(struct am_mmio_hyp *h, uint64_t ipa)
{
	int i = find(h, ipa);

	if (i < 0)
		return refuse(h, AM_SMCCC_INVALID_PARAMETER,
			      "mmio hyp: UNMAP of a granule not guarded", ipa);
	h->c.slots[i] = h->c.slots[--h->nr];
	return AM_SMCCC_SUCCESS;
}

int64_t am_mmio_hyp_call(struct am_mmio_hyp *h, uint32_t fid, uint64_t arg)
{
	const struct am_mmio_abi *abi;

	if (!hyp_ok(h))
		return AM_SMCCC_NOT_SUPPORTED;
	abi = h->c.abi;
	if (!fid)
		return refuse(h, AM_SMCCC_NOT_SUPPORTED, "mmio hyp: function ID 0", fid);
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
	return refuse(h, AM_SMCCC_NOT_SUPPORTED, "mmio hyp: a function the ABI does not have", fid);
}

bool am_mmio_hyp_allowed(const struct am_mmio_hyp *h, uint64_t ipa, uint64_t size)
{
	uint64_t g, end;

	if (!hyp_ok(h))
		return false;
	if (!size || ipa + size < ipa) {
		refuse(h, 0, "mmio hyp: access check of an empty or wrapping range", ipa);
		return false;
	}
	end = ipa + size;
	for (g = ipa & ~(h->c.granule - 1u); g < end; g += h->c.granule)
		if (find(h, g) < 0)
			return false;
	return true;
}

unsigned int am_mmio_hyp_guarded(const struct am_mmio_hyp *h)
{
	return hyp_ok(h) ? h->nr : 0;
}
