#!/usr/bin/env bash
# Landmark-anchored motif discovery (issue 26, part M) on the paper's test set modhsa_test
# with the shipped default model: the 549 positives whose miRNA duplex is placed from the
# miRBase 21 mature positions, explained with integrated-gradients and occlusion-nt, on the
# trained network and on a copy with every layer re-drawn (the control); seqlets of width 7
# around the top 5% of attribution shares, clustered on a seeded half, tested on the other.
#  1. |attribution| (default), all options at their defaults;
#  2. positive contributions only (--sign pos), same split;
#  3. summarize: the lines of RESULTS.md (significant motifs, the determinants table) and
#     summarize.py: where the seqlets lie, trained against randomised, with intervals from
#     a bootstrap over hairpins.
# Time: 23 and 36 min for steps 1 and 2 on 2 cores shared with other jobs (load ~8); the discovery
# itself takes under a second, the attributions (IG 64 steps, occlusion-nt, each on the
# trained and the randomised network, 544 hairpins) the rest.
#  4. (step genome) the genome model (models/genome.mrlm) on the flanked windows of the 103
#     miRBase loci of human chr22 + worm chrX (experiments/determinants/make_inputs.py): the
#     scan candidate covering each locus (what the genome model sees in a scan) and the
#     hairpin with 30 nt of genome each side, matures moved onto each window; |attribution|,
#     the same methods, options and randomised-network control as step 1. About 10 min.
#   bash experiments/motifs/run.sh [SHARED] [OUT]
#   STEPS="trimmed genome" (default both): trimmed = steps 1-3, genome = step 4.
set -eu
S=${1:-${MIRLENS_SHARED:-../shared}}
O=${2:-experiments/out/motifs}
M=${MIRLENS:-./mirlens}
MODEL=${MODEL:-models/default.mrlm}
J=${J:-2}
pos=$S/data/cordero/modhsa_test_pos.fa
neg=$S/data/cordero/modhsa_test_neg.fa
mature=$S/data/mirbase/v21/mature_positions.tsv.gz
STEPS=${STEPS:-trimmed genome}
mkdir -p "$O"
case " $STEPS " in *" genome "*)
    G=$O/genome
    mkdir -p "$G"
    if [ ! -s "$G/wide.fa" ]; then
        /usr/bin/python3 experiments/determinants/make_inputs.py pieces "$S" "$G"
        "$M" scan -m models/genome.mrlm --min-score 0 -j "$J" -q "$G/pieces.fa" -o "$G/scan"
        /usr/bin/python3 experiments/determinants/make_inputs.py windows "$S" "$G" \
            "$G/scan.candidates.tsv"
    fi
    for w in scan wide; do
        t0=$(date +%s)
        "$M" explain --motifs -m models/genome.mrlm --pos "$G/$w.fa" --mature "$G/${w}_mature.tsv" \
            --method integrated-gradients,occlusion-nt -j "$J" -q -o "$O/genome-$w"
        echo "genome-$w: $(($(date +%s) - t0)) s" >> "$O/time.txt"
    done
    for w in scan wide; do
        echo "== genome-$w: runs (motifs, significant)"
        awk -F'\t' 'NR > 1 { n[$1 "\t" $2]++; s[$1 "\t" $2] += $21 }
            END { for (k in n) print k "\t" n[k] " motifs\t" s[k] " significant" }' \
            "$O/genome-$w/motifs.tsv" | sort
        echo "== genome-$w: significant motifs"
        awk -F'\t' 'NR == 1 || $21 == 1' "$O/genome-$w/motifs.tsv" | cut -f1-9,13-20,22-27
        echo "== genome-$w: determinants"
        cut -f1-3,5-16 "$O/genome-$w/determinants.tsv"
    done > "$O/summary-genome.txt"
    /usr/bin/python3 "$(dirname "$0")/summarize.py" "$O/genome-scan/seqlets.tsv" \
        "$O/genome-wide/seqlets.tsv" >> "$O/summary-genome.txt"
    cat "$O/summary-genome.txt" ;;
esac
case " $STEPS " in *" trimmed "*) ;; *) exit 0 ;; esac
common=(-m "$MODEL" --pos "$pos" --neg "$neg" --mature "$mature"
        --method integrated-gradients,occlusion-nt -j "$J" -q)
t0=$(date +%s)
"$M" explain --motifs "${common[@]}" -o "$O/abs"
t1=$(date +%s)
"$M" explain --motifs "${common[@]}" --sign pos -o "$O/pos"
t2=$(date +%s)
echo "seconds: abs $((t1 - t0)), pos $((t2 - t1))" > "$O/time.txt"
for d in abs pos; do
    echo "== $d: runs (hairpins, seqlets, motifs, significant)"
    awk -F'\t' 'NR > 1 { n[$1 "\t" $2]++; s[$1 "\t" $2] += $21 }
        END { for (k in n) print k "\t" n[k] " motifs\t" s[k] " significant" }' "$O/$d/motifs.tsv" | sort
    echo "== $d: significant motifs"
    awk -F'\t' 'NR == 1 || $21 == 1' "$O/$d/motifs.tsv" | cut -f1-9,13-20,22-27
    echo "== $d: determinants"
    cut -f1-3,5-16 "$O/$d/determinants.tsv"
done > "$O/summary.txt"
/usr/bin/python3 "$(dirname "$0")/summarize.py" "$O/abs/seqlets.tsv" "$O/pos/seqlets.tsv" >> "$O/summary.txt"
cat "$O/summary.txt"
