#!/bin/bash
# One boot: a guest's kernel as Xen PV dom0 and, if asked, a PV domU that
# the toolstack in that dom0 builds and starts; each guest's part of the
# serial log is written apart, for verdict.sh.
#
#   boot-guests.sh [options] GUEST_DIR LOG
#     --dom0 MODE          what dom0 runs, xma.mode= (default test)
#     --domu MODE          also start a PV domU that runs MODE, after dom0
#                          has run its own (default: no domU)
#     --domu-dir DIR       the domU's bzImage and initramfs.cpio.gz (another
#                          build-guest.sh output; default GUEST_DIR)
#     --domu-timeout SEC   dom0 destroys the domU after SEC (default 480)
#     --domu-mem MB        the domU's memory (default 384)
#     --domu-vcpus N       the domU's vCPUs (default 1), each on a physical
#                          CPU of its own
#     --domu-float         no physical CPUs of their own: QEMU has dom0's
#                          two, and the domU's vCPUs float over them
#     --timeout SEC        hard limit for the whole boot (default 600, with
#                          a domU 600 + its timeout)
#     --kernel-args ARGS   more dom0 command line
#     --xen XEN_GZ         the hypervisor to boot (default: Debian's)
#
# GUEST_DIR is a build-guest.sh output.  A 32-bit one (GUEST_DIR/arch is
# i386) boots under a Xen with PV32 (build-xen.sh --pv32), Debian's has
# none; --xen XEN_GZ picks another hypervisor (of Xen $XMA_XEN, whose
# toolstack dom0 runs).  Writes LOG (the serial log) and, with a domU,
# its parts LOG.dom0 and LOG.domu (with .log in place of a trailing .log:
# p5-test.log -> p5-test.dom0.log, p5-test.domu.log).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

dom0_mode=test domu_mode='' domu_dir='' domu_timeout=480 domu_mem=384 domu_vcpus=1 timeout='' kargs='' xen_gz='' domu_pin=1
while [ $# -gt 0 ]; do
	case "$1" in
	--dom0) dom0_mode=$2; shift 2 ;;
	--domu) domu_mode=$2; shift 2 ;;
	--domu-dir) domu_dir=$2; shift 2 ;;
	--domu-timeout) domu_timeout=$2; shift 2 ;;
	--domu-mem) domu_mem=$2; shift 2 ;;
	--domu-vcpus) domu_vcpus=$2; shift 2 ;;
	--domu-float) domu_pin=0; shift ;;
	--timeout) timeout=$2; shift 2 ;;
	--kernel-args) kargs=$2; shift 2 ;;
	--xen) xen_gz=$2; shift 2 ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || die "usage: boot-guests.sh [options] GUEST_DIR LOG"
guest=$1 logf=$2
# Whatever fails below, no earlier run's log is left to be judged.
rm -f "$logf" "${logf%.log}".dom0.log "${logf%.log}".domu.log
mode_re='^[a-z]+$'
[[ "$dom0_mode" =~ $mode_re ]] || die "--dom0 wants a mode word, not '$dom0_mode'"
[ -z "$domu_mode" ] || [[ "$domu_mode" =~ $mode_re ]] || die "--domu wants a mode word, not '$domu_mode'"
need_count "$domu_timeout" "--domu-timeout (seconds)"
need_count "$domu_mem" "--domu-mem (MiB)"
need_count "$domu_vcpus" "--domu-vcpus"
need_file "$guest/bzImage" "build it with build-guest.sh"
need_file "$guest/initramfs.cpio.gz" "build it with build-guest.sh"
part() {
	echo "${logf%.log}.$1.log"
}
xen=()
if [ -n "$xen_gz" ]; then
	need_file "$xen_gz" "a hypervisor to boot"
	xen=(--xen "$xen_gz")
elif [ "$(cat "$guest/arch" 2>/dev/null)" = i386 ]; then
	xen=(--xen "$("$here/build-xen.sh" --pv32)")
fi

if [ -z "$domu_mode" ]; then
	exec "$here/boot-xen.sh" "${xen[@]}" --timeout "${timeout:-600}" \
		--kernel-args "xma.mode=$dom0_mode $kargs" \
		"$guest/bzImage" "$guest/initramfs.cpio.gz" "$logf"
fi

domu_dir=${domu_dir:-$guest}
need_file "$domu_dir/bzImage" "the domU's kernel"
need_file "$domu_dir/initramfs.cpio.gz" "the domU's initramfs"
timeout=${timeout:-$((600 + domu_timeout))}
need_count "$timeout" "--timeout (seconds)"
[ "$timeout" -gt $((domu_timeout + 60)) ] ||
	die "--timeout $timeout leaves dom0 no time around the domU's $domu_timeout s"
# Made anew for every boot: it holds whichever domU this boot runs.
initramfs=$guest/dom0-initramfs.cpio.gz
"$here/make-dom0-initramfs.sh" "$initramfs" "$guest/initramfs.cpio.gz" \
	"$domu_dir/bzImage" "$domu_dir/initramfs.cpio.gz"
# dom0's vCPUs pinned to physical CPUs 0 and 1, the domU's to CPUs of
# their own (run-domu.sh pins them to the last ones; --domu-float: none of
# their own, not pinned): see run-domu.sh.
# The lifecycle (run-domu.sh): a local migration holds the domU twice for
# a while, and its save images, one of them with the balloon 128 MiB above
# the boot size, live in dom0's RAM (tmpfs): dom0 gets that much more.
room=$domu_mem dom0_mem=512
if [ "$domu_mode" = lifecycle ]; then
	room=$((2 * domu_mem))
	dom0_mem=$((512 + domu_mem + 128))
fi
"$here/boot-xen.sh" "${xen[@]}" --timeout "$timeout" --domu-mem "${room}M" --mem "${dom0_mem}M" \
	--cpus $((2 + domu_pin * domu_vcpus)) --xen-args dom0_vcpus_pin \
	--kernel-args "xma.mode=$dom0_mode xma.domu=$domu_mode xma.domu_timeout=$domu_timeout xma.domu_mem=$domu_mem xma.domu_vcpus=$domu_vcpus xma.domu_pin=$domu_pin $kargs" \
	"$guest/bzImage" "$initramfs" "$logf"
"$here/split-guest-log.sh" "$logf" "$(part dom0)" "$(part domu)"
