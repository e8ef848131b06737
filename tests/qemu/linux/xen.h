/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-linux: the subset of Xen's guest ABI (Arm, 64-bit) that the
 * hypervisor serves, written from Xen's public headers (xen/include/public:
 * xen.h, memory.h, version.h, features.h, vcpu.h, grant_table.h, sched.h,
 * event_channel.h, hvm/hvm_op.h, errno.h) and the kernel's
 * arch/arm/xen/hypercall.S: HVC #0xEA1, the hypercall number in x16, the
 * arguments in x0..x4, the result in x0. Pointer arguments are the guest's
 * virtual addresses. Errors are Xen's negative errno values.
 */
#ifndef ARMMAP_QEMU_LINUX_XEN_H
#define ARMMAP_QEMU_LINUX_XEN_H

#include <stdint.h>

#define XEN_HVC_IMM 0xea1u

/* hypercall numbers */
#define XEN_HC_memory_op 12
#define XEN_HC_xen_version 17
#define XEN_HC_console_io 18
#define XEN_HC_grant_table_op 20
#define XEN_HC_vm_assist 21
#define XEN_HC_vcpu_op 24
#define XEN_HC_sched_op 29
#define XEN_HC_event_channel_op 32
#define XEN_HC_physdev_op 33
#define XEN_HC_hvm_op 34
#define XEN_HC_COUNT 64 /* numbers counted one by one below this */

/* errno (xen/include/public/errno.h) */
#define XEN_EPERM 1
#define XEN_ENOENT 2
#define XEN_ESRCH 3
#define XEN_EFAULT 14
#define XEN_EBUSY 16
#define XEN_EEXIST 17
#define XEN_EINVAL 22
#define XEN_ENOMEM 12
#define XEN_ENOSYS 38

#define XEN_DOMID_SELF 0x7ff0u

/* xen_version */
#define XENVER_version 0
#define XENVER_extraversion 1
#define XENVER_get_features 6
#define XENVER_pagesize 7
#define XEN_VERSION_MAJOR 4 /* as the /hypervisor node says: "xen,xen-4.17" */
#define XEN_VERSION_MINOR 17
struct xen_feature_info {
	uint32_t submap_idx;
	uint32_t submap;
};
#define XENFEAT_writable_page_tables 0
#define XENFEAT_auto_translated_physmap 2
#define XENFEAT_dom0 11
#define XENFEAT_not_direct_mapped 17

/* memory_op */
#define XENMEM_add_to_physmap 7
#define XENMEM_remove_from_physmap 15
#define XENMEM_CMD_MASK 0x3fu
struct xen_add_to_physmap {
	uint16_t domid;
	uint16_t size;
	uint32_t space;
	uint64_t idx;
	uint64_t gpfn;
};
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap");
#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1
#define XENMAPIDX_grant_table_status 0x80000000u
struct xen_remove_from_physmap {
	uint16_t domid;
	uint64_t gpfn;
};
_Static_assert(sizeof(struct xen_remove_from_physmap) == 16, "xen_remove_from_physmap");

/* vcpu_op */
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_register_vcpu_info 10
struct vcpu_register_vcpu_info {
	uint64_t mfn; /* the guest's frame (a GFN) */
	uint32_t offset;
	uint32_t rsvd;
};
#define XEN_VCPU_INFO_SIZE 48 /* struct vcpu_info on Arm: 8 + 8 + 32 bytes */

/* grant_table_op */
#define GNTTABOP_query_size 6
struct gnttab_query_size {
	uint16_t dom;
	uint32_t nr_frames;
	uint32_t max_nr_frames;
	int16_t status;
};
_Static_assert(sizeof(struct gnttab_query_size) == 16, "gnttab_query_size");

/* event_channel_op */
#define EVTCHNOP_init_control 11

/* hvm_op */
#define HVMOP_get_param 1

/* sched_op */
#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_shutdown 2
#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot 1
#define SHUTDOWN_crash 3

/*
 * shared_info on Arm: vcpu_info[1] (48 bytes), evtchn_pending[64] and
 * evtchn_mask[64] (64-bit words), then the wallclock: wc_version, wc_sec,
 * wc_nsec (32-bit), wc_sec_hi.
 */
#define XEN_SHINFO_WC_VERSION 1072
#define XEN_SHINFO_WC_SEC 1076
#define XEN_SHINFO_WC_NSEC 1080
#define XEN_SHINFO_WC_SEC_HI 1084

/* PSCI 0.2 (SMC32 / SMC64 function IDs) */
#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON_64 0xc4000003u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_TOS_NOT_PRESENT_MP 2

#endif
