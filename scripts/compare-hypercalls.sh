#!/bin/bash
# Compare the pagetable hypercalls of the pristine kernel and the series,
# from count-hypercalls.sh's CSV (rows "0" and "all", every boot).
#
#   compare-hypercalls.sh CSV
#
# The series must not make Xen do more: it fails if the series' worst
# boot has more than the pristine kernel's best in
#   traps           hypercalls into Xen carrying pagetable operations
#   pagetable requests
#                   the pagetable work Xen is asked for: mmu_update and
#                   mmuext_op requests and update_va_mapping calls
#   trapped_writes  writes to pagetable pages that Xen emulated
# Each operation's own calls (a hypercall of its own or a multicall entry)
# and requests are printed beside them, not judged: the series moves work
# between them (booting on Xen's pagetable turns a pin, a switch and an
# unpin into one mmu_update; reading Xen's p2m tables with
# early_memremap_ro() costs an mmu_update and an INVLPG per map and per
# unmap), so one of them alone may grow.  Exit 1 if the series adds, 2 if
# the CSV lacks a column or either kernel's rows.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

csv=${1:?usage: compare-hypercalls.sh CSV}
need_file "$csv"

awk -F, '
NR == 1 {
	for (i = 1; i <= NF; i++)
		col[$i] = i
	n = split("hypercalls mmu_update_calls mmu_update mmuext_op_calls mmuext_op update_va_mapping trapped_writes", need, " ")
	for (i = 1; i <= n; i++)
		if (!(need[i] in col)) {
			print "compare-hypercalls.sh: no column " need[i] > "/dev/stderr"
			bad = 1
			exit 2
		}
	next
}
# keep(SIDE, NAME, V, JUDGED): the lowest and highest V of NAME on SIDE;
# names print in the order first kept, and only JUDGED ones can fail.
function keep(side, name, v, judged) {
	if (!(name in judge)) {
		order[++names] = name
		judge[name] = judged
	}
	if (!((side, name) in lo) || v < lo[side, name])
		lo[side, name] = v
	if (!((side, name) in hi) || v > hi[side, name])
		hi[side, name] = v
}
$1 == "0" || $1 == "all" {
	side = $1 == "0" ? "before" : "after"
	rows[side]++
	keep(side, "traps", $col["hypercalls"], 1)
	keep(side, "pagetable requests", $col["mmu_update"] + $col["mmuext_op"] + $col["update_va_mapping"], 1)
	keep(side, "trapped_writes", $col["trapped_writes"], 1)
	keep(side, "mmu_update+mmuext_op calls", $col["mmu_update_calls"] + $col["mmuext_op_calls"], 0)
	keep(side, "  mmu_update calls", $col["mmu_update_calls"], 0)
	keep(side, "  mmu_update requests", $col["mmu_update"], 0)
	keep(side, "  mmuext_op calls", $col["mmuext_op_calls"], 0)
	keep(side, "  mmuext_op requests", $col["mmuext_op"], 0)
	keep(side, "  update_va_mapping", $col["update_va_mapping"], 0)
}
END {
	if (bad)
		exit 2
	if (!rows["before"] || !rows["after"]) {
		print "compare-hypercalls.sh: no rows for the pristine kernel (0) or the series (all)" > "/dev/stderr"
		exit 2
	}
	printf "  %-28s %8s -> %8s  (pristine best, series worst)\n", "", "pristine", "series"
	for (i = 1; i <= names; i++) {
		b = lo["before", order[i]]; a = hi["after", order[i]]
		mark = ""
		if (judge[order[i]] && a > b) {
			mark = "  <- the series adds"
			worse = 1
		}
		printf "  %-28s %8d -> %8d%s\n", order[i], b, a, mark
	}
	exit worse
}' "$csv"
