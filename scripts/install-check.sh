#!/usr/bin/env bash
# Suite install: make install into temporary prefixes (build/install-check/),
# then outside programs (tests/install/) build against what was installed,
# as a user's would: in C and in C++ with pkg-config and with CMake on the
# host (and run), a bare-metal AArch64 program through CMake with a cross
# toolchain file, a hard-float Cortex-M33 program with pkg-config against a
# library built with overridden flags. Closes with
# "install: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
W=$PWD/build/install-check
rm -rf "$W" && mkdir -p "$W"
P=$W/prefix
p=0 f=0
ok() { echo "ok   $1"; p=$((p + 1)); }
bad() { echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2" | tail -n 25; f=$((f + 1)); }
run() { # name, command...: ok when the command succeeds; its output shown on failure
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi
}
mk() { make --no-print-directory "$@"; }

# 1. every target into one prefix
run "make install TARGET=all PREFIX=$P" mk install TARGET=all PREFIX="$P"
want=(include/armmap/armmap.h include/armmap/version.h include/armmap/pt.h include/armmap/mpu.h
	include/armmap/arch/aarch64/pt_ops.h include/armmap/arch/aarch64/el1_mmu.h
	include/armmap/arch/aarch64/spinlock.h include/armmap/arch/aarch64/smccc.h
	include/armmap/arch/aarch64/sysreg.h include/armmap/arch/armv8m/mpu.h include/armmap/arch/armv8r/mpu.h
	lib/libarmmap.a lib/pkgconfig/armmap.pc lib/cmake/armmap/armmapConfig.cmake
	lib/cmake/armmap/armmapConfigVersion.cmake share/doc/armmap/CHANGELOG.md share/doc/armmap/LICENSE)
for t in aarch64 cortex-m33 cortex-r52 cortex-r82; do
	want+=("lib/libarmmap-$t.a" "lib/pkgconfig/armmap-$t.pc" "lib/cmake/armmap/armmap-$t.cmake")
done
miss=()
for w in "${want[@]}"; do [ -f "$P/$w" ] || miss+=("$w"); done
[ -z "$(find "$P/include" -name tlbi_range.h -o -name cp15.h)" ] || miss+=("(a private header was installed)")
if [ ${#miss[@]} -eq 0 ]; then ok "installed: headers, 5 libraries, 5 pkg-config files, the CMake package, CHANGELOG"
else bad "installed files" "missing: ${miss[*]}"; fi
# each library holds its target's backends
lib_has() { # lib nm symbol...
	local lib=$1 nm=$2 s syms
	shift 2
	syms=$($nm --defined-only "$lib" 2>/dev/null) || return 1
	for s in "$@"; do grep -qE " T $s\$" <<<"$syms" || { echo "$lib lacks $s"; return 1; }; done
}
run "libarmmap-aarch64.a has the aarch64 backend" lib_has "$P/lib/libarmmap-aarch64.a" aarch64-linux-gnu-nm \
	am_pt_map am_aarch64_pt_flush am_aarch64_el2_mmu_enable am_aarch64_el1_mmu_enable am_aarch64_spin_lock am_aarch64_smccc_hvc
run "libarmmap-cortex-m33.a has the Armv8-M MPU backend" lib_has "$P/lib/libarmmap-cortex-m33.a" arm-none-eabi-nm \
	am_mpu_map am_armv8m_write_region am_armv8m_mpu_enable
run "libarmmap-cortex-r52.a / -r82.a have the Armv8-R MPU backend" bash -c \
	"$(declare -f lib_has); lib_has '$P/lib/libarmmap-cortex-r52.a' arm-none-eabi-nm am_mpu_map am_armv8r_write_region &&
	 lib_has '$P/lib/libarmmap-cortex-r82.a' aarch64-linux-gnu-nm am_mpu_map am_armv8r_write_region"

# 2. versions agree: the headers, the CHANGELOG's latest release, pkg-config, CMake
export PKG_CONFIG_PATH=$P/lib/pkgconfig
hv=$(sed -nE 's/^#define ARMMAP_VERSION_STRING "(.*)"$/\1/p' include/armmap/version.h)
mj=$(sed -nE 's/^#define ARMMAP_VERSION_MAJOR ([0-9]+)$/\1/p' include/armmap/version.h)
mn=$(sed -nE 's/^#define ARMMAP_VERSION_MINOR ([0-9]+)$/\1/p' include/armmap/version.h)
pa=$(sed -nE 's/^#define ARMMAP_VERSION_PATCH ([0-9]+)$/\1/p' include/armmap/version.h)
cv=$(grep -m1 -oE '^## \[[0-9]+\.[0-9]+\.[0-9]+\]' CHANGELOG.md | grep -oE '[0-9]+\.[0-9]+\.[0-9]+')
pv=$(pkg-config --modversion armmap 2>&1)
if [ -n "$hv" ] && [ "$hv" = "$mj.$mn.$pa" ] && [ "$hv" = "$cv" ] && [ "$hv" = "$pv" ] &&
	grep -q "set(PACKAGE_VERSION $hv)" "$P/lib/cmake/armmap/armmapConfigVersion.cmake"; then
	ok "version $hv: version.h, CHANGELOG.md, pkg-config and CMake agree"
else
	bad "versions" "version.h '$hv' ($mj.$mn.$pa), CHANGELOG '$cv', pkg-config '$pv'"
fi
run "pkg-config --validate: each .pc" bash -c 'for pc in "$0"/lib/pkgconfig/*.pc; do pkg-config --validate "$pc" || exit 1; done' "$P"

# 3. every installed header alone, in C11 and in C++11 (-pedantic)
hdr_check() {
	local h out=""
	for h in $(cd "$P/include" && find armmap -name '*.h' | LC_ALL=C sort); do
		printf '#include <%s>\nint main(void) { return 0; }\n' "$h" >"$W/h.c"
		printf '#include <%s>\nint main() { return 0; }\n' "$h" >"$W/h.cpp"
		gcc -std=c11 -Wall -Wextra -Werror -pedantic -I"$P/include" -fsyntax-only "$W/h.c" || out+="C: $h "
		g++ -std=c++11 -Wall -Wextra -Werror -pedantic -I"$P/include" -fsyntax-only "$W/h.cpp" || out+="C++: $h "
	done
	[ -z "$out" ] || { echo "failed: $out"; return 1; }
}
run "each installed header compiles alone in C11 and C++11 (-Wall -Wextra -Werror -pedantic)" hdr_check

# 4. the outside programs on the host, with pkg-config
run_prog() { # name, binary, expected last line
	local out
	if out=$("$2" 2>&1) && [ "$(tail -n 1 <<<"$out")" = "$3" ]; then ok "$1"; else bad "$1" "$out"; fi
}
if out=$(gcc -std=c11 -Wall -Wextra -Werror tests/install/outside.c $(pkg-config --cflags --libs armmap) \
	-o "$W/outside-c" 2>&1); then run_prog "C, pkg-config: builds and runs" "$W/outside-c" "outside-c: ok"
else bad "C, pkg-config: build" "$out"; fi
if out=$(g++ -std=c++11 -Wall -Wextra -Werror -pedantic tests/install/outside.cpp \
	$(pkg-config --cflags --libs armmap) -o "$W/outside-cxx" 2>&1); then
	run_prog "C++, pkg-config: builds and runs" "$W/outside-cxx" "outside-c++: ok"
else bad "C++, pkg-config: build" "$out"; fi

# 5. with CMake: find_package(armmap 0.1), armmap::armmap
if out=$(cmake -S tests/install -B "$W/cmake-host" -DCMAKE_PREFIX_PATH="$P" 2>&1 &&
	cmake --build "$W/cmake-host" 2>&1); then
	run_prog "C, CMake: builds and runs" "$W/cmake-host/outside-c" "outside-c: ok"
	run_prog "C++, CMake: builds and runs" "$W/cmake-host/outside-cxx" "outside-c++: ok"
else bad "CMake (host): configure and build" "$out"; fi
# a target that is not installed is refused, with the reason
if out=$(cmake -S tests/install -B "$W/cmake-m99" -DCMAKE_PREFIX_PATH="$P" -DARMMAP_TARGET=cortex-m99 2>&1); then
	bad "CMake: a target not installed (ARMMAP_TARGET=cortex-m99) is refused" "$out"
elif grep -q "no library for target 'cortex-m99'" <<<"$out"; then
	ok "CMake: a target not installed (ARMMAP_TARGET=cortex-m99) is refused, with the reason"
else bad "CMake: refusal of an uninstalled target" "$out"; fi
# a version the package does not meet is refused (0.1 is met, 1.0 and 0.9 are not)
if out=$(cmake -S tests/install -B "$W/cmake-v1" -DCMAKE_PREFIX_PATH="$P" -DOUTSIDE_WANT=1.0 2>&1); then
	bad "CMake: find_package(armmap 1.0) is refused by $hv" "$out"
elif grep -qi "version" <<<"$out"; then
	ok "CMake: find_package(armmap 1.0) is refused by armmap $hv (armmapConfigVersion.cmake)"
else bad "CMake: version refusal" "$out"; fi
# cross: the bare-metal AArch64 program, armmap::armmap = the aarch64 library
if out=$(cmake -S tests/install -B "$W/cmake-a64" -DCMAKE_PREFIX_PATH="$P" \
	-DCMAKE_TOOLCHAIN_FILE="$PWD/tests/install/aarch64-toolchain.cmake" -DARMMAP_TARGET=aarch64 \
	-DOUTSIDE_CROSS=ON 2>&1 && cmake --build "$W/cmake-a64" 2>&1) &&
	aarch64-linux-gnu-readelf -h "$W/cmake-a64/outside-aarch64" | grep -q AArch64 &&
	lib_has "$W/cmake-a64/outside-aarch64" aarch64-linux-gnu-nm am_pt_map am_aarch64_pt_flush am_aarch64_el2_mmu_enable; then
	ok "AArch64 bare metal, CMake (toolchain file, ARMMAP_TARGET=aarch64): links with the shipped backend"
else bad "AArch64 bare metal, CMake" "$out"; fi

# 6. a hard-float Cortex-M33 program: the default library is soft-float, so
# it does not link against it; against one built with the program's flags it does
M33HF=(-mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16)
m33_link() { # pkg-config dir, output
	PKG_CONFIG_PATH=$1 arm-none-eabi-gcc -std=c11 -Wall -Wextra -Werror -Os "${M33HF[@]}" -ffreestanding \
		-nostdlib -nostartfiles -Wl,-e,entry tests/install/cortex-m33.c tests/install/mem.c \
		$(PKG_CONFIG_PATH=$1 pkg-config --cflags --libs armmap-cortex-m33) -lgcc -o "$2"
}
if out=$(m33_link "$P/lib/pkgconfig" "$W/m33-soft.elf" 2>&1); then
	bad "hard-float M33 against the default (soft-float) library: expected to fail to link" "$out"
elif grep -q "VFP register arguments" <<<"$out"; then
	ok "hard-float M33 against the default library: refused by the linker (VFP register arguments)"
else bad "hard-float M33 against the default library: another error" "$out"; fi
H=$W/prefix-hf
if out=$(mk B="$W/build-hf" install TARGET=cortex-m33 PREFIX="$H" \
	CF_cortex-m33="-Os ${M33HF[*]}" 2>&1) && out=$(m33_link "$H/lib/pkgconfig" "$W/m33-hf.elf" 2>&1) &&
	[ "$(PKG_CONFIG_PATH=$H/lib/pkgconfig pkg-config --variable=target_cflags armmap-cortex-m33)" = "-Os ${M33HF[*]}" ]; then
	ok "hard-float M33: make install CF_cortex-m33='-Os ${M33HF[*]}', then the program links (pkg-config)"
else bad "hard-float M33 with overridden flags" "$out"; fi

# README's two examples, as written, against the installed headers with
# the target compilers (compiled, not linked: they are fragments of a program)
readme_example() { # heading: the first ```c block after it
	awk -v h="$1" '$0 == h { f = 1; next } f && /^```c$/ { c = 1; next } c && /^```$/ { exit } c { print }' README.md
}
ex_check() { # heading, compiler, flags...
	local h=$1 cc=$2 src
	shift 2
	src=$(readme_example "$h")
	[ -n "$src" ] || { echo "no C example after '$h' in README.md"; return 1; }
	printf '%s\n' "$src" >"$W/example.c"
	"$cc" -std=c11 -Wall -Wextra -Werror -ffreestanding "$@" -I"$P/include" -c "$W/example.c" -o "$W/example.o"
}
run "README's MPU example compiles (Cortex-M33, the installed headers)" ex_check "## Using the MPU map" \
	arm-none-eabi-gcc -mcpu=cortex-m33 -mthumb -Wno-unused-function
run "README's table example compiles (aarch64, the installed headers)" ex_check \
	"## Using the translation tables" aarch64-linux-gnu-gcc -mgeneral-regs-only -Wno-unused-function

# 7. DESTDIR staging: everything under DESTDIR, the files name the final PREFIX
S=$W/stage
if out=$(mk install DESTDIR="$S" PREFIX=/opt/armmap 2>&1) && [ -f "$S/opt/armmap/lib/libarmmap.a" ] &&
	[ -f "$S/opt/armmap/include/armmap/armmap.h" ] && grep -qx 'prefix=/opt/armmap' "$S/opt/armmap/lib/pkgconfig/armmap.pc" &&
	[ ! -e /opt/armmap ]; then
	ok "DESTDIR=... PREFIX=/opt/armmap: staged under DESTDIR, armmap.pc names /opt/armmap"
else bad "DESTDIR staging" "$out"; fi
if out=$(mk install TARGET=cortex-m99 PREFIX="$W/nope" 2>&1); then
	bad "an unknown TARGET is refused" "$out"
elif grep -q "unknown TARGET 'cortex-m99'" <<<"$out" && [ ! -e "$W/nope" ]; then
	ok "an unknown TARGET is refused, installing nothing"
else bad "an unknown TARGET: another error" "$out"; fi

echo "install: $p passed, $f failed"
[ "$f" -eq 0 ]
