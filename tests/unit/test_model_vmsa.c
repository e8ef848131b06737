/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the VMSAv8-64 walk model (model/vmsa.c), the TLB model
 * (model/tlb.c) and the host table backend (arch/host/pt_host.c). Every
 * descriptor is written here bit by bit from the Arm ARM layout into a small
 * fake memory (an array of pages), never through library code, and the
 * models' answers are checked against what the architecture says.
 */
#include "tests/unit/harness.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arch/aarch64/tlbi_range.h"
#include "arch/host/pt_host.h"
#include "model/tlb.h"
#include "model/vmsa.h"

/* ---------------------------------------------------- descriptor bits -- */

#define D_VALID (1ull << 0)
#define D_TABLE (1ull << 1) /* levels 0-2: table; level 3: page */
#define D_ATTRIDX(i) ((uint64_t)(i) << 2)
#define D_MEMATTR(m) ((uint64_t)(m) << 2) /* stage 2 */
#define D_AP(ap) ((uint64_t)(ap) << 6)	  /* AP[2:1] / S2AP[1:0] */
#define D_SH(s) ((uint64_t)(s) << 8)
#define D_AF (1ull << 10)
#define D_NG (1ull << 11)
#define D_CONTIG (1ull << 52)
#define D_PXN (1ull << 53)
#define D_XN (1ull << 54) /* XN / UXN */
#define D_SW(s) ((uint64_t)(s) << 55)
#define T_PXN (1ull << 59)
#define T_XN (1ull << 60)
#define T_AP0 (1ull << 61)
#define T_AP1 (1ull << 62)

#define KIB 1024ull
#define MIB (1024ull * KIB)
#define GIB (1024ull * MIB)

/* a table descriptor, a block (levels 1-2), a page (level 3) */
#define TBL(pa) ((uint64_t)(pa) | D_VALID | D_TABLE)
#define BLK(pa) ((uint64_t)(pa) | D_VALID)
#define PG(pa) ((uint64_t)(pa) | D_VALID | D_TABLE)

/* stage 1 EL2, RW, normal (AttrIndx 0), inner shareable: AP[1] RES1 set */
#define EL2_RW (D_AP(1) | D_AF | D_SH(3) | D_ATTRIDX(0))

#define MAIR_TEST 0x1122334455667788ull /* AttrIndx i selects byte i */

/* ------------------------------------------------------ fake memory -- */

#define NPAGES 64
#define MEM_BASE 0x40000000ull

static uint64_t mem[NPAGES][512];
static bool present[NPAGES];

static uint64_t tpa(unsigned int page)
{
	return MEM_BASE + (uint64_t)page * 4096;
}

static uint64_t mem_read(void *ctx, uint64_t pa, bool *ok)
{
	uint64_t page;

	(void)ctx;
	if (pa < MEM_BASE || (pa & 7) || (page = (pa - MEM_BASE) / 4096) >= NPAGES ||
	    !present[page]) {
		*ok = false;
		return 0;
	}
	*ok = true;
	return mem[page][(pa % 4096) / 8];
}

static void mem_reset(void)
{
	memset(mem, 0, sizeof(mem));
	memset(present, 0, sizeof(present));
}

static void put(unsigned int page, unsigned int idx, uint64_t d)
{
	present[page] = true;
	mem[page][idx] = d;
}

/*
 * The standard 48-bit layout: root (level 0) in page 0, level 1 in page 1,
 * level 2 in page 2, level 3 in page 3, all on the path of VA 0.
 */
static void build48(void)
{
	mem_reset();
	put(0, 0, TBL(tpa(1)));
	put(1, 0, TBL(tpa(2)));
	put(2, 0, TBL(tpa(3)));
	present[3] = true;
}

static struct vmsa_cfg cfg_of(int regime, unsigned int ia, unsigned int oa)
{
	struct vmsa_cfg c = {regime, ia, oa, tpa(0), MAIR_TEST, false, 0, false, 0};

	return c;
}

static void walk(const struct vmsa_cfg *c, uint64_t va, struct vmsa_result *r)
{
	vmsa_walk(c, mem_read, NULL, va, r);
}

static enum vmsa_fault access_fault(const struct vmsa_cfg *c, uint64_t va, unsigned int acc)
{
	struct vmsa_result r;

	vmsa_access(c, mem_read, NULL, va, acc, &r);
	return r.fault;
}

static enum vmsa_fault want(bool allowed)
{
	return allowed ? VMSA_OK : VMSA_F_PERMISSION;
}

/* ------------------------------------------------------ walk basics -- */

static void test_fault_names(void **state)
{
	(void)state;
	assert_string_equal(vmsa_fault_name(VMSA_OK), "ok");
	assert_string_equal(vmsa_fault_name(VMSA_F_TRANSLATION), "translation");
	assert_string_equal(vmsa_fault_name(VMSA_F_CONTIG), "contiguous");
	assert_string_equal(vmsa_fault_name(VMSA_F_EXTERNAL), "external-abort");
	assert_string_equal(vmsa_fault_name((enum vmsa_fault)99), "?");
	assert_int_equal(vmsa_root_level(48), 0);
	assert_int_equal(vmsa_root_level(40), 0);
	assert_int_equal(vmsa_root_level(39), 1);
	assert_int_equal(vmsa_root_level(31), 1);
	assert_int_equal(vmsa_root_level(30), 2);
	assert_int_equal(vmsa_root_level(25), 2);
}

static void test_page_4k_48bit(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 48, 48);
	struct vmsa_result r;

	(void)state;
	build48();
	put(3, 7, PG(0x123456000ull) | EL2_RW | D_SW(0xa));
	walk(&c, 0x7abc, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.level, 3);
	assert_int_equal(r.root_level, 0);
	assert_int_equal(r.nlevels, 4);
	assert_int_equal(r.table_pa[0], tpa(0));
	assert_int_equal(r.table_pa[1], tpa(1));
	assert_int_equal(r.table_pa[2], tpa(2));
	assert_int_equal(r.table_pa[3], tpa(3));
	assert_int_equal(r.pa, 0x123456abcull);
	assert_int_equal(r.leaf_va, 0x7000);
	assert_int_equal(r.leaf_size, 4 * KIB);
	assert_int_equal(r.tlb_va, 0x7000);
	assert_int_equal(r.tlb_size, 4 * KIB);
	assert_int_equal(r.pte, PG(0x123456000ull) | EL2_RW | D_SW(0xa));
	assert_int_equal(r.sw, 0xa);
	assert_int_equal(r.sh, 3);
	assert_int_equal(r.mem, 0x88);
	assert_int_equal(r.res_bits, 0);
	/* the neighbour is invalid: a translation fault at level 3 */
	walk(&c, 0x8000, &r);
	assert_int_equal(r.fault, VMSA_F_TRANSLATION);
	assert_int_equal(r.level, 3);
	assert_int_equal(r.pte, 0);
	/* an invalid level-2 entry: translation fault at level 2 */
	walk(&c, 0x200000, &r);
	assert_int_equal(r.fault, VMSA_F_TRANSLATION);
	assert_int_equal(r.level, 2);
	assert_int_equal(r.nlevels, 3);
	/* an invalid level-0 entry */
	walk(&c, 1ull << 39, &r);
	assert_int_equal(r.fault, VMSA_F_TRANSLATION);
	assert_int_equal(r.level, 0);
	assert_int_equal(r.nlevels, 1);
}

static void test_block_1g(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 48, 48);
	struct vmsa_result r;

	(void)state;
	build48();
	/* level 1 entry 3: VA [3 GiB, 4 GiB) -> PA 5 GiB */
	put(1, 3, BLK(5 * GIB) | EL2_RW);
	walk(&c, 3 * GIB + 0x12345678, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.level, 1);
	assert_int_equal(r.nlevels, 2);
	assert_int_equal(r.pa, 5 * GIB + 0x12345678);
	assert_int_equal(r.leaf_va, 3 * GIB);
	assert_int_equal(r.leaf_size, GIB);
	assert_int_equal(r.tlb_size, GIB);
	assert_int_equal(r.table_pa[2], 0);
	/* last byte of the block */
	walk(&c, 4 * GIB - 1, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.pa, 6 * GIB - 1);
}

static void test_block_2m(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 48, 48);
	struct vmsa_result r;

	(void)state;
	build48();
	/* level 2 entry 9: VA [18 MiB, 20 MiB) -> PA 0x80200000 */
	put(2, 9, BLK(0x80200000ull) | EL2_RW);
	walk(&c, 18 * MIB + 0x1fffff, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.level, 2);
	assert_int_equal(r.nlevels, 3);
	assert_int_equal(r.pa, 0x80200000ull + 0x1fffff);
	assert_int_equal(r.leaf_va, 18 * MIB);
	assert_int_equal(r.leaf_size, 2 * MIB);
}

static void test_block_misaligned(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 48, 48);
	struct vmsa_result r;

	(void)state;
	build48();
	/* a 1 GiB block with OA bit 21 set */
	put(1, 2, BLK(2 * GIB + 2 * MIB) | EL2_RW);
	walk(&c, 2 * GIB, &r);
	assert_int_equal(r.fault, VMSA_F_BAD_DESC);
	assert_int_equal(r.level, 1);
	/* a 2 MiB block with OA bit 12 set */
	put(2, 4, BLK(0x80001000ull) | EL2_RW);
	walk(&c, 8 * MIB, &r);
	assert_int_equal(r.fault, VMSA_F_BAD_DESC);
	assert_int_equal(r.level, 2);
	/* the same blocks, aligned, are fine */
	put(1, 2, BLK(2 * GIB) | EL2_RW);
	put(2, 4, BLK(0x80000000ull) | EL2_RW);
	walk(&c, 2 * GIB, &r);
	assert_int_equal(r.fault, VMSA_OK);
	walk(&c, 8 * MIB, &r);
	assert_int_equal(r.fault, VMSA_OK);
}

static void test_reserved_encodings(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 48, 48);
	struct vmsa_result r;

	(void)state;
	build48();
	/* bits[1:0] = 01 at level 0: no blocks there */
	put(0, 1, BLK(512 * GIB) | EL2_RW);
	walk(&c, 512 * GIB, &r);
	assert_int_equal(r.fault, VMSA_F_BAD_DESC);
	assert_int_equal(r.level, 0);
	/* bits[1:0] = 01 at level 3 */
	put(3, 1, BLK(0x90001000ull) | EL2_RW);
	walk(&c, 0x1000, &r);
	assert_int_equal(r.fault, VMSA_F_BAD_DESC);
	assert_int_equal(r.level, 3);
	/* bits[1:0] = 11 at level 3 is a page */
	put(3, 1, PG(0x90001000ull) | EL2_RW);
	walk(&c, 0x1000, &r);
	assert_int_equal(r.fault, VMSA_OK);
}

