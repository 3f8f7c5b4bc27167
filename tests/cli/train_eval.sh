#!/usr/bin/env bash
# CLI tests for `mirlens train` and `mirlens eval`: a tiny training run from FASTA with
# checkpoint and exact resume, usage errors, and eval reproducing the published accuracy
# and AUROC of the authors' imported Keras network (when ../shared is present and the
# build has Keras support).
NAME=train_eval.sh
. "$(dirname "$0")/lib.sh"
# positives: the let-7 / miR hairpins; negatives: the CDS pseudo-hairpins
awk '/^>pseudo/{p=0} /^>hsa/{p=1} p' examples/hairpins.fa > "$T/pos.fa"
awk '/^>hsa/{p=0} /^>pseudo/{p=1} p' examples/hairpins.fa > "$T/neg.fa"
tr='--pos '"$T/pos.fa"' --neg '"$T/neg.fa"' --batch 4 --seed 3 -j 1 -q'
expect train3 0 "" -- "$M" train $tr --epochs 3 -o "$T/a.mrlm"
[ -s "$T/a.mrlm" ] && [ -s "$T/a.mrlm.ckpt" ] && [ -s "$T/a.mrlm.ckpt.state" ] && ok || bad "train: files"
# killed after 2 epochs, resumed to 3: same weights, so the same scores
expect train2 0 "" -- "$M" train $tr --epochs 2 -o "$T/b.mrlm"
expect resume 0 "" -- "$M" train $tr --epochs 3 --resume "$T/b.mrlm.ckpt" -o "$T/c.mrlm"
"$M" eval -q -m "$T/a.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa" --scores "$T/a.scores" > /dev/null
"$M" eval -q -m "$T/c.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa" --scores "$T/c.scores" > /dev/null
cmp -s "$T/a.scores" "$T/c.scores" && ok || bad "resume: scores differ from the uninterrupted run"
[ "$(wc -l < "$T/a.scores")" -eq 13 ] && ok || bad "scores: line count"
# --shuffle-labels (data randomisation test): same run as a.mrlm but with permuted labels
expect shuffle 0 "" -- "$M" train $tr --epochs 3 --shuffle-labels -o "$T/s.mrlm"
has_meta() { LC_ALL=C grep -a -q -P "$2" "$1"; } # key and value as the model file holds them
has_meta "$T/s.mrlm" 'shuffled_labels\x01\x00\x00\x001' && ok || bad "shuffle: no shuffled_labels=1 metadata"
has_meta "$T/a.mrlm" 'shuffled_labels' && bad "shuffle: metadata without the flag" || ok
"$M" eval -q -m "$T/s.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa" --scores "$T/s.scores" > /dev/null
cmp -s "$T/a.scores" "$T/s.scores" && bad "shuffle: same scores as with the true labels" || ok
expect shuffle2 0 "" -- "$M" train $tr --epochs 3 --shuffle-labels -o "$T/s2.mrlm"
same "$T/s2.mrlm" "$T/s.mrlm" "shuffle: same seed"
# one training class teaches the network one answer: refused (issue 25 item 2), with
# shuffled labels too (the permutation of the labels is tests/unit/test_train.c's)
one='--pos '"$T/pos.fa"' --val-pos '"$T/pos.fa"' --val-neg '"$T/neg.fa"' --batch 4 --seed 3 -j 1 --epochs 1'
expect oneclass 1 "training needs both classes: no negative images (no --neg given)" -- "$M" train $one -o "$T/o1.mrlm"
expect oneclass-shuffle 1 "needs both classes" -- "$M" train $one --shuffle-labels -o "$T/o2.mrlm"
[ -e "$T/o1.mrlm" ] || [ -e "$T/o2.mrlm" ] && bad "one class: a refused run left a model" || ok
expect shufflesplit 0 "" -- "$M" train $tr --epochs 1 --val-split 0.25 --shuffle-labels -o "$T/v.mrlm"
"$M" train --help | grep -q -- '--shuffle-labels' && ok || bad "shuffle: not in the usage text"
expect evaltsv 0 "" -- "$M" eval -q --tsv -m "$T/a.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa"
[ "$(head -1 "$T/out")" = "$(printf 'accuracy\tsensitivity\tspecificity\tprecision\tf1\tmcc\tauroc\tauprc\tn_pos\tn_neg')" ] && ok || bad "eval tsv header"
[ "$(cut -f9,10 "$T/out" | tail -1)" = "$(printf '8\t4')" ] && ok || bad "eval tsv counts"
expect plot 0 "" -- "$M" eval -q -m "$T/a.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa" --plot "$T/plots"
grep -q '<svg' "$T/plots/roc.svg" && grep -q '<svg' "$T/plots/pr.svg" && ok || bad "plots"
# image sets with an explicit labels file
"$M" encode -q -f u8 -o "$T/ex" examples/hairpins.fa
printf '1\n1\n1\n1\n1\n1\n1\n1\n0\n0\n0\n0\n' > "$T/ex.lab"
expect labels 0 "" -- "$M" eval -q --tsv -m "$T/a.mrlm" --images "$T/ex" --labels "$T/ex.lab"
[ "$(cut -f9,10 "$T/out" | tail -1)" = "$(printf '8\t4')" ] && ok || bad "labels file counts"
printf '1\n0\n' > "$T/short.lab"
expect shortlabels 1 "2 labels for 12 images" -- "$M" eval -q -m "$T/a.mrlm" --images "$T/ex" --labels "$T/short.lab"
expect nolabels 1 "no labels" -- "$M" eval -q -m "$T/a.mrlm" --images "$T/ex"
# usage and input errors
expect noout 2 "no output model" -- "$M" train --pos "$T/pos.fa"
expect noinput 2 "no training inputs" -- "$M" train -o "$T/x.mrlm"
expect badkernel 2 "kernel" -- "$M" train $tr --kernel 4 -o "$T/x.mrlm"
expect missing 1 "cannot open" -- "$M" train --pos "$T/none.fa" -o "$T/x.mrlm"
[ -e "$T/x.mrlm" ] && bad "a failed run left a model" || ok
# an ensemble (-m repeated) of one model with itself scores as that model
"$M" eval -q --tsv -m "$T/a.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa" > "$T/a.tsv"
expect ensemble 0 "" -- "$M" eval -q --tsv -m "$T/a.mrlm" -m "$T/c.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa"
same "$T/out" "$T/a.tsv" "ensemble of equal models"
expect ensemble-table 0 "" -- "$M" eval -q -m "$T/a.mrlm" -m "$T/s.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa"
grep -q "a.mrlm + .*s.mrlm  (ensemble: mean logit margin)" "$T/out" && ok || bad "ensemble: table header"
expect ensemble-bad 1 "nope.mrlm" -- "$M" eval -q -m "$T/a.mrlm" -m "$T/nope.mrlm" --pos "$T/pos.fa"
# an ensemble of two different models (a: true labels, s: shuffled; unsaturated scores) is
# the logistic of the mean of the two models' own logit margins, computed here by hand
# from each model's probabilities (6 decimals: margins to ~4e-6)
by_hand() { # SCORES_A SCORES_B -> id, ensemble probability
    paste "$1" "$2" | awk -F'\t' 'NR > 1 { a = log($3 / (1 - $3)); b = log($7 / (1 - $7))
        printf "%s\t%.9f\n", $1, 1 / (1 + exp(-(a + b) / 2)) }'
}
close_to() { # GOT WANT: same ids, every score within 2e-6
    paste "$1" "$2" | awk -F'\t' '$1 != $3 || ($2 - $4) > 2e-6 || ($4 - $2) > 2e-6 { bad = 1 }
        END { exit bad || NR != 12 }'
}
"$M" eval -q -m "$T/s.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa" --scores "$T/s.scores" > /dev/null
by_hand "$T/a.scores" "$T/s.scores" > "$T/as.want"
grep -q '0\.5[0-9]*[1-9]' "$T/as.want" && ! cmp -s "$T/a.scores" "$T/s.scores" && ok || bad "ensemble: models not different"
"$M" eval -q -m "$T/a.mrlm" -m "$T/s.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa" --scores "$T/as.scores" > /dev/null
awk -F'\t' 'NR > 1 { print $1 "\t" $3 }' "$T/as.scores" > "$T/as.got"
close_to "$T/as.got" "$T/as.want" && ok || bad "eval ensemble: not the mean logit margin: $(paste "$T/as.got" "$T/as.want" | head -3)"
# the margin column: ln(score / (1 - score)) of each model (4 decimals), and the ensemble's
# the mean of its models' margins
[ "$(head -1 "$T/as.scores")" = "$(printf 'id\tlabel\tscore\tmargin')" ] && ok || bad "scores header"
awk -F'\t' 'NR > 1 { d = $4 - log($3 / (1 - $3)); if (d > 2e-4 || d < -2e-4) bad = 1; n++ }
    END { exit bad || n != 12 }' "$T/s.scores" && ok || bad "eval margin is not the logit of the score"
