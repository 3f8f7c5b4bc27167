#!/usr/bin/env bash
# Trains the second stage of second_stage.py (a small network on fold features the hairpin
# image holds badly) on the training sets of models/genome_scratch.mrlm: the animal
# positives, the negatives and both hard-negative rounds of models/train_genome.sh, each
# folded as `mirlens fold --tsv` folds (about 6 minutes on 2 cores, most of it folding;
# the training itself is seeded numpy, about a minute).
#   experiments/genome_model/second_stage.sh SETS_DIR [OUT.json]
# SETS_DIR: train_genome.sh's genome_sets (pos_animal.fa, neg.fa, hard_negatives/hard*.fa);
# OUT.json defaults to experiments/genome_model/genome_features.json, what
# bench/scan_eval.sh scores with. The folds are kept in SETS_DIR/second_stage.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: second_stage.sh SETS_DIR [OUT.json]" >&2; exit 2; }
W=$1
OUT=${2:-experiments/genome_model/genome_features.json}
M=${MIRLENS:-./mirlens}
PY=${PYTHON:-/usr/bin/python3}
F=$W/second_stage
mkdir -p "$F"
for s in pos_animal neg hard_negatives/hard1 hard_negatives/hard2; do
    f=$F/$(basename "$s").fold.tsv
    [ -s "$f" ] || { "$M" fold -q --tsv -j 2 "$W/$s.fa" > "$f.tmp" && mv "$f.tmp" "$f"; }
done
"$PY" "$(dirname "$0")/second_stage.py" train "$OUT" "$F/pos_animal.fold.tsv" \
    "$F/neg.fold.tsv" "$F/hard1.fold.tsv" "$F/hard2.fold.tsv"
