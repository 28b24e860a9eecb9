#!/bin/bash
# DKMS as a distro user meets it: Debian's dkms adds, builds and installs
# the module (module/dkms.conf) for every kernel whose headers are on the
# host, into private trees: the host's /var/lib/dkms, /usr/src and
# /lib/modules are left alone.
#
#   scripts/test-dkms.sh [--negative]
#
# A kernel is a build directory, /lib/modules/<kernel>/build or
# /usr/src/linux-headers-* (include/generated/utsrelease.h names it), each
# once.  Per kernel: dkms add, build -k and install -k with --dkmstree,
# --sourcetree and --installtree under $XMA_CACHE/out/dkms, --no-depmod
# (dkms's own depmod writes the host's /lib/modules/<kernel>) and a
# private MOK key pair (mok_signing_key, mok_certificate), which dkms makes
# at its first build.  It passes if dkms succeeds and the installed
# updates/dkms/xen_mmu_audit.ko has the kernel's vermagic, dkms.conf's
# version (the module's MODULE_VERSION), the private key's
# signature (a kernel with CONFIG_MODULE_SIG) and no unknown symbol for
# depmod -e.  Then the negative control: a copy of module/ with an #error
# must fail dkms build, on that error.  --negative: the control alone.
# Last, the host's trees must have gained nothing of the test's.  One
# PASS/FAIL line each (record, lib.sh); exits non-zero on a failure or
# when there is no kernel.  Installs nothing: dkms, openssl and
# linux-headers-amd64 come from install-deps.sh.  dkms add and install
# want root (sudo otherwise).  Logs under the cache, logs/dkms/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