static void test_access_flag(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 48, 48);
	struct vmsa_result r;

	(void)state;
	build48();
	put(3, 2, PG(0x90002000ull) | (EL2_RW & ~D_AF));
	walk(&c, 0x2000, &r);
	assert_int_equal(r.fault, VMSA_F_ACCESS_FLAG);
	assert_int_equal(r.level, 3);
	assert_int_equal(r.pa, 0x90002000ull); /* decoded all the same */
	put(2, 5, BLK(0x80000000ull) | (EL2_RW & ~D_AF));
	walk(&c, 10 * MIB, &r);
	assert_int_equal(r.fault, VMSA_F_ACCESS_FLAG);
	assert_int_equal(r.level, 2);
	/* a permission check never hides it */
	assert_int_equal(access_fault(&c, 0x2000, VMSA_ACC_R), VMSA_F_ACCESS_FLAG);
}

static void test_ia_beyond_range(void **state)
{
	struct vmsa_cfg c48 = cfg_of(VMSA_S1_EL2, 48, 48);
	struct vmsa_cfg c39 = cfg_of(VMSA_S1_EL2, 39, 48);
	struct vmsa_result r;

	(void)state;
	build48();
	walk(&c48, 1ull << 48, &r);
	assert_int_equal(r.fault, VMSA_F_TRANSLATION);
	assert_int_equal(r.level, 0);
	assert_int_equal(r.nlevels, 0);
	walk(&c39, 1ull << 39, &r);
	assert_int_equal(r.fault, VMSA_F_TRANSLATION);
	assert_int_equal(r.level, 0);
	assert_int_equal(r.nlevels, 0);
	walk(&c39, ~0ull, &r);
	assert_int_equal(r.fault, VMSA_F_TRANSLATION);
	assert_int_equal(r.nlevels, 0);
}

static void test_addr_size(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 48, 32);
	struct vmsa_result r;

	(void)state;
	build48();
	/* a page at 4 GiB: bit 32 is beyond a 32-bit output */
	put(3, 0, PG(0x100000000ull) | EL2_RW);
	walk(&c, 0, &r);
	assert_int_equal(r.fault, VMSA_F_ADDR_SIZE);
	assert_int_equal(r.level, 3);
	put(3, 0, PG(0xfffff000ull) | EL2_RW);
	walk(&c, 0, &r);
	assert_int_equal(r.fault, VMSA_OK);
	/* a block at 4 GiB */
	put(1, 1, BLK(4 * GIB) | EL2_RW);
	walk(&c, GIB, &r);
	assert_int_equal(r.fault, VMSA_F_ADDR_SIZE);
	assert_int_equal(r.level, 1);
	/* a next-level table beyond the output size: faults at that level */
	put(1, 2, TBL(0x100000000ull + tpa(2)));
	walk(&c, 2 * GIB, &r);
	assert_int_equal(r.fault, VMSA_F_ADDR_SIZE);
	assert_int_equal(r.level, 1);
	/* the root itself */
	c.root_pa = 1ull << 33;
	walk(&c, 0, &r);
	assert_int_equal(r.fault, VMSA_F_ADDR_SIZE);
	assert_int_equal(r.nlevels, 0);
	/* 48 bits: the whole OA field is in range */
	c = cfg_of(VMSA_S1_EL2, 48, 0);
	put(3, 0, PG(0xfffffffff000ull) | EL2_RW);
	walk(&c, 0, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.pa, 0xfffffffff000ull);
}

static void test_external_abort(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 48, 48);
	struct vmsa_result r;

	(void)state;
	build48();
	/* level 2 entry 1 points to a page that is not memory */
	put(2, 1, TBL(tpa(40)));
	walk(&c, 2 * MIB, &r);
	assert_int_equal(r.fault, VMSA_F_EXTERNAL);
	assert_int_equal(r.level, 3);
	assert_int_equal(r.nlevels, 4);
	assert_int_equal(r.table_pa[3], tpa(40));
}

static void test_ia39_root_level1(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 39, 48);
	struct vmsa_result r;

	(void)state;
	mem_reset();
	/* root = level 1 in page 0 (512 entries), level 2 in page 1, level 3 in page 2 */
	put(0, 511, TBL(tpa(1)));
	put(1, 3, TBL(tpa(2)));
	put(2, 4, PG(0x9a000000ull) | EL2_RW);
	put(0, 1, BLK(7 * GIB) | EL2_RW);
	walk(&c, 511 * GIB + 3 * 2 * MIB + 4 * 4 * KIB + 0x10, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.root_level, 1);
	assert_int_equal(r.level, 3);
	assert_int_equal(r.nlevels, 3);
	assert_int_equal(r.table_pa[0], tpa(0));
	assert_int_equal(r.table_pa[1], tpa(1));
	assert_int_equal(r.table_pa[2], tpa(2));
	assert_int_equal(r.table_pa[3], 0);
	assert_int_equal(r.pa, 0x9a000010ull);
	walk(&c, GIB + 5, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.level, 1);
	assert_int_equal(r.nlevels, 1);
	assert_int_equal(r.pa, 7 * GIB + 5);
}

static void test_ia40_root_level0_two_entries(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 40, 48);
	struct vmsa_result r;

	(void)state;
	mem_reset();
	/* ia 40: level-0 root of 2 entries; entry 1 covers [512 GiB, 1 TiB) */
	put(0, 1, TBL(tpa(1)));
	put(1, 0, BLK(0) | EL2_RW);
	walk(&c, 512 * GIB + 0x40, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.root_level, 0);
	assert_int_equal(r.level, 1);
	assert_int_equal(r.pa, 0x40);
	walk(&c, 1ull << 40, &r);
	assert_int_equal(r.fault, VMSA_F_TRANSLATION);
	assert_int_equal(r.nlevels, 0);
}

static void test_small_ia_root_level2(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 25, 48);
	struct vmsa_result r;

	(void)state;
	mem_reset();
	/* ia 25: a level-2 root of 16 entries (128 bytes), here at offset 0x80 */
	c.root_pa = tpa(0) + 0x80;
	put(0, 16 + 15, BLK(0x80000000ull) | EL2_RW);
	walk(&c, 15 * 2 * MIB + 3, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.root_level, 2);
	assert_int_equal(r.level, 2);
	assert_int_equal(r.pa, 0x80000003ull);
	walk(&c, 32 * MIB, &r);
	assert_int_equal(r.fault, VMSA_F_TRANSLATION);
	assert_int_equal(r.nlevels, 0);
	/* a root not aligned to its 128 bytes */
	c.root_pa = tpa(0) + 0x40;
	walk(&c, 0, &r);
	assert_int_equal(r.fault, VMSA_F_BAD_DESC);
	/* a malformed configuration */
	c = cfg_of(VMSA_S1_EL2, 24, 48);
	walk(&c, 0, &r);
	assert_int_equal(r.fault, VMSA_F_BAD_CFG);
	c = cfg_of(VMSA_S1_EL20 + 1, 48, 48); /* no such regime */
	walk(&c, 0, &r);
	assert_int_equal(r.fault, VMSA_F_BAD_CFG);
}

/* ---------------------------------------------------- permissions -- */

static void test_el2_permissions(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 48, 48);
	struct vmsa_result r;
	unsigned int ap2, xn;

	(void)state;
	for (ap2 = 0; ap2 < 2; ap2++) {
		for (xn = 0; xn < 2; xn++) {
			uint64_t d = PG(0x90000000ull) | D_AF | D_AP(1) | (ap2 ? D_AP(2) : 0) |
				     (xn ? D_XN : 0);

			build48();
			put(3, 0, d);
			walk(&c, 0, &r);
			assert_int_equal(r.fault, VMSA_OK);
			assert_int_equal(r.priv_r, 1);
			assert_int_equal(r.priv_w, !ap2);
			assert_int_equal(r.priv_x, !xn);
			assert_int_equal(r.user_r | r.user_w | r.user_x, 0);
			assert_int_equal(r.ng, 0);
			assert_int_equal(r.res_bits, 0);
			assert_int_equal(access_fault(&c, 0, VMSA_ACC_R), VMSA_OK);
			assert_int_equal(access_fault(&c, 0, VMSA_ACC_W), want(!ap2));
			assert_int_equal(access_fault(&c, 0, VMSA_ACC_X), want(!xn));
			assert_int_equal(access_fault(&c, 0, VMSA_ACC_R | VMSA_ACC_W), want(!ap2));
			/* no EL0 in this regime */
			assert_int_equal(access_fault(&c, 0, VMSA_ACC_R | VMSA_ACC_USER),
					 VMSA_F_PERMISSION);
		}
	}
}

static void test_el2_res_bits(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 48, 48);
	struct vmsa_result r;

	(void)state;
	build48();
	/* AP[1] (RES1) clear, PXN (RES0) set, nG set: reported, not faults */
	put(3, 0, PG(0x90000000ull) | D_AF | D_PXN | D_NG);
	walk(&c, 0, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.res_bits, D_AP(1) | D_PXN | D_NG);
	assert_int_equal(r.priv_w, 1);
	assert_int_equal(r.priv_x, 1); /* PXN means nothing at EL2 */
	assert_int_equal(r.ng, 0);
	/* OA bits [49:48] are RES0 with a 48-bit OA */
	put(3, 0, PG(0x90000000ull) | EL2_RW | (1ull << 48));
	walk(&c, 0, &r);
	assert_int_equal(r.res_bits, 1ull << 48);
}

/*
 * Stage 1 EL3: the EL2 format (AP[1] RES1, no EL0, PXN and nG RES0), and
 * Secure: a leaf's NS bit (5), or NSTable (63) of a table above it, makes
 * the output Non-secure. In a Non-secure regime NS is RES0 and NSTable
 * ignored; a Secure EL1&0 or EL2 regime (cfg.secure) honours both.
 */
static void test_el3_and_ns(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL3, 48, 48);
	struct vmsa_result r;

	(void)state;
	build48();
	put(3, 0, PG(0x90000000ull) | EL2_RW);
	put(3, 1, PG(0x90001000ull) | EL2_RW | D_AP(2) | D_XN | (1ull << 5));
	walk(&c, 0x10, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.pa, 0x90000010ull);
	assert_int_equal(r.ns, 0);
	assert_int_equal(r.res_bits, 0);
	assert_true(r.priv_r && r.priv_w && r.priv_x);
	walk(&c, 0x1010, &r);
	assert_int_equal(r.ns, 1);
	assert_int_equal(r.res_bits, 0);
	assert_true(r.priv_r && !r.priv_w && !r.priv_x);
	/* no EL0 at EL3; AP[1], PXN, nG as at EL2 */
	vmsa_access(&c, mem_read, NULL, 0x10, VMSA_ACC_R | VMSA_ACC_USER, &r);
	assert_int_equal(r.fault, VMSA_F_PERMISSION);
	put(3, 2, PG(0x90002000ull) | D_AF | D_PXN | D_NG);
	walk(&c, 0x2000, &r);
	assert_int_equal(r.res_bits, D_AP(1) | D_PXN | D_NG);
	/* NSTable at level 2: every leaf below is Non-secure */
	put(2, 0, TBL(tpa(3)) | (1ull << 63));
	walk(&c, 0x10, &r);
	assert_int_equal(r.ns, 1);
	put(2, 0, TBL(tpa(3)));

	/* the same leaves in the Non-secure EL2 regime: NS is RES0, NSTable ignored */
	c.regime = VMSA_S1_EL2;
	walk(&c, 0x1010, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.ns, 0);
	assert_int_equal(r.res_bits, 1ull << 5);
	put(2, 0, TBL(tpa(3)) | (1ull << 63));
	walk(&c, 0x10, &r);
	assert_int_equal(r.ns, 0);
	/* and in a Secure EL2 regime: honoured */
	c.secure = true;
	walk(&c, 0x10, &r);
	assert_int_equal(r.ns, 1);
	put(2, 0, TBL(tpa(3)));
	walk(&c, 0x1010, &r);
	assert_int_equal(r.ns, 1);
	assert_int_equal(r.res_bits, 0);
	walk(&c, 0x10, &r);
	assert_int_equal(r.ns, 0);
}

