#!/usr/bin/env bash
# One markdown table per concepts.tsv: each concept's examples / counterparts, the layers
# where it is significant (q < 0.05) with the sign of the difference, and its strongest
# layer (lowest p): statistic, random concepts' mean +- sd, p, q.
#   bash experiments/concepts/table.sh DIR/concepts.tsv
set -euo pipefail
awk -F'\t' '
NR == 1 { next }
{
    c = $1
    if (!(c in seen)) { seen[c] = 1; order[++n] = c; nc[c] = $3; nr[c] = $4; best[c] = -1 }
    if ($12 == "untested") { untested[c] = 1; next }
    if ($12 == "significant") sig[c] = sig[c] (sig[c] == "" ? "" : " ") $2 ($6 > $8 ? "+" : "-")
    if (best[c] < 0 || $10 < bp[c]) { best[c] = $2; bp[c] = $10; bq[c] = $11; bs[c] = $6; bacc[c] = $5; rm[c] = $8; rs[c] = $9 }
}
END {
    print "| concept | with / without | significant layers | strongest layer | CAV acc. | statistic | random concepts | p | q |"
    print "|---|---|---|---|---|---|---|---|---|"
    for (i = 1; i <= n; i++) {
        c = order[i]
        if (best[c] < 0) { printf "| %s | %d / %d | untested (too few) | | | | | | |\n", c, nc[c], nr[c]; continue }
        printf "| %s | %d / %d | %s | %d | %.2f | %.3g | %.3g +- %.3g | %.2g | %.2g |\n", c, nc[c], nr[c],
            sig[c] == "" ? "none" : sig[c], best[c], bacc[c], bs[c], rm[c], rs[c], bp[c], bq[c]
    }
}' "$1"
