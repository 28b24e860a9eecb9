#!/bin/bash
# Negative controls of the harness itself: each must make the verdict fail,
# for the right reason.
#
#   test-harness.sh GUEST_DIR BUILD_DIR
#
# GUEST_DIR is a build-guest.sh output, BUILD_DIR the kernel build it was
# made from.  The static checks first: a module with a sparse error must
# not build, a new kernel warning must fail the comparison.  Five dom0
# boots: an init that exits (kernel panic), an init that never powers off
# (timeout), and the module loaded with its planted findings (kselftest
# reports "not ok"): plant=1, plant=2 (a moving RO leak: unconfirmed at
# rest) and plant=3 (a leaked table: unplaced_pt).  Three boots with a PV domU, where dom0 must pass and
# the domU fail: a domU whose init exits (crashed), one that never powers
# off (dom0's timeout), one whose kernel xl cannot load (xl create fails).
# Before them, verdict.sh, split-guest-log.sh, p2m-conflict.sh and
# test-boot-checks.sh are checked on made-up logs, compare-hypercalls.sh
# on made-up counts, and
# boot-guests.sh on a domU kernel that is none.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

guest=${1:?usage: test-harness.sh GUEST_DIR BUILD_DIR}
build=${2:?usage: test-harness.sh GUEST_DIR BUILD_DIR}
here=$(dirname "$0")
logs=$XMA_CACHE/logs/harness
mkdir -p "$logs"
failed=0

# expect_exit NAME STATUS PATTERN CMD...: CMD exits STATUS ("fail": any
# status but 0) and its output says PATTERN.  Shared by the checks below.
expect_exit() {
	local name=$1 want=$2 pattern=$3 out rc=0 status_ok=0 expected="exit $2"
	shift 3
	out=$("$@" 2>&1) || rc=$?
	case "$want" in
	fail) expected="fail"; [ "$rc" -eq 0 ] || status_ok=1 ;;
	*) [ "$rc" -ne "$want" ] || status_ok=1 ;;
	esac
	if [ $status_ok = 1 ] && grep -q -- "$pattern" <<< "$out"; then
		echo "ok - $name: exited $rc, as it should ($pattern)"
		return
	fi
	echo "not ok - $name: exited $rc, should $expected saying '$pattern':"
	echo "    ${out//$'\n'/$'\n'    }"
	failed=1
}

# expect_fail NAME LOG PATTERN [verdict options]: verdict fails, saying PATTERN.
expect_fail() {
	local name=$1 logf=$2 pattern=$3
	shift 3
	expect_exit "$name" fail "$pattern" "$here/verdict.sh" "$@" "$logf"
}

