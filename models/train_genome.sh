#!/usr/bin/env bash
# Trains models/genome.mrlm and models/genome_scratch.mrlm, the default of `mirlens scan`
# (scored as an ensemble, the mean of their logit margins): each the paper's network
# (k = 3, Dense 256) trained on what the scanner sees, by the protocol of
# shared/data/genome/README.md (no Caenorhabditis or Drosophila hairpin, no human chr22
# precursor: the worm chrX and human chr22 scans are held out; nor any positive or negative
# of the paper's test sets, which still measure what they measured).
#  1. experiments/genome_model/build_sets.sh: positives = miRBase v21 hairpins of animals
#     (and their viruses; no plant MIR gene: plant hairpins taught an earlier model that
#     long inverted repeats are pre-miRNAs) planted in fungal sequence and extracted by the
#     scanner's candidate generator (16,922); negatives = every candidate of 6 Mb of human
#     sequence without miRBase loci (53,046), 40,000 candidates of the fungus U. maydis,
#     and 1,916 CDS pseudo-hairpins (Xue et al.).
#  2. mirlens train from scratch: 5% held out for validation, balanced class weights, Adam
#     lr 1e-3, batch 128, convolutions in bfloat16 (2x faster on CPUs with bf16 units; f32
#     master weights), early stopping on the held-out loss (patience 3), at most EPOCHS.
#     About 40 minutes on 2 cores.
#  3. experiments/genome_model/hard_negatives.sh: two rounds of fungal candidates the model
#     still calls pre-miRNA (4,769 of 60,000, then 8,445 of the other 110,099 the scan
#     keeps) added to the negatives, fine-tuning 2 epochs each. About 35 minutes. The
#     second round's model is genome.mrlm.
#  4. genome_scratch.mrlm: step 2 again, from scratch, with both rounds' hard negatives
#     among the negatives. About 40 minutes.
# Bit-identical on the same kind of CPU (bf16 kernels round by CPU kind).
#   models/train_genome.sh [SHARED_DIR] [OUT_DIR] [EPOCHS]
set -euo pipefail
S=${1:-${MIRLENS_SHARED:-../shared}}
O=${2:-models}
E=${3:-12}
M=${MIRLENS:-./mirlens}
W=$O/genome_sets
MIRLENS=$M bash experiments/genome_model/build_sets.sh "$S" "$W"
[ -s "$W/genome_animal.mrlm" ] ||
    "$M" train --pos "$W/pos_animal.fa" --neg "$W/neg.fa" --kernel 3 --val-split 0.05 \
        --early-stop 3 --epochs "$E" --class-weight balanced --precision bf16 -j 2 --seed 1 \
        -o "$W/genome_animal.mrlm"
MIRLENS_SHARED=$S MIRLENS=$M bash experiments/genome_model/hard_negatives.sh "$W" \
    "$W/genome_animal.mrlm" "$W/hard_negatives"
[ -s "$W/genome_scratch.mrlm" ] ||
    "$M" train --pos "$W/pos_animal.fa" --neg "$W/neg.fa" --neg "$W/hard_negatives/hard1.fa" \
        --neg "$W/hard_negatives/hard2.fa" --kernel 3 --val-split 0.05 --early-stop 3 \
        --epochs "$E" --class-weight balanced --precision bf16 -j 2 --seed 1 \
        -o "$W/genome_scratch.mrlm"
cp "$W/hard_negatives/hn2.mrlm" "$O/genome.mrlm"
cp "$W/genome_scratch.mrlm" "$O/genome_scratch.mrlm"
