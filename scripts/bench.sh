#!/bin/bash
# The bench command: what the series and the audit cost, the unpatched
# (p0) and the patched (pN: the whole series) kernel measured side by side
# in one run, under the same Xen.
#
#   scripts/bench.sh          (KERNEL_SRC=<tree> for another tree)
#
# 1. the audit's cost per pagetable page visited, with N processes alive,
#    against reading the kernel's pagetable dump (ptdump) per page of the
#    kernel tree, in the same boot (selftests/xen_mmu_audit_bench)
# 2. pagetable hypercalls from kernel entry to init (count-hypercalls.sh)
# 3. fork+exit+wait and mmap/touch/munmap loops in the guest
# 4. the test command's latest cold and warm wall times, as run-tests.sh
#    recorded them
#
# Both kernels get Kconfig.bench.fragment (ptdump) and boot
# $XMA_BENCH_BOOTS times each (default 3) under each of two clocks: icount
# (QEMU counts the guest's instructions, one per ns: host noise cannot
# reach it) and wall (the host's time), in turns: p0 pN, then pN p0...
# The guest's bench: XMA_BENCH_N (processes alive, default 0:100:1000),
# XMA_BENCH_ROUNDS (5), XMA_BENCH_FORKS (200), XMA_BENCH_MMAPS (1000).
# Prints a table with min/median/max and ratios; writes bench.csv (the
# table), bench-samples.csv (every sample) and bench.png under
# results/<tree>/ in the cache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

boots=${XMA_BENCH_BOOTS:-3}
steps=${XMA_BENCH_N:-0:100:1000}
rounds=${XMA_BENCH_ROUNDS:-5}
forks=${XMA_BENCH_FORKS:-200}
mmaps=${XMA_BENCH_MMAPS:-1000}
for v in boots rounds forks mmaps; do
	need_count "${!v}" "XMA_BENCH_${v^^}"
done
if ! [[ "$steps" =~ ^[0-9]{1,5}(:[0-9]{1,5})*$ ]] ||
   [ "$(tr : '\n' <<< "$steps" | sort -n | paste -sd:)" != "$steps" ]; then
	die "XMA_BENCH_N must be growing counts below 100000 like 0:100:1000, not '$steps'"
fi

"$here/install-deps.sh" gnuplot-nox
start=$(date +%s)
tree=$("$here/kernel-tree.sh")
name=$(basename "$tree")
out=$XMA_CACHE/out/$name
logs=$XMA_CACHE/logs/$name
results=$XMA_CACHE/results/$name
mkdir -p "$logs" "$results"

echo "== build: $name, pristine and patched, with Kconfig.bench.fragment"
for k in 0 all; do
	XMA_EXTRA_FRAGMENT="$XMA_TOP/Kconfig.bench.fragment" \
		"$here/build-guest.sh" "$tree" "$k" "$out/bench-$k"
done

# The guest's "bench-<what>: key=value ..." lines as CSV rows: KERNEL,CLOCK,
# BOOT,n,round,<what>_<key>,value; the loops' totals become per iteration.
to_samples() {
	awk -v kernel="$1" -v clock="$2" -v boot="$3" -F'[ =]' '
	/^bench-(audit|ptdump|fork|mmap): / {
		what = substr($1, 7, length($1) - 7)
		delete v
		for (i = 2; i < NF; i += 2)
			v[$i] = $(i + 1)
		if ("iters" in v) {
			v["ns_per_iter"] = sprintf("%.0f", v["ns"] / v["iters"])
			delete v["ns"]
			delete v["iters"]
		}
		for (key in v)
			if (key != "n" && key != "round")
				printf "%s,%s,%s,%s,%s,%s_%s,%s\n", kernel, clock,
					boot, v["n"], v["round"], what, key, v[key]
	}'
}

echo "== audit, ptdump, fork and mmap: $boots boots of each kernel under each clock"
samples=$results/bench-samples.csv
echo "kernel,clock,boot,n,round,metric,value" > "$samples.tmp"
args="xma.mode=bench xma.bench_n=$steps xma.bench_rounds=$rounds"
args+=" xma.bench_forks=$forks xma.bench_mmaps=$mmaps"
for b in $(seq "$boots"); do
	# p0 pN, then pN p0: a drift of the host hits both kernels alike.
	order=(0 all)
	[ $((b % 2)) = 1 ] || order=(all 0)
	# icount: the guest's clock counts instructions (1 ns each), so host
	# noise cannot reach the numbers; wall: the host's time, noise and all.
	for clock in icount wall; do
		clock_args=()
		[ "$clock" = wall ] || clock_args=(--icount 0)
		for k in "${order[@]}"; do
			kernel=p0
			[ "$k" = 0 ] || kernel=pN
			logf=$logs/bench-$clock-$k-$b.log
			"$here/boot-xen.sh" --timeout 1800 "${clock_args[@]}" \
				--kernel-args "$args" "$out/bench-$k/bzImage" \
				"$out/bench-$k/initramfs.cpio.gz" "$logf"
			# A crash or a timeout makes the numbers worthless.
			"$here/verdict.sh" --audit-only "$logf" >/dev/null ||
				die "boot $b of $kernel ($clock) failed: see $logf"
			tr -d '\r' < "$logf" |
				awk '/^XMA-BENCH-END/ { on = 0 } on { print } /^XMA-BENCH-BEGIN/ { on = 1 }' \
				> "$logf.bench"
			if ! grep -qx 'XMA-BENCH-EXIT: 0' "$logf.bench" ||
			   ! grep -qx 'bench-done' "$logf.bench"; then
				grep '^bench-error' "$logf.bench" >&2 || true
				die "the guest's bench failed in boot $b of $kernel ($clock): see $logf"
			fi
			to_samples "$kernel" "$clock" "$b" < "$logf.bench" >> "$samples.tmp"
		done
	done
done
mv "$samples.tmp" "$samples"

echo "== pagetable hypercalls from kernel entry to init"
"$here/count-hypercalls.sh" 0 all

echo "== table"
python3 "$here/bench-report.py" --samples "$samples" \
	--hypercalls "$results/hypercalls.csv" \
	--test-times "$XMA_CACHE/results/test-times.csv" \
	--csv "$results/bench.csv" --plot-data "$results/bench-plot" \
	--title "$name, $(date -u '+%Y-%m-%d %H:%M UTC'), $boots boots of each kernel"
gnuplot -e "data='$results/bench-plot'" -e "out='$results/bench.png'" \
	"$XMA_TOP/scripts/bench-plot.gp"
echo "csv: $results/bench.csv, samples: $samples, plot: $results/bench.png"
echo "bench command: $(($(date +%s) - start)) s"
