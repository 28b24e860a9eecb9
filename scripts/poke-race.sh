#!/bin/bash
# Where does the rare boot Oops "int3" (issue 22, point 8) come from?
# Debian's stock kernel, without the series, loads experiments/poke-race's
# module, which flips a static key FLIPS times while another CPU runs the
# code the flips patch (what "sched_clock: Marking stable" does once).  A
# CPU that meets the int3 of text_poke_bp() after the patch is done dies
# with "int3: 0000".  Each variant boots N times, interleaved:
#   xen-mttcg    dom0 under Xen 4.17 (2 vCPUs pinned on 4 QEMU CPUs, as
#                count-boot-ends.sh), QEMU's TCG on a host thread per CPU
#   xen-single   the same, TCG on one host thread (thread=single)
#   bare-mttcg   the kernel straight on QEMU, 2 CPUs, no Xen
#   bare-single  the same, TCG on one host thread
#
#   poke-race.sh N [VARIANT...]   (default: every variant; XMA_POKE_FLIPS
#                                  flips per boot, default 20000;
#                                  XMA_POKE_GAP_NS: the reader visits the
#                                  site after a random wait up to that
#                                  long, default 0: back to back)
#
# A line per boot, then per variant "VARIANT: N boots: P passed, I int3
# Oops, O other failures"; logs of boots that did not pass are kept in
# $XMA_CACHE/logs/poke-race/.  An experiment, not a test: exits 0 when
# all boots ran.  Needs the stock guest (the test command builds it,
# test-stock.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

[ $# -ge 1 ] || die "usage: poke-race.sh N [VARIANT...]"
boots=$1
shift
need_count "$boots" "N (boots)"
flips=${XMA_POKE_FLIPS:-20000}
need_count "$flips" "XMA_POKE_FLIPS"
gap=${XMA_POKE_GAP_NS:-0}
[ "$gap" = 0 ] || need_count "$gap" "XMA_POKE_GAP_NS"
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(xen-mttcg xen-single bare-mttcg bare-single)
declare -A passed int3 others
for v in "${variants[@]}"; do
	case "$v" in
	xen-mttcg|xen-single|bare-mttcg|bare-single) passed[$v]=0 int3[$v]=0 others[$v]=0 ;;
	*) die "unknown variant '$v'" ;;
	esac
done

guest=$XMA_CACHE/out/stock/guest
need_file "$guest/bzImage" "the test command builds it (test-stock.sh)"
need_file "$guest/version"
abi=$(awk '{ sub(/^linux-image-/, "", $1); print $1 }' "$guest/version")
kdir=/usr/src/linux-headers-$abi
need_file "$kdir/Module.symvers" "install linux-headers-amd64"

# The module, built outside the repo.
work=$XMA_CACHE/out/poke-race
rm -rf "$work"
mkdir -p "$work/src" "$work/stage"/{bin,proc,sys,dev}
cp "$XMA_TOP"/experiments/poke-race/{Kbuild,poke_race.c} "$work/src/"
make -s -C "$kdir" M="$work/src" modules >"$work/build.log" 2>&1 ||
	die "the module did not build: $work/build.log"

# Its initramfs: busybox, the module, an init that loads it.
cp "$("$here/static-busybox.sh" x86_64)" "$work/stage/bin/busybox"
ln -s busybox "$work/stage/bin/sh"
cp "$work/src/poke_race.ko" "$work/stage/"
cat > "$work/stage/init" <<'INIT'
#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
flips=20000 gap=0
for a in $(cat /proc/cmdline); do
	case "$a" in
	poke.flips=*) flips=${a#poke.flips=} ;;
	poke.gap_ns=*) gap=${a#poke.gap_ns=} ;;
	esac
done
echo "POKE-RACE: start, $flips flips, gap $gap ns, CPUs online $(cat /sys/devices/system/cpu/online)"
insmod /poke_race.ko flips="$flips" gap_ns="$gap"
echo "POKE-RACE: insmod exit $?"
dmesg | grep 'poke_race:'
echo "POKE-RACE: end"
poweroff -f
INIT
chmod 755 "$work/stage/init"
(cd "$work/stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
	gzip -n > "$work/initramfs.cpio.gz"

logs=$XMA_CACHE/logs/poke-race
mkdir -p "$logs"
args="poke.flips=$flips poke.gap_ns=$gap panic_on_oops=1"
for i in $(seq 1 "$boots"); do
	for v in "${variants[@]}"; do
		logf=$logs/$v-$i.log
		accel=tcg
		[[ "$v" != *-single ]] || accel=tcg,thread=single
		case "$v" in
		xen-*)
			XMA_QEMU_ACCEL=$accel "$here/boot-xen.sh" --cpus 4 \
				--xen-args dom0_vcpus_pin --timeout 900 --kernel-args "$args" \
				"$guest/bzImage" "$work/initramfs.cpio.gz" "$logf" >/dev/null 2>&1 || true
			;;
		bare-*)
			timeout -k 10 900 qemu-system-x86_64 -accel "$accel" -cpu max -smp 2 \
				-m 1024 -display none -monitor none -no-reboot -serial "file:$logf" \
				-kernel "$guest/bzImage" -initrd "$work/initramfs.cpio.gz" \
				-append "console=ttyS0 panic=-1 $args" >/dev/null 2>&1 || true
			;;
		esac
		if grep -aq 'int3: 0000' "$logf"; then
			int3[$v]=$((int3[$v] + 1))
			echo "$v-$i: int3 Oops: $(grep -a -m1 'RIP:' "$logf" | tr -d '\r')"
		elif grep -aq 'poke_race: .* flips done' "$logf" && grep -aq 'POKE-RACE: end' "$logf"; then
			passed[$v]=$((passed[$v] + 1))
			echo "$v-$i: passed: $(grep -a -m1 'poke_race: .* flips done' "$logf" | tr -d '\r' | sed 's/.*poke_race: //')"
			rm -f "$logf"
		else
			others[$v]=$((others[$v] + 1))
			echo "$v-$i: failed: $(grep -aE -m1 'Oops|BUG|panic|XMA-HOST' "$logf" | tr -d '\r')"
		fi
	done
done
for v in "${variants[@]}"; do
	echo "$v: $boots boots: ${passed[$v]} passed, ${int3[$v]} int3 Oops, ${others[$v]} other failures"
done
