#!/usr/bin/env python3
"""The bench command's table: min/median/max and ratios from the samples
that scripts/bench.sh collected, the hypercall counts of
count-hypercalls.sh and the test command's recorded wall times.  Prints
the table, writes it as CSV, and writes the data the plot needs.

Ratios pair samples taken side by side: audit/ptdump pairs the audit and
the ptdump read of the same round of the same boot; pN/p0 pairs round r of
the k-th pristine boot with round r of the k-th patched boot, booted one
after the other.
"""
import argparse
import csv
import os
import statistics
import sys
from collections import defaultdict


def load_samples(path):
    """{(kernel, boot, n, round): {metric: value}}"""
    rows = defaultdict(dict)
    with open(path, newline='') as f:
        for r in csv.DictReader(f):
            key = (r['kernel'], int(r['boot']), r['n'], int(r['round']))
            rows[key][r['metric']] = float(r['value'])
    if not rows:
        sys.exit(f'bench-report.py: no samples in {path}')
    return rows


def stats(values):
    return min(values), statistics.median(values), max(values)


def verdict(lo, hi, goal):
    """yes if every sample meets the goal, no if none does, else mixed."""
    if hi <= goal:
        return 'yes'
    if lo > goal:
        return 'no'
    return 'mixed'


class Table:
    def __init__(self):
        self.rows = []

    def add(self, measure, n, kernel, unit, values, goal=None, note=''):
        lo, med, hi = stats(values)
        self.rows.append({
            'measure': measure, 'n': n, 'kernel': kernel, 'unit': unit,
            'samples': len(values), 'min': lo, 'median': med, 'max': hi,
            'goal': f'<= {goal:g}' if goal is not None else '',
            'met': verdict(lo, hi, goal) if goal is not None else '',
            'note': note})

    def add_value(self, measure, n, kernel, unit, value, samples, note=''):
        self.rows.append({
            'measure': measure, 'n': n, 'kernel': kernel, 'unit': unit,
            'samples': samples, 'min': None, 'median': value, 'max': None,
            'goal': '', 'met': '', 'note': note})


def fmt(v, unit):
    if v is None:
        return '-'
    if unit == 'x':
        return f'{v:.3f}'
    if unit == 'r^2':
        return f'{v:.4f}'
    if float(v).is_integer():
        return f'{v:.0f}'
    if abs(v) >= 100:
        return f'{v:.0f}'
    if abs(v) >= 10:
        return f'{v:.1f}'
    return f'{v:.2f}'


def fit(points):
    """Least squares y = a + b x: a, b, r^2."""
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0:
        return None
    b = sxy / sxx
    a = my - b * mx
    r2 = sxy * sxy / (sxx * syy) if syy else 1.0
    return a, b, r2


def audit_rows(t, s, plot):
    kernels = ('p0', 'pN')
    steps = sorted({k[2] for k in s if k[2] != ''}, key=int)
    perpage = {}
    for n in steps:
        for kern in kernels:
            keys = [k for k in s if k[0] == kern and k[2] == n]
            if not keys:
                continue
            audit = [s[k]['audit_pass_ns'] / s[k]['audit_visited'] for k in keys]
            ptdump = [s[k]['ptdump_read_ns'] / s[k]['audit_kernel_tables']
                      for k in keys]
            ratio = [a / p for a, p in zip(audit, ptdump)]
            visited = [s[k]['audit_visited'] for k in keys]
            ktables = [s[k]['audit_kernel_tables'] for k in keys]
            passes = max(s[k]['audit_passes'] for k in keys)
            note = f'up to {passes:.0f} passes (findings)' if passes > 1 else ''
            t.add('audit: pagetable pages visited', n, kern, 'pages', visited)
            t.add('  of them the kernel tree (init_mm)', n, kern, 'pages', ktables)
            t.add('audit: one pass, per page visited', n, kern, 'ns', audit,
                  note=note)
            t.add('ptdump: one read, per kernel-tree page', n, kern, 'ns', ptdump)
            t.add('audit / ptdump, per page', n, kern, 'x', ratio, goal=1.0)
            perpage[(n, kern)] = (stats(audit), stats(ptdump))
    fits = {}
    for kern in kernels:
        pts = [(s[k]['audit_visited'], s[k]['audit_pass_ns'])
               for k in s if k[0] == kern and 'audit_pass_ns' in s[k]]
        res = fit(pts) if len(pts) > 2 else None
        if not res:
            continue
        a, b, r2 = res
        fits[kern] = (a, b)
        t.add_value('audit fit pass_ns = a + b*pages: b', 'all', kern,
                    'ns/page', b, len(pts))
        t.add_value('  a (fixed cost)', 'all', kern, 'us', a / 1000, len(pts))
        t.add_value('  r^2', 'all', kern, 'r^2', r2, len(pts))
        with open(f'{plot}-points-{kern}.dat', 'w') as f:
            for x, y in pts:
                f.write(f'{x:.0f} {y / 1e6:.3f}\n')
    with open(f'{plot}-fit.gp', 'w') as f:
        for kern in kernels:
            a, b = fits.get(kern, (0, 0))
            f.write(f'a_{kern} = {a / 1e6:.6f}\nb_{kern} = {b / 1e6:.9f}\n')
    with open(f'{plot}-perpage.dat', 'w') as f:
        f.write('# N, then median min max of: audit p0, audit pN, '
                'ptdump p0, ptdump pN (ns per page)\n')
        for n in steps:
            cols = [n]
            for what in (0, 1):
                for kern in kernels:
                    lo, med, hi = perpage.get((n, kern), ((0, 0, 0),) * 2)[what]
                    cols += [f'{med:.1f}', f'{lo:.1f}', f'{hi:.1f}']
            f.write(' '.join(cols) + '\n')


