#!/bin/bash
# The series' own boot-time checks, made to fire on purpose: the whole
# series with inject/xen-test-boot-params.patch on top (test-only boot
# parameters, not part of the series) boots as dom0 once per case, and
# each case's log must show what the series promises:
#
#   l4+pending  xen_test_l4=keep xen_test_ro_pending=5000: a kernel-half
#               L4 entry added before the switch (as init_mem_mapping()
#               adds for RAM above 512 GiB) is seen from the running pgd,
#               and kept, so that the check at the switch judges it;
#               5000 adjacent pending pagetable pfns (a guest of some
#               TiB) are recorded, found and dropped; then the audit is
#               clean
#   diverge     xen_test_l4=diverge: init_top_pgt gets a kernel-half
#               entry the running pgd lacks; the check at the switch
#               must stop the boot, naming the entry
#   pin_fail    xen_test_pin_fail: a writable mapping of init_top_pgt
#               makes Xen refuse the pin at its first load; the boot must
#               stop there, before the initial pgd is unpinned and freed
#   leftover    xen_test_ro_leftover: a pending page that is mapped
#               writable must be named, with a WARNING, when the late
#               hooks take over; the boot goes on to print its audit
#
#   scripts/test-boot-checks.sh        (XMA_KERNEL, XMA_XEN, KERNEL_SRC
#                                       and XMA_SERIES as for test-kernel.sh)
#   scripts/test-boot-checks.sh --judge DIR
#                                      judge DIR/boot-check-CASE.log as
#                                      they are, no build, no boot (the
#                                      harness's negative controls)
#
# Records one result per case (lib.sh's result); exits non-zero if any
# failed.  Run on the series before these checks existed, every case fails
# (README, "Boot-time checks").
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

judge_only=''
if [ "${1:-}" = --judge ]; then
	judge_only=${2:?usage: test-boot-checks.sh [--judge DIR]}
	[ -d "$judge_only" ] || die "$judge_only: no such directory"
fi

if [ -n "$judge_only" ]; then
	name=$(basename "$judge_only")
	logs=$judge_only
else
	tree=$("$here/kernel-tree.sh")
	name=$(basename "$tree")
	out=$XMA_CACHE/out/$name/boot-checks
	logs=$XMA_CACHE/logs/$name
	mkdir -p "$logs"
	XMA_EXTRA_PATCHES="$XMA_TOP/inject/xen-test-boot-params.patch" \
		"$here/build-guest.sh" "$tree" all "$out"
fi

# boot CASE MODE ARGS: one dom0 boot (with --judge, none: its log is
# there); sets logf.  earlyprintk=xen: the checks fire before the console
# is up.
boot() {
	logf=$logs/boot-check-$1.log
	if [ -z "$judge_only" ]; then
		rm -f "$logf"
		"$here/boot-xen.sh" --timeout 300 --kernel-args "xma.mode=$2 earlyprintk=xen $3" \
			"$out/bzImage" "$out/initramfs.cpio.gz" "$logf"
	fi
	need_file "$logf"
	tr -d '\r' < "$logf" > "$logf.txt"
}

# has LINE_RE: the log has a line matching the extended regex.
has() {
	grep -Eq "$1" "$logf.txt"
}

# check WHAT RC CONDITION...: record WHAT, failed if RC is not 0 or a
# CONDITION does not hold; each is "has RE" or "lacks RE" (extended
# regexes on the log).
check() {
	local what=$1 rc=$2
	shift 2
	while [ $# -gt 0 ]; do
		case "$1" in
		has) has "$2" || { echo "$what: no line matching '$2' in $logf"; rc=1; } ;;
		lacks) ! has "$2" || { echo "$what: unexpected line: $(grep -Em1 "$2" "$logf.txt")"; rc=1; } ;;
		*) die "check: '$1' is neither has nor lacks" ;;
		esac
		shift 2
	done
	result "$name, Xen $XMA_XEN: boot check: $what" "$rc"
}

echo "== boot checks: $name + the whole series + test-only boot parameters"
boot l4-pending audit "xen_test_l4=keep xen_test_ro_pending=5000"
rc=0; "$here/verdict.sh" --audit-only "$logf" >/dev/null || rc=$?
check "L4 entry added before the switch is seen and kept; 5000 pending pfns; audit clean" $rc \
	has 'xen_test_l4: PASS' has 'xen_test_ro_pending: 5000 pfns recorded: 1 entries more' \
	has 'xen_test_ro_pending: PASS' has '^result: clean'

boot diverge boot "xen_test_l4=diverge"
check "a kernel-half L4 entry the running pgd lacks stops the boot at the switch" 0 \
	has 'xen_test_l4: L4\[274\] of init_top_pgt set behind the pv-ops' \
	has 'Xen: L4\[274\]: running pgd 0+, init_top_pgt [0-9a-f]+' \
	has 'Kernel panic - not syncing: Xen: running pgd and init_top_pgt differ in 1 kernel L4 entries' \
	has 'Hardware Dom0 crashed'

boot pin-fail boot "xen_test_pin_fail"
check "Xen refusing the pin of init_top_pgt stops the boot at its first load" 0 \
	has 'xen_test_pin_fail: init_top_pgt mapped writable' \
	has 'Kernel panic - not syncing: Xen: cannot pin and load init_top_pgt \(0 of 2 done\)' \
	lacks 'xen_release_initial_frame' has 'Hardware Dom0 crashed'

boot leftover audit "xen_test_ro_leftover"
rc=0
pfn=$(sed -n 's/.*xen_test_ro_leftover: pfn \([0-9a-f]*\) recorded.*/\1/p' "$logf.txt" | head -n 1)
[ -n "$pfn" ] || { echo "leftover: the test did not record its pfn"; rc=1; pfn=none; }
check "a pending page mapped writable is named, with a WARNING, and the boot goes on" $rc \
	has "Xen: pagetable pfn $pfn is mapped writable" \
	has 'WARNING: .*arch/x86/xen/mmu_pv\.c:' has 'Xen: 1 pagetable pages not mapped read-only' \
	has '^result: '

[ "$(count FAIL)" -eq 0 ]
