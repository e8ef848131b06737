/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MPU region map: the software copy of the regions, the one region-table
 * lookup every operation goes through, and the hardware writes that keep the
 * MPU identical to the copy.
 *
 * Ordering rule: two enabled regions never overlap, not even between the base
 * and the limit register writes of one update. Coverage that goes away is
 * removed before coverage that comes is added; a region being reshaped keeps
 * one bound while the other moves. Every call that writes ends with one sync.
 * Validation and reservation (free regions) happen before the first write,
 * so a refused call changes nothing.
 */
#include <armmap/errors.h>
#include <armmap/mpu.h>

#include "../core/internal.h"
#include "map_internal.h"
#include "regs.h"

/* A record through the map's log hook: level and event packed (AM_LE()). */
static void mlog(const struct am_mpu_map *m, unsigned int le, uint64_t a, uint64_t b,
		 uint64_t c AM_LOG_MSG_PARAM)
{
	am_log_(&m->ops->env, m->ctx, le, a, b, c AM_LOG_MSG(msg));
}

#define LOG(m, lvl, ev, msg, a, b, c) \
	AM_LOG_CALL(msg, mlog(m, AM_LE(lvl, ev), a, b, c AM_LOG_MSG(msg)))

/* Every call starts here: a NULL, zeroed or failed-init map is refused. */
static bool map_ok(const struct am_mpu_map *m)
{
	return am_ready_check(m, m ? m->ready : 0, AM_READY_MPU,
			      "mpu: NULL or uninitialised map (never, or init failed)");
}

static int bad_arg(struct am_mpu_map *m, const char *msg, uint64_t a, uint64_t b)
{
	LOG(m, AM_LOG_ERR, AM_EV_BAD_ARG, msg, a, b, 0);
	return AM_EINVAL;
}

static void lock(struct am_mpu_map *m)
{
	am_env_lock(&m->ops->env, m->ctx);
}

static void unlock(struct am_mpu_map *m)
{
	am_env_unlock(&m->ops->env, m->ctx);
}

/* The start of every call on a map: refuse one that is not ready, else lock it. */
bool mpu_enter(struct am_mpu_map *m)
{
	if (!map_ok(m))
		return false;
	lock(m);
	return true;
}

/* The end of a call that entered: unlock, return @rc. */
int mpu_leave(struct am_mpu_map *m, int rc)
{
	unlock(m);
	return rc;
}

/* ------------------------------------------------------------ validation -- */

static int check_range(struct am_mpu_map *m, am_mpu_addr_t base, am_mpu_addr_t limit)
{
	int rc = 0;

	if (((base | limit) & (m->granule - 1u)) || base >= limit)
		rc = AM_EINVAL;
	else if (limit > m->addr_end)
		rc = AM_ERANGE;
	if (rc)
		LOG(m, AM_LOG_ERR, AM_EV_BAD_RANGE, "bad range (alignment, order or size)", base,
		    limit, 0);
	return rc;
}

/* Can @a be a region of this map? If not, log why and say so. */
static int attr_check_map(struct am_mpu_map *m, const struct am_attr *a)
{
	int rc = am_attr_validate(a);

	if (rc == AM_EINVAL)
		LOG(m, AM_LOG_ERR, AM_EV_BAD_ARG,
		    "NULL or malformed attributes (perm bits, memory type, shareability)",
		    a ? a->perm : 0, a ? a->mtype : 0, a ? a->sh : 0);
	else if (rc == AM_EPERM && (a->perm & AM_PERM_W))
		LOG(m, AM_LOG_ERR, AM_EV_WRITE_EXEC, "write+execute refused", a->perm, 0, 0);
	else if (rc == AM_EPERM)
		LOG(m, AM_LOG_ERR, AM_EV_DEVICE_EXEC, "execute from device memory refused",
		    a->mtype, 0, 0);
	if (rc)
		return rc;
	if (!(a->perm & AM_PERM_R)) {
		LOG(m, AM_LOG_ERR, AM_EV_NOT_EXPRESSIBLE,
		    "PMSAv8 cannot express a region without read access", AM_ATTR_DIFF_PERM,
		    a->perm, 0);
		return AM_ENOTSUP;
	}
	if (m->attr_index[a->mtype] == AM_MPU_NO_ATTRIDX) {
		LOG(m, AM_LOG_ERR, AM_EV_NOT_EXPRESSIBLE, "memory type has no AttrIndx in this map",
		    AM_ATTR_DIFF_MTYPE, a->mtype, 0);
		return AM_ENOTSUP;
	}
	return 0;
}

