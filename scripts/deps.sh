#!/usr/bin/env bash
# Install, from Debian 12's packages, what the named make targets need and
# this machine lacks:  scripts/deps.sh [demo] [test] [bench] [size]
# [fresh-check] [format] [fuzz] [fuzz-cov] [fuzz-corpus] [soak] [linux-guest]
# (the Makefile passes the goals it was given; plain `make` calls nothing).
# Every need is checked by what provides it (a command, a header), never by
# package names. Quiet when nothing is missing; `apt-get update` only when
# something must be installed; after installing, every need is checked
# again, and anything still missing is a loud failure.
set -euo pipefail

usage() {
	echo "usage: scripts/deps.sh TARGET...   (TARGET: demo test bench size fresh-check format fuzz fuzz-cov fuzz-corpus soak linux-guest)" >&2
	exit 2
}
[ $# -gt 0 ] || usage

# A need: "kind:what:package". kind is cmd (a command on PATH), file (a
# path, e.g. a header) or glob (a path pattern some file matches). The
# package is Debian's provider of it.
needs=()
host_cc=(cmd:gcc:gcc cmd:ar:binutils)            # the freestanding core
host_c=("${host_cc[@]}" file:/usr/include/string.h:libc6-dev) # hosted programs
cross=(cmd:aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu
	cmd:aarch64-linux-gnu-ar:binutils-aarch64-linux-gnu
	cmd:aarch64-linux-gnu-nm:binutils-aarch64-linux-gnu
	cmd:aarch64-linux-gnu-objcopy:binutils-aarch64-linux-gnu
	cmd:arm-none-eabi-gcc:gcc-arm-none-eabi
	cmd:arm-none-eabi-ar:binutils-arm-none-eabi)
qemu=(cmd:qemu-system-arm:qemu-system-arm cmd:qemu-system-aarch64:qemu-system-arm
	cmd:timeout:coreutils)
# the Linux guest of the QEMU suite: scripts/linux-guest.sh fetches Debian's
# arm64 kernel and busybox (apt-get, dpkg-deb, tar) and packs the initramfs
# (cpio, gzip, cmp); the suite's hypervisor compiles a device tree (dtc)
linux=(cmd:dtc:device-tree-compiler cmd:cpio:cpio cmd:gzip:gzip cmd:dpkg-deb:dpkg
	cmd:apt-get:apt cmd:tar:tar cmd:cmp:diffutils)
for t in "$@"; do
	case $t in
	# the four QEMU images (cross compilers only), the Linux guest and QEMU
	demo) needs+=(cmd:make:make "${cross[@]}" "${qemu[@]}" "${linux[@]}") ;;
	# host suites (cmocka, ASan/UBSan come with gcc), cross-build, QEMU suites
	test) needs+=(cmd:make:make "${host_c[@]}" file:/usr/include/cmocka.h:libcmocka-dev
		"${cross[@]}" "${qemu[@]}" "${linux[@]}") ;;
	# host benchmarks; instruction counts by callgrind
	bench) needs+=(cmd:make:make "${host_c[@]}" cmd:valgrind:valgrind
		file:/usr/include/valgrind/callgrind.h:valgrind) ;;
	# the library for every target and each target's size tool
	size) needs+=(cmd:make:make "${host_cc[@]}" cmd:size:binutils "${cross[@]}"
		cmd:aarch64-linux-gnu-size:binutils-aarch64-linux-gnu
		cmd:arm-none-eabi-size:binutils-arm-none-eabi) ;;
	# a Debian 12 chroot from debootstrap, a clone of HEAD inside it
	fresh-check) needs+=(cmd:debootstrap:debootstrap cmd:git:git cmd:tar:tar cmd:gzip:gzip
		cmd:chroot:coreutils cmd:mount:mount cmd:umount:mount cmd:findmnt:util-linux) ;;
	format) needs+=(cmd:clang-format:clang-format cmd:git:git) ;;
	# libFuzzer builds: clang and its fuzzer runtime (a Recommends of clang,
	# so not installed with it here); coverage reports: llvm-profdata, llvm-cov
	# (fuzz-corpus packs with python3)
	fuzz | fuzz-cov | fuzz-corpus) needs+=(cmd:make:make cmd:clang:clang "${host_c[@]}"
		glob:/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev)
		[ "$t" = fuzz-cov ] && needs+=(cmd:llvm-profdata-14:llvm-14 cmd:llvm-cov-14:llvm-14)
		[ "$t" = fuzz-corpus ] && needs+=(cmd:python3:python3-minimal) ;;
	# the soak: host programs only
	soak) needs+=(cmd:make:make "${host_c[@]}") ;;
	# the Linux guest's boot payload alone (scripts/linux-guest.sh)
	linux-guest) needs+=(cmd:make:make "${linux[@]}") ;;
	*) echo "deps: unknown target '$t'" >&2; usage ;;
	esac
done

have() {
	local kind=${1%%:*} rest=${1#*:}
	local what=${rest%:*}
	case $kind in
	cmd) command -v "$what" >/dev/null 2>&1 ;;
	file) [ -e "$what" ] ;;
	glob) compgen -G "$what" >/dev/null ;;
	esac
}
missing() {
	local n
	for n in "${needs[@]}"; do have "$n" || echo "$n"; done
}

mapfile -t miss < <(missing)
[ ${#miss[@]} -eq 0 ] && exit 0
mapfile -t pkgs < <(printf '%s\n' "${miss[@]}" | sed 's/.*://' | sort -u)
echo "deps: installing ${pkgs[*]} (for: $*)"

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "deps: missing ${pkgs[*]}, and not root and no sudo to install them" >&2
		exit 1
	fi
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! $SUDO apt-get update -q >"$log" 2>&1; then
	echo "deps: 'apt-get update' failed:" >&2
	tail -n 20 "$log" >&2
	exit 1
fi
if ! $SUDO apt-get install -y -q --no-install-recommends "${pkgs[@]}" >"$log" 2>&1; then
	echo "deps: FAILED to install ${pkgs[*]}; apt-get said:" >&2
	tail -n 20 "$log" >&2
	exit 1
fi
mapfile -t miss < <(missing)
if [ ${#miss[@]} -ne 0 ]; then
	echo "deps: FAILED: still missing after installing ${pkgs[*]}:" >&2
	printf '  %s\n' "${miss[@]}" | sed -E 's/^  (cmd|file):(.*):(.*)$/  \1 \2 (from \3)/' >&2
	exit 1
fi
