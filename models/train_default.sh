#!/usr/bin/env bash
# Retrains the shipped default model models/default.mrlm exactly as it was made:
# the paper's protocol (Cordero et al. 2019) on 2 CPU cores, with validation-based early
# stopping instead of the paper's fixed 40 + 100 epochs.
#  1. pretraining on non-human miRBase hairpins vs human pseudo-hairpins
#     (cordero/nonhsa_modmirbase_*; folded and encoded on the fly), 5% held out;
#  2. fine-tuning on the paper's exact human training images (cordero_images/modhsa_train),
#     10% held out for early stopping; modhsa_test stays untouched for evaluation.
# Usage: models/train_default.sh [SHARED_DIR] [OUT_DIR]
set -euo pipefail
S=${1:-${MIRLENS_SHARED:-../shared}}
O=${2:-models}
M=${MIRLENS:-./mirlens}
mkdir -p "$O"
"$M" train --kernel 3 --seed 1 -j 2 \
    --pos "$S/data/cordero/nonhsa_modmirbase_pos.fa.gz" \
    --neg "$S/data/cordero/nonhsa_modmirbase_neg.fa" \
    --val-split 0.05 --epochs 12 --early-stop 3 \
    -o "$O/pretrained.mrlm"
"$M" train --init "$O/pretrained.mrlm" --seed 1 -j 2 \
    --images "$S/data/cordero_images/modhsa_train" \
    --val-split 0.1 --epochs 60 --early-stop 8 \
    -o "$O/default.mrlm"
"$M" eval -m "$O/default.mrlm" --images "$S/data/cordero_images/modhsa_test"