# expect_pass NAME LOG [verdict options]
expect_pass() {
	local name=$1 logf=$2
	shift 2
	if "$here/verdict.sh" "$@" "$logf" >/dev/null 2>&1; then
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
# expect_module_rejected NAME PATTERN [VAR=value...]: the module with the
# sparse error fails to build, saying PATTERN.
expect_module_rejected() {
	local name=$1 pattern=$2
	shift 2
	expect_exit "$name" fail "$pattern" env "$@" "$here/build-module.sh" "$build" "$bad/out" "$bad/src"
}
expect_module_rejected "module with a sparse error" "sparse warns"
# Letting the kernel's header warnings pass must not let the module's own.
expect_module_rejected "module with a sparse error, header warnings allowed" \
	"warns about the module's own code" XMA_HEADER_WARNINGS=allow
printf 'a.c: warning: x\nb.c: warning: y\n' > "$logs/warn-before.txt"
printf 'a.c: warning: x\na.c: warning: x\nb.c: warning: y\n' > "$logs/warn-after.txt"
expect_exit "made-up new kernel warning" 1 "^new warnings:" \
	"$here/compare-warnings.sh" "$logs/warn-before.txt" "$logs/warn-after.txt"
expect_exit "made-up fixed kernel warning" 0 "^warnings: 3 before, 2 after$" \
	"$here/compare-warnings.sh" "$logs/warn-after.txt" "$logs/warn-before.txt"

# p2m-conflict.sh on made-up logs: Xen's layout of dom0 (first allocation
# 32 MiB, initrd 672 pages: the p2m list from pfn 0x22a0), then dom0's E820.
p2m_log() {
	printf '(XEN)  Dom0 alloc.:   0000000158000000->000000015a000000 (122208 pages to be allocated)\n'
	printf '(XEN)  Init. ramdisk: 000000015e160000->000000015e3ffd11\n'
	printf '%s\n' "${@:2}"
	printf '(XEN)  Phys-Mach map: %s->0000008000100000\n' "$1"
	printf 'Xen: [mem 0x0000000000000000-0x000000000009efff] usable\n'
}
# expect_p2m NAME LOG STATUS PATTERN: p2m-conflict.sh exits STATUS, saying PATTERN.
expect_p2m() {
	expect_exit "$1" "$3" "$4" "$here/p2m-conflict.sh" "$2"
}
{ p2m_log 0000008000000000; echo 'Xen: [mem 0x0000000000100000-0x0000000001bdffff] usable'; } > "$logs/p2m-hole.log"
# 7.x prints RAM as "System RAM", aligned.
{ p2m_log 0000008000000000; echo 'Xen: [mem 0x0000000000100000-0x0000000001bdffff]  System RAM'; } > "$logs/p2m-hole-7.log"
expect_p2m "made-up p2m list in a hole" "$logs/p2m-hole.log" 0 "must relocate"
expect_p2m "made-up p2m list in a hole, 7.x E820 lines" "$logs/p2m-hole-7.log" 0 "must relocate"
{ p2m_log 0000008000000000; echo 'Xen: [mem 0x0000000000100000-0x0000000020060fff] usable'; } > "$logs/p2m-ram.log"
expect_p2m "made-up p2m list in RAM" "$logs/p2m-ram.log" 1 "no conflict"
{ p2m_log 0000008000000000 '(XEN)  Init. ramdisk: ffffffff81c00000->ffffffff81e9fd11'
  echo 'Xen: [mem 0x0000000000100000-0x0000000001bdffff] usable'; } > "$logs/p2m-mapped-initrd.log"
expect_p2m "made-up initrd in the initial mapping" "$logs/p2m-mapped-initrd.log" 2 "mapped the initrd"
{ p2m_log ffffffff81c00000; echo 'Xen: [mem 0x0000000000100000-0x0000000001bdffff] usable'; } > "$logs/p2m-mapped.log"
expect_p2m "made-up p2m list in the initial mapping" "$logs/p2m-mapped.log" 2 "in the initial mapping"

# compare-hypercalls.sh on made-up counts: pristine (0), then the series.
hc_csv() {
	echo 'patches,boot,hypercalls,mmu_update_calls,mmu_update,mmuext_op_calls,mmuext_op,update_va_mapping,trapped_writes'
	echo '0,1,100,50,50,10,12,40,9'
	printf '%s\n' "$@"
}
hc_csv 'all,1,99,51,52,8,9,40,9' > "$logs/hc-fewer.csv"
expect_exit "made-up counts, one call moved to mmu_update" 0 "6[01] ->  *59$" \
	"$here/compare-hypercalls.sh" "$logs/hc-fewer.csv"
hc_csv 'all,1,99,51,52,8,9,40,9' 'all,2,101,51,52,8,9,40,9' > "$logs/hc-trap.csv"
expect_exit "made-up counts, one boot with a trap more" 1 "traps .* 101  <- the series adds" \
	"$here/compare-hypercalls.sh" "$logs/hc-trap.csv"
hc_csv 'all,1,99,51,52,10,12,40,9' > "$logs/hc-call.csv"
expect_exit "made-up counts, two mmu_update requests more" 1 "requests .* 104  <- the series adds" \
	"$here/compare-hypercalls.sh" "$logs/hc-call.csv"
hc_csv 'all,1,99,50,50,10,12,40,10' > "$logs/hc-write.csv"
expect_exit "made-up counts, a trapped write more" 1 "trapped_writes .* 10  <- the series adds" \
	"$here/compare-hypercalls.sh" "$logs/hc-write.csv"
hc_csv > "$logs/hc-none.csv"
expect_exit "made-up counts without the series' boots" 2 "no rows" \
	"$here/compare-hypercalls.sh" "$logs/hc-none.csv"

# Made-up boot-check logs, each as the series before its boot-time checks
# existed (v1) logged it: every case must fail, for its own reason.
bc=$logs/boot-checks
rm -rf "$bc"
mkdir -p "$bc"
{ echo 'xen_test_l4: FAIL: L4[274] of init_top_pgt not seen from the running pgd'
  echo 'Kernel panic - not syncing: xen_test_l4: FAIL'; } > "$bc/boot-check-l4-pending.log"
{ echo 'xen_test_l4: L4[274] of init_top_pgt set behind the pv-ops'
  echo 'result: clean'; } > "$bc/boot-check-diverge.log"
{ echo 'xen_test_pin_fail: init_top_pgt mapped writable at ffffffffff200000'
  echo '1 of 3 multicall(s) failed: cpu 0'
  echo 'WARNING: arch/x86/xen/mmu_pv.c:1194 at xen_release_initial_frame+0x4b/0x5a'; } \
	> "$bc/boot-check-pin-fail.log"
{ echo 'xen_test_ro_leftover: pfn 17bc recorded, mapped writable'
  echo 'result: clean'; } > "$bc/boot-check-leftover.log"
for c in "L4 entry added before the switch" "running pgd lacks" \
	"refusing the pin" "mapped writable is named"; do
	expect_exit "made-up v1 boot-check logs: '$c' fails" 1 "^FAIL .*boot check: .*$c" \
		env -u XMA_SUMMARY "$here/test-boot-checks.sh" --judge "$bc"
done

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
{ tap $'1..1\nok 1 a' 0; echo "storm[54]: segfault at 0 ip 0000000000407b52 sp 00007fff73146e88 error 4"; } > "$logs/segv.log"
expect_fail "made-up user-space segfault" "$logs/segv.log" "crash"
{ tap $'1..1\nok 1 a' 0; printf 'XMA-KMEMLEAK-BEGIN\nunreferenced object 0xffff888004d3c000 (size 64):\nXMA-KMEMLEAK-END\n'; } > "$logs/leak.log"
expect_fail "made-up kmemleak report after the run" "$logs/leak.log" "crash"
# The scanning thread's word during the run is not one (see verdict.sh).
{ tap $'1..1\nok 1 a' 0; echo "kmemleak: 6 new suspected memory leaks (see /sys/kernel/debug/kmemleak)"; \
  printf 'XMA-KMEMLEAK-BEGIN\nXMA-KMEMLEAK-END\n'; } > "$logs/leak-interim.log"
expect_pass "made-up kmemleak interim report, nothing left after the run" "$logs/leak-interim.log"
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
# An older dom0's poweroff through Xen ends in Xen's halt; a halt does not.
{ tap $'1..1\nok 1 a' 0 | grep -v '^XMA-HOST'; echo "Power down."
  echo "(XEN) Hardware Dom0 halted: halting machine"
  echo "XMA-HOST: Xen halted the machine, qemu stopped"; } > "$logs/halt-poweroff.log"
expect_pass "made-up poweroff that Xen ends in a halt" "$logs/halt-poweroff.log"
sed '/^Power down\.$/d; s/^(XEN) Hardware/System halted.\n&/' "$logs/halt-poweroff.log" > "$logs/halt.log"
expect_fail "made-up halt" "$logs/halt.log" "did not power off"
# A domU's lifecycle (judge-lifecycle.sh): a made-up run that passes, then
# one fault each: a migration Xen could not do, a balloon short of its
# target, a balloon at another target than dom0's, a way up that
# hotplugged nothing, a vCPU not back, a step's audit with a finding, a
# step with no audit after it.
lifecycle_log() {
	local step=0 s asked cpus
	for s in migrate mem-down mem-up vcpus-1 vcpus-2; do
		step=$((step + 1))
		asked='' cpus=0-1
		case "$s" in
		mem-down) asked=", target 196608 kB" ;;
		mem-up) asked=", target 393216 kB" ;;
		vcpus-1) cpus=0 ;;
		esac
		echo "XMA-DOMU: lifecycle: step $step $s: exit 0 in 1 s, domain $((step + 1))$asked"
		echo "XMA-LIFECYCLE: after $s: CPUs online $cpus"
		case "$s" in
		mem-down) echo "XMA-LIFECYCLE: balloon: current 196608 kB, target 196608 kB; MemTotal 183808 kB; hotplugged blocks: none" ;;
		mem-up) echo "XMA-LIFECYCLE: balloon: current 393216 kB, target 393216 kB; MemTotal 380416 kB; hotplugged blocks: memory32:online" ;;
		esac
		printf 'XMA-STEP-AUDIT-BEGIN %s %s\nresult: clean\nviolations_total: 0\nunconfirmed: 0\nXMA-STEP-AUDIT-END\n' "$step" "$s"
	done
	echo "XMA-LIFECYCLE: done"
	tap $'1..1\nok 1 a' 0
}
expect_judged() {
	local name=$1 logf=$2 pattern=$3
	expect_exit "$name" fail "$pattern" "$here/judge-lifecycle.sh" "$logf"
}
lifecycle_log > "$logs/lifecycle.log"
if "$here/judge-lifecycle.sh" "$logs/lifecycle.log" >/dev/null 2>&1; then
	echo "ok - made-up lifecycle: judged a pass"
