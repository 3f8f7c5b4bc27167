#!/usr/bin/env bash
# Issue 22's evaluation: scan the held-out-genus worm chrX and human chr22 (held-out loci)
# of shared/data/genome/ with the genome model (the scan's default: models/genome.mrlm and
# models/genome_scratch.mrlm as an ensemble; rows "genome") and with the paper's model
# (models/default.mrlm) the same way (both strands, every candidate listed), score each
# scan by the protocol of shared/data/genome/README.md (experiments/scan_eval.py: locus
# precision, recall, F1, false positives per Mb, best F1, recall at <= 1 FP/Mb, AUPRC;
# ambiguous regions excluded), draw the precision-recall curves, and give the genome
# model's precision over the paper's model's at equal recall (experiments/pr_ratio.py),
# and how much of each summary is chance: block-bootstrap 95% intervals, and the genome
# model's paired difference from the paper's model (experiments/scan_boot.py, numpy; boot.tsv).
# With numpy, the genome model's scan is also re-ranked by the second stage, a small network
# on fold features (experiments/genome_model/second_stage.py, genome_features.json; rows
# "features"), compared with both, paired.
# About 8 minutes per scan on 2 cores; OUT keeps the scans for reuse (a scan is skipped
# when its candidates file exists and was made with the same --max-repeat and model file).
# MAX_REPEAT (default: scan's, 0.1) is passed to scan; MAX_REPEAT=1 makes the unfiltered
# scans that experiments/genome_model/repeats.sh reads.
#   [MAX_REPEAT=F] bash bench/scan_eval.sh [OUT_DIR]
set -u
cd "$(dirname "$0")/.." || exit 1
S=${MIRLENS_SHARED:-../shared}
G=$S/data/genome
O=${1:-bench/out/scan_eval}
M=${MIRLENS:-./mirlens}
[ -d "$G" ] || { echo "scan_eval: $G not found (team data): skipped"; exit 77; }
[ -x "$M" ] || make -j2 >/dev/null || exit 1
R=${MAX_REPEAT:-0.1}
mkdir -p "$O"
table=$O/table.tsv
: > "$table.tmp"
: > "$O/ratio.tsv.tmp"
PY=${PYTHON:-/usr/bin/python3} # Debian's, with numpy (scan_boot.py, second_stage.py)
boot=1
"$PY" -c 'import numpy' 2>/dev/null ||
    { boot=0; echo "scan_eval: no numpy for $PY: no boot.tsv, no second stage"; }
[ $boot = 0 ] || : > "$O/boot.tsv.tmp"
FEATURES=experiments/genome_model/genome_features.json
# evaluate LABEL CANDIDATES: the scan's row of the table and its curve ($O/LABEL.$g.*)
evaluate() {
    local e=$O/$1.$g
    python3 experiments/scan_eval.py --candidates "$2" --truth "$G/$g.mirbase21.bed" \
        --ambiguous "$G/$g.ambiguous.bed" --genome "$G/$g.fa.gz" --label "$1:$g" \
        --curve "$e.curve.tsv" > "$e.eval.tsv" || exit 1
    [ -s "$table.tmp" ] || head -1 "$e.eval.tsv" > "$table.tmp"
    tail -1 "$e.eval.tsv" >> "$table.tmp"
}
# boot_of LABEL=CANDIDATES...: scan_boot.py's rows (past the first $skip - 1) into boot.tsv
boot_of() {
    "$PY" experiments/scan_boot.py --truth "$G/$g.mirbase21.bed" \
        --ambiguous "$G/$g.ambiguous.bed" --genome "$G/$g.fa.gz" "$@" > "$O/boot.tmp" &&
        tail -n +"$skip" "$O/boot.tmp" >> "$O/boot.tsv.tmp" && rm -f "$O/boot.tmp"
}
for g in cel_ce2_chrX hsa_hg19_chr22; do
    for model in genome default; do
        p=$O/$model.$g
        # the genome model: scan's default, the ensemble of the two shipped genome models
        files=(models/default.mrlm)
        [ $model = genome ] && files=(models/genome.mrlm models/genome_scratch.mrlm)
        margs=()
        for f in "${files[@]}"; do margs+=(-m "$f"); done
        # an existing scan's max_repeat (none in the settings: made before the filter, 1)
        # and models (name:crc32 of each file but its own trailing CRC), against this run's
        want="$R models=$(python3 -c 'import os, sys, zlib
