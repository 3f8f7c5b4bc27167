#!/usr/bin/env bash
# Where the attribution lies, against the network with every layer re-drawn (issue 26's
# caveat: |attribution| maps partly follow the image's ink, so a magnitude share means
# something about the model only as a difference from the random network's, and only with
# an interval).
#   bash experiments/control/run.sh [SHARED] [OUT]   (defaults ../shared, experiments/out/control)
# One `mirlens explain --aggregate --random-net` run on the 836 modhsa_test hairpins: the
# shipped default model and the same model with every layer re-drawn (the sanity cascade's
# last step, as --randomize-model) explain the same hairpins, four faithful methods,
# --threshold 0 (TP = all 549 pre-miRNAs, FP = all 287 pseudo-hairpins). categories.tsv then
# carries, per method, group and category, the enrichment (share of |attribution| / share
# of nucleotides) with a percentile bootstrap 95% interval over hairpins (BOOT resamples,
# default 1000), the random network's, and the paired difference model - random network
# with its interval (the same resamples for both networks and every method; no interval for
# a category with nucleotides in fewer than 10 hairpins, nan in the table). Prints
# markdown: per group and category, model [interval] / random network / **difference**
# [interval]; a difference whose interval excludes 0 is marked *. About 20-35 minutes on 2
# shared cores (occlusion-nt is most of it); a run already there is reused.
set -euo pipefail
S=${1:-${MIRLENS_SHARED:-../shared}}
O=${2:-experiments/out/control}
M=${MIRLENS:-./mirlens}
D=$S/data/cordero
methods=integrated-gradients,occlusion-nt,shap,gradient-x-input
mkdir -p "$O"
if ! [ -s "$O/run/aggregate/categories.tsv" ]; then
    /usr/bin/time -f '%e s wall, %M kB max RSS' -o "$O/time.txt" \
        "$M" explain --aggregate -m "${MODEL:-models/default.mrlm}" --pos "$D/modhsa_test_pos.fa" \
        --neg "$D/modhsa_test_neg.fa" --mature "$S/data/mirbase/v21/mature_positions.tsv.gz" \
        --method "$methods" --steps 32 --faith-n 0 --sanity-n 0 --examples 0 --threshold 0 \
        --random-net --boot "${BOOT:-1000}" -j 2 -q -o "$O/run"
fi
for g in TP FP; do
    echo "### $g ($( [ $g = TP ] && echo 'all pre-miRNAs' || echo 'all pseudo-hairpins')): enrichment [95% CI], model / random network / **difference** [95% CI]"
    echo
    echo "| table | category | ${methods//,/ | } |"
    echo "|---|---|---|---|---|---|"
    awk -F'\t' -v g=$g -v ms="$methods" '
        BEGIN { nm = split(ms, mm, ",") }
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $2 != g || ($3 != "context" && $3 != "region" && $3 != "pair") || $8 == "nan" { next }
        { k = $3 "\t" $4; if (!(k in seen)) { seen[k] = 1; order[++n] = k }
          if ($c["diff_lo"] == "nan")
              cell[k, $1] = sprintf("%.2f / %.2f / **%+.2f** (no interval: < 10 hairpins)", $8,
                  $c["random_net_enrichment"], $c["difference"])
          else
              cell[k, $1] = sprintf("%.2f [%.2f, %.2f] / %.2f / **%+.2f** [%+.2f, %+.2f]%s",
                  $8, $c["enrichment_lo"], $c["enrichment_hi"], $c["random_net_enrichment"],
                  $c["difference"], $c["diff_lo"], $c["diff_hi"],
                  ($c["diff_lo"] + 0 > 0 || $c["diff_hi"] + 0 < 0) ? " *" : "") }
        END { for (i = 1; i <= n; i++) { k = order[i]; split(k, kk, "\t")
                line = "| " kk[1] " | " kk[2]
                for (j = 1; j <= nm; j++) line = line " | " cell[k, mm[j]]
                print line " |" } }' "$O/run/aggregate/categories.tsv"
    echo
done
