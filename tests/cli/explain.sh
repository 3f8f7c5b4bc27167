#!/usr/bin/env bash
# CLI tests for `mirlens explain`: on a tiny model trained here, every output exists and
# parses (nucleotides.tsv rows, .npy headers, PNG signatures, SVG, index.html with working
# relative links), the same seed gives byte-identical files with 1 or 2 threads, and usage
# errors exit 2, bad inputs exit 1 with "mirlens explain: ...".
NAME=explain.sh
. "$(dirname "$0")/lib.sh"
awk '/^>pseudo/{p=0} /^>hsa/{p=1} p' examples/hairpins.fa > "$T/pos.fa"
awk '/^>hsa/{p=0} /^>pseudo/{p=1} p' examples/hairpins.fa > "$T/neg.fa"
"$M" train -q --pos "$T/pos.fa" --neg "$T/neg.fa" --batch 4 --seed 3 -j 1 --epochs 1 \
    -o "$T/m.mrlm" || { bad "training the tiny model"; summary; exit 1; }
# two hairpins and one sequence without a hairpin loop
{ head -2 "$T/pos.fa"; printf '>odd/id two\nAAAAAAAAAA\n'; sed -n 3,4p "$T/neg.fa"; } > "$T/in.fa"
methods=gradient,smoothgrad-guided,integrated-gradients,occlusion-nt,kernel-shap,gradcam
fast="--samples 4 --steps 8 --kshap-samples 32 --scale 2"
expect run 0 "no hairpin loop" -- "$M" explain -m "$T/m.mrlm" --method $methods $fast -j 1 \
    "$T/in.fa" -o "$T/a"
