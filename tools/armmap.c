/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * armmap, the inspector: runs a scenario (one operation a line) against the
 * library on the executable models, and shows for each step the call and
 * its result, the library's log records, the barriers and TLB
 * invalidations (or MPU region writes, or hypercalls) the step issued, what
 * the hardware models make of it, and the library's own dump of what
 * changed (include/armmap/dump.h). With --svg, a picture of the final state,
 * the last change highlighted (svg.c).
 *
 *   armmap [--dump=each|end] [--svg FILE] SCENARIO     (SCENARIO "-": stdin)
 *
 * The grammar, the output and the exit statuses are docs/inspector.md's.
 * A scenario is read whole and checked first: a bad line is reported as
 * FILE:LINE: error: ... and nothing runs (exit 2). Exit 1 when a model
 * saw the library break a rule of the hardware (a break-before-make
 * violation, a stale TLB entry, two enabled MPU regions overlapping, a lock
 * left held), else 0: a refused call is a result, not a failure.
 *
 * The structures: one translation table (`regime`), one MPU map (`mpu`),
 * one P2M (`p2m`) and one MMIO-guard tracker (`mmio-guard`, on the table),
 * each on the host backends of arch/host/ wrapped so that every flush,
 * region write, log record and hypercall is shown as it happens.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <armmap/armmap.h>

#include "arch/aarch64/tlbi_range.h"
#include "arch/host/mpu_model.h"
#include "arch/host/p2m_host.h"
#include "arch/host/pt_host.h"
#include "model/mmio_hyp.h"
#include "model/pmsav8.h"
#include "model/tlb.h"
#include "model/vmsa.h"
#include "tools/inspector.h"

#define MAX_TOK 24
#define MAX_LINE 512
#define MAX_DOM 16
#define IND "    "

/* ----------------------------------------------------------------- lines -- */

void lines_add(struct lines *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v) {
			perror("armmap");
			exit(2);
		}
	}
	l->v[l->n] = strdup(s);
	if (!l->v[l->n]) {
		perror("armmap");
		exit(2);
	}
	l->n++;
}

