#!/bin/bash
# Prepare a kernel tree for the series: a git repository under the cache
# whose first commit is the tree as it was given, tagged xma-pristine (for
# 2.6.37, xma-upstream; xma-pristine is then that plus its fixups, below).
#
#   kernel-tree.sh [SRC]     prints the prepared tree's path on stdout
#
# Exits 3 when the kernel's source is not there (no tarball), 1 on any
# other error.
#
# SRC (or $KERNEL_SRC) is any kernel tree on disk; it is copied, never
# changed.  Without one, Debian's linux-source-$XMA_KERNEL is unpacked:
# 7.3 (the default; trixie-backports, fetched by fetch-debs.sh at the
# version scripts/versions.sh pins, never installed) or 6.12 (the
# host's bookworm-security package, install-deps.sh installs it); or,
# for XMA_KERNEL=2.6.37, the shared linux-2.6.37.tar.xz (v2637_tarball).
# An existing copy is reused; XMA_REFRESH=1 makes it anew.
#
# The 2.6.37 tarball does not build with today's gcc and binutils: its
# tree gets, on top of the tarball's commit (tag xma-upstream), `make
# mrproper` (the snapshot carries a vendor's build output) and the
# toolchain fixups of fixes/v2.6.37, and xma-pristine, the base every
# series and measurement starts from, is that fixed tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/versions.sh"

src=${1:-${KERNEL_SRC:-}}
case "$XMA_KERNEL" in
7.3|6.12|2.6.37) ;;
*) [ -n "$src" ] || die "XMA_KERNEL must be 7.3, 6.12 or 2.6.37, not '$XMA_KERNEL' (KERNEL_SRC for any other tree)" ;;
esac
trees=$XMA_CACHE/trees
mkdir -p "$trees"

# debian_tarball: the linux-source tarball of $XMA_KERNEL.
debian_tarball() {
	local debs deb unpacked
	case "$XMA_KERNEL" in
	6.12)
		find /usr/src -maxdepth 1 -name 'linux-source-6.12*.tar.xz' | sort | tail -n 1
		;;
	7.3)
		debs=$("$(dirname "$0")/fetch-debs.sh" trixie-backports \
			"linux-source-7.3=$XMA_LINUX73_DEB") || return 1
		deb=$(ls "$debs"/linux-source-7.3_"${XMA_LINUX73_DEB//:/%3a}"_*.deb)
		unpacked=$XMA_CACHE/apt/linux-source-7.3-$XMA_LINUX73_DEB
		if [ ! -f "$unpacked/.complete" ]; then
			rm -rf "$unpacked"
			dpkg-deb -x "$deb" "$unpacked" && touch "$unpacked/.complete" || return 1
		fi
		ls "$unpacked"/usr/src/linux-source-7.3.tar.xz
		;;
	2.6.37)
		v2637_tarball
		;;
	esac
}

# v2637_tarball: the shared 2.6.37 tarball ($XMA_V2637_TARBALL, else the
# shared kernels folder beside the project's checkout, else /work's).
v2637_tarball() {
	local t
	for t in "${XMA_V2637_TARBALL:-}" "$XMA_TOP/../shared/kernels/linux-2.6.37.tar.xz" \
		/work/shared/kernels/linux-2.6.37.tar.xz; do
		[ -n "$t" ] && [ -f "$t" ] && { realpath "$t"; return 0; }
	done
	return 1
}

# apply_fixups TREE: the toolchain fixups of fixes/v$XMA_KERNEL on top of
# the tarball's commit, each a commit of its own.
apply_fixups() {
	local p
	make -s -C "$1" mrproper >/dev/null || die "$1: make mrproper failed"
	git -C "$1" add -A .
	GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
		git -C "$1" commit -q --allow-empty \
		-m "fixups: make mrproper (the snapshot carries build output)"
	for p in $(series_patches "$XMA_TOP/fixes/v$XMA_KERNEL/series"); do
		need_file "$XMA_TOP/fixes/v$XMA_KERNEL/$p" "listed in fixes/v$XMA_KERNEL/series"
		GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" git -C "$1" am -q --committer-date-is-author-date \
			"$XMA_TOP/fixes/v$XMA_KERNEL/$p" >/dev/null ||
			die "fixup does not apply: fixes/v$XMA_KERNEL/$p"
	done
}

