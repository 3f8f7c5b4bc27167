#!/usr/bin/env bash
# CLI tests of issue 25's contracts for train, eval, predict and encode: every command the
# probe found answering misleadingly gives a one-line error or a correct result.
#  1. train --resume refuses other data or options (named, both values); the epochs,
#     threads and outputs may change; a resume keeps checkpointing to its checkpoint.
#  2. one-class sets, standard input twice, --epochs 0 and --early-stop without validation
#     are refused.
#  7. predict and encode write nothing before every input opened; predict -o FILE is
#     complete or absent; an empty id is refused with the file and line.
#  8. the longest training sequence is recorded and warned about once, naming the record;
#     --max-length has a bounded default (MRL_MODEL_MAX_LENGTH, 3000 nt).
NAME=contracts.sh
. "$(dirname "$0")/lib.sh"
awk '/^>pseudo/{p=0} /^>hsa/{p=1} p' examples/hairpins.fa > "$T/pos.fa"
awk '/^>hsa/{p=0} /^>pseudo/{p=1} p' examples/hairpins.fa > "$T/neg.fa"
: > "$T/empty.fa"
has_meta() { LC_ALL=C grep -a -q -P "$2" "$1"; }
tr='--pos '"$T/pos.fa"' --neg '"$T/neg.fa"' --batch 4 --seed 3 -j 1 -q'

# ---- 1. resume ----
expect first 0 "" -- "$M" train $tr --epochs 1 --lr 0.001 -o "$T/b.mrlm"
cp "$T/b.mrlm.ckpt" "$T/b1.ckpt" && cp "$T/b.mrlm.ckpt.state" "$T/b1.ckpt.state"
resume_differs() { # WHAT PATTERN OPTIONS...: refused, exit 1, no model written
    local what=$1 pat=$2; shift 2
    expect "resume $what" 1 "$pat" -- "$M" train "$@" --epochs 2 --resume "$T/b1.ckpt" -o "$T/x.mrlm"
    [ -e "$T/x.mrlm" ] && bad "resume $what: a model was written" || ok
}
resume_differs lr "belongs to another run: lr was 0.001 there, is 0.01 here" $tr --lr 0.01
resume_differs seed "seed was 3 there, is 4 here" $tr --seed 4
resume_differs kernel "kernel was 3 there, is 5 here" $tr --kernel 5 --dense 32
resume_differs dense "dense was 256 there, is 32 here" $tr --dense 32
resume_differs batch "batch was 4 there, is 8 here" $tr --batch 8
resume_differs cw "class_weight was 1,1 there, is balanced here" $tr --class-weight balanced
resume_differs shuffle "shuffle_labels was 0 there, is 1 here" $tr --shuffle-labels
resume_differs split "val_split was 0 there, is 0.25 here" $tr --val-split 0.25
resume_differs precision "precision was f32 there, is bf16 here" $tr --precision bf16
resume_differs negatives "training_data (images/positives/CRC-32) was 12/8/.* there, is 16/8/" \
    --pos "$T/pos.fa" --neg "$T/pos.fa" --batch 4 --seed 3 -j 1 -q
resume_differs validation "validation_data .*was none there" $tr --val-pos "$T/pos.fa" --val-neg "$T/neg.fa"
resume_differs init "init was absent there, is [0-9a-f]\{16\} here" $tr --init "$T/b.mrlm"
# allowed changes (epochs, threads, quiet, output): the uninterrupted run's weights, and the
# lr the model records is the one every epoch ran at
expect full 0 "" -- "$M" train $tr --epochs 3 --lr 0.001 -o "$T/full.mrlm"
expect resume-ok 0 "" -- "$M" train --pos "$T/pos.fa" --neg "$T/neg.fa" --batch 4 --seed 3 -j 2 \
    --epochs 2 --lr 0.001 --resume "$T/b.mrlm.ckpt" -o "$T/c.mrlm"
has_meta "$T/c.mrlm" 'lr=0.001 ' && ok || bad "resume: the model does not record lr=0.001"
# without --checkpoint the resumed run checkpoints to its --resume file, not c.mrlm.ckpt
[ ! -e "$T/c.mrlm.ckpt" ] && ok || bad "resume: checkpoints written elsewhere (c.mrlm.ckpt)"
cmp -s "$T/b.mrlm.ckpt" "$T/b1.ckpt" && bad "resume: its checkpoint was not updated" || ok
# a second kill: resuming again continues from epoch 2, so to 3 it gives the full run
expect resume-again 0 "" -- "$M" train $tr --epochs 3 --lr 0.001 --resume "$T/b.mrlm.ckpt" -o "$T/d.mrlm"
"$M" eval -q --tsv -m "$T/full.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa" --scores "$T/full.sc" > /dev/null
"$M" eval -q --tsv -m "$T/d.mrlm" --pos "$T/pos.fa" --neg "$T/neg.fa" --scores "$T/d.sc" > /dev/null
same "$T/d.sc" "$T/full.sc" "resume twice: scores of the uninterrupted run"
has_meta "$T/d.mrlm" 'epochs_run\x01\x00\x00\x003' && ok || bad "resume twice: epochs_run is not 3"
"$M" train --help > "$T/help"
grep -q -- 'only --epochs,' "$T/help" && grep -q -- '-j/--threads, -q, -o and --checkpoint may change' "$T/help" &&
    grep -q -- 'or the$' "$T/help" && ok || bad "train --help: the options that may change on resume"