void lines_clear(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

bool lines_has(const struct lines *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return true;
	return false;
}

static void lines_copy(struct lines *to, const struct lines *from)
{
	lines_clear(to);
	for (size_t i = 0; i < from->n; i++)
		lines_add(to, from->v[i]);
}

/* ----------------------------------------------------------------- names -- */

static const char *err_sym(int rc)
{
	return rc == AM_OK ? "ok" : am_errname(rc);
}

static const char *const ev_names[AM_EV_COUNT] = {
	[AM_EV_NONE] = "none",
	[AM_EV_ATTR_MISMATCH] = "attr-mismatch",
	[AM_EV_WRITE_EXEC] = "write-exec",
	[AM_EV_DEVICE_EXEC] = "device-exec",
	[AM_EV_NOT_EXPRESSIBLE] = "not-expressible",
	[AM_EV_OVERLAP] = "overlap",
	[AM_EV_NO_SPACE] = "no-space",
	[AM_EV_REFCOUNT_SATURATED] = "refcount-saturated",
	[AM_EV_PARTIAL] = "partial",
	[AM_EV_NOT_FOUND] = "not-found",
	[AM_EV_REFERENCED] = "referenced",
	[AM_EV_BAD_RANGE] = "bad-range",
	[AM_EV_TYPE_CHANGE] = "type-change",
	[AM_EV_REGION_WRITE] = "region-write",
	[AM_EV_PT_MAPPED] = "pt-mapped",
	[AM_EV_PT_NO_MEMORY] = "pt-no-memory",
	[AM_EV_PT_BREAK] = "pt-break",
	[AM_EV_PT_TABLE_FREED] = "pt-table-freed",
	[AM_EV_INTERNAL] = "internal",
	[AM_EV_NOT_READY] = "not-ready",
	[AM_EV_BAD_ARG] = "bad-arg",
	[AM_EV_BAD_CONFIG] = "bad-config",
	[AM_EV_BAD_TABLE] = "bad-table",
};

static const char *const level_names[] = {"err", "warn", "info", "debug"};
static const char *const regime_long[AM_PT_REGIME_COUNT] = {
	"stage 1 EL2", "stage 1 EL1&0", "stage 2", "stage 1 EL3", "stage 1 EL2&0 (VHE)"};
static const char *const flavour_names[] = {"v8r-aarch64", "v8r-aarch32", "v8m"};
static const char *const flavour_long[] = {"Armv8-R AArch64 (PRBAR/PRLAR_EL2)",
					   "Armv8-R AArch32 (HPRBAR/HPRLAR)",
					   "Armv8-M (MPU_RBAR/MPU_RLAR)"};
static const char *const p2m_types[AM_P2M_TYPE_COUNT] = {
	[AM_P2M_NONE] = "none",		[AM_P2M_RAM_RW] = "ram-rw",
	[AM_P2M_RAM_RO] = "ram-ro",	[AM_P2M_MMIO_DEV] = "mmio-dev",
	[AM_P2M_MMIO_NC] = "mmio-nc",	[AM_P2M_GRANT_RW] = "grant-rw",
	[AM_P2M_GRANT_RO] = "grant-ro", [AM_P2M_FOREIGN] = "foreign",
};
static const char *const mt_names[AM_MT_COUNT] = {"device-nGnRnE", "device-nGnRE", "normal-nc",
						  "normal-wt", "normal-wb"};

/* ---------------------------------------------------------------- state -- */

enum target { T_NONE = 0, T_PT, T_MPU, T_P2M };

static struct {
	/* options */
	bool dump_each;
	const char *svg;
	const char *file;

	/* the step */
	bool dry; /* the check pass: parse, run nothing */
	unsigned int lineno;
	char text[MAX_LINE];
	char *tok[MAX_TOK];
	unsigned int ntok;
	unsigned long tlbi, dsb, isb, writes, syncs;
	bool violation; /* a model saw a rule broken: exit 1 */
	bool in_init;	/* an init runs: its refusals are logged without a lock */

	/* the translation table */
	bool have_pt, pt_made;
	enum am_pt_regime regime;
	unsigned int ia_bits, oa_bits;
	struct am_host_pt h;
	struct am_pt_ops pt_ops;
	struct am_pt pt;
	struct vmsa_cfg vc;
	struct {
		unsigned long bbm, stale, freed, bad_walks, model_errors;
	} tlbseen;

	/* the MPU */
	bool have_mpu, mpu_made;
	enum am_mpu_flavour flavour;
	struct am_host_mpu mh;
	struct am_mpu_ops mpu_ops;
	struct am_mpu_map m;
	struct am_mpu_region store[AM_MPU_MAX_REGIONS];
	unsigned long overlaps_seen;

	/* the P2M */
	bool have_p2m, p2m_made;
	struct am_host_p2m hp;
	void (*p2m_flush)(void *ctx, const struct am_pt_flush *f);
	void (*p2m_log)(void *ctx, const struct am_log_rec *rec);
	struct am_p2m p2m;
	struct am_frame_table ft;
	struct am_page_info *pages;
	uint64_t first_mfn, nr_frames;
	am_mfn_t gnttab[MAX_DOM], gnttab_status[MAX_DOM];
	unsigned int ipa_bits, p2m_pa_bits;

	/* the MMIO guard */
	bool have_mmio, mmio_made;
	struct mmioh hyp;
	struct am_mmio_tracker tr;
	struct am_mem_region ram[16], mmio[16];

	/* the picture: per structure, its dump now and before its last change */
	struct panel panel[3];
} G;

static const char *object_name(uint64_t a)
{
	if (a == (uintptr_t)&G.pt)
		return "&table";
	if (a == (uintptr_t)&G.m)
		return "&mpu";
	if (a == (uintptr_t)&G.p2m)
		return "&p2m";
	if (a == (uintptr_t)&G.tr)
		return "&tracker";
	return NULL;
}

/* ---------------------------------------------------------------- output -- */

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

/* A scenario error: FILE:LINE: error: ..., exit 2 (only the check pass finds them). */
static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void bad(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s:%u: error: ", G.file, G.lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void result(int rc)
{
	if (rc >= 0)
		out(IND "= ok\n");
	else
		out(IND "= %s (%s)\n", err_sym(rc), am_strerror(rc));
}

/* The name of an object of the scenario whose address a record gives, or NULL. */
static const char *object_name(uint64_t a);

static void show_log(const struct am_log_rec *rec)
{
	const char *obj = NULL;

	if (rec->event == AM_EV_REGION_WRITE)
		return; /* the region writes are shown as they happen */
	out(IND "log %s %s: \"%s\" (", rec->level <= AM_LOG_DEBUG ? level_names[rec->level] : "?",
	    rec->event < AM_EV_COUNT ? ev_names[rec->event] : "?", rec->msg ? rec->msg : "");
	/* an object's address: its name, so that the output is the same from run to run */
	if (rec->event == AM_EV_NOT_READY)
		obj = object_name(rec->arg[0]);
	if (obj)
		out("%s", obj);
	else
		out("0x%llx", (unsigned long long)rec->arg[0]);
	out(", 0x%llx, 0x%llx)\n", (unsigned long long)rec->arg[1],
	    (unsigned long long)rec->arg[2]);
}

static void fallback_log(void *ctx, const struct am_log_rec *rec)
{
	(void)ctx;
	show_log(rec);
}

/* A record is made with the object's lock held (armmap/types.h). */
static void pt_log(void *ctx, const struct am_log_rec *rec)
{
	struct am_host_pt *h = ctx;

	if (!h->lock_depth && !G.in_init) {
		out(IND "MODEL: a record made without the table's lock\n");
		G.violation = true;
	}
	show_log(rec);
}

static void mpu_log(void *ctx, const struct am_log_rec *rec)
{
	struct am_host_mpu *h = ctx;

	if (!h->lock_depth && !G.in_init) {
		out(IND "MODEL: a record made without the map's lock\n");
		G.violation = true;
	}
	show_log(rec);
}

static void p2m_log(void *ctx, const struct am_log_rec *rec)
{
	if (!am_host_p2m_held() && !G.in_init) {
		out(IND "MODEL: a record made without the P2M lock\n");
		G.violation = true;
	}
	show_log(rec);
	G.p2m_log(ctx, rec);
}

/* ----------------------------------------------- the barriers and TLBIs -- */

static const char *tlbi_name(unsigned int regime, bool leaf, bool range)
{
	static const char *const n[AM_PT_REGIME_COUNT][2][2] = {
		{{"vae2is", "rvae2is"}, {"vale2is", "rvale2is"}},
		{{"vae1is", "rvae1is"}, {"vale1is", "rvale1is"}},
		{{"ipas2e1is", "ripas2e1is"}, {"ipas2le1is", "ripas2le1is"}},
		{{"vae3is", "rvae3is"}, {"vale3is", "rvale3is"}},
		{{"vae2is", "rvae2is"}, {"vale2is", "rvale2is"}}, /* with E2H: and the ASID */
	};

	return n[regime < AM_PT_REGIME_COUNT ? regime : 2][leaf][range];
}

static void tlbi_scope(const struct am_pt_flush *f)
{
	if ((f->regime == AM_PT_S1_EL10 || f->regime == AM_PT_S1_EL20))
		out(" asid=%u", f->asid);
	else if (f->regime == AM_PT_S2)
		out(" vmid=%u", f->vmid);
}

/* One invalidation as the aarch64 backend issues it (arch/aarch64/pt_ops.c). */
static void show_inval(const struct am_pt_flush *f, const struct am_pt_inval *v, bool shown)
{
	uint16_t asid = (f->regime == AM_PT_S1_EL10 || f->regime == AM_PT_S1_EL20) ? f->asid : 0;
	uint64_t addr = am_va_val(v->addr), left = v->pages, op;
	const char *what = f->regime == AM_PT_S2 ? "ipa" : "va";
	bool range;

	if (!left) {
		G.tlbi++;
		if (!shown)
			return;
		out(IND "  tlbi %s %s=0x%llx", tlbi_name(f->regime, v->leaf, false), what,
		    (unsigned long long)addr);
		tlbi_scope(f);
		out(" (the level-%u entry)\n", v->level);
		return;
	}
	while (left) {
		uint64_t n = am_tlbir_step(addr, left, f->gshift, v->level, asid, f->ds, &op, &range);

		G.tlbi++;
		if (shown) {
			out(IND "  tlbi %s %s=0x%llx", tlbi_name(f->regime, v->leaf, range), what,
			    (unsigned long long)addr);
			if (range)
				out(" pages=%llu ttl=%u", (unsigned long long)n, v->level);
			tlbi_scope(f);
			out("\n");
		}
		addr += n << f->gshift;
		left -= n;
	}
}

/* What a flush stands for, instruction by instruction, as the aarch64 backend has it. */
static void show_flush(const struct am_pt_flush *f)
{
	static const char *const all[AM_PT_REGIME_COUNT] = {"alle2is", "vmalle1is", "vmalls12e1is",
							    "alle3is", "alle2is"};

	switch (f->kind) {
	case AM_PT_FLUSH_PUBLISH:
		out(IND "flush publish: dsb ishst\n");
		G.dsb++;
		return;
	case AM_PT_FLUSH_COMPLETE:
		out(IND "flush complete: dsb ish; isb\n");
		G.dsb++;
		G.isb++;
		return;
	case AM_PT_FLUSH_ALL:
		out(IND "flush all: dsb ishst; tlbi %s",
		    all[f->regime < AM_PT_REGIME_COUNT ? f->regime : 2]);
		tlbi_scope(f);
		out("; dsb ish; isb\n");
		G.tlbi++;
		G.dsb += 2;
		G.isb++;
		return;
	default:
		break;
	}
	out(IND "flush list of %u: dsb ishst\n", f->n);
	for (unsigned int i = 0; i < f->n; i++) {
		/* a long list: its first three and last two invalidations, counted whole */
		bool shown = f->n <= 8 || i < 3 || i >= f->n - 2;

		show_inval(f, &f->inv[i], shown);
		if (!shown && i == 3)
			out(IND "  ... (%u more invalidations)\n", f->n - 5);
	}
	out(IND "  dsb ish; isb\n");
	G.dsb += 2;
	G.isb++;
	if (f->regime == AM_PT_S2 && f->n) {
		/* the combined stage 1+2 entries that used the IPAs */
		out(IND "  tlbi vmalle1is vmid=%u; dsb ish; isb\n", f->vmid);
		G.tlbi++;
		G.dsb++;
		G.isb++;
	}
}

static void pt_flush(void *ctx, const struct am_pt_flush *f)
{
	show_flush(f);
	am_host_pt_ops.flush(ctx, f);
}

static void p2m_flush(void *ctx, const struct am_pt_flush *f)
{
	show_flush(f);
	G.p2m_flush(ctx, f);
}

static void p2m_foreign_put(void *ctx, am_mfn_t mfn)
{
	(void)ctx;
	out(IND "foreign put: mfn 0x%llx (its reference dropped)\n",
	    (unsigned long long)am_mfn_val(mfn));
}

/* ------------------------------------------------------- MPU region writes -- */

static void mpu_write_region(void *ctx, unsigned int idx, uint64_t rbar, uint64_t rlar)
{
	struct am_mpu_fields f;

	out(IND "write region %u: rbar=0x%llx rlar=0x%llx", idx, (unsigned long long)rbar,
	    (unsigned long long)rlar);
	if (!am_mpu_decode(G.flavour, rbar, rlar, &f) && f.en)
		out(" -> [0x%llx, 0x%llx) enabled\n", (unsigned long long)f.base,
		    (unsigned long long)f.limit);
	else
		out(" -> disabled\n");
	G.writes++;
	am_host_mpu_ops.write_region(ctx, idx, rbar, rlar);
}

static void mpu_sync(void *ctx)
{
	out(IND "barrier: dsb; isb\n");
	G.syncs++;
	am_host_mpu_ops.sync(ctx);
}

/* --------------------------------------------------------- hypercalls -- */

static const char *fid_name(uint32_t fid)
{
	switch (fid) {
	case MMIOH_FID_MEMINFO:
		return "MEMINFO";
	case MMIOH_FID_INFO:
		return "MMIO_GUARD_INFO";
	case MMIOH_FID_ENROLL:
		return "MMIO_GUARD_ENROLL";
	case MMIOH_FID_MAP:
		return "MMIO_GUARD_MAP";
	case MMIOH_FID_UNMAP:
		return "MMIO_GUARD_UNMAP";
	default:
		return "?";
	}
}

static int64_t hvc(void *ctx, uint32_t fid, uint64_t arg)
{
	int64_t r = mmioh_call(ctx, fid, arg);

	out(IND "hvc %s(0x%llx) = %lld\n", fid_name(fid), (unsigned long long)arg, (long long)r);
	return r;
}

/* ------------------------------------------------------------- parsing -- */

/* A number: decimal or 0x hexadecimal, with an optional K, M, G or T (binary) suffix. */
static bool num(const char *s, uint64_t *out_v)
{
	unsigned int shift = 0;
	char *end;
	size_t n = strlen(s);
	uint64_t v;

	if (!n || !isdigit((unsigned char)s[0]))
		return false;
	switch (s[n - 1]) {
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	default:
		break;
	}
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end != s + n - (shift ? 1 : 0))
		return false;
	if (shift && (v >> (64 - shift)))
		return false;
	*out_v = v << shift;
	return true;
}

static uint64_t arg_num(unsigned int i, const char *what)
{
	uint64_t v;

	if (i >= G.ntok)
		bad("%s: missing %s", G.tok[0], what);
	if (!num(G.tok[i], &v))
		bad("%s: '%s' is not a number (%s)", G.tok[0], G.tok[i], what);
	return v;
}

/* key=value: the value if @tok is key=..., parsed as a number. */
static bool opt_num(const char *tok, const char *key, uint64_t *v)
{
	size_t n = strlen(key);

	if (strncmp(tok, key, n) || tok[n] != '=')
		return false;
	if (!num(tok + n + 1, v))
		bad("%s: '%s': not a number after %s=", G.tok[0], tok, key);
	return true;
}

static void nargs(unsigned int min, unsigned int max)
{
	if (G.ntok - 1 < min || G.ntok - 1 > max) {
		if (min == max)
			bad("%s takes %u argument%s, not %u", G.tok[0], min, min == 1 ? "" : "s",
			    G.ntok - 1);
		bad("%s takes %u to %u arguments, not %u", G.tok[0], min, max, G.ntok - 1);
	}
}

/*
 * Attributes: a preset (rw-data, ro-data, rx-text, device) or PERM[:MEM[:SH]]
 * with PERM of r w x u (user) and '-', MEM one of dev-ngnrne dev-ngnre nc
 * wt wb (wb unless given), SH one of none outer inner (inner for normal
 * memory, outer for a device, unless given).
 */
static struct am_attr arg_attr(unsigned int i)
{
	static const char *const mems[AM_MT_COUNT] = {"dev-ngnrne", "dev-ngnre", "nc", "wt", "wb"};
	struct am_attr a = {0, AM_MT_NORMAL_WB, AM_SH_INNER};
	char buf[64], *mem, *sh;
	const char *s;
	bool sh_given = false;

	if (i >= G.ntok)
		bad("%s: missing attributes", G.tok[0]);
	s = G.tok[i];
	if (!strcmp(s, "rw-data"))
		return AM_ATTR_RW_DATA;
	if (!strcmp(s, "ro-data"))
		return AM_ATTR_RO_DATA;
	if (!strcmp(s, "rx-text"))
		return AM_ATTR_RX_TEXT;
	if (!strcmp(s, "device"))
		return AM_ATTR_DEVICE;
	if (strlen(s) >= sizeof(buf))
		bad("%s: attributes '%s' too long", G.tok[0], s);
	strcpy(buf, s);
	mem = strchr(buf, ':');
	if (mem)
		*mem++ = '\0';
	sh = mem ? strchr(mem, ':') : NULL;
	if (sh)
		*sh++ = '\0';
	if (!buf[0])
		bad("%s: attributes '%s': no permissions", G.tok[0], s);
	for (char *p = buf; *p; p++) {
		unsigned int bit = *p == 'r'   ? AM_PERM_R
				   : *p == 'w' ? AM_PERM_W
				   : *p == 'x' ? AM_PERM_X
				   : *p == 'u' ? AM_PERM_USER
				   : *p == '-' ? 0
					       : ~0u;
		if (bit == ~0u)
			bad("%s: attributes '%s': '%c' is none of r w x u - (or a preset: "
			    "rw-data ro-data rx-text device)",
			    G.tok[0], s, *p);
		a.perm |= (uint8_t)bit;
	}
	if (mem) {
		unsigned int t;

		for (t = 0; t < AM_MT_COUNT && strcmp(mem, mems[t]); t++)
			;
		if (t == AM_MT_COUNT)
			bad("%s: attributes '%s': memory type '%s' is none of dev-ngnrne dev-ngnre "
			    "nc wt wb",
			    G.tok[0], s, mem);
		a.mtype = (uint8_t)t;
	}
	if (sh) {
		sh_given = true;
		if (!strcmp(sh, "none"))
			a.sh = AM_SH_NONE;
		else if (!strcmp(sh, "outer"))
			a.sh = AM_SH_OUTER;
		else if (!strcmp(sh, "inner"))
			a.sh = AM_SH_INNER;
		else
			bad("%s: attributes '%s': shareability '%s' is none of none outer inner",
			    G.tok[0], s, sh);
	}
	if (!sh_given && a.mtype <= AM_MT_DEVICE_nGnRE)
		a.sh = AM_SH_OUTER;
	return a;
}

static const char *attr_text(const struct am_attr *a)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%c%c%c%s %s %s", a->perm & AM_PERM_R ? 'r' : '-',
		 a->perm & AM_PERM_W ? 'w' : '-', a->perm & AM_PERM_X ? 'x' : '-',
		 a->perm & AM_PERM_USER ? " user" : "",
		 a->mtype < AM_MT_COUNT ? mt_names[a->mtype] : "?",
		 a->sh == AM_SH_INNER	? "inner-sh"
		 : a->sh == AM_SH_OUTER ? "outer-sh"
		 : a->sh == AM_SH_NONE	? "non-sh"
					: "sh?");
	return buf;
}

