/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inspector's picture: one SVG document drawn from the dumps' lines
 * (inspector.h), with integer coordinates only, so that the same scenario
 * gives the same bytes.
 *
 *  - a translation table: its groups of leaves in input-address order on
 *    the left, the same groups in output-address order on the right, a
 *    band from each to the other, coloured by attributes and labelled with
 *    the leaves' level, size and count;
 *  - an MPU: its regions as bars along the address line (bar length grows
 *    with log2 of the size), with one chip per holder (the creator and each
 *    reference);
 *  - what the last change of each structure made is outlined in red, what
 *    it removed is listed dashed below.
 */
#include <stdlib.h>
#include <string.h>

#include "tools/inspector.h"

#define W 1000
#define ROW 34	/* a group or a region */
#define BOX 30	/* its box */
#define GAP 14	/* a gap in the address space (MPU) */
#define VA_X 24 /* the input column */
#define COL_W 330
#define PA_X (W - 24 - COL_W)
#define RED "#d62728"

/* One line of a table dump, read back (armmap/dump.h's format). */
struct tgroup {
	unsigned long long va, va_last, pa, count;
	unsigned int level;
	char size[8], state[8], perm[8];
	char mem[16], sh[12];
	int contig, ng, sw;
	unsigned long long size_bytes;
	const char *line;
	bool changed;
};

/* One line of an MPU dump, read back. */
struct mregion {
	unsigned int idx, refs;
	unsigned long long base, last;
	char perm[8], priv[8], mem[16], sh[12];
	const char *line;
	bool changed;
};

/* Text, escaped for XML. */
static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc(*s, f);
	}
}

static void text(FILE *f, int x, int y, const char *cls, const char *s)
{
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"%s\">", x, y, cls);
	esc(f, s);
	fputs("</text>\n", f);
}

/* The token after "key=" in @line, or @dflt. */
static int field(const char *line, const char *key, int dflt)
{
	const char *p = strstr(line, key);

	return p ? (int)strtol(p + strlen(key), NULL, 0) : dflt;
}

/* The memory type and shareability tokens of a dump line. */
static void mem_of(const char *line, char *mem, size_t nm, char *sh, size_t ns)
{
	static const char *const mems[] = {"device-nGnRnE", "device-nGnRE", "normal-nc",
					   "normal-wt",	    "normal-wb",    "mem?"};
	static const char *const shs[] = {"inner-sh", "outer-sh", "non-sh", "sh?"};

	snprintf(mem, nm, "?");
	snprintf(sh, ns, "?");
	for (size_t i = 0; i < sizeof(mems) / sizeof(mems[0]); i++)
		if (strstr(line, mems[i])) {
			snprintf(mem, nm, "%s", mems[i]);
			break;
		}
	for (size_t i = 0; i < sizeof(shs) / sizeof(shs[0]); i++)
		if (strstr(line, shs[i])) {
			snprintf(sh, ns, "%s", shs[i]);
			break;
		}
}

static bool parse_tgroup(const char *line, struct tgroup *g)
{
	char unit;
	unsigned long long n;

	memset(g, 0, sizeof(*g));
	if (sscanf(line, "0x%llx-0x%llx -> 0x%llx L%u %7s x%llu %7s %7s", &g->va, &g->va_last,
		   &g->pa, &g->level, g->size, &g->count, g->state, g->perm) != 8)
		return false;
	if (sscanf(g->size, "%llu%c", &n, &unit) != 2)
		return false;
	g->size_bytes = n << (unit == 'G' ? 30 : unit == 'M' ? 20 : 10);
	mem_of(line, g->mem, sizeof(g->mem), g->sh, sizeof(g->sh));
	g->contig = field(line, " contig=", 0);
	g->ng = field(line, " ng=", 0);
	g->sw = field(line, " sw=", 0);
	g->line = line;
	return true;
}

static bool parse_mregion(const char *line, struct mregion *r)
{
	memset(r, 0, sizeof(*r));
	if (sscanf(line, "region %u: 0x%llx-0x%llx %7s %7s", &r->idx, &r->base, &r->last, r->perm,
		   r->priv) != 5)
		return false;
	mem_of(line, r->mem, sizeof(r->mem), r->sh, sizeof(r->sh));
	r->refs = (unsigned int)field(line, " refs=", 0);
	r->line = line;
	return true;
}