# ---- 2. degenerate sets ----
expect train-nopos 1 "training needs both classes: no positive images (--pos $T/empty.fa" \
    -- "$M" train --pos "$T/empty.fa" --neg "$T/neg.fa" -q -o "$T/x.mrlm"
expect train-noneg 1 "no negative images (--neg $T/empty.fa" \
    -- "$M" train --pos "$T/pos.fa" --neg "$T/empty.fa" -q -o "$T/x.mrlm"
[ -e "$T/x.mrlm" ] && bad "one class: a model was written" || ok
expect eval-nopos 1 "needs both classes: no positive images" \
    -- "$M" eval -q -m "$T/b.mrlm" --pos "$T/empty.fa" --neg "$T/neg.fa"
[ -s "$T/out" ] && bad "eval one class: printed $(head -c 200 "$T/out")" || ok
expect eval-noneg 1 "no negative images (no --neg given)" -- "$M" eval -q -m "$T/b.mrlm" --pos "$T/pos.fa"
expect train-stdin2 2 "standard input ('-') can be read only once" \
    -- "$M" train --pos - --neg - -q -o "$T/x.mrlm" < "$T/pos.fa"
expect train-stdin-val 2 "read only once" -- "$M" train --pos - --val-neg - --neg "$T/neg.fa" -o "$T/x.mrlm"
expect eval-stdin2 2 "read only once" -- "$M" eval -m "$T/b.mrlm" --pos - --neg - < "$T/pos.fa"
expect predict-stdin2 2 "read only once" -- "$M" predict -m "$T/b.mrlm" - - < "$T/pos.fa"
expect encode-stdin2 2 "read only once" -- "$M" encode - - < "$T/pos.fa"
[ -s "$T/out" ] && bad "encode - -: printed" || ok
expect epochs0 2 "invalid value '0' for --epochs" -- "$M" train $tr --epochs 0 -o "$T/x.mrlm"
expect earlystop 2 "--early-stop needs validation data" -- "$M" train $tr --early-stop 2 -o "$T/x.mrlm"
expect earlystop-split 0 "" -- "$M" train $tr --epochs 1 --early-stop 2 --val-split 0.25 -o "$T/e.mrlm"

