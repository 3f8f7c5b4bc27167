#!/usr/bin/env bash
# `mirlens explain --motifs`: landmark-anchored motif discovery. Bad usage exits 2 naming
# the option and writes nothing; a missing input exits 1 naming the file; --records all
# runs without a mature table (loop landmarks only); with miRBase 21's mature positions
# (team data) the run writes its tables with the documented columns, every seqlet placed at
# a Drosha cut has the offset the mature table implies (checked here independently with
# awk), every seqlet at the loop the offset the fold's single hairpin loop implies (mirlens
# fold), each run lists the six site determinants with the anchors mrl_det_eval's masks
# give them (basal UG at drosha-5p -14..-13, 5' U +1, GYM dicer-5p -2..+1, mGHG drosha-3p
# +5..+10), every motif naming one names a site, the control network's rows are there
# (and absent with --no-control), and two runs give identical tables.
NAME=motifs.sh
. "$(dirname "$0")/lib.sh"
awk '/^>/{p = /^>hsa-/} p' examples/hairpins.fa > "$T/pos.fa"
awk '/^>/{p = /^>pseudo/} p' examples/hairpins.fa > "$T/neg.fa"
mature=$S/data/mirbase/v21/mature_positions.tsv.gz
fast=(--steps 8 --min-seqlets 2 -j 2 -q)

# ---- bad usage and bad input ----
expect "no -o" 2 "no output directory" -- "$M" explain --motifs --pos "$T/pos.fa" --records all
expect "no input" 2 "needs --pos" -- "$M" explain --motifs -o "$T/x"
expect "no --mature" 2 "needs --pos and --mature" -- "$M" explain --motifs --pos "$T/pos.fa" -o "$T/x"
expect "even width" 2 "width must be odd" -- "$M" explain --motifs --pos "$T/pos.fa" --records all --width 6 -o "$T/x"
expect "width range" 2 "--width" -- "$M" explain --motifs --pos "$T/pos.fa" --records all --width 99 -o "$T/x"
expect "top 0" 2 "--top" -- "$M" explain --motifs --pos "$T/pos.fa" --records all --top 0 -o "$T/x"
expect "bad sign" 2 "--sign must be" -- "$M" explain --motifs --pos "$T/pos.fa" --records all --sign up -o "$T/x"
expect "bad records" 2 "--records must be" -- "$M" explain --motifs --pos "$T/pos.fa" --records some -o "$T/x"
expect "shift too wide" 2 "--shift" -- "$M" explain --motifs --pos "$T/pos.fa" --records all --width 5 --shift 3 -o "$T/x"
expect "bad method" 2 "unknown method" -- "$M" explain --motifs --pos "$T/pos.fa" --records all --method nope -o "$T/x"
expect "stray operand" 2 "unexpected argument" -- "$M" explain --motifs --pos "$T/pos.fa" --records all -o "$T/x" extra.fa
[ ! -e "$T/x" ] && ok || bad "a refused run left $T/x behind"
expect "missing file" 1 "$T/none.fa" -- "$M" explain --motifs --pos "$T/none.fa" --records all -o "$T/x"
printf '>bad\nACGU1ACGU\n' > "$T/bad.fa"
expect "bad letter" 1 "bad" -- "$M" explain --motifs --pos "$T/bad.fa" --records all -o "$T/x"
expect "help" 0 "" -- "$M" explain --motifs --help
grep -q -- "--offset-tol" "$T/out" && ok || bad "--help lacks --offset-tol"

# ---- without a mature table: every record, loop landmarks only ----
expect "records all" 0 "" -- "$M" explain --motifs --pos "$T/pos.fa" --neg "$T/neg.fa" \
    --records all --no-control "${fast[@]}" -o "$T/all"
awk -F'\t' 'NR > 1 && $5 != "loop-5p" && $5 != "loop-3p"' "$T/all/seqlets.tsv" > "$T/nonloop"
[ -s "$T/all/seqlets.tsv" ] && [ ! -s "$T/nonloop" ] && ok ||
    bad "records all: seqlets at a cut landmark without a duplex: $(head -2 "$T/nonloop")"
