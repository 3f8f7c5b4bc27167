#!/usr/bin/env bash
# Issue 26 R: ROAR (RemOve And Retrain; Hooker, Erhan, Kindermans & Kim 2019) on the paper's
# human set, over several training seeds. The shipped model attributes every training and
# test hairpin with integrated gradients and occlusion-nt (the two most faithful methods,
# docs/FINDINGS.md); the random baseline orders each hairpin at random; the control
# "ig-randmodel" ranks by the integrated gradients of the shipped model with every layer
# re-drawn at random (explain --randomize-model: a ranking that follows the image's ink, not
# what the model learned). The top k in {0.1, 0.3, 0.5} of each hairpin's drawn nucleotides
# by |attribution| (explain --roar's default --rank magnitude) are erased to white in the
# training AND the test images; a fresh network is trained on each degraded training set
# with one recipe, once per seed in SEEDS, and scored on the degraded test set; k = 0 (the
# intact images) is the reference of the drops, paired by seed.
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
# 100) epochs, the row's seed, f32. Results do not depend on the thread counts (the same
# seed gives byte-identical models with 1 or N threads, STYLE.md 10).
#
# Three resumable steps (what exists is skipped; rerun to go on):
#  1. OUT/degraded/G/ for G = random (intact + random sets, seconds), occlusion-nt,
#     integrated-gradients, ig-randmodel, in that order: `mirlens explain --roar` without
#     --epochs writes G/sets/M.kK.{train,test}.* and G/roar.tsv (the erased counts); one
#     attribution at a time, ATTR_THREADS (default 1) threads;
#  2. OUT/models/NAME.kK.sS.{row,eval,train.log}: one `mirlens train` + `mirlens eval` per
#     (row, seed), in the order of plan() below (most information first: the rows of the
#     verdict, IG, occlusion-nt and random at k = 0.3 and 0.5, per seed; the intact rows;
#     ig-randmodel at RANDMODEL_FRACTIONS, default 0.3,0.5, for RANDMODEL_SEEDS, default
#     SEEDS; k = 0.1 last of the new rows; then reruns of what PRIOR already holds). JOBS
#     (default 2) retraining workers with THREADS (default 1) threads each; step 1 runs as
#     one of them and becomes a retraining worker when the attribution is done. A worker
#     takes the first row of OUT/plan.txt whose sets exist and that no one has taken
#     (OUT/models/R.claim); it stops taking rows once OUT/STOP exists (touch it to wind a
#     run down; the rows in flight finish; remove it to go on later).
#  3. table.py: OUT/roar.tsv (one line per row and seed, the drops from the same seed's
#     intact row), OUT/roar_summary.tsv and .md (per row: mean and sample sd over seeds,
#     the drop from intact and the excess over random's drop, both paired by seed, with
#     95% t intervals over seeds); a (row, seed) not retrained here is taken from PRIOR
#     (marked '*'), and one in both is printed as a reproduction check; then
#     OUT/roar_{accuracy,auroc}.svg (`mirlens explain --roar --plot`: mean, bars +-1 sd),
#     all copied into experiments/roar/. Step 3 runs on whatever has finished.
# Usage: experiments/roar/run.sh [SHARED_DIR] [OUT_DIR]; MODEL (default
# models/default.mrlm), SEEDS (default "1 2 3"), EPOCHS, EARLY, JOBS, THREADS, ATTR_THREADS,
# FRACTIONS, RANDMODEL_FRACTIONS, RANDMODEL_SEEDS, PRIOR (empty: none) from the
# environment; STEP3_ONLY=1 only tabulates and draws. The log is OUT/run.log.
# The body is one function, read whole before it runs, so that editing this file during a
# run (hours) cannot change what the run does.
set -euo pipefail
main() {
S=${1:-${MIRLENS_SHARED:-../shared}}
O=${2:-experiments/out/roar}
M=${MIRLENS:-./mirlens}
PY=${PYTHON:-python3}
MODEL=${MODEL:-models/default.mrlm}
SEEDS=${SEEDS:-1 2 3}
EPOCHS=${EPOCHS:-100}
EARLY=${EARLY:-8}
JOBS=${JOBS:-2}
THREADS=${THREADS:-1}
ATTR_THREADS=${ATTR_THREADS:-1}
FRACTIONS=${FRACTIONS:-0.1,0.3,0.5}
RANDMODEL_FRACTIONS=${RANDMODEL_FRACTIONS:-0.3,0.5}
RANDMODEL_SEEDS=${RANDMODEL_SEEDS:-$SEEDS}
D=$(dirname "$0")
PRIOR=${PRIOR-$D/roar_2026-12-06.tsv}
C=$S/data/cordero
for f in modhsa_train_pos modhsa_train_neg modhsa_test_pos modhsa_test_neg; do
    [ -s "$C/$f.fa" ] || { echo "run.sh: $C/$f.fa missing" >&2; exit 77; }
done
mkdir -p "$O/models" "$O/degraded"
log() { echo "# $(date -u +%FT%TZ) $*" >> "$O/run.log"; }

if [ -z "${STEP3_ONLY:-}" ]; then
log "$(git rev-parse --short HEAD 2>/dev/null || echo '?') MODEL=$MODEL SEEDS='$SEEDS'" \
    "EPOCHS=$EPOCHS EARLY=$EARLY JOBS=$JOBS THREADS=$THREADS ATTR_THREADS=$ATTR_THREADS" \
    "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"

# The plan: "GROUP SETNAME ROW K SEED" lines, most informative first. S1 is the first of
# SEEDS. A (row, seed) that PRIOR (default experiments/roar/roar_2026-12-06.tsv: the
# single-seed run of 2026-12-06 and its seed-2 check, same recipe, same sets) holds is
# retrained late: step 3 takes it from PRIOR meanwhile, except intact at S1, which comes
# first as the check that the regenerated sets reproduce PRIOR. Then per further seed the
# rows of the verdict, random, occlusion-nt and integrated-gradients at k = 0.3 and 0.5
# (their paired differences need no intact row), and that seed's intact row; then the
# ig-randmodel control at its first seed; then the control's other seeds; then the k = 0.1
# rows; then the reruns of PRIOR's rows.
plan() {
    local s k m s1 rest r1
    s1=${SEEDS%% *}
    rest=$(echo " $SEEDS " | sed "s/ $s1 / /")
    r1=${RANDMODEL_SEEDS%% *}
    echo "random intact intact 0.00 $s1"
    for s in $rest; do
        for k in 0.30 0.50; do
            for m in random occlusion-nt integrated-gradients; do echo "$m $m $m $k $s"; done
        done
        echo "random intact intact 0.00 $s"
    done
    for k in 0.30 0.50; do
        for m in random occlusion-nt integrated-gradients; do echo "$m $m $m $k $s1"; done
    done
    for k in ${RANDMODEL_FRACTIONS//,/ }; do
        echo "ig-randmodel integrated-gradients ig-randmodel $(printf %.2f "$k") $r1"
    done
    for s in $RANDMODEL_SEEDS; do
        [ "$s" = "$r1" ] && continue
        for k in ${RANDMODEL_FRACTIONS//,/ }; do
            echo "ig-randmodel integrated-gradients ig-randmodel $(printf %.2f "$k") $s"
        done
    done
    for k in ${FRACTIONS//,/ }; do
        k=$(printf %.2f "$k")
        case $k in 0.30|0.50) continue ;; esac
        for m in random occlusion-nt integrated-gradients; do
            for s in $SEEDS; do echo "$m $m $m $k $s"; done
        done
    done
}
# PRIOR's rows (but the first, the check) to the end, in plan order
order_plan() {
    if [ -z "$PRIOR" ]; then cat; return; fi
    awk -v prior="$PRIOR" 'BEGIN { while ((getline l < prior) > 0) { split(l, f, "\t"); p[f[1] " " f[2] " " f[3]] = 1 } }
        NR == 1 || !(($3 " " $4 " " $5) in p) { print; next } { late[++n] = $0 }
        END { for (i = 1; i <= n; i++) print late[i] }'
}
plan | order_plan > "$O/plan.txt"
rm -rf "$O"/models/*.claim "$O/degraded/step1.done"

# 1. attribution and the degraded sets, one group at a time
attribute() {
    local g args
    for g in random occlusion-nt integrated-gradients ig-randmodel; do
        [ -s "$O/degraded/$g/roar.tsv" ] && continue
        case $g in
            random) args=(--only-random) ;;
            ig-randmodel) args=(--method integrated-gradients --randomize-model) ;;
            *) args=(--method "$g") ;;
        esac
        log "step 1: explain --roar ${args[*]}"
        "$M" explain --roar -m "$MODEL" "${args[@]}" --fractions "$FRACTIONS" \
            --train-pos "$C/modhsa_train_pos.fa" --train-neg "$C/modhsa_train_neg.fa" \
            --test-pos "$C/modhsa_test_pos.fa" --test-neg "$C/modhsa_test_neg.fa" \
            --seed 1 -j "$ATTR_THREADS" -o "$O/degraded/$g" 2>> "$O/run.log" ||
            log "step 1: $g failed"
    done
}

# 2. one retraining per (row, seed): train, evaluate, and a row file
#    "epochs best accuracy auroc seconds"
retrain() {
    local g=$1 n=$2 row=$3 k=$4 s=$5 r t0 t1 set
    r=$row.k$k.s$s
    set=$O/degraded/$g/sets/$n.k$k
    t0=$(date +%s)
    log "row $r: start"
    "$M" train --images "$set.train" --kernel 3 --seed "$s" --lr 0.001 \
        --precision f32 --val-split 0.1 --epochs "$EPOCHS" --early-stop "$EARLY" -j "$THREADS" \
        -o "$O/models/$r.mrlm" 2> "$O/models/$r.train.log" || { log "row $r: train failed"; return 0; }
    "$M" eval -q -m "$O/models/$r.mrlm" --images "$set.test" -j "$THREADS" \
        > "$O/models/$r.eval" || { log "row $r: eval failed"; return 0; }
    t1=$(date +%s)
    rm -f "$O/models/$r.mrlm.ckpt" "$O/models/$r.mrlm.ckpt.state"
    awk -v s=$((t1 - t0)) '
        FILENAME ~ /train.log$/ && $1 == "epoch" { n++; if (/ \* /) best = n }
        FILENAME ~ /eval$/ && $1 == "accuracy" { acc = $2 }
        FILENAME ~ /eval$/ && $1 == "auroc" { auc = $2 }
        END { print n, best, acc, auc, s }' "$O/models/$r.train.log" "$O/models/$r.eval" \
        > "$O/models/$r.row.tmp"
    mv "$O/models/$r.row.tmp" "$O/models/$r.row"
    log "row $r: $(cat "$O/models/$r.row")"
}

# A worker: the first row of the plan not done, not taken, whose sets exist; waits while
# step 1 may still write sets; ends when nothing is left to take or OUT/STOP exists.
worker() {
    local g n row k s r waiting
    while [ ! -e "$O/STOP" ]; do
        waiting=0
        while read -r g n row k s; do
            r=$row.k$k.s$s
            [ -e "$O/models/$r.row" ] && continue
            [ -e "$O/models/$r.claim" ] && continue
            if [ ! -s "$O/degraded/$g/sets/$n.k$k.test.labels" ]; then
                waiting=1
                continue
            fi
            mkdir "$O/models/$r.claim" 2> /dev/null || continue
            retrain "$g" "$n" "$row" "$k" "$s" < /dev/null
            continue 2
        done < "$O/plan.txt"
        [ "$waiting" = 1 ] && [ ! -e "$O/degraded/step1.done" ] || break
        sleep 20
    done
}

(attribute; touch "$O/degraded/step1.done"; worker) &
for ((w = 1; w < JOBS; w++)); do worker & done
wait
rm -rf "$O"/models/*.claim
fi

# 3. the table and the curves
"$PY" "$D/table.py" "$O" ${PRIOR:+"$PRIOR"} | tee -a "$O/run.log"
for c in accuracy auroc; do
    "$M" explain --roar --plot "$O/roar_summary.tsv" --plot-metric "$c" -o "$O/roar_$c.svg"
done
cp "$O/roar.tsv" "$O/roar_summary.tsv" "$O/roar_summary.md" "$O/roar_accuracy.svg" "$O/roar_auroc.svg" "$D/"
log "step 3 done"
column -t "$O/roar_summary.tsv"
}
main "$@"
exit
