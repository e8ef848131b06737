#!/usr/bin/env bash
# Install, from Debian's packages, whatever armmap's build, tests, demo and
# benchmarks need and this machine lacks. Quiet when nothing is missing.
set -euo pipefail
need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_cmd gcc || need+=(gcc)
have_cmd make || need+=(make)
have_cmd size || need+=(binutils)
[ -f /usr/include/cmocka.h ] || need+=(libcmocka-dev)
have_cmd aarch64-linux-gnu-gcc || need+=(gcc-aarch64-linux-gnu)
have_cmd arm-none-eabi-gcc || need+=(gcc-arm-none-eabi)
have_cmd qemu-system-arm || need+=(qemu-system-arm)
have_cmd qemu-system-aarch64 || need+=(qemu-system-arm)
have_cmd valgrind || need+=(valgrind)
[ -f /usr/include/valgrind/callgrind.h ] || need+=(valgrind)
have_cmd timeout || need+=(coreutils)
[ ${#need[@]} -eq 0 ] && exit 0
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
echo "deps: installing ${need[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
