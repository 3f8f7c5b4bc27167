#!/usr/bin/env python3
"""Precision-recall curves of scans (scan_eval.py --curve files) in one SVG. Precision on a
log scale (1e-4 to 1): in a genome scan it spans orders of magnitude.

    pr_svg.py OUT.svg TITLE LABEL=CURVE.tsv [LABEL=CURVE.tsv ...]
"""
import math
import sys

LOGMIN = -4


def ypos(p):
    return (max(math.log10(p), LOGMIN) - LOGMIN) / -LOGMIN if p > 0 else 0.0

W, H, L, B = 520, 380, 60, 50
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]


def main():
    out, title, series = sys.argv[1], sys.argv[2], sys.argv[3:]
    pw, ph = W - L - 20, H - B - 40
    # precision on a log axis
    s = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
         'font-size="12">' % (W, H), '<rect width="100%" height="100%" fill="white"/>',
         '<text x="%d" y="20" font-size="14">%s</text>' % (L, title)]
    x0, y0 = L, 30 + ph
    for i in range(6):
        v = i / 5
        s.append('<text x="%.1f" y="%d" text-anchor="middle">%.1f</text>' % (x0 + v * pw, y0 + 16, v))
    for e in range(LOGMIN, 1):
        v = ypos(10.0 ** e)
        s.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (x0, y0 - v * ph, x0 + pw, y0 - v * ph))
        s.append('<text x="%d" y="%.1f" text-anchor="end">%g</text>' % (x0 - 5, y0 - v * ph + 4, 10.0 ** e))
    s.append('<rect x="%d" y="30" width="%d" height="%d" fill="none" stroke="black"/>' % (x0, pw, ph))
    s.append('<text x="%.1f" y="%d" text-anchor="middle">recall (loci)</text>' % (x0 + pw / 2, y0 + 34))
    s.append('<text transform="translate(16,%.1f) rotate(-90)" text-anchor="middle">precision (loci, log scale)</text>' % (30 + ph / 2))
    for k, spec in enumerate(series):
        label, path = spec.split("=", 1)
        pts = []
        for line in open(path):
            f = line.split("\t")
            if f[0] == "margin":
                continue
            pts.append((float(f[1]), float(f[2])))
        c = COLOURS[k % len(COLOURS)]
        d = " ".join("%.1f,%.1f" % (x0 + r * pw, y0 - ypos(p) * ph) for r, p in pts)
        s.append('<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>' % (c, d))
        s.append('<text x="%d" y="%d" fill="%s">%s</text>' % (x0 + pw - 200, 50 + 16 * k, c, label))
    s.append("</svg>")
    open(out, "w").write("\n".join(s) + "\n")


if __name__ == "__main__":
    main()
