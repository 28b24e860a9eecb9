#!/bin/bash
# Build a Xen hypervisor that runs 32-bit PV guests (CONFIG_PV32=y) from
# Debian's xen source package; print the path of its xen.gz.  Debian's own
# hypervisor is built without PV32, so it cannot boot an i386 PV kernel.
#
#   build-xen-pv32.sh [--debug] [--version VER]
#     --debug          also CONFIG_DEBUG=y (more diagnostics on guest crashes)
#     --version VER    the xen source version wanted (default: the installed
#                      xen-hypervisor-4.17-amd64's, whose config it starts
#                      from, else bookworm's own, 4.17.5+72-g01140da4e8-1: a
#                      security update's source is not always downloadable)
#
# Only the hypervisor is built (no tools), from /boot/xen-4.17-amd64.config,
# out of the source fetch-source.sh gets (the host's apt sources untouched).
# The result is cached under $XMA_CACHE/xen-pv32/; a second run reuses it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

debug=0 version=
release_version=4.17.5+72-g01140da4e8-1
while [ $# -gt 0 ]; do
	case "$1" in
	--debug) debug=1; shift ;;
	--version)
		[ $# -ge 2 ] || die "--version wants a version"
		version=$2; shift 2 ;;
	-*) die "unknown option $1" ;;
	*) die "usage: build-xen-pv32.sh [--debug] [--version VER]" ;;
	esac
done
base_config=/boot/xen-4.17-amd64.config
need_file "$base_config" "install xen-hypervisor-4.17-amd64"
candidates=("$version")
[ -n "$version" ] ||
	candidates=("$(dpkg-query -W -f='${Version}' xen-hypervisor-4.17-amd64)" "$release_version")
for tool in dpkg-source make gcc python3 flex bison; do
	command -v "$tool" >/dev/null || die "$tool not found (run scripts/install-deps.sh)"
done

variant=pv32
[ $debug = 1 ] && variant=pv32-debug
top=$XMA_CACHE/xen-pv32
for version in "${candidates[@]}"; do
	out=$top/xen-$variant-$version.gz
	if [ -f "$out" ] && [ -f "$out.version" ]; then
		log "reusing $out (xen $(cat "$out.version"))"
		echo "$out"
		exit 0
	fi
done

srcdir=
for version in "${candidates[@]}"; do
	srcdir=$("$(dirname "$0")/fetch-source.sh" "xen=$version") && break
	srcdir=
	log "no source of xen $version"
done
[ -n "$srcdir" ] || die "no xen source to build (tried ${candidates[*]})"
out=$top/xen-$variant-$version.gz

mkdir -p "$top"
# A build dir per variant: Xen builds in its source tree.
build=$top/build-$variant-$version
if [ ! -d "$build" ]; then
	rm -rf "$build.tmp"
	cp -a "$srcdir" "$build.tmp"
	mv "$build.tmp" "$build"
fi
cp "$base_config" "$build/xen/.config"
{
	echo "CONFIG_PV32=y"
	[ $debug = 1 ] && echo "CONFIG_DEBUG=y"
} >> "$build/xen/.config"
log "building the hypervisor ($variant) in $build"
make -s -C "$build/xen" olddefconfig >&2
opts=(CONFIG_PV32)
[ $debug = 1 ] && opts+=(CONFIG_DEBUG)
for opt in "${opts[@]}"; do
	grep -qx "$opt=y" "$build/xen/.config" || die "$opt=y did not survive olddefconfig"
done
make -C "$build/xen" -j"$(jobs)" >&2
need_file "$build/xen/xen.gz" "the Xen build made no xen.gz"

mkdir -p "$top"
cp "$build/xen/xen.gz" "$out.tmp"
echo "$version" > "$out.version"
mv "$out.tmp" "$out"
log "built $out (xen $version)"
echo "$out"
