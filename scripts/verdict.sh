#!/bin/bash
# Judge a guest's serial log.
#
#   verdict.sh [--audit-only | --storm-only | --lockdown-only]
#              [--save-audit FILE] [--tolerate-findings] LOG
#
# Fails on: a timeout, a guest Oops/BUG/WARNING/panic/stall, a user-space
# segfault (the storm's programs are correct: one means pages went wrong),
# Xen reporting a crashed domain, a domU that did not power itself off, and
# (unless --audit-only) a missing or incomplete TAP plan, any "not ok", any
# SKIP, or a non-zero kselftest exit.  With --audit-only
# it needs the printed audit instead of TAP, with --storm-only the storm's
# clean exit (xma.mode=storm), with --lockdown-only every check of
# xma.mode=lockdown "ok" ($lockdown_checks of them) and its end.  Prints the TAP summary (or the audit, or the
# storm's line) and where the full log is; exits 0 only on a pass.
#
# --tolerate-findings is for a kernel known to carry findings that a later
# patch fixes: "not ok" of the tests that count findings at idle and under
# the storm is then reported but tolerated; every other test must pass.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

audit_only=0 storm_only=0 lockdown_only=0 save='' tolerate=0
# guest-init.sh's check_lockdown: 2 before lockdown, 6 under it.
lockdown_checks=8
tolerated_re='^not ok [0-9]+ [a-z_.]*(idle_no_findings|storm_no_findings)$'
while [ $# -gt 0 ]; do
	case "$1" in
	--audit-only) audit_only=1; shift ;;
	--storm-only) storm_only=1; shift ;;
	--lockdown-only) lockdown_only=1; shift ;;
	--tolerate-findings) tolerate=1; shift ;;
	--save-audit) save=$2; shift 2 ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || die "usage: verdict.sh [--audit-only | --storm-only | --lockdown-only] [--save-audit FILE] [--tolerate-findings] LOG"
[ $((audit_only + storm_only + lockdown_only)) -le 1 ] || die "--audit-only, --storm-only and --lockdown-only exclude each other"
logf=$1
need_file "$logf"

clean=$(mktemp)
trap 'rm -f "$clean"' EXIT
tr -d '\r' < "$logf" > "$clean"

fail=()
# Lines between two markers, marker lines excluded.
block() {
	awk -v b="$1" -v e="$2" '$0 ~ e { on = 0 } on { print } $0 ~ b { on = 1 }' "$clean"
}

grep -q '^XMA-HOST: timeout' "$clean" && fail+=("timeout: $(grep -m1 '^XMA-HOST: timeout' "$clean")")
# kmemleak: what its last scans still find unreferenced (the heavy run's
# XMA-KMEMLEAK section, "unreferenced object ...").  Its scanning thread's
# "N new suspected memory leaks" while the storm runs is no verdict: an
# object in flight then (held in a register, a per-CPU list) is found
# referenced by the later scans, and a real leak stays in their list.
crash_re='Kernel panic|Oops|BUG:|WARNING:|general protection fault|segfault at [0-9a-f]+ ip|self-detected stall|rcu_sched detected stalls|soft lockup|blocked for more than|Hardware Dom0 crashed|Domain [0-9]+ crashed|d[0-9]+v[0-9]+ Unhandled|Panic on CPU|FATAL TRAP|unreferenced object'
# Xen halts the machine when dom0 shuts down through it rather than ACPI:
# older kernels do so when S5 did not take.  A poweroff ("Power down.",
# "reboot: Power down") may end so; a halt or anything else may not.
if grep -q 'Hardware Dom0 halted' "$clean" && ! grep -Eq '(^|reboot: )Power down\.?$' "$clean"; then
	fail+=("Xen halted the machine, but dom0 did not power off: $(grep -m1 'Hardware Dom0 halted' "$clean")")
fi
if grep -Eq "$crash_re" "$clean"; then
	fail+=("guest or Xen crash:")
	while read -r l; do fail+=("    $l"); done < <(grep -E -m5 "$crash_re" "$clean")
fi

