/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-smp: armmap on four emulated Cortex-A57 (QEMU virt,
 * virtualization=on, -smp 4, TCG with one thread per CPU). CPU 0 builds
 * the EL2 stage-1 table with armmap and turns its MMU on; PSCI CPU_ON
 * starts CPUs 1-3 at EL2, each turning its MMU on with the same table
 * (TTBR0_EL2). From then on the CPUs share that table, one guest stage 2
 * (a P2M), and two more P2Ms that race for one frame, each instance under
 * the lock the library takes through its env hooks: the ticket spinlock of
 * arch/aarch64/spinlock.c, through the backend's am_aarch64_pt_lock().
 *
 * What the checks prove:
 * - no lost update: the CPUs map, unmap and modify at the same time, in
 *   disjoint ranges (the final table equals the CPUs' sequences replayed
 *   one after the other into a second table) and in the same ranges (the
 *   lock hook records the order in which the calls took the lock; replayed
 *   in that order into a second table, every call returns what it returned
 *   live and the final leaves are the same, descriptor for descriptor);
 *   the same for the P2M, with the xenheap frames' GFNs;
 * - broadcast invalidation: after an unmap (or a modify to read-only)
 *   returns on one CPU, the other CPUs, whose TLBs held the old
 *   translation (they had just used it), fault on it: real loads and
 *   stores at EL2, caught by the exception vectors. QEMU's TLB is per CPU
 *   and only a TLBI (or a register change) flushes it, so the control
 *   issues the same calls with local TLBIs (TLBI VALE2 / VAE2 / ALLE2,
 *   DSB NSH) and the other CPU keeps reading the stale translation;
 * - two guests (two P2Ms, two VMIDs, two locks) racing on two CPUs to map
 *   the same xenheap frame, round after round: exactly one wins, the other
 *   gets AM_EBUSY and has nothing at its GFN (the P2M and the hardware's
 *   stage-2 walk, AT S12E1R, agree).
 * Only CPU 0 prints; the others leave their results in memory.
 */
#include <armmap/errors.h>
#include <armmap/p2m.h>
#include <armmap/pt.h>

#include "tests/qemu/aarch64/exc.h"
#include "tests/qemu/aarch64/psci.h"
#include <armmap/arch/aarch64/pt_ops.h>
#include <armmap/arch/aarch64/spinlock.h>
#include <armmap/arch/aarch64/sysreg.h>
#include "tests/qemu/aarch64/vm.h"
#include "tests/qemu/hyp_common/hyp.h"
#include "tests/qemu/hyp_common/relay.h"
#include "tests/qemu/mmu/image.h"
#include "tests/qemu/smp/cpus.h"

const char check_suite[] = "qemu-smp";

#define PAGE 0x1000ul
#define SZ_2M 0x200000ul
#define IA_BITS 39u
#define RAM_BASE 0x40000000ul
#define FT_FRAMES 4096u /* [0x4000_0000, 0x4100_0000): the image and its xenheap frames */

/* Frames the checks map: 8 MiB of RAM above the image, each page signed. */
#define DATA_PA 0x42000000ul
#define DATA_SIZE 0x800000ul
#define DATA_FRAMES (DATA_SIZE / PAGE)
#define FRAME_PA(fr) (DATA_PA + (uint64_t)(fr)*PAGE)
#define SIG(pa) ((uint64_t)(pa) ^ 0x5160000000000000ul) /* word 0 of each data page */
/* Where a CPU's probe store goes in a page, and what it writes. */
#define WOFF(cpu) (0x800ul + 8ul * (cpu))
#define WVAL(cpu, va) (0x7700000000000000ul | (uint64_t)(cpu) << 48 | ((va)&0xffffffffffful))

/* Stage-1 windows, one 1 GiB level-1 entry each (VAs other than the identity map). */
#define VA_SEE 0x0800000000ul  /* the page every CPU looks at */
#define VA_DISJ 0x1000000000ul /* disjoint concurrent calls */
#define VA_OVER 0x2000000000ul /* overlapping concurrent calls */
#define VA_BC 0x3000000000ul   /* broadcast invalidation and the control */
#define WIN_1G 0x40000000ul

/* Stage 2. */
#define IPA_BITS 40u
#define GFN_BASE 0x80000ul /* IPA 2 GiB: the concurrent P2M calls */
#define GFN_WIN 1024u
#define DATA_MFN (DATA_PA >> 12)
#define RACE_GFN 0x100ul
#define NGNT 4u /* grant frames of the shared P2M */

#define POISON 0x00000000deadb003ul /* what a freed table page is filled with */

/* ---------------------------------------------------------------------- */
/* Each instance's environment: the backend context, its lock, and a watch */
/* ---------------------------------------------------------------------- */

#define ORDER_MAX 2048u

/*
 * The ctx of one table or P2M: the aarch64 backend's context first (the
 * hooks get it), then the spinlock it points to, and what the lock hook
 * watches: who holds it (two holders at once is a broken lock), how often
 * it was taken and released, and, while recording, the order in which the
 * calls took it (CPU << 16 | the CPU's current call).
 */
struct tenv {
	struct am_aarch64_pt_ctx pc;
	struct am_aarch64_spinlock lock;
	int holder;
	unsigned long takes, releases, overlaps;
	bool record;
	unsigned int order_n;
	uint32_t *order;
	unsigned long logs, internal;
};

static unsigned int g_cur_op[NCPU]; /* the call each CPU is making (its index) */
static uint32_t g_order[ORDER_MAX];

static void t_lock(void *ctx)
{
	struct tenv *e = ctx;
	unsigned int cpu = this_cpu();

	am_aarch64_pt_lock(ctx);
	if (e->holder != -1)
		e->overlaps++;
	e->holder = (int)cpu;
	e->takes++;
	if (e->record && e->order) {
		if (e->order_n < ORDER_MAX)
			e->order[e->order_n] = cpu << 16 | g_cur_op[cpu];
		e->order_n++;
	}
}

static void t_unlock(void *ctx)
{
	struct tenv *e = ctx;

	if (e->holder != (int)this_cpu())
		e->overlaps++;
	e->holder = -1;
	e->releases++;
	am_aarch64_pt_unlock(ctx);
}

static void t_log(void *ctx, const struct am_log_rec *rec)
{
	struct tenv *e = ctx;

	__atomic_add_fetch(&e->logs, 1ul, __ATOMIC_RELAXED);
	if (rec->event == AM_EV_INTERNAL)
		__atomic_add_fetch(&e->internal, 1ul, __ATOMIC_RELAXED);
}

static int tenv_init(struct tenv *e, void *pool, size_t bytes, bool locked)
{
	int rc = am_aarch64_pt_ctx_init(&e->pc, pool, bytes);

	am_aarch64_spin_init(&e->lock);
	e->holder = -1;
	e->takes = e->releases = e->overlaps = e->logs = e->internal = 0;
	e->record = false;
	e->order_n = 0;
	e->order = g_order;
	if (locked)
		e->pc.lock = &e->lock;
	return rc;
}

/* A freed table page is poisoned: a walk that still used it would go astray. */
static void poison_free(void *ctx, void *table, am_paddr_t pa)
{
	struct am_aarch64_pt_ctx *c = ctx;
	uint64_t *p = table;
	unsigned int i;

	if ((uint8_t *)table >= c->pool && (uint8_t *)table < c->pool + (size_t)c->pages * PAGE)
		for (i = 0; i < PAGE / 8; i++)
			p[i] = POISON;
	am_aarch64_free_table(ctx, table, pa);
}

/*
 * The shared stage-1 table's TLB maintenance: the backend's inner-shareable
 * forms, or, for the control, the local ones (this CPU only).
 */
static volatile bool g_local_tlbi;
static unsigned long g_local_tlbis;

static void local_tlbi(bool leaf, uint64_t addr)
{
	uint64_t op = (addr >> 12) & 0x00000fffffffffffull;

	g_local_tlbis++;
	if (leaf)
		__asm__ volatile("tlbi vale2, %0" : : "r"(op) : "memory");
	else
		__asm__ volatile("tlbi vae2, %0" : : "r"(op) : "memory");
}

static void s1_flush(void *ctx, const struct am_pt_flush *f)
{
	if (!g_local_tlbi) {
		am_aarch64_pt_flush(ctx, f);
		return;
	}
	if (f->kind != AM_PT_FLUSH_COMPLETE)
		__asm__ volatile("dsb nshst" : : : "memory");
	if (f->kind == AM_PT_FLUSH_PUBLISH)
		return;
	if (f->kind == AM_PT_FLUSH_ALL) {
		g_local_tlbis++;
		__asm__ volatile("tlbi alle2" : : : "memory");
	}
	for (unsigned int i = 0; f->kind == AM_PT_FLUSH_LIST && i < f->n; i++) {
		const struct am_pt_inval *v = &f->inv[i];
		uint64_t k = 0;

		do /* a range (FEAT_TLBIRANGE) page by page: there is no local range form here */
			local_tlbi(v->leaf, am_va_val(v->addr) + (k << 12));
		while (++k < v->pages);
	}
	__asm__ volatile("dsb nsh\n\tisb" : : : "memory");
}

/* A reference table no CPU walks: no TLB maintenance, no lock. */
static void ref_flush(void *ctx, const struct am_pt_flush *f)
{
	(void)ctx;
	(void)f;
}

