#!/usr/bin/env bash
# One line of `make size`:
#   size-line.sh TARGET SIZE_TOOL LIB HOW
#     target, text/data/bss of the library, how it was built;
#   size-line.sh --figure WHAT TARGET SIZE_TOOL MAX HOW OBJ...
#     a footprint figure: the text (code and constants, `size`) summed over
#     the objects, against the target size MAX in bytes: met or not met.
set -euo pipefail
if [ "$1" = --figure ]; then
	what=$2 t=$3 sz=$4 max=$5 how=$6
	shift 6
	text=$($sz -t "$@" | tail -n 1 | awk '{print $1}')
	if [ "$text" -le "$max" ]; then verdict=met; else verdict="NOT met"; fi
	printf 'figure %-11s text %6d  target <= %5d: %-7s  %s (%s)\n' "$t:" "$text" "$max" \
		"$verdict" "$what" "$how"
	exit 0
fi
t=$1 sz=$2 lib=$3 how=$4
read -r text data bss < <($sz -t "$lib" | tail -n 1 | awk '{print $1, $2, $3}')
printf '%-11s text %6d  data %4d  bss %4d   (%s)\n' "$t:" "$text" "$data" "$bss" "$how"
