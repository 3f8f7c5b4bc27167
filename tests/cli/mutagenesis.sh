#!/usr/bin/env bash
# `mirlens explain --method mutagenesis`: every mutant row agrees with `mirlens predict` run
# on the mutant sequence written out as FASTA (structure, MFE and score, byte for byte);
# the rows are every single substitution (and with --indels every deletion and insertion);
# structure_changed is 1 exactly when the mutant's fold differs (substitutions); each
# counterfactual's last step, predicted on its own, has the other call; --protect is
# obeyed; the run is deterministic; --aggregate writes its summary and tables; bad input
# and bad options fail with a message naming them and leave no output behind.
NAME=mutagenesis.sh
. "$(dirname "$0")/lib.sh"
# two hairpins of examples/hairpins.fa: a pre-miRNA and a pseudo-hairpin
awk '/^>/{p = /hsa-let-7a-1 |pseudo_cds_26542/} p' examples/hairpins.fa > "$T/in.fa"
expect "run" 0 "" -- "$M" explain --method mutagenesis --cf-budget 2 --cf-beam 2 -j 2 \
    "$T/in.fa" -o "$T/o"
for f in mutagenesis.tsv hairpins.tsv counterfactuals.tsv mutagenesis.html \
    hsa-let-7a-1.mutagenesis.svg pseudo_cds_26542.mutagenesis.svg; do
    [ -s "$T/o/$f" ] && ok || bad "$f missing"
done
head -1 "$T/o/mutagenesis.tsv" | grep -q $'^id\tpos\tref\talt\tkind\tstructure\tmfe\tscore\tmargin\tdelta_margin\t.*structure_changed' &&
    ok || bad "mutagenesis.tsv header: $(head -1 "$T/o/mutagenesis.tsv")"
# the input sequences, one per line: id seq
awk '/^>/{if (id) print id, s; id = substr($1, 2); s = ""; next} {s = s $0} END {print id, s}' \
    "$T/in.fa" > "$T/seqs"
# 3 substitutions per position
want=$(awk '{n += 3 * length($2)} END {print n}' "$T/seqs")
[ "$(($(wc -l < "$T/o/mutagenesis.tsv") - 1))" -eq "$want" ] && ok || bad "not 3 rows per position"
# every mutant made here from its row (pos, alt) and predicted on its own
awk 'NR == FNR {s[$1] = $2; next} FNR > 1 {
        q = s[$1]; m = substr(q, 1, $2 - 1) $4 substr(q, $2 + 1)
        if (substr(q, $2, 1) != $3) { print "bad ref at " $1 ":" $2 > "/dev/stderr"; exit 1 }
        printf ">%s_%d%s\n%s\n", $1, $2, $4, m }' "$T/seqs" FS='\t' "$T/o/mutagenesis.tsv" > "$T/mut.fa" &&
    ok || bad "rows name bases that are not the input's"
"$M" predict -q -j 2 "$T/mut.fa" > "$T/pred.tsv" 2>/dev/null
cut -f 3,4,5 "$T/pred.tsv" | tail -n +2 > "$T/want"
awk -F'\t' 'NR > 1 {print $6 "\t" $7 "\t" ($8 == "." ? "" : $8)}' "$T/o/mutagenesis.tsv" > "$T/got"
same "$T/got" "$T/want" "structure, mfe and score of each mutant vs mirlens predict"
# structure_changed = 1 exactly when the fold differs from the input's (substitutions)
awk -F'\t' 'NR == FNR {if (FNR > 1) st[$1] = $3; next} FNR > 1 && ($12 == 1) != ($6 != st[$1]) {
        print; bad = 1} END {exit bad}' "$T/o/hairpins.tsv" "$T/o/mutagenesis.tsv" > "$T/mism" &&
    ok || bad "structure_changed disagrees with the folds: $(head -2 "$T/mism")"
# delta_margin = margin - the input's margin
awk -F'\t' 'NR == FNR {if (FNR > 1) mg[$1] = $6; next} FNR > 1 && $9 != "." {
        d = $9 - mg[$1] - $10; if (d > 1e-4 || d < -1e-4) {print; bad = 1}} END {exit bad}' \
    "$T/o/hairpins.tsv" "$T/o/mutagenesis.tsv" > "$T/mism" && ok || bad "delta_margin: $(head -2 "$T/mism")"
# counterfactuals: each solution's last step predicted on its own flips the input's call
awk -F'\t' 'FNR > 1 && $3 == 0 {s0[$1 "_" $2] = $8} FNR > 1 {last[$1 "_" $2] = $8}
    END {for (k in last) printf ">%s_in\n%s\n>%s_cf\n%s\n", k, s0[k], k, last[k]}' \
    "$T/o/counterfactuals.tsv" > "$T/cf.fa"
if [ -s "$T/cf.fa" ]; then
    "$M" predict -q "$T/cf.fa" | awk -F'\t' 'NR > 1 {split($1, a, "_"); t = a[length(a)]
        k = substr($1, 1, length($1) - length(t) - 1); lab[k, t] = $6; ks[k] = 1}
        END {for (k in ks) if (lab[k, "in"] == lab[k, "cf"]) {print k; bad = 1}; exit bad}' &&
        ok || bad "a counterfactual does not flip the call"
else
    skip "no counterfactual within 2 edits for these hairpins"