/* Stage 1 EL2&0 (VHE) walks as EL1&0 does: EL0 and EL2 permissions, nG. */
static void test_el20_as_el10(void **state)
{
	struct vmsa_cfg c10 = cfg_of(VMSA_S1_EL10, 48, 48), c20 = cfg_of(VMSA_S1_EL20, 48, 48);
	struct vmsa_result a, b;

	(void)state;
	build48();
	/* RW at both levels, not global; RO privileged only */
	put(3, 0, PG(0x90000000ull) | D_AF | D_SH(3) | D_AP(1) | D_NG | D_PXN | D_XN);
	put(3, 1, PG(0x90001000ull) | D_AF | D_SH(3) | D_AP(2) | D_XN);
	for (uint64_t va = 0; va < 0x2000; va += 0x1000) {
		walk(&c10, va, &a);
		walk(&c20, va, &b);
		assert_int_equal(b.fault, VMSA_OK);
		assert_int_equal(b.res_bits, 0);
		assert_true(a.priv_r == b.priv_r && a.priv_w == b.priv_w && a.priv_x == b.priv_x &&
			    a.user_r == b.user_r && a.user_w == b.user_w && a.user_x == b.user_x &&
			    a.ng == b.ng);
	}
	vmsa_access(&c20, mem_read, NULL, 0x10, VMSA_ACC_W | VMSA_ACC_USER, &b);
	assert_int_equal(b.fault, VMSA_OK);
	assert_int_equal(b.ng, 1);
	vmsa_access(&c20, mem_read, NULL, 0x1010, VMSA_ACC_R | VMSA_ACC_USER, &b);
	assert_int_equal(b.fault, VMSA_F_PERMISSION);
}

/* Entry @idx of a table of several 4 KiB pages from @page (16K, 64K granules). */
static void put_g(unsigned int page, unsigned int pages, unsigned int idx, uint64_t d)
{
	for (unsigned int p = 0; p < pages; p++)
		present[page + p] = true;
	put(page + idx / 512, idx % 512, d);
}

/*
 * The 16 KiB and 64 KiB granules: the start level from the input size,
 * 2048 and 8192 entries a table, blocks at level 2 only (32 MiB, 512 MiB),
 * pages of the granule, contiguous runs of 128 / 32 (16K, levels 3 / 2) and
 * 32 (64K), the output address bits from the granule's.
 */
static void test_granules(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 36, 48);
	struct vmsa_result r;
	const uint64_t M32 = 32 * MIB, K16 = 16 * KIB, K64 = 64 * KIB;

	(void)state;
	assert_int_equal(vmsa_root_level_g(0, 48), 0);
	assert_int_equal(vmsa_root_level_g(4096, 39), 1);
	assert_int_equal(vmsa_root_level_g(16384, 48), 0); /* 2 entries */
	assert_int_equal(vmsa_root_level_g(16384, 47), 1);
	assert_int_equal(vmsa_root_level_g(16384, 36), 2);
	assert_int_equal(vmsa_root_level_g(65536, 48), 1); /* 64 entries */
	assert_int_equal(vmsa_root_level_g(65536, 42), 2);
	assert_int_equal(vmsa_level_shift_g(16384, 2), 25);
	assert_int_equal(vmsa_level_shift_g(65536, 2), 29);

	/* 16K, 36-bit: a level-2 root of 2048 entries (pages 0..3), a level-3 table (4..7) */
	mem_reset();
	c.granule = 16384;
	put_g(0, 4, 3, BLK(0x80000000ull) | EL2_RW); /* a 32 MiB block */
	put_g(0, 4, 1029, TBL(tpa(4)));		     /* entry 1029: beyond a 4K table's 512 */
	put_g(4, 4, 7, PG(0x90004000ull) | EL2_RW);  /* a 16 KiB page */
	for (unsigned int i = 128; i < 256; i++)     /* a contiguous run of 128 pages */
		put_g(4, 4, i, PG(0xa0000000ull + (i - 128) * K16) | EL2_RW | D_CONTIG);
	walk(&c, 3 * M32 + 0x1234, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.level, 2);
	assert_int_equal(r.leaf_size, M32);
	assert_int_equal(r.pa, 0x80001234ull);
	walk(&c, 1029 * M32 + 7 * K16 + 0x10, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.level, 3);
	assert_int_equal(r.leaf_size, K16);
	assert_int_equal(r.pa, 0x90004010ull);
	walk(&c, 1029 * M32 + 200 * K16 + 8, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.tlb_size, 128 * K16);
	assert_int_equal(r.pa, 0xa0000000ull + 72 * K16 + 8);
	put_g(4, 4, 130, PG(0xa0000000ull) | EL2_RW | D_CONTIG); /* a run that breaks */
	walk(&c, 1029 * M32 + 200 * K16, &r);
	assert_int_equal(r.fault, VMSA_F_CONTIG);
	/* bits [13:12] of a 16K descriptor are no output address bits */
	put_g(4, 4, 8, PG(0x90005000ull) | EL2_RW);
	walk(&c, 1029 * M32 + 8 * K16 + 4, &r);
	assert_int_equal(r.pa, 0x90004004ull);
	/* a level-1 block is no 16K descriptor (without 52-bit addresses) */
	c.ia_bits = 47; /* level-1 root of 2048 entries */
	mem_reset();
	put_g(0, 4, 0, BLK(0) | EL2_RW);
	walk(&c, 0x1000, &r);
	assert_int_equal(r.root_level, 1);
	assert_int_equal(r.fault, VMSA_F_BAD_DESC);

	/* 64K, 42-bit: a level-2 root of 8192 entries (pages 0..15), level 3 (16..31) */
	mem_reset();
	c = cfg_of(VMSA_S1_EL2, 42, 48);
	c.granule = 65536;
	put_g(0, 16, 1, BLK(0x80000000ull) | EL2_RW); /* a 512 MiB block */
	put_g(0, 16, 6000, TBL(tpa(16)));
	put_g(16, 16, 3, PG(0x90030000ull) | EL2_RW);
	for (unsigned int i = 32; i < 64; i++)
		put_g(16, 16, i, PG(0xb0000000ull + (i - 32) * K64) | EL2_RW | D_CONTIG);
	walk(&c, 512 * MIB + 0x12345, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.leaf_size, 512 * MIB);
	assert_int_equal(r.pa, 0x80012345ull);
	walk(&c, 6000 * 512 * MIB + 3 * K64 + 0x20, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.leaf_size, K64);
	assert_int_equal(r.pa, 0x90030020ull);
	walk(&c, 6000 * 512 * MIB + 40 * K64, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.tlb_size, 32 * K64);
	assert_int_equal(r.pa, 0xb0000000ull + 8 * K64);
	/* an unsupported granule */
	c.granule = 8192;
	walk(&c, 0, &r);
	assert_int_equal(r.fault, VMSA_F_BAD_CFG);
}

/* What AP[2:1] gives at EL1 and EL0 (read, write). */
static const struct {
	bool pr, pw, ur, uw;
} el10_ap[4] = {
	{true, true, false, false},  /* 00: RW at EL1 */
	{true, true, true, true},    /* 01: RW at EL1 and EL0 */
	{true, false, false, false}, /* 10: RO at EL1 */
	{true, false, true, false},  /* 11: RO at EL1 and EL0 */
};

static void test_el10_permission_matrix(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL10, 48, 48);
	struct vmsa_result r;
	unsigned int ap, pxn, uxn;

	(void)state;
	for (ap = 0; ap < 4; ap++) {
		for (pxn = 0; pxn < 2; pxn++) {
			for (uxn = 0; uxn < 2; uxn++) {
				uint64_t d = PG(0x90000000ull) | D_AF | D_AP(ap) |
					     (pxn ? D_PXN : 0) | (uxn ? D_XN : 0);
				/* EL1 never executes what EL0 can write (AP = 01) */
				bool px = !pxn && ap != 1;
				/* EL0 executes whatever UXN allows, read or not */
				bool ux = !uxn;

				build48();
				put(3, 0, d);
				walk(&c, 0, &r);
				assert_int_equal(r.fault, VMSA_OK);
				assert_int_equal(r.priv_r, el10_ap[ap].pr);
				assert_int_equal(r.priv_w, el10_ap[ap].pw);
				assert_int_equal(r.user_r, el10_ap[ap].ur);
				assert_int_equal(r.user_w, el10_ap[ap].uw);
				assert_int_equal(r.priv_x, px);
				assert_int_equal(r.user_x, ux);
				assert_int_equal(r.res_bits, 0);
				assert_int_equal(access_fault(&c, 0, VMSA_ACC_R),
						 want(el10_ap[ap].pr));
				assert_int_equal(access_fault(&c, 0, VMSA_ACC_W),
						 want(el10_ap[ap].pw));
				assert_int_equal(access_fault(&c, 0, VMSA_ACC_X), want(px));
				assert_int_equal(access_fault(&c, 0, VMSA_ACC_R | VMSA_ACC_USER),
						 want(el10_ap[ap].ur));
				assert_int_equal(access_fault(&c, 0, VMSA_ACC_W | VMSA_ACC_USER),
						 want(el10_ap[ap].uw));
				assert_int_equal(access_fault(&c, 0, VMSA_ACC_X | VMSA_ACC_USER),
						 want(ux));
			}
		}
	}
}

static void test_el10_ng_attrindx_sh(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL10, 48, 48);
	struct vmsa_result r;
	unsigned int i;

	(void)state;
	build48();
	for (i = 0; i < 8; i++) {
		put(3, i,
		    PG(0x90000000ull + i * 4096) | D_AF | D_ATTRIDX(i) | D_SH(i & 3) |
			    ((i & 1) ? D_NG : 0));
		walk(&c, i * 4096ull, &r);
		assert_int_equal(r.fault, VMSA_OK);
		assert_int_equal(r.mem, (MAIR_TEST >> (8 * i)) & 0xff);
		assert_int_equal(r.sh, i & 3);
		assert_int_equal(r.ng, i & 1);
	}
}

