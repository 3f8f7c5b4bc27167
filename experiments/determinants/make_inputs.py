#!/usr/bin/env python3
"""Inputs for `mirlens explain --determinants` on flanked genomic windows of the known miRBase
loci (docs/findings/determinants.md, experiments/determinants/run.sh).

  make_inputs.py pieces SHARED OUT          genome pieces around every locus (FASTA) + loci.tsv
  make_inputs.py windows SHARED OUT CANDS   the windows and their mature tables:
      OUT/scan.fa + scan_mature.tsv: per locus the scan candidate (mirlens scan, genome model,
          --min-score 0) on the locus's strand overlapping it most (>= 50% of the locus), i.e.
          the window the genome model sees: its stem plus 10-nt flanks;
      OUT/wide.fa + wide_mature.tsv: the miRBase hairpin with WIDE (30) nt of genome on each
          side (the basal UG at -14 and CNNC up to +21 fall inside).
Matures: miRBase v21 mature_positions.tsv (hairpin coordinates), moved onto each window
through the locus's genome coordinates; an arm outside the window is dropped.
"""
import gzip, sys, os

MARGIN = 700  # > 4 x max-span + 2 x flank: a piece holds everything a candidate depends on
WIDE = 30
GENOMES = [("hsa_hg19_chr22", "hsa_hg19_chr22.fa.gz"), ("cel_ce2_chrX", "cel_ce2_chrX.fa.gz")]
COMP = str.maketrans("ACGTUNacgtun", "TGCAANtgcaan")


def read_fasta(path):
    seqs, name, buf = {}, None, []
    with gzip.open(path, "rt") as f:
        for line in f:
            if line.startswith(">"):
                if name:
                    seqs[name] = "".join(buf)
                name, buf = line[1:].split()[0], []
            else:
                buf.append(line.strip())
    if name:
        seqs[name] = "".join(buf)
    return seqs


def loci(shared):
    for tag, fa in GENOMES:
        with open(f"{shared}/data/genome/{tag}.mirbase21.bed") as f:
            for line in f:
                c, s, e, name, _, strand = line.split()[:6]
                yield tag, fa, c, int(s), int(e), name, strand


def revcomp(s):
    return s.translate(COMP)[::-1]


def matures(shared):
    tab = {}
    with gzip.open(f"{shared}/data/mirbase/v21/mature_positions.tsv.gz", "rt") as f:
        for line in f:
            if line.startswith("#"):
                continue
            r = line.rstrip("\n").split("\t")
            tab.setdefault(r[0], []).append(r)
    return tab


def pieces(shared, out):
    genomes, rows = {}, []
    with open(f"{out}/pieces.fa", "w") as fa, open(f"{out}/loci.tsv", "w") as lt:
        lt.write("locus\tgenome\tchrom\tstart\tend\tstrand\tpiece\tpiece_start\n")
        for tag, gfa, c, s, e, name, strand in loci(shared):
            if gfa not in genomes:
                genomes[gfa] = read_fasta(f"{shared}/data/genome/{gfa}")
            g = genomes[gfa][c]
            ps, pe = max(0, s - MARGIN), min(len(g), e + MARGIN)
            piece = f"{name}~{c}~{ps}"
            fa.write(f">{piece}\n{g[ps:pe]}\n")
            lt.write(f"{name}\t{tag}\t{c}\t{s}\t{e}\t{strand}\t{piece}\t{ps}\n")


def write_window(fa, mt, name, seq, off, mat_rows, hp_len):
    """Window seq of locus name: window position = hairpin position + off."""
    kept = 0
    for r in mat_rows:
        if int(r[7]) != hp_len:
            continue
        a, b = int(r[4]) - 1 + off, int(r[5]) - 1 + off
        if a < 0 or b >= len(seq):
            continue
        mt.write("\t".join([name, r[1], r[2], r[3], str(a + 1), str(b + 1), r[6], str(len(seq)),
                            r[8]]) + "\n")
        kept += 1
    if kept:
        fa.write(f">{name}\n{seq}\n")
    return kept


def windows(shared, out, cands):
    mat = matures(shared)
    loc = {}
    with open(f"{out}/loci.tsv") as f:
        next(f)
        for line in f:
            r = line.rstrip("\n").split("\t")
            loc[r[6]] = r
    best = {}
    with open(cands) as f:
        for line in f:
            if line.startswith("#") or line.startswith("chrom"):
                continue
            r = line.rstrip("\n").split("\t")
            piece, cs, ce, strand, seq, score = r[0], int(r[1]), int(r[2]), r[3], r[4], r[7]
            L = loc[piece]
            ps = int(L[7])
            gs, ge = ps + cs, ps + ce  # genome coordinates of the candidate
            s, e = int(L[3]), int(L[4])
            if strand != L[5]:
                continue
            ov = min(ge, e) - max(gs, s)
            if ov < 0.5 * (e - s):
                continue
            key = (ov, float(score) if score != "." else 0.0)
            if piece not in best or key > best[piece][0]:
                best[piece] = (key, gs, ge, seq)
    genomes = {}
    head = "#hairpin_id\thairpin_acc\tmature_id\tmature_acc\tstart_1based\tend_1based\t" \
           "arm_by_position\thairpin_len\tmatch\n"
    n = {"scan": 0, "wide": 0, "loci": len(loc)}
    with open(f"{out}/scan.fa", "w") as sfa, open(f"{out}/scan_mature.tsv", "w") as smt, \
            open(f"{out}/wide.fa", "w") as wfa, open(f"{out}/wide_mature.tsv", "w") as wmt, \
            open(f"{out}/windows.tsv", "w") as wt:
        smt.write(head), wmt.write(head)
        wt.write("locus\tstrand\tlocus_start\tlocus_end\tscan_start\tscan_end\tscan_len\t"
                 "flank5\tflank3\n")
        for piece, L in loc.items():
            name, tag, c, s, e, strand = L[0], L[1], L[2], int(L[3]), int(L[4]), L[5]
            rows = mat.get(name, [])
            if piece in best:
                _, gs, ge, seq = best[piece]
                off = s - gs if strand == "+" else ge - e
                if write_window(sfa, smt, name, seq, off, rows, e - s):
                    n["scan"] += 1
                    f5, f3 = off, (ge - gs) - off - (e - s)
                    wt.write(f"{name}\t{strand}\t{s}\t{e}\t{gs}\t{ge}\t{ge - gs}\t{f5}\t{f3}\n")
            gfa = dict(GENOMES)[tag]
            if gfa not in genomes:
                genomes[gfa] = read_fasta(f"{shared}/data/genome/{gfa}")
            g = genomes[gfa][c]
            ws, we = max(0, s - WIDE), min(len(g), e + WIDE)
            seq = g[ws:we] if strand == "+" else revcomp(g[ws:we])
            off = s - ws if strand == "+" else we - e
            if "N" in seq.upper():
                continue
            n["wide"] += bool(write_window(wfa, wmt, name, seq, off, rows, e - s))
    print(f"make_inputs: {n['loci']} loci; scan windows with a mature placed: {n['scan']}; "
          f"wide windows: {n['wide']}", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1] == "pieces":
        pieces(sys.argv[2], sys.argv[3])
    else:
        windows(sys.argv[2], sys.argv[3], sys.argv[4])
