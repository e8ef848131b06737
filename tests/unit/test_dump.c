/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Suite unit-dump: am_pt_dump() and am_mpu_dump() (armmap/dump.h), their
 * lines compared with golden strings.
 *
 * Tables live in the host backend's page pool (arch/host/pt_host), MPU maps
 * on the PMSAv8 model (arch/host/mpu_model). What the tests hold the dumps
 * to: runs of alike leaves are one line (a split block, contiguous runs),
 * a jump in the output address, a change of any attribute, of the software
 * bits or of the level starts a new one; a sub-range prints the leaves that
 * meet it, whole; each regime prints its own execute-never bits; a dump
 * takes the lock once, prints with it held, releases it, and changes
 * nothing (no table byte, no TLB maintenance, no register write); every
 * refusal returns its documented error with one record and prints nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"

#include <armmap/dump.h>
#include <armmap/errors.h>

#include "arch/host/mpu_model.h"
#include "arch/host/pt_host.h"
#include "tests/oracle/pt_oracle.h"

#define K4 0x1000ull
#define K64 0x10000ull
#define M2 0x200000ull
#define G1 0x40000000ull
#define POOL_PAGES 256u

static const struct am_attr RW = AM_ATTR_RW_DATA;
static const struct am_attr RO = AM_ATTR_RO_DATA;
static const struct am_attr RX = AM_ATTR_RX_TEXT;
static const struct am_attr DEV = AM_ATTR_DEVICE;

/* ----------------------------------------------------- what was printed -- */

static struct {
	char text[16384]; /* every line, each ended by '\n' */
	size_t len;
	unsigned int lines;
	int *lock_depth;	 /* the backend's lock nesting while printing */
	unsigned int not_locked; /* lines printed without the lock held once */
} OUT;

static void print_cb(void *arg, const char *line)
{
	size_t n = strlen(line);

	assert_ptr_equal(arg, &OUT);
	assert_true(n < AM_DUMP_LINE_MAX);
	assert_null(strchr(line, '\n'));
	if (!OUT.lock_depth || *OUT.lock_depth != 1)
		OUT.not_locked++;
	assert_true(OUT.len + n + 2 <= sizeof(OUT.text));
	memcpy(OUT.text + OUT.len, line, n);
	OUT.len += n;
	OUT.text[OUT.len++] = '\n';
	OUT.text[OUT.len] = '\0';
	OUT.lines++;
}

static void out_reset(int *lock_depth)
{
	memset(&OUT, 0, sizeof(OUT));
	OUT.lock_depth = lock_depth;
}

/* The text printed since out_reset() is @want, every line with the lock held. */
#define EXPECT_TEXT(want)                                                          \
	do {                                                                       \
		if (strcmp(OUT.text, (want)))                                      \
			fail_msg("printed:\n%s\nexpected:\n%s", OUT.text, (want)); \
		assert_int_equal(OUT.not_locked, 0);                               \
	} while (0)

/* ------------------------------------------------- a table on the pool -- */

static struct am_host_pt H;
static struct am_pt PT;
static struct oracle_pt_snap SNAP;

static struct am_pt *setup_pt(enum am_pt_regime r, unsigned int ia_bits, unsigned int oa_bits)
{
	struct am_pt_config cfg = {
		.regime = r, .ia_bits = ia_bits, .oa_bits = oa_bits, .asid = 5, .vmid = 7};

	am_host_pt_fini(&H);
	assert_int_equal(am_host_pt_init(&H, POOL_PAGES), 0);
	memset(&PT, 0x5a, sizeof(PT));
	assert_int_equal(am_pt_init(&PT, &cfg, &am_host_pt_ops, &H), 0);
	out_reset(&H.lock_depth);
	return &PT;
}

static int teardown(void **state)
{
	(void)state;
	if (PT.ready)
		am_pt_destroy(&PT);
	memset(&PT, 0, sizeof(PT));
	am_host_pt_fini(&H);
	oracle_pt_snap_free(&SNAP);
	return 0;
}

