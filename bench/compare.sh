#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# BENCH_CFLAGS=... bench/compare.sh REV [LIMIT]: the table engine's instruction counts at
# git revision REV against the working tree, side by side, as `make
# bench-compare REV=...` runs it. Each side is bench_pt built from its own
# sources with the bench's flags and run under callgrind (deterministic:
# a shared machine does not move the figures). Prints one line a label
# (small calls: instructions a call; bulk: a call's total) and the change,
# flags every change above LIMIT % (default 5), and ends with the largest.
# Issue 15 measured the granules' cost to the 4 KiB path so, REV ce30207.
set -euo pipefail

rev=${1:?usage: bench/compare.sh REV [LIMIT]}
limit=${2:-5}
top=$(git rev-parse --show-toplevel)
out=$top/build/bench-compare
cflags=${BENCH_CFLAGS:?set by make bench-compare}

rm -rf "$out"
mkdir -p "$out/old"
git -C "$top" archive "$rev" | tar -x -C "$out/old" ||
	{ echo "bench-compare: no revision $rev" >&2; exit 1; }

# count DIR NAME: build DIR's bench_pt, write its "label instructions"
# lines (bench/run.sh --counts) to NAME.txt, sorted.
count() {
	local dir=$1 name=$2
	(cd "$dir" && gcc $cflags bench/bench_pt.c bench/bench_pt_calls.c src/*/*.c -o "$out/$name.bin")
	"$top/bench/run.sh" --counts "$out/$name.bin" "$out/$name.raw"
	sort "$out/$name.raw" >"$out/$name.txt"
}
count "$out/old" old
count "$top" new

# A small call's label counts INSTR_CALLS (256) calls and the harness: less
# the empty label's 256 empty calls, divided by 256, it is one call. A bulk
# label (".bulk.") counts one call.
join "$out/new.txt" "$out/old.txt" | awk '
	$1 == "empty" { en = $2; eo = $3; next }
	{ lab[NR] = $1; n[NR] = $2; o[NR] = $3 }
	END {
		for (i in lab) {
			if (lab[i] !~ /\.bulk\./) {
				n[i] = (n[i] - en) / 256
				o[i] = (o[i] - eo) / 256
			}
			printf "%s %.0f %.0f %.2f\n", lab[i], o[i], n[i], (n[i] - o[i]) * 100 / o[i]
		}
	}' | sort >"$out/change.txt"
printf '%-32s %10s %10s %8s\n' label "$rev" now change
awk -v limit="$limit" '{ printf "%-32s %10d %10d %+7.1f%%%s\n", $1, $2, $3, $4, ($4 > limit ? "  above " limit " %" : "") }' "$out/change.txt"
awk -v limit="$limit" 'NR == 1 || $4 > worst { worst = $4; wl = $1 } $4 > limit { over++ }
	END { printf "bench-compare: largest change %+.1f %% (%s); %d above %s %%\n", worst, wl, over, limit }' "$out/change.txt"
