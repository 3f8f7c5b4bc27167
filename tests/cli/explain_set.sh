#!/usr/bin/env bash
# CLI tests for `mirlens explain --aggregate` and `--sanity` on the shipped model and the
# example hairpins: every table and figure exists and parses, shares add up to 1 in every
# table, outcome groups follow labels and probabilities, deletion and insertion curves meet
# at their ends, the sanity cascade has one step per layer with parameters, the report's
# links all resolve offline, 1 and 2 threads give identical tables, image-set input works,
# and usage / input errors exit 2 / 1 with "mirlens explain: ...".
NAME=explain_set.sh
. "$(dirname "$0")/lib.sh"
awk '/^>pseudo/{p=0} /^>hsa/{p=1} p' examples/hairpins.fa > "$T/pos.fa"
awk '/^>hsa/{p=0} /^>pseudo/{p=1} p' examples/hairpins.fa > "$T/neg.fa"
npos=$(grep -c '^>' "$T/pos.fa") nneg=$(grep -c '^>' "$T/neg.fa")
# mature table for two of the hairpins: let-7a-5p and miR-21-5p found in their sequences
seq_of() { awk -v id="$1" '/^>/{p = substr($1, 2) == id; next} p' "$T/pos.fa" | tr -d '\n'; }
{
    printf '#hairpin_id\thairpin_acc\tmature_id\tmature_acc\tstart_1based\tend_1based\tarm_by_position\thairpin_len\tmatch\n'
    for pair in hsa-let-7a-1:UGAGGUAGUAGGUUGUAUAGUU hsa-mir-21:UAGCUUAUCAGACUGAUGUUGA; do
        id=${pair%%:*} mat=${pair#*:} s=$(seq_of "${pair%%:*}")
        st=$(awk -v s="$s" -v m="$mat" 'BEGIN { print index(s, m) }')
        printf '%s\tMI%07d\t%s-5p\tMIMAT1\t%d\t%d\t5p\t%d\tname+seq\n' "$id" "${#id}" "$id" "$st" \
            $((st + ${#mat} - 1)) "${#s}"
    done
} > "$T/mature.tsv"
[ "$(awk 'NR > 1 && $5 > 0' "$T/mature.tsv" | wc -l)" -eq 2 ] && ok || bad "test mature table"
"$M" train -q --shuffle-labels --pos "$T/pos.fa" --neg "$T/neg.fa" --batch 4 --seed 3 -j 1 \
    --epochs 1 -o "$T/shuf.mrlm" || bad "training the shuffled-label model"

fast="--samples 4 --faith-n 6 --faith-steps 5 --faith-random 2 --sanity-n 3 --examples 1"
run_agg() { # DIR THREADS
    "$M" explain --aggregate --pos "$T/pos.fa" --neg "$T/neg.fa" --mature "$T/mature.tsv" \
        --method gradient,smoothgrad-guided $fast --shuffled-model "$T/shuf.mrlm" -j "$2" \
        -o "$1"
}
expect "aggregate run" 0 "" -- run_agg "$T/a" 1
A=$T/a
for f in predictions.tsv faithfulness.tsv faithfulness_curves.tsv faithfulness_seq.tsv \
    sanity.tsv sanity.svg deletion.svg insertion.svg index.html aggregate/columns.tsv \
    aggregate/profile.tsv aggregate/categories.tsv aggregate/cutsites.tsv aggregate/motifs.tsv \
    aggregate/loops.tsv; do
    [ -s "$A/$f" ] && ok || bad "missing $f"
done
for m in gradient smoothgrad-guided; do
    for f in maps.$m.npy maps.$m.png maps.$m.svg profile.$m.svg categories.$m.svg cutsites.$m.svg; do
        [ -s "$A/aggregate/$f" ] && ok || bad "missing aggregate/$f"
    done
    # (4 groups, signed/abs, 25, 100) float32
    head -c 128 "$A/aggregate/maps.$m.npy" | grep -q "'shape': (4, 2, 25, 100)" && ok || bad "maps.$m.npy header"
    [ "$(wc -c < "$A/aggregate/maps.$m.npy")" -eq $((128 + 4 * 2 * 2500 * 4)) ] && ok || bad "maps.$m.npy size"
done
find "$A" -name '*.tmp.*' | grep -q . && bad "temporary files left" || ok
# predictions: one row per hairpin; the group follows label and probability at 0.5
[ "$(($(wc -l < "$A/predictions.tsv") - 1))" -eq $((npos + nneg)) ] && ok || bad "prediction rows"
awk -F'\t' 'NR > 1 { g = ($2 == 1 ? ($3 >= 0.5 ? "TP" : "FN") : ($3 >= 0.5 ? "FP" : "TN")); if (g != $4) exit 1 }' \
    "$A/predictions.tsv" && ok || bad "outcome groups"
# every category table's attribution shares and nucleotide shares add up to 1
awk -F'\t' 'NR > 1 && $3 != "region" { a[$1 " " $2 " " $3] += $7; n[$1 " " $2 " " $3] += $6 }
    NR > 1 && $3 == "region" { a[$1 " " $2 " r"] += $7; n[$1 " " $2 " r"] += $6 }
    END { for (k in a) if (a[k] < 0.999 || a[k] > 1.001 || n[k] < 0.999 || n[k] > 1.001) exit 1; exit length(a) == 0 }' \
    "$A/aggregate/categories.tsv" && ok || bad "category shares do not add up to 1"
awk -F'\t' '$3 == "region" && $2 == "TP" { r++ } END { exit r == 0 }' "$A/aggregate/categories.tsv" &&
    ok || bad "no duplex regions for the true positives"
# the duplex column: 1-based ranges for exactly the two hairpins of the mature table; the
# annotated let-7a-5p is its 5p strand as given
[ "$(awk -F'\t' 'NR > 1 && $5 != "."' "$A/predictions.tsv" | wc -l)" -eq 2 ] && ok || bad "duplex column"
st=$(awk -F'\t' '$1 == "hsa-let-7a-1" { print $5 }' "$T/mature.tsv")
awk -F'\t' -v s="$st" '$1 == "hsa-let-7a-1" { split($5, a, "[-,]"); exit !(a[1] == s && a[2] == s + 21) }' \
    "$A/predictions.tsv" && ok || bad "let-7a-1 duplex 5p strand"
# column shares: each image's |map| is divided by its sum, so over both halves and all
# drawn columns a group's summed |shares| lie in (0, n_images] (pixels beyond the drawn
# columns are not binned)
awk -F'\t' 'FNR == 1 { f++; next } f == 1 { n[$4]++ } f == 2 { s[$1 " " $2] += $7 * $5; g[$1 " " $2] = $2 }
    END { for (k in s) if (s[k] <= 0 || s[k] > n[g[k]] * (1 + 1e-4)) exit 1; exit length(s) == 0 }' \
    "$A/predictions.tsv" "$A/aggregate/columns.tsv" && ok || bad "column shares"
# faithfulness: areas within [0, 1]; the two curves meet at both ends (full image, all masked)
awk -F'\t' 'NR > 1 { for (i = 4; i <= 7; i++) if ($i < 0 || $i > 1) exit 1 }' "$A/faithfulness.tsv" &&
    ok || bad "faithfulness areas"
awk -F'\t' 'NR > 1 && $2 == "all" { v[$1 " " $3 " " $4] = $6; if ($4 > S) S = $4 }
    END { for (m in v) ; split("gradient smoothgrad-guided", ms, " ");
          for (i in ms) { d0 = v[ms[i] " deletion 0"]; iS = v[ms[i] " insertion " S];
                          dS = v[ms[i] " deletion " S]; i0 = v[ms[i] " insertion 0"];
                          if (d0 == "" || d0 - iS > 1e-5 || iS - d0 > 1e-5 || dS - i0 > 1e-5 || i0 - dS > 1e-5) exit 1 } }' \
    "$A/faithfulness_curves.tsv" && ok || bad "deletion and insertion curves do not meet"
[ "$(awk -F'\t' 'NR > 1 && $2 == "gradient"' "$A/faithfulness_seq.tsv" | wc -l)" -eq 6 ] && ok ||
    bad "faithfulness on --faith-n hairpins"
# sanity: the original correlates 1 with itself; 8 cascade steps (the paper's network has 6
# convolutions and 2 dense layers), from the output down; a shuffled-label row per method
# randomising every layer decorrelates the gradient maps (signed rho near 0; the trained
# network's own maps would give 1)
awk -F'\t' '$1 == "gradient" && $2 == "cascade" && $3 == 8 { r = $5 < 0 ? -$5 : $5; exit !(r < 0.5) }' \
    "$A/sanity.tsv" && ok || bad "gradient maps survive full randomisation"
awk -F'\t' 'NR > 1 && ($5 < -1 || $5 > 1 || $6 < -1 || $6 > 1) { exit 1 }' "$A/sanity.tsv" && ok ||
    bad "rho outside [-1, 1]"
[ "$(awk -F'\t' '$1 == "gradient" && $2 == "cascade"' "$A/sanity.tsv" | wc -l)" -eq 8 ] && ok ||
    bad "cascade steps"
[ "$(awk -F'\t' '$1 == "gradient" && $2 == "cascade" && $3 == 1 { print $4 }' "$A/sanity.tsv")" = dense22 ] &&
    ok || bad "cascade starts at the output layer"
[ "$(awk -F'\t' '$2 == "shuffled-labels"' "$A/sanity.tsv" | wc -l)" -eq 2 ] && ok || bad "shuffled-label rows"
# loops: every hairpin of a group in exactly one loop-size bin
awk -F'\t' 'FNR == 1 { f++; next } f == 1 { n[$4]++ } f == 2 && $1 == "gradient" { s[$2] += $4 }
    END { for (g in n) if (s[g] != n[g]) exit 1; exit length(n) == 0 }' "$A/predictions.tsv" \
    "$A/aggregate/loops.tsv" && ok || bad "loop-size bins do not count every hairpin"
# motifs: 3-mers of ACGU only, both scopes
awk -F'\t' 'NR > 1 && ($4 !~ /^[ACGU][ACGU][ACGU]$/ || ($3 != "all" && $3 != "near-loop")) { exit 1 }' \
    "$A/aggregate/motifs.tsv" && ok || bad "motif rows"
# the report: offline, every relative link resolves, the methods table, example pages
html="$A/index.html"
grep -q '</html>' "$html" && ok || bad "index.html incomplete"
grep -Eq '(src|href)="https?:' "$html" && bad "index.html links outside" || ok
missing=0
for f in $(grep -Eo '(src|href)="[^"#]+"' "$html" | sed -E 's/^(src|href)="//; s/"$//'); do
    [ -e "$A/$f" ] || { missing=$((missing + 1)); echo "missing link $f" >&2; }
done
[ "$missing" -eq 0 ] && ok || bad "index.html: $missing broken links"
grep -q 'Methods by faithfulness and sanity' "$html" && ok || bad "no methods table"
grep -c 'href="seq/' "$html" | grep -qv '^0$' && ok || bad "no example pages linked"
for p in "$A"/seq/*.html; do
    for f in $(grep -Eo 'src="[^"]+"' "$p" | sed -E 's/^src="//; s/"$//'); do
        [ -e "$A/seq/$f" ] || bad "$(basename "$p"): missing $f"
    done
done
# 2 threads: the same tables
expect "aggregate with 2 threads" 0 "" -- run_agg "$T/b" 2
for f in predictions.tsv faithfulness.tsv faithfulness_seq.tsv sanity.tsv aggregate/categories.tsv \
    aggregate/profile.tsv aggregate/motifs.tsv aggregate/maps.gradient.npy; do
    same "$T/b/$f" "$A/$f" "1 vs 2 threads: $f"
done
# a hairpin found by its MI accession (the first word of the FASTA description)
acc=$(awk '/^>hsa-let-7a-1 / { print $2 }' "$T/pos.fa")
awk -F'\t' -v OFS='\t' -v acc="$acc" 'NR == 1 || $1 == "hsa-let-7a-1" { if (NR > 1) { $1 = "renamed"; $2 = acc } print }' \
    "$T/mature.tsv" > "$T/mature_acc.tsv"
expect "mature by accession" 0 "" -- "$M" explain --aggregate --pos "$T/pos.fa" --mature "$T/mature_acc.tsv" \
    --method gradient --faith-n 0 --examples 0 -j 1 -o "$T/acc"
awk -F'\t' '$3 == "region" { r++ } END { exit r == 0 }' "$T/acc/aggregate/categories.tsv" && ok ||
    bad "mature positions not found by accession"
# --mask n redraws removed nucleotides as N: other curves than erasing them
expect "mask n" 0 "" -- "$M" explain --aggregate --pos "$T/pos.fa" --neg "$T/neg.fa" --method gradient \
    --faith-n 6 --faith-steps 5 --faith-random 2 --examples 0 --mask n -j 1 -o "$T/n"
[ -s "$T/n/faithfulness.tsv" ] && ! cmp -s <(grep '^gradient' "$T/n/faithfulness.tsv") \
    <(grep '^gradient' "$A/faithfulness.tsv") && ok || bad "--mask n gives the same curves as white"
[ ! -e "$T/n/seq" ] && ok || bad "--examples 0 still wrote pages"
# sanity alone, on a FASTA file
expect "sanity alone" 0 "" -- "$M" explain --sanity "$T/pos.fa" --method gradient --sanity-n 2 -j 1 \
    -o "$T/s"
[ -s "$T/s/sanity.tsv" ] && [ -s "$T/s/index.html" ] && [ ! -e "$T/s/aggregate" ] && ok || bad "sanity outputs"
[ "$(awk -F'\t' '$2 == "cascade"' "$T/s/sanity.tsv" | wc -l)" -eq 8 ] && ok || bad "sanity alone: cascade"
# image sets: pixel statistics only
"$M" encode -q -f u8 -o "$T/img" "$T/pos.fa" "$T/neg.fa" || bad "encode"
{ for i in $(seq "$npos"); do echo 1; done; for i in $(seq "$nneg"); do echo 0; done; } > "$T/img.lab"
expect "aggregate over images" 0 "" -- "$M" explain --aggregate --images "$T/img" --labels "$T/img.lab" \
    --method gradient -j 1 -o "$T/i"
[ "$(wc -l < "$T/i/aggregate/columns.tsv")" -gt 1 ] && ok || bad "images: no column rows"
[ "$(wc -l < "$T/i/aggregate/profile.tsv")" -eq 1 ] && ok || bad "images: nucleotide rows without sequences"
cmp -s <(cut -f2-4 "$T/i/predictions.tsv") <(cut -f2-4 "$A/predictions.tsv") && ok ||
    bad "images and FASTA give different predictions"
expect "sanity on an image set" 0 "" -- "$M" explain --sanity "$T/img" --method gradient --sanity-n 2 -j 1 \
    -o "$T/si"
[ "$(awk -F'\t' '$2 == "cascade"' "$T/si/sanity.tsv" | wc -l)" -eq 8 ] && ok || bad "sanity on images: cascade"
expect "images without labels" 1 "no labels" -- "$M" explain --aggregate --images "$T/img" -o "$T/x"
# usage errors: exit 2
expect "no inputs" 2 "needs --pos" -- "$M" explain --aggregate -o "$T/x"
expect "no -o" 2 "no output directory" -- "$M" explain --aggregate --pos "$T/pos.fa"
expect "both modes" 2 "runs alone" -- "$M" explain --aggregate --sanity "$T/pos.fa" --pos "$T/pos.fa" -o "$T/x"
expect "bad mask" 2 "--mask" -- "$M" explain --aggregate --pos "$T/pos.fa" --mask grey -o "$T/x"
expect "bad option" 2 "unknown option" -- "$M" explain --aggregate --pos "$T/pos.fa" --frobnicate -o "$T/x"
expect "stray argument" 2 "unexpected argument" -- "$M" explain --aggregate --pos "$T/pos.fa" "$T/neg.fa" -o "$T/x"
expect "FASTA and images" 2 "not both" -- "$M" explain --aggregate --pos "$T/pos.fa" --images "$T/img" -o "$T/x"
expect "bad faith steps" 2 "faith-steps" -- "$M" explain --aggregate --pos "$T/pos.fa" --faith-steps 0 -o "$T/x"
# input errors: exit 1, naming the input; nothing half-written
expect "missing FASTA" 1 "mirlens explain: .*nope.fa" -- "$M" explain --aggregate --pos "$T/nope.fa" -o "$T/x"
printf '#hairpin_id\tx\n' > "$T/badmat.tsv"
printf 'hsa-x\tMI1\tm\tM\t5\t3\t5p\t70\tname+seq\n' >> "$T/badmat.tsv"
expect "bad mature table" 1 "badmat.tsv: line 2" -- "$M" explain --aggregate --pos "$T/pos.fa" \
    --mature "$T/badmat.tsv" -o "$T/x"
printf '>x\nACGU1ACGU\n' > "$T/bad.fa"
expect "bad letters" 1 "bad.fa" -- "$M" explain --aggregate --pos "$T/bad.fa" -o "$T/y"
[ ! -e "$T/y/index.html" ] && ok || bad "report written after an input error"
printf '>a\nAAAAAAAAAA\n>b\nCCCCCCCCCC\n' > "$T/nohp.fa"
expect "no hairpin at all" 1 "no hairpin to explain" -- "$M" explain --aggregate --pos "$T/nohp.fa" \
    --method gradient -o "$T/z"
[ ! -e "$T/z/index.html" ] && [ ! -e "$T/z/aggregate/categories.tsv" ] && ok || bad "outputs without hairpins"
expect "empty input" 1 "no sequences" -- "$M" explain --sanity /dev/null -o "$T/z"
expect "bad model" 1 "mirlens explain: " -- "$M" explain --aggregate --pos "$T/pos.fa" -m "$T/bad.fa" -o "$T/x"
expect "bad shuffled model" 1 "nope.mrlm" -- "$M" explain --sanity "$T/pos.fa" --shuffled-model "$T/nope.mrlm" \
    --sanity-n 1 --method gradient -o "$T/x"
summary
