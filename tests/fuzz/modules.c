/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fuzz modules, in one place: the replay runs the corpus of each,
 * `make soak` soaks each for soak_ops operations and the soak-slice suite
 * of `make test` for slice_ops. A module is tests/fuzz/fuzz_<name>.c
 * defining fz_module_<name>, its corpus tests/fuzz/corpus/<name>/, and its
 * line here.
 */
#include <string.h>

#include "tests/fuzz/fuzz.h"

const struct fz_entry fz_modules[] = {
	/* module, soak ops, soak-slice ops */
	{&fz_module_pt, 10000000ul, 100000ul},
	{&fz_module_mpu, 1000000ul, 20000ul},
	{&fz_module_p2m, 1000000ul, 5000ul},
	{&fz_module_mmio_guard, 1000000ul, 5000ul},
	{&fz_module_mmio_hyp, 1000000ul, 10000ul},
	{NULL, 0, 0}, /* the end */
};
const size_t fz_nmodules = sizeof(fz_modules) / sizeof(fz_modules[0]) - 1;

const struct fz_entry *fz_find(const char *name)
{
	for (size_t i = 0; i < fz_nmodules; i++)
		if (!strcmp(fz_modules[i].mod->name, name))
			return &fz_modules[i];
	return NULL;
}
