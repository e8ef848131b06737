#!/usr/bin/env bash
# `make fresh-check`: the README's two commands, `make demo` then
# `make test`, on a fresh Debian 12 machine: a chroot made by
#   debootstrap --variant=minbase --include=make,git,ca-certificates bookworm
# with a fresh clone of this repository's committed HEAD inside (uncommitted
# changes are not tested). Output goes to the terminal and to
# build/fresh-check/*.log; the run closes with `fresh-check: N passed, M failed`.
#
# The debootstrap result is cached as a tarball outside the clone
# (ARMMAP_FRESH_ROOTFS, default /var/cache/armmap/fresh-bookworm-minbase.tar.gz)
# and made again when missing. Each run unpacks a new chroot from it under
# ARMMAP_FRESH_TMP (default /var/tmp), bind-mounts /proc, /sys, /dev and
# /dev/pts into it, and removes it at the end: every mount is undone first on
# every exit path, and the tree is deleted only when findmnt shows nothing
# mounted under it. Needs root (re-runs itself with sudo otherwise).
set -euo pipefail

MIRROR=${ARMMAP_FRESH_MIRROR:-http://deb.debian.org/debian}
CACHE=${ARMMAP_FRESH_ROOTFS:-/var/cache/armmap/fresh-bookworm-minbase.tar.gz}
TMPBASE=${ARMMAP_FRESH_TMP:-/var/tmp}
SUITE=bookworm
INCLUDE=make,git,ca-certificates
# The README's commands, in its order.
CMDS=("make demo" "make test")

say() { echo "fresh-check: $*"; }
die() { echo "fresh-check: ERROR: $*" >&2; exit 1; }

repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || die "needs root (chroot, mounts) and there is no sudo"
	exec sudo --preserve-env=ARMMAP_FRESH_MIRROR,ARMMAP_FRESH_ROOTFS,ARMMAP_FRESH_TMP "$0" "$@"
fi
for c in debootstrap git tar gzip chroot mount umount findmnt; do
	command -v "$c" >/dev/null 2>&1 || die "'$c' is missing (scripts/deps.sh fresh-check installs it)"
done

head=$(git -C "$repo" rev-parse HEAD)
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
	echo "fresh-check: WARNING: the working tree has uncommitted changes; they are NOT tested" >&2
	echo "fresh-check: WARNING: (only the committed HEAD $head is)" >&2
fi
logs=$repo/build/fresh-check
mkdir -p "$logs"
rm -f "$logs"/*.log

# ------------------------------------------------------------- cleanup --
# Every directory this script may delete, and every mount it made.
work=
mounts=()
# Mount points at or below $1, deepest first.
mounts_under() {
	findmnt -rn -o TARGET | awk -v d="$1" '$0 == d || index($0, d "/") == 1' | sort -r
}
# Kill (by id) what still runs inside the chroot $1: processes this run
# started there (e.g. a QEMU left by an interrupted make).
kill_inside() {
	local p r pids=()
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		if [ "$r" = "$1" ] || [ "${r#"$1"/}" != "$r" ]; then pids+=("${p#/proc/}"); fi
	done
	[ ${#pids[@]} -eq 0 ] && return 0
	say "stopping processes left in the chroot: ${pids[*]}"
	kill "${pids[@]}" 2>/dev/null || true
	sleep 1
	kill -9 "${pids[@]}" 2>/dev/null || true
}
# Undo every mount at or below $1 (ours, deepest first, then any other);
# fails when something is still mounted there.
unmount_under() {
	local d=$1 m i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		m=${mounts[i]}
		case $m in "$d" | "$d"/*) ;; *) continue ;; esac
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	while read -r m; do
		[ -z "$m" ] || umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done < <(mounts_under "$d")
	if [ -n "$(mounts_under "$d")" ]; then
		echo "fresh-check: ERROR: still mounted under $d:" >&2
		mounts_under "$d" >&2
		return 1
	fi
}
# Delete the tree $1, only once findmnt shows nothing mounted under it.
remove_tree() {
	local d=$1
	[ -n "$d" ] && [ -d "$d" ] || return 0
	kill_inside "$d"
	if ! unmount_under "$d"; then
		echo "fresh-check: ERROR: NOT deleting $d (live mounts under it)" >&2
		return 1
	fi
	rm -rf --one-file-system "$d"
}
# Run "$@" in the background and wait for it, so that a signal to this
# script is handled at once (cleanup then stops what runs in the chroot).
bg=
run_bg() {
	"$@" &
	bg=$!
	local rc=0
	wait "$bg" || rc=$?
	bg=
	return "$rc"
}
cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	if [ -n "$bg" ]; then
		say "interrupted: stopping $bg"
		kill "$bg" 2>/dev/null || true
	fi
	remove_tree "$work" || rc=1
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

work=$(mktemp -d "$TMPBASE/armmap-fresh.XXXXXX")
case $work/ in "$repo"/*) die "ARMMAP_FRESH_TMP ($TMPBASE) must be outside the clone" ;; esac
case $CACHE in "$repo"/*) die "ARMMAP_FRESH_ROOTFS ($CACHE) must be outside the clone" ;; esac

# ----------------------------------------------------- the cached rootfs --
t0=$SECONDS
if [ ! -s "$CACHE" ]; then
	say "no cached rootfs at $CACHE: debootstrap --variant=minbase --include=$INCLUDE $SUITE ($MIRROR)"
	mkdir -p "$(dirname "$CACHE")"
	boot=$work/debootstrap
	if ! run_bg debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$boot" "$MIRROR" \
		>"$logs/debootstrap.log" 2>&1; then
		tail -n 30 "$logs/debootstrap.log" >&2
		die "debootstrap FAILED (log: $logs/debootstrap.log)"
	fi
	unmount_under "$boot" || die "debootstrap left mounts under $boot"
	tar -C "$boot" --numeric-owner -czf "$CACHE.tmp" . || die "could not write $CACHE.tmp"
	mv "$CACHE.tmp" "$CACHE"
	remove_tree "$boot" || die "could not remove $boot"
	say "cached the rootfs in $CACHE ($(du -h "$CACHE" | cut -f1), $((SECONDS - t0)) s)"
fi

# ------------------------------------------------------------ the chroot --
root=$work/root
mkdir "$root"
tar -C "$root" --numeric-owner -xzf "$CACHE" || die "could not unpack $CACHE"
git clone -q --no-local "$repo" "$root/root/armmap"
git -C "$root/root/armmap" checkout -q --detach "$head"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
bind() { # bind <host dir> <type or "bind">
	local dst=$root$1
	mkdir -p "$dst"
	if [ "$2" = bind ]; then mount --bind "$1" "$dst"; else mount -t "$2" "$2" "$dst"; fi
	mounts+=("$dst")
}
bind /proc proc
bind /sys bind
bind /dev bind
bind /dev/pts bind
say "chroot $root (rootfs from $CACHE), clone of HEAD $head at /root/armmap"

# ------------------------------------------------------------ the checks --
passed=0 failed=0
run_in_chroot() { # run_in_chroot <log> <command>
	env -i HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		chroot "$root" /bin/bash -c "cd /root/armmap && $2" </dev/null 2>&1 | tee "$1"
	return "${PIPESTATUS[0]}"
}
for cmd in "${CMDS[@]}"; do
	name=${cmd#make }
	log=$logs/$name.log
	echo
	say "== $cmd (in the chroot; log $log)"
	t=$SECONDS
	rc=0
	run_bg run_in_chroot "$log" "$cmd" || rc=$?
	why=
	if [ "$rc" -ne 0 ]; then
		why="exit status $rc"
	elif [ "$cmd" = "make test" ]; then
		last=$(tail -n 1 "$log")
		grep -qE '^[0-9]+ passed, 0 failed$' <<<"$last" || why="last line is '$last', not 'N passed, 0 failed'"
	fi
	if [ -z "$why" ]; then
		say "ok   $cmd ($((SECONDS - t)) s)"
		passed=$((passed + 1))
	else
		say "FAIL $cmd: $why ($((SECONDS - t)) s)"
		failed=$((failed + 1))
	fi
done

echo
say "HEAD $head, $((SECONDS - t0)) s in all; logs in $logs"
echo "fresh-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
