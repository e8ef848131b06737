/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * armmap: the umbrella header, every public module.
 */
#ifndef ARMMAP_ARMMAP_H
#define ARMMAP_ARMMAP_H

#include <armmap/version.h>
#include <armmap/config.h>
#include <armmap/addr.h>
#include <armmap/types.h>
#include <armmap/errors.h>
#include <armmap/attr.h>
#include <armmap/mpu.h>
#include <armmap/pt.h>
#include <armmap/p2m.h>
#include <armmap/mmio_guard.h>
#include <armmap/dump.h>

#endif
