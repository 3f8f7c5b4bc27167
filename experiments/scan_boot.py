#!/usr/bin/env python3
"""How much of a scan's score is chance: block-bootstrap intervals of scan_eval.py's
summaries, and paired differences between scans of the same genome.

    scan_boot.py --truth TRUTH.bed [--ambiguous AMBIG.bed] --genome GENOME.fa[.gz]
                 [--block-mb 1] [--draws 2000] [--seed 1] LABEL=CANDIDATES ...

A whole-chromosome scan has few true loci (69 on worm chrX, 34 on human chr22), and they
come in clusters, so its best F1, recall at <= 1 FP/Mb and AUPRC move a lot with which
stretches of sequence happen to be scored. The genome is cut into blocks of --block-mb
million A/C/G/T letters (in sequence order; a locus belongs to the block of its start);
each draw takes as many blocks as there are, with replacement, and the three summaries are
computed over the drawn blocks (scan_eval.py's loci, curve points and formulas: with every
block once, the values are scan_eval.py's). All scans are scored on the same draws, so the
difference of each scan from the first is paired.

Prints one TSV row per scan and summary: the value, its 95% interval (2.5th and 97.5th
percentiles of the draws), and against the first scan the difference, its interval and the
share of draws in which this scan scores higher; then, for each scan after the first, its
precision over the first's at equal recall (pr_ratio.py's levels and measure) with its
interval, and the share of draws in which its precision there is higher. Needs numpy.
"""
import argparse
import bisect
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pr_ratio import LEVELS  # noqa: E402
from scan_eval import (acgt, curve_loci, index, judge, opener, read_bed,  # noqa: E402
                       read_candidates)

SUMMARIES = ("best_f1", "recall_at_1fp_per_Mb", "auprc")


def blocks_of(genome, block_mb):
    """-> ({chrom: starts of its blocks}, {chrom: index of its first block}, A/C/G/T
    letters of each block). A block closes once it holds block_mb million letters (at a
    line end); every record opens a new one."""
    starts, sizes, chrom, pos, size = {}, [], None, 0, 0
    cap = int(block_mb * 1e6)
    with opener(genome) as f:
        for line in f:
            if line.startswith(">"):
                if chrom is not None:
                    sizes.append(size)
                chrom, pos, size = line[1:].split()[0], 0, 0
                starts[chrom] = [0]
                continue
            s = line.strip()
            if size >= cap:
                sizes.append(size)
                starts[chrom].append(pos)
                size = 0
            size += acgt(s)
            pos += len(s)
    if chrom is not None:
        sizes.append(size)
    first, k = {}, 0
    for c, st in starts.items():
        first[c] = k
        k += len(st)
    return starts, first, np.array(sizes, dtype=float)


def block(starts, first, chrom, pos):
    if chrom not in first:
        sys.exit("scan_boot: %s is not a record of --genome" % chrom)
    return first[chrom] + bisect.bisect_right(starts[chrom], pos) - 1


def per_block(cands, order, tidx, aidx, starts, first, nb):
    """Per curve point and block: true-positive loci, false-positive loci, truth loci
    found (arrays [points, blocks]), at scan_eval.py's curve points."""
    points = list(curve_loci(cands, order))
    tp, fp, hit = (np.zeros((len(points), nb)) for _ in range(3))
    for i, (_, loci) in enumerate(points):
        found = set()
        for (c, s, _, _), what, t in judge(loci, tidx, aidx):
            if what == "tp":
                tp[i, block(starts, first, c, s)] += 1
                found.update(t)
            elif what == "fp":
                fp[i, block(starts, first, c, s)] += 1
        for c, _, a, _ in found:
            hit[i, block(starts, first, c, a)] += 1
    return tp, fp, hit


