/* SPDX-License-Identifier: BSD-3-Clause */
/* The MMIO-guard oracle (mmio_oracle.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <armmap/pt.h>

#include "model/tlb.h"
#include "tests/oracle/mmio_oracle.h"
#include "tests/oracle/oracle.h"

#define K4 0x1000ull

/* ---------------------------------------------------------- transport -- */

int64_t oracle_mmio_xcall(void *ctx, uint32_t fid, uint64_t arg)
{
	struct oracle_mmio_xport *x = ctx;
	int64_t r;

	if (x->tlb && fid == MMIOH_FID_UNMAP)
		for (uint64_t a = arg; a < arg + x->granule; a += K4)
			x->unmap_stale += tlbm_lookup(x->tlb, a) != NULL;
	r = x->m ? mmioh_call(x->m, fid, arg) : am_mmio_hyp_call(x->h, fid, arg);

	if (x->n < ORACLE_MMIO_XLOG)
		x->rec[x->n] = (struct mmioh_call_rec){fid, arg, r};
	x->n++;
	return r;
}

unsigned long oracle_mmio_xcalls_of(const struct oracle_mmio_xport *x, uint32_t fid,
				    unsigned long from)
{
	unsigned long n = 0;

	for (unsigned long i = from; i < x->n && i < ORACLE_MMIO_XLOG; i++)
		n += x->rec[i].fid == fid;
	return n;
}

bool oracle_mmio_is_ram(void *ctx, uint64_t ipa, uint64_t size)
{
	struct oracle_mmio_ram *r = ctx;

	r->calls++;
	if (size != r->granule)
		r->bad_size++;
	for (unsigned int i = 0; i < r->n; i++)
		if (ipa < r->base[i] + r->size[i] && r->base[i] < ipa + size)
			return true;
	return false;
}

/* -------------------------------------------------------- the tracker -- */

void oracle_mmio_attach(struct oracle_mmio *o, struct am_host_pt *h, struct am_pt *pt,
			unsigned int ia_bits, struct am_mmio_tracker *t,
			struct oracle_mmio_xport *x, uint64_t granule)
{
	o->h = h;
	o->pt = pt;
	o->t = t;
	o->x = x;
	o->granule = granule;
	o->ndev = 0;
	o->base_unlocked_logs = h->unlocked_logs;
	o->vc = (struct vmsa_cfg){.regime = VMSA_S1_EL2,
				  .ia_bits = ia_bits,
				  .oa_bits = 48,
				  .root_pa = am_pa_val(pt->root_pa),
				  .mair = am_pt_mair(pt),
				  .granule = (unsigned int)am_pt_granule(pt)}; /* the pool's */
	am_host_pt_tlb(h, AM_PT_S1_EL2, ia_bits, 48, am_pa_val(pt->root_pa), o->vc.mair, 0);
	h->tlb.cfg.granule = o->vc.granule;
}

bool oracle_mmio_add_dev(struct oracle_mmio *o, uint64_t base, uint64_t size)
{
	if (o->ndev >= ORACLE_MMIO_DEV)
		return false;
	o->dev_base[o->ndev] = base;
	o->dev_size[o->ndev] = size;
	o->ndev++;
	tlbm_watch(&o->h->tlb, base, size, K4);
	return true;
}

bool oracle_mmio_hyp_guarded(const struct oracle_mmio *o, uint64_t ipa)
{
	if (o->x->m)
		return mmioh_guarded(o->x->m, ipa);
	return am_mmio_hyp_allowed(o->x->h, ipa & ~(o->granule - 1), 1);
}

unsigned int oracle_mmio_hyp_nr(const struct oracle_mmio *o)
{
	return o->x->m ? o->x->m->nr : am_mmio_hyp_guarded(o->x->h);
}