static void test_s2_permissions(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S2, 48, 48);
	struct vmsa_result r;
	unsigned int s2ap, xn, m;

	(void)state;
	for (s2ap = 0; s2ap < 4; s2ap++) {
		for (xn = 0; xn < 2; xn++) {
			bool rd = s2ap & 1, wr = (s2ap >> 1) & 1;

			build48();
			put(3, 0,
			    PG(0x90000000ull) | D_AF | D_MEMATTR(0xf) | D_AP(s2ap) |
				    (xn ? D_XN : 0));
			walk(&c, 0, &r);
			assert_int_equal(r.fault, VMSA_OK);
			assert_int_equal(r.priv_r, rd);
			assert_int_equal(r.priv_w, wr);
			assert_int_equal(r.priv_x, !xn); /* independent of S2AP */
			assert_int_equal(r.user_r | r.user_w | r.user_x, 0);
			assert_int_equal(r.mem, 0xf);
			assert_int_equal(r.res_bits, 0);
			assert_int_equal(access_fault(&c, 0, VMSA_ACC_R), want(rd));
			assert_int_equal(access_fault(&c, 0, VMSA_ACC_W), want(wr));
			assert_int_equal(access_fault(&c, 0, VMSA_ACC_X), want(!xn));
			/* stage 2 applies to EL0 accesses the same way */
			assert_int_equal(access_fault(&c, 0, VMSA_ACC_R | VMSA_ACC_USER), want(rd));
			assert_int_equal(access_fault(&c, 0, VMSA_ACC_W | VMSA_ACC_USER), want(wr));
		}
	}
	/* MemAttr[3:0] is bits [5:2], no MAIR involved; bits 11 and 53 are RES0 */
	for (m = 0; m < 16; m++) {
		put(3, 1, PG(0x90001000ull) | D_AF | D_AP(3) | D_MEMATTR(m));
		walk(&c, 0x1000, &r);
		assert_int_equal(r.mem, m);
	}
	put(3, 1, PG(0x90001000ull) | D_AF | D_AP(3) | D_NG | D_PXN);
	walk(&c, 0x1000, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.ng, 0);
	assert_int_equal(r.res_bits, D_NG | D_PXN);
	assert_int_equal(r.priv_x, 1);
}

static void test_hierarchical_controls(void **state)
{
	struct vmsa_cfg c1 = cfg_of(VMSA_S1_EL10, 48, 48);
	struct vmsa_cfg c2 = cfg_of(VMSA_S1_EL2, 48, 48);
	struct vmsa_cfg cs = cfg_of(VMSA_S2, 48, 48);
	struct vmsa_result r;

	(void)state;
	/* EL1&0: a RW-everywhere, executable-at-EL0 page under restricting tables */
	build48();
	put(3, 0, PG(0x90000000ull) | D_AF | D_AP(1));
	walk(&c1, 0, &r);
	assert_true(r.priv_w && r.user_r && r.user_w && r.user_x && !r.priv_x);
	put(1, 0, TBL(tpa(2)) | T_AP1); /* no write below */
	walk(&c1, 0, &r);
	assert_true(r.priv_r && !r.priv_w && r.user_r && !r.user_w);
	assert_true(r.priv_x);		/* EL0 can no longer write: EL1 may execute */
	put(1, 0, TBL(tpa(2)) | T_AP0); /* no EL0 access below */
	walk(&c1, 0, &r);
	assert_true(r.priv_w && !r.user_r && !r.user_w && r.user_x);
	put(1, 0, TBL(tpa(2)) | T_XN); /* no EL0 execution below */
	walk(&c1, 0, &r);
	assert_true(!r.user_x);
	put(3, 0, PG(0x90000000ull) | D_AF | D_AP(0));
	put(0, 0, TBL(tpa(1)) | T_PXN); /* no EL1 execution below (set at level 0) */
	put(1, 0, TBL(tpa(2)));
	walk(&c1, 0, &r);
	assert_true(!r.priv_x && r.user_x);

	/* EL2: APTable[1] and XNTable apply; APTable[0] and PXNTable do not */
	build48();
	put(3, 0, PG(0x90000000ull) | EL2_RW);
	put(2, 0, TBL(tpa(3)) | T_AP0 | T_PXN);
	walk(&c2, 0, &r);
	assert_true(r.priv_w && r.priv_x);
	put(2, 0, TBL(tpa(3)) | T_AP1 | T_XN);
	walk(&c2, 0, &r);
	assert_true(r.priv_r && !r.priv_w && !r.priv_x);

	/* stage 2 has no hierarchical controls */
	build48();
	put(3, 0, PG(0x90000000ull) | D_AF | D_AP(3));
	put(2, 0, TBL(tpa(3)) | T_AP1 | T_XN | T_AP0 | T_PXN);
	walk(&cs, 0, &r);
	assert_true(r.priv_r && r.priv_w && r.priv_x);
}

/* ------------------------------------------------------ contiguous -- */

/* 16 pages at level-3 entries 16..31 (VA 64 KiB..128 KiB) -> PA 0x90010000.. */
static void put_contig_pages(uint64_t extra)
{
	unsigned int j;

	for (j = 0; j < 16; j++)
		put(3, 16 + j, PG(0x90010000ull + j * 4096) | EL2_RW | D_CONTIG | extra);
}

static void expect_contig_fault(const struct vmsa_cfg *c, uint64_t va)
{
	struct vmsa_result r;

	walk(c, va, &r);
	assert_int_equal(r.fault, VMSA_F_CONTIG);
}

static void test_contig_valid(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 48, 48);
	struct vmsa_result r;
	unsigned int j;

	(void)state;
	build48();
	put_contig_pages(0);
	for (j = 0; j < 16; j++) {
		walk(&c, 64 * KIB + j * 4096 + 8, &r);
		assert_int_equal(r.fault, VMSA_OK);
		assert_int_equal(r.contig, 1);
		assert_int_equal(r.pa, 0x90010000ull + j * 4096 + 8);
		assert_int_equal(r.leaf_size, 4 * KIB);
		assert_int_equal(r.tlb_va, 64 * KIB);
		assert_int_equal(r.tlb_size, 64 * KIB);
	}
	/* 16 blocks of 2 MiB at level-2 entries 32..47 -> a 32 MiB run */
	for (j = 0; j < 16; j++)
		put(2, 32 + j, BLK(0x82000000ull + j * 2 * MIB) | EL2_RW | D_CONTIG);
	walk(&c, 64 * MIB + 5 * 2 * MIB + 1, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.pa, 0x82000000ull + 5 * 2 * MIB + 1);
	assert_int_equal(r.tlb_va, 64 * MIB);
	assert_int_equal(r.tlb_size, 32 * MIB);
	assert_int_equal(r.leaf_size, 2 * MIB);
	/* the raw walk reads one descriptor: same answer */
	vmsa_walk_raw(&c, mem_read, NULL, 64 * MIB, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.tlb_size, 32 * MIB);
}

static void test_contig_misprogrammed(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 48, 48);
	struct vmsa_result r;
	unsigned int j;

	(void)state;
	build48();
	/* one entry invalid */
	put_contig_pages(0);
	put(3, 16 + 9, 0);
	expect_contig_fault(&c, 64 * KIB);
	/* one entry without the contiguous bit */
	put_contig_pages(0);
	put(3, 16 + 15, PG(0x90010000ull + 15 * 4096) | EL2_RW);
	expect_contig_fault(&c, 64 * KIB + 3 * 4096);
	/* ... which itself is a plain, valid page */
	walk(&c, 64 * KIB + 15 * 4096, &r);
	assert_int_equal(r.fault, VMSA_OK);
	assert_int_equal(r.tlb_size, 4 * KIB);
	/* different permissions in one entry */
	put_contig_pages(0);
	put(3, 16 + 4, PG(0x90010000ull + 4 * 4096) | EL2_RW | D_CONTIG | D_AP(2));
	expect_contig_fault(&c, 64 * KIB);
	/* different software bits (every bit but the OA must agree) */
	put_contig_pages(0);
	put(3, 16 + 4, PG(0x90010000ull + 4 * 4096) | EL2_RW | D_CONTIG | D_SW(1));
	expect_contig_fault(&c, 64 * KIB);
	/* AF clear in one entry */
	put_contig_pages(0);
	put(3, 16 + 4, PG(0x90010000ull + 4 * 4096) | (EL2_RW & ~D_AF) | D_CONTIG);
	expect_contig_fault(&c, 64 * KIB);
	/* OAs not consecutive */
	put_contig_pages(0);
	put(3, 16 + 6, PG(0x90010000ull + 7 * 4096) | EL2_RW | D_CONTIG);
	expect_contig_fault(&c, 64 * KIB);
	/* consecutive, but the first OA is not aligned to 64 KiB */
	for (j = 0; j < 16; j++)
		put(3, 16 + j, PG(0x90011000ull + j * 4096) | EL2_RW | D_CONTIG);
	expect_contig_fault(&c, 64 * KIB + 8 * 4096);
	/* a different type in a run of blocks: a table among them */
	for (j = 0; j < 16; j++)
		put(2, 32 + j, BLK(0x82000000ull + j * 2 * MIB) | EL2_RW | D_CONTIG);
	put(2, 32 + 3, TBL(tpa(3)));
	expect_contig_fault(&c, 64 * MIB);
	/* the raw walk does not look at the run */
	vmsa_walk_raw(&c, mem_read, NULL, 64 * MIB, &r);
	assert_int_equal(r.fault, VMSA_OK);
	/* the run restored */
	put_contig_pages(0);
	walk(&c, 64 * KIB, &r);
	assert_int_equal(r.fault, VMSA_OK);
}

static void test_contig_root_too_small(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 31, 48);
	struct vmsa_result r;

	(void)state;
	mem_reset();
	/* ia 31: a level-1 root of 2 entries cannot hold a run of 16 */
	put(0, 0, BLK(0) | EL2_RW | D_CONTIG);
	put(0, 1, BLK(GIB) | EL2_RW | D_CONTIG);
	walk(&c, 0, &r);
	assert_int_equal(r.fault, VMSA_F_CONTIG);
	assert_int_equal(r.level, 1);
}

/* ------------------------------------------------------ TLB model -- */

static struct tlbm tlb;

#define VA5 0x5000ull
#define PA_OLD 0x90005000ull
#define PA_NEW 0xa0005000ull

/* EL2, 48 bits, one page at VA5 cached, all of [0, 2 MiB) watched. */
static struct vmsa_cfg tlb_setup(int regime, uint16_t id, uint64_t page_bits)
{
	struct vmsa_cfg c = cfg_of(regime, 48, 48);

	build48();
	put(3, 5, PG(PA_OLD) | page_bits);
	tlbm_init(&tlb, &c, mem_read, NULL, id);
	tlbm_watch(&tlb, 0, 2 * MIB, 0);
	tlbm_fill(&tlb);
	assert_non_null(tlbm_lookup(&tlb, VA5));
	assert_int_equal(tlbm_lookup(&tlb, VA5)->pa, PA_OLD);
	return c;
}

static void assert_clean(void)
{
	if (tlb.bbm_violations || tlb.stale || tlb.freed_in_use || tlb.model_errors ||
	    tlb.bad_walks)
		fail_msg("%s", tlb.first_error);
}