/* BASE LIMIT or BASE +SIZE of the MPU commands: [base, limit). */
static void arg_range(unsigned int i, uint64_t *base, uint64_t *limit)
{
	*base = arg_num(i, "base");
	if (i + 1 >= G.ntok)
		bad("%s: missing limit (or +size)", G.tok[0]);
	if (G.tok[i + 1][0] == '+') {
		uint64_t size;

		if (!num(G.tok[i + 1] + 1, &size))
			bad("%s: '%s' is not a +size", G.tok[0], G.tok[i + 1]);
		*limit = *base + size;
	} else {
		*limit = arg_num(i + 1, "limit");
	}
}

static enum pmsa_access arg_access(unsigned int i, unsigned int *acc)
{
	const char *s = i < G.ntok ? G.tok[i] : "";

	if (!strcmp(s, "read")) {
		*acc = VMSA_ACC_R;
		return PMSA_READ;
	}
	if (!strcmp(s, "write")) {
		*acc = VMSA_ACC_W;
		return PMSA_WRITE;
	}
	if (!strcmp(s, "exec")) {
		*acc = VMSA_ACC_X;
		return PMSA_EXEC;
	}
	bad("%s: the access is read, write or exec, not '%s'", G.tok[0], s);
}

static bool arg_user(unsigned int i)
{
	if (i >= G.ntok)
		return false;
	if (strcmp(G.tok[i], "user"))
		bad("%s: '%s': only 'user' may follow the address", G.tok[0], G.tok[i]);
	return true;
}

static void need(bool have, const char *what, const char *cmd)
{
	if (!have)
		bad("%s needs %s first", G.tok[0], cmd ? cmd : what);
}

/* A step that asks a model about a structure whose init was refused: nothing to ask. */
static bool made(bool ok, const char *what)
{
	if (!ok)
		out(IND "= no %s to ask (its init was refused)\n", what);
	return ok;
}

/* ------------------------------------------------------------ the dumps -- */

static void dump_to_lines(void *arg, const char *line)
{
	lines_add(arg, line);
}

/* The dump of structure @t (its lock taken by the dump itself; the P2M's, around it). */
static int dump_of(enum target t, struct lines *l)
{
	int rc;

	lines_clear(l);
	switch (t) {
	case T_PT:
		return am_pt_dump(&G.pt, am_va(0), AM_DUMP_TO_END, dump_to_lines, l);
	case T_MPU:
		return am_mpu_dump(&G.m, dump_to_lines, l);
	case T_P2M:
		/* the P2M's table is serialised by the P2M's lock (its own has none) */
		G.hp.ops.env.lock(&G.hp);
		rc = am_pt_dump(&G.p2m.pt, am_va(0), AM_DUMP_TO_END, dump_to_lines, l);
		G.hp.ops.env.unlock(&G.hp);
		return rc;
	default:
		return AM_EINVAL;
	}
}

static const char *target_name(enum target t)
{
	return t == T_PT ? "table" : t == T_MPU ? "mpu" : "p2m";
}

static bool target_made(enum target t)
{
	return t == T_PT ? G.pt_made : t == T_MPU ? G.mpu_made : t == T_P2M && G.p2m_made;
}

static void print_dump(enum target t)
{
	struct lines l = {0};
	int rc;

	if (!target_made(t))
		return;
	rc = dump_of(t, &l);
	out(IND "dump %s:%s\n", target_name(t), rc ? "" : l.n ? "" : " (nothing mapped)");
	if (rc)
		out(IND "  am_%s_dump: %s\n", t == T_MPU ? "mpu" : "pt", err_sym(rc));
	for (size_t i = 0; i < l.n; i++)
		out(IND "| %s\n", l.v[i]);
	lines_clear(&l);
	free(l.v);
}

/* Before a step that may change @t: its dump now, kept as the picture's "before". */
static struct lines g_before;

static void before_change(enum target t)
{
	if (G.dry || !target_made(t))
		return;
	dump_of(t, &g_before);
}

/* After it: the picture's panel of @t records the change, if there was one. */
static void after_change(enum target t)
{
	struct panel *p = &G.panel[t - 1];
	struct lines now = {0};
	bool same;

	if (G.dry || !target_made(t))
		return;
	dump_of(t, &now);
	same = now.n == g_before.n;
	for (size_t i = 0; same && i < now.n; i++)
		same = !strcmp(now.v[i], g_before.v[i]);
	if (!same) {
		char *hash;

		lines_copy(&p->was, &g_before);
		snprintf(p->change, sizeof(p->change), "line %u: %.180s", G.lineno, G.text);
		hash = strchr(p->change, '#'); /* the step, without its comment */
		if (hash) {
			while (hash > p->change && hash[-1] == ' ')
				hash--;
			*hash = '\0';
		}
	}
	lines_copy(&p->now, &now);
	lines_clear(&now);
	free(now.v);
	if (G.dump_each && same)
		out(IND "dump %s: unchanged\n", target_name(t));
	else if (G.dump_each)
		print_dump(t);
}

/* ------------------------------------------------- the models' verdict -- */

/* After every step: the TLB model's check, the MPU model's watch, the locks. */
static void models_check(void)
{
	if (G.pt_made) {
		struct tlbm *t = &G.h.tlb;

		tlbm_check_end(t);
		if (t->bbm_violations != G.tlbseen.bbm || t->stale != G.tlbseen.stale ||
		    t->freed_in_use != G.tlbseen.freed || t->bad_walks != G.tlbseen.bad_walks ||
		    t->model_errors != G.tlbseen.model_errors) {
			out(IND "MODEL: TLB: %lu break-before-make violations, %lu stale entries, "
				"%lu tables freed in use, %lu bad walks, %lu model errors: %s\n",
			    t->bbm_violations, t->stale, t->freed_in_use, t->bad_walks,
			    t->model_errors, t->first_error);
			G.tlbseen.bbm = t->bbm_violations;
			G.tlbseen.stale = t->stale;
			G.tlbseen.freed = t->freed_in_use;
			G.tlbseen.bad_walks = t->bad_walks;
			G.tlbseen.model_errors = t->model_errors;
			if (t->bbm_violations || t->stale || t->freed_in_use || t->bad_walks)
				G.violation = true;
		}
		/* the hardware may cache any watched address from now on */
		tlbm_fill(t);
		if (G.h.lock_depth || G.h.locks != G.h.unlocks) {
			out(IND "MODEL: the table's lock is held after the call\n");
			G.violation = true;
		}
	}
	if (G.mpu_made) {
		if (G.mh.hw.overlap_events != G.overlaps_seen) {
			out(IND "MODEL: MPU: two enabled regions overlapped during the step\n");
			G.overlaps_seen = G.mh.hw.overlap_events;
			G.violation = true;
		}
		if (G.mh.hw.unsynced) {
			out(IND "MODEL: MPU: region writes left without a barrier\n");
			G.violation = true;
		}
		if (G.mh.lock_depth || G.mh.locks != G.mh.unlocks) {
			out(IND "MODEL: the map's lock is held after the call\n");
			G.violation = true;
		}
	}
	if (G.p2m_made && G.hp.lock_depth) {
		out(IND "MODEL: the P2M lock is held after the call\n");
		G.violation = true;
	}
}

