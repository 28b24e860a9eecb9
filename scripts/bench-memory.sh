#!/bin/bash
# Measure the module's memory and pass time by guest size, with and without
# the balloon's memory hotplug (which sizes the p2m for 512 GiB whatever the
# RAM): a benchmark, not a test.
#
#   bench-memory.sh GUEST_DIR...
#
# Each GUEST_DIR (a build-guest.sh or stock-guest.sh output: Debian's
# stock kernel has XEN_BALLOON_MEMORY_HOTPLUG, tinyconfig ones do not) is
# booted three times in audit mode: dom0 512 MiB with a 192 MiB PV domU,
# dom0 512 MiB with a 3 GiB PV domU, and dom0 alone with 3 GiB.  Prints
# one line per audited guest: RAM, ram_pfns and p2m_pfns of its audit,
# memory_bytes (what the module holds) and pass_ns, and beside them what
# the module held before 2026-12-04, computed from its sizing then (12
# bitmaps of p2m_pfns bits and 4 lists of 4096 findings of 64 bytes).
# Also writes the table to $XMA_CACHE/results/bench-memory.txt, dated.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
[ $# -ge 1 ] || die "usage: bench-memory.sh GUEST_DIR..."

logs=$XMA_CACHE/logs/bench-memory
table=$XMA_CACHE/results/bench-memory.txt
mkdir -p "$logs" "$(dirname "$table")"

# row NAME ROLE RAM LOG: one table line from the audit in LOG.
row() {
	local audit
	audit=$("$here/verdict.sh" --audit-only "$4" 2>/dev/null |
		sed -n '/^xen_mmu_audit-format/,/^findings_listed/p') || true
	if [ -z "$audit" ]; then
		printf '%-28s %-5s %5s  no audit (see %s)\n' "$1" "$2" "$3" "$4"
		return
	fi
	awk -v name="$1" -v role="$2" -v ram="$3" -F': ' '
		{ v[$1] = $2 }
		END {
			old = 12 * v["p2m_pfns"] / 8 + 4 * 4096 * 64
			printf "%-28s %-5s %5s %9d %10d %12d %10d %12d\n", name,
				role, ram, v["ram_pfns"], v["p2m_pfns"],
				v["memory_bytes"], v["pass_ns"] / 1000, old
		}' <<< "$audit"
}

{
	echo "# bench-memory.sh, $(date -u +%Y-%m-%d), Xen $XMA_XEN"
	printf '%-28s %-5s %5s %9s %10s %12s %10s %12s\n' guest role RAM \
		ram_pfns p2m_pfns memory_bytes pass_us before_bytes
} | tee "$table"
for guest in "$@"; do
	need_file "$guest/bzImage" "a build-guest.sh or stock-guest.sh output"
	tag=$(basename "$(dirname "$guest")")-$(basename "$guest")
	name=$(cut -d' ' -f1 "$guest/version" 2>/dev/null || echo "$tag")
	for domu_mem in 192 3072; do
		logf=$logs/$tag-domu$domu_mem.log
		"$here/boot-guests.sh" --dom0 audit --domu audit --domu-mem "$domu_mem" \
			--domu-timeout 600 "$guest" "$logf" >/dev/null 2>&1 || true
		[ "$domu_mem" != 192 ] ||
			row "$name" dom0 512M "${logf%.log}.dom0.log" | tee -a "$table"
		row "$name" domU "${domu_mem}M" "${logf%.log}.domu.log" | tee -a "$table"
	done
	logf=$logs/$tag-dom0-3g.log
	"$here/boot-xen.sh" --mem 3G --timeout 600 --kernel-args "xma.mode=audit" \
		"$guest/bzImage" "$guest/initramfs.cpio.gz" "$logf" >/dev/null 2>&1 || true
	row "$name" dom0 3G "$logf" | tee -a "$table"
done
echo "table: $table"
