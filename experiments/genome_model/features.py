#!/usr/bin/env python3
"""Candidate features the hairpin image holds badly, and filters on them (issue 22's
"measured, not assumed"). Standard library only.

  features.py thresholds FOLD.txt Q      `mirlens fold` output of the training positives ->
                                         one line per feature: name, direction, the value
                                         that keeps all but a fraction Q of the positives
  features.py filter CANDS.tsv[.gz] THRESHOLDS [NAMES]   scan candidates passing every
                                         threshold (NAMES: comma list, default all) -> stdout,
                                         header lines kept (input of experiments/scan_eval.py)
  features.py ensemble A.tsv.gz B.tsv.gz W   candidates of two scans of the same genome
                                         (same candidate list) with margin W*a + (1-W)*b

Features of a candidate (sequence, dot-bracket):
  mfe_per_nt   MFE / length (kcal/mol/nt): long perfect inverted repeats fold far lower
  paired_frac  fraction of paired positions
  helix        longest run of stacked pairs (no bulge, no mismatch)
  dust         symmetric-DUST triplet score, max over 64-nt windows (low complexity)
"""
import math
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from scan_eval import opener  # noqa: E402

# direction: +1 = a high value is suspect (filter keeps value <= threshold), -1 the reverse
FEATURES = (("mfe_per_nt", -1), ("paired_frac", 1), ("helix", 1), ("dust", 1))


def dust(s, w=64):
    s, best = s.upper(), 0.0
    for a in range(0, max(1, len(s) - w + 1), 4):
        win = s[a:a + w]
        c = Counter(win[i:i + 3] for i in range(len(win) - 2))
        best = max(best, sum(v * (v - 1) / 2 for v in c.values()) / max(1, len(win) - 3))
    return best


def pairs_of(st):
    """Dot-bracket -> pair table (p[i] = partner of i, -1 if unpaired)."""
    p, stack = [-1] * len(st), []
    for i, ch in enumerate(st):
        if ch == "(":
            stack.append(i)
        elif ch == ")":
            j = stack.pop()
            p[i], p[j] = j, i
    return p


def helix(st, p=None):
    """Longest run of stacked pairs (p: st's pair table, if at hand)."""
    p = pairs_of(st) if p is None else p
    best = run = 0
    for i, j in enumerate(p):
        if j > i:
            run = run + 1 if i > 0 and p[i - 1] == j + 1 else 1
            best = max(best, run)
    return best


def features(seq, st, mfe):
    return {"mfe_per_nt": mfe / len(seq), "paired_frac": sum(c != "." for c in st) / len(st),
            "helix": helix(st), "dust": dust(seq)}


def thresholds(fold_path, q):
    vals = {n: [] for n, _ in FEATURES}
    with open(fold_path) as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    for k in range(0, len(lines) - 2, 3):
        seq, rest = lines[k + 1], lines[k + 2]
        st, mfe = rest.split(" ", 1)[0], float(rest.rsplit("(", 1)[1].rstrip(")"))
        for n, v in features(seq, st, mfe).items():
            vals[n].append(v)
    for n, d in FEATURES:
        v = sorted(vals[n])
        i = int(math.floor(q * (len(v) - 1)))
        print("%s\t%d\t%.6g\t%d" % (n, d, v[i] if d < 0 else v[len(v) - 1 - i], len(v)))


def rows(path):
    with opener(path) as f:
        for line in f:
            yield line


def filt(cands, thr_path, names):
    thr = {}
    for line in (l for l in open(thr_path) if not l.startswith("#")):
        n, d, t, _ = line.split("\t")
        if names is None or n in names:
            thr[n] = (int(d), float(t))
    for line in rows(cands):
        if line.startswith("#"):
            sys.stdout.write(line)
            continue
        f = line.split("\t")
        x = features(f[4], f[5], float(f[6]))
        if all(x[n] <= t if d > 0 else x[n] >= t for n, (d, t) in thr.items()):
            sys.stdout.write(line)


def ensemble(a, b, w):
    for la, lb in zip(rows(a), rows(b)):
        if la.startswith("#"):
            sys.stdout.write(la)
            continue
        fa, fb = la.rstrip("\n").split("\t"), lb.rstrip("\n").split("\t")
        if fa[:4] != fb[:4]:
            sys.exit("features.py ensemble: the scans list different candidates")
        m = w * float(fa[8]) + (1 - w) * float(fb[8])
        fa[7], fa[8] = "%.6f" % (1 / (1 + math.exp(-m))), "%.4f" % m
        sys.stdout.write("\t".join(fa) + "\n")


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "thresholds":
        thresholds(a[1], float(a[2]))
    elif len(a) in (3, 4) and a[0] == "filter":
        filt(a[1], a[2], set(a[3].split(",")) if len(a) == 4 else None)
    elif len(a) == 4 and a[0] == "ensemble":
        ensemble(a[1], a[2], float(a[3]))
    else:
        sys.exit(__doc__)
