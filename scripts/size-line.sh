#!/usr/bin/env bash
# One line of `make size`: target, text/data/bss of the library, how it was built.
set -euo pipefail
t=$1 sz=$2 lib=$3 how=$4
read -r text data bss < <($sz -t "$lib" | tail -n 1 | awk '{print $1, $2, $3}')
printf '%-11s text %6d  data %4d  bss %4d   (%s)\n' "$t:" "$text" "$data" "$bss" "$how"
