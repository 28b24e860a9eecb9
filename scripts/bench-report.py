#!/usr/bin/env python3
"""The bench command's table: min/median/max and ratios from the samples
that scripts/bench.sh collected, the hypercall counts of
count-hypercalls.sh and the test command's recorded wall times.  Prints
the table, writes it as CSV, and writes the data the plot needs.

Each row has the unpatched kernel's (p0) and the patched kernel's (pN)
min/median/max, and a ratio's.  Ratios pair samples taken side by side:
pN/p0 pairs round r of the k-th boot of p0 with round r of the k-th boot
of pN, booted one after the other under the same clock; audit/ptdump
pairs the two reads of one round.  "met" is yes if every sample the goal
is about meets it, no if none does, mixed otherwise.
"""
import argparse
import csv
import os
import statistics
import sys
from collections import defaultdict

KERNELS = ('p0', 'pN')


def load_samples(path):
    """{(clock, kernel, boot, n, round): {metric: value}}"""
    rows = defaultdict(dict)
    with open(path, newline='') as f:
        for r in csv.DictReader(f):
            key = (r['clock'], r['kernel'], int(r['boot']), r['n'],
                   int(r['round']))
            rows[key][r['metric']] = float(r['value'])
    if not rows:
        sys.exit(f'bench-report.py: no samples in {path}')
    return rows


def stats(values):
    if not values:
        return None
    return min(values), statistics.median(values), max(values), len(values)


def verdict(values, goal):
    if max(values) <= goal:
        return 'yes'
    if min(values) > goal:
        return 'no'
    return 'mixed'


class Table:
    """Rows of: p0, pN and ratio statistics, a goal on some of them."""

    def __init__(self):
        self.rows = []

    def add(self, measure, n, clock, unit, p0=None, pN=None, ratio=None,
            goal=None, goal_on=(), note=''):
        """goal_on: which of 'p0', 'pN', 'ratio' the goal is about."""
        vals = {'p0': p0 or [], 'pN': pN or [], 'ratio': ratio or []}
        met = ''
        if goal is not None:
            judged = [v for k in goal_on for v in vals[k]]
            met = verdict(judged, goal) if judged else ''
        self.rows.append({
            'measure': measure, 'n': n, 'clock': clock, 'unit': unit,
            'p0': stats(vals['p0']), 'pN': stats(vals['pN']),
            'ratio': stats(vals['ratio']),
            'goal': f"{'/'.join(goal_on)} <= {goal:g}" if goal else '',
            'met': met, 'note': note})


def fmt(v, unit):
    if v is None:
        return '-'
    if unit == 'x':
        return f'{v:.3f}'
    if unit == 'r^2':
        return f'{v:.4f}'
    if float(v).is_integer() or abs(v) >= 100:
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
    return my - b * mx, b, (sxy * sxy / (sxx * syy) if syy else 1.0)


def per_kernel(s, clock, n, fn):
    """fn(sample) for every round of every boot, per kernel."""
    out = {}
    for kern in KERNELS:
        out[kern] = [fn(v) for k, v in sorted(s.items())
                     if k[0] == clock and k[1] == kern and k[3] == n and
                     'audit_pass_ns' in v]
    return out


def paired(s, clock, metric):
    """pN/p0 of @metric, round by round of the k-th boots."""
    out = []
    for k, v in sorted(s.items()):
        if k[0] != clock or k[1] != 'pN' or metric not in v:
            continue
        base = s.get((clock, 'p0') + k[2:], {}).get(metric)
        if base:
            out.append(v[metric] / base)
    return out


