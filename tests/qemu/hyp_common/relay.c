/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor images' guest-message relay, fatal-exception report and EL2 start. */
#include "tests/qemu/hyp_common/relay.h"

#include <armmap/arch/aarch64/sysreg.h>
#include "tests/qemu/common/check.h"

const char *relay_str(uint64_t ipa, uint64_t lo, uint64_t hi)
{
	const char *s = (const char *)(uintptr_t)ipa;
	uint64_t n;

	if (ipa < lo || ipa >= hi)
		return NULL;
	for (n = 0; ipa + n < hi && n < 200; n++)
		if (!s[n])
			return s;
	return NULL;
}

void relay_say(uint64_t fmt, const uint64_t *arg, uint64_t lo, uint64_t hi)
{
	const char *f = relay_str(fmt, lo, hi), *s;
	unsigned int n = 0;

	if (!f) {
		FAIL("a guest message with a bad string (0x%lx)\n", fmt);
		return;
	}
	con_printf("  guest: ");
	for (; *f; f++) {
		if (*f != '%') {
			con_printf("%c", *f);
		} else if (f[1] == '%') {
			con_printf("%%");
			f++;
		} else if (f[1] == 's' && n < 3) {
			s = relay_str(arg[n++], lo, hi);
			con_printf("%s", s ? s : "(bad string)");
			f++;
		} else if (f[1] == '0' && f[2] == '8' && f[3] == 'l' && f[4] == 'x' && n < 3) {
			con_printf("%08lx", arg[n++]);
			f += 4;
		} else if (f[1] == 'l' && (f[2] == 'x' || f[2] == 'u' || f[2] == 'd') && n < 3) {
			if (f[2] == 'x')
				con_printf("%lx", arg[n++]);
			else if (f[2] == 'u')
				con_printf("%lu", arg[n++]);
			else
				con_printf("%ld", (long)arg[n++]);
			f += 2;
		} else {
			con_printf("(bad format)\n");
			return;
		}
	}
}

void relay_fatal_exc(const struct am_aarch64_frame *f)
{
	con_release();
	con_printf("unexpected exception at EL%u (slot 0x%x): %s\n", f->el, f->kind,
		   am_aarch64_exc_name(f->esr));
	con_printf("  ESR=0x%lx FAR=0x%lx ELR=0x%lx SPSR=0x%lx HPFAR_EL2=0x%lx\n", f->esr, f->far,
		   f->elr, f->spsr, am_read_sysreg(hpfar_el2));
	con_printf("  x0=0x%lx x1=0x%lx x2=0x%lx x30=0x%lx\n", f->x[0], f->x[1], f->x[2], f->x[30]);
	fatal("unexpected exception");
}

bool hyp_start(am_aarch64_exc_fn handler)
{
	if (am_aarch64_exc_init(handler, relay_fatal_exc) && am_current_el() == 2)
		return true;
	con_printf("not at EL2 (CurrentEL %u)\n", am_current_el());
	check_abort();
	return false;
}
