#!/bin/bash
# Count the pagetable hypercalls a dom0 makes from kernel entry to init,
# without and with the series, the same way in the same run: both kernels
# get measure/xen-pt-hypercall-count.patch on top.
#
#   scripts/count-hypercalls.sh [COUNT...]  (KERNEL_SRC=<tree> for another tree)
#
# COUNT: how many patches of the series to apply (default: 0 and all);
# each kernel boots $XMA_REPEAT times (default 2), to show the noise.
# Prints a table and writes it as CSV to results/<tree>/hypercalls.csv:
# the traps into Xen, then per operation its calls (a hypercall of its own
# or one entry of a multicall batch) and the requests they carry.
# Trapped-and-emulated writes to pagetables are not counted: the guest
# cannot see them, and Debian's Xen has no performance counters.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

tree=$("$here/kernel-tree.sh")
name=$(basename "$tree")
csv=$XMA_CACHE/results/$name/hypercalls.csv
mkdir -p "$(dirname "$csv")" "$XMA_CACHE/logs/$name"
fields="hypercalls mmu_update_calls mmu_update mmuext_op_calls mmuext_op update_va_mapping"
echo "patches,boot,${fields// /,}" > "$csv"
[ $# -gt 0 ] || set -- 0 all
repeat=${XMA_REPEAT:-2}
[[ "$repeat" =~ ^[1-9][0-9]*$ ]] || die "XMA_REPEAT must be a number, not '$repeat'"

for count in "$@"; do
	out=$XMA_CACHE/out/$name/measure-$count
	XMA_EXTRA_PATCHES="$XMA_TOP/measure/xen-pt-hypercall-count.patch" \
		"$here/build-guest.sh" "$tree" "$count" "$out"
	for run in $(seq "$repeat"); do
		logf=$XMA_CACHE/logs/$name/measure-$count-$run.log
		"$here/boot-xen.sh" --timeout 240 --kernel-args "xma.mode=boot" \
			"$out/bzImage" "$out/initramfs.cpio.gz" "$logf"
		line=$(tr -d '\r' < "$logf" | grep -m1 'xen-pt-hypercalls:' || true)
		[ -n "$line" ] || die "no xen-pt-hypercalls line in $logf"
		row="$count,$run"
		for f in $fields; do
			[[ "$line" =~ [[:space:]]$f=([0-9]+) ]] || die "no $f= in: $line"
			row+=",${BASH_REMATCH[1]}"
		done
		echo "$row" >> "$csv"
	done
done

echo "pagetable hypercalls from kernel entry to init ($name, dom0):"
column -t -s, "$csv"
echo "csv: $csv"
