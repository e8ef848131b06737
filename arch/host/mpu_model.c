/* SPDX-License-Identifier: BSD-3-Clause */
/* Host MPU backend: the library's ops carried out on the PMSAv8 model. */
#include "arch/host/mpu_model.h"

static void host_write_region(void *ctx, unsigned int idx, uint64_t rbar, uint64_t rlar)
{
	pmsa_write_region(&((struct am_host_mpu *)ctx)->hw, idx, rbar, rlar);
}

static void host_sync(void *ctx)
{
	pmsa_sync(&((struct am_host_mpu *)ctx)->hw);
}

static void host_write_mair(void *ctx, uint64_t mair)
{
	struct am_host_mpu *h = ctx;

	pmsa_write_mair(&h->hw, mair);
	h->mair_writes++;
}

static unsigned int host_hw_regions(void *ctx)
{
	return ((struct am_host_mpu *)ctx)->hw.nregions;
}

static void host_lock(void *ctx)
{
	struct am_host_mpu *h = ctx;

	h->locks++;
	if (++h->lock_depth > h->max_lock_depth)
		h->max_lock_depth = h->lock_depth;
}

static void host_unlock(void *ctx)
{
	struct am_host_mpu *h = ctx;

	h->unlocks++;
	h->lock_depth--;
}

static void host_log(void *ctx, const struct am_log_rec *rec)
{
	struct am_host_mpu *h = ctx;

	if (!h->lock_depth)
		h->unlocked_logs++;
	if (rec->level == AM_LOG_DEBUG && !h->log_debug)
		return;
	h->nlog_total++;
	if (h->nlog < AM_HOST_LOG_MAX)
		h->log[h->nlog++] = *rec;
}

const struct am_mpu_ops am_host_mpu_ops = {
	.env = {.lock = host_lock, .unlock = host_unlock, .log = host_log},
	.write_region = host_write_region,
	.sync = host_sync,
	.write_mair = host_write_mair,
	.hw_regions = host_hw_regions,
};

const struct am_mpu_ops am_host_mpu_ops_bare = {
	.write_region = host_write_region,
	.sync = host_sync,
	.write_mair = host_write_mair,
	.hw_regions = host_hw_regions,
};

void am_host_mpu_init(struct am_host_mpu *h, enum am_mpu_flavour f, unsigned int nregions)
{
	static const enum pmsa_flavour to_model[] = {
		[AM_MPU_V8R_AARCH64] = PMSA_V8R_AARCH64,
		[AM_MPU_V8R_AARCH32] = PMSA_V8R_AARCH32,
		[AM_MPU_V8M] = PMSA_V8M,
	};

	*h = (struct am_host_mpu){0};
	pmsa_init(&h->hw, to_model[f], nregions);
}

unsigned int am_host_mpu_logged(const struct am_host_mpu *h, enum am_log_event ev, uint64_t arg0)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < h->nlog; i++)
		if (h->log[i].event == ev && (arg0 == ~0ull || h->log[i].arg[0] == arg0))
			n++;
	return n;
}

void am_host_mpu_clear_log(struct am_host_mpu *h)
{
	h->nlog = 0;
	h->nlog_total = 0;
}
