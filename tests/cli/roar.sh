#!/usr/bin/env bash
# `mirlens explain --roar` (RemOve And Retrain, Hooker et al. 2019): the image sets it writes
# are read by `mirlens eval --images`; the intact set is exactly `mirlens encode -f u8` of
# the inputs; k = 1 leaves no coloured bar (only the black gap bars); every slot erases the
# same number of nucleotides at the same k; a rerun gives the same bytes; --only-random and
# --randomize-model (the ink control); --plot draws a summary over seeds with error bars
# (worked by hand); --epochs retrains and draws the curves; bad fractions, methods and
# inputs are refused. Uses the examples
# and the shipped model only (no shared data).
NAME=roar.sh
. "$(dirname "$0")/lib.sh"
X=examples/hairpins.fa
pick() { awk -v a="$1" -v b="$2" '/^>/ { n++ } n >= a && n <= b' "$X"; }
pick 1 4 > "$T/trp.fa"   # let-7a-1, let-7b, let-7c, mir-17
pick 9 10 > "$T/trn.fa"  # two pseudo-hairpins
pick 5 6 > "$T/tep.fa"   # mir-21, mir-125a
pick 11 12 > "$T/ten.fa" # two pseudo-hairpins
IN="--train-pos $T/trp.fa --train-neg $T/trn.fa --test-pos $T/tep.fa --test-neg $T/ten.fa"
fast="-q -j 1 --steps 4 --method ig,gradient --random"

# ---- the sets ----
expect sets 0 "" -- "$M" explain --roar $fast --fractions 0.25,1 $IN -o "$T/r"
[ "$(wc -l < "$T/r/roar.tsv")" = 8 ] && ok || bad "roar.tsv: $(wc -l < "$T/r/roar.tsv") lines, want 1 + 1 + 3 x 2"
[ "$(cut -f1,2 "$T/r/roar.tsv" | tr '\t\n' ' ')" = "method fraction intact 0.00 integrated-gradients 0.25 gradient 0.25 random 0.25 integrated-gradients 1.00 gradient 1.00 random 1.00 " ] &&
    ok || bad "roar.tsv rows: $(cut -f1,2 "$T/r/roar.tsv" | tr '\t\n' ' ')"
# the same counts erased by every slot at one k; all of them at k = 1, none at k = 0
for k in 0.25 1.00; do
    [ "$(awk -v k=$k '$2 == k { print $5, $6 }' "$T/r/roar.tsv" | sort -u | wc -l)" = 1 ] && ok ||
        bad "k=$k: slots erase different counts"
done
[ "$(awk '$1 == "intact" { print $5 + $6 }' "$T/r/roar.tsv")" = 0 ] && ok || bad "intact row erased something"
# without --epochs the curve columns are '.'
[ "$(awk 'NR > 1 { print $9 }' "$T/r/roar.tsv" | sort -u)" = . ] && ok || bad "accuracy without --epochs"
# the intact sets are the encoder's images of the inputs, in order (positives first)
"$M" encode -q -f u8 -o "$T/e_trp" "$T/trp.fa" && "$M" encode -q -f u8 -o "$T/e_trn" "$T/trn.fa"
cat "$T/e_trp.u8" "$T/e_trn.u8" > "$T/e_train.u8"
same "$T/r/sets/intact.k0.00.train.u8" "$T/e_train.u8" "intact training set vs encode -f u8"
[ "$(tr '\n' ' ' < "$T/r/sets/intact.k0.00.train.labels")" = "1 1 1 1 0 0 " ] && ok || bad "labels"
same "$T/r/sets/random.k0.25.test.names" <(cat "$T/tep.fa" "$T/ten.fa" | sed -n 's/^>\([^ ]*\).*/\1/p') "names"
# k = 1: no coloured pixel left (white background, black gap bars only)
coloured() { od -An -v -tu1 -w3 "$1" | awk '!($1 == $2 && $2 == $3 && ($1 == 0 || $1 == 255))' | wc -l; }
for s in integrated-gradients random; do
    [ "$(coloured "$T/r/sets/$s.k1.00.train.u8")" = 0 ] && ok || bad "$s k=1: coloured pixels left"
