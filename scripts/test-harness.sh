#!/bin/bash
# Negative controls of the harness itself: each must make the verdict fail,
# for the right reason.
#
#   test-harness.sh GUEST_DIR BUILD_DIR
#
# GUEST_DIR is a build-guest.sh output, BUILD_DIR the kernel build it was
# made from.  The static checks first: a module with a sparse error must
# not build, a new kernel warning must fail the comparison.  Three boots:
# an init that exits
# (kernel panic), an init that never powers off (timeout), and the module
# loaded with its planted findings (kselftest reports "not ok").  Before
# them, verdict.sh is checked on small made-up logs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

guest=${1:?usage: test-harness.sh GUEST_DIR BUILD_DIR}
build=${2:?usage: test-harness.sh GUEST_DIR BUILD_DIR}
here=$(dirname "$0")
logs=$XMA_CACHE/logs/harness
mkdir -p "$logs"
failed=0

# expect_fail NAME LOG PATTERN [verdict options]: verdict fails, saying PATTERN.
expect_fail() {
	local name=$1 logf=$2 pattern=$3 out
	shift 3
	if out=$("$here/verdict.sh" "$@" "$logf" 2>&1); then
		echo "not ok - $name: verdict passed"
		failed=1
	elif ! grep -q -- "$pattern" <<< "$out"; then
		echo "not ok - $name: verdict failed, but not for '$pattern':"
		echo "    ${out//$'\n'/$'\n'    }"
		failed=1
	else
		echo "ok - $name: verdict fails ($pattern)"
	fi
}

expect_pass() {
	local name=$1 logf=$2
	if "$here/verdict.sh" "$logf" >/dev/null 2>&1; then
		echo "ok - $name: verdict passes"
	else
		echo "not ok - $name: verdict failed"
		failed=1
	fi
}

# Static checks: sparse on the module, the kernel warning comparison.
bad=$logs/module-sparse
rm -rf "$bad" && mkdir -p "$bad" && cp -r "$XMA_TOP/module" "$bad/src"
cat >> "$bad/src/plant.c" <<'CODE'

/* Negative control: sparse must reject a plain dereference of __user. */
int xma_sparse_probe(int __user *p);
int xma_sparse_probe(int __user *p)
{
	return *p;
}
CODE
if out=$("$here/build-module.sh" "$build" "$bad/out" "$bad/src" 2>&1); then
	echo "not ok - module with a sparse error: built"
	failed=1
elif ! grep -q "sparse warns" <<< "$out"; then
	echo "not ok - module with a sparse error: failed, but not for sparse:"
	echo "    ${out//$'\n'/$'\n'    }"
	failed=1
else
	echo "ok - module with a sparse error: rejected"
fi
printf 'a.c: warning: x\nb.c: warning: y\n' > "$logs/warn-before.txt"
printf 'a.c: warning: x\na.c: warning: x\nb.c: warning: y\n' > "$logs/warn-after.txt"
if "$here/compare-warnings.sh" "$logs/warn-before.txt" "$logs/warn-after.txt" >/dev/null; then
	echo "not ok - made-up new kernel warning: comparison passed"
	failed=1
else
	echo "ok - made-up new kernel warning: comparison fails"
fi
if "$here/compare-warnings.sh" "$logs/warn-after.txt" "$logs/warn-before.txt" >/dev/null; then
	echo "ok - made-up fixed kernel warning: comparison passes"
else
	echo "not ok - made-up fixed kernel warning: comparison failed"
	failed=1
fi

# Made-up logs: the parser's own cases.
tap() {
	printf 'XMA-TAP-BEGIN\nTAP version 13\n%s\nXMA-KSFT-EXIT: %s\nXMA-TAP-END\nXMA-HOST: qemu exited with status 0\n' "$1" "$2"
}
tap $'1..2\nok 1 a\nok 2 b' 0 > "$logs/good.log"
expect_pass "made-up passing log" "$logs/good.log"
tap $'1..2\nok 1 a\nnot ok 2 b' 1 > "$logs/notok.log"
expect_fail "made-up not ok" "$logs/notok.log" "not ok"
tap $'ok 1 a\nok 2 b' 0 > "$logs/noplan.log"
expect_fail "made-up missing plan" "$logs/noplan.log" "no TAP plan"
tap $'1..3\nok 1 a\nok 2 b' 0 > "$logs/short.log"
expect_fail "made-up short run" "$logs/short.log" "plan says 3"
tap $'1..1\nok 1 a # SKIP not here' 4 > "$logs/skip.log"
expect_fail "made-up skip" "$logs/skip.log" "skipped"
{ tap $'1..1\nok 1 a' 0; echo "WARNING: CPU: 0 PID: 1 at mm/foo.c:1"; } > "$logs/warn.log"
expect_fail "made-up WARNING" "$logs/warn.log" "crash"
tap $'1..2\nnot ok 1 global.idle_no_findings\nok 2 b' 1 > "$logs/known.log"
expect_fail "made-up known findings, not tolerated" "$logs/known.log" "not ok"
if "$here/verdict.sh" --tolerate-findings "$logs/known.log" >/dev/null 2>&1; then
	echo "ok - made-up known findings: tolerated when asked"
else
	echo "not ok - made-up known findings: not tolerated when asked"
	failed=1
fi
expect_fail "made-up other failure, tolerating findings" "$logs/notok.log" "not ok" --tolerate-findings
echo "(XEN) Hardware Dom0 crashed: rebooting machine in 5 seconds." > "$logs/xen.log"
expect_fail "made-up Xen crash" "$logs/xen.log" "crash"

# Real boots.
"$here/boot-xen.sh" --timeout 240 --kernel-args "xma.mode=panic" \
	"$guest/bzImage" "$guest/initramfs.cpio.gz" "$logs/panic.log"
expect_fail "init that exits" "$logs/panic.log" "Kernel panic"
"$here/boot-xen.sh" --timeout 45 --kernel-args "xma.mode=hang" \
	"$guest/bzImage" "$guest/initramfs.cpio.gz" "$logs/hang.log"
expect_fail "guest that never powers off" "$logs/hang.log" "timeout"
"$here/boot-xen.sh" --timeout 600 --kernel-args "xma.mode=plant" \
	"$guest/bzImage" "$guest/initramfs.cpio.gz" "$logs/plant.log"
expect_fail "kselftest with planted findings" "$logs/plant.log" "not ok"

[ $failed -eq 0 ] || die "a negative control did not fail as it should"
log "all negative controls fail as they should"