/* The register fields of attributes attr_check_map() accepted. */
void mpu_attr_fields(const struct am_mpu_map *m, const struct am_attr *a, struct am_mpu_fields *f)
{
	f->ap = (a->perm & AM_PERM_W ? 0u : 2u) | (a->perm & AM_PERM_USER ? 1u : 0u);
	/* v8-R AArch64 EL2 uses XN[1]; the others have a single XN bit */
	f->xn = a->perm & AM_PERM_X ? 0 : MPU_FLAVOUR(m->flavour) == AM_MPU_V8R_AARCH64 ? 2 : 1;
	f->sh = a->sh;
	f->attr_idx = m->attr_index[a->mtype];
	f->en = 1;
}

/* Validate a range and its attributes, as every mapping call does first. */
static int check_request(struct am_mpu_map *m, am_mpu_addr_t base, am_mpu_addr_t limit,
			 const struct am_attr *attr)
{
	int rc = check_range(m, base, limit);

	return rc ? rc : attr_check_map(m, attr);
}

/* -------------------------------------------------------------- hardware -- */

/* Register values of a region's software copy, enabled or not. */
static void region_encode(const struct am_mpu_map *m, const struct am_mpu_region *r, uint64_t *rbar,
			  uint64_t *rlar)
{
	struct am_mpu_fields f;

	*rbar = 0;
	*rlar = 0;
	if (r->limit == 0) /* never programmed */
		return;
	/* the copy was validated when it was made: no need to check it again */
	mpu_attr_fields(m, &r->attr, &f);
	f.base = r->base;
	f.limit = r->limit;
	f.en = r->used;
	am_mpu_encode_valid(MPU_FLAVOUR((enum am_mpu_flavour)m->flavour), &f, rbar, rlar);
}

/* Write region @idx as the software copy says. */
static void hw_write(struct am_mpu_map *m, unsigned int idx)
{
	const struct am_mpu_region *r = &m->r[idx];
	uint64_t rbar, rlar;

	region_encode(m, r, &rbar, &rlar);
	LOG(m, AM_LOG_DEBUG, AM_EV_REGION_WRITE, "region write", idx, r->used ? r->base : 0,
	    r->used ? r->limit : 0);
	m->ops->write_region(m->ctx, idx, rbar, rlar);
}

static void hw_sync(struct am_mpu_map *m)
{
	m->ops->sync(m->ctx);
}

/* ------------------------------------------------------------ the table -- */

/*
 * The one lookup. Regions in use never overlap each other, so the first
 * region that intersects the range decides: it is the range, contains it,
 * or the range crosses its boundary.
 *
 * The loop is the plain scan of (base, limit) pairs: a region that does not
 * intersect is passed over on its bounds alone. A region not in use keeps
 * the bounds it last had (its registers keep them too, EN clear), so only
 * one that does intersect is asked whether it is in use; how it meets the
 * range is worked out once, after the loop.
 */
static int lookup_locked(const struct am_mpu_map *m, am_mpu_addr_t base, am_mpu_addr_t limit,
			 unsigned int *idx)
{
	const struct am_mpu_region *r = m->r, *end = m->r + m->top;

	for (; r != end; r++)
		if (limit > r->base && base < r->limit && r->used)
			break;
	if (r == end)
		return AM_MPU_NOTFOUND;
	*idx = (unsigned int)(r - m->r);
	if (r->base == base && r->limit == limit)
		return AM_MPU_FOUND;
	if (r->base <= base && limit <= r->limit)
		return AM_MPU_INCLUSIVE;
	return AM_MPU_OVERLAP;
}

