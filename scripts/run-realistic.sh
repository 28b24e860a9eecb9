#!/bin/bash
# The realistic configuration: the kernel as distributions build it, not
# tinyconfig: defconfig + the tree's xen.config + Kconfig.fragment (SMP,
# NUMA, ACPI, PCI, memory hotplug, the balloon's hotplug, the usual
# drivers; configure-kernel.sh's XMA_BASE_CONFIG=defconfig).  Pristine,
# then the whole series: each boots as dom0 and runs the kselftest, and
# dom0's toolstack starts it as a PV domU of 2 vCPUs, which does the same.
# The pristine kernel's findings are reported, the series' fail.  Its
# build is long on 2 cores (bzImage, no modules): not in the test
# command.
#
#   scripts/run-realistic.sh        (XMA_KERNEL, KERNEL_SRC as elsewhere)
#     XMA_REALISTIC_BOOTS=N         then N more dom0 boots of each kernel,
#                                   interleaved, counted by how they end
#                                   (count-boot-ends.sh)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

"$here/install-deps.sh"
tree=$("$here/kernel-tree.sh")
tree_series "$tree"
out=$XMA_CACHE/out/$name-defconfig
logs=$XMA_CACHE/logs/$name
mkdir -p "$logs"
# bzImage and what out-of-tree modules need (scripts/module.lds), not the
# thousands of modules defconfig has: dom0's drivers are built in.
export XMA_BASE_CONFIG=defconfig XMA_KERNEL_TARGETS="bzImage modules_prepare"

for count in 0 "$n"; do
	tag=p$count what="$n of $n patches" tolerate=()
	[ "$count" != 0 ] || { what=pristine; tolerate=(--tolerate-findings); }
	echo "== realistic: $name ($what), defconfig + xen.config + Kconfig.fragment, under Xen $XMA_XEN"
	t0=$(date +%s)
	rc=0
	"$here/build-guest.sh" "$tree" "$count" "$out/$tag" || rc=$?
	echo "build: $(($(date +%s) - t0)) s"
	if [ $rc -eq 0 ]; then
		t0=$(date +%s)
		"$here/boot-guests.sh" --dom0 test --domu test --domu-vcpus 2 --domu-timeout 900 \
			"$out/$tag" "$logs/$tag-realistic.log" || rc=$?
		echo "boot: $(($(date +%s) - t0)) s"
	fi
	for g in dom0 domu; do
		grc=$rc
		[ $grc -ne 0 ] || "$here/verdict.sh" "${tolerate[@]}" "$logs/$tag-realistic.$g.log" || grc=$?
		result "$name (defconfig + xen.config), Xen $XMA_XEN: $what: kselftest in $g" $grc
	done
done

if [ "${XMA_REALISTIC_BOOTS:-0}" -gt 0 ]; then
	"$here/count-boot-ends.sh" "$XMA_REALISTIC_BOOTS" "$logs/realistic-boots" \
		"$out/p0" "$out/p$n" || result "$name (defconfig): boot statistics" 1
fi
echo "$(count PASS) passed, $(count FAIL) failed"
[ "$(count FAIL)" -eq 0 ]
