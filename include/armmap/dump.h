/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Dumps: a translation table or an MPU region map as text, one line at a
 * time, through a callback of the caller's (no libc: the library formats
 * each line on its own stack and hands it over). For consoles, logs and
 * tools (the `armmap` inspector reads these lines back).
 *
 * A dump is read-only: it changes nothing, issues no TLB or MPU
 * maintenance, and runs with the object's lock held (taken and released as
 * am_pt_walk() and am_mpu_region_get() do), so that its lines are one
 * consistent picture. The print callback therefore must not call into the
 * object being dumped. A refused dump prints nothing.
 */
#ifndef ARMMAP_DUMP_H
#define ARMMAP_DUMP_H

#include <armmap/addr.h>
#include <armmap/mpu.h>
#include <armmap/pt.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Where a dump's lines go: called once per line with @p arg as given to the
 * dump and @p line, NUL-terminated, without a trailing newline, at most
 * AM_DUMP_LINE_MAX - 1 characters; valid only during the call.
 */
typedef void (*am_dump_print_fn)(void *arg, const char *line);

/** The longest line of a dump, its terminating NUL included. */
#define AM_DUMP_LINE_MAX 160u

/** The size of am_pt_dump() that means "from va to the end of the input address space". */
#define AM_DUMP_TO_END (~(uint64_t)0)

/**
 * Print the leaves the leaves (valid or parked) of @p pt that intersect
 * [va, va + size), in address order, as groups: one line per run of
 * leaves that follow one another in the input address space, map
 * consecutive output addresses, sit at the same level and have the same
 * descriptor bits apart from the output address (permissions, memory type,
 * shareability, AF, nG, contiguous hint, software bits, valid or parked).
 * A 2 MiB block split into 512 pages with the same attributes is one line;
 * a change of attribute or a jump in the output address starts a new one.
 * A leaf only partly in the range is printed whole; nothing mapped prints
 * nothing. @p size AM_DUMP_TO_END: from @p va to the end of the input space.
 *
 * @verbatim
 * The line, fields separated by one space (V = the hex digits of the input
 * size, (ia_bits + 3) / 4; P = those of the output size, (oa_bits + 3) / 4):
 *
 *   FIRST-LAST -> PA Ln SIZE xCOUNT STATE PERM [PRIV] EXEC MEM SH af=A [ng=G] [ns=N] contig=C sw=S
 *
 *   FIRST-LAST  the input range, inclusive: "0x" and V digits each (16 for
 *               a table of the upper VA range, am_pt_config.upper)
 *   PA          the output address of FIRST: "0x" and P digits
 *   Ln          the level of the leaves: L1, L2 or L3
 *   SIZE        one leaf's span: 4K, 2M or 1G
 *   xCOUNT      how many leaves, in decimal: x1, x512
 *   STATE       valid, or parked (descriptor bit 0 clear, the rest kept)
 *   PERM        what armmap's attribute model reads: r or -, w or -, x or -
 *   PRIV        stage 1 EL1&0 only: user (EL0 has the same access) or priv
 *   EXEC        the execute-never bits as the regime has them:
 *               stage 1 EL2 and EL3 "xn=0|1" (bit 54); stage 1 EL1&0 "pxn=0|1 uxn=0|1"
 *               (bits 53, 54); stage 2 "xn=0..3" (XN[1:0], bits 54:53)
 *   MEM         device-nGnRnE, device-nGnRE, normal-nc, normal-wt, normal-wb,
 *               or mem? (an AttrIndx / MemAttr armmap has no type for)
 *   SH          non-sh, outer-sh, inner-sh (sh? for the reserved value)
 *   af=A        the access flag, 0 or 1
 *   ng=G        stage 1 EL1&0 only: not global, 0 or 1
 *   ns=N        Secure stage-1 regimes only (EL3, am_pt_config.secure): the
 *               NS bit, 1 for a Non-secure output
 *   contig=C    the contiguous hint, 0 or 1
 *   sw=S        the software bits [58:55], "0x0".."0xf"
 *
 * e.g. (stage 1 EL2, 39-bit VAs, 40-bit PAs)
 *   0x0040000000-0x00401fffff -> 0x0040000000 L3 4K x512 valid rw- xn=1 normal-wb inner-sh
 *   af=1 contig=0 sw=0x0     (one line)
 * @endverbatim
 *
 * @p print is called with the table's lock held, once per line.
 *
 * @param pt    the table
 * @param va    the first input address (granule aligned)
 * @param size  the range's size (granule aligned), or AM_DUMP_TO_END
 * @param print where the lines go
 * @param arg   passed to @p print
 * @return 0, or
 *  - #AM_EINVAL    NULL or not ready @p pt (one record to the fallback hook);
 *                  NULL @p print; size 0, @p va or @p size not granule aligned;
 *  - #AM_EOVERFLOW va + size wraps around;
 *  - #AM_ERANGE    the range is beyond the input address size.
 *
 * With AM_DUMP_TO_END, @p va at or beyond the input size is refused as the
 * page at @p va would be (AM_ERANGE; AM_EOVERFLOW for the last page of the
 * 64-bit space), an unaligned @p va with AM_EINVAL.
 * Each refusal logs one record with its reason and prints nothing.
 */
int am_pt_dump(struct am_pt *pt, am_vaddr_t va, uint64_t size, am_dump_print_fn print, void *arg);

/**
 * Print the regions of @p m in use, one line each, in index
 * order (W = the hex digits of the flavour's address size: 8, or 12 for
 * v8-R AArch64):
 * @verbatim
 *   region N: BASE-LAST PERM PRIV MEM SH ap=A xn=X attr=I refs=R
 *
 *   N           the region index, decimal
 *   BASE-LAST   the range, inclusive ("0x" and W digits each): the
 *               hardware's limit, the API's limit minus one
 *   PERM        r or -, w or -, x or -
 *   PRIV        user (unprivileged code has the same access) or priv
 *   MEM SH      as am_pt_dump()
 *   ap=A        AP[2:1] as programmed, 0..3 (AM_MPU_AP_*)
 *   xn=X        XN as programmed (v8-R AArch64: XN[1:0], 0 or 2; else 0 or 1)
 *   attr=I      AttrIndx, 0..7
 *   refs=R      references held beyond the region's creator (0..255):
 *               the unmaps it takes before the region goes is R + 1
 *
 * e.g. region 2: 0x20000000-0x2000ffff rw- priv normal-wb inner-sh ap=0 xn=1 attr=4 refs=1
 * @endverbatim
 *
 * @p print is called with the map's lock held, once per line.
 *
 * @param m     the region map
 * @param print where the lines go
 * @param arg   passed to @p print
 * @return 0, or #AM_EINVAL: NULL or not ready @p m (one record to the
 *         fallback hook), NULL @p print (one record); a refusal prints nothing.
 */
int am_mpu_dump(struct am_mpu_map *m, am_dump_print_fn print, void *arg);

#ifdef __cplusplus
}
#endif

#endif
