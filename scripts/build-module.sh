#!/bin/bash
# Build the xen_mmu_audit module against a kernel build directory.  The
# sources are copied out of the repo so that no build output lands in it.
#
#   build-module.sh BUILD_DIR OUT_DIR [SRC_DIR]
#
# Writes OUT_DIR/xen_mmu_audit.ko.  SRC_DIR (default: the repo's module/)
# is for the harness's negative control.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:?usage: build-module.sh BUILD_DIR OUT_DIR [SRC_DIR]}
out=${2:?usage: build-module.sh BUILD_DIR OUT_DIR [SRC_DIR]}
src=${3:-$XMA_TOP/module}
need_file "$src/Kbuild"
need_file "$build/Module.symvers" "build the kernel first"
export ARCH=${ARCH:-x86_64}

mkdir -p "$out/src"
rsync -a --delete --exclude='*.o' --exclude='*.ko' "$src/" "$out/src/"
# W=1 and -Werror: the module builds warning-free, or not at all; and
# sparse (C=2) must have nothing to say about it either.
sparse_log=$out/sparse.log
if ! make -s -C "$build" M="$out/src" W=1 KCFLAGS=-Werror C=2 modules \
	2>&1 | tee "$sparse_log"; then
	die "module build failed"
fi
if grep -E ': (warning|error):' "$sparse_log" >&2; then
	die "sparse warns about the module (above)"
fi
cp "$out/src/xen_mmu_audit.ko" "$out/"
