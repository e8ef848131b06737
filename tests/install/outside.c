/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An outside program, as a user writes one: a hosted C program that links an
 * installed armmap (pkg-config or CMake; suite `install`). It supplies the
 * ops a host library needs (table pages from the heap, a flush that counts,
 * MPU registers in an array), builds a stage-1 EL2 table and an Armv8-M
 * region map, and checks what armmap reports. Prints "outside-c: ok" and
 * exits 0 when every result is the expected one.
 */
#define _POSIX_C_SOURCE 200112L /* posix_memalign */

#include <armmap/armmap.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed;
#define CHECK(c)                                                                           \
	do {                                                                               \
		if (!(c)) {                                                                \
			fprintf(stderr, "outside-c: %s:%d: %s\n", __FILE__, __LINE__, #c); \
			failed = 1;                                                        \
		}                                                                          \
	} while (0)

/* --- the table ops: pages from the heap, PA == VA, flushes counted --- */
static unsigned int flushes, pages_out;
static void *alloc_table(void *ctx, am_paddr_t *pa)
{
	void *p = NULL;

	(void)ctx;
	if (posix_memalign(&p, 4096, 4096))
		return NULL;
	pages_out++;
	*pa = am_pa((uint64_t)(uintptr_t)p);
	return p;
}
static void free_table(void *ctx, void *table, am_paddr_t pa)
{
	(void)ctx, (void)pa;
	pages_out--;
	free(table);
}
static void flush(void *ctx, const struct am_pt_flush *f)
{
	(void)ctx, (void)f;
	flushes++;
}
static unsigned int log_records;
static void log_rec(void *ctx, const struct am_log_rec *rec)
{
	(void)ctx;
	log_records++;
	printf("  log: %s\n", rec->msg);
}

/* --- the MPU ops: registers in an array --- */
static uint64_t rbar[16], rlar[16];
static void write_region(void *ctx, unsigned int idx, uint64_t b, uint64_t l)
{
	(void)ctx;
	rbar[idx] = b, rlar[idx] = l;
}
static void sync_regions(void *ctx)
{
	(void)ctx;
}

int main(void)
{
	static const struct am_pt_ops ops = {.env = {.log = log_rec},
					     .alloc_table = alloc_table,
					     .free_table = free_table,
					     .flush = flush};
	/* oa_bits 48: the table pages come from the heap, whose addresses need 47 bits */
	struct am_pt_config cfg = {.regime = AM_PT_S1_EL2, .ia_bits = 39, .oa_bits = 48};
	struct am_pt pt = {0};
	struct am_pt_leaf leaf;
	int rc;

	printf("armmap %s (headers), library %lu\n", ARMMAP_VERSION_STRING, am_version());
	CHECK(am_version() == ARMMAP_VERSION);

	CHECK(am_pt_init(&pt, &cfg, &ops, NULL) == 0);
	CHECK(am_pt_map(&pt, am_va(0x40000000), am_pa(0x80000000), 0x400000, &AM_ATTR_RW_DATA,
			AM_PT_F_BLOCK) == 0);
	CHECK(am_pt_query(&pt, am_va(0x40201000), &leaf) == 0);
	CHECK(leaf.level == 2 && am_pa_val(leaf.pa) == 0x80200000);
	/* bad input: a documented error, one log record, nothing changed */
	rc = am_pt_map(&pt, am_va(0x40000800), am_pa(0x1000), 0x1000, &AM_ATTR_RW_DATA, 0);
	printf("  a misaligned map -> %s\n", am_strerror(rc));
	CHECK(rc == AM_EINVAL && log_records == 1);
	CHECK(am_pt_unmap(&pt, am_va(0x40000000), 0x400000) == 0);
	CHECK(am_pt_query(&pt, am_va(0x40201000), &leaf) == AM_ENOENT);
	am_pt_destroy(&pt);
	CHECK(pages_out == 0 && flushes > 0);

	{
		static const struct am_mpu_ops mops = {.write_region = write_region,
						       .sync = sync_regions};
		struct am_mpu_region store[8];
		struct am_mpu_config mcfg = {
			.flavour = AM_MPU_V8M, .nr_regions = 8, .storage = store, .storage_len = 8};
		struct am_mpu_map m = {0};
		struct am_mpu_region r;

		CHECK(am_mpu_init(&m, &mcfg, &mops, NULL) == 0);
		CHECK(am_mpu_map(&m, 0x20000000, 0x20010000, &am_attr_rw_data) == 0);
		CHECK(am_mpu_region_get(&m, 0, &r) == 0 && r.base == 0x20000000 && r.used);
		CHECK(rbar[0] != 0 && (rlar[0] & 1) == 1);
	}
	printf("outside-c: %s\n", failed ? "FAILED" : "ok");
	return failed;
}