positive=1
case "${1:-}" in
'') ;;
--negative) positive=0 ;;
*) die "usage: test-dkms.sh [--negative]" ;;
esac
[ $# -le 1 ] || die "usage: test-dkms.sh [--negative]"

command -v dkms >/dev/null || die "no dkms (scripts/install-deps.sh installs it)"
command -v openssl >/dev/null || die "no openssl, dkms cannot make its MOK key (install-deps.sh)"
conf=$XMA_TOP/module/dkms.conf
need_file "$conf"
# dkms.conf is shell (it names $kernel_source_dir, unset here): its name
# and version, as dkms reads them.
# shellcheck disable=SC1090
pkg=$(set +u; . "$conf"; echo "$PACKAGE_NAME")
# shellcheck disable=SC1090
ver=$(set +u; . "$conf"; echo "$PACKAGE_VERSION")
if [ -z "$pkg" ] || [ -z "$ver" ]; then
	die "$conf: no PACKAGE_NAME or PACKAGE_VERSION"
fi

# The host's dkms configuration, read by dkms after the environment: a
# key or modprobe_on_install set there would reach past the private trees.
if grep -sqE '^[[:space:]]*(mok_signing_key|mok_certificate|modprobe_on_install)=' \
	/etc/dkms/framework.conf /etc/dkms/framework.conf.d/*.conf; then
	die "/etc/dkms/framework.conf{,.d} sets a MOK key or modprobe_on_install: the test would use the host's"
fi

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
out=$XMA_CACHE/out/dkms
logs=$XMA_CACHE/logs/dkms
$sudo rm -rf "$out"
mkdir -p "$out" "$logs"
out=$(cd "$out" && pwd)
stamp=$out/stamp
touch "$stamp"

# kernels: "KERNEL DIR" for each kernel build directory, once each.
# /lib/modules/<kernel>/build goes by its kernel's name (dkms's -k);
# a header directory that none links by the kernel it was built for.
kernels() {
	local d real v seen=' '
	for d in /lib/modules/*/build /usr/src/linux-headers-*; do
		if [ ! -f "$d/Makefile" ] || [ ! -f "$d/include/generated/utsrelease.h" ]; then
			continue
		fi
		real=$(readlink -f "$d")
		case "$seen" in *" $real "*) continue ;; esac
		seen+="$real "
		case "$d" in
		/lib/modules/*) v=${d#/lib/modules/}; v=${v%/build} ;;
		*) v=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$d/include/generated/utsrelease.h") ;;
		esac
		[ -n "$v" ] && echo "$v $real"
	done
}

# dkms_in TREES ARGS...: dkms on the private trees under TREES, with the
# private MOK key (dkms takes mok_* from the environment).
dkms_in() {
	local t=$1
	shift
	$sudo env mok_signing_key="$t/mok/mok.key" mok_certificate="$t/mok/mok.pub" \
		dkms --dkmstree "$t/dkms" --sourcetree "$t/src" \
		--installtree "$t/root/lib/modules" "$@"
}

# trees DIR KERNEL: fresh private trees, the install tree with KERNEL's
# directory (dkms install wants it) and the files depmod reads.
trees() {
	mkdir -p "$1/dkms" "$1/src" "$1/mok" "$1/root/lib/modules/$2"
	touch "$1/root/lib/modules/$2"/modules.{order,builtin,builtin.modinfo}
}

# positive KERNEL DIR: add, build, install and check; say why it fails.
positive() {
	local k=$1 kdir=$2 t=$out/$1 log=$logs/$1.log ko vm mv serial key signed='' rc=0
	local ksrc=()
	[ "$kdir" = "$(readlink -f "/lib/modules/$k/build")" ] || ksrc=(--kernelsourcedir "$kdir")
	trees "$t" "$k"
	cp -a "$XMA_TOP/module" "$t/module"
	{
		dkms_in "$t" add "$t/module" &&
		dkms_in "$t" build -m "$pkg" -v "$ver" -k "$k" "${ksrc[@]}" &&
		dkms_in "$t" install --no-depmod -m "$pkg" -v "$ver" -k "$k" "${ksrc[@]}"
	} > "$log" 2>&1 || rc=$?
	if [ $rc -eq 77 ]; then
		echo "not built: dkms.conf's BUILD_EXCLUSIVE_* exclude it (see $log)"
		return 77
	elif [ $rc -ne 0 ]; then
		sed 's/^/    /' "$log"
		echo "dkms failed (above; make.log under $t/dkms/$pkg/$ver/)"
		return 1
	fi
	ko=$(compgen -G "$t/root/lib/modules/$k/updates/dkms/$pkg.ko*" | head -n1) ||
		{ echo "no $pkg.ko* under $t/root/lib/modules/$k/updates/dkms/"; return 1; }
	vm=$(modinfo -F vermagic "$ko")
	[ "${vm%% *}" = "$k" ] ||
		{ echo "vermagic '$vm' is not $k's"; return 1; }
	# The module's MODULE_VERSION and dkms.conf's must agree.
	mv=$(modinfo -F version "$ko")
	if [ "$mv" != "$ver" ]; then
		echo "the module says version $mv, dkms.conf $ver"
		return 1
	fi
	if grep -qx 'CONFIG_MODULE_SIG=y' "$kdir/.config"; then
		serial=$(openssl x509 -inform DER -in "$t/mok/mok.pub" -noout -serial 2>/dev/null) ||
			{ echo "dkms made no MOK certificate $t/mok/mok.pub"; return 1; }
		key=$(modinfo -F sig_key "$ko" | tr -d ':')
		if [ -z "$key" ] || [ "$key" != "${serial#serial=}" ]; then
			echo "not signed with the private MOK key (sig_key '$key', $serial)"
			return 1
		fi
		signed=", signed with the private MOK key"
	fi
	depmod -b "$t/root" -e -E "$kdir/Module.symvers" "$k" >> "$log" 2>&1 ||
		{ echo "depmod failed (see $log)"; return 1; }
	if grep -i 'unknown symbol' "$log"; then
		echo "depmod: unknown symbols (above)"
		return 1
	fi
	echo "vermagic $k$signed, installed to updates/dkms/"
}

# negative KERNEL DIR: a broken copy of the source must fail dkms build
# for its own error.
negative() {
	local k=$1 kdir=$2 t=$out/negative-$1 log=$logs/negative-$1.log mark rc=0
	local ksrc=()
	[ "$kdir" = "$(readlink -f "/lib/modules/$k/build")" ] || ksrc=(--kernelsourcedir "$kdir")
	mark="xma-dkms-negative-control"
	trees "$t" "$k"
	cp -a "$XMA_TOP/module" "$t/module"
	echo "#error \"$mark\"" >> "$t/module/main.c"
	{
		dkms_in "$t" add "$t/module" &&
		dkms_in "$t" build -m "$pkg" -v "$ver" -k "$k" "${ksrc[@]}"
	} > "$log" 2>&1 || rc=$?
	if [ $rc -eq 0 ]; then
		echo "the broken copy built (see $log)"
		return 1
	elif [ $rc -eq 77 ]; then
		echo "not built: dkms.conf's BUILD_EXCLUSIVE_* exclude it (see $log)"
		return 77
	fi
	if ! grep -q "error: #error \"$mark\"" "$t/dkms/$pkg/$ver/build/make.log" 2>/dev/null; then
		sed 's/^/    /' "$log"
		echo "dkms build failed, but not on the planted #error (above)"
		return 1
	fi
	echo "dkms build failed on the planted #error, as it must"
}

# host_clean: no trace of the test in the host's trees since $stamp.
host_clean() {
	local found
	found=$(
		find /var/lib/dkms /usr/src -maxdepth 1 -name "$pkg*" -newer "$stamp" 2>/dev/null
		find /var/lib/dkms -maxdepth 1 -name 'mok.*' -newer "$stamp" 2>/dev/null
		find /lib/modules -maxdepth 4 \( -name "$pkg*" -o -name 'modules.dep' \) -newer "$stamp" 2>/dev/null
	)
	[ -z "$found" ] || { echo "written on the host: $found"; return 1; }
}

mapfile -t list < <(kernels)
if [ ${#list[@]} -eq 0 ]; then
	record FAIL "dkms: no kernel headers under /lib/modules/*/build or /usr/src/linux-headers-* (install-deps.sh)"
	exit 1
fi
dv=$(dkms --version 2>/dev/null || true)
echo "== dkms ${dv#dkms-}: $pkg $ver for ${#list[@]} kernel(s)"
# judge WHAT RC WHY: record WHAT (77: skipped) with WHY's last line,
# after the rest of WHY when it did not pass.
judge() {
	local what="$1: ${3##*$'\n'}"
	[ "$2" -eq 0 ] || printf '%s\n' "$3" | sed '$d'
	if [ "$2" -eq 77 ]; then record SKIP "$what"; else result "$what" "$2"; fi
}

tested=0
for entry in "${list[@]}"; do
	k=${entry%% *} kdir=${entry#* }
	if [ $positive = 1 ]; then
		rc=0; why=$(positive "$k" "$kdir") || rc=$?
		judge "dkms add/build/install, $k ($kdir)" $rc "$why"
		# A kernel that dkms.conf excludes has no control either.
		[ $rc -ne 77 ] || continue
	fi
	rc=0; why=$(negative "$k" "$kdir") || rc=$?
	judge "dkms negative control (module with an #error), $k" $rc "$why"
	[ $rc -eq 77 ] || tested=$((tested + 1))
done
[ $tested -gt 0 ] || record FAIL "dkms: dkms.conf builds for none of the kernels"
rc=0; why=$(host_clean) || rc=$?
result "dkms left the host's /var/lib/dkms, /usr/src, /lib/modules alone${why:+: $why}" $rc
[ "$(count FAIL)" -eq 0 ]
