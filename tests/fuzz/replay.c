/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Suite fuzz-replay: every file of tests/fuzz/corpus/<module>/ through its
 * module, one pass or failure per file. Each file runs in a child process,
 * so a divergence (abort), a sanitizer report or a crash fails that file
 * only; a file taking longer than REPLAY_TIMEOUT seconds fails too. A corpus
 * directory that names no module fails once.
 *
 *   replay [corpus-dir] [module...]     (default tests/fuzz/corpus, every module)
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"

#define REPLAY_TIMEOUT 60
#define REPLAY_MAX_FILE (1u << 20)

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run one file in a child; true if it passed. */
static bool replay_file(const struct fz_module *mod, const char *path)
{
	pid_t pid;
	int st;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return false;
	}
	if (pid == 0) {
		static uint8_t buf[REPLAY_MAX_FILE];
		FILE *fp = fopen(path, "rb");
		struct fz f;
		size_t n;

		if (!fp) {
			perror(path);
			_exit(2);
		}
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		alarm(REPLAY_TIMEOUT);
		fz_from_data(&f, buf, n);
		f.ops += mod->run(&f, FZ_MAX_OPS);
		_exit(f.divergences ? 1 : 0);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return false;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return true;
	if (WIFSIGNALED(st))
		printf("FAIL %s: %s\n", path,
		       WTERMSIG(st) == SIGALRM ? "timed out" : strsignal(WTERMSIG(st)));
	else
		printf("FAIL %s: exit status %d\n", path, WEXITSTATUS(st));
	return false;
}

/* Every regular file of @dir, in name order; returns files failed, adds to *@pass. */
static unsigned int replay_dir(const struct fz_module *mod, const char *dir, unsigned int *pass)
{
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0;
	unsigned int fail = 0, ok = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		printf("%s: no corpus (%s)\n", mod->name, dir);
		return 0;
	}
	while ((de = readdir(d))) {
		struct stat sb;

		if (de->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path) ||
		    stat(path, &sb) || !S_ISREG(sb.st_mode))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				abort();
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) < (int)sizeof(path) &&
		    replay_file(mod, path))
			ok++;
		else
			fail++;
		free(names[i]);
	}
	free(names);
	printf("%s: %u files, %u passed, %u failed\n", mod->name, ok + fail, ok, fail);
	*pass += ok;
	return fail;
}

/* Corpus directories that no module claims. */
static unsigned int orphans(const char *root)
{
	unsigned int n = 0;
	struct dirent *de;
	DIR *d = opendir(root);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || fz_find(de->d_name))
			continue;
		printf("FAIL %s/%s: no fuzz module of that name\n", root, de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : "tests/fuzz/corpus";
	unsigned int pass = 0, fail = 0;
	char dir[4096];

	for (size_t i = 0; i < fz_nmodules; i++) {
		const struct fz_module *mod = fz_modules[i].mod;
		bool named = argc <= 2;

		for (int a = 2; a < argc; a++)
			named |= !strcmp(argv[a], mod->name);
		if (!named)
			continue;
		if (snprintf(dir, sizeof(dir), "%s/%s", root, mod->name) >= (int)sizeof(dir))
			continue;
		fail += replay_dir(mod, dir, &pass);
	}
	if (argc <= 2)
		fail += orphans(root);
	printf("fuzz-replay: %u passed, %u failed\n", pass, fail);
	return fail ? 1 : 0;
}
