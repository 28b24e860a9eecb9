#!/bin/bash
# Build the dom0 toolstack tree: xl, xenstored, xenconsoled, xen-init-dom0,
# libxl-save-helper (xl save/restore/migrate) and xen-mfndump from Debian's
# Xen packages of the hypervisor's version ($XMA_XEN, lib.sh: the tools
# must speak its domctl interface), with every shared library they load
# and the dynamic loader.  Nothing is installed on the host: the packages
# are fetched with apt-get download and unpacked under the cache.  Xen
# 4.17's tools are bookworm's, like the host; 4.20's are trixie's
# (fetch-debs.sh) and need trixie's libc, which comes along with them.
#
#   toolstack-root.sh       prints the tree's path on stdout
#
# An existing tree is reused unless this script is newer than it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/versions.sh"

x=$XMA_XEN
case "$x" in
4.17)
	hv=xen-hypervisor-4.17-amd64
	ver=$(dpkg-query -W -f='${Version}' "$hv" 2>/dev/null) ||
		die "$hv is not installed (run scripts/install-deps.sh)"
	;;
4.20)
	ver=$XMA_XEN420_DEB
	;;
*)
	die "XMA_XEN must be 4.17 or 4.20, not '$x'"
	;;
esac
base=$XMA_CACHE/toolstack/$ver
root=$base/root
if [ -f "$root/.complete" ] && [ "$root/.complete" -nt "$0" ]; then
	echo "$root"
	exit 0
fi

# The tools and the libraries of the same source package, pinned to the
# hypervisor's version; libyajl2 (xl's JSON) comes from elsewhere.
pkgs=(libyajl2)
for p in "xen-utils-$x" "libxenmisc$x" libxenstore4 libxencall1 libxenevtchn1 \
	 libxenforeignmemory1 libxengnttab1 libxentoollog1 libxentoolcore1 \
	 libxendevicemodel1 libxenhypfs1; do
	pkgs+=("$p=$ver")
done
if [ "$x" = 4.17 ]; then
	debs=$base/debs
	mkdir -p "$debs"
	if ! ls "$debs/xen-utils-${x}_"*.deb >/dev/null 2>&1; then
		log "downloading the Xen $ver toolstack packages"
		# As root, apt's download sandbox user cannot write to our cache.
		(cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "${pkgs[@]}" >&2) ||
			die "apt-get download failed (apt-get update first?)"
	fi
else
	# trixie's tools need its libc (GLIBC_2.38; bookworm has 2.36).
	pkgs+=(libc6)
	debs=$("$(dirname "$0")/fetch-debs.sh" trixie "${pkgs[@]}")
fi

unpacked=$base/unpacked
stage=$root.tmp
rm -rf "$unpacked" "$stage" "$root"
mkdir -p "$unpacked" "$stage/lib/x86_64-linux-gnu" "$stage/lib64" "$stage/usr/sbin"
# Exactly the packages named (a shared download directory may hold other
# versions): PACKAGE=VERSION's file, or a bare PACKAGE's newest.
for pv in "${pkgs[@]}"; do
	p=${pv%%=*} v=
	[ "$p" = "$pv" ] || v=${pv#*=}
	d=$(find "$debs" -maxdepth 1 -name "${p}_${v:+${v//:/%3a}_}*.deb" | sort | tail -n 1)
	[ -n "$d" ] || die "$pv: no .deb in $debs"
	dpkg-deb -x "$d" "$unpacked"
done

# Each tool and, as the loader resolves them (the packages' libraries
# first, then the host's: a library built for bookworm's libc runs on a
# newer one), its libraries.  The packages' own loader lists them when
# they bring one (trixie's libc6), else the host's.
bindir=usr/lib/xen-$x/bin
loader=/lib64/ld-linux-x86-64.so.2
for l in "$unpacked/lib64/ld-linux-x86-64.so.2" "$unpacked/usr/lib64/ld-linux-x86-64.so.2"; do
	[ ! -e "$l" ] || loader=$l
done
libpath=$unpacked/lib/x86_64-linux-gnu:$unpacked/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu
tools=(xl xenstored xenconsoled xen-init-dom0 libxl-save-helper xen-mfndump)
mkdir -p "$stage/$bindir"
for b in "${tools[@]}"; do
	need_file "$unpacked/$bindir/$b" "not in xen-utils-$x $ver"
	cp "$unpacked/$bindir/$b" "$stage/$bindir/$b"
	ln -s "../lib/xen-$x/bin/$b" "$stage/usr/sbin/$b"
	deps=$("$loader" --library-path "$libpath" --list "$unpacked/$bindir/$b") ||
		die "listing the libraries of $b failed: $deps"
	if grep -q 'not found' <<< "$deps"; then
		die "$b: libraries not found: $(grep 'not found' <<< "$deps" | tr -s ' \t\n' ' ')"
	fi
	# The loader's line: "/lib64/ld-linux-x86-64.so.2 (addr)", or with
	# its real place after "=>" when another loader lists.
	while read -r name arrow path _; do
		if [[ "$name" == */ld-linux-x86-64.so.* ]]; then
			[ "$arrow" = "=>" ] || path=$name
			cp -L "$path" "$stage/lib64/ld-linux-x86-64.so.2"
		elif [ "$arrow" = "=>" ] && [ -f "$path" ]; then
			cp -L "$path" "$stage/lib/x86_64-linux-gnu/$name"
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
	for b in "${tools[@]}"; do
		chroot "$stage" /lib64/ld-linux-x86-64.so.2 --list "/$bindir/$b" >/dev/null ||
			die "$b does not load inside $stage"
	done
fi
touch "$stage/.complete"
mv "$stage" "$root"
rm -rf "$unpacked"
log "toolstack $ver ready in $root ($(du -sh "$root" | cut -f1))"
echo "$root"
