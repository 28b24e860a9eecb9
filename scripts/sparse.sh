#!/bin/bash
# Print a sparse that can check a kernel tree, for make CHECK=.
#
#   sparse.sh TREE
#
# The host's sparse (bookworm's 0.6.4) when the tree's own check
# (scripts/checker-valid.sh) takes it; else sid's newer sparse (7.3 wants
# __typeof_unqual__, which 0.6.4 lacks), at the version versions.sh pins,
# fetched and unpacked under the cache and run through trixie's loader and
# libc (it needs GLIBC_2.38): a wrapper script whose path is printed.
# Nothing is installed.  Without a usable sparse it fails: a C=2 build
# that silently checks nothing (the kernel only warns) is no check.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/versions.sh"

tree=${1:?usage: sparse.sh TREE}
valid=$tree/scripts/checker-valid.sh
# valid_for SPARSE: the tree's verdict on it (trees without the check,
# older than 6.x, take any sparse).
valid_for() {
	[ -x "$valid" ] || return 0
	[ "$("$valid" "$1" -m64 2>/dev/null)" = 1 ]
}

host=$(command -v sparse || true)
[ -n "$host" ] || die "no sparse on the host (scripts/install-deps.sh)"
if valid_for "$host"; then
	echo "$host"
	exit 0
fi

base=$XMA_CACHE/sparse/$XMA_SPARSE_DEB
wrapper=$base/sparse
# A wrapper that no longer runs (the cache moved) is made anew.
if [ ! -x "$wrapper" ] || ! valid_for "$wrapper"; then
	sid=$("$(dirname "$0")/fetch-debs.sh" sid "sparse=$XMA_SPARSE_DEB")
	libc=$("$(dirname "$0")/fetch-debs.sh" trixie libc6)
	rm -rf "$base"
	mkdir -p "$base"
	dpkg-deb -x "$sid"/sparse_"${XMA_SPARSE_DEB//:/%3a}"_*.deb "$base/sparse-pkg"
	dpkg-deb -x "$(find "$libc" -name 'libc6_*.deb' | sort | tail -n 1)" "$base/libc"
	lib=$base/libc/usr/lib/x86_64-linux-gnu
	need_file "$lib/ld-linux-x86-64.so.2" "not in trixie's libc6"
	need_file "$base/sparse-pkg/usr/bin/sparse" "not in sid's sparse"
	cat > "$wrapper.tmp" <<EOF
#!/bin/sh
# sid's sparse $XMA_SPARSE_DEB on trixie's libc (sparse.sh made this).
exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib" "$base/sparse-pkg/usr/bin/sparse" "\$@"
EOF
	chmod +x "$wrapper.tmp"
	mv "$wrapper.tmp" "$wrapper"
fi
valid_for "$wrapper" || die "neither the host's sparse nor $wrapper can check $tree"
echo "$wrapper"