static void test_tlb_proper_bbm(void **state)
{
	const struct tlbm_leaf *e;

	(void)state;
	tlb_setup(VMSA_S1_EL2, 0, EL2_RW);
	assert_int_equal(tlb.nleaf, 1);
	assert_int_equal(tlb.nwalk, 3); /* levels 1, 2, 3 */
	/* break */
	put(3, 5, 0);
	tlbm_barrier(&tlb, false);
	tlbm_tlbi_va(&tlb, VMSA_S1_EL2, 0, VA5, true);
	assert_true(tlbm_lookup(&tlb, VA5)->flags & TLBM_E_DYING);
	tlbm_barrier(&tlb, true);
	assert_null(tlbm_lookup(&tlb, VA5));
	/* make: invalid -> valid needs no invalidation */
	put(3, 5, PG(PA_NEW) | EL2_RW);
	tlbm_barrier(&tlb, true);
	e = tlbm_lookup(&tlb, VA5);
	assert_non_null(e);
	assert_int_equal(e->pa, PA_NEW);
	assert_int_equal(tlbm_check_end(&tlb), 0);
	assert_clean();
	assert_string_equal(tlb.first_error, "");
	assert_int_equal(tlb.events, 4);
}

static void test_tlb_replace_in_place(void **state)
{
	(void)state;
	tlb_setup(VMSA_S1_EL2, 0, EL2_RW);
	put(3, 5, PG(PA_NEW) | EL2_RW);
	tlbm_barrier(&tlb, false);
	tlbm_tlbi_va(&tlb, VMSA_S1_EL2, 0, VA5, true);
	tlbm_barrier(&tlb, true);
	assert_int_equal(tlb.bbm_violations, 1); /* counted once per entry */
	assert_memory_equal(tlb.first_error, "bbm:", 4);
	assert_int_equal(tlbm_check_end(&tlb), 0);
	assert_int_equal(tlb.stale, 0);

	/* a permission-only change is refused too in the strict mode */
	tlb_setup(VMSA_S1_EL2, 0, EL2_RW);
	tlb.perm_in_place = false;
	put(3, 5, PG(PA_OLD) | EL2_RW | D_AP(2));
	tlbm_barrier(&tlb, false);
	assert_int_equal(tlb.bbm_violations, 1);

	/* ... unless the model follows the architecture's rule for permissions */
	tlb_setup(VMSA_S1_EL2, 0, EL2_RW);
	tlb.perm_in_place = true;
	put(3, 5, PG(PA_OLD) | EL2_RW | D_AP(2) | D_XN);
	tlbm_barrier(&tlb, false);
	assert_int_equal(tlb.bbm_violations, 0);
	assert_int_equal(tlbm_check_end(&tlb), 1); /* the TLBI is still needed */
	tlbm_tlbi_va(&tlb, VMSA_S1_EL2, 0, VA5, true);
	tlbm_barrier(&tlb, true);
	assert_int_equal(tlbm_check_end(&tlb), 0);
	assert_int_equal(tlbm_lookup(&tlb, VA5)->attrs & TLBM_PERM_MASK, D_AP(3) | D_XN);
	/* other attributes still need break-before-make */
	put(3, 5, PG(PA_OLD) | EL2_RW | D_AP(2) | D_XN | D_ATTRIDX(1));
	tlbm_barrier(&tlb, false);
	assert_int_equal(tlb.bbm_violations, 1);

	/* software bits only: the hardware ignores them */
	tlb_setup(VMSA_S1_EL2, 0, EL2_RW);
	put(3, 5, PG(PA_OLD) | EL2_RW | D_SW(5));
	tlbm_barrier(&tlb, false);
	assert_int_equal(tlb.bbm_violations, 0);
	assert_int_equal(tlbm_check_end(&tlb), 0);
}

static void test_tlb_missing_tlbi_is_stale(void **state)
{
	(void)state;
	tlb_setup(VMSA_S1_EL2, 0, EL2_RW);
	put(3, 5, 0);
	tlbm_barrier(&tlb, false);
	tlbm_barrier(&tlb, true);
	assert_int_equal(tlb.bbm_violations, 0);   /* a faulting walk is fine... */
	assert_int_equal(tlbm_check_end(&tlb), 1); /* ...but the entry stayed */
	assert_int_equal(tlb.stale, 1);
	assert_memory_equal(tlb.first_error, "stale:", 6);
	/* counted once in t->stale, reported again by the return value */
	assert_int_equal(tlbm_check_end(&tlb), 1);
	assert_int_equal(tlb.stale, 1);
	tlbm_reset_counts(&tlb);
	assert_int_equal(tlb.stale, 0);
	assert_string_equal(tlb.first_error, "");
	assert_int_equal(tlbm_check_end(&tlb), 1);
	assert_int_equal(tlb.stale, 1);

	/* TLBI issued but never completed: still cached */
	tlb_setup(VMSA_S1_EL2, 0, EL2_RW);
	put(3, 5, 0);
	tlbm_barrier(&tlb, false);
	tlbm_tlbi_va(&tlb, VMSA_S1_EL2, 0, VA5, true);
	assert_int_equal(tlbm_check_end(&tlb), 1);
}

static void test_tlb_asid_matching(void **state)
{
	(void)state;
	/* ASID 5: a non-global page at VA5 and a global one at 0x6000 */
	tlb_setup(VMSA_S1_EL10, 5, D_AF | D_NG);
	put(3, 6, PG(0x90006000ull) | D_AF);
	tlbm_fill(&tlb);
	assert_int_equal(tlb.nleaf, 2);
	put(3, 5, 0);
	put(3, 6, 0);
	tlbm_barrier(&tlb, false);
	tlbm_tlbi_va(&tlb, VMSA_S1_EL10, 7, VA5, true);	   /* wrong ASID: missed */
	tlbm_tlbi_va(&tlb, VMSA_S1_EL10, 7, 0x6000, true); /* global: hit */
	tlbm_tlbi_all(&tlb, VMSA_S1_EL10, 7);		   /* wrong ASID: nothing */
	tlbm_barrier(&tlb, true);
	assert_non_null(tlbm_lookup(&tlb, VA5));
	assert_null(tlbm_lookup(&tlb, 0x6000));
	assert_int_equal(tlbm_check_end(&tlb), 1);
	/* the right ASID, by regime */
	tlbm_tlbi_all(&tlb, VMSA_S1_EL10, 5);
	tlbm_barrier(&tlb, true);
	assert_null(tlbm_lookup(&tlb, VA5));
	assert_int_equal(tlbm_check_end(&tlb), 0);
	assert_int_equal(tlb.bbm_violations, 0);
}

static void test_tlb_aside1_keeps_global(void **state)
{
	(void)state;
	tlb_setup(VMSA_S1_EL10, 5, D_AF); /* global */
	put(3, 5, 0);
	tlbm_barrier(&tlb, false);
	tlbm_tlbi_all(&tlb, VMSA_S1_EL10, 5); /* TLBI ASIDE1: non-global only */
	tlbm_barrier(&tlb, true);
	assert_int_equal(tlbm_check_end(&tlb), 1);
	/* by VA, any ASID reaches a global entry */
	tlbm_tlbi_va(&tlb, VMSA_S1_EL10, 9, VA5, false);
	tlbm_barrier(&tlb, true);
	assert_null(tlbm_lookup(&tlb, VA5));

	/* TLBI VMALLE1 drops global entries too */
	tlb_setup(VMSA_S1_EL10, 5, D_AF);
	put(3, 5, 0);
	tlbm_barrier(&tlb, false);
	tlbm_tlbi_vmalle1(&tlb);
	tlbm_barrier(&tlb, true);
	assert_int_equal(tlbm_check_end(&tlb), 0);
	assert_null(tlbm_lookup(&tlb, VA5));
}

static void test_tlb_vmid_and_regime(void **state)
{
	(void)state;
	/* stage 2, VMID 3 */
	tlb_setup(VMSA_S2, 3, D_AF | D_AP(3));
	put(3, 5, 0);
	tlbm_barrier(&tlb, false);
	tlbm_tlbi_va(&tlb, VMSA_S2, 4, VA5, true);
	tlbm_tlbi_all(&tlb, VMSA_S2, 4);
	tlbm_barrier(&tlb, true);
	assert_int_equal(tlbm_check_end(&tlb), 1);
	tlbm_tlbi_va(&tlb, VMSA_S2, 3, VA5, true);
	tlbm_barrier(&tlb, true);
	assert_int_equal(tlbm_check_end(&tlb), 0);

	/* EL2 ignores the identifier, but not the regime */
	tlb_setup(VMSA_S1_EL2, 0, EL2_RW);
	put(3, 5, 0);
	tlbm_barrier(&tlb, false);
	tlbm_tlbi_va(&tlb, VMSA_S1_EL10, 0, VA5, true);
	tlbm_tlbi_all(&tlb, VMSA_S2, 0);
	tlbm_barrier(&tlb, true);
	assert_int_equal(tlbm_check_end(&tlb), 1);
	tlbm_tlbi_va(&tlb, VMSA_S1_EL2, 1234, VA5, true);
	tlbm_barrier(&tlb, true);
	assert_int_equal(tlbm_check_end(&tlb), 0);
	tlb_setup(VMSA_S1_EL2, 0, EL2_RW);
	put(3, 5, 0);
	tlbm_tlbi_all(&tlb, VMSA_S1_EL2, 77);
	tlbm_barrier(&tlb, true);
	assert_int_equal(tlbm_check_end(&tlb), 0);
}

/* Stage 2, VMID 4: IPA pages 0..15 cached, then pages 4..11 cleared. */
static void range_setup(void)
{
	tlb_setup(VMSA_S2, 4, D_AF | D_AP(3));
	for (unsigned int i = 0; i < 16; i++)
		put(3, i, PG(0x90000000ull + i * 0x1000ull) | D_AF | D_AP(3));
	tlbm_fill(&tlb);
	for (unsigned int i = 0; i < 16; i++)
		assert_non_null(tlbm_lookup(&tlb, i * 0x1000ull));
	for (unsigned int i = 4; i < 12; i++)
		put(3, i, 0);
	tlbm_barrier(&tlb, false);
}

/* A range TLBI of @pages pages from IPA page 4, VMID @vmid, TTL @ttl, then
 * the completion: the stale entries left. */
static int range_stale(uint64_t pages, uint16_t vmid, unsigned int ttl)
{
	struct tlbm_range r = {.va = 4 * 0x1000ull, .size = pages * 0x1000ull, .ttl = ttl};

	range_setup();
	tlbm_tlbi_range(&tlb, VMSA_S2, vmid, &r, true);
	tlbm_barrier(&tlb, true);
	return tlbm_check_end(&tlb);
}