print(",".join("%s:%08x" % (os.path.basename(f), zlib.crc32(open(f, "rb").read()[:-4]))
               for f in sys.argv[1:]))' "${files[@]}")"
        have=$([ -s "$p.candidates.tsv.gz" ] && zcat "$p.candidates.tsv.gz" |
            awk '/^#settings/ { r = 1; m = "";
                for (i = 2; i <= NF; i++) {
                    if ($i ~ /^max_repeat=/) r = substr($i, 12)
                    if ($i ~ /^models=/) m = $i
                }
                print r, m; exit }')
        if [ "$have" != "$want" ]; then
            "$M" scan -q -z -j 2 --min-score 0 --max-repeat "$R" "${margs[@]}" \
                "$G/$g.fa.gz" -o "$p" || exit 1
        fi
        evaluate "$model" "$p.candidates.tsv.gz"
    done
    # the second stage (numpy): the genome model's scan re-ranked with the fold-feature
    # network of experiments/genome_model/second_stage.py (rows "features")
    curves=("genome model=$O/genome.$g.curve.tsv" "paper's model=$O/default.$g.curve.tsv")
    if [ $boot = 1 ]; then
        f=$O/features.$g.candidates.tsv
        "$PY" experiments/genome_model/second_stage.py score "$FEATURES" \
            "$O/genome.$g.candidates.tsv.gz" > "$f.tmp" && gzip -1 -f "$f.tmp" &&
            mv "$f.tmp.gz" "$f.gz" || exit 1
        evaluate features "$f.gz"
        curves=("genome model + second stage=$O/features.$g.curve.tsv" "${curves[@]}")
    fi
    python3 experiments/pr_svg.py "$O/pr_$g.svg" "$g, both strands: loci (>= 50% of a miRBase locus)" \
        "${curves[@]}"
    skip=1
    [ -s "$O/ratio.tsv.tmp" ] && skip=2 # the header once
    python3 experiments/pr_ratio.py "$O/genome.$g.curve.tsv" "$O/default.$g.curve.tsv" "$g" |
        tail -n +$skip >> "$O/ratio.tsv.tmp"
    [ $boot = 1 ] || continue
    python3 experiments/pr_ratio.py "$O/features.$g.curve.tsv" "$O/default.$g.curve.tsv" \
        "$g+features" | tail -n +2 >> "$O/ratio.tsv.tmp"
    # intervals, paired against the paper's model; then the second stage against the
    # genome model alone
    boot_of "default:$g=$O/default.$g.candidates.tsv.gz" \
        "genome:$g=$O/genome.$g.candidates.tsv.gz" "features:$g=$O/features.$g.candidates.tsv.gz" &&
        skip=2 && boot_of "genome:$g=$O/genome.$g.candidates.tsv.gz" \
            "features:$g=$O/features.$g.candidates.tsv.gz" || exit 1
done
mv "$table.tmp" "$table"
mv "$O/ratio.tsv.tmp" "$O/ratio.tsv"
[ $boot = 1 ] && mv "$O/boot.tsv.tmp" "$O/boot.tsv"
column -t -s $'\t' "$table"
echo "precision of the genome model (GENOME+features: with the second stage) over the" \
    "paper's model at equal recall (a: genome, b: paper's):"
column -t -s $'\t' "$O/ratio.tsv"
intervals=
if [ $boot = 1 ]; then
    echo "95% intervals over blocks of 1 Mb drawn again; minus_first: minus the first scan" \
        "of its block (the paper's model; in each genome's second block, the genome model):"
    column -t -s $'\t' "$O/boot.tsv"
    intervals=", intervals $O/boot.tsv"
fi
echo "scan_eval: table $table, ratios $O/ratio.tsv$intervals, curves $O/pr_*.svg"
