#!/bin/bash
# Download and unpack a Debian source package of the host's own release,
# or of another suite, without touching the host's apt sources or state:
# the deb-src entries live in a private sources list, with private lists,
# under $XMA_CACHE/apt/source (the host's binary entries, as deb-src) or
# $XMA_CACHE/apt/source-SUITE (the host's mirror, SUITE's main).
#
#   fetch-source.sh [--suite SUITE] PACKAGE=VERSION
#                                      prints the unpacked source's path
#
# The unpacked tree is kept (under that directory, PACKAGE-VERSION); a
# second run reuses it.  The caller picks the version (for example the
# one of the installed binary package, so that the two match).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

suite=
if [ "${1:-}" = --suite ]; then
	suite=${2:-}
	case "$suite" in
	*[!a-z0-9-]*|'') die "'$suite' is no Debian suite name" ;;
	esac
	shift 2
fi
[ $# -eq 1 ] || die "usage: fetch-source.sh [--suite SUITE] PACKAGE=VERSION"
pkg=${1%%=*} version=${1#*=}
if [[ ! "$pkg" =~ ^[a-z0-9][a-z0-9.+-]*$ ]] || [ "$pkg" = "$1" ]; then
	die "'$1' is no PACKAGE=VERSION"
fi
[[ "$version" =~ ^[0-9][A-Za-z0-9.+~:-]*$ ]] || die "'$version' is not a Debian version"
command -v dpkg-source >/dev/null || die "dpkg-source not found (run scripts/install-deps.sh)"

base=$XMA_CACHE/apt/source${suite:+-$suite}
out=$base/$pkg-$version
if [ -f "$out/.complete" ]; then
	echo "$out"
	exit 0
fi
mkdir -p "$base/lists/partial" "$base/cache/archives/partial"

# Every Debian entry the host has (release, updates, security), as
# deb-src: the host's own mirrors, so no host name lives in this script.
# Another suite: the host's first non-security mirror, that suite's main.
# shellcheck disable=SC2016 # $(REPO_URI) is apt's field, not the shell's
if [ -z "$suite" ]; then
	apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Created-By: Packages' \
		'Origin: Debian' 'Component: main' 2>/dev/null | sort -u |
		awk '{ print "deb-src " $1 " " $2 " main" }' > "$base/sources.list"
else
	apt-get indextargets --format '$(REPO_URI)' 'Created-By: Packages' 'Origin: Debian' \
		2>/dev/null | awk -v s="$suite" '!/-security/ && !m { m = $0 }
		END { if (m) { sub("/$", "", m); print "deb-src " m " " s " main" } }' > "$base/sources.list"
fi
[ -s "$base/sources.list" ] || die "no Debian entry in the host's apt sources (apt-get update first)"
apt_opts=(-q -o "Dir::Etc::sourcelist=$base/sources.list" -o "Dir::Etc::sourceparts=-"
	-o "Dir::State::Lists=$base/lists" -o "Dir::Cache=$base/cache"
	-o APT::Sandbox::User=root)

# known: the versions of the source package the private lists know.
known() {
	apt-cache "${apt_opts[@]}" showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -u
}
stamp=$base/lists/.updated
if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440)" ] ||
   ! known | grep -xF "$version" >/dev/null; then
	log "apt-get update of the host's deb-src entries (private lists under $base)"
	apt-get "${apt_opts[@]}" update >&2 || die "apt-get update (deb-src) failed"
	touch "$stamp"
fi
if ! known | grep -xF "$version" >/dev/null; then
	echo "  $pkg source versions known: $(known | xargs)" >&2
	where="the host's release"
	[ -z "$suite" ] || where=$suite
	die "no source package $pkg $version in $where"
fi

rm -rf "$out.tmp"
mkdir -p "$out.tmp"
log "fetching the source of $pkg $version"
(cd "$out.tmp" && apt-get "${apt_opts[@]}" source --download-only "$pkg=$version" >&2) ||
	die "apt-get source $pkg=$version failed"
dsc=$(find "$out.tmp" -maxdepth 1 -name "${pkg}_*.dsc" | head -n 1)
[ -n "$dsc" ] || die "apt-get source left no .dsc in $out.tmp"
dpkg-source -q -x "$dsc" "$out.tmp/src" >&2
rm -rf "$out"
mv "$out.tmp/src" "$out"
rm -rf "$out.tmp"
touch "$out/.complete"
echo "$out"
