#!/usr/bin/env python3
"""Helpers of build_sets.sh (standard library only).

  select_sets.py plant  SHARED OUT.fa OUT.tsv   miRBase hairpins allowed by the protocol,
                                                each planted in 100 nt of fungal sequence
  select_sets.py pos    PLANTED.tsv CANDIDATES.tsv OUT.fa [all|animal]   per hairpin (of
                                                animals only: animal), the candidate the
                                                scanner extracts from it
  select_sets.py neg    OUT.fa SEED N CANDIDATES.tsv...     candidates, N sampled (0 = all)
  select_sets.py pseudo SHARED OUT.fa           the CDS pseudo-hairpins of the paper's
                                                training sets that are in none of its test sets

The protocol (shared/data/genome/README.md): no hairpin of the genera Caenorhabditis or
Drosophila (held-out genus: the worm chromosome is scanned), none of the human chr22
precursors or with an identical sequence (held-out loci); also kept out, so that the
paper's sets still measure what they measured: every positive of the test sets used by
bench/scoreboard (modhsa_test, hsapseudo_test, deepMiRGene human/whole test and new).
"""
import gzip
import random
import sys

FLANK = 100


def fasta(path):
    op = gzip.open if path.endswith(".gz") else open
    name, desc, seq = None, "", []
    with op(path, "rt") as f:
        for line in f:
            line = line.strip()
            if line.startswith(">"):
                if name is not None:
                    yield name, desc, "".join(seq)
                parts = line[1:].split(None, 1)
                name, desc, seq = parts[0], parts[1] if len(parts) > 1 else "", []
            elif line:
                seq.append(line)
        if name is not None:
            yield name, desc, "".join(seq)


def dna(s):
    return s.upper().replace("U", "T")


def rc(s):
    return s.translate(str.maketrans("ACGT", "TGCA"))[::-1]


TESTS = ("cordero/modhsa_test_%s.fa", "cordero/hsapseudo_test_%s.fa",
         "deepmirgene/human/test_%s.fa", "deepmirgene/whole/test_%s.fa", "deepmirgene/new/%s.fa")


def test_seqs(D, label):
    out = set()
    for f in TESTS:
        for _, _, s in fasta(D + f % label):
            out.add(dna(s))
    return out


def pseudo(shared, out_fa):
    D = shared + "/data/"
    banned = test_seqs(D, "neg")
    seen, n, dropped = set(), 0, 0
    with open(out_fa, "w") as f:
        for src in ("cordero/hsapseudo_train_neg.fa", "cordero/modhsa_train_neg.fa"):
            for name, _, s in fasta(D + src):
                d = dna(s)
                if d in banned:
                    dropped += 1
                elif d not in seen:
                    seen.add(d)
                    f.write(">%s\n%s\n" % (name, s))
                    n += 1
    print("pseudo-hairpins: %d kept, %d dropped (in a paper test set)" % (n, dropped),
          file=sys.stderr)


def plant(shared, out_fa, out_tsv):
    D = shared + "/data/"
    banned = test_seqs(D, "pos")
    chr22 = "".join(s for _, _, s in fasta(D + "genome/hsa_hg19_chr22.fa.gz")).upper()
    held = set()
    for bed in ("hsa_hg19_chr22.mirbase21.bed", "hsa_hg19_chr22.mirgenedb2.bed"):
        for line in open(D + "genome/" + bed):
            c, a, b, n, _, st = line.split()[:6]
            s = chr22[int(a):int(b)]
            held.add(s if st == "+" else rc(s))
            held.add(n.lower())
    fungus = [s.upper() for _, _, s in fasta(D + "genome/umaydis_fungus.fa.gz")]
    fungus = [s for s in fungus if len(s) > 10000]
    rng = random.Random(22)
    kept = dropped_genus = dropped_held = dropped_test = 0
    with open(out_fa, "w") as fa, open(out_tsv, "w") as tsv:
        for name, desc, seq in fasta(D + "mirbase/v21/hairpin.fa.gz"):
            d = dna(seq)
            if "Caenorhabditis" in desc or "Drosophila" in desc:
                dropped_genus += 1
                continue
            if d in held or name.lower() in held:
                dropped_held += 1
                continue
            if d in banned:
                dropped_test += 1
                continue
            while True:  # flanks without N
                g = rng.choice(fungus)
                p = rng.randrange(0, len(g) - 2 * FLANK - 1)
                left, right = g[p:p + FLANK], g[p + FLANK:p + 2 * FLANK]
                if "N" not in left + right:
                    break
            fa.write(">%s\n%s\n" % (name, left + d + right))
            tsv.write("%s\t%d\t%d\n" % (name, FLANK, FLANK + len(d)))
            kept += 1
    print("positives: %d kept; dropped %d (Caenorhabditis/Drosophila), %d (chr22 held out), "
          "%d (in a paper test set)" % (kept, dropped_genus, dropped_held, dropped_test),
          file=sys.stderr)


def rows(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt") as f:
        for line in f:
            if not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


def plant_gene(name):
    """miRBase names plant (and algal) precursor genes MIR, animal ones mir: ath-MIR156a,
    hsa-mir-21. In v21 every "-MIR" ID is of a plant, alga or stramenopile, none of an
    animal or virus."""
    return "-MIR" in name


def pos(planted_tsv, cand, out_fa, which="all"):
    """which = "animal": animal (and animal-virus) precursors only. Plant hairpins are
    longer and more paired (4% of them > 80% paired against 0.2% of animal ones), and a
    model trained with them ranks long, near-perfect genomic inverted repeats first
    (README.md here)."""
    where = {}
    plants = 0
    for line in open(planted_tsv):
        n, a, b = line.split()
        if which == "animal" and plant_gene(n):
            plants += 1
        else:
            where[n] = (int(a), int(b))
    best = {}
    for r in rows(cand):
        n, a, b, st, seq, stem = r[0], int(r[1]), int(r[2]), r[3], r[4], int(r[9])
        if n not in where:
            continue
        ha, hb = where[n]
        if st != "+" or 2 * (min(b, hb) - max(a, ha)) < hb - ha:
            continue
        if n not in best or stem > best[n][0]:
            best[n] = (stem, seq)
    with open(out_fa, "w") as f:
        for n in where:
            if n in best:
                f.write(">%s\n%s\n" % (n, best[n][1]))
    print("positives (%s): %d of %d hairpins give a candidate (%d plant hairpins left out)"
          % (which, len(best), len(where), plants), file=sys.stderr)


def neg(out_fa, seed, n, cands):
    allc = []
    for c in cands:
        tag = c.split("/")[-1].split(".")[0]
        for r in rows(c):
            allc.append(("%s_%s:%s-%s%s" % (tag, r[0], r[1], r[2], r[3]), r[4]))
    if n and n < len(allc):
        allc = random.Random(seed).sample(allc, n)
    with open(out_fa, "w") as f:
        for name, s in allc:
            f.write(">%s\n%s\n" % (name, s))
    print("negatives: %d from %s" % (len(allc), " ".join(cands)), file=sys.stderr)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "plant":
        plant(*sys.argv[2:5])
    elif cmd == "pos":
        pos(*sys.argv[2:6])
    elif cmd == "pseudo":
        pseudo(*sys.argv[2:4])
    elif cmd == "neg":
        neg(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:])
