#!/bin/bash
# Build the xen_mmu_audit module against a kernel build directory.  The
# sources are copied out of the repo so that no build output lands in it.
#
#   build-module.sh BUILD_DIR OUT_DIR [SRC_DIR]
#
# Writes OUT_DIR/xen_mmu_audit.ko.  SRC_DIR (default: the repo's module/)
# is for the harness's negative control.  The build fails on any compiler
# or sparse warning.  A kernel much older than the compiler (2.6.37 and
# gcc 12) has warnings in its own headers: XMA_HEADER_WARNINGS=allow lets
# those pass (listed), while the module's own files must still have none.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build=${1:?usage: build-module.sh BUILD_DIR OUT_DIR [SRC_DIR]}
out=${2:?usage: build-module.sh BUILD_DIR OUT_DIR [SRC_DIR]}
src=${3:-$XMA_TOP/module}
need_file "$src/Kbuild"
# A kernel built without its modules (XMA_KERNEL_TARGETS=bzImage, the
# realistic configuration) has only vmlinux.symvers: then that is every
# symbol an out-of-tree module can use, and modpost reads it by this name.
if [ ! -e "$build/Module.symvers" ] && [ -e "$build/vmlinux.symvers" ]; then
	cp "$build/vmlinux.symvers" "$build/Module.symvers"
fi
need_file "$build/Module.symvers" "build the kernel first"
ARCH=$(kernel_arch "$build")
export ARCH

mkdir -p "$out/src"
out=$(cd "$out" && pwd)
rsync -a --delete --exclude='*.o' --exclude='*.ko' "$src/" "$out/src/"
# W=1 and -Werror: the module builds warning-free, or not at all; and
# sparse (C=2) must have nothing to say about it either.
sparse_log=$out/sparse.log
werror=-Werror
[ "${XMA_HEADER_WARNINGS:-}" != allow ] || werror=
# The kernel's sources (an O= build links them as source), for the
# sparse that can check them (sparse.sh).
srctree=$build
[ ! -e "$build/source" ] || srctree=$(readlink -f "$build/source")
check=$("$(dirname "$0")/sparse.sh" "$srctree")
# The user's KCFLAGS, if any, were the kernel's: its modules get them too.
if ! make -s -C "$build" M="$out/src" W=1 KCFLAGS="${KCFLAGS:-} $werror" C=2 CHECK="$check" modules \
	2>&1 | tee "$sparse_log"; then
	die "module build failed"
fi
# A kernel that finds the checker unfit only warns, and checks nothing.
if grep -q 'specified, but .* is not available' "$sparse_log"; then
	die "the kernel did not run sparse: $(grep -m1 'specified, but' "$sparse_log")"
fi
warn_re=': (warning|error):'
if [ -n "$werror" ]; then
	if grep -E "$warn_re" "$sparse_log" >&2; then
		die "sparse warns about the module (above)"
	fi
else
	# The module's own files: under $out/src, which kbuild names in full
	# up to 6.12 and relative to it (no directory: the module is flat)
	# since; the kernel's headers keep a directory either way.
	if grep -E "^($out/src/)?[^/:]+:[0-9:]+$warn_re" "$sparse_log" >&2; then
		die "the compiler or sparse warns about the module's own code (above)"
	fi
	n=$(grep -cE "$warn_re" "$sparse_log" || true)
	[ "$n" -eq 0 ] || log "allowed: $n warnings in the kernel's headers (see $sparse_log)"
fi
cp "$out/src/xen_mmu_audit.ko" "$out/"
