/* SPDX-License-Identifier: BSD-3-Clause */
/* The attribute model: validity rules, comparison, MAIR bytes. */
#include <armmap/attr.h>
#include <armmap/errors.h>

int am_attr_check(const struct am_attr *a)
{
	if (!a || (a->perm & ~AM_PERM_MASK) || a->mtype >= AM_MT_COUNT ||
	    a->sh == 1 || a->sh > AM_SH_INNER)
		return AM_EINVAL;
	if ((a->perm & AM_PERM_W) && (a->perm & AM_PERM_X))
		return AM_EPERM;
	if ((a->perm & AM_PERM_X) && am_attr_is_device(a))
		return AM_EPERM;
	return 0;
}

unsigned int am_attr_diff(const struct am_attr *a, const struct am_attr *b)
{
	unsigned int d = 0;
	unsigned int p = a->perm ^ b->perm;

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
	static const uint8_t bytes[AM_MT_COUNT] = { 0x00, 0x04, 0x44, 0xbb, 0xff };

	if (mtype >= AM_MT_COUNT)
		return AM_EINVAL;
	return bytes[mtype];
}
