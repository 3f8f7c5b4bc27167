#!/usr/bin/env bash
# CLI golden tests for `mirlens predict` on the shipped default model: the example file
# gives the committed output; a refused record, an empty file, a file of only headers,
# CRLF input, a missing file, formats, thread counts and usage errors behave as documented.
NAME=predict.sh
. "$(dirname "$0")/lib.sh"
D=tests/data/predict
MODEL=models/default.mrlm
# Like `same`, but the score column (5) may differ by 1e-4 and the margin (6) by 2e-3: oneDNN
# picks its kernels by CPU, and another summation order moves the last printed digits.
same() {
    if awk -F'\t' 'NR == FNR { a[FNR] = $0; n = FNR; next }
        { split(a[FNR], b, "\t"); for (i = 1; i <= 8; i++) {
              if (i == 5 || i == 6) { d = b[i] - $i; t = i == 5 ? 1e-4 : 2e-3
                  if (d < -t || d > t) exit 1 }
              else if (b[i] != $i) exit 1 } m = FNR }
        END { exit m != n }' "$2" "$1"; then ok; else bad "$3: output differs"; diff "$1" "$2" | head -5 >&2; fi
}
expect example 0 "" -- "$M" predict -q -m $MODEL examples/hairpins.fa
same "$T/out" $D/hairpins.tsv example
# the margin is the logit of the score where the score is not saturated (6 decimals), and
# the eight miRNAs, all printed as 1.000000, still rank: eight different margins, each
# above logit(0.9999995)
awk -F'\t' 'NR > 1 && $5 < 0.999 { d = $6 - log($5 / (1 - $5)); if (d > 2e-3 || d < -2e-3) exit 1 }' \
    "$T/out" && ok || bad "margin is not the logit of the score"
[ "$(awk -F'\t' '$5 == "1.000000" && $6 > 14.5 { print $6 }' "$T/out" | sort -u | wc -l)" -eq 8 ] &&
    ok || bad "saturated scores: margins do not rank them"
expect default-model 0 "" -- "$M" predict -q examples/hairpins.fa
same "$T/out" $D/hairpins.tsv default-model
expect threads 0 "" -- "$M" predict -q -j 1 examples/hairpins.fa
same "$T/out" $D/hairpins.tsv threads
sed 's/$/\r/' examples/hairpins.fa > "$T/crlf.fa"
expect crlf 0 "" -- "$M" predict -q "$T/crlf.fa"
same "$T/out" $D/hairpins.tsv crlf
expect stdin 0 "" -- sh -c "\"$M\" predict -q < examples/hairpins.fa"
same "$T/out" $D/hairpins.tsv stdin
# --precision bf16: the same structures and labels, scores within 0.01 of f32 (on a CPU
# without bf16 kernels it says so and computes in f32)
expect bf16 0 "" -- "$M" predict --precision bf16 examples/hairpins.fa
if awk -F'\t' 'NR == FNR { a[FNR] = $0; n = FNR; next }
    { split(a[FNR], b, "\t"); for (i = 1; i <= 8; i++) {
          if (i == 5) { d = b[i] - $i; if (d < -0.01 || d > 0.01) exit 1 }
          else if (i == 6) { d = b[i] - $i; if (d * d > (0.05 + 0.05 * b[i]) ^ 2) exit 1 }
          else if (b[i] != $i) exit 1 } m = FNR }
    END { exit m != n }' $D/hairpins.tsv "$T/out"; then ok; else bad "bf16 scores"; fi
# ISA-specific: oneDNN's effective ISA (after ONEDNN_MAX_CPU_ISA) decides which is expected
if "$M" --version | grep -q 'bf16 units: yes'; then
    echo "$NAME: bf16: this CPU's kernels have bf16 units: expecting no fallback note"
    [ ! -s "$T/err" ] && ok || bad "bf16 on a bf16 CPU: $(cat "$T/err")"
else
    echo "$NAME: bf16: no bf16 units ($("$M" --version | sed -n 's/^cpu: //p')): expecting the f32 fallback note"
    [ "$(cat "$T/err")" = "mirlens predict: this CPU has no fast bf16 kernels: computing in f32" ] &&
        ok || bad "bf16 fallback not reported once: $(cat "$T/err")"
fi
expect version 0 "" -- "$M" --version
grep -q '^cpu: [a-z0-9_]* (bf16 units: \(yes\|no\))$' "$T/out" && ok || bad "version: no cpu line"
if [ "${ONEDNN_MAX_CPU_ISA:-}" = AVX2 ]; then
    grep -q '^cpu: avx2 (bf16 units: no)$' "$T/out" && ok || bad "version under AVX2: $(cat "$T/out")"
