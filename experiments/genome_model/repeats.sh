#!/usr/bin/env bash
# What `scan --max-repeat` (the input's own repeats: candidates with more than F of their
# 16-nt windows on a 16-mer seen >= 3 times in the input, both strands, dropped before
# folding) does to the scans of bench/scan_eval.sh, for F in a sweep.
#
# The filter acts on candidates before folding, and a kept candidate is folded and scored
# exactly as without it; so a filtered scan is the unfiltered scan's rows whose candidate
# `scan --no-score --max-repeat F` keeps. This script makes those (tens of seconds per
# genome instead of ~8 minutes per scan) from the unfiltered scans in SCANS (made by
# `bench/scan_eval.sh` before the filter existed, or with MAX_REPEAT=1), scores them by the
# protocol (experiments/scan_eval.py) and writes OUT/repeats.tsv, the unfiltered curves
# (OUT/repeats_MODEL.GENOME.1.curve.tsv) and OUT/pr_repeats_*.svg (F = 0.1 against 1). It
# also checks that `--max-repeat 1` lists exactly the scans' candidates (the shortcut's
# premise).
#   bash experiments/genome_model/repeats.sh [SCANS [OUT]]
set -eu
cd "$(dirname "$0")/../.."
S=${MIRLENS_SHARED:-../shared}
G=$S/data/genome
SCANS=${1:-bench/out/scan_eval}
O=${2:-experiments/genome_model/results}
M=${MIRLENS:-./mirlens}
PY=${PYTHON:-python3}
SWEEP=${SWEEP:-"1 0.4 0.2 0.1 0.05"}
case " $SWEEP " in *" 1 "*" 0.1 "*) ;; *) echo "repeats: SWEEP must hold 1, then 0.1" >&2; exit 2 ;; esac
[ -d "$G" ] || { echo "repeats: $G not found (team data): skipped"; exit 77; }
[ -x "$M" ] || make -j2 >/dev/null
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$O"
rows=$T/rows.tsv
first=1
for g in cel_ce2_chrX hsa_hg19_chr22; do
    for model in genome default; do
        c=$SCANS/$model.$g.candidates.tsv.gz
        [ -s "$c" ] || { echo "repeats: $c missing (bench/scan_eval.sh)" >&2; exit 1; }
        # its max_repeat, as bench/scan_eval.sh reads it (none: made before the filter, 1)
        r=$(zcat "$c" | awk '/^#settings/ { r = 1; for (i = 2; i <= NF; i++)
                if ($i ~ /^max_repeat=/) r = substr($i, 12); print r; exit }')
        [ "$r" = 1 ] ||
            { echo "repeats: $c was filtered (max_repeat=$r): want an unfiltered scan" >&2; exit 1; }
    done
    for f in $SWEEP; do
        "$M" scan -q --no-score --max-repeat "$f" "$G/$g.fa.gz" -o "$T/keep"
        grep -v '^#' "$T/keep.candidates.tsv" | cut -f1-4 > "$T/keep.$f"
        if [ "$f" = 1 ]; then
            # the premise: unfiltered, the scan listed exactly these candidates, less the
            # few folds without a hairpin loop (not scored)
            zcat "$SCANS/genome.$g.candidates.tsv.gz" | grep -v '^#' | cut -f1-4 | sort > "$T/scan"
            sort "$T/keep.1" > "$T/keep.sorted"
            lost=$(comm -23 "$T/scan" "$T/keep.sorted" | wc -l)
            unscored=$(comm -13 "$T/scan" "$T/keep.sorted" | wc -l)
            echo "repeats: $g: --max-repeat 1 lists the scan's candidates and $unscored unscored folds"
            [ "$lost" = 0 ] && [ "$unscored" -le 10 ] ||
                { echo "repeats: $g: --max-repeat 1 does not list the scan's candidates" >&2; exit 1; }
        fi
        for model in genome default; do
            c=$T/$model.$g.$f.candidates.tsv
            zcat "$SCANS/$model.$g.candidates.tsv.gz" |
                awk -F'\t' -v OFS='\t' 'NR == FNR { k[$1 FS $2 FS $3 FS $4] = 1; next }
                    /^#/ || ($1 FS $2 FS $3 FS $4) in k' "$T/keep.$f" - > "$c"
            "$PY" experiments/scan_eval.py --candidates "$c" --truth "$G/$g.mirbase21.bed" \
                --ambiguous "$G/$g.ambiguous.bed" --genome "$G/$g.fa.gz" \
                --label "$model:$g:max_repeat=$f" --curve "$T/$model.$g.$f.curve.tsv" > "$T/ev"
            [ $first = 1 ] && head -1 "$T/ev" > "$rows" && first=0
            tail -1 "$T/ev" >> "$rows"
        done
    done
    # the unfiltered curves (F = 0.1's are bench/scan_eval.sh's, now that it is the default)
    for model in genome default; do
        cp "$T/$model.$g.1.curve.tsv" "$O/repeats_$model.$g.1.curve.tsv"
    done
    "$PY" experiments/pr_svg.py "$O/pr_repeats_$g.svg" "$g: loci, --max-repeat 0.1 or 1 (off)" \
        "genome model, 0.1=$T/genome.$g.0.1.curve.tsv" "genome model, off=$T/genome.$g.1.curve.tsv" \
        "paper's model, 0.1=$T/default.$g.0.1.curve.tsv" "paper's model, off=$T/default.$g.1.curve.tsv"
done
mv "$rows" "$O/repeats.tsv"
column -t -s $'\t' "$O/repeats.tsv"
echo "repeats: $O/repeats.tsv, $O/pr_repeats_*.svg"
