#!/usr/bin/env bash
# Suite addr-types: a shift or a mix-up of address kinds does not compile.
# tests/addr/addr_types.c must compile as it is (and include/armmap/addr.h
# alone as C++, with g++), and fail with each -DBAD_<name> it
# names, with the diagnostic its "expect:" comment gives: one wrong line
# each, so a BAD_ build that fails for another reason is a failure too.
set -uo pipefail
export LC_ALL=C # ASCII quotes in the diagnostics, as in the expect: comments
src=tests/addr/addr_types.c
cflags=(-std=c11 -Wall -Wextra -Werror -ffreestanding -Iinclude -fsyntax-only)
p=0 f=0
ok() { echo "ok   $1"; p=$((p + 1)); }
bad() { echo "FAIL $1"; [ -n "${2:-}" ] && echo "$2" | tail -n 10; f=$((f + 1)); }
if out=$(gcc "${cflags[@]}" "$src" 2>&1); then ok "the right uses compile"
else bad "the right uses do not compile" "$out"; fi
cxx=$(printf '#include <armmap/addr.h>\nint f(am_gfn_t g) { return am_gfn_eq(am_ipa_to_gfn(am_gfn_to_ipa(g)), g) && !am_mfn_is_invalid(am_pa_to_mfn(am_pa_add(am_pa(0), 1))); }\n')
if out=$(echo "$cxx" | g++ -std=c++11 -Wall -Wextra -Werror -Iinclude -fsyntax-only -x c++ - 2>&1); then
	ok "g++: include/armmap/addr.h is C++ too"
else bad "g++: include/armmap/addr.h is not C++" "$out"; fi
n=0
while IFS= read -r line; do
	name=$(sed -E 's/.*defined\((BAD_[A-Z_]+)\).*/\1/' <<<"$line")
	want=$(sed -E 's/.*expect: (.*) \*\/.*/\1/' <<<"$line")
	n=$((n + 1))
	if out=$(gcc "${cflags[@]}" -D"$name" "$src" 2>&1); then
		bad "$name compiled: $want"
	elif grep -qF -- "$want" <<<"$out" && [ "$(grep -c 'error:' <<<"$out")" -eq 1 ]; then
		ok "$name does not compile: $want"
	else
		bad "$name failed, but not (only) with: $want" "$out"
	fi
done < <(grep -E '^#(el)?if defined\(BAD_' "$src")
[ "$n" -ge 8 ] || bad "only $n BAD_ cases found in $src"
echo "addr-types: $p passed, $f failed"
