#!/usr/bin/env bash
# Install, from Debian 12's packages, what the named make targets need and
# this machine lacks:  scripts/deps.sh [demo] [test] [bench] [size]
# [fresh-check] [format] [fuzz] [fuzz-cov] [fuzz-corpus] [soak] [linux-guest]
# [docs]
# (the Makefile passes the goals it was given; plain `make` calls nothing).
# Every need is checked by what provides it (a command, a header, a QEMU
# board), never by package names. Quiet when nothing is missing; `apt-get
# update` only when something must be installed; after installing, every
# need is checked again, and anything still missing is a loud failure.
#
# QEMU: demo and test need a qemu-system-arm with the Cortex-R52 board
# mps3-an536, which QEMU has from version 10 on; Debian 12's own QEMU is 7.2.
# On Debian 12 (bookworm) qemu-system-arm therefore always comes from
# bookworm-backports (source file, written when missing:
# /etc/apt/sources.list.d/armmap-bookworm-backports.sources), in one install
# that also gives qemu-system-aarch64 (never 7.2 first and then 10), with its
# .debs kept in build/apt-archives of this clone (a second install there
# downloads nothing). Elsewhere (e.g. Debian 13, whose own QEMU is 10) it
# comes from the system's own suites.
set -euo pipefail

usage() {
	echo "usage: scripts/deps.sh TARGET...   (TARGET: demo test bench bench-compare size fresh-check format fuzz fuzz-cov fuzz-corpus soak linux-guest docs)" >&2
	exit 2
}
[ $# -gt 0 ] || usage

# A need: "kind:what:package". kind is cmd (a command on PATH), file (a
# path, e.g. a header), glob (a path pattern some file matches) or board (a
# machine that `qemu-system-arm -M help` lists). The package is Debian's
# provider of it.
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
	board:mps3-an536:qemu-system-arm cmd:timeout:coreutils)
# the Linux guest of the QEMU suite: scripts/linux-guest.sh fetches Debian's
# arm64 kernel and busybox (apt-get, dpkg-deb, tar) and packs the initramfs
# (cpio, gzip, cmp); the suite's hypervisor compiles a device tree (dtc)
linux=(cmd:dtc:device-tree-compiler cmd:cpio:cpio cmd:gzip:gzip cmd:dpkg-deb:dpkg
	cmd:apt-get:apt cmd:tar:tar cmd:cmp:diffutils)
for t in "$@"; do
	case $t in
	# the four QEMU images (cross compilers only), the Linux guest and QEMU
	demo) needs+=(cmd:make:make "${cross[@]}" "${qemu[@]}" "${linux[@]}") ;;
	# host suites (cmocka, ASan/UBSan come with gcc), cross-build, addr-types (g++:
	# armmap/addr.h as C++), docs (Doxygen), QEMU suites, inspector (its
	# pictures rendered by rsvg-convert), install (make install, then outside
	# programs built with pkg-config and CMake)
	test) needs+=(cmd:make:make "${host_c[@]}" file:/usr/include/cmocka.h:libcmocka-dev cmd:g++:g++
		cmd:doxygen:doxygen cmd:cmake:cmake cmd:pkg-config:pkgconf cmd:realpath:coreutils
		cmd:install:coreutils cmd:rsvg-convert:librsvg2-bin "${cross[@]}" "${qemu[@]}" "${linux[@]}") ;;
	# host benchmarks; instruction counts by callgrind
	bench) needs+=(cmd:make:make "${host_c[@]}" cmd:valgrind:valgrind
		file:/usr/include/valgrind/callgrind.h:valgrind) ;;
	# bench_pt at another git revision against the working tree (bench/compare.sh)
	bench-compare) needs+=(cmd:make:make "${host_c[@]}" cmd:valgrind:valgrind
		file:/usr/include/valgrind/callgrind.h:valgrind cmd:git:git cmd:tar:tar) ;;
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
	# the API reference from the public headers (scripts/docs-check.sh)
	docs) needs+=(cmd:make:make cmd:doxygen:doxygen) ;;
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
	# the list first, then grep: with pipefail, grep -q quitting early could
	# fail the pipe (SIGPIPE) although the board is there
	board) local boards
		boards=$(qemu-system-arm -M help 2>/dev/null) && grep -q "^$what " <<<"$boards" ;;
	esac
}
missing() {
	local n
	for n in "${needs[@]}"; do have "$n" || echo "$n"; done
}