def summaries(w, tp, fp, hit, ntruth, mb):
    """The three summaries, and the precision at recall >= each of LEVELS (pr_ratio.py's),
    for block weights w [draws, blocks] -> {name: [draws]}."""
    TP, FP, H = w @ tp.T, w @ fp.T, w @ hit.T  # [draws, points]
    T, MB = w @ ntruth, w @ mb                 # [draws]
    with np.errstate(invalid="ignore", divide="ignore"):
        P = np.where(TP + FP > 0, TP / (TP + FP), 1.0)
        R = np.where(T[:, None] > 0, H / T[:, None], 0.0)
        F = np.where(P + R > 0, 2 * P * R / (P + R), 0.0)
    out = {"best_f1": F.max(axis=1),
           "recall_at_1fp_per_Mb": np.where(FP <= MB[:, None], R, 0.0).max(axis=1),
           "auprc": (np.diff(R, axis=1, prepend=0.0) * P).sum(axis=1)}
    for r in LEVELS:
        out["precision_at_recall_%g" % r] = np.where(R >= r - 1e-9, P, 0.0).max(axis=1)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--truth", required=True)
    ap.add_argument("--ambiguous")
    ap.add_argument("--genome", required=True)
    ap.add_argument("--block-mb", type=float, default=1.0)
    ap.add_argument("--draws", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("scans", nargs="+", metavar="LABEL=CANDIDATES")
    a = ap.parse_args()
    if any("=" not in s for s in a.scans):
        ap.error("scans are given as LABEL=CANDIDATES")

    starts, first, letters = blocks_of(a.genome, a.block_mb)
    nb = len(letters)
    mb = 2 * letters / 1e6  # both strands, as scan_eval.py
    truth = read_bed(a.truth)
    tidx, aidx = index(truth), index(read_bed(a.ambiguous))
    ntruth = np.zeros(nb)
    for c, s, _, _ in truth:
        ntruth[block(starts, first, c, s)] += 1
    rng = np.random.default_rng(a.seed)
    w = np.zeros((a.draws, nb))
    np.add.at(w, (np.arange(a.draws)[:, None], rng.integers(0, nb, (a.draws, nb))), 1)

    print("label\tsummary\tvalue\tlo95\thi95\tminus_first\tdiff_lo95\tdiff_hi95\t"
          "share_higher\tblocks")
    base = base_value = None
    for spec in a.scans:
        label, path = spec.split("=", 1)
        cands, order, _ = read_candidates(path)
        tp, fp, hit = per_block(cands, order, tidx, aidx, starts, first, nb)
        value = {k: v[0] for k, v in summaries(np.ones((1, nb)), tp, fp, hit, ntruth,
                                               mb).items()}
        draws = summaries(w, tp, fp, hit, ntruth, mb)
        if base is None:
            base, base_value = draws, value
        for name in SUMMARIES:
            d, b = draws[name], base[name]
            lo, hi = np.percentile(d, [2.5, 97.5])
            row = "%s\t%s\t%.4f\t%.4f\t%.4f" % (label, name, value[name], lo, hi)
            if d is b:
                print(row + "\t-\t-\t-\t-\t%d" % nb)
                continue
            dlo, dhi = np.percentile(d - b, [2.5, 97.5])
            print(row + "\t%.4f\t%.4f\t%.4f\t%.3f\t%d"
                  % (value[name] - base_value[name], dlo, dhi, np.mean(d > b), nb))
        for r in LEVELS if draws is not base else ():
            # this scan's precision over the first's at equal recall (pr_ratio.py's measure)
            name = "precision_at_recall_%g" % r
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = draws[name] / base[name]  # nan where neither reaches r
                v = value[name] / base_value[name]
            lo, hi = np.nanpercentile(ratio, [2.5, 97.5]) if np.any(ratio == ratio) else (v, v)
            print("%s\tprecision_ratio_at_recall_%g\t%.1f\t%.1f\t%.1f\t-\t-\t-\t%.3f\t%d"
                  % (label, r, v, lo, hi, np.mean(draws[name] > base[name]), nb))
        sys.stdout.flush()

if __name__ == "__main__":
    main()
