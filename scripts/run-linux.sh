#!/usr/bin/env bash
# The qemu-linux suite: three runs of the hypervisor image (tests/qemu/linux)
# under QEMU, each with its payload loaded into the guest's RAM at the
# addresses of tests/qemu/linux/layout.h and its mode word written:
#   premap    Debian's kernel, the guest's RAM mapped as blocks first
#   ondemand  the same kernel, RAM mapped on its stage-2 faults
#   refuse    the refusal guest (the calls Linux never makes)
# The hypervisor prints its own checks and "qemu-linux/hyp: N passed, M
# failed"; this script adds the checks read from the guest's console (the
# Linux banner, Xen found, the grant table, no BUG/Oops/panic, uname -r,
# MemTotal, date against the RTC, /sys/hypervisor) and closes with the
# total: "qemu-linux: N passed, M failed".
#
# usage: scripts/run-linux.sh [--demo] IMAGE REFUSE_BIN DTB LINUX_DIR -- QEMU_COMMAND...
#   --demo: show the first run only, with a short summary first.
set -uo pipefail
demo=0
[ "${1:-}" = --demo ] && { demo=1; shift; }
img=$1 refuse=$2 dtb=$3 lxdir=$4
shift 4
[ "${1:-}" = -- ] && shift
qemu=("$@")
layout=tests/qemu/linux/layout.h
suite=qemu-linux

def() {
	local v
	v=$(sed -nE "s/^#define $1 (0x[0-9a-fA-F]+|[0-9]+)([^0-9a-fA-Fx].*)?$/\1/p" "$layout")
	[ -n "$v" ] || { echo "$suite: $layout has no $1" >&2; exit 1; }
	echo "$v"
}
hex() { printf '0x%x' "$(($1))"; }
if ! { ram_pa=$(def LX_RAM_PA) && ram_size=$(def LX_RAM_SIZE) && ram_ipa=$(def LX_RAM_IPA) &&
	koff=$(def LX_KERNEL_OFF) && doff=$(def LX_DTB_OFF) && ioff=$(def LX_INITRD_OFF) &&
	mode_pa=$(def LX_MODE_PA) && m_premap=$(def LX_MODE_PREMAP) &&
	m_ondemand=$(def LX_MODE_ONDEMAND) && m_refuse=$(def LX_MODE_REFUSE); }; then
	echo "$suite: 0 passed, 1 failed   ($layout lacks an address the runner needs)"
	exit 1
fi
kpa=$(hex "$ram_pa + $koff")
dpa=$(hex "$ram_pa + $doff")
ipa=$(hex "$ram_pa + $ioff")

for f in "$img" "$refuse" "$dtb" "$lxdir/Image" "$lxdir/initrd.gz" "$lxdir/release"; do
	if [ ! -s "$f" ]; then
		echo "$suite: 0 passed, 1 failed   ($f is missing: make builds it; the kernel and busybox come from scripts/linux-guest.sh)"
		exit 1
	fi
done
release=$(cat "$lxdir/release")

total_p=0 total_f=0 n=0
ok() {
	n=$((n + 1)) total_p=$((total_p + 1))
	echo "ok $n - $1"
	[ -z "${2:-}" ] || echo "  $2"
}
notok() {
	n=$((n + 1)) total_f=$((total_f + 1))
	echo "not ok $n - $1"
	[ -z "${2:-}" ] || echo "  FAIL: $2"
}

