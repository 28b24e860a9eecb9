#!/bin/sh
# Run in dom0 (busybox sh, called by guest-init.sh): start Xen's toolstack,
# have xl build one PV domU, relay its console and wait for it.
#
#   run-domu.sh MODE TIMEOUT MEM_MB VCPUS [XCHECK [PIN]]
#
# The domU boots /domu/bzImage with /domu/initramfs.cpio.gz and
# xma.mode=MODE (see guest-init.sh), without disk or network.  Output, for
# the host to split from dom0's own (split-guest-log.sh):
#   XMA-DOMU| <line>        a line of the domU's console, as it comes
#   XMA-DOMU: <text>        dom0's word on the run, ending with
#                           "XMA-DOMU: result: poweroff" when the domU
#                           powered itself off, or another result
#   XMA-DOMU-DIAG| <line>   after any other result: xl's log, the output of
#                           xl create, the tail of Xen's log (xl dmesg)
# dom0 gives up after TIMEOUT seconds and destroys the domU; it never
# waits for ever.

name=xma-domu
mode=${1:-test} timeout=${2:-480} mem=${3:-384} vcpus=${4:-1} xcheck=${5:-1} pin=${6:-1}
cfg=/etc/xen/$name.cfg
xllog=/var/log/xen/xl-$name.log
conslog=/var/log/xen/console/guest-$name.log
export PATH=/usr/sbin:/bin

say() {
	echo "XMA-DOMU: $*"
}

diag() {
	for f in /tmp/xl-create.out "$xllog" /tmp/toolstack.out; do
		[ -s "$f" ] && sed "s#^#XMA-DOMU-DIAG| ${f##*/}: #" "$f"
	done
	xl dmesg 2>&1 | tail -n 20 | sed 's/^/XMA-DOMU-DIAG| xl dmesg: /'
}

# The last word: the result, and on anything but a poweroff the logs, and
# no domU left behind.
finish() {
	say "result: $1"
	if [ "$1" != poweroff ]; then
		diag
		xl destroy "$name" > /dev/null 2>&1
	fi
	exit 0
}

# The toolstack: xenfs gives xenstored the store page and port, devpts
# gives xenconsoled its ptys; xen-init-dom0 writes dom0's xenstore nodes.
mkdir -p /proc/xen /dev/pts /etc/xen /var/run/xen /var/run/xenstored \
	/var/lib/xen /var/lib/xenstored /var/log/xen/console /var/lock
grep -q xenfs /proc/mounts || mount -t xenfs xenfs /proc/xen ||
	finish "toolstack failed: cannot mount xenfs on /proc/xen"
grep -q control_d /proc/xen/capabilities ||
	finish "toolstack failed: this is not dom0 (/proc/xen/capabilities)"
grep -q devpts /proc/mounts || mount -t devpts devpts /dev/pts ||
	finish "toolstack failed: cannot mount devpts"
xenstored --pid-file /var/run/xenstored.pid > /tmp/toolstack.out 2>&1 ||
	finish "toolstack failed: xenstored exited with $?"
n=0
while [ ! -S /var/run/xenstored/socket ]; do
	[ $n -lt 30 ] || finish "toolstack failed: no xenstored socket after 30 s"
	sleep 1
	n=$((n + 1))
done
xen-init-dom0 >> /tmp/toolstack.out 2>&1 ||
	finish "toolstack failed: xen-init-dom0 exited with $?"
xenconsoled --pid-file=/var/run/xenconsoled.pid --log=guest \
	--log-dir=/var/log/xen/console >> /tmp/toolstack.out 2>&1 ||
	finish "toolstack failed: xenconsoled exited with $?"

# Modes test and audit end with the cross-check of the audit against
# Xen's page types (guest-init.sh's cross_check, xcheck() below), unless
# XCHECK is 0; 2 adds a round with a leaked table planted.
xcheck_arg=
case "$mode" in test | audit) [ "$xcheck" = 0 ] || xcheck_arg=" xma.xcheck=$xcheck" ;; esac

