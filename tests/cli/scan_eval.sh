#!/usr/bin/env bash
# The scan evaluation of bench/scan_eval.sh on a case worked out by hand, no scan run:
# experiments/scan_eval.py (the protocol of shared/data/genome/README.md: loci merged per
# strand, a true positive covers >= 50% of a truth locus on its strand, ambiguous regions
# are neither, FP per Mb of A/C/G/T on both strands; the curve, best F1, recall at <= 1
# FP/Mb, AUPRC), experiments/pr_ratio.py, experiments/scan_boot.py (the block bootstrap:
# each kind of draw of two blocks worked out, and two scans paired) and the second stage of
# experiments/genome_model/second_stage.py (fold features; re-scoring with a network small
# enough to work by hand). scan_boot.py and second_stage.py need numpy: that part is
# skipped without it.
NAME=scan_eval.sh
. "$(dirname "$0")/lib.sh"
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3
E=experiments
# genome: chrA 300,000 letters (some lowercase) + 500 N, chrB 100,000: 0.8 Mb both strands
"$PY" - "$T/g.fa" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    a = "ACGT" * 75000
    a = a[:200000] + a[200000:].lower() + "N" * 500
    f.write(">chrA\n" + "\n".join(a[i:i + 60] for i in range(0, len(a), 60)) + "\n")
    f.write(">chrB desc\n" + "\n".join(["GATTACA" * 10] * 1428) + "\n" + "GATTACA" * 5 + "GATTA\n")
EOF
[ "$(grep -v '>' "$T/g.fa" | tr -d '\n' | tr -cd 'ACGTacgt' | wc -c)" = 400000 ] && ok ||
    bad "the genome does not have 400,000 letters"
# truth: T1 chrA 100-200 +, T2 chrA 1000-1100 -, T3 chrB 50-150 +, T4 chrA 7000-7100 +
# (no candidate); ambiguous: chrA 5000-5100, unstranded
printf 'chrA\t100\t200\tt1\t0\t+\nchrA\t1000\t1100\tt2\t0\t-\nchrB\t50\t150\tt3\t0\t+\nchrA\t7000\t7100\tt4\t0\t+\n' > "$T/truth.bed"
printf 'chrA\t5000\t5100\tamb\t0\t.\n' > "$T/amb.bed"
# candidates, by margin: c1 3 (covers T1), c2 2 (ambiguous), c3 1 (false), c4 0.5 (50% of
# T2, minus strand), c5 -1 (false, overlaps c3: merged with it), c6 -2 (60% of T3)
cands() {
    printf '#mirlens scan 0.1.0\n#settings strand=both flank=10 max_span=160 min_stem=30 max_repeat=0.1 min_score=%s masked=sequence models=test\n' "$1"
    printf '#sequence-region chrA 1 300500\n#sequence-region chrB 1 100000\n'
    printf '#chrom\tstart\tend\tstrand\tsequence\tstructure\tmfe\tscore\tmargin\tstem\n'
    printf 'chrA\t90\t210\t+\tA\t.\t-1.0\t0.952574\t%s\t30\n' "$2"
    printf 'chrA\t3000\t3100\t+\tA\t.\t-1.0\t0.731059\t%s\t30\n' "$4"
    printf 'chrA\t3050\t3150\t+\tA\t.\t-1.0\t0.268941\t%s\t30\n' "$6"
    printf 'chrA\t5010\t5090\t+\tA\t.\t-1.0\t0.880797\t%s\t30\n' "$3"
    printf 'chrA\t1050\t1120\t-\tA\t.\t-1.0\t0.622459\t%s\t30\n' "$5"
    printf 'chrB\t60\t120\t+\tA\t.\t-1.0\t0.119203\t%s\t30\n' "$7"
}
cands 0.01 3.0 2.0 1.0 0.5 -1.0 -2.0 > "$T/c.tsv"
gzip -c "$T/c.tsv" > "$T/c.tsv.gz"
# at score >= 0.5: loci c1 (T1), c3 (false), c2 (ambiguous), c4 (T2): tp 2, fp 1, recall
# 2/4, precision 2/3, F1 4/7, 1/0.8 FP per Mb. The curve (top k = 1..6): tp/fp 1/0, 1/0,
# 1/1, 2/1, 2/1, 3/1; best F1 0.75 (k = 6); <= 0.8 FP allows 0 FP: recall 0.25; AUPRC
# 0.25 * 1 + 0.25 * 2/3 + 0.25 * 0.75 = 0.6042. Candidate recall: T1-T3 of 4.
want="t	4	6	8	0.750	0.5	4	2	1	1.25	0.6667	0.500	0.5714	0.7500	0.250	0.6042	0.01"
for c in c.tsv c.tsv.gz; do
    if "$PY" $E/scan_eval.py --candidates "$T/$c" --truth "$T/truth.bed" --ambiguous "$T/amb.bed" \
        --genome "$T/g.fa" --label t --curve "$T/curve.tsv" > "$T/row" 2> "$T/err"; then
        [ "$(tail -n 1 "$T/row")" = "$want" ] && ok || bad "scan_eval.py $c: $(tail -n 1 "$T/row")"
        grep -q 'below min_score 0.01' "$T/err" && ok || bad "no note on min_score ($c)"
    else
        bad "scan_eval.py $c failed: $(cat "$T/err")"
    fi
