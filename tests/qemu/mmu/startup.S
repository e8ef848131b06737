/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * qemu-mmu image, assembly part: the entry point (stack, .bss, main, exit
 * through semihosting) and memcpy / memmove / memset, which the compiler may
 * call (written here so they cannot turn into calls to themselves).
 */
	.section .text.boot, "ax"
	.global _start
	.type _start, %function
_start:
	msr	daifset, #0xf		/* no interrupts: nothing here takes them */
	ldr	x0, =__stack_top
	mov	sp, x0
	ldr	x0, =__bss_start
	ldr	x1, =__bss_end
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b
2:	mov	x29, #0
	mov	x30, #0
	bl	main
	cmp	w0, #0
	cset	w0, eq
	bl	sh_exit
3:	wfe
	b	3b
	.size _start, . - _start

/* Bytewise: small and obviously correct (and aligned: the MMU is off at first). */
	.section .text.memcpy, "ax"
	.global memcpy
	.type memcpy, %function
memcpy:
	mov	x3, x0
1:	cbz	x2, 2f
	ldrb	w4, [x1], #1
	strb	w4, [x3], #1
	sub	x2, x2, #1
	b	1b
2:	ret
	.size memcpy, . - memcpy

	.section .text.memmove, "ax"
	.global memmove
	.type memmove, %function
memmove:
	cmp	x0, x1
	b.ls	memcpy			/* dst <= src: copying upwards is safe */
	add	x3, x0, x2
	add	x1, x1, x2
1:	cbz	x2, 2f
	ldrb	w4, [x1, #-1]!
	strb	w4, [x3, #-1]!
	sub	x2, x2, #1
	b	1b
2:	ret
	.size memmove, . - memmove

	.section .text.memset, "ax"
	.global memset
	.type memset, %function
memset:
	mov	x3, x0
1:	cbz	x2, 2f
	strb	w1, [x3], #1
	sub	x2, x2, #1
	b	1b
2:	ret
	.size memset, . - memset
