#!/bin/bash
# Print the path of the Xen hypervisor the harness boots: Debian's Xen
# $XMA_XEN (lib.sh), as the .gz its xen-hypervisor package ships.
#
#   xen-hypervisor.sh        4.17: the host's (bookworm) installed package
#                            4.20: trixie's, at the version versions.sh
#                            pins, fetched and unpacked under the cache
#                            (never installed)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/versions.sh"

case "$XMA_XEN" in
4.17)
	need_file /boot/xen-4.17-amd64.gz "install xen-hypervisor-4.17-amd64 (scripts/install-deps.sh)"
	echo /boot/xen-4.17-amd64.gz
	;;
4.20)
	out=$XMA_CACHE/xen/$XMA_XEN420_DEB
	if [ ! -f "$out/boot/xen-4.20-amd64.gz" ]; then
		debs=$("$(dirname "$0")/fetch-debs.sh" trixie \
			"xen-hypervisor-4.20-amd64=$XMA_XEN420_DEB")
		rm -rf "$out.tmp"
		mkdir -p "$out.tmp"
		dpkg-deb -x "$debs"/xen-hypervisor-4.20-amd64_"${XMA_XEN420_DEB//:/%3a}"_*.deb "$out.tmp"
		need_file "$out.tmp/boot/xen-4.20-amd64.gz" "not in xen-hypervisor-4.20-amd64"
		rm -rf "$out"
		mv "$out.tmp" "$out"
	fi
	echo "$out/boot/xen-4.20-amd64.gz"
	;;
*)
	die "XMA_XEN must be 4.17 or 4.20, not '$XMA_XEN'"
	;;
esac