if [ -z "$src" ]; then
	tarball=$(debian_tarball) || tarball=
	if [ -z "$tarball" ]; then
		case "$XMA_KERNEL" in
		2.6.37) log "no linux-2.6.37.tar.xz (set XMA_V2637_TARBALL, or see README)" ;;
		*) log "no linux-source-$XMA_KERNEL tarball (run scripts/install-deps.sh)" ;;
		esac
		exit 3
	fi
	name=$(basename "$tarball" .tar.xz)
	tree=$trees/$name
	# A new package version gets a tree of its own, new fixups a new tree.
	stamp=$(stat -c %Y "$tarball")
	[ "$XMA_KERNEL" != 2.6.37 ] ||
		stamp=$stamp-$(cat "$XMA_TOP"/fixes/v2.6.37/*.patch "$XMA_TOP"/fixes/v2.6.37/series | md5sum | cut -c1-8)
else
	if [ ! -f "$src/Makefile" ] || [ ! -d "$src/arch/x86" ]; then
		die "$src: not a kernel tree (no Makefile or arch/x86)"
	fi
	src=$(cd "$src" && pwd)
	name=$(basename "$src")-$(echo "$src" | md5sum | cut -c1-8)
	tree=$trees/$name
	stamp=src
fi

if [ -d "$tree/.git" ] && [ "${XMA_REFRESH:-0}" != 1 ] &&
   [ "$(cat "$tree/.git/xma-stamp" 2>/dev/null)" = "$stamp" ] &&
   git -C "$tree" rev-parse -q --verify xma-pristine >/dev/null; then
	echo "$tree"
	exit 0
fi

log "preparing $tree"
rm -rf "$tree" "$tree.tmp"
mkdir -p "$tree.tmp"
if [ -z "$src" ]; then
	tar -xJf "$tarball" -C "$tree.tmp" --strip-components=1 || die "$tarball: cannot unpack"
else
	rsync -a --exclude=/.git "$src/" "$tree.tmp/" || die "$src: cannot copy"
fi

git -C "$tree.tmp" init -q
git -C "$tree.tmp" config user.name "xen-mmu-audit harness"
git -C "$tree.tmp" config user.email "harness@xen-mmu-audit.invalid"
git -C "$tree.tmp" config gc.auto 0
# The tree is recorded exactly as given: ignore rules do not apply.
git -C "$tree.tmp" add -A -f .
# A Debian tarball's commit is the same on every machine (fixed dates,
# the package's name): the series' base-commit names it.
if [ -z "$src" ]; then
	case "$XMA_KERNEL" in
	6.12) what="Debian linux-source-6.12 $(dpkg-query -W -f='${Version}' linux-source-6.12)" ;;
	7.3) what="Debian linux-source-7.3 $XMA_LINUX73_DEB" ;;
	2.6.37) what="linux-2.6.37.tar.xz (sha256 $(sha256sum "$tarball" | cut -c1-16))" ;;
	esac
else
	what=$src
fi
GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
	git -C "$tree.tmp" commit -q -m "pristine tree: $what"
if [ -z "$src" ] && [ "$XMA_KERNEL" = 2.6.37 ]; then
	git -C "$tree.tmp" tag xma-upstream
	apply_fixups "$tree.tmp"
fi
git -C "$tree.tmp" tag xma-pristine
echo "$stamp" > "$tree.tmp/.git/xma-stamp"
mv "$tree.tmp" "$tree"
echo "$tree"
