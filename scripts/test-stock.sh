#!/bin/bash
# The stock-kernel leg of the test command: Debian 12's own kernel
# (linux-image-amd64), what a user tries first, boots as a Xen PV dom0
# under Debian's Xen $XMA_XEN with the module built against its headers
# (stock-guest.sh), prints its audit and runs the kselftest; a second boot
# raises kernel lockdown after the module loaded and checks the module's
# files under it (xma.mode=lockdown).
#
#   scripts/test-stock.sh
#
# The stock kernel carries the findings the series fixes: its audit is
# saved as that kernel's before picture (results/stock/before-audit.txt),
# and the two tests that count findings may fail on them
# (verdict.sh --tolerate-findings); every other test must pass, among
# them every_tree_found (every tree the module walks was found there).
# Each result is appended to $XMA_SUMMARY when set, as test-kernel.sh's.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

out=$XMA_CACHE/out/stock
logs=$XMA_CACHE/logs/stock
results=$XMA_CACHE/results/stock
mkdir -p "$logs" "$results"

echo "== Debian's stock kernel as dom0 under Xen $XMA_XEN"
# The kselftest is user space: any tree's harness headers build it.
"$here/build-selftests.sh" "$("$here/kernel-tree.sh")" "$out/selftests" x86_64
"$here/stock-guest.sh" "$out/selftests" "$out/guest"
what="stock $(cut -d' ' -f1 "$out/guest/version") ($(cut -d' ' -f2 "$out/guest/version"))"
logf=$logs/stock-test.log
"$here/boot-guests.sh" --dom0 test --timeout 900 "$out/guest" "$logf"
rc=0
"$here/verdict.sh" --audit-only --save-audit "$results/before-audit.txt" "$logf" || rc=$?
if [ $rc -eq 0 ]; then
	"$here/verdict.sh" --tolerate-findings "$logf" || rc=$?
fi
result "$what, Xen $XMA_XEN: dom0 boots, the module loads and audits, kselftest (findings tolerated)" $rc
all=$rc

# Debian's kernel has XEN_BALLOON_MEMORY_HOTPLUG: its p2m is sized for
# 512 GiB whatever the RAM.  The module must load and audit in a 192 MiB
# PV domU of it (it used to want 192 MiB of bitmaps there, and insmod was
# OOM-killed), holding no more than 256 KiB plus a byte per pfn of RAM
# (the linear map alone takes 8 bytes per pfn of pagetables).
logf=$logs/stock-domu192.log
"$here/boot-guests.sh" --dom0 audit --domu audit --domu-mem 192 --domu-timeout 300 \
	"$out/guest" "$logf"
rc=0
"$here/verdict.sh" --audit-only "${logf%.log}.dom0.log" >/dev/null || rc=$?
domu_audit=$results/domu192-audit.txt
rm -f "$domu_audit"
"$here/verdict.sh" --audit-only --save-audit "$domu_audit" "${logf%.log}.domu.log" || rc=$?
if [ $rc -eq 0 ]; then
	bytes=$(sed -n 's/^memory_bytes: //p' "$domu_audit")
	pfns=$(sed -n 's/^ram_pfns: //p' "$domu_audit")
	echo "module memory in a 192 MiB domU: $bytes bytes for $pfns pfns of RAM (p2m: $(sed -n 's/^p2m_pfns: //p' "$domu_audit") pfns)"
	if [ -z "$bytes" ] || [ -z "$pfns" ] || [ "$bytes" -gt $((262144 + pfns)) ]; then
		echo "more than 256 KiB + $pfns bytes"
		rc=1
	fi
fi
result "$what, Xen $XMA_XEN: the module loads and audits in a 192 MiB PV domU of a kernel with the balloon's hotplug, memory by RAM" $rc
[ $rc -eq 0 ] || all=$rc
# The same boot's cross-checks with Xen's page types: an unpatched
# kernel, so what disagrees is reported, not failed.
rc=0
rm -f "$results/xen-types.csv"
for g in dom0 domu; do
	echo "$g:"
	"$here/compare-xen-types.py" --report-only --csv "$results/xen-types.csv" \
		--label "stock $g" "${logf%.log}.$g.log" || rc=$?
done
result "$what, Xen $XMA_XEN: in dom0 and the 192 MiB PV domU, the audit cross-checked with Xen's page types" $rc
[ $rc -eq 0 ] || all=$rc

# Debian enables the lockdown LSM (Secure Boot raises it): the report
# must stay readable and the settings must work under it.
logf=$logs/stock-lockdown.log
"$here/boot-guests.sh" --dom0 lockdown --timeout 600 "$out/guest" "$logf"
rc=0
"$here/verdict.sh" --lockdown-only "$logf" || rc=$?
result "$what, Xen $XMA_XEN: under lockdown the report stays readable, the settings work through the module parameters" $rc
[ $rc -eq 0 ] || all=$rc
[ $all -eq 0 ]
