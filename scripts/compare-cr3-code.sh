#!/bin/bash
# The code of the context-switch path's cr3 writes (__xen_write_cr3,
# xen_write_cr3 in arch/x86/xen/mmu_pv.o), unpatched and with the whole
# series, compared instruction by instruction (addresses left out): the
# series must leave them as they are.  Builds mmu_pv.o of both in the
# tree's build directory (test-kernel.sh configured it).
#
#   scripts/compare-cr3-code.sh      (XMA_KERNEL, KERNEL_SRC as for
#                                     test-kernel.sh)
#
# Exits 1 if they differ.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

tree=$("$here/kernel-tree.sh")
name=$(basename "$tree")
series=$("$here/series-dir.sh" "$tree")
build=$XMA_CACHE/build/$name
results=$XMA_CACHE/results/$name
need_file "$build/.config" "run test-kernel.sh first"
mkdir -p "$results"

# insns OBJ FUNC: FUNC's instructions in OBJ, without addresses.
insns() {
	objdump -d --no-show-raw-insn "$1" |
		awk -v f="<$2>:" '$2 == f { on = 1; next } on && /^$/ { on = 0 } on' |
		sed 's/^ *[0-9a-f]*:\t//; s/<[^>]*>//g; s/[0-9a-f]\+ \+$//'
}
for k in 0 all; do
	"$here/apply-series.sh" "$tree" "$series" "$k" >/dev/null
	XMA_KERNEL_TARGETS=arch/x86/xen/mmu_pv.o "$here/build-kernel.sh" "$tree" "$build"
	for f in __xen_write_cr3 xen_write_cr3; do
		insns "$build/arch/x86/xen/mmu_pv.o" "$f" > "$results/code-$k-$f.s"
	done
done
rc=0
echo "The context-switch path's cr3 writes, arch/x86/xen/mmu_pv.o of $name ($(date -u '+%Y-%m-%d %H:%M') UTC):"
for f in __xen_write_cr3 xen_write_cr3; do
	a=$results/code-0-$f.s b=$results/code-all-$f.s
	if [ ! -s "$a" ] || [ ! -s "$b" ]; then die "$f not found in mmu_pv.o"; fi
	same=identical
	if ! cmp -s "$a" "$b"; then
		same="differ in $(diff "$a" "$b" | grep -c '^[<>]' || true) lines"
		rc=1
	fi
	printf '  %-16s unpatched %3d instructions, whole series %3d: %s\n' "$f" \
		"$(wc -l < "$a")" "$(wc -l < "$b")" "$same"
done
exit $rc