paste "$T/a.scores" "$T/s.scores" "$T/as.scores" | awk -F'\t' 'NR > 1 { d = $12 - ($4 + $8) / 2
    if (d > 2e-4 || d < -2e-4) bad = 1 } END { exit bad || NR != 13 }' && ok ||
    bad "eval ensemble margin: not the mean of the models' margins"
cat "$T/pos.fa" "$T/neg.fa" > "$T/all.fa"
"$M" predict -q -m "$T/a.mrlm" -m "$T/s.mrlm" "$T/all.fa" | awk -F'\t' 'NR > 1 { print $1 "\t" $5 }' > "$T/asp.got"
close_to "$T/asp.got" "$T/as.want" && ok || bad "predict ensemble: not the mean logit margin: $(paste "$T/asp.got" "$T/as.want" | head -3)"
# --precision bf16: trains, is recorded, and is reproducible
expect bf16 0 "" -- "$M" train $tr --epochs 2 --precision bf16 -o "$T/h.mrlm"
has_meta "$T/h.mrlm" 'precision=bf16' && has_meta "$T/a.mrlm" 'precision=f32' && ok || bad "bf16: train_options"
expect bf16b 0 "" -- "$M" train $tr --epochs 2 --precision bf16 -o "$T/h2.mrlm"
same "$T/h2.mrlm" "$T/h.mrlm" "bf16: same seed"
expect bf16eval 0 "" -- "$M" eval -q --tsv --precision bf16 -m "$T/h.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa"
expect bf16bad 2 "expected f32 or bf16" -- "$M" train $tr --precision half -o "$T/x.mrlm"
# --class-weight: balanced = n / (2 n_class) (8 positives, 4 negatives: 1.5 and 0.75),
# recorded; equal weights train exactly as no weights; other weights change the model
expect cwbal 0 "" -- "$M" train $tr --epochs 2 --class-weight balanced -o "$T/w.mrlm"
has_meta "$T/w.mrlm" 'class_weight=1.5,0.75' && ok || bad "class weight: balanced not recorded as 1.5,0.75"
has_meta "$T/b.mrlm" 'precision=[a-z0-9]+ class_weight' && bad "class weight: recorded without the option" || ok
expect cwone 0 "" -- "$M" train $tr --epochs 2 --class-weight 1,1 -o "$T/w1.mrlm"
same "$T/w1.mrlm" "$T/b.mrlm" "class weight 1,1 = none"
"$M" eval -q -m "$T/w.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa" --scores "$T/w.scores" > /dev/null
"$M" eval -q -m "$T/b.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa" --scores "$T/b.scores" > /dev/null
cmp -s "$T/w.scores" "$T/b.scores" && bad "class weight: balanced gives the unweighted model" || ok
expect cwbad 2 "--class-weight needs" -- "$M" train $tr --class-weight 1,-2 -o "$T/x.mrlm"
expect cwbad2 2 "--class-weight needs" -- "$M" train $tr --class-weight heavy -o "$T/x.mrlm"
expect cwone_class 1 "needs both classes" -- "$M" train --pos "$T/pos.fa" -q --class-weight balanced -o "$T/x.mrlm"
head -c 1000 "$T/a.mrlm" > "$T/trunc.mrlm"
# average (a model soup): the mean of equal models scores as that model; a shuffled-label
# model marks the mean; other architectures, one model, no -o, bad files are refused
expect avg 0 "mean of 2 models" -- "$M" average -o "$T/avg.mrlm" "$T/a.mrlm" "$T/c.mrlm"
"$M" eval -q --tsv -m "$T/avg.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa" > "$T/avg.tsv"
same "$T/avg.tsv" "$T/a.tsv" "average of equal models"
has_meta "$T/avg.mrlm" '2 models: a.mrlm c.mrlm' && has_meta "$T/avg.mrlm" 'epochs=3 batch=4' && ok || bad "average: metadata"
expect avgw 0 "" -- "$M" average -q -o "$T/avgw.mrlm" "$T/a.mrlm" "$T/w.mrlm" "$T/s.mrlm"
"$M" eval -q -m "$T/avgw.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa" --scores "$T/avgw.scores" > /dev/null
cmp -s "$T/avgw.scores" "$T/a.scores" || cmp -s "$T/avgw.scores" "$T/w.scores" && bad "average: mean of different models scores as one of them" || ok
has_meta "$T/avgw.mrlm" 'shuffled_labels\x01\x00\x00\x001' && ok || bad "average: shuffled_labels not carried"
has_meta "$T/avgw.mrlm" 'epochs=' && bad "average: train_options kept though the inputs differ" || ok
expect k5 0 "" -- "$M" train $tr --epochs 1 --kernel 5 -o "$T/k5.mrlm"
expect avgarch 1 "a.mrlm and .*k5.mrlm have different architectures" -- "$M" average -o "$T/x.mrlm" "$T/a.mrlm" "$T/c.mrlm" "$T/k5.mrlm"
[ -e "$T/x.mrlm" ] && bad "average: a refused run left a model" || ok
expect avgone 2 "two or more input models" -- "$M" average -o "$T/x.mrlm" "$T/a.mrlm"
expect avgnoout 2 "-o OUT.mrlm is required" -- "$M" average "$T/a.mrlm" "$T/c.mrlm"
expect avgmissing 1 "nope.mrlm" -- "$M" average -o "$T/x.mrlm" "$T/a.mrlm" "$T/nope.mrlm"
expect avgtrunc 1 "mirlens average: .*trunc.mrlm" -- "$M" average -o "$T/x.mrlm" "$T/a.mrlm" "$T/trunc.mrlm"
expect evalnone 2 "no inputs" -- "$M" eval -m "$T/a.mrlm"
expect badmodel 1 "mirlens eval: " -- "$M" eval -m "$T/pos.fa" --pos "$T/pos.fa"
expect truncmodel 1 "mirlens eval: " -- "$M" eval -m "$T/trunc.mrlm" --pos "$T/pos.fa"
if ! "$M" --version | grep -q '^import-keras: yes$'; then
    # built without HDF5/cJSON: the import fails with a message (tests/cli/import_keras.sh)
    expect keras-missing 1 "^mirlens import-keras: mirlens was built without HDF5 and cJSON" \
        -- "$M" import-keras -q "$S/models/final_hsa_vgg_4M_128FCU.h5" -o "$T/hsa.mrlm"
    skip "the Keras eval check: this mirlens was built without HDF5 and cJSON"
elif [ -e "$S/models/final_hsa_vgg_4M_128FCU.h5" ]; then
    "$M" import-keras -q "$S/models/final_hsa_vgg_4M_128FCU.h5" -o "$T/hsa.mrlm"
    expect keras 0 "" -- "$M" eval -q --tsv -m "$T/hsa.mrlm" --images "$S/data/cordero_images/modhsa_test"
    # the models README: accuracy 0.9426, AUROC 0.9844 on modhsa_test
    [ "$(tail -1 "$T/out" | cut -f1,7,9,10)" = "$(printf '0.9426\t0.9844\t549\t549')" ] && ok || bad "keras eval: $(tail -1 "$T/out")"
else
    skip "the Keras eval check: $S/models/final_hsa_vgg_4M_128FCU.h5 not found"
fi
summary
