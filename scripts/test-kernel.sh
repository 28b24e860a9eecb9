#!/bin/bash
# Every leg of the test command for one kernel under one Xen: the default
# tree of $XMA_KERNEL (kernel-tree.sh; KERNEL_SRC=<tree> for another)
# under Debian's Xen $XMA_XEN (lib.sh).  run-tests.sh calls it for each
# kernel; it can be run alone.
#
#   scripts/test-kernel.sh
#
# Each boot runs the kernel as a Xen PV dom0 and, in the same boot, as a
# PV domU that the toolstack in that dom0 starts (boot-guests.sh); each
# guest is judged on its own.  XMA_GUESTS=dom0 or domu judges one only
# (default both; with domu, dom0 only prints its audit and hosts).
#
# 1. before: the pristine tree; each guest's audit is printed and saved
#    (this leg fails only on a crash: unpatched kernels have findings)
# 2. the harness's negative controls (test-harness.sh; XMA_CONTROLS=0
#    leaves them out, for a kernel whose run already had them)
# 3. after: the series' prerequisite alone (SERIES_DIR/prerequisite: a
#    fix for today's kernels that the series is based on, sent apart),
#    then each prefix of the series on top of it (1, 1-2, ..., all;
#    XMA_BISECT=0 for the whole series only).  Each prefix must pass the
#    kselftest in each guest, with zero findings.  The prerequisite alone
#    may still carry findings of the pristine kernel that the series
#    fixes, but no more of any kind than the pristine kernel in the same
#    kind of guest (compare-audits.sh, which every leg runs); then only
#    the tests that count findings may fail.
#    Then dom0 once more, on a machine whose RAM ends where Xen's initial
#    mapping does: Xen puts the p2m list outside dom0's RAM and the kernel
#    relocates it (boot-p2m-conflict.sh, p2m-conflict.sh); the pristine
#    kernel's audit there comes first, in step 1.  The whole series must
#    pass the kselftest, with no more violations than pristine.
#    Then the series' own boot-time checks, made to fire with test-only
#    boot parameters (test-boot-checks.sh, inject/; dom0;
#    XMA_BOOT_CHECKS=0 leaves them out).
# 4. sparse (C=2) and W=1 on the kernel files the series touches: no
#    warning the pristine tree does not have (kernel-warnings.sh); the
#    context-switch path's cr3 writes compiled the same as pristine
#    (compare-cr3-code.sh).
#    Then the pagetable hypercalls a dom0 makes from kernel entry to init,
#    pristine and with the series, both with measure/ on top
#    (count-hypercalls.sh): the series must not add any
#    (compare-hypercalls.sh; XMA_HYPERCALLS=0 leaves the count out).
# Ends with a line "N passed, N failed"; exits non-zero on any failure.
# Each result is also appended to $XMA_SUMMARY, when set, as a line
# "PASS  ..." or "FAIL  ...", for run-tests.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

guests=$(guests_setting)
start=$(date +%s)
tree=$("$here/kernel-tree.sh")
tree_series "$tree"
# leg_result WHAT RC: a result of this kernel's, named by kernel and Xen.
leg_result() {
	result "$name, Xen $XMA_XEN: $1" "$2"
}

out=$XMA_CACHE/out/$name
logs=$XMA_CACHE/logs/$name
results=$XMA_CACHE/results/$name
mkdir -p "$logs" "$results"

# boot LEG GUEST_DIR MODE TIMEOUT: one boot of the chosen guests, each
# running MODE (dom0 only prints its audit when XMA_GUESTS=domu); sets
# dom0_log and domu_log to each guest's part of the serial log.  The
# logs of an earlier run go first, so that a boot that never happened
# leaves nothing to judge; its failure is returned.
boot() {
	local leg=$1 dir=$2 mode=$3 timeout=$4 dom0_mode=$3 args=${5:-}
	rm -f "$logs/$leg.log" "$logs/$leg.dom0.log" "$logs/$leg.domu.log"
	dom0_log=$logs/$leg.log domu_log=
	if [ "$guests" = dom0 ]; then
		"$here/boot-guests.sh" --dom0 "$mode" --timeout "$timeout" "$dir" "$dom0_log"
		return
	fi
	[ "$guests" = both ] || dom0_mode=audit
	"$here/boot-guests.sh" --dom0 "$dom0_mode" --domu "$mode" --domu-timeout "$timeout" \
		--timeout $((2 * timeout)) ${args:+--kernel-args "$args"} "$dir" "$logs/$leg.log"
	dom0_log=$logs/$leg.dom0.log domu_log=$logs/$leg.domu.log
}

# The guests judged in this run, how their results are named, and the
# suffix of their saved audits.
judged=(dom0 domu)
[ "$guests" = both ] || judged=("$guests")
label() {
	case "$1" in dom0) echo "dom0" ;; domu) echo "PV domU" ;; esac
}
suffix() {
	case "$1" in dom0) echo "" ;; domu) echo "-domu" ;; esac
}
log_of() {
	case "$1" in dom0) echo "$dom0_log" ;; domu) echo "$domu_log" ;; esac
}

