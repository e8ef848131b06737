#!/usr/bin/env bash
# The peer's figures: google's aarch64-paging (the Rust crate of Android's
# pvmfw) counted by callgrind the way bench_pt counts armmap: each operation
# in its own #[inline(never)] function (src/main.rs), --toggle-collect on
# it, instructions over calls. Not part of `make bench`: it needs the
# crate's sources and those of its dependencies (bitflags, thiserror, syn,
# quote, proc-macro2, unicode-ident), which crates.io would give but these
# machines cannot reach. Give them as git checkouts:
#   bench/peer/run.sh DIR   (DIR/<name>/ for each, e.g. from `git archive`)
# They are copied to bench/peer/deps/ and built offline (cargo --offline).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=${1:?usage: bench/peer/run.sh DIR-with-aarch64-paging-and-its-deps}
for d in aarch64-paging bitflags thiserror syn quote proc-macro2 unicode-ident; do
	[ -f "$src/$d/Cargo.toml" ] || { echo "peer: $src/$d/Cargo.toml missing" >&2; exit 1; }
	rm -rf "$here/deps/$d"; mkdir -p "$here/deps"; cp -r "$src/$d" "$here/deps/$d"
done
rm -f "$here/deps/aarch64-paging/Cargo.lock"
if ! log=$(cd "$here" && cargo build --release --offline 2>&1); then
	echo "$log" | tail -n 30 >&2
	echo "peer: the build failed (offline: every dependency must be in $src)" >&2
	exit 1
fi
bin=$here/target/release/pbench
count() { # op function calls [descriptors]
	local out ir
	out=$(mktemp)
	valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect="pbench::$2" \
		"$bin" "$1" "$3" >/dev/null 2>&1
	ir=$(callgrind_annotate "$out" | awk '/PROGRAM TOTALS/ && !n++ {gsub(",","",$1); print $1}')
	rm -f "$out"
	printf '%-16s %10d instructions per call' "$1" $((ir / $3))
	[ -z "${4:-}" ] || printf ', %d per descriptor (%d descriptors)' $((ir / $3 / $4)) "$4"
	echo
}
echo "aarch64-paging $(sed -n 's/^version = "\(.*\)"/\1/p' "$here/deps/aarch64-paging/Cargo.toml" | head -1), stage 1 EL2, root at level 1:"
count page-map op_map 256
count page-unmap op_unmap 256
count page-modify op_modify 256
count page-query op_query 256
count block2m-map op_map 256
count block2m-unmap op_unmap 256
count block2m-modify op_modify 256
count block1g-map op_map 256
count block1g-unmap op_unmap 256
count block1g-modify op_modify 256
count mixed4g op_map 4 20
count mixed4g-2m op_map 4 2088
count pages1g-map op_map_pages 1 262657
count pages1g-modify op_modify 1 262657
