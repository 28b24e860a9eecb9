#!/bin/bash
# Compare two saved audits: violations per kind, before and after.
#
#   compare-audits.sh BEFORE AFTER
#
# Fails if AFTER has more violations of any kind than BEFORE (a patch must
# not add findings).  Prints one line per kind.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

before=${1:?usage: compare-audits.sh BEFORE AFTER}
after=${2:?usage: compare-audits.sh BEFORE AFTER}
need_file "$before"
need_file "$after"

value() {
	sed -n "s/^$2: //p" "$1" | head -n 1
}

worse=0
for kind in writable_pt pin_mismatch ro_leak initial_pt total; do
	b=$(value "$before" "violations_$kind")
	a=$(value "$after" "violations_$kind")
	if [ -z "$b" ] || [ -z "$a" ]; then
		die "violations_$kind missing in $before or $after"
	fi
	mark=
	if [ "$a" -gt "$b" ]; then
		mark="  <- more than before"
		worse=1
	fi
	printf '  %-14s %4s -> %4s%s\n' "$kind" "$b" "$a" "$mark"
done
[ $worse -eq 0 ]
