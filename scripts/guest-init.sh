#!/bin/sh
# /init of the test initramfs (busybox sh).  What it does is chosen by
# xma.mode= on the kernel command line:
#   test   load the module, print the audit, run the kselftest, print its
#          TAP (default)
#   audit  load the module, print /sys/kernel/debug/xen_mmu_audit
#   plant  as test, with the module's planted findings on from load time
#          (plant=1, or xma.plant=N) and, with plant=1, pgd_list taken as
#          not found (forget=pgd_list)
#   lockdown  load the module, raise kernel lockdown to integrity, then
#          check that the report stays readable, the settings work through
#          the module parameters and the control file is refused
#   panic  exit, so that the kernel panics (a negative control)
#   hang   never power off (a negative control)
#   boot   power off at once (for what the kernel printed while booting)
#   heavy  panic_on_warn, load the module, run the heavy kselftest
#          (xen_mmu_audit_stress), then print what kmemleak found
#   bench  load the module, print the audit, run xen_mmu_audit_bench; its
#          options from xma.bench_n=N:N:.. xma.bench_rounds=R
#          xma.bench_forks=F xma.bench_mmaps=M
#   storm  the kselftest's storm alone, no module, xma.storm_seconds=S
#          (default 60): does the kernel survive it without the audit?
#   lifecycle  (a domU) load the module and print the audit, then, each
#          time dom0 has done a step of the domU's lifecycle to it (save
#          and restore, migration, balloon, vCPUs: run-domu.sh), print the audit
#          again (XMA-STEP-AUDIT-BEGIN <n> <step>); at the end, the kselftest
# Output between XMA-*-BEGIN/END markers is what the host reads; the
# kernel's log since this init started comes last, whole (XMA-KLOG).
#
# In dom0, xma.domu=MODE then starts a PV domU through the toolstack
# (/domu/run-domu.sh) that runs this same init with xma.mode=MODE;
# xma.domu_timeout=SEC, xma.domu_mem=MB and xma.domu_vcpus=N tune it;
# xma.domu_pin=0 lets its vCPUs float over every physical CPU (default 1:
# each on one of its own, see run-domu.sh);
# xma.domu_xcheck=0|1|2 its cross-check with Xen's page types (default 1,
# see cross_check).

/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug

mode="test" domu="" domu_timeout=480 domu_mem=384 domu_vcpus=1 plant=1
xcheck=0 domu_xcheck=1 domu_pin=1
storm_seconds=60
# The bench's options, as positional parameters.
set --
# shellcheck disable=SC2013 # the command line is one line of words
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	xma.mode=*) mode=${arg#xma.mode=} ;;
	xma.plant=*) plant=${arg#xma.plant=} ;;
	xma.domu=*) domu=${arg#xma.domu=} ;;
	xma.domu_timeout=*) domu_timeout=${arg#xma.domu_timeout=} ;;
	xma.domu_mem=*) domu_mem=${arg#xma.domu_mem=} ;;
	xma.domu_vcpus=*) domu_vcpus=${arg#xma.domu_vcpus=} ;;
	xma.xcheck=*) xcheck=${arg#xma.xcheck=} ;;
	xma.domu_xcheck=*) domu_xcheck=${arg#xma.domu_xcheck=} ;;
	xma.domu_pin=*) domu_pin=${arg#xma.domu_pin=} ;;
	xma.storm_seconds=*) storm_seconds=${arg#*=} ;;
	xma.bench_n=*) set -- "$@" -n "${arg#*=}" ;;
	xma.bench_rounds=*) set -- "$@" -r "${arg#*=}" ;;
	xma.bench_forks=*) set -- "$@" -f "${arg#*=}" ;;
	xma.bench_mmaps=*) set -- "$@" -m "${arg#*=}" ;;
	esac
done
echo "XMA-INIT: mode=$mode kernel=$(uname -r) machine=$(uname -m)"

