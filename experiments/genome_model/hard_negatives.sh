#!/usr/bin/env bash
# Issue 22, hard-negative rounds: fungal candidates that a genome model calls pre-miRNA
# (margin > 0) are added to the negatives and the model is fine-tuned on them; each round
# draws new candidates and starts from the previous round's model. The last round's model
# is the shipped models/genome.mrlm (models/train_genome.sh).
#   experiments/genome_model/hard_negatives.sh SETS_DIR INIT OUT [SCANS_DIR]
# SETS_DIR: build_sets.sh's output. INIT: the model to start from (train_genome.sh: the
# animal model trained from scratch). OUT/hn1.mrlm, OUT/hn2.mrlm: the rounds' models.
#  round 1: N (default 60000) of the fungal candidates of SETS_DIR that are not negatives
#           yet, drawn (seed 1); scored by INIT (`predict`, refolded);
#  round 2: every other candidate of the fungus that `scan` keeps (repeat filter on, as
#           in use); scored by hn1.
# Each round fine-tunes for EPOCHS (default 2) at LR (default 3e-4) on the positives POS
# (default SETS_DIR/pos_animal.fa), SETS_DIR/neg.fa and every round's hard negatives so far.
# SCANS_DIR (bench/scan_eval.sh's output), when given: its worm and chr22 scans are
# re-scored by INIT and each round's model (rescore.sh) and scored by the protocol; they
# are only scored, never used for a choice. Steps whose output exists are skipped.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: hard_negatives.sh SETS_DIR INIT OUT [SCANS_DIR]" >&2; exit 2; }
SETS=$1 INIT=$2 O=$3 SCANS=${4:-}
S=${MIRLENS_SHARED:-../shared}
M=${MIRLENS:-./mirlens}
PY=${PYTHON:-python3}
N=${N:-60000}
EPOCHS=${EPOCHS:-2}
LR=${LR:-3e-4}
POS=${POS:-$SETS/pos_animal.fa}
mkdir -p "$O"
# the pools: FASTA of fungal candidates named as build_sets.sh names them, none already a
# negative (nor, for round 2, in round 1's pool)
pool() { # CANDIDATES N|all OUT EXCLUDE.fa...
    "$PY" - "$@" <<'PY'
import random, sys
cands, n, out, used = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
have = set()
for f in used:
    have |= {l[1:].strip() for l in open(f) if l.startswith(">")}
rows = []
for line in open(cands):
    if line.startswith("#"):
        continue
    f = line.rstrip("\n").split("\t")
    name = "umaydis_fungus_%s:%s-%s%s" % (f[0], f[1], f[2], f[3])
    if name not in have:
        rows.append((name, f[4]))
if n != "all":
    random.Random(1).shuffle(rows)
    rows = sorted(rows[:int(n)])
with open(out + ".tmp", "w") as fo:
    for name, seq in rows:
        fo.write(">%s\n%s\n" % (name, seq))
print("pool: %d of the fungal candidates not used yet" % len(rows), file=sys.stderr)
PY
    mv "$3.tmp" "$3"
}
[ -s "$O/pool1.fa" ] ||
    pool "$SETS/umaydis_fungus.candidates.tsv" "$N" "$O/pool1.fa" "$SETS/neg_fungus.fa"
if [ ! -s "$O/pool2.fa" ]; then
    [ -s "$O/fungus.candidates.tsv" ] ||
        "$M" scan -q --no-score "$S/data/genome/umaydis_fungus.fa.gz" -o "$O/fungus"
    pool "$O/fungus.candidates.tsv" all "$O/pool2.fa" "$SETS/neg_fungus.fa" "$O/pool1.fa"
fi
prev=$INIT negs=(--neg "$SETS/neg.fa")
for r in 1 2; do
    # the pool scored by the previous model; the ones it calls pre-miRNA are hard negatives
    if [ ! -s "$O/pool$r.tsv" ]; then
        "$M" predict -q -j 2 -m "$prev" "$O/pool$r.fa" > "$O/pool$r.tsv.tmp"
        mv "$O/pool$r.tsv.tmp" "$O/pool$r.tsv"
    fi
    awk -F'\t' 'NR > 1 && $6 != "" && $6 + 0 > 0 { print ">" $1 }' "$O/pool$r.tsv" |
        awk 'NR == FNR { k[$1] = 1; next } /^>/ { p = ($1 in k) } p' - "$O/pool$r.fa" \
            > "$O/hard$r.fa"
    echo "round $r: $(grep -c '>' "$O/hard$r.fa") hard negatives of $(grep -c '>' "$O/pool$r.fa")" >&2
    negs+=(--neg "$O/hard$r.fa")
    [ -s "$O/hn$r.mrlm" ] ||
        "$M" train --init "$prev" --pos "$POS" "${negs[@]}" --val-split 0.05 \
            --epochs "$EPOCHS" --lr "$LR" --class-weight balanced --precision bf16 -j 2 \
            --seed 1 -o "$O/hn$r.mrlm"
    prev=$O/hn$r.mrlm
done
[ -z "$SCANS" ] || MIRLENS_SHARED=$S MIRLENS=$M PYTHON=$PY bash "$(dirname "$0")/rescore.sh" \
    "$SCANS" "$O" "$INIT" "$O/hn1.mrlm" "$O/hn2.mrlm"
