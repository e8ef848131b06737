/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The soak: each module's op decoder and oracles, the same as the
 * fuzzers', fed by a seeded PRNG instead of a file, in sessions of
 * FZ_SESSION_OPS calls (fresh state each) until the count is reached.
 *
 *   soak [-s SUITE] [-o DIR] [--slice] [module count seed]...
 *
 * With no triple: every module of the list with its soak_ops (--slice: its
 * slice_ops), seed 1. Prints per module
 *   soak <module>: N ops, X ops/s, D divergences
 * and the first divergence; the bytes of the session that diverged first
 * are written to DIR/<module>/soak-<seed>-<session>.bin (default
 * build/soak), which `replay DIR <module>` and the module's fuzzer replay.
 * Closes with `SUITE: N passed, M failed` (one per module; default "soak").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tests/fuzz/fuzz.h"

#define REC_CAP (4u << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void mkdirs(const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		mkdir(buf, 0777);
		*p = '/';
	}
	mkdir(buf, 0777);
}

/* Save the bytes of the diverging session; returns the file name or NULL. */
static const char *save(const char *dir, const char *mod, uint64_t seed, unsigned long session,
			const struct fz *f)
{
	static char path[4096];
	char sub[4096];
	FILE *fp;

	if (snprintf(sub, sizeof(sub), "%s/%s", dir, mod) >= (int)sizeof(sub) - 64)
		return NULL;
	mkdirs(sub);
	if (snprintf(path, sizeof(path), "%s/soak-%llu-%lu.bin", sub, (unsigned long long)seed,
		     session) >= (int)sizeof(path))
		return NULL;
	fp = fopen(path, "wb");
	if (!fp || fwrite(f->rec, 1, f->rec_len, fp) != f->rec_len) {
		fprintf(stderr, "soak: cannot write %s: %s\n", path, strerror(errno));
		if (fp)
			fclose(fp);
		return NULL;
	}
	fclose(fp);
	return path;
}

/* Soak one module; true if no divergence. */
static bool soak(const struct fz_module *mod, unsigned long count, uint64_t seed, const char *dir)
{
	static uint8_t rec[REC_CAP];
	const char *saved = NULL;
	unsigned long session = 0, calls;
	double t0 = now(), dt;
	struct fz f;

	fz_from_seed(&f, seed);
	while (f.ops < count) {
		unsigned long before = f.divergences;
		unsigned long max = count - f.ops < FZ_SESSION_OPS ? count - f.ops : FZ_SESSION_OPS;

		fz_record(&f, rec, sizeof(rec));
		calls = mod->run(&f, max);
		f.ops += calls;
		if (f.divergences && !before)
			saved = save(dir, mod->name, seed, session, &f);
		session++;
		if (!calls && f.divergences == before) {
			fprintf(stderr, "soak %s: a session made no call\n", mod->name);
			f.divergences++;
			snprintf(f.first, sizeof(f.first), "a session made no call");
			break;
		}
	}
	dt = now() - t0;
	printf("soak %s: %lu ops, %.0f ops/s, %lu divergences\n", mod->name, f.ops,
	       dt > 0 ? (double)f.ops / dt : 0.0, f.divergences);
	if (f.divergences) {
		printf("  first: %s\n", f.first);
		if (saved)
			printf("  reproducer (%s): %s\n",
			       f.rec_len == sizeof(rec) ? "cut short" : "complete", saved);
	}
	fflush(stdout);
	return f.divergences == 0;
}

int main(int argc, char **argv)
{
	const char *suite = "soak", *dir = "build/soak";
	unsigned int pass = 0, fail = 0;
	bool slice = false, any = false;
	int a = 1;

	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--slice"))
			slice = true;
		else if (!strcmp(argv[a], "-s") && a + 1 < argc)
			suite = argv[++a];
		else if (!strcmp(argv[a], "-o") && a + 1 < argc)
			dir = argv[++a];
		else
			goto usage;
	}
	if ((argc - a) % 3)
		goto usage;
	for (; a + 2 < argc; a += 3) {
		const struct fz_entry *e = fz_find(argv[a]);

		any = true;
		if (!e) {
			printf("soak: no module %s\n", argv[a]);
			fail++;
			continue;
		}
		if (soak(e->mod, strtoul(argv[a + 1], NULL, 0), strtoull(argv[a + 2], NULL, 0),
			 dir))
			pass++;
		else
			fail++;
	}
	for (size_t i = 0; !any && i < fz_nmodules; i++) {
		unsigned long n = slice ? fz_modules[i].slice_ops : fz_modules[i].soak_ops;

		if (!n)
			continue;
		if (soak(fz_modules[i].mod, n, 1, dir))
			pass++;
		else
			fail++;
	}
	printf("%s: %u passed, %u failed\n", suite, pass, fail);
	return fail ? 1 : 0;
usage:
	fprintf(stderr, "usage: soak [-s SUITE] [-o DIR] [--slice] [module count seed]...\n");
	return 2;
}