static const struct am_pt_ops g_s1_ops = {
	.env = {t_lock, t_unlock, t_log},
	.alloc_table = am_aarch64_alloc_table,
	.free_table = poison_free,
	.flush = s1_flush,
};
static const struct am_pt_ops g_ref_ops = {
	.env = {NULL, NULL, t_log},
	.alloc_table = am_aarch64_alloc_table,
	.free_table = poison_free,
	.flush = ref_flush,
};
/* The P2Ms' table ops (their env is the P2M's: see below). */
static const struct am_pt_ops g_s2_ops = {
	.alloc_table = am_aarch64_alloc_table,
	.free_table = poison_free,
	.flush = am_aarch64_pt_flush,
};
static const struct am_p2m_ops g_p2m_ops = {
	.env = {t_lock, t_unlock, t_log},
	.pt = &g_s2_ops,
};
static const struct am_p2m_ops g_p2m_ref_ops = {
	.env = {NULL, NULL, t_log},
	.pt = &g_ref_ops,
};
/* The racing guests' table ops: a flush's COMPLETE may hold the racer (race_hold()). */
static void race_flush(void *ctx, const struct am_pt_flush *f);
static const struct am_pt_ops g_race_s2_ops = {
	.alloc_table = am_aarch64_alloc_table,
	.free_table = poison_free,
	.flush = race_flush,
};
static const struct am_p2m_ops g_race_p2m_ops = {
	.env = {t_lock, t_unlock, t_log},
	.pt = &g_race_s2_ops,
};

/* ---------------------------------------------------------------------- */
/* The instances                                                           */
/* ---------------------------------------------------------------------- */

#define S1_POOL 256u
#define REF_POOL 128u
#define S2_POOL 64u
#define RACE_POOL 16u

static struct am_pt g_pt; /* the shared EL2 stage 1 */
static struct tenv g_pt_env;
static uint8_t g_pt_pool[S1_POOL * PAGE] __attribute__((aligned(4096)));
static size_t g_boot_tables;

static struct am_pt g_ref; /* the serial reference of a stage-1 window */
static struct tenv g_ref_env;
static uint8_t g_ref_pool[REF_POOL * PAGE] __attribute__((aligned(4096)));

/* The frame tables: the machine's, and the reference P2M's own copy. */
static struct am_page_info g_pages[FT_FRAMES], g_ref_pages[FT_FRAMES];
static struct am_frame_table g_ft, g_ref_ft;
/* xenheap frames: the shared P2M's shared info and grant frames, the raced frame */
static uint8_t g_shinfo[PAGE] __attribute__((aligned(4096)));
static uint8_t g_gnt[NGNT][PAGE] __attribute__((aligned(4096)));
static uint8_t g_race_frame[PAGE] __attribute__((aligned(4096)));
static am_mfn_t g_gnt_mfn[NGNT], g_race_mfn;

static struct am_p2m g_p2m, g_p2m_ref; /* the shared guest stage 2 and its reference */
static struct tenv g_p2m_env, g_p2m_ref_env;
static uint8_t g_p2m_pool[S2_POOL * PAGE] __attribute__((aligned(4096)));
static uint8_t g_p2m_ref_pool[S2_POOL * PAGE] __attribute__((aligned(4096)));

static struct am_p2m g_guest[2]; /* the racing guests, VMIDs 2 and 3 */
static struct tenv g_guest_env[2];
static uint8_t g_guest_pool[2][RACE_POOL * PAGE] __attribute__((aligned(4096)));

static bool g_ready;
static unsigned int g_online;

static am_mfn_t mfn_of(const void *p)
{
	return am_pa_to_mfn(am_pa((uintptr_t)p)); /* VA == PA */
}

static uint64_t rd64(uint64_t pa)
{
	return *(volatile uint64_t *)(uintptr_t)pa;
}

/* ---------------------------------------------------------------------- */
/* Calls, as data: the same call on the live instance and on its reference */
/* ---------------------------------------------------------------------- */

#define MAX_OPS 128u

enum { S1_MAP_RW, S1_MAP_RO, S1_UNMAP, S1_MOD_RO, S1_MOD_RW, S1_KINDS };
enum { P2_MAP, P2_UNMAP, P2_ADD, P2_REMOVE, P2_KINDS };

/* One call: stage 1 (page, pages, frame of the window) or a P2M call. */
struct op {
	uint8_t kind, flags; /* flags: AM_PT_F_*, or the P2M type / map space */
	uint16_t n;	     /* pages */
	uint16_t pg;	     /* page (GFN) in the window */
	uint16_t fr;	     /* data frame, or the physmap index */
};

static struct op g_ops[NCPU][MAX_OPS];
static int g_rc[NCPU][MAX_OPS];
static unsigned int g_nops;
static uint64_t g_win; /* the stage-1 window of the calls */

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

static int s1_call(struct am_pt *pt, uint64_t win, const struct op *o)
{
	uint64_t va = win + (uint64_t)o->pg * PAGE, size = (uint64_t)o->n * PAGE;

	switch (o->kind) {
	case S1_MAP_RW:
		return am_pt_map(pt, am_va(va), am_pa(FRAME_PA(o->fr)), size, &hyp_attr_rw,
				 o->flags);
	case S1_MAP_RO:
		return am_pt_map(pt, am_va(va), am_pa(FRAME_PA(o->fr)), size, &hyp_attr_ro,
				 o->flags);
	case S1_UNMAP:
		return am_pt_unmap(pt, am_va(va), size);
	case S1_MOD_RO:
		return am_pt_modify(pt, am_va(va), size, &hyp_attr_ro, 0);
	default:
		return am_pt_modify(pt, am_va(va), size, &hyp_attr_rw, 0);
	}
}

static int p2m_call(struct am_p2m *p, const struct op *o)
{
	uint64_t gfn = GFN_BASE + o->pg;

	switch (o->kind) {
	case P2_MAP:
		return am_p2m_map(p, am_gfn(gfn), am_mfn(DATA_MFN + o->fr), o->n,
				  (enum am_p2m_type)o->flags);
	case P2_UNMAP:
		return am_p2m_unmap(p, am_gfn(gfn), o->n, AM_MFN_INVALID);
	case P2_ADD:
		return am_p2m_add_physmap(p, (enum am_p2m_space)o->flags, o->fr, am_gfn(gfn));
	default:
		return am_p2m_remove_physmap(p, am_gfn(gfn), AM_MFN_INVALID);
	}
}

/* Pages [lo, lo + span) of a window: a few pages, a contiguous run, or a whole 2 MiB block. */
static struct op s1_gen(uint32_t *s, unsigned int lo, unsigned int span, bool blocks)
{
	struct op o = {.kind = (uint8_t)(rnd(s) % S1_KINDS)};
	unsigned int r = rnd(s) % 16;

	if (blocks && r == 0 && span >= 512) { /* a 2 MiB block, or the whole of one */
		o.pg = (uint16_t)(lo + 512 * (rnd(s) % (span / 512)));
		o.n = 512;
		o.fr = (uint16_t)(512 * (rnd(s) % (DATA_FRAMES / 512)));
		o.flags = AM_PT_F_BLOCK;
	} else if (r == 1) { /* a contiguous run of 16 */
		o.pg = (uint16_t)(lo + 16 * (rnd(s) % (span / 16)));
		o.n = 16;
		o.fr = (uint16_t)(16 * (rnd(s) % (DATA_FRAMES / 16)));
		o.flags = AM_PT_F_CONTIG;
	} else {
		o.n = (uint16_t)(1 + rnd(s) % 12);
		o.pg = (uint16_t)(lo + rnd(s) % (span - o.n));
		o.fr = (uint16_t)(rnd(s) % (DATA_FRAMES - o.n));
	}
	return o;
}

static struct op p2m_gen(uint32_t *s)
{
	struct op o = {0};
	unsigned int r = rnd(s) % 20;

	if (r < 6) {
		o.kind = P2_MAP;
		o.flags = (rnd(s) & 1) ? AM_P2M_RAM_RW : AM_P2M_RAM_RO;
		if (r == 0) { /* a 2 MiB block */
			o.n = 512;
			o.pg = (uint16_t)(512 * (rnd(s) % 2));
			o.fr = (uint16_t)(512 * (rnd(s) % (DATA_FRAMES / 512)));
		} else {
			o.n = (uint16_t)(1 + rnd(s) % 8);
			o.pg = (uint16_t)(rnd(s) % (GFN_WIN - o.n));
			o.fr = (uint16_t)(rnd(s) % (DATA_FRAMES - o.n));
		}
	} else if (r < 11) {
		o.kind = P2_UNMAP;
		o.n = (uint16_t)(r == 6 ? 512 : 1 + rnd(s) % 8);
		o.pg = (uint16_t)(r == 6 ? 512 * (rnd(s) % 2) : rnd(s) % (GFN_WIN - o.n));
	} else if (r < 16) {
		o.kind = P2_ADD;
		o.n = 1;
		o.pg = (uint16_t)(rnd(s) % GFN_WIN);
		if (rnd(s) % 3 == 0) {
			o.flags = AM_SPACE_SHARED_INFO;
		} else {
			o.flags = AM_SPACE_GRANT_TABLE;
			o.fr = (uint16_t)(rnd(s) % NGNT);
		}
	} else {
		o.kind = P2_REMOVE;
		o.n = 1;
		o.pg = (uint16_t)(rnd(s) % GFN_WIN);
	}
	return o;
}

/* The job: this CPU's calls, on the shared table or the shared P2M. */
static bool g_ops_p2m;