static void map(uint64_t va, uint64_t pa, uint64_t size, const struct am_attr *a,
		unsigned int flags)
{
	assert_int_equal(am_pt_map(&PT, am_va(va), am_pa(pa), size, a, flags), 0);
}

/*
 * Dump [va, va + size) of PT, expecting @rc; the table, the pool and the
 * backend's counters must not change, the lock must be taken once and
 * released, and a refusal must log one record and print nothing.
 */
static void dump_pt(uint64_t va, uint64_t size, int rc)
{
	unsigned long locks = H.locks, flushes = H.flushes, allocs = H.allocs, nlog = H.nlog_total;

	oracle_pt_snap(&SNAP, &H, &PT);
	out_reset(&H.lock_depth);
	assert_int_equal(am_pt_dump(&PT, am_va(va), size, print_cb, &OUT), rc);
	assert_int_equal(H.locks, locks + 1);
	assert_int_equal(H.unlocks, H.locks);
	assert_int_equal(H.lock_depth, 0);
	assert_int_equal(H.flushes, flushes);
	assert_int_equal(H.allocs, allocs);
	assert_int_equal(H.nlog_total, nlog + (rc ? 1u : 0u));
	if (rc)
		assert_int_equal(OUT.lines, 0);
	{
		char why[256];

		if (!oracle_pt_unchanged(&SNAP, &H, &PT, why, sizeof(why)))
			fail_msg("%s", why);
	}
}

/* ------------------------------------------------------------ grouping -- */

/* 512 pages of one 2 MiB, alike and consecutive: one line, however they came to be. */
static void pt_pages_of_a_block_are_one_line(void **state)
{
	(void)state;
	setup_pt(AM_PT_S1_EL2, 39, 40);
	map(0x40000000, 0x80000000, M2, &RW, 0);
	dump_pt(0, AM_DUMP_TO_END, 0);
	EXPECT_TEXT("0x0040000000-0x00401fffff -> 0x0080000000 L3 4K x512 valid rw- xn=1 "
		    "normal-wb inner-sh af=1 contig=0 sw=0x0\n");

	/* a block, split by a modify of one page and the page modified back */
	assert_int_equal(am_pt_unmap(&PT, am_va(0x40000000), M2), 0);
	map(0x40000000, 0x80000000, M2, &RW, AM_PT_F_BLOCK);
	dump_pt(0, AM_DUMP_TO_END, 0);
	EXPECT_TEXT("0x0040000000-0x00401fffff -> 0x0080000000 L2 2M x1 valid rw- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n");
	assert_int_equal(am_pt_modify(&PT, am_va(0x40001000), K4, &RO, 0), 0);
	dump_pt(0, AM_DUMP_TO_END, 0);
	EXPECT_TEXT("0x0040000000-0x0040000fff -> 0x0080000000 L3 4K x1 valid rw- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n"
		    "0x0040001000-0x0040001fff -> 0x0080001000 L3 4K x1 valid r-- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n"
		    "0x0040002000-0x00401fffff -> 0x0080002000 L3 4K x510 valid rw- xn=1 "
		    "normal-wb inner-sh af=1 contig=0 sw=0x0\n");
	assert_int_equal(am_pt_modify(&PT, am_va(0x40001000), K4, &RW, 0), 0);
	dump_pt(0, AM_DUMP_TO_END, 0);
	EXPECT_TEXT("0x0040000000-0x00401fffff -> 0x0080000000 L3 4K x512 valid rw- xn=1 "
		    "normal-wb inner-sh af=1 contig=0 sw=0x0\n");
}

