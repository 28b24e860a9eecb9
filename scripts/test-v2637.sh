#!/bin/bash
# The 2.6.37 leg of the test command: the seeds' own kernel and
# patches/v2.6.37, as an x86_32 PAE dom0 under a Xen built with PV32
# (build-xen.sh --pv32) and as an x86_64 dom0 under Debian's Xen 4.17: the
# audit before and after the series (before-after-audit.sh; with
# XMA_BISECT=1 every prefix, which is long: not in CI).
#
#   scripts/test-v2637.sh
#
# The tree: $XMA_V2637_SRC (a user's own v2.6.37 tree, taken as it is:
# it must build with this machine's gcc and binutils), else the shared
# linux-2.6.37.tar.xz with the toolchain fixups of fixes/v2.6.37
# (kernel-tree.sh).  Neither there: the leg is recorded as skipped, not
# passed.  Then the kselftest, storm included, on the pristine kernel
# (the tests that count findings may fail) and on the whole series.
# Each result is appended to $XMA_SUMMARY when set.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

rc=0
if [ -n "${XMA_V2637_SRC:-}" ]; then
	tree=$(KERNEL_SRC=$XMA_V2637_SRC "$here/kernel-tree.sh") || rc=$?
else
	tree=$(env -u KERNEL_SRC XMA_KERNEL=2.6.37 "$here/kernel-tree.sh") || rc=$?
fi
if [ $rc -eq 3 ] && [ -z "${XMA_V2637_SRC:-}" ]; then
	record SKIP "v2.6.37: no linux-2.6.37.tar.xz and no XMA_V2637_SRC"
	exit 0
fi
[ $rc -eq 0 ] || die "the 2.6.37 tree could not be prepared"
tree_series "$tree"

failed=0
for arch in i386 x86_64; do
	echo "== v2.6.37 ($name), $arch dom0: the audit before and after patches/v2.6.37"
	rc=0
	v2637_run "$arch" "$here/before-after-audit.sh" "$tree" "$arch" || rc=$?
	what="the whole series audits clean"
	[ "${XMA_BISECT:-0}" != 1 ] || what="every prefix boots, $what"
	result "v2.6.37 $arch dom0: $what" $rc
	[ $rc -eq 0 ] || failed=1

	# The kselftest, its storm included, on the guests built above: the
	# whole series must pass it all; the pristine kernel may fail only
	# the two tests that count findings (it has them: the audit above).
	# Only after a good build and audit: a failed build leaves the
	# last run's guest behind.
	audited=$rc
	for k in 0 "$n"; do
		guest=$XMA_CACHE/out/$name/$arch-p$k
		logf=$XMA_CACHE/logs/$name/$arch-p$k-test.log
		what="$n of $n patches: kselftest" tolerate=()
		if [ "$k" -eq 0 ]; then
			what="pristine: kselftest (findings tolerated)" tolerate=(--tolerate-findings)
		fi
		rc=0
		if [ "$audited" -ne 0 ]; then
			echo "not run: the builds or audits above failed"
			rc=1
		else
			v2637_run "$arch" "$here/boot-guests.sh" --dom0 test --timeout 600 "$guest" "$logf" || true
			"$here/verdict.sh" "${tolerate[@]}" "$logf" || rc=$?
		fi
		result "v2.6.37 $arch dom0, $what" $rc
		[ $rc -eq 0 ] || failed=1
	done
done
exit $failed
