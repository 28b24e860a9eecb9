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
# or one entry of a multicall batch) and the requests they carry, counted
# by the guest until its late_initcall_sync.
#
# Writes to read-only pte pages, which Xen traps and emulates (ptwr), the
# guest cannot see, and Debian's Xen has no performance counters: QEMU
# logs every exception (-d int) and trapped_writes counts the write faults
# on present pages (error code 3 or 7) that the PV kernel (an IP in the
# kernel half) took on kernel-half addresses, until the first exception
# or interrupt in user mode (an IP in the user half: init runs).  Both
# kernels the same way; a fault Xen passes on to the guest (a spurious
# one) counts too, and a log line that two CPUs wrote into each other is
# missed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

tree=$("$here/kernel-tree.sh")
name=$(basename "$tree")
# XMA_HYPERCALLS_CSV: another file name under results/<tree>/ (cover-numbers.sh).
csv=$XMA_CACHE/results/$name/${XMA_HYPERCALLS_CSV:-hypercalls.csv}
mkdir -p "$(dirname "$csv")" "$XMA_CACHE/logs/$name"
fields="hypercalls mmu_update_calls mmu_update mmuext_op_calls mmuext_op update_va_mapping"
echo "patches,boot,${fields// /,},trapped_writes" > "$csv"
[ $# -gt 0 ] || set -- 0 all
repeat=${XMA_REPEAT:-2}
need_count "$repeat" "XMA_REPEAT"

for count in "$@"; do
	out=$XMA_CACHE/out/$name/measure-$count
	XMA_EXTRA_PATCHES="$XMA_TOP/measure/xen-pt-hypercall-count.patch" \
		"$here/build-guest.sh" "$tree" "$count" "$out"
	for run in $(seq "$repeat"); do
		logf=$XMA_CACHE/logs/$name/measure-$count-$run.log
		"$here/boot-xen.sh" --timeout 600 --kernel-args "xma.mode=boot" \
			--int-log "$logf.int" "$out/bzImage" "$out/initramfs.cpio.gz" "$logf"
		line=$(tr -d '\r' < "$logf" | grep -m1 'xen-pt-hypercalls:' || true)
		[ -n "$line" ] || die "no xen-pt-hypercalls line in $logf"
		row="$count,$run"
		for f in $fields; do
			[[ "$line" =~ [[:space:]]$f=([0-9]+) ]] || die "no $f= in: $line"
			row+=",${BASH_REMATCH[1]}"
		done
		trapped=$(awk '
			/ IP=[0-9a-f]+:0000/ { user = 1; exit }
			/ v=0e e=000[37] / && / IP=e033:ffff/ && / CR2=ffff[89a-f]/ { n++ }
			END { if (user) print n + 0 }' "$logf.int")
		[ -n "$trapped" ] || die "no exception in user mode in $logf.int: did init run?"
		rm -f "$logf.int"
		echo "$row,$trapped" >> "$csv"
	done
done

echo "pagetable hypercalls from kernel entry to init ($name, dom0):"
column -t -s, "$csv"
echo "csv: $csv"