/* Blocks of 1 GiB and 2 MiB next to each other: a new line at each level. */
static void pt_levels_break_groups(void **state)
{
	(void)state;
	setup_pt(AM_PT_S1_EL2, 39, 40);
	map(G1, G1, G1 + 2 * M2, &RX, AM_PT_F_BLOCK);
	dump_pt(0, AM_DUMP_TO_END, 0);
	EXPECT_TEXT("0x0040000000-0x007fffffff -> 0x0040000000 L1 1G x1 valid r-x xn=0 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n"
		    "0x0080000000-0x00803fffff -> 0x0080000000 L2 2M x2 valid r-x xn=0 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n");
}

/* Contiguous runs group among themselves; the hint is part of what must be alike. */
static void pt_contiguous_runs(void **state)
{
	(void)state;
	setup_pt(AM_PT_S1_EL2, 39, 40);
	/* two runs of 16, then a page the hint cannot cover */
	map(0x10000000, 0x90000000, 2 * K64 + K4, &RW, AM_PT_F_CONTIG);
	dump_pt(0, AM_DUMP_TO_END, 0);
	EXPECT_TEXT("0x0010000000-0x001001ffff -> 0x0090000000 L3 4K x32 valid rw- xn=1 normal-wb "
		    "inner-sh af=1 contig=1 sw=0x0\n"
		    "0x0010020000-0x0010020fff -> 0x0090020000 L3 4K x1 valid rw- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n");
	/* one page unmapped in the first run: its 15 others lose the hint */
	assert_int_equal(am_pt_unmap(&PT, am_va(0x10003000), K4), 0);
	dump_pt(0, AM_DUMP_TO_END, 0);
	EXPECT_TEXT("0x0010000000-0x0010002fff -> 0x0090000000 L3 4K x3 valid rw- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n"
		    "0x0010004000-0x001000ffff -> 0x0090004000 L3 4K x12 valid rw- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n"
		    "0x0010010000-0x001001ffff -> 0x0090010000 L3 4K x16 valid rw- xn=1 normal-wb "
		    "inner-sh af=1 contig=1 sw=0x0\n"
		    "0x0010020000-0x0010020fff -> 0x0090020000 L3 4K x1 valid rw- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n");
}

/* Consecutive input addresses whose output addresses jump: two lines. */
static void pt_output_jump_breaks_a_group(void **state)
{
	(void)state;
	setup_pt(AM_PT_S1_EL2, 39, 40);
	map(0x200000, 0x80000000, 2 * K4, &RO, 0);
	map(0x202000, 0x80004000, 2 * K4, &RO, 0);
	/* and a hole in the input: a new line too, whatever the output */
	map(0x205000, 0x80006000, K4, &RO, 0);
	dump_pt(0, AM_DUMP_TO_END, 0);
	EXPECT_TEXT("0x0000200000-0x0000201fff -> 0x0080000000 L3 4K x2 valid r-- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n"
		    "0x0000202000-0x0000203fff -> 0x0080004000 L3 4K x2 valid r-- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n"
		    "0x0000205000-0x0000205fff -> 0x0080006000 L3 4K x1 valid r-- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n");
}

/* Every attribute is part of a group: permissions, type, software bits, parked. */
static void pt_attribute_changes_break_groups(void **state)
{
	(void)state;
	setup_pt(AM_PT_S1_EL2, 39, 40);
	map(0x300000, 0x300000, K4, &RW, 0);
	map(0x301000, 0x301000, K4, &RO, 0);
	map(0x302000, 0x302000, K4, &RO, AM_PT_F_SW(5));
	map(0x303000, 0x303000, K4, &DEV, 0);
	map(0x304000, 0x304000, K4, &DEV, AM_PT_F_PARKED | AM_PT_F_SW(1));
	map(0x305000, 0x305000, K4, &DEV, AM_PT_F_PARKED | AM_PT_F_SW(1));
	dump_pt(0, AM_DUMP_TO_END, 0);
	EXPECT_TEXT("0x0000300000-0x0000300fff -> 0x0000300000 L3 4K x1 valid rw- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n"
		    "0x0000301000-0x0000301fff -> 0x0000301000 L3 4K x1 valid r-- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n"
		    "0x0000302000-0x0000302fff -> 0x0000302000 L3 4K x1 valid r-- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x5\n"
		    "0x0000303000-0x0000303fff -> 0x0000303000 L3 4K x1 valid rw- xn=1 "
		    "device-nGnRE outer-sh af=1 contig=0 sw=0x0\n"
		    "0x0000304000-0x0000305fff -> 0x0000304000 L3 4K x2 parked rw- xn=1 "
		    "device-nGnRE outer-sh af=1 contig=0 sw=0x1\n");
}