/*
 * The lowest region not in use: m->nr when there is none. Every region
 * below m->free_lo is in use and every one from m->top on is free, so only
 * the regions in between are looked at (none while the regions in use are
 * packed from 0, as they are when nothing below them was given back). The
 * hint moves when a region is taken, not here: a refused call changes
 * nothing, not even the hint.
 */
static unsigned int lowest_free(const struct am_mpu_map *m)
{
	unsigned int i = m->free_lo;

	while (i < m->top && m->r[i].used)
		i++;
	return i; /* m->top when below it all are in use: m->nr if it is full */
}

/* Take region @idx, the lowest free one (every caller takes that one). */
static void region_take(struct am_mpu_map *m, unsigned int idx, am_mpu_addr_t base,
			am_mpu_addr_t limit, const struct am_attr *attr)
{
	struct am_mpu_region *r = &m->r[idx];

	r->base = base;
	r->limit = limit;
	r->attr = *attr;
	r->refs = 0;
	r->used = 1;
	m->used++;
	m->free_lo = (uint16_t)(idx + 1); /* all below @idx were in use already */
	if (idx >= m->top)
		m->top = (uint16_t)(idx + 1);
}

/* Disable region @idx in the copy and in hardware (base register kept). */
static void region_drop(struct am_mpu_map *m, unsigned int idx)
{
	m->r[idx].used = 0;
	m->r[idx].refs = 0;
	m->used--;
	if (idx < m->free_lo)
		m->free_lo = (uint16_t)idx;
	hw_write(m, idx);
	while (m->top && !m->r[m->top - 1].used)
		m->top--;
}

/* Release one holder of region @idx: a reference, or the region itself. */
static void put_region(struct am_mpu_map *m, unsigned int idx)
{
	if (m->r[idx].refs) {
		m->r[idx].refs--;
	} else {
		region_drop(m, idx);
		hw_sync(m);
	}
}

/* The refusal of a range that meets no region (NOTFOUND) or crosses one. */
static int refuse_range(struct am_mpu_map *m, int found, unsigned int idx, am_mpu_addr_t base,
			am_mpu_addr_t limit)
{
	if (found == AM_MPU_NOTFOUND) {
		LOG(m, AM_LOG_WARN, AM_EV_NOT_FOUND, "nothing mapped in range", base, limit, 0);
		return AM_ENOENT;
	}
	LOG(m, AM_LOG_ERR, AM_EV_OVERLAP, "range overlaps a region", idx, m->r[idx].base,
	    m->r[idx].limit);
	return AM_EBUSY;
}

/*
 * One record for attributes that differ: the first differing attribute
 * (of the memory type and shareability only, for a type change) names it;
 * arg0 has every AM_ATTR_DIFF_* bit that differs, arg1 and arg2 the
 * existing and requested values of the one named.
 */
static void log_attr_mismatch(struct am_mpu_map *m, const struct am_attr *have,
			      const struct am_attr *want, bool type_change)
{
	static const char *const what[] = {
		"mapped with another permission (read/write)",
		"mapped with another execute-never",
		"mapped with another unprivileged access",
		"mapped with another memory type",
		"mapped with another shareability",
	};
	unsigned int d = am_attr_diff(have, want);
	unsigned int b = type_change ? 3 : 0;

	while (b < 4 && !(d & (1u << b)))
		b++;
	if (type_change)
		LOG(m, AM_LOG_ERR, AM_EV_TYPE_CHANGE,
		    b == 3 ? "the memory type of a live region cannot change"
			   : "the shareability of a live region cannot change",
		    d, b == 3 ? have->mtype : have->sh, b == 3 ? want->mtype : want->sh);
	else
		LOG(m, AM_LOG_WARN, AM_EV_ATTR_MISMATCH, what[b], d,
		    b == 3   ? have->mtype
		    : b == 4 ? have->sh
			     : have->perm,
		    b == 3   ? want->mtype
		    : b == 4 ? want->sh
			     : want->perm);
}

