#!/bin/bash
# Tell from a dom0 boot log whether Xen put dom0's initial p2m list where
# dom0's E820 map has no RAM: the case in which xen_reserve_xen_mfnlist()
# has the kernel relocate it (xen_relocate_p2m()).
#
#   p2m-conflict.sh LOG
#
# The kernel prints nothing when it relocates the list, so this works it
# out the way Xen laid dom0 out (xen/arch/x86/pv/dom0_build.c): pfns 0 up
# to the size of Xen's first allocation ("Dom0 alloc."), then the initrd
# ("Init. ramdisk"), then the frames of the p2m list and of its pagetables
# (mapped apart, "Phys-Mach map" below the kernel half).  The pfn after the
# initrd is xen_start_info->first_p2m_pfn; if dom0's E820 ("Xen: [mem ...]
# usable", or "System RAM" since 7.x) has no RAM there, the list must be
# relocated.
# Exits 0 if it must, 1 if not, 2 if the log does not tell.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: p2m-conflict.sh LOG"
logf=$1
need_file "$logf"

unsure() {
	echo "${0##*/}: $logf: $*" >&2
	exit 2
}

clean=$(tr -d '\r' < "$logf")
# A Xen line "(XEN)  NAME: A->B" (hex, no 0x): "A B".
xen_range() {
	sed -n "s/^(XEN)  *$1: *\([0-9a-f]\{16\}\)->\([0-9a-f]\{16\}\).*/\1 \2/p" <<< "$clean"
}

read -r a_start a_end < <(xen_range 'Dom0 alloc\.') || unsure "no 'Dom0 alloc.' line from Xen"
# The first "Init. ramdisk" line gives machine addresses; a second one, in
# the virtual arrangement, would mean Xen mapped the initrd and gave it
# other pfns: not the layout worked out here.
ramdisk=$(xen_range 'Init\. ramdisk')
[ -n "$ramdisk" ] || unsure "no 'Init. ramdisk' line from Xen (no initrd?)"
[ "$(wc -l <<< "$ramdisk")" -eq 1 ] || unsure "Xen mapped the initrd: its pfns are not worked out here"
read -r r_start r_end <<< "$ramdisk"
read -r p2m_va _ < <(xen_range 'Phys-Mach map') || unsure "no 'Phys-Mach map' line from Xen"
[ $((16#$p2m_va >> 47)) -eq 0 ] ||
	unsure "the p2m list is in the initial mapping (Phys-Mach map at $p2m_va): not the layout worked out here"

page=4096
alloc_pages=$(((16#$a_end - 16#$a_start) / page))
initrd_pages=$(((16#$r_end - 16#$r_start + page - 1) / page))
p2m_pfn=$((alloc_pages + initrd_pages))
p2m_addr=$((p2m_pfn * page))

# RAM is "usable" up to 6.x, " System RAM" (aligned) since 7.x.
ram=$(sed -n -E 's/^Xen: \[mem 0x([0-9a-f]*)-0x([0-9a-f]*)\] +(usable|System RAM)$/\1 \2/p' <<< "$clean")
[ -n "$ram" ] || unsure "no dom0 E820 map ('Xen: [mem ...] usable' or '... System RAM' lines)"
printf 'dom0 p2m list from pfn %#x (after %d pages of Xen'"'"'s first allocation and %d of initrd)\n' \
	"$p2m_pfn" "$alloc_pages" "$initrd_pages"
while read -r s e; do
	if [ "$p2m_addr" -ge $((16#$s)) ] && [ $((p2m_addr + page - 1)) -le $((16#$e)) ]; then
		echo "in dom0's RAM [mem 0x$s-0x$e]: no conflict, the kernel keeps the list where it is"
		exit 1
	fi
done <<< "$ram"
echo "outside dom0's RAM: the kernel must relocate the list (xen_relocate_p2m())"
