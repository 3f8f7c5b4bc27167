#!/usr/bin/env bash
# CNN engine vs PyTorch 1.13 (Debian python3-torch) on the paper's network, k = 5 and 3:
# images/s and peak memory per task, side by side, with the ratio mirlens / PyTorch.
# Each task runs in its own process (peak RSS is per task); the pair is repeated REPEAT
# times, interleaved, and the best rate of each side is kept (this machine is shared, so
# the best run is the fair anchor for both).
#   THREADS=2 KS="5 3" REPEAT=2 MIN_SECONDS=2 TASKS="train128 infer1 ..." PRECISIONS="f32 bf16" \
#     bash bench/bench_nn.sh
set -u
BUILD=${BUILD:-build}
BIN=$BUILD/bench/bench_nn
PY=${PYTHON_TORCH:-/usr/bin/python3}
THREADS=${THREADS:-2}
KS=${KS:-"5 3"}
REPEAT=${REPEAT:-2}
MIN_SECONDS=${MIN_SECONDS:-2}
TASKS=${TASKS:-"train128 infer1 infer256 grad1 grad128 smooth50"}
PRECISIONS=${PRECISIONS:-"f32 bf16"}
[ -x "$BIN" ] || { echo "bench_nn: $BIN missing (make BUILD=$BUILD bench)"; exit 1; }
have_torch=1
"$PY" -c 'import torch' 2>/dev/null || { have_torch=0; echo "bench_nn: no torch in $PY: mirlens only"; }

# best wall rate, best CPU rate, and the peak RSS of the run with the best wall rate,
# from lines "task rate rss cpu_rate"
best() {
    awk 'NF >= 4 { if ($2 > w) { w = $2; m = $3 } if ($4 > c) c = $4 }
         END { if (w == "") print "- - -"; else print w, c, m }'
}

# ratio: mirlens / PyTorch at the same precision; vs_f32: mirlens / PyTorch f32 (the
# issue's reference). bf16 rows: mirlens --precision bf16 (convolutions after the first in
# bfloat16) against PyTorch under torch.autocast(cpu, bfloat16).
printf '%-2s %-9s %-4s %3s %9s %9s %6s %6s | %9s %9s %6s | %8s %8s\n' k task prec thr mrl_ips \
    torch_ips ratio vs_f32 mrl_cpu torch_cpu ratio mrl_MiB torch_MiB
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }
for k in $KS; do
    for t in $TASKS; do
        tf32=""
        for prec in $PRECISIONS; do
            m="" p=""
            for r in $(seq "$REPEAT"); do
                m+=$(OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive} "$BIN" --k "$k" --threads "$THREADS" \
                        --task "$t" --min-seconds "$MIN_SECONDS" --precision "$prec")$'\n'
                if [ $have_torch = 1 ]; then
                    p+=$(MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 \
                         MALLOC_TOP_PAD_=1000000000 "$PY" bench/torch_nn.py --k "$k" \
                         --threads "$THREADS" --tasks "$t" --min-seconds "$MIN_SECONDS" \
                         --precision "$prec")$'\n'
                fi
            done
            read -r mi mc mr <<<"$(printf '%s' "$m" | best)"
            read -r pi pc pr <<<"$(printf '%s' "$p" | best)"
            [ "$prec" = f32 ] && tf32=$pi
            printf '%-2s %-9s %-4s %3s %9s %9s %6s %6s | %9s %9s %6s | %8s %8s\n' "$k" "$t" "$prec" \
                "$THREADS" "$mi" "$pi" "$(ratio "$mi" "$pi")" "$(ratio "$mi" "${tf32:-$pi}")" \
                "$mc" "$pc" "$(ratio "$mc" "$pc")" "$mr" "$pr"
        done
    done
done
echo "ips: images/s (wall); cpu: images per CPU-second; MiB: peak RSS of the task's process"
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"
# ISA-specific: bf16 rows compute in bf16 only where oneDNN's instruction set (after
# ONEDNN_MAX_CPU_ISA) has bf16 units; elsewhere they are f32 (the fallback) and say so
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); oneDNN $(${MIRLENS:-./mirlens} --version | sed -n 's/^cpu: //p')"
${MIRLENS:-./mirlens} --version | grep -q 'bf16 units: yes' ||
    echo "bf16 rows: this instruction set has no bf16 units: they ran in f32 (the fallback)"