static void job_calls(unsigned int cpu)
{
	unsigned int i;

	cpus_barrier(NCPU); /* start together */
	for (i = 0; i < g_nops; i++) {
		g_cur_op[cpu] = i;
		g_rc[cpu][i] = g_ops_p2m ? p2m_call(&g_p2m, &g_ops[cpu][i])
					 : s1_call(&g_pt, g_win, &g_ops[cpu][i]);
	}
}

static void count_rcs(unsigned int *ok, unsigned int *refused)
{
	unsigned int c, i;

	*ok = *refused = 0;
	for (c = 0; c < NCPU; c++)
		for (i = 0; i < g_nops; i++)
			(*(g_rc[c][i] ? refused : ok))++;
}

/*
 * Replay the recorded lock order into the reference: each call must come
 * exactly once and return what it returned live.
 */
static void replay_in_order(const struct tenv *e, struct am_pt *ref, struct am_p2m *ref_p2m)
{
	static bool seen[NCPU][MAX_OPS];
	unsigned int i, c, bad = 0, dup = 0;

	for (c = 0; c < NCPU; c++)
		for (i = 0; i < MAX_OPS; i++)
			seen[c][i] = false;
	EXPECT(e->order_n == NCPU * g_nops, "the lock was taken %u times for %u calls\n",
	       e->order_n, NCPU * g_nops);
	for (i = 0; i < e->order_n && i < ORDER_MAX; i++) {
		unsigned int cpu = e->order[i] >> 16, k = e->order[i] & 0xffffu;
		const struct op *o;
		int rc;

		if (cpu >= NCPU || k >= g_nops || seen[cpu][k]) {
			dup++;
			continue;
		}
		seen[cpu][k] = true;
		o = &g_ops[cpu][k];
		rc = ref_p2m ? p2m_call(ref_p2m, o) : s1_call(ref, g_win, o);
		if (rc != g_rc[cpu][k] && bad++ < 3)
			FAIL("call %u (CPU %u's #%u, kind %u, page %u, %u pages): live %s, "
			     "replayed %s\n",
			     i, cpu, k, o->kind, o->pg, o->n, errname(g_rc[cpu][k]), errname(rc));
	}
	EXPECT(!dup, "%u entries of the lock order are not one call each\n", dup);
	EXPECT(!bad, "%u calls returned otherwise in the replay\n", bad);
}

/* ---- leaf by leaf ---- */

#define MAX_LEAVES 4096u

struct leaves {
	unsigned int n;
	bool full;
	struct am_pt_leaf l[MAX_LEAVES];
};

static struct leaves g_la, g_lb;

static int collect(void *arg, const struct am_pt_leaf *l)
{
	struct leaves *s = arg;

	if (s->n == MAX_LEAVES) {
		s->full = true;
		return 1;
	}
	s->l[s->n++] = *l;
	return 0;
}

static int gather(struct am_pt *pt, uint64_t va, uint64_t size, struct leaves *s)
{
	s->n = 0;
	s->full = false;
	return am_pt_walk(pt, am_va(va), size, collect, s);
}

/* The leaves of [va, va + size) in @a and @b: the same descriptors at the same places. */
static void expect_same_leaves(struct am_pt *a, struct am_pt *b, uint64_t va, uint64_t size)
{
	unsigned int i, bad = 0, valid = 0, blocks = 0;
	int ra = gather(a, va, size, &g_la), rb = gather(b, va, size, &g_lb);

	EXPECT(!ra && !rb && !g_la.full && !g_lb.full, "walks: %s / %s%s\n", errname(ra),
	       errname(rb), g_la.full || g_lb.full ? " (too many leaves)" : "");
	EXPECT(g_la.n == g_lb.n, "%u leaves live, %u in the reference\n", g_la.n, g_lb.n);
	for (i = 0; i < g_la.n && i < g_lb.n; i++) {
		const struct am_pt_leaf *x = &g_la.l[i], *y = &g_lb.l[i];

		valid += x->valid;
		blocks += x->size > PAGE;
		if ((am_va_val(x->va) != am_va_val(y->va) || x->level != y->level ||
		     x->pte != y->pte) &&
		    bad++ < 3)
			FAIL("leaf %u: live VA 0x%lx level %u pte 0x%016lx, reference VA 0x%lx "
			     "level %u pte 0x%016lx\n",
			     i, am_va_val(x->va), x->level, x->pte, am_va_val(y->va), y->level,
			     y->pte);
	}
	EXPECT(!bad, "%u leaves differ\n", bad);
	con_printf("  final state: %u leaves (%u valid, %u blocks), the same descriptors in "
		   "both tables\n",
		   g_la.n, valid, blocks);
}

/* ---------------------------------------------------------------------- */
/* Probes on several CPUs                                                  */
/* ---------------------------------------------------------------------- */

#define MAX_PROBES 8u

static struct {
	uint64_t va[MAX_PROBES];
	unsigned int n;
	bool write;
} g_pr;

struct presult {
	bool ok;
	uint64_t val, esr, far;
};

static struct presult g_res[NCPU][MAX_PROBES];

static void job_probe(unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < g_pr.n; i++) {
		struct presult *r = &g_res[cpu][i];
		uint64_t va = g_pr.va[i];

		r->val = 0;
		if (g_pr.write)
			r->ok = am_aarch64_probe_write(va + WOFF(cpu), WVAL(cpu, va));
		else
			r->ok = am_aarch64_probe_read(va, &r->val);
		r->esr = r->ok ? 0 : am_aarch64_last_fault.esr;
		r->far = r->ok ? 0 : am_aarch64_last_fault.far;
	}
}

/* Load (or store) each of @n addresses on the CPUs of @mask. */
static void probe_on(unsigned int mask, bool write, unsigned int n, const uint64_t *va)
{
	unsigned int i;

	g_pr.n = n;
	g_pr.write = write;
	for (i = 0; i < n; i++)
		g_pr.va[i] = va[i];
	run_on(mask, job_probe);
}

/* One table call, made by one CPU. */
static struct op g_one;
static uint64_t g_one_win;
static int g_one_rc;

static void job_one(unsigned int cpu)
{
	(void)cpu;
	g_one_rc = s1_call(&g_pt, g_one_win, &g_one);
}

static int call_on(unsigned int cpu, uint8_t kind, uint64_t va, unsigned int n, unsigned int fr,
		   unsigned int flags)
{
	static const char *const name[S1_KINDS] = {"map RW", "map RO", "unmap", "modify to RO",
						   "modify to RW"};

	g_one = (struct op){
		.kind = kind, .flags = (uint8_t)flags, .n = (uint16_t)n, .fr = (uint16_t)fr};
	g_one_win = va;
	run_on(CPU_MASK(cpu), job_one);
	con_printf("  CPU %u: %s VA 0x%lx, %u page%s: %s\n", cpu, name[kind], va, n,
		   n == 1 ? "" : "s", errname(g_one_rc));
	EXPECT(g_one_rc == 0, "the call failed\n");
	return g_one_rc;
}

static const char *cpu_list(unsigned int mask)
{
	static char s[16];
	unsigned int c, n = 0;

	for (c = 0; c < NCPU; c++)
		if (mask & CPU_MASK(c)) {
			if (n)
				s[n++] = ',';
			s[n++] = (char)('0' + c);
		}
	s[n] = 0;
	return s;
}

/* Probe @i of the last probe_on() completed on each CPU of @mask, reading @want. */
static void expect_ok(unsigned int mask, unsigned int i, bool check_val, uint64_t want)
{
	unsigned int c;

	for (c = 0; c < NCPU; c++) {
		const struct presult *r = &g_res[c][i];

		if (!(mask & CPU_MASK(c)))
			continue;
		if (!r->ok)
			FAIL("CPU %u: VA 0x%lx faulted (%s, %s fault level %u)\n", c, g_pr.va[i],
			     am_aarch64_exc_name(r->esr), am_aarch64_fsc_name(am_esr_fsc(r->esr)),
			     AM_FSC_LEVEL(am_esr_fsc(r->esr)));
		else if (check_val && r->val != want)
			FAIL("CPU %u: VA 0x%lx reads 0x%lx, expected 0x%lx\n", c, g_pr.va[i],
			     r->val, want);
	}
}

/* Probe @i faulted on each CPU of @mask: a data abort of type @fsc_type at the address. */
static unsigned int expect_fault(unsigned int mask, unsigned int i, unsigned int fsc_type)
{
	unsigned int c, level = 0;

	for (c = 0; c < NCPU; c++) {
		const struct presult *r = &g_res[c][i];
		uint64_t at = g_pr.va[i] + (g_pr.write ? WOFF(c) : 0);

		if (!(mask & CPU_MASK(c)))
			continue;
		if (r->ok) {
			FAIL("CPU %u: the %s at VA 0x%lx went through (0x%lx): a stale TLB "
			     "entry\n",
			     c, g_pr.write ? "store" : "load", at, r->val);
			continue;
		}
		level = AM_FSC_LEVEL(am_esr_fsc(r->esr));
		EXPECT(am_esr_ec(r->esr) == AM_EC_DABT_CUR &&
			       AM_FSC_TYPE(am_esr_fsc(r->esr)) == fsc_type && r->far == at &&
			       !!(r->esr & AM_ISS_WNR) == g_pr.write,
		       "CPU %u: VA 0x%lx: %s, %s fault (ESR 0x%lx, FAR 0x%lx)\n", c, at,
		       am_aarch64_exc_name(r->esr), am_aarch64_fsc_name(am_esr_fsc(r->esr)), r->esr,
		       r->far);
	}
	return level;
}

