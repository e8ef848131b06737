/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The address types of the translation side: a physical (output) address,
 * an input address (a VA, or an IPA at stage 2), a guest frame number and
 * a machine frame number. Each is a struct of one member, so that one
 * cannot be passed where another is wanted and none can be shifted or
 * added to by mistake: a mix-up does not compile. They pass in registers
 * like the integers they hold.
 *
 * Make one from an integer with am_pa() / am_va() / am_gfn() / am_mfn(),
 * read it back with am_*_val(). The only conversions between kinds are
 * the four frame ones below (4 KiB frames):
 *   am_gfn_to_ipa(), am_ipa_to_gfn()   guest frame <-> input address
 *   am_mfn_to_pa(),  am_pa_to_mfn()    machine frame <-> physical address
 *
 * Written as functions, without compound literals, so that C++ takes them
 * too. The MPU side keeps plain integers (am_mpu_addr_t, armmap/mpu.h).
 */
#ifndef ARMMAP_ADDR_H
#define ARMMAP_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A physical address: what a translation outputs, where a table lives. */
typedef struct {
	uint64_t pa;
} am_paddr_t;

/* An input address of a table: a VA (stage 1) or an IPA (stage 2). */
typedef struct {
	uint64_t ia;
} am_vaddr_t;

/* A guest frame number: IPA >> 12. */
typedef struct {
	uint64_t gfn;
} am_gfn_t;

/* A machine frame number: PA >> 12. */
typedef struct {
	uint64_t mfn;
} am_mfn_t;

#define AM_FRAME_SHIFT 12u /* the frames of am_gfn_t and am_mfn_t: 4 KiB */

/* ------------------------------------------------ physical addresses -- */

static inline am_paddr_t am_pa(uint64_t v)
{
	am_paddr_t r;

	r.pa = v;
	return r;
}

static inline uint64_t am_pa_val(am_paddr_t a)
{
	return a.pa;
}

static inline am_paddr_t am_pa_add(am_paddr_t a, uint64_t n)
{
	return am_pa(a.pa + n);
}

/* --------------------------------------------------- input addresses -- */

static inline am_vaddr_t am_va(uint64_t v)
{
	am_vaddr_t r;

	r.ia = v;
	return r;
}

static inline uint64_t am_va_val(am_vaddr_t a)
{
	return a.ia;
}

static inline am_vaddr_t am_va_add(am_vaddr_t a, uint64_t n)
{
	return am_va(a.ia + n);
}

/* ------------------------------------------------------ frame numbers -- */

static inline am_gfn_t am_gfn(uint64_t v)
{
	am_gfn_t r;

	r.gfn = v;
	return r;
}

static inline uint64_t am_gfn_val(am_gfn_t g)
{
	return g.gfn;
}

static inline am_gfn_t am_gfn_add(am_gfn_t g, uint64_t n)
{
	return am_gfn(g.gfn + n);
}

static inline bool am_gfn_eq(am_gfn_t a, am_gfn_t b)
{
	return a.gfn == b.gfn;
}

static inline am_mfn_t am_mfn(uint64_t v)
{
	am_mfn_t r;

	r.mfn = v;
	return r;
}

static inline uint64_t am_mfn_val(am_mfn_t m)
{
	return m.mfn;
}

static inline am_mfn_t am_mfn_add(am_mfn_t m, uint64_t n)
{
	return am_mfn(m.mfn + n);
}

static inline bool am_mfn_eq(am_mfn_t a, am_mfn_t b)
{
	return a.mfn == b.mfn;
}

/* No frame: what a frame without a GFN records, what "any MFN" passes. */
#define AM_GFN_INVALID am_gfn(~(uint64_t)0)
#define AM_MFN_INVALID am_mfn(~(uint64_t)0)
/* The same, for a static initializer: am_mfn_t m = AM_MFN_INVALID_INIT; */
#define AM_GFN_INVALID_INIT  \
	{                    \
		~(uint64_t)0 \
	}
#define AM_MFN_INVALID_INIT  \
	{                    \
		~(uint64_t)0 \
	}

static inline bool am_gfn_is_invalid(am_gfn_t g)
{
	return g.gfn == ~(uint64_t)0;
}

static inline bool am_mfn_is_invalid(am_mfn_t m)
{
	return m.mfn == ~(uint64_t)0;
}

/* ------------------------------------------ the conversions of kinds -- */

/* The IPA of the first byte of guest frame @g. */
static inline am_vaddr_t am_gfn_to_ipa(am_gfn_t g)
{
	return am_va(g.gfn << AM_FRAME_SHIFT);
}

/* The guest frame that holds IPA @ipa. */
static inline am_gfn_t am_ipa_to_gfn(am_vaddr_t ipa)
{
	return am_gfn(ipa.ia >> AM_FRAME_SHIFT);
}

/* The PA of the first byte of machine frame @m. */
static inline am_paddr_t am_mfn_to_pa(am_mfn_t m)
{
	return am_pa(m.mfn << AM_FRAME_SHIFT);
}

/* The machine frame that holds @pa. */
static inline am_mfn_t am_pa_to_mfn(am_paddr_t pa)
{
	return am_mfn(pa.pa >> AM_FRAME_SHIFT);
}

#ifdef __cplusplus
}
#endif

#endif
