#!/usr/bin/env bash
# CLI tests for `mirlens explain --determinants` on the shipped model and the example
# hairpins: the two tables and their shapes; visibility and presence counts worked out by
# hand for let-7a-1 and miR-21 (trimmed miRBase hairpins: no 3' flank for CNNC, 22-nt 5p
# matures starting with U); the attribution shares recomputed independently from
# `mirlens explain`'s nucleotides.tsv for the same hairpin; enrichment = observed /
# expected; the random network and the control rows; 1 and 2 threads identical; usage and
# input errors exit 2 / 1 with "mirlens explain: ..."; --mutagenesis: its rows and per-hairpin
# means recomputed from `mirlens explain --method mutagenesis` (mutagenesis.tsv).
NAME=determinants.sh
. "$(dirname "$0")/lib.sh"
[ -n "${KEEP_T:-}" ] && trap - EXIT && echo "scratch: $T"
awk '/^>pseudo/{p=0} /^>hsa/{p=1} p' examples/hairpins.fa > "$T/pos.fa"
awk '/^>hsa/{p=0} /^>pseudo/{p=1} p' examples/hairpins.fa > "$T/neg.fa"
seq_of() { awk -v id="$1" '/^>/{p = substr($1, 2) == id; next} p' "$T/pos.fa" | tr -d '\n'; }
# mature table: let-7a-5p and miR-21-5p found in their hairpins (as explain_set.sh makes it)
mature_table() { # ID:MATURE...
    printf '#hairpin_id\thairpin_acc\tmature_id\tmature_acc\tstart_1based\tend_1based\tarm_by_position\thairpin_len\tmatch\n'
    for pair in "$@"; do
        id=${pair%%:*} mat=${pair#*:} s=$(seq_of "${pair%%:*}")
        st=$(awk -v s="$s" -v m="$mat" 'BEGIN { print index(s, m) }')
        printf '%s\tMI%07d\t%s-5p\tMIMAT1\t%d\t%d\t5p\t%d\tname+seq\n' "$id" "${#id}" "$id" "$st" \
            $((st + ${#mat} - 1)) "${#s}"
    done
}
mature_table hsa-let-7a-1:UGAGGUAGUAGGUUGUAUAGUU hsa-mir-21:UAGCUUAUCAGACUGAUGUUGA > "$T/mature.tsv"
mature_table hsa-let-7a-1:UGAGGUAGUAGGUUGUAUAGUU > "$T/let7.tsv"
[ "$(awk 'NR > 1 && $5 > 0' "$T/mature.tsv" | wc -l)" -eq 2 ] && ok || bad "test mature table"

run_det() { # DIR THREADS [ARGS...]
    local d=$1 j=$2
    shift 2
    "$M" explain --determinants --pos "$T/pos.fa" --neg "$T/neg.fa" --mature "$T/mature.tsv" \
        --method gradient-x-input,integrated-gradients --steps 8 --boot 200 -j "$j" -q -o "$d" "$@"
}
expect "determinants run" 0 "" -- run_det "$T/a" 1
A=$T/a
for f in determinants.tsv determinant_scores.tsv; do [ -s "$A/$f" ] && ok || bad "missing $f"; done
find "$A" -name '*.tmp.*' | grep -q . && bad "temporary files left" || ok
head -1 "$A/determinants.tsv" | grep -q $'^determinant\tsource\tmethod\tmodel\tn_visible\tn_present\tn\tobserved\texpectation\texpected\tenrichment\tci_lo\tci_hi\trandom_net_enrichment\tdifference\tdiff_lo\tdiff_hi\tother_expected\tother_enrichment\tother_ci_lo\tother_ci_hi\tother_difference\tother_diff_lo\tother_diff_hi\tobserved_signed\tverdict\tcontrol_enrichment\tcontrol_difference\tcontrol_diff_lo\tcontrol_diff_hi$' &&
    ok || bad "determinants.tsv header"
# 15 determinants x 2 methods x 2 networks (model, random network), 30 columns each
[ "$(($(wc -l < "$A/determinants.tsv") - 1))" -eq 60 ] && ok || bad "determinants.tsv rows"
awk -F'\t' 'NF != 30 { exit 1 }' "$A/determinants.tsv" && ok || bad "determinants.tsv columns"
# the region determinants read the share-of-nt expectation, sites and motifs the context one
awk -F'\t' 'NR > 1 { r = $1 ~ /^(lower-stem|upper-stem|stem-length|loop-size|dicer-5p-counting)$/;
    if ($9 != (r ? "share" : "context")) exit 1 }' "$A/determinants.tsv" && ok || bad "expectation column"
[ "$(($(wc -l < "$A/determinant_scores.tsv") - 1))" -eq 15 ] && ok || bad "determinant_scores.tsv rows"
# by hand: both hairpins explained; both 5p matures are 22 nt and start with U; trimmed
# hairpins end < 21 nt after the 3p strand, so CNNC is never visible; the 5p strand starts
# < 14 nt from the 5' end (let-7a-1: 6, miR-21: 8), so the basal UG is never visible
row() { awk -F'\t' -v d="$1" '$1 == d { print $3, $4, $5; exit }' "$A/determinant_scores.tsv"; }
[ "$(row dicer-5p-counting)" = "2 2 2" ] && ok || bad "dicer-5p-counting counts: $(row dicer-5p-counting)"
[ "$(row mature-5U)" = "2 2 2" ] && ok || bad "mature-5U counts: $(row mature-5U)"
[ "$(row CNNC)" = "2 0 0" ] && ok || bad "CNNC counts: $(row CNNC)"
[ "$(row basal-UG)" = "2 0 0" ] && ok || bad "basal-UG counts: $(row basal-UG)"
awk -F'\t' '$1 == "CNNC" && $4 == "model" && $26 != "cannot be seen by this input" { exit 1 }' \
    "$A/determinants.tsv" && ok || bad "CNNC verdict"
# enrichment = observed / expected for both expectations; intervals ordered; shares in [0, 1]
awk -F'\t' 'function off(a, b) { return a - b > 1e-3 * b + 1e-4 || b - a > 1e-3 * b + 1e-4 }
    NR > 1 && $7 > 0 { if (off($8 / $10, $11) || off($8 / $18, $19)) exit 1;
    if ($12 > $13 || $20 > $21) exit 1; if ($8 < 0 || $8 > 1 || $10 <= 0 || $18 <= 0) exit 1; n++ }
    END { exit n == 0 }' \
    "$A/determinants.tsv" && ok || bad "enrichment, intervals or shares"
# the model's difference is its enrichment minus the random network's
awk -F'\t' 'NR > 1 && $4 == "model" && $7 > 0 { d = $11 - $14; if (d - $15 > 2e-4 || $15 - d > 2e-4) exit 1; n++ }
    END { exit n == 0 }' "$A/determinants.tsv" && ok || bad "difference column"

# independent recomputation for one hairpin (let-7a-1 only in the table): mirlens explain
# writes each nucleotide's gradient-x-input attribution and context; the share of |attr| on
# the 5p mature (dicer-5p-counting's mask) and on its first nt (mature-5U), and the
# context-matched expectation and the mask's share of drawn nt (attribution != 0)
"$M" explain --determinants --pos "$T/pos.fa" --mature "$T/let7.tsv" --method gradient-x-input \
    --boot 50 -j 1 -q -o "$T/one" || bad "one-hairpin run"
seq_of hsa-let-7a-1 | sed '1i >hsa-let-7a-1' > "$T/let7.fa"
"$M" explain --method gradient-x-input -j 1 -q -o "$T/nx" "$T/let7.fa" || bad "per-sequence explain"
st=$(awk -F'\t' 'NR == 2 { print $5 }' "$T/let7.tsv") en=$(awk -F'\t' 'NR == 2 { print $6 }' "$T/let7.tsv")
ref() { # LO HI: observed, context expectation, share of nt of the mask [LO, HI] (1-based)
    awk -F'\t' -v lo="$1" -v hi="$2" 'NR > 1 && $7 != 0 { a = $7 < 0 ? -$7 : $7; tot += a; cs[$5] += a; cn[$5]++;
        nd++; if ($2 >= lo && $2 <= hi) { m += a; mc[$5]++; nm++ } }
        END { for (c in mc) e += mc[c] * cs[c] / cn[c]; printf "%.6f %.6f %.6f\n", m / tot, e / tot, nm / nd }' \
        "$T/nx/nucleotides.tsv"
}
got() { # observed, context expectation, share (from expected / other_expected by expectation)
    awk -F'\t' -v d="$1" '$1 == d && $4 == "model" { print $8, ($9 == "context" ? $10 " " $18 : $18 " " $10) }' \
        "$T/one/determinants.tsv"
}
close() { awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); if (x[1] == "") exit 1;
    for (i = 1; i <= 3; i++) if ((x[i] - y[i])^2 > 1e-10) exit 1 }'; }
close "$(got dicer-5p-counting)" "$(ref "$st" "$en")" && ok ||
    bad "dicer-5p-counting share: $(got dicer-5p-counting) vs $(ref "$st" "$en")"
close "$(got mature-5U)" "$(ref "$st" "$st")" && ok || bad "mature-5U share: $(got mature-5U) vs $(ref "$st" "$st")"

# --mutagenesis: method "mutagenesis" rows and determinant_mutagenesis.tsv, recomputed
# independently for both hairpins from `mirlens explain --method mutagenesis`'s
# mutagenesis.tsv (each position: the mean |delta_margin| of its drawable substitutions)
# and nucleotides.tsv's contexts: per hairpin the mask mean, its context-matched expectation
# and the all-positions mean (to 1e-5 relative), and the mean share over the two hairpins
[ ! -e "$A/determinant_mutagenesis.tsv" ] && ! grep -q mutagenesis "$A/determinants.tsv" &&
    ok || bad "mutagenesis output without --mutagenesis"
mut_det() { # DIR THREADS [ARGS...]
    local d=$1 j=$2
    shift 2
    "$M" explain --determinants --pos "$T/pos.fa" --mature "$T/mature.tsv" --mutagenesis \
        --method gradient-x-input --boot 50 -j "$j" -q -o "$d" "$@"
}
expect "determinants with mutagenesis" 0 "" -- mut_det "$T/mu" 1
MU=$T/mu
[ "$(awk -F'\t' '$3 == "mutagenesis"' "$MU/determinants.tsv" | wc -l)" -eq 30 ] && ok ||
    bad "mutagenesis rows in determinants.tsv"
head -1 "$MU/determinant_mutagenesis.tsv" | grep -q $'^id\tdeterminant\tmodel\tmask_mean\tcontext_mean\tall_mean$' &&
    ok || bad "determinant_mutagenesis.tsv header"
for id in hsa-let-7a-1 hsa-mir-21; do printf '>%s\n%s\n' "$id" "$(seq_of $id)"; done > "$T/two.fa"
"$M" explain --method mutagenesis -j 1 -q -o "$T/mx" "$T/two.fa" || bad "per-sequence mutagenesis"
"$M" explain --method gradient-x-input -j 1 -q -o "$T/nx2" "$T/two.fa" || bad "per-sequence explain (2)"
mref() { # ID LO HI (1-based mask): mask mean, context mean, all mean, share, ctx share, nt share
    awk -F'\t' -v id="$1" -v lo="$2" -v hi="$3" 'FNR == 1 { f++; next }
        f == 1 && $1 == id { ctx[$2] = $5; next }
        f == 2 && $1 == id && $5 == "sub" && $16 == 1 { s[$2] += $10 < 0 ? -$10 : $10; c[$2]++ }
        END { for (p in c) { e = s[p] / c[p]; tot += e; cs[ctx[p]] += e; cn[ctx[p]]++; nd++;
                  if (p + 0 >= lo && p + 0 <= hi) { m += e; mc[ctx[p]]++; nm++ } }
              for (k in mc) x += mc[k] * cs[k] / cn[k];
              printf "%.9g %.9g %.9g %.9g %.9g %.9g\n", m / nm, x / nm, tot / nd, m / tot, x / tot, nm / nd }' \
        "$T/nx2/nucleotides.tsv" "$T/mx/mutagenesis.tsv"
}
mgot() { awk -F'\t' -v id="$1" -v d="$2" '$1 == id && $2 == d && $3 == "model" { print $4, $5, $6 }' \
    "$MU/determinant_mutagenesis.tsv"; }
rclose() { awk -v a="$1" -v b="$2" -v k="$3" 'BEGIN { split(a, x, " "); split(b, y, " "); if (x[1] == "") exit 1;
    for (i = 1; i <= k; i++) { d = x[i] - y[i]; if (d < 0) d = -d; if (d > 1e-5 * (y[i] < 0 ? -y[i] : y[i]) + 1e-9) exit 1 } }'; }
mat_pos() { awk -F'\t' -v id="$1" '$1 == id { print $5, $6 }' "$T/mature.tsv"; }
sh_sum="0 0 0 0 0 0"
for id in hsa-let-7a-1 hsa-mir-21; do
    read -r ms me <<< "$(mat_pos $id)"
    for spec in "dicer-5p-counting $ms $me" "mature-5U $ms $ms"; do
        set -- $spec
        r=$(mref "$id" "$2" "$3")
        rclose "$(mgot "$id" "$1")" "$r" 3 && ok || bad "mutagenesis means $id $1: $(mgot "$id" "$1") vs $r"
    done
done
# the table's observed / expected / share: means over the two hairpins of the shares
mshare() { # DET LO-OFFSET: mean over hairpins of the share columns
    for id in hsa-let-7a-1 hsa-mir-21; do
        read -r ms me <<< "$(mat_pos $id)"
        [ "$1" = mature-5U ] && me=$ms
        mref "$id" "$ms" "$me"
    done | awk '{ for (i = 4; i <= 6; i++) s[i] += $i } END { printf "%.9g %.9g %.9g\n", s[4] / 2, s[5] / 2, s[6] / 2 }'
}
mtab() { awk -F'\t' -v d="$1" '$1 == d && $3 == "mutagenesis" && $4 == "model" && $7 == 2 {
    print $8, ($9 == "context" ? $10 " " $18 : $18 " " $10) }' "$MU/determinants.tsv"; }
for det in dicer-5p-counting mature-5U; do
    close "$(mtab $det)" "$(mshare $det)" && ok || bad "mutagenesis shares $det: $(mtab $det) vs $(mshare $det)"
done
# enrichment = mean observed / mean expected, and the random network's rows carry its own
# (much smaller) |delta margin|: its all-positions mean differs from the model's
awk -F'\t' '$3 == "mutagenesis" && $7 > 0 { e = $8 / $10; if ((e - $11)^2 > 1e-6) exit 1; n++ } END { exit n < 4 }' \
    "$MU/determinants.tsv" && ok || bad "mutagenesis enrichment"
awk -F'\t' '$2 == "mature-5U" { a[$3] = $6 } END { exit !(a["model"] > 0 && a["random-network"] > 0 && a["model"] != a["random-network"]) }' \
    "$MU/determinant_mutagenesis.tsv" && ok || bad "random network mutagenesis rows"
expect "determinants with mutagenesis, 2 threads" 0 "" -- mut_det "$T/mu2" 2
same "$T/mu2/determinants.tsv" "$MU/determinants.tsv" "mutagenesis determinants.tsv, 1 vs 2 threads"
same "$T/mu2/determinant_mutagenesis.tsv" "$MU/determinant_mutagenesis.tsv" \
    "determinant_mutagenesis.tsv, 1 vs 2 threads"

# threads do not change a number; --no-random drops the random network; --control adds rows
expect "determinants run, 2 threads" 0 "" -- run_det "$T/b" 2
same "$T/b/determinants.tsv" "$A/determinants.tsv" "determinants.tsv, 1 vs 2 threads"
same "$T/b/determinant_scores.tsv" "$A/determinant_scores.tsv" "determinant_scores.tsv, 1 vs 2 threads"
expect "no random network" 0 "" -- run_det "$T/c" 1 --no-random
awk -F'\t' 'NR > 1 && ($4 != "model" || $14 != "nan") { exit 1 }' "$T/c/determinants.tsv" &&
    ok || bad "--no-random still has random-network rows"
"$M" train -q --shuffle-labels --pos "$T/pos.fa" --neg "$T/neg.fa" --batch 4 --seed 3 -j 1 \
    --epochs 1 -o "$T/shuf.mrlm" || bad "training the control model"
expect "control model" 0 "" -- run_det "$T/d" 1 --control "$T/shuf.mrlm"
[ "$(awk -F'\t' '$4 == "control"' "$T/d/determinants.tsv" | wc -l)" -eq 30 ] && ok || bad "control rows"
# without a control its columns are nan; with one, the model's control_difference is its
# enrichment minus the control's (on the verdict's expectation), inside its interval's span
awk -F'\t' 'NR > 1 && ($27 != "nan" || $28 != "nan") { exit 1 }' "$A/determinants.tsv" && ok ||
    bad "control columns without --control"
awk -F'\t' 'NR > 1 && $4 == "control" && $7 > 0 { c[$1 " " $3] = $11 }
    NR > 1 && $4 == "model" && $7 > 0 { e[$1 " " $3] = $11; d[$1 " " $3] = $28; cc[$1 " " $3] = $27;
        if ($29 > $30) exit 1 }
    END { for (k in e) { if ((e[k] - c[k] - d[k])^2 > 4e-8 || cc[k] != c[k]) exit 1; n++ } exit n == 0 }' \
    "$T/d/determinants.tsv" && ok || bad "control_difference column"
expect "control model, mutagenesis" 0 "" -- mut_det "$T/dm" 1 --control "$T/shuf.mrlm"
[ "$(awk -F'\t' '$3 == "mutagenesis" && $4 == "control"' "$T/dm/determinants.tsv" | wc -l)" -eq 15 ] &&
    ok || bad "control mutagenesis rows"
nc=$(awk -F'\t' '$3 == "control"' "$T/dm/determinant_mutagenesis.tsv" | wc -l)
[ "$nc" -gt 0 ] && [ "$nc" -eq "$(awk -F'\t' 'NR > 1 && $3 == "model"' "$T/dm/determinant_mutagenesis.tsv" | wc -l)" ] &&
    ok || bad "control rows of determinant_mutagenesis.tsv"
# the model's rows do not depend on which other networks ran
awk -F'\t' '$3 == "model"' "$T/dm/determinant_mutagenesis.tsv" > "$T/dm.model"
awk -F'\t' '$3 == "model"' "$MU/determinant_mutagenesis.tsv" > "$T/mu.model"
[ -s "$T/dm.model" ] && cmp -s "$T/dm.model" "$T/mu.model" && ok || bad "model rows changed with --control"

# errors
expect "no --mature" 2 "mirlens explain: --determinants needs --mature" -- \
    "$M" explain --determinants --pos "$T/pos.fa" -o "$T/e"
expect "no -o" 2 "mirlens explain: no output directory" -- \
    "$M" explain --determinants --pos "$T/pos.fa" --mature "$T/mature.tsv"
expect "no --pos" 2 "mirlens explain: --determinants needs --pos" -- \
    "$M" explain --determinants --neg "$T/neg.fa" --mature "$T/mature.tsv" -o "$T/e"
expect "bad --boot" 2 "mirlens explain: " -- \
    "$M" explain --determinants --pos "$T/pos.fa" --mature "$T/mature.tsv" -o "$T/e" --boot 0
expect "missing FASTA" 1 "mirlens explain: .*nope.fa" -- \
    "$M" explain --determinants --pos "$T/nope.fa" --mature "$T/mature.tsv" -o "$T/e"
printf '#hairpin_id\thairpin_acc\tmature_id\tmature_acc\tstart_1based\tend_1based\tarm_by_position\thairpin_len\tmatch\nhsa-nothere\tMI9\tx\tMIMAT9\t1\t22\t5p\t80\tname+seq\n' > "$T/none.tsv"
expect "no positive in the table" 1 "mirlens explain: determinants: no positive record has mature positions" -- \
    "$M" explain --determinants --pos "$T/pos.fa" --mature "$T/none.tsv" -o "$T/e"
[ ! -e "$T/e/determinants.tsv" ] && ok || bad "a failed run left determinants.tsv"
summary
