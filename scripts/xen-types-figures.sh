#!/bin/bash
# The cross-check's figures from the test command's last run, per kernel
# (results/<tree>/xen-types.csv, written by test-kernel.sh and
# test-stock.sh through compare-xen-types.py), as a table for README.
#
#   scripts/xen-types-figures.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"

found=0
printf '%-28s %-22s %9s %9s %9s %6s %6s %6s %6s\n' kernel "leg guest" compared agreeing disagree r1 r2 r3 r4
for f in "$XMA_CACHE"/results/*/xen-types.csv; do
	[ -s "$f" ] || continue
	found=1
	tree=$(basename "$(dirname "$f")")
	while IFS=, read -r label compared agreeing disagreeing r1 r2 r3 r4; do
		printf '%-28s %-22s %9s %9s %9s %6s %6s %6s %6s\n' "$tree" "$label" \
			"$compared" "$agreeing" "$disagreeing" "$r1" "$r2" "$r3" "$r4"
	done < "$f"
	echo "  ($tree: $(date -u -r "$f" '+%Y-%m-%d %H:%M UTC'))"
done
[ $found = 1 ] || die "no xen-types.csv under $XMA_CACHE/results: run scripts/run-tests.sh first"
