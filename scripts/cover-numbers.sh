#!/bin/bash
# The numbers a cover letter quotes that the test command does not make:
# the pagetable hypercalls of every prefix of the series (unpatched, the
# prerequisite, patch 1, 1-2, ... all), one dom0 boot each (the counts are
# deterministic: repeated boots give the same), into
# results/<tree>/hypercalls-prefixes.csv; then everything series-numbers.sh
# prints (the test command's audits and counts too), each table with its
# date, the kernel's, Xen's and QEMU's versions on top; then the code of
# the context-switch path's cr3 writes, unpatched and with the whole series
# (compare-cr3-code.sh).
#
#   scripts/cover-numbers.sh      (XMA_KERNEL, XMA_XEN, KERNEL_SRC as for
#                                  test-kernel.sh)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

tree=$("$here/kernel-tree.sh")
tree_series "$tree"
counts=(0)
[ -z "$(series_patches "$series/prerequisite/series")" ] || counts+=(pre)
for k in $(seq 1 "$n"); do counts+=("$k"); done
XMA_REPEAT=1 XMA_HYPERCALLS_CSV=hypercalls-prefixes.csv \
	"$here/count-hypercalls.sh" "${counts[@]}" >/dev/null
"$here/series-numbers.sh" "$(basename "$tree")"

"$here/compare-cr3-code.sh"
