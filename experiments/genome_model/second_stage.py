#!/usr/bin/env python3
"""A second small network on what the hairpin image holds badly (issue 22: "features the
image cannot hold ... or a second small network; measured, not assumed"), added to a
scan's CNN score.

  second_stage.py train OUT.json POS.fold.tsv NEG.fold.tsv... [--seed 1] [--drop F,...]
      fits a one-hidden-layer network (16 tanh units, balanced class weights, Adam, 40
      epochs, the weights of the lowest held-out loss) on the fold features of the
      positives and negatives (`mirlens fold --tsv` of the genome models' training sets:
      second_stage.sh), all features but those of --drop; 10% are held out, and their
      AUROC is printed
  second_stage.py score MODEL.json CANDIDATES.tsv[.gz] [--weight 1] [--fold FOLD.tsv]
      a scan's candidates with margin = the CNN's margin + W * the network's logit (and
      score = its logistic) -> stdout (headers kept, and one "#second-stage" line added:
      the input of experiments/scan_eval.py, scan_boot.py). W = 1 adds the two as
      independent log-odds (chosen before any scan was scored with it); W = 0 gives the scan
      back. Each candidate's features come from its own sequence, structure and mfe
      columns; candidates of `scan --no-score` have none, and then --fold gives their folds
      (`mirlens fold --tsv` of the candidates in file order, as rescore.sh numbers them).
      A candidate without a score keeps none. Only the candidates listed can be re-ranked:
      a scan with --min-score 0 lists them all (with the default, 0.01, best F1 and recall
      at <= 1 FP/Mb came out the same on both scans, AUPRC at most 0.0001 lower).

Features of a candidate's MFE fold (no base composition, so that the fungal and human
background of the negatives cannot be learned as "not a worm"): length; MFE per nt; paired
fraction; longest run of stacked pairs; symmetric-DUST low complexity; number of exterior
branches and of hairpin loops; the share of pairs in the main branch (the one with most
pairs: the image draws one stem and drops the rest of a multi-branch fold); pairs, hairpin
loops, the largest hairpin loop, interior loops, their largest size and summed asymmetry
in the main branch; unpaired nucleotides before and after it. Needs numpy.
"""
import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..")]
from features import dust, helix, pairs_of  # noqa: E402
from scan_eval import opener  # noqa: E402

NAMES = ("len", "mfe_per_nt", "paired_frac", "helix", "dust", "branches", "hairpins",
         "main_frac", "main_pairs", "main_hairpins", "loop", "interior", "interior_max",
         "asym", "end5", "end3")


def children(p, a, b):
    """The pairs closed directly inside (a, b) (a = -1, b = n: the exterior loop's)."""
    out, k = [], a + 1
    while k < b:
        if p[k] > k:
            out.append((k, p[k]))
            k = p[k] + 1
        else:
            k += 1
    return out


def branch(p, i, j):
    """Pairs, hairpin loops, the largest hairpin loop, interior loops, the largest one and
    the summed asymmetry of the branch closed by (i, j)."""
    npair = nhp = loop = nint = intmax = asym = 0
    todo = [(i, j)]
    while todo:
        a, b = todo.pop()
        npair += 1
        inner = children(p, a, b)
        if not inner:
            nhp += 1
            loop = max(loop, b - a - 1)
        elif len(inner) == 1:
            c, d = inner[0]
            l1, l2 = c - a - 1, b - d - 1
            if l1 + l2 > 0:
                nint += 1
                intmax = max(intmax, l1 + l2)
                asym += abs(l1 - l2)
        todo.extend(inner)
    return npair, nhp, loop, nint, intmax, asym


