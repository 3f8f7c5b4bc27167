#!/usr/bin/env bash
# Retrains the shipped default model models/default.mrlm exactly as it was made (a seed
# gives bit-identical weights with any thread count).
#
# Shipped: the paper's protocol (Cordero et al. 2019) with the paper's network (k = 3,
# Dense 256), shortened to fit 2 CPU cores:
#  1. pretraining on non-human miRBase hairpins vs human pseudo-hairpins
#     (cordero/nonhsa_modmirbase_*, 30,185 hairpins folded and encoded on the fly, 5% held
#     out for validation) for 4 epochs (the paper: 40);
#  2. fine-tuning on the paper's exact human training images (cordero_images/modhsa_train),
#     10% held out, early stopping with patience 8 and the best epoch kept (the paper:
#     100 epochs). modhsa_test is never seen.
# About 8 minutes on 2 idle cores (6 pretraining, 2 fine-tuning: best epoch 7 of 15).
# With --no-pretrain: step 2 alone from a fresh network
# (the paper's "without pretraining" model, about 10 minutes).
#
# Usage: models/train_default.sh [--no-pretrain] [SHARED_DIR] [OUT_DIR]
set -euo pipefail
pre=1
if [ "${1:-}" = --no-pretrain ]; then pre=0; shift; fi
S=${1:-${MIRLENS_SHARED:-../shared}}
O=${2:-models}
M=${MIRLENS:-./mirlens}
mkdir -p "$O"
init=()
if [ $pre = 1 ]; then
    "$M" train --kernel 3 --seed 1 -j 2 \
        --pos "$S/data/cordero/nonhsa_modmirbase_pos.fa.gz" \
        --neg "$S/data/cordero/nonhsa_modmirbase_neg.fa" \
        --val-split 0.05 --epochs 4 -o "$O/pretrained.mrlm"
    init=(--init "$O/pretrained.mrlm")
fi
"$M" train "${init[@]}" --kernel 3 --seed 1 -j 2 \
    --images "$S/data/cordero_images/modhsa_train" \
    --val-split 0.1 --epochs 60 --early-stop 8 -o "$O/default.mrlm"
rm -f "$O"/*.ckpt "$O"/*.ckpt.state
"$M" eval -m "$O/default.mrlm" --images "$S/data/cordero_images/modhsa_test"
