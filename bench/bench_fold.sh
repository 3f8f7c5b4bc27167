#!/usr/bin/env bash
# Folding speed: sequences/s on the deepMiRGene human sets (1 and 2 threads) and ms per
# sequence at 100..1600 nt, side by side with RNAfold 2.1.3's measured figures on this
# kind of machine (docs/folding.md section 6: 313 seq/s per core on human_pos +
# human_neg; 3.15 / 17.2 / 85.6 / 415 / 2430 ms at 100 / 200 / 400 / 800 / 1600 nt).
set -u
M=${MIRLENS:-./mirlens}
S=${MIRLENS_SHARED:-../shared}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cpu() { # cpu seconds (user+sys) and peak RSS (MB) of a command, output discarded
    /usr/bin/time -f '%U %S %M' -o "$T/time" "$@" > /dev/null || return 1
    awk '{printf "%.3f %.1f", $1 + $2, $3 / 1024}' "$T/time"
}
wall() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }

if [ -d "$S/data/deepmirgene/human" ]; then
    cat "$S"/data/deepmirgene/human/{train,test}_{pos,neg}.fa > "$T/human.fa"
    n=$(grep -c '>' "$T/human.fa")
    echo "fold: deepMiRGene human sets, $n sequences (RNAfold 2.1.3: 313 seq/s per CPU-second)"
    printf '%-10s %10s %10s %12s %10s %8s\n' threads wall_s cpu_s seq/s/core seq/s_wall vs2.1.3
    for j in 1 2; do
        read -r c rss < <(cpu "$M" fold -q -j $j "$T/human.fa")
        w=$(wall "$M" fold -q -j $j "$T/human.fa")
        awk -v j=$j -v w="$w" -v c="$c" -v n="$n" -v r="$rss" 'BEGIN {
            printf "%-10d %10.2f %10.2f %12.0f %10.0f %7.2fx  (peak RSS %.1f MB)\n",
                   j, w, c, n / c, n / w, (n / c) / 313, r }'
    done
else
    echo "fold: SKIP human-set benchmark: $S/data/deepmirgene not found"
fi

echo "fold: CPU ms per sequence by length (random uniform ACGU, seed 1)"
printf '%-8s %6s %10s %12s %8s\n' length count mirlens_ms rnafold213_ms ratio
for spec in "100 200 3.15" "200 60 17.2" "400 16 85.6" "800 4 415" "1600 2 2430"; do
    set -- $spec
    awk -v L=$1 -v N=$2 'BEGIN { srand(1); split("A C G U", b, " ");
        for (r = 0; r < N; r++) { printf ">r%d\n", r; s = "";
            for (k = 0; k < L; k++) s = s b[int(rand() * 4) + 1]; print s } }' > "$T/r$1.fa"
    read -r c rss < <(cpu "$M" fold -q --max-length 2000 "$T/r$1.fa")
    awk -v L=$1 -v N=$2 -v c="$c" -v ref=$3 'BEGIN {
        ms = 1000 * c / N; printf "%-8d %6d %10.2f %12.2f %7.2fx\n", L, N, ms, ref, ref / ms }'
done
