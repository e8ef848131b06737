/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-r52 guest: an EL1 (SVC mode) program under HCR.VM = 1, with its own
 * copy of armmap (core, MPU map, the arch/armv8r backend) linked apart.
 * It drives its checks (abi.h): each begins and ends with an HVC, and the
 * hypervisor checks its own side (the stage-2 faults it took) before it
 * prints the result. First it touches memory the EL2 MPU does not give it;
 * then it programs its own EL1 MPU with armmap and takes its own faults at
 * EL1.
 */
#include <armmap/errors.h>
#include <armmap/mpu.h>

#include "arch/armv8r/cp15.h"
#include <armmap/arch/armv8r/mpu.h>
#include "tests/qemu/r52/abi.h"
#include "tests/qemu/r52/image.h"

uint32_t guest_main(void);
void guest_dabt(uint32_t insn);
uint32_t guest_ld(uint32_t addr);
void guest_st(uint32_t addr, uint32_t val);
extern const char guest_ld_insn[], guest_st_insn[];

static uint32_t hvc(uint32_t fn, uint32_t a, uint32_t b, uint32_t c)
{
	register uint32_t r0 __asm__("r0") = fn;
	register uint32_t r1 __asm__("r1") = a;
	register uint32_t r2 __asm__("r2") = b;
	register uint32_t r3 __asm__("r3") = c;

	__asm__ volatile("hvc #0" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) : : "memory");
	return r0;
}

static void begin(uint32_t ck)
{
	(void)hvc(R52_HC_BEGIN, ck, 0, 0);
}

static void end(uint32_t ck, bool ok, uint32_t value)
{
	(void)hvc(R52_HC_END, ck, ok ? 1u : 0u, value);
}

static void note(uint32_t what, uint32_t a, uint32_t b)
{
	(void)hvc(R52_HC_NOTE, what, a, b);
}

/* ---- its own faults, at EL1 ---- */

static volatile uint32_t g_faults, g_dfsr, g_dfar;

void guest_dabt(uint32_t insn)
{
	uint32_t dfsr, dfar;

	dfsr = AM_CP15_READ(0, c5, c0, 0); /* DFSR */
	dfar = AM_CP15_READ(0, c6, c0, 0); /* DFAR */
	g_dfsr = dfsr;
	g_dfar = dfar;
	if (insn != (uintptr_t)guest_ld_insn && insn != (uintptr_t)guest_st_insn)
		(void)hvc(R52_HC_EXIT, 0xdab0u, dfsr, dfar); /* not a probe: stop */
	g_faults++;
}

/* A load or store that may fault at EL1: false when it did. */
static bool try_ld(uint32_t addr, uint32_t *v)
{
	uint32_t before = g_faults, x = guest_ld(addr);

	if (v)
		*v = x;
	return g_faults == before;
}

static bool try_st(uint32_t addr, uint32_t v)
{
	uint32_t before = g_faults;

	guest_st(addr, v);
	return g_faults == before;
}

/* ---- its own MPU ---- */

extern char __guest_text_start[], __guest_text_end[], __guest_data_start[], __guest_end[];

static struct am_mpu_map g_map;
static struct am_mpu_region g_regions[AM_MPU_MAX_REGIONS];
static struct am_armv8r_ctx g_ctx = {.mpu = AM_ARMV8R_MPU_EL1};

static bool regs_match(void)
{
	unsigned int i, n = am_armv8r_regions(AM_ARMV8R_MPU_EL1);
	uint64_t mb, ml, hb, hl;

	for (i = 0; i < n; i++) {
		mb = ml = hb = hl = 0;
		if (am_mpu_region_regs(&g_map, i, &mb, &ml) ||
		    am_armv8r_mpu_read(AM_ARMV8R_MPU_EL1, i, &hb, &hl) || mb != hb || ml != hl)
			return false;
	}
	return true;
}