static size_t g_tables; /* table pages before the step */

static size_t tables_now(enum target t)
{
	if (t == T_P2M)
		return G.p2m_made ? am_pt_tables(&G.p2m.pt) : 0;
	return G.pt_made ? am_pt_tables(&G.pt) : 0;
}

static void sync_totals_pt(enum target t)
{
	out(IND "total: %lu tlbi, %lu dsb, %lu isb; table pages %zu -> %zu\n", G.tlbi, G.dsb, G.isb,
	    g_tables, tables_now(t));
}

/* ----------------------------------------------- the translation table -- */

static void cmd_regime(void)
{
	static const char *const names[AM_PT_REGIME_COUNT] = {"s1-el2", "s1-el1", "s2", "s1-el3",
							      "s1-el20"};
	struct am_pt_config cfg = {0};
	uint64_t v, pool = 1024;
	unsigned int r;
	int rc;

	if (G.ntok < 2)
		bad("regime: which one: s1-el2, s1-el1, s2, s1-el3 or s1-el20");
	for (r = 0; r < AM_PT_REGIME_COUNT && strcmp(G.tok[1], names[r]); r++)
		;
	if (r == AM_PT_REGIME_COUNT)
		bad("regime: '%s' is none of s1-el2 s1-el1 s2 s1-el3 s1-el20", G.tok[1]);
	cfg.regime = (enum am_pt_regime)r;
	cfg.ia_bits = 39;
	cfg.oa_bits = 40;
	for (unsigned int i = 2; i < G.ntok; i++) {
		if (opt_num(G.tok[i], "ia", &v))
			cfg.ia_bits = (unsigned int)v;
		else if (opt_num(G.tok[i], "oa", &v))
			cfg.oa_bits = (unsigned int)v;
		else if (opt_num(G.tok[i], "asid", &v))
			cfg.asid = (uint16_t)v;
		else if (opt_num(G.tok[i], "vmid", &v))
			cfg.vmid = (uint16_t)v;
		else if (opt_num(G.tok[i], "tlbi-max", &v))
			cfg.tlbi_max = (unsigned int)v;
		else if (opt_num(G.tok[i], "pool", &v))
			pool = v;
		else if (opt_num(G.tok[i], "granule", &v))
			cfg.granule = (unsigned int)v;
		else if (!strcmp(G.tok[i], "secure"))
			cfg.secure = 1;
		else if (!strcmp(G.tok[i], "upper"))
			cfg.upper = 1;
		else if (strcmp(G.tok[i], "tlbi-range"))
			bad("regime: unknown option '%s' (ia= oa= asid= vmid= tlbi-max= pool= "
			    "granule= tlbi-range secure upper)",
			    G.tok[i]);
	}
	if (!pool || pool > 65536)
		bad("regime: pool=%llu: 1 to 65536 table pages", (unsigned long long)pool);
	if (cfg.granule && cfg.granule != 4096 && cfg.granule != 16384 && cfg.granule != 65536)
		bad("regime: granule=%u: 4K, 16K or 64K", cfg.granule);
	if (G.have_pt)
		bad("regime: one table per scenario");
	G.have_pt = true;
	if (G.dry)
		return;
	if (am_host_pt_init_g(&G.h, pool, cfg.granule ? cfg.granule : 4096u)) {
		fprintf(stderr, "armmap: no memory for %llu table pages\n",
			(unsigned long long)pool);
		exit(2);
	}
	for (unsigned int i = 2; i < G.ntok; i++)
		if (!strcmp(G.tok[i], "tlbi-range"))
			G.h.cap_tlbi_range = true;
	G.pt_ops = am_host_pt_ops;
	G.pt_ops.env.log = pt_log;
	G.pt_ops.flush = pt_flush;
	G.regime = cfg.regime;
	G.ia_bits = cfg.ia_bits;
	G.oa_bits = cfg.oa_bits ? cfg.oa_bits : 48;
	out(IND "am_pt_init(%s, %s%s%sia_bits=%u, oa_bits=%u, asid=%u, vmid=%u%s)\n",
	    regime_long[r], cfg.granule ? "granule=" : "",
	    cfg.granule == 16384   ? "16K"
	    : cfg.granule == 65536 ? "64K"
	    : cfg.granule	   ? "4K"
				   : "",
	    cfg.granule ? ", " : "", cfg.ia_bits, cfg.oa_bits, cfg.asid, cfg.vmid,
	    G.h.cap_tlbi_range ? ", backend with FEAT_TLBIRANGE" : "");
	G.in_init = true;
	rc = am_pt_init(&G.pt, &cfg, &G.pt_ops, &G.h);
	G.in_init = false;
	result(rc);
	if (rc)
		return;
	G.pt_made = true;
	G.vc = (struct vmsa_cfg){.regime = (int)r,
				 .ia_bits = cfg.ia_bits,
				 .oa_bits = G.oa_bits,
				 .root_pa = am_pa_val(G.pt.top ? G.pt.top_pa : G.pt.root_pa),
				 .mair = am_pt_mair(&G.pt),
				 .secure = cfg.secure != 0,
				 .concat = G.pt.top ? 1 : G.pt.root_pages,
				 .upper = cfg.upper != 0,
				 .granule = cfg.granule};
	am_host_pt_tlb(&G.h, (int)r, cfg.ia_bits, G.oa_bits, G.vc.root_pa, G.vc.mair,
		       r == AM_PT_S2 ? cfg.vmid : cfg.asid);
	G.h.tlb.cfg = G.vc; /* a concatenated root included */
	snprintf(G.panel[0].title, sizeof(G.panel[0].title),
		 "translation table: %s, %u-bit inputs, %u-bit outputs%s", regime_long[r],
		 cfg.ia_bits, G.oa_bits,
		 cfg.granule == 16384	? ", 16 KiB granule"
		 : cfg.granule == 65536 ? ", 64 KiB granule"
					: "");
}

static unsigned int map_flags(unsigned int from, bool map)
{
	unsigned int flags = 0;
	uint64_t v;

	for (unsigned int i = from; i < G.ntok; i++) {
		if (map && !strcmp(G.tok[i], "block"))
			flags |= AM_PT_F_BLOCK;
		else if (map && !strcmp(G.tok[i], "contig"))
			flags |= AM_PT_F_CONTIG;
		else if (map && !strcmp(G.tok[i], "ng"))
			flags |= AM_PT_F_NG;
		else if (map && !strcmp(G.tok[i], "ns"))
			flags |= AM_PT_F_NS;
		else if (!strcmp(G.tok[i], "parked"))
			flags |= AM_PT_F_PARKED;
		else if (opt_num(G.tok[i], "sw", &v)) {
			if (v > 15)
				bad("%s: sw=%llu: the software bits are 0 to 15", G.tok[0],
				    (unsigned long long)v);
			flags |= AM_PT_F_SW(v);
		} else
			bad("%s: unknown flag '%s' (%s)", G.tok[0], G.tok[i],
			    map ? "block contig ng ns parked sw=N" : "parked sw=N");
	}
	return flags;
}

static const char *flags_text(unsigned int flags)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s%s%s%s%s", flags & AM_PT_F_BLOCK ? "|BLOCK" : "",
		 flags & AM_PT_F_CONTIG ? "|CONTIG" : "", flags & AM_PT_F_NG ? "|NG" : "",
		 flags & AM_PT_F_NS ? "|NS" : "", flags & AM_PT_F_PARKED ? "|PARKED" : "");
	if (AM_PT_F_SW_OF(flags))
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "|SW(%u)",
			 AM_PT_F_SW_OF(flags));
	return buf[0] ? buf + 1 : "0";
}

static void pt_step_begin(void)
{
	before_change(T_PT);
	G.tlbi = G.dsb = G.isb = 0;
	g_tables = tables_now(T_PT);
}

static void pt_step_end(int rc)
{
	result(rc);
	sync_totals_pt(T_PT);
	after_change(T_PT);
}

static void cmd_map(void)
{
	uint64_t va, pa, size;
	struct am_attr a;
	unsigned int flags;

	if (G.ntok < 5)
		bad("map VA PA SIZE ATTR [block] [contig] [ng] [parked] [sw=N]");
	va = arg_num(1, "va");
	pa = arg_num(2, "pa");
	size = arg_num(3, "size");
	a = arg_attr(4);
	flags = map_flags(5, true);
	need(G.have_pt, "a table", "regime");
	if (G.dry)
		return;
	pt_step_begin();
	out(IND "am_pt_map(va=0x%llx, pa=0x%llx, size=0x%llx, %s, %s)\n", (unsigned long long)va,
	    (unsigned long long)pa, (unsigned long long)size, attr_text(&a), flags_text(flags));
	pt_step_end(am_pt_map(&G.pt, am_va(va), am_pa(pa), size, &a, flags));
}

static void cmd_unmap(void)
{
	uint64_t va, size;

	nargs(2, 2);
	va = arg_num(1, "va");
	size = arg_num(2, "size");
	need(G.have_pt, "a table", "regime");
	if (G.dry)
		return;
	pt_step_begin();
	out(IND "am_pt_unmap(va=0x%llx, size=0x%llx)\n", (unsigned long long)va,
	    (unsigned long long)size);
	pt_step_end(am_pt_unmap(&G.pt, am_va(va), size));
}