done
[ "$(coloured "$T/r/sets/random.k0.25.train.u8")" -gt 0 ] && ok || bad "k=0.25 erased everything"
# read by mirlens eval --images
expect eval 0 "" -- "$M" eval -q --images "$T/r/sets/integrated-gradients.k0.25.test"
grep -q '^images *4 (2 positive, 2 negative)' "$T/out" && ok || bad "eval: $(head -3 "$T/out")"
# a rerun: the same bytes (the random baseline is seeded)
expect rerun 0 "" -- "$M" explain --roar $fast --fractions 0.25,1 $IN -o "$T/r2"
for f in sets/random.k0.25.train.u8 sets/integrated-gradients.k0.25.test.u8 sets/gradient.k1.00.train.u8; do
    same "$T/r2/$f" "$T/r/$f" "rerun $f"
done
same <(cut -f1-6 "$T/r2/roar.tsv") <(cut -f1-6 "$T/r/roar.tsv") "rerun roar.tsv"
# another seed: another random order
expect seed 0 "" -- "$M" explain --roar $fast --seed 2 --fractions 0.25 $IN -o "$T/r3"
cmp -s "$T/r3/sets/random.k0.25.train.u8" "$T/r/sets/random.k0.25.train.u8" &&
    bad "seed 2 gave the random order of seed 1" || ok

# --rank value: IG's highest values first, another order than by magnitude (the default);
# the random baseline does not depend on it
expect value 0 "" -- "$M" explain --roar $fast --rank value --fractions 0.25,1 $IN -o "$T/v"
cmp -s "$T/v/sets/integrated-gradients.k0.25.train.u8" "$T/r/sets/integrated-gradients.k0.25.train.u8" &&
    bad "--rank value gave the magnitude order" || ok
same "$T/v/sets/random.k0.25.train.u8" "$T/r/sets/random.k0.25.train.u8" "random under --rank value"
same "$T/v/sets/gradient.k0.25.train.u8" "$T/r/sets/gradient.k0.25.train.u8" "gradient (by magnitude either way)"
expect "bad rank" 2 "magnitude or value" -- "$M" explain --roar -q --rank abs $IN -o "$T/bad"

# --only-random: the intact and random sets alone, byte for byte those of a run with methods
expect "only random" 0 "" -- "$M" explain --roar -q -j 1 --only-random --fractions 0.25,1 $IN -o "$T/o"
[ "$(cut -f1,2 "$T/o/roar.tsv" | tr '\t\n' ' ')" = "method fraction intact 0.00 random 0.25 random 1.00 " ] &&
    ok || bad "--only-random rows: $(cut -f1,2 "$T/o/roar.tsv" | tr '\t\n' ' ')"
for f in random.k0.25.train.u8 random.k0.25.test.u8 intact.k0.00.train.u8; do
    same "$T/o/sets/$f" "$T/r/sets/$f" "--only-random $f"
done
[ -z "$(ls "$T/o/sets" | grep -v '^intact\.\|^random\.')" ] && ok || bad "--only-random wrote a method's sets"
# --randomize-model: IG of the all-layers-random network orders otherwise; the random
# baseline and the counts do not move
expect randomized 0 "" -- "$M" explain --roar $fast --randomize-model --fractions 0.25,1 $IN -o "$T/z"
cmp -s "$T/z/sets/integrated-gradients.k0.25.train.u8" "$T/r/sets/integrated-gradients.k0.25.train.u8" &&
    bad "--randomize-model gave the trained model's IG order" || ok
same "$T/z/sets/random.k0.25.train.u8" "$T/r/sets/random.k0.25.train.u8" "random under --randomize-model"
same <(cut -f1-6 "$T/z/roar.tsv") <(cut -f1-6 "$T/r/roar.tsv") "--randomize-model roar.tsv counts"

