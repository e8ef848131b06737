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
