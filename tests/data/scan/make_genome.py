#!/usr/bin/env python3
"""Make genome.fa, the small test genome of tests/cli/scan.sh (committed; rerun to rebuild).

Three records of seeded random DNA with known hairpins from examples/hairpins.fa planted
on both strands, a run of N, soft-masked (lowercase) stretches and IUPAC letters.
planted.bed lists the planted hairpins (BED6, 0-based, + strand coordinates).
"""
import random

rng = random.Random(20261206)
hp = {}
name = None
for line in open("../../../examples/hairpins.fa"):
    line = line.strip()
    if line.startswith(">"):
        name = line[1:].split()[0]
        hp[name] = ""
    elif name:
        hp[name] += line.upper().replace("U", "T")

comp = {"A": "T", "C": "G", "G": "C", "T": "A"}


def rc(s):
    return "".join(comp[c] for c in reversed(s))


def rand(n):
    return "".join(rng.choice("AACGTT") for _ in range(n))


records, planted = [], []


def plant(parts):
    seq = ""
    for p in parts:
        if isinstance(p, int):
            seq += rand(p)
        elif p[0] == "N":
            seq += "N" * p[1]
        elif p[0] == "mask":
            seq += p[1].lower()
        else:
            strand, key = p
            h = hp[key] if strand == "+" else rc(hp[key])
            planted.append((len(seq), len(seq) + len(h), key, strand))
            seq += h
    return seq


chrA = plant([1500, ("+", "hsa-let-7a-1"), 2500, ("-", "hsa-mir-21"), 800, ("N", 400), 900,
              ("+", "hsa-mir-155"), 1200, ("mask", rand(300)), 700])
recA = [(s, e, k, st) for s, e, k, st in planted]
planted.clear()
chrB = plant([700, ("-", "hsa-let-7b"), 1800, ("+", "hsa-mir-125a"), 600])
chrB = chrB[:900] + "RYKM" + chrB[904:]  # IUPAC letters in random sequence
recB = list(planted)
chrC = rand(60)

with open("genome.fa", "w") as f:
    for name, seq in (("chrA", chrA), ("chrB desc words", chrB), ("chrC", chrC)):
        f.write(">%s\n" % name)
        for i in range(0, len(seq), 70):
            f.write(seq[i:i + 70] + "\n")
with open("planted.bed", "w") as f:
    for chrom, rows in (("chrA", recA), ("chrB", recB)):
        for s, e, k, st in rows:
            f.write("%s\t%d\t%d\t%s\t0\t%s\n" % (chrom, s, e, k, st))