def audit_rows(t, s, clock, plot):
    unit = 'ns' if clock == 'wall' else 'insns'
    steps = sorted({k[3] for k in s if k[0] == clock and k[3] != ''},
                   key=int)
    perpage = {}
    for n in steps:
        visited = per_kernel(s, clock, n, lambda v: v['audit_visited'])
        ktables = per_kernel(s, clock, n, lambda v: v['audit_kernel_tables'])
        audit = per_kernel(s, clock, n,
                           lambda v: v['audit_pass_ns'] / v['audit_visited'])
        ptdump = per_kernel(s, clock, n, lambda v: v['ptdump_read_ns'] /
                            v['audit_kernel_tables'])
        ratio = {k: [a / p for a, p in zip(audit[k], ptdump[k])]
                 for k in KERNELS}
        passes = max(per_kernel(s, clock, n,
                                lambda v: v['audit_passes'])['p0'] or [1])
        t.add('audit: pagetable pages visited', n, clock, 'pages',
              visited['p0'], visited['pN'])
        t.add('  of them the kernel tree', n, clock, 'pages',
              ktables['p0'], ktables['pN'])
        t.add('audit: one pass, per page visited', n, clock, unit,
              audit['p0'], audit['pN'],
              [b / a for a, b in zip(audit['p0'], audit['pN'])],
              note=f'p0 has findings: audit_ns is {passes:.0f} passes'
              if passes > 1 else '')
        t.add('ptdump: one read, per kernel-tree page', n, clock, unit,
              ptdump['p0'], ptdump['pN'])
        t.add('audit / ptdump, per page', n, clock, 'x', ratio['p0'],
              ratio['pN'], goal=1.0, goal_on=('p0', 'pN'))
        perpage[n] = (audit, ptdump)

    fits = {}
    for kern in KERNELS:
        pts = [(v['audit_visited'], v['audit_pass_ns'])
               for k, v in s.items()
               if k[0] == clock and k[1] == kern and 'audit_pass_ns' in v]
        res = fit(pts) if len(pts) > 2 else None
        fits[kern] = res or (0, 0, 0)
        with open(f'{plot}-{clock}-points-{kern}.dat', 'w') as f:
            for x, y in pts:
                f.write(f'{x:.0f} {y / 1e6:.3f}\n')
    if all(fits[k][1] for k in KERNELS):
        t.add('audit fit pass = a + b*pages: b', 'all', clock,
              f'{unit}/page', [fits['p0'][1]], [fits['pN'][1]])
        t.add('  a (fixed cost)', 'all', clock,
              'ms' if clock == 'wall' else 'M insns',
              [fits['p0'][0] / 1e6], [fits['pN'][0] / 1e6])
        t.add('  r^2', 'all', clock, 'r^2', [fits['p0'][2]], [fits['pN'][2]])
    with open(f'{plot}-{clock}-fit.gp', 'w') as f:
        for kern in KERNELS:
            a, b, _ = fits[kern]
            f.write(f'a_{kern} = {a / 1e6:.6f}\nb_{kern} = {b / 1e6:.9f}\n')
    with open(f'{plot}-{clock}-perpage.dat', 'w') as f:
        f.write('# N, then median min max of: audit p0, audit pN, '
                'ptdump p0, ptdump pN (per page)\n')
        for n in steps:
            cols = [n]
            for what in perpage[n]:
                for kern in KERNELS:
                    lo, med, hi, _ = stats(what[kern]) or (0, 0, 0, 0)
                    cols += [f'{med:.1f}', f'{lo:.1f}', f'{hi:.1f}']
            f.write(' '.join(cols) + '\n')


def loop_rows(t, s, clock, ratios):
    unit = 'us' if clock == 'wall' else 'k insns'
    for metric, name in (('fork_ns_per_iter', 'fork+exit+wait'),
                         ('mmap_ns_per_iter', 'mmap/touch/munmap')):
        vals = {kern: [v[metric] / 1000 for k, v in sorted(s.items())
                       if k[0] == clock and k[1] == kern and metric in v]
                for kern in KERNELS}
        r = paired(s, clock, metric)
        if not r:
            continue
        t.add(f'{name}, per iteration', '-', clock, unit, vals['p0'],
              vals['pN'], r, goal=1.01, goal_on=('ratio',))
        ratios.append((f'{name} ({clock})', stats(r)))


