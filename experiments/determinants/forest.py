#!/usr/bin/env python3
"""Forest plot (SVG) of the determinants' enrichments from `mirlens explain --determinants`.

  forest.py [--methods LIST] [--title TEXT] -o OUT.svg NAME=DIR ...

One panel per run (NAME=DIR, DIR holding determinants.tsv) and method (default
integrated-gradients,mutagenesis), one row per determinant: the enrichment on the verdict's
expectation with its bootstrap 95% interval for the model (black), the network with every
layer re-drawn (grey) and the shuffled-label control (orange) where the run has one, on a
log axis with 1 (no preference) marked. A filled model dot: the verdict is "found"; hollow:
not found; rows the input cannot show (or with fewer than 3 hairpins) carry a note
instead, and rows with fewer than min_n hairpins ("too rare to test") are drawn faint. The hairpins averaged (n) stand at the right of each row. Python standard library
only.
"""
import csv, math, sys

NETS = [("model", "#000000", "model"), ("random-network", "#8c8c8c", "random network"),
        ("control", "#e07b00", "shuffled-label control")]
SHORT = {"integrated-gradients": "IG", "occlusion-nt": "occlusion-nt", "shap": "SHAP",
         "gradient-x-input": "gradient x input", "mutagenesis": "mutagenesis (refolded)"}
LABEL_W, PANEL_W, ROW_H, TOP, PAD = 150, 250, 24, 92, 18
LO, HI = 0.25, 4.0  # the axis (log scale); intervals beyond are clipped with an arrow


def num(x):
    try:
        v = float(x)
    except (TypeError, ValueError):
        return math.nan
    return v


def load(d):
    with open(f"{d}/determinants.tsv") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def xpos(x0, v):
    v = min(max(v, LO), HI)
    return x0 + PAD + (PANEL_W - 2 * PAD - 30) * (math.log(v / LO) / math.log(HI / LO))


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def panel(out, x0, rows, dets, title):
    y_end = TOP + ROW_H * len(dets)
    for k, line in enumerate(title):
        weight = ' font-weight="bold"' if k else ""
        out.append(f'<text x="{x0 + PANEL_W / 2:.1f}" y="{TOP - 56 + 15 * k}" '
                   f'text-anchor="middle"{weight}>{esc(line)}</text>')
    for t in (0.25, 0.5, 1, 2, 4):
        x = xpos(x0, t)
        dash = "" if t == 1 else ' stroke-dasharray="2,3"'
        col = "#444" if t == 1 else "#ccc"
        out.append(f'<line x1="{x:.1f}" y1="{TOP - 10}" x2="{x:.1f}" y2="{y_end}" '
                   f'stroke="{col}"{dash}/>')
        out.append(f'<text x="{x:.1f}" y="{TOP - 16}" text-anchor="middle" font-size="10">'
                   f'{t:g}</text>')
    for i, det in enumerate(dets):
        yc = TOP + ROW_H * i + ROW_H / 2
        m = rows.get((det, "model"))
        if m is None:
            continue
        n = int(m["n"]) if m["n"].isdigit() else 0
        verdict = m["verdict"]
        out.append(f'<text x="{x0 + PANEL_W - 8}" y="{yc + 4:.1f}" text-anchor="end" '
                   f'font-size="10" fill="#555">{n}</text>')
        rare = verdict == "too rare to test"
        if verdict == "cannot be seen by this input" or n < 3:
            note = "not visible" if verdict.startswith("cannot") else f"too rare (n = {n})"
            out.append(f'<text x="{xpos(x0, 1):.1f}" y="{yc + 4:.1f}" text-anchor="middle" '
                       f'font-size="10" fill="#999">{note}</text>')
            continue
        if rare:  # drawn faint: fewer hairpins than a verdict needs
            out.append(f'<text x="{x0 + PANEL_W - 26}" y="{yc + 4:.1f}" text-anchor="end" '
                       f'font-size="9" fill="#999">rare</text>')
            out.append('<g opacity="0.35">')
        for k, (net, col, _) in enumerate(NETS):
            r = rows.get((det, net))
            if r is None:
                continue
            e, lo, hi = num(r["enrichment"]), num(r["ci_lo"]), num(r["ci_hi"])
            if not math.isfinite(e):
                continue
            y = yc + (k - 1) * 6
            if math.isfinite(lo) and math.isfinite(hi):
                xl, xh = xpos(x0, lo), xpos(x0, hi)
                out.append(f'<line x1="{xl:.1f}" y1="{y:.1f}" x2="{xh:.1f}" y2="{y:.1f}" '
                           f'stroke="{col}" stroke-width="1.5"/>')
                for v, xe, sgn in ((lo, xl, -1), (hi, xh, 1)):
                    if v < LO or v > HI:
                        out.append(f'<path d="M{xe:.1f},{y:.1f} l{-sgn * 5},-3 v6 z" '
                                   f'fill="{col}"/>')
            fill = col if (net != "model" or verdict == "found") else "#ffffff"
            out.append(f'<circle cx="{xpos(x0, e):.1f}" cy="{y:.1f}" r="3.2" fill="{fill}" '
                       f'stroke="{col}" stroke-width="1.3"/>')
        if rare:
            out.append('</g>')


def main(argv):
    methods = ["integrated-gradients", "mutagenesis"]
    out_path, title, runs = None, None, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--methods":
            methods, i = argv[i + 1].split(","), i + 2
        elif a == "--title":
            title, i = argv[i + 1], i + 2
        elif a == "-o":
            out_path, i = argv[i + 1], i + 2
        else:
            runs.append(a.rsplit("=", 1))
            i += 1
    if not out_path or not runs or any(len(r) != 2 for r in runs):
        sys.exit(__doc__)
    loaded = [(name, load(d)) for name, d in runs]
    dets = list(dict.fromkeys(r["determinant"] for r in loaded[0][1]))
    panels = [(name, m, {(r["determinant"], r["model"]): r for r in rows if r["method"] == m})
              for name, rows in loaded for m in methods]
    panels = [p for p in panels if p[2]]
    width = LABEL_W + PANEL_W * len(panels) + 10
    height = TOP + ROW_H * len(dets) + 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" '
           f'font-size="12">', f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    if title:
        out.append(f'<text x="8" y="20" font-weight="bold" font-size="14">{esc(title)}</text>')
    for i, det in enumerate(dets):
        yc = TOP + ROW_H * i + ROW_H / 2
        if i % 2 == 0:
            out.append(f'<rect x="0" y="{yc - ROW_H / 2:.1f}" width="{width}" height="{ROW_H}" '
                       f'fill="#f4f4f4"/>')
        out.append(f'<text x="{LABEL_W - 8}" y="{yc + 4:.1f}" text-anchor="end">{esc(det)}</text>')
    for k, (name, m, rows) in enumerate(panels):
        panel(out, LABEL_W + k * PANEL_W, rows, dets, (name, SHORT.get(m, m)))
    y = TOP + ROW_H * len(dets) + 22
    x = 8
    for net, col, label in NETS:
        if not any((d, net) in p[2] for p in panels for d in dets):
            continue
        out.append(f'<circle cx="{x + 5}" cy="{y - 4}" r="3.5" fill="{col}"/>')
        out.append(f'<text x="{x + 14}" y="{y}">{label}</text>')
        x += 30 + 7 * len(label)
    out.append(f'<text x="{x}" y="{y}" fill="#555">enrichment over the expectation '
               f'(log axis), bootstrap 95% interval; hollow: not found; faint: too rare to test; right: n hairpins</text>')
    out.append("</svg>")
    with open(out_path, "w") as fh:
        fh.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