/* The fill of an attribute class (the legend names them). */
static const char *fill_of(const char *perm, const char *mem, bool parked)
{
	if (parked)
		return "#c7c7c7";
	if (!strncmp(mem, "device", 6))
		return "#f2a65a";
	if (!strcmp(perm, "rwx"))
		return "#b48ad8";
	if (perm[2] == 'x')
		return "#e87d7d";
	if (perm[1] == 'w')
		return "#6fa8dc";
	if (perm[0] == 'r')
		return "#7dc47d";
	return "#a0a0a0";
}

static void box(FILE *f, int x, int y, int w, const char *fill, bool changed, bool dashed)
{
	fprintf(f,
		"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"3\" fill=\"%s\" "
		"stroke=\"%s\" stroke-width=\"%d\"%s/>\n",
		x, y, w, BOX, fill, changed ? RED : "#404040", changed ? 3 : 1,
		dashed ? " stroke-dasharray=\"5,3\"" : "");
}

/* A red mark in the left margin: this row is what the last change made. */
static void mark(FILE *f, int y)
{
	fprintf(f, "<rect x=\"6\" y=\"%d\" width=\"8\" height=\"%d\" fill=\"%s\"/>\n", y, BOX, RED);
}

static int cmp_pa(const void *a, const void *b)
{
	const struct tgroup *const *x = a, *const *y = b;

	if ((*x)->pa != (*y)->pa)
		return (*x)->pa < (*y)->pa ? -1 : 1;
	return (*x)->va < (*y)->va ? -1 : (*x)->va > (*y)->va;
}

static void tgroup_label(const struct tgroup *g, char *l1, size_t n1, char *l2, size_t n2)
{
	snprintf(l1, n1, "L%u %s x%llu %s%s%s", g->level, g->size, g->count, g->perm,
		 strcmp(g->state, "valid") ? " parked" : "", g->contig ? " contig" : "");
	snprintf(l2, n2, "%s %s%s", g->mem, g->sh, g->ng ? " nG" : "");
	if (g->sw)
		snprintf(l2 + strlen(l2), n2 - strlen(l2), " sw=0x%x", g->sw);
}

/* A translation table from @y; returns the y after it. */
static int table_panel(FILE *f, const struct panel *p, int y)
{
	struct tgroup *g = calloc(p->now.n + 1, sizeof(*g));
	struct tgroup **by_pa = calloc(p->now.n + 1, sizeof(*by_pa));
	size_t n = 0, removed = 0;
	char a[96], b[96];
	int top;

	if (!g || !by_pa)
		exit(2);
	for (size_t i = 0; i < p->now.n; i++)
		if (parse_tgroup(p->now.v[i], &g[n])) {
			g[n].changed = p->change[0] && !lines_has(&p->was, p->now.v[i]);
			by_pa[n] = &g[n];
			n++;
		}
	qsort(by_pa, n, sizeof(*by_pa), cmp_pa);
	text(f, VA_X, y + 12, "h", "input addresses, in their order");
	text(f, PA_X, y + 12, "h", "output addresses, in their order");
	top = y + 22;
	if (!n)
		text(f, VA_X, top + 20, "t", "(nothing mapped)");
	/* the bands first, under the boxes */
	for (size_t j = 0; j < n; j++) {
		const struct tgroup *q = by_pa[j];
		int yv = top + (int)(q - g) * ROW, yp = top + (int)j * ROW;

		fprintf(f,
			"<path d=\"M%d %d L%d %d L%d %d L%d %d Z\" fill=\"%s\" "
			"fill-opacity=\"0.45\" "
			"stroke=\"%s\" stroke-width=\"%d\"/>\n",
			VA_X + COL_W, yv, PA_X, yp, PA_X, yp + BOX, VA_X + COL_W, yv + BOX,
			fill_of(q->perm, q->mem, strcmp(q->state, "valid")),
			q->changed ? RED : "none", q->changed ? 2 : 0);
	}
	for (size_t i = 0; i < n; i++) {
		const struct tgroup *q = &g[i];
		const char *fill = fill_of(q->perm, q->mem, strcmp(q->state, "valid"));
		int yv = top + (int)i * ROW;

		if (q->changed)
			mark(f, yv);
		box(f, VA_X, yv, COL_W, fill, q->changed, false);
		snprintf(a, sizeof(a), "0x%llx-0x%llx", q->va, q->va_last);
		text(f, VA_X + 6, yv + 13, "t", a);
		tgroup_label(q, a, sizeof(a), b, sizeof(b));
		text(f, VA_X + 6, yv + 26, "s", a);
	}
	for (size_t j = 0; j < n; j++) {
		const struct tgroup *q = by_pa[j];
		int yp = top + (int)j * ROW;

		box(f, PA_X, yp, COL_W, fill_of(q->perm, q->mem, strcmp(q->state, "valid")),
		    q->changed, false);
		snprintf(a, sizeof(a), "0x%llx-0x%llx", q->pa,
			 q->pa + q->size_bytes * q->count - 1u);
		text(f, PA_X + 6, yp + 13, "t", a);
		tgroup_label(q, a, sizeof(a), b, sizeof(b));
		text(f, PA_X + 6, yp + 26, "s", b);
	}
	y = top + (int)(n ? n : 1) * ROW + 8;
	/* what the last change took away */
	for (size_t i = 0; p->change[0] && i < p->was.n; i++) {
		struct tgroup q;

		if (lines_has(&p->now, p->was.v[i]) || !parse_tgroup(p->was.v[i], &q))
			continue;
		if (!removed++) {
			text(f, VA_X, y + 12, "h", "before the last change (replaced or removed):");
			y += 18;
		}
		box(f, VA_X, y, COL_W, "none", false, true);
		snprintf(a, sizeof(a), "0x%llx-0x%llx", q.va, q.va_last);
		text(f, VA_X + 6, y + 13, "t", a);
		tgroup_label(&q, a, sizeof(a), b, sizeof(b));
		text(f, VA_X + 6, y + 26, "s", a);
		snprintf(a, sizeof(a), "was -> 0x%llx, %.60s", q.pa, b);
		text(f, VA_X + COL_W + 12, y + 20, "s", a);
		y += ROW;
	}
	free(g);
	free(by_pa);
	return y;
}

