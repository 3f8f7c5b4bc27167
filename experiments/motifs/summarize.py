#!/usr/bin/python3
"""Where the seqlets of `mirlens explain --motifs` lie, trained network against its
randomised copy: the share of each run's seqlets by landmark and in a few landmark windows
(the 5p strand's first nucleotides, the terminal loop, the 3p strand's 3' end), with 95%
intervals from a bootstrap over hairpins (the unit that was sampled; a hairpin's seqlets
move together), 2000 resamples, seed 1.

    /usr/bin/python3 experiments/motifs/summarize.py DIR/seqlets.tsv [...]
"""
import csv
import sys

import numpy as np

WINDOWS = [  # name, landmarks, offset range (inclusive; None: any)
    ("drosha-5p +2..+8 (5p strand, nt 2-8)", {"drosha-5p"}, (2, 8)),
    ("drosha-5p -14..-1 (basal stem, 5p)", {"drosha-5p"}, (-14, -1)),
    ("drosha-3p -8..-1 (3p strand, 3' end)", {"drosha-3p"}, (-8, -1)),
    ("drosha-3p +1..+14 (basal stem, 3p)", {"drosha-3p"}, (1, 14)),
    ("drosha-5p -60..-15 (5' flank, beyond the basal UG)", {"drosha-5p"}, (-60, -15)),
    ("drosha-3p +15..+60 (3' flank, CNNC and beyond)", {"drosha-3p"}, (15, 60)),
    ("loop-5p / loop-3p (any offset)", {"loop-5p", "loop-3p"}, None),
    ("dicer-5p / dicer-3p (any offset)", {"dicer-5p", "dicer-3p"}, None),
]


def load(path):
    runs = {}
    with open(path) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            runs.setdefault((r["method"], r["network"]), []).append(r)
    return runs


def share_ci(rows, test, rng, n_boot=2000):
    ids = sorted({r["id"] for r in rows})
    index = {h: i for i, h in enumerate(ids)}
    hit = np.zeros(len(ids))
    tot = np.zeros(len(ids))
    for r in rows:
        i = index[r["id"]]
        tot[i] += 1
        hit[i] += test(r)
    est = hit.sum() / tot.sum()
    boot = []
    for _ in range(n_boot):
        k = rng.integers(0, len(ids), len(ids))
        boot.append(hit[k].sum() / tot[k].sum())
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return est, lo, hi


def in_window(landmarks, rng_off):
    def test(r):
        if r["landmark"] not in landmarks:
            return 0
        if rng_off is None:
            return 1
        off = int(r["offset"])
        return rng_off[0] <= off <= rng_off[1]
    return test


def main():
    for path in sys.argv[1:]:
        runs = load(path)
        print(f"## {path}\n")
        print("| window | " + " | ".join(f"{m} {n}" for m, n in runs) + " |")
        print("|---" * (len(runs) + 1) + "|")
        print("| seqlets (hairpins) | " +
              " | ".join(f"{len(v)} ({len({r['id'] for r in v})})" for v in runs.values()) + " |")
        for name, lms, off in WINDOWS:
            cells = []
            for rows in runs.values():
                rng = np.random.default_rng(1)
                est, lo, hi = share_ci(rows, in_window(lms, off), rng)
                cells.append(f"{100 * est:.1f}% [{100 * lo:.1f}, {100 * hi:.1f}]")
            print(f"| {name} | " + " | ".join(cells) + " |")
        print()


if __name__ == "__main__":
    main()
