/* SPDX-License-Identifier: BSD-3-Clause */
/* The attribute model: validity rules, comparison, MAIR bytes. */
#include <armmap/attr.h>
#include <armmap/errors.h>

#include "internal.h"

const struct am_attr am_attr_rw_data = AM_ATTR_RW_DATA_INIT;
const struct am_attr am_attr_ro_data = AM_ATTR_RO_DATA_INIT;
const struct am_attr am_attr_rx_text = AM_ATTR_RX_TEXT_INIT;
const struct am_attr am_attr_device = AM_ATTR_DEVICE_INIT;

int am_attr_validate(const struct am_attr *a)
{
	if (!a || (a->perm & ~AM_PERM_MASK) || a->mtype >= AM_MT_COUNT || a->sh == 1 ||
	    a->sh > AM_SH_INNER)
		return AM_EINVAL;
	if ((a->perm & AM_PERM_W) && (a->perm & AM_PERM_X))
		return AM_EPERM;
	if ((a->perm & AM_PERM_X) && am_attr_is_device(a))
		return AM_EPERM;
	return 0;
}

int am_attr_check(const struct am_attr *a)
{
	int rc = am_attr_validate(a);

	if (!a)
		am_log_fallback(AM_LOG_ERR, AM_EV_BAD_ARG, "attr: NULL attributes", 0, 0, 0);
	else if (rc == AM_EINVAL)
		am_log_fallback(AM_LOG_ERR, AM_EV_BAD_ARG,
				"attr: unknown permission bits, memory type or shareability",
				a->perm, a->mtype, a->sh);
	else if (rc == AM_EPERM && (a->perm & AM_PERM_W))
		am_log_fallback(AM_LOG_ERR, AM_EV_WRITE_EXEC, "attr: write+execute refused",
				a->perm, 0, 0);
	else if (rc == AM_EPERM)
		am_log_fallback(AM_LOG_ERR, AM_EV_DEVICE_EXEC,
				"attr: execute from device memory refused", a->mtype, 0, 0);
	return rc;
}

unsigned int am_attr_diff(const struct am_attr *a, const struct am_attr *b)
{
	unsigned int d = 0;
	unsigned int p;

	if (!a || !b) {
		am_log_fallback(AM_LOG_ERR, AM_EV_BAD_ARG,
				"attr: NULL attributes to compare (all differ)",
				(uint64_t)(uintptr_t)a, (uint64_t)(uintptr_t)b, 0);
		return AM_ATTR_DIFF_ALL;
	}
	p = a->perm ^ b->perm;
	if (p & (AM_PERM_R | AM_PERM_W))
		d |= AM_ATTR_DIFF_PERM;
	if (p & AM_PERM_X)
		d |= AM_ATTR_DIFF_XN;
	if (p & AM_PERM_USER)
		d |= AM_ATTR_DIFF_USER;
	if (a->mtype != b->mtype)
		d |= AM_ATTR_DIFF_MTYPE;
	if (a->sh != b->sh)
		d |= AM_ATTR_DIFF_SH;
	return d;
}

int am_mair_byte(unsigned int mtype)
{
	static const uint8_t bytes[AM_MT_COUNT] = {0x00, 0x04, 0x44, 0xbb, 0xff};

	if (mtype >= AM_MT_COUNT) {
		am_log_fallback(AM_LOG_ERR, AM_EV_BAD_ARG, "attr: unknown memory type", mtype, 0,
				0);
		return AM_EINVAL;
	}
	return bytes[mtype];
}
