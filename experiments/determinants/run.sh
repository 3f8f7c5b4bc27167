#!/usr/bin/env bash
# The runs behind experiments/determinants/RESULTS.md and docs/findings/determinants.md:
# each known determinant of pre-miRNA processing by number (`mirlens explain
# --determinants`), for the paper's model on trimmed hairpins and the genome model on the
# flanked windows it sees in a scan.
#   bash experiments/determinants/run.sh [SHARED] [OUT]
#   (SHARED default ../shared, OUT experiments/out/determinants)
#   MAX_N=N: positives of modhsa_test explained (default 200, evenly spaced over the 549);
#   CONTROL=MODEL: a shuffled-label model (experiments/findings.sh makes one; `mirlens train
#   --shuffle-labels --kernel 3 --seed 1 --images .../cordero_images/modhsa_train --epochs
#   30`) as a second control beside the randomised network;
#   MUT=0: no refolding mutagenesis (default 1: --mutagenesis, every substitution of every
#   explained hairpin refolded and re-scored by each network; it about doubles the time);
#   GENOME_MAX_N=N: loci of the genome runs explained (default 0 = all 103);
#   SCAN=0: skip the genome-scan run (default 1).
# 1. models/default.mrlm on modhsa_test (the paper's test set; miRBase hairpins, trimmed:
#    the duplex placed from miRBase v21 mature positions, as explain --aggregate does);
# 2. models/genome.mrlm on the 103 miRBase loci of hsa chr22 and worm chrX: (a) the scan
#    candidate that covers each locus (mirlens scan, --min-score 0; its stem plus 10-nt
#    flanks: what the genome model really sees), (b) the hairpin with 30 nt of genome on
#    each side (where the basal UG and CNNC fall inside); matures moved onto each window
#    from miRBase v21 (make_inputs.py).
# Times (OUT/times.txt), 2 cores shared with other jobs: MUT=0 without a control, all
# inputs, about 30 minutes; with CONTROL and mutagenesis, MAX_N=100 GENOME_MAX_N=50 SCAN=0,
# 808 s + 756 s (load average 7-9; 2026-12-07).
set -euo pipefail
S=${1:-${MIRLENS_SHARED:-../shared}}
O=${2:-experiments/out/determinants}
M=${MIRLENS:-./mirlens}
PY=${PYTHON:-python3}
D=$S/data/cordero
here=$(dirname "$0")
mkdir -p "$O/genome"
common=(--boot 1000 -j 2 -q)
control=()
[ -n "${CONTROL:-}" ] && control=(--control "$CONTROL")
[ "${MUT:-1}" = 1 ] && common+=(--mutagenesis)
gmax=(--max-n "${GENOME_MAX_N:-0}")
run() { # NAME ARGS...
    local name=$1 t0=$SECONDS
    shift
    "$M" explain --determinants "$@" "${common[@]}" -o "$O/$name"
    echo "$name: $((SECONDS - t0)) s" | tee -a "$O/times.txt"
}
: > "$O/times.txt"
run default-trimmed -m models/default.mrlm --pos "$D/modhsa_test_pos.fa" \
    --neg "$D/modhsa_test_neg.fa" --mature "$S/data/mirbase/v21/mature_positions.tsv.gz" \
    --max-n "${MAX_N:-200}" "${control[@]}"

G=$O/genome
$PY "$here/make_inputs.py" pieces "$S" "$G"
"$M" scan -m models/genome.mrlm --min-score 0 -j 2 -q "$G/pieces.fa" -o "$G/scan"
$PY "$here/make_inputs.py" windows "$S" "$G" "$G/scan.candidates.tsv"
[ "${SCAN:-1}" = 1 ] && run genome-scan -m models/genome.mrlm --pos "$G/scan.fa" \
    --mature "$G/scan_mature.tsv" "${gmax[@]}" "${control[@]}"
run genome-wide -m models/genome.mrlm --pos "$G/wide.fa" --mature "$G/wide_mature.tsv" \
    "${gmax[@]}" "${control[@]}"
