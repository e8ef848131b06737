/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MPU test kit (kit.h): the watched backend, the log ring, the map and
 * unmap calls, the access expectations and the hardware comparisons.
 */
#include "tests/qemu/mpu_common/kit.h"

struct am_mpu_map kit_map;
struct kit_watch kit_w;
struct am_mpu_ops kit_ops;
const struct am_attr kit_rw = AM_ATTR_RW_DATA;
const struct am_attr kit_ro = AM_ATTR_RO_DATA;
const struct am_attr kit_rx = AM_ATTR_RX_TEXT;
const struct am_attr kit_dev = AM_ATTR_DEVICE;

static const struct kit_hw *hw;

/* ---------------------------------------------------------------------- */
/* The backend, watched                                                    */
/* ---------------------------------------------------------------------- */

static void w_lock(void *ctx)
{
	kit_w.locks++;
	hw->ops->env.lock(ctx);
}

static void w_unlock(void *ctx)
{
	kit_w.unlocks++;
	hw->ops->env.unlock(ctx);
}

static uint64_t granule_mask(void)
{
	return (uint64_t)am_mpu_granule(hw->flavour) - 1u;
}

static bool hw_overlap(void)
{
	uint64_t b[KIT_MAX_HW], l[KIT_MAX_HW], rbar, rlar, g = granule_mask();
	unsigned int i, j, n = 0;

	for (i = 0; i < hw->nr && i < KIT_MAX_HW; i++) {
		if (hw->read(i, &rbar, &rlar) || !(rlar & 1u))
			continue;
		b[n] = rbar & ~g;
		l[n] = rlar | g; /* inclusive */
		n++;
	}
	if (n > kit_w.max_enabled)
		kit_w.max_enabled = n;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (b[i] <= l[j] && b[j] <= l[i])
				return true;
	return false;
}

static void w_write_region(void *ctx, unsigned int idx, uint64_t rbar, uint64_t rlar)
{
	kit_w.writes++;
	kit_w.call_writes++;
	if (idx >= hw->nr) {
		kit_w.bad_writes++; /* the selector would ignore it and hit another region */
		return;
	}
	hw->ops->write_region(ctx, idx, rbar, rlar);
	kit_w.unsynced = true;
	if (hw_overlap())
		kit_w.overlap_events++;
}

static void w_sync(void *ctx)
{
	kit_w.syncs++;
	kit_w.call_syncs++;
	kit_w.unsynced = false;
	hw->ops->sync(ctx);
}

/* The log hook keeps the last LOG_KEEP records (debug region writes aside). */
#define LOG_KEEP 8u
static struct {
	unsigned int count;
	struct {
		enum am_log_event event;
		const char *msg;
		uint64_t arg0;
	} rec[LOG_KEEP];
} g_log;

static void w_log(void *ctx, const struct am_log_rec *rec)
{
	(void)ctx;
	if (rec->event == AM_EV_REGION_WRITE)
		return;
	g_log.rec[g_log.count % LOG_KEEP].event = rec->event;
	g_log.rec[g_log.count % LOG_KEEP].msg = rec->msg;
	g_log.rec[g_log.count % LOG_KEEP].arg0 = rec->arg[0];
	g_log.count++;
}

void kit_init(const struct kit_hw *h)
{
	hw = h;
	kit_ops = *h->ops;
	kit_ops.env.lock = w_lock;
	kit_ops.env.unlock = w_unlock;
	kit_ops.env.log = w_log;
	kit_ops.write_region = w_write_region;
	kit_ops.sync = w_sync;
}

/* ---------------------------------------------------------------------- */
/* The log                                                                 */
/* ---------------------------------------------------------------------- */

unsigned int kit_log_count(void)
{
	return g_log.count;
}

static void show_diff(uint64_t d)
{
	static const char *const names[] = {"permissions", "execute-never", "unprivileged access",
					    "memory type", "shareability"};
	const char *sep = "";
	unsigned int b;

	con_printf(" [differs:");
	for (b = 0; b < 5; b++) {
		if (d & (1u << b)) {
			con_printf("%s %s", sep, names[b]);
			sep = ",";
		}
	}
	con_printf("]");
}

void kit_show_log(unsigned int before)
{
	unsigned int i;

	if (g_log.count == before) {
		con_printf("        (no log record)\n");
		return;
	}
	if (g_log.count - before > LOG_KEEP)
		before = g_log.count - LOG_KEEP;
	for (i = before; i < g_log.count; i++) {
		const char *msg = g_log.rec[i % LOG_KEEP].msg;

		con_printf("        log: \"%s\"", msg ? msg : "");
		if (g_log.rec[i % LOG_KEEP].event == AM_EV_ATTR_MISMATCH)
			show_diff(g_log.rec[i % LOG_KEEP].arg0);
		con_printf("\n");
	}
}

bool kit_logged(unsigned int before, enum am_log_event event, uint64_t arg0)
{
	unsigned int i;

	if (g_log.count - before > LOG_KEEP)
		before = g_log.count - LOG_KEEP;
	for (i = before; i < g_log.count; i++)
		if (g_log.rec[i % LOG_KEEP].event == event && g_log.rec[i % LOG_KEEP].arg0 == arg0)
			return true;
	return false;
}

