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

# Debian enables the lockdown LSM (Secure Boot raises it): the report
# must stay readable and the settings must work under it.
logf=$logs/stock-lockdown.log
"$here/boot-guests.sh" --dom0 lockdown --timeout 600 "$out/guest" "$logf"
rc=0
"$here/verdict.sh" --lockdown-only "$logf" || rc=$?
result "$what, Xen $XMA_XEN: under lockdown the report stays readable, the settings work through the module parameters" $rc
[ $rc -eq 0 ] || all=$rc
[ $all -eq 0 ]