/* ---------------------------------------------------------------------- */
/* Boot                                                                    */
/* ---------------------------------------------------------------------- */

static int boot_table(void)
{
	struct am_pt_config cfg = {
		.regime = AM_PT_S1_EL2, .ia_bits = IA_BITS, .oa_bits = hyp_pa_bits()};
	uint64_t t = (uintptr_t)__text_start, te = (uintptr_t)__text_end;
	uint64_t r = (uintptr_t)__rodata_start, re = (uintptr_t)__rodata_end;
	uint64_t d = (uintptr_t)__ram_start, de = (uintptr_t)__ram_end;
	unsigned int i;
	int rc;

	/* no lock yet: one CPU, and the MMU off (exclusives need Normal memory) */
	rc = tenv_init(&g_pt_env, g_pt_pool, sizeof(g_pt_pool), false);
	rc = rc ? rc : am_pt_init(&g_pt, &cfg, &g_s1_ops, &g_pt_env);
	rc = rc ? rc : am_pt_map(&g_pt, am_va(t), am_pa(t), te - t, &hyp_attr_rx, 0);
	rc = rc ? rc : am_pt_map(&g_pt, am_va(r), am_pa(r), re - r, &hyp_attr_ro, 0);
	rc = rc ? rc : am_pt_map(&g_pt, am_va(d), am_pa(d), de - d, &hyp_attr_rw, 0);
	rc = rc ? rc : am_pt_map(&g_pt, am_va(UART_BASE), am_pa(UART_BASE), PAGE, &hyp_attr_dev, 0);
	rc = rc ? rc
		: am_pt_map(&g_pt, am_va(DATA_PA), am_pa(DATA_PA), DATA_SIZE, &hyp_attr_rw,
			    AM_PT_F_BLOCK);
	rc = rc ? rc : am_aarch64_el2_mmu_enable_pt(&g_pt);
	g_boot_tables = am_pt_tables(&g_pt);
	con_printf("  CPU 0: EL2 stage 1 (39-bit VAs) with armmap: the image (code RX, "
		   "constants RO, data RW),\n    the UART, 8 MiB of data frames at 0x%lx; %lu "
		   "table pages; MMU on: %s\n",
		   DATA_PA, (unsigned long)g_boot_tables, errname(rc));
	if (rc)
		return rc;
	for (i = 0; i < DATA_FRAMES; i++)
		*(volatile uint64_t *)(uintptr_t)FRAME_PA(i) = SIG(FRAME_PA(i));
	/* from now on other CPUs use the table: the lock hook takes the spinlock */
	g_pt_env.pc.lock = &g_pt_env.lock;
	return 0;
}

static int frames_init(void)
{
	unsigned int i;
	int rc;

	for (i = 0; i < FT_FRAMES; i++) {
		am_frame_init(&g_pages[i], false);
		am_frame_init(&g_ref_pages[i], false);
	}
	rc = am_frame_table_init(&g_ft, g_pages, am_mfn(RAM_BASE >> 12), FT_FRAMES);
	rc = rc ? rc
		: am_frame_table_init(&g_ref_ft, g_ref_pages, am_mfn(RAM_BASE >> 12), FT_FRAMES);
	if (rc)
		return rc;
	am_frame_init(am_frame_of(&g_ft, mfn_of(g_shinfo)), true);
	am_frame_init(am_frame_of(&g_ref_ft, mfn_of(g_shinfo)), true);
	for (i = 0; i < NGNT; i++) {
		g_gnt_mfn[i] = mfn_of(g_gnt[i]);
		am_frame_init(am_frame_of(&g_ft, g_gnt_mfn[i]), true);
		am_frame_init(am_frame_of(&g_ref_ft, g_gnt_mfn[i]), true);
	}
	g_race_mfn = mfn_of(g_race_frame);
	am_frame_init(am_frame_of(&g_ft, g_race_mfn), true);
	return 0;
}

static int p2m_init(struct am_p2m *p, struct tenv *e, uint8_t *pool, size_t bytes, bool locked,
		    uint16_t vmid, const struct am_frame_table *ft, const am_mfn_t *gnt,
		    unsigned int ngnt, am_mfn_t shinfo, const struct am_p2m_ops *ops)
{
	struct am_p2m_config cfg = {
		.ipa_bits = IPA_BITS,
		.pa_bits = hyp_pa_bits(),
		.vmid = vmid,
		.frames = ft,
		.dom = {.shared_info = shinfo, .gnttab_shared = gnt, .nr_gnttab_shared = ngnt},
	};
	int rc = tenv_init(e, pool, bytes, locked);

	return rc ? rc : am_p2m_init(p, &cfg, ops, e);
}

static void ck_boot(void)
{
	int64_t ver, again;
	unsigned int c, aff_on = 0;
	int rc;

	check_begin();
	rc = boot_table();
	rc = rc ? rc : frames_init();
	rc = rc ? rc
		: p2m_init(&g_p2m, &g_p2m_env, g_p2m_pool, sizeof(g_p2m_pool), true, 1, &g_ft,
			   g_gnt_mfn, NGNT, mfn_of(g_shinfo), &g_p2m_ops);
	rc = rc ? rc
		: p2m_init(&g_p2m_ref, &g_p2m_ref_env, g_p2m_ref_pool, sizeof(g_p2m_ref_pool),
			   false, 1, &g_ref_ft, g_gnt_mfn, NGNT, mfn_of(g_shinfo), &g_p2m_ref_ops);
	for (c = 0; c < 2 && !rc; c++)
		rc = p2m_init(&g_guest[c], &g_guest_env[c], g_guest_pool[c],
			      sizeof(g_guest_pool[c]), true, (uint16_t)(2 + c), &g_ft, &g_race_mfn,
			      1, AM_MFN_INVALID, &g_race_p2m_ops);
	con_printf("  frame tables and four P2Ms (the shared one, its reference, two racing "
		   "guests): %s\n",
		   errname(rc));
	EXPECT(rc == 0, "the boot failed\n");
	if (rc) {
		check_end("boot");
		return;
	}
	ver = am_aarch64_psci_call(AM_PSCI_SMC, AM_PSCI_VERSION, 0, 0, 0);
	con_printf("  PSCI over SMC: version %ld.%ld\n", (long)(ver >> 16), (long)(ver & 0xffff));
	g_online = cpus_start(&g_pt);
	for (c = 0; c < NCPU; c++) {
		const struct cpu_info *i = &g_cpu_info[c];
		int64_t aff = am_aarch64_psci_affinity_info(AM_PSCI_SMC, c);

		aff_on += aff == AM_PSCI_AFF_ON;
		con_printf(
			"  CPU %u: CPU_ON %ld, %s, MPIDR 0x%lx, EL%u, SCTLR_EL2.M %lu, TTBR0_EL2 "
			"0x%lx, AFFINITY_INFO %ld\n",
			c, (long)i->on_rc, i->online ? "online" : "OFFLINE", i->mpidr, i->el,
			i->sctlr & AM_SCTLR_M, i->ttbr0, (long)aff);
		EXPECT(i->online && i->on_rc == 0 && (i->mpidr & 0xff) == c && i->el == 2 &&
			       i->mmu_rc == 0 && aff == AM_PSCI_AFF_ON,
		       "CPU %u did not come up at EL2 as CPU %u\n", c, c);
	}
	again = cpus_on_again(1);
	con_printf("  CPU_ON of CPU 1 again: %ld (ALREADY_ON is %d)\n", (long)again,
		   AM_PSCI_ALREADY_ON);
	EXPECT(again == AM_PSCI_ALREADY_ON, "a second CPU_ON was not refused\n");
	g_ready = g_online == ALL_CPUS && aff_on == NCPU && check_ok;
	check_end("boot: CPU 0 builds the EL2 table and turns its MMU on; PSCI CPU_ON (SMC) "
		  "starts CPUs 1-3 at EL2; AFFINITY_INFO reports all four on");
}

/* ---------------------------------------------------------------------- */
/* One table, four MMUs                                                    */
/* ---------------------------------------------------------------------- */

static struct {
	uint64_t sctlr, ttbr, par;
} g_see[NCPU];

static void job_see(unsigned int cpu)
{
	g_see[cpu].sctlr = am_read_sysreg(sctlr_el2);
	g_see[cpu].ttbr = am_read_sysreg(ttbr0_el2);
	g_see[cpu].par = am_aarch64_at_s1e2r(VA_SEE);
	job_probe(cpu);
}

