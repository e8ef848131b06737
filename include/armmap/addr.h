/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
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
 *
 * | calls                            | between                            |
 * |----------------------------------|------------------------------------|
 * | am_gfn_to_ipa(), am_ipa_to_gfn() | guest frame <-> input address      |
 * | am_mfn_to_pa(), am_pa_to_mfn()   | machine frame <-> physical address |
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

/** A physical address: what a translation outputs, where a table lives. */
typedef struct {
	uint64_t pa; /**< the address */
} am_paddr_t;

/** An input address of a table: a VA (stage 1) or an IPA (stage 2). */
typedef struct {
	uint64_t ia; /**< the address */
} am_vaddr_t;

/** A guest frame number: IPA >> 12. */
typedef struct {
	uint64_t gfn; /**< the frame number */
} am_gfn_t;

/** A machine frame number: PA >> 12. */
typedef struct {
	uint64_t mfn; /**< the frame number */
} am_mfn_t;

#define AM_FRAME_SHIFT 12u /**< the frames of am_gfn_t and am_mfn_t: 4 KiB */

/* ------------------------------------------------ physical addresses -- */

/**
 * The physical address @p v.
 *
 * @param v  the address, an integer
 * @return it as an am_paddr_t.
 */
static inline am_paddr_t am_pa(uint64_t v)
{
	am_paddr_t r;

	r.pa = v;
	return r;
}

/**
 * The integer a physical address holds.
 *
 * @param a  the address
 * @return @p a as an integer.
 */
static inline uint64_t am_pa_val(am_paddr_t a)
{
	return a.pa;
}

/**
 * A physical address @p n bytes above @p a.
 *
 * @param a  the address
 * @param n  bytes to add (no wrap-around check)
 * @return @p a + @p n.
 */
static inline am_paddr_t am_pa_add(am_paddr_t a, uint64_t n)
{
	return am_pa(a.pa + n);
}

/* --------------------------------------------------- input addresses -- */

/**
 * The input address (VA or IPA) @p v.
 *
 * @param v  the address, an integer
 * @return it as an am_vaddr_t.
 */
static inline am_vaddr_t am_va(uint64_t v)
{
	am_vaddr_t r;

	r.ia = v;
	return r;
}

/**
 * The integer an input address holds.
 *
 * @param a  the address
 * @return @p a as an integer.
 */
static inline uint64_t am_va_val(am_vaddr_t a)
{
	return a.ia;
}

/**
 * An input address @p n bytes above @p a.
 *
 * @param a  the address
 * @param n  bytes to add (no wrap-around check)
 * @return @p a + @p n.
 */
static inline am_vaddr_t am_va_add(am_vaddr_t a, uint64_t n)
{
	return am_va(a.ia + n);
}

/* ------------------------------------------------------ frame numbers -- */

/**
 * The guest frame number @p v.
 *
 * @param v  the frame number, an integer
 * @return it as an am_gfn_t.
 */
static inline am_gfn_t am_gfn(uint64_t v)
{
	am_gfn_t r;

	r.gfn = v;
	return r;
}

/**
 * The integer a guest frame number holds.
 *
 * @param g  the frame number
 * @return @p g as an integer.
 */
static inline uint64_t am_gfn_val(am_gfn_t g)
{
	return g.gfn;
}

/**
 * The guest frame @p n frames above @p g.
 *
 * @param g  the frame number
 * @param n  frames to add (no wrap-around check)
 * @return @p g + @p n.
 */
static inline am_gfn_t am_gfn_add(am_gfn_t g, uint64_t n)
{
	return am_gfn(g.gfn + n);
}

/**
 * Are two guest frame numbers the same?
 *
 * @param a  one frame number
 * @param b  the other
 * @return whether @p a and @p b are equal.
 */
static inline bool am_gfn_eq(am_gfn_t a, am_gfn_t b)
{
	return a.gfn == b.gfn;
}

/**
 * The machine frame number @p v.
 *
 * @param v  the frame number, an integer
 * @return it as an am_mfn_t.
 */
static inline am_mfn_t am_mfn(uint64_t v)
{
	am_mfn_t r;

	r.mfn = v;
	return r;
}

/**
 * The integer a machine frame number holds.
 *
 * @param m  the frame number
 * @return @p m as an integer.
 */
static inline uint64_t am_mfn_val(am_mfn_t m)
{
	return m.mfn;
}

/**
 * The machine frame @p n frames above @p m.
 *
 * @param m  the frame number
 * @param n  frames to add (no wrap-around check)
 * @return @p m + @p n.
 */
static inline am_mfn_t am_mfn_add(am_mfn_t m, uint64_t n)
{
	return am_mfn(m.mfn + n);
}

/**
 * Are two machine frame numbers the same?
 *
 * @param a  one frame number
 * @param b  the other
 * @return whether @p a and @p b are equal.
 */
static inline bool am_mfn_eq(am_mfn_t a, am_mfn_t b)
{
	return a.mfn == b.mfn;
}

/** No frame: what a frame without a GFN records. */
#define AM_GFN_INVALID am_gfn(~(uint64_t)0)
/** No frame: what "any MFN" passes. */
#define AM_MFN_INVALID am_mfn(~(uint64_t)0)
/** #AM_GFN_INVALID, for a static initializer: am_gfn_t g = AM_GFN_INVALID_INIT; */
#define AM_GFN_INVALID_INIT  \
	{                    \
		~(uint64_t)0 \
	}
/** #AM_MFN_INVALID, for a static initializer: am_mfn_t m = AM_MFN_INVALID_INIT; */
#define AM_MFN_INVALID_INIT  \
	{                    \
		~(uint64_t)0 \
	}

/**
 * Is @p g #AM_GFN_INVALID (no frame)?
 *
 * @param g  the frame number
 * @return whether @p g is the invalid GFN.
 */
static inline bool am_gfn_is_invalid(am_gfn_t g)
{
	return g.gfn == ~(uint64_t)0;
}

/**
 * Is @p m #AM_MFN_INVALID (no frame)?
 *
 * @param m  the frame number
 * @return whether @p m is the invalid MFN.
 */
static inline bool am_mfn_is_invalid(am_mfn_t m)
{
	return m.mfn == ~(uint64_t)0;
}

/* ------------------------------------------ the conversions of kinds -- */

/**
 * The IPA of the first byte of guest frame @p g.
 *
 * @param g  the guest frame
 * @return its IPA.
 */
static inline am_vaddr_t am_gfn_to_ipa(am_gfn_t g)
{
	return am_va(g.gfn << AM_FRAME_SHIFT);
}

/**
 * The guest frame that holds IPA @p ipa.
 *
 * @param ipa  the IPA
 * @return its guest frame.
 */
static inline am_gfn_t am_ipa_to_gfn(am_vaddr_t ipa)
{
	return am_gfn(ipa.ia >> AM_FRAME_SHIFT);
}

/**
 * The PA of the first byte of machine frame @p m.
 *
 * @param m  the machine frame
 * @return its PA.
 */
static inline am_paddr_t am_mfn_to_pa(am_mfn_t m)
{
	return am_pa(m.mfn << AM_FRAME_SHIFT);
}

/**
 * The machine frame that holds @p pa.
 *
 * @param pa  the PA
 * @return its machine frame.
 */
static inline am_mfn_t am_pa_to_mfn(am_paddr_t pa)
{
	return am_mfn(pa.pa >> AM_FRAME_SHIFT);
}

#ifdef __cplusplus
}
#endif

#endif
