#!/bin/bash
# Sparse (C=2) and W=1 warnings of the kernel's C files that the series
# touches, as the tree stands now, one warning per line with no line
# numbers (so that two trees compare even when the patches move code).
#
#   kernel-warnings.sh TREE BUILD_DIR OUT
#
# The tree's series names the files (its patches' "+++ b/" lines), so the
# pristine tree and the patched one are checked on the same files.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export LC_ALL=C

tree=${1:?usage: kernel-warnings.sh TREE BUILD_DIR OUT}
build=${2:?usage: kernel-warnings.sh TREE BUILD_DIR OUT}
out=${3:?usage: kernel-warnings.sh TREE BUILD_DIR OUT}
need_file "$build/.config" "configure and build it first"
command -v sparse >/dev/null || die "sparse not installed (scripts/install-deps.sh)"
series=$("$(dirname "$0")/series-dir.sh" "$tree")
export ARCH=${ARCH:-x86_64}
export CCACHE_DIR=${CCACHE_DIR:-$XMA_CACHE/ccache}

# The files of the patches its series files name (prerequisites too).
patches=()
for p in $(series_patches "$series/prerequisite/series"); do patches+=("$series/prerequisite/$p"); done
for p in $(series_patches "$series/series"); do patches+=("$series/$p"); done
[ ${#patches[@]} -gt 0 ] || die "$series: no patches in its series files"
mapfile -t objs < <(sed -n 's|^+++ b/\(.*\)\.c$|\1.o|p' "${patches[@]}" | sort -u)
[ ${#objs[@]} -gt 0 ] || die "$series: the series touches no C file"
# Only files this configuration builds: the others cannot be checked.
targets=()
for o in "${objs[@]}"; do
	[ -f "$build/$o" ] && targets+=("$o")
done
[ ${#targets[@]} -gt 0 ] || die "none of ${objs[*]} is built in $build"

log "sparse and W=1 on ${targets[*]}"
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
# C=2 checks the named files even when they are up to date; W=1 rebuilds
# them with the extra warnings (the next plain build rebuilds them again).
check=$("$(dirname "$0")/sparse.sh" "$tree")
if ! make -s -C "$tree" O="$build" CC="ccache ${CC:-gcc}" C=2 CHECK="$check" W=1 \
	-j"$(jobs)" "${targets[@]}" > "$raw" 2>&1; then
	cat "$raw" >&2
	die "building ${targets[*]} failed"
fi
# A kernel that finds the checker unfit only warns, and checks nothing.
if grep -q 'specified, but .* is not available' "$raw"; then
	die "the kernel did not run sparse: $(grep -m1 'specified, but' "$raw")"
fi
mkdir -p "$(dirname "$out")"
grep -E ': (warning|error):' "$raw" |
	sed -E "s|^$tree/||; s|^([^:]+):[0-9]+:[0-9]+:|\1:|" | sort > "$out" || true
log "$(wc -l < "$out") warnings, in $out"
