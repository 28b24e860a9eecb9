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

# What the numbers were measured on, from the pristine kernel's boot log of
# the same run: the kernel's and Xen's version lines, and QEMU's.
boot_log=
for f in "$XMA_CACHE/logs/$name/p0-audit.log" "$XMA_CACHE/logs/$name"/*p0*.log; do
	[ -f "$f" ] && grep -aq 'Linux version' "$f" && { boot_log=$f; break; }
done
if [ -n "$boot_log" ]; then
	echo "Measured on (from $(basename "$boot_log"), $(date -u -r "$boot_log" '+%Y-%m-%d %H:%M') UTC):"
	tr -d '\r' < "$boot_log" | grep -ao 'Linux version [^ ]*' | head -n 1 | sed 's/^/  /'
	tr -d '\r' < "$boot_log" | grep -ao 'Xen version [0-9][^(]*([^)]*)' | head -n 1 | sed 's/^/  /'
fi
echo "  $(qemu-system-x86_64 --version 2>/dev/null | head -n 1), TCG"
echo

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

# hypercall_table CSV WHAT: the table of a count-hypercalls.sh CSV.
hypercall_table() {
	local csv=$1
	[ -f "$csv" ] || return 0
	echo
	echo "Pagetable hypercalls from kernel entry to init, dom0, $2"
	echo "($(date -u -r "$csv" '+%Y-%m-%d %H:%M') UTC; the first boot of each kernel; every boot: $csv):"
	awk -F, '
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	$2 == 1 {
		label = $1 == "0" ? "unpatched" : $1 == "pre" ? "prerequisite" : \
			$1 == "all" ? "whole series" : "+ patch " $1
		printf "  %-14s %6s  %5s %5s  %5s %5s  %9s  %8s\n", label,
			$col["hypercalls"], $col["mmu_update_calls"], $col["mmu_update"],
			$col["mmuext_op_calls"], $col["mmuext_op"],
			$col["update_va_mapping"], $col["trapped_writes"]
		for (i = 3; i <= NF; i++) v[$1, i] = $i
		seen[$1] = 1
		last = $1
	}
	END {
		top = seen["all"] ? "all" : last
		if (!seen["0"] || top == "" || top == "0")
			exit
		printf "  %-14s %+6d  %+5d %+5d  %+5d %+5d  %+9d  %+8d\n", "difference",
			v[top, col["hypercalls"]] - v["0", col["hypercalls"]],
			v[top, col["mmu_update_calls"]] - v["0", col["mmu_update_calls"]],
			v[top, col["mmu_update"]] - v["0", col["mmu_update"]],
			v[top, col["mmuext_op_calls"]] - v["0", col["mmuext_op_calls"]],
			v[top, col["mmuext_op"]] - v["0", col["mmuext_op"]],
			v[top, col["update_va_mapping"]] - v["0", col["update_va_mapping"]],
			v[top, col["trapped_writes"]] - v["0", col["trapped_writes"]]
		printf "  (the last row against the first; traps %+.1f%%)\n",
			100 * (v[top, col["hypercalls"]] - v["0", col["hypercalls"]]) / v["0", col["hypercalls"]]
	}
	BEGIN {
		printf "  %-14s %6s  %11s  %11s  %9s  %8s\n", "", "traps", "mmu_update", "mmuext_op", "update_va", "emulated"
		printf "  %-14s %6s  %5s %5s  %5s %5s  %9s  %8s\n", "", "", "calls", "reqs", "calls", "reqs", "mapping", ""
	}' "$csv"
}

hypercall_table "$results/hypercalls.csv" "the test command's count"
hypercall_table "$results/hypercalls-prefixes.csv" "every prefix (cover-numbers.sh)"
