#!/bin/bash
# Negative controls of the cross-check (compare-xen-types.py): a domU's
# log whose cross-check agreed, changed in one place each time, must make
# the named rule disagree.
#
#   test-xen-types-controls.sh DOMU_LOG
#
# DOMU_LOG: a domU's part of a test boot with the planted round
# (xma.domu_xcheck=2).  The changes:
#   level      one pte page of init_mm listed as a pmd (L2)    rule 1
#   root pin   Xen's pin of init_mm's pgd taken away           rule 1
#   PG_pinned  a listed pte page of init_mm with PG_pinned 0   rule 1
#   forgotten  every line of the audit's own pgd left out      rule 2
#   stale      an L1 type for a pfn the audit lists nowhere    rule 3
#   plain ro   an L1 type on a kernel image page               rule 4
#   planted    the leaked table's in-flight run and finding    rule 2
#              left out: the audit does not report it
#   unreadable a kernel message inside a listing line, in a    exit 1
#              field or before the key (both seen on a console)
# and the unchanged log must agree (else the controls prove nothing).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

log=${1:?usage: test-xen-types-controls.sh DOMU_LOG}
need_file "$log"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tr -d '\r' < "$log" > "$tmp/base.log"
fails=0

# disagreements RULE LOG [--planted]: the count of RULE's disagreements.
disagreements() {
	local rule=$1 f=$2
	shift 2
	python3 "$here/compare-xen-types.py" "$@" "$f" 2>&1 |
		grep -c "^  disagreement: rule $rule " || true
}

# control NAME RULE [--planted]: $tmp/bad.log must disagree on RULE.
control() {
	local name=$1 rule=$2 n
	shift 2
	if cmp -s "$tmp/base.log" "$tmp/bad.log"; then
		echo "not ok - $name: the change did not apply (nothing to change in this log)"
		fails=$((fails + 1))
		return
	fi
	n=$(disagreements "$rule" "$tmp/bad.log" "$@")
	if [ "$n" -gt 0 ]; then
		echo "ok - $name: rule $rule disagrees ($n)"
	else
		echo "not ok - $name: rule $rule still agrees"
		fails=$((fails + 1))
	fi
}

for r in "" --planted; do
	if python3 "$here/compare-xen-types.py" $r "$tmp/base.log" > "$tmp/out"; then
		echo "ok - the log as it is agrees${r:+ ($r)}"
	else
		echo "not ok - the log as it is does not agree${r:+ ($r)}:"
		cat "$tmp/out"
		exit 1
	fi
done

# The first line of the listing that matches an awk condition, as pfn.
listed_pfn() {
	awk "/^XMA-LISTING-BEGIN/ { in_l = 1 } /^XMA-LISTING-END/ { in_l = 0 }
	     in_l && $1 { sub(/^.*pfn=0x/, \"\"); sub(/ .*/, \"\"); print; exit }" "$tmp/base.log"
}
pte=$(listed_pfn '/^list_pt: .* level=pte .* tree=init_mm$/')
pgd=$(listed_pfn '/^list_pt: .* level=pgd .* tree=init_mm$/')
own=$(listed_pfn '/^list_pt: .* level=pgd .* tree=1:/')
image=$(awk '/^XMA-LISTING-BEGIN/ { in_l = 1 } /^XMA-LISTING-END/ { in_l = 0 }
	     in_l && /^list_ro: .* reason=kernel_image$/ { sub(/^list_ro: pfns=0x/, ""); sub(/-.*/, ""); print; exit }' "$tmp/base.log")

sed "/^XMA-LISTING-BEGIN/,/^XMA-LISTING-END/ s/^\(list_pt: pfn=0x$pte .*\)level=pte xen_type=L1/\1level=pmd xen_type=L2/" \
	"$tmp/base.log" > "$tmp/bad.log"
control "level" 1

sed "/^XMA-XEN-TYPES-BEGIN/,/^XMA-XEN-TYPES-END/ s/\(pfn=0x$pgd ==> .*\)(type 0xc)/\1(type 0x4)/" \
	"$tmp/base.log" > "$tmp/bad.log"
control "root pin" 1

sed "/^XMA-LISTING-BEGIN/,/^XMA-LISTING-END/ s/^\(list_pt: pfn=0x$pte .*\) pinned=1 /\1 pinned=0 /" \
	"$tmp/base.log" > "$tmp/bad.log"
control "PG_pinned" 1

sed "/^XMA-LISTING-BEGIN/,/^XMA-LISTING-END/ { /^list_pt: pfn=0x$own /d }" \
	"$tmp/base.log" > "$tmp/bad.log"
control "forgotten" 2

# A pfn nobody lists: far above any guest here.
free=fffff0
grep -q "pfn=0x$free " "$tmp/base.log" && die "pfn 0x$free is in $log"
sed "/^XMA-XEN-TYPES-BEGIN/ a\\
  pfn=0x$free ==> mfn=0x1 (type 0x1), L1 table" "$tmp/base.log" > "$tmp/bad.log"
control "stale" 3

sed "/^XMA-XEN-TYPES-BEGIN/ a\\
  pfn=0x$image ==> mfn=0x1 (type 0x1), L1 table" "$tmp/base.log" > "$tmp/bad.log"
control "plain ro" 4

sed '/^XMA-LISTING-PLANTED-BEGIN/,/^XMA-LISTING-PLANTED-END/ { /^list_ro: .* reason=in_flight$/d; /^finding: kind=unplaced_pt /d }' \
	"$tmp/base.log" > "$tmp/bad.log"
control "planted" 2 --planted

# unreadable NAME: $tmp/bad.log, a listing with a kernel message inside a
# line, must fail as unreadable (no traceback, no line silently skipped).
unreadable() {
	local name=$1 out rc=0
	if cmp -s "$tmp/base.log" "$tmp/bad.log"; then
		echo "not ok - $name: the change did not apply (nothing to change in this log)"
		fails=$((fails + 1))
		return
	fi
	out=$(python3 "$here/compare-xen-types.py" --report-only "$tmp/bad.log" 2>&1) || rc=$?
	if [ $rc -eq 1 ] && grep -Eq "^  problem: [0-9]+ lines of the listing unreadable" <<< "$out"; then
		echo "ok - $name: the listing is unreadable, exit 1"
	else
		echo "not ok - $name: exit $rc, not for an unreadable listing:"
		tail -n 3 <<< "$out"
		fails=$((fails + 1))
	fi
}

# As a clocksource watchdog's warning once cut dom0's listing: inside a
# field, and before a line's key.
sed "/^XMA-LISTING-BEGIN/,/^XMA-LISTING-END/ s/^\(list_pt: pfn=0x$pte .* xe\)\(n_type=L1\)/\1                \2/" \
	"$tmp/base.log" > "$tmp/bad.log"
unreadable "a kernel message inside a field"
sed "/^XMA-LISTING-BEGIN/,/^XMA-LISTING-END/ s/^\(list_pt: pfn=0x$pgd \)/clocksource: tim\1/" \
	"$tmp/base.log" > "$tmp/bad.log"
unreadable "a kernel message before a line's key"

echo "cross-check negative controls: $fails failed"
[ "$fails" -eq 0 ]
