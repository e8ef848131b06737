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
echo "cross-build: $p passed, $f failed"
