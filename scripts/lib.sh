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

# Number of parallel jobs for make: the machine's cores, at most.
jobs() {
	nproc 2>/dev/null || echo 2
}
