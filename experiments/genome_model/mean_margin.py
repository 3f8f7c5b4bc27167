"""A scan's candidates scored by an ensemble from its models' separate re-scorings: the mean
of the models' logit margins, as `scan -m A -m B` scores (rescore.sh's A.mrlm,B.mrlm form
runs every model again; this reuses the per-model scores rescore.sh keeps). Checked: the two
shipped genome models give the rows of the real scans of bench/scan_eval.sh (2026-12-07).
  python3 experiments/genome_model/mean_margin.py OUT.tsv CANDIDATES.tsv[.gz] A.scores B.scores...
CANDIDATES: the scan rescore.sh read (plain or gzip); X.scores: rescore.sh's
OUT/GENOME.TAG.scores (id c1, c2, ... in candidate order; a candidate without an image has
no row and gets no score).
Standard library only."""
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from scan_eval import opener  # noqa: E402


def margins(path):
    with open(path) as f:
        next(f)
        return {r[0]: float(r[3]) for r in (line.rstrip("\n").split("\t") for line in f)}


def main():
    out, cand, scores = sys.argv[1], sys.argv[2], [margins(p) for p in sys.argv[3:]]
    if not scores:
        sys.exit("usage: mean_margin.py OUT.tsv CANDIDATES.tsv[.gz] A.scores B.scores...")
    n = 0
    with opener(cand) as fi, open(out + ".tmp", "w") as fo:
        for line in fi:
            if line.startswith("#"):
                fo.write(line)
                continue
            f = line.rstrip("\n").split("\t")
            n += 1
            v = [s.get("c%d" % n) for s in scores]
            if any(x is None or math.isnan(x) for x in v):
                f[7] = f[8] = "."
            else:
                m = sum(v) / len(v)
                f[7], f[8] = "%.6g" % (1 / (1 + math.exp(-m))), "%.6g" % m
            fo.write("\t".join(f) + "\n")
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
