#!/bin/bash
# Build a guest from Debian 12's stock kernel, what a user tries first:
# linux-image-amd64's vmlinuz, downloaded and unpacked under the cache
# (never installed), with the module built against linux-headers-amd64
# (installed on the host by install-deps.sh: it is the host's own
# distribution) and the kselftest binaries in SELFTEST_DIR
# (build-selftests.sh).
#
#   stock-guest.sh SELFTEST_DIR OUT_DIR
#
# Writes OUT_DIR/{bzImage,xen_mmu_audit.ko,initramfs.cpio.gz,arch,version}
# like build-guest.sh, so that boot-guests.sh boots it; the initramfs also
# has the kernel's own Xen toolstack drivers (/kmods), for a domU.  The image and the
# headers are the same ABI (linux-image-amd64 and linux-headers-amd64 name
# the same one); the script checks it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage="usage: stock-guest.sh SELFTEST_DIR OUT_DIR"
tests=${1:?$usage}
out=${2:?$usage}
here=$(dirname "$0")
need_file "$tests/xen_mmu_audit_test" "build-selftests.sh first"

# depends_on META: the versioned package a Debian metapackage pulls in.
depends_on() {
	apt-cache depends "$1" 2>/dev/null | awk '$1 == "Depends:" { print $2; exit }'
}
image=$(depends_on linux-image-amd64)
headers=$(depends_on linux-headers-amd64)
if [ -z "$image" ] || [ -z "$headers" ]; then
	die "apt knows no linux-image-amd64 / linux-headers-amd64 (apt-get update first?)"
fi
abi=${image#linux-image-}
[ "$headers" = "linux-headers-$abi" ] ||
	die "linux-image-amd64 ($image) and linux-headers-amd64 ($headers) differ"
kdir=/usr/src/linux-headers-$abi
need_file "$kdir/Module.symvers" "install linux-headers-amd64 (scripts/install-deps.sh)"
version=$(dpkg-query -W -f='${Version}' "$headers")

base=$XMA_CACHE/stock/$abi-$version
if [ ! -f "$base/.complete" ]; then
	log "downloading $image $version"
	rm -rf "$base"
	mkdir -p "$base/debs"
	(cd "$base/debs" && apt-get download -q -o APT::Sandbox::User=root "$image=$version" >&2) ||
		die "apt-get download $image=$version failed"
	dpkg-deb -x "$base/debs/$image"_*.deb "$base/unpacked"
	need_file "$base/unpacked/boot/vmlinuz-$abi" "not in $image"
	touch "$base/.complete"
fi

mkdir -p "$out"
cp "$base/unpacked/boot/vmlinuz-$abi" "$out/bzImage"
cp "$base/unpacked/boot/System.map-$abi" "$out/System.map"
echo x86_64 > "$out/arch"
echo "$image $version" > "$out/version"
"$here/build-module.sh" "$kdir" "$out/module"
cp "$out/module/xen_mmu_audit.ko" "$out/xen_mmu_audit.ko"
rm -rf "$out/selftests"
cp -r "$tests" "$out/selftests"
"$here/make-initramfs.sh" "$out/initramfs.cpio.gz" "$out/xen_mmu_audit.ko" "$out/selftests" x86_64
# The toolstack's drivers are modules in Debian's kernel: /kmods, loaded
# in this order (each after what it depends on) before a domU is started.
kmods=$(mktemp -d)
trap 'rm -rf "$kmods"' EXIT
mkdir "$kmods/kmods"
for m in xen-evtchn xen-privcmd xenfs/xenfs xen-gntdev xen-gntalloc; do
	ko=$base/unpacked/lib/modules/$abi/kernel/drivers/xen/$m.ko
	need_file "$ko" "not in $image"
	for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
		grep -qx "$dep" "$kmods/kmods/order" 2>/dev/null ||
			die "$m needs $dep, not loaded before it"
	done
	cp "$ko" "$kmods/kmods/"
	basename "$m" >> "$kmods/kmods/order"
done
(cd "$kmods" && find kmods | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
	gzip -n >> "$out/initramfs.cpio.gz"
log "stock guest: $image $version in $out"