# With XMA_GUESTS=domu, dom0 only hosts (check_host, lib.sh).
host_ok() {
	[ "$guests" != domu ] || check_host "$dom0_log"
}

# A guest's cross-check with Xen's page types (compare-xen-types.py):
# xcheck GUEST TAG [ARGS]; its counts go to xen-types.csv.  A domU's
# Xen's types come from xen-mfndump in dom0, dom0's own from
# xen-own-types, both in every boot of both guests (guest-init.sh).
xen_types_csv=$results/xen-types.csv
rm -f "$xen_types_csv"
xcheck() {
	local g=$1 tag=$2
	shift 2
	echo "$(label "$g"):"
	"$here/compare-xen-types.py" --csv "$xen_types_csv" --label "$tag $g${*:+ $*}" "$@" "$(log_of "$g")"
}

build=$XMA_CACHE/build/$name
echo "== before: $name under Xen $XMA_XEN, pristine ($guests)"
"$here/build-guest.sh" "$tree" 0 "$out/p0"
"$here/kernel-warnings.sh" "$tree" "$build" "$results/warnings-p0.txt"
booted=0; boot p0-audit "$out/p0" audit 240 || booted=$?
for g in "${judged[@]}"; do
	rc=$booted
	[ $rc -ne 0 ] || "$here/verdict.sh" --audit-only --save-audit \
		"$results/before-audit$(suffix "$g").txt" "$(log_of "$g")" || rc=$?
	[ $booted -ne 0 ] || host_ok || rc=1
	leg_result "before: pristine $name boots as $(label "$g"), audit printed" $rc
	[ "$guests" = both ] || continue
	# Pristine: what disagrees is a finding to explain, not a failure.
	rc=$booted
	[ $rc -ne 0 ] || xcheck "$g" p0 --report-only || rc=1
	leg_result "before: pristine $name in $(label "$g"): the audit cross-checked with Xen's page types" $rc
done

# xen_relocate_p2m(): dom0 only, a path a normal boot does not take.
p2m_leg=0
[ "$guests" = domu ] || p2m_leg=1
if [ $p2m_leg = 1 ]; then
	echo "== before: pristine $name as dom0 whose p2m list Xen put outside its RAM"
	rc=0
	"$here/boot-p2m-conflict.sh" "$out/p0" "$logs/p0-p2m-conflict.log" audit &&
	"$here/p2m-conflict.sh" "$logs/p0-p2m-conflict.log" &&
	"$here/verdict.sh" --audit-only --save-audit "$results/before-audit-p2m-conflict.txt" \
		"$logs/p0-p2m-conflict.log" || rc=$?
	leg_result "before: pristine $name boots as dom0 with its p2m list relocated, audit printed" $rc
fi

if [ "${XMA_CONTROLS:-1}" = 1 ]; then
	echo "== harness negative controls ($name, Xen $XMA_XEN)"
	rc=0; "$here/test-harness.sh" "$out/p0" "$build" || rc=$?
	leg_result "harness negative controls" $rc
fi

# after COUNT TAG WHAT: one boot of the tree with apply-series.sh COUNT
# (out/TAG, logs and audits named TAG); each judged guest prints its audit
# and runs the kselftest.  A guest passes when its audit has no more
# violations of any kind than the pristine kernel's in the same kind of
# guest (compare-audits.sh) and the kselftest passes; for COUNT "pre" (the
# prerequisites alone, which the series is based on) findings of the
# pristine kernel may remain, and then only the tests that count findings
# may fail.
after() {
	local count=$1 tag=$2 what=$3 built=0 g rc tolerate sfx logf v
	echo "== after: $name + $what ($guests)"
	"$here/build-guest.sh" "$tree" "$count" "$out/$tag" || built=$?
	# A boot that did not run fails every guest it was for.  The whole
	# series' domU cross-checks once more with a leaked table planted.
	local xargs=
	[ "$count" != "$n" ] || xargs=xma.domu_xcheck=2
	[ $built -ne 0 ] || boot "$tag-test" "$out/$tag" test 600 "$xargs" || built=$?
	for g in "${judged[@]}"; do
		rc=$built tolerate=() sfx=$(suffix "$g") logf=$(log_of "$g")
		# The audit first (for compare-audits.sh); only a failure is shown.
		if [ $rc -eq 0 ] && ! v=$("$here/verdict.sh" --audit-only \
			--save-audit "$results/$tag-audit$sfx.txt" "$logf" 2>&1); then
			rc=1
			echo "$(label "$g"):"
			sed -n '/^full log: /,$p' <<< "$v"
		fi
		if [ $rc -eq 0 ]; then
			echo "violations in $(label "$g"), pristine -> $what:"
			"$here/compare-audits.sh" "$results/before-audit$sfx.txt" \
				"$results/$tag-audit$sfx.txt" || rc=$?
			[ "$count" != pre ] || tolerate=(--tolerate-findings)
		fi
		if [ $rc -eq 0 ]; then
			echo "$(label "$g"):"
			"$here/verdict.sh" "${tolerate[@]}" "$logf" || rc=$?
		fi
		[ $built -ne 0 ] || host_ok || rc=1
		leg_result "after: $name + $what: kselftest in $(label "$g")" $rc
		[ "$guests" = both ] || continue
		# The prerequisite alone still has the pristine kernel's
		# findings: judged as pristine is.
		tolerate=()
		[ "$count" != pre ] || tolerate=(--report-only)
		rc=$built
		[ $rc -ne 0 ] || xcheck "$g" "$tag" "${tolerate[@]}" || rc=1
		leg_result "after: $name + $what: in $(label "$g"), the audit agrees with Xen's page types" $rc
		if [ "$g" != domu ] || [ "$count" != "$n" ]; then
			continue
		fi
		rc=$built
		[ $rc -ne 0 ] || xcheck "$g" "$tag" --planted || rc=1
		[ $rc -ne 0 ] || "$here/test-xen-types-controls.sh" "$domu_log" || rc=1
		leg_result "after: $name + $what: cross-check with a leaked table planted, and its negative controls" $rc
	done
	return $built
}

