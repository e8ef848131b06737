#!/usr/bin/env bash
# Suite cross-build: the freestanding core must build warning-free
# (-Wall -Wextra -Werror -ffreestanding) for every named target.
set -uo pipefail
p=0 f=0
for t in "$@"; do
	if out=$(make --no-print-directory -B "build/$t/libarmmap.a" 2>&1); then
		echo "ok   $t: core built with -Werror"
		p=$((p + 1))
	else
		echo "FAIL $t:"; echo "$out" | tail -n 20
		f=$((f + 1))
	fi
done
# The AArch64 libraries build tables with the MMU off, where every access is
# Device memory and an unaligned one faults: no unaligned access may be
# generated (an attribute struct at an odd address read with ldrh).
for t in "$@"; do
	case $t in aarch64 | cortex-r82) ;; *) continue ;; esac
	if make --no-print-directory -n -B "build/$t/obj/src/core/attr.o" | grep -q -- '-mstrict-align'; then
		echo "ok   $t: built with -mstrict-align"
		p=$((p + 1))
	else
		echo "FAIL $t: the library is built without -mstrict-align"
		f=$((f + 1))
	fi
done
# The README's example must stay true to the API.
ex=$(mktemp --suffix=.c)
awk '/^```c$/{f=1;next}/^```$/{f=0}f' README.md >"$ex"
if out=$(arm-none-eabi-gcc -std=c11 -Wall -Wextra -Werror -ffreestanding -mcpu=cortex-m33 \
	-mthumb -Iinclude -c "$ex" -o /dev/null 2>&1) && [ -s "$ex" ]; then
	echo "ok   README example compiles (cortex-m33, -Werror)"
	p=$((p + 1))
else
	echo "FAIL README example:"; echo "$out" | tail -n 20
	f=$((f + 1))
fi
rm -f "$ex"
echo "cross-build: $p passed, $f failed"
