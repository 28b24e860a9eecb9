# shellcheck shell=bash
# Common helpers for the xen-mmu-audit scripts; sourced, never run.

XMA_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
XMA_CACHE=${XMA_CACHE:-$HOME/.cache/xen-mmu-audit}
# The default kernel (Debian's linux-source-$XMA_KERNEL, kernel-tree.sh)
# and the Xen it boots under (Debian's $XMA_XEN: 4.20 from trixie for
# 7.3, 4.17 from the host's bookworm for 6.12 and 2.6.37).
XMA_KERNEL=${XMA_KERNEL:-7.3}
if [ -z "${XMA_XEN:-}" ]; then
	case "$XMA_KERNEL" in
	6.12|2.6.37) XMA_XEN=4.17 ;;
	*) XMA_XEN=4.20 ;;
	esac
fi
export XMA_TOP XMA_CACHE XMA_KERNEL XMA_XEN

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

# record RESULT WHAT: print a test's result line (PASS, FAIL or SKIP),
# keep it in the array recorded (a script's own summary) and add it to
# $XMA_SUMMARY, when set, for the test command's summary.
recorded=()
record() {
	local line
	line=$(printf '%-4s  %s' "$1" "$2")
	echo "$line"
	recorded+=("$line")
	[ -z "${XMA_SUMMARY:-}" ] || echo "$line" >> "$XMA_SUMMARY"
}

# count RESULT: how many lines of recorded say RESULT.
count() {
	local line n=0
	for line in "${recorded[@]}"; do
		[ "${line%% *}" != "$1" ] || n=$((n + 1))
	done
	echo "$n"
}

# result WHAT RC: record WHAT as passed if RC is 0, else as failed.
result() {
	if [ "$2" = 0 ]; then record PASS "$1"; else record FAIL "$1"; fi
}

# v2637_run ARCH COMMAND...: run COMMAND (build-guest.sh, boot-guests.sh,
# before-after-audit.sh) with what a 2.6.37 ARCH dom0 needs: its Kconfig
# fragment on allnoconfig; vmlinux, not a bzImage (its 16-bit setup code
# does not build with today's binutils; Xen boots the ELF vmlinux); its
# headers' warnings allowed (the module's own must stay none); its RAM
# limited to what Xen gave it; Debian's Xen 4.17 (i386: the PV32 one).
v2637_run() {
	local arch=$1
	shift
	XMA_XEN=4.17 XMA_FRAGMENT=$XMA_TOP/Kconfig.v2.6.37-$arch.fragment \
	XMA_KERNEL_TARGETS="vmlinux modules" XMA_HEADER_WARNINGS=allow \
	XMA_KERNEL_ARGS="mem=512M ${XMA_KERNEL_ARGS:-}" "$@"
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

# The patch files a series file names, one a line, in order (blank lines
# and # comments skipped); nothing for a missing file.
series_patches() {
	[ -f "$1" ] || return 0
	local p
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		echo "$p"
	done < "$1"
}

# need_count VALUE WHAT: die unless VALUE is a positive decimal number
# (no sign, no leading zero); WHAT names it in the message.
need_count() {
	[[ "$1" =~ ^[1-9][0-9]*$ ]] || die "$2 wants a positive number, not '$1'"
}

# tree_series TREE: set $name (the tree's directory name), $series (its
# series directory, series-dir.sh) and $n (how many patches its series
# file lists); die if it lists none.
tree_series() {
	name=$(basename "$1")
	series=$("$XMA_TOP/scripts/series-dir.sh" "$1") || exit 1
	need_file "$series/series"
	n=$(series_patches "$series/series" | wc -l)
	[ "$n" -gt 0 ] || die "no patches in $series/series: nothing to test on $name"
}

# The guests a boot judges, from $XMA_GUESTS: dom0, domu or both
# (default both); anything else is an error.
guests_setting() {
	local g=${XMA_GUESTS:-both}
	case "$g" in
	dom0|domu|both) echo "$g" ;;
	*) die "XMA_GUESTS must be dom0, domu or both, not '$g'" ;;
	esac
}
