#!/usr/bin/env python3
"""Precision of one scan over another's at equal recall, from two curves of scan_eval.py.

    pr_ratio.py A.curve.tsv B.curve.tsv [LABEL]

For each recall level r (0.05, 0.1, ..., 0.7): each scan's best precision at recall >= r
(the interpolated precision of a precision-recall curve), and A's over B's. Prints TSV:
label, recall, precision_a, precision_b, ratio ("inf" where B never reaches r, "-" where
neither does). Standard library only.
"""
import sys

LEVELS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def curve(path):
    with open(path) as f:
        next(f)
        return [(float(r[1]), float(r[2])) for r in (line.split("\t") for line in f)]


def precision_at(points, r):
    return max([p for rec, p in points if rec >= r - 1e-9] or [0.0])


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    a, b = curve(sys.argv[1]), curve(sys.argv[2])
    label = sys.argv[3] if len(sys.argv) == 4 else "scan"
    print("label\trecall\tprecision_a\tprecision_b\tratio")
    for r in LEVELS:
        pa, pb = precision_at(a, r), precision_at(b, r)
        ratio = "%.1f" % (pa / pb) if pb > 0 else ("inf" if pa > 0 else "-")
        print("%s\t%g\t%.5f\t%.5f\t%s" % (label, r, pa, pb, ratio))


if __name__ == "__main__":
    main()
