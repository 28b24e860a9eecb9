#!/bin/bash
# Build the kselftest as static binaries against a kernel tree's
# kselftest headers, for the guest's architecture.
#
#   build-selftests.sh TREE OUT_DIR [i386|x86_64]
#
# A tree older than the kselftest harness (3.x) lends none: the headers
# then come from the 6.12 tree, user space code that fits any kernel (7.3's
# harness waits on its tests with pidfd_open(), which came in 5.3).
# i386: gcc -m32 (gcc-multilib).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: build-selftests.sh TREE OUT_DIR [i386|x86_64]"
tree=${1:?$usage}
out=${2:?$usage}
arch=${3:-x86_64}
cc=${CC:-gcc}
case "$arch" in
x86_64) ;;
i386) cc="$cc -m32" ;;
*) die "$usage" ;;
esac
ksft=$tree
if [ ! -f "$tree/tools/testing/selftests/kselftest_harness.h" ]; then
	ksft=$(env -u KERNEL_SRC XMA_KERNEL=6.12 "$(dirname "$0")/kernel-tree.sh")
	log "$tree has no kselftest harness: using $ksft's"
fi
need_file "$ksft/tools/testing/selftests/kselftest_harness.h"

mkdir -p "$out"
# -B: the binaries depend on KDIR's headers too, which make does not see.
make -s -B -C "$XMA_TOP/selftests" KDIR="$ksft" OUTPUT="$out" CC="$cc" LDFLAGS=-static
