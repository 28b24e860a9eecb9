#!/bin/bash
# Download Debian packages of another suite (trixie, trixie-backports)
# into the cache, without touching the host's apt sources or state: a
# private sources list, lists directory and package cache under
# $XMA_CACHE/apt/SUITE, used only by this script's apt-get calls.
# Nothing is installed; callers unpack with dpkg-deb -x.
#
#   fetch-debs.sh SUITE PACKAGE[=VERSION]...   prints the directory of .debs
#
# SUITE is a Debian suite name (its "main" component is used; a
# "-backports" suite brings its base suite too, as apt needs both).  A
# .deb already in the directory is not fetched again.  What a test
# depends on is pinned by the callers (scripts/versions.sh); a package
# without a version (a library) is the suite's current one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: fetch-debs.sh SUITE PACKAGE[=VERSION]..."
suite=$1; shift
case "$suite" in
*[!a-z0-9-]*|'') die "'$suite' is no Debian suite name" ;;
esac
base=$XMA_CACHE/apt/$suite
debs=$base/debs
mkdir -p "$base/lists/partial" "$base/cache/archives/partial" "$debs"

# The mirror the host already uses (one line per source is what
# Dir::Etc::sourcelist takes), so that no host name lives in this script.
# shellcheck disable=SC2016 # $(REPO_URI) is apt's field, not the shell's
mirror=$(apt-get indextargets --format '$(REPO_URI)' 'Created-By: Packages' 'Origin: Debian' \
	2>/dev/null | awk '!/-security/ && !m { m = $0 } END { print m }')
[ -n "$mirror" ] || die "no Debian mirror in the host's apt sources (apt-get update first)"
mirror=${mirror%/}
{
	echo "deb $mirror ${suite%-backports} main"
	[ "$suite" = "${suite%-backports}" ] || echo "deb $mirror $suite main"
} > "$base/sources.list"
apt_opts=(-q -o "Dir::Etc::sourcelist=$base/sources.list" -o "Dir::Etc::sourceparts=-"
	-o "Dir::State::Lists=$base/lists" -o "Dir::Cache=$base/cache"
	-o APT::Sandbox::User=root)

# deb_of PACKAGE [VERSION]: how the .deb's name apt-get download writes
# begins (an epoch's colon is %3a there).
deb_of() {
	[ -n "$2" ] || { echo "${1}_"; return; }
	echo "${1}_${2//:/%3a}_"
}

want=()
for pv in "$@"; do
	p=${pv%%=*} v=
	[ "$p" = "$pv" ] || v=${pv#*=}
	[[ "$p" =~ ^[a-z0-9][a-z0-9.+-]*$ ]] || die "'$pv' is no PACKAGE[=VERSION]"
	ls "$debs/$(deb_of "$p" "$v")"*.deb >/dev/null 2>&1 || want+=("$pv")
done
if [ ${#want[@]} -gt 0 ]; then
	# A day-old list is fresh enough; a pinned version not in it is an
	# error that says how to move the pin.
	stamp=$base/lists/.updated
	if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440)" ]; then
		log "apt-get update for $suite (private lists under $base)"
		apt-get "${apt_opts[@]}" update >&2 || die "apt-get update of $suite failed"
		touch "$stamp"
	fi
	log "downloading from $suite: ${want[*]}"
	if ! (cd "$debs" && apt-get "${apt_opts[@]}" download "${want[@]}" >&2); then
		for pv in "${want[@]}"; do
			echo "  ${pv%%=*} in $suite now:" \
				"$(apt-cache "${apt_opts[@]}" policy "${pv%%=*}" | sed -n 's/^ *Candidate: //p')" >&2
		done
		die "apt-get download from $suite failed: a pinned version moved? (see scripts/versions.sh)"
	fi
fi
echo "$debs"
