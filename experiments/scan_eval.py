#!/usr/bin/env python3
"""Score a `mirlens scan` against known loci by the protocol of shared/data/genome/README.md.

    scan_eval.py --candidates PREFIX.candidates.tsv[.gz] --truth TRUTH.bed
                 [--ambiguous AMBIG.bed] [--genome GENOME.fa[.gz]] [--label NAME]
                 [--curve OUT.tsv] [--threshold 0.5]

Loci are made from the candidates exactly as the scan makes PREFIX.bed (candidates with
score >= threshold, overlapping ones merged per strand). A predicted locus is a true
positive when it overlaps a truth locus on the same strand by >= 50% of the truth locus;
a locus that is not and overlaps an ambiguous region is neither true nor false. Reported:
recall of the candidate stage (truth loci >= 50% inside one candidate on their strand, the
CNN aside), candidates per Mb, and at the threshold and over all thresholds (ranking by
the logit margin): locus precision, recall, F1, false positives per Mb scanned (both
strands, N excluded: --genome gives the count), best F1, recall at <= 1 FP/Mb, AUPRC.
Prints one TSV row (with a header line); --curve writes the precision-recall points.
Only the Python standard library is used.
"""
import argparse
import gzip
import sys


def opener(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rt") if magic == b"\x1f\x8b" else open(path)


def read_bed(path):
    out = []
    if not path:
        return out
    for line in opener(path):
        f = line.split("\t")
        if len(f) >= 6 and not line.startswith("#"):
            out.append((f[0], int(f[1]), int(f[2]), f[5].strip()))
    return out


def acgt(line):
    """A/C/G/T letters of a sequence line, either case (what is scanned; N is not)."""
    s = line.upper()
    return s.count("A") + s.count("C") + s.count("G") + s.count("T")


def acgt_bases(path):
    with opener(path) as f:
        return sum(acgt(line) for line in f if not line.startswith(">"))


def merge(cands):
    """cands sorted by (chrom order, start); -> loci (chrom, start, end, strand)."""
    loci, open_ = [], {}
    for c, s, e, st in cands:
        o = open_.get(st)
        if o and o[0] == c and s < o[2]:
            o[2] = max(o[2], e)
            continue
        if o:
            loci.append(tuple(o))
        open_[st] = [c, s, e, st]
    loci.extend(tuple(o) for o in open_.values())
    return loci


def index(regions):
    idx = {}
    for c, s, e, st in regions:
        idx.setdefault((c, st), []).append((s, e))
    for v in idx.values():
        v.sort()
    return idx


def overlapping(idx, c, st, s, e):
    for a, b in idx.get((c, st), ()):
        if a >= e:
            break
        if b > s:
            yield a, b


def judge(loci, truth_idx, amb_idx):
    """Each locus with its outcome: ("tp", the truth loci it finds), ("fp", ()) or
    ("ambiguous", ())."""
    for c, s, e, st in loci:
        t = [(a, b) for a, b in overlapping(truth_idx, c, st, s, e)
             if 2 * (min(b, e) - max(a, s)) >= b - a]
        if t:
            yield (c, s, e, st), "tp", [(c, st, a, b) for a, b in t]
        elif any(True for _ in overlapping(amb_idx, c, st, s, e)) or \
                any(True for _ in overlapping(amb_idx, c, ".", s, e)):
            yield (c, s, e, st), "ambiguous", ()
        else:
            yield (c, s, e, st), "fp", ()


def score_loci(loci, truth_idx, amb_idx, ntruth):
    tp = fp = 0
    hit = set()
    for _, what, t in judge(loci, truth_idx, amb_idx):
        if what == "tp":
            tp += 1
            hit.update(t)
        fp += what == "fp"
    rec = len(hit) / ntruth if ntruth else 0.0
    prec = tp / (tp + fp) if tp + fp else 1.0
    return tp, fp, rec, prec


def read_candidates(path):
    """-> (candidates (chrom, start, end, strand, score, margin), chrom order, min_score)."""
    cands, order, min_score = [], {}, None
    for line in opener(path):
        if line.startswith("#"):
            if line.startswith("#sequence-region "):
                order.setdefault(line.split()[1], len(order))
            if line.startswith("#settings "):
                for kv in line.split()[1:]:
                    if kv.startswith("min_score="):
                        min_score = float(kv[10:])
            continue
        f = line.rstrip("\n").split("\t")
        num = lambda v: float("nan") if v == "." else float(v)  # "." : --no-score
        cands.append((f[0], int(f[1]), int(f[2]), f[3], num(f[7]), num(f[8])))
    return cands, order, min_score


def loci_of(cands, order, keep):
    """The loci of the candidates keep(candidate) accepts, as the scan merges them."""
    key = lambda r: (order.get(r[0], 1 << 30), r[1], r[2], r[3])
    return merge(sorted([r[:4] for r in cands if keep(r)], key=key))


def curve_loci(cands, order):
    """The curve's points, from the top candidate down (ranked by margin; the top k, k
    growing by ~8% a step): (margin threshold, loci) each."""
    ranked = sorted([r for r in cands if r[5] == r[5]], key=lambda r: -r[5])
    n = len(ranked)
    cuts, k = [], 1 if n else 0
    while k < n:
        cuts.append(k)
        k = max(k + 1, int(k * 1.08))
    if n:
        cuts.append(n)
    for k in cuts:
        thr = ranked[k - 1][5]
        yield thr, loci_of(ranked, order, lambda r: r[5] >= thr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--candidates", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--ambiguous")
    ap.add_argument("--genome")
    ap.add_argument("--label", default="scan")
    ap.add_argument("--curve")
    ap.add_argument("--threshold", type=float, default=0.5)
    a = ap.parse_args()

    cands, order, min_score = read_candidates(a.candidates)
    truth = read_bed(a.truth)
    # the ambiguous regions of the README are stranded BED6; an unstranded region ('.')
    # counts on both strands
    amb = read_bed(a.ambiguous)
    tidx, aidx = index(truth), index(amb)
    bases = acgt_bases(a.genome) if a.genome else 0
    mb = 2 * bases / 1e6 if bases else float("nan")

    # the candidate stage: a truth locus >= 50% inside one candidate on its strand
    cidx = index([(c, s, e, st) for c, s, e, st, _, _ in cands])
    caught = sum(1 for c, s, e, st in truth
                 if any(2 * (min(b, e) - max(x, s)) >= e - s
                        for x, b in overlapping(cidx, c, st, s, e)))
    cand_recall = caught / len(truth) if truth else 0.0

    at = loci_of(cands, order, lambda r: r[4] >= a.threshold)
    tp, fp, rec, prec = score_loci(at, tidx, aidx, len(truth))
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0

    # the curve: thresholds on the margin, from the top candidate down
    points = []
    for thr, loci in curve_loci(cands, order):
        tpk, fpk, reck, preck = score_loci(loci, tidx, aidx, len(truth))
        points.append((thr, reck, preck, tpk, fpk))
    best_f1 = max([(2 * p * r / (p + r) if p + r else 0.0) for _, r, p, _, _ in points] or [0.0])
    rec_at_1 = max([r for _, r, p, t, f in points if mb == mb and f <= mb] or [0.0])
    # AUPRC: precision integrated over recall, steps from the top of the ranking
    auprc, last_r = 0.0, 0.0
    for _, r, p, _, _ in points:
        auprc += (r - last_r) * p
        last_r = r
    if a.curve:
        with open(a.curve, "w") as f:
            f.write("margin\trecall\tprecision\ttp_loci\tfp_loci\n")
            for thr, r, p, t, fpk in points:
                f.write("%.4f\t%.4f\t%.5f\t%d\t%d\n" % (thr, r, p, t, fpk))
    print("label\ttruth\tcandidates\tcand_per_Mb\tcand_recall\tthreshold\tloci\ttp\tfp\t"
          "fp_per_Mb\tprecision\trecall\tf1\tbest_f1\trecall_at_1fp_per_Mb\tauprc\tmin_score")
    print("%s\t%d\t%d\t%.0f\t%.3f\t%g\t%d\t%d\t%d\t%.2f\t%.4f\t%.3f\t%.4f\t%.4f\t%.3f\t%.4f\t%s"
          % (a.label, len(truth), len(cands), len(cands) / mb if mb == mb else float("nan"), cand_recall,
             a.threshold, len(at), tp, fp, fp / mb if mb == mb else float("nan"), prec, rec,
             f1, best_f1, rec_at_1, auprc, min_score))
    if min_score and min_score > 0:
        print("note: candidates below min_score %g were not listed: the curve stops there"
              % min_score, file=sys.stderr)


if __name__ == "__main__":
    main()