/* --------------------------------------------------------------- set-up -- */

/* Two memory types on one AttrIndx: MAIR holds only one of them. */
static bool attr_index_shared(const uint8_t *idx)
{
	unsigned int used = 0;

	for (unsigned int t = 0; t < AM_MT_COUNT; t++) {
		if (idx[t] == AM_MPU_NO_ATTRIDX)
			continue;
		if (used & (1u << idx[t]))
			return true;
		used |= 1u << idx[t];
	}
	return false;
}

static int check_config(const struct am_mpu_config *cfg, const struct am_mpu_ops *ops, void *ctx,
			unsigned int *nr_out)
{
	const struct am_env *env = ops ? &ops->env : NULL;
	unsigned int nr, hw = 0;

	if (!cfg || !ops || !ops->write_region || !ops->sync)
		return am_init_refuse(env, ctx, AM_EINVAL,
				      "mpu init: NULL config or ops, or no write_region or sync",
				      (uint64_t)(uintptr_t)cfg, (uint64_t)(uintptr_t)ops, 0);
	if (!cfg->storage || (unsigned int)cfg->flavour >= AM_MPU_FLAVOUR_COUNT ||
	    (cfg->flags & ~AM_MPU_F_SPLIT))
		return am_init_refuse(env, ctx, AM_EINVAL,
				      "mpu init: no storage, unknown flavour or unknown flags",
				      (uint64_t)(uintptr_t)cfg->storage, (unsigned int)cfg->flavour,
				      cfg->flags);
	if (!MPU_BUILT(cfg->flavour))
		return am_init_refuse(env, ctx, AM_ENOTSUP,
				      "mpu init: flavour not built (AM_CONFIG_MPU_*)",
				      (unsigned int)cfg->flavour, AM_MPU_BUILT_MASK, 0);
	if (cfg->pa_bits &&
	    (cfg->flavour != AM_MPU_V8R_AARCH64 || cfg->pa_bits < 32 || cfg->pa_bits > 48))
		return am_init_refuse(env, ctx, AM_EINVAL,
				      "mpu init: pa_bits outside 32..48 or on a 32-bit flavour",
				      cfg->pa_bits, (unsigned int)cfg->flavour, 0);
	if (cfg->attr_index) {
		for (unsigned int t = 0; t < AM_MT_COUNT; t++)
			if (cfg->attr_index[t] > 7 && cfg->attr_index[t] != AM_MPU_NO_ATTRIDX)
				return am_init_refuse(env, ctx, AM_EINVAL,
						      "mpu init: attr_index entry above 7", t,
						      cfg->attr_index[t], 0);
		if (attr_index_shared(cfg->attr_index))
			return am_init_refuse(env, ctx, AM_EINVAL,
					      "mpu init: two memory types share an AttrIndx", 0, 0,
					      0);
	}
	if (ops->hw_regions)
		hw = ops->hw_regions(ctx);
	nr = cfg->nr_regions ? cfg->nr_regions : hw;
	if (nr == 0 || nr > AM_MPU_MAX_REGIONS || (ops->hw_regions && nr > hw))
		return am_init_refuse(env, ctx, AM_ERANGE,
				      "mpu init: region count 0, above 255 or above the hardware's",
				      nr, hw, 0);
	if (cfg->storage_len < nr)
		return am_init_refuse(env, ctx, AM_EINVAL,
				      "mpu init: storage shorter than the region count",
				      cfg->storage_len, nr, 0);
	*nr_out = nr;
	return 0;
}

static uint64_t mair_of(const struct am_mpu_map *m)
{
	uint64_t mair = 0;

	for (unsigned int t = 0; t < AM_MT_COUNT; t++)
		if (m->attr_index[t] != AM_MPU_NO_ATTRIDX)
			mair |= (uint64_t)am_mair_byte(t) << (8 * m->attr_index[t]);
	return mair;
}