static void ck_shared(void)
{
	const uint64_t pa = FRAME_PA(7);
	uint64_t mair_wb = (am_pt_mair(&g_pt) >> (8 * AM_MT_NORMAL_WB)) & 0xff;
	unsigned int c;

	check_begin();
	call_on(0, S1_MAP_RW, VA_SEE, 1, 7, 0);
	g_pr.n = 1;
	g_pr.va[0] = VA_SEE;
	g_pr.write = false;
	run_on(ALL_CPUS, job_see);
	for (c = 0; c < NCPU; c++) {
		uint64_t par = g_see[c].par;

		con_printf(
			"  CPU %u: SCTLR_EL2.M %lu, TTBR0_EL2 0x%lx; AT S1E2R 0x%lx -> PAR 0x%lx; "
			"the load reads 0x%lx\n",
			c, g_see[c].sctlr & AM_SCTLR_M, g_see[c].ttbr, VA_SEE, par,
			g_res[c][0].val);
		EXPECT((g_see[c].sctlr & AM_SCTLR_M) && g_see[c].ttbr == am_pt_ttbr(&g_pt),
		       "CPU %u does not run on the shared table\n", c);
		EXPECT(!(par & AM_PAR_F) && (par & AM_PAR_PA_MASK) == pa &&
			       am_par_attr(par) == mair_wb,
		       "CPU %u: the hardware's walk does not give PA 0x%lx, Normal WB\n", c, pa);
	}
	expect_ok(ALL_CPUS, 0, true, SIG(pa));
	probe_on(ALL_CPUS, true, 1, g_pr.va);
	expect_ok(ALL_CPUS, 0, false, 0);
	for (c = 0; c < NCPU; c++)
		EXPECT(rd64(pa + WOFF(c)) == WVAL(c, VA_SEE),
		       "CPU %u's store through VA 0x%lx is not at PA 0x%lx\n", c, VA_SEE,
		       pa + WOFF(c));
	con_printf("  each CPU's store through VA 0x%lx is in the frame at PA 0x%lx\n", VA_SEE, pa);
	check_end("one table, four MMUs: a page CPU 0 maps after the others came up translates "
		  "(AT S1E2R) and loads the same on every CPU; their stores land in its frame");
}

/* ---------------------------------------------------------------------- */
/* The spinlock                                                            */
/* ---------------------------------------------------------------------- */

#define COUNT_ITERS 1000u

static struct am_aarch64_spinlock g_count_lock;
static volatile unsigned long g_counter, g_counter_raw;
static volatile unsigned int g_in_cs;
static unsigned long g_cs_overlaps[NCPU];

static void job_count(unsigned int cpu)
{
	unsigned int i;

	cpus_barrier(NCPU);
	for (i = 0; i < COUNT_ITERS; i++) {
		am_aarch64_spin_lock(&g_count_lock);
		if (g_in_cs)
			g_cs_overlaps[cpu]++;
		g_in_cs = 1;
		g_counter = g_counter + 1;
		g_in_cs = 0;
		am_aarch64_spin_unlock(&g_count_lock);
	}
}

/* The same without the lock: what the lock prevents (shown, not checked). */
static void job_count_raw(unsigned int cpu)
{
	unsigned int i;

	(void)cpu;
	cpus_barrier(NCPU);
	for (i = 0; i < COUNT_ITERS; i++)
		g_counter_raw = g_counter_raw + 1;
}

static void ck_spinlock(void)
{
	unsigned long want = (unsigned long)NCPU * COUNT_ITERS, overlaps = 0;
	uint64_t t0, t1;
	bool first, second;
	unsigned int c;

	check_begin();
	am_aarch64_spin_init(&g_count_lock);
	t0 = ticks();
	run_on(ALL_CPUS, job_count);
	t1 = ticks();
	for (c = 0; c < NCPU; c++)
		overlaps += g_cs_overlaps[c];
	con_printf("  4 CPUs x %u increments of a plain counter under am_aarch64_spin_lock(): "
		   "%lu (expected %lu), in %lu ms;\n    two CPUs inside at once: %lu times\n",
		   COUNT_ITERS, g_counter, want, (unsigned long)((t1 - t0) * 1000 / ticks_per_s()),
		   overlaps);
	EXPECT(g_counter == want, "%lu increments lost\n", want - g_counter);
	EXPECT(overlaps == 0, "the lock let two CPUs in\n");
	EXPECT(!am_aarch64_spin_is_locked(&g_count_lock), "the lock is left held\n");
	first = am_aarch64_spin_trylock(&g_count_lock);
	second = am_aarch64_spin_trylock(&g_count_lock);
	EXPECT(first && !second && am_aarch64_spin_is_locked(&g_count_lock),
	       "trylock: %d then %d\n", first, second);
	am_aarch64_spin_unlock(&g_count_lock);
	EXPECT(!am_aarch64_spin_is_locked(&g_count_lock), "unlock after trylock left it held\n");
	con_printf("  trylock on the free lock: taken; again: refused; unlocked again\n");
	run_on(ALL_CPUS, job_count_raw);
	con_printf("  (the same increments without the lock: %lu lost this run; whether two CPUs "
		   "meet there\n    is up to the host's scheduling of QEMU's CPU threads)\n",
		   want - g_counter_raw);
	check_end("the ticket spinlock (LDAXR/STXR, WFE): 4 x 1000 increments under it are "
		  "exact, never two CPUs inside; trylock");
}

/* ---------------------------------------------------------------------- */
/* Concurrent stage-1 calls                                                */
/* ---------------------------------------------------------------------- */

static int ref_init(void)
{
	struct am_pt_config cfg = {
		.regime = AM_PT_S1_EL2, .ia_bits = IA_BITS, .oa_bits = hyp_pa_bits()};
	int rc = tenv_init(&g_ref_env, g_ref_pool, sizeof(g_ref_pool), false);

	return rc ? rc : am_pt_init(&g_ref, &cfg, &g_ref_ops, &g_ref_env);
}

static void run_calls(bool p2m, struct tenv *e)
{
	unsigned long tlbis = e->pc.tlbis;
	unsigned int ok, refused;
	uint64_t t0, t1;

	g_ops_p2m = p2m;
	e->order_n = 0;
	e->record = true;
	t0 = ticks();
	run_on(ALL_CPUS, job_calls);
	t1 = ticks();
	e->record = false;
	count_rcs(&ok, &refused);
	con_printf("  4 CPUs x %u calls at once: %u done, %u refused (by the rules: mapped "
		   "already, not mapped, ...),\n    %lu broadcast TLBIs, in %lu ms\n",
		   g_nops, ok, refused, e->pc.tlbis - tlbis,
		   (unsigned long)((t1 - t0) * 1000 / ticks_per_s()));
}

/* The calls of the window, made one CPU after another (disjoint ranges commute). */
static void replay_by_cpu(void)
{
	unsigned int c, i, bad = 0;

	for (c = 0; c < NCPU; c++)
		for (i = 0; i < g_nops; i++) {
			int r = s1_call(&g_ref, g_win, &g_ops[c][i]);

			if (r != g_rc[c][i] && bad++ < 3)
				FAIL("CPU %u's call %u: live %s, serial %s\n", c, i,
				     errname(g_rc[c][i]), errname(r));
		}
	EXPECT(!bad, "%u calls returned otherwise one CPU after the other\n", bad);
}

/*
 * The window's calls made at once on the shared table against the same
 * calls replayed into a fresh reference table (by CPU, or in the order
 * they took the lock): the same results, the same leaves, as many table
 * pages (@live0: the shared table's before the calls).
 */
static void s1_against_ref(size_t live0, bool lock_order)
{
	int rc = ref_init();

	EXPECT(rc == 0, "reference table: %s\n", errname(rc));
	if (rc)
		return;
	if (lock_order) {
		con_printf("  the same calls replayed into a second table in the order they took "
			   "the lock (%u entries):\n",
			   g_pt_env.order_n);
		replay_in_order(&g_pt_env, &g_ref, NULL);
	} else {
		con_printf("  the same calls, CPU 0's then CPU 1's ..., into a second table:\n");
		replay_by_cpu();
	}
	expect_same_leaves(&g_pt, &g_ref, g_win, WIN_1G);
	con_printf("  table pages of the window: %lu live, %lu in the reference\n",
		   (unsigned long)(am_pt_tables(&g_pt) - live0),
		   (unsigned long)(am_pt_tables(&g_ref) - 1));
	EXPECT(am_pt_tables(&g_pt) - live0 == am_pt_tables(&g_ref) - 1,
	       "the table shapes differ\n");
	EXPECT(g_pt_env.overlaps == 0, "two CPUs held the table's lock at once\n");
	am_pt_destroy(&g_ref);
}

/*
 * 4 CPUs x 120 calls at once in the window @win, then against the
 * reference. Disjoint: CPU c's calls stay in pages [128c, 128c + 128) of
 * a level-3 table all four share, and in 2 MiB of its own (a level-2
 * table all share); otherwise all calls go anywhere in the window's first
 * 4 MiB.
 */
static void s1_concurrent(uint64_t win, uint32_t seed, bool disjoint)
{
	size_t live0 = am_pt_tables(&g_pt);
	unsigned int c, i;

	g_nops = 120;
	g_win = win;
	for (c = 0; c < NCPU; c++) {
		uint32_t s = seed + c;

		for (i = 0; i < g_nops; i++)
			if (!disjoint)
				g_ops[c][i] = s1_gen(&s, 0, 1024, true);
			else if (rnd(&s) & 1)
				g_ops[c][i] = s1_gen(&s, 128 * c, 128, false);
			else
				g_ops[c][i] = s1_gen(&s, 512 * (1 + c), 512, true);
	}
	run_calls(false, &g_pt_env);
	s1_against_ref(live0, !disjoint);
}

static void ck_disjoint(void)
{
	check_begin();
	s1_concurrent(VA_DISJ, 0x1000u, true);
	check_end("disjoint ranges: 4 CPUs map, unmap and modify pages, runs and blocks in one "
		  "shared table at once; the result equals the calls made one CPU after another");
}

static void ck_overlap(void)
{
	check_begin();
	s1_concurrent(VA_OVER, 0x2000u, false);
	check_end("the same ranges: 4 CPUs map, unmap and modify over each other; replayed in the "
		  "order they took the lock, every call returns the same and the final leaves are "
		  "the same");
}