/* A sub-range prints the leaves that meet it, each whole; nothing mapped prints nothing. */
static void pt_sub_ranges(void **state)
{
	(void)state;
	setup_pt(AM_PT_S1_EL2, 39, 40);
	map(0x40000000, 0x80000000, M2, &RW, 0);
	map(0x40200000, 0x80200000, M2, &RW, AM_PT_F_BLOCK);
	dump_pt(0x40010000, K64, 0);
	EXPECT_TEXT("0x0040010000-0x004001ffff -> 0x0080010000 L3 4K x16 valid rw- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n");
	/* one page inside the block: the whole block */
	dump_pt(0x40300000, K4, 0);
	EXPECT_TEXT("0x0040200000-0x00403fffff -> 0x0080200000 L2 2M x1 valid rw- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n");
	/* across the edge: the last page, then the block */
	dump_pt(0x401ff000, 2 * K4, 0);
	EXPECT_TEXT("0x00401ff000-0x00401fffff -> 0x00801ff000 L3 4K x1 valid rw- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n"
		    "0x0040200000-0x00403fffff -> 0x0080200000 L2 2M x1 valid rw- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n");
	/* from an address to the end of the input space */
	dump_pt(0x40200000, AM_DUMP_TO_END, 0);
	assert_int_equal(OUT.lines, 1);
	dump_pt(0x50000000, AM_DUMP_TO_END, 0);
	EXPECT_TEXT("");
	dump_pt(0, K4, 0);
	EXPECT_TEXT("");
}

/* Stage 1 EL1&0: privilege, PXN and UXN, nG; 48-bit inputs, 48-bit outputs. */
static void pt_el10_fields(void **state)
{
	const struct am_attr user_ro = {AM_PERM_R | AM_PERM_USER, AM_MT_NORMAL_WB, AM_SH_INNER};
	const struct am_attr user_rx = {AM_PERM_R | AM_PERM_X | AM_PERM_USER, AM_MT_NORMAL_WT,
					AM_SH_NONE};

	(void)state;
	setup_pt(AM_PT_S1_EL10, 48, 48);
	map(0x400000, 0x400000, K4, &RW, 0);
	map(0x401000, 0x401000, K4, &RW, AM_PT_F_NG);
	map(0x402000, 0x402000, K4, &RX, 0);
	map(0x403000, 0x403000, K4, &user_ro, AM_PT_F_NG);
	map(0x404000, 0x404000, K4, &user_rx, 0);
	dump_pt(0, AM_DUMP_TO_END, 0);
	EXPECT_TEXT("0x000000400000-0x000000400fff -> 0x000000400000 L3 4K x1 valid rw- priv "
		    "pxn=1 uxn=1 normal-wb inner-sh af=1 ng=0 contig=0 sw=0x0\n"
		    "0x000000401000-0x000000401fff -> 0x000000401000 L3 4K x1 valid rw- priv "
		    "pxn=1 uxn=1 normal-wb inner-sh af=1 ng=1 contig=0 sw=0x0\n"
		    "0x000000402000-0x000000402fff -> 0x000000402000 L3 4K x1 valid r-x priv "
		    "pxn=0 uxn=1 normal-wb inner-sh af=1 ng=0 contig=0 sw=0x0\n"
		    "0x000000403000-0x000000403fff -> 0x000000403000 L3 4K x1 valid r-- user "
		    "pxn=1 uxn=1 normal-wb inner-sh af=1 ng=1 contig=0 sw=0x0\n"
		    "0x000000404000-0x000000404fff -> 0x000000404000 L3 4K x1 valid r-x user "
		    "pxn=0 uxn=0 normal-wt non-sh af=1 ng=0 contig=0 sw=0x0\n");
}

