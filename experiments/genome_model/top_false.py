#!/usr/bin/env python3
"""What separates a scan's true candidates from its best-scored false ones? Two questions,
asked of one scan (a candidates file of `mirlens scan` or of rescore.sh). Standard library.

  top_false.py CANDS.tsv[.gz] TRUTH.bed AMBIGUOUS.bed MATURE.fa.gz [TOP]

1. Structure: quantiles (5, 25, 50, 75, 95%) of features of the candidates at a truth
   locus (on its strand, covering >= 50% of it, as scan_eval.py counts a true positive),
   of the TOP (default 200) best-scored candidates that touch no truth or ambiguous
   region, and of all such candidates. Features: length; features.py's MFE per nt, paired
   fraction, longest helix, DUST; GC; unpaired nt before the first and after the last pair.
2. Homology: the fewest mismatches of any miRBase mature sequence placed without gaps
   inside the candidate (seeded by a shared 8-mer), for matures of species outside the
   held-out genera (Caenorhabditis, Drosophila: the header's genus), as a homology search
   for known families would use them; a table of candidates by mismatches, true against
   false.
"""
import gzip
import os
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import features as F  # noqa: E402
import scan_eval as E  # noqa: E402

K = 8


def matures(path):
    out, name = [], None
    with gzip.open(path, "rt") as f:
        for line in f:
            if line.startswith(">"):
                name = line[1:].strip()
            elif "Caenorhabditis" not in name and "Drosophila" not in name:
                out.append((name.split()[0], line.strip().upper().replace("U", "T")))
    return out


def homology_index(mat):
    idx = defaultdict(list)
    for i, (_, s) in enumerate(mat):
        for o in range(len(s) - K + 1):
            idx[s[o:o + K]].append((i, o))
    return idx


def fewest_mismatches(seq, mat, idx):
    best, name = 99, ""
    for p in range(len(seq) - K + 1):
        for i, o in idx.get(seq[p:p + K], ()):
            s = mat[i][1]
            st = p - o
            if st < 0 or st + len(s) > len(seq):
                continue
            mm = sum(a != b for a, b in zip(s, seq[st:st + len(s)]))
            if mm < best:
                best, name = mm, mat[i][0]
    return best, name


def row_features(seq, st, mfe):
    f = F.features(seq, st, mfe)
    first, last = st.find("("), st.rfind(")")
    f.update(length=len(seq), gc=(seq.count("G") + seq.count("C")) / len(seq),
             unpaired_5=first, unpaired_3=len(st) - 1 - last)
    return f


def quantiles(v):
    v = sorted(v)
    return " ".join("%.3f" % v[int(q * (len(v) - 1))] for q in (0.05, 0.25, 0.5, 0.75, 0.95))


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    cands, truth, amb, mature = sys.argv[1:5]
    top = int(sys.argv[5]) if len(sys.argv) == 6 else 200
    t_idx, a_idx = E.index(E.read_bed(truth)), E.index(E.read_bed(amb))
    rows = []
    with E.opener(cands) as f:
        for line in f:
            if line.startswith("#"):
                continue
            c = line.rstrip("\n").split("\t")
            chrom, s, e, strand = c[0], int(c[1]), int(c[2]), c[3]
            true = any(min(e, b) - max(s, a) >= 0.5 * (b - a)
                       for a, b in E.overlapping(t_idx, chrom, strand, s, e))
            touch = any(True for _ in E.overlapping(t_idx, chrom, strand, s, e)) or \
                any(True for _ in E.overlapping(a_idx, chrom, strand, s, e))
            label = 1 if true else (-1 if touch else 0)
            rows.append((float(c[8]), label, c[4].upper(), c[5], float(c[6])))
    rows.sort(key=lambda r: -r[0])
    groups = (("true", [r for r in rows if r[1] == 1]),
              ("top %d false" % top, [r for r in rows if r[1] == 0][:top]),
              ("all false", [r for r in rows if r[1] == 0]))
    names = ("length", "mfe_per_nt", "paired_frac", "helix", "dust", "gc", "unpaired_5",
             "unpaired_3")
    print("# structure: quantiles 5 25 50 75 95%")
    for g, rs in groups:
        # DUST is slow: the large group by a 1-in-20 sample
        sample = rs if len(rs) <= 20000 else rs[::20]
        feats = [row_features(r[2], r[3], r[4]) for r in sample]
        print("%s (%d%s)" % (g, len(rs), ", 1 in 20" if sample is not rs else ""))
        print("  %-12s %s" % ("margin", quantiles([r[0] for r in sample])))
        for n in names:
            print("  %-12s %s" % (n, quantiles([f[n] for f in feats])))
    mat = matures(mature)
    idx = homology_index(mat)
    print("# homology: fewest mismatches of a mature of %d (held-out genera left out)"
          % len(mat))
    cnt = Counter()
    hits = []
    for r in rows:
        if r[1] < 0:
            continue
        mm, name = fewest_mismatches(r[2], mat, idx)
        cnt[(r[1], min(mm, 6))] += 1
        if r[1] == 1 and mm <= 2:
            hits.append("%s:%d" % (name, mm))
    print("mismatches\t" + "\t".join(str(m) if m < 6 else ">=6" for m in range(7)))
    for label, g in ((1, "true"), (0, "false")):
        print(g + "\t" + "\t".join(str(cnt[(label, m)]) for m in range(7)))
    print("true candidates with <= 2 mismatches: " + " ".join(sorted(hits)))


if __name__ == "__main__":
    main()
