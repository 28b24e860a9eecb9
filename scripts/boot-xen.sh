#!/bin/bash
# Boot Xen under QEMU (TCG) with a Linux PV dom0 and an initramfs; keep the
# serial log.  QEMU is killed after a hard timeout.
#
#   boot-xen.sh [options] KERNEL INITRAMFS LOG
#     --mem SIZE        dom0 memory (default 512M)
#     --domu-mem SIZE   memory Xen keeps free for domUs (default 0M)
#     --vcpus N         dom0 vcpus (default 2)
#     --cpus N          QEMU's CPUs, Xen's physical ones (default: --vcpus)
#     --timeout SEC     hard limit for the whole boot (default 600)
#     --xen-args ARGS   more Xen command line
#     --kernel-args A   more dom0 command line
#     --xen FILE        Xen ELF or .gz (default: Debian's Xen $XMA_XEN,
#                       xen-hypervisor.sh)
#     --int-log FILE    QEMU logs every interrupt and exception the CPUs
#                       take to FILE (-d int: slow, and big)
#     --icount SHIFT    the guest's clock counts instructions, 2^SHIFT ns
#                       each, not host time (-icount: one host thread)
#     --host-lowmem SIZE  the machine's RAM below 4 GiB ends at SIZE (e.g.
#                       28M), the rest is above 4 GiB: dom0's E820 map
#                       then has a hole from SIZE up (boot-p2m-conflict.sh)
#
# $XMA_KERNEL_ARGS goes on every dom0 command line (e.g. mem=512M, which
# older kernels need to keep out of the host RAM Xen did not give them).
# $XMA_QEMU_CPU (default max) is QEMU's -cpu, and $XMA_QEMU_ACCEL (default
# tcg) its -accel, and $XMA_XEN_ARGS goes on Xen's command line: for
# experiments, e.g. max,-fsgsbase, tcg,thread=single, spec-ctrl=eager-fpu.
# The log ends with a line "XMA-HOST: ..." saying how QEMU ended.  When
# Xen halts the machine (dom0 shut down through Xen rather than ACPI),
# QEMU is stopped at once.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mem=512M domu_mem=0M vcpus=2 cpus='' timeout=600 xen_args='' kernel_args='' xen=
qemu_log=() icount_shift='' lowmem=''
while [ $# -gt 0 ]; do
	case "$1" in
	--mem) mem=$2; shift 2 ;;
	--domu-mem) domu_mem=$2; shift 2 ;;
	--vcpus) vcpus=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--xen-args) xen_args=$2; shift 2 ;;
	--kernel-args) kernel_args=$2; shift 2 ;;
	--xen) xen=$2; shift 2 ;;
	--int-log) qemu_log=(-d int -D "$2"); shift 2 ;;
	--icount) icount_shift=$2; shift 2 ;;
	--host-lowmem) lowmem=$2; shift 2 ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -eq 3 ] || die "usage: boot-xen.sh [options] KERNEL INITRAMFS LOG"
kernel=$1 initramfs=$2 logf=$3
need_file "$kernel"
need_file "$initramfs"
[ -n "$xen" ] || xen=$("$(dirname "$0")/xen-hypervisor.sh")
need_file "$xen"
[[ "$mem" =~ ^[0-9]+[MG]$ ]] || die "--mem wants a size like 512M, not '$mem'"
[[ "$domu_mem" =~ ^[0-9]+[MG]$ ]] || die "--domu-mem wants a size like 384M, not '$domu_mem'"
need_count "$vcpus" "--vcpus"
cpus=${cpus:-$vcpus}
need_count "$cpus" "--cpus"
need_count "$timeout" "--timeout (seconds)"
icount=()
if [ -n "$icount_shift" ]; then
	[[ "$icount_shift" =~ ^[0-9]$ ]] || die "--icount wants a shift of 0 to 9, not '$icount_shift'"
	# sleep=off: an idle guest's clock jumps to its next timer at once.
	icount=(-icount "shift=$icount_shift,sleep=off")