ids=$(grep '^>' "$T/in.fa" | sed -n '1p;3p' | cut -c2- | cut -d' ' -f1)
for id in $ids; do
    for m in ${methods//,/ }; do
        for ext in npy png svg; do
            [ -s "$T/a/$id.$m.$ext" ] && ok || bad "missing $id.$m.$ext"
        done
        # .npy: magic, version 1.0, '<f4' (3, 25, 100), 128-byte header + 7500 floats
        head -c 8 "$T/a/$id.$m.npy" | od -An -c | tr -d ' \n' | grep -q '223NUMPY001\\0' && ok ||
            bad "$id.$m.npy magic"
        head -c 128 "$T/a/$id.$m.npy" | grep -q "'descr': '<f4', 'fortran_order': False, 'shape': (3, 25, 100)" &&
            ok || bad "$id.$m.npy header"
        [ "$(wc -c < "$T/a/$id.$m.npy")" -eq $((128 + 30000)) ] && ok || bad "$id.$m.npy size"
        [ "$(head -c 8 "$T/a/$id.$m.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && ok ||
            bad "$id.$m.png signature"
        grep -q '</svg>' "$T/a/$id.$m.svg" && ok || bad "$id.$m.svg incomplete"
    done
done
ls "$T/a" | grep -q '^odd' && bad "files for a refused sequence" || ok
ls "$T/a" | grep -q 'tmp' && bad "temporary files left" || ok
# nucleotides.tsv: header, one row per position and method, 1-based, partners symmetric
tsv="$T/a/nucleotides.tsv"
[ "$(head -1 "$tsv")" = "$(printf 'id\tposition\tbase\tpartner\tcontext\tmethod\tattribution')" ] && ok ||
    bad "tsv header"
len=$(awk 'NR == 2 || NR == 6 { n += length($0) } END { print n }' "$T/in.fa")
[ "$(($(wc -l < "$tsv") - 1))" -eq $((len * 6)) ] && ok || bad "tsv rows: $(wc -l < "$tsv")"
awk -F'\t' 'NR > 1 && $6 == "gradient" { if ($4 != ".") p[$1 " " $2] = $4; n++ }
    END { for (k in p) { split(k, a, " "); if (p[a[1] " " p[k]] != a[2]) exit 1 } exit n == 0 }' "$tsv" &&
    ok || bad "partners not symmetric"
awk -F'\t' 'NR > 1 && $5 !~ /^(stem|bulge|interior-loop|terminal-loop|multiloop|flank5|flank3|exterior)$/ { exit 1 }' \
    "$tsv" && ok || bad "unknown context"
# summary.tsv: integrated-gradients and kernel-shap report a gap, gradient does not; score
# is P(pre-miRNA) as predict prints it, margin its logit, logit the explained one (z1)
sum="$T/a/summary.tsv"
[ "$(head -1 "$sum")" = "$(printf 'id\tmethod\tscore\tmargin\tlogit\treference\ttotal\tgap\tnote')" ] &&
    ok || bad "summary header: $(head -1 "$sum")"
awk -F'\t' '$2 == "integrated-gradients" && $8 != "." { g++ } $2 == "gradient" && $8 != "." { exit 1 }
    END { exit g != 2 }' "$sum" && ok || bad "summary gaps"
"$M" predict -q -m "$T/m.mrlm" "$T/in.fa" > "$T/pred.tsv"
awk -F'\t' 'NR == FNR { if (FNR > 1 && $5 != "") p[$1] = $5 " " $6; next }
    FNR > 1 { split(p[$1], q, " "); d = $3 - q[1]; e = $4 - q[2]
        if (d > 1e-6 || d < -1e-6 || e > 1e-4 || e < -1e-4) exit 1; n++ } END { exit n != 12 }' \
    "$T/pred.tsv" "$sum" && ok || bad "summary score/margin differ from predict's"
awk -F'\t' 'FNR > 1 { if ($5 == "" || $5 == ".") exit 1
        if ($2 == "integrated-gradients") { d = $8 - ($7 - ($5 - $6)); if (d > 1e-4 || d < -1e-4) exit 1 } }' \
    "$sum" && ok || bad "summary: gap is not total - (logit - reference)"
# index.html reads for a biologist: legend, units, verdicts (smoothgrad-guided fails and is
# named as the seed's method), numbers in words
html="$T/a/index.html"
for want in 'How to read the pictures' 'class="legend"' 'logit contribution per pixel' \
    'logit gradient per pixel' 'sanity check: FAILS (recorded)' 'sanity check: passes (recorded)' \
    "the seed's method (Cordero et al. 2019)" 'completeness gap' 'score minus reference score' \
    'total attribution' 'read the magnitude, not the sign'; do
    grep -qF "$want" "$html" && ok || bad "index.html lacks '$want'"
done
# the legend's colours are the encoder's: A yellow, C blue, G red, U green
grep -q 'fill="#ffff00"/><text x="22" y="37">A<' "$html" && grep -q 'fill="#00ff00"/><text x="22" y="97">U (T)<' "$html" &&
    ok || bad "legend colours"
# the structure drawing: 5'/3' ends, ticks every 10 nt, a colour bar with numbers and unit
id1=$(echo $ids | cut -d' ' -f1)
svg="$T/a/$id1.integrated-gradients.svg"
grep -q 'class="end5"' "$svg" && grep -q 'class="end3"' "$svg" && ok || bad "svg: no 5'/3' labels"
n1=$(awk 'NR == 2 { print length($0) }' "$T/in.fa")
[ "$(grep -o 'class="tick"' "$svg" | wc -l)" -eq $((n1 / 10)) ] && ok || bad "svg: ticks every 10 nt"
grep -q 'class="unit"[^>]*>logit contribution per nucleotide<' "$svg" && [ "$(grep -o 'class="barnum"' "$svg" | wc -l)" -eq 3 ] &&
    ok || bad "svg: colour bar numbers and unit"
# index.html: offline (no http links), every relative link exists
html="$T/a/index.html"
grep -q '</html>' "$html" && ok || bad "index.html incomplete"
grep -Eq '(src|href)="https?:' "$html" && bad "index.html links outside" || ok
missing=0
for f in $(grep -Eo '(src|href)="[^"#]+"' "$html" | sed -E 's/^(src|href)="//; s/"$//'); do
    [ -e "$T/a/$f" ] || missing=$((missing + 1))
done
[ "$missing" -eq 0 ] && ok || bad "index.html: $missing broken links"
if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
    id=$(echo $ids | cut -d' ' -f1)
    /usr/bin/python3 - "$T/a/$id.integrated-gradients.npy" <<'PY' && ok || bad "numpy cannot read the map"
import sys, numpy as np
a = np.load(sys.argv[1])
assert a.shape == (3, 25, 100) and a.dtype == np.float32 and np.isfinite(a).all()
PY
else
    skip "the .npy check: no python3-numpy"
fi
# determinism: same seed, 2 threads, standard input (the random and batched methods)
sub=smoothgrad-guided,integrated-gradients,kernel-shap
expect rerun 0 "" -- sh -c "\"$M\" explain -q -m \"$T/m.mrlm\" --method $sub $fast -j 2 - -o \"$T/b\" < \"$T/in.fa\""
files=$(cd "$T/b" && ls *.npy *.png *.svg)
differ=0
for f in $files; do
    cmp -s "$T/a/$f" "$T/b/$f" || { differ=1; bad "not reproducible: $f"; break; }
done
[ "$(echo $files | wc -w)" -eq 18 ] && [ $differ = 0 ] && ok || bad "rerun: $(echo $files | wc -w) files compared"
head -2 "$T/in.fa" > "$T/one.fa"
id=$(echo $ids | cut -d' ' -f1)
"$M" explain -q -m "$T/m.mrlm" --method smoothgrad-guided $fast --seed 8 "$T/one.fa" -o "$T/d"
cmp -s "$T/b/$id.smoothgrad-guided.npy" "$T/d/$id.smoothgrad-guided.npy" && bad "the seed changes nothing" || ok
# an image set as input, and as the SHAP background (encode -f u8 writes one)
"$M" encode -q -f u8 -o "$T/set" "$T/pos.fa"
expect images 0 "" -- "$M" explain -q -m "$T/m.mrlm" --method gradient,shap --samples 4 --scale 2 \
    --images "$T/set" --background "$T/set.u8" -o "$T/e"
first=$(head -1 "$T/set.names")
[ -s "$T/e/$first.shap.npy" ] && [ -s "$T/e/$first.gradient.png" ] && ok || bad "--images outputs"
[ "$(awk -F'\t' '$2 == "shap"' "$T/e/summary.tsv" | wc -l)" -eq "$(wc -l < "$T/set.names")" ] && ok ||
    bad "--images summary rows"
expect bgfasta 0 "" -- "$M" explain -q -m "$T/m.mrlm" --method shap --samples 4 --scale 2 \
    --background "$T/neg.fa" "$T/one.fa" -o "$T/f"
expect both 2 "not both" -- "$M" explain -m "$T/m.mrlm" --images "$T/set" "$T/in.fa" -o "$T/x"
# usage errors
expect noout 2 "no output directory" -- "$M" explain -m "$T/m.mrlm" "$T/in.fa"
expect method 2 "unknown method 'nope'" -- "$M" explain -m "$T/m.mrlm" --method gradient,nope "$T/in.fa" -o "$T/x"
expect patch 2 "--patch" -- "$M" explain -m "$T/m.mrlm" --patch 3x "$T/in.fa" -o "$T/x"
expect samples 2 "--samples" -- "$M" explain -m "$T/m.mrlm" --samples 0 "$T/in.fa" -o "$T/x"
expect noise 2 "--noise" -- "$M" explain -m "$T/m.mrlm" --noise abc "$T/in.fa" -o "$T/x"
expect option 2 "unknown option" -- "$M" explain --bogus -o "$T/x"
expect twoinputs 2 "one input" -- "$M" explain -m "$T/m.mrlm" "$T/in.fa" "$T/in.fa" -o "$T/x"
expect help 0 "" -- "$M" explain --help
grep -q 'Usage: mirlens explain' "$T/out" && ok || bad "help text"
# the help prints the library's default method (integrated-gradients since issue 24)
grep -A1 -- '--method LIST' "$T/out" | grep -q ' integrated-gradients (ig for short)' && ok || bad "help: default method"
# --mature: the annotated matures of hsa-let-7a-1 (miRBase 21) ringed in its drawing, one
# ring per mature nucleotide, as many as the table's ranges hold
MT="$S/data/mirbase/v21/mature_positions.tsv.gz"
if [ -r "$MT" ]; then
    awk '/^>/ { n++ } n == 1' examples/hairpins.fa > "$T/let7a.fa"
    expect mature 0 "" -- "$M" explain -q -m "$T/m.mrlm" --method gradient --scale 2 --mature "$MT" \
        "$T/let7a.fa" -o "$T/mat"
    want=$(zcat "$MT" | awk -F'\t' '$1 == "hsa-let-7a-1" { n += $6 - $5 + 1 } END { print n }')
    [ "$(grep -c ' mature</title>' "$T/mat/hsa-let-7a-1.gradient.svg")" -eq "$want" ] && [ "$want" -gt 40 ] &&
        ok || bad "--mature: rings"
    expect mature-bad 1 "mirlens explain: " -- "$M" explain -q -m "$T/m.mrlm" --mature "$T/in.fa" "$T/let7a.fa" -o "$T/mat2"
else
    skip "--mature: $MT not found"
fi
# runtime errors
expect missing 1 "mirlens explain: " -- "$M" explain -m "$T/m.mrlm" "$T/none.fa" -o "$T/x"
expect badmodel 1 "mirlens explain: " -- "$M" explain -m "$T/in.fa" "$T/in.fa" -o "$T/x"
printf '>bad\nACGU1ACGU\n' > "$T/bad.fa"
expect badfasta 1 "mirlens explain: " -- "$M" explain -q -m "$T/m.mrlm" --method gradient "$T/bad.fa" -o "$T/x"
[ -e "$T/x/nucleotides.tsv" ] && bad "a failed run left nucleotides.tsv" || ok
expect badlayer 1 "mirlens explain: " -- "$M" explain -q -m "$T/m.mrlm" --method gradcam --layer 47 "$T/in.fa" -o "$T/x"
expect badtarget 1 "mirlens explain: " -- "$M" explain -q -m "$T/m.mrlm" --method gradient --target 2 "$T/in.fa" -o "$T/x"
touch "$T/file"
expect outfile 1 "mirlens explain: " -- "$M" explain -q -m "$T/m.mrlm" "$T/in.fa" -o "$T/file/sub"
# a sequence outside the model's training lengths: warned about, noted in summary.tsv and
# in the page
printf '>short\nGGGGAAACCCCUUUUGGGGAAACCCCAAAA\n' > "$T/short.fa"
expect length-note 0 "1 sequence outside the lengths the model was trained on" -- \
    "$M" explain --method gradient -o "$T/len" "$T/short.fa"
[ "$(awk -F'\t' 'NR == 2 { print $9 }' "$T/len/summary.tsv")" = length ] && ok || bad "summary note"
grep -q 'class="warn"' "$T/len/index.html" && ok || bad "no warning in index.html"
# --randomize-model: the all-layers-random network (the sanity cascade's last step) is
# explained instead: its scores differ from the trained model's, are the same for the same
# seed and change with --seed (each layer re-drawn from the seed)
col() { awk -F'\t' -v c="$2" 'NR > 1 { print $c }' "$1/summary.tsv"; }
"$M" explain -q -m "$T/m.mrlm" --method gradient "$T/in.fa" -o "$T/r0" &&
    "$M" explain -q -m "$T/m.mrlm" --method gradient --randomize-model "$T/in.fa" -o "$T/r1" &&
    "$M" explain -q -m "$T/m.mrlm" --method gradient --randomize-model "$T/in.fa" -o "$T/r2" &&
    "$M" explain -q -m "$T/m.mrlm" --method gradient --randomize-model --seed 2 "$T/in.fa" \
        -o "$T/r3" && ok || bad "--randomize-model runs"
[ "$(col "$T/r0" 3)" != "$(col "$T/r1" 3)" ] && ok || bad "--randomize-model: scores unchanged"
same "$T/r1/summary.tsv" "$T/r2/summary.tsv" "--randomize-model, same seed"
id1=$(echo $ids | cut -d' ' -f1)
same "$T/r1/$id1.gradient.npy" "$T/r2/$id1.gradient.npy" "--randomize-model maps, same seed"
cmp -s "$T/r0/$id1.gradient.npy" "$T/r1/$id1.gradient.npy" && bad "--randomize-model: same map" || ok
[ "$(col "$T/r1" 3)" != "$(col "$T/r3" 3)" ] && ok || bad "--randomize-model: --seed ignored"
summary