# 12 hairpins (8 + 4): every id of the input appears among the seqlets' hairpins or not,
# but none other
cut -f3 "$T/all/seqlets.tsv" | tail -n +2 | sort -u > "$T/ids"
grep '>' examples/hairpins.fa | cut -c2- | cut -d' ' -f1 | sort > "$T/want_ids"
[ -z "$(comm -23 "$T/ids" "$T/want_ids")" ] && ok || bad "seqlets of hairpins not in the input"

if [ ! -r "$mature" ]; then
    skip "no $mature (team data): the runs with mature positions"
    summary
    exit
fi

# ---- with mature positions ----
expect "run" 0 "" -- "$M" explain --motifs --pos "$T/pos.fa" --neg "$T/neg.fa" \
    --mature "$mature" --method ig,occlusion-nt "${fast[@]}" -o "$T/o"
for f in motifs.tsv seqlets.tsv determinants.tsv index.html; do
    [ -s "$T/o/$f" ] && ok || bad "$f missing"
done
head -1 "$T/o/motifs.tsv" | grep -q $'^method\tnetwork\tmotif\tconsensus\twidth\tseqlets\thairpins\tlandmark\toffset\toffset_min\toffset_max\tlandmarks\ttest_windows\ttest_windows_match\ttest_seqlets\ttest_seqlets_match\tenrichment\tpos_enrichment\tp\tq\tsignificant\tdeterminant\tdet_gap\tdet_overlap\tposition_agrees\tsequence_agrees\tcontrol_motif$' &&
    ok || bad "motifs.tsv header: $(head -1 "$T/o/motifs.tsv")"
head -1 "$T/o/seqlets.tsv" | grep -q $'^method\tnetwork\tid\tposition\tlandmark\toffset\tarm\tscore\thalf\tmotif\tshift\twindow$' &&
    ok || bad "seqlets.tsv header"
# every row has the header's number of fields
for f in motifs seqlets determinants; do
    awk -F'\t' 'NR == 1 {n = NF} NF != n {bad = 1} END {exit bad}' "$T/o/$f.tsv" && ok ||
        bad "$f.tsv: rows with another number of fields"
done
# four runs (2 methods x model/random); 6 site determinants each
[ "$(cut -f1,2 "$T/o/determinants.tsv" | tail -n +2 | sort | uniq -c | awk '$1 == 6' | wc -l)" -eq 4 ] &&
    ok || bad "determinants.tsv: not 6 rows for each of 4 runs"
head -1 "$T/o/determinants.tsv" | grep -q $'^method\tnetwork\tdeterminant\tsource\tlandmark\tmask_offsets\tpattern\thairpins\tvisible\tpresent\tverdict\tbest_motif\tconsensus\tmotif_landmark\tmotif_offset\tq$' &&
    ok || bad "determinants.tsv header: $(head -1 "$T/o/determinants.tsv")"
# the anchors of determinants.c's definitions (where visible at all)
awk -F'\t' 'NR > 1 && $9 > 0 && (($3 == "basal-UG" && $5 "\t" $6 != "drosha-5p\t-14..-13") ||
    ($3 == "mature-5U" && $5 "\t" $6 != "drosha-5p\t+1..+1") ||
    ($3 == "GYM" && $5 "\t" $6 != "dicer-5p\t-2..+1") ||
    ($3 == "mGHG" && $5 "\t" $6 != "drosha-3p\t+5..+10") || $10 > $9 || $9 > $8)' \
    "$T/o/determinants.tsv" > "$T/det_bad"
[ ! -s "$T/det_bad" ] && ok || bad "determinant anchors: $(head -2 "$T/det_bad")"
awk -F'\t' 'NR > 1 && $22 != "." && $22 !~ /^(basal-UG|mature-5U|GYM|apical-UGU|mGHG|CNNC)$/' \
    "$T/o/motifs.tsv" | grep -q . && bad "a motif named after no site determinant" || ok
