#!/usr/bin/env bash
# CLI tests for `mirlens explain --determinants` on the shipped model and the example
# hairpins: the two tables and their shapes; visibility and presence counts worked out by
# hand for let-7a-1 and miR-21 (trimmed miRBase hairpins: no 3' flank for CNNC, 22-nt 5p
# matures starting with U); the attribution shares recomputed independently from
# `mirlens explain`'s nucleotides.tsv for the same hairpin; enrichment = observed /
# expected; the random network and the control rows; 1 and 2 threads identical; usage and
# input errors exit 2 / 1 with "mirlens explain: ...".
NAME=determinants.sh
. "$(dirname "$0")/lib.sh"
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
head -1 "$A/determinants.tsv" | grep -q $'^determinant\tsource\tmethod\tmodel\tn_visible\tn_present\tn\tobserved\texpectation\texpected\tenrichment\tci_lo\tci_hi\trandom_net_enrichment\tdifference\tdiff_lo\tdiff_hi\tother_expected\tother_enrichment\tother_ci_lo\tother_ci_hi\tother_difference\tother_diff_lo\tother_diff_hi\tobserved_signed\tverdict$' &&
    ok || bad "determinants.tsv header"
# 15 determinants x 2 methods x 2 networks (model, random network), 26 columns each
[ "$(($(wc -l < "$A/determinants.tsv") - 1))" -eq 60 ] && ok || bad "determinants.tsv rows"
awk -F'\t' 'NF != 26 { exit 1 }' "$A/determinants.tsv" && ok || bad "determinants.tsv columns"
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
