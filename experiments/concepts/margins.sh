#!/usr/bin/env bash
# How each concept goes with the network's own score: mean margin (z1 - z0) of the
# pre-miRNAs with and without it, and the difference (a concept that goes with the score
# can be found by a concept test without the network using it: confounding).
#   bash experiments/concepts/margins.sh PREDICT.tsv MEMBERS.tsv
#   (PREDICT.tsv: mirlens predict's table of the same FASTA; MEMBERS.tsv: a concept run's)
set -euo pipefail
awk -F'\t' 'NR == FNR { if (FNR > 1) m[$1] = $6; next }
    FNR == 1 { for (k = 2; k <= NF; k++) name[k] = $k; nk = NF; next }
    { for (k = 2; k <= NF; k++) { if ($k == 1) { s1[k] += m[$1]; n1[k]++ } else if ($k == 0) { s0[k] += m[$1]; n0[k]++ } } }
    END {
        print "| concept | n with | margin with | n without | margin without | difference |"
        print "|---|---|---|---|---|---|"
        for (k = 2; k <= nk; k++)
            if (n1[k] && n0[k])
                printf "| %s | %d | %.2f | %d | %.2f | %+.2f |\n", name[k], n1[k], s1[k] / n1[k], n0[k], s0[k] / n0[k], s1[k] / n1[k] - s0[k] / n0[k]
    }' "$1" "$2"
