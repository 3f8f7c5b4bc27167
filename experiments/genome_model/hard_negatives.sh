#!/usr/bin/env bash
# Issue 22, one hard-negative round: fungal candidates that the genome model calls
# pre-miRNA (margin > 0) are added to the negatives and the model is fine-tuned on them;
# the scans of bench/scan_eval.sh are then re-scored without refolding (their candidates
# keep sequence and structure: `encode --structure-given` + `eval --images`), and scored by
# the protocol. The worm and chr22 scans are only scored, never used for a choice.
#   experiments/genome_model/hard_negatives.sh [SETS_DIR] [SCANS_DIR] [SHARED] [OUT]
# SETS_DIR: build_sets.sh's output; N (default 60000) of the fungal candidates not already
# negatives are drawn (seed 1); EPOCHS (default 2) of fine-tuning at LR (default 3e-4).
# MODEL (default genome): the shipped model models/MODEL.mrlm that picks the hard negatives
# and is fine-tuned, on SETS_DIR/pos.fa (MODEL=genome_animal: pos_animal.fa); the result is
# OUT/MODEL_hn.mrlm.
set -euo pipefail
SETS=${1:-experiments/genome_model/sets}
SCANS=${2:-bench/out/scan_eval}
S=${3:-${MIRLENS_SHARED:-../shared}}
O=${4:-experiments/out/hard_negatives}
M=${MIRLENS:-./mirlens}
PY=${PYTHON:-python3}
N=${N:-60000}
EPOCHS=${EPOCHS:-2}
LR=${LR:-3e-4}
B=${MODEL:-genome}
POS=$SETS/pos.fa
[ "$B" != genome_animal ] || POS=$SETS/pos_animal.fa
mkdir -p "$O"
# 1. the pool: fungal candidates that are not negatives yet, N drawn
[ -s "$O/pool.fa" ] || "$PY" - "$SETS/umaydis_fungus.candidates.tsv" "$SETS/neg_fungus.fa" "$N" \
    "$O/pool.fa" <<'PY'
import random, sys
cands, used, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
have = {l[1:].strip() for l in open(used) if l.startswith(">")}
rows = []
for line in open(cands):
    if line.startswith("#"):
        continue
    f = line.rstrip("\n").split("\t")
    name = "umaydis_fungus_%s:%s-%s%s" % (f[0], f[1], f[2], f[3])
    if name not in have:
        rows.append((name, f[4]))
random.Random(1).shuffle(rows)
with open(out, "w") as fo:
    for name, seq in sorted(rows[:n]):
        fo.write(">%s\n%s\n" % (name, seq))
print("pool: %d of %d unused fungal candidates" % (min(n, len(rows)), len(rows)), file=sys.stderr)
PY
# 2. scored by the model; the ones it calls pre-miRNA are the hard negatives
[ -s "$O/pool.$B.tsv" ] ||
    "$M" predict -q -j 2 -m "models/$B.mrlm" "$O/pool.fa" > "$O/pool.$B.tsv"
awk -F'\t' 'NR > 1 && $6 != "" && $6 + 0 > 0 { print $1 }' "$O/pool.$B.tsv" > "$O/hard.$B.ids"
awk 'NR == FNR { k[">" $1] = 1; next } /^>/ { p = ($1 in k) } p' "$O/hard.$B.ids" \
    "$O/pool.fa" > "$O/hard.$B.fa"
echo "hard negatives: $(grep -c '>' "$O/hard.$B.fa") of $(grep -c '>' "$O/pool.fa")" >&2
# 3. fine-tuning from the shipped model on the old sets + the hard negatives
[ -s "$O/${B}_hn.mrlm" ] ||
    "$M" train --init "models/$B.mrlm" --pos "$POS" --neg "$SETS/neg.fa" \
        --neg "$O/hard.$B.fa" --val-split 0.05 --epochs "$EPOCHS" --lr "$LR" \
        --class-weight balanced --precision bf16 -j 2 --seed 1 -o "$O/${B}_hn.mrlm"
# 4. the scans re-scored by both models, without refolding, and scored by the protocol
MIRLENS_SHARED=$S MIRLENS=$M PYTHON=$PY bash "$(dirname "$0")/rescore.sh" "$SCANS" "$O" \
    "models/$B.mrlm" "$O/${B}_hn.mrlm"
