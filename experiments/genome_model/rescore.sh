#!/usr/bin/env bash
# Re-scores the worm chrX and human chr22 scans of bench/scan_eval.sh with other models,
# without refolding: a scan's candidates keep their sequence and structure, so
# `encode --structure-given` + `eval --images` give each model's score of each candidate,
# exactly what a scan with that model lists (checked by re-scoring with the scan's own
# model: its rows come out identical). Each re-scored scan is scored by the protocol
# (experiments/scan_eval.py). A few minutes per model instead of ~8 per scan.
#   experiments/genome_model/rescore.sh SCANS OUT MODEL...
# MODEL: a model file, or several joined by commas (A.mrlm,B.mrlm): their ensemble, scored by
# the mean of the models' logit margins as `scan -m A -m B` scores it (tag A+B).
# SCANS: bench/scan_eval.sh's output (its genome.GENOME.candidates.tsv.gz are read);
# OUT: the images (kept for further models), OUT/GENOME.TAG.candidates.tsv and
# .curve.tsv (TAG: the model file's name without .mrlm); the table on stdout.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: rescore.sh SCANS OUT MODEL..." >&2; exit 2; }
SCANS=$1 O=$2
shift 2
S=${MIRLENS_SHARED:-../shared}
M=${MIRLENS:-./mirlens}
PY=${PYTHON:-python3}
G=$S/data/genome
# shellcheck source=experiments/genome_model/ensemble.sh
. "$(dirname "$0")/ensemble.sh"
mkdir -p "$O"
first=1
for g in cel_ce2_chrX hsa_hg19_chr22; do
    C=$SCANS/genome.$g.candidates.tsv.gz
    [ -s "$O/$g.u8" ] || zcat "$C" | awk -F'\t' '!/^#/ { print "c" ++n "\t" $5 "\t" $6 }' |
        "$M" encode -q -s -f u8 -o "$O/$g" -
    n=$(wc -l < "$O/$g.names")
    [ "$n" = "$(zcat "$C" | grep -vc '^#')" ] || { echo "$g: not every candidate drawn" >&2; exit 1; }
    # eval wants both classes for its metrics, which are not read here (only the scores):
    # the first row is labelled 1
    awk -v n="$n" 'BEGIN { print 1; for (i = 1; i < n; i++) print 0 }' > "$O/$g.labels"
    for model in "$@"; do
        ensemble_args "$model"
        tag=$TAG
        "$M" eval -q "${MARGS[@]}" --images "$O/$g" --labels "$O/$g.labels" \
            --scores "$O/$g.$tag.scores" > /dev/null
        (zcat "$C" | grep '^#'
         paste <(zcat "$C" | grep -v '^#') <(tail -n +2 "$O/$g.$tag.scores" | cut -f3,4) |
             awk -F'\t' 'BEGIN { OFS = "\t" } { $8 = $11; $9 = $12; NF = 10; print }') \
            > "$O/$g.$tag.candidates.tsv"
        "$PY" experiments/scan_eval.py --candidates "$O/$g.$tag.candidates.tsv" \
            --truth "$G/$g.mirbase21.bed" --ambiguous "$G/$g.ambiguous.bed" \
            --genome "$G/$g.fa.gz" --label "$tag:$g" --curve "$O/$g.$tag.curve.tsv" |
            if [ $first = 1 ]; then cat; else tail -n 1; fi
        first=0
    done
done
