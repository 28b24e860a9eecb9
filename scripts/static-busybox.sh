#!/bin/bash
# Print the path of a static busybox for a guest's user space.
#
#   static-busybox.sh [x86_64|i386]
#
# x86_64: the host's (Debian's busybox-static, from install-deps.sh).
# i386: Debian's busybox-static:i386, fetched with apt-get download into
# the cache and unpacked there; nothing is installed on the host, and the
# host's dpkg architectures are left alone (apt is told of i386 for this
# one update and download only).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:-x86_64}
is_static() {
	file -L "$1" | grep -q 'statically linked'
}

case "$arch" in
x86_64)
	busybox=$(command -v busybox || true)
	if [ -z "$busybox" ] || ! is_static "$busybox"; then
		die "need a static busybox (Debian: busybox-static)"
	fi
	echo "$busybox"
	exit 0
	;;
i386) ;;
*) die "usage: static-busybox.sh [x86_64|i386]" ;;
esac

dir=$XMA_CACHE/busybox/i386
busybox=$dir/root/bin/busybox
if [ -f "$busybox" ] && is_static "$busybox"; then
	echo "$busybox"
	exit 0
fi
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
archs=(-o 'APT::Architectures::=amd64' -o 'APT::Architectures::=i386')
rm -rf "$dir"
mkdir -p "$dir/debs"
log "downloading Debian's busybox-static:i386"
# Without i386 package lists, apt does not know the package: fetch them
# (a failing mirror of the security suite alone is no reason to stop).
if ! (cd "$dir/debs" && apt-get download -q -o APT::Sandbox::User=root "${archs[@]}" \
	busybox-static:i386 >&2 2>/dev/null); then
	$sudo apt-get update -q "${archs[@]}" >&2 || log "apt-get update reported errors"
	(cd "$dir/debs" && apt-get download -q -o APT::Sandbox::User=root "${archs[@]}" \
		busybox-static:i386 >&2) || die "apt-get download busybox-static:i386 failed"
fi
dpkg-deb -x "$dir"/debs/busybox-static_*_i386.deb "$dir/root"
need_file "$busybox" "not in busybox-static:i386"
file -L "$busybox" | grep -q 'ELF 32-bit.*Intel 80386.*statically linked' ||
	die "$busybox: not a static i386 executable"
echo "$busybox"