# The prerequisites alone, then each prefix of the series (bisect); or
# the whole series only.
first=1 built=0
[ "${XMA_BISECT:-1}" = 1 ] || first=$n
[ "$n" -gt 0 ] || first=0
if [ "${XMA_BISECT:-1}" = 1 ] && [ -n "$(series_patches "$series/prerequisite/series")" ]; then
	after pre pre "prerequisite alone" || true
fi
for k in $(seq "$first" "$n"); do
	built=0; after "$k" "p$k" "$k of $n patches" || built=$?
done

if [ "$n" -gt 0 ] && [ $p2m_leg = 1 ]; then
	echo "== after: $name + $n of $n patches as dom0 whose p2m list Xen put outside its RAM"
	rc=$built p2m_log=$logs/p$n-p2m-conflict.log
	if [ "$rc" -eq 0 ]; then
		"$here/boot-p2m-conflict.sh" "$out/p$n" "$p2m_log" test &&
		"$here/p2m-conflict.sh" "$p2m_log" &&
		"$here/verdict.sh" --audit-only --save-audit "$results/p$n-audit-p2m-conflict.txt" \
			"$p2m_log" >/dev/null &&
		echo "violations in dom0 with its p2m list relocated, pristine -> $n of $n patches:" &&
		"$here/compare-audits.sh" "$results/before-audit-p2m-conflict.txt" \
			"$results/p$n-audit-p2m-conflict.txt" &&
		"$here/verdict.sh" "$p2m_log" || rc=$?
	fi
	leg_result "after: $name + $n of $n patches: kselftest in dom0 with its p2m list relocated" "$rc"
fi

# The series' boot-time checks, fired on purpose (dom0 only).
if [ "$n" -gt 0 ] && [ "$guests" != domu ] && [ "${XMA_BOOT_CHECKS:-1}" = 1 ]; then
	# It records each check in the test command's summary itself; here
	# only this script's own count learns of a failure.
	rc=0; "$here/test-boot-checks.sh" || rc=$?
	[ $rc -eq 0 ] || recorded+=("FAIL  $name, Xen $XMA_XEN: boot checks (see above)")
fi

if [ "$n" -gt 0 ]; then
	echo "== sparse and W=1 on the files the series touches: pristine -> $n of $n patches"
	rc=0
	"$here/apply-series.sh" "$tree" "$series" "$n" &&
	"$here/kernel-warnings.sh" "$tree" "$build" "$results/warnings-p$n.txt" &&
	"$here/compare-warnings.sh" "$results/warnings-p0.txt" "$results/warnings-p$n.txt" || rc=$?
	leg_result "sparse, W=1: no new warning in the files the series touches" $rc
fi

# The lazy pin must cost the context switch nothing: its cr3 writes are
# the same code as unpatched.
if [ "$n" -gt 0 ]; then
	echo "== the context-switch path's cr3 writes: pristine -> $n of $n patches"
	rc=0; "$here/compare-cr3-code.sh" || rc=$?
	leg_result "the context-switch path's cr3 writes are the unpatched code" $rc
fi

# Dom0 only: the count is of a dom0's boot.
if [ "$n" -gt 0 ] && [ "$guests" != domu ] && [ "${XMA_HYPERCALLS:-1}" = 1 ]; then
	echo "== pagetable hypercalls from kernel entry to init: pristine -> $n of $n patches"
	rc=0
	XMA_REPEAT=1 "$here/count-hypercalls.sh" >/dev/null &&
	"$here/compare-hypercalls.sh" "$results/hypercalls.csv" || rc=$?
	leg_result "hypercalls: the series adds no trap, pagetable request or trapped write" $rc
fi

echo
echo "== $name under Xen $XMA_XEN: $(($(date +%s) - start)) s; logs in $logs, audits in $results"
printf '  %s\n' "${recorded[@]}"
echo "$(count PASS) passed, $(count FAIL) failed"
[ "$(count FAIL)" -eq 0 ]