def paired_ratio(s, metric):
    """pN/p0 of @metric, round r of boot k against round r of boot k."""
    out = []
    for k in s:
        if k[0] != 'pN' or metric not in s[k]:
            continue
        base = s.get(('p0',) + k[1:], {}).get(metric)
        if base:
            out.append(s[k][metric] / base)
    return out


def loop_rows(t, s, ratios):
    for metric, name in (('fork_ns_per_iter', 'fork+exit+wait'),
                         ('mmap_ns_per_iter', 'mmap/touch/munmap')):
        for kern in ('p0', 'pN'):
            vals = [v[metric] / 1000 for k, v in s.items()
                    if k[0] == kern and metric in v]
            if vals:
                t.add(f'{name}, per iteration', '-', kern, 'us', vals)
        r = paired_ratio(s, metric)
        if r:
            t.add(f'{name}, pN/p0', '-', 'pN/p0', 'x', r,
                  goal=1.01)
            ratios.append((name, stats(r)))


def hypercall_rows(t, path, ratios):
    if not path or not os.path.exists(path):
        t.add_value('boot pagetable hypercalls: not counted', '-', '-', '',
                    None, 0, 'run scripts/count-hypercalls.sh')
        return
    by = defaultdict(lambda: defaultdict(list))
    with open(path, newline='') as f:
        for r in csv.DictReader(f):
            kern = 'p0' if r['patches'] == '0' else 'pN'
            for col in ('hypercalls', 'mmu_update_calls', 'mmu_update',
                        'mmuext_op_calls', 'mmuext_op',
                        'update_va_mapping', 'trapped_writes'):
                if r.get(col):
                    by[kern][col].append(float(r[col]))
    names = {'hypercalls': 'boot to init: pt hypercalls',
             'mmu_update_calls': '  mmu_update calls',
             'mmu_update': '  mmu_update requests',
             'mmuext_op_calls': '  mmuext_op calls',
             'mmuext_op': '  mmuext_op operations',
             'update_va_mapping': '  update_va_mapping calls',
             'trapped_writes': 'boot to init: trapped pte writes'}
    for col, name in names.items():
        for kern in ('p0', 'pN'):
            if by[kern][col]:
                t.add(name, '-', kern, 'calls', by[kern][col])
        if by['p0'][col] and by['pN'][col]:
            # Boot counts barely vary: the ratio of the medians.
            r = (statistics.median(by['pN'][col]) /
                 statistics.median(by['p0'][col]))
            t.add(name + ', pN/p0', '-', 'pN/p0', 'x', [r],
                  goal=1.0, note='ratio of the medians')
            if col == 'hypercalls':
                ratios.append(('boot hypercalls', (r, r, r)))
            if col == 'trapped_writes':
                ratios.append(('boot trapped writes', (r, r, r)))


def wall_rows(t, path):
    latest = {}
    if path and os.path.exists(path):
        with open(path, newline='') as f:
            for r in csv.DictReader(f):
                latest[r['cache']] = r
    for cache in ('cold', 'warm'):
        r = latest.get(cache)
        if not r:
            t.add_value(f'test command wall time, {cache}', '-', '-', 's',
                        None, 0, 'not recorded yet (scripts/run-tests.sh)')
            continue
        wall, wait = float(r['wall_s']), float(r['lock_wait_s'])
        t.add_value(f'test command wall time, {cache}', '-', '-', 's', wall, 1,
                    f"{r['date']} UTC; {r['passed']} passed, {r['failed']} "
                    f"failed; {wait:.0f} s of it waiting for the lock")


def print_table(t, title):
    print(f'bench: {title}')
    head = ('measure', 'N', 'kernel', 'unit', 'n', 'min', 'median', 'max',
            'goal', 'met')
    lines = [head]
    for r in t.rows:
        lines.append((r['measure'], str(r['n']), r['kernel'], r['unit'],
                      str(r['samples']), fmt(r['min'], r['unit']),
                      fmt(r['median'], r['unit']), fmt(r['max'], r['unit']),
                      r['goal'], r['met'] + ('  ' + r['note'] if r['note'] else '')))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head) - 1)]
    right = {1, 4, 5, 6, 7}
    for line in lines:
        cells = [c.rjust(w) if i in right else c.ljust(w)
                 for i, (c, w) in enumerate(zip(line, widths))]
        print('  '.join(cells + [line[-1]]).rstrip())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--samples', required=True)
    ap.add_argument('--hypercalls')
    ap.add_argument('--test-times')
    ap.add_argument('--csv', required=True)
    ap.add_argument('--plot-data', required=True)
    ap.add_argument('--title', default='')
    args = ap.parse_args()

    s = load_samples(args.samples)
    t = Table()
    ratios = []
    audit_rows(t, s, args.plot_data)
    loop_rows(t, s, ratios)
    hypercall_rows(t, args.hypercalls, ratios)
    wall_rows(t, args.test_times)
    print_table(t, args.title)

    with open(args.csv, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=list(t.rows[0]))
        w.writeheader()
        for r in t.rows:
            w.writerow({k: ('' if v is None else
                            (f'{v:.6g}' if isinstance(v, float) else v))
                        for k, v in r.items()})
    with open(f'{args.plot_data}-ratios.dat', 'w') as f:
        for i, (name, (lo, med, hi)) in enumerate(ratios):
            f.write(f'{i} "{name}" {med:.4f} {lo:.4f} {hi:.4f}\n')


if __name__ == '__main__':
    main()