else
	echo "not ok - made-up lifecycle: judged a failure"
	failed=1
fi
sed 's/^XMA-DOMU: lifecycle: step 1 migrate: exit 0.*/&\nXMA-DOMU: lifecycle: step 1 migrate: not possible under this Xen: log-dirty for PV is EOPNOTSUPP without shadow paging/' \
	"$logs/lifecycle.log" > "$logs/lifecycle-nomigrate.log"
expect_judged "made-up lifecycle, migration not possible" "$logs/lifecycle-nomigrate.log" "not done: lifecycle: step 1 migrate"
sed 's/current 196608 kB, target 196608 kB/current 262144 kB, target 196608 kB/' \
	"$logs/lifecycle.log" > "$logs/lifecycle-short.log"
expect_judged "made-up lifecycle, balloon short of its target" "$logs/lifecycle-short.log" "after mem-down the balloon is not at the target"
sed 's/mem-down: exit 0 in 1 s, domain 3, target 196608 kB/mem-down: exit 0 in 1 s, domain 3, target 131072 kB/' \
	"$logs/lifecycle.log" > "$logs/lifecycle-other.log"
expect_judged "made-up lifecycle, balloon at another target than dom0's" "$logs/lifecycle-other.log" "after mem-down the balloon is not at the target dom0 asked for (131072 kB)"
grep -v '^XMA-LIFECYCLE: balloon: current 196608' "$logs/lifecycle.log" > "$logs/lifecycle-noballoon.log"
expect_judged "made-up lifecycle, a balloon step the domU said nothing about" "$logs/lifecycle-noballoon.log" "dom0 did 2 balloon steps, the domU said where its balloon was after 1"
sed 's/^XMA-LIFECYCLE: after vcpus-2: CPUs online 0-1$/XMA-LIFECYCLE: after vcpus-2: CPUs online 0/' \
	"$logs/lifecycle.log" > "$logs/lifecycle-vcpu.log"