done
cat > "$T/curve.want" <<'EOF'
margin	recall	precision	tp_loci	fp_loci
3.0000	0.2500	1.00000	1	0
2.0000	0.2500	1.00000	1	0
1.0000	0.2500	0.50000	1	1
0.5000	0.5000	0.66667	2	1
-1.0000	0.5000	0.66667	2	1
-2.0000	0.7500	0.75000	3	1
EOF
same "$T/curve.tsv" "$T/curve.want" "scan_eval.py curve"
# without --ambiguous, c2 is a false positive; without --genome, the per-Mb columns are nan
"$PY" $E/scan_eval.py --candidates "$T/c.tsv" --truth "$T/truth.bed" --label t \
    --curve "$T/curve_noamb.tsv" > "$T/row" 2>/dev/null
[ "$(tail -n 1 "$T/row" | cut -f 4,7-10,15)" = "nan	4	2	2	nan	0.000" ] && ok ||
    bad "scan_eval.py without --ambiguous/--genome: $(tail -n 1 "$T/row")"
# pr_ratio.py, the curve with ambiguous regions over the one without: at recall >= 0.05 to
# 0.25 both have precision 1 (k = 1); above, 0.75 (k = 6) against 3/5
"$PY" $E/pr_ratio.py "$T/curve.tsv" "$T/curve_noamb.tsv" t > "$T/ratio"
[ "$(cut -f 2,5 "$T/ratio" | tr '\t\n' ': ')" = "recall:ratio 0.05:1.0 0.1:1.0 0.2:1.0 0.3:1.2 0.4:1.2 0.5:1.2 0.6:1.2 0.7:1.2 " ] &&
    ok || bad "pr_ratio.py: $(cat "$T/ratio")"
[ "$(sed -n 5p "$T/ratio")" = "t	0.3	0.75000	0.60000	1.2" ] && ok || bad "pr_ratio.py row: $(sed -n 5p "$T/ratio")"

# scan_boot.py and second_stage.py (numpy)
if ! "$PY" -c 'import numpy' 2>/dev/null; then
    skip "scan_boot.py, second_stage.py: no numpy for $PY (set PYTHON=/usr/bin/python3)"
    summary
    exit
fi
# the same ranking reversed, as a second scan (paired against the first)
cands 0 -3.0 -2.0 -1.0 -0.5 1.0 2.0 > "$T/r.tsv"
boot() { "$PY" $E/scan_boot.py --truth "$T/truth.bed" --ambiguous "$T/amb.bed" \
    --genome "$T/g.fa" --draws 200 "$@" 2> "$T/err"; }
