/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AArch64 EL2: owns the decoding of a trapped device access from its
 * syndrome, the access on the guest's behalf with the width and extension
 * the syndrome names, and the injection of a data abort into an EL1 guest.
 */
#include "tests/qemu/aarch64/mmio_trap.h"
#include <armmap/arch/aarch64/sysreg.h>
#include "tests/qemu/aarch64/vm.h"

#define VECTOR_CUR_SP0 0x000u /* VBAR offsets of the synchronous entries */
#define VECTOR_CUR_SPX 0x200u
#define VECTOR_LOW_A64 0x400u
#define SPSR_NZCV (AM_U64(0xf) << 28)

bool am_aarch64_mmio_decode(uint64_t esr, uint64_t ipa, struct am_aarch64_mmio_access *a)
{
	unsigned int iss = (unsigned int)(esr & AM_ESR_ISS_MASK);

	if (!a || am_esr_ec(esr) != AM_EC_DABT_LOW || !(iss & AM_ISS_ISV))
		return false;
	a->ipa = ipa;
	a->size = (uint8_t)(1u << ((iss >> AM_ISS_SAS_SHIFT) & AM_ISS_SAS_MASK));
	a->reg = (uint8_t)((iss >> AM_ISS_SRT_SHIFT) & AM_ISS_SRT_MASK);
	a->write = (iss & AM_ISS_WNR) != 0;
	a->sign_extend = (iss & AM_ISS_SSE) != 0;
	a->reg64 = (iss & AM_ISS_SF) != 0;
	a->acq_rel = (iss & AM_ISS_AR) != 0;
	return true;
}

static uint64_t bus_read(uint64_t va, unsigned int size)
{
	uint32_t w;
	uint64_t x;

	switch (size) {
	case 1:
		__asm__ volatile("ldrb %w0, [%1]" : "=r"(w) : "r"(va) : "memory");
		return w;
	case 2:
		__asm__ volatile("ldrh %w0, [%1]" : "=r"(w) : "r"(va) : "memory");
		return w;
	case 4:
		__asm__ volatile("ldr %w0, [%1]" : "=r"(w) : "r"(va) : "memory");
		return w;
	default:
		__asm__ volatile("ldr %0, [%1]" : "=r"(x) : "r"(va) : "memory");
		return x;
	}
}

static void bus_write(uint64_t va, unsigned int size, uint64_t v)
{
	switch (size) {
	case 1:
		__asm__ volatile("strb %w0, [%1]" : : "r"((uint32_t)v), "r"(va) : "memory");
		break;
	case 2:
		__asm__ volatile("strh %w0, [%1]" : : "r"((uint32_t)v), "r"(va) : "memory");
		break;
	case 4:
		__asm__ volatile("str %w0, [%1]" : : "r"((uint32_t)v), "r"(va) : "memory");
		break;
	default:
		__asm__ volatile("str %0, [%1]" : : "r"(v), "r"(va) : "memory");
		break;
	}
}

uint64_t am_aarch64_mmio_emulate(struct am_aarch64_frame *f, const struct am_aarch64_mmio_access *a,
				 uint64_t va)
{
	unsigned int bits = 8u * a->size;
	uint64_t mask = bits == 64 ? ~AM_U64(0) : (AM_U64(1) << bits) - 1;
	uint64_t v;

	if (a->acq_rel)
		am_dsb_sy(); /* the guest's earlier accesses before a release */
	if (a->write) {
		v = (a->reg == 31 ? 0 : f->x[a->reg]) & mask;
		bus_write(va, a->size, v);
	} else {
		v = bus_read(va, a->size) & mask;
		if (a->reg != 31) {
			uint64_t r = v;

			if (a->sign_extend && bits < 64 && (v >> (bits - 1)) & 1u)
				r |= ~mask;
			if (!a->reg64)
				r &= 0xffffffffu;
			f->x[a->reg] = r;
		}
	}
	if (a->acq_rel)
		am_dsb_sy(); /* and the guest's later ones after an acquire */
	f->elr += 4;	     /* an A64 instruction */
	return v;
}

void am_aarch64_vm_inject_dabt(struct am_aarch64_frame *f, uint64_t far, bool write,
			       unsigned int dfsc)
{
	uint64_t m = f->spsr & AM_SPSR_M_MASK;
	uint64_t ec = m == AM_SPSR_M_EL0T ? AM_EC_DABT_LOW : AM_EC_DABT_CUR;
	uint64_t esr = ec << AM_ESR_EC_SHIFT | AM_ESR_IL | (dfsc & AM_ISS_FSC_MASK);
	uint64_t off = m == AM_SPSR_M_EL1H   ? VECTOR_CUR_SPX
		       : m == AM_SPSR_M_EL1T ? VECTOR_CUR_SP0
					     : VECTOR_LOW_A64;

	if (write)
		esr |= AM_ISS_WNR;
	am_write_sysreg(esr_el1, esr);
	am_write_sysreg(far_el1, far);
	am_write_sysreg(elr_el1, f->elr);
	am_write_sysreg(spsr_el1, f->spsr);
	f->elr = am_read_sysreg(vbar_el1) + off;
	f->spsr = (f->spsr & SPSR_NZCV) | AM_SPSR_DAIF | AM_SPSR_M_EL1H;
}
