#!/usr/bin/env bash
# The boot payload of the Linux guest of the QEMU suite, from Debian 12's
# arm64 packages:  scripts/linux-guest.sh OUTDIR   (make: build/linux)
#   OUTDIR/Image      the kernel of linux-image-cloud-arm64 (an arm64 Image)
#   OUTDIR/release    its release string (`uname -r` in the guest)
#   OUTDIR/initrd.gz  an initramfs: tests/qemu/linux/init as /init, the
#                     static /bin/busybox of busybox-static, empty /proc
#                     /sys /dev; reproducible (same inputs, same bytes)
#   OUTDIR/packages   the file name of each .deb used
# The .debs stay in OUTDIR/pkgs/ (the cache): one already there is not
# downloaded again. When the packages cannot be resolved or downloaded (no
# network, no arm64 package lists) the newest cached ones are used, with a
# line saying so; with nothing cached it fails and says what is missing.
# An output is only rewritten when its content changes. Quiet but for one
# summary line. The arm64 architecture is added to dpkg when missing, and
# `apt-get update` runs (once) when the package lists do not know a package
# (via sudo when not root).
# For testing: LINUX_GUEST_KERNEL_PKG (default linux-image-cloud-arm64:arm64,
# a metapackage that depends on the kernel's package) and
# LINUX_GUEST_BUSYBOX_PKG (default busybox-static:arm64) name the packages.
set -euo pipefail

me=linux-guest
if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: scripts/linux-guest.sh OUTDIR" >&2
	exit 2
fi
out=${1%/}
pkgs=$out/pkgs
kmeta=${LINUX_GUEST_KERNEL_PKG:-linux-image-cloud-arm64:arm64}
bbpkg=${LINUX_GUEST_BUSYBOX_PKG:-busybox-static:arm64}
init=$(cd "$(dirname "$0")/.." && pwd)/tests/qemu/linux/init
[ -f "$init" ] || { echo "$me: $init is missing" >&2; exit 1; }

mkdir -p "$pkgs"
work=$(mktemp -d "$(cd "$out" && pwd)/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$work/log

# What apt said in $log, on one line: its errors, else its last line.
said() {
	local s
	s=$(grep -E '^E: ' "$log" | sed 's/^E: //' | paste -sd ';' - | sed 's/;/; /g') || true
	[ -n "$s" ] || s=$(tail -n 1 "$log")
	echo "${s:-no message}"
}

SUDO=
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
can_admin() { [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; }
export DEBIAN_FRONTEND=noninteractive
# As root apt downloads as _apt, which cannot write here: no sandbox user.
APT_DL=(apt-get -q)
[ "$(id -u)" -ne 0 ] || APT_DL+=(-o APT::Sandbox::User=root)

updated=
apt_update() {
	[ -z "$updated" ] || return 1
	updated=1
	if ! can_admin; then
		echo "not root and no sudo to run apt-get update" >"$log"
		return 1
	fi
	$SUDO apt-get update -q >"$log" 2>&1
}

# The arm64 packages are only known with the architecture added to dpkg.
why=
archs=" $(dpkg --print-architecture) $(dpkg --print-foreign-architectures | tr '\n' ' ') "
if [[ $archs != *" arm64 "* ]]; then
	if ! can_admin; then
		why="the arm64 architecture is not added to dpkg, and not root and no sudo to add it"
	elif ! $SUDO dpkg --add-architecture arm64 >"$log" 2>&1; then
		why="dpkg --add-architecture arm64 failed: $(said)"
	elif ! apt_update; then
		why="apt-get update (after adding arm64) failed: $(said)"
	fi
fi

# resolve PKG: the .deb apt would download for PKG now: its package in
# $r_pkg, its file name, size and hash in $r_file $r_size $r_hash (the
# kernel metapackage is resolved to the kernel's own package first).
resolve() {
	local deps line
	r_pkg=$1
	if [ "$r_pkg" = "$kmeta" ]; then
		deps=$(apt-cache depends "$r_pkg" 2>"$log") || return 1
		r_pkg=$(sed -nE '/^ *\|?Depends: linux-image-/{s/^ *\|?Depends: ([^ <>]+).*/\1/p;q}' <<<"$deps")
		if [ -z "$r_pkg" ]; then
			echo "E: $kmeta depends on no linux-image package" >"$log"
			return 1
		fi
	fi
	line=$("${APT_DL[@]}" download --print-uris "$r_pkg" 2>"$log") || return 1
	line=$(grep -m 1 "^'" <<<"$line" | tr -d "'") || true
	read -r _ r_file r_size r_hash <<<"$line" || true
	if [ -z "$r_hash" ]; then
		echo "E: apt-get download --print-uris $r_pkg named no file" >"$log"
		return 1
	fi
}

# hash_ok FILE: FILE has the size and hash apt gave for it (TYPE:HEX).
hash_ok() {
	local sum
	[ -f "$1" ] && [ "$(stat -c %s "$1")" = "$r_size" ] || return 1
	case ${r_hash%%:*} in
	SHA256) sum=sha256sum ;;
	SHA512) sum=sha512sum ;;
	SHA1) sum=sha1sum ;;
	MD5Sum) sum=md5sum ;;
	*) return 0 ;;
	esac
	[ "$($sum <"$1" | cut -d' ' -f1)" = "${r_hash#*:}" ]
}