static void cmd_modify(void)
{
	uint64_t va, size;
	struct am_attr a = {0};
	bool keep;
	unsigned int flags;

	if (G.ntok < 4)
		bad("modify VA SIZE ATTR|keep [parked] [sw=N]");
	va = arg_num(1, "va");
	size = arg_num(2, "size");
	keep = !strcmp(G.tok[3], "keep");
	if (!keep)
		a = arg_attr(3);
	flags = map_flags(4, false);
	need(G.have_pt, "a table", "regime");
	if (G.dry)
		return;
	pt_step_begin();
	out(IND "am_pt_modify(va=0x%llx, size=0x%llx, %s, %s)\n", (unsigned long long)va,
	    (unsigned long long)size, keep ? "NULL" : attr_text(&a), flags_text(flags));
	pt_step_end(am_pt_modify(&G.pt, am_va(va), size, keep ? NULL : &a, flags));
}

static void cmd_populate(void)
{
	uint64_t va, size;

	nargs(2, 2);
	va = arg_num(1, "va");
	size = arg_num(2, "size");
	need(G.have_pt, "a table", "regime");
	if (G.dry)
		return;
	pt_step_begin();
	out(IND "am_pt_populate(va=0x%llx, size=0x%llx)\n", (unsigned long long)va,
	    (unsigned long long)size);
	pt_step_end(am_pt_populate(&G.pt, am_va(va), size));
}

static void cmd_query(void)
{
	struct am_pt_leaf l;
	uint64_t va;
	int rc;

	nargs(1, 1);
	va = arg_num(1, "va");
	need(G.have_pt, "a table", "regime");
	if (G.dry)
		return;
	out(IND "am_pt_query(va=0x%llx)\n", (unsigned long long)va);
	rc = am_pt_query(&G.pt, am_va(va), &l);
	result(rc);
	if (!rc)
		out(IND "leaf: 0x%llx +0x%llx -> 0x%llx, level %u, %s, %s, contig=%u sw=0x%x, pte "
			"0x%016llx\n",
		    (unsigned long long)am_va_val(l.va), (unsigned long long)l.size,
		    (unsigned long long)am_pa_val(l.pa), l.level, l.valid ? "valid" : "parked",
		    attr_text(&l.attr), l.contig, l.sw, (unsigned long long)l.pte);
}

static void cmd_tlb_watch(void)
{
	uint64_t va, size;

	nargs(2, 2);
	va = arg_num(1, "va");
	size = arg_num(2, "size");
	if (size / 4096 > 65536)
		bad("tlb-watch: at most 65536 pages (256M) in all");
	need(G.have_pt, "a table", "regime");
	if (G.dry)
		return;
	if (!made(G.pt_made, "table"))
		return;
	tlbm_watch(&G.h.tlb, va, size, 0);
	tlbm_fill(&G.h.tlb);
	out(IND "the TLB model may now cache [0x%llx, 0x%llx), page by page; %u entries "
		"cached\n",
	    (unsigned long long)va, (unsigned long long)(va + size), G.h.tlb.nleaf);
}

static void cmd_probe(void)
{
	struct vmsa_result r;
	unsigned int acc;
	uint64_t va;
	const struct tlbm_leaf *e;

	if (G.ntok < 3 || G.ntok > 4)
		bad("probe read|write|exec VA [user]");
	arg_access(1, &acc);
	va = arg_num(2, "va");
	if (arg_user(3))
		acc |= VMSA_ACC_USER;
	need(G.have_pt, "a table", "regime");
	if (G.dry)
		return;
	if (!made(G.pt_made, "table"))
		return;
	vmsa_access(&G.vc, am_host_pt_read, &G.h, va, acc, &r);
	if (r.fault == VMSA_OK)
		out(IND "= walk: pa 0x%llx%s, through a level-%u leaf [0x%llx, +%lluK)%s\n",
		    (unsigned long long)r.pa, r.ns ? " (Non-secure)" : "", r.level,
		    (unsigned long long)r.leaf_va, (unsigned long long)(r.leaf_size >> 10),
		    r.contig ? " of a contiguous run" : "");
	else
		out(IND "= walk: %s fault, level %u\n", vmsa_fault_name(r.fault), r.level);
	if (!G.h.tlb.nwatch)
		return;
	/* against the translation alone: a permission fault is no stale entry */
	vmsa_walk(&G.vc, am_host_pt_read, &G.h, va, &r);
	e = tlbm_lookup(&G.h.tlb, va);
	if (!e)
		out(IND "tlb: nothing cached for 0x%llx\n", (unsigned long long)va);
	else
		out(IND "tlb: cached -> pa 0x%llx%s\n", (unsigned long long)(e->pa + (va - e->va)),
		    r.fault == VMSA_OK && r.pa == e->pa + (va - e->va) ? " (as the tables say)"
								       : " (STALE)");
}

/* ------------------------------------------------------------------ MPU -- */

static void mpu_step_begin(void)
{
	before_change(T_MPU);
	G.writes = G.syncs = 0;
}

static void mpu_step_end(int rc, const char *what)
{
	if (rc >= 0 && what)
		out(IND "= %s %d\n", what, rc);
	else
		result(rc);
	out(IND "total: %lu region write%s, %lu barrier%s\n", G.writes, G.writes == 1 ? "" : "s",
	    G.syncs, G.syncs == 1 ? "" : "s");
	after_change(T_MPU);
}

static void cmd_mpu(void)
{
	struct am_mpu_config cfg = {0};
	uint64_t v, regions = 16;
	unsigned int f;
	int rc;

	if (G.ntok < 2)
		bad("mpu: which flavour: v8m, v8r-aarch64 or v8r-aarch32");
	for (f = 0; f < 3 && strcmp(G.tok[1], flavour_names[f]); f++)
		;
	if (f == 3)
		bad("mpu: '%s' is none of v8m v8r-aarch64 v8r-aarch32", G.tok[1]);
	cfg.flavour = (enum am_mpu_flavour)f;
	for (unsigned int i = 2; i < G.ntok; i++) {
		if (opt_num(G.tok[i], "regions", &v))
			regions = v;
		else if (opt_num(G.tok[i], "pa", &v))
			cfg.pa_bits = (unsigned int)v;
		else if (!strcmp(G.tok[i], "split"))
			cfg.flags |= AM_MPU_F_SPLIT;
		else
			bad("mpu: unknown option '%s' (regions= pa= split)", G.tok[i]);
	}
	if (!regions || regions > AM_MPU_MAX_REGIONS)
		bad("mpu: regions=%llu: the hardware has 1 to 255", (unsigned long long)regions);
	if (G.have_mpu)
		bad("mpu: one MPU per scenario");
	G.have_mpu = true;
	if (G.dry)
		return;
	G.flavour = cfg.flavour;
	am_host_mpu_init(&G.mh, cfg.flavour, (unsigned int)regions);
	G.mpu_ops = am_host_mpu_ops;
	G.mpu_ops.env.log = mpu_log;
	G.mpu_ops.write_region = mpu_write_region;
	G.mpu_ops.sync = mpu_sync;
	cfg.storage = G.store;
	cfg.storage_len = AM_MPU_MAX_REGIONS;
	out(IND "am_mpu_init(%s, %llu regions%s)\n", flavour_long[f], (unsigned long long)regions,
	    cfg.flags & AM_MPU_F_SPLIT ? ", AM_MPU_F_SPLIT" : "");
	G.in_init = true;
	rc = am_mpu_init(&G.m, &cfg, &G.mpu_ops, &G.mh);
	G.in_init = false;
	result(rc);
	if (rc)
		return;
	G.mpu_made = true;
	out(IND "granule %u bytes, MAIR 0x%llx\n", am_mpu_granule(cfg.flavour),
	    (unsigned long long)am_mpu_mair(&G.m));
	snprintf(G.panel[1].title, sizeof(G.panel[1].title), "MPU: %s, %llu regions",
		 flavour_long[f], (unsigned long long)regions);
}

static void cmd_mpu_map(void)
{
	uint64_t base, limit;
	struct am_attr a;

	nargs(3, 3);
	arg_range(1, &base, &limit);
	a = arg_attr(3);
	need(G.have_mpu, "an MPU", "mpu");
	if (G.dry)
		return;
	mpu_step_begin();
	out(IND "am_mpu_map([0x%llx, 0x%llx), %s)\n", (unsigned long long)base,
	    (unsigned long long)limit, attr_text(&a));
	mpu_step_end(am_mpu_map(&G.m, base, limit, &a), "region");
}

static void cmd_mpu_unmap(void)
{
	uint64_t base, limit;

	nargs(2, 2);
	arg_range(1, &base, &limit);
	need(G.have_mpu, "an MPU", "mpu");
	if (G.dry)
		return;
	mpu_step_begin();
	out(IND "am_mpu_unmap([0x%llx, 0x%llx))\n", (unsigned long long)base,
	    (unsigned long long)limit);
	mpu_step_end(am_mpu_unmap(&G.m, base, limit), NULL);
}

static void cmd_mpu_unmap_containing(void)
{
	uint64_t addr;

	nargs(1, 1);
	addr = arg_num(1, "address");
	need(G.have_mpu, "an MPU", "mpu");
	if (G.dry)
		return;
	mpu_step_begin();
	out(IND "am_mpu_unmap_containing(0x%llx)\n", (unsigned long long)addr);
	mpu_step_end(am_mpu_unmap_containing(&G.m, addr), "region");
}

static void cmd_mpu_modify(void)
{
	uint64_t base, limit;
	struct am_attr a;

	nargs(3, 3);
	arg_range(1, &base, &limit);
	a = arg_attr(3);
	need(G.have_mpu, "an MPU", "mpu");
	if (G.dry)
		return;
	mpu_step_begin();
	out(IND "am_mpu_modify([0x%llx, 0x%llx), %s)\n", (unsigned long long)base,
	    (unsigned long long)limit, attr_text(&a));
	mpu_step_end(am_mpu_modify(&G.m, base, limit, &a), NULL);
}

