#!/bin/bash
# Build the kselftest as static binaries against a kernel tree's
# kselftest headers.
#
#   build-selftests.sh TREE OUT_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${1:?usage: build-selftests.sh TREE OUT_DIR}
out=${2:?usage: build-selftests.sh TREE OUT_DIR}
need_file "$tree/tools/testing/selftests/kselftest_harness.h"

mkdir -p "$out"
make -s -C "$XMA_TOP/selftests" KDIR="$tree" OUTPUT="$out" LDFLAGS=-static