/* Stage 2: XN[1:0], MemAttr; a 32-bit IPA space, 40-bit outputs. */
static void pt_s2_fields(void **state)
{
	const struct am_attr rwx = {AM_PERM_R | AM_PERM_W | AM_PERM_X, AM_MT_NORMAL_WB,
				    AM_SH_INNER};
	const struct am_attr nc = {AM_PERM_R | AM_PERM_W, AM_MT_NORMAL_NC, AM_SH_OUTER};

	(void)state;
	setup_pt(AM_PT_S2, 32, 40);
	map(0x40000000, 0x8000000000ull - G1, 2 * M2, &rwx, AM_PT_F_BLOCK);
	map(0x09000000, 0x09000000, K4, &DEV, 0);
	map(0x10000000, 0x10000000, K4, &nc, 0);
	dump_pt(0, AM_DUMP_TO_END, 0);
	EXPECT_TEXT("0x09000000-0x09000fff -> 0x0009000000 L3 4K x1 valid rw- xn=2 device-nGnRE "
		    "outer-sh af=1 contig=0 sw=0x0\n"
		    "0x10000000-0x10000fff -> 0x0010000000 L3 4K x1 valid rw- xn=2 normal-nc "
		    "outer-sh af=1 contig=0 sw=0x0\n"
		    "0x40000000-0x403fffff -> 0x7fc0000000 L2 2M x2 valid rwx xn=0 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n");
}

/* Leaves written by hand that armmap would not write print as they are. */
static void pt_foreign_descriptors(void **state)
{
	struct am_pt_leaf l;
	am_pte_t *p;

	(void)state;
	setup_pt(AM_PT_S1_EL2, 39, 40);
	map(0x600000, 0x600000, 2 * K4, &RW, 0);
	assert_int_equal(am_pt_query(&PT, am_va(0x601000), &l), 0);
	/* the second page: AttrIndx 7 (no armmap type), SH 01 (reserved), AF clear */
	p = NULL;
	{
		struct vmsa_cfg vc = {.regime = VMSA_S1_EL2,
				      .ia_bits = 39,
				      .oa_bits = 40,
				      .root_pa = am_pa_val(PT.root_pa),
				      .mair = am_pt_mair(&PT)};
		struct vmsa_result r;

		vmsa_walk(&vc, am_host_pt_read, &H, 0x601000, &r);
		assert_int_equal(r.fault, VMSA_OK);
		p = am_host_pt_va(&H, r.table_pa[r.nlevels - 1] + ((0x601000 >> 12) & 511) * 8);
	}
	assert_non_null(p);
	*p = (*p & ~(0x7ull << 2 | 3ull << 8 | AM_PTE_AF)) | 7ull << 2 | 1ull << 8;
	dump_pt(0, AM_DUMP_TO_END, 0);
	EXPECT_TEXT("0x0000600000-0x0000600fff -> 0x0000600000 L3 4K x1 valid rw- xn=1 normal-wb "
		    "inner-sh af=1 contig=0 sw=0x0\n"
		    "0x0000601000-0x0000601fff -> 0x0000601000 L3 4K x1 valid rw- xn=1 mem? sh? "
		    "af=0 contig=0 sw=0x0\n");
	/* put it back, so that teardown's destroy sees what it wrote */
	*p = l.pte;
}

/*
 * LPA2 (4 KiB, oa_bits 52): a leaf's bits [9:8] are OA[51:50], its
 * shareability TCR's: inner for normal memory, outer for devices, whatever
 * the output address.
 */
