#!/bin/bash
# Build the dom0 toolstack tree: xl, xenstored, xenconsoled and
# xen-init-dom0 from Debian's Xen packages of the installed hypervisor's
# version (the tools must speak its domctl interface), with every shared
# library they load and the dynamic loader.  Nothing is installed on the
# host: the packages are fetched with apt-get download and unpacked under
# the cache.
#
#   toolstack-root.sh       prints the tree's path on stdout
#
# An existing tree is reused unless this script is newer than it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

hv=xen-hypervisor-4.17-amd64
ver=$(dpkg-query -W -f='${Version}' "$hv" 2>/dev/null) ||
	die "$hv is not installed (run scripts/install-deps.sh)"
base=$XMA_CACHE/toolstack/$ver
root=$base/root
if [ -f "$root/.complete" ] && [ "$root/.complete" -nt "$0" ]; then
	echo "$root"
	exit 0
fi

# The tools and the libraries of the same source package, pinned to the
# hypervisor's version; libyajl2 (xl's JSON) comes from elsewhere.
pkgs=(libyajl2)
for p in xen-utils-4.17 libxenmisc4.17 libxenstore4 libxencall1 libxenevtchn1 \
	 libxenforeignmemory1 libxengnttab1 libxentoollog1 libxentoolcore1 \
	 libxendevicemodel1 libxenhypfs1; do
	pkgs+=("$p=$ver")
done
debs=$base/debs
mkdir -p "$debs"
if ! ls "$debs"/xen-utils-4.17_*.deb >/dev/null 2>&1; then
	log "downloading the Xen $ver toolstack packages"
	# As root, apt's download sandbox user cannot write to our cache.
	(cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "${pkgs[@]}" >&2) ||
		die "apt-get download failed (apt-get update first?)"
fi

unpacked=$base/unpacked
stage=$root.tmp
rm -rf "$unpacked" "$stage" "$root"
mkdir -p "$unpacked" "$stage/lib/x86_64-linux-gnu" "$stage/lib64" "$stage/usr/sbin"
for d in "$debs"/*.deb; do
	dpkg-deb -x "$d" "$unpacked"
done

# Each tool and, as ldd resolves them (the packages' libraries first,
# then the host's, which are Debian 12's too), its libraries.
bindir=usr/lib/xen-4.17/bin
mkdir -p "$stage/$bindir"
for b in xl xenstored xenconsoled xen-init-dom0; do
	need_file "$unpacked/$bindir/$b" "not in xen-utils-4.17 $ver"
	cp "$unpacked/$bindir/$b" "$stage/$bindir/$b"
	ln -s "../lib/xen-4.17/bin/$b" "$stage/usr/sbin/$b"
	deps=$(LD_LIBRARY_PATH=$unpacked/usr/lib/x86_64-linux-gnu ldd "$unpacked/$bindir/$b") ||
		die "ldd $b failed"
	if grep -q 'not found' <<< "$deps"; then
		die "$b: libraries not found: $(grep 'not found' <<< "$deps" | tr -s ' \t\n' ' ')"
	fi
	while read -r name arrow path _; do
		if [ "$arrow" = "=>" ] && [ -f "$path" ]; then
			cp -L "$path" "$stage/lib/x86_64-linux-gnu/$name"
		elif [[ "$name" == /lib64/ld-linux-x86-64.so.* ]]; then
			cp -L "$name" "$stage$name"
		fi
	done <<< "$deps"
done
need_file "$stage/lib64/ld-linux-x86-64.so.2" "ldd named no dynamic loader"
# glibc loads libgcc_s at run time (pthread_cancel, which xl uses): ldd
# cannot see that.
# (awk reads to the end: leaving early would kill ldconfig with SIGPIPE.)
gcc_s=$(ldconfig -p | awk '$1 == "libgcc_s.so.1" && /x86-64/ && !found { print $NF; found = 1 }')
[ -n "$gcc_s" ] || die "no libgcc_s.so.1 on this host (Debian: libgcc-s1)"
cp -L "$gcc_s" "$stage/lib/x86_64-linux-gnu/libgcc_s.so.1"
# xl reads its global settings from here; the defaults are right for us.
mkdir -p "$stage/etc/xen"
: > "$stage/etc/xen/xl.conf"

# Proof that the tree is self-contained: the loader inside it finds every
# library of every tool there (chroot needs root; then only ldd's word).
if [ "$(id -u)" -eq 0 ]; then
	for b in xl xenstored xenconsoled xen-init-dom0; do
		chroot "$stage" /lib64/ld-linux-x86-64.so.2 --list "/$bindir/$b" >/dev/null ||
			die "$b does not load inside $stage"
	done
fi
touch "$stage/.complete"
mv "$stage" "$root"
rm -rf "$unpacked"
log "toolstack $ver ready in $root ($(du -sh "$root" | cut -f1))"
echo "$root"
