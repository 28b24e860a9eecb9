#!/bin/bash
# Install the Debian 12 packages the harness needs (as root, or via sudo).
# Does nothing when everything is already installed.
#
#   install-deps.sh [PACKAGE...]    PACKAGE: more that one command needs
set -euo pipefail

pkgs=(
	build-essential bc bison flex libelf-dev libssl-dev kmod cpio
	ccache xz-utils git rsync python3 file
	busybox-static qemu-system-x86 xen-hypervisor-4.17-amd64
	linux-source-6.12 linux-headers-amd64 shellcheck sparse
	gcc-multilib libc6-dev-i386
	dkms openssl
	"$@"
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
# The stock kernel's headers follow the image Debian serves now
# (stock-guest.sh downloads that one): an older install is upgraded.
h=linux-headers-amd64
if dpkg-query -W -f='${Status}' "$h" 2>/dev/null | grep -q "ok installed" &&
   [ "$(dpkg-query -W -f='${Version}' "$h")" != \
     "$(apt-cache policy "$h" | sed -n 's/^ *Candidate: //p')" ]; then
	missing+=("$h")
fi
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "install-deps.sh: installing ${missing[*]}" >&2
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
