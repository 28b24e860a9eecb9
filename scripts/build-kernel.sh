#!/bin/bash
# Build a configured kernel out of tree, through ccache.
#
#   build-kernel.sh TREE BUILD_DIR
#
# Builds bzImage and modules (the latter writes Module.symvers, which
# out-of-tree modules need), its output in BUILD_DIR/build.log.  $XMA_KERNEL_TARGETS overrides the targets
# (e.g. "vmlinux modules": Xen boots the ELF vmlinux as well).  ARCH is
# the one the .config was made for.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${1:?usage: build-kernel.sh TREE BUILD_DIR}
build=${2:?usage: build-kernel.sh TREE BUILD_DIR}
need_file "$build/.config" "configure it with configure-kernel.sh"
ARCH=$(kernel_arch "$build")
export ARCH
export CCACHE_DIR=${CCACHE_DIR:-$XMA_CACHE/ccache}
read -r -a targets <<< "${XMA_KERNEL_TARGETS:-bzImage modules}"

# A fixed build stamp keeps init/version.o (and so vmlinux) reproducible.
export KBUILD_BUILD_TIMESTAMP=${KBUILD_BUILD_TIMESTAMP:-2000-01-01}
export KBUILD_BUILD_USER=xma KBUILD_BUILD_HOST=xma

# The compiler's output goes to BUILD_DIR/build.log: a tree much older
# than the compiler (2.6.37) warns by the thousand.  A failure shows its
# last lines; a success, how many warnings there were.
rc=0
run_locked make -s -C "$tree" O="$build" CC="ccache ${CC:-gcc}" -j"$(jobs)" "${targets[@]}" \
	> "$build/build.log" 2>&1 || rc=$?
if [ $rc -ne 0 ]; then
	grep -E 'error|Error' "$build/build.log" | tail -n 20 >&2 || true
	tail -n 20 "$build/build.log" >&2
	die "the kernel build failed (exit $rc), see $build/build.log"
fi
warnings=$(grep -c 'warning:' "$build/build.log" || true)
[ "$warnings" -eq 0 ] || log "$warnings compiler warnings, see $build/build.log"
