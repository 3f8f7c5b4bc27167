#!/usr/bin/env bash
# Where the attribution lies, against the network with every layer re-drawn (issue 26's
# caveat: |attribution| maps partly follow the image's ink, so a magnitude share means
# something about the model only as a difference from the random network's).
#   bash experiments/control/run.sh [SHARED] [OUT]   (defaults ../shared, experiments/out/control)
# Two `mirlens explain --aggregate` runs on the 836 modhsa_test hairpins, the shipped default
# model and the same model with --randomize-model (the sanity cascade's last step), four
# faithful methods, --threshold 0 so that both runs group the same hairpins (TP = all 549
# pre-miRNAs, FP = all 287 pseudo-hairpins). Prints markdown: per method and category the
# enrichment (share of |attribution| / share of nucleotides) of the model, of the random
# network, and their difference. About 25 minutes per run on 2 idle cores (occlusion-nt is
# most of it); a run already there is reused.
set -euo pipefail
S=${1:-${MIRLENS_SHARED:-../shared}}
O=${2:-experiments/out/control}
M=${MIRLENS:-./mirlens}
D=$S/data/cordero
methods=integrated-gradients,occlusion-nt,shap,gradient-x-input
mkdir -p "$O"
for v in model random; do
    [ -s "$O/$v/aggregate/categories.tsv" ] && continue
    extra=()
    [ $v = random ] && extra=(--randomize-model)
    "$M" explain --aggregate -m "${MODEL:-models/default.mrlm}" --pos "$D/modhsa_test_pos.fa" \
        --neg "$D/modhsa_test_neg.fa" --mature "$S/data/mirbase/v21/mature_positions.tsv.gz" \
        --method "$methods" --steps 32 --faith-n 0 --sanity-n 0 --examples 0 --threshold 0 \
        -j 2 -q "${extra[@]}" -o "$O/$v"
done
for g in TP FP; do
    echo "### $g ($( [ $g = TP ] && echo 'all pre-miRNAs' || echo 'all pseudo-hairpins')): enrichment, model / random network / difference"
    echo
    echo "| table | category | ${methods//,/ | } |"
    echo "|---|---|---|---|---|---|"
    awk -F'\t' -v g=$g -v ms="$methods" '
        BEGIN { nm = split(ms, mm, ",") }
        FNR == 1 { f++; next }
        $2 != g || ($3 != "context" && $3 != "region" && $3 != "pair") || $8 == "nan" { next }
        { k = $3 "\t" $4; if (!(k in seen)) { seen[k] = 1; order[++n] = k }
          e[f, k, $1] = $8 }
        END { for (i = 1; i <= n; i++) { k = order[i]; split(k, kk, "\t")
                line = "| " kk[1] " | " kk[2]
                for (j = 1; j <= nm; j++) { a = e[1, k, mm[j]]; b = e[2, k, mm[j]]
                    line = line sprintf(" | %.2f / %.2f / **%+.2f**", a, b, a - b) }
                print line " |" } }' "$O/model/aggregate/categories.tsv" "$O/random/aggregate/categories.tsv"
    echo
done
