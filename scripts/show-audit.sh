#!/bin/bash
# Build the patched kernel, boot it as a Xen PV dom0 under QEMU and print
# /sys/kernel/debug/xen_mmu_audit from inside it.
#
#   scripts/show-audit.sh [--pristine]     (KERNEL_SRC=<tree> for another tree)
#
# --pristine shows the unpatched kernel instead.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

count=all variant=patched
case "${1:-}" in
--pristine) count=0 variant=pristine ;;
"") ;;
*) die "usage: show-audit.sh [--pristine]" ;;
esac

"$here/install-deps.sh"
tree=$("$here/kernel-tree.sh")
name=$(basename "$tree")
out=$XMA_CACHE/out/$name/show-$variant
logf=$XMA_CACHE/logs/$name/show-$variant.log
"$here/build-guest.sh" "$tree" "$count" "$out"
"$here/boot-guests.sh" --dom0 audit --timeout 240 "$out" "$logf"
"$here/verdict.sh" --audit-only "$logf"