# This init and the kernel print to one console, where a kernel message
# can land in the middle of one of our lines (a late mouse probe once split
# a TAP plan line).  From here on the console gets only warnings and worse,
# less while we print (console_level); everything the kernel logs from now
# on is printed whole before power-off (print_kernel_log), or, if it
# panics first, by the panic: panic_console_replay (7.x), or panic_print's
# "all printk messages" (32, since 5.x); 2.6.37 has neither, and shows
# only what the console did.
dmesg -c >/dev/null
echo 5 > /proc/sys/kernel/printk
if [ -w /sys/module/kernel/parameters/panic_console_replay ]; then
	echo 1 > /sys/module/kernel/parameters/panic_console_replay
else
	echo 32 > /proc/sys/kernel/panic_print 2>/dev/null || true
fi

# console_level LEVEL CMD...: CMD with only messages more urgent than
# LEVEL on the console, then the level it had (not nested: one saved
# level).  The host parses what CMD prints line by line, and at level 5 a
# warning still lands in the middle of a line (a clocksource watchdog's
# once cut a line of dom0's listing in two).  What the kernel logs
# meanwhile is printed whole before power-off (print_kernel_log); an oops
# or a panic raises the console level itself (console_verbose()).
console_level() {
	read -r console_was _ < /proc/sys/kernel/printk
	echo "$1" > /proc/sys/kernel/printk
	shift
	"$@"
	console_rc=$?
	echo "$console_was" > /proc/sys/kernel/printk
	return $console_rc
}

# quietly CMD...: only emergencies, for what prints in a few seconds and
# is parsed field by field (an audit, a listing).
quietly() {
	console_level 1 "$@"
}

# calmly CMD...: errors and worse, for what runs for minutes (the
# kselftest, the storm, dom0's run of a domU): a stall or a failure still
# shows as it happens.
calmly() {
	console_level 4 "$@"
}

# section NAME WORDS CMD...: CMD's output between "XMA-NAME-BEGIN[ WORDS]"
# and XMA-NAME-END.
section() {
	section_name=$1 section_words=$2
	shift 2
	echo "XMA-$section_name-BEGIN${section_words:+ $section_words}"
	"$@"
	section_rc=$?
	echo "XMA-$section_name-END"
	return $section_rc
}

# with_exit NAME CMD...: CMD (its stderr too), then "XMA-NAME-EXIT: status".
with_exit() {
	with_exit_name=$1
	shift
	"$@" 2>&1
	echo "XMA-$with_exit_name-EXIT: $?"
}

print_kernel_log() {
	echo "XMA-KLOG-BEGIN"
	dmesg
	echo "XMA-KLOG-END"
}

load_module() {
	if ! insmod /xen_mmu_audit.ko "$@"; then
		echo "XMA-INIT: insmod xen_mmu_audit.ko failed"
		return 1
	fi
}

# A failed read shows in the section; what follows runs all the same.
print_audit() {
	quietly section AUDIT "" cat /sys/kernel/debug/xen_mmu_audit || true
}

run_kselftest() {
	calmly section TAP "" with_exit KSFT /selftests/xen_mmu_audit_test
}

# The cross-check with Xen's page types (xma.xcheck=1, which dom0's
# run-domu.sh gives a domU in modes test and audit): with nothing else
# running, an audit with its listing of every page (verbose=2), then a
# word to dom0, which pauses this domain, dumps Xen's type of each of its
# frames, unpauses it and answers on the console.  Until then this init
# waits, doing nothing (a shell builtin: no fork, no pagetable), 60 s at
# most.  The host compares the two (compare-xen-types.py).  With
# xma.xcheck=2 a second round follows with a leaked table planted
# (plant=3: pinned by Xen, linked nowhere), sections named -PLANTED.
# list_pages NAME: the audit with its listing, between XMA-NAME-BEGIN and
# -END, only emergencies on the console meanwhile.  The audit runs at
# open, in this shell: its own tables are listed, and the cat that prints
# it is gone before dom0 looks.  From the audit until dom0 pauses the
# domain this shell must touch no new memory, or a pte page of its own
# appears that Xen types and the listing lacks (CI, 2026-12-07, with the
# level and markers set through shell functions here: init's pfn 0x282).
# So it is written out, builtins only, and run once before, to /dev/null.
list_pages() {
	echo 1 > /proc/sys/kernel/printk
	exec 3< /sys/kernel/debug/xen_mmu_audit
	echo "XMA-$1-BEGIN"
	cat <&3
	echo "XMA-$1-END"
	exec 3<&-
	echo 5 > /proc/sys/kernel/printk
}