static void cmd_mpu_merge(void)
{
	nargs(0, 0);
	need(G.have_mpu, "an MPU", "mpu");
	if (G.dry)
		return;
	mpu_step_begin();
	out(IND "am_mpu_merge()\n");
	mpu_step_end(am_mpu_merge(&G.m), "regions freed:");
}

static void cmd_mpu_vmap(void)
{
	uint64_t pa, pages;
	struct am_attr a;
	void *va = NULL;
	int rc;

	nargs(2, 3);
	pa = arg_num(1, "pa");
	pages = arg_num(2, "pages");
	if (G.ntok == 4)
		a = arg_attr(3);
	need(G.have_mpu, "an MPU", "mpu");
	if (G.dry)
		return;
	mpu_step_begin();
	out(IND "am_mpu_vmap_contig(pa=0x%llx, %llu page%s, %s)\n", (unsigned long long)pa,
	    (unsigned long long)pages, pages == 1 ? "" : "s",
	    G.ntok == 4 ? attr_text(&a) : "NULL (rw-data)");
	rc = am_mpu_vmap_contig(&G.m, pa, (size_t)pages, G.ntok == 4 ? &a : NULL, &va);
	if (!rc)
		out(IND "va = 0x%llx (the PA itself: no virtual memory)\n",
		    (unsigned long long)(uintptr_t)va);
	mpu_step_end(rc, NULL);
}

static void cmd_mpu_vunmap(void)
{
	uint64_t va;

	nargs(1, 1);
	va = arg_num(1, "va");
	need(G.have_mpu, "an MPU", "mpu");
	if (G.dry)
		return;
	mpu_step_begin();
	out(IND "am_mpu_vunmap(0x%llx)\n", (unsigned long long)va);
	mpu_step_end(am_mpu_vunmap(&G.m, (const void *)(uintptr_t)va), NULL);
}

static void cmd_mpu_probe(void)
{
	static const char *const why[] = {"ok", "no region", "permission", "two regions match"};
	enum pmsa_access k;
	struct pmsa_result r;
	unsigned int acc;
	uint64_t addr;
	bool user;

	if (G.ntok < 3 || G.ntok > 4)
		bad("mpu-probe read|write|exec ADDR [user]");
	k = arg_access(1, &acc);
	addr = arg_num(2, "address");
	user = arg_user(3);
	need(G.have_mpu, "an MPU", "mpu");
	if (G.dry)
		return;
	if (!made(G.mpu_made, "MPU"))
		return;
	r = pmsa_access(&G.mh.hw, addr, k, !user);
	if (r.fault == PMSA_OK)
		out(IND "= ok: region %d\n", r.region);
	else if (r.fault == PMSA_FAULT_PERM)
		out(IND "= fault: permission (region %d)\n", r.region);
	else
		out(IND "= fault: %s\n", r.fault <= PMSA_FAULT_MULTI ? why[r.fault] : "?");
}

/* ------------------------------------------------------------------ P2M -- */

/* A list of MFNs: MFN[,MFN...] */
static unsigned int mfn_list(const char *s, am_mfn_t *out_v, unsigned int max, const char *key)
{
	char buf[256], *save = NULL;
	unsigned int n = 0;

	if (strlen(s) >= sizeof(buf))
		bad("p2m: %s= too long", key);
	strcpy(buf, s);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (!num(t, &v))
			bad("p2m: %s=: '%s' is not a frame number", key, t);
		if (n == max)
			bad("p2m: %s=: at most %u frames", key, max);
		out_v[n++] = am_mfn(v);
	}
	return n;
}

static bool dom_frame(const struct am_p2m_config *c, uint64_t mfn)
{
	if (am_mfn_val(c->dom.shared_info) == mfn)
		return true;
	for (unsigned int i = 0; i < c->dom.nr_gnttab_shared; i++)
		if (am_mfn_val(c->dom.gnttab_shared[i]) == mfn)
			return true;
	for (unsigned int i = 0; i < c->dom.nr_gnttab_status; i++)
		if (am_mfn_val(c->dom.gnttab_status[i]) == mfn)
			return true;
	return false;
}

static void cmd_p2m(void)
{
	struct am_p2m_config cfg = {.dom = {.shared_info = AM_MFN_INVALID}};
	uint64_t v, first = 0, count = 0, pool = 1024;
	int rc;

	for (unsigned int i = 1; i < G.ntok; i++) {
		const char *t = G.tok[i];

		if (opt_num(t, "ipa", &v))
			cfg.ipa_bits = (unsigned int)v;
		else if (opt_num(t, "pa", &v))
			cfg.pa_bits = (unsigned int)v;
		else if (opt_num(t, "vmid", &v))
			cfg.vmid = (uint16_t)v;
		else if (opt_num(t, "pool", &v))
			pool = v;
		else if (opt_num(t, "shared-info", &v))
			cfg.dom.shared_info = am_mfn(v);
		else if (!strncmp(t, "frames=", 7)) {
			char buf[64], *plus;

			snprintf(buf, sizeof(buf), "%s", t + 7);
			plus = strchr(buf, '+');
			if (!plus)
				bad("p2m: frames=FIRST+COUNT, not '%s'", t);
			*plus++ = '\0';
			if (!num(buf, &first) || !num(plus, &count) || !count || count > (1u << 20))
				bad("p2m: frames=FIRST+COUNT (1 to 1M frames), not '%s'", t);
		} else if (!strncmp(t, "gnttab=", 7)) {
			cfg.dom.nr_gnttab_shared = mfn_list(t + 7, G.gnttab, MAX_DOM, "gnttab");
		} else if (!strncmp(t, "gnttab-status=", 14)) {
			cfg.dom.nr_gnttab_status =
				mfn_list(t + 14, G.gnttab_status, MAX_DOM, "gnttab-status");
		} else
			bad("p2m: unknown option '%s' (frames= ipa= pa= vmid= shared-info= gnttab= "
			    "gnttab-status= pool=)",
			    t);
	}
	if (!count)
		bad("p2m: frames=FIRST+COUNT is needed (the frame table)");
	if (!pool || pool > 65536)
		bad("p2m: pool=%llu: 1 to 65536 table pages", (unsigned long long)pool);
	if (G.have_p2m)
		bad("p2m: one P2M per scenario");
	G.have_p2m = true;
	if (G.dry)
		return;
	cfg.dom.gnttab_shared = G.gnttab;
	cfg.dom.gnttab_status = G.gnttab_status;
	G.first_mfn = first;
	G.nr_frames = count;
	G.pages = calloc(count, sizeof(*G.pages));
	if (!G.pages || am_host_p2m_init(&G.hp, pool, true, false)) {
		fprintf(stderr, "armmap: no memory for the P2M\n");
		exit(2);
	}
	/* every frame the domain can map by index is a xenheap frame */
	for (uint64_t i = 0; i < count; i++)
		am_frame_init(&G.pages[i], dom_frame(&cfg, first + i));
	rc = am_frame_table_init(&G.ft, G.pages, am_mfn(first), count);
	G.p2m_flush = G.hp.pt_ops.flush;
	G.hp.pt_ops.flush = p2m_flush;
	G.p2m_log = G.hp.ops.env.log;
	G.hp.ops.env.log = p2m_log;
	G.hp.ops.foreign_put = p2m_foreign_put;
	cfg.frames = &G.ft;
	G.ipa_bits = cfg.ipa_bits ? cfg.ipa_bits : 40;
	G.p2m_pa_bits = cfg.pa_bits ? cfg.pa_bits : 48;
	out(IND "am_frame_table_init(mfn 0x%llx, %llu frames) = %s\n", (unsigned long long)first,
	    (unsigned long long)count, err_sym(rc));
	out(IND "am_p2m_init(ipa_bits=%u, pa_bits=%u, vmid=%u, shared_info=", G.ipa_bits,
	    G.p2m_pa_bits, cfg.vmid);
	if (am_mfn_is_invalid(cfg.dom.shared_info))
		out("none");
	else
		out("0x%llx", (unsigned long long)am_mfn_val(cfg.dom.shared_info));
	out(", grant frames %u, status frames %u)\n", cfg.dom.nr_gnttab_shared,
	    cfg.dom.nr_gnttab_status);
	G.in_init = true;
	rc = am_p2m_init(&G.p2m, &cfg, &G.hp.ops, &G.hp);
	G.in_init = false;
	result(rc);
	if (rc)
		return;
	G.p2m_made = true;
	snprintf(G.panel[2].title, sizeof(G.panel[2].title),
		 "P2M: stage 2, VMID %u, %u-bit IPAs, %u-bit PAs", cfg.vmid, G.ipa_bits,
		 G.p2m_pa_bits);
}

static void p2m_step_begin(void)
{
	before_change(T_P2M);
	G.tlbi = G.dsb = G.isb = 0;
	g_tables = tables_now(T_P2M);
}

static void p2m_step_end(int rc)
{
	result(rc);
	sync_totals_pt(T_P2M);
	after_change(T_P2M);
}

static enum am_p2m_type arg_p2m_type(unsigned int i)
{
	for (unsigned int t = 1; t < AM_P2M_TYPE_COUNT; t++)
		if (i < G.ntok && !strcmp(G.tok[i], p2m_types[t]))
			return (enum am_p2m_type)t;
	bad("%s: the type is one of ram-rw ram-ro mmio-dev mmio-nc grant-rw grant-ro foreign",
	    G.tok[0]);
}

static void cmd_p2m_map(void)
{
	uint64_t gfn, mfn, nr;
	enum am_p2m_type t;

	nargs(4, 4);
	gfn = arg_num(1, "gfn");
	mfn = arg_num(2, "mfn");
	nr = arg_num(3, "count");
	t = arg_p2m_type(4);
	need(G.have_p2m, "a P2M", "p2m");
	if (G.dry)
		return;
	p2m_step_begin();
	out(IND "am_p2m_map(gfn 0x%llx, mfn 0x%llx, nr=%llu, %s)\n", (unsigned long long)gfn,
	    (unsigned long long)mfn, (unsigned long long)nr, p2m_types[t]);
	p2m_step_end(am_p2m_map(&G.p2m, am_gfn(gfn), am_mfn(mfn), nr, t));
}

