#!/usr/bin/env bash
# Run a bare-metal test image under QEMU with a time limit. The image prints
# its own `<suite>: N passed, M failed` line and exits through semihosting
# with status 0 only when every check passed. A hang, a crash or a missing
# closing line is reported as a failure of the suite.
set -uo pipefail
suite=$1 limit=$2; shift 2
log=$(mktemp)
timeout "$limit" "$@" </dev/null 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if ! grep -qE "^$suite: [0-9]+ passed, [0-9]+ failed" "$log"; then
	if [ "$rc" -eq 124 ]; then why="timed out after ${limit}s"; else why="exit status $rc"; fi
	echo "$suite: 0 passed, 1 failed   (image gave no result: $why)"
	rm -f "$log"; exit 1
fi
rm -f "$log"
exit "$rc"
