#!/bin/bash
# Check out the pristine tree on a fresh branch and `git am` a series.
#
#   apply-series.sh TREE SERIES_DIR [COUNT]
#
# Applies the first COUNT patches named in SERIES_DIR/series (all by
# default; 0 leaves the pristine tree).  A missing or empty series is not an
# error.  A patch that does not apply stops the run and is named.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${1:?usage: apply-series.sh TREE SERIES_DIR [COUNT]}
dir=${2:?usage: apply-series.sh TREE SERIES_DIR [COUNT]}
count=${3:-all}
[ "$count" = all ] || [[ "$count" =~ ^[0-9]+$ ]] || die "COUNT must be a number, not '$count'"
git -C "$tree" rev-parse -q --verify xma-pristine >/dev/null ||
	die "$tree: no xma-pristine tag (prepare it with kernel-tree.sh)"

patches=()
if [ -f "$dir/series" ]; then
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		need_file "$dir/$p" "listed in $dir/series"
		patches+=("$dir/$p")
	done < "$dir/series"
fi
[ "$count" = all ] && count=${#patches[@]}
[ "$count" -le ${#patches[@]} ] || die "COUNT $count > ${#patches[@]} patches in $dir/series"

git -C "$tree" am --abort >/dev/null 2>&1 || true
git -C "$tree" checkout -q -f -B xma-applied xma-pristine
git -C "$tree" clean -q -fdx
for p in "${patches[@]:0:$count}"; do
	if ! git -C "$tree" am -q "$p" >/dev/null 2>&1; then
		git -C "$tree" am --abort >/dev/null 2>&1 || true
		die "patch does not apply: $p"
	fi
done
log "$tree: $count of ${#patches[@]} patches applied"
