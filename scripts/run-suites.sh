#!/usr/bin/env bash
# Run each named suite (make suite-<name>), show its output, and close with
# the total over every suite's `<suite>: N passed, M failed` line. A suite
# that exits non-zero or prints no closing line counts one failure more.
set -uo pipefail
total_p=0 total_f=0 bad=()
for s in "$@"; do
	log=$(mktemp)
	make --no-print-directory "suite-$s" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E "^$s: [0-9]+ passed, [0-9]+ failed$" "$log" | tail -n 1)
	rm -f "$log"
	if [ -z "$line" ]; then
		echo "$s: 0 passed, 1 failed   (no closing line; exit status $rc)"
		total_f=$((total_f + 1)); bad+=("$s"); continue
	fi
	p=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\1/' <<<"$line")
	f=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\2/' <<<"$line")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	total_p=$((total_p + p)); total_f=$((total_f + f))
	[ "$f" -eq 0 ] || bad+=("$s")
done
echo
echo "suites: $# run${bad[*]:+, failing: ${bad[*]}}"
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
