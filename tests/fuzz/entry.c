/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The libFuzzer entry point of one module: build with
 * -DFZ_MODULE=fz_module_<name> and -fsanitize=fuzzer (build/fuzz/<name>).
 * A divergence abort()s, which libFuzzer reports as a crash and saves.
 */
#include "tests/fuzz/fuzz.h"

#ifndef FZ_MODULE
#error "build with -DFZ_MODULE=fz_module_<name>"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f;

	fz_from_data(&f, data, size);
	f.ops += FZ_MODULE.run(&f, FZ_MAX_OPS);
	return 0;
}
