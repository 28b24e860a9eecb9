#!/bin/bash
# Build a Xen hypervisor with what Debian's leaves out, from Debian's own
# xen source package and config; print the path of its xen.gz.
#
#   build-xen.sh [--pv32] [--shadow] [--debug] [--version VER]
#     --pv32           CONFIG_PV32=y: runs 32-bit PV guests (an i386 PV
#                      kernel cannot boot under Debian's Xen)
#     --shadow         CONFIG_SHADOW_PAGING=y: log-dirty for PV guests,
#                      which live migration needs (Debian's Xen fails it
#                      with EOPNOTSUPP, "Failed to enable logdirty: 95")
#     --debug          also CONFIG_DEBUG=y (more diagnostics on guest crashes)
#     --version VER    the xen source version wanted
#
# $XMA_XEN picks the Xen: 4.17 starts from the host's installed
# xen-hypervisor-4.17-amd64 (its config, its source version, else
# bookworm's own, 4.17.5+72-g01140da4e8-1: a security update's source is
# not always downloadable); 4.20 from trixie's, at the version
# versions.sh pins (config from the package xen-hypervisor.sh unpacks,
# source from trixie).  Only the hypervisor is built (the toolstack is
# Debian's, which matches its version), with the host's gcc, out of the
# source fetch-source.sh gets (the host's apt sources untouched).  The
# result is cached under $XMA_CACHE/xen-build/ (4.17 --pv32: xen-pv32/,
# where it always was); a second run reuses it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/versions.sh"
here=$(dirname "$0")

pv32=0 shadow=0 debug=0 version=
while [ $# -gt 0 ]; do
	case "$1" in
	--pv32) pv32=1; shift ;;
	--shadow) shadow=1; shift ;;
	--debug) debug=1; shift ;;
	--version)
		[ $# -ge 2 ] || die "--version wants a version"
		version=$2; shift 2 ;;
	-*) die "unknown option $1" ;;
	*) die "usage: build-xen.sh [--pv32] [--shadow] [--debug] [--version VER]" ;;
	esac
done
[ $((pv32 + shadow)) -gt 0 ] || die "nothing to add to Debian's Xen: --pv32 and/or --shadow"
for tool in dpkg-source make gcc python3 flex bison; do
	command -v "$tool" >/dev/null || die "$tool not found (run scripts/install-deps.sh)"
done

opts=()
[ $pv32 = 1 ] && opts+=(CONFIG_PV32)
[ $shadow = 1 ] && opts+=(CONFIG_SHADOW_PAGING)
[ $debug = 1 ] && opts+=(CONFIG_DEBUG)
variant=$(printf '%s\n' "${opts[@]#CONFIG_}" | tr 'A-Z_' 'a-z-' | paste -sd-)
variant=${variant/shadow-paging/shadow}

case "$XMA_XEN" in
4.17)
	base_config=/boot/xen-4.17-amd64.config
	need_file "$base_config" "install xen-hypervisor-4.17-amd64"
	candidates=("$version")
	[ -n "$version" ] || candidates=("$(dpkg-query -W -f='${Version}' xen-hypervisor-4.17-amd64)"
		4.17.5+72-g01140da4e8-1)
	suite=()
	top=$XMA_CACHE/xen-build
	[ "$variant" != pv32 ] && [ "$variant" != pv32-debug ] || top=$XMA_CACHE/xen-pv32
	;;
4.20)
	base_config=$(dirname "$("$here/xen-hypervisor.sh")")/xen-4.20-amd64.config
	need_file "$base_config" "not in xen-hypervisor-4.20-amd64"
	candidates=("${version:-${XMA_XEN420_DEB#*:}}")
	suite=(--suite trixie)
	top=$XMA_CACHE/xen-build
	;;
*) die "XMA_XEN must be 4.17 or 4.20, not '$XMA_XEN'" ;;
esac

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
	srcdir=$("$here/fetch-source.sh" "${suite[@]}" "xen=$version") && break
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
printf '%s=y\n' "${opts[@]}" >> "$build/xen/.config"
log "building the hypervisor ($variant, xen $version) in $build"
make -s -C "$build/xen" olddefconfig >&2
for opt in "${opts[@]}"; do
	grep -qx "$opt=y" "$build/xen/.config" || die "$opt=y did not survive olddefconfig"
done
make -C "$build/xen" -j"$(jobs)" >&2
need_file "$build/xen/xen.gz" "the Xen build made no xen.gz"

cp "$build/xen/xen.gz" "$out.tmp"
echo "$version" > "$out.version"
mv "$out.tmp" "$out"
log "built $out (xen $version)"
echo "$out"
