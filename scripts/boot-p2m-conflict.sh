#!/bin/bash
# Boot a 64-bit guest as dom0 on a machine whose RAM below 4 GiB ends where
# Xen's initial mapping of dom0 does, so that Xen puts the initrd and the
# initial p2m list where dom0's E820 map has no RAM: the kernel then moves
# the initrd and relocates the p2m list (xen_relocate_p2m()), a path a
# normal boot never takes.  p2m-conflict.sh tells from the log whether the
# list was in the hole.
#
#   boot-p2m-conflict.sh GUEST_DIR LOG [MODE]
#
# MODE is what dom0 runs, xma.mode= (default test).  GUEST_DIR is a
# build-guest.sh output (its System.map gives the kernel's end).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

case $# in 2|3) ;; *) die "usage: boot-p2m-conflict.sh GUEST_DIR LOG [MODE]" ;; esac
guest=$1 logf=$2 mode=${3:-test}
[[ "$mode" =~ ^[a-z]+$ ]] || die "MODE wants a mode word, not '$mode'"
need_file "$guest/System.map" "build it with build-guest.sh"
[ "$(cat "$guest/arch" 2>/dev/null)" = x86_64 ] || die "$guest: a 64-bit guest only"

end=$(awk '$3 == "_end" { print $1 }' "$guest/System.map")
[ -n "$end" ] || die "$guest/System.map: no _end"
# Physical end of the image: Xen loads it at its link address less
# __START_KERNEL_map.
phys_end=$((16#$end - 16#ffffffff80000000))
if [ "$phys_end" -le 0 ] || [ "$phys_end" -ge $((1 << 30)) ]; then die "_end $end: not a 64-bit kernel's"; fi
# Where Xen's initial mapping of dom0 ends (xen/arch/x86/pv/dom0_build.c):
# after the image come a page of start info, the pagetables that map it
# all, and a stack page, then up to a 4 MiB boundary at least 512 KiB
# further.  Dom0 does not boot, patched or not, when its RAM ends inside
# that mapping; the initrd, and then the p2m list, come after it.
page=4096 l2=$((2 << 20)) l3=$((1 << 30)) chunk=$((4 << 20))
pt_start=$(((phys_end + page - 1) / page * page + page))
for ((nr_pt = 2; ; nr_pt++)); do
	stack_end=$((pt_start + (nr_pt + 1) * page))
	v_end=$(((stack_end + chunk - 1) / chunk * chunk))
	[ $((v_end - stack_end)) -ge $((512 << 10)) ] || v_end=$((v_end + chunk))
	# The L4, the L3s, the L2s and the L1s that map [0, v_end).
	[ $((1 + 1 + (v_end + l3 - 1) / l3 + (v_end + l2 - 1) / l2)) -gt "$nr_pt" ] || break
done
lowmem_mb=$((v_end >> 20))
log "dom0's RAM below 4 GiB ends at ${lowmem_mb} MiB, with Xen's initial mapping of dom0"
exec "$here/boot-xen.sh" --host-lowmem "${lowmem_mb}M" --kernel-args "xma.mode=$mode" \
	"$guest/bzImage" "$guest/initramfs.cpio.gz" "$logf"
