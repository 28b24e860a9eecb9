#!/bin/bash
# Pack a dom0 initramfs that can start a PV domU: a guest initramfs
# (make-initramfs.sh), then Xen's toolstack (toolstack-root.sh), then
# /domu: the domU's kernel and initramfs and run-domu.sh, and
# xen-own-types (dom0's own cross-check).  The kernel
# unpacks concatenated cpio archives in order, so the three are simply
# concatenated.
#
#   make-dom0-initramfs.sh OUT.cpio.gz DOM0_INITRAMFS DOMU_KERNEL DOMU_INITRAMFS
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: make-dom0-initramfs.sh OUT.cpio.gz DOM0_INITRAMFS DOMU_KERNEL DOMU_INITRAMFS"
[ $# -eq 4 ] || die "$usage"
out=$1 base=$2 kernel=$3 ramdisk=$4
need_file "$base"
need_file "$kernel"
need_file "$ramdisk"
# xl loads bzImages and ELF kernels with Xen's notes; anything else would
# only fail inside the guest, far from here.
file -L "$kernel" | grep -Eq 'Linux kernel x86 boot executable|ELF (32|64)-bit' ||
	die "$kernel: not a bzImage or ELF kernel ($(file -b -L "$kernel"))"
gzip -t "$ramdisk" 2>/dev/null || die "$ramdisk: not a gzip'd initramfs"
toolstack=$("$(dirname "$0")/toolstack-root.sh")

stage=$(mktemp -d)
trap 'rm -rf "$stage" "$out.tmp"' EXIT
mkdir -p "$stage/domu"
cp "$kernel" "$stage/domu/bzImage"
cp "$ramdisk" "$stage/domu/initramfs.cpio.gz"
cp "$XMA_TOP/scripts/run-domu.sh" "$stage/domu/run-domu.sh"
chmod 755 "$stage/domu/run-domu.sh"
# dom0's own cross-check with Xen's page types (guest-init.sh), against
# the toolstack's libxenctrl, which it loads itself.
mkdir -p "$stage/usr/sbin"
gcc -O2 -Wall -Wextra -Werror -o "$stage/usr/sbin/xen-own-types" \
	"$XMA_TOP/scripts/xen-own-types.c" -ldl ||
	die "building xen-own-types failed"

pack() {
	(cd "$1" && find . ! -name .complete | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -n
}
mkdir -p "$(dirname "$out")"
{ cat "$base"; pack "$toolstack"; pack "$stage"; } > "$out.tmp"
mv "$out.tmp" "$out"