void kit_after_call(const char *fn)
{
	if (kit_w.unsynced || (kit_w.call_writes && kit_w.call_syncs != 1)) {
		kit_w.unsynced_calls++;
		FAIL("%s: %u region writes, %u syncs%s\n", fn, kit_w.call_writes, kit_w.call_syncs,
		     kit_w.unsynced ? ", the last write not synced" : "");
	}
	EXPECT(!hw->lock_depth || *hw->lock_depth == 0, "%s returned holding the lock\n", fn);
	kit_w.unsynced = false;
	kit_w.call_writes = kit_w.call_syncs = 0;
}

/* ---------------------------------------------------------------------- */
/* Map and unmap                                                           */
/* ---------------------------------------------------------------------- */

static const char *attr_name(const struct am_attr *a)
{
	if (am_attr_is_device(a))
		return "dev";
	return perm_name(a->perm);
}

int kit_map_range(uint32_t base, uint32_t limit, const struct am_attr *a, bool show)
{
	unsigned int used0 = am_mpu_used(&kit_map), log0 = g_log.count;
	int rc = am_mpu_map(&kit_map, base, limit, a);

	kit_after_call("am_mpu_map");
	if (!show)
		return rc;
	con_printf("  map   [0x%08x, 0x%08x) %-3s%s -> ", base, limit, attr_name(a),
		   (a->perm & AM_PERM_USER) ? "+EL1" : "");
	if (rc >= 0) {
		con_printf("region %d (%s)\n", rc,
			   am_mpu_used(&kit_map) > used0 ? "new" : "existing one, reference taken");
	} else {
		con_printf("%s\n", errname(rc));
		kit_show_log(log0);
	}
	return rc;
}