/* ---------------------------------------------------------------------- */
/* Concurrent P2M calls                                                    */
/* ---------------------------------------------------------------------- */

static uint64_t frame_gfn(const struct am_frame_table *ft, uint64_t mfn)
{
	uint64_t g = 0;

	if (hyp_frame_get_gfn(am_frame_of(ft, am_mfn(mfn)), &g))
		return 0xbad;
	return g;
}

static void expect_same_gfn(const char *what, uint64_t mfn)
{
	uint64_t a = frame_gfn(&g_ft, mfn), b = frame_gfn(&g_ref_ft, mfn);

	con_printf("    %-13s ", what);
	if (a == GFN_NONE)
		con_printf("not mapped");
	else
		con_printf("at GFN 0x%lx", a);
	con_printf("%s\n", a == b ? " in both" : "");
	EXPECT(a == b, "%s: GFN 0x%lx live, 0x%lx in the reference\n", what, a, b);
}

static void ck_p2m(void)
{
	static const char *const gnt_name[NGNT] = {"grant frame 0", "grant frame 1",
						   "grant frame 2", "grant frame 3"};
	unsigned int c, i;

	check_begin();
	g_nops = 100;
	for (c = 0; c < NCPU; c++) {
		uint32_t s = 0x3000u + c;

		for (i = 0; i < g_nops; i++)
			g_ops[c][i] = p2m_gen(&s);
	}
	run_calls(true, &g_p2m_env);
	con_printf("  replayed in the order they took the P2M lock (%u entries) into a second "
		   "P2M with its own frame table:\n",
		   g_p2m_env.order_n);
	replay_in_order(&g_p2m_env, NULL, &g_p2m_ref);
	expect_same_leaves(&g_p2m.pt, &g_p2m_ref.pt, GFN_BASE << 12, (uint64_t)GFN_WIN << 12);
	con_printf("  the xenheap frames record the same GFNs:\n");
	expect_same_gfn("shared info", am_mfn_val(mfn_of(g_shinfo)));
	for (i = 0; i < NGNT; i++)
		expect_same_gfn(gnt_name[i], am_mfn_val(g_gnt_mfn[i]));
	EXPECT(g_p2m_env.overlaps == 0, "two CPUs held the P2M lock at once\n");
	EXPECT(g_p2m_env.internal == 0, "the P2M logged %lu internal errors\n", g_p2m_env.internal);
	check_end("one guest stage 2: 4 CPUs map, unmap, add and remove physmap frames (shared "
		  "info, grant frames) over each other; the lock-order replay gives the same "
		  "results, leaves and GFNs");
}

/* ---------------------------------------------------------------------- */
/* Broadcast invalidation                                                  */
/* ---------------------------------------------------------------------- */

static void ck_bc_page(void)
{
	uint64_t va[4];
	unsigned int i, lvl;

	check_begin();
	for (i = 0; i < 4; i++)
		va[i] = VA_BC + i * PAGE;
	call_on(0, S1_MAP_RW, VA_BC, 4, 100, 0);
	probe_on(ALL_CPUS, false, 4, va);
	for (i = 0; i < 4; i++)
		expect_ok(ALL_CPUS, i, true, SIG(FRAME_PA(100 + i)));
	con_printf("  every CPU loads the 4 pages (its TLB now holds them)\n");
	call_on(2, S1_UNMAP, va[1], 1, 0, 0);
	probe_on(ALL_CPUS & ~CPU_MASK(2), false, 4, va);
	lvl = expect_fault(ALL_CPUS & ~CPU_MASK(2), 1, AM_FSC_TRANSLATION);
	expect_ok(ALL_CPUS & ~CPU_MASK(2), 0, true, SIG(FRAME_PA(100)));
	expect_ok(ALL_CPUS & ~CPU_MASK(2), 2, true, SIG(FRAME_PA(102)));
	con_printf("  CPUs %s: the load at 0x%lx takes a translation fault (level %u); its "
		   "neighbours still load\n",
		   cpu_list(ALL_CPUS & ~CPU_MASK(2)), va[1], lvl);
	call_on(1, S1_UNMAP, va[2], 2, 0, 0);
	probe_on(ALL_CPUS & ~CPU_MASK(1), false, 4, va);
	expect_fault(ALL_CPUS & ~CPU_MASK(1), 2, AM_FSC_TRANSLATION);
	expect_fault(ALL_CPUS & ~CPU_MASK(1), 3, AM_FSC_TRANSLATION);
	expect_ok(ALL_CPUS & ~CPU_MASK(1), 0, true, SIG(FRAME_PA(100)));
	con_printf("  CPUs %s: both fault\n", cpu_list(ALL_CPUS & ~CPU_MASK(1)));
	call_on(0, S1_UNMAP, va[0], 1, 0, 0);
	check_end("broadcast unmap: pages every CPU had just loaded, unmapped on CPU 2 (then "
		  "CPU 1), fault on each of the others at once");
}

static void ck_bc_block(void)
{
	const uint64_t blk = VA_BC + SZ_2M, fr = 512;
	uint64_t va[4] = {blk, blk + 100 * PAGE, blk + 300 * PAGE, blk + 511 * PAGE};
	unsigned int i, lvl, others = ALL_CPUS & ~CPU_MASK(3);

	check_begin();
	call_on(1, S1_MAP_RW, blk, 512, fr, AM_PT_F_BLOCK);
	probe_on(ALL_CPUS, false, 4, va);
	for (i = 0; i < 4; i++)
		expect_ok(ALL_CPUS, i, true, SIG(FRAME_PA(fr) + (va[i] - blk)));
	con_printf("  every CPU loads 4 pages of the 2 MiB block\n");
	call_on(3, S1_UNMAP, blk, 512, 0, 0);
	probe_on(others, false, 4, va);
	for (i = 0; i < 4; i++)
		lvl = expect_fault(others, i, AM_FSC_TRANSLATION);
	con_printf("  CPUs %s: all 4 loads take translation faults (level %u)\n", cpu_list(others),
		   lvl);
	call_on(0, S1_MAP_RW, blk, 512, fr, AM_PT_F_BLOCK);
	probe_on(ALL_CPUS, false, 4, va);
	for (i = 0; i < 4; i++)
		expect_ok(ALL_CPUS, i, true, SIG(FRAME_PA(fr) + (va[i] - blk)));
	con_printf("  mapped again, every CPU loads the 4 pages; then one page in the middle "
		   "goes, breaking the block:\n");
	others = ALL_CPUS & ~CPU_MASK(2);
	call_on(2, S1_UNMAP, va[2], 1, 0, 0);
	probe_on(others, false, 4, va);
	lvl = expect_fault(others, 2, AM_FSC_TRANSLATION);
	expect_ok(others, 0, true, SIG(FRAME_PA(fr)));
	expect_ok(others, 1, true, SIG(FRAME_PA(fr) + 100 * PAGE));
	expect_ok(others, 3, true, SIG(FRAME_PA(fr) + 511 * PAGE));
	con_printf("  CPUs %s: the page at 0x%lx faults (level %u), the other 3 load what they "
		   "did\n",
		   cpu_list(others), va[2], lvl);
	call_on(0, S1_UNMAP, blk, 512, 0, 0);
	check_end("broadcast unmap of a 2 MiB block (CPU 3), and of one page inside one, which "
		  "breaks it (CPU 2): the other CPUs fault exactly there");
}

static void ck_bc_ro(void)
{
	const uint64_t pg = VA_BC + 2 * SZ_2M, pa = FRAME_PA(200);
	const unsigned int others = ALL_CPUS & ~CPU_MASK(1);
	uint64_t va[1] = {pg};
	unsigned int c, lvl;

	check_begin();
	call_on(0, S1_MAP_RW, pg, 1, 200, 0);
	probe_on(ALL_CPUS, true, 1, va);
	expect_ok(ALL_CPUS, 0, false, 0);
	con_printf("  every CPU stores into the page (its TLB now holds it writable)\n");
	call_on(1, S1_MOD_RO, pg, 1, 0, 0);
	for (c = 0; c < NCPU; c++)
		*(volatile uint64_t *)(uintptr_t)(pa + WOFF(c)) = 0; /* through the identity map */
	probe_on(others, true, 1, va);
	lvl = expect_fault(others, 0, AM_FSC_PERM);
	for (c = 0; c < NCPU; c++)
		EXPECT(rd64(pa + WOFF(c)) == 0, "CPU %u's refused store reached memory\n", c);
	probe_on(others, false, 1, va);
	expect_ok(others, 0, true, SIG(pa));
	con_printf("  CPUs %s: the store takes a permission fault (level %u) and changes "
		   "nothing; the load still works\n",
		   cpu_list(others), lvl);
	call_on(0, S1_UNMAP, pg, 1, 0, 0);
	check_end("broadcast modify to read-only (CPU 1): the stores that went through a moment "
		  "before fault on every other CPU; loads still work");
}