fi
machine=()
if [ -n "$lowmem" ]; then
	[[ "$lowmem" =~ ^[1-9][0-9]*M$ ]] || die "--host-lowmem wants a size like 28M, not '$lowmem'"
	machine=(-machine "pc,max-ram-below-4g=$lowmem")
fi
# QEMU splits -initrd at commas: no commas in paths or arguments.
case "$kernel$initramfs$kernel_args${XMA_KERNEL_ARGS:-}" in *,*) die "no commas allowed in kernel, initramfs or --kernel-args" ;; esac

# QEMU's multiboot loader wants Xen as a plain ELF.
xen_elf=$xen
if [[ "$xen" == *.gz ]]; then
	# Named by the .gz's checksum: another build of the same name (a moved
	# pin, an older package) gets an ELF of its own.
	xen_elf=$XMA_CACHE/xen/elf/$(basename "$xen" .gz)-$(sha256sum "$xen" | cut -c1-16)
	if [ ! -f "$xen_elf" ]; then
		mkdir -p "$(dirname "$xen_elf")"
		zcat "$xen" > "$xen_elf.tmp" && mv "$xen_elf.tmp" "$xen_elf"
	fi
fi

# Host memory: dom0, the domUs, and room for Xen itself.
mb() {
	local n=${1%[MG]}
	[[ "$1" == *G ]] && n=$((n * 1024))
	echo "$n"
}
host_mb=$(($(mb "$mem") + $(mb "$domu_mem") + 512))

# smap=0 smep=0: under TCG, dom0 dies at its first exception bounce otherwise.
# com1's irq 0: Xen polls the UART from the start; under TCG it would
# switch to polling later anyway, and its message about that can land in
# the middle of a line the guest prints (an audit's).
xen_cmd="console=com1 com1=115200,8n1,0x3f8,0 dom0_mem=$mem,max:$mem dom0_max_vcpus=$vcpus"
xen_cmd+=" loglvl=all guest_loglvl=all smap=0 smep=0 $xen_args ${XMA_XEN_ARGS:-}"
linux_cmd="console=hvc0 ${XMA_KERNEL_ARGS:-} $kernel_args"

mkdir -p "$(dirname "$logf")"
: > "$logf"
log "booting $(basename "$kernel") under $(basename "$xen_elf"), log: $logf"
# A dom0 that powers off through Xen (SCHEDOP_shutdown, as older kernels
# do when ACPI's S5 did not take) has Xen halt the machine, and QEMU would
# sit there until the timeout: it is stopped then (status 200 here).
halt_line='Hardware Dom0 halted: halting machine'
# shellcheck disable=SC2317 # run through run_locked
run_qemu() {
	local pid
	timeout -k 10 "$timeout" qemu-system-x86_64 -accel "${XMA_QEMU_ACCEL:-tcg}" \
		-cpu "${XMA_QEMU_CPU:-max}" -m "$host_mb" \
		-smp "$cpus" -nographic -no-reboot -nodefaults -serial stdio "${machine[@]}" "${qemu_log[@]}" "${icount[@]}" \
		-kernel "$xen_elf" -append "$xen_cmd" \
		-initrd "$kernel $linux_cmd,$initramfs" </dev/null >> "$logf" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if grep -qF "$halt_line" "$logf"; then
			sleep 1
			kill "$pid" 2>/dev/null
			wait "$pid"
			return 200
		fi
		sleep 1
	done
	wait "$pid"
}
set +e
run_locked run_qemu
rc=$?
set -e
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	printf '\nXMA-HOST: timeout after %ss\n' "$timeout" >> "$logf"
elif [ $rc -eq 200 ]; then
	printf '\nXMA-HOST: Xen halted the machine, qemu stopped\n' >> "$logf"
else
	printf '\nXMA-HOST: qemu exited with status %s\n' "$rc" >> "$logf"
fi
exit 0
