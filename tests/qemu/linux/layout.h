/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-linux: where everything sits. One copy, read by the hypervisor (C),
 * by the guest's device tree (guest.dts, through cpp) and by
 * scripts/run-linux.sh (which loads the payload at these addresses): keep
 * every definition a plain "#define NAME 0xVALUE" line.
 *
 * QEMU virt, 512 MiB of RAM at PA 0x4000_0000:
 *   [0x4000_0000, 0x4800_0000)  the hypervisor (its ELF at 0x4008_0000) and
 *                               the run's mode word (LX_MODE_PA)
 *   [0x4800_0000, 0x5800_0000)  the guest's RAM, 256 MiB, which the guest
 *                               sees at IPA 0x4000_0000: stage 2 translates
 * The payload is loaded into the guest's RAM by QEMU's generic loader:
 * the kernel Image (or the refusal guest) 2 MiB in, the device tree at
 * 128 MiB, the initramfs 2 MiB after it.
 */
#ifndef ARMMAP_QEMU_LINUX_LAYOUT_H
#define ARMMAP_QEMU_LINUX_LAYOUT_H

#define LX_RAM_IPA 0x40000000
#define LX_RAM_PA 0x48000000
#define LX_RAM_SIZE 0x10000000
#define LX_KERNEL_OFF 0x00200000
#define LX_DTB_OFF 0x08000000
#define LX_INITRD_OFF 0x08200000
/* the grant-table region of the /hypervisor node: IPAs outside RAM where
 * Linux maps the grant frames */
#define LX_GNT_IPA 0x38000000
#define LX_GNT_SIZE 0x01000000
/* a 32-bit word the runner writes: which run this is (LX_MODE_*) */
#define LX_MODE_PA 0x47fff000
#define LX_MODE_PREMAP 1   /* Linux, guest RAM mapped as blocks before it runs */
#define LX_MODE_ONDEMAND 2 /* Linux, guest RAM mapped on its stage-2 faults */
#define LX_MODE_REFUSE 3   /* the refusal guest (refuse.c) */
/* the PL031 RTC: the hypervisor's, not the guest's */
#define LX_RTC_PA 0x09010000

#endif
