#!/bin/bash
# Pack the guest initramfs: static busybox, guest-init.sh as /init, the
# module and the kselftest binaries.
#
#   make-initramfs.sh OUT.cpio.gz MODULE.ko SELFTEST_DIR [x86_64|i386]
#
# The last argument is the guest's architecture (static-busybox.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:?usage: make-initramfs.sh OUT.cpio.gz MODULE.ko SELFTEST_DIR}
ko=${2:?usage: make-initramfs.sh OUT.cpio.gz MODULE.ko SELFTEST_DIR}
tests=${3:?usage: make-initramfs.sh OUT.cpio.gz MODULE.ko SELFTEST_DIR [x86_64|i386]}
arch=${4:-x86_64}
need_file "$ko"
need_file "$tests/xen_mmu_audit_test"
busybox=$("$(dirname "$0")/static-busybox.sh" "$arch")

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,selftests}
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$XMA_TOP/scripts/guest-init.sh" "$stage/init"
chmod 755 "$stage/init"
# Without its debug info (most of its size), as the kernel image: Linux
# 2.6.37 (x86_32, 2 vCPUs, Xen) dies silently loading the 540 KB module.
strip --strip-debug -o "$stage/xen_mmu_audit.ko" "$ko"
find "$tests" -maxdepth 1 -type f -perm -u+x -exec cp {} "$stage/selftests/" \;

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -n > "$out"
