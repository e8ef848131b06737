#!/usr/bin/env bash
# Suite inspector: the armmap inspector (tools/armmap.c, docs/inspector.md).
#   scripts/inspector.sh TOOL
# - each example scenario (examples/NAME.scn), and each of the suite's own
#   (tests/inspector/NAME.scn: refused inits), runs with exit status 0 and
#   prints exactly its golden, tests/inspector/NAME.out (the diff is shown
#   when it does not); tests/inspector/NAME.end.out, where there is one, is
#   the golden of the same run with --dump=end;
# - its picture (--svg) is the same bytes from a second run, and
#   rsvg-convert renders it to a PNG that is not empty and has the size the
#   SVG declares;
# - bad scenario lines are refused with FILE:LINE: error: ..., exit status
#   2 and nothing run; so are bad command lines;
# - the pictures of docs/img/inspector-NAME.svg are those of
#   examples/NAME.scn as the inspector draws them now;
# - include/armmap/dump.h (the dumps the inspector reads) compiles as C++
#   and declares C functions.
# Closes with `inspector: N passed, M failed`; exits non-zero on a failure.
# The outputs are kept in build/inspector/ (next to TOOL's directory).
set -uo pipefail
tool=$1
dir=$(dirname "$tool")/../inspector
mkdir -p "$dir"
p=0 f=0
ok() {
	echo "ok   $1"
	p=$((p + 1))
}
bad() {
	echo "FAIL $1"
	if [ -n "${2:-}" ]; then printf '%s\n' "$2" | head -n 60 | sed 's/^/     /'; fi
	f=$((f + 1))
}

