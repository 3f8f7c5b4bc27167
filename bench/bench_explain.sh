#!/usr/bin/env bash
# Attribution methods vs hand-written PyTorch 1.13 equivalents (Debian python3-torch), on
# the paper's network with random weights (k = 3): explanations/s at batch 1 and 32 for
# gradient, guided backprop and SmoothGrad-50 (over guided backprop, and plain), side by
# side with the ratio mirlens / PyTorch; then the other methods, mirlens only, at batch 1.
# Same protocol as bench_nn.sh: each measurement its own process, the pair repeated REPEAT
# times interleaved and the best rate of each side kept; PyTorch runs with glibc keeping
# freed memory, mirlens with OMP_WAIT_POLICY=passive.
#   THREADS=2 K=3 REPEAT=2 MIN_SECONDS=2 BATCHES="1 32" bash bench/bench_explain.sh
set -u
BUILD=${BUILD:-build}
BIN=$BUILD/bench/bench_explain
PY=${PYTHON_TORCH:-/usr/bin/python3}
THREADS=${THREADS:-2}
K=${K:-3}
REPEAT=${REPEAT:-2}
MIN_SECONDS=${MIN_SECONDS:-2}
BATCHES=${BATCHES:-"1 32"}
METHODS=${METHODS:-"gradient guided smoothgrad-guided smoothgrad"}
EXTRA=${EXTRA-"gradient-x-input deconvnet gradcam guided-gradcam occlusion occlusion-nt integrated-gradients shap kernel-shap"}
[ -x "$BIN" ] || { echo "bench_explain: $BIN missing (make BUILD=$BUILD bench)"; exit 1; }
have_torch=1
"$PY" -c 'import torch' 2>/dev/null || { have_torch=0; echo "bench_explain: no torch in $PY: mirlens only"; }

best() { # best wall rate, best CPU rate, peak RSS of the best run
    awk 'NF >= 4 { if ($2 > w) { w = $2; m = $3 } if ($4 > c) c = $4 }
         END { if (w == "") print "- - -"; else print w, c, m }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }
mrl() { OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive} "$BIN" --k "$K" --threads "$THREADS" \
        --min-seconds "$MIN_SECONDS" "$@"; }

printf '%-22s %5s %3s %9s %9s %6s | %9s %9s %6s | %7s %7s\n' method batch thr mrl_eps \
    torch_eps ratio mrl_cpu torch_cpu ratio mrl_MiB tch_MiB
for mth in $METHODS; do
    for b in $BATCHES; do
        m="" p=""
        for r in $(seq "$REPEAT"); do
            m+=$(mrl --method "$mth" --batch "$b")$'\n'
            if [ $have_torch = 1 ]; then
                p+=$(MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 \
                     MALLOC_TOP_PAD_=1000000000 "$PY" bench/torch_explain.py --k "$K" \
                     --threads "$THREADS" --method "$mth" --batch "$b" \
                     --min-seconds "$MIN_SECONDS")$'\n'
            fi
        done
        read -r mi mc mr <<<"$(printf '%s' "$m" | best)"
        read -r pi pc pr <<<"$(printf '%s' "$p" | best)"
        printf '%-22s %5s %3s %9s %9s %6s | %9s %9s %6s | %7s %7s\n' "$mth" "$b" "$THREADS" \
            "$mi" "$pi" "$(ratio "$mi" "$pi")" "$mc" "$pc" "$(ratio "$mc" "$pc")" "$mr" "$pr"
    done
done
for mth in $EXTRA; do
    read -r mi mc mr <<<"$(mrl --method "$mth" --batch 1 | best)"
    printf '%-22s %5s %3s %9s %9s %6s | %9s %9s %6s | %7s %7s\n' "$mth" 1 "$THREADS" "$mi" - - \
        "$mc" - - "$mr" -
done
echo "eps: explanations/s (wall); cpu: explanations per CPU-second; MiB: peak RSS of the run"
echo "defaults: SmoothGrad 50 samples, IG 64 steps, SHAP 50 samples (white background),"
echo "kernel-shap 1024 coalitions, occlusion 5x5 stride 2; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# Refolding mutagenesis (every substitution folded, drawn and scored through the pipeline,
# bench_mutagenesis.c) beside occlusion-nt (the image's nucleotide bars whitened one at a
# time) on the same 110-nt hairpin (hsa-mir-204) with the shipped model: best seconds per
# hairpin of repeated calls; rows = mutants, or occluded bars.
MB=$BUILD/bench/bench_mutagenesis
if [ -x "$MB" ]; then
    printf '\n%-22s %5s %8s %9s\n' method nt rows seconds
    OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive} "$MB" --model models/default.mrlm \
        --threads "$THREADS" --min-seconds "$MIN_SECONDS" |
        awk '{printf "%-22s %5s %8s %9s\n", $1, $2, $3, $4}'
else
    echo "bench_explain: $MB missing (make BUILD=$BUILD bench): no mutagenesis row"
fi
