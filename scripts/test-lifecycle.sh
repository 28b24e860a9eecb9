#!/bin/bash
# The PV domU's lifecycle, pristine and with the whole series: the domU
# (2 vCPUs, 256 MiB) audits, then dom0 saves and restores it three times,
# migrates it (locally, xl migrate through sh -c), takes it to one vCPU
# and back to two, and it audits after each step; then the kselftest
# (guest-init.sh's lifecycle mode, run-domu.sh's steps,
# judge-lifecycle.sh).  The pristine kernel's findings are reported, the
# series' fail.
#
#   scripts/test-lifecycle.sh       (XMA_KERNEL, KERNEL_SRC as elsewhere)
#
# Each result is appended to $XMA_SUMMARY, when set, as test-kernel.sh's.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

"$here/install-deps.sh"
tree=$("$here/kernel-tree.sh")
name=$(basename "$tree")
series=$("$here/series-dir.sh" "$tree")
n=$(series_patches "$series/series" | wc -l)
out=$XMA_CACHE/out/$name
logs=$XMA_CACHE/logs/$name
mkdir -p "$logs"

for count in 0 "$n"; do
	tag=p$count what="$n of $n patches" judge=()
	[ "$count" != 0 ] || { what=pristine; judge=(--report-only); }
	echo "== lifecycle: $name ($what) as a PV domU under Xen $XMA_XEN"
	rc=0 t0=$(date +%s)
	"$here/build-guest.sh" "$tree" "$count" "$out/$tag" &&
	"$here/boot-guests.sh" --dom0 audit --domu lifecycle --domu-vcpus 2 \
		--domu-mem 256 --domu-timeout 1500 --timeout 2400 \
		"$out/$tag" "$logs/$tag-lifecycle.log" &&
	"$here/judge-lifecycle.sh" "${judge[@]}" "$logs/$tag-lifecycle.domu.log" || rc=$?
	echo "wall time: $(($(date +%s) - t0)) s"
	result "$name, Xen $XMA_XEN: $what: PV domU lifecycle (save/restore x3, migration, vCPUs 2-1-2), audit after each step, kselftest" $rc
done
echo "$(count PASS) passed, $(count FAIL) failed"
[ "$(count FAIL)" -eq 0 ]