uint32_t guest_main(void)
{
	const struct am_attr rw = AM_ATTR_RW_DATA, ro = AM_ATTR_RO_DATA, rx = AM_ATTR_RX_TEXT;
	struct am_mpu_config cfg = {.flavour = AM_MPU_V8R_AARCH32,
				    .storage = g_regions,
				    .storage_len = AM_MPU_MAX_REGIONS,
				    .flags = AM_MPU_F_SPLIT};
	struct am_mpu_boot_region boot[3];
	uint32_t v = 0, ro_page = GUEST_RAM2 + 0x8000u;
	int rc;
	bool ok;

	begin(R52_CK_ENTRY);
	end(R52_CK_ENTRY, true, 0);

	begin(R52_CK_DEMAND);
	v = guest_ld(GUEST_RAM2);
	note(R52_NOTE_VALUE, GUEST_RAM2, v);
	ok = v == R52_SEED && try_st(GUEST_RAM2 + 4, 0x52525252u) && try_ld(GUEST_RAM2 + 4, &v) &&
	     v == 0x52525252u;
	end(R52_CK_DEMAND, ok, guest_ld(GUEST_RAM2));

	begin(R52_CK_DENY);
	v = guest_ld(0x20000000u); /* the hypervisor's code */
	note(R52_NOTE_VALUE, 0x20000000u, v);
	end(R52_CK_DENY, v == R52_DENIED, v);

	begin(R52_CK_EL1MPU);
	boot[0] = (struct am_mpu_boot_region){(uintptr_t)__guest_text_start,
					      (uintptr_t)__guest_text_end, rx};
	boot[1] = (struct am_mpu_boot_region){(uintptr_t)__guest_data_start, (uintptr_t)__guest_end,
					      rw};
	boot[2] = (struct am_mpu_boot_region){GUEST_RAM2, GUEST_RAM2_END, rw};
	rc = am_mpu_init(&g_map, &cfg, &am_armv8r_mpu_ops, &g_ctx);
	note(R52_NOTE_RC, R52_CALL_INIT, (uint32_t)rc);
	ok = rc == 0;
	rc = am_mpu_boot(&g_map, boot, 3);
	note(R52_NOTE_RC, R52_CALL_BOOT, (uint32_t)rc);
	ok = ok && rc == 0;
	if (ok)
		am_armv8r_mpu_enable(AM_ARMV8R_MPU_EL1, false);
	note(R52_NOTE_EL1_REGIONS, am_armv8r_regions(AM_ARMV8R_MPU_EL1), am_mpu_used(&g_map));
	ok = ok && (am_armv8r_sctlr(AM_ARMV8R_MPU_EL1) & AM_ARMV8R_SCTLR_M) && regs_match() &&
	     try_ld(GUEST_RAM2, &v) && v == R52_SEED && try_st(GUEST_RAM2 + 8, 1);
	end(R52_CK_EL1MPU, ok, (uint32_t)am_armv8r_sctlr(AM_ARMV8R_MPU_EL1));

	begin(R52_CK_EL1RO);
	rc = am_mpu_unmap(&g_map, ro_page, ro_page + 0x1000u); /* a hole in the window */
	note(R52_NOTE_RC, R52_CALL_UNMAP, (uint32_t)rc);
	ok = rc >= 0;
	rc = am_mpu_map(&g_map, ro_page, ro_page + 0x1000u, &ro);
	note(R52_NOTE_RC, R52_CALL_MAP, (uint32_t)rc);
	ok = ok && rc >= 0 && try_ld(ro_page, NULL) && !try_st(ro_page, 2);
	note(R52_NOTE_EL1_FAULT, g_dfsr, g_dfar);
	ok = ok && g_dfar == ro_page && (g_dfsr & 0x3cu) == 0x0cu && (g_dfsr & 0x800u) &&
	     regs_match();
	end(R52_CK_EL1RO, ok, g_dfsr);

	begin(R52_CK_EL1UNMAP);
	rc = am_mpu_unmap(&g_map, ro_page, ro_page + 0x1000u);
	note(R52_NOTE_RC, R52_CALL_UNMAP, (uint32_t)rc);
	ok = rc >= 0 && !try_ld(ro_page, NULL);
	note(R52_NOTE_EL1_FAULT, g_dfsr, g_dfar);
	ok = ok && g_dfar == ro_page && try_ld(ro_page - 4, NULL) &&
	     try_ld(ro_page + 0x1000u, NULL) && regs_match();
	end(R52_CK_EL1UNMAP, ok, g_dfsr);

	begin(R52_CK_EL1OFF);
	am_armv8r_mpu_disable(AM_ARMV8R_MPU_EL1);
	ok = !(am_armv8r_sctlr(AM_ARMV8R_MPU_EL1) & AM_ARMV8R_SCTLR_M) && try_ld(ro_page, &v) &&
	     try_st(ro_page, 3) && try_ld(ro_page, &v) && v == 3;
	end(R52_CK_EL1OFF, ok, (uint32_t)am_armv8r_sctlr(AM_ARMV8R_MPU_EL1));
	return 0;
}
