#!/usr/bin/env bash
# One line of `make size`:
#   size-line.sh TARGET SIZE_TOOL LIB HOW
#     target, text/data/bss of the library, how it was built;
#   size-line.sh --figure WHAT TARGET SIZE_TOOL MAX HOW OBJ...
#     a footprint figure: the text (code and constants, `size`) summed over
#     the objects, against the target size MAX in bytes: met or not met;
#   size-line.sh --linked WHAT TARGET MAX HOW MAP DIR
#     what a program linked with --gc-sections kept of the objects under
#     DIR: their .text and .rodata input sections in the GNU ld map MAP,
#     against MAX (informative).
set -euo pipefail
if [ "$1" = --linked ]; then
	what=$2 t=$3 max=$4 how=$5 map=$6 dir=$7
	text=$(awk -v dir="$dir" '
		function hex(s, i, v) {
			v = 0
			s = tolower(s)
			sub(/^0x/, "", s)
			for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		/^Linker script and memory map/ { on = 1; next }
		!on { next }
		# " .text.f  0xADDR  0xSIZE  obj", or the name alone, the rest below it
		/^ \.(text|rodata)/ {
			if (NF >= 4) { if (index($4, dir) == 1) sum += hex($3) } else named = 1
			next
		}
		named && NF == 3 && $1 ~ /^0x/ && index($3, dir) == 1 { sum += hex($2) }
		{ named = 0 }
		END { print sum + 0 }' "$map")
	if [ "$text" -eq 0 ]; then # a map this reading does not understand
		echo "size-line.sh: no .text or .rodata of $dir in $map" >&2
		exit 1
	fi
	if [ "$text" -le "$max" ]; then verdict=within; else verdict=above; fi
	printf 'linked %-11s text %6d  %s %d (informative)   %s (%s)\n' "$t:" "$text" "$verdict" \
		"$max" "$what" "$how"
	exit 0
fi
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