# Each domU vCPU is pinned to a physical CPU of its own, the last ones
# (boot-guests.sh gives QEMU a CPU per domU vCPU beyond dom0's two, and pins
# dom0's vCPUs to the first two): under QEMU (TCG), a PV domU whose vCPUs
# share physical CPUs with dom0's, or move between them, sees its user
# space fault now and then (an exec'd process reading its TLS as garbage,
# a thread writing to an unmapped arena), with the pristine kernel too.
# PIN 0 leaves them floating over every physical CPU (README: SMP domU).
ncpus=$(xl info 2>/dev/null | awk '$1 == "nr_cpus" { print $3 }')
[ -n "$ncpus" ] || finish "toolstack failed: xl info gives no nr_cpus"
pins=
i=0
while [ $i -lt "$vcpus" ]; do
	pins="$pins${pins:+, }\"$((ncpus - 1 - i % ncpus))\""
	i=$((i + 1))
done

# Poweroff destroys the domain; a crash or any other shutdown keeps it, so
# that it can be told apart (and its state shown) before it is destroyed.
cat > "$cfg" <<EOF
name = "$name"
type = "pv"
kernel = "/domu/bzImage"
ramdisk = "/domu/initramfs.cpio.gz"
extra = "console=hvc0 xma.mode=$mode$xcheck_arg"
memory = $mem
vcpus = $vcpus
maxvcpus = $vcpus
$([ "$pin" = 0 ] || echo "cpus = [$pins]")
on_poweroff = "destroy"
on_reboot = "preserve"
on_crash = "preserve"
on_watchdog = "preserve"
EOF
say "xl create: PV domU, kernel /domu/bzImage, xma.mode=$mode, ${mem} MiB, $vcpus vcpus, timeout ${timeout} s"
start=$(date +%s)
xl create "$cfg" > /tmp/xl-create.out 2>&1 || finish "xl create failed (exit $?)"
say "domU $name is domain $(xl domid "$name" 2>/dev/null)"

# The console log that xenconsoled writes is relayed as it grows: each
# poll prints the complete lines not printed yet, the last one everything;
# ready_seen counts the lifecycle's "ready" words among them.
relayed=0 ready_seen=0
relay() {
	[ -e "$conslog" ] || return 0
	if [ "$1" = all ]; then
		sed -n "$((relayed + 1)),\$p" "$conslog" | sed 's/^/XMA-DOMU| /'
		return 0
	fi
	upto=$(wc -l < "$conslog")
	[ "$upto" -gt "$relayed" ] || return 0
	sed -n "$((relayed + 1)),${upto}p" "$conslog" > /tmp/relay.chunk
	sed 's/^/XMA-DOMU| /' /tmp/relay.chunk
	ready_seen=$((ready_seen + $(grep -c 'XMA-LIFECYCLE: ready' /tmp/relay.chunk)))
	relayed=$upto
}