def hypercall_rows(t, path, ratios):
    if not path or not os.path.exists(path):
        t.add('boot: not counted (run count-hypercalls.sh)', '-', '-', '')
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
    names = {'hypercalls': 'boot to init: pagetable hypercalls',
             'mmu_update_calls': '  mmu_update calls',
             'mmu_update': '  mmu_update requests',
             'mmuext_op_calls': '  mmuext_op calls',
             'mmuext_op': '  mmuext_op operations',
             'update_va_mapping': '  update_va_mapping calls',
             'trapped_writes': 'boot to init: trapped pte writes'}
    for col, name in names.items():
        p0, pN = by['p0'][col], by['pN'][col]
        if not p0 or not pN:
            continue
        # Counts barely vary from boot to boot: the ratio of the medians.
        r = statistics.median(pN) / statistics.median(p0)
        t.add(name, '-', 'count', 'calls', p0, pN, [r], goal=1.0,
              goal_on=('ratio',), note='ratio of the medians')
        if col in ('hypercalls', 'trapped_writes'):
            ratios.append((name.split(': ')[1], stats([r])))


def wall_rows(t, path):
    latest = {}
    if path and os.path.exists(path):
        with open(path, newline='') as f:
            for r in csv.DictReader(f):
                latest[r['cache']] = r
    for cache in ('cold', 'warm'):
        r = latest.get(cache)
        if not r:
            t.add(f'test command, {cache}: not recorded yet', '-', 'wall',
                  's')
            continue
        t.add(f'test command, {cache}', '-', 'wall', 's',
              note=f"{float(r['wall_s']):.0f} s on {r['date']} UTC "
              f"({r['passed']} passed, {r['failed']} failed), "
              f"{float(r['lock_wait_s']):.0f} s of it waiting for the lock")


def print_table(t, title):
    print(f'bench: {title}')
    head = ['measure', 'N', 'clock', 'unit']
    for what in ('p0', 'pN', 'pN/p0'):
        head += [f'{what} min', 'median', 'max']
    head += ['goal', 'met']
    lines = [head]
    for r in t.rows:
        line = [r['measure'], str(r['n']), r['clock'], r['unit']]
        for what in ('p0', 'pN', 'ratio'):
            st = r[what]
            unit = 'x' if what == 'ratio' else r['unit']
            if not st:
                line += ['', '', '']
            elif st[3] == 1:
                line += ['', fmt(st[1], unit), '']
            else:
                line += [fmt(v, unit) for v in st[:3]]
        line += [r['goal'], r['met'] + ('  ' + r['note'] if r['note'] else '')]
        lines.append(line)
    widths = [max(len(line[i]) for line in lines) for i in range(len(head) - 1)]
    left = {0, 2, 3, len(head) - 2}
    for line in lines:
        cells = [c.ljust(w) if i in left else c.rjust(w)
                 for i, (c, w) in enumerate(zip(line, widths))]
        print('  '.join(cells + [line[-1]]).rstrip())


def write_csv(t, path):
    fields = ['measure', 'n', 'clock', 'unit']
    for what in ('p0', 'pN', 'ratio'):
        fields += [f'{what}_samples', f'{what}_min', f'{what}_median',
                   f'{what}_max']
    fields += ['goal', 'met', 'note']
    with open(path, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(fields)
        for r in t.rows:
            row = [r['measure'].strip(), r['n'], r['clock'], r['unit']]
            for what in ('p0', 'pN', 'ratio'):
                st = r[what]
                row += ([st[3]] + [f'{v:.6g}' for v in st[:3]]
                        if st else ['', '', '', ''])
            w.writerow(row + [r['goal'], r['met'], r['note']])


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
    clocks = [c for c in ('icount', 'wall') if any(k[0] == c for k in s)]
    for clock in clocks:
        audit_rows(t, s, clock, args.plot_data)
    for clock in clocks:
        loop_rows(t, s, clock, ratios)
    hypercall_rows(t, args.hypercalls, ratios)
    wall_rows(t, args.test_times)
    print_table(t, args.title)
    write_csv(t, args.csv)
    with open(f'{args.plot_data}-ratios.dat', 'w') as f:
        for i, (name, (lo, med, hi, _)) in enumerate(ratios):
            f.write(f'{i} "{name}" {med:.4f} {lo:.4f} {hi:.4f}\n')


if __name__ == '__main__':
    main()
