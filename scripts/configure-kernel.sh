#!/bin/bash
# Configure a kernel build directory: tinyconfig plus Kconfig fragments,
# merged with the tree's scripts/kconfig/merge_config.sh, then check that
# every option the fragments ask for really landed in .config.  Trees older
# than tinyconfig (3.17) and merge_config.sh get allnoconfig with the
# fragments as KCONFIG_ALLCONFIG instead.  ARCH follows the fragments:
# i386 if one turns CONFIG_64BIT off, x86_64 otherwise.
# $XMA_BASE_CONFIG=defconfig starts from the realistic configuration
# instead: defconfig and the tree's own xen.config (kernel/configs/ and
# arch/x86/configs/, what "make xen.config" merges), then the fragments.
#
#   configure-kernel.sh TREE BUILD_DIR FRAGMENT...
#
# .config is only replaced when its contents change, so that an unchanged
# configuration does not force a rebuild.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 3 ] || die "usage: configure-kernel.sh TREE BUILD_DIR FRAGMENT..."
tree=$1 build=$2
shift 2
frags=()
for f in "$@"; do
	need_file "$f"
	frags+=("$(realpath "$f")")
done
export ARCH=x86_64
if cat "${frags[@]}" | grep -Eqx 'CONFIG_64BIT=n|# CONFIG_64BIT is not set'; then
	ARCH=i386
fi

mkdir -p "$build"
tmp=$build/.xma-config
rm -rf "$tmp"
mkdir -p "$tmp"
base=${XMA_BASE_CONFIG:-tinyconfig}
if [ "$base" = defconfig ]; then
	xen_configs=()
	for f in "$tree/kernel/configs/xen.config" "$tree/arch/x86/configs/xen.config"; do
		need_file "$f" "the tree's xen.config"
		xen_configs+=("$f")
	done
	make -s -C "$tree" O="$tmp" defconfig >/dev/null
	(cd "$tree" && scripts/kconfig/merge_config.sh -m -O "$tmp" "$tmp/.config" \
		"${xen_configs[@]}" "${frags[@]}" >/dev/null)
	make -s -C "$tree" O="$tmp" olddefconfig >/dev/null
elif [ "$base" != tinyconfig ]; then
	die "XMA_BASE_CONFIG must be tinyconfig or defconfig, not '$base'"
elif [ -f "$tree/scripts/kconfig/merge_config.sh" ] && [ -f "$tree/kernel/configs/tiny.config" ]; then
	make -s -C "$tree" O="$tmp" tinyconfig >/dev/null
	(cd "$tree" && scripts/kconfig/merge_config.sh -m -O "$tmp" "$tmp/.config" "${frags[@]}" >/dev/null)
	make -s -C "$tree" O="$tmp" olddefconfig >/dev/null
else
	cat "${frags[@]}" > "$tmp/fragments"
	make -s -C "$tree" O="$tmp" KCONFIG_ALLCONFIG="$tmp/fragments" allnoconfig >/dev/null
fi

missing=()
for f in "${frags[@]}"; do
	while read -r line; do
		if [[ "$line" =~ ^(CONFIG_[A-Za-z0-9_]+)=n$ ]] ||
		   [[ "$line" =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			! grep -q "^${BASH_REMATCH[1]}=" "$tmp/.config" || missing+=("$line")
		elif [[ "$line" =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			grep -qxF "$line" "$tmp/.config" || missing+=("$line")
		fi
	done < "$f"
done
if [ ${#missing[@]} -gt 0 ]; then
	printf '  %s\n' "${missing[@]}" >&2
	die "these options did not land in .config (unmet dependencies?)"
fi

# Options only: older kconfig stamps the date into a comment line.
options() {
	grep -E '^(CONFIG_|# CONFIG_[A-Za-z0-9_]+ is not set$)' "$1" 2>/dev/null
}
if [ ! -f "$build/.config" ] || ! cmp -s <(options "$tmp/.config") <(options "$build/.config"); then
	cp "$tmp/.config" "$build/.config"
	log "$build/.config updated"
fi
rm -rf "$tmp"
