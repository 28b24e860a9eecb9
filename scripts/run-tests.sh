#!/bin/bash
# The test command: everything, in one run (this is what CI runs).
#
#   scripts/run-tests.sh
#
# get -> build -> boot -> judge, per kernel; each step is a script of its
# own, test-kernel.sh runs one kernel's legs:
#
#   1. static: shellcheck of scripts/; checkpatch --strict on every series
#      and on the module and kselftest sources (check-style.sh)
#   2. Linux 7.3 (Debian's linux-source-7.3, trixie-backports) under Xen
#      4.20 (trixie): every leg (test-kernel.sh): pristine before, the
#      harness's negative controls, the whole of patches/v7.3 in dom0 and
#      PV domU (XMA_73_BISECT=1: the prerequisite alone and every prefix
#      too), the relocated p2m list, the boot checks, sparse and W=1 on
#      the touched files, the boot's hypercall count; then the pristine
#      kernel and the whole series through a PV domU's lifecycle
#      (test-lifecycle.sh: save and restore, live migration, balloon into
#      hotplugged memory, vCPUs; under a Xen 4.17 built with shadow
#      paging, which migration needs; the pristine run is the baseline
#      and, judged as the series', the judge's negative control)
#   3. Linux 6.12 (linux-source-6.12, bookworm-security) under Xen 4.17
#      (bookworm), the LTS backport patches/v6.12: pristine before and the
#      whole series after, dom0 and PV domU, the relocated p2m list, and
#      sparse and W=1 (XMA_612_BISECT=1: every prefix too)
#   4. Debian 12's stock kernel (linux-image-amd64, downloaded, never
#      installed) as dom0 under Xen 4.17 with the module built against
#      linux-headers-amd64 (stock-guest.sh): the module must load and the
#      audit must print (its findings are that kernel's before picture,
#      saved); the kselftest's every_tree_found must pass there; under
#      lockdown the report stays readable; and Debian's dkms builds,
#      signs and installs the module (module/dkms.conf) for every kernel
#      with headers, into private trees (test-dkms.sh)
#   5. Linux 2.6.37, the seeds' kernel (test-v2637.sh): the shared
#      linux-2.6.37.tar.xz with the toolchain fixups of fixes/v2.6.37, or
#      a user's own tree in XMA_V2637_SRC: the audit before and after
#      patches/v2.6.37 as an x86_32 PAE dom0 (under a Xen built with PV32)
#      and as an x86_64 one (XMA_2637_BISECT=1: every prefix).  Without a
#      tree the leg is recorded as skipped.
#
# XMA_KERNELS="7.3 6.12 stock 2.6.37" (the default) picks the legs of 2-5.
# Ends with a line "N passed, N failed, N skipped"; exits non-zero on any
# failure.
# Its wall time is added to results/test-times.csv under the cache: cold
# (the 7.3 tree had no build directory yet) or warm, and the time spent
# waiting for $XMA_LOCK (see lib.sh), which the wall time includes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

kernels=${XMA_KERNELS:-7.3 6.12 stock 2.6.37}
for k in $kernels; do
	case "$k" in
	7.3|6.12|stock|2.6.37) ;;
	*) die "XMA_KERNELS: '$k' is none of 7.3, 6.12, stock, 2.6.37" ;;
	esac
done
"$here/install-deps.sh"
start=$(date +%s)
started=$(date -u '+%Y-%m-%d %H:%M')
XMA_SUMMARY=$(mktemp)
export XMA_SUMMARY
if [ -n "${XMA_LOCK:-}" ]; then
	XMA_LOCK_WAITS=$(mktemp)
	export XMA_LOCK_WAITS
fi
trap 'rm -f "$XMA_SUMMARY" "${XMA_LOCK_WAITS:-}"' EXIT
cache=warm
[ -d "$XMA_CACHE/build/linux-source-7.3" ] || cache=cold

echo "== static checks"
rc=0; shellcheck -x -P SCRIPTDIR "$XMA_TOP"/scripts/*.sh || rc=$?
result "shellcheck scripts/" $rc
rc=0
tree=$(env -u KERNEL_SRC XMA_KERNEL=7.3 "$here/kernel-tree.sh") && "$here/check-style.sh" "$tree" || rc=$?
result "checkpatch --strict: every series, module, kselftest" $rc

# legs NAME COMMAND...: one kernel's legs, which record their own
# results; a failing kernel does not stop the next one, and one that
# stopped before it recorded a failure (a download, a build) counts as one.
legs() {
	local name=$1 rc=0 before
	shift
	before=$(grep -c '^FAIL' "$XMA_SUMMARY" || true)
	# Each leg takes its own tree and series: a user's are not for them.
	env -u KERNEL_SRC -u XMA_SERIES "$@" || rc=$?
	if [ $rc -ne 0 ] && [ "$(grep -c '^FAIL' "$XMA_SUMMARY" || true)" = "$before" ]; then
		result "$name: stopped early (exit $rc), see above" 1
	fi
}

for k in $kernels; do
	case "$k" in
	7.3)
		legs "Linux 7.3" env XMA_KERNEL=7.3 XMA_XEN=4.20 \
			XMA_BISECT="${XMA_73_BISECT:-0}" "$here/test-kernel.sh"
		legs "Linux 7.3 lifecycle" env XMA_KERNEL=7.3 "$here/test-lifecycle.sh"
		;;
	6.12)
		legs "Linux 6.12" env XMA_KERNEL=6.12 XMA_XEN=4.17 XMA_CONTROLS=0 \
			XMA_HYPERCALLS=0 XMA_BISECT="${XMA_612_BISECT:-0}" "$here/test-kernel.sh"
		;;
	stock)
		legs "Debian's stock kernel" env XMA_XEN=4.17 "$here/test-stock.sh"
		echo "== DKMS: module/dkms.conf with Debian's dkms, every kernel with headers"
		legs "DKMS" "$here/test-dkms.sh"
		;;
	2.6.37)
		legs "Linux 2.6.37" env XMA_BISECT="${XMA_2637_BISECT:-0}" "$here/test-v2637.sh"
		;;
	esac
done

wall=$(($(date +%s) - start))
wait_s=0
[ -z "${XMA_LOCK_WAITS:-}" ] || wait_s=$(awk '{ s += $1 } END { printf "%d", s / 1000 }' "$XMA_LOCK_WAITS")
passed=$(grep -c '^PASS' "$XMA_SUMMARY" || true)
failed=$(grep -c '^FAIL' "$XMA_SUMMARY" || true)
skipped=$(grep -c '^SKIP' "$XMA_SUMMARY" || true)
times=$XMA_CACHE/results/test-times.csv
mkdir -p "$(dirname "$times")"
[ -s "$times" ] || echo "date,cache,wall_s,lock_wait_s,passed,failed" > "$times"
echo "$started,$cache,$wall,$wait_s,$passed,$failed" >> "$times"

echo
echo "== summary ($wall s, $cache, $wait_s s waiting for the lock; logs and audits under $XMA_CACHE)"
sed 's/^/  /' "$XMA_SUMMARY"
echo "$passed passed, $failed failed, $skipped skipped"
# CI must run every leg: there a skipped one fails the run too.
if [ -n "${CI:-}" ] && [ "$skipped" -gt 0 ] && [ "${XMA_ALLOW_SKIP:-0}" != 1 ]; then
	echo "a leg was skipped, and CI is set: that fails the run (XMA_ALLOW_SKIP=1 allows it)"
	exit 1
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
