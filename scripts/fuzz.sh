#!/usr/bin/env bash
# Fuzz each named module with libFuzzer, or measure its corpus's coverage.
#   scripts/fuzz.sh run SECONDS MODULE...   build/fuzz/<module> for SECONDS each
#   scripts/fuzz.sh cov 0 MODULE...         build/fuzzcov/<module> over the corpora
#   scripts/fuzz.sh corpus 0 MODULE...      merge and pack the corpus into the tree
# The working corpus is build/fuzz/corpus/<module> (new inputs land there),
# seeded from tests/fuzz/corpus/<module> (never written). A crash (a
# divergence or a sanitizer report) is saved as build/fuzz/crash/<module>-*.
# FUZZ_FORK=1 keeps fuzzing after a crash (libFuzzer -fork=1
# -ignore_crashes=1), FUZZ_ARGS adds libFuzzer options.
# Prints per module: fuzz <module>: E execs, R exec/s, cov C, ft F, T s, crashes K
set -uo pipefail
mode=$1 secs=$2
shift 2
B=build
rc=0

# src files of each module, for the coverage report
src_of() {
	case $1 in
	pt) echo src/pt/*.c ;;
	mpu) echo src/mpu/*.c ;;
	p2m) echo src/p2m/*.c ;;
	mmio_guard) echo src/mmio_guard/tracker.c ;;
	mmio_hyp) echo src/mmio_guard/hyp.c ;;
	*) echo src/*/*.c ;;
	esac
}

run() {
	local m=$1 log crashes t0 t1 execs rate cov ft
	mkdir -p "$B/fuzz/corpus/$m" "$B/fuzz/crash" "$B/fuzz/log" "tests/fuzz/corpus/$m"
	log=$B/fuzz/log/$m.log
	local opts=(-max_total_time="$secs" -print_final_stats=1 -max_len=4096
		-artifact_prefix="$B/fuzz/crash/$m-")
	[ "${FUZZ_FORK:-0}" = 1 ] && opts+=(-fork=1 -ignore_crashes=1)
	before=$(ls "$B/fuzz/crash/$m-"* 2>/dev/null | wc -l)
	t0=$(date +%s)
	# shellcheck disable=SC2086
	"$B/fuzz/$m" "${opts[@]}" ${FUZZ_ARGS:-} "$B/fuzz/corpus/$m" "tests/fuzz/corpus/$m" \
		>"$log" 2>&1
	t1=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | sed 's/cov: //')
	ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -n 1 | sed 's/ft: //')
	crashes=$(($(ls "$B/fuzz/crash/$m-"* 2>/dev/null | wc -l) - before))
	rate=$(( (t1 - t0) > 0 ? ${execs:-0} / (t1 - t0) : 0 ))
	echo "fuzz $m: ${execs:-?} execs, $rate exec/s, cov ${cov:-?}, ft ${ft:-?}," \
		"$((t1 - t0)) s, corpus $(ls "$B/fuzz/corpus/$m" | wc -l) files, crashes $crashes"
	if [ "$crashes" -gt 0 ]; then
		rc=1
		grep -m 3 -E 'fuzz divergence|ERROR: AddressSanitizer|runtime error' "$log" | sed 's/^/  /'
		ls -t "$B/fuzz/crash/$m-"* | head -n 3 | sed 's/^/  saved: /'
		echo "  (log: $log)"
	fi
}

cov() {
	local m=$1 dir=$B/fuzzcov/$m.d
	rm -rf "$dir"
	mkdir -p "$dir" "$B/fuzz/corpus/$m" "tests/fuzz/corpus/$m"
	LLVM_PROFILE_FILE="$dir/%p.profraw" "$B/fuzzcov/$m" -runs=0 \
		"$B/fuzz/corpus/$m" "tests/fuzz/corpus/$m" >"$dir/run.log" 2>&1
	llvm-profdata-14 merge -sparse "$dir"/*.profraw -o "$dir/all.profdata" || return 1
	echo "== $m: line coverage of $(src_of "$m") by $(find "$B/fuzz/corpus/$m" "tests/fuzz/corpus/$m" -type f 2>/dev/null | wc -l) inputs"
	# shellcheck disable=SC2046
	llvm-cov-14 report "$B/fuzzcov/$m" -instr-profile="$dir/all.profdata" $(src_of "$m")
}

corpus() {
	local m=$1 tmp=$B/fuzz/merge/$m
	rm -rf "$tmp" "$tmp.packed"
	mkdir -p "$tmp" "$tmp.packed" "$B/fuzz/corpus/$m" "tests/fuzz/corpus/$m"
	find "tests/fuzz/corpus/$m" -name 'packed-*' -exec cp {} "$tmp.packed/" \;
	# edges only (no hit counts, no value profile): the fewest inputs
	"$B/fuzz/$m" -merge=1 -use_counters=0 -use_value_profile=0 "$tmp" "$tmp.packed" \
		"$B/fuzz/corpus/$m" >"$B/fuzz/merge/$m.log" 2>&1 ||
		{ tail "$B/fuzz/merge/$m.log"; return 1; }
	grep -E 'MERGE-OUTER: [0-9]+ new files' "$B/fuzz/merge/$m.log" | sed "s/^/$m: /"
	scripts/fuzz-pack.py "$m" "tests/fuzz/corpus/$m" "$tmp"/*
}

for m in "$@"; do
	case $mode in
	run) run "$m" ;;
	cov) cov "$m" || rc=1 ;;
	corpus) corpus "$m" || rc=1 ;;
	*) echo "usage: scripts/fuzz.sh run|cov|corpus SECONDS MODULE..." >&2; exit 2 ;;
	esac
done
exit $rc
