#!/usr/bin/env python3
"""Markdown tables from `mirlens explain --determinants` runs (experiments/determinants/run.sh).

  summarize.py [--compact] NAME=DIR ...   one section per run: a table with one row per determinant
  (visible / present counts, the model's margin with vs without it, and per faithful method
  the enrichment of |attribution| in its mask over the context-matched expectation with its
  95% interval, the randomised network's enrichment, the difference with its interval and the
  verdict), then a one-row-per-determinant summary: found by k of the methods / not found /
  cannot be seen by this input / too rare to test. --compact: one table, one row per
  determinant and one column per run (verdict, present/visible, IG's numbers).
"""
import csv, sys

SHORT = {"integrated-gradients": "IG", "occlusion-nt": "occ-nt", "shap": "SHAP",
         "gradient-x-input": "GxI", "mutagenesis": "mut"}


def ci(r, a, lo, hi):
    """'value [lo, hi]' of columns a, lo, hi of row r."""
    return f"{f(r[a])} [{f(r[lo])}, {f(r[hi])}]"


def f(x, nd=2):
    try:
        v = float(x)
    except ValueError:
        return x
    return "–" if v != v else f"{v:.{nd}f}"


def load(d):
    with open(f"{d}/determinants.tsv") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    with open(f"{d}/determinant_scores.tsv") as fh:
        scores = {r["determinant"]: r for r in csv.DictReader(fh, delimiter="\t")}
    return rows, scores


def section(name, d):
    rows, scores = load(d)
    dets = list(dict.fromkeys(r["determinant"] for r in rows))
    methods = list(dict.fromkeys(r["method"] for r in rows))
    by = {(r["determinant"], r["method"], r["model"]): r for r in rows}
    have_ctl = any(r["model"] == "control" for r in rows)
    n = next(iter(scores.values()))["n_hairpins"]
    out = [f"### {name}: {n} hairpins with a placed duplex\n"]
    out.append("Enrichment = share of |attribution| in the determinant's mask / its expectation "
               "(exp: `context` = the mask moved within its structural contexts, `share` = its "
               "share of the drawn nt, for whole regions; 1 = no preference), model [95% CI]; "
               "rnd = the same network with every layer re-drawn; Δ = model − rnd [95% CI, "
               "paired bootstrap]" + ("; ctl = the shuffled-label control [95% CI], Δctl = "
               "model − ctl [95% CI, paired]" if have_ctl else "") + ". `mut`: refolding "
               "mutagenesis (mean |Δmargin| of a position's 3 substitutions) in place of "
               "|attribution|, each network scoring its own mutants.\n")
    head = "| determinant | exp | visible | present | margin with − without [CI] |"
    sep = "|---|---|---|---|---|"
    for m in methods:
        head += f" {SHORT.get(m, m)}: enrichment [CI]; rnd; Δ [CI] |"
        sep += "---|"
    out += [head, sep]
    summary = []
    for det in dets:
        s = scores[det]
        exp = by[(det, methods[0], "model")]["expectation"]
        line = (f"| {det} | {exp} | {s['n_visible']} | {s['n_present']} | "
                f"{f(s['difference'])} [{f(s['ci_lo'])}, {f(s['ci_hi'])}] |")
        verdicts = []
        for m in methods:
            r = by[(det, m, "model")]
            rnd = by.get((det, m, "random-network"))
            v = r["verdict"]
            verdicts.append(v)
            if v in ("cannot be seen by this input",):
                line += " not visible |"
                continue
            if int(r["n"]) == 0:
                line += f" n = 0 ({v}) |"
                continue
            cell = (f" {f(r['enrichment'])} [{f(r['ci_lo'])}, {f(r['ci_hi'])}]; "
                    f"{f(r['random_net_enrichment'])}; {f(r['difference'])} "
                    f"[{f(r['diff_lo'])}, {f(r['diff_hi'])}]")
            if have_ctl:
                c = by.get((det, m, "control"))
                cell += (f"; ctl {ci(c, 'enrichment', 'ci_lo', 'ci_hi')}; Δctl "
                         f"{ci(r, 'control_difference', 'control_diff_lo', 'control_diff_hi')}"
                         if c else "")
            line += cell + f" **{v}** |" if v == "found" else cell + f" {v} |"
        out.append(line)
        img = [v for m, v in zip(methods, verdicts) if m != "mutagenesis"]
        mut = [v for m, v in zip(methods, verdicts) if m == "mutagenesis"]
        verdicts = img or verdicts
        k = sum(v == "found" for v in verdicts)
        if all(v == "cannot be seen by this input" for v in verdicts):
            verdict = "cannot be seen by this input"
        elif all(v in ("too rare to test", "cannot be seen by this input") for v in verdicts):
            verdict = "too rare to test"
        elif k:
            verdict = f"found ({k} of {len(methods)} methods)"
        else:
            verdict = "not found"
        summary.append((det, s["n_visible"], s["n_present"], verdict, mut[0] if mut else "–"))
    out.append("")
    out.append("| determinant | visible | present | verdict (attribution methods) | mutagenesis |")
    out.append("|---|---|---|---|---|")
    out += [f"| {a} | {b} | {c} | {v} | {u} |" for a, b, c, v, u in summary]
    out.append("")
    return "\n".join(out)




