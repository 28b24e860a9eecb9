# shellcheck shell=bash
# Common helpers for the xen-mmu-audit scripts; sourced, never run.

XMA_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
XMA_CACHE=${XMA_CACHE:-$HOME/.cache/xen-mmu-audit}
export XMA_TOP XMA_CACHE

die() {
	echo "${0##*/}: error: $*" >&2
	exit 1
}

log() {
	echo "${0##*/}: $*" >&2
}

need_file() {
	[ -e "$1" ] || die "$1: not found${2:+ ($2)}"
}

# The make ARCH of a configured kernel build directory: i386 or x86_64,
# as its .config says (x86 Kconfig's CONFIG_64BIT).
kernel_arch() {
	need_file "$1/.config" "configure it with configure-kernel.sh"
	if grep -qx 'CONFIG_64BIT=y' "$1/.config"; then
		echo x86_64
	else
		echo i386
	fi
}

# Number of parallel jobs for make: the machine's cores, at most.
jobs() {
	nproc 2>/dev/null || echo 2
}

# Run a command holding the lock file $XMA_LOCK, if set, so that harness
# runs sharing a machine build and boot one at a time (timings stay
# honest).  The wait, in ms, is added to the file $XMA_LOCK_WAITS, if set.
run_locked() {
	local fd t0 rc=0
	if [ -z "${XMA_LOCK:-}" ]; then
		"$@"
		return
	fi
	t0=$(date +%s%N)
	exec {fd}>>"$XMA_LOCK"
	flock "$fd"
	if [ -n "${XMA_LOCK_WAITS:-}" ]; then
		echo $((($(date +%s%N) - t0) / 1000000)) >> "$XMA_LOCK_WAITS"
	fi
	"$@" || rc=$?
	exec {fd}>&-
	return $rc
}

# A dom0 that only hosts the domU under test (XMA_GUESTS=domu) must still
# boot, print its audit and power off cleanly, or the domU's result
# cannot stand.  $1: dom0's part of the serial log.
check_host() {
	"$XMA_TOP/scripts/verdict.sh" --audit-only "$1" >/dev/null ||
		{ echo "dom0 (the domU's host) failed: see $1"; return 1; }
}