static void pt_lpa2_shareability(void **state)
{
	(void)state;
	setup_pt(AM_PT_S1_EL2, 48, 52);
	assert_int_equal(PT.lpa, 2);
	map(0x40000000, 0x40000000, K4, &RW, 0);
	map(0x40001000, 0xc000012345000ull, K4, &RW, 0);
	map(0x40002000, 0xc000012346000ull, K4, &AM_ATTR_DEVICE, 0);
	dump_pt(0, AM_DUMP_TO_END, 0);
	EXPECT_TEXT("0x000040000000-0x000040000fff -> 0x0000040000000 L3 4K x1 valid rw- xn=1 "
		    "normal-wb inner-sh af=1 contig=0 sw=0x0\n"
		    "0x000040001000-0x000040001fff -> 0xc000012345000 L3 4K x1 valid rw- xn=1 "
		    "normal-wb inner-sh af=1 contig=0 sw=0x0\n"
		    "0x000040002000-0x000040002fff -> 0xc000012346000 L3 4K x1 valid rw- xn=1 "
		    "device-nGnRE outer-sh af=1 contig=0 sw=0x0\n");
}

/* ------------------------------------------------------------- refusals -- */

static unsigned int FALLBACK;
static enum am_log_event FALLBACK_EV;

static void fallback(void *ctx, const struct am_log_rec *rec)
{
	(void)ctx;
	FALLBACK++;
	FALLBACK_EV = rec->event;
}

static void pt_refusals(void **state)
{
	struct am_pt zero;

	(void)state;
	setup_pt(AM_PT_S1_EL2, 39, 40);
	map(0x40000000, 0x80000000, M2, &RW, AM_PT_F_BLOCK);
	/* a NULL, never initialised or destroyed table: one record to the fallback hook */
	am_log_set_fallback(fallback, NULL);
	FALLBACK = 0;
	out_reset(NULL);
	assert_int_equal(am_pt_dump(NULL, am_va(0), K4, print_cb, &OUT), AM_EINVAL);
	assert_int_equal(FALLBACK, 1);
	assert_int_equal(FALLBACK_EV, AM_EV_NOT_READY);
	memset(&zero, 0, sizeof(zero));
	assert_int_equal(am_pt_dump(&zero, am_va(0), K4, print_cb, &OUT), AM_EINVAL);
	assert_int_equal(FALLBACK, 2);
	assert_int_equal(OUT.lines, 0);
	assert_int_equal(H.locks, H.unlocks);
	/* through the table's hook, with its lock held (dump_pt() checks the rest) */
	H.unlocked_logs = 0;
	am_host_pt_clear_log(&H);
	dump_pt(0x40000000, 0, AM_EINVAL);
	assert_int_equal(H.log[0].event, AM_EV_BAD_RANGE);
	dump_pt(0x40000800, K4, AM_EINVAL);
	dump_pt(0x40000000, 3, AM_EINVAL);
	dump_pt(0x40000800, AM_DUMP_TO_END, AM_EINVAL);
	dump_pt(~0xfffull, 2 * K4, AM_EOVERFLOW);
	dump_pt(1ull << 39, K4, AM_ERANGE);
	dump_pt(0, (1ull << 39) + K4, AM_ERANGE);
	dump_pt(1ull << 39, AM_DUMP_TO_END, AM_ERANGE);
	dump_pt(~0xfffull, AM_DUMP_TO_END, AM_EOVERFLOW);
	{
		unsigned long locks = H.locks;

		am_host_pt_clear_log(&H);
		assert_int_equal(am_pt_dump(&PT, am_va(0), K4, NULL, &OUT), AM_EINVAL);
		assert_int_equal(H.nlog, 1);
		assert_int_equal(H.log[0].event, AM_EV_BAD_ARG);
		assert_int_equal(H.locks, locks + 1);
		assert_int_equal(H.unlocks, H.locks);
	}
	assert_int_equal(H.unlocked_logs, 0);
	assert_int_equal(FALLBACK, 2);
	am_pt_destroy(&PT);
	assert_int_equal(am_pt_dump(&PT, am_va(0), K4, print_cb, &OUT), AM_EINVAL);
	assert_int_equal(FALLBACK, 3);
	assert_int_equal(OUT.lines, 0);
	am_log_set_fallback(NULL, NULL);
}