static void test_tlb_range(void **state)
{
	(void)state;
	assert_int_equal(range_stale(8, 4, 0), 0); /* exactly the eight pages */
	assert_clean();
	/* only the range went: the pages just outside it stay cached */
	assert_non_null(tlbm_lookup(&tlb, 3 * 0x1000ull));
	assert_non_null(tlbm_lookup(&tlb, 12 * 0x1000ull));
	assert_null(tlbm_lookup(&tlb, 4 * 0x1000ull));
	assert_null(tlbm_lookup(&tlb, 11 * 0x1000ull));
	assert_int_equal(range_stale(8, 4, 3), 0); /* TTL: level 3, right */
	assert_int_equal(range_stale(4, 4, 0), 4); /* too short */
	assert_int_equal(range_stale(7, 4, 0), 1); /* misses its last page */
	assert_non_null(tlbm_lookup(&tlb, 11 * 0x1000ull));
	assert_int_equal(range_stale(8, 5, 0), 8);  /* another VMID */
	assert_int_equal(range_stale(8, 4, 2), 8);  /* TTL: level 2, wrong */
	assert_int_equal(range_stale(64, 4, 0), 0); /* longer: fine */

	/* a block partly in the range is hit (its span meets it) */
	tlb_setup(VMSA_S1_EL2, 0, EL2_RW);
	put(1, 1, BLK(0x80000000ull) | EL2_RW | D_AF);
	tlbm_watch(&tlb, GIB + 2 * MIB, 2 * MIB, 0);
	tlbm_fill(&tlb);
	assert_non_null(tlbm_lookup(&tlb, GIB + 2 * MIB));
	put(1, 1, 0);
	tlbm_barrier(&tlb, false);
	{
		struct tlbm_range r = {.va = GIB + 2 * MIB, .size = 0x2000};

		tlbm_tlbi_range(&tlb, VMSA_S1_EL2, 0, &r, true);
	}
	tlbm_barrier(&tlb, true);
	assert_int_equal(tlbm_check_end(&tlb), 0);
}

/* The operands of tlbi_range.h, and the model's reading of them. */
static void test_tlb_range_operands(void **state)
{
	struct tlbm_range d;
	uint64_t op, n;
	bool range;

	(void)state;
	/* 8 pages at 0x4000, TTL 3, ASID 5: NUM 3, SCALE 0, BaseADDR 4 */
	n = am_tlbir_step(0x4000, 8, 12, 3, 5, false, &op, &range);
	assert_int_equal(n, 8);
	assert_true(range);
	assert_int_equal(op, 5ull << 48 | 1ull << 46 | 0ull << 44 | 3ull << 39 | 3ull << 37 | 4);
	assert_true(tlbm_range_decode(op, &d));
	assert_int_equal(d.va, 0x4000);
	assert_int_equal(d.size, 8 * 0x1000);
	assert_int_equal(d.ttl, 3);
	assert_int_equal(d.asid, 5);
	/* 2 MiB of pages: one instruction, NUM 7, SCALE 1 */
	n = am_tlbir_step(GIB, 512, 12, 0, 0, false, &op, &range);
	assert_int_equal(n, 512);
	assert_int_equal(op, 1ull << 46 | 1ull << 44 | 7ull << 39 | (GIB >> 12));
	/* 1 GiB: NUM 3, SCALE 3; 8 GiB (the most one can cover): NUM 31 */
	assert_int_equal(am_tlbir_step(0, 1ull << 18, 12, 0, 0, false, &op, &range), 1ull << 18);
	assert_int_equal(op, 1ull << 46 | 3ull << 44 | 3ull << 39);
	assert_int_equal(am_tlbir_step(0, 1ull << 21, 12, 0, 0, false, &op, &range), 1ull << 21);
	assert_int_equal(op >> 39 & 31, 31);
	/* more: 8 GiB first, then the rest */
	assert_int_equal(am_tlbir_step(0, (1ull << 21) + 5, 12, 0, 0, false, &op, &range), 1ull << 21);
	/* 513 pages: 512 as a range, then one plain TLBI on the last */
	assert_int_equal(am_tlbir_step(0, 513, 12, 0, 0, false, &op, &range), 512);
	n = am_tlbir_step(512 * 0x1000ull, 1, 12, 0, 7, false, &op, &range);
	assert_int_equal(n, 1);
	assert_false(range);
	assert_int_equal(op, 7ull << 48 | 512);
	/* 131 pages: 128 (SCALE 1), 2 (SCALE 0), 1 */
	assert_int_equal(am_tlbir_step(0, 131, 12, 0, 0, false, &op, &range), 128);
	assert_int_equal(am_tlbir_step(0, 3, 12, 0, 0, false, &op, &range), 2);
	/* every length up to 4096 pages: covered exactly, at most 5 instructions */
	for (uint64_t len = 1; len <= 4096; len++) {
		uint64_t addr = 0x10000, left = len, ops = 0;

		while (left) {
			n = am_tlbir_step(addr, left, 12, 0, 0, false, &op, &range);
			assert_true(n >= 1 && n <= left);
			if (range) {
				assert_true(tlbm_range_decode(op, &d));
				assert_int_equal(d.va, addr);
				assert_int_equal(d.size, n * 0x1000);
			}
			addr += n * 0x1000;
			left -= n;
			ops++;
		}
		assert_true(ops <= 5);
	}
	/* TG 16 KiB and 64 KiB: BaseADDR and the count in their units; TG 0: refused */
	assert_true(tlbm_range_decode(2ull << 46 | 1ull << 39 | 5, &d));
	assert_int_equal(d.va, 5ull << 14);
	assert_int_equal(d.size, 4ull << 14); /* (NUM 1 + 1) * 2 granules */
	assert_true(tlbm_range_decode(3ull << 46 | 7, &d));
	assert_int_equal(d.va, 7ull << 16);
	assert_int_equal(d.size, 2ull << 16);
	assert_false(tlbm_range_decode(0, &d));
}

static void test_tlb_leaf_only_then_free(void **state)
{
	(void)state;
	tlb_setup(VMSA_S1_EL2, 0, EL2_RW);
	/* unmap the page and the now empty level-3 table */
	put(3, 5, 0);
	put(2, 0, 0);
	tlbm_barrier(&tlb, false);
	tlbm_tlbi_va(&tlb, VMSA_S1_EL2, 0, VA5, true); /* leaf only: walk cache kept */
	tlbm_barrier(&tlb, true);
	tlbm_free_table(&tlb, tpa(3));
	assert_int_equal(tlb.freed_in_use, 1);
	assert_memory_equal(tlb.first_error, "freed in use", 12);
	assert_int_equal(tlbm_check_end(&tlb), 1); /* the walk-cache entry */

	/* the same with a non-leaf invalidation */
	tlb_setup(VMSA_S1_EL2, 0, EL2_RW);
	put(3, 5, 0);
	put(2, 0, 0);
	tlbm_barrier(&tlb, false);
	tlbm_tlbi_va(&tlb, VMSA_S1_EL2, 0, VA5, false);
	tlbm_barrier(&tlb, true);
	tlbm_free_table(&tlb, tpa(3));
	assert_int_equal(tlbm_check_end(&tlb), 0);
	assert_clean();
	assert_int_equal(tlb.nwalk, 2);

	/* freed before the invalidation completed */
	tlb_setup(VMSA_S1_EL2, 0, EL2_RW);
	put(3, 5, 0);
	put(2, 0, 0);
	tlbm_barrier(&tlb, false);
	tlbm_tlbi_va(&tlb, VMSA_S1_EL2, 0, VA5, false);
	tlbm_free_table(&tlb, tpa(3));
	assert_int_equal(tlb.freed_in_use, 1);
}

static void test_tlb_table_without_leaves_is_cached(void **state)
{
	(void)state;
	/* an empty level-3 table: faulting walks still cache the path to it */
	build48();
	{
		struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 48, 48);

		tlbm_init(&tlb, &c, mem_read, NULL, 0);
	}
	tlbm_watch(&tlb, 0, 2 * MIB, 0);
	tlbm_fill(&tlb);
	assert_int_equal(tlb.nleaf, 0);
	assert_int_equal(tlb.nwalk, 3);
	put(2, 0, 0);
	tlbm_barrier(&tlb, false);
	tlbm_tlbi_va(&tlb, VMSA_S1_EL2, 0, 0, true);
	tlbm_barrier(&tlb, true);
	tlbm_free_table(&tlb, tpa(3));
	assert_int_equal(tlb.freed_in_use, 1);
	/* without walk caching of faulting walks, nothing to see */
	build48();
	{
		struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 48, 48);

		tlbm_init(&tlb, &c, mem_read, NULL, 0);
	}
	tlb.walk_faults = false;
	tlbm_watch(&tlb, 0, 2 * MIB, 0);
	tlbm_fill(&tlb);
	assert_int_equal(tlb.nwalk, 0);
}

static void test_tlb_new_entry_before_complete(void **state)
{
	(void)state;
	tlb_setup(VMSA_S1_EL2, 0, EL2_RW);
	put(3, 5, 0);
	tlbm_barrier(&tlb, false);
	tlbm_tlbi_va(&tlb, VMSA_S1_EL2, 0, VA5, true);
	put(3, 5, PG(PA_NEW) | EL2_RW); /* too early: the old entry is still dying */
	tlbm_barrier(&tlb, true);
	assert_int_equal(tlb.bbm_violations, 1);
	assert_non_null(strstr(tlb.first_error, "(dying)"));
	assert_int_equal(tlbm_check_end(&tlb), 0);
}

static void test_tlb_block_split_and_contig(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 48, 48);
	unsigned int j;

	(void)state;
	/* a 2 MiB block at VA 2 MiB split into pages in place */
	build48();
	put(2, 1, BLK(0x80200000ull) | EL2_RW);
	tlbm_init(&tlb, &c, mem_read, NULL, 0);
	tlbm_watch(&tlb, 2 * MIB, 2 * MIB, 0);
	tlbm_fill(&tlb);
	assert_int_equal(tlb.nleaf, 1);
	assert_int_equal(tlbm_lookup(&tlb, 3 * MIB)->size, 2 * MIB);
	for (j = 0; j < 512; j++)
		put(4, j, PG(0x80200000ull + j * 4096) | EL2_RW);
	put(2, 1, TBL(tpa(4)));
	tlbm_barrier(&tlb, false);
	assert_int_equal(tlb.bbm_violations, 1);

	/* the same with break-before-make */
	build48();
	put(2, 1, BLK(0x80200000ull) | EL2_RW);
	tlbm_init(&tlb, &c, mem_read, NULL, 0);
	tlbm_watch(&tlb, 2 * MIB, 2 * MIB, 0);
	tlbm_fill(&tlb);
	put(2, 1, 0);
	tlbm_barrier(&tlb, false);
	tlbm_tlbi_va(&tlb, VMSA_S1_EL2, 0, 2 * MIB, false);
	tlbm_barrier(&tlb, true);
	for (j = 0; j < 512; j++)
		put(4, j, PG(0x80200000ull + j * 4096) | EL2_RW);
	put(2, 1, TBL(tpa(4)));
	tlbm_barrier(&tlb, true);
	assert_int_equal(tlb.nleaf, 512);
	assert_int_equal(tlbm_check_end(&tlb), 0);
	assert_clean();

	/* a cached contiguous run: one entry rewritten in place */
	build48();
	put_contig_pages(0);
	tlbm_init(&tlb, &c, mem_read, NULL, 0);
	tlbm_watch(&tlb, 0, 2 * MIB, 0);
	tlbm_fill(&tlb);
	assert_int_equal(tlb.nleaf, 1);
	assert_int_equal(tlbm_lookup(&tlb, 64 * KIB + 0x5000)->size, 64 * KIB);
	put(3, 16 + 5, PG(0xb0000000ull) | EL2_RW);
	tlbm_barrier(&tlb, false);
	assert_int_equal(tlb.bbm_violations, 1);
}