static void cmd_p2m_unmap(void)
{
	uint64_t gfn, nr, mfn = ~0ull;

	nargs(2, 3);
	gfn = arg_num(1, "gfn");
	nr = arg_num(2, "count");
	if (G.ntok == 4)
		mfn = arg_num(3, "expected mfn");
	need(G.have_p2m, "a P2M", "p2m");
	if (G.dry)
		return;
	p2m_step_begin();
	out(IND "am_p2m_unmap(gfn 0x%llx, nr=%llu, expect %s)\n", (unsigned long long)gfn,
	    (unsigned long long)nr, G.ntok == 4 ? G.tok[3] : "any");
	p2m_step_end(am_p2m_unmap(&G.p2m, am_gfn(gfn), nr, am_mfn(mfn)));
}

static void cmd_p2m_lookup(void)
{
	uint64_t gfn;
	am_mfn_t mfn;
	enum am_p2m_type t;
	int rc;

	nargs(1, 1);
	gfn = arg_num(1, "gfn");
	need(G.have_p2m, "a P2M", "p2m");
	if (G.dry)
		return;
	out(IND "am_p2m_lookup(gfn 0x%llx)\n", (unsigned long long)gfn);
	rc = am_p2m_lookup(&G.p2m, am_gfn(gfn), &mfn, &t);
	if (rc)
		result(rc);
	else
		out(IND "= mfn 0x%llx, %s\n", (unsigned long long)am_mfn_val(mfn),
		    (unsigned int)t < AM_P2M_TYPE_COUNT ? p2m_types[t] : "?");
}

static void cmd_physmap_add(void)
{
	static const char *const spaces[] = {"shared-info", "gnttab", "gnttab-status"};
	uint64_t idx, gfn;
	unsigned int s;

	nargs(3, 3);
	for (s = 0; s < 3 && strcmp(G.tok[1], spaces[s]); s++)
		;
	if (s == 3)
		bad("physmap-add: the space is shared-info, gnttab or gnttab-status, not '%s'",
		    G.tok[1]);
	idx = arg_num(2, "index");
	gfn = arg_num(3, "gfn");
	if (idx >= AM_GNTTAB_STATUS)
		bad("physmap-add: index %llu too large", (unsigned long long)idx);
	need(G.have_p2m, "a P2M", "p2m");
	if (G.dry)
		return;
	p2m_step_begin();
	out(IND "am_p2m_add_physmap(%s, %s%llu, gfn 0x%llx)\n",
	    s ? "AM_SPACE_GRANT_TABLE" : "AM_SPACE_SHARED_INFO",
	    s == 2 ? "AM_GNTTAB_STATUS | " : "", (unsigned long long)idx, (unsigned long long)gfn);
	p2m_step_end(am_p2m_add_physmap(&G.p2m, s ? AM_SPACE_GRANT_TABLE : AM_SPACE_SHARED_INFO,
					(uint32_t)idx | (s == 2 ? AM_GNTTAB_STATUS : 0u),
					am_gfn(gfn)));
}

static void cmd_physmap_remove(void)
{
	uint64_t gfn, mfn = ~0ull;

	nargs(1, 2);
	gfn = arg_num(1, "gfn");
	if (G.ntok == 3)
		mfn = arg_num(2, "expected mfn");
	need(G.have_p2m, "a P2M", "p2m");
	if (G.dry)
		return;
	p2m_step_begin();
	out(IND "am_p2m_remove_physmap(gfn 0x%llx, expect %s)\n", (unsigned long long)gfn,
	    G.ntok == 3 ? G.tok[2] : "any");
	p2m_step_end(am_p2m_remove_physmap(&G.p2m, am_gfn(gfn), am_mfn(mfn)));
}

static void cmd_frame(void)
{
	struct am_page_info *pg;
	am_gfn_t gfn;
	uint64_t mfn;

	nargs(1, 1);
	mfn = arg_num(1, "mfn");
	need(G.have_p2m, "a P2M", "p2m");
	if (G.dry)
		return;
	pg = am_frame_of(&G.ft, am_mfn(mfn));
	if (!pg) {
		out(IND "= mfn 0x%llx is not in the frame table\n", (unsigned long long)mfn);
		return;
	}
	if (am_frame_get_gfn(pg, &gfn)) {
		out(IND "= mfn 0x%llx: not xenheap, count_info 0x%lx\n", (unsigned long long)mfn,
		    pg->count_info);
		return;
	}
	out(IND "= mfn 0x%llx: xenheap, type_info 0x%lx: ", (unsigned long long)mfn, pg->type_info);
	if (am_gfn_is_invalid(gfn))
		out("no gfn (not mapped)\n");
	else
		out("gfn 0x%llx\n", (unsigned long long)am_gfn_val(gfn));
}

/* ----------------------------------------------------------- MMIO guard -- */

static void cmd_mmio_guard(void)
{
	struct am_mmio_tracker_config cfg = {0};
	uint64_t v, granule = 4096, lo = 0, hi = 0, slots = 64;
	enum mmioh_abi abi = MMIOH_ABI_ANDROID;
	int rc;

	for (unsigned int i = 1; i < G.ntok; i++) {
		const char *t = G.tok[i];

		if (opt_num(t, "granule", &v))
			granule = v;
		else if (opt_num(t, "lo", &v))
			lo = v;
		else if (opt_num(t, "hi", &v))
			hi = v;
		else if (opt_num(t, "slots", &v))
			slots = v;
		else if (!strcmp(t, "abi=android"))
			abi = MMIOH_ABI_ANDROID;
		else if (!strcmp(t, "abi=upstream"))
			abi = MMIOH_ABI_UPSTREAM;
		else
			bad("mmio-guard: unknown option '%s' (abi=android|upstream granule= lo= "
			    "hi= "
			    "slots=)",
			    t);
	}
	if (!slots || slots > MMIOH_MAX_SLOTS)
		bad("mmio-guard: slots=%llu: 1 to %u", (unsigned long long)slots, MMIOH_MAX_SLOTS);
	if (!granule || (granule & (granule - 1)) || granule < 4096)
		bad("mmio-guard: granule=%llu: a power of two of 4K or more",
		    (unsigned long long)granule);
	need(G.have_pt, "a table", "regime (the guest's stage 1, VA == IPA)");
	if (G.have_mmio)
		bad("mmio-guard: one tracker per scenario");
	G.have_mmio = true;
	if (G.dry)
		return;
	if (!hi)
		hi = 1ull << G.ia_bits;
	mmioh_init(&G.hyp, abi, granule, (unsigned int)slots);
	cfg.pt = &G.pt;
	cfg.lo = am_va(lo);
	cfg.hi = am_va(hi);
	cfg.ram = G.ram;
	cfg.ram_cap = 16;
	cfg.mmio = G.mmio;
	cfg.mmio_cap = 16;
	cfg.abi = abi == MMIOH_ABI_ANDROID ? &am_mmio_abi_android : &am_mmio_abi_upstream;
	cfg.hyp = (struct am_mmio_transport){.call = hvc, .ctx = &G.hyp};
	out(IND "am_mmio_tracker_init([0x%llx, 0x%llx), %s ABI; the hypervisor model: %lluK "
		"granule, %llu slots)\n",
	    (unsigned long long)lo, (unsigned long long)hi,
	    abi == MMIOH_ABI_ANDROID ? "Android" : "upstream", (unsigned long long)(granule >> 10),
	    (unsigned long long)slots);
	G.in_init = true;
	rc = am_mmio_tracker_init(&G.tr, &cfg);
	G.in_init = false;
	result(rc);
	G.mmio_made = !rc;
}

static void cmd_mmio_add(void)
{
	bool ram = !strcmp(G.tok[0], "mmio-ram"), rw = false;
	uint64_t base, size;

	nargs(ram ? 3 : 2, ram ? 3 : 2);
	base = arg_num(1, "base");
	size = arg_num(2, "size");
	if (ram) {
		if (strcmp(G.tok[3], "ro") && strcmp(G.tok[3], "rw"))
			bad("mmio-ram: ro or rw, not '%s'", G.tok[3]);
		rw = !strcmp(G.tok[3], "rw");
	}
	need(G.have_mmio, "a tracker", "mmio-guard");
	if (G.dry)
		return;
	pt_step_begin();
	if (ram) {
		int rc;

		out(IND "am_mmio_add_ram(0x%llx, 0x%llx, %s)\n", (unsigned long long)base,
		    (unsigned long long)size, rw ? "writable" : "read-only");
		rc = am_mmio_add_ram(&G.tr, am_va(base), size, rw);
		pt_step_end(rc);
		/* the hypervisor knows the guest's RAM: it refuses to guard it */
		if (!rc && mmioh_add_ram(&G.hyp, base, size))
			out(IND "(the hypervisor model holds no more RAM ranges)\n");
	} else {
		out(IND "am_mmio_add_device(0x%llx, 0x%llx)\n", (unsigned long long)base,
		    (unsigned long long)size);
		pt_step_end(am_mmio_add_device(&G.tr, am_va(base), size));
	}
}

static void cmd_mmio_fault(void)
{
	uint64_t addr;

	nargs(1, 1);
	addr = arg_num(1, "address");
	need(G.have_mmio, "a tracker", "mmio-guard");
	if (G.dry)
		return;
	pt_step_begin();
	out(IND "am_mmio_handle_fault(0x%llx)\n", (unsigned long long)addr);
	pt_step_end(am_mmio_handle_fault(&G.tr, am_va(addr)));
	out(IND "hypervisor: %u granule(s) guarded\n", G.hyp.nr);
}

