#!/usr/bin/python3
"""Concept x layer heat maps of `mirlens explain --concepts` runs, one panel per run, as one
SVG (stdlib only): each cell is a concept at a layer, coloured by its statistic (tcav_mean
of concepts.tsv: with --statistic derivative, the mean directional derivative of the margin
along the concept's CAV) on a diverging scale (blue negative, red positive), written in the
cell; significant cells (verdict "significant", BH q < alpha) have a black frame and a
star; untested cells (too few hairpins with or without the concept) are grey.

The colour saturates at the panel's 90th percentile of |statistic| over its tested cells
(the high-score control runs far above the determinants; the number in the cell is exact).

    /usr/bin/python3 experiments/concepts/heatmap.py OUT.svg "TITLE=DIR/concepts.tsv" ...
"""
import csv
import math
import sys

CELL_W, CELL_H, LABEL_W, TOP, GAP = 54, 20, 150, 58, 28


def load(path):
    rows = list(csv.DictReader(open(path), delimiter="\t"))
    concepts, layers = [], []
    for r in rows:
        if r["concept"] not in concepts:
            concepts.append(r["concept"])
        if int(r["layer"]) not in layers:
            layers.append(int(r["layer"]))
    cell = {(r["concept"], int(r["layer"])): r for r in rows}
    return concepts, sorted(layers), cell


def number(s):
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def colour(v, cap):
    """White at 0 to red (+cap) or blue (-cap), linear in |v| / cap, saturating."""
    t = min(1.0, abs(v) / cap) if cap > 0 else 0.0
    end = (202, 0, 32) if v > 0 else (5, 113, 176)
    rgb = [round(255 + (e - 255) * t) for e in end]
    return "#%02x%02x%02x" % tuple(rgb)


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text(x, y, s, size=11, anchor="start", weight="normal", fill="black"):
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{fill}" font-family="DejaVu Sans,Arial,sans-serif">'
            f"{esc(s)}</text>")


def panel(x0, title, path):
    concepts, layers, cell = load(path)
    vals = sorted(abs(number(r["tcav_mean"])) for r in cell.values()
                  if r["verdict"] != "untested" and number(r["tcav_mean"]) is not None)
    cap = vals[int(0.9 * (len(vals) - 1))] if vals else 1.0
    out = [text(x0, 18, title, 13, weight="bold"),
           text(x0 + LABEL_W + len(layers) * CELL_W / 2, TOP - 24, "layer", 11, "middle")]
    for j, layer in enumerate(layers):
        out.append(text(x0 + LABEL_W + (j + 0.5) * CELL_W, TOP - 6, str(layer), 11, "middle", "bold"))
    for i, c in enumerate(concepts):
        y = TOP + i * CELL_H
        out.append(text(x0 + LABEL_W - 6, y + 14, c, 11, "end"))
        for j, layer in enumerate(layers):
            x = x0 + LABEL_W + j * CELL_W
            r = cell.get((c, layer))
            v = number(r["tcav_mean"]) if r else None
            if r is None or r["verdict"] == "untested" or v is None:
                out.append(f'<rect x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" '
                           f'fill="#dddddd" stroke="white"/>')
                out.append(text(x + CELL_W / 2, y + 14, "n/a", 9, "middle", fill="#666666"))
                continue
            sig = r["verdict"] == "significant"
            out.append(f'<rect x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" '
                       f'fill="{colour(v, cap)}" stroke="white"/>')
            if sig:
                out.append(f'<rect x="{x + 1.5}" y="{y + 1.5}" width="{CELL_W - 3}" '
                           f'height="{CELL_H - 3}" fill="none" stroke="black" stroke-width="2"/>')
            light = abs(v) > 0.65 * cap
            out.append(text(x + CELL_W / 2, y + 14, f"{v:.3g}" + ("*" if sig else ""), 10,
                            "middle", "bold" if sig else "normal", "white" if light else "black"))
    h = TOP + len(concepts) * CELL_H
    # colour bar: -cap .. +cap
    bar_y, bar_w = h + 16, len(layers) * CELL_W
    bx = x0 + LABEL_W
    for k in range(40):
        v = -cap + 2 * cap * (k + 0.5) / 40
        out.append(f'<rect x="{bx + k * bar_w / 40:.1f}" y="{bar_y}" width="{bar_w / 40 + 0.5:.1f}" '
                   f'height="10" fill="{colour(v, cap)}"/>')
    out.append(text(bx, bar_y + 24, f"{-cap:.3g}", 10, "start"))
    out.append(text(bx + bar_w / 2, bar_y + 24, "0", 10, "middle"))
    out.append(text(bx + bar_w, bar_y + 24, f"{cap:.3g}", 10, "end"))
    return out, LABEL_W + len(layers) * CELL_W, bar_y + 32


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    parts, x, H = [], 10, 0
    for spec in argv[2:]:
        title, _, path = spec.rpartition("=")
        out, w, h = panel(x, title, path)
        parts += out
        x += w + GAP
        H = max(H, h)
    parts.append(text(10, H + 12, "colour: the cell's statistic (mean directional derivative of "
                      "the margin along the CAV), saturating at the panel's 90th percentile", 10))
    parts.append(text(10, H + 26, "of |statistic|; * framed: significant (BH q < 0.05 against "
                      "random concepts); grey: untested (too few hairpins with or without it)", 10))
    H += 36
    W = max(x - GAP + 10, 620)
    with open(argv[1], "w") as f:
        f.write(f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
                f'viewBox="0 0 {W} {H}">\n<rect width="100%" height="100%" fill="white"/>\n')
        f.write("\n".join(parts))
        f.write("\n</svg>\n")


if __name__ == "__main__":
    main(sys.argv)
