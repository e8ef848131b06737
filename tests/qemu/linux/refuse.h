/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-linux: the calls of the refusal guest (refuse.c), which Linux never
 * makes, and the numbers both sides use to name them. GFNs are of the
 * guest's IPA space (layout.h).
 */
#ifndef ARMMAP_QEMU_LINUX_REFUSE_H
#define ARMMAP_QEMU_LINUX_REFUSE_H

#include "tests/qemu/linux/layout.h"

enum {
	RF_OUTSIDE, /* a GFN outside RAM and the grant region: -EINVAL */
	RF_DEVICE,  /* a GFN over the PL011 the hypervisor passes through: -EINVAL */
	RF_DOUBLE,  /* shared_info added a second time: -EBUSY */
	RF_REMOVE,  /* removing a GFN that maps nothing: -ENOENT */
	RF_SPACE,   /* an unknown map space: -ENOSYS */
	RF_INDEX,   /* a grant frame beyond the table: -EINVAL */
	RF_COUNT
};

#define RF_GFN_FIRST ((LX_RAM_IPA >> 12) + 0x100)  /* shared_info, accepted */
#define RF_GFN_SECOND ((LX_RAM_IPA >> 12) + 0x101) /* shared_info again */
#define RF_GFN_OUTSIDE ((LX_RAM_IPA + LX_RAM_SIZE) >> 12)
#define RF_GFN_DEVICE (0x09000000 >> 12)
#define RF_GFN_UNMAPPED ((LX_GNT_IPA >> 12) + 7)
#define RF_GFN_SPACE ((LX_RAM_IPA >> 12) + 0x102)
#define RF_SPACE_UNKNOWN 9
#define RF_IDX_BAD 100
#define RF_HC_UNKNOWN 50 /* no such hypercall */

#endif
