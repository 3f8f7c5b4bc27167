#!/usr/bin/env bash
# End-to-end `mirlens predict` speed (read, fold, encode, infer, write) on the
# deepMiRGene human test sets with 1 and 2 threads, and the share of time in folding,
# encoding and inference. Reference: the original pipeline starts a JVM (which starts
# RNAfold) per sequence, then Keras: a few sequences per second. Target: >= 300 seq/s on
# 2 cores for ~100 nt hairpins.
set -u
M=${MIRLENS:-./mirlens}
S=${MIRLENS_SHARED:-../shared}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if [ ! -d "$S/data/deepmirgene/human" ]; then
    echo "predict: SKIP: $S/data/deepmirgene not found"; exit 0
fi
cat "$S"/data/deepmirgene/human/test_{pos,neg}.fa > "$T/in.fa"
n=$(grep -c '>' "$T/in.fa")
echo "predict: deepMiRGene human test_pos + test_neg, $n sequences, default model"
printf '%-8s %8s %10s %14s %12s %12s\n' threads wall_s seq/s fold+encode_s infer_s fold_only_s
for j in 1 2; do
    t0=$(date +%s.%N)
    MIRLENS_TIMING=1 "$M" predict -j $j "$T/in.fa" > "$T/out.tsv" 2> "$T/err" || { cat "$T/err"; exit 1; }
    t1=$(date +%s.%N)
    f0=$(date +%s.%N); "$M" fold -q -j $j "$T/in.fa" > /dev/null; f1=$(date +%s.%N)
    fe=$(sed -n 's/.*fold+encode \([0-9.]*\) s, inference \([0-9.]*\) s.*/\1 \2/p' "$T/err")
    awk -v j=$j -v n=$n -v t0=$t0 -v t1=$t1 -v f0=$f0 -v f1=$f1 -v fe="$fe" 'BEGIN {
        split(fe, a, " "); w = t1 - t0; fo = f1 - f0;
        printf "%-8d %8.2f %10.0f %14.2f %12.2f %12.2f\n", j, w, n / w, a[1], a[2], fo;
        printf "         shares of wall time: fold %.0f%%, encode %.0f%%, inference %.0f%%, other %.0f%%\n",
               100 * fo / w, 100 * (a[1] - fo > 0 ? a[1] - fo : 0) / w, 100 * a[2] / w,
               100 * (w - a[1] - a[2]) / w }'
done
[ "$(wc -l < "$T/out.tsv")" -eq $((n + 1)) ] || { echo "predict: wrong row count"; exit 1; }
