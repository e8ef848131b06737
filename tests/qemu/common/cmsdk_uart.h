/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Arm CMSDK APB UART of the MPS2/MPS3 boards (qemu-mpu's mps2-an505,
 * qemu-r52's mps3-an536), transmit only and polled: what a board.c needs
 * for con_init() and uart_putc(), given its UART's base address.
 */
#ifndef ARMMAP_QEMU_COMMON_CMSDK_UART_H
#define ARMMAP_QEMU_COMMON_CMSDK_UART_H

#include <stdint.h>

#define CMSDK_UART_DATA 0x0u
#define CMSDK_UART_STATE 0x4u
#define CMSDK_UART_CTRL 0x8u
#define CMSDK_UART_BAUDDIV 0x10u
#define CMSDK_UART_STATE_TXFULL 0x1u
#define CMSDK_UART_CTRL_TXEN 0x1u

static inline volatile uint32_t *cmsdk_uart_reg(uintptr_t base, uintptr_t off)
{
	return (volatile uint32_t *)(base + off);
}

/* Turn the transmitter on; BAUDDIV 16 is the least the UART accepts. */
static inline void cmsdk_uart_init(uintptr_t base)
{
	*cmsdk_uart_reg(base, CMSDK_UART_BAUDDIV) = 16;
	*cmsdk_uart_reg(base, CMSDK_UART_CTRL) = CMSDK_UART_CTRL_TXEN;
}

/* Send one byte, waiting while the transmit buffer is full. */
static inline void cmsdk_uart_putc(uintptr_t base, char c)
{
	while (*cmsdk_uart_reg(base, CMSDK_UART_STATE) & CMSDK_UART_STATE_TXFULL)
		;
	*cmsdk_uart_reg(base, CMSDK_UART_DATA) = (uint8_t)c;
}

#endif