/* ----------------------------------------------------------------- MPU -- */

static struct am_host_mpu MH;
static struct am_mpu_region STORE[32];
static struct am_mpu_map M;

static struct am_mpu_map *setup_mpu(enum am_mpu_flavour f, unsigned int flags)
{
	struct am_mpu_config cfg = {
		.flavour = f, .storage = STORE, .storage_len = 32, .flags = flags};

	memset(STORE, 0xa5, sizeof(STORE));
	am_host_mpu_init(&MH, f, 16);
	assert_int_equal(am_mpu_init(&M, &cfg, &am_host_mpu_ops, &MH), 0);
	return &M;
}

/* Dump M expecting @rc: the lock taken once and released, no register written. */
static void dump_mpu(int rc)
{
	unsigned long locks = MH.locks, writes = MH.hw.writes, syncs = MH.hw.syncs;
	struct am_mpu_map before = M;
	struct am_mpu_region store[32];

	memcpy(store, STORE, sizeof(store));
	out_reset(&MH.lock_depth);
	assert_int_equal(am_mpu_dump(&M, print_cb, &OUT), rc);
	assert_int_equal(MH.locks, locks + 1);
	assert_int_equal(MH.unlocks, MH.locks);
	assert_int_equal(MH.lock_depth, 0);
	assert_int_equal(MH.hw.writes, writes);
	assert_int_equal(MH.hw.syncs, syncs);
	assert_memory_equal(&before, &M, sizeof(M));
	assert_memory_equal(store, STORE, sizeof(store));
}

static void mpu_regions_and_references(void **state)
{
	struct am_mpu_map *m = setup_mpu(AM_MPU_V8M, 0);

	(void)state;
	dump_mpu(0);
	EXPECT_TEXT("");
	assert_int_equal(am_mpu_map(m, 0x10000000, 0x10080000, &RX), 0);
	assert_int_equal(am_mpu_map(m, 0x20000000, 0x20010000, &RW), 1);
	assert_int_equal(am_mpu_map(m, 0x40000000, 0x40001000, &DEV), 2);
	/* two inclusive maps: references on region 1 */
	assert_int_equal(am_mpu_map(m, 0x20001000, 0x20002000, &RW), 1);
	assert_int_equal(am_mpu_vmap_contig(m, 0x20004000, 2, NULL, &(void *){NULL}), 0);
	dump_mpu(0);
	EXPECT_TEXT("region 0: 0x10000000-0x1007ffff r-x priv normal-wb inner-sh ap=2 xn=0 attr=4 "
		    "refs=0\n"
		    "region 1: 0x20000000-0x2000ffff rw- priv normal-wb inner-sh ap=0 xn=1 attr=4 "
		    "refs=2\n"
		    "region 2: 0x40000000-0x40000fff rw- priv device-nGnRE outer-sh ap=0 xn=1 "
		    "attr=1 refs=0\n");
	/* a region given back leaves a hole in the indices: no line for it */
	assert_int_equal(am_mpu_unmap(m, 0x10000000, 0x10080000), 0);
	assert_int_equal(am_mpu_unmap_containing(m, 0x20000000), 1);
	dump_mpu(0);
	EXPECT_TEXT("region 1: 0x20000000-0x2000ffff rw- priv normal-wb inner-sh ap=0 xn=1 attr=4 "
		    "refs=1\n"
		    "region 2: 0x40000000-0x40000fff rw- priv device-nGnRE outer-sh ap=0 xn=1 "
		    "attr=1 refs=0\n");
}