def compact(runs):
    """One row per determinant, one column per run: the verdict over the attribution methods,
    IG's enrichment [CI] against the random network's and the control's, the differences with
    their intervals, and the mutagenesis enrichment [CI] with its differences."""
    loaded = [(name, *load(d)) for name, d in runs]
    dets = list(dict.fromkeys(r["determinant"] for r in loaded[0][1]))
    out = ["| determinant | " + " | ".join(n for n, _, _ in loaded) + " |",
           "|---|" + "---|" * len(loaded)]
    for det in dets:
        cells = []
        for _, rows, scores in loaded:
            by = {(r["method"], r["model"]): r for r in rows if r["determinant"] == det}
            methods = [m for m in dict.fromkeys(m for m, _ in by) if m != "mutagenesis"]
            vs = [by[(m, "model")]["verdict"] for m in methods]
            s = scores[det]
            k = sum(v == "found" for v in vs)
            if all(v == "cannot be seen by this input" for v in vs):
                cells.append(f"cannot be seen by this input (visible on {s['n_visible']})")
                continue
            if all(v in ("too rare to test", "cannot be seen by this input") for v in vs):
                head = "too rare to test"
            else:
                head = f"**found** ({k}/{len(methods)})" if k else "not found"
            cell = f"{head}; {s['n_present']}/{s['n_visible']}"
            for m, lab in (("integrated-gradients", "IG"), ("mutagenesis", "mut")):
                r = by.get((m, "model"))
                if not r or int(r["n"]) == 0:
                    continue
                cell += (f"; {lab}{'' if lab == 'IG' else ' ' + r['verdict']} "
                         f"{ci(r, 'enrichment', 'ci_lo', 'ci_hi')} vs rnd "
                         f"{f(r['random_net_enrichment'])}, Δ {ci(r, 'difference', 'diff_lo', 'diff_hi')}")
                if f(r.get("control_enrichment", "nan")) != "–":
                    cell += (f", ctl {f(r['control_enrichment'])}, Δctl "
                             f"{ci(r, 'control_difference', 'control_diff_lo', 'control_diff_hi')}")
            cells.append(cell)
        out.append(f"| {det} | " + " | ".join(cells) + " |")
    return "\n".join(out)


if __name__ == "__main__":
    args = sys.argv[1:]
    runs = [a.rsplit("=", 1) for a in args if a != "--compact"]
    if "--compact" in args:
        print(compact(runs))
    else:
        for name, d in runs:
            print(section(name, d))