expect_judged "made-up lifecycle, a vCPU not back" "$logs/lifecycle-vcpu.log" "after vcpus-2 the domU has CPUs 0 online, not 0-1"
sed 's/hotplugged blocks: memory32:online/hotplugged blocks: none/' \
	"$logs/lifecycle.log" > "$logs/lifecycle-nohotplug.log"
expect_judged "made-up lifecycle, nothing hotplugged" "$logs/lifecycle-nohotplug.log" "after mem-up no memory block was hotplugged"
sed 's/hotplugged blocks: memory32:online/hotplugged blocks: memory32:offline/' \
	"$logs/lifecycle.log" > "$logs/lifecycle-offline.log"
expect_judged "made-up lifecycle, hotplugged block left offline" "$logs/lifecycle-offline.log" "after mem-up no memory block was hotplugged"
awk '/^XMA-STEP-AUDIT-BEGIN 2 / { in2 = 1 } in2 && /^result: / { $0 = "result: violations" } /^XMA-STEP-AUDIT-END/ { in2 = 0 } 1' \
	"$logs/lifecycle.log" > "$logs/lifecycle-finding.log"
expect_judged "made-up lifecycle, a finding after a step" "$logs/lifecycle-finding.log" "audits with violations after a step: 1"
awk '/^XMA-STEP-AUDIT-BEGIN 3 / { skip = 1 } !skip { print } /^XMA-STEP-AUDIT-END/ { skip = 0 }' \
	"$logs/lifecycle.log" > "$logs/lifecycle-noaudit.log"