def features(seq, st, mfe):
    n, p = len(seq), pairs_of(st)
    outer = children(p, -1, n)
    tot = sum(1 for x in p if x >= 0) // 2
    best, nhp_all = None, 0
    for a, b in outer:
        br = branch(p, a, b)
        nhp_all += br[1]
        if best is None or br[0] > best[0][0]:
            best = (br, a, b)
    if best is None:
        best = ((0, 0, 0, 0, 0, 0), n // 2, n // 2 - 1)
    (npair, nhp, loop, nint, intmax, asym), a, b = best
    return (n, mfe / n, 2 * tot / n, helix(st, p), dust(seq), len(outer), nhp_all,
            npair / max(1, tot), npair, nhp, loop, nint, intmax, asym, a, n - 1 - b)


def read_fold(path):
    """`mirlens fold --tsv` output -> features (n, F). Cached beside it as PATH.feat.npy
    (used while newer than PATH)."""
    cache = path + ".feat.npy"
    if os.path.exists(cache) and os.path.getmtime(cache) >= os.path.getmtime(path):
        return np.load(cache)
    rows = []
    with open(path) as f:
        next(f)
        for line in f:
            _, s, st, e = line.rstrip("\n").split("\t")
            rows.append(features(s, st, float(e)))
    x = np.array(rows, dtype=np.float64).reshape(-1, len(NAMES))
    np.save(cache, x)
    return x


def auroc(y, s):
    order = np.argsort(s, kind="mergesort")
    r = np.empty(len(s))
    r[order] = np.arange(1, len(s) + 1)
    npos = y.sum()
    return (r[y == 1].sum() - npos * (npos + 1) / 2) / (npos * (len(y) - npos))


def forward(w, x):
    h = np.tanh(x @ w["w1"] + w["b1"])
    return h, (h @ w["w2"] + w["b2"]).ravel()


def train(out, pos, negs, seed, drop):
    rng = np.random.default_rng(seed)
    keep = [i for i, n in enumerate(NAMES) if n not in drop]
    xp, xn = read_fold(pos)[:, keep], np.vstack([read_fold(p) for p in negs])[:, keep]
    x = np.vstack([xp, xn])
    y = np.r_[np.ones(len(xp)), np.zeros(len(xn))]
    mu, sd = x.mean(0), x.std(0) + 1e-9
    x = (x - mu) / sd
    idx = rng.permutation(len(x))
    nv = len(x) // 10
    va, tr = idx[:nv], idx[nv:]
    cw = np.where(y == 1, 0.5 / y[tr].mean(), 0.5 / (1 - y[tr].mean()))
    H = 16
    w = {"w1": rng.normal(0, 1 / np.sqrt(x.shape[1]), (x.shape[1], H)), "b1": np.zeros(H),
         "w2": rng.normal(0, 1 / np.sqrt(H), (H, 1)), "b2": np.zeros(1)}
    m = {k: np.zeros_like(v) for k, v in w.items()}
    v2 = {k: np.zeros_like(v) for k, v in w.items()}
    t, lr, best = 0, 1e-2, (np.inf, None, 0)
    for epoch in range(40):
        perm = rng.permutation(tr)
        for s in range(0, len(perm), 512):
            b = perm[s:s + 512]
            h, z = forward(w, x[b])
            g = (1 / (1 + np.exp(-z)) - y[b]) * cw[b] / cw[b].sum()
            gh = np.outer(g, w["w2"].ravel()) * (1 - h * h)
            grad = {"w2": h.T @ g[:, None], "b2": g.sum(keepdims=True),
                    "w1": x[b].T @ gh, "b1": gh.sum(0)}
            t += 1
            for k in w:
                m[k] = 0.9 * m[k] + 0.1 * grad[k]
                v2[k] = 0.999 * v2[k] + 0.001 * grad[k] ** 2
                w[k] -= lr * (m[k] / (1 - 0.9 ** t)) / (np.sqrt(v2[k] / (1 - 0.999 ** t)) + 1e-8)
        _, z = forward(w, x[va])
        p = np.clip(1 / (1 + np.exp(-z)), 1e-7, 1 - 1e-7)
        loss = -np.sum(cw[va] * (y[va] * np.log(p) + (1 - y[va]) * np.log(1 - p))) / cw[va].sum()
        if loss < best[0]:
            best = (loss, {k: v.copy() for k, v in w.items()}, epoch + 1)
    w = best[1]
    _, z = forward(w, x[va])
    info = {"features": [NAMES[i] for i in keep], "seed": seed, "positives": int(y.sum()),
            "negatives": int(len(y) - y.sum()), "best_epoch": best[2],
            "heldout_loss": round(float(best[0]), 4), "heldout_auroc": round(auroc(y[va], z), 4)}
    print("second_stage: held-out loss %.4f at epoch %d, AUROC %.4f (%d positives, %d negatives)"
          % (best[0], best[2], info["heldout_auroc"], info["positives"], info["negatives"]),
          file=sys.stderr)
    info.update({"mu": mu.tolist(), "sd": sd.tolist()})
    info.update({k: v.tolist() for k, v in w.items()})
    with open(out + ".tmp", "w") as f:  # a key a line
        f.write("{\n%s\n}\n" % ",\n".join(" %s: %s" % (json.dumps(k), json.dumps(v))
                                            for k, v in info.items()))
    os.replace(out + ".tmp", out)


def score(model, cands, weight, fold):
    with open(model) as f:
        d = json.load(f)
    if not set(d["features"]) <= set(NAMES):
        sys.exit("second_stage.py: %s was trained on other features" % model)
    keep = [NAMES.index(n) for n in d["features"]]
    w = {k: np.array(d[k]) for k in ("w1", "b1", "w2", "b2")}
    mu, sd = np.array(d["mu"]), np.array(d["sd"])
    folded = read_fold(fold)[:, keep] if fold else None
    k, added = 0, False
    with opener(cands) as f:
        for line in f:
            if line.startswith("#"):
                if not added and not line.startswith(("#mirlens", "#settings")):
                    sys.stdout.write("#second-stage model=%s weight=%g\n"
                                     % (os.path.basename(model), weight))
                    added = True
                sys.stdout.write(line)
                continue
            c = line.rstrip("\n").split("\t")
            if c[8] != ".":
                if folded is not None:
                    if k >= len(folded):
                        sys.exit("second_stage.py: %s has fewer folds than candidates" % fold)
                    x = folded[k]
                elif c[5] == ".":
                    sys.exit("second_stage.py: %s: candidate %d has no structure (scan "
                             "--no-score? give its folds with --fold)" % (cands, k + 1))
                else:
                    x = np.array(features(c[4], c[5], float(c[6])))[keep]
                _, z = forward(w, ((x - mu) / sd)[None, :])
                mg = float(c[8]) + weight * z[0]
                c[7] = "%.6f" % (1 / (1 + np.exp(-min(max(mg, -700), 700))))
                c[8] = "%.4f" % mg
            k += 1
            sys.stdout.write("\t".join(c) + "\n")
    if folded is not None and k != len(folded):
        sys.exit("second_stage.py: %s has %d candidates, %s %d folds" % (cands, k, fold,
                                                                        len(folded)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("out")
    t.add_argument("pos")
    t.add_argument("neg", nargs="+")
    t.add_argument("--seed", type=int, default=1)
    t.add_argument("--drop", default="", help="features left out (comma list)")
    s = sub.add_parser("score")
    s.add_argument("model")
    s.add_argument("candidates")
    s.add_argument("--weight", type=float, default=1.0)
    s.add_argument("--fold")
    a = ap.parse_args()
    if a.cmd == "train":
        drop = set(a.drop.split(",")) - {""}
        if drop - set(NAMES):
            ap.error("unknown features: %s" % ",".join(sorted(drop - set(NAMES))))
        train(a.out, a.pos, a.neg, a.seed, drop)
    else:
        score(a.model, a.candidates, a.weight, a.fold)


if __name__ == "__main__":
    main()
