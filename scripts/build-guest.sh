#!/bin/bash
# Build one guest: the kernel tree with the first COUNT patches of its
# series, the module and the kselftest against it, and the initramfs.
#
#   build-guest.sh TREE COUNT OUT_DIR
#
# Writes OUT_DIR/{bzImage,System.map,xen_mmu_audit.ko,initramfs.cpio.gz,
# arch}.  COUNT is a number, "all" or "pre" (see apply-series.sh).
# bzImage is the image Xen boots: the bzImage, or when the build made none
# ($XMA_KERNEL_TARGETS), the ELF vmlinux without its debug info (Xen and
# xl load both).  arch: i386 or x86_64.  The kernel is built in one build
# directory per tree (under the cache), so that moving between patch
# counts is incremental.
# $XMA_EXTRA_PATCHES: patch files to git am on top of the series (for
# measurements), and $XMA_EXTRA_FRAGMENT, a second Kconfig fragment (the
# debug variant): each is built in a build directory of its own.
# $XMA_FRAGMENT replaces Kconfig.fragment (a 64-bit 6.12 PV guest) for
# another kind of guest, e.g. a 32-bit one or an older kernel's options;
# it too gets a build directory of its own, and so does
# $XMA_BASE_CONFIG=defconfig (configure-kernel.sh: the realistic one).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tree=${1:?usage: build-guest.sh TREE COUNT OUT_DIR}
count=${2:?usage: build-guest.sh TREE COUNT OUT_DIR}
out=${3:?usage: build-guest.sh TREE COUNT OUT_DIR}
here=$(dirname "$0")
build=$XMA_CACHE/build/$(basename "$tree")
read -r -a extra <<< "${XMA_EXTRA_PATCHES:-}"

"$here/apply-series.sh" "$tree" "$("$here/series-dir.sh" "$tree")" "$count"
for p in "${extra[@]}"; do
	need_file "$p"
	if ! git -C "$tree" am -q "$(realpath "$p")"; then
		git -C "$tree" am --abort >/dev/null 2>&1 || true
		die "patch does not apply: $p"
	fi
done
[ ${#extra[@]} -eq 0 ] || build=$build-extra
# Another configuration, another build directory: no rebuild ping-pong.
[ -z "${XMA_EXTRA_FRAGMENT:-}" ] || build=$build-$(basename "$XMA_EXTRA_FRAGMENT" .fragment)
fragment=${XMA_FRAGMENT:-$XMA_TOP/Kconfig.fragment}
[ -z "${XMA_FRAGMENT:-}" ] || build=$build-$(basename "$XMA_FRAGMENT" .fragment)
[ "${XMA_BASE_CONFIG:-tinyconfig}" = tinyconfig ] || build=$build-$XMA_BASE_CONFIG
"$here/configure-kernel.sh" "$tree" "$build" "$fragment" ${XMA_EXTRA_FRAGMENT:+"$XMA_EXTRA_FRAGMENT"}
log "building kernel in $build"
"$here/build-kernel.sh" "$tree" "$build"
mkdir -p "$out"
arch=$(kernel_arch "$build")
echo "$arch" > "$out/arch"
"$here/build-module.sh" "$build" "$out/module"
"$here/build-selftests.sh" "$tree" "$out/selftests" "$arch"
image=$build/arch/x86/boot/bzImage
# Only a bzImage newer than vmlinux is this build's.
if [ -f "$image" ] && [ ! "$build/vmlinux" -nt "$image" ]; then
	cp "$image" "$out/bzImage"
else
	objcopy --strip-debug "$build/vmlinux" "$out/bzImage"
fi
cp "$build/System.map" "$out/System.map"
cp "$out/module/xen_mmu_audit.ko" "$out/xen_mmu_audit.ko"
"$here/make-initramfs.sh" "$out/initramfs.cpio.gz" "$out/xen_mmu_audit.ko" "$out/selftests" "$arch"
git -C "$tree" log --oneline xma-pristine..HEAD > "$out/patches.txt"
log "guest ready in $out ($(wc -l < "$out/patches.txt") patches)"