expect_judged "made-up lifecycle, a step with no audit after it" "$logs/lifecycle-noaudit.log" "dom0 did 5 steps, the domU audited after 4"

# The storm alone (xma.mode=storm): its clean exit is the pass.
storm_log() {
	printf 'XMA-STORM-BEGIN\nstorm: ran 60 s, unclean workers: %s\nXMA-STORM-EXIT: %s\nXMA-STORM-END\nreboot: Power down\n' "$1" "$2"
}
storm_log 0 0 > "$logs/storm.log"
expect_pass "made-up storm that ran clean" "$logs/storm.log" --storm-only
storm_log 2 1 > "$logs/storm-unclean.log"
expect_fail "made-up storm with unclean workers" "$logs/storm-unclean.log" "storm exit status 1" --storm-only
tap $'1..1\nok 1 a' 0 > "$logs/storm-none.log"
expect_fail "made-up storm that never ran" "$logs/storm-none.log" "the storm never ran" --storm-only

# Made-up serial logs of a boot with a domU: each guest is judged on its
# own part.
domu_tap() {
	printf 'XMA-DOMU| XMA-TAP-BEGIN\nXMA-DOMU| TAP version 13\n'
	while read -r l; do printf 'XMA-DOMU| %s\n' "$l"; done <<< "$1"
	printf 'XMA-DOMU| XMA-KSFT-EXIT: %s\nXMA-DOMU| XMA-TAP-END\n' "$2"
}
{ tap $'1..1\nok 1 a' 0 | grep -v '^XMA-HOST'; domu_tap $'1..1\nnot ok 1 a' 1
  echo "XMA-DOMU: result: poweroff"; echo "XMA-HOST: qemu exited with status 0"; } > "$logs/split.log"
"$here/split-guest-log.sh" "$logs/split.log" "$logs/split.dom0.log" "$logs/split.domu.log"
expect_pass "made-up split: dom0 passes" "$logs/split.dom0.log"
expect_fail "made-up split: the domU's not ok is the domU's" "$logs/split.domu.log" "not ok"
{ tap $'1..1\nok 1 a' 0 | grep -v '^XMA-HOST'; echo "XMA-DOMU: result: poweroff"
  echo "XMA-HOST: qemu exited with status 0"; } > "$logs/split-silent.log"
"$here/split-guest-log.sh" "$logs/split-silent.log" "$logs/split-silent.dom0.log" "$logs/split-silent.domu.log"
expect_fail "made-up split: dom0's TAP does not count for a silent domU" \
	"$logs/split-silent.domu.log" "no TAP output"
tap $'1..1\nok 1 a' 0 > "$logs/split-none.log"
"$here/split-guest-log.sh" "$logs/split-none.log" "$logs/split-none.dom0.log" "$logs/split-none.domu.log"
expect_fail "made-up split: dom0 never reports on the domU" "$logs/split-none.domu.log" "never reported"
{ echo "(XEN) d1v0 Unhandled page fault fault/trap [#14]"; domu_tap $'1..1\nok 1 a' 0
  echo "XMA-DOMU: result: crashed (shutdown reason 3)"; echo "XMA-DOMU-DIAG| xl-xma-domu.log: reason code 3"
  echo "XMA-HOST: qemu exited with status 0"; } > "$logs/split-crash.log"
"$here/split-guest-log.sh" "$logs/split-crash.log" "$logs/split-crash.dom0.log" "$logs/split-crash.domu.log"
expect_fail "made-up split: a domU crash is the domU's" "$logs/split-crash.domu.log" "domU: crashed"
expect_fail "made-up split: Xen's word on d1 goes with the domU" "$logs/split-crash.domu.log" "d1v0 Unhandled"
if grep -q 'd1v0' "$logs/split-crash.dom0.log"; then
	echo "not ok - made-up split: Xen's line on d1 left in dom0's part"
	failed=1
else
	echo "ok - made-up split: Xen's line on d1 not in dom0's part"
fi