int am_mpu_init(struct am_mpu_map *m, const struct am_mpu_config *cfg, const struct am_mpu_ops *ops,
		void *ctx)
{
	unsigned int nr = 0, bits;
	int rc;

	if (!m)
		return am_init_refuse(ops ? &ops->env : NULL, ctx, AM_EINVAL, "mpu init: NULL map",
				      0, 0, 0);
	m->ready = 0; /* a failed init leaves a map every call refuses */
	rc = check_config(cfg, ops, ctx, &nr);
	if (rc)
		return rc;
	bits = cfg->pa_bits ? cfg->pa_bits : am_mpu_addr_bits(cfg->flavour);
	*m = (struct am_mpu_map){
		.ops = ops,
		.ctx = ctx,
		.r = cfg->storage,
		.addr_end = 1ull << bits,
		.nr = (uint16_t)nr,
		.flavour = (uint8_t)cfg->flavour,
		.granule = (uint8_t)am_mpu_granule(cfg->flavour),
		.flags = (uint8_t)cfg->flags,
	};
	for (unsigned int t = 0; t < AM_MT_COUNT; t++)
		m->attr_index[t] = cfg->attr_index ? cfg->attr_index[t] : (uint8_t)t;
	for (unsigned int i = 0; i < nr; i++)
		m->r[i] = (struct am_mpu_region){0};
	if (ops->write_mair) {
		ops->write_mair(ctx, mair_of(m));
		ops->sync(ctx);
	}
	m->ready = AM_READY_MPU;
	return 0;
}

uint64_t am_mpu_mair(const struct am_mpu_map *m)
{
	return map_ok(m) ? mair_of(m) : 0;
}

/* The checks of a boot table; lock held. */
static int check_boot(struct am_mpu_map *m, const struct am_mpu_boot_region *tbl, unsigned int n)
{
	int rc;

	if (n && !tbl)
		return bad_arg(m, "mpu boot: NULL table", n, 0);
	for (unsigned int i = 0; i < n; i++) {
		rc = check_request(m, tbl[i].base, tbl[i].limit, &tbl[i].attr);
		if (rc)
			return rc;
		for (unsigned int j = 0; j < i; j++) {
			if (tbl[i].limit > tbl[j].base && tbl[i].base < tbl[j].limit) {
				LOG(m, AM_LOG_ERR, AM_EV_OVERLAP, "boot regions overlap", j,
				    tbl[j].base, tbl[j].limit);
				return AM_EBUSY;
			}
		}
	}
	if (n > m->nr) {
		LOG(m, AM_LOG_ERR, AM_EV_NO_SPACE, "more boot regions than the MPU has", n, m->nr,
		    0);
		return AM_ENOSPC;
	}
	return 0;
}

int am_mpu_boot(struct am_mpu_map *m, const struct am_mpu_boot_region *tbl, unsigned int n)
{
	int rc;

	if (!mpu_enter(m))
		return AM_EINVAL;
	rc = check_boot(m, tbl, n);
	if (rc)
		return mpu_leave(m, rc);
	/*
	 * Regions still enabled go first: rewriting one in place would, between
	 * its base and limit writes, span from the new base to the old limit.
	 */
	for (unsigned int i = 0; i < m->top; i++)
		if (m->r[i].used)
			region_drop(m, i);
	for (unsigned int i = 0; i < m->nr; i++) {
		m->r[i] = (struct am_mpu_region){0};
		if (i < n)
			region_take(m, i, tbl[i].base, tbl[i].limit, &tbl[i].attr);
		hw_write(m, i);
	}
	hw_sync(m);
	unlock(m);
	return 0;
}

/* ----------------------------------------------------------- operations -- */

int am_mpu_lookup(struct am_mpu_map *m, am_mpu_addr_t base, am_mpu_addr_t limit, unsigned int *idx)
{
	unsigned int i = 0;
	int rc;

	if (!mpu_enter(m))
		return AM_EINVAL;
	rc = check_range(m, base, limit);
	if (!rc)
		rc = lookup_locked(m, base, limit, &i);
	unlock(m);
	if (rc < 0)
		return rc;
	if (idx && rc != AM_MPU_NOTFOUND)
		*idx = i;
	return rc;
}

