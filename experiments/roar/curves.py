#!/usr/bin/env python3
"""Step 3 of experiments/roar/run.sh: the ROAR curve from the retrainings of step 2.

curves.py DEGRADED_TSV MODELS_DIR OUT_DIR
  DEGRADED_TSV: roar.tsv of `mirlens explain --roar` without --epochs (method, fraction,
  train/test images, erased counts); MODELS_DIR/M.kK.row: "epochs best_epoch accuracy
  auroc seconds" of each row's `mirlens train` + `mirlens eval`.
Writes OUT_DIR/roar.tsv with the columns `mirlens explain --roar --epochs` writes (drops
from the k = 0 row, the random baseline's drop at the same k) and OUT_DIR/roar_accuracy.svg,
roar_auroc.svg (one line per method from k = 0). Rows not retrained yet read '.'.
Standard library only.
"""
import os
import sys

COLS = ("method fraction train_images test_images erased_train erased_test epochs best_epoch "
        "accuracy auroc drop_accuracy drop_auroc random_drop_accuracy random_drop_auroc "
        "seconds").split()
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd")


def read_rows(tsv, models):
    rows = []
    with open(tsv) as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            v = dict(zip(head, line.rstrip("\n").split("\t")))
            r = {c: v[c] for c in COLS[:6]}
            p = os.path.join(models, "%s.k%s.row" % (r["method"], r["fraction"]))
            if os.path.exists(p):
                e, b, acc, auc, s = open(p).read().split()
                r.update(epochs=e, best_epoch=b, accuracy=float(acc), auroc=float(auc), seconds=s)
            rows.append(r)
    return rows


def fmt(x):
    return "%.6f" % x if isinstance(x, float) else "."


def write_tsv(rows, path):
    zero = next((r for r in rows if r["method"] == "intact"), {})
    rnd = {r["fraction"]: r for r in rows if r["method"] == "random"}
    with open(path + ".tmp", "w") as f:
        f.write("\t".join(COLS) + "\n")
        for r in rows:
            b = zero if r["method"] == "intact" else rnd.get(r["fraction"], {})
            out = [r[c] for c in COLS[:6]] + [r.get("epochs", "."), r.get("best_epoch", ".")]
            out += [fmt(r.get("accuracy")), fmt(r.get("auroc"))]
            for src in (r, b):
                for m in ("accuracy", "auroc"):
                    ok = m in zero and m in src
                    out.append(fmt(zero[m] - src[m]) if ok else ".")
            out.append(r.get("seconds", "."))
            f.write("\t".join(out) + "\n")
    os.replace(path + ".tmp", path)


def write_svg(rows, metric, path):
    """Line chart: x = fraction removed (k = 0 first), one polyline per method."""
    zero = next((r for r in rows if r["method"] == "intact"), {})
    methods = [m for m in dict.fromkeys(r["method"] for r in rows) if m != "intact"]
    xs = sorted({0.0} | {float(r["fraction"]) for r in rows})
    series = []
    for m in methods:
        pts = []
        for x in xs:
            r = zero if x == 0 else next((q for q in rows if q["method"] == m and
                                          float(q["fraction"]) == x), {})
            if metric in r:
                pts.append((x, r[metric]))
        series.append((m, pts))
    ys = [y for _, p in series for _, y in p] or [0.0, 1.0]
    lo, hi = min(ys), max(ys)
    pad = max(0.02, (hi - lo) * 0.1)
    lo, hi = max(0.0, lo - pad), min(1.0, hi + pad)
    if hi <= lo:
        hi = lo + 0.05
    X0, Y0, W, H = 60, 30, 520, 260
    px = lambda x: X0 + (x - xs[0]) / ((xs[-1] - xs[0]) or 1) * W
    py = lambda y: Y0 + H - (y - lo) / (hi - lo) * H
    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="860" height="340" '
         'viewBox="0 0 860 340" font-family="sans-serif">',
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="430" y="18" font-size="14" text-anchor="middle">ROAR: test %s of the '
         'retrained network</text>' % metric,
         '<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#444"/>' % (X0, Y0, W, H)]
    for k in range(6):
        y = lo + (hi - lo) * k / 5
        o.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>' % (X0, X0 + W, py(y), py(y)))
        o.append('<text x="%d" y="%.1f" font-size="10" text-anchor="end">%.3f</text>' % (X0 - 4, py(y) + 4, y))
    for x in xs:
        o.append('<text x="%.1f" y="%d" font-size="10" text-anchor="middle">%g</text>' % (px(x), Y0 + H + 14, x))
    o.append('<text x="%d" y="%d" font-size="11" text-anchor="middle">fraction of drawn nucleotides '
             'removed (train and test)</text>' % (X0 + W // 2, Y0 + H + 34))
    o.append('<g transform="translate(14,%d) rotate(-90)"><text font-size="11" '
             'text-anchor="middle">%s</text></g>' % (Y0 + H // 2, metric))
    for i, (m, pts) in enumerate(series):
        col = PALETTE[i % len(PALETTE)]
        if pts:
            o.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' %
                     (col, " ".join("%.1f,%.1f" % (px(x), py(y)) for x, y in pts)))
        o.append('<line x1="600" x2="625" y1="%d" y2="%d" stroke="%s" stroke-width="2"/>' %
                 (45 + 16 * i, 45 + 16 * i, col))
        o.append('<text x="630" y="%d" font-size="11">%s</text>' % (49 + 16 * i, m))
    o.append("</svg>")
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(o) + "\n")
    os.replace(path + ".tmp", path)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    rows = read_rows(sys.argv[1], sys.argv[2])
    write_tsv(rows, os.path.join(sys.argv[3], "roar.tsv"))
    for metric in ("accuracy", "auroc"):
        write_svg(rows, metric, os.path.join(sys.argv[3], "roar_%s.svg" % metric))


if __name__ == "__main__":
    main()