boot a="$T/c.tsv" b="$T/r.tsv" > "$T/boot" || bad "scan_boot.py failed: $(cat "$T/err")"
# every record opens a block: chrA (T1, T2, T4, the false locus; 0.6 Mb) and chrB (T3;
# 0.2 Mb). A draw is AB (the whole scan), AA or BB. Scan a:
#   AB: best F1 0.75, recall at <= 1 FP/Mb 0.25, AUPRC 0.6042 (scan_eval.py's values)
#   AA: 6 truth loci, tp/fp doubled: best F1 2/3 (k = 4), 0 FP: recall 1/3, AUPRC
#       1/3 + 1/3 * 2/3 = 0.5556
#   BB: T3 twice, found at k = 6 with no false locus: 1, 1, 1
# Scan b (reversed: c6 T3, c5 false, c4 T2, c3 merged with c5, c2 ambiguous, c1 T1):
#   AB: 0.75, 0.25, 0.6042 as a; AA: best F1 2/3, recall 0 (its first false locus comes
#   before any true one), AUPRC 1/3 * 1/2 + 1/3 * 2/3 = 0.3889; BB: 1, 1, 1.
# So b - a: best F1 0 in every draw; AUPRC -1/6 (AA) or 0; never higher.
row() { awk -F'\t' -v l="$1" -v s="$2" '$1 == l && $2 == s { $1 = $2 = ""; print substr($0, 3) }' OFS=' ' "$T/boot"; }
[ "$(row a best_f1)" = "0.7500 0.6667 1.0000 - - - - 2" ] && ok || bad "scan_boot.py a best_f1: $(row a best_f1)"
[ "$(row a recall_at_1fp_per_Mb)" = "0.2500 0.2500 1.0000 - - - - 2" ] && ok ||
    bad "scan_boot.py a recall: $(row a recall_at_1fp_per_Mb)"
[ "$(row a auprc)" = "0.6042 0.5556 1.0000 - - - - 2" ] && ok || bad "scan_boot.py a auprc: $(row a auprc)"
[ "$(row b best_f1)" = "0.7500 0.6667 1.0000 0.0000 0.0000 0.0000 0.000 2" ] && ok ||
    bad "scan_boot.py b best_f1: $(row b best_f1)"
[ "$(row b recall_at_1fp_per_Mb)" = "0.2500 0.0000 1.0000 0.0000 -0.3333 0.0000 0.000 2" ] && ok ||
    bad "scan_boot.py b recall: $(row b recall_at_1fp_per_Mb)"
[ "$(row b auprc)" = "0.6042 0.3889 1.0000 0.0000 -0.1667 0.0000 0.000 2" ] && ok ||
    bad "scan_boot.py b auprc: $(row b auprc)"
# --block-mb 0.1: a block closes at the line end where it reaches 100,000 letters: chrA
# (60-letter lines) in 3, chrB (its 100,000th letter on its last line) in 1. The whole-scan
# values stay.
boot --block-mb 0.1 a="$T/c.tsv" > "$T/boot" || bad "scan_boot.py --block-mb 0.1 failed: $(cat "$T/err")"
[ "$(row a auprc | cut -d' ' -f 1,8)" = "0.6042 4" ] && ok || bad "scan_boot.py --block-mb 0.1: $(row a auprc)"
# experiments/genome_model/second_stage.py: the fold features, worked by hand. Two branches
# (3 and 2 pairs; the main one first, 17 unpaired after it); a 1-nt bulge in one helix
# (longest stack 3, one interior loop of size 1, asymmetry 1).
X=experiments/genome_model
"$PY" -c 'import sys; sys.path.insert(0, sys.argv[1]); import second_stage as s
print(s.features("GGGAAACCCAAGGAAACCAAAAAAAA", "(((...)))..((...))........", -5.2))
print(s.features("GGGAGAAACCCC", "((((...).)))", -3.0))' $X > "$T/feat" 2>&1
printf '%s\n' "(26, -0.2, 0.38461538461538464, 3, 1.4782608695652173, 2, 2, 0.6, 3, 1, 3, 0, 0, 0, 0, 17)" \
    "(12, -0.25, 0.6666666666666666, 3, 0.1111111111111111, 1, 1, 1.0, 4, 1, 3, 1, 1, 1, 0, 0)" > "$T/feat.want"
