#!/usr/bin/env python3
"""Does thermodynamic stability against shuffled sequence (randfold's z-score) separate the
worm scan's true candidates from its false ones? (issue 22: features the image cannot hold.)

  zscore.py shuffles CANDS.tsv.gz TRUTH.bed AMBIG.bed OUT K   -> OUT.fa (K dinucleotide
      shuffles of each selected candidate: every candidate overlapping a truth locus, 1,500
      drawn from the 20,000 best-scored others, 1,000 drawn from all others; seed 1) and
      OUT.meta
  zscore.py report OUT        (after `mirlens fold --tsv OUT.fa > OUT.fold.tsv`) -> z
      quantiles per group, negatives kept at thresholds keeping 80/90/95% of the positives,
      and best F1 / precision at 50% recall of margin - w*z (the 1,500 stand for the 20,000)
Standard library only. z = (MFE - mean of the shuffles' MFEs) / their standard deviation.
"""
import gzip
import os
import random
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import scan_eval as se  # noqa: E402


def dishuffle(s, rng):
    """Altschul-Erickson: a random sequence with s's dinucleotide counts, first and last
    letters (a random Eulerian path of s's dinucleotide graph; last exits drawn as a tree)."""
    if len(s) < 3:
        return s
    edges = {}
    for a, b in zip(s, s[1:]):
        edges.setdefault(a, []).append(b)
    last = s[-1]
    while True:
        lastedge = {v: rng.randrange(len(o)) for v, o in edges.items() if v != last}
        ok = True
        for v in lastedge:
            seen, u = set(), v
            while u != last and ok:
                ok = u not in seen
                seen.add(u)
                u = edges[u][lastedge[u]]
            if not ok:
                break
        if ok:
            break
    lists = {}
    for v, outs in edges.items():
        order = list(range(len(outs)))
        if v in lastedge:
            order.remove(lastedge[v])
            rng.shuffle(order)
            order.append(lastedge[v])
        else:
            rng.shuffle(order)
        lists[v] = [outs[i] for i in order]
    out, at, u = [s[0]], {v: 0 for v in lists}, s[0]
    for _ in range(len(s) - 1):
        nxt = lists[u][at[u]]
        at[u] += 1
        out.append(nxt)
        u = nxt
    return "".join(out)


def shuffles(cand, truth, amb, out, k):
    tr, am = se.index(se.read_bed(truth)), se.index(se.read_bed(amb))
    rows = []
    for line in gzip.open(cand, "rt"):
        if line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        c, s, e, st = f[0], int(f[1]), int(f[2]), f[3]
        pos = any(min(e, b) - max(s, a) >= 0.5 * (b - a) for a, b in se.overlapping(tr, c, st, s, e))
        near = any(True for _ in se.overlapping(am, c, st, s, e)) or \
            any(True for _ in se.overlapping(tr, c, st, s, e))
        rows.append((float(f[8]), pos, near and not pos, f[4], f[6]))
    rng = random.Random(1)
    neg = sorted((r for r in rows if not r[1] and not r[2]), key=lambda r: -r[0])
    sel = [("pos", r) for r in rows if r[1]] + [("top", r) for r in rng.sample(neg[:20000], 1500)] + \
        [("rand", r) for r in rng.sample(neg, 1000)]
    with open(out + ".fa", "w") as fa, open(out + ".meta", "w") as meta:
        for i, (g, r) in enumerate(sel):
            meta.write(f"{i}\t{g}\t{r[0]}\t{r[4]}\n")
            seq = r[3].upper().replace("T", "U")
            for j in range(k):
                fa.write(f">{i}_{j}\n{dishuffle(seq, rng)}\n")


def report(out):
    meta, sh = {}, {}
    for line in open(out + ".meta"):
        i, g, m, mfe = line.rstrip("\n").split("\t")
        meta[i] = (g, float(m), float(mfe))
    for line in open(out + ".fold.tsv"):
        if not line.startswith("id\t"):
            f = line.rstrip("\n").split("\t")
            sh.setdefault(f[0].split("_")[0], []).append(float(f[3]))
    pts = []
    for i, (g, m, mfe) in meta.items():
        v = sh[i]
        pts.append((g, m, (mfe - statistics.mean(v)) / (statistics.pstdev(v) or 0.1)))
    npos = sum(g == "pos" for g, _, _ in pts)
    for g in ("pos", "top", "rand"):
        zz = sorted(z for h, _, z in pts if h == g)
        q = [round(zz[int(p * (len(zz) - 1))], 2) for p in (0.05, 0.25, 0.5, 0.75, 0.95)]
        print(f"{g}\tn={len(zz)}\tz quantiles 5/25/50/75/95%: {q}")
    pz = sorted(z for g, _, z in pts if g == "pos")
    for keep in (0.8, 0.9, 0.95):
        thr = pz[int(keep * (len(pz) - 1))]
        kept = {g: sum(z <= thr for h, _, z in pts if h == g) / sum(h == g for h, _, _ in pts)
                for g in ("top", "rand")}
        print(f"z <= {thr:.2f} keeps {keep:.0%} of the positives, {kept['top']:.3f} of the top "
              f"negatives, {kept['rand']:.3f} of all negatives")
    weight = {"pos": 1.0, "top": 20000 / 1500}
    for w in (0, 0.25, 0.5, 1, 2):
        ranked = sorted(((m - w * z), g) for g, m, z in pts if g != "rand")[::-1]
        tp, fp, best, p50 = 0, 0.0, 0.0, None
        for _, g in ranked:
            tp += g == "pos"
            fp += 0 if g == "pos" else weight[g]
            prec, rec = tp / (tp + fp), tp / npos
            if tp:
                best = max(best, 2 * prec * rec / (prec + rec))
            if p50 is None and rec >= 0.5:
                p50 = prec
        print(f"margin - {w} z: best F1 {best:.4f}, precision at 50% recall {p50:.4f}")


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "shuffles":
        shuffles(*sys.argv[2:6], int(sys.argv[6]))
    elif len(sys.argv) == 3 and sys.argv[1] == "report":
        report(sys.argv[2])
    else:
        sys.exit(__doc__)