# A domU's log (split-guest-log.sh): dom0's word on how the domU ended.
# Anything but a poweroff fails, shown with what dom0 gathered (the output
# of xl create, xl's log, the tail of Xen's log).
domu_result=$(sed -n 's/^XMA-DOMU: result: //p' "$clean" | head -n 1)
if [ -n "$domu_result" ] && [ "$domu_result" != poweroff ]; then
	fail+=("domU: $domu_result")
	while read -r l; do fail+=("    $l"); done < <(sed -n 's/^XMA-DOMU-DIAG| //p' "$clean")
fi

if [ $storm_only -eq 1 ]; then
	storm=$(block '^XMA-STORM-BEGIN' '^XMA-STORM-END')
	rc=$(sed -n 's/^XMA-STORM-EXIT: //p' "$clean")
	if [ -z "$storm" ]; then
		fail+=("no storm output (XMA-STORM-BEGIN/END): the storm never ran")
	else
		echo "$storm"
		[ "$rc" = 0 ] || fail+=("storm exit status ${rc:-missing}")
	fi
elif [ $lockdown_only -eq 1 ]; then
	checks=$(grep -E '^XMA-LOCKDOWN: ' "$clean" || true)
	echo "$checks"
	nok=$(echo "$checks" | grep -c '^XMA-LOCKDOWN: ok - ' || true)
	grep -q '^XMA-LOCKDOWN: done$' "$clean" || fail+=("the lockdown checks did not run to their end")
	! echo "$checks" | grep -q '^XMA-LOCKDOWN: not ok' || fail+=("a lockdown check failed")
	[ "$nok" -eq "$lockdown_checks" ] || fail+=("$nok of $lockdown_checks lockdown checks ok")
elif [ $audit_only -eq 1 ]; then
	audit=$(block '^XMA-AUDIT-BEGIN' '^XMA-AUDIT-END')
	if [ -z "$audit" ]; then
		fail+=("no audit output (XMA-AUDIT-BEGIN/END) in the log")
	else
		echo "$audit"
		[ -z "$save" ] || { mkdir -p "$(dirname "$save")"; echo "$audit" > "$save"; }
	fi
else
	tap=$(block '^XMA-TAP-BEGIN' '^XMA-TAP-END')
	if [ -z "$tap" ]; then
		fail+=("no TAP output (XMA-TAP-BEGIN/END): the kselftest never ran")
	else
		plan=$(echo "$tap" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' | head -n 1)
		results=$(echo "$tap" | grep -E '^(not )?ok [0-9]+' || true)
		nres=$(echo "$results" | grep -c . || true)
		nfail=$(echo "$results" | grep -c '^not ok' || true)
		ntol=0
		if [ $tolerate -eq 1 ]; then
			ntol=$(echo "$results" | grep -Ec "$tolerated_re" || true)
			[ "$ntol" -eq 0 ] || echo "tolerated: $ntol test(s) failing on known findings"
		fi
		nskip=$(echo "$results" | grep -ci '# *SKIP' || true)
		rc=$(echo "$tap" | sed -n 's/^XMA-KSFT-EXIT: //p')
		echo "$results"
		echo "$tap" | grep -E '^# (Totals|PASSED|FAILED)' || true
		[ -n "$plan" ] || fail+=("no TAP plan (1..N)")
		[ -z "$plan" ] || [ "$nres" -eq "$plan" ] || fail+=("plan says $plan tests, $nres reported")
		[ "$nfail" -eq "$ntol" ] || fail+=("$((nfail - ntol)) test(s) not ok")
		[ "$nskip" -eq 0 ] || fail+=("$nskip test(s) skipped: under Xen PV every test must run")
		[ "$rc" = 0 ] || { [ "$ntol" -gt 0 ] && [ "$nfail" -eq "$ntol" ] && [ "$rc" = 1 ]; } ||
			fail+=("kselftest exit status ${rc:-missing}")
	fi
fi

echo "full log: $logf"
if [ ${#fail[@]} -gt 0 ]; then
	echo "verdict: FAIL"
	printf '  %s\n' "${fail[@]}"
	exit 1
fi
echo "verdict: PASS"
