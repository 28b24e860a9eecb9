#!/bin/bash
# The heavy command: the patched kernel built with the kernel's debug
# checkers (Kconfig.debug.fragment: lockdep, atomic-sleep, DEBUG_VM,
# DEBUG_LIST, kmemleak, ptdump) boots as dom0, sets panic_on_warn and runs
# the heavy kselftest: 1000 audits under the storm, 10000 bad commands,
# the kernel pagetable unchanged around 200 audits, 100 unload/load cycles
# with readers; then kmemleak scans.  In the same boot, dom0's toolstack
# starts the same kernel as a PV domU, which does the same.  Any report in
# either guest fails its verdict.  The tree gets the upstream fixes in
# fixes/v<VERSION>.<PATCHLEVEL>/ on top (see there).
#
#   scripts/run-heavy.sh            (KERNEL_SRC=<tree> for another tree)
#
# XMA_GUESTS=dom0 or domu runs it in one guest only (default both; with
# domu, dom0 only hosts).  The counts can be changed with
# XMA_STRESS_AUDITS, XMA_STRESS_BAD_WRITES, XMA_STRESS_IDLE_AUDITS and
# XMA_STRESS_CYCLES (kernel command line).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

guests=$(guests_setting)
"$here/install-deps.sh"
start=$(date +%s)
tree=$("$here/kernel-tree.sh")
name=$(basename "$tree")
out=$XMA_CACHE/out/$name/heavy
logf=$XMA_CACHE/logs/$name/heavy.log
# Upstream fixes the debug checkers need that the tree lacks (fixes/v*:
# not part of the series, each says why in its log).
fixes=()
for p in "$XMA_TOP/fixes/$(basename "$("$here/series-dir.sh" "$tree")")"/*.patch; do
	[ ! -e "$p" ] || fixes+=("$p")
done
XMA_EXTRA_PATCHES="${fixes[*]}" XMA_EXTRA_FRAGMENT="$XMA_TOP/Kconfig.debug.fragment" \
	"$here/build-guest.sh" "$tree" all "$out"

# Each guest's figures, as the stress test printed them.
figures() {
	tr -d '\r' < "$1" |
		grep -E '^# .*(audits run under|bad writes:|kernel pagetable dump|unload/load cycles)' || true
}

rc=0
if [ "$guests" = dom0 ]; then
	"$here/boot-guests.sh" --dom0 heavy --timeout 3600 "$out" "$logf"
	echo "== dom0"
	"$here/verdict.sh" "$logf" || rc=1
	figures "$logf"
else
	dom0_mode=heavy
	[ "$guests" = both ] || dom0_mode=audit
	# The domU's debug kernel needs more than the test's 384 MiB.
	"$here/boot-guests.sh" --dom0 "$dom0_mode" --domu heavy --domu-timeout 3600 \
		--domu-mem 512 --timeout 6000 "$out" "$logf"
	for g in dom0 domu; do
		part=${logf%.log}.$g.log
		echo "== $g"
		if [ "$g" = dom0 ] && [ "$guests" = domu ]; then
			check_host "$part" || rc=1
			continue
		fi
		"$here/verdict.sh" "$part" || rc=1
		figures "$part"
	done
fi
echo "heavy command: $(($(date +%s) - start)) s"
exit $rc