cross_check_round() {
	echo verbose=2 > "$ctl"
	# What the first round leaves behind (the reader's stack in the
	# vmalloc area, this shell's heap) is in place for the one that counts.
	list_pages "LISTING$1" > /dev/null
	list_pages "LISTING$1"
	echo verbose=0 > "$ctl"
	echo "XMA-XCHECK: listed$1"
	answer=
	# shellcheck disable=SC3045 # busybox sh has read -t
	read -r -t 60 answer
	echo "XMA-XCHECK: dom0 answered: ${answer:-nothing in 60 s}"
}

cross_check() {
	ctl=/sys/kernel/debug/xen_mmu_audit_control
	[ -e "$ctl" ] || load_module || return 1
	if ! echo verbose=2 > "$ctl"; then
		echo "XMA-XCHECK: cannot set verbose=2"
		return 1
	fi
	cross_check_round ""
	[ "$xcheck" = 2 ] || return 0
	plant=/sys/module/xen_mmu_audit/parameters/plant
	if echo 3 > "$plant"; then
		cross_check_round -PLANTED
		echo 0 > "$plant"
	else
		echo "XMA-XCHECK: cannot plant a leaked table"
	fi
}

# The lifecycle's balloon steps (the balloon's sysfs, memory blocks).
xen_memory=/sys/devices/system/xen_memory/xen_memory0
# memory_blocks: the memory blocks the kernel has (hotplugged ones
# included), online or not.
memory_blocks() {
	for b in /sys/devices/system/memory/memory[0-9]*; do
		[ ! -e "$b" ] || echo "${b##*/}"
	done
}

# balloon_settle: wait (up to 120 s) for the balloon to reach the target
# dom0 set, onlining each memory block it hotplugs on the way, as udev's
# rule does on a distribution (the kernel leaves hotplugged memory offline,
# and the balloon fills it only once it is online).  The new target comes
# through a xenstore watch, the step's word through the console: first
# the target must have moved from $target_before.
balloon_settle() {
	i=0
	while [ $i -lt 30 ] &&
	      [ "$(cat "$xen_memory"/target_kb 2>/dev/null)" = "$target_before" ]; do
		sleep 1
		i=$((i + 1))
	done
	i=0
	while [ $i -lt 120 ]; do
		for b in /sys/devices/system/memory/memory[0-9]*/state; do
			[ ! -e "$b" ] || [ "$(cat "$b")" != offline ] || echo online > "$b"
		done
		[ "$(cat "$xen_memory"/target_kb 2>/dev/null)" != \
		  "$(cat "$xen_memory"/info/current_kb 2>/dev/null)" ] || return 0
		sleep 1
		i=$((i + 1))
	done
}

# balloon_state: one line the judge reads (judge-lifecycle.sh): the
# balloon against its target, and the memory blocks the kernel did not
# boot with, with their state.
balloon_state() {
	new=
	for b in $(memory_blocks); do
		case "$boot_blocks" in
		*" $b "*) ;;
		*) new="$new $b:$(cat "/sys/devices/system/memory/$b/state")" ;;
		esac
	done
	echo "XMA-LIFECYCLE: balloon: current $(cat "$xen_memory"/info/current_kb 2>/dev/null) kB, target $(cat "$xen_memory"/target_kb 2>/dev/null) kB; MemTotal $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) kB; hotplugged blocks:${new:- none}"
}