/* Each flavour's own fields: v8-R AArch64's 48-bit addresses and XN[1:0]; user access. */
static void mpu_flavours(void **state)
{
	const struct am_attr user_ro = {AM_PERM_R | AM_PERM_USER, AM_MT_NORMAL_WT, AM_SH_NONE};
	struct am_mpu_map *m;

	(void)state;
	m = setup_mpu(AM_MPU_V8R_AARCH64, 0);
	assert_int_equal(am_mpu_map(m, 0x800000000ull, 0x800001000ull, &RW), 0);
	assert_int_equal(am_mpu_map(m, 0x1000, 0x2000, &user_ro), 1);
	dump_mpu(0);
	EXPECT_TEXT("region 0: 0x000800000000-0x000800000fff rw- priv normal-wb inner-sh ap=0 xn=2 "
		    "attr=4 refs=0\n"
		    "region 1: 0x000000001000-0x000000001fff r-- user normal-wt non-sh ap=3 xn=2 "
		    "attr=3 refs=0\n");
	m = setup_mpu(AM_MPU_V8R_AARCH32, 0);
	assert_int_equal(am_mpu_map(m, 0xffffffc0ull, 0x100000000ull, &RX), 0);
	dump_mpu(0);
	EXPECT_TEXT("region 0: 0xffffffc0-0xffffffff r-x priv normal-wb inner-sh ap=2 xn=0 attr=4 "
		    "refs=0\n");
}

static void mpu_refusals(void **state)
{
	struct am_mpu_map zero;
	unsigned long locks;

	(void)state;
	setup_mpu(AM_MPU_V8M, 0);
	assert_int_equal(am_mpu_map(&M, 0x20000000, 0x20010000, &RW), 0);
	am_log_set_fallback(fallback, NULL);
	FALLBACK = 0;
	out_reset(NULL);
	assert_int_equal(am_mpu_dump(NULL, print_cb, &OUT), AM_EINVAL);
	memset(&zero, 0, sizeof(zero));
	assert_int_equal(am_mpu_dump(&zero, print_cb, &OUT), AM_EINVAL);
	assert_int_equal(FALLBACK, 2);
	assert_int_equal(FALLBACK_EV, AM_EV_NOT_READY);
	assert_int_equal(OUT.lines, 0);
	/* NULL print: one record through the map's hook, under its lock */
	am_host_mpu_clear_log(&MH);
	locks = MH.locks;
	assert_int_equal(am_mpu_dump(&M, NULL, &OUT), AM_EINVAL);
	assert_int_equal(MH.nlog, 1);
	assert_int_equal(MH.log[0].event, AM_EV_BAD_ARG);
	assert_int_equal(MH.unlocked_logs, 0);
	assert_int_equal(MH.locks, locks + 1);
	assert_int_equal(MH.unlocks, MH.locks);
	assert_int_equal(FALLBACK, 2);
	am_log_set_fallback(NULL, NULL);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(pt_pages_of_a_block_are_one_line, teardown),
		cmocka_unit_test_teardown(pt_levels_break_groups, teardown),
		cmocka_unit_test_teardown(pt_contiguous_runs, teardown),
		cmocka_unit_test_teardown(pt_output_jump_breaks_a_group, teardown),
		cmocka_unit_test_teardown(pt_attribute_changes_break_groups, teardown),
		cmocka_unit_test_teardown(pt_sub_ranges, teardown),
		cmocka_unit_test_teardown(pt_el10_fields, teardown),
		cmocka_unit_test_teardown(pt_s2_fields, teardown),
		cmocka_unit_test_teardown(pt_foreign_descriptors, teardown),
		cmocka_unit_test_teardown(pt_lpa2_shareability, teardown),
		cmocka_unit_test_teardown(pt_refusals, teardown),
		cmocka_unit_test(mpu_regions_and_references),
		cmocka_unit_test(mpu_flavours),
		cmocka_unit_test(mpu_refusals),
	};

	AM_RUN_SUITE("unit-dump", tests);
}
