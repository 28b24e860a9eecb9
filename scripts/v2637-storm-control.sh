#!/bin/bash
# Does the way -fno-pie reaches a 2.6.37 build matter under the
# kselftest's storm?  The same patched 2.6.37 guest built twice: with
# fixes/v2.6.37 as it is (0002 adds -fno-pie before the arch Makefile's
# cc-option tests) and with 0002 reverted and KCFLAGS=-fno-pie, the way
# the tree was once built by hand (without -fno-pie at all, x86_64 loses
# -mno-sse and dies at boot).  For each: the instructions in vmlinux that
# name an xmm register (SSE code in the kernel: should be none), and RUNS
# boots as dom0 running the kselftest, how many passed and how many
# Oopsed.  A separate command (README, "Older kernels"), not in CI.
#
#   scripts/v2637-storm-control.sh [i386|x86_64]    (RUNS=5 by default)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

arch=${1:-i386}
case "$arch" in i386|x86_64) ;; *) die "usage: v2637-storm-control.sh [i386|x86_64]" ;; esac
runs=${RUNS:-5}
need_count "$runs" "RUNS"
tree=$(env -u KERNEL_SRC XMA_KERNEL=2.6.37 "$here/kernel-tree.sh")

# The control tree: the same, but fixup 0002 reverted.
pie=$XMA_CACHE/trees/$(basename "$tree")-kcflags
fixup=$(git -C "$tree" log --format=%H --grep='^kbuild: build with -fno-pie$' xma-pristine)
[ -n "$fixup" ] || die "$tree: no -fno-pie fixup commit"
# is_control: the tree is the fixed tree plus one revert of 0002, and its
# Makefile has no -fno-pie (a clone brings the origin's tags along: only
# a tree made here passes).
is_control() {
	[ "$(git -C "$pie" rev-parse -q --verify 'xma-pristine^' 2>/dev/null)" = \
	  "$(git -C "$tree" rev-parse xma-pristine)" ] &&
	[ "$(git -C "$pie" log -1 --format=%s xma-pristine)" = 'Revert "kbuild: build with -fno-pie"' ] &&
	! git -C "$pie" show xma-pristine:Makefile | grep -q -- -fno-pie
}
if ! is_control; then
	rm -rf "$pie"
	git clone -q --no-tags --no-checkout "$tree" "$pie"
	git -C "$pie" config user.name "xen-mmu-audit harness"
	git -C "$pie" config user.email "harness@xen-mmu-audit.invalid"
	git -C "$pie" checkout -q -B control "$(git -C "$tree" rev-parse xma-pristine)"
	git -C "$pie" revert --no-edit "$fixup" >/dev/null
	git -C "$pie" tag xma-pristine
	is_control || die "$pie: could not make the control tree"
fi

fragment=$XMA_TOP/Kconfig.v2.6.37-$arch.fragment
out=$XMA_CACHE/out/v2637-storm-control
logs=$XMA_CACHE/logs/v2637-storm-control
mkdir -p "$out" "$logs"
table=()
for variant in fixups kcflags; do
	t=$tree kcflags=${KCFLAGS:-}
	[ $variant = fixups ] || { t=$pie kcflags="-fno-pie ${KCFLAGS:-}"; }
	KCFLAGS=$kcflags v2637_run "$arch" "$here/build-guest.sh" "$t" all "$out/$arch-$variant" >&2
	# SSE in the kernel: instructions that name an xmm register.
	sse=$(objdump -d "$XMA_CACHE/build/$(basename "$t")-$(basename "$fragment" .fragment)/vmlinux" |
		grep -c '%xmm' || true)
	passed=0 oopsed=0
	for r in $(seq 1 "$runs"); do
		logf=$logs/$arch-$variant-$r.log
		v2637_run "$arch" "$here/boot-guests.sh" --dom0 test --timeout 600 \
			"$out/$arch-$variant" "$logf" >/dev/null 2>&1 || true
		if grep -aqE '^# Totals: pass:[0-9]+ fail:0 ' "$logf"; then
			passed=$((passed + 1))
		fi
		! grep -aqE 'Oops|BUG: |Kernel panic' "$logf" || oopsed=$((oopsed + 1))
		log "$arch $variant run $r: $(grep -a '^# Totals' "$logf" || echo 'no totals')"
	done
	table+=("$(printf '%-8s %-34s %6s %7s/%-3s %6s' "$arch" \
		"$([ $variant = fixups ] && echo 'fixes/v2.6.37 (-fno-pie in 0002)' || echo '0002 reverted, KCFLAGS=-fno-pie')" \
		"$sse" "$passed" "$runs" "$oopsed")")
done
echo "== 2.6.37 + patches/v2.6.37, kselftest as dom0 ($(date -u '+%Y-%m-%d %H:%M'))"
printf '%-8s %-34s %6s %11s %6s\n' arch build "xmm ops" "passed" oopsed
printf '%s\n' "${table[@]}"