static int cmp_base(const void *a, const void *b)
{
	const struct mregion *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* The bar of a region: longer for larger ones, log2 of the size. */
static int bar_len(unsigned long long size)
{
	int l = 0;

	while (l < 63 && (2ull << l) <= size)
		l++;
	l = 40 + 12 * (l - 5);
	return l < 40 ? 40 : l > 300 ? 300 : l;
}

/* An MPU from @y; returns the y after it. */
static int mpu_panel(FILE *f, const struct panel *p, int y)
{
	struct mregion *r = calloc(p->now.n + 1, sizeof(*r));
	size_t n = 0, removed = 0;
	const int line_x = 150, bar_x = 160, chip_x = 480, text_x = 600;
	char a[160];
	int top, yy;

	if (!r)
		exit(2);
	for (size_t i = 0; i < p->now.n; i++)
		if (parse_mregion(p->now.v[i], &r[n])) {
			r[n].changed = p->change[0] && !lines_has(&p->was, p->now.v[i]);
			n++;
		}
	qsort(r, n, sizeof(*r), cmp_base);
	text(f, 20, y + 12, "h", "the address line, low to high; one chip per holder");
	top = y + 22;
	if (!n)
		text(f, bar_x, top + 20, "t", "(no region in use)");
	yy = top;
	for (size_t i = 0; i < n; i++) {
		const struct mregion *q = &r[i];
		int len = bar_len(q->last - q->base + 1u);
		unsigned int chips = q->refs + 1u;

		if (i && q->base != r[i - 1].last + 1u) {
			/* a hole in the address space */
			fprintf(f,
				"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#808080\" "
				"stroke-dasharray=\"2,3\"/>\n",
				line_x, yy - 4, line_x, yy + GAP - 2);
			yy += GAP;
		}
		fprintf(f,
			"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#202020\" "
			"stroke-width=\"2\"/>\n",
			line_x, yy - 2, line_x, yy + ROW - 2);
		snprintf(a, sizeof(a), "0x%llx", q->base);
		fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"s\" text-anchor=\"end\">", line_x - 6,
			yy + 10);
		esc(f, a);
		fputs("</text>\n", f);
		if (q->changed)
			mark(f, yy);
		box(f, bar_x, yy, len, fill_of(q->perm, q->mem, false), q->changed, false);
		snprintf(a, sizeof(a), "region %u", q->idx);
		text(f, bar_x + 6, yy + 19, "t", a);
		for (unsigned int c = 0; c < chips && c < 9; c++)
			fprintf(f,
				"<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\" "
				"stroke=\"#404040\"/>\n",
				chip_x + 12 * (int)c, yy + 10, c ? "#ffffff" : "#404040");
		if (chips > 9) {
			snprintf(a, sizeof(a), "+%u", chips - 9);
			text(f, chip_x + 12 * 9, yy + 19, "s", a);
		}
		snprintf(a, sizeof(a), "0x%llx-0x%llx %s %s", q->base, q->last, q->perm, q->priv);
		text(f, text_x, yy + 13, "t", a);
		snprintf(a, sizeof(a), "%s %s refs=%u", q->mem, q->sh, q->refs);
		text(f, text_x, yy + 26, "s", a);
		yy += ROW;
	}
	y = yy + 8;
	for (size_t i = 0; p->change[0] && i < p->was.n; i++) {
		struct mregion q;

		if (lines_has(&p->now, p->was.v[i]) || !parse_mregion(p->was.v[i], &q))
			continue;
		if (!removed++) {
			text(f, 20, y + 12, "h", "before the last change (replaced or removed):");
			y += 18;
		}
		box(f, bar_x, y, bar_len(q.last - q.base + 1u), "none", false, true);
		snprintf(a, sizeof(a), "region %u", q.idx);
		text(f, bar_x + 6, y + 19, "t", a);
		snprintf(a, sizeof(a), "was 0x%llx-0x%llx %s %s refs=%u", q.base, q.last, q.perm,
			 q.mem, q.refs);
		text(f, text_x, y + 19, "s", a);
		y += ROW;
	}
	free(r);
	return y;
}

