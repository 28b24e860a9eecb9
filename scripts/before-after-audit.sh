#!/bin/bash
# The audit of a kernel tree before and after its series, as dom0, with
# no kselftest (the 2.6.37 leg runs that apart, on the guests built here).
#
#   before-after-audit.sh TREE LABEL
#
# Builds the pristine tree and the whole series (with XMA_BISECT=1 every
# prefix: 0, 1, ..., all), boots each as dom0 in audit mode, prints the
# pristine audit beside the whole series' one and the violations per kind
# of each.  Passes only if each builds, boots, prints its audit and powers
# off cleanly, none has more violations of any kind than the pristine
# kernel, and the whole series' audit is clean.  LABEL names the logs and saved audits (under
# the cache, results/<tree>/LABEL-*), e.g. i386.  Build and boot options
# come from the environment as for build-guest.sh and boot-guests.sh
# (XMA_FRAGMENT, XMA_KERNEL_TARGETS, XMA_KERNEL_ARGS, ...).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

tree=${1:?usage: before-after-audit.sh TREE LABEL}
label=${2:?usage: before-after-audit.sh TREE LABEL}
[[ "$label" =~ ^[A-Za-z0-9_.-]+$ ]] || die "LABEL must be a plain word, not '$label'"
need_file "$tree/Makefile"
tree_series "$tree"
out=$XMA_CACHE/out/$name
logs=$XMA_CACHE/logs/$name
results=$XMA_CACHE/results/$name
mkdir -p "$logs" "$results"

failed=0
counts="0 $n"
[ "${XMA_BISECT:-0}" != 1 ] || counts=$(seq 0 "$n")
# An earlier run's audits of other prefixes would mix with this run's.
rm -f "$results/$label"-p[0-9]*-audit.txt
for k in $counts; do
	audit=$results/$label-p$k-audit.txt
	rm -f "$audit"
	echo "== $label: $name + $k of $n patches"
	if ! "$here/build-guest.sh" "$tree" "$k" "$out/$label-p$k"; then
		echo "not ok - $label: $k of $n patches: build failed"
		failed=1
		continue
	fi
	"$here/boot-guests.sh" --dom0 audit --timeout 300 "$out/$label-p$k" \
		"$logs/$label-p$k-audit.log" || true
	if ! "$here/verdict.sh" --audit-only --save-audit "$audit" \
		"$logs/$label-p$k-audit.log" > "$logs/$label-p$k-verdict.txt"; then
		echo "not ok - $label: $k of $n patches: boot or audit failed"
		sed -n '/^full log: /,$p' "$logs/$label-p$k-verdict.txt"
		failed=1
		continue
	fi
	[ "$k" -eq 0 ] && continue
	if [ ! -f "$results/$label-p0-audit.txt" ]; then
		echo "not ok - $label: $k of $n patches: no pristine audit to compare with"
		failed=1
	elif ! "$here/compare-audits.sh" "$results/$label-p0-audit.txt" "$audit"; then
		echo "not ok - $label: $k of $n patches: more violations than pristine"
		failed=1
	fi
done

last=$results/$label-p$n-audit.txt
if [ -f "$results/$label-p0-audit.txt" ] && [ -f "$last" ]; then
	echo "== $label: the audit before (pristine) and after (all $n patches)"
	pr -m -t -w 160 "$results/$label-p0-audit.txt" "$last"
	if ! grep -qx 'violations_total: 0' "$last"; then
		echo "not ok - $label: the whole series' audit is not clean"
		failed=1
	fi
fi
[ "$failed" -eq 0 ] && echo "ok - $label: $(echo "$counts" | wc -w) builds boot, the whole series audits clean"
exit "$failed"
