/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The memset and memcpy a freestanding program supplies (the compiler may
 * call them for the library, which has no C library under it): linked by
 * the outside bare-metal programs here (suite `install`) and by the size
 * clients of `make size` (bench/size_client_*.c).
 */
#include <stddef.h>

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}