bool oracle_mmio_hyp_allowed(const struct oracle_mmio *o, uint64_t ipa, uint64_t size)
{
	return o->x->m ? mmioh_allowed(o->x->m, ipa, size)
		       : am_mmio_hyp_allowed(o->x->h, ipa, size);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static unsigned int hyp_set(const struct oracle_mmio *o, uint64_t *out, unsigned int cap)
{
	const uint64_t *src = o->x->m ? o->x->m->guarded : o->x->h->c.slots;
	unsigned int n = oracle_mmio_hyp_nr(o);

	if (n > cap)
		n = cap;
	if (n) {
		memcpy(out, src, n * sizeof(*out));
		qsort(out, n, sizeof(*out), cmp_u64);
	}
	return n;
}

bool oracle_mmio_page(const struct oracle_mmio *o, uint64_t va, struct oracle_mmio_page *p,
		      char *why, size_t n)
{
	struct am_pt_leaf l;

	*p = (struct oracle_mmio_page){0};
	p->rc = am_pt_query(o->pt, am_va(va), &l);
	if (p->rc)
		return true;
	p->valid = l.valid;
	p->sw = l.sw;
	p->level = l.level;
	if (l.attr.mtype != AM_MT_DEVICE_nGnRE || am_pa_val(l.pa) != (va & ~(l.size - 1)))
		return oracle_say(
			why, n, "device page %#llx: memory type %d, pa %#llx (leaf va %#llx)",
			(unsigned long long)va, (int)l.attr.mtype,
			(unsigned long long)am_pa_val(l.pa), (unsigned long long)am_va_val(l.va));
	return true;
}

static bool dev_page(const struct oracle_mmio *o, uint64_t va)
{
	for (unsigned int i = 0; i < o->ndev; i++)
		if (va >= o->dev_base[i] && va - o->dev_base[i] < o->dev_size[i])
			return true;
	return false;
}

/* Insert @g into the sorted set @s of @n (room for @cap); false when full. */
static bool set_add(uint64_t *s, unsigned int *n, unsigned int cap, uint64_t g)
{
	unsigned int i = 0;

	while (i < *n && s[i] < g)
		i++;
	if (i < *n && s[i] == g)
		return true;
	if (*n >= cap)
		return false;
	memmove(&s[i + 1], &s[i], (*n - i) * sizeof(*s));
	s[i] = g;
	(*n)++;
	return true;
}

#define SET_MAX MMIOH_MAX_SLOTS

/* One device page: valid => guarded, parked => lazy; the guarded granules it shows. */
static bool check_page(struct oracle_mmio *o, uint64_t va, uint64_t *bel, unsigned int *nbel,
		       char *why, size_t n)
{
	struct oracle_mmio_page p;
	struct vmsa_result r;

	if (!oracle_mmio_page(o, va, &p, why, n))
		return false;
	if (p.rc)
		return oracle_say(why, n, "device page %#llx: not mapped (%d)",
				  (unsigned long long)va, p.rc);
	if (p.valid) {
		if (!(p.sw & AM_MMIO_SW_GUARDED) || !oracle_mmio_hyp_guarded(o, va))
			return oracle_say(
				why, n, "page %#llx: valid, sw %#x, hypervisor guards: %d",
				(unsigned long long)va, p.sw, oracle_mmio_hyp_guarded(o, va));
		vmsa_access(&o->vc, am_host_pt_read, o->h, va + 8, VMSA_ACC_R | VMSA_ACC_W, &r);
		if (r.fault != VMSA_OK || r.pa != va + 8 || r.mem != 0x04)
			return oracle_say(why, n, "page %#llx: %s, mem %#x", (unsigned long long)va,
					  vmsa_fault_name(r.fault), r.mem);
		vmsa_access(&o->vc, am_host_pt_read, o->h, va, VMSA_ACC_X, &r);
		if (r.fault != VMSA_F_PERMISSION)
			return oracle_say(why, n, "page %#llx: an instruction fetch gives %s",
					  (unsigned long long)va, vmsa_fault_name(r.fault));
		if (!set_add(bel, nbel, SET_MAX, va & ~(o->granule - 1)))
			return oracle_say(why, n, "oracle: more than %u granules guarded", SET_MAX);
		return true;
	}
	if (!(p.sw & AM_MMIO_SW_LAZY))
		return oracle_say(why, n, "page %#llx: parked, sw %#x", (unsigned long long)va,
				  p.sw);
	if ((p.sw & AM_MMIO_SW_GUARDED) && !oracle_mmio_hyp_guarded(o, va))
		return oracle_say(why, n, "page %#llx: says guarded, is not",
				  (unsigned long long)va);
	vmsa_access(&o->vc, am_host_pt_read, o->h, va, VMSA_ACC_R, &r);
	if (r.fault != VMSA_F_TRANSLATION)
		return oracle_say(why, n, "page %#llx: parked, the walker says %s",
				  (unsigned long long)va, vmsa_fault_name(r.fault));
	return true;
}

/* The tracker's device list is the test's. */
static bool check_list(const struct oracle_mmio *o, char *why, size_t n)
{
	const struct am_mmio_tracker *t = o->t;

	if (t->nr_mmio != o->ndev)
		return oracle_say(why, n, "the tracker lists %u devices, %u were added", t->nr_mmio,
				  o->ndev);
	for (unsigned int i = 0; i < o->ndev; i++)
		if (t->c.mmio[i].base != o->dev_base[i] ||
		    t->c.mmio[i].limit != o->dev_base[i] + o->dev_size[i] ||
		    t->c.mmio[i].kind != AM_MEM_MMIO)
			return oracle_say(
				why, n,
				"the tracker's device %u is [%#llx, %#llx) kind %u, added [%#llx, "
				"+%#llx)",
				i, (unsigned long long)t->c.mmio[i].base,
				(unsigned long long)t->c.mmio[i].limit, t->c.mmio[i].kind,
				(unsigned long long)o->dev_base[i],
				(unsigned long long)o->dev_size[i]);
	return true;
}

/* The guarded sets: the hypervisor's, and what the tracker believes. */
static bool check_sets(struct oracle_mmio *o, uint64_t *bel, unsigned int nbel, char *why, size_t n)
{
	static uint64_t hs[SET_MAX];
	const struct am_mmio_tracker *t = o->t;
	unsigned int nh = hyp_set(o, hs, SET_MAX);

	for (unsigned int i = 0; i < nh; i++) {
		bool touches = false;

		for (uint64_t va = hs[i]; va < hs[i] + o->granule && !touches; va += K4)
			touches = dev_page(o, va);
		if (!touches)
			return oracle_say(why, n, "granule %#llx guarded, no device there",
					  (unsigned long long)hs[i]);
	}
	for (unsigned int i = 0; i < t->nr_pending; i++)
		if (!set_add(bel, &nbel, SET_MAX, t->pending[i]))
			return oracle_say(why, n, "oracle: more than %u granules guarded", SET_MAX);
	for (unsigned int i = 0; i < nh || i < nbel; i++)
		if (i >= nh || i >= nbel || hs[i] != bel[i])
			return oracle_say(
				why, n,
				"the hypervisor guards %u granules (%s%#llx), the tracker believes "
				"%u (%s%#llx)",
				nh, i < nh ? "" : "none past ",
				(unsigned long long)(i < nh ? hs[i] : 0), nbel,
				i < nbel ? "" : "none past ",
				(unsigned long long)(i < nbel ? bel[i] : 0));
	if (t->guarded != nh)
		return oracle_say(
			why, n, "the tracker counts %lu granules guarded, the hypervisor guards %u",
			t->guarded, nh);
	return true;
}

bool oracle_mmio_check(struct oracle_mmio *o, char *why, size_t n)
{
	static uint64_t bel[SET_MAX];
	unsigned int nbel = 0;

	if (!oracle_pt_check(o->h, o->pt, why, n))
		return false;
	if (o->t->ready && o->h->unlocked_logs != o->base_unlocked_logs)
		return oracle_say(why, n, "%lu records logged outside the table's lock",
				  o->h->unlocked_logs - o->base_unlocked_logs);
	for (unsigned int i = 0; i < o->ndev; i++)
		for (uint64_t va = o->dev_base[i]; va - o->dev_base[i] < o->dev_size[i]; va += K4)
			if (!check_page(o, va, bel, &nbel, why, n))
				return false;
	return check_list(o, why, n) && check_sets(o, bel, nbel, why, n);
}

/* ---------------------------------------------------------- snapshots -- */

static unsigned int list_n(unsigned int cap)
{
	return cap < ORACLE_MMIO_LIST ? cap : ORACLE_MMIO_LIST;
}

void oracle_mmio_snap(struct oracle_mmio_snap *s, struct oracle_mmio *o)
{
	const struct am_mmio_tracker *t = o->t;

	oracle_pt_snap(&s->t, o->h, o->pt);
	s->calls = o->x->n;
	s->nr_ram = t->nr_ram;
	s->nr_mmio = t->nr_mmio;
	s->hyp_nr = oracle_mmio_hyp_nr(o);
	s->guarded = t->guarded;
	memcpy(s->ram, t->c.ram, list_n(t->c.ram_cap) * sizeof(s->ram[0]));
	memcpy(s->mmio, t->c.mmio, list_n(t->c.mmio_cap) * sizeof(s->mmio[0]));
}

bool oracle_mmio_unchanged(const struct oracle_mmio_snap *s, struct oracle_mmio *o, bool no_call,
			   char *why, size_t n)
{
	const struct am_mmio_tracker *t = o->t;

	if (!oracle_pt_unchanged(&s->t, o->h, o->pt, why, n))
		return false;
	if (t->nr_ram != s->nr_ram || t->nr_mmio != s->nr_mmio ||
	    memcmp(t->c.ram, s->ram, list_n(t->c.ram_cap) * sizeof(s->ram[0])) ||
	    memcmp(t->c.mmio, s->mmio, list_n(t->c.mmio_cap) * sizeof(s->mmio[0])))
		return oracle_say(why, n,
				  "the tracker's lists changed: %u RAM, %u MMIO, were %u, %u",
				  t->nr_ram, t->nr_mmio, s->nr_ram, s->nr_mmio);
	if (!no_call)
		return true;
	if (o->x->n != s->calls)
		return oracle_say(why, n, "%lu hypercalls made", o->x->n - s->calls);
	if (oracle_mmio_hyp_nr(o) != s->hyp_nr || t->guarded != s->guarded)
		return oracle_say(why, n,
				  "guarded: the hypervisor %u, was %u; the tracker %lu, was %lu",
				  oracle_mmio_hyp_nr(o), s->hyp_nr, t->guarded, s->guarded);
	return true;
}

/* ------------------------------------------------ the hypervisor side -- */

bool oracle_mmio_hyp_diff(const struct am_mmio_hyp *h, const struct mmioh *m, uint64_t lo,
			  uint64_t hi, char *why, size_t n)
{
	static uint64_t hs[MMIOH_MAX_SLOTS];
	unsigned int nr = am_mmio_hyp_guarded(h);
	uint64_t g = m->granule;

	if (nr != m->nr)
		return oracle_say(why, n, "guarded: %u granules, the model %u", nr, m->nr);
	if (nr > MMIOH_MAX_SLOTS)
		return oracle_say(why, n, "guarded: %u granules, more than the model can hold", nr);
	if (nr) {
		memcpy(hs, h->c.slots, nr * sizeof(hs[0]));
		qsort(hs, nr, sizeof(hs[0]), cmp_u64);
	}
	for (unsigned int i = 0; i < nr; i++)
		if (hs[i] != m->guarded[i])
			return oracle_say(why, n, "guarded granule %u: %#llx, the model %#llx", i,
					  (unsigned long long)hs[i],
					  (unsigned long long)m->guarded[i]);
	if (h->enrolled != m->enrolled)
		return oracle_say(why, n, "enrolled: %d, the model %d", h->enrolled, m->enrolled);
	for (uint64_t a = lo; a - lo < hi - lo; a += g / 2) {
		uint64_t b = a + g / 2 - 2;

		if (am_mmio_hyp_allowed(h, a, 4) != mmioh_allowed(m, a, 4))
			return oracle_say(why, n, "allowed(%#llx, 4): %d, the model %d",
					  (unsigned long long)a, am_mmio_hyp_allowed(h, a, 4),
					  mmioh_allowed(m, a, 4));
		if (am_mmio_hyp_allowed(h, b, 4) != mmioh_allowed(m, b, 4))
			return oracle_say(why, n, "allowed(%#llx, 4): %d, the model %d",
					  (unsigned long long)b, am_mmio_hyp_allowed(h, b, 4),
					  mmioh_allowed(m, b, 4));
	}
	return true;
}
