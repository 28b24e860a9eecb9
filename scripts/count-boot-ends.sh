#!/bin/bash
# Boot guests many times as dom0 and count how each boot ended: for a
# rare failure, enough boots to tell one kernel from another.  The boots
# interleave the guests (a, b, a, b, ...), so that whatever drifts on the
# host drifts for all of them alike.  Each boot: dom0 with 2 vCPUs pinned
# on 4 QEMU CPUs (dom0_vcpus_pin), xma.mode=audit.
#
#   count-boot-ends.sh N LOG_DIR GUEST_DIR...
#
# A line per boot ("GUEST-I: passed", or how it failed with the first line
# that says so), then per guest "GUEST: N boots: P passed, I int3 Oops, O
# other Oops or panic, F other failures"; the logs of failed boots are
# kept in LOG_DIR.  Exits 0 when all boots ran (the counts are the result,
# not a verdict).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

[ $# -ge 3 ] || die "usage: count-boot-ends.sh N LOG_DIR GUEST_DIR..."
boots=$1 dir=$2
shift 2
need_count "$boots" "N (boots)"
mkdir -p "$dir"
declare -A passed int3 oops others
for g in "$@"; do
	need_file "$g/bzImage" "build it with build-guest.sh"
	passed[$g]=0 int3[$g]=0 oops[$g]=0 others[$g]=0
done
for i in $(seq 1 "$boots"); do
	for g in "$@"; do
		tag=$(basename "$g")-$i
		logf=$dir/$tag.log
		"$here/boot-xen.sh" --cpus 4 --xen-args dom0_vcpus_pin --timeout 900 \
			--kernel-args "xma.mode=audit" "$g/bzImage" "$g/initramfs.cpio.gz" "$logf" \
			>/dev/null 2>&1 || true
		if grep -aq 'Oops: int3' "$logf"; then
			int3[$g]=$((int3[$g] + 1))
		elif grep -aEq 'Oops|Kernel panic|BUG:' "$logf"; then
			oops[$g]=$((oops[$g] + 1))
		elif "$here/verdict.sh" --audit-only --tolerate-findings "$logf" >/dev/null 2>&1; then
			passed[$g]=$((passed[$g] + 1))
			rm -f "$logf"
			echo "$tag: passed"
			continue
		else
			others[$g]=$((others[$g] + 1))
		fi
		echo "$tag: $(grep -a -m1 -E 'Oops|Kernel panic|BUG:|XMA-HOST' "$logf" | tr -d '\r')"
	done
done
for g in "$@"; do
	echo "$(basename "$g"): $boots boots: ${passed[$g]} passed, ${int3[$g]} int3 Oops, ${oops[$g]} other Oops or panic, ${others[$g]} other failures"
done
