#!/usr/bin/env bash
# Issue 26 R: ROAR (RemOve And Retrain; Hooker, Erhan, Kindermans & Kim 2019) on the paper's
# human set. The shipped model attributes every training and test hairpin with integrated
# gradients and occlusion-nt (the two most faithful methods, docs/FINDINGS.md) and orders
# it at random for the baseline; the top k in {0.1, 0.3, 0.5} of each hairpin's drawn
# nucleotides by |attribution| (explain --roar's default --rank magnitude) are erased to
# white in the training AND the test images; a fresh network is
# trained on each degraded training set with one recipe and scored on the degraded test
# set; k = 0 (the intact images) is the reference of the drops.
#
# Data: the recovered sequences of cordero/modhsa_train_{pos,neg}.fa (1,281 + 721: the
# negatives the image set holds but no sequence was recovered for are absent, so the k = 0
# network is not the paper's) and modhsa_test_{pos,neg}.fa (549 + 287). They are folded
# and drawn (RNAfold 2.1.3 tables) because the erasure needs each image's column map.
# Recipe, the same for every row (= mrl_roar_train_opts_default, what `explain --roar
# --epochs` runs in one process; tests/cli/roar.sh checks that both give the same numbers):
# the paper's network (k = 3) from scratch as models/train_default.sh --no-pretrain: Adam
# lr 1e-3, 10% of the training images held out (stratified), early stopping with patience
# EARLY (default 8) on validation loss and the best epoch kept, at most EPOCHS (default
# 100) epochs, seed SEED (default 1), f32.
#
# Three resumable steps (a step whose output exists is skipped; rerun to go on):
#  1. OUT/degraded/: `mirlens explain --roar` without --epochs: the degraded image sets
#     (sets/M.kK.{train,test}.*) and roar.tsv with the erased counts (the long step: IG
#     with 64 steps and occlusion-nt over 2,838 hairpins);
#  2. OUT/models/M.kK.{mrlm,train.log,row}: one `mirlens train` + `mirlens eval` per row,
#     JOBS (default 1) at a time with THREADS (default 2) threads each;
#  3. OUT/roar.tsv (the columns of `explain --roar --epochs`) and the charts
#     OUT/roar_{accuracy,auroc}.svg (curves.py), copied into experiments/roar/.
# Usage: experiments/roar/run.sh [SHARED_DIR] [OUT_DIR]; MODEL (default
# models/default.mrlm), EPOCHS, EARLY, SEED, JOBS, THREADS from the environment. The log
# is OUT/run.log.
# The body is one function, read whole before it runs, so that editing this file during a
# run (hours) cannot change what the run does.
set -euo pipefail
main() {
S=${1:-${MIRLENS_SHARED:-../shared}}
O=${2:-experiments/out/roar}
M=${MIRLENS:-./mirlens}
PY=${PYTHON:-python3}
MODEL=${MODEL:-models/default.mrlm}
EPOCHS=${EPOCHS:-100}
EARLY=${EARLY:-8}
SEED=${SEED:-1}
JOBS=${JOBS:-1}
THREADS=${THREADS:-2}
C=$S/data/cordero
D=$(dirname "$0")
for f in modhsa_train_pos modhsa_train_neg modhsa_test_pos modhsa_test_neg; do
    [ -s "$C/$f.fa" ] || { echo "run.sh: $C/$f.fa missing" >&2; exit 77; }
done
mkdir -p "$O/models"
log() { echo "# $(date -u +%FT%TZ) $*" >> "$O/run.log"; }
log "$(git rev-parse --short HEAD 2>/dev/null || echo '?') MODEL=$MODEL EPOCHS=$EPOCHS EARLY=$EARLY" \
    "SEED=$SEED cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"

# 1. attribution and the degraded sets
if [ ! -s "$O/degraded/roar.tsv" ]; then
    log "step 1: explain --roar"
    "$M" explain --roar -m "$MODEL" --method integrated-gradients,occlusion-nt --random \
        --fractions 0.1,0.3,0.5 \
        --train-pos "$C/modhsa_train_pos.fa" --train-neg "$C/modhsa_train_neg.fa" \
        --test-pos "$C/modhsa_test_pos.fa" --test-neg "$C/modhsa_test_neg.fa" \
        --seed 1 -j "$THREADS" -o "$O/degraded" 2>> "$O/run.log"
fi

# 2. one retraining per row: train, evaluate, and a row file "epochs best accuracy auroc s"
retrain() {
    local r=$1 t0 t1
    [ -s "$O/models/$r.row" ] && return 0
    t0=$(date +%s)
    "$M" train --images "$O/degraded/sets/$r.train" --kernel 3 --seed "$SEED" --lr 0.001 \
        --precision f32 --val-split 0.1 --epochs "$EPOCHS" --early-stop "$EARLY" -j "$THREADS" \
        -o "$O/models/$r.mrlm" 2> "$O/models/$r.train.log"
    "$M" eval -q -m "$O/models/$r.mrlm" --images "$O/degraded/sets/$r.test" -j "$THREADS" \
        > "$O/models/$r.eval"
    t1=$(date +%s)
    rm -f "$O/models/$r.mrlm.ckpt" "$O/models/$r.mrlm.ckpt.state"
    awk -v s=$((t1 - t0)) '
        FILENAME ~ /train.log$/ && $1 == "epoch" { n++; if (/ \* /) best = n }
        FILENAME ~ /eval$/ && $1 == "accuracy" { acc = $2 }
        FILENAME ~ /eval$/ && $1 == "auroc" { auc = $2 }
        END { print n, best, acc, auc, s }' "$O/models/$r.train.log" "$O/models/$r.eval" \
        > "$O/models/$r.row.tmp"
    mv "$O/models/$r.row.tmp" "$O/models/$r.row"
    echo "# $(date -u +%FT%TZ) row $r: $(cat "$O/models/$r.row")" >> "$O/run.log"
}
export -f retrain
export M O SEED EPOCHS EARLY THREADS
awk -F'\t' 'NR > 1 { printf "%s.k%s\n", $1, $2 }' "$O/degraded/roar.tsv" |
    xargs -P "$JOBS" -I{} bash -c 'retrain "$@"' _ {}

# 3. the curve
"$PY" "$D/curves.py" "$O/degraded/roar.tsv" "$O/models" "$O"
cp "$O/roar.tsv" "$O/roar_accuracy.svg" "$O/roar_auroc.svg" "$D/"
log "done"
column -t "$O/roar.tsv"
}
main "$@"
exit
