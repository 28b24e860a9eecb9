#!/bin/bash
# Kernel coding style: scripts/checkpatch.pl --strict on every patch of
# every series (and its prerequisites) and on the module's and the
# kselftest's sources.
#
#   check-style.sh TREE     (TREE supplies scripts/checkpatch.pl)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${1:?usage: check-style.sh TREE}
checkpatch=$tree/scripts/checkpatch.pl
need_file "$checkpatch"
failed=0

for series in "$XMA_TOP"/patches/*/series "$XMA_TOP"/patches/*/prerequisite/series; do
	[ -f "$series" ] || continue
	dir=$(dirname "$series")
	name=${dir#"$XMA_TOP"/patches/}
	for p in $(series_patches "$series"); do
		if "$checkpatch" --strict --quiet "$dir/$p"; then
			echo "ok - checkpatch $name/$p"
		else
			echo "not ok - checkpatch $name/$p"
			failed=1
		fi
	done
done

for f in "$XMA_TOP"/module/*.[ch] "$XMA_TOP"/selftests/*.[ch]; do
	# The module's compatibility layer exists to test the kernel version
	# and to name the kernel's own interfaces (__SetPageTable and the
	# like) as they are: checkpatch's warnings about such tests and names
	# do not apply to it.
	ignore=()
	[ "$f" != "$XMA_TOP/module/compat.h" ] ||
		ignore=(--ignore "LINUX_VERSION_CODE,CONSTANT_COMPARISON,CAMELCASE")
	if "$checkpatch" --strict --quiet --no-tree "${ignore[@]}" -f "$f"; then
		echo "ok - checkpatch ${f#"$XMA_TOP"/}"
	else
		echo "not ok - checkpatch ${f#"$XMA_TOP"/}"
		failed=1
	fi
done
[ $failed -eq 0 ]