# A distribution kernel has the toolstack's drivers (xenfs, privcmd, ...)
# as modules: loaded once, before the first thing that needs them.
kmods_loaded=0
load_kmods() {
	[ "$kmods_loaded" = 0 ] && [ -f /kmods/order ] || return 0
	kmods_loaded=1
	while read -r m; do
		insmod "/kmods/$m.ko" ||
			echo "XMA-INIT: insmod /kmods/$m.ko failed"
	done < /kmods/order
}

# dom0's own cross-check, when it hosts a domU (so it has the toolstack's
# libxenctrl): xen-own-types runs the audit with its listing and the p2m
# (verbose=3) and asks Xen
# about each of dom0's frames, before any daemon of the toolstack runs.
dom0_cross_check() {
	[ -x /usr/sbin/xen-own-types ] || return 0
	ctl=/sys/kernel/debug/xen_mmu_audit_control
	load_kmods
	mkdir -p /proc/xen
	grep -q xenfs /proc/mounts || mount -t xenfs xenfs /proc/xen
	if ! grep -q control_d /proc/xen/capabilities 2>/dev/null; then
		echo "XMA-XCHECK: dom0: no xenfs, or not dom0: no cross-check"
		return 1
	fi
	[ -e "$ctl" ] || load_module || return 1
	echo verbose=3 > "$ctl" || return 1
	cat /sys/kernel/debug/xen_mmu_audit > /dev/null
	quietly /usr/sbin/xen-own-types /sys/kernel/debug/xen_mmu_audit
	echo verbose=0 > "$ctl"
}

# One check of the lockdown mode: "ok" if the shell command $2 succeeds.
lockdown_check() {
	if sh -c "$2" >/dev/null 2>&1; then
		echo "XMA-LOCKDOWN: ok - $1"
	else
		echo "XMA-LOCKDOWN: not ok - $1"
	fi
}

# Lockdown is raised after the module loaded (a locked-down kernel loads
# no unsigned module) and cannot be lowered: this mode ends the boot.  A
# kernel debugfs file with write bits must be refused: the negative
# control that lockdown is really on.
check_lockdown() {
	lk=/sys/kernel/security/lockdown
	report=/sys/kernel/debug/xen_mmu_audit
	control=/sys/kernel/debug/xen_mmu_audit_control
	params=/sys/module/xen_mmu_audit/parameters
	other=$(find /sys/kernel/debug -maxdepth 1 -type f -perm -600 \
		! -name 'xen_mmu_audit*' | head -n 1)
	mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
	lockdown_check "control file takes a command before lockdown" \
		"echo limit=5 > $control && grep -q '^limit: 5\$' $report"
	lockdown_check "a debugfs file with write bits readable before lockdown" \
		"[ -n '$other' ] && cat '$other'"
	if ! echo integrity > "$lk"; then
		echo "XMA-LOCKDOWN: not ok - cannot raise lockdown ($lk)"
		return 1
	fi
	echo "XMA-LOCKDOWN: state: $(cat "$lk")"
	lockdown_check "report readable under lockdown" \
		"grep -q '^audited: yes\$' $report"
	lockdown_check "limit set through its parameter under lockdown" \
		"echo 7 > $params/limit && grep -q '^limit: 7\$' $report"
	lockdown_check "verbose set through its parameter under lockdown" \
		"echo 1 > $params/verbose && grep -q '^verbose: 1\$' $report"
	lockdown_check "control file refused under lockdown" \
		"! echo limit=3 > $control"
	lockdown_check "$other refused under lockdown (lockdown is on)" \
		"! cat '$other'"
	lockdown_check "settings unchanged by the refused command" \
		"grep -q '^limit: 7\$' $report"
	echo "XMA-LOCKDOWN: done"
}

case "$mode" in
test)
	load_module && print_audit && run_kselftest
	[ "$xcheck" = 0 ] || cross_check
	[ -z "$domu" ] || dom0_cross_check
	;;