static void test_tlb_walk_cache_table_swap(void **state)
{
	(void)state;
	tlb_setup(VMSA_S1_EL2, 0, EL2_RW);
	/* an identical copy of the level-3 table swapped in without invalidation */
	memcpy(mem[4], mem[3], sizeof(mem[3]));
	present[4] = true;
	put(2, 0, TBL(tpa(4)));
	tlbm_barrier(&tlb, false);
	assert_int_equal(tlb.bbm_violations, 1);
	assert_memory_equal(tlb.first_error, "bbm: walk cache", 15);
}

static void test_tlb_bad_walks_and_overflow(void **state)
{
	struct vmsa_cfg c = cfg_of(VMSA_S1_EL2, 48, 48);
	unsigned int i;

	(void)state;
	/* a misaligned block in a watched range: the hardware sees a broken table */
	build48();
	put(2, 1, BLK(0x80201000ull) | EL2_RW);
	tlbm_init(&tlb, &c, mem_read, NULL, 0);
	tlbm_watch(&tlb, 2 * MIB, 2 * MIB, 0);
	tlbm_fill(&tlb);
	assert_int_equal(tlb.bad_walks, 1); /* one per descriptor, not per address */
	assert_int_equal(tlb.nleaf, 0);
	/* watches beyond the model's room */
	tlbm_init(&tlb, &c, mem_read, NULL, 0);
	tlbm_watch(&tlb, 0, (TLBM_MAX_WATCH_ADDRS + 1) * 4096, 0);
	assert_int_equal(tlb.model_errors, 1);
	assert_int_equal(tlb.nwatch, 0);
	tlbm_watch(&tlb, 0, TLBM_MAX_WATCH_ADDRS * 4096, 0);
	assert_int_equal(tlb.model_errors, 1);
	assert_int_equal(tlb.nwatch, 1);
	tlbm_init(&tlb, &c, mem_read, NULL, 0);
	for (i = 0; i <= TLBM_MAX_WATCH; i++)
		tlbm_watch(&tlb, i * 4096ull, 4096, 0);
	assert_int_equal(tlb.nwatch, TLBM_MAX_WATCH);
	assert_int_equal(tlb.model_errors, 1);
	/* more leaf entries than the model holds */
	build48();
	for (i = 0; i < 12; i++) {
		unsigned int j;

		put(2, i, TBL(tpa(4 + i)));
		for (j = 0; j < 512; j++)
			put(4 + i, j, PG(0x80000000ull + (i * 512ull + j) * 4096) | EL2_RW);
	}
	tlbm_init(&tlb, &c, mem_read, NULL, 0);
	tlbm_watch(&tlb, 0, 24 * MIB, 0);
	tlbm_fill(&tlb);
	assert_int_equal(tlb.nleaf, 12 * 512);
	assert_int_equal(tlb.model_errors, 0);
	tlbm_watch(&tlb, 0, 24 * MIB, 0); /* twice: already covered */
	tlbm_fill(&tlb);
	assert_int_equal(tlb.nleaf, 12 * 512);
	for (i = 12; i < 20; i++) {
		unsigned int j;

		put(2, i, TBL(tpa(4 + i)));
		for (j = 0; j < 512; j++)
			put(4 + i, j, PG(0x80000000ull + (i * 512ull + j) * 4096) | EL2_RW);
	}
	tlbm_watch(&tlb, 24 * MIB, 16 * MIB, 0);
	tlbm_fill(&tlb);
	assert_int_equal(tlb.nleaf, TLBM_MAX_LEAF);
	assert_int_equal(tlb.model_errors, 1);
}

/* ------------------------------------------------------ pt_host -- */

static struct am_host_pt host;

static void test_pt_host_pool_and_fail_at(void **state)
{
	am_paddr_t pa[4];
	uint8_t *p[4];
	bool ok;
	size_t i;

	(void)state;
	assert_int_equal(am_host_pt_init(&host, 0), -1);
	assert_int_equal(am_host_pt_init(&host, 4), 0);
	assert_int_equal(host.pa_base, 0x80000000ull);
	assert_int_equal(host.fail_at, -1);
	for (i = 0; i < 4; i++) {
		p[i] = am_host_pt_ops.alloc_table(&host, &pa[i]);
		assert_non_null(p[i]);
		assert_int_equal(am_pa_val(pa[i]), 0x80000000ull + i * 4096);
		assert_ptr_equal(am_host_pt_va(&host, am_pa_val(pa[i])), p[i]);
		assert_int_equal(p[i][0], 0xa5);
		assert_int_equal(p[i][4095], 0xa5);
		assert_int_equal(am_host_pt_read(&host, am_pa_val(pa[i]) + 8, &ok),
				 0xa5a5a5a5a5a5a5a5ull);
		assert_true(ok);
	}
	assert_int_equal(host.in_use, 4);
	assert_null(am_host_pt_ops.alloc_table(&host, &pa[0])); /* exhausted */
	assert_int_equal(host.alloc_failed, 1);
	/* give one back: no longer readable; a wrong pair is a bad free */
	am_host_pt_ops.free_table(&host, p[1], pa[2]);
	assert_int_equal(host.bad_frees, 1);
	am_host_pt_ops.free_table(&host, p[1], pa[1]);
	assert_int_equal(host.frees, 1);
	assert_int_equal(host.in_use, 3);
	assert_int_equal(host.max_in_use, 4);
	am_host_pt_read(&host, am_pa_val(pa[1]), &ok);
	assert_false(ok);
	am_host_pt_ops.free_table(&host, p[1], pa[1]); /* twice */
	assert_int_equal(host.bad_frees, 2);
	am_host_pt_read(&host, 0x80000000ull + 4 * 4096, &ok); /* beyond the pool */
	assert_false(ok);
	am_host_pt_read(&host, am_pa_val(pa[0]) + 4, &ok); /* misaligned */
	assert_false(ok);
	assert_null(am_host_pt_va(&host, 0x7ffff000ull));
	assert_null(am_host_pt_ops.table_va(&host, am_pa(0x90000000ull)));
	assert_int_equal(host.bad_table_va, 1);
	/* a page handed out again is garbage again */
	memset(p[0], 0, 4096);
	am_host_pt_ops.free_table(&host, p[0], pa[0]);
	p[0] = am_host_pt_ops.alloc_table(&host, &pa[0]);
	assert_non_null(p[0]);
	assert_int_equal(p[0][100], 0xa5);
	/* failure injection: the allocation numbered 1 from now fails, only it */
	am_host_pt_ops.free_table(&host, p[0], pa[0]);
	am_host_pt_ops.free_table(&host, p[2], pa[2]);
	am_host_pt_ops.free_table(&host, p[3], pa[3]);
	am_host_pt_fail_at(&host, 1);
	assert_non_null(p[0] = am_host_pt_ops.alloc_table(&host, &pa[0]));
	assert_null(am_host_pt_ops.alloc_table(&host, &pa[1]));
	assert_non_null(p[2] = am_host_pt_ops.alloc_table(&host, &pa[2]));
	am_host_pt_fail_at(&host, 0);
	host.fail_sticky = true;
	assert_null(am_host_pt_ops.alloc_table(&host, &pa[1]));
	assert_null(am_host_pt_ops.alloc_table(&host, &pa[1]));
	am_host_pt_fail_at(&host, -1);
	assert_non_null(am_host_pt_ops.alloc_table(&host, &pa[1]));
	assert_int_equal(host.allocs, 12);
	/* the bare ops keep the same bookkeeping */
	am_host_pt_ops_bare.free_table(&host, p[0], pa[0]);
	assert_int_equal(host.in_use, 2);
	assert_non_null(am_host_pt_ops_bare.alloc_table(&host, &pa[0]));
	am_host_pt_fini(&host);
	assert_null(host.pool);
}

/* One flush of @kind with the entries @inv[0..@n), in @regime's scope. */
static void host_flush(const struct am_pt_ops *ops, unsigned int kind, unsigned int regime,
		       uint16_t id, unsigned int n, const struct am_pt_inval *inv)
{
	struct am_pt_flush f = {
		.kind = (uint8_t)kind,
		.regime = (uint8_t)regime,
		.asid = regime == AM_PT_S1_EL10 ? id : 0,
		.vmid = regime == AM_PT_S2 ? id : 0,
		.gshift = 12,
		.n = n,
		.inv = inv,
	};

	ops->flush(&host, &f);
}

/* A list of one entry. */
static void host_inval(unsigned int regime, uint16_t id, uint64_t addr, unsigned int level,
		       bool leaf)
{
	struct am_pt_inval v = {.addr = am_va(addr), .level = (uint8_t)level, .leaf = leaf};

	host_flush(&am_host_pt_ops, AM_PT_FLUSH_LIST, regime, id, 1, &v);
}