mapfile -t miss < <(missing)
[ ${#miss[@]} -eq 0 ] && exit 0
mapfile -t pkgs < <(printf '%s\n' "${miss[@]}" | sed 's/.*://' | sort -u)

# Where qemu-system-arm comes from (see the top): on Debian 12 from
# bookworm-backports, in an install of its own; elsewhere with the others.
BPO=bookworm-backports
BPO_LIST=/etc/apt/sources.list.d/armmap-bookworm-backports.sources
# a field of /etc/os-release, quotes removed (empty when absent)
os_field() { sed -n "s/^$1=//p" /etc/os-release 2>/dev/null | tr -d '"'; }
codename=$(os_field VERSION_CODENAME)
plain=() qemu_bpo=
for p in "${pkgs[@]}"; do
	if [ "$p" = qemu-system-arm ] && [ "$codename" = bookworm ]; then
		qemu_bpo=1
	else
		plain+=("$p")
	fi
done
echo "deps: installing ${plain[*]}${qemu_bpo:+${plain[*]:+, }qemu-system-arm from $BPO} (for: $*)"

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
# the backports source, before the one `apt-get update`
if [ -n "$qemu_bpo" ] && [ ! -e "$BPO_LIST" ]; then
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	if [ ! -e "$keyring" ]; then
		echo "deps: FAILED: $keyring is missing (package debian-archive-keyring): cannot add $BPO" >&2
		exit 1
	fi
	echo "deps: adding $BPO as $BPO_LIST (Debian 12's QEMU 7.2 has no Cortex-R52)"
	printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' "Suites: $BPO" \
		'Components: main' "Signed-By: $keyring" | $SUDO tee "$BPO_LIST" >/dev/null
fi
if ! $SUDO apt-get update -q >"$log" 2>&1; then
	echo "deps: 'apt-get update' failed:" >&2
	tail -n 20 "$log" >&2
	exit 1
fi
if [ ${#plain[@]} -ne 0 ] &&
	! $SUDO apt-get install -y -q --no-install-recommends "${plain[@]}" >"$log" 2>&1; then
	echo "deps: FAILED to install ${plain[*]}; apt-get said:" >&2
	tail -n 20 "$log" >&2
	exit 1
fi
if [ -n "$qemu_bpo" ]; then
	# -t: qemu-system-arm and the QEMU packages it needs (qemu-system-common,
	# -data) at their backports versions; the .debs stay in this clone's
	# build/apt-archives (apt needs its partial/), outside /var/cache/apt,
	# which some images empty after every install
	archives=$(cd "$(dirname "$0")/.." && pwd)/build/apt-archives
	mkdir -p "$archives/partial"
	if ! $SUDO apt-get install -y -q --no-install-recommends -o Dir::Cache::archives="$archives" \
		-t "$BPO" qemu-system-arm >"$log" 2>&1; then
		echo "deps: FAILED to install qemu-system-arm from $BPO; apt-get said:" >&2
		tail -n 20 "$log" >&2
		exit 1
	fi
	# say what is cached: the QEMU packages by name, the libraries they pulled by number
	n=$(find "$archives" -maxdepth 1 -name '*.deb' | wc -l)
	q=$(find "$archives" -maxdepth 1 -name 'qemu-*.deb' -printf '%f\n' | sort | paste -sd ' ' -)
	nq=$(find "$archives" -maxdepth 1 -name 'qemu-*.deb' | wc -l)
	echo "deps: qemu-system-arm $(dpkg-query -W -f='${Version}' qemu-system-arm) from $BPO;" \
		"build/apt-archives holds $n .debs: ${q:-no QEMU package} and $((n - nq)) others"
fi
mapfile -t miss < <(missing)
if [ ${#miss[@]} -ne 0 ]; then
	echo "deps: FAILED: still missing after installing ${pkgs[*]}:" >&2
	from="the suites of $(os_field PRETTY_NAME)"
	[ -z "$qemu_bpo" ] || from=$BPO
	for n in "${miss[@]}"; do
		case $n in
		board:*)
			n=${n#board:}
			ver=$(qemu-system-arm --version 2>/dev/null | head -n 1) || ver=
			echo "  QEMU board ${n%%:*} (the Cortex-R52: QEMU >= 10): qemu-system-arm on PATH" \
				"is '${ver:-none}' after installing it from $from" ;;
		*) echo "  $n" | sed -E 's/^  (cmd|file|glob):(.*):(.*)$/  \1 \2 (from \3)/' ;;
		esac
	done >&2
	exit 1
fi
