#!/usr/bin/env bash
# CLI tests for `mirlens explain --concepts` (concept tests, TCAV) on the shipped model and
# the example pre-miRNAs: concepts.tsv has its 12 columns and one row per determinant x
# layer with consistent fields, members.tsv one row per hairpin, the page exists, a second
# run (and one on 1 thread) writes the same bytes, hairpins inside flanked windows get their
# duplex from a table in the windows' coordinates and none from the bare hairpins' table,
# the set report in the same directory
# links the page, and usage / input errors exit 2 / 1 with "mirlens explain: ...". With
# ../shared: 80 pre-miRNAs of the paper's test set with the miRBase mature table, where the
# determinants are tested for real and, scored by the mean derivative, the control of the
# network's own high scores is found and the random control is not.
NAME=tcav.sh
. "$(dirname "$0")/lib.sh"
awk '/^>pseudo/{p=0} /^>hsa/{p=1} p' examples/hairpins.fa > "$T/pos.fa"
npos=$(grep -c '^>' "$T/pos.fa")
# mature table: the 5p (3p for miR-1-1) matures found in the hairpins' sequences
seq_of() { awk -v id="$1" '/^>/{p = substr($1, 2) == id; next} p' "$T/pos.fa" | tr -d '\n'; }
{
    printf '#hairpin_id\thairpin_acc\tmature_id\tmature_acc\tstart_1based\tend_1based\tarm_by_position\thairpin_len\tmatch\n'
    for pair in hsa-let-7a-1:UGAGGUAGUAGGUUGUAUAGUU:5p hsa-let-7b:UGAGGUAGUAGGUUGUGUGGUU:5p \
        hsa-let-7c:UGAGGUAGUAGGUUGUAUGGUU:5p hsa-mir-17:CAAAGUGCUUACAGUGCAGGUAG:5p \
        hsa-mir-21:UAGCUUAUCAGACUGAUGUUGA:5p hsa-mir-125a:UCCCUGAGACCCUUUAACCUGUGA:5p \
        hsa-mir-155:UUAAUGCUAAUCGUGAUAGGGGU:5p hsa-mir-1-1:UGGAAUGUAAAGAAGUAUGUAU:3p; do
        IFS=: read -r id mat arm <<< "$pair"
        s=$(seq_of "$id")
        st=$(awk -v s="$s" -v m="$mat" 'BEGIN { print index(s, m) }')
        [ "$st" -gt 0 ] || continue
        printf '%s\tMI%07d\t%s-%s\tMIMAT1\t%d\t%d\t%s\t%d\tname+seq\n' "$id" "${#id}" "$id" "$arm" \
            "$st" $((st + ${#mat} - 1)) "$arm" "${#s}"
    done
} > "$T/mature.tsv"
nmat=$(($(wc -l < "$T/mature.tsv") - 1))
[ "$nmat" -ge 6 ] && ok || bad "test mature table ($nmat rows)"

fast=(--layers 15,20 --runs 5 --reps 2 --min-n 2 --max-n 3)
run_tcav() { # DIR THREADS
    "$M" explain --concepts --pos "$T/pos.fa" --mature "$T/mature.tsv" "${fast[@]}" -j "$2" -o "$1"
}
expect "concept run" 0 "17 concepts x 2 layers" -- run_tcav "$T/a" 2
A=$T/a
for f in concepts.tsv concepts.html members.tsv; do [ -s "$A/$f" ] && ok || bad "missing $f"; done
find "$A" -name '*.tmp.*' | grep -q . && bad "temporary files left" || ok
hdr=$(printf 'concept\tlayer\tn_concept\tn_random\tcav_accuracy\ttcav_mean\ttcav_sd\trandom_mean\trandom_sd\tp\tq\tverdict')
[ "$(head -1 "$A/concepts.tsv")" = "$hdr" ] && ok || bad "concepts.tsv header: $(head -1 "$A/concepts.tsv")"
[ "$(($(wc -l < "$A/concepts.tsv") - 1))" -eq 34 ] && ok || bad "concepts.tsv: 15 determinants + 2 controls x 2 layers"
# the controls: the high-score half and a random half of the pre-miRNAs
awk -F'\t' -v n="$npos" '$1 ~ /^control:/ && ($3 != int(n / 2) && $3 != n - int(n / 2) || $3 + $4 != n) { exit 1 }' \
    "$A/concepts.tsv" && ok || bad "control concepts"
[ "$(($(wc -l < "$A/members.tsv") - 1))" -eq "$npos" ] && ok || bad "members.tsv rows"
# every row: 12 fields; layers 15 and 20; n_concept + n_random <= hairpins; untested rows
# have NA numbers; tested ones scores in [0, 1], p <= q <= 1, the verdict follows q < 0.05
awk -F'\t' -v n="$npos" 'NR > 1 {
        if (NF != 12 || ($2 != 15 && $2 != 20) || $3 + $4 > n) exit 1
        if ($12 == "untested") { if ($6 != "NA" || $10 != "NA") exit 1; next }
        tested++
        if ($6 < 0 || $6 > 1 || $8 < 0 || $8 > 1 || $10 < 0 || $10 > $11 + 1e-12 || $11 > 1) exit 1
        if (($11 < 0.05) != ($12 == "significant")) exit 1
    } END { exit tested == 0 }' "$A/concepts.tsv" && ok || bad "concepts.tsv fields"
# members agree with the counts: column d's 1s and 0s are n_concept and n_random
awk -F'\t' 'FNR == 1 && NR == 1 { for (k = 2; k <= NF; k++) name[k] = $k; next }
    NR == FNR { for (k = 2; k <= NF; k++) { if ($k == 1) p[name[k]]++; if ($k == 0) a[name[k]]++ }; next }
    FNR > 1 && ($3 != p[$1] + 0 || $4 != a[$1] + 0) { exit 1 }' "$A/members.tsv" "$A/concepts.tsv" &&
    ok || bad "members.tsv and concepts.tsv disagree"
grep -q 'data-check="concepts"' "$A/concepts.html" && ok || bad "concepts.html table"
# the same bytes again, and on 1 thread
expect "second run" 0 "" -- run_tcav "$T/b" 2
same "$T/b/concepts.tsv" "$A/concepts.tsv" "rerun"
expect "one thread" 0 "" -- run_tcav "$T/c" 1
same "$T/c/concepts.tsv" "$A/concepts.tsv" "1 thread"
# a hairpin inside a flanked window: 30 nt of flank each side, the mature positions moved
# by 30 and hairpin_len the window's. The duplex is placed on as many windows as on the bare
# hairpins and the fold-free determinants (5' U of the mature, Dicer 5' counting) agree;
# the bare hairpins' table on the windows places none (its hairpin_len is not theirs; it
# used to place every duplex 30 nt too far 5')
fl5=CACAAACACAAACACAAACACAAACACAAA fl3=AAACACAAACACAAACACAAACACAAACAC
awk -v a=$fl5 -v b=$fl3 '/^>/ { if (s != "") print a s b; print; s = ""; next } { s = s $0 }
    END { print a s b }' "$T/pos.fa" > "$T/wpos.fa"
awk -F'\t' -v OFS='\t' '/^#/ { print; next } { $5 += 30; $6 += 30; $8 += 60; print }' \
    "$T/mature.tsv" > "$T/wmature.tsv"
expect "flanked windows" 0 "($nmat with a duplex)" -- "$M" explain --concepts --pos "$T/wpos.fa" \
    --mature "$T/wmature.tsv" "${fast[@]}" -o "$T/w"
[ "$(cut -f1,16,12 "$T/w/members.tsv")" = "$(cut -f1,16,12 "$A/members.tsv")" ] && ok ||
    bad "flanked windows: 5' U or Dicer 5' counting differ from the bare hairpins'"
awk -F'\t' 'NR > 1 && $3 == 1 { n++ } END { exit n == 0 }' "$T/w/members.tsv" && ok ||
    bad "flanked windows: no stem with its lower stem seen"
expect "flanked windows, the bare table" 0 "(0 with a duplex)" -- "$M" explain --concepts \
    --pos "$T/wpos.fa" --mature "$T/mature.tsv" "${fast[@]}" -o "$T/w0"
awk -F'\t' 'NR > 1 { for (k = 2; k <= 16; k++) if ($k != -1) exit 1 }' "$T/w0/members.tsv" &&
    ok || bad "the bare table placed a duplex on a flanked window"
# the set report shows the concept table (--concept-table): every row of concepts.tsv
# becomes a table row of index.html, the significant verdicts in bold; the file is copied
awk '/^>pseudo/{p=1} /^>hsa/{p=0} p' examples/hairpins.fa > "$T/neg.fa"
expect "aggregate with the concept table" 0 "" -- "$M" explain --aggregate --pos "$T/pos.fa" \
    --neg "$T/neg.fa" --method gradient --faith-n 0 --examples 0 -q \
    --concept-table "$A/concepts.tsv" -o "$T/set"
same "$T/set/concepts.tsv" "$A/concepts.tsv" "concepts.tsv copied beside the set report"
grep -q '<h2>Concept tests</h2>' "$T/set/index.html" && ok || bad "index.html: no concept section"
rows=$(awk '/<h2>Concept tests</{c=1} c && /<\/table>/{exit} c && /^<tr><td>/{n++} END{print n+0}' \
    "$T/set/index.html")
[ "$rows" -eq "$(($(wc -l < "$A/concepts.tsv") - 1))" ] && ok ||
    bad "index.html: $rows concept rows, concepts.tsv has more or fewer"
[ "$(grep -c '<b>significant</b>' "$T/set/index.html")" -eq \
    "$(awk -F'\t' 'NR > 1 && $NF == "significant"' "$A/concepts.tsv" | wc -l)" ] && ok ||
    bad "index.html: significant cells not marked"
expect "missing concept table" 1 "cannot read --concept-table" -- "$M" explain --aggregate \
    --pos "$T/pos.fa" --neg "$T/neg.fa" --method gradient -q --concept-table "$T/nope.tsv" \
    -o "$T/set2"
[ -e "$T/set2" ] && bad "a refused run left its directory" || ok

# usage and input errors
expect "help" 0 "" -- "$M" explain --concepts --help
grep -q -- '--mature FILE' "$T/out" && ok || bad "help text"
expect "no --pos" 2 "needs --pos" -- "$M" explain --concepts --mature "$T/mature.tsv" -o "$T/e"
expect "no --mature" 2 "needs --mature" -- "$M" explain --concepts --pos "$T/pos.fa" -o "$T/e"
expect "no -o" 2 "no output directory" -- "$M" explain --concepts --pos "$T/pos.fa" --mature "$T/mature.tsv"
expect "bad --layers" 2 "--layers" -- "$M" explain --concepts --pos "$T/pos.fa" \
    --mature "$T/mature.tsv" --layers 3,x -o "$T/e"
expect "--runs too few" 2 "--runs" -- "$M" explain --concepts --pos "$T/pos.fa" \
    --mature "$T/mature.tsv" --runs 2 -o "$T/e"
expect "bad --statistic" 2 "--statistic" -- "$M" explain --concepts --pos "$T/pos.fa" \
    --mature "$T/mature.tsv" --statistic mean -o "$T/e"
expect "--min-n above --max-n" 2 "--min-n" -- "$M" explain --concepts --pos "$T/pos.fa" \
    --mature "$T/mature.tsv" --min-n 20 --max-n 10 -o "$T/e"
expect "fused layer" 1 "fused with the ReLU after it: use 1" -- "$M" explain --concepts \
    --pos "$T/pos.fa" --mature "$T/mature.tsv" --layers 0 -q -o "$T/e"
expect "output layer" 1 "not a layer below the output" -- "$M" explain --concepts \
    --pos "$T/pos.fa" --mature "$T/mature.tsv" --layers 22 -q -o "$T/e"
expect "missing FASTA" 1 "nope.fa" -- "$M" explain --concepts --pos "$T/nope.fa" \
    --mature "$T/mature.tsv" -o "$T/e"
printf 'hsa-let-7a-1\tMI1\tx\n' > "$T/badmat.tsv"
expect "bad mature table" 1 "badmat.tsv" -- "$M" explain --concepts --pos "$T/pos.fa" \
    --mature "$T/badmat.tsv" -o "$T/e"
printf '>a\nACGUXACGU\n' > "$T/bad.fa"
expect "bad sequence" 1 "mirlens explain: " -- "$M" explain --concepts --pos "$T/bad.fa" \
    --mature "$T/mature.tsv" -o "$T/e"
[ ! -e "$T/e/concepts.tsv" ] && ok || bad "a failed run left concepts.tsv"

# the paper's test set (80 pre-miRNAs) with the miRBase mature table
D=$S/data/cordero
if [ -s "$D/modhsa_test_pos.fa" ] && [ -s "$S/data/mirbase/v21/mature_positions.tsv.gz" ]; then
    awk '/^>/ { k++ } k <= 80' "$D/modhsa_test_pos.fa" > "$T/p80.fa"
    expect "80 pre-miRNAs" 0 "80 pre-miRNAs" -- "$M" explain --concepts --pos "$T/p80.fa" \
        --mature "$S/data/mirbase/v21/mature_positions.tsv.gz" --layers 15 --runs 20 --reps 3 \
        --min-n 8 -o "$T/s"
    # most duplexes placed; a handful of determinants common and rare enough to test
    awk -F'\t' 'NR > 1 && $12 != "untested" { t++ } END { exit t < 4 }' "$T/s/concepts.tsv" &&
        ok || bad "fewer than 4 determinants tested on 80 pre-miRNAs"
    awk -F'\t' 'NR > 1 && $1 == "GU-stem" && $3 < 40 { exit 1 }' "$T/s/concepts.tsv" && ok ||
        bad "GU wobbles in fewer than half of 80 stems"
    # scored by the mean derivative, the pre-miRNAs the network scores highest are a concept
    # it shows, a random half is not (200 random concepts: p down to 1/201)
    expect "80 pre-miRNAs, derivative" 0 "" -- "$M" explain --concepts --pos "$T/p80.fa" \
        --mature "$S/data/mirbase/v21/mature_positions.tsv.gz" --layers 15 --min-n 8 \
        --statistic derivative -o "$T/d"
    awk -F'\t' '$1 == "control:high-score" && $12 == "significant" && $6 > $8 { f = 1 }
        END { exit !f }' "$T/d/concepts.tsv" && ok || bad "the high-score control is not found"
    awk -F'\t' '$1 == "control:random-half" && $12 == "significant" { exit 1 }' \
        "$T/d/concepts.tsv" && ok || bad "the random control is found"
else
    skip "no ../shared data (modhsa_test_pos.fa, mature_positions.tsv.gz)"
fi
summary
