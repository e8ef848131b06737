/* SPDX-License-Identifier: BSD-3-Clause */
/* Suite unit-core: error names and the attribute model. */
#include <string.h>

#include "tests/unit/harness.h"

#include <armmap/attr.h>
#include <armmap/errors.h>

static void strerror_names_every_code(void **state)
{
	static const int codes[] = {AM_OK,     AM_EPERM,     AM_ENOENT, AM_ENOMEM,
				    AM_EBUSY,  AM_EEXIST,    AM_EINVAL, AM_ENOSPC,
				    AM_ERANGE, AM_EOVERFLOW, AM_EILSEQ, AM_ENOTSUP};
	(void)state;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		assert_non_null(am_strerror(codes[i]));
		assert_string_not_equal(am_strerror(codes[i]), "unknown error");
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(am_strerror(codes[i]), am_strerror(codes[j]));
	}
	assert_string_equal(am_strerror(-9999), "unknown error");
	/* and each its constant's name */
	assert_string_equal(am_errname(AM_OK), "AM_OK");
	assert_string_equal(am_errname(AM_EPERM), "AM_EPERM");
	assert_string_equal(am_errname(AM_ENOENT), "AM_ENOENT");
	assert_string_equal(am_errname(AM_ENOMEM), "AM_ENOMEM");
	assert_string_equal(am_errname(AM_EBUSY), "AM_EBUSY");
	assert_string_equal(am_errname(AM_EEXIST), "AM_EEXIST");
	assert_string_equal(am_errname(AM_EINVAL), "AM_EINVAL");
	assert_string_equal(am_errname(AM_ENOSPC), "AM_ENOSPC");
	assert_string_equal(am_errname(AM_ERANGE), "AM_ERANGE");
	assert_string_equal(am_errname(AM_EOVERFLOW), "AM_EOVERFLOW");
	assert_string_equal(am_errname(AM_EILSEQ), "AM_EILSEQ");
	assert_string_equal(am_errname(AM_ENOTSUP), "AM_ENOTSUP");
	assert_string_equal(am_errname(-9999), "AM_E?");
	assert_string_equal(am_errname(5), "AM_E?");
	assert_string_equal(am_strerror(5), "unknown error");
}

static void error_values_mirror_errno(void **state)
{
	(void)state;
	assert_int_equal(AM_EPERM, -1);
	assert_int_equal(AM_ENOENT, -2);
	assert_int_equal(AM_ENOMEM, -12);
	assert_int_equal(AM_EBUSY, -16);
	assert_int_equal(AM_EEXIST, -17);
	assert_int_equal(AM_EINVAL, -22);
	assert_int_equal(AM_ENOSPC, -28);
	assert_int_equal(AM_ERANGE, -34);
	assert_int_equal(AM_EOVERFLOW, -75);
	assert_int_equal(AM_ENOTSUP, -95);
}

static void convenience_sets_are_valid(void **state)
{
	const struct am_attr sets[] = {AM_ATTR_RW_DATA, AM_ATTR_RO_DATA, AM_ATTR_RX_TEXT,
				       AM_ATTR_DEVICE};
	(void)state;
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(am_attr_check(&sets[i]), 0);
	assert_int_equal(sets[0].perm, AM_PERM_R | AM_PERM_W);
	assert_int_equal(sets[1].perm, AM_PERM_R);
	assert_int_equal(sets[2].perm, AM_PERM_R | AM_PERM_X);
	assert_true(am_attr_is_device(&sets[3]));
	assert_false(am_attr_is_device(&sets[0]));
}

static void attr_check_refuses_malformed(void **state)
{
	struct am_attr a = AM_ATTR_RW_DATA;
	(void)state;
	assert_int_equal(am_attr_check(NULL), AM_EINVAL);
	a.perm = 0x10;
	assert_int_equal(am_attr_check(&a), AM_EINVAL);
	a = AM_ATTR_RW_DATA;
	a.mtype = AM_MT_COUNT;
	assert_int_equal(am_attr_check(&a), AM_EINVAL);
	a = AM_ATTR_RW_DATA;
	a.sh = 1; /* reserved */
	assert_int_equal(am_attr_check(&a), AM_EINVAL);
	a.sh = 4;
	assert_int_equal(am_attr_check(&a), AM_EINVAL);
	a.sh = AM_SH_NONE;
	assert_int_equal(am_attr_check(&a), 0);
	a.sh = AM_SH_OUTER;
	assert_int_equal(am_attr_check(&a), 0);
}

static void attr_check_refuses_write_exec_and_device_exec(void **state)
{
	struct am_attr a = AM_ATTR_RW_DATA;
	(void)state;
	a.perm |= AM_PERM_X;
	assert_int_equal(am_attr_check(&a), AM_EPERM);
	a.perm = AM_PERM_W | AM_PERM_X;
	assert_int_equal(am_attr_check(&a), AM_EPERM);
	a = AM_ATTR_DEVICE;
	a.perm = AM_PERM_R | AM_PERM_X;
	assert_int_equal(am_attr_check(&a), AM_EPERM);
	a.mtype = AM_MT_DEVICE_nGnRnE;
	assert_int_equal(am_attr_check(&a), AM_EPERM);
	a.mtype = AM_MT_NORMAL_NC;
	assert_int_equal(am_attr_check(&a), 0);
}

static void attr_diff_names_each_attribute(void **state)
{
	const struct am_attr base = AM_ATTR_RW_DATA;
	struct am_attr b;
	(void)state;
	assert_int_equal(am_attr_diff(&base, &base), 0);
	b = base;
	b.perm = AM_PERM_R;
	assert_int_equal(am_attr_diff(&base, &b), AM_ATTR_DIFF_PERM);
	b = AM_ATTR_RO_DATA;
	b.perm |= AM_PERM_X;
	assert_int_equal(am_attr_diff(&base, &b), AM_ATTR_DIFF_PERM | AM_ATTR_DIFF_XN);
	b = base;
	b.perm |= AM_PERM_USER;
	assert_int_equal(am_attr_diff(&base, &b), AM_ATTR_DIFF_USER);
	b = base;
	b.mtype = AM_MT_NORMAL_NC;
	assert_int_equal(am_attr_diff(&base, &b), AM_ATTR_DIFF_MTYPE);
	b = base;
	b.sh = AM_SH_OUTER;
	assert_int_equal(am_attr_diff(&base, &b), AM_ATTR_DIFF_SH);
}

static void mair_bytes(void **state)
{
	(void)state;
	assert_int_equal(am_mair_byte(AM_MT_DEVICE_nGnRnE), 0x00);
	assert_int_equal(am_mair_byte(AM_MT_DEVICE_nGnRE), 0x04);
	assert_int_equal(am_mair_byte(AM_MT_NORMAL_NC), 0x44);
	assert_int_equal(am_mair_byte(AM_MT_NORMAL_WT), 0xbb);
	assert_int_equal(am_mair_byte(AM_MT_NORMAL_WB), 0xff);
	assert_int_equal(am_mair_byte(AM_MT_COUNT), AM_EINVAL);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(strerror_names_every_code),
		cmocka_unit_test(error_values_mirror_errno),
		cmocka_unit_test(convenience_sets_are_valid),
		cmocka_unit_test(attr_check_refuses_malformed),
		cmocka_unit_test(attr_check_refuses_write_exec_and_device_exec),
		cmocka_unit_test(attr_diff_names_each_attribute),
		cmocka_unit_test(mair_bytes),
	};
	AM_RUN_SUITE("unit-core", tests);
}
