#!/usr/bin/env bash
# Markdown tables for docs/FINDINGS.md from the output of `mirlens explain --aggregate`:
#   bash experiments/findings_tables.sh DIR [METHOD]   (DIR: one run of experiments/findings.sh)
# Prints: the methods by faithfulness and sanity, where the attribution lies (contexts,
# duplex regions, bases, pair types) for true positives and true negatives, the cut-site
# profile peaks and the UGU/GUG motif rows, for METHOD (default integrated-gradients, the CLI's default).
set -euo pipefail
D=$1
M=${2:-integrated-gradients}
echo "### Methods ($D)"
echo
echo "| method | deletion AUC (random) | insertion AUC (random) | mean abs rho over the cascade | rho, all layers random | rho, shuffled labels |"
echo "|---|---|---|---|---|---|"
awk -F'\t' 'FNR == 1 { f++; next }
    f == 1 && $2 == "all" { del[$1] = $4; ins[$1] = $5; rdel[$1] = $6; rins[$1] = $7; order[++n] = $1 }
    f == 2 && $2 == "cascade" { c[$1] += ($5 < 0 ? -$5 : $5); k[$1]++; last[$1] = $5 }
    f == 2 && $2 == "shuffled-labels" { sh[$1] = $5 }
    END { for (i = 1; i <= n; i++) { m = order[i];
            printf "| %s | %.3f (%.3f) | %.3f (%.3f) | %s | %s | %s |\n", m, del[m], rdel[m], ins[m], rins[m],
                k[m] ? sprintf("%.2f", c[m] / k[m]) : "-", k[m] ? sprintf("%.2f", last[m]) : "-",
                (m in sh) ? sprintf("%.2f", sh[m]) : "-" } }' "$D/faithfulness.tsv" "$D/sanity.tsv"
echo
for table in context region base pair; do
    echo "### $M: $table (share of |attribution| / share of nucleotides = enrichment)"
    echo
    echo "| $table | TP attribution | TP nucleotides | TP enrichment | TN attribution | TN nucleotides | TN enrichment |"
    echo "|---|---|---|---|---|---|---|"
    awk -F'\t' -v m="$M" -v t="$table" '$1 == m && $3 == t && ($2 == "TP" || $2 == "TN") {
            if (!($4 in seen)) { seen[$4] = 1; order[++n] = $4 }
            a[$2 " " $4] = $7; s[$2 " " $4] = $6; e[$2 " " $4] = $8 }
        END { for (i = 1; i <= n; i++) { c = order[i]; if (s["TP " c] + s["TN " c] == 0) continue;
                printf "| %s | %.3f | %.3f | %s | %s | %s | %s |\n", c, a["TP " c], s["TP " c], e["TP " c],
                    ("TN " c) in a ? sprintf("%.3f", a["TN " c]) : "-", ("TN " c) in s ? sprintf("%.3f", s["TN " c]) : "-",
                    ("TN " c) in e ? e["TN " c] : "-" } }' "$D/aggregate/categories.tsv"
    echo
done
echo "### $M: cut sites, true positives (mean |share| per nucleotide at offsets -10..10)"
echo
awk -F'\t' -v m="$M" '$1 == m && $2 == "TP" { v[$3] = v[$3] sprintf(" %.4f", $7)
        if ($7 > best[$3]) { best[$3] = $7; at[$3] = $4 } }
    END { for (s in v) printf "- %s: peak at offset %d;%s\n", s, at[s], v[s] }' "$D/aggregate/cutsites.tsv" | sort
echo
echo "### $M: UGU / GUG and the most enriched 3-mers (true positives)"
echo
echo "| scope | 3-mer | occurrences | in top 10% | expected | enrichment | z |"
echo "|---|---|---|---|---|---|---|"
awk -F'\t' -v m="$M" '$1 == m && $2 == "TP" && ($4 == "UGU" || $4 == "GUG") {
        printf "| %s | %s | %s | %s | %s | %s | %s |\n", $3, $4, $5, $6, $7, $8, $9 }' "$D/aggregate/motifs.tsv"
for scope in all near-loop; do
    awk -F'\t' -v m="$M" -v sc="$scope" '$1 == m && $2 == "TP" && $3 == sc && $9 != "nan"' "$D/aggregate/motifs.tsv" |
        sort -t$'\t' -k9,9gr | head -5 |
        awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $3, $4, $5, $6, $7, $8, $9 }'
done