# ---- --plot: a summary over seeds, worked by hand. Bars from 0.60 (ig 0.70 - 0.10) to 0.85
# (intact 0.80 + 0.05), padded by 4% above: y in [0.60, 0.86] over the 260 px from y = 290
# up, so py(v) = 290 - 1000 (v - 0.60); x = 0 and 0.5 at 60 and 580 px; three series, each
# bar shifted 3 px from the last (-3, 0, +3); a '.' sd draws no bar ----
printf 'method\tfraction\tseeds\tauroc_mean\tauroc_sd\taccuracy_mean\taccuracy_sd\n' > "$T/sum.tsv"
printf 'intact\t0.00\t1,2\t0.80\t0.05\t0.9\t.\n' >> "$T/sum.tsv"
printf 'random\t0.50\t1,2\t0.75\t0.02\t0.8\t.\n' >> "$T/sum.tsv"
printf 'integrated-gradients\t0.50\t1,2\t0.70\t0.10\t0.7\t.\n' >> "$T/sum.tsv"
printf 'ig-randmodel\t0.50\t1\t0.78\t.\t0.6\t.\n' >> "$T/sum.tsv"
expect plot 0 "" -- "$M" explain --roar --plot "$T/sum.tsv" -o "$T/sum.svg"
[ "$(grep -o 'points="[^"]*"' "$T/sum.svg" | tr '\n' '|')" = \
  'points="60.0,90.0 580.0,140.0 "|points="60.0,90.0 580.0,190.0 "|points="60.0,90.0 580.0,110.0 "|' ] &&
    ok || bad "plot lines: $(grep -o 'points="[^"]*"' "$T/sum.svg" | tr '\n' '|')"
[ "$(grep -c 'class="err"' "$T/sum.svg")" = 5 ] && ok || bad "plot: $(grep -c 'class="err"' "$T/sum.svg") bars, want 5"
grep -q 'd="M57.0,140.0V40.0M54.5,140.0H59.5M54.5,40.0H59.5"' "$T/sum.svg" && ok || bad "plot: random's intact bar"
grep -q 'd="M580.0,290.0V90.0M577.5,290.0H582.5M577.5,90.0H582.5"' "$T/sum.svg" && ok || bad "plot: ig's k = 0.5 bar"
grep -q '>ig-randmodel<' "$T/sum.svg" && ok || bad "plot: legend"
expect "plot accuracy" 0 "" -- "$M" explain --roar --plot "$T/sum.tsv" --plot-metric accuracy -o "$T/acc.svg"
grep -q 'class="err"' "$T/acc.svg" && bad "plot accuracy: a bar from a '.' sd" || ok
expect "plot metric" 2 "accuracy or auroc" -- "$M" explain --roar --plot "$T/sum.tsv" --plot-metric f1 -o "$T/bad.svg"
cut -f1,2,3 "$T/sum.tsv" > "$T/nocol.tsv"
expect "plot column" 1 "no column auroc_mean" -- "$M" explain --roar --plot "$T/nocol.tsv" -o "$T/bad.svg"
expect "plot missing" 1 "cannot open" -- "$M" explain --roar --plot "$T/none.tsv" -o "$T/bad.svg"

# ---- retraining: the curve and its charts ----
expect retrain 0 "" -- "$M" explain --roar -q -j 1 --steps 4 --random --fractions 0.5 --epochs 1 \
    --val-split 0 --no-sets $IN -o "$T/t"
[ ! -e "$T/t/sets" ] && ok || bad "--no-sets wrote sets"
awk -F'\t' 'NR > 1 && ($9 < 0 || $9 > 1 || $10 < 0 || $10 > 1 || $7 != 1) { b = 1 } END { exit b }' \
    "$T/t/roar.tsv" && ok || bad "retrain: bad curve row $(sed -n 2p "$T/t/roar.tsv")"
awk -F'\t' '$1 == "random" { d = $11 - $13 } END { exit !(d == 0) }' "$T/t/roar.tsv" && ok ||
    bad "the random row's drop is not its own baseline"
for c in accuracy auroc; do
    grep -q '<polyline' "$T/t/roar_$c.svg" && ok || bad "roar_$c.svg has no curve"
done
expect model 0 "" -- "$M" eval -q -m "$T/t/models/random.k0.50.mrlm" --images "$T/r/sets/random.k0.25.test"
# the in-process retraining is `mirlens train` + `mirlens eval` on the written sets (what
# experiments/roar/run.sh runs): the same accuracy and AUROC
expect "sets for train" 0 "" -- "$M" explain --roar -q -j 1 --steps 4 --method ig --fractions 0.5 \
    --epochs 2 --val-split 0.25 $IN -o "$T/u"
expect train 0 "" -- "$M" train -q --images "$T/u/sets/integrated-gradients.k0.50.train" --kernel 3 \
    --seed 1 --lr 0.001 --val-split 0.25 --epochs 2 --early-stop 8 -j 1 -o "$T/u.mrlm"
expect eval 0 "" -- "$M" eval -q -m "$T/u.mrlm" --images "$T/u/sets/integrated-gradients.k0.50.test"
want=$(awk '$1 == "accuracy" { a = $2 } $1 == "auroc" { u = $2 } END { print a, u }' "$T/out")
got=$(awk -F'\t' '$1 == "integrated-gradients" { printf "%.4f %.4f\n", $9, $10 }' "$T/u/roar.tsv")
[ -n "$want" ] && [ "$got" = "$want" ] && ok || bad "in-process retraining $got, train + eval $want"
# and the two networks score every test image alike, bit for bit
"$M" eval -q -m "$T/u.mrlm" --images "$T/u/sets/integrated-gradients.k0.50.test" --scores "$T/s1" >/dev/null
"$M" eval -q -m "$T/u/models/integrated-gradients.k0.50.mrlm" \
    --images "$T/u/sets/integrated-gradients.k0.50.test" --scores "$T/s2" >/dev/null
[ "$(wc -l < "$T/s1")" = 5 ] && ok || bad "eval --scores: $(wc -l < "$T/s1") lines"
same "$T/s2" "$T/s1" "in-process model vs mirlens train's: test scores"

# ---- refused ----
for f in 0 1.5 0.5,0.3 0.2,0.2 0.1, abc; do
    expect "fraction $f" 2 "fraction" -- "$M" explain --roar -q --fractions "$f" $IN -o "$T/bad"
done
expect method 2 "unknown method 'bogus'" -- "$M" explain --roar -q --method bogus $IN -o "$T/bad"
expect "no test negatives" 2 "needs --test-neg" -- "$M" explain --roar -q --train-pos "$T/trp.fa" \
    --train-neg "$T/trn.fa" --test-pos "$T/tep.fa" -o "$T/bad"
expect "no output" 2 "no output directory" -- "$M" explain --roar -q $IN
expect operand 2 "not '$X'" -- "$M" explain --roar -q $IN -o "$T/bad" "$X"
expect epochs 2 "--epochs" -- "$M" explain --roar -q --epochs -1 $IN -o "$T/bad"
expect "missing file" 1 "$T/none.fa" -- "$M" explain --roar -q --train-pos "$T/none.fa" \
    --train-neg "$T/trn.fa" --test-pos "$T/tep.fa" --test-neg "$T/ten.fa" -o "$T/bad"
printf '>x\nACGU7ACGU\n' > "$T/badseq.fa"
expect "bad record" 1 "badseq.fa" -- "$M" explain --roar -q --train-pos "$T/badseq.fa" \
    --train-neg "$T/trn.fa" --test-pos "$T/tep.fa" --test-neg "$T/ten.fa" -o "$T/bad"
printf '>y\nAAAAAAAAAAAAAAAAAAAA\n' > "$T/noloop.fa" # no hairpin loop: no positive left
expect "one class" 1 "the training set has no positive hairpin" -- "$M" explain --roar -q \
    --train-pos "$T/noloop.fa" --train-neg "$T/trn.fa" --test-pos "$T/tep.fa" --test-neg "$T/ten.fa" -o "$T/bad"
[ ! -e "$T/bad" ] && [ -z "$(ls -d "$T"/bad.tmp.* 2>/dev/null)" ] && ok || bad "a refused run left output"
expect help 0 "" -- "$M" explain --roar --help
grep -q -- '--fractions LIST' "$T/out" && ok || bad "help lacks --fractions"
summary