# run NAME MODE PAYLOAD [INITRD]: one QEMU run; its output in $log
run() {
	local name=$1 mode=$2 payload=$3 initrd=${4:-} rc
	local args=(-kernel "$img" -device "loader,file=$payload,addr=$kpa,force-raw=on"
		-device "loader,file=$dtb,addr=$dpa,force-raw=on"
		-device "loader,addr=$mode_pa,data=$mode,data-len=4")
	[ -z "$initrd" ] || args+=(-device "loader,file=$initrd,addr=$ipa,force-raw=on")
	log=$(mktemp)
	n=0 # the hypervisor numbers its checks from 1 in each run; the console's follow
	local start=$SECONDS
	timeout 60 "${qemu[@]}" "${args[@]}" </dev/null >"$log" 2>&1
	rc=$?
	tr -d '\r' <"$log" >"$log.txt" && mv "$log.txt" "$log"
	echo "($name: $((SECONDS - start)) s, QEMU exit status $rc)" >>"$log"
	[ "$demo" -eq 1 ] || { echo "== $suite: $name =="; cat "$log"; }
	# the hypervisor's own checks
	local line p f
	line=$(grep -E "^$suite/hyp: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n 1)
	if [ -z "$line" ]; then
		if [ "$rc" -eq 124 ]; then why="timed out after 60 s"; else why="exit status $rc"; fi
		notok "$name: the hypervisor's checks ran to the end" "no closing line ($why)"
	else
		p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
		f=$(sed -E 's/.*, ([0-9]+) failed.*/\1/' <<<"$line")
		total_p=$((total_p + p)) total_f=$((total_f + f)) n=$((n + p + f))
		[ "$rc" -eq 0 ] || [ "$f" -ne 0 ] || notok "$name: QEMU exit status" "$rc with no failed check"
	fi
}

# The console checks of a Linux run (its output in $log).
console_checks() {
	local name=$1 v mem ram_kb date rtc
	if grep -q "Linux version $release " "$log"; then
		ok "$name: the Linux banner (Debian's $release)" "$(grep -m1 -o "Linux version $release .*" "$log" | cut -c1-110)"
	else notok "$name: the Linux banner" "no 'Linux version $release'"; fi
	v=$(grep -m1 -oE "Xen [0-9.]+ support found" "$log")
	if [ -n "$v" ]; then ok "$name: Linux finds Xen by the /hypervisor node" "$v"
	else notok "$name: Linux finds Xen" "no 'Xen ... support found'"; fi
	if grep -q "Grant table initialized" "$log" && grep -q "Grant tables using version 1 layout" "$log"; then
		ok "$name: the grant table comes up" "$(grep -m1 -oE "Grant tables using version [0-9] layout" "$log"); Grant table initialized"
	else notok "$name: the grant table comes up" "no 'Grant tables using version 1 layout' and 'Grant table initialized'"; fi
	v=$(grep -m1 -E "BUG:|kernel BUG|Oops|Kernel panic|Unable to handle|WARNING: CPU" "$log")
	if [ -z "$v" ]; then ok "$name: no BUG, Oops, panic or warning"
	else notok "$name: no BUG, Oops, panic or warning" "$v"; fi
	v=$(sed -nE 's/^armmap-guest: uname -r: (.*)$/\1/p' "$log")
	if [ "$v" = "$release" ]; then ok "$name: userspace runs: uname -r prints $v"
	else notok "$name: userspace prints uname -r" "got '${v:-nothing}', expected $release"; fi
	mem=$(sed -nE 's/^armmap-guest: MemTotal: ([0-9]+) kB$/\1/p' "$log")
	ram_kb=$((ram_size / 1024))
	# the kernel keeps its image and early allocations: MemTotal is the RAM
	# given less some tens of MiB, never more, and far more than half
	if [ -n "$mem" ] && [ "$mem" -le "$ram_kb" ] && [ "$mem" -gt $((ram_kb - 49152)) ]; then
		ok "$name: MemTotal matches the RAM given" "MemTotal $mem kB of $ram_kb kB given (the rest: the kernel's image and reservations)"
	else notok "$name: MemTotal matches the RAM given" "MemTotal '${mem:-none}' kB for $ram_kb kB of RAM (expected within 48 MiB below it)"; fi
	date=$(sed -nE 's/^armmap-guest: date \+%s: ([0-9]+)$/\1/p' "$log")
	rtc=$(sed -nE 's/^hyp: RTC at the end: ([0-9]+);.*/\1/p' "$log")
	if [ -n "$date" ] && [ -n "$rtc" ] && [ $((rtc - date)) -ge -2 ] && [ $((rtc - date)) -le 5 ]; then
		ok "$name: the guest's date is the RTC's, through shared_info" "date +%s $date ($(date -u -d "@$date" '+%F %T UTC')), RTC at the end $rtc"
	else notok "$name: the guest's date is the RTC's" "date '${date:-none}', RTC at the end '${rtc:-none}' (1970 would mean the wallclock was not read from the hypervisor's frame)"; fi
	v=$(sed -nE 's/^armmap-guest: hypervisor: (.*)$/\1/p' "$log")
	if [ "$v" = xen ]; then ok "$name: /sys/hypervisor/type is xen"
	else notok "$name: /sys/hypervisor/type is xen" "got '${v:-nothing}'"; fi
}

run "premap" "$m_premap" "$lxdir/Image" "$lxdir/initrd.gz"
if [ "$demo" -eq 1 ]; then
	# the summary first (from the run's own lines), then the whole run
	checks=$(console_checks premap)
	console_checks premap >/dev/null
	echo "Summary: Debian's unmodified Linux $release, booted as a Xen guest of an EL2"
	echo "hypervisor whose stage 2 is armmap's P2M (guest RAM at IPA $(hex "$ram_ipa") = PA $(hex "$ram_pa"),"
	echo "$((ram_size >> 20)) MiB as 2 MiB blocks):"
	grep -E '^  xen: (memory_op\(add|vcpu_op|sched_op)' "$log" | sed 's/^  xen: /  - /'
	grep -E '^armmap-guest: (uname|MemTotal|date)' "$log" | sed 's/^armmap-guest: /  - the guest: /'
	echo "  - checks: $total_p passed, $total_f failed (the hypervisor's and the console's)"
	echo
	cat "$log"
	echo "$checks"
	echo "$suite (the premap run; make test runs all three): $total_p passed, $total_f failed"
	rm -f "$log"
	[ "$total_f" -eq 0 ]
	exit
fi
console_checks premap
rm -f "$log"
run "ondemand" "$m_ondemand" "$lxdir/Image" "$lxdir/initrd.gz"
console_checks ondemand
rm -f "$log"
run "refuse" "$m_refuse" "$refuse"
rm -f "$log"
echo "$suite: $total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