int am_mpu_map(struct am_mpu_map *m, am_mpu_addr_t base, am_mpu_addr_t limit,
	       const struct am_attr *attr)
{
	unsigned int idx = 0;
	int rc;

	if (!mpu_enter(m))
		return AM_EINVAL;
	rc = check_request(m, base, limit, attr);
	if (rc)
		return mpu_leave(m, rc);
	switch (lookup_locked(m, base, limit, &idx)) {
	case AM_MPU_NOTFOUND:
		idx = lowest_free(m);
		if (idx >= m->nr) {
			LOG(m, AM_LOG_ERR, AM_EV_NO_SPACE, "no free MPU region", 1, m->nr, 0);
			rc = AM_ENOSPC;
			break;
		}
		region_take(m, idx, base, limit, attr);
		hw_write(m, idx);
		hw_sync(m);
		rc = (int)idx;
		break;
	case AM_MPU_FOUND:
	case AM_MPU_INCLUSIVE:
		if (am_attr_diff(&m->r[idx].attr, attr)) {
			log_attr_mismatch(m, &m->r[idx].attr, attr, false);
			rc = AM_EEXIST;
		} else if (m->r[idx].refs == AM_MPU_REFS_MAX) {
			LOG(m, AM_LOG_ERR, AM_EV_REFCOUNT_SATURATED, "region refcount saturated",
			    idx, m->r[idx].refs, 0);
			rc = AM_EOVERFLOW;
		} else {
			m->r[idx].refs++;
			rc = (int)idx;
		}
		break;
	default:
		rc = refuse_range(m, AM_MPU_OVERLAP, idx, base, limit);
		break;
	}
	return mpu_leave(m, rc);
}

/* Carve [base, limit) out of region @idx, which strictly contains it. */
static int split_locked(struct am_mpu_map *m, unsigned int idx, am_mpu_addr_t base,
			am_mpu_addr_t limit)
{
	struct am_mpu_region *r = &m->r[idx];
	am_mpu_addr_t top = r->limit;
	int slot = -1;

	if (r->base < base && limit < top) {
		slot = (int)lowest_free(m);
		if (slot >= m->nr) {
			LOG(m, AM_LOG_ERR, AM_EV_NO_SPACE, "split needs a free MPU region", 1,
			    m->nr, 0);
			return AM_ENOSPC;
		}
	}
	if (r->base == base) {
		r->base = limit; /* the limit stays: one register really changes */
	} else {
		r->limit = base; /* the base stays */
	}
	hw_write(m, idx);
	if (slot >= 0) {
		/* coverage above the hole comes back only once the region shrank */
		region_take(m, (unsigned int)slot, limit, top, &r->attr);
		hw_write(m, (unsigned int)slot);
	}
	hw_sync(m);
	return 0;
}

int am_mpu_unmap(struct am_mpu_map *m, am_mpu_addr_t base, am_mpu_addr_t limit)
{
	unsigned int idx = 0;
	int rc;

	if (!mpu_enter(m))
		return AM_EINVAL;
	rc = check_range(m, base, limit);
	if (rc)
		return mpu_leave(m, rc);
	rc = lookup_locked(m, base, limit, &idx);
	if (rc == AM_MPU_NOTFOUND || rc == AM_MPU_OVERLAP) {
		rc = refuse_range(m, rc, idx, base, limit);
	} else if (m->r[idx].refs || rc == AM_MPU_FOUND) {
		put_region(m, idx);
		rc = 0;
	} else if (!(m->flags & AM_MPU_F_SPLIT)) {
		LOG(m, AM_LOG_ERR, AM_EV_PARTIAL, "partial unmap of a region refused", idx,
		    m->r[idx].base, m->r[idx].limit);
		rc = AM_ENOTSUP;
	} else {
		rc = split_locked(m, idx, base, limit);
	}
	return mpu_leave(m, rc);
}