static void test_pt_host_flush(void **state)
{
	struct am_pt_inval v[2] = {{.addr = am_va(0x1000), .level = 3, .leaf = 1},
				   {.addr = am_va(0x2000), .level = 3, .leaf = 1}};
	unsigned long n;

	(void)state;
	assert_int_equal(am_host_pt_init(&host, 2), 0);
	host_flush(&am_host_pt_ops, AM_PT_FLUSH_LIST, AM_PT_S1_EL2, 0, 2, v);
	assert_int_equal(host.flushes, 1);
	assert_int_equal(host.tlbi, 2);
	assert_int_equal(host.publish, 1);
	assert_int_equal(host.complete, 1);
	assert_int_equal(host.tlbi_between, 0);
	assert_int_equal(host.open_tlbi, 0);
	assert_int_equal(host.last_bar, AM_HOST_PT_BAR_COMPLETE);
	assert_int_equal(host.last_tlbi.addr, 0x2000);
	host_flush(&am_host_pt_ops, AM_PT_FLUSH_ALL, AM_PT_S1_EL2, 0, 0, NULL);
	assert_int_equal(host.tlbi_all, 1);
	assert_int_equal(host.last_scope.all, 1);
	assert_int_equal(host.publish, 2);
	assert_int_equal(host.complete, 2);
	/* the barriers alone */
	host_flush(&am_host_pt_ops, AM_PT_FLUSH_PUBLISH, AM_PT_S1_EL2, 0, 0, NULL);
	assert_int_equal(host.last_bar, AM_HOST_PT_BAR_PUBLISH);
	assert_int_equal(host.publish, 3);
	host_flush(&am_host_pt_ops, AM_PT_FLUSH_COMPLETE, AM_PT_S1_EL2, 0, 0, NULL);
	assert_int_equal(host.publish, 3);
	assert_int_equal(host.complete, 3);
	assert_int_equal(host.tlbi + host.tlbi_all, 3);
	assert_int_equal(host.bad_flushes, 0);
	/* a list without entries, a barrier with some: outside pt.h's contract */
	host_flush(&am_host_pt_ops, AM_PT_FLUSH_LIST, AM_PT_S1_EL2, 0, 0, v);
	host_flush(&am_host_pt_ops, AM_PT_FLUSH_COMPLETE, AM_PT_S1_EL2, 0, 1, v);
	assert_int_equal(host.bad_flushes, 2);
	assert_int_equal(am_host_pt_tlbi_at(&host, 0)->addr, 0x1000);
	assert_int_equal(am_host_pt_tlbi_at(&host, 2)->all, 1);
	assert_null(am_host_pt_tlbi_at(&host, 3));
	for (n = 0; n < 100; n++)
		host_flush(&am_host_pt_ops, AM_PT_FLUSH_LIST, AM_PT_S1_EL2, 0, 1, v);
	assert_int_equal(host.nring, 103);
	assert_null(am_host_pt_tlbi_at(&host, 38));
	assert_non_null(am_host_pt_tlbi_at(&host, 39));
	/* ranges: the aarch64 backend's instructions, counted */
	v[0].pages = 512;
	v[1].addr = am_va(0x400000);
	v[1].pages = 513;
	n = host.tlbi;
	host_flush(&am_host_pt_ops, AM_PT_FLUSH_LIST, AM_PT_S1_EL2, 0, 2, v);
	assert_int_equal(host.tlbi_range_inv, 2);
	assert_int_equal(host.tlbi_range, 2); /* 512 and 512 pages */
	assert_int_equal(host.tlbi, n + 1);   /* the 513th page */
	assert_true(host.last_tlbi.range == 0 && host.last_tlbi.addr == 0x400000 + 512 * 0x1000);
	assert_int_equal(am_host_pt_tlbi_at(&host, host.nring - 2)->pages, 512);
	/* the capability is a setting, of both ops tables */
	assert_int_equal(am_host_pt_ops.caps(&host), 0);
	host.cap_tlbi_range = true;
	assert_int_equal(am_host_pt_ops.caps(&host), AM_PT_CAP_TLBI_RANGE);
	assert_int_equal(am_host_pt_ops_bare.caps(&host), AM_PT_CAP_TLBI_RANGE);
	/* the bare ops count nothing */
	n = host.nring;
	host_flush(&am_host_pt_ops_bare, AM_PT_FLUSH_LIST, AM_PT_S1_EL2, 0, 1, v);
	assert_int_equal(host.nring, n);
	assert_null(am_host_pt_ops_bare.env.lock);
	assert_null(am_host_pt_ops_bare.env.log);
	am_host_pt_fini(&host);
}

/* Write descriptor @idx of the pool table at @pa. */
static void host_put(uint64_t pa, unsigned int idx, uint64_t d)
{
	uint64_t *tbl = am_host_pt_va(&host, pa);

	tbl[idx] = d;
}

static void test_pt_host_tlb_model(void **state)
{
	am_paddr_t pa[4];
	void *va[4];
	unsigned int i;

	(void)state;
	assert_int_equal(am_host_pt_init(&host, 8), 0);
	/* a 39-bit EL1&0 table: root (level 1), level 2, level 3 */
	for (i = 0; i < 3; i++) {
		va[i] = am_host_pt_ops.alloc_table(&host, &pa[i]);
		assert_non_null(va[i]);
		memset(va[i], 0, 4096);
	}
	host_put(am_pa_val(pa[0]), 0, TBL(am_pa_val(pa[1])));
	host_put(am_pa_val(pa[1]), 0, TBL(am_pa_val(pa[2])));
	host_put(am_pa_val(pa[2]), 3, PG(0x90003000ull) | D_AF | D_NG | D_AP(1) | D_XN);
	am_host_pt_tlb(&host, AM_PT_S1_EL10, 39, 40, am_pa_val(pa[0]), MAIR_TEST, 9);
	assert_true(host.tlb_on);
	tlbm_watch(&host.tlb, 0, 2 * MIB, 0);
	tlbm_fill(&host.tlb);
	assert_non_null(tlbm_lookup(&host.tlb, 0x3000));
	/* unmap the page and free the level-3 table with a leaf-only TLBI */
	host_put(am_pa_val(pa[2]), 3, 0);
	host_put(am_pa_val(pa[1]), 0, 0);
	host_inval(AM_PT_S1_EL10, 9, 0x3000, 3, true);
	am_host_pt_ops.free_table(&host, va[2], pa[2]);
	assert_int_equal(host.tlb.freed_in_use, 1);
	assert_int_equal(host.tlb.bbm_violations, 0);
	assert_false(am_host_pt_allocated(&host, am_pa_val(pa[2])));
	/* flushing forgets everything without counting */
	am_host_pt_tlb_flush(&host);
	assert_int_equal(tlbm_check_end(&host.tlb), 0);

	/* the same, done right: a TLBI with walk caches, on the right ASID */
	va[2] = am_host_pt_ops.alloc_table(&host, &pa[2]);
	memset(va[2], 0, 4096);
	host_put(am_pa_val(pa[2]), 3, PG(0x90003000ull) | D_AF | D_NG | D_AP(1) | D_XN);
	host_put(am_pa_val(pa[1]), 0, TBL(am_pa_val(pa[2])));
	tlbm_reset_counts(&host.tlb);
	tlbm_fill(&host.tlb);
	assert_non_null(tlbm_lookup(&host.tlb, 0x3000));
	host_put(am_pa_val(pa[2]), 3, 0);
	host_put(am_pa_val(pa[1]), 0, 0);
	host_inval(AM_PT_S1_EL10, 9, 0x3000, 3, false);
	am_host_pt_ops.free_table(&host, va[2], pa[2]);
	assert_int_equal(tlbm_check_end(&host.tlb), 0);
	assert_int_equal(host.tlb.freed_in_use, 0);
	assert_int_equal(host.tlb.bbm_violations, 0);
	assert_string_equal(host.tlb.first_error, "");
	/* a wrong ASID leaves the stage-1 entry in place */
	host_put(am_pa_val(pa[1]), 1, BLK(0x80000000ull) | D_AF | D_NG);
	tlbm_watch(&host.tlb, 2 * MIB, 2 * MIB, 0);
	tlbm_fill(&host.tlb);
	host_put(am_pa_val(pa[1]), 1, 0);
	host_inval(AM_PT_S1_EL10, 8, 2 * MIB, 2, true);
	assert_int_equal(tlbm_check_end(&host.tlb), 1);
	am_host_pt_fini(&host);
}

static void test_pt_host_lock_and_log(void **state)
{
	struct am_log_rec rec = {AM_LOG_WARN, AM_EV_BAD_RANGE, "bad range", {7, 8, 9}};
	struct am_log_rec dbg = {AM_LOG_DEBUG, AM_EV_NOT_FOUND, "debug", {1, 0, 0}};

	(void)state;
	assert_int_equal(am_host_pt_init(&host, 1), 0);
	am_host_pt_ops.env.lock(&host);
	am_host_pt_ops.env.lock(&host);
	am_host_pt_ops.env.unlock(&host);
	am_host_pt_ops.env.unlock(&host);
	assert_int_equal(host.locks, 2);
	assert_int_equal(host.unlocks, 2);
	assert_int_equal(host.lock_depth, 0);
	assert_int_equal(host.max_lock_depth, 2);
	am_host_pt_ops.env.log(&host, &rec);
	am_host_pt_ops.env.log(&host, &dbg);
	assert_int_equal(host.nlog, 1);
	assert_int_equal(am_host_pt_logged(&host, AM_EV_BAD_RANGE, 7), 1);
	assert_int_equal(am_host_pt_logged(&host, AM_EV_BAD_RANGE, 8), 0);
	assert_int_equal(am_host_pt_logged(&host, AM_EV_BAD_RANGE, ~0ull), 1);
	host.log_debug = true;
	am_host_pt_ops.env.log(&host, &dbg);
	assert_int_equal(am_host_pt_logged(&host, AM_EV_NOT_FOUND, ~0ull), 1);
	am_host_pt_clear_log(&host);
	assert_int_equal(host.nlog, 0);
	assert_int_equal(host.nlog_total, 0);
	am_host_pt_fini(&host);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_names),
		cmocka_unit_test(test_page_4k_48bit),
		cmocka_unit_test(test_block_1g),
		cmocka_unit_test(test_block_2m),
		cmocka_unit_test(test_block_misaligned),
		cmocka_unit_test(test_reserved_encodings),
		cmocka_unit_test(test_access_flag),
		cmocka_unit_test(test_ia_beyond_range),
		cmocka_unit_test(test_addr_size),
		cmocka_unit_test(test_external_abort),
		cmocka_unit_test(test_ia39_root_level1),
		cmocka_unit_test(test_ia40_root_level0_two_entries),
		cmocka_unit_test(test_small_ia_root_level2),
		cmocka_unit_test(test_el2_permissions),
		cmocka_unit_test(test_el2_res_bits),
		cmocka_unit_test(test_el3_and_ns),
		cmocka_unit_test(test_el20_as_el10),
		cmocka_unit_test(test_granules),
		cmocka_unit_test(test_el10_permission_matrix),
		cmocka_unit_test(test_el10_ng_attrindx_sh),
		cmocka_unit_test(test_s2_permissions),
		cmocka_unit_test(test_hierarchical_controls),
		cmocka_unit_test(test_contig_valid),
		cmocka_unit_test(test_contig_misprogrammed),
		cmocka_unit_test(test_contig_root_too_small),
		cmocka_unit_test(test_tlb_proper_bbm),
		cmocka_unit_test(test_tlb_range),
		cmocka_unit_test(test_tlb_range_operands),
		cmocka_unit_test(test_tlb_replace_in_place),
		cmocka_unit_test(test_tlb_missing_tlbi_is_stale),
		cmocka_unit_test(test_tlb_asid_matching),
		cmocka_unit_test(test_tlb_aside1_keeps_global),
		cmocka_unit_test(test_tlb_vmid_and_regime),
		cmocka_unit_test(test_tlb_leaf_only_then_free),
		cmocka_unit_test(test_tlb_table_without_leaves_is_cached),
		cmocka_unit_test(test_tlb_new_entry_before_complete),
		cmocka_unit_test(test_tlb_block_split_and_contig),
		cmocka_unit_test(test_tlb_walk_cache_table_swap),
		cmocka_unit_test(test_tlb_bad_walks_and_overflow),
		cmocka_unit_test(test_pt_host_pool_and_fail_at),
		cmocka_unit_test(test_pt_host_flush),
		cmocka_unit_test(test_pt_host_tlb_model),
		cmocka_unit_test(test_pt_host_lock_and_log),
	};

	AM_RUN_SUITE("unit-model_vmsa", tests);
}