static void ck_control(void)
{
	const uint64_t q = VA_BC + 3 * SZ_2M, pa = FRAME_PA(300);
	uint64_t va[2] = {q, q + PAGE};
	bool stale_rd, stale_wr, own_rd, own_wr;

	check_begin();
	call_on(0, S1_MAP_RW, q, 2, 300, 0);
	probe_on(CPU_MASK(1), false, 2, va);
	expect_ok(CPU_MASK(1), 0, true, SIG(pa));
	probe_on(CPU_MASK(1), true, 2, va);
	expect_ok(CPU_MASK(1), 1, false, 0);
	con_printf("  CPU 1 loads page 0x%lx and stores into page 0x%lx\n", va[0], va[1]);

	g_local_tlbi = true;
	con_printf("  the table's TLBI hook now issues the local forms (TLBI VALE2 / VAE2, DSB "
		   "NSH):\n");
	call_on(0, S1_UNMAP, va[0], 1, 0, 0);
	call_on(0, S1_MOD_RO, va[1], 1, 0, 0);
	g_local_tlbi = false;
	*(volatile uint64_t *)(uintptr_t)(pa + PAGE + WOFF(1)) = 0;
	probe_on(CPU_MASK(1), false, 1, va);
	stale_rd = g_res[1][0].ok && g_res[1][0].val == SIG(pa);
	probe_on(CPU_MASK(1), true, 1, va + 1);
	stale_wr = g_res[1][0].ok;
	con_printf("  CPU 1: the load at 0x%lx %s; the store into 0x%lx %s\n", va[0],
		   stale_rd ? "still reads the unmapped page (stale)" : "faults", va[1],
		   stale_wr ? "still goes through (stale)" : "faults");
	EXPECT(stale_rd, "no stale load: the control cannot tell a broadcast TLBI from none\n");
	EXPECT(stale_wr && rd64(pa + PAGE + WOFF(1)) == WVAL(1, va[1]),
	       "no stale store: the control cannot tell a broadcast TLBI from none\n");
	own_rd = am_aarch64_probe_read(va[0], NULL);
	own_wr = am_aarch64_probe_write(va[1] + WOFF(0), 1);
	con_printf("  CPU 0 itself (its TLB flushed by the local TLBIs): load %s, store %s\n",
		   own_rd ? "went through" : "faults", own_wr ? "went through" : "faults");
	EXPECT(!own_rd && !own_wr, "the local TLBIs did not act on CPU 0\n");

	__asm__ volatile("tlbi alle2is\n\tdsb ish\n\tisb" : : : "memory");
	con_printf("  CPU 0: TLBI ALLE2IS; then on CPU 1:\n");
	probe_on(CPU_MASK(1), false, 1, va);
	expect_fault(CPU_MASK(1), 0, AM_FSC_TRANSLATION);
	probe_on(CPU_MASK(1), true, 1, va + 1);
	expect_fault(CPU_MASK(1), 0, AM_FSC_PERM);
	con_printf("  the load and the store fault\n");
	call_on(0, S1_UNMAP, va[1], 1, 0, 0);
	check_end("control: the same unmap and modify with local TLBIs leave CPU 1 loading and "
		  "storing through stale entries until a broadcast TLBI; the faults above are the "
		  "broadcast's");
}

/* ---------------------------------------------------------------------- */
/* Two guests racing for one frame                                         */
/* ---------------------------------------------------------------------- */

#define RACE_ROUNDS 300u /* odd rounds are held */

static struct {
	int rc[2];
	uint64_t t0[2], t1[2];
	/* held rounds: where each racer is (the round's tag: round + 1) */
	bool holding[2];	     /* this racer's call is to be held */
	unsigned int tag[2];	     /* its round */
	unsigned int at_hold[2];     /* it reached its COMPLETE barrier in round tag */
	unsigned int returned[2];    /* its call returned in round tag */
	unsigned int held, timeouts; /* racers held until the other came or returned */
	/* over the rounds, free (0) and held (1) */
	unsigned int one_winner[2], overlapped[2];
	unsigned int two_winners, no_winner, bad_loser_rc, bad_gfn;
	unsigned int loser_lookup, loser_query, loser_at, winner_at, checked;
	unsigned int both_map; /* rounds after which both stage 2s mapped the frame */
	unsigned int remove_bad;
	const char *first_what; /* the first round that went wrong */
	unsigned int first_round;
} g_race;

/*
 * A held round: the racer whose call reaches the table engine's COMPLETE
 * barrier (the end of am_pt_map(), after the P2M has decided the frame is
 * free to map) waits there until the other racer has reached its own, or
 * has returned. Both calls are then inside add_physmap at once whatever the
 * host's scheduling: the other's check of the frame comes while this one's
 * mapping is not finished.
 */
static void race_hold(unsigned int g)
{
	unsigned int tag = g_race.tag[g];
	uint64_t end = ticks() + 2 * ticks_per_s();

	g_race.holding[g] = false; /* once per call */
	__atomic_store_n(&g_race.at_hold[g], tag, __ATOMIC_RELEASE);
	while (__atomic_load_n(&g_race.at_hold[!g], __ATOMIC_ACQUIRE) != tag &&
	       __atomic_load_n(&g_race.returned[!g], __ATOMIC_ACQUIRE) != tag)
		if (ticks() > end) {
			__atomic_add_fetch(&g_race.timeouts, 1u, __ATOMIC_RELAXED);
			return;
		}
	__atomic_add_fetch(&g_race.held, 1u, __ATOMIC_RELAXED);
}

static void race_flush(void *ctx, const struct am_pt_flush *f)
{
	unsigned int g = ctx == &g_guest_env[1];

	am_aarch64_pt_flush(ctx, f);
	if (f->kind != AM_PT_FLUSH_PUBLISH && g_race.holding[g])
		race_hold(g);
}

static uint64_t race_gfn(unsigned int g, unsigned int round)
{
	return RACE_GFN + 8 * g + round % 4;
}

/* The hardware's stage-2 walk of guest @g at @gfn: AT S12E1R with its VTTBR (EL1 stage 1 off). */
static uint64_t at_s12(unsigned int g, uint64_t gfn)
{
	uint64_t hcr = am_read_sysreg(hcr_el2), par;

	am_write_sysreg(vtcr_el2, am_pt_tcr(&g_guest[g].pt));
	am_write_sysreg(vttbr_el2, am_pt_ttbr(&g_guest[g].pt));
	am_write_sysreg(hcr_el2, AM_HCR_VM | AM_HCR_RW);
	am_isb();
	__asm__ volatile("at s12e1r, %1\n\tisb\n\tmrs %0, par_el1"
			 : "=r"(par)
			 : "r"(gfn << 12)
			 : "memory");
	am_write_sysreg(hcr_el2, hcr);
	am_isb();
	return par;
}

static void race_note(unsigned int round, const char *what)
{
	if (g_race.first_what)
		return;
	g_race.first_what = what;
	g_race.first_round = round;
}

/* CPU 0, between the rounds: who won, what each stage 2 holds, then the winner removes it. */
static void race_judge(unsigned int round)
{
	int a = g_race.rc[0], b = g_race.rc[1];
	uint64_t fg = frame_gfn(&g_ft, am_mfn_val(g_race_mfn));
	unsigned int g, w, held = round & 1;

	if (g_race.t0[0] <= g_race.t1[1] && g_race.t0[1] <= g_race.t1[0])
		g_race.overlapped[held]++;
	if (a == 0 && b == 0) {
		g_race.two_winners++;
		race_note(round, "two winners");
	} else if (a != 0 && b != 0) {
		g_race.no_winner++;
		race_note(round, "no winner");
	} else {
		g_race.one_winner[held]++;
		w = a == 0 ? 0 : 1;
		if (g_race.rc[!w] != AM_EBUSY)
			g_race.bad_loser_rc++;
		if (fg != race_gfn(w, round))
			g_race.bad_gfn++;
	}
	if (a == 0 && b == 0)
		g_race.both_map += !(at_s12(0, race_gfn(0, round)) & AM_PAR_F) &&
				   !(at_s12(1, race_gfn(1, round)) & AM_PAR_F);
	for (g = 0; g < 2; g++) {
		uint64_t gfn = race_gfn(g, round);
		uint64_t mfn = 0;
		enum am_p2m_type t;
		struct am_pt_leaf l;
		uint64_t par = at_s12(g, gfn);

		g_race.checked++;
		if (g_race.rc[g] != 0) {
			/* the loser: nothing at its GFN, for the P2M and for the hardware */
			g_race.loser_lookup +=
				hyp_p2m_lookup(&g_guest[g], am_gfn(gfn), &mfn, &t) != AM_ENOENT;
			g_race.loser_query +=
				am_pt_query(&g_guest[g].pt, am_va(gfn << 12), &l) != AM_ENOENT;
			g_race.loser_at += !(par & AM_PAR_F) ||
					   AM_FSC_TYPE(am_par_fst(par)) != AM_FSC_TRANSLATION;
		} else {
			g_race.winner_at +=
				(par & AM_PAR_F) ||
				(par & AM_PAR_PA_MASK) != am_pa_val(am_mfn_to_pa(g_race_mfn));
			if (am_p2m_remove_physmap(&g_guest[g], am_gfn(gfn), g_race_mfn))
				g_race.remove_bad++;
		}
	}
	if (frame_gfn(&g_ft, am_mfn_val(g_race_mfn)) != GFN_NONE)
		g_race.remove_bad++;
}

static void job_race(unsigned int cpu)
{
	unsigned int r;

	for (r = 0; r < RACE_ROUNDS; r++) {
		g_race.tag[cpu] = r + 1;
		g_race.holding[cpu] = r & 1;
		cpus_barrier(2);
		g_race.t0[cpu] = ticks();
		g_race.rc[cpu] = am_p2m_add_physmap(&g_guest[cpu], AM_SPACE_GRANT_TABLE, 0,
						    am_gfn(race_gfn(cpu, r)));
		g_race.t1[cpu] = ticks();
		g_race.holding[cpu] = false;
		__atomic_store_n(&g_race.returned[cpu], r + 1, __ATOMIC_RELEASE);
		cpus_barrier(2);
		if (cpu == 0)
			race_judge(r);
		cpus_barrier(2);
	}
}