# The cross-check: the domU has printed the listing of its pages and
# waits.  Paused, Xen's type of each of its frames is dumped (xen-mfndump:
# "type 0x0" is a frame of no pagetable type, not printed), then it is let
# go and told so on its console: the one pty xenconsoled made (it makes
# one per domU console; xl has no xenstore-read to name it).  Xen's lines
# go to the domU's part of the log (XMA-DOMU-XEN| ), for the host.
xchecked=
xcheck() {
	# The domU's whole listing first: the loop relayed only what its
	# console had then, and Xen's lines must not land inside it.
	relay
	domid=$(xl domid "$name" 2>/dev/null)
	xchecked="$xchecked $1"
	if ! xl pause "$name"; then
		say "xcheck: xl pause failed"
		return
	fi
	xen-mfndump dump-p2m "$domid" > /tmp/xen-types.txt 2>&1
	rc=$?
	xl unpause "$name" || say "xcheck: xl unpause failed"
	say "xcheck: xen-mfndump dump-p2m $domid: exit $rc, $(grep -c 'pfn=' /tmp/xen-types.txt) pfns"
	echo "XMA-DOMU-XEN| XMA-XEN-TYPES$1-BEGIN"
	grep -v 'pfn=.*(type 0x0)' /tmp/xen-types.txt | sed 's/^/XMA-DOMU-XEN| /'
	echo "XMA-DOMU-XEN| XMA-XEN-TYPES$1-END"
	set -- /dev/pts/[0-9]*
	if [ $# -eq 1 ] && [ -e "$1" ]; then
		echo go > "$1" || say "xcheck: cannot write to $1"
	else
		say "xcheck: not one pty but '$*': the domU waits its 60 s"
	fi
}

# The lifecycle (MODE lifecycle, guest-init.sh): each time the domU says
# "XMA-LIFECYCLE: ready", the next step is done to it, and its name then
# told on its console (the newest pty: a restored or migrated domU has a
# new one); after the last, "done".  A step that fails shows xl's output,
# and ends the lifecycle ("failed").  The balloon goes down by a quarter,
# then up past the memory the domU booted with (its maxmem, the same at
# boot, is raised first: so the kernel knew no room for it and must
# hotplug a memory section of 128 MiB), and the domU is saved and restored
# once more with its hotplugged memory.
steps="save save save migrate mem-down mem-up save"
[ "$vcpus" -eq 1 ] || steps="$steps vcpus-1 vcpus-$vcpus"
mem_down=$((mem * 3 / 4)) mem_up=$((mem + 128))
steps_done=0
tell_domu() {
	# shellcheck disable=SC2012 # pty names are numbers; newest first
	pty=$(ls -t /dev/pts/[0-9]* 2>/dev/null | head -n 1)
	if [ -z "$pty" ] || ! echo "$1" > "$pty"; then
		say "lifecycle: cannot tell the domU '$1' (pty '$pty')"
	fi
}
# The domU's console log after a step that made it a new domain (a
# restore, a migration): xenconsoled names a log after the domain's name
# when it first sees it, NAME for a restore, "NAME--incoming" for a domU
# coming in by migration, and appends when a name comes back.  The log
# left is relayed to its end, and where the relay stopped in each log is
# kept (off_<log>), for a domU that comes back to one.
follow_console() {
	relay
	eval "off_$(log_key "$conslog")=$relayed"
	conslog=/var/log/xen/console/$1
	eval "relayed=\${off_$(log_key "$conslog"):-0}"
	[ -e "$conslog" ] || say "lifecycle: no console log $conslog"
}
log_key() {
	echo "${1##*/}" | tr -c 'A-Za-z0-9\n' _
}
lifecycle_step() {
	steps_done=$((steps_done + 1))
	# shellcheck disable=SC2086 # a list of words
	set -- $steps
	if [ "$steps_done" -gt $# ]; then
		tell_domu "done"
		return
	fi
	shift $((steps_done - 1))
	step=$1
	t0=$(date +%s)
	case "$step" in
	save)
		rm -f /tmp/xma-domu.save
		xl save "$name" /tmp/xma-domu.save > /tmp/xl-step.out 2>&1 &&
		xl restore /tmp/xma-domu.save >> /tmp/xl-step.out 2>&1
		;;
	migrate)
		# No ssh: xl runs the receiving side through sh -c.
		xl migrate -s "" "$name" "xl migrate-receive" > /tmp/xl-step.out 2>&1
		;;
	mem-down)
		xl mem-set "$name" ${mem_down}m > /tmp/xl-step.out 2>&1
		;;
	mem-up)
		xl mem-max "$name" ${mem_up}m > /tmp/xl-step.out 2>&1 &&
		xl mem-set "$name" ${mem_up}m >> /tmp/xl-step.out 2>&1
		;;
	vcpus-*)
		xl vcpu-set "$name" "${step#vcpus-}" > /tmp/xl-step.out 2>&1
		;;
	esac
	rc=$?
	rm -f /tmp/xma-domu.save
	# The balloon's steps say the target asked for, which the judge holds
	# the domU's balloon to.
	asked=
	case "$step" in
	mem-down) asked=", target $((mem_down * 1024)) kB" ;;
	mem-up) asked=", target $((mem_up * 1024)) kB" ;;
	esac
	say "lifecycle: step $steps_done $step: exit $rc in $(($(date +%s) - t0)) s, domain $(xl domid "$name" 2>/dev/null)$asked"
	# A PV domU migrates live, and Xen tracks its dirty pages with shadow
	# paging, which Debian builds Xen without (CONFIG_SHADOW_PAGING off):
	# the domU then stays where it is, untouched.  Said so, not failed.
	if [ $rc -ne 0 ] && [ "$step" = migrate ] &&
	   grep -q 'Failed to enable logdirty: 95' /tmp/xl-step.out; then
		say "lifecycle: step $steps_done migrate: not possible under this Xen: log-dirty for PV is EOPNOTSUPP without shadow paging"
		tell_domu migrate-unsupported
		return
	fi
	if [ $rc -ne 0 ]; then
		sed 's/^/XMA-DOMU-DIAG| xl: /' /tmp/xl-step.out
		xl dmesg 2>&1 | tail -n 20 | sed 's/^/XMA-DOMU-DIAG| xl dmesg: /'
		tell_domu failed
		return
	fi
	case "$step" in
	save) follow_console "guest-$name.log" ;;
	migrate) follow_console "guest-$name--incoming.log" ;;
	esac
	tell_domu "$step"
}

