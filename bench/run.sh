#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `make bench`: the driver of each benchmark (bench_mpu, bench_pt). Counts
# instructions with callgrind (BENCH --instr writes one dump per figure),
# parses the dumps, then runs BENCH natively (--instr-file) to time the calls
# and print the tables with the counts. A second binary, when given, is the
# one run natively: the same sources built for timing. Fails when either run
# fails; the benchmark itself fails when a dump it needs is missing.
# `bench/run.sh --counts BENCH FILE` only counts: FILE gets the "label Ir"
# lines (bench/compare.sh).
set -euo pipefail

counts_out=
if [ "${1:-}" = --counts ]; then
	counts_out=${3:?usage: bench/run.sh --counts path/to/bench FILE}
	shift
fi
bin=${1:?usage: bench/run.sh path/to/bench [path/to/bench-for-timing]}
timing_bin=${2:-$bin}
[ -n "$counts_out" ] && timing_bin=$bin
if ! command -v valgrind >/dev/null 2>&1; then
	echo "bench: valgrind is missing (scripts/deps.sh installs it)" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! valgrind --tool=callgrind --collect-atstart=no \
	--callgrind-out-file="$tmp/cg.out" --log-file="$tmp/valgrind.log" \
	"$bin" --instr; then
	echo "bench: the instruction count run (callgrind) failed:" >&2
	tail -n 20 "$tmp/valgrind.log" >&2
	exit 1
fi

# One "label Ir" line per dump: the label given to CALLGRIND_DUMP_STATS_AT,
# the instructions counted since the last CALLGRIND_ZERO_STATS.
shopt -s nullglob
dumps=("$tmp"/cg.out.*)
if [ ${#dumps[@]} -eq 0 ]; then
	echo "bench: callgrind wrote no dumps" >&2
	exit 1
fi
awk '
function flush() {
	if (label != "" && ir != "")
		print label, ir
	label = ""
	ir = ""
}
FNR == 1 { flush() }
/^desc: Trigger: Client Request: / { label = $5 }
/^(summary|totals): / { ir = $2 }
END { flush() }
' "${dumps[@]}" >"$tmp/instr.txt"
if [ -n "$counts_out" ]; then
	cp "$tmp/instr.txt" "$counts_out"
	exit 0
fi

"$timing_bin" --instr-file "$tmp/instr.txt"
