#!/usr/bin/env bash
# Issue 22, what did not work: filters on candidate features (thresholds set on the TRAINING
# positives only: each keeps all but Q = 0.5% of them) and an ensemble of the genome model
# with the paper's model, applied to the scans of bench/scan_eval.sh and scored by the same
# protocol. Needs the sets of build_sets.sh and the scans (OUT of scan_eval.sh).
#   experiments/genome_model/filters.sh [SETS_DIR] [SCANS_DIR] [SHARED]
set -euo pipefail
SETS=${1:-experiments/genome_model/sets}
SCANS=${2:-bench/out/scan_eval}
S=${3:-${MIRLENS_SHARED:-../shared}}
M=${MIRLENS:-./mirlens}
H=$(dirname "$0")
PY=${PYTHON:-python3}
G=$S/data/genome
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
[ -s "$SETS/pos.fold" ] || "$M" fold -q -j 2 "$SETS/pos.fa" > "$SETS/pos.fold"
"$PY" "$H/features.py" thresholds "$SETS/pos.fold" 0.005 > "$T/thr.tsv"
echo "# thresholds (feature, direction, value, positives):" >&2
cat "$T/thr.tsv" >&2
first=1
for g in cel_ce2_chrX hsa_hg19_chr22; do
    A=$SCANS/genome.$g.candidates.tsv.gz B=$SCANS/default.$g.candidates.tsv.gz
    ev() {
        "$PY" experiments/scan_eval.py --candidates "$1" --truth "$G/$g.mirbase21.bed" \
            --ambiguous "$G/$g.ambiguous.bed" --genome "$G/$g.fa.gz" --label "$2:$g" |
            if [ $first = 1 ]; then cat; else tail -n 1; fi
        first=0
    }
    ev "$A" genome
    for f in mfe_per_nt paired_frac helix dust mfe_per_nt,paired_frac,helix,dust; do
        "$PY" "$H/features.py" filter "$A" "$T/thr.tsv" "$f" > "$T/f.tsv"
        ev "$T/f.tsv" "genome+filter[$f]"
    done
    for w in 0.75 0.5; do
        "$PY" "$H/features.py" ensemble "$A" "$B" "$w" > "$T/e.tsv"
        ev "$T/e.tsv" "ensemble(genome=$w,paper)"
    done
done