# How it ended is what xl's daemon logged (it destroys the domU on a
# poweroff, as the config says); a domU still running at the deadline is
# a timeout.
result=
while [ -z "$result" ]; do
	relay
	if [ "$mode" = lifecycle ]; then
		[ "$ready_seen" -le "$steps_done" ] || lifecycle_step
	fi
	if [ -n "$xcheck_arg" ]; then
		for round in "" -PLANTED; do
			case "$xchecked " in *" $round "*) continue ;; esac
			if grep -q "XMA-XCHECK: listed$round\$" "$conslog" 2>/dev/null ||
			   grep -q "XMA-XCHECK: listed$round.\$" "$conslog" 2>/dev/null; then
				xcheck "$round"
			fi
		done
	fi
	# The state first: a domU gone by then had its reason logged before.
	state=$(xl list "$name" 2>/dev/null | awk 'NR == 2 { print $5 }')
	# Suspend (2) is how a save or a migration ends a domain: no end.
	# A restored or migrated domU has a daemon of its own, and its log.
	reason=$(cat "$xllog" /var/log/xen/xl-"$name"--*.log 2>/dev/null |
		sed -n 's/.* has shut down, reason code \([013-9][0-9]*\) .*/\1/p' | head -n 1)
	case "$reason" in
	0) result=poweroff ;;
	1) result="rebooted (shutdown reason 1)" ;;
	3) result="crashed (shutdown reason 3)" ;;
	4) result="watchdog fired (shutdown reason 4)" ;;
	?*) result="shut down for reason $reason" ;;
	esac
	[ -z "$result" ] || break
	if [ -z "$state" ]; then
		result="gone, and xl logged no shutdown reason"
	elif [ $(($(date +%s) - start)) -ge "$timeout" ]; then
		result="timeout after $timeout s (state $state)"
	else
		sleep 2
	fi
done
# What xenconsoled read last, once it has written it.
sleep 1
relay all
[ -e "$conslog" ] || say "no console log from xenconsoled: $conslog"
say "domU ran $(($(date +%s) - start)) s"
finish "$result"
