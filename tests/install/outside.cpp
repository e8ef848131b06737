// SPDX-License-Identifier: BSD-3-Clause
//
// The outside program in C++ (C++11): every armmap header from C++, the
// calls linked through their C names (extern "C"), the attribute constants
// in a static table, copied, and passed by address. Suite `install` builds
// it against the installed armmap with pkg-config and with CMake. Prints
// "outside-c++: ok" and exits 0 when every result is the expected one.
#include <armmap/armmap.h>
#include <armmap/arch/aarch64/pt_ops.h>
#include <armmap/arch/aarch64/el1_mmu.h>
#include <armmap/arch/aarch64/smccc.h>
#include <armmap/arch/armv8m/mpu.h>
#include <armmap/arch/armv8r/mpu.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

static int failed;
#define CHECK(c)                                                                                  \
	do {                                                                                      \
		if (!(c)) {                                                                       \
			std::fprintf(stderr, "outside-c++: %s:%d: %s\n", __FILE__, __LINE__, #c); \
			failed = 1;                                                               \
		}                                                                                 \
	} while (0)

namespace
{

// Registers in an array, as a host test of MPU code would have them.
struct fake_mpu {
	std::vector<uint64_t> rbar = std::vector<uint64_t>(16), rlar = std::vector<uint64_t>(16);
	unsigned int syncs = 0;
};

extern "C" void write_region(void *ctx, unsigned int idx, uint64_t b, uint64_t l)
{
	fake_mpu *f = static_cast<fake_mpu *>(ctx);
	f->rbar[idx] = b;
	f->rlar[idx] = l;
}

extern "C" void sync_regions(void *ctx)
{
	static_cast<fake_mpu *>(ctx)->syncs++;
}

// A boot layout in a static table: the constants are usable in it.
const am_mpu_boot_region boot[] = {
	{0x10000000, 0x10010000, AM_ATTR_RX_TEXT},
	{0x38000000, 0x38010000, AM_ATTR_RW_DATA},
	{0x40200000, 0x40201000, AM_ATTR_DEVICE},
};

} // namespace

int main()
{
	std::printf("armmap %s (headers), library %lu\n", ARMMAP_VERSION_STRING, am_version());
	CHECK(am_version() == ARMMAP_VERSION);
	CHECK(std::strcmp(am_strerror(AM_EINVAL), "") != 0);

	const am_attr *rw = &AM_ATTR_RW_DATA; // the address of a constant
	am_attr copy = AM_ATTR_RO_DATA;	      // and a copy
	CHECK(am_attr_diff(rw, &am_attr_rw_data) == 0);
	CHECK(am_attr_diff(&copy, &am_attr_ro_data) == 0);
	CHECK(am_attr_diff(&AM_ATTR_DEVICE, &am_attr_device) == 0);
	CHECK(am_attr_diff(&AM_ATTR_RX_TEXT, &am_attr_rx_text) == 0);

	fake_mpu hw;
	am_mpu_ops ops = {};
	ops.write_region = write_region;
	ops.sync = sync_regions;
	std::vector<am_mpu_region> store(8);
	am_mpu_config cfg = {};
	cfg.flavour = AM_MPU_V8M;
	cfg.nr_regions = 8;
	cfg.storage = store.data();
	cfg.storage_len = 8;
	struct am_mpu_map m = {}; // "struct": am_mpu_map is also the function
	CHECK(am_mpu_init(&m, &cfg, &ops, &hw) == 0);
	CHECK(am_mpu_boot(&m, boot, 3) == 0);
	unsigned int idx = 0;
	CHECK(am_mpu_lookup(&m, 0x38000000, 0x38001000, &idx) == AM_MPU_INCLUSIVE);
	// inside the RW region, same attributes: a reference on it (its index)
	int rc = am_mpu_map(&m, 0x38000800, 0x38000820, rw);
	std::printf("  am_mpu_map inside region %u -> %d%s%s\n", idx, rc, rc < 0 ? " " : "",
		    rc < 0 ? am_strerror(rc) : "");
	CHECK(rc >= 0 && static_cast<unsigned int>(rc) == idx);
	// other attributes there: refused, with the reason
	rc = am_mpu_map(&m, 0x38000800, 0x38000820, &AM_ATTR_RO_DATA);
	std::printf("  the same range read-only -> %s\n", am_strerror(rc));
	CHECK(rc == AM_EEXIST);
	CHECK(hw.syncs > 0 && (hw.rlar[1] & 1) == 1);

	std::printf("outside-c++: %s\n", failed ? "FAILED" : "ok");
	return failed;
}
