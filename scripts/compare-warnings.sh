#!/bin/bash
# Compare two warning lists of kernel-warnings.sh: fail on any warning that
# AFTER has more often than BEFORE (a patch must not add warnings).
#
#   compare-warnings.sh BEFORE AFTER
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export LC_ALL=C

before=${1:?usage: compare-warnings.sh BEFORE AFTER}
after=${2:?usage: compare-warnings.sh BEFORE AFTER}
need_file "$before"
need_file "$after"

# Both lists are sorted; comm keeps duplicates apart, so a warning that
# appears once more counts as new.
new=$(comm -13 "$before" "$after")
echo "warnings: $(wc -l < "$before") before, $(wc -l < "$after") after"
if [ -n "$new" ]; then
	echo "new warnings:"
	printf '%s\n' "$new" | sed 's/^/  /'
	exit 1
fi
