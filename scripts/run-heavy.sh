#!/bin/bash
# The heavy command: the patched kernel built with the kernel's debug
# checkers (Kconfig.debug.fragment: lockdep, atomic-sleep, DEBUG_VM,
# DEBUG_LIST, kmemleak, ptdump) boots as dom0 with panic_on_warn and runs
# the heavy kselftest: 1000 audits under the storm, 10000 bad commands,
# the kernel pagetable unchanged around 200 audits, 100 unload/load cycles
# with readers; then kmemleak scans.  Any report fails the verdict.
#
#   scripts/run-heavy.sh            (KERNEL_SRC=<tree> for another tree)
#
# The counts can be changed with XMA_STRESS_AUDITS, XMA_STRESS_BAD_WRITES,
# XMA_STRESS_IDLE_AUDITS and XMA_STRESS_CYCLES (kernel command line).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

"$here/install-deps.sh"
start=$(date +%s)
tree=$("$here/kernel-tree.sh")
name=$(basename "$tree")
out=$XMA_CACHE/out/$name/heavy
logf=$XMA_CACHE/logs/$name/heavy.log
XMA_EXTRA_FRAGMENT="$XMA_TOP/Kconfig.debug.fragment" \
	"$here/build-guest.sh" "$tree" all "$out"
"$here/boot-xen.sh" --timeout 3600 --kernel-args "xma.mode=heavy panic_on_warn=1" \
	"$out/bzImage" "$out/initramfs.cpio.gz" "$logf"
rc=0; "$here/verdict.sh" "$logf" || rc=$?
tr -d '\r' < "$logf" | grep -E '^# .*(audits run under|bad writes:|kernel pagetable dump|unload/load cycles)' || true
echo "heavy command: $(($(date +%s) - start)) s"
exit $rc
