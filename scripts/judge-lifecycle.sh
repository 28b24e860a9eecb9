#!/bin/bash
# Judge a domU's lifecycle run (guest-init.sh's lifecycle mode, steps done
# by run-domu.sh): every step done, the audit after each clean, then the
# kselftest (verdict.sh).
#
#   judge-lifecycle.sh [--report-only] DOMU_LOG
#
# Prints one line per step: what dom0 did (exit status, wall time) and
# the audit's result after it.  --report-only (the pristine kernel): a
# step's findings are printed, not failed; a step that did not run, or a
# lifecycle that did not end, still fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

report_only=0
[ "${1:-}" != --report-only ] || { report_only=1; shift; }
logf=${1:?usage: judge-lifecycle.sh [--report-only] DOMU_LOG}
need_file "$logf"
clean=$(mktemp)
trap 'rm -f "$clean"' EXIT
tr -d '\r' < "$logf" > "$clean"

fail=0
# dom0's word on each step, and the audit after it, side by side.
awk '
	/^XMA-DOMU: lifecycle: step [0-9]+ [^ ]+: exit / { sub(/^XMA-DOMU: lifecycle: /, ""); did[++nd] = $0 }
	/^XMA-LIFECYCLE: after / { sub(/^.*CPUs online /, ""); cpus[n + 1] = $0 }
	/^XMA-STEP-AUDIT-BEGIN / { n = $2; step[n] = $3; inside = 1; next }
	/^XMA-STEP-AUDIT-END/ { inside = 0 }
	inside && /^result: / { result[n] = $2 }
	inside && /^violations_total: / { viol[n] = $2 }
	inside && /^unconfirmed: / { unconf[n] = $2 }
	END {
		for (i = 1; i <= nd || i <= n; i++)
			printf "step %d: dom0: %s; after %s: CPUs online %s, audit %s (violations %s, unconfirmed %s)\n",
				i, (i in did) ? did[i] : "nothing", (i in step) ? step[i] : "-",
				(i in cpus) ? cpus[i] : "?", (i in result) ? result[i] : "none",
				viol[i], unconf[i]
	}' "$clean"

if ! grep -q '^XMA-LIFECYCLE: done$' "$clean"; then
	echo "the lifecycle did not end: $(grep -m1 -E '^XMA-LIFECYCLE: (failed|no word)' "$clean" || echo 'no end')"
	fail=1
fi
steps=$(grep -Ec '^XMA-DOMU: lifecycle: step [0-9]+ [^ ]+: exit ' "$clean" || true)
audits=$(grep -c '^XMA-STEP-AUDIT-BEGIN ' "$clean" || true)
if [ "$steps" -eq 0 ] || [ "$audits" -ne "$steps" ]; then
	echo "dom0 did $steps steps, the domU audited after $audits"
	fail=1
fi
if grep -q '^XMA-DOMU-DIAG| xl: ' "$clean"; then
	echo "a step failed in dom0 (xl's lines: XMA-DOMU-DIAG in $logf)"
	fail=1
fi
grep '^XMA-DOMU: lifecycle: step [0-9]* migrate: not possible' "$clean" | sed 's/^XMA-DOMU: /not done: /' || true
dirty=$(awk '/^XMA-STEP-AUDIT-BEGIN /{ inside = 1 } /^XMA-STEP-AUDIT-END/{ inside = 0 }
	inside && /^result: / && $2 != "clean" { n++ } END { print n + 0 }' "$clean")
if [ "$dirty" -gt 0 ]; then
	echo "audits with violations after a step: $dirty"
	[ $report_only = 1 ] || fail=1
fi
verdict=()
[ $report_only = 0 ] || verdict=(--tolerate-findings)
"$here/verdict.sh" "${verdict[@]}" "$logf" || fail=1
[ $fail -eq 0 ]
