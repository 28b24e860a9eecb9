#!/bin/bash
# Print the patches/ directory whose series belongs to a kernel tree:
# patches/v6.12 for 6.12.x, patches/v2.6.37 for 2.6.37.  $XMA_SERIES wins.
#
#   series-dir.sh TREE
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${1:?usage: series-dir.sh TREE}
if [ -n "${XMA_SERIES:-}" ]; then
	echo "$XMA_SERIES"
	exit 0
fi
need_file "$tree/Makefile"
v=$(sed -n 's/^VERSION = //p' "$tree/Makefile")
p=$(sed -n 's/^PATCHLEVEL = //p' "$tree/Makefile")
s=$(sed -n 's/^SUBLEVEL = //p' "$tree/Makefile")
if [ "$v" = 2 ]; then
	echo "$XMA_TOP/patches/v$v.$p.$s"
else
	echo "$XMA_TOP/patches/v$v.$p"
fi
