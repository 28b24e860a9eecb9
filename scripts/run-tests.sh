#!/bin/bash
# The test command: everything, in one run.
#
#   scripts/run-tests.sh            (KERNEL_SRC=<tree> for another tree)
#
# 1. static: shellcheck of scripts/, checkpatch --strict (check-style.sh)
# 2. before: the pristine tree as a Xen PV dom0; its audit is printed and
#    saved (this leg fails only on a crash: unpatched kernels have findings)
# 3. the harness's negative controls (test-harness.sh)
# 4. after: each prefix of the series (1, 1-2, ..., all; XMA_BISECT=0 for
#    the whole series only) as dom0.  The whole series: the kselftest must
#    pass.  A shorter prefix may still carry findings of the pristine kernel
#    that a later patch fixes, but no more of any kind than the pristine
#    kernel (compare-audits.sh); then only the tests that count findings
#    may fail, and every other test must pass.
# Ends with a line "N passed, N failed"; exits non-zero on any failure.
# Its wall time is added to results/<tree>/test-times.csv under the cache:
# cold (the tree had no build directory yet) or warm, and the time spent
# waiting for $XMA_LOCK (see lib.sh), which the wall time includes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

"$here/install-deps.sh"
start=$(date +%s)
started=$(date -u '+%Y-%m-%d %H:%M')
if [ -n "${XMA_LOCK:-}" ]; then
	XMA_LOCK_WAITS=$(mktemp)
	export XMA_LOCK_WAITS
	trap 'rm -f "$XMA_LOCK_WAITS"' EXIT
fi
passed=0 failed=0 summary=()
result() {
	if [ "$2" = 0 ]; then
		passed=$((passed + 1)); summary+=("PASS  $1")
	else
		failed=$((failed + 1)); summary+=("FAIL  $1")
	fi
}

echo "== static checks"
rc=0; shellcheck -x -P SCRIPTDIR "$XMA_TOP"/scripts/*.sh || rc=$?
result "shellcheck scripts/" $rc

tree=$("$here/kernel-tree.sh")
rc=0; "$here/check-style.sh" "$tree" || rc=$?
result "checkpatch --strict: patches, module, kselftest" $rc
series=$("$here/series-dir.sh" "$tree")
n=0
[ -f "$series/series" ] && n=$(grep -cv '^\s*\(#\|$\)' "$series/series" || true)
name=$(basename "$tree")
cache=warm
[ -d "$XMA_CACHE/build/$name" ] || cache=cold
out=$XMA_CACHE/out/$name
logs=$XMA_CACHE/logs/$name
results=$XMA_CACHE/results/$name
mkdir -p "$logs" "$results"

echo "== before: $name, pristine"
"$here/build-guest.sh" "$tree" 0 "$out/p0"
"$here/boot-xen.sh" --timeout 240 --kernel-args "xma.mode=audit" \
	"$out/p0/bzImage" "$out/p0/initramfs.cpio.gz" "$logs/p0-audit.log"
rc=0; "$here/verdict.sh" --audit-only --save-audit "$results/before-audit.txt" \
	"$logs/p0-audit.log" || rc=$?
result "before: pristine $name boots, audit printed" $rc

echo "== harness negative controls"
rc=0; "$here/test-harness.sh" "$out/p0" || rc=$?
result "harness negative controls" $rc

first=1
[ "${XMA_BISECT:-1}" = 1 ] || first=$n
[ "$n" -gt 0 ] || first=0
for k in $(seq "$first" "$n"); do
	echo "== after: $name + $k of $n patches"
	rc=0; "$here/build-guest.sh" "$tree" "$k" "$out/p$k" || rc=$?
	tolerate=()
	# One boot: the guest prints its audit, then runs the kselftest.
	if [ $rc -eq 0 ]; then
		"$here/boot-xen.sh" --timeout 600 --kernel-args "xma.mode=test" \
			"$out/p$k/bzImage" "$out/p$k/initramfs.cpio.gz" "$logs/p$k-test.log"
		"$here/verdict.sh" --audit-only --save-audit "$results/p$k-audit.txt" \
			"$logs/p$k-test.log" >/dev/null || rc=$?
	fi
	if [ $rc -eq 0 ] && [ "$k" -gt 0 ]; then
		echo "violations, pristine -> $k of $n patches:"
		"$here/compare-audits.sh" "$results/before-audit.txt" "$results/p$k-audit.txt" || rc=$?
		if [ "$k" -lt "$n" ] && ! grep -qx 'violations_total: 0' "$results/p$k-audit.txt"; then
			tolerate=(--tolerate-findings)
		fi
	fi
	if [ $rc -eq 0 ]; then
		"$here/verdict.sh" "${tolerate[@]}" "$logs/p$k-test.log" || rc=$?
	fi
	result "after: $name + $k of $n patches: kselftest under Xen" $rc
done

wall=$(($(date +%s) - start))
wait_s=0
[ -z "${XMA_LOCK_WAITS:-}" ] || wait_s=$(awk '{ s += $1 } END { printf "%d", s / 1000 }' "$XMA_LOCK_WAITS")
times=$results/test-times.csv
[ -s "$times" ] || echo "date,cache,wall_s,lock_wait_s,passed,failed" > "$times"
echo "$started,$cache,$wall,$wait_s,$passed,$failed" >> "$times"

echo
echo "== summary ($wall s, $cache, $wait_s s waiting for the lock; logs in $logs, audits in $results)"
printf '  %s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
