#!/usr/bin/env bash
# Builds the training sets of models/genome.mrlm with the scanner's own candidate generator
# (`mirlens scan --no-score`, default flank/span/stem settings), so training and use see the
# same kind of sequence. Reproducible (seeded); about 2 minutes on 2 cores.
#   experiments/genome_model/build_sets.sh [SHARED] [OUT_DIR]
# OUT_DIR/pos.fa  positives: miRBase v21 hairpins allowed by the protocol of
#                 shared/data/genome/README.md (select_sets.py says which are kept out and
#                 why), each planted in 100 nt of fungal sequence on each side and passed
#                 through the scanner: the candidate it extracts (best stem covering >= 50%
#                 of the hairpin, + strand), flanks and all
# OUT_DIR/pos_animal.fa  the same, of animals (and their viruses) only: no plant MIR gene
# OUT_DIR/neg.fa  negatives: every candidate of the three 2-Mb human pieces (no miRBase
#                 hairpin in them), 40,000 candidates sampled from the fungus U. maydis
#                 (no animal-type miRNAs), both strands; plus the Xue et al. CDS
#                 pseudo-hairpins of the paper's training sets (hsapseudo_train, modhsa_train)
#                 that are in none of its test sets
set -euo pipefail
S=${1:-${MIRLENS_SHARED:-../shared}}
O=${2:-experiments/genome_model/sets}
M=${MIRLENS:-./mirlens}
H=$(dirname "$0")
G=$S/data/genome
mkdir -p "$O"
python3 "$H/select_sets.py" plant "$S" "$O/planted.fa" "$O/planted.tsv"
# --max-repeat 1: the sets of the shipped model were made before scan dropped repeats (and
# the planted hairpins include paralogs a repeat count would drop)
"$M" scan -q --no-score --max-repeat 1 --strand + "$O/planted.fa" -o "$O/planted"
python3 "$H/select_sets.py" pos "$O/planted.tsv" "$O/planted.candidates.tsv" "$O/pos.fa"
python3 "$H/select_sets.py" pos "$O/planted.tsv" "$O/planted.candidates.tsv" "$O/pos_animal.fa" \
    animal
for g in hsa_chr3_42M hsa_chr4_103M hsa_chr5_124M umaydis_fungus; do
    "$M" scan -q --no-score --max-repeat 1 "$G/$g.fa.gz" -o "$O/$g"
done
python3 "$H/select_sets.py" neg "$O/neg_human.fa" 1 0 "$O"/hsa_chr*.candidates.tsv
python3 "$H/select_sets.py" neg "$O/neg_fungus.fa" 1 40000 "$O/umaydis_fungus.candidates.tsv"
python3 "$H/select_sets.py" pseudo "$S" "$O/neg_pseudo.fa"
cat "$O/neg_human.fa" "$O/neg_fungus.fa" "$O/neg_pseudo.fa" > "$O/neg.fa"
echo "build_sets: $(grep -c '>' "$O/pos.fa") positives ($(grep -c '>' "$O/pos_animal.fa") of animals)," \
    "$(grep -c '>' "$O/neg.fa") negatives in $O" >&2