static int legend(FILE *f, int y)
{
	static const struct {
		const char *fill, *what;
	} k[] = {
		{"#6fa8dc", "rw-"}, {"#7dc47d", "r--"},	   {"#e87d7d", "r-x"},
		{"#b48ad8", "rwx"}, {"#f2a65a", "device"}, {"#c7c7c7", "parked"},
	};
	int x = 24;

	text(f, x, y + 14, "h", "colours:");
	x += 70;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		fprintf(f,
			"<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\" "
			"stroke=\"#404040\"/>\n",
			x, y + 3, k[i].fill);
		text(f, x + 20, y + 14, "t", k[i].what);
		x += 80;
	}
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"8\" height=\"14\" fill=\"%s\"/>\n", x + 10,
		y + 3, RED);
	text(f, x + 24, y + 14, "t", "made by the last change");
	return y + 26;
}

int svg_write(FILE *out, const char *title, const struct panel *p, size_t n)
{
	char *body = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);
	int y = 50, rc;

	if (!f)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char line[260];

		fprintf(f, "<line x1=\"12\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#909090\"/>\n",
			y, W - 12, y);
		text(f, 20, y + 20, "p", p[i].title);
		snprintf(line, sizeof(line), "last change: %s",
			 p[i].change[0] ? p[i].change : "none");
		text(f, 20, y + 38, p[i].change[0] ? "c" : "t", line);
		y += 48;
		y = p[i].kind == PANEL_MPU ? mpu_panel(f, &p[i], y) : table_panel(f, &p[i], y);
		y += 10;
	}
	y = legend(f, y) + 8;
	if (fclose(f))
		return -1;
	fprintf(out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\">\n"
		"<style>\n"
		"text { font-family: monospace; fill: #111111; }\n"
		".T { font-size: 16px; font-weight: bold; }\n"
		".p { font-size: 14px; font-weight: bold; }\n"
		".h { font-size: 12px; font-style: italic; fill: #444444; }\n"
		".c { font-size: 12px; fill: " RED "; }\n"
		".t { font-size: 12px; }\n"
		".s { font-size: 11px; }\n"
		"</style>\n"
		"<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
		W, y, W, y, W, y);
	text(out, 20, 30, "T", title);
	fwrite(body, 1, len, out);
	fputs("</svg>\n", out);
	free(body);
	rc = ferror(out) ? -1 : 0;
	return rc;
}