# fetch PKG: $deb, the cached .deb of PKG's current version, downloaded
# first when it is not cached yet.
fetch() {
	resolve "$1" || return 1
	if ! hash_ok "$pkgs/$r_file"; then
		rm -rf "$work/dl" && mkdir "$work/dl"
		(cd "$work/dl" && "${APT_DL[@]}" download "$r_pkg" >"$log" 2>&1) || return 1
		if ! hash_ok "$work/dl/$r_file"; then
			echo "E: the downloaded $r_file does not match the package lists" >"$log"
			return 1
		fi
		mv "$work/dl/$r_file" "$pkgs/$r_file"
	fi
	deb=$pkgs/$r_file
}

# fetch_retry PKG: fetch, and when that fails, apt-get update (once in all)
# and fetch again; when it fails, $reason says why.
fetch_retry() {
	local first
	fetch "$1" && return 0
	first=$(said)
	if [ -n "$updated" ]; then reason="apt-get said: $first"; return 1; fi
	if ! apt_update; then
		reason="apt-get said: $first; apt-get update failed: $(said)"
		return 1
	fi
	fetch "$1" && return 0
	reason="apt-get said, after apt-get update: $(said)"
	return 1
}

# newest_cached GLOB: $deb, the cached .deb matching GLOB of highest version.
newest_cached() {
	local f v best='' bestv=''
	for f in "$pkgs"/$1; do
		[ -f "$f" ] || continue
		v=$(dpkg-deb -f "$f" Version 2>/dev/null) || continue
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$bestv"; then best=$f bestv=$v; fi
	done
	deb=$best
	[ -n "$best" ]
}

# get WHAT GLOB: $deb, the .deb of package WHAT, else the newest cached .deb
# matching GLOB (noted in $fallback); else noted in $missing.
fallback=() missing=()
get() {
	local what=$1 glob=$2 reason=$why
	deb=
	if [ -z "$why" ] && fetch_retry "$what"; then return 0; fi
	if newest_cached "$glob"; then
		fallback+=("cannot download $what ($reason); using the cached ${deb##*/}")
		return 0
	fi
	missing+=("cannot download $what ($reason), and $pkgs/ holds no cached $glob")
	return 1
}

get "$kmeta" 'linux-image-*_arm64.deb' && kdeb=$deb
get "$bbpkg" 'busybox-static_*_arm64.deb' && bdeb=$deb
if [ ${#missing[@]} -ne 0 ]; then
	printf "$me: %s\n" "${missing[@]}" >&2
	exit 1
fi
if [ ${#fallback[@]} -ne 0 ]; then
	echo "$me: $(printf '%s; ' "${fallback[@]}" | sed 's/; $//')"
fi

# ---- the outputs --
# put TMP DEST: TMP becomes DEST unless DEST already has the same content.
put() {
	if cmp -s "$1" "$2"; then rm -f "$1"; else mv -f "$1" "$2"; fi
}

mkdir "$work/k"
dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$work/k" --wildcards './boot/vmlinuz-*'
vmlinuz=("$work"/k/boot/vmlinuz-*)
if [ ${#vmlinuz[@]} -ne 1 ] || [ ! -f "${vmlinuz[0]}" ]; then
	echo "$me: $(basename "$kdeb") holds no single /boot/vmlinuz-*" >&2
	exit 1
fi
release=${vmlinuz[0]##*/vmlinuz-}
img=$work/Image
case $(od -An -c -j 56 -N 4 "${vmlinuz[0]}" | tr -d ' ') in
ARMd) cp "${vmlinuz[0]}" "$img" ;;
*) # a compressed kernel: an arm64 Image once gunzipped
	if ! gzip -dc <"${vmlinuz[0]}" >"$img" 2>/dev/null ||
		[ "$(od -An -c -j 56 -N 4 "$img" | tr -d ' ')" != ARMd ]; then
		echo "$me: /boot/vmlinuz-$release of $(basename "$kdeb") is not an arm64 Image" >&2
		exit 1
	fi ;;
esac

dpkg-deb -x "$bdeb" "$work/b"
if [ ! -f "$work/b/bin/busybox" ] || [ "$(od -An -tx1 -j 18 -N 2 "$work/b/bin/busybox" | tr -d ' ')" != b700 ]; then
	echo "$me: $(basename "$bdeb") holds no arm64 /bin/busybox" >&2
	exit 1
fi
bbver=$(dpkg-deb -f "$bdeb" Version)

root=$work/root
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev"
install -m 0755 "$work/b/bin/busybox" "$root/bin/busybox"
install -m 0755 "$init" "$root/init"
chmod 0755 "$root" "$root/bin" "$root/proc" "$root/sys" "$root/dev"
find "$root" -exec touch -h -d @0 {} +
cpio_opts=(-o -H newc --quiet -R 0:0)
if [[ $(cpio --help 2>&1) == *--reproducible* ]]; then cpio_opts+=(--reproducible); fi
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio "${cpio_opts[@]}") | gzip -9 -n >"$work/initrd.gz"

echo "$release" >"$work/release"
printf '%s\n' "$(basename "$kdeb")" "$(basename "$bdeb")" >"$work/packages"
for f in Image initrd.gz release packages; do
	chmod 0644 "$work/$f"
	put "$work/$f" "$out/$f"
done

echo "$me: Linux $release ($(basename "$kdeb")), busybox $bbver -> $out/{Image,initrd.gz}"
