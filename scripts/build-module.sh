#!/bin/bash
# Build the xen_mmu_audit module against a kernel build directory.  The
# sources are copied out of the repo so that no build output lands in it.
#
#   build-module.sh BUILD_DIR OUT_DIR      (writes OUT_DIR/xen_mmu_audit.ko)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:?usage: build-module.sh BUILD_DIR OUT_DIR}
out=${2:?usage: build-module.sh BUILD_DIR OUT_DIR}
need_file "$build/Module.symvers" "build the kernel first"
export ARCH=${ARCH:-x86_64}

mkdir -p "$out/src"
rsync -a --delete --exclude='*.o' --exclude='*.ko' "$XMA_TOP/module/" "$out/src/"
# W=1 and -Werror: the module builds warning-free, or not at all.
make -s -C "$build" M="$out/src" W=1 KCFLAGS=-Werror modules
cp "$out/src/xen_mmu_audit.ko" "$out/"