fi
expect bad-precision 2 "invalid value 'f16' for --precision (expected f32 or bf16)" -- \
    "$M" predict --precision f16 examples/hairpins.fa
# an ensemble (-m repeated: mean logit margin) of the model with itself scores as the model
expect ensemble 0 "" -- "$M" predict -q -m $MODEL -m $MODEL examples/hairpins.fa
same "$T/out" $D/hairpins.tsv ensemble
expect ensemble-missing 1 "cannot open '$T/none.mrlm'" -- "$M" predict -q -m $MODEL -m "$T/none.mrlm" examples/hairpins.fa
[ ! -s "$T/out" ] && ok || bad "ensemble-missing: output written"
# formats carry the same numbers
expect csv 0 "" -- "$M" predict -q --format csv examples/hairpins.fa
[ "$(head -1 "$T/out")" = "id,length,structure,mfe,score,margin,label,note" ] && ok || bad "csv header"
[ "$(tail -n +2 "$T/out" | cut -d, -f5,6)" = "$(tail -n +2 $D/hairpins.tsv | cut -f5,6 | tr '\t' ,)" ] &&
    ok || bad "csv scores"
expect json 0 "" -- "$M" predict -q --format json examples/hairpins.fa
[ "$(grep -c '"score": .*"margin": ' "$T/out")" -eq 12 ] && head -1 "$T/out" | grep -q '^\[$' && tail -1 "$T/out" | grep -q '^\]$' && ok || bad "json shape"
# a refused record (no hairpin loop) gets no score and the run goes on
printf '>noloop\nAAAAAAAAAAAAAAAAAAAAAAAAA\n>let7b\nCGGGGUGAGGUAGUAGGUUGUGUGGUUUCAGGGCAGUGAUGUUGCCCCUCGGAAGAUAACUAUACAACCUACUGCCUUCCCUG\n' > "$T/ref.fa"
expect refused 0 "noloop: no hairpin loop" -- "$M" predict "$T/ref.fa"
[ "$(sed -n 2p "$T/out")" = "$(printf 'noloop\t25\t.........................\t0.00\t\t\tno-hairpin\tlength')" ] && ok || bad "refused row: $(sed -n 2p "$T/out")"
[ "$(sed -n 3p "$T/out" | cut -f1)" = let7b ] && [ -n "$(sed -n 3p "$T/out" | cut -f5)" ] && ok || bad "row after a refusal"
# empty input: header only
: > "$T/empty.fa"
expect empty 0 "" -- "$M" predict -q "$T/empty.fa"
[ "$(wc -l < "$T/out")" -eq 1 ] && ok || bad "empty: not header only"
# only headers: an error naming the record, exit 1
printf '>a\n>b\n' > "$T/hdr.fa"
expect headers 1 "record 'a' (line 1) has no sequence" -- "$M" predict -q "$T/hdr.fa"
expect missing 1 "mirlens predict: cannot open" -- "$M" predict -q "$T/none.fa"
expect badmodel 1 "mirlens predict: " -- "$M" predict -q -m "$T/hdr.fa" examples/hairpins.fa
expect badfmt 2 "unknown format" -- "$M" predict --format xml examples/hairpins.fa
expect badthr 2 "threshold" -- "$M" predict --threshold 2 examples/hairpins.fa
expect images 0 "" -- "$M" predict -q --images "$T/png" --scale 2 examples/hairpins.fa
[ "$(ls "$T/png" | grep -c '\.png$')" -eq 12 ] && [ -s "$T/png/hsa-let-7a-1.png" ] && ok || bad "png files"
# lengths outside the model's training range (its metadata: 52-366 nt for the shipped
# model) are flagged in the note column and warned about once, pointing to scan
awk 'NR == 2 { s = $0; while (length(s) < 400) s = s s; print ">long"; print s; print ">short"; print "GGGGAAACCCCUUUUGGGGAAACCCCAAAA" }' examples/hairpins.fa > "$T/len.fa"
expect length-note 0 "2 sequences outside the lengths the model was trained on (52-366 nt)" -- "$M" predict "$T/len.fa"
[ "$(cut -f8 "$T/out" | tail -n +2 | tr '\n' ' ')" = "length length " ] && ok || bad "length notes: $(cut -f8 "$T/out")"
grep -q 'mirlens scan' "$T/err" && ok || bad "the length warning does not point to scan"
expect length-none 0 "" -- "$M" predict examples/hairpins.fa
[ ! -s "$T/err" ] && [ "$(cut -f8 "$T/out" | tail -n +2 | sort -u)" = "." ] && ok || bad "notes on in-range sequences"
summary
