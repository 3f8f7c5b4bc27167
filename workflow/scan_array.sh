#!/bin/sh
# Scan a genome on Slurm without Snakemake: one job array of N shard scans, then a merge
# job that runs when every shard has succeeded. Prints the two job ids.
#   workflow/scan_array.sh GENOME PREFIX N [mirlens scan options...]
# Environment: MIRLENS (the binary, default mirlens), THREADS (per shard, default 2),
# SBATCH_ARGS (extra sbatch options: partition, time, memory...).
set -eu
[ $# -ge 3 ] || { echo "usage: $0 GENOME PREFIX N [mirlens scan options...]" >&2; exit 2; }
genome=$1 prefix=$2 n=$3
shift 3
mirlens=${MIRLENS:-mirlens} threads=${THREADS:-2}
case $n in '' | *[!0-9]* | 0) echo "$0: N must be a positive number" >&2; exit 2 ;; esac
opts=
for a in "$@"; do opts="$opts '$(printf %s "$a" | sed "s/'/'\\\\''/g")'"; done
parts=
k=1
while [ "$k" -le "$n" ]; do parts="$parts $prefix.part${k}of$n"; k=$((k + 1)); done
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_ARGS:-} --job-name=mirlens-scan --array=1-"$n" -c "$threads" \
    --output="$prefix.part%aof$n.log" \
    --wrap "$mirlens scan -q -j $threads $opts --shard \$SLURM_ARRAY_TASK_ID/$n '$genome' -o '$prefix'.part\${SLURM_ARRAY_TASK_ID}of$n")
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_ARGS:-} --job-name=mirlens-merge --dependency=afterok:"$array" \
    --output="$prefix.merge.log" --wrap "$mirlens scan -q --merge $parts $opts -o '$prefix'")
echo "$array $merge"