fi
# deterministic
"$M" explain --method mutagenesis --cf-budget 2 --cf-beam 2 -j 1 -q "$T/in.fa" -o "$T/o2"
for f in mutagenesis.tsv hairpins.tsv counterfactuals.tsv; do
    same "$T/o2/$f" "$T/o/$f" "second run ($f, other thread count)"
done
# --indels: n deletions and 4 (n + 1) insertions more; --protect everything: no counterfactual
awk 'NR == 1 {printf ">%s\n%s\n", $1, $2}' "$T/seqs" > "$T/one.fa"
expect "indels" 0 "" -- "$M" explain --method mutagenesis --indels --cf-budget 1 \
    --protect 1-500 -q "$T/one.fa" -o "$T/ind"
n=$(awk 'NR == 1 {print length($2)}' "$T/seqs")
[ "$(($(wc -l < "$T/ind/mutagenesis.tsv") - 1))" -eq $((3 * n + n + 4 * (n + 1))) ] && ok ||
    bad "--indels row count"
[ "$(awk -F'\t' 'NR == 2 {print $15}' "$T/ind/hairpins.tsv")" = 0 ] && ok || bad "--protect 1-500 still edited"
[ "$(wc -l < "$T/ind/counterfactuals.tsv")" -eq 1 ] && ok || bad "--protect: paths written"
# an ensemble (-m twice): every mutant's score as predict gives it with the same two models
E=(-m models/default.mrlm -m models/pretrain2-soup.mrlm)
expect "ensemble" 0 "" -- "$M" explain --method mutagenesis "${E[@]}" --cf-budget 0 -q "$T/one.fa" -o "$T/ens"
awk 'NR == FNR {if (FNR == 1) s = $2; next} FNR > 1 {printf ">m%d\n%s\n", FNR, substr(s, 1, $2 - 1) $4 substr(s, $2 + 1)}' \
    "$T/seqs" FS='\t' "$T/ens/mutagenesis.tsv" > "$T/ens.fa"
"$M" predict -q "${E[@]}" "$T/ens.fa" | tail -n +2 | cut -f 3-5 > "$T/want"
awk -F'\t' 'NR > 1 {print $6 "\t" $7 "\t" ($8 == "." ? "" : $8)}' "$T/ens/mutagenesis.tsv" > "$T/got"
same "$T/got" "$T/want" "ensemble scores vs mirlens predict"
head -n $((3 * n + 1)) "$T/o/mutagenesis.tsv" | cut -f 9 > "$T/m1"
cut -f 9 "$T/ens/mutagenesis.tsv" > "$T/m2"
[ "$(wc -l < "$T/m2")" -eq $((3 * n + 1)) ] && ! cmp -s "$T/m1" "$T/m2" && ok ||
    bad "ensemble margins equal one model's (or rows missing)"
# --aggregate over both
awk '/^>/{p = /hsa-/} p' examples/hairpins.fa > "$T/pos.fa"
awk '/^>/{p = /pseudo/} p' examples/hairpins.fa > "$T/neg.fa"
expect "aggregate" 0 "" -- "$M" explain --method mutagenesis --aggregate --pos "$T/pos.fa" \
    --neg "$T/neg.fa" --sample 4 --seed 3 --cf-budget 1 -q -o "$T/agg"
[ "$(wc -l < "$T/agg/summary.tsv")" -eq 5 ] && ok || bad "summary.tsv: 4 groups"
[ "$(($(wc -l < "$T/agg/hairpins.tsv") - 1))" -eq 4 ] && ok || bad "--sample 4"
grep -q $'^mutagenesis\tT[PN]\t5p-arm\t1\t' "$T/agg/aggregate/profile.tsv" && ok || bad "profile.tsv"
grep -q $'^mutagenesis\t[TF][PN]\tcontext\tstem\t' "$T/agg/aggregate/categories.tsv" && ok ||
    bad "categories.tsv"
# bad input and options
printf '>x\nACGUXZ!\n' > "$T/bad.fa"
expect "bad letters" 1 "bad.fa" -- "$M" explain --method mutagenesis "$T/bad.fa" -o "$T/b1"
[ ! -e "$T/b1/mutagenesis.tsv" ] && ok || bad "output written for bad input"
expect "missing file" 1 "nope.fa" -- "$M" explain --method mutagenesis "$T/nope.fa" -o "$T/b2"
printf '>x\nAAAAAAAAAAAAAAA\n' > "$T/flat.fa"
expect "no hairpin" 0 "no hairpin loop" -- "$M" explain --method mutagenesis "$T/flat.fa" -o "$T/b3"
expect "mixed methods" 2 "on its own" -- "$M" explain --method mutagenesis,gradient "$T/in.fa" -o "$T/b4"
expect "bad kinds" 2 "cf-kinds" -- "$M" explain --method mutagenesis --cf-kinds sub,xx "$T/in.fa" -o "$T/b5"
expect "bad protect" 2 "protect" -- "$M" explain --method mutagenesis --protect 5-2 "$T/in.fa" -o "$T/b6"
expect "budget" 2 "cf-budget" -- "$M" explain --method mutagenesis --cf-budget 99 "$T/in.fa" -o "$T/b7"
expect "no -o" 2 "output directory" -- "$M" explain --method mutagenesis "$T/in.fa"
expect "aggregate inputs" 2 "aggregate" -- "$M" explain --method mutagenesis --aggregate "$T/in.fa" -o "$T/b8"
expect "unknown option" 2 "unknown option" -- "$M" explain --method mutagenesis --steps 4 "$T/in.fa" -o "$T/b9"
summary
