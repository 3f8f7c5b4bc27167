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
# SCANS: bench/scan_eval.sh's output (its genome.GENOME.candidates.tsv.gz are read), or
# the same files from `scan -z --no-score` (no structures: the candidates are folded here, as
# the scan folds them, and a few minutes are added; candidates without a hairpin loop get
# no score, as in a scan);
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
    # (read whole: an early exit would end zcat with SIGPIPE, and pipefail the script)
    folded=$(zcat "$C" | awk -F'\t' '!/^#/ && f == "" { f = $6 == "." ? 0 : 1 } END { print f }')
    if [ ! -s "$O/$g.u8" ] && [ "$folded" = 1 ]; then
        zcat "$C" | awk -F'\t' '!/^#/ { print "c" ++n "\t" $5 "\t" $6 }' |
            "$M" encode -q -s -f u8 -o "$O/$g" -
    elif [ ! -s "$O/$g.u8" ]; then
        zcat "$C" | awk -F'\t' '!/^#/ { print ">c" ++n; print $5 }' |
            "$M" encode -q -j 2 -f u8 -o "$O/$g" -
    fi
    n=$(wc -l < "$O/$g.names")
    [ "$folded" = 0 ] || [ "$n" = "$(zcat "$C" | grep -vc '^#')" ] ||
        { echo "$g: not every candidate drawn" >&2; exit 1; }
    # eval wants both classes for its metrics, which are not read here (only the scores):
    # the first row is labelled 1
    awk -v n="$n" 'BEGIN { print 1; for (i = 1; i < n; i++) print 0 }' > "$O/$g.labels"
    for model in "$@"; do
        ensemble_args "$model"
        tag=$TAG
        "$M" eval -q "${MARGS[@]}" --images "$O/$g" --labels "$O/$g.labels" \
            --scores "$O/$g.$tag.scores" > /dev/null
        # each candidate's score and margin by its name (c1, c2, ...; none: no image)
        (zcat "$C" | grep '^#'
         awk -F'\t' 'BEGIN { OFS = "\t" }
             NR == FNR { if (FNR > 1) { p[$1] = $3; m[$1] = $4 }; next }
             !/^#/ { k = "c" ++n; $8 = k in p ? p[k] : "."; $9 = k in m ? m[k] : "."; print }' \
             "$O/$g.$tag.scores" <(zcat "$C")) > "$O/$g.$tag.candidates.tsv"
        "$PY" experiments/scan_eval.py --candidates "$O/$g.$tag.candidates.tsv" \
            --truth "$G/$g.mirbase21.bed" --ambiguous "$G/$g.ambiguous.bed" \
            --genome "$G/$g.fa.gz" --label "$tag:$g" --curve "$O/$g.$tag.curve.tsv" |
            if [ $first = 1 ]; then cat; else tail -n 1; fi
        first=0
    done
done