plant)
	if [ "$plant" = 1 ]; then
		load_module plant=1 forget=pgd_list && run_kselftest
	else
		load_module "plant=$plant" && run_kselftest
	fi
	;;
lockdown)
	load_module && check_lockdown
	;;
audit)
	load_module && print_audit
	[ "$xcheck" = 0 ] || cross_check
	[ -z "$domu" ] || dom0_cross_check
	;;
panic)
	echo "XMA-INIT: exiting init on purpose"
	exit 1
	;;
boot)
	;;
heavy)
	# Any WARN from here on ends the run at once, in dom0 as in a domU
	# (verdict.sh fails on one printed while booting, too).
	if ! echo 1 > /proc/sys/kernel/panic_on_warn; then
		echo "XMA-INIT: cannot set panic_on_warn, no heavy run"
	elif load_module; then
		print_audit
		export XMA_MODULE=/xen_mmu_audit.ko
		calmly section TAP "" with_exit KSFT /selftests/xen_mmu_audit_stress
		if [ -e /sys/kernel/debug/kmemleak ]; then
			echo scan > /sys/kernel/debug/kmemleak
			echo scan > /sys/kernel/debug/kmemleak
			echo "XMA-KMEMLEAK-BEGIN"
			cat /sys/kernel/debug/kmemleak
			echo "XMA-KMEMLEAK-END"
		fi
	fi
	;;
bench)
	if load_module && print_audit; then
		calmly section BENCH "" with_exit BENCH /selftests/xen_mmu_audit_bench "$@"
	fi
	;;
storm)
	calmly section STORM "" with_exit STORM /selftests/xen_mmu_audit_storm "$storm_seconds"
	;;
lifecycle)
	if load_module && print_audit; then
		n=0
		boot_blocks=" $(memory_blocks | tr '\n' ' ')"
		while :; do
			target_before=$(cat "$xen_memory"/target_kb 2>/dev/null)
			echo "XMA-LIFECYCLE: ready"
			step=
			# shellcheck disable=SC3045 # busybox sh has read -t
			read -r -t 900 step
			case "$step" in
			"")
				echo "XMA-LIFECYCLE: no word from dom0 in 900 s"
				break
				;;
			done | failed)
				echo "XMA-LIFECYCLE: $step"
				break
				;;
			esac
			n=$((n + 1))
			# vcpu-set takes effect through a xenstore watch: a moment.
			# A vCPU given back is only made present; user space
			# (udev, on a distribution) brings it online.
			case "$step" in
			vcpus-*)
				sleep 2
				for f in /sys/devices/system/cpu/cpu[0-9]*/online; do
					[ ! -e "$f" ] || [ "$(cat "$f")" = 1 ] || echo 1 > "$f"
				done
				;;
			mem-*)
				balloon_settle
				;;
			esac
			echo "XMA-LIFECYCLE: after $step: CPUs online $(cat /sys/devices/system/cpu/online)"
			case "$step" in
			mem-*) balloon_state ;;
			esac
			quietly section STEP-AUDIT "$n $step" cat /sys/kernel/debug/xen_mmu_audit
		done
		run_kselftest
	fi
	;;
hang)
	echo "XMA-INIT: hanging on purpose"
	while :; do sleep 3600; done
	;;
*)
	echo "XMA-INIT: unknown xma.mode=$mode"
	;;
esac
if [ -n "$domu" ]; then
	# A distribution kernel has the toolstack's drivers as modules.
	load_kmods
	if [ -x /domu/run-domu.sh ]; then
		# It relays the domU's console, audits and listings too.
		calmly /domu/run-domu.sh "$domu" "$domu_timeout" "$domu_mem" "$domu_vcpus" \
			"$domu_xcheck" "$domu_pin"
	else
		echo "XMA-DOMU: result: no /domu/run-domu.sh in this initramfs"
	fi
fi
print_kernel_log
echo "XMA-INIT: done, powering off"
poweroff -f
