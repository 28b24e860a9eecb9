#!/bin/bash
# Count the pagetable hypercalls a dom0 makes from kernel entry to init,
# without and with the series, the same way in the same run: both kernels
# get measure/xen-pt-hypercall-count.patch on top.
#
#   scripts/count-hypercalls.sh            (KERNEL_SRC=<tree> for another tree)
#
# Prints a table and writes it as CSV to results/<tree>/hypercalls.csv.
# Trapped-and-emulated writes to pagetables are not counted: the guest
# cannot see them, and Debian's Xen has no performance counters.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

tree=$("$here/kernel-tree.sh")
name=$(basename "$tree")
csv=$XMA_CACHE/results/$name/hypercalls.csv
mkdir -p "$(dirname "$csv")" "$XMA_CACHE/logs/$name"
echo "kernel,hypercalls,mmu_update,mmuext_op,update_va_mapping" > "$csv"

for count in 0 all; do
	variant=pristine
	[ "$count" = 0 ] || variant=patched
	out=$XMA_CACHE/out/$name/measure-$variant
	logf=$XMA_CACHE/logs/$name/measure-$variant.log
	XMA_EXTRA_PATCHES="$XMA_TOP/measure/xen-pt-hypercall-count.patch" \
		"$here/build-guest.sh" "$tree" "$count" "$out"
	"$here/boot-xen.sh" --timeout 240 --kernel-args "xma.mode=boot" \
		"$out/bzImage" "$out/initramfs.cpio.gz" "$logf"
	line=$(tr -d '\r' < "$logf" | grep -m1 'xen-pt-hypercalls:' || true)
	[ -n "$line" ] || die "no xen-pt-hypercalls line in $logf"
	re='hypercalls=([0-9]+) mmu_update=([0-9]+) mmuext_op=([0-9]+) update_va_mapping=([0-9]+)'
	[[ "$line" =~ $re ]] || die "cannot parse: $line"
	printf '%s,%s,%s,%s,%s\n' "$variant" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" \
		"${BASH_REMATCH[3]}" "${BASH_REMATCH[4]}" >> "$csv"
done

echo "pagetable hypercalls from kernel entry to init ($name, dom0):"
column -t -s, "$csv"
echo "csv: $csv"
