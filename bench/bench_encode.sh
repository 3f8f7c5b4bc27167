#!/usr/bin/env bash
# Hairpin-image encoder throughput: the library (bench/bench_encode.c: drawing alone from
# given structures, drawing + CHW tensor, fold + drawing) and the CLI end to end
# (`mirlens encode -s` over the golden file, TSV with hex images). One core.
set -u
B=${BUILD:-build}/bench
M=${MIRLENS:-./mirlens}
SHARED=${MIRLENS_SHARED:-../shared}
"$B/bench_encode" "$SHARED" 1 || exit 1
G="$SHARED/golden/encoding_dev.tsv"
if [ -f "$G" ]; then
    T=$(mktemp -d /tmp/mirlens_bench_encode.XXXXXX)
    trap 'rm -rf "$T"' EXIT
    { head -1 "$G"; for _ in $(seq 20); do tail -n +2 "$G"; done; } >"$T/in.tsv"
    rows=$(($(wc -l <"$T/in.tsv") - 1))
    t0=$(date +%s.%N)
    "$M" encode -q -s "$T/in.tsv" >/dev/null || exit 1
    t1=$(date +%s.%N)
    awk -v n="$rows" -v a="$t0" -v b="$t1" \
        'BEGIN {printf "CLI encode -s (tsv out): %.0f records/s (%d records, %.2f s)\n", n/(b-a), n, b-a}'
fi
FA="$SHARED/data/cordero/hsa_pos.fa"
if [ -f "$FA" ]; then
    n=$(grep -c '^>' "$FA")
    for j in 1 2; do
        t0=$(date +%s.%N)
        "$M" encode -q -j $j "$FA" >/dev/null || exit 1
        t1=$(date +%s.%N)
        awk -v n="$n" -v a="$t0" -v b="$t1" -v j="$j" \
            'BEGIN {printf "CLI fold + encode, %d thread(s): %.0f seq/s (%d miRBase hsa hairpins, %.2f s)\n", j, n/(b-a), n, b-a}'
    done
fi
