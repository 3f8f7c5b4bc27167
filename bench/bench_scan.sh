#!/usr/bin/env bash
# `mirlens scan` speed on human sequence (shared/data/genome/hsa_chr3_42M.fa.gz, 2 Mb,
# both strands) with the scan's default model: genome bases/s, candidates/s, the shares of
# time in candidate generation (stems), folding + drawing, and the network, peak RSS; the
# candidate stage alone (--no-score); and the projected wall time of a human genome
# (3.1 Gb) on 2 cores and on a 32-node Slurm array (2 cores per node). Issue 21's goal:
# >= 55,000 genome bases/s (both strands) on 2 cores, with the candidate stage keeping
# >= 95% of annotated precursors (experiments/scan_eval.py reports that recall).
#   bash bench/bench_scan.sh [GENOME.fa.gz] [extra mirlens scan options]
set -u
cd "$(dirname "$0")/.." || exit 1
S=${MIRLENS_SHARED:-../shared}
G=${1:-$S/data/genome/hsa_chr3_42M.fa.gz}
shift || true
[ -r "$G" ] || { echo "bench_scan: $G not found (team data): skipped"; exit 77; }
M=${MIRLENS:-./mirlens}
[ -x "$M" ] || make -j2 >/dev/null || exit 1
T=$(mktemp -d /tmp/mirlens_bench_scan.XXXXXX)
trap 'rm -rf "$T"' EXIT
echo "bench_scan: $G, $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $("$M" --version | sed -n 2p)"
run() { # name, options...
    local name=$1; shift
    /usr/bin/time -f '%e %M' -o "$T/time" "$M" scan -j 2 "$@" "$G" -o "$T/$name" 2> "$T/$name.err" ||
        { cat "$T/$name.err"; exit 1; }
    read -r wall rss < "$T/time"
    local line
    line=$(grep '^mirlens scan:' "$T/$name.err")
    echo "$name: wall ${wall} s, peak RSS $((rss / 1024)) MiB"
    echo "  $line"
}
summarise() { # name: the figures of a run
awk -v line="$(grep '^mirlens scan:' "$T/$1.err")" -v wall="$2" -v name="$1" 'BEGIN {
    # "... X Mb scanned ... N candidates ...; time: read a s, stems b s, fold+draw c s, network d s"
    n = split(line, w, " ")
    for (i = 1; i <= n; i++) {
        if (w[i] == "Mb" && w[i + 1] == "scanned") mb = w[i - 1]
        if (w[i] == "candidates" && w[i + 1] ~ /^\(/) cand = w[i - 1]
        if (w[i] == "read") rd = w[i + 1]
        if (w[i] == "stems") st = w[i + 1]
        if (w[i] == "fold+draw") fd = w[i + 1]
        if (w[i] == "network") nw = w[i + 1]
    }
    bps = mb * 1e6 / wall
    printf "%s: genome bases/s (both strands): %.0f (goal 55,000: %.2fx)\n", name, bps, bps / 55000
    printf "candidates/s: %.0f\n", cand / wall
    tot = rd + st + fd + nw
    printf "time shares: stems %.1f%%, fold+draw %.1f%%, network %.1f%%, reading %.1f%%\n",
        100 * st / tot, 100 * fd / tot, 100 * nw / tot, 100 * rd / tot
    h = 3.1e9 / bps
    printf "human genome (3.1 Gb): %.1f h on 2 cores; %.2f h on a 32-node array (2 cores each)\n",
        h / 3600, h / 3600 / 32
}'
}
run stems-only --no-score "$@"
run full "$@"
summarise full "$(cut -d' ' -f1 "$T/time")"
# the default is an ensemble of two models: one of them alone, for the memory and time
# an ensemble adds (its models share one model's activation memory, src/pipeline)
run one-model -m models/genome.mrlm "$@"
# the two knobs that trade exactness or recall for speed: the network in bfloat16 (CPUs
# with bf16 units; scores within ~1e-3) and a stricter stem threshold (fewer candidates;
# on the shared loci 97% instead of 99% of precursors kept, docs/scan.md)
run fast --precision bf16 --min-stem 35 "$@"
summarise fast "$(cut -d' ' -f1 "$T/time")"
# counting the repeats of an input too large to sort its k-mers (over 64 M letters: the
# table of 2-bit counters, one pass): the shared genomes, three times over, 325 MB
D=$S/data/genome
if [ -r "$D/cel_ce2_chrX.fa.gz" ] && [ -r "$D/umaydis_fungus.fa.gz" ] && [ -r "$D/hsa_hg19_chr22.fa.gz" ]; then
    for c in a b c; do
        zcat "$D/cel_ce2_chrX.fa.gz" "$D/umaydis_fungus.fa.gz" "$D/hsa_hg19_chr22.fa.gz" |
            sed "s/^>\([^ ]*\).*/>$c\1/"
    done > "$T/large.fa"
    /usr/bin/time -f '%e %M' -o "$T/time" "$M" scan -j 2 --no-score --region achrX:1-100000 \
        "$T/large.fa" -o "$T/large" 2> "$T/large.err" || { cat "$T/large.err"; exit 1; }
    read -r wall rss < "$T/time"
    echo "repeats of $(($(stat -c %s "$T/large.fa") / 1000000)) MB: $(grep -o 'repeats [0-9.]* s' "$T/large.err" | tail -1)," \
        "peak RSS $((rss / 1024)) MiB (a human genome, 3.1 GB: about 10x that time)"
fi
