#!/usr/bin/env bash
# Issue 22's evaluation: scan the held-out-genus worm chrX and human chr22 (held-out loci)
# of shared/data/genome/ with the genome models (models/genome.mrlm and genome_animal.mrlm
# as an ensemble, the scan's default; rows "genome") and with the paper's model
# (models/default.mrlm) the same way (both strands, every candidate listed), score each
# scan by the protocol of shared/data/genome/README.md (experiments/scan_eval.py: locus
# precision, recall, F1, false positives per Mb, best F1, recall at <= 1 FP/Mb, AUPRC;
# ambiguous regions excluded) and draw the precision-recall curves. About 8 minutes per
# scan on 2 cores, 11 with the two genome models; OUT keeps the scans for reuse (a scan is
# skipped when its candidates file exists and was made with the same --max-repeat and
# model files).
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
for g in cel_ce2_chrX hsa_hg19_chr22; do
    for model in genome default; do
        p=$O/$model.$g
        files=models/$model.mrlm
        [ $model = default ] || files="models/genome.mrlm models/genome_animal.mrlm"
        # an existing scan's max_repeat (none in the settings: made before the filter, 1)
        # and models (name:crc32 of each file but its own trailing CRC), against this run's
        # shellcheck disable=SC2086 # $files: one word per model file
        want="$R models=$(python3 -c 'import os, sys, zlib
print(",".join("%s:%08x" % (os.path.basename(f), zlib.crc32(open(f, "rb").read()[:-4]))
               for f in sys.argv[1:]))' $files)"
        have=$([ -s "$p.candidates.tsv.gz" ] && zcat "$p.candidates.tsv.gz" |
            awk '/^#settings/ { r = 1; m = "";
                for (i = 2; i <= NF; i++) {
                    if ($i ~ /^max_repeat=/) r = substr($i, 12)
                    if ($i ~ /^models=/) m = $i
                }
                print r, m; exit }')
        if [ "$have" != "$want" ]; then
            # shellcheck disable=SC2046,SC2086 # one -m per model file
            "$M" scan -q -z -j 2 --min-score 0 --max-repeat "$R" $(printf -- '-m %s ' $files) \
                "$G/$g.fa.gz" -o "$p" || exit 1
        fi
        amb=$G/$g.ambiguous.bed
        python3 experiments/scan_eval.py --candidates "$p.candidates.tsv.gz" \
            --truth "$G/$g.mirbase21.bed" --ambiguous "$amb" --genome "$G/$g.fa.gz" \
            --label "$model:$g" --curve "$p.curve.tsv" > "$p.eval.tsv" || exit 1
        [ -s "$table.tmp" ] || head -1 "$p.eval.tsv" > "$table.tmp"
        tail -1 "$p.eval.tsv" >> "$table.tmp"
    done
    python3 experiments/pr_svg.py "$O/pr_$g.svg" "$g, both strands: loci (>= 50% of a miRBase locus)" \
        "genome models=$O/genome.$g.curve.tsv" "paper's model=$O/default.$g.curve.tsv"
done
mv "$table.tmp" "$table"
column -t -s $'\t' "$table"
echo "scan_eval: table $table, curves $O/pr_*.svg"