same "$T/feat" "$T/feat.want" "second_stage.py features"
# score: a network on two features, logit = 2 tanh(paired_frac) + 0.5. "((((...))))":
# 8/11 paired, logit 1.7428; no pair: 0.5. Margins 3 and -1 become 4.7428 and -0.5 (W = 1),
# 6.4856 and 0 (W = 2); scores their logistic (0.991361, 0.377541 at W = 1); a candidate
# without a score keeps none.
cat > "$T/net.json" <<'EOF2'
{"features": ["paired_frac", "helix"], "mu": [0, 0], "sd": [1, 1], "w1": [[1], [0]],
 "b1": [0], "w2": [[2]], "b2": [0.5]}
EOF2
{ printf '#mirlens scan 0.1.0\n#settings min_score=0\n#sequence-region chrA 1 100\n'
  printf '#chrom\tstart\tend\tstrand\tsequence\tstructure\tmfe\tscore\tmargin\tstem\n'
  printf 'chrA\t0\t11\t+\tGGGGAAACCCC\t((((...))))\t-4.0\t0.952574\t3.0\t30\n'
  printf 'chrA\t20\t31\t+\tAAAAAAAAAAA\t...........\t0.0\t0.268941\t-1.0\t30\n'
  printf 'chrA\t40\t51\t-\tAAAAAAAAAAA\t.\t.\t.\t.\t30\n'; } > "$T/s.tsv"
for w in 1 2; do
    "$PY" $X/second_stage.py score "$T/net.json" "$T/s.tsv" --weight $w > "$T/s$w.out" 2> "$T/err" ||
        bad "second_stage.py score --weight $w: $(cat "$T/err")"
done
[ "$(grep -v '^#' "$T/s1.out" | cut -f 8,9 | tr '\t\n' ', ')" = "0.991361,4.7428 0.377541,-0.5000 .,. " ] &&
    ok || bad "second_stage.py score, W = 1: $(grep -v '^#' "$T/s1.out")"
[ "$(grep -v '^#' "$T/s2.out" | cut -f 9 | tr '\n' ' ')" = "6.4856 0.0000 . " ] && ok ||
    bad "second_stage.py score, W = 2: $(grep -v '^#' "$T/s2.out")"
grep -q '^#second-stage model=net.json weight=1$' "$T/s1.out" && ok || bad "no #second-stage line"
# --fold gives the folds instead of the rows' own (here: none paired, so both get 0.5)
printf 'id\tsequence\tstructure\tmfe\nc1\tGGGGAAACCCC\t...........\t0.0\nc2\tAAAAAAAAAAA\t...........\t0.0\nc3\tAAAAAAAAAAA\t...........\t0.0\n' > "$T/f.tsv"
"$PY" $X/second_stage.py score "$T/net.json" "$T/s.tsv" --fold "$T/f.tsv" > "$T/sf.out" 2> "$T/err"
[ "$(grep -v '^#' "$T/sf.out" | cut -f 9 | tr '\n' ' ')" = "3.5000 -0.5000 . " ] && ok ||
    bad "second_stage.py score --fold: $(grep -v '^#' "$T/sf.out") $(cat "$T/err")"
sed 's/((((...))))/./' "$T/s.tsv" > "$T/nostruct.tsv"
expect "second_stage.py, a candidate without a fold" 1 'candidate 1 has no structure' -- \
    "$PY" $X/second_stage.py score "$T/net.json" "$T/nostruct.tsv"
# a genome that lacks a record of the candidates: named, exit 1, no traceback
head -n 5001 "$T/g.fa" > "$T/g1.fa"
expect "scan_boot.py, a record the genome lacks" 1 'chrB is not a record of --genome' -- \
    "$PY" $E/scan_boot.py --truth "$T/truth.bed" --genome "$T/g1.fa" --draws 10 a="$T/c.tsv"
summary
