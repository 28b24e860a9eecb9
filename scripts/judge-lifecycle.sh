#!/bin/bash
# Judge a domU's lifecycle run (guest-init.sh's lifecycle mode, steps done
# by run-domu.sh): every step done (a migration too), the audit after each
# clean, the balloon at its target after its steps with memory really
# hotplugged on the way up, then the kselftest (verdict.sh).
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
	/^XMA-LIFECYCLE: balloon: / { sub(/^XMA-LIFECYCLE: balloon: /, ""); balloon[n + 1] = $0 }
	/^XMA-STEP-AUDIT-BEGIN / { n = $2; step[n] = $3; inside = 1; next }
	/^XMA-STEP-AUDIT-END/ { inside = 0 }
	inside && /^result: / { result[n] = $2 }
	inside && /^violations_total: / { viol[n] = $2 }
	inside && /^unconfirmed: / { unconf[n] = $2 }
	END {
		for (i = 1; i <= nd || i <= n; i++) {
			printf "step %d: dom0: %s; after %s: CPUs online %s, audit %s (violations %s, unconfirmed %s)\n",
				i, (i in did) ? did[i] : "nothing", (i in step) ? step[i] : "-",
				(i in cpus) ? cpus[i] : "?", (i in result) ? result[i] : "none",
				viol[i], unconf[i]
			if (i in balloon)
				printf "step %d: balloon: %s\n", i, balloon[i]
		}
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
# A migration Xen could not do (a Xen without shadow paging) is a step
# not done.
if grep '^XMA-DOMU: lifecycle: step [0-9]* migrate: not possible' "$clean" | sed 's/^XMA-DOMU: /not done: /'; then
	fail=1
fi
# The balloon at the target dom0 asked for after each of its steps (one
# balloon line per step), and after going up, memory the kernel did not
# boot with, hotplugged and online: not merely pages given back inside
# the memory it knew at boot.
mem_steps=$(grep -Ec '^XMA-DOMU: lifecycle: step [0-9]+ mem-[a-z]+: exit ' "$clean" || true)
balloon_lines=$(grep -c '^XMA-LIFECYCLE: balloon: ' "$clean" || true)
if [ "$mem_steps" != "$balloon_lines" ]; then
	echo "dom0 did $mem_steps balloon steps, the domU said where its balloon was after $balloon_lines"
	fail=1
fi
while read -r step asked line; do
	read -r cur target <<< "$(sed -n 's/^current \([0-9]*\) kB, target \([0-9]*\) kB;.*/\1 \2/p' <<< "$line")"
	if [ -z "$cur" ] || [ "$cur" != "$target" ] || [ "$target" != "$asked" ]; then
		echo "after $step the balloon is not at the target dom0 asked for ($asked kB): $line"
		fail=1
	fi
	if [ "$step" = mem-up ] && ! grep -Eq 'hotplugged blocks:.* memory[0-9]+:online' <<< "$line"; then
		echo "after mem-up no memory block was hotplugged and onlined: $line"
		fail=1
	fi
done < <(awk '/^XMA-DOMU: lifecycle: step [0-9]+ mem-[a-z]+: exit .*, target [0-9]+ kB$/ { asked = $(NF - 1) }
	/^XMA-LIFECYCLE: after mem-/ { step = $3; sub(/:$/, "", step) }
	/^XMA-LIFECYCLE: balloon: / && step {
		sub(/^XMA-LIFECYCLE: balloon: /, ""); print step, (asked == "" ? "?" : asked), $0
		step = ""; asked = ""
	}' "$clean")
# The vCPU steps: the CPUs online after each are what dom0 set.
while read -r n cpus; do
	want=0
	[ "$n" -eq 1 ] || want=0-$((n - 1))
	if [ "$cpus" != "$want" ]; then
		echo "after vcpus-$n the domU has CPUs $cpus online, not $want"
		fail=1
	fi
done < <(sed -n 's/^XMA-LIFECYCLE: after vcpus-\([0-9]*\): CPUs online \(.*\)$/\1 \2/p' "$clean")
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