int am_mpu_unmap_containing(struct am_mpu_map *m, am_mpu_addr_t addr)
{
	unsigned int idx = 0;
	am_mpu_addr_t g;
	int rc;

	if (!mpu_enter(m))
		return AM_EINVAL;
	/*
	 * Regions are granule aligned: the granule holding @addr lies inside
	 * the region that contains @addr, or outside every region.
	 */
	g = addr & ~(am_mpu_addr_t)(m->granule - 1u);
	if (addr >= m->addr_end) {
		LOG(m, AM_LOG_ERR, AM_EV_BAD_RANGE, "address beyond the address size", addr,
		    m->addr_end, 0);
		rc = AM_ERANGE;
	} else if (lookup_locked(m, g, g + m->granule, &idx) == AM_MPU_NOTFOUND) {
		LOG(m, AM_LOG_WARN, AM_EV_NOT_FOUND, "no region contains address", addr, 0, 0);
		rc = AM_ENOENT;
	} else {
		put_region(m, idx);
		rc = (int)idx;
	}
	return mpu_leave(m, rc);
}

int am_mpu_modify(struct am_mpu_map *m, am_mpu_addr_t base, am_mpu_addr_t limit,
		  const struct am_attr *attr)
{
	unsigned int idx = 0;
	struct am_mpu_region *r;
	int rc;

	if (!mpu_enter(m))
		return AM_EINVAL;
	rc = check_request(m, base, limit, attr);
	if (rc)
		return mpu_leave(m, rc);
	rc = lookup_locked(m, base, limit, &idx);
	/* for NOTFOUND, idx is not a region */
	r = rc == AM_MPU_NOTFOUND ? NULL : &m->r[idx];
	if (rc == AM_MPU_NOTFOUND || rc == AM_MPU_OVERLAP) {
		rc = refuse_range(m, rc, idx, base, limit);
	} else if (rc == AM_MPU_INCLUSIVE) {
		LOG(m, AM_LOG_ERR, AM_EV_PARTIAL, "modify of part of a region refused", idx,
		    r->base, r->limit);
		rc = AM_ENOTSUP;
	} else if (r->refs) {
		LOG(m, AM_LOG_ERR, AM_EV_REFERENCED, "region is referenced by others", idx, r->refs,
		    0);
		rc = AM_EBUSY;
	} else if (am_attr_diff(&r->attr, attr) & (AM_ATTR_DIFF_MTYPE | AM_ATTR_DIFF_SH)) {
		log_attr_mismatch(m, &r->attr, attr, true);
		rc = AM_EPERM;
	} else {
		rc = 0;
		if (am_attr_diff(&r->attr, attr)) {
			r->attr = *attr; /* same bounds: one in-place update */
			hw_write(m, idx);
			hw_sync(m);
		}
	}
	return mpu_leave(m, rc);
}

/* Can region @b be folded into region @a, which ends where @b starts? */
static bool mergeable(const struct am_mpu_region *a, const struct am_mpu_region *b)
{
	return a->limit == b->base && !a->refs && !b->refs && !am_attr_diff(&a->attr, &b->attr);
}

int am_mpu_merge(struct am_mpu_map *m)
{
	uint8_t ord[AM_MPU_MAX_REGIONS];
	unsigned int n = 0, cur, freed = 0;

	if (!mpu_enter(m))
		return AM_EINVAL;
	/* regions in use, by ascending base (insertion sort: at most 255) */
	for (unsigned int i = 0; i < m->top; i++) {
		unsigned int j = n++;

		if (!m->r[i].used) {
			n--;
			continue;
		}
		for (; j && m->r[ord[j - 1]].base > m->r[i].base; j--)
			ord[j] = ord[j - 1];
		ord[j] = (uint8_t)i;
	}
	cur = n ? ord[0] : 0;
	for (unsigned int k = 1; k < n; k++) {
		unsigned int nxt = ord[k], keep, gone;

		if (!mergeable(&m->r[cur], &m->r[nxt])) {
			cur = nxt;
			continue;
		}
		/* keep the lower index; its neighbour's coverage goes first */
		keep = cur < nxt ? cur : nxt;
		gone = cur < nxt ? nxt : cur;
		m->r[keep].base = m->r[cur].base;
		m->r[keep].limit = m->r[nxt].limit;
		region_drop(m, gone);
		hw_write(m, keep);
		freed++;
		cur = keep;
	}
	if (freed)
		hw_sync(m);
	return mpu_leave(m, (int)freed);
}

