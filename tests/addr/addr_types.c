/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Suite addr-types: the address types of include/armmap/addr.h make a
 * mix-up a compile error. Built as it is, this file must compile (the
 * right way to do each thing); built with -DBAD_<name>, one line is
 * replaced by the mix-up <name>, and the build must fail with the
 * diagnostic the script expects (scripts/addr-types.sh). Never linked.
 */
#include <armmap/armmap.h>

/* Each BAD_ line next to its right twin. */
int addr_types(struct am_pt *pt, struct am_p2m *p2m);

int addr_types(struct am_pt *pt, struct am_p2m *p2m)
{
	am_vaddr_t va = am_va(0x40000000);
	am_paddr_t pa = am_pa(0x80000000);
	am_gfn_t gfn = am_gfn(0x40000);
	am_mfn_t mfn = am_mfn(0x80000);
	am_vaddr_t ipa;
	am_mfn_t got;
	enum am_p2m_type t;
	int rc;

#if defined(BAD_PA_FOR_VA) /* expect: incompatible type for argument 2 of 'am_pt_map' */
	rc = am_pt_map(pt, pa, pa, 0x1000, &AM_ATTR_RW_DATA, 0);
#elif defined(BAD_VA_FOR_PA) /* expect: incompatible type for argument 3 of 'am_pt_map' */
	rc = am_pt_map(pt, va, va, 0x1000, &AM_ATTR_RW_DATA, 0);
#else
	rc = am_pt_map(pt, va, pa, 0x1000, &AM_ATTR_RW_DATA, 0);
#endif
#if defined(BAD_INT_FOR_VA) /* expect: incompatible type for argument 2 of 'am_pt_unmap' */
	rc = rc ? rc : am_pt_unmap(pt, 0x40000000, 0x1000);
#else
	rc = rc ? rc : am_pt_unmap(pt, am_va_add(va, 0), 0x1000);
#endif
#if defined(BAD_GFN_FOR_MFN) /* expect: incompatible type for argument 3 of 'am_p2m_map' */
	rc = rc ? rc : am_p2m_map(p2m, gfn, gfn, 1, AM_P2M_RAM_RW);
#elif defined(BAD_MFN_FOR_GFN) /* expect: incompatible type for argument 2 of 'am_p2m_map' */
	rc = rc ? rc : am_p2m_map(p2m, mfn, mfn, 1, AM_P2M_RAM_RW);
#else
	rc = rc ? rc : am_p2m_map(p2m, gfn, mfn, 1, AM_P2M_RAM_RW);
#endif
#if defined(BAD_SHIFT_GFN) /* expect: invalid operands to binary << */
	ipa = gfn << 12;
#elif defined(BAD_GFN_AS_IPA) /* expect: incompatible types when assigning to type 'am_vaddr_t' */
	ipa = gfn;
#elif defined(BAD_MFN_TO_IPA) /* expect: incompatible type for argument 1 of 'am_gfn_to_ipa' */
	ipa = am_gfn_to_ipa(mfn);
#else
	ipa = am_gfn_to_ipa(gfn);
#endif
#if defined(BAD_VA_PLUS) /* expect: invalid operands to binary + */
	rc = rc ? rc : am_pt_unmap(pt, ipa + 0x1000, 0x1000);
#else
	rc = rc ? rc : am_pt_unmap(pt, am_va_add(ipa, 0x1000), 0x1000);
#endif
#if defined(BAD_LOOKUP_INTO_GFN) /* expect: passing argument 3 of 'am_p2m_lookup' */
	rc = rc ? rc : am_p2m_lookup(p2m, am_ipa_to_gfn(ipa), &gfn, &t);
#else
	rc = rc ? rc : am_p2m_lookup(p2m, am_ipa_to_gfn(ipa), &got, &t);
#endif
#if defined(BAD_COMPARE) /* expect: invalid operands to binary == */
	if (!rc && got == AM_MFN_INVALID)
		rc = -1;
#else
	if (!rc && am_mfn_is_invalid(got))
		rc = -1;
#endif
#if defined(BAD_PA_TO_GFN) /* expect: incompatible type for argument 1 of 'am_ipa_to_gfn' */
	if (!rc && !am_gfn_eq(am_ipa_to_gfn(am_mfn_to_pa(got)), gfn))
		rc = -1;
#else
	if (!rc && !am_mfn_eq(am_pa_to_mfn(am_mfn_to_pa(got)), mfn))
		rc = -1;
#endif
	(void)va; /* each is used by the right line; a BAD_ line may skip one */
	(void)pa;
	(void)mfn;
	return rc;
}
