#!/bin/bash
# Print the numbers a series' cover letter quotes, from the audits and the
# hypercall count one run of the harness saved for a tree (test-kernel.sh,
# count-hypercalls.sh): per leg, the violations of each kind and the fate
# of Xen's initial pagetable frames, then the hypercall table.  Every
# number in a cover letter is pasted from this output, with its date.
#
#   series-numbers.sh [TREE_NAME]     (default: the tree of $XMA_KERNEL)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

default=linux-source-$XMA_KERNEL
[ "$XMA_KERNEL" != 2.6.37 ] || default=linux-2.6.37
name=${1:-$default}
results=$XMA_CACHE/results/$name
[ -d "$results" ] || die "no results for $name under $XMA_CACHE (run test-kernel.sh first)"

value() {
	sed -n "s/^$2: //p" "$1" | head -n 1
}

# One line per saved audit: its leg, violations per kind, initial frames.
audit_line() {
	local f=$1 label=$2
	[ -f "$f" ] || return 0
	printf '  %-22s %5s %5s %5s %5s   %2s %2s %2s %2s   %s\n' "$label" \
		"$(value "$f" violations_writable_pt)" "$(value "$f" violations_pin_mismatch)" \
		"$(value "$f" violations_ro_leak)" "$(value "$f" violations_initial_pt)" \
		"$(value "$f" initial_pt_frames)" "$(value "$f" initial_pt_in_use)" \
		"$(value "$f" initial_pt_released)" "$(value "$f" initial_pt_stranded)" \
		"$(date -u -r "$f" '+%Y-%m-%d %H:%M')"
}

echo "Audits of $name (saved by the harness; the date is each audit's):"
printf '  %-22s %5s %5s %5s %5s   %s   %s\n' "" "wr_pt" "pin" "ro" "init" \
	"frames/in_use/released/stranded" "when (UTC)"
for guest in "" -domu -p2m-conflict; do
	case "$guest" in
	"") g="dom0" ;;
	-domu) g="PV domU" ;;
	*) g="dom0, p2m relocated" ;;
	esac
	any=0
	for f in "$results"/before-audit"$guest".txt "$results"/pre-audit"$guest".txt \
		"$results"/p[0-9]*-audit"$guest".txt; do
		[ ! -f "$f" ] || any=1
	done
	[ $any = 1 ] || continue
	echo " $g:"
	audit_line "$results/before-audit$guest.txt" "unpatched"
	audit_line "$results/pre-audit$guest.txt" "prerequisite"
	for f in "$results"/p[0-9]*-audit"$guest".txt; do
		[ -f "$f" ] || continue
		k=$(basename "$f" | sed 's/^p\([0-9]*\)-.*/\1/')
		audit_line "$f" "+ patch $k"
	done
done
# before-after-audit.sh's audits (the 2.6.37 leg): LABEL-pK-audit.txt.
for label in i386 x86_64; do
	ls "$results/$label"-p[0-9]*-audit.txt >/dev/null 2>&1 || continue
	echo " $label dom0:"
	for f in $(printf '%s\n' "$results/$label"-p[0-9]*-audit.txt | sort -V); do
		k=$(basename "$f" | sed 's/^.*-p\([0-9]*\)-audit.txt$/\1/')
		if [ "$k" = 0 ]; then audit_line "$f" "unpatched"; else audit_line "$f" "+ patch $k"; fi
	done
done
for f in "$results"/before-audit*.txt "$results"/p*-audit*.txt "$results"/*-p0-audit.txt; do
	[ -f "$f" ] || continue
	grep -q '^finding:' "$f" || continue
	echo " findings in $(basename "$f" .txt):"
	grep '^finding:' "$f" | sed 's/^/    /'
done

csv=$results/hypercalls.csv
if [ -f "$csv" ]; then
	echo
	echo "Pagetable hypercalls from kernel entry to init, dom0 ($(date -u -r "$csv" '+%Y-%m-%d %H:%M') UTC;"
	echo "the first boot of each kernel; every boot: $csv):"
	awk -F, '
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	$2 == 1 {
		label = $1 == "0" ? "unpatched" : $1 == "pre" ? "prerequisite" : \
			$1 == "all" ? "whole series" : "+ patch " $1
		printf "  %-14s %6s  %5s %5s  %5s %5s  %9s  %8s\n", label,
			$col["hypercalls"], $col["mmu_update_calls"], $col["mmu_update"],
			$col["mmuext_op_calls"], $col["mmuext_op"],
			$col["update_va_mapping"], $col["trapped_writes"]
	}
	BEGIN {
		printf "  %-14s %6s  %11s  %11s  %9s  %8s\n", "", "traps", "mmu_update", "mmuext_op", "update_va", "emulated"
		printf "  %-14s %6s  %5s %5s  %5s %5s  %9s  %8s\n", "", "", "calls", "reqs", "calls", "reqs", "mapping", ""
	}' "$csv"
fi