# A domU kernel that is no kernel: refused before any boot.
mkdir -p "$logs/notkernel"
echo "not a kernel" > "$logs/notkernel/bzImage"
cp "$guest/initramfs.cpio.gz" "$logs/notkernel/"
if out=$("$here/boot-guests.sh" --domu test --domu-dir "$logs/notkernel" "$guest" \
	"$logs/notkernel.log" 2>&1); then
	echo "not ok - a domU kernel that is none: boot-guests.sh went ahead"
	failed=1
elif ! grep -q 'not a bzImage' <<< "$out"; then
	echo "not ok - a domU kernel that is none: refused, but not for that: $out"
	failed=1
else
	echo "ok - a domU kernel that is none: refused before booting"
fi

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
# The same boot loads the module with forget=pgd_list: a tree it should
# walk and could not find must fail the kselftest, by name.
expect_fail "kselftest with a tree not found" "$logs/plant.log" "not ok [0-9]* audit.every_tree_found"
# plant=2: a read-only page that moves at every pass, so that no two
# passes agree and the result stays clean: only the kselftest's rule on
# unconfirmed findings at rest can catch it.  plant=3: a leaked table,
# pinned and linked nowhere, which the audit reports as unplaced_pt.
"$here/boot-xen.sh" --timeout 600 --kernel-args "xma.mode=plant xma.plant=2" \
	"$guest/bzImage" "$guest/initramfs.cpio.gz" "$logs/plant-moving.log"
expect_fail "kselftest with a moving RO leak" "$logs/plant-moving.log" "not ok [0-9]* audit.idle_no_findings"
expect_exit "kselftest with a moving RO leak, for that reason" 0 "unconfirmed findings in 3 audits in a row" \
	grep -a -m1 "unconfirmed findings in" "$logs/plant-moving.log"
"$here/boot-xen.sh" --timeout 600 --kernel-args "xma.mode=plant xma.plant=3" \
	"$guest/bzImage" "$guest/initramfs.cpio.gz" "$logs/plant-leak.log"
expect_fail "kselftest with a leaked table" "$logs/plant-leak.log" "not ok [0-9]* audit.idle_no_findings"
expect_exit "kselftest with a leaked table, for that reason" 0 "kind=unplaced_pt" \
	grep -a -m1 "finding: kind=unplaced_pt" "$logs/plant-leak.log"

# Real boots with a domU: dom0 prints its audit and must pass; the domU
# must fail, for the right reason, with xl's and Xen's logs shown.
expect_host_pass() {
	if "$here/verdict.sh" --audit-only "$2" >/dev/null 2>&1; then
		echo "ok - $1: dom0 passes"
	else
		echo "not ok - $1: dom0 failed (see $2)"
		failed=1
	fi
}
"$here/boot-guests.sh" --dom0 audit --domu panic --domu-timeout 120 \
	"$guest" "$logs/domu-panic.log"
expect_host_pass "domU whose init exits" "$logs/domu-panic.dom0.log"
expect_fail "domU whose init exits" "$logs/domu-panic.domu.log" "domU: crashed"
expect_fail "domU whose init exits, xl's log shown" "$logs/domu-panic.domu.log" "reason code 3"
"$here/boot-guests.sh" --dom0 audit --domu hang --domu-timeout 30 \
	"$guest" "$logs/domu-hang.log"
expect_host_pass "domU that never powers off" "$logs/domu-hang.dom0.log"
expect_fail "domU that never powers off" "$logs/domu-hang.domu.log" "domU: timeout after 30 s"
# The first 64 KiB of a bzImage: a kernel to file(1), none to xl.
mkdir -p "$logs/cutkernel"
head -c 65536 "$guest/bzImage" > "$logs/cutkernel/bzImage"
cp "$guest/initramfs.cpio.gz" "$logs/cutkernel/"
"$here/boot-guests.sh" --dom0 audit --domu test --domu-timeout 120 \
	--domu-dir "$logs/cutkernel" "$guest" "$logs/domu-cut.log"
expect_host_pass "domU kernel xl cannot load" "$logs/domu-cut.dom0.log"
expect_fail "domU kernel xl cannot load" "$logs/domu-cut.domu.log" "domU: xl create failed"

[ $failed -eq 0 ] || die "a negative control did not fail as it should"
log "all negative controls fail as they should"
