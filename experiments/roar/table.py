#!/usr/bin/env python3
"""Step 3 of experiments/roar/run.sh: the ROAR tables from the retrainings of step 2.

table.py OUT [PRIOR_TSV]
  OUT/degraded/G/roar.tsv: `mirlens explain --roar` without --epochs (set name, fraction,
  train/test images, erased counts) for each group G (random, occlusion-nt,
  integrated-gradients, ig-randmodel); OUT/models/NAME.kK.sS.row: "epochs best_epoch
  accuracy auroc seconds" of row NAME at fraction K retrained with seed S.
Writes
  OUT/roar.tsv: one line per row and seed (the columns of `explain --roar --epochs` with a
    seed column); drops from the same seed's intact row, random's drop at the same k and
    seed;
  OUT/roar_summary.tsv: one line per row over its seeds: mean and sample sd of accuracy and
    AUROC (what `mirlens explain --roar --plot` draws), the drop from intact paired by seed
    (mean, 95% t interval) and the excess of the drop over random's, paired by seed
    (= random's value minus the row's; mean, 95% t interval over the seeds both have).
PRIOR_TSV (optional): rows of an earlier run with the same recipe on the same sets
(experiments/roar/roar_2026-12-06.tsv: method fraction seed epochs best_epoch accuracy
auroc seconds); a (row, seed) not retrained in OUT is taken from there, marked: column
source of roar.tsv reads "2026-12-06" instead of "run", and the seed lists of
roar_summary.tsv write it "1*". A (row, seed) in both: OUT's counts, and table.py prints
whether the two agree (the reproduction check).
  OUT/roar_summary.md: roar_summary.tsv as a Markdown table (for RESULTS.md).
Rows not retrained yet are left out; an interval needs 2 seeds ('.' otherwise).
Standard library only.
"""
import glob
import math
import os
import sys

# two-sided 95% quantiles of Student's t, by degrees of freedom
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
       9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131,
       20: 2.086, 25: 2.060, 30: 2.042}
ORDER = ("intact", "random", "occlusion-nt", "integrated-gradients", "ig-randmodel")
GROUP = {"intact": ("random", "intact"), "ig-randmodel": ("ig-randmodel", "integrated-gradients")}


def t95(df):
    return T95.get(df) or T95[max(d for d in T95 if d <= df)]


def mean_sd(v):
    m = sum(v) / len(v)
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1)) if len(v) > 1 else float("nan")
    return m, sd


def interval(v):
    """mean, lo, hi of the 95% t interval of the mean (NaN bounds for one value)."""
    m, sd = mean_sd(v)
    if len(v) < 2:
        return m, float("nan"), float("nan")
    h = t95(len(v) - 1) * sd / math.sqrt(len(v))
    return m, m - h, m + h


def erased_counts(out):
    """(row name, fraction) -> (train images, test images, erased train, erased test)."""
    e = {}
    for g in glob.glob(os.path.join(out, "degraded", "*", "roar.tsv")):
        group = os.path.basename(os.path.dirname(g))
        with open(g) as f:
            head = f.readline().rstrip("\n").split("\t")
            for line in f:
                v = dict(zip(head, line.rstrip("\n").split("\t")))
                name = v["method"]
                if group == "ig-randmodel":
                    name = "ig-randmodel" if name != "intact" else None
                elif group != "random" and name == "intact":
                    name = None
                if name:
                    e[(name, v["fraction"])] = (v["train_images"], v["test_images"],
                                                v["erased_train"], v["erased_test"])
    return e


def counts(e, nk):
    """The erased counts of a row; every method erases as many as random at one k (tested
    in tests/cli/roar.sh), so a group not attributed yet reads random's."""
    return e.get(nk) or e.get(("random", nk[1])) or (".",) * 4


def read_rows(out):
    """{(name, fraction): {seed: (epochs, best, accuracy, auroc, seconds)}}."""
    rows = {}
    for p in glob.glob(os.path.join(out, "models", "*.row")):
        base = os.path.basename(p)[:-len(".row")]
        name, rest = base.split(".k", 1)
        k, s = rest.rsplit(".s", 1)
        f = open(p).read().split()
        if len(f) != 5:
            continue
        rows.setdefault((name, k), {})[int(s)] = (f[0], f[1], float(f[2]), float(f[3]), f[4],
                                                  "run")
    return rows


def add_prior(rows, path):
    """(row, seed)s of an earlier run where OUT lacks them; prints the ones both have."""
    tag = os.path.basename(path).rsplit(".", 1)[0].split("_", 1)[-1]
    with open(path) as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            v = dict(zip(head, line.rstrip("\n").split("\t")))
            r = rows.setdefault((v["method"], v["fraction"]), {})
            s = int(v["seed"])
            old = (v["epochs"], v["best_epoch"], float(v["accuracy"]), float(v["auroc"]),
                   v["seconds"], tag)
            if s not in r:
                r[s] = old
                continue
            new = r[s]
            same = "%.4f %.4f" % new[2:4] == "%.4f %.4f" % old[2:4] and old[0] in (".", new[0])
            print("reproduction %s k=%s seed %d: %s epochs %s accuracy %.4f auroc %.4f, "
                  "now epochs %s accuracy %.4f auroc %.4f" %
                  (v["method"], v["fraction"], s, "SAME" if same else "DIFFERENT", old[0],
                   old[2], old[3], new[0], new[2], new[3]))


