#!/usr/bin/env bash
# Retrains the shipped default model models/default.mrlm exactly as it was made (a seed
# gives bit-identical weights with any thread count).
#
# Shipped: the paper's network (k = 3, Dense 256) trained on the paper's exact human
# training images (cordero_images/modhsa_train), 10% held out for early stopping
# (patience 8, best epoch kept); modhsa_test is never seen. About 10 minutes on 2 cores.
#
# With --pretrain: first pretrain on non-human miRBase hairpins vs human pseudo-hairpins
# (cordero/nonhsa_modmirbase_*, folded and encoded on the fly, 5% held out), then
# fine-tune on modhsa_train as above: the paper's full protocol (about 1-2 hours).
#
# Usage: models/train_default.sh [--pretrain] [SHARED_DIR] [OUT_DIR]
set -euo pipefail
pre=0
if [ "${1:-}" = --pretrain ]; then pre=1; shift; fi
S=${1:-${MIRLENS_SHARED:-../shared}}
O=${2:-models}
M=${MIRLENS:-./mirlens}
mkdir -p "$O"
init=()
if [ $pre = 1 ]; then
    "$M" train --kernel 3 --seed 1 -j 2 \
        --pos "$S/data/cordero/nonhsa_modmirbase_pos.fa.gz" \
        --neg "$S/data/cordero/nonhsa_modmirbase_neg.fa" \
        --val-split 0.05 --epochs 12 --early-stop 3 -o "$O/pretrained.mrlm"
    init=(--init "$O/pretrained.mrlm")
fi
"$M" train "${init[@]}" --kernel 3 --seed 1 -j 2 \
    --images "$S/data/cordero_images/modhsa_train" \
    --val-split 0.1 --epochs 60 --early-stop 8 -o "$O/default.mrlm"
rm -f "$O/default.mrlm.ckpt" "$O/default.mrlm.ckpt.state"
"$M" eval -m "$O/default.mrlm" --images "$S/data/cordero_images/modhsa_test"