# The width and height a PNG's IHDR gives, "W H".
png_size() {
	local b
	b=($(od -An -tu1 -j16 -N8 "$1"))
	[ ${#b[@]} -eq 8 ] || return 1
	echo "$(((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3])) $(((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]))"
}

# The width and height the SVG's root element declares, "W H".
svg_size() {
	sed -n 's/^<svg [^>]*width="\([0-9]*\)" height="\([0-9]*\)".*/\1 \2/p' "$1" | head -n 1
}

n=0
for scn in examples/*.scn tests/inspector/*.scn; do
	name=$(basename "$scn" .scn)
	gold=tests/inspector/$name.out
	case $scn in examples/*) n=$((n + 1)) ;; esac
	"$tool" --svg "$dir/$name.svg" "$scn" >"$dir/$name.out" 2>"$dir/$name.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		bad "$name: exit status $rc" "$(cat "$dir/$name.err" "$dir/$name.out" | tail -n 20)"
	elif [ ! -f "$gold" ]; then
		bad "$name: no golden $gold (the output is in $dir/$name.out)"
	elif d=$(diff -u "$gold" "$dir/$name.out"); then
		ok "$name: prints $gold"
	else
		bad "$name: the output differs from $gold" "$d"
	fi
	if [ -f "tests/inspector/$name.end.out" ]; then
		"$tool" --dump=end "$scn" >"$dir/$name.end.out" 2>&1
		if d=$(diff -u "tests/inspector/$name.end.out" "$dir/$name.end.out"); then
			ok "$name --dump=end: prints tests/inspector/$name.end.out"
		else
			bad "$name --dump=end: the output differs from tests/inspector/$name.end.out" "$d"
		fi
	fi
	# the picture: the same bytes from a second run, rendered at its size
	"$tool" --dump=end --svg "$dir/$name.again.svg" "$scn" >/dev/null 2>&1
	if cmp -s "$dir/$name.svg" "$dir/$name.again.svg"; then
		ok "$name: the picture is the same bytes from a second run"
	else
		bad "$name: two runs drew two different pictures"
	fi
	rm -f "$dir/$name.png"
	if ! out=$(rsvg-convert "$dir/$name.svg" -o "$dir/$name.png" 2>&1); then
		bad "$name: rsvg-convert refused the picture" "$out"
	elif [ ! -s "$dir/$name.png" ]; then
		bad "$name: rsvg-convert made an empty PNG"
	elif [ "$(png_size "$dir/$name.png")" != "$(svg_size "$dir/$name.svg")" ] ||
		[ -z "$(svg_size "$dir/$name.svg")" ]; then
		bad "$name: the PNG is $(png_size "$dir/$name.png"), the SVG says $(svg_size "$dir/$name.svg")"
	else
		ok "$name: rsvg-convert renders the picture, $(png_size "$dir/$name.png" | tr ' ' x) as declared"
	fi
done
[ $n -ge 5 ] && ok "$n example scenarios" || bad "only $n example scenarios in examples/"

# The pictures docs/inspector.md shows are the inspector's, as it draws them now.
for img in docs/img/inspector-*.svg; do
	[ -e "$img" ] || continue
	name=$(basename "$img" .svg)
	name=${name#inspector-}
	if cmp -s "$img" "$dir/$name.svg"; then
		ok "$img: the picture of examples/$name.scn"
	else
		bad "$img is not the picture of examples/$name.scn (cp $dir/$name.svg $img)"
	fi
done

# A bad line: FILE:LINE: error: ..., exit status 2, nothing printed on stdout.
refuse() {
	local what=$1 scn=$2 want=$3 got rc
	got=$(printf '%s' "$scn" | "$tool" - 2>"$dir/err.txt" >"$dir/out.txt")
	rc=$?
	got=$(cat "$dir/err.txt")
	if [ $rc -ne 2 ]; then
		bad "refused: $what: exit status $rc, expected 2" "$got"
	elif [ -s "$dir/out.txt" ]; then
		bad "refused: $what: something ran before the refusal" "$(head -n 5 "$dir/out.txt")"
	elif [ "$got" != "$want" ]; then
		bad "refused: $what" "got:  $got"$'\n'"want: $want"
	else
		ok "refused: $what ($want)"
	fi
}
refuse "an unknown operation" $'regime s1-el2\nmap 0x1000 0x1000 4K rw-data\nfrobnicate 1\n' \
	"-:3: error: unknown operation 'frobnicate' (see docs/inspector.md)"
refuse "a table operation before the table" $'# nothing yet\nmap 0x1000 0x1000 4K rw-data\n' \
	"-:2: error: map needs regime first"
refuse "a bad number" $'regime s1-el2\nunmap 0x1000 4Q\n' \
	"-:2: error: unmap: '4Q' is not a number (size)"
refuse "bad attributes" $'mpu v8m\nmpu-map 0x0 +4K rwz\n' \
	"-:2: error: mpu-map: attributes 'rwz': 'z' is none of r w x u - (or a preset: rw-data ro-data rx-text device)"
refuse "a bad memory type" $'regime s2\nmap 0 0 4K rw:wc\n' \
	"-:2: error: map: attributes 'rw:wc': memory type 'wc' is none of dev-ngnrne dev-ngnre nc wt wb"
refuse "too many arguments" $'mpu v8m\nmpu-merge now\n' \
	"-:2: error: mpu-merge takes 0 arguments, not 1"
refuse "too few arguments" $'regime s1-el1\nunmap 0x1000\n' \
	"-:2: error: unmap takes 2 arguments, not 1"
refuse "an unknown option" $'regime s1-el2 ia=39 colour=red\n' \
	"-:1: error: regime: unknown option 'colour=red' (ia= oa= asid= vmid= tlbi-max= pool= granule= tlbi-range secure upper)"
refuse "an unknown regime" $'regime s3\n' "-:1: error: regime: 's3' is none of s1-el2 s1-el1 s2 s1-el3 s1-el20"
refuse "an unknown flavour" $'mpu v7m\n' "-:1: error: mpu: 'v7m' is none of v8m v8r-aarch64 v8r-aarch32"
refuse "an unknown access" $'regime s1-el2\nprobe fetch 0x1000\n' \
	"-:2: error: probe: the access is read, write or exec, not 'fetch'"
refuse "an unknown flag" $'regime s1-el2\nmap 0 0 4K ro-data huge\n' \
	"-:2: error: map: unknown flag 'huge' (block contig ng ns parked sw=N)"
refuse "a second table" $'regime s1-el2\nregime s2\n' "-:2: error: regime: one table per scenario"
refuse "a P2M without frames" $'p2m ipa=40\n' \
	"-:1: error: p2m: frames=FIRST+COUNT is needed (the frame table)"
refuse "an unknown P2M type" $'p2m frames=0x80000+4\np2m-map 0 0x80000 1 ram\n' \
	"-:2: error: p2m-map: the type is one of ram-rw ram-ro mmio-dev mmio-nc grant-rw grant-ro foreign"
refuse "the MMIO guard without its table" $'mmio-guard\n' \
	"-:1: error: mmio-guard needs regime (the guest's stage 1, VA == IPA) first"

# Bad command lines.
if "$tool" >/dev/null 2>"$dir/err.txt"; then
	bad "no scenario: accepted"
elif [ $? -eq 2 ] && grep -q '^usage: armmap' "$dir/err.txt"; then
	ok "no scenario: usage, exit status 2"
else
	bad "no scenario" "$(cat "$dir/err.txt")"
fi
"$tool" --dump=sometimes examples/pt-blocks.scn >/dev/null 2>&1
[ $? -eq 2 ] && ok "an unknown option: exit status 2" || bad "an unknown option: accepted"
"$tool" "$dir/no-such-file.scn" >/dev/null 2>&1
[ $? -eq 2 ] && ok "a missing scenario: exit status 2" || bad "a missing scenario: accepted"

# The dumps' header as C++: C linkage.
if ! out=$(printf '#include <armmap/armmap.h>\nint f(struct am_pt *pt, am_dump_print_fn p)\n{ return am_pt_dump(pt, am_va(0), AM_DUMP_TO_END, p, 0); }\n' |
	g++ -std=c++11 -Wall -Wextra -Werror -Iinclude -x c++ -c - -o "$dir/dump_cxx.o" 2>&1); then
	bad "g++: include/armmap/dump.h is not C++" "$out"
elif nm "$dir/dump_cxx.o" | grep -qw 'U am_pt_dump'; then
	ok "g++: include/armmap/dump.h is C++, its functions C"
else
	bad "g++: am_pt_dump has C++ linkage" "$(nm "$dir/dump_cxx.o")"
fi

echo "inspector: $p passed, $f failed"
[ "$f" -eq 0 ]
