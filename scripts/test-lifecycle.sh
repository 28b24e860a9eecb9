#!/bin/bash
# The PV domU's lifecycle, pristine and with the whole series: the domU
# (2 vCPUs, 256 MiB, a kernel with memory hotplug: Kconfig.lifecycle.fragment)
# audits, then dom0 saves and restores it three times, migrates it
# (locally, xl migrate through sh -c), balloons it down by a quarter and
# up 128 MiB past its boot size (hotplugged memory, onlined), saves and
# restores it again, takes it to one vCPU and back to two, and it audits
# after each step; then the kselftest (guest-init.sh's lifecycle mode,
# run-domu.sh's steps, judge-lifecycle.sh).  The pristine kernel's
# findings are reported, the series' fail.
#
#   scripts/test-lifecycle.sh       (XMA_KERNEL, KERNEL_SRC as elsewhere)
#     XMA_LIFECYCLE_COUNTS="0 all"  the patch counts to run (default,
#                                   which the test command runs: pristine
#                                   and the whole series)
#
# The pristine kernel's log is also judged as the series' would be, and
# must fail (its known findings after each step): the judge's negative
# control on a real run.
#
# Live migration of a PV guest needs log-dirty, which Xen does with shadow
# paging, and Debian builds its Xen without it: the lifecycle boots a Xen
# built with CONFIG_SHADOW_PAGING (build-xen.sh --shadow) of version
# $XMA_LIFECYCLE_XEN (default 4.17: the host's source package; trixie's
# 4.20 source could not be fetched here), with that version's toolstack.
#
# Each result is appended to $XMA_SUMMARY, when set, as test-kernel.sh's.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

"$here/install-deps.sh"
XMA_XEN=${XMA_LIFECYCLE_XEN:-4.17}
export XMA_XEN
xen_gz=$("$here/build-xen.sh" --shadow)
tree=$("$here/kernel-tree.sh")
tree_series "$tree"
out=$XMA_CACHE/out/$name-lifecycle
logs=$XMA_CACHE/logs/$name
mkdir -p "$logs"
export XMA_EXTRA_FRAGMENT=$XMA_TOP/Kconfig.lifecycle.fragment

for count in ${XMA_LIFECYCLE_COUNTS:-0 all}; do
	[ "$count" != all ] || count=$n
	if ! [[ "$count" =~ ^[0-9]+$ ]] || [ "$count" -gt "$n" ]; then
		die "XMA_LIFECYCLE_COUNTS: '$count' is no patch count of 0..$n"
	fi
	tag=p$count what="$count of $n patches" judge=()
	[ "$count" != 0 ] || { what=pristine; judge=(--report-only); }
	echo "== lifecycle: $name ($what) as a PV domU under Xen $XMA_XEN with shadow paging"
	rc=0 t0=$(date +%s)
	"$here/build-guest.sh" "$tree" "$count" "$out/$tag" &&
	"$here/boot-guests.sh" --xen "$xen_gz" --dom0 audit --domu lifecycle --domu-vcpus 2 \
		--domu-mem 256 --domu-timeout 1500 --timeout 2400 \
		"$out/$tag" "$logs/$tag-lifecycle.log" &&
	"$here/judge-lifecycle.sh" "${judge[@]}" "$logs/$tag-lifecycle.domu.log" || rc=$?
	echo "wall time: $(($(date +%s) - t0)) s"
	if [ "$count" = 0 ] && [ $rc -eq 0 ]; then
		# For its audits after the steps, not only for its kselftest's
		# known findings, which verdict.sh alone would fail on.
		c=0
		"$here/judge-lifecycle.sh" "$logs/$tag-lifecycle.domu.log" > "$logs/$tag-lifecycle.strict" 2>&1 &&
			c=1
		grep -q '^audits with violations after a step: [1-9]' "$logs/$tag-lifecycle.strict" || c=1
		[ $c -eq 0 ] || echo "the pristine lifecycle judged as the series': no failure on its audits"
		result "$name: the pristine lifecycle fails when judged as the series', on its audits after the steps" $c
	fi
	result "$name, Xen $XMA_XEN (shadow paging): $what: PV domU lifecycle (save/restore x3, migration, balloon down and up into hotplugged memory, save/restore, vCPUs 2-1-2), audit after each step, kselftest" $rc
done
echo "$(count PASS) passed, $(count FAIL) failed"
[ "$(count FAIL)" -eq 0 ]
