#!/usr/bin/env python3
"""Tables of experiments/mutagenesis/run.sh (issue 23) as Markdown on stdout.

usage: summarize.py OUT [MIN_N]   (OUT/mut, OUT/cf, OUT/img as run.sh writes them; profile
bins with fewer than MIN_N nucleotides, default 20, are left out)
"""
import csv
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from compare_maps import spearman  # noqa: E402  (the one rank correlation of experiments/)


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter='\t'))


def table(head, body):
    out = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    out += ['| ' + ' | '.join(str(c) for c in r) + ' |' for r in body]
    return '\n'.join(out)


def profile(path, method, group, min_n):
    p = {}
    for r in rows(path):
        if r['method'] == method and r['group'] == group and float(r['n']) >= min_n:
            p[(r['strand'], int(r['distance']))] = float(r['mean_abs_share'])
    return p


def main():
    out = sys.argv[1]
    min_n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    methods = [('mutagenesis', f'{out}/mut/aggregate'),
               ('integrated-gradients', f'{out}/img/aggregate'),
               ('occlusion-nt', f'{out}/img/aggregate')]
    print('# Refolding mutagenesis on modhsa_test (shipped model)\n')
    print('Made by `experiments/mutagenesis/run.sh`; effects are |delta logit margin| of single '
          'substitutions, refolded and re-scored. Shares: each hairpin\'s per-position effect '
          '(mean over its 3 substitutions) divided by the hairpin\'s total, then averaged, as '
          '`explain --aggregate` does for attribution maps.\n')
    s = {r['group']: r for r in rows(f'{out}/mut/summary.tsv')}
    print('## Share of the effect carried by structure-changing mutations\n')
    print(table(['group', 'hairpins', 'mean share per hairpin', 'pooled share'],
                [[g, s[g]['hairpins'], s[g]['mean_share_changed'], s[g]['pooled_share_changed']]
                 for g in ('TP', 'TN', 'FP', 'FN')]))
    hp = rows(f'{out}/mut/hairpins.tsv')
    body = []
    for g in ('TP', 'TN', 'FP', 'FN'):
        h = [r for r in hp if r['group'] == g and r['share_changed'] != '.']
        if not h:
            continue
        sc = sum(int(r['scored']) for r in h)
        ch = sum(int(r['structure_changing']) for r in h)
        et = sum(float(r['effect_total']) for r in h)
        ec = sum(float(r['effect_changed']) for r in h)
        frac = sum(int(r['structure_changing']) / int(r['scored']) for r in h) / len(h)
        body.append([g, len(h), f'{frac:.4f}', f'{ec / ch:.3f}' if ch else '.',
                     f'{(et - ec) / (sc - ch):.3f}' if sc > ch else '.',
                     f'{sum(int(r["flips"]) for r in h) / sc:.4f}'])
    print('\nMost substitutions change the MFE structure somewhere, so the share alone mostly '
          'reflects how many do; per mutant:\n')
    print(table(['group', 'hairpins', 'mean fraction of mutants changing the structure',
                 'mean abs delta margin, structure-changing', 'mean abs delta margin, '
                 'structure-preserving', 'fraction of mutants flipping the call'], body))
    c = {r['group']: r for r in rows(f'{out}/cf/summary.tsv')}
    print('\n## Counterfactual size (fewest substitutions that flip the call)\n')
    print(table(['group', 'searched', 'found within budget', 'median size of those found'],
                [[g, c[g]['cf_searched'], c[g]['cf_found'], c[g]['median_cf_size']]
                 for g in ('TP', 'TN', 'FP', 'FN')]))
    grp = {r['id']: r['group'] for r in rows(f'{out}/cf/hairpins.tsv')}
    first = {}
    for r in rows(f'{out}/cf/counterfactuals.tsv'):
        if r['solution'] == '1':
            first.setdefault(r['id'], []).append(r)
    body = []
    for g in ('TP', 'TN', 'FP', 'FN'):
        paths = [p for i, p in first.items() if grp[i] == g]
        if not paths:
            continue
        changed = sum(p[0]['structure'] != p[-1]['structure'] for p in paths)
        dpairs = [p[-1]['structure'].count('(') - p[0]['structure'].count('(') for p in paths]
        dpairs.sort()
        body.append([g, len(paths), f'{changed / len(paths):.2f}', dpairs[len(dpairs) // 2],
                     sum(d < 0 for d in dpairs), sum(d > 0 for d in dpairs)])
    print('\nThe best solution of each hairpin: does the flip come with a new fold?\n')
    print(table(['group', 'solutions', 'fraction with another MFE structure',
                 'median change in base pairs', 'fewer pairs', 'more pairs'], body))
    for g in ('TP', 'TN'):
        print(f'\n## Largest mean effects by position, {g} (distance in nt from the terminal '
              'loop\'s closing pair; loop: position in the loop)\n')
        body, prof = [], {}
        for name, d in methods:
            prof[name] = profile(f'{d}/profile.tsv', name, g, min_n)
        top = {n: sorted(p.items(), key=lambda kv: -kv[1])[:8] for n, p in prof.items()}
        for i in range(8):
            body.append([i + 1] + ['%s %d (%.4f)' % (t[i][0][0], t[i][0][1], t[i][1])
                                   if i < len(t) else '' for t in top.values()])
        print(table(['rank'] + list(top), body))
        keys = [k for k in prof['mutagenesis'] if all(k in prof[n] for n in prof)]
        for n in ('integrated-gradients', 'occlusion-nt'):
            rho = spearman([prof['mutagenesis'][k] for k in keys],
                           [prof[n][k] for k in keys]) if len(keys) > 2 else float('nan')
            print(f'\nSpearman rho of the {g} profile (mean |share| per arm and distance, '
                  f'{len(keys)} bins with >= {min_n} nt), mutagenesis vs {n}: {rho:.3f}')
    print('\n## Around the Drosha and Dicer cut sites (TP with a placed duplex): top offsets\n')
    body = []
    for name, d in methods:
        cs = [r for r in rows(f'{d}/cutsites.tsv') if r['method'] == name and r['group'] == 'TP']
        cs.sort(key=lambda r: -float(r['mean_abs_share']))
        body.append([name] + [f"{r['site']} {int(r['offset']):+d} ({float(r['mean_abs_share']):.4f})"
                              for r in cs[:5]])
    print(table(['method', '1', '2', '3', '4', '5'], body))
    for tab in ('context', 'pair', 'region'):
        print(f'\n## By {tab}: share of the effect / share of the nucleotides (enrichment)\n')
        body, cats, data = [], [], {}
        for name, d in methods:
            for r in rows(f'{d}/categories.tsv'):
                if r['method'] == name and r['table'] == tab and r['group'] in ('TP', 'TN'):
                    data[(name, r['group'], r['category'])] = r['enrichment']
                    if r['category'] not in cats:
                        cats.append(r['category'])
        for cat in cats:
            body.append([cat] + [data.get((n, g, cat), '') for n, _ in methods
                                 for g in ('TP', 'TN')])
        print(table([tab] + [f'{n} {g}' for n, _ in methods for g in ('TP', 'TN')], body))


main()
