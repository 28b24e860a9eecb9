#!/bin/bash
# Check out the pristine tree on a fresh branch and `git am` a series.
#
#   apply-series.sh TREE SERIES_DIR [COUNT]
#
# Applies the first COUNT patches named in SERIES_DIR/series (all by
# default; 0 leaves the pristine tree).  The patches named in
# SERIES_DIR/prerequisite/series, if any, are what the series is based on
# but sent apart (a fix for today's kernels): they go first whenever COUNT
# is not 0, and COUNT "pre" applies them alone.  A missing or empty series
# is not an error.  A patch that does not apply stops the run and is named.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${1:?usage: apply-series.sh TREE SERIES_DIR [COUNT]}
dir=${2:?usage: apply-series.sh TREE SERIES_DIR [COUNT]}
count=${3:-all}
[ "$count" = all ] || [ "$count" = pre ] || [[ "$count" =~ ^[0-9]+$ ]] ||
	die "COUNT must be a number, all or pre, not '$count'"
# git -C would read a relative path from the tree.
dir=$(realpath "$dir")
git -C "$tree" rev-parse -q --verify xma-pristine >/dev/null ||
	die "$tree: no xma-pristine tag (prepare it with kernel-tree.sh)"

# read_series DIR: the patch files DIR/series names, into $list.
read_series() {
	local p
	list=()
	for p in $(series_patches "$1/series"); do
		need_file "$1/$p" "listed in $1/series"
		list+=("$1/$p")
	done
}
read_series "$dir/prerequisite"
prerequisites=("${list[@]}")
read_series "$dir"
patches=("${list[@]}")
if [ "$count" = pre ]; then
	[ ${#prerequisites[@]} -gt 0 ] || die "$dir/prerequisite/series names no patch"
	count=0
	todo=("${prerequisites[@]}")
else
	[ "$count" = all ] && count=${#patches[@]}
	[ "$count" -le ${#patches[@]} ] || die "COUNT $count > ${#patches[@]} patches in $dir/series"
	todo=()
	[ "$count" -eq 0 ] || todo=("${prerequisites[@]}" "${patches[@]:0:$count}")
fi

git -C "$tree" am --abort >/dev/null 2>&1 || true
git -C "$tree" checkout -q -f -B xma-applied xma-pristine
git -C "$tree" clean -q -fdx
for p in "${todo[@]}"; do
	if ! git -C "$tree" am -q "$p" >/dev/null 2>&1; then
		git -C "$tree" am --abort >/dev/null 2>&1 || true
		die "patch does not apply: $p"
	fi
done
log "$tree: $((${#todo[@]} - count)) prerequisite and $count of ${#patches[@]} patches applied"
