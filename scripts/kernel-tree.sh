#!/bin/bash
# Prepare a kernel tree for the series: a git repository under the cache
# whose first commit (tag xma-pristine) is the tree as it was given.
#
#   kernel-tree.sh [SRC]     prints the prepared tree's path on stdout
#
# SRC (or $KERNEL_SRC) is any kernel tree on disk; it is copied, never
# changed.  Without one, Debian's linux-source-$XMA_KERNEL is unpacked:
# 7.3 (the default; trixie-backports, fetched by fetch-debs.sh at the
# version scripts/versions.sh pins, never installed) or 6.12 (the
# host's bookworm-security package, install-deps.sh installs it).
# An existing copy is reused; XMA_REFRESH=1 makes it anew.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/versions.sh"

src=${1:-${KERNEL_SRC:-}}
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
	*)
		die "XMA_KERNEL must be 7.3 or 6.12, not '$XMA_KERNEL' (KERNEL_SRC for any other tree)"
		;;
	esac
}

if [ -z "$src" ]; then
	tarball=$(debian_tarball) || tarball=
	[ -n "$tarball" ] || die "no linux-source-$XMA_KERNEL tarball (run scripts/install-deps.sh)"
	name=$(basename "$tarball" .tar.xz)
	tree=$trees/$name
	# A new package version gets a tree of its own.
	stamp=$(stat -c %Y "$tarball")
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
	tar -xJf "$tarball" -C "$tree.tmp" --strip-components=1
else
	rsync -a --exclude=/.git "$src/" "$tree.tmp/"
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
	esac
else
	what=$src
fi
GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
	git -C "$tree.tmp" commit -q -m "pristine tree: $what"
git -C "$tree.tmp" tag xma-pristine
echo "$stamp" > "$tree.tmp/.git/xma-stamp"
mv "$tree.tmp" "$tree"
echo "$tree"