int kit_unmap_range(uint32_t base, uint32_t limit, bool show)
{
	unsigned int used0 = am_mpu_used(&kit_map), log0 = g_log.count;
	int rc = am_mpu_unmap(&kit_map, base, limit);

	kit_after_call("am_mpu_unmap");
	if (!show)
		return rc;
	con_printf("  unmap [0x%08x, 0x%08x)    -> %s", base, limit, errname(rc));
	if (rc >= 0)
		con_printf(" (regions in use %u -> %u)\n", used0, am_mpu_used(&kit_map));
	else
		con_printf("\n");
	if (rc < 0)
		kit_show_log(log0);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* Accesses                                                                */
/* ---------------------------------------------------------------------- */

/* A @op ("load", "store") at @addr faulted: print it, and FAIL unless @fault, there. */
static void faulted(const char *op, uint32_t addr, bool fault, bool show)
{
	const char *why = NULL;

	if (!fault)
		why = "expected it to succeed";
	else if (!hw->fault_at(addr))
		why = "expected a data fault at the address";
	if (why) {
		FAIL("%s 0x%08x -> ", op, addr);
		hw->show_fault();
		con_printf(", %s\n", why);
	} else if (show) {
		con_printf("  %-5s 0x%08x -> ", op, addr);
		hw->show_fault();
		con_printf(" (as expected)\n");
	}
}

void kit_expect_load(uint32_t addr, bool fault, bool show, uint32_t *out)
{
	uint32_t v = 0;

	if (!hw->probe_read(addr, &v)) {
		faulted("load", addr, fault, show);
	} else if (fault) {
		FAIL("load 0x%08x -> ok (0x%08x), expected a fault\n", addr, v);
	} else {
		if (show)
			con_printf("  load  0x%08x -> ok, 0x%08x\n", addr, v);
		if (out)
			*out = v;
	}
}

void kit_expect_store(uint32_t addr, uint32_t val, bool fault, bool show)
{
	uint32_t back = 0;

	if (!hw->probe_write(addr, val))
		faulted("store", addr, fault, show);
	else if (fault)
		FAIL("store 0x%08x -> ok, expected a fault\n", addr);
	else if (!hw->probe_read(addr, &back) || back != val)
		FAIL("store 0x%08x <- 0x%08x: read back 0x%08x\n", addr, val, back);
	else if (show)
		con_printf("  store 0x%08x <- 0x%08x -> ok, read back\n", addr, val);
}

void kit_expect_rw(uint32_t addr, bool show)
{
	kit_expect_store(addr, addr ^ 0xa5a5a5a5u, false, show);
}

void kit_expect_none(uint32_t addr, bool show)
{
	kit_expect_load(addr, true, show, NULL);
	kit_expect_store(addr, 0x0badf00du, true, false);
}

/* ---------------------------------------------------------------------- */
/* The hardware against the map                                            */
/* ---------------------------------------------------------------------- */

unsigned int kit_hw_enabled(void)
{
	uint64_t rbar, rlar;
	unsigned int i, n = 0;

	for (i = 0; i < hw->nr; i++)
		if (hw->read(i, &rbar, &rlar) == 0 && (rlar & 1u))
			n++;
	return n;
}

void kit_snap(struct kit_snap *s)
{
	unsigned int i;

	for (i = 0; i < hw->nr && i < KIT_MAX_HW; i++)
		if (hw->read(i, &s->rbar[i], &s->rlar[i]))
			s->rbar[i] = s->rlar[i] = ~(uint64_t)0;
}

void kit_expect_unchanged(const struct kit_snap *before)
{
	struct kit_snap now;
	unsigned int i, diff = 0;

	kit_snap(&now);
	for (i = 0; i < hw->nr && i < KIT_MAX_HW; i++) {
		if (now.rbar[i] == before->rbar[i] && now.rlar[i] == before->rlar[i])
			continue;
		diff++;
		FAIL("region %u changed: base 0x%08lx -> 0x%08lx, limit 0x%08lx -> 0x%08lx\n", i,
		     (unsigned long)before->rbar[i], (unsigned long)now.rbar[i],
		     (unsigned long)before->rlar[i], (unsigned long)now.rlar[i]);
	}
	if (!diff)
		con_printf("  hardware unchanged: all %u region registers of the %s identical, %u "
			   "enabled\n",
			   hw->nr, hw->mpu_name, kit_hw_enabled());
}

bool kit_matches_map(void)
{
	uint64_t pb, pl;
	unsigned int i;
	bool same = true;
	int rh, rm;

	for (i = 0; i < hw->nr; i++) {
		uint64_t mb = 0, ml = 0, hb = 0, hl = 0;
		int rc = am_mpu_region_regs(&kit_map, i, &mb, &ml);

		(void)hw->read(i, &hb, &hl);
		if (rc == 0 && mb == hb && ml == hl)
			continue;
		same = false;
		FAIL("region %u: the map says base 0x%08lx limit 0x%08lx (%s), the hardware has "
		     "0x%08lx 0x%08lx\n",
		     i, (unsigned long)mb, (unsigned long)ml, errname(rc), (unsigned long)hb,
		     (unsigned long)hl);
	}
	/* the map manages exactly the hardware's regions: the next index is neither's */
	rh = hw->read(hw->nr, &pb, &pl);
	rm = am_mpu_region_regs(&kit_map, hw->nr, &pb, &pl);
	if (rh != AM_ERANGE || rm != AM_ERANGE) {
		same = false;
		FAIL("region %u (one past the hardware's): read back %s, the map %s, expected "
		     "AM_ERANGE from both\n",
		     hw->nr, errname(rh), errname(rm));
	}
	if (am_mpu_used(&kit_map) != kit_hw_enabled()) {
		same = false;
		FAIL("the map uses %u regions, the hardware has %u enabled\n",
		     am_mpu_used(&kit_map), kit_hw_enabled());
	}
	return same;
}

void kit_end(const char *what)
{
	kit_matches_map();
	check_end(what);
}

void kit_show_region(unsigned int idx, const char *what)
{
	uint64_t rbar = 0, rlar = 0;
	struct am_mpu_fields f = {0};

	(void)hw->read(idx, &rbar, &rlar);
	(void)am_mpu_decode(hw->flavour, rbar, rlar, &f);
	con_printf("  region %2u base 0x%08lx limit 0x%08lx  [0x%08lx, 0x%08lx) AP=%u XN=%u "
		   "Attr=%u %s\n",
		   idx, (unsigned long)rbar, (unsigned long)rlar, (unsigned long)f.base,
		   (unsigned long)f.limit, f.ap, f.xn, f.attr_idx, what);
}

static void dump_line(void *arg, const char *line)
{
	(void)arg;
	con_printf("    %s\n", line);
}

void kit_show_map(void)
{
	int rc = am_mpu_dump(&kit_map, dump_line, NULL);

	EXPECT(kit_w.call_writes == 0 && kit_w.call_syncs == 0,
	       "am_mpu_dump: %u region writes, %u syncs (a dump writes nothing)\n",
	       kit_w.call_writes, kit_w.call_syncs);
	kit_after_call("am_mpu_dump");
	EXPECT(rc == 0, "am_mpu_dump: %s\n", errname(rc));
}

void kit_expect_bounds(int idx, uint32_t base, uint32_t limit)
{
	uint64_t rbar = 0, rlar = 0;
	struct am_mpu_fields f = {0};

	if (idx < 0 || hw->read((unsigned int)idx, &rbar, &rlar)) {
		FAIL("no region index (%d)\n", idx);
		return;
	}
	(void)am_mpu_decode(hw->flavour, rbar, rlar, &f);
	EXPECT(f.en && f.base == base && f.limit == limit,
	       "hardware region %d is [0x%08lx, 0x%08lx) en=%u, expected [0x%08x, 0x%08x)\n", idx,
	       (unsigned long)f.base, (unsigned long)f.limit, f.en, base, limit);
}

unsigned int kit_refs(int idx)
{
	struct am_mpu_region r = {0};

	if (idx < 0 || am_mpu_region_get(&kit_map, (unsigned int)idx, &r))
		return 0xffffu;
	return r.refs;
}