def key(nk):
    n, k = nk
    return (float(k), ORDER.index(n) if n in ORDER else len(ORDER), n)


def fmt(x):
    return "%.6f" % x if isinstance(x, float) and math.isfinite(x) else "."


def seedlist(v, seeds):
    return ",".join("%d%s" % (s, "*" if v[s][5] != "run" else "") for s in seeds)


def main(out, prior=None):
    e = erased_counts(out)
    rows = read_rows(out)
    if prior:
        add_prior(rows, prior)
    intact = rows.get(("intact", "0.00"), {})
    keys = sorted(rows, key=key)
    with open(os.path.join(out, "roar.tsv.tmp"), "w") as f:
        f.write("method\tfraction\tseed\ttrain_images\ttest_images\terased_train\terased_test\t"
                "epochs\tbest_epoch\taccuracy\tauroc\tdrop_accuracy\tdrop_auroc\t"
                "random_drop_accuracy\trandom_drop_auroc\tseconds\tsource\n")
        for nk in keys:
            rnd = rows.get(("random", nk[1]), {}) if nk[0] != "intact" else intact
            for s in sorted(rows[nk]):
                ep, best, acc, auc, sec, src = rows[nk][s]
                z, r = intact.get(s), rnd.get(s)
                out_ = [nk[0], nk[1], str(s)] + list(counts(e, nk)) + [ep, best]
                out_ += [fmt(acc), fmt(auc)]
                out_ += [fmt(z[2] - acc) if z else ".", fmt(z[3] - auc) if z else "."]
                out_ += [fmt(z[2] - r[2]) if z and r else ".", fmt(z[3] - r[3]) if z and r else "."]
                f.write("\t".join(out_ + [sec, src]) + "\n")
    os.replace(os.path.join(out, "roar.tsv.tmp"), os.path.join(out, "roar.tsv"))

    cols = ["method", "fraction", "seeds", "erased_train", "erased_test"]
    for m in ("accuracy", "auroc"):
        cols += [m + "_mean", m + "_sd"]
    for m in ("accuracy", "auroc"):
        cols += ["drop_%s_%s" % (m, x) for x in ("mean", "lo", "hi")]
        cols += ["excess_%s_%s" % (m, x) for x in ("mean", "lo", "hi")]
    cols.append("excess_seeds")
    with open(os.path.join(out, "roar_summary.tsv.tmp"), "w") as f:
        f.write("\t".join(cols) + "\n")
        for nk in keys:
            v = rows[nk]
            seeds = sorted(v)
            rnd = rows.get(("random", nk[1]), {})
            paired = [s for s in seeds if s in intact]
            vs_rnd = [s for s in seeds if s in rnd] if nk[0] not in ("intact", "random") else []
            line = [nk[0], nk[1], seedlist(v, seeds)] + list(counts(e, nk))[2:]
            for i in (2, 3):
                line += [fmt(x) for x in mean_sd([v[s][i] for s in seeds])]
            for i in (2, 3):
                if nk[0] == "intact" or not paired:
                    line += ["."] * 3
                else:
                    line += [fmt(x) for x in interval([intact[s][i] - v[s][i] for s in paired])]
                if vs_rnd:
                    line += [fmt(x) for x in interval([rnd[s][i] - v[s][i] for s in vs_rnd])]
                else:
                    line += ["."] * 3
            line.append(seedlist(v, vs_rnd) if vs_rnd else ".")
            f.write("\t".join(line) + "\n")
    os.replace(os.path.join(out, "roar_summary.tsv.tmp"), os.path.join(out, "roar_summary.tsv"))
    markdown(out)


def markdown(out):
    """roar_summary.md: mean +- sd per row; drop and excess over random: mean [95% CI]."""
    def ci(v, m):
        if v[m + "_mean"] == ".":
            return "-"
        if v[m + "_lo"] == ".":
            return "%.3f" % float(v[m + "_mean"])
        return "%.3f [%.3f, %.3f]" % tuple(float(v[m + x]) for x in ("_mean", "_lo", "_hi"))

    def msd(v, m):
        sd = "" if v[m + "_sd"] == "." else " +- %.3f" % float(v[m + "_sd"])
        return "%.3f%s" % (float(v[m + "_mean"]), sd)

    with open(os.path.join(out, "roar_summary.tsv")) as f:
        head = f.readline().rstrip("\n").split("\t")
        rows = [dict(zip(head, l.rstrip("\n").split("\t"))) for l in f]
    with open(os.path.join(out, "roar_summary.md.tmp"), "w") as f:
        f.write("| method | k | seeds | accuracy | AUROC | AUROC drop | AUROC drop - random's "
                "| accuracy drop | accuracy drop - random's |\n|---|---|---|---|---|---|---|---|---|\n")
        for v in rows:
            f.write("| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n" % (
                v["method"], v["fraction"][:3] if v["fraction"] != "0.00" else "0",
                v["seeds"], msd(v, "accuracy"), msd(v, "auroc"), ci(v, "drop_auroc"),
                ci(v, "excess_auroc"), ci(v, "drop_accuracy"), ci(v, "excess_accuracy")))
    os.replace(os.path.join(out, "roar_summary.md.tmp"), os.path.join(out, "roar_summary.md"))


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: table.py OUT [PRIOR_TSV]")
    main(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None)