grep -q $'\trandom\t' "$T/o/seqlets.tsv" && ok || bad "no control (random) rows"
# control_motif: a motif index or "none" on the model's rows, "." on the control's own
awk -F'\t' 'NR > 1 && !(($2 == "model" && ($27 == "none" || $27 ~ /^[0-9]+$/)) ||
    ($2 == "random" && $27 == "."))' "$T/o/motifs.tsv" > "$T/cm_bad"
[ ! -s "$T/cm_bad" ] && ok || bad "control_motif column: $(head -2 "$T/cm_bad")"
# only positives with a duplex: no pseudo-hairpin
grep -q pseudo "$T/o/seqlets.tsv" && bad "negatives among the seqlets" || ok
# Drosha landmarks against the mature table, for hairpins with one annotated row per arm:
# a seqlet at drosha-5p with offset f at 1-based position P has the 5p start P - f + (f > 0);
# at drosha-3p the 3p end P - f + (f > 0) - 1
zcat "$mature" | awk -F'\t' '$1 ~ /^hsa-/ {n[$1 "\t" $7]++; s[$1 "\t" $7] = $5; e[$1 "\t" $7] = $6}
    END {for (k in n) if (n[k] == 1) print k "\t" s[k] "\t" e[k]}' > "$T/arms"
awk -F'\t' 'NR == FNR {s[$1 "\t" $2] = $3; e[$1 "\t" $2] = $4; next}
    FNR > 1 && ($5 == "drosha-5p" || $5 == "drosha-3p") {
        f = $6 + 0; b = $4 - f + (f > 0)
        if ($5 == "drosha-5p" && ($3 "\t5p") in s && ($3 "\t3p") in s) { n++; if (b != s[$3 "\t5p"]) { print; bad = 1 } }
        if ($5 == "drosha-3p" && ($3 "\t5p") in s && ($3 "\t3p") in s) { n++; if (b - 1 != e[$3 "\t3p"]) { print; bad = 1 } }
    } END { if (n == 0) { print "no seqlet checked"; bad = 1 } exit bad }' "$T/arms" "$T/o/seqlets.tsv" > "$T/lm_bad" &&
    ok || bad "Drosha offsets disagree with the mature table: $(head -3 "$T/lm_bad")"
# loop landmarks against the fold: with one hairpin loop "(...)", loop-5p's boundary is the
# first loop base (1-based o + 2 when '(' is at 0-based o) and loop-3p's the ')'
"$M" fold -q "$T/pos.fa" | awk '/^>/ {id = substr($1, 2); next} /^[ACGU]/ {next}
    {s = $1; if (gsub(/\(\.+\)/, "&", s) != 1) next; match($1, /\(\.+\)/)
     print id "\t" RSTART + 1 "\t" RSTART + RLENGTH - 1}' > "$T/loops"
awk -F'\t' 'NR == FNR {l5[$1] = $2; l3[$1] = $3; next}
    FNR > 1 && ($3 in l5) && ($5 == "loop-5p" || $5 == "loop-3p") {
        f = $6 + 0; b = $4 - f + (f > 0); n++
        if (b != ($5 == "loop-5p" ? l5[$3] : l3[$3])) { print; bad = 1 } }
    END { if (n == 0) { print "no seqlet checked"; bad = 1 } exit bad }' "$T/loops" "$T/o/seqlets.tsv" > "$T/loop_bad" &&
    ok || bad "loop offsets disagree with the fold: $(head -3 "$T/loop_bad")"
# deterministic
"$M" explain --motifs --pos "$T/pos.fa" --neg "$T/neg.fa" --mature "$mature" \
    --method ig,occlusion-nt "${fast[@]}" -o "$T/o2" 2>/dev/null
for f in motifs seqlets determinants; do
    same "$T/o2/$f.tsv" "$T/o/$f.tsv" "second run's $f.tsv"
done
# --no-control: the model's rows only
expect "no control" 0 "" -- "$M" explain --motifs --pos "$T/pos.fa" --mature "$mature" \
    --no-control "${fast[@]}" -o "$T/nc"
grep -q $'\trandom\t' "$T/nc/seqlets.tsv" && bad "--no-control wrote random rows" || ok
summary