# ---- 7. headers after the inputs opened; predict -o; empty ids ----
expect predict-missing 1 "cannot open '$T/none.fa'" -- "$M" predict -m "$T/b.mrlm" "$T/none.fa"
[ -s "$T/out" ] && bad "predict missing: printed $(head -c 100 "$T/out")" || ok
expect predict-missing2 1 "cannot open '$T/none.fa'" -- "$M" predict -m "$T/b.mrlm" "$T/pos.fa" "$T/none.fa"
[ -s "$T/out" ] && bad "predict, second input missing: printed" || ok
expect predict-badmodel 1 "" -- "$M" predict -m "$T/none.mrlm" "$T/pos.fa"
[ -s "$T/out" ] && bad "predict bad model: printed" || ok
expect encode-missing 1 "cannot open '$T/none.fa'" -- "$M" encode "$T/pos.fa" "$T/none.fa"
[ -s "$T/out" ] && bad "encode missing: printed" || ok
expect encode-s-missing 1 "cannot open" -- "$M" encode -s "$T/none.dbn"
[ -s "$T/out" ] && bad "encode -s missing: printed" || ok
expect predict-o 0 "" -- "$M" predict -q -m "$T/b.mrlm" -o "$T/p.tsv" "$T/pos.fa" "$T/neg.fa"
[ -s "$T/out" ] && bad "predict -o: wrote to stdout" || ok
"$M" predict -q -m "$T/b.mrlm" "$T/pos.fa" "$T/neg.fa" > "$T/p.want"
same "$T/p.tsv" "$T/p.want" "predict -o FILE = standard output"
expect predict-o-json 0 "" -- "$M" predict -q --format json -m "$T/b.mrlm" -o "$T/p.json" "$T/pos.fa"
/usr/bin/python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))) == 8' "$T/p.json" && ok || bad "predict -o json"
printf '>a\nGGGGAAACCCCAUAUAUAUGGGGAAACCCC\n>\nGGGGAAACCCC\n' > "$T/noid.fa"
expect predict-noid 1 "$T/noid.fa, line 3: record 2 has an empty id" -- "$M" predict -q -m "$T/b.mrlm" "$T/noid.fa"
[ -s "$T/out" ] && bad "predict: the first record refused, yet printed $(head -c 100 "$T/out")" || ok
printf '>a\nGGGGAAACCCCAUAUAUAUGGGGAAACCCC\n' > "$T/one.fa"
expect predict-noid2 1 "$T/noid.fa, line 3: record 2 has an empty id" -- "$M" predict -q -m "$T/b.mrlm" "$T/one.fa" "$T/noid.fa"
[ "$(cut -f1 "$T/out" | tr '\n' ' ')" = "id a " ] && ok || bad "predict: rows before the refused record: $(head -c 200 "$T/out")"
expect predict-o-noid 1 "empty id" -- "$M" predict -q -m "$T/b.mrlm" -o "$T/q.tsv" "$T/noid.fa"
ls "$T"/q.tsv* > /dev/null 2>&1 && bad "predict -o: a failed run left $(ls "$T"/q.tsv*)" || ok
expect encode-noid 1 "$T/noid.fa, line 3: record 2 has an empty id" -- "$M" encode "$T/noid.fa"
expect eval-noid 1 "$T/noid.fa, line 3: record 2 has an empty id" -- "$M" eval -q -m "$T/b.mrlm" --pos "$T/noid.fa" --neg "$T/neg.fa"
# killed mid-run: no cut FILE (the rows go to a temporary file renamed at the end)
/usr/bin/python3 -c 'import random; random.seed(1)
for k in range(40): print(">r%d\n%s" % (k, "".join(random.choice("ACGU") for _ in range(900))))' > "$T/slow.fa"
"$M" predict -q -j 1 -m "$T/b.mrlm" -o "$T/k.tsv" "$T/slow.fa" 2> /dev/null &
pid=$!
sleep 1.5
kill -9 $pid 2> /dev/null
wait $pid 2> /dev/null
[ -e "$T/k.tsv" ] && bad "predict -o killed: a cut file" || ok

# ---- 8. lengths ----
longest=$(awk '!/^>/ { n = length($0); if (n > m) m = n } END { print m }' "$T/pos.fa" "$T/neg.fa")
has_meta "$T/b.mrlm" "train_length_longest\\x0${#longest}\\x00\\x00\\x00$longest" && ok || bad "train: longest ($longest) not recorded"
/usr/bin/python3 -c 'import random; random.seed(2)
for k in range(2): print(">long%d\n%s" % (k, "".join(random.choice("ACGU") for _ in range(150))))' > "$T/long.fa"
expect longwarn 0 "warning: long0 ($T/long.fa, line 1) has 150 nt, more than any sequence the model was trained on ($longest nt)" \
    -- "$M" predict -m "$T/b.mrlm" "$T/pos.fa" "$T/long.fa"
[ "$(grep -c 'more than any sequence' "$T/err")" = 1 ] && ok || bad "long: warned $(grep -c 'more than any sequence' "$T/err") times"
[ "$(wc -l < "$T/out")" = 11 ] && ok || bad "long: not scored"
expect longquiet 0 "" -- "$M" predict -q -m "$T/b.mrlm" "$T/long.fa"
[ -s "$T/err" ] && bad "long -q: $(cat "$T/err")" || ok
# a model without the field (the shipped one, trained before it): no such warning
expect longunknown 0 "" -- "$M" predict -m models/default.mrlm "$T/pos.fa"
grep -q 'more than any sequence' "$T/err" && bad "unknown longest: warned" || ok
expect evallong 0 "the longest input sequence (150 nt) is longer than any the model was trained on ($longest nt)" \
    -- "$M" eval -m "$T/b.mrlm" --pos "$T/pos.fa" --neg "$T/long.fa"
# the hard limit: 3000 nt by default, stated in the help
/usr/bin/python3 -c 'print(">huge\n" + "ACGU" * 751)' > "$T/huge.fa"
for c in predict "eval --pos $T/pos.fa --neg" "train $tr -o $T/x.mrlm --neg $T/neg.fa --pos"; do
    expect "huge $c" 1 "record 'huge' line 2: sequence longer than 3000 nt (see --max-length)" \
        -- "$M" $c "$T/huge.fa"
    [ -s "$T/out" ] && bad "huge $c: printed $(head -c 100 "$T/out")" || ok
done
expect maxlen 1 "longer than 100 nt" -- "$M" predict -q -m "$T/b.mrlm" --max-length 100 "$T/long.fa"
for c in predict eval train; do
    "$M" $c --help | grep -q -- '--max-length N .*(default 3000' && ok || bad "$c --help: no --max-length default"
done
"$M" predict --help | grep -q '2,000 in 2.4 s / 57 MB' && ok || bad "predict --help: the measured fold cost"
summary
