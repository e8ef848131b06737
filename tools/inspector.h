/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The armmap inspector (tools/armmap.c): what its parts share. The
 * scenario runner keeps, for each structure it drives, the library's dump
 * of it after the last step that changed it and before that step; the
 * picture (svg.c) is drawn from those lines alone, read back in the format
 * include/armmap/dump.h documents.
 */
#ifndef ARMMAP_TOOLS_INSPECTOR_H
#define ARMMAP_TOOLS_INSPECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Lines of text, each its own allocation. */
struct lines {
	char **v;
	size_t n, cap;
};

void lines_add(struct lines *l, const char *s);
void lines_clear(struct lines *l);
bool lines_has(const struct lines *l, const char *s);

/* What a panel of the picture shows. */
enum panel_kind {
	PANEL_TABLE = 0, /* a translation table: am_pt_dump() lines */
	PANEL_MPU = 1,	 /* an MPU map: am_mpu_dump() lines */
};

struct panel {
	enum panel_kind kind;
	char title[160];  /* what it is: "translation table: stage 1 EL2, ..." */
	char change[200]; /* the last step that changed it, "" if none did */
	struct lines now; /* its dump now */
	struct lines was; /* its dump before that step */
};

/*
 * svg_write() - the picture of @n panels to @f, titled @title: one SVG
 * document, the same bytes for the same input. Returns 0, or -1 when a
 * write failed.
 */
int svg_write(FILE *f, const char *title, const struct panel *p, size_t n);

#endif