int am_mpu_vmap_contig(struct am_mpu_map *m, am_mpu_addr_t pa, size_t nr_pages,
		       const struct am_attr *attr, void **va)
{
	const struct am_attr rw = AM_ATTR_RW_DATA;
	uint64_t size, end;
	int rc;

	if (!mpu_enter(m))
		return AM_EINVAL;
	size = (uint64_t)nr_pages * AM_PAGE_SIZE;
	end = pa + size;
	if (!va || !nr_pages || (pa & (AM_PAGE_SIZE - 1))) {
		rc = bad_arg(m, "vmap: NULL va, no pages, or pa not 4 KiB aligned", pa, nr_pages);
	} else if (size / AM_PAGE_SIZE != (uint64_t)nr_pages || end <= pa) {
		LOG(m, AM_LOG_ERR, AM_EV_BAD_RANGE, "vmap: the range wraps around", pa, nr_pages,
		    0);
		rc = AM_EOVERFLOW;
	} else if (end > m->addr_end || end - 1 > (uint64_t)UINTPTR_MAX) {
		LOG(m, AM_LOG_ERR, AM_EV_BAD_RANGE, "vmap: beyond the address size or a pointer",
		    pa, end, 0);
		rc = AM_ERANGE;
	} else {
		rc = 0;
	}
	unlock(m); /* am_mpu_map takes it again */
	if (rc)
		return rc;
	rc = am_mpu_map(m, pa, end, attr ? attr : &rw);
	if (rc < 0)
		return rc;
	*va = (void *)(uintptr_t)pa;
	return 0;
}

int am_mpu_vunmap(struct am_mpu_map *m, const void *va)
{
	int rc = am_mpu_unmap_containing(m, (am_mpu_addr_t)(uintptr_t)va);

	return rc < 0 ? rc : 0;
}

/* --------------------------------------------------------------- queries -- */

/* The checks of the two region queries; lock held. */
static int check_index(struct am_mpu_map *m, unsigned int idx, const void *p1, const void *p2)
{
	if (!p1 || !p2)
		return bad_arg(m, "region query: NULL output", (uint64_t)(uintptr_t)p1,
			       (uint64_t)(uintptr_t)p2);
	if (idx >= m->nr) {
		LOG(m, AM_LOG_ERR, AM_EV_BAD_ARG, "region index beyond the regions managed", idx,
		    m->nr, 0);
		return AM_ERANGE;
	}
	return 0;
}

int am_mpu_region_get(struct am_mpu_map *m, unsigned int idx, struct am_mpu_region *out)
{
	int rc;

	if (!mpu_enter(m))
		return AM_EINVAL;
	rc = check_index(m, idx, out, out);
	if (!rc && m->r[idx].used)
		*out = m->r[idx];
	else if (!rc)
		rc = AM_ENOENT;
	return mpu_leave(m, rc); /* a region not in use is an answer, not a refusal: no record */
}

int am_mpu_region_regs(struct am_mpu_map *m, unsigned int idx, uint64_t *rbar, uint64_t *rlar)
{
	int rc;

	if (!mpu_enter(m))
		return AM_EINVAL;
	rc = check_index(m, idx, rbar, rlar);
	if (!rc)
		region_encode(m, &m->r[idx], rbar, rlar);
	return mpu_leave(m, rc);
}

unsigned int am_mpu_used(const struct am_mpu_map *m)
{
	return map_ok(m) ? m->used : 0;
}

unsigned int am_mpu_capacity(const struct am_mpu_map *m)
{
	return map_ok(m) ? m->nr : 0;
}
