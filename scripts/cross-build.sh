#!/usr/bin/env bash
# Suite cross-build: the freestanding core must build warning-free
# (-Wall -Wextra -Werror -ffreestanding) for every named target.
set -uo pipefail
p=0 f=0
for t in "$@"; do
	if out=$(make --no-print-directory -B "build/$t/libarmmap.a" 2>&1); then
		echo "ok   $t: core built with -Werror"
		p=$((p + 1))
	else
		echo "FAIL $t:"; echo "$out" | tail -n 20
		f=$((f + 1))
	fi
done
# The AArch64 libraries build tables with the MMU off, where every access is
# Device memory and an unaligned one faults: no unaligned access may be
# generated (an attribute struct at an odd address read with ldrh).
for t in "$@"; do
	case $t in aarch64 | cortex-r82) ;; *) continue ;; esac
	if make --no-print-directory -n -B "build/$t/obj/src/core/attr.o" | grep -q -- '-mstrict-align'; then
		echo "ok   $t: built with -mstrict-align"
		p=$((p + 1))
	else
		echo "FAIL $t: the library is built without -mstrict-align"
		f=$((f + 1))
	fi
done
# The Armv8-R backend (arch/armv8r/mpu.c, in the Cortex-R52 and Cortex-R82
# libraries) must program the registers of both MPUs: read from the
# disassembly, by encoding. AArch32: HPRSELR/PRSELR (c6, c2, 1), HPRBAR/PRBAR
# (c6, c3, 0), HPRLAR/PRLAR (c6, c3, 1), HMPUIR/MPUIR (c0, c0, 4), HMAIR0/1
# and MAIR0/1 (c10, c2, 0/1), HSCTLR/SCTLR (c1, c0, 0), with opc1 4 (EL2)
# and 0 (EL1). AArch64 (no QEMU has a Cortex-R82: this is its check): the
# _EL2 and _EL1 system registers.
r8r() {
	local t=$1 obj=build/$1/obj/arch/armv8r/mpu.o dis want w miss=()
	case $t in
	cortex-r52) dis=$(arm-none-eabi-objdump -d "$obj" 2>/dev/null | grep -oE '(mcr|mrc)[[:space:]]+15, [04], [a-z0-9]+, cr[0-9]+, cr[0-9]+, \{[0-7]\}' |
		sed -E 's/(mcr|mrc)[[:space:]]+15, ([04]), [a-z0-9]+, (cr[0-9]+), (cr[0-9]+), \{([0-7])\}/\1 \2 \3 \4 \5/' | sort -u)
		want=()
		for o in 4 0; do
			want+=("mcr $o cr6 cr2 1" "mcr $o cr6 cr3 0" "mcr $o cr6 cr3 1" "mrc $o cr6 cr3 0"
				"mrc $o cr6 cr3 1" "mrc $o cr0 cr0 4" "mcr $o cr10 cr2 0" "mcr $o cr10 cr2 1"
				"mcr $o cr1 cr0 0" "mrc $o cr1 cr0 0")
		done ;;
	cortex-r82) dis=$(aarch64-linux-gnu-objdump -d "$obj" 2>/dev/null |
		sed -nE 's/.*(msr)[[:space:]]+([a-z0-9_]+), .*/\1 \2/p; s/.*(mrs)[[:space:]]+x[0-9]+, ([a-z0-9_]+).*/\1 \2/p' | sort -u)
		want=()
		for e in el2 el1; do
			want+=("msr prselr_$e" "msr prbar_$e" "msr prlar_$e" "mrs prbar_$e" "mrs prlar_$e"
				"mrs mpuir_$e" "msr mair_$e" "msr sctlr_$e" "mrs sctlr_$e")
		done ;;
	*) return 0 ;;
	esac
	for w in "${want[@]}"; do grep -qxF "$w" <<<"$dis" || miss+=("$w"); done
	if [ -s "$obj" ] && [ ${#miss[@]} -eq 0 ]; then
		echo "ok   $t: arch/armv8r programs both MPUs (${#want[@]} register accesses found by encoding)"
		p=$((p + 1))
	else
		echo "FAIL $t: arch/armv8r/mpu.o lacks: ${miss[*]:-the object}"
		f=$((f + 1))
	fi
}
for t in "$@"; do r8r "$t"; done
# make size: a line for each footprint figure and each linked client
# (bench/size_client_*.c), each with a size read.
read -r nf nl < <(make --no-print-directory -s --eval 'size-n: ; @echo $(words $(FIGURES)) $(words $(LINKED))' size-n)
if out=$(make --no-print-directory size 2>&1) &&
	[ "$(grep -cE '^figure .* text +[1-9][0-9]* ' <<<"$out")" -eq "$nf" ] &&
	[ "$(grep -cE '^linked .* text +[1-9][0-9]* ' <<<"$out")" -eq "$nl" ]; then
	echo "ok   make size: $nf footprint figures, $nl linked clients"
	p=$((p + 1))
else
	echo "FAIL make size (want $nf figure and $nl linked lines):"; echo "$out" | tail -n 20
	f=$((f + 1))
fi
echo "cross-build: $p passed, $f failed"
