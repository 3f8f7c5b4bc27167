#!/usr/bin/env bash
# The Snakemake workflow (workflow/Snakefile) run locally on the small test genome with 4
# shards gives byte for byte the outputs of one `mirlens scan`. (On Slurm:
# bench/cluster_slurm.sh.) Skips without snakemake (Debian: apt-get install snakemake).
NAME=workflow.sh
. "$(dirname "$0")/lib.sh"
G=$(pwd)/tests/data/scan/genome.fa
if ! command -v snakemake >/dev/null; then
    skip "snakemake not installed"
    summary
    exit $?
fi
expect single 0 "" -- "$M" scan -q $G -o "$T/one"
expect snakemake 0 "" -- snakemake -q -s workflow/Snakefile -d "$T/w" -j 2 \
    --config genome="$G" shards=4 prefix=out mirlens="$(realpath "$M")" threads=1
for f in candidates.tsv bed gff3; do same "$T/w/out.$f" "$T/one.$f" "workflow $f"; done
[ "$(ls "$T"/w/out.part*of4.candidates.tsv | wc -l)" = 4 ] && ok || bad "not 4 shards"
summary
