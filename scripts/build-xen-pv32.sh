#!/bin/bash
# Build a Xen hypervisor that runs 32-bit PV guests (CONFIG_PV32=y) from
# Debian's xen source package; print the path of its xen.gz.  Debian's own
# hypervisor is built without PV32, so it cannot boot an i386 PV kernel.
#
#   build-xen-pv32.sh [--debug] [--version VER]
#     --debug          also CONFIG_DEBUG=y (more diagnostics on guest crashes)
#     --version VER    the xen source version wanted (default 4.17.5+72-g01140da4e8-1;
#                      the newest one apt knows is taken when VER is not there)
#
# Only the hypervisor is built (no tools), from /boot/xen-4.17-amd64.config.
# The result is cached under $XMA_CACHE/xen-pv32/; a second run reuses it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

debug=0 version=4.17.5+72-g01140da4e8-1
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
[[ "$version" =~ ^[0-9][A-Za-z0-9.+~:-]*$ ]] || die "--version: '$version' is not a Debian version"
base_config=/boot/xen-4.17-amd64.config
need_file "$base_config" "install xen-hypervisor-4.17-amd64"
for tool in dpkg-source make gcc python3 flex bison; do
	command -v "$tool" >/dev/null || die "$tool not found (run scripts/install-deps.sh)"
done

variant=pv32
[ $debug = 1 ] && variant=pv32-debug
top=$XMA_CACHE/xen-pv32
out=$top/xen-$variant.gz
if [ -f "$out" ] && [ -f "$out.version" ]; then
	log "reusing $out (xen $(cat "$out.version"))"
	echo "$out"
	exit 0
fi

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo

# apt-get source needs a deb-src entry for bookworm main.  Take the mirror of
# the existing binary entry, as apt itself parsed it (.list or .sources alike).
src_entries() {
	# shellcheck disable=SC2016 # apt's own $(FIELD) syntax, not the shell's
	apt-get indextargets --format '$(REPO_URI)' \
		"Target-Of: $1" 'Release: bookworm' 'Component: main' | sort -u
}
if [ -z "$(src_entries deb-src)" ]; then
	mirror=$(src_entries deb | head -n 1)
	[ -n "$mirror" ] || die "apt has no 'deb' entry for bookworm main to take the mirror from"
	list=/etc/apt/sources.list.d/xma-bookworm-src.sources
	log "adding deb-src for bookworm main to $list"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	{
		echo "# Added by xen-mmu-audit's build-xen-pv32.sh: apt-get source xen"
		echo "Types: deb-src"
		echo "URIs: $mirror"
		echo "Suites: bookworm"
		echo "Components: main"
		[ -f "$keyring" ] && echo "Signed-By: $keyring"
	} | $sudo tee "$list" >/dev/null
	$sudo apt-get update -qq
fi

# The wanted version if apt has it, else the newest one it knows.
known=$(apt-cache showsrc xen | sed -n 's/^Version: //p' | sort -u)
[ -n "$known" ] || die "apt knows no source package 'xen'"
if ! grep -qxF "$version" <<<"$known"; then
	newest=$(printf '%s\n' "$known" | sort -V | tail -n 1)
	log "xen source $version not available; taking $newest"
	version=$newest
fi

srcdir=$top/src-$version
if [ ! -d "$srcdir/xen" ]; then
	rm -rf "$srcdir.tmp"
	mkdir -p "$srcdir.tmp"
	log "fetching xen source $version"
	(cd "$srcdir.tmp" && apt-get source -qq --download-only "xen=$version" >&2)
	dsc=$(find "$srcdir.tmp" -maxdepth 1 -name 'xen_*.dsc' | head -n 1)
	[ -n "$dsc" ] || die "apt-get source left no .dsc in $srcdir.tmp"
	dpkg-source -x "$dsc" "$srcdir.tmp/xen-src" >&2
	mv "$srcdir.tmp/xen-src" "$srcdir"
	rm -rf "$srcdir.tmp"
fi

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
