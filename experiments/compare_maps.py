#!/usr/bin/env python3
"""Agreement of nucleotide attributions between models, from `mirlens explain` outputs.

    python3 experiments/compare_maps.py METHOD NAME=DIR[:METHOD2] NAME=DIR ...

Each DIR is a `mirlens explain -o DIR --method METHOD` run over the same sequences (a
":METHOD2" suffix reads that method from DIR instead, to compare methods). For
every pair of models, prints the mean Spearman correlation (ties: mean ranks) of the
per-nucleotide attributions over the hairpins both explained, the mean overlap of their
top-10 nucleotides by attribution, and the number of hairpins. Plain Python, no NumPy.
"""
import sys
from itertools import combinations


def read(path, method):
    """id -> list of attributions in position order, for one method."""
    out = {}
    with open(path) as fp:
        next(fp)
        for line in fp:
            f = line.rstrip("\n").split("\t")
            if f[5] == method:
                out.setdefault(f[0], []).append((int(f[1]), float(f[6])))
    return {k: [a for _, a in sorted(v)] for k, v in out.items()}


def ranks(v):
    order = sorted(range(len(v)), key=lambda i: v[i])
    r = [0.0] * len(v)
    i = 0
    while i < len(v):
        j = i
        while j + 1 < len(v) and v[order[j + 1]] == v[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2.0
        i = j + 1
    return r


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    num = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    da = sum((x - ma) ** 2 for x in ra) ** 0.5
    db = sum((y - mb) ** 2 for y in rb) ** 0.5
    return num / (da * db) if da > 0 and db > 0 else float("nan")


def top(v, k=10):
    return set(sorted(range(len(v)), key=lambda i: (-v[i], i))[:k])


def main():
    method, runs = sys.argv[1], [a.split("=", 1) for a in sys.argv[2:]]
    data = {}
    for name, d in runs:
        d, _, m = d.partition(":")
        data[name] = read(d + "/nucleotides.tsv", m or method)
    print("| models | mean Spearman rho | mean top-10 overlap | hairpins |")
    print("|---|---|---|---|")
    for (na, _), (nb, _) in combinations(runs, 2):
        rho, ov, n = [], [], 0
        for k in sorted(set(data[na]) & set(data[nb])):
            a, b = data[na][k], data[nb][k]
            if len(a) != len(b) or len(a) < 10:
                continue
            r = spearman(a, b)
            if r == r:
                rho.append(r)
            ov.append(len(top(a) & top(b)) / 10.0)
            n += 1
        print("| %s vs %s | %.3f | %.2f | %d |" % (na, nb, sum(rho) / max(len(rho), 1),
                                                    sum(ov) / max(len(ov), 1), n))


if __name__ == "__main__":
    main()