static void ck_race(void)
{
	unsigned int off;
	uint64_t t0, t1;

	check_begin();
	off = cpus_off(CPU_MASK(2) | CPU_MASK(3));
	con_printf("  CPUs 2 and 3 powered off (PSCI CPU_OFF; AFFINITY_INFO OFF: %s), so that "
		   "the racers have the host's cores\n",
		   off == (CPU_MASK(2) | CPU_MASK(3)) ? "both" : "NOT both");
	EXPECT(off == (CPU_MASK(2) | CPU_MASK(3)), "CPUs 2 and 3 did not power off\n");
	t0 = ticks();
	run_on(CPU_MASK(0) | CPU_MASK(1), job_race);
	t1 = ticks();
	con_printf("  guest A (VMID 2) on CPU 0 and guest B (VMID 3) on CPU 1, each P2M with "
		   "its own lock,\n    both add_physmap(grant table, 0) of the same xenheap frame "
		   "(MFN 0x%lx), %u rounds in %lu ms:\n",
		   am_mfn_val(g_race_mfn), RACE_ROUNDS,
		   (unsigned long)((t1 - t0) * 1000 / ticks_per_s()));
	con_printf("    free rounds (%u): one winner %u; the calls overlapped in time (CNTPCT) "
		   "in %u\n",
		   RACE_ROUNDS / 2, g_race.one_winner[0], g_race.overlapped[0]);
	con_printf("    held rounds (%u): one winner %u; the calls overlapped in %u; a racer "
		   "held at its COMPLETE\n    barrier until the other came or returned %u times "
		   "(%u gave up after 2 s)\n",
		   RACE_ROUNDS / 2, g_race.one_winner[1], g_race.overlapped[1], g_race.held,
		   g_race.timeouts);
	con_printf("    two winners %u, none %u\n", g_race.two_winners, g_race.no_winner);
	if (g_race.first_what)
		con_printf("    first in round %u: %s\n", g_race.first_round, g_race.first_what);
	EXPECT(g_race.one_winner[0] + g_race.one_winner[1] == RACE_ROUNDS,
	       "%u rounds without exactly one winner\n",
	       RACE_ROUNDS - g_race.one_winner[0] - g_race.one_winner[1]);
	EXPECT(g_race.bad_loser_rc == 0, "%u losers got another error than AM_EBUSY\n",
	       g_race.bad_loser_rc);
	EXPECT(g_race.bad_gfn == 0, "%u rounds the frame did not record the winner's GFN\n",
	       g_race.bad_gfn);
	EXPECT(g_race.overlapped[1] == RACE_ROUNDS / 2 && g_race.held >= RACE_ROUNDS / 2 &&
		       !g_race.timeouts,
	       "a held round did not keep both calls inside at once\n");
	check_end("two guests race to add_physmap one xenheap frame, 300 rounds (half of them "
		  "held inside the call until the other came): exactly one wins each round, the "
		  "other gets AM_EBUSY; the frame records the winner's GFN");
}

static void ck_race_loser(void)
{
	check_begin();
	con_printf(
		"  after each round (%u stage 2s checked): both stage 2s map the frame (AT "
		"S12E1R) after %u rounds;\n    the loser's GFN: hyp_p2m_lookup() not AM_ENOENT %u "
		"times, am_pt_query() not AM_ENOENT %u times,\n    AT S12E1R not a translation "
		"fault %u times; the winner's GFN not translating to the frame %u times;\n    "
		"removal failed %u times\n",
		g_race.checked, g_race.both_map, g_race.loser_lookup, g_race.loser_query,
		g_race.loser_at, g_race.winner_at, g_race.remove_bad);
	EXPECT(g_race.checked == 2 * RACE_ROUNDS, "not every round was checked\n");
	EXPECT(!g_race.both_map, "two guests map the frame at once\n");
	EXPECT(!g_race.loser_lookup && !g_race.loser_query && !g_race.loser_at,
	       "a loser's stage 2 maps something at its GFN\n");
	EXPECT(!g_race.winner_at, "a winner's stage 2 does not map the frame\n");
	EXPECT(!g_race.remove_bad, "a winner's removal failed or left the frame's GFN\n");
	check_end("after each round only the winner's stage 2 maps the frame; the loser's has "
		  "nothing at its GFN (P2M lookup, table query and the hardware's stage-2 walk "
		  "agree)");
}

/* ---------------------------------------------------------------------- */
/* Afterwards                                                              */
/* ---------------------------------------------------------------------- */

static void expect_env(const char *name, const struct tenv *e, bool locked)
{
	con_printf("  %-12s lock taken %lu, released %lu, two holders %lu, held now %s; pool "
		   "%u pages out, %lu bad frees; %lu log records, %lu internal\n",
		   name, e->takes, e->releases, e->overlaps,
		   am_aarch64_spin_is_locked(&e->lock) ? "yes" : "no", e->pc.in_use,
		   e->pc.bad_frees, e->logs, e->internal);
	EXPECT(e->takes == e->releases && !e->overlaps && !am_aarch64_spin_is_locked(&e->lock),
	       "%s: the lock is not balanced\n", name);
	EXPECT(!locked || e->takes > 0, "%s: the lock was never taken\n", name);
	EXPECT(e->pc.bad_frees == 0 && e->internal == 0, "%s: bad frees or internal errors\n",
	       name);
}

static void ck_final(void)
{
	unsigned int off, i, mapped = 0;
	int rc = 0;

	check_begin();
	off = cpus_off(CPU_MASK(1));
	EXPECT(off == CPU_MASK(1), "CPU 1 did not power off\n");
	rc |= am_pt_unmap(&g_pt, am_va(VA_SEE), WIN_1G);
	rc |= am_pt_unmap(&g_pt, am_va(VA_DISJ), WIN_1G);
	rc |= am_pt_unmap(&g_pt, am_va(VA_OVER), WIN_1G);
	rc |= am_pt_unmap(&g_pt, am_va(VA_BC), WIN_1G);
	con_printf("  CPU 1 powered off too; the windows unmapped: %s; table pages %lu (at "
		   "boot %lu), pool %u out\n",
		   errname(rc), (unsigned long)am_pt_tables(&g_pt), (unsigned long)g_boot_tables,
		   g_pt_env.pc.in_use);
	EXPECT(rc == 0 && am_pt_tables(&g_pt) == g_boot_tables &&
		       g_pt_env.pc.in_use == am_pt_tables(&g_pt),
	       "the shared table did not shrink back to its boot tables\n");
	am_p2m_destroy(&g_p2m);
	am_p2m_destroy(&g_p2m_ref);
	am_p2m_destroy(&g_guest[0]);
	am_p2m_destroy(&g_guest[1]);
	mapped += frame_gfn(&g_ft, am_mfn_val(mfn_of(g_shinfo))) != GFN_NONE;
	mapped += frame_gfn(&g_ft, am_mfn_val(g_race_mfn)) != GFN_NONE;
	for (i = 0; i < NGNT; i++)
		mapped += frame_gfn(&g_ft, am_mfn_val(g_gnt_mfn[i])) != GFN_NONE;
	con_printf("  the P2Ms destroyed: xenheap frames still with a GFN: %u\n", mapped);
	EXPECT(mapped == 0, "a xenheap frame kept its GFN\n");
	expect_env("stage 1", &g_pt_env, true);
	expect_env("P2M", &g_p2m_env, true);
	expect_env("guest A", &g_guest_env[0], true);
	expect_env("guest B", &g_guest_env[1], true);
	expect_env("P2M ref", &g_p2m_ref_env, false);
	expect_env("stage 1 ref", &g_ref_env, false);
	for (i = 0; i < 2; i++)
		EXPECT(g_guest_env[i].pc.in_use == 0,
		       "a guest's pool did not get its pages back\n");
	EXPECT(g_p2m_env.pc.in_use == 0 && g_p2m_ref_env.pc.in_use == 0 && g_ref_env.pc.in_use == 0,
	       "a P2M or reference pool did not get its pages back\n");
	con_printf("  broadcast TLBIs issued by the shared table: %lu; local ones (control): "
		   "%lu\n",
		   g_pt_env.pc.tlbis, g_local_tlbis);
	check_end("afterwards: every table page back, every lock taken as often as released and "
		  "never by two; CPUs 1-3 powered off");
}

static void banner(void)
{
	con_printf(
		"armmap qemu-smp: four emulated Cortex-A57 (QEMU virt, virtualization=on, "
		"-smp 4)\nshare one EL2 stage-1 table and guest stage-2 tables built with armmap, "
		"under\nthe library's lock (the aarch64 ticket spinlock), and change them at "
		"once.\n\n");
}

int main(void)
{
	if (!hyp_start(NULL))
		return 1;
	banner();
	ck_boot();
	if (check_boot_ok(g_ready)) {
		ck_shared();
		ck_spinlock();
		ck_disjoint();
		ck_overlap();
		ck_p2m();
		ck_bc_page();
		ck_bc_block();
		ck_bc_ro();
		ck_control();
		ck_race();
		ck_race_loser();
		ck_final();
	}
	return check_done();
}