static void cmd_mmio_access(void)
{
	struct vmsa_result r;
	uint64_t addr, size = 4;

	nargs(1, 2);
	addr = arg_num(1, "address");
	if (G.ntok == 3)
		size = arg_num(2, "size");
	need(G.have_mmio, "a tracker", "mmio-guard");
	if (G.dry)
		return;
	if (!made(G.mmio_made, "tracker"))
		return;
	vmsa_access(&G.vc, am_host_pt_read, &G.h, addr, VMSA_ACC_R, &r);
	if (r.fault == VMSA_OK)
		out(IND "= stage 1: translates (level %u, sw=0x%x): the access reaches the "
			"hypervisor, which %s\n",
		    r.level, r.sw,
		    mmioh_allowed(&G.hyp, addr, size) ? "carries it out"
						      : "REFUSES it (not guarded)");
	else
		out(IND "= stage 1: %s fault at level %u (sw=0x%llx): the guest's fault handler "
			"runs (mmio-fault)\n",
		    vmsa_fault_name(r.fault), r.level,
		    (unsigned long long)((r.pte >> AM_PTE_SW_SHIFT) & 0xfu));
}

static void cmd_mmio_unmap_all(void)
{
	int rc;

	nargs(0, 0);
	need(G.have_mmio, "a tracker", "mmio-guard");
	if (G.dry)
		return;
	pt_step_begin();
	out(IND "am_mmio_unmap_all()\n");
	rc = am_mmio_unmap_all(&G.tr);
	if (rc >= 0)
		out(IND "= %d granules unguarded\n", rc);
	else
		result(rc);
	sync_totals_pt(T_PT);
	after_change(T_PT);
	out(IND "hypervisor: %u granule(s) guarded\n", G.hyp.nr);
}

/* --------------------------------------------------------------- general -- */

static void cmd_dump(void)
{
	enum target t = T_NONE;

	nargs(0, 1);
	if (G.ntok == 2) {
		if (!strcmp(G.tok[1], "table"))
			t = T_PT;
		else if (!strcmp(G.tok[1], "mpu"))
			t = T_MPU;
		else if (!strcmp(G.tok[1], "p2m"))
			t = T_P2M;
		else
			bad("dump: table, mpu or p2m, not '%s'", G.tok[1]);
		need(t == T_PT	  ? G.have_pt
		     : t == T_MPU ? G.have_mpu
				  : G.have_p2m,
		     "it",
		     t == T_PT	  ? "regime"
		     : t == T_MPU ? "mpu"
				  : "p2m");
	}
	if (G.dry)
		return;
	if (!G.pt_made && !G.mpu_made && !G.p2m_made)
		out(IND "dump: nothing to dump (no table, MPU or P2M made)\n");
	for (enum target i = T_PT; i <= T_P2M; i++)
		if (t == T_NONE || t == i)
			print_dump(i);
}

static void cmd_echo(void)
{
	if (G.dry)
		return;
	out("\n#");
	for (unsigned int i = 1; i < G.ntok; i++)
		out(" %s", G.tok[i]);
	out("\n");
}

struct command {
	const char *name;
	void (*run)(void);
	bool quiet; /* no header line of its own */
};

static const struct command commands[] = {
	{"regime", cmd_regime, false},
	{"map", cmd_map, false},
	{"unmap", cmd_unmap, false},
	{"modify", cmd_modify, false},
	{"populate", cmd_populate, false},
	{"query", cmd_query, false},
	{"tlb-watch", cmd_tlb_watch, false},
	{"probe", cmd_probe, false},
	{"mpu", cmd_mpu, false},
	{"mpu-map", cmd_mpu_map, false},
	{"mpu-unmap", cmd_mpu_unmap, false},
	{"mpu-unmap-containing", cmd_mpu_unmap_containing, false},
	{"mpu-modify", cmd_mpu_modify, false},
	{"mpu-merge", cmd_mpu_merge, false},
	{"mpu-vmap", cmd_mpu_vmap, false},
	{"mpu-vunmap", cmd_mpu_vunmap, false},
	{"mpu-probe", cmd_mpu_probe, false},
	{"p2m", cmd_p2m, false},
	{"p2m-map", cmd_p2m_map, false},
	{"p2m-unmap", cmd_p2m_unmap, false},
	{"p2m-lookup", cmd_p2m_lookup, false},
	{"physmap-add", cmd_physmap_add, false},
	{"physmap-remove", cmd_physmap_remove, false},
	{"frame", cmd_frame, false},
	{"mmio-guard", cmd_mmio_guard, false},
	{"mmio-ram", cmd_mmio_add, false},
	{"mmio-device", cmd_mmio_add, false},
	{"mmio-fault", cmd_mmio_fault, false},
	{"mmio-access", cmd_mmio_access, false},
	{"mmio-unmap-all", cmd_mmio_unmap_all, false},
	{"dump", cmd_dump, false},
	{"echo", cmd_echo, true},
};

/* ------------------------------------------------------------- the run -- */

/* Split line @s (a copy) into G.tok[]; a '#' starts a comment. */
static void tokenize(char *s)
{
	char *save = NULL, *hash = strchr(s, '#');

	if (hash)
		*hash = '\0';
	G.ntok = 0;
	for (char *t = strtok_r(s, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (G.ntok == MAX_TOK)
			bad("more than %u words on one line", MAX_TOK);
		G.tok[G.ntok++] = t;
	}
}

/* The line, trimmed, for the step's header. */
static void line_text(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	snprintf(G.text, sizeof(G.text), "%s", s);
	n = strlen(G.text);
	while (n && (G.text[n - 1] == '\n' || G.text[n - 1] == '\r' || G.text[n - 1] == ' ' ||
		     G.text[n - 1] == '\t'))
		G.text[--n] = '\0';
}

static void run_line(const char *line)
{
	char buf[MAX_LINE];
	const struct command *c = NULL;

	if (strlen(line) >= sizeof(buf) - 1)
		bad("line longer than %d characters", MAX_LINE - 2);
	strcpy(buf, line);
	line_text(line);
	tokenize(buf);
	if (!G.ntok)
		return;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, G.tok[0]))
			c = &commands[i];
	if (!c)
		bad("unknown operation '%s' (see docs/inspector.md)", G.tok[0]);
	if (!G.dry && !c->quiet)
		out("\n[%u] %s\n", G.lineno, G.text);
	c->run();
	if (!G.dry)
		models_check();
	fflush(stdout);
}

static char **read_lines(FILE *f, size_t *n)
{
	struct lines l = {0};
	char buf[MAX_LINE + 2];

	while (fgets(buf, sizeof(buf), f)) {
		if (!strchr(buf, '\n') && !feof(f)) {
			G.lineno = (unsigned int)l.n + 1;
			bad("line longer than %d characters", MAX_LINE - 2);
		}
		lines_add(&l, buf);
	}
	*n = l.n;
	return l.v;
}

static void usage(void)
{
	fprintf(stderr, "usage: armmap [--dump=each|end] [--svg FILE] SCENARIO   (SCENARIO '-': "
			"stdin)\n"
			"  runs a scenario of armmap calls on the executable models; see "
			"docs/inspector.md\n");
	exit(2);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

int main(int argc, char **argv)
{
	char **text;
	size_t n;
	FILE *f;
	int i;

	G.dump_each = true;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--dump=each"))
			G.dump_each = true;
		else if (!strcmp(argv[i], "--dump=end"))
			G.dump_each = false;
		else if (!strcmp(argv[i], "--svg") && i + 1 < argc)
			G.svg = argv[++i];
		else if (!strncmp(argv[i], "--svg=", 6))
			G.svg = argv[i] + 6;
		else
			usage();
	}
	if (i != argc - 1)
		usage();
	G.file = argv[i];
	f = strcmp(G.file, "-") ? fopen(G.file, "r") : stdin;
	if (!f) {
		fprintf(stderr, "armmap: %s: %s\n", G.file, strerror(errno));
		return 2;
	}
	text = read_lines(f, &n);
	if (f != stdin)
		fclose(f);

	/* the check pass: every line parsed, nothing run */
	G.dry = true;
	for (size_t k = 0; k < n; k++) {
		G.lineno = (unsigned int)k + 1;
		run_line(text[k]);
	}
	G.have_pt = G.have_mpu = G.have_p2m = G.have_mmio = false;

	G.dry = false;
	am_log_set_fallback(fallback_log, NULL);
	out("armmap inspector: %s (%zu lines)\n", base_name(G.file), n);
	for (size_t k = 0; k < n; k++) {
		G.lineno = (unsigned int)k + 1;
		run_line(text[k]);
	}
	if (!G.dump_each) {
		out("\n[end]\n");
		for (enum target t = T_PT; t <= T_P2M; t++)
			print_dump(t);
	}
	out("\n%s\n", G.violation ? "armmap: the models saw a rule broken (see MODEL lines)"
				  : "armmap: done, the models saw no rule broken");
	if (G.svg) {
		struct panel p[3];
		size_t np = 0;
		char title[256];
		FILE *s = fopen(G.svg, "w");

		for (enum target t = T_PT; t <= T_P2M; t++) {
			if (!target_made(t))
				continue;
			p[np] = G.panel[t - 1];
			p[np].kind = t == T_MPU ? PANEL_MPU : PANEL_TABLE;
			np++;
		}
		snprintf(title, sizeof(title), "armmap inspector: %s", base_name(G.file));
		if (!s || svg_write(s, title, p, np) || fclose(s)) {
			fprintf(stderr, "armmap: %s: %s\n", G.svg, strerror(errno));
			return 2;
		}
	}
	for (size_t k = 0; k < n; k++)
		free(text[k]);
	free(text);
	return G.violation ? 1 : 0;
}
