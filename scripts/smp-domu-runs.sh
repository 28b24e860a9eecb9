#!/bin/bash
# How reliable is a PV domU of 2 vCPUs running the kselftest (and its
# storm)?  Boots GUEST_DIR as dom0 (audit) with it as a 2-vCPU PV domU
# (test), N times for each variant, and counts the domU's verdicts: for
# the README's "SMP domU" figures.  Variants:
#   pinned   each domU vCPU on a physical CPU of its own (the default)
#   float    --domu-float: the domU's vCPUs float over dom0's two CPUs
#   float-single    float, QEMU's TCG on one host thread (thread=single)
#   float-nofsgsbase  float, QEMU's CPU without FSGSBASE (max,-fsgsbase)
#   float-nosvm  float, QEMU's CPU without SVM (max,-svm: Xen then loads a
#                PV vCPU's segment bases without VMLOAD, svm_load_segs)
#   float-eagerfpu  float, Xen switching FPU state eagerly
#                (spec-ctrl=eager-fpu), not lazily through CR0.TS and #NM
#   float-noavx  float, QEMU's CPU without AVX (max,-avx,-avx2,...: user
#                space's string functions then use SSE2)
#
#   smp-domu-runs.sh N GUEST_DIR [VARIANT...]   (default: every variant)
#
# Prints per run its verdict and, for a failure, the first user-space
# fault or crash line; then one line per variant "VARIANT: P of N passed".
# Logs under $XMA_CACHE/logs/smp/.  The runs are the result, not a
# verdict: exits 0 when all ran.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

[ $# -ge 2 ] || die "usage: smp-domu-runs.sh N GUEST_DIR [VARIANT...]"
runs=$1 guest=$2
shift 2
need_count "$runs" "N (runs)"
need_file "$guest/bzImage" "build it with build-guest.sh"
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(pinned float float-single float-nofsgsbase float-nosvm
	float-eagerfpu float-noavx)
dir=$XMA_CACHE/logs/smp
mkdir -p "$dir"
declare -A passed
for v in "${variants[@]}"; do
	case "$v" in
	pinned|float|float-single|float-nofsgsbase|float-nosvm|float-eagerfpu|float-noavx)
		passed[$v]=0 ;;
	*) die "unknown variant '$v'" ;;
	esac
done
# Interleaved, so that whatever drifts on the host drifts for all alike.
for i in $(seq 1 "$runs"); do
	for v in "${variants[@]}"; do
		opts=() envs=()
		case "$v" in
		float*) opts=(--domu-float) ;;
		esac
		case "$v" in
		float-single) envs=("XMA_QEMU_ACCEL=tcg,thread=single") ;;
		float-nofsgsbase) envs=("XMA_QEMU_CPU=max,-fsgsbase") ;;
		float-nosvm) envs=("XMA_QEMU_CPU=max,-svm") ;;
		float-eagerfpu) envs=("XMA_XEN_ARGS=spec-ctrl=eager-fpu") ;;
		float-noavx) envs=("XMA_QEMU_CPU=max,-avx,-avx2,-fma,-f16c,-avx-vnni") ;;
		esac
		logf=$dir/$v-$i.log
		rm -f "$logf" "${logf%.log}".dom0.log "${logf%.log}".domu.log
		t0=$(date +%s)
		env "${envs[@]}" "$here/boot-guests.sh" --dom0 audit --domu test --domu-vcpus 2 \
			"${opts[@]}" --domu-timeout 600 --timeout 1500 "$guest" "$logf" >/dev/null 2>&1 || true
		if "$here/verdict.sh" "${logf%.log}.domu.log" >/dev/null 2>&1; then
			passed[$v]=$((passed[$v] + 1))
			echo "$v run $i: PASS ($(($(date +%s) - t0)) s)"
		else
			echo "$v run $i: FAIL ($(($(date +%s) - t0)) s): $(tr -d '\r' < "${logf%.log}.domu.log" |
				grep -a -m1 -E 'segfault|general protection|corrupted|Oops|BUG:|^not ok|XMA-DOMU: result: ' || echo '?')"
		fi
	done
done
for v in "${variants[@]}"; do
	echo "$v: ${passed[$v]} of $runs passed"
done
