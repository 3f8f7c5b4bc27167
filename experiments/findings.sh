#!/usr/bin/env bash
# The runs behind docs/FINDINGS.md: what the networks attend to on the paper's test set.
#   bash experiments/findings.sh [SHARED] [OUT]
#   (SHARED default ../shared, OUT experiments/out/findings)
#   MODEL=FILE: the model studied as "default" (default models/default.mrlm; sections 1-5
#   of docs/FINDINGS.md describe the default before 2026-12-02, git show
#   709ec9f:models/default.mrlm; its section 0 the current one, with ONLY_DEFAULT=1);
#   ONLY_DEFAULT=1: parts 1 and 2 only (about 15 minutes)
# 1. a control model trained on shuffled labels (same network and data as the default's
#    fine-tuning: cordero_images/modhsa_train, 30 epochs, no early stopping);
# 2. the shipped default model on modhsa_test (the 836 test hairpins whose sequences were
#    recovered: 549 pre-miRNAs, 287 pseudo-hairpins) with eleven methods, faithfulness on
#    100 hairpins and the sanity checks on 24;
# 3. the two model-agnostic, slow methods (occlusion, kernel-shap) on every 6th hairpin;
# 4. the authors' two Keras networks (../shared/models), imported, on the same set.
# About an hour on 2 cores (times are printed). Needs ../shared (data, models).
set -euo pipefail
S=${1:-${MIRLENS_SHARED:-../shared}}
O=${2:-experiments/out/findings}
M=${MIRLENS:-./mirlens}
DM=${MODEL:-models/default.mrlm}
D=$S/data/cordero
if [ "${ONLY_DEFAULT:-0}" != 1 ] && ! "$M" --version | grep -q '^import-keras: yes$'; then
    echo "findings.sh: part 4 imports the Keras networks, but $M has no import-keras" \
        "(built without HDF5 and cJSON); rebuild with them, or set ONLY_DEFAULT=1" >&2
    exit 1
fi
mkdir -p "$O"
mature=(--mature "$S/data/mirbase/v21/mature_positions.tsv.gz")
inputs=(--pos "$D/modhsa_test_pos.fa" --neg "$D/modhsa_test_neg.fa")
methods=gradient,gradient-x-input,guided,deconvnet,smoothgrad,smoothgrad-guided,gradcam,guided-gradcam,integrated-gradients,shap,occlusion-nt
common=(--steps 32 --faith-n 100 --sanity-n 24 --examples 4 -j 2 -q)

if [ ! -s "$O/shuffled.mrlm" ]; then
    "$M" train --shuffle-labels --kernel 3 --seed 1 -j 2 -q \
        --images "$S/data/cordero_images/modhsa_train" --epochs 30 -o "$O/shuffled.mrlm"
    rm -f "$O"/shuffled.mrlm.ckpt "$O"/shuffled.mrlm.ckpt.state
fi
"$M" eval -m "$O/shuffled.mrlm" --images "$S/data/cordero_images/modhsa_test" --tsv > "$O/shuffled.eval.tsv"

run() { # NAME MODEL ARGS...
    local name=$1 model=$2
    shift 2
    local t0=$SECONDS
    "$M" explain --aggregate -m "$model" "$@" -o "$O/$name"
    echo "$name: $((SECONDS - t0)) s" | tee -a "$O/times.txt"
}
: > "$O/times.txt"
run default "$DM" "${inputs[@]}" "${mature[@]}" --method "$methods" "${common[@]}" \
    --shuffled-model "$O/shuffled.mrlm"
[ "${ONLY_DEFAULT:-0}" = 1 ] && exit 0 # parts 1-2 only

awk '/^>/ { k++ } k % 6 == 1' "$D/modhsa_test_pos.fa" > "$O/sub_pos.fa"
awk '/^>/ { k++ } k % 6 == 1' "$D/modhsa_test_neg.fa" > "$O/sub_neg.fa"
run default-agnostic "$DM" --pos "$O/sub_pos.fa" --neg "$O/sub_neg.fa" "${mature[@]}" \
    --method occlusion,kernel-shap --kshap-samples 256 --faith-n 60 --sanity-n 12 --examples 2 -j 2 -q \
    --shuffled-model "$O/shuffled.mrlm"

kmethods=gradient,gradient-x-input,guided,smoothgrad-guided,gradcam,integrated-gradients,shap,occlusion-nt
for k in hsa allmirbase; do
    "$M" import-keras "$S/models/final_${k}_vgg_4M_128FCU.h5" -o "$O/keras_$k.mrlm"
    run "keras-$k" "$O/keras_$k.mrlm" "${inputs[@]}" "${mature[@]}" --method "$kmethods" "${common[@]}"
done

# 5. agreement of the three networks' integrated-gradients maps, hairpin by hairpin, on
#    every 8th hairpin (per-sequence `mirlens explain` runs; experiments/compare_maps.py)
{ awk '/^>/ { k++ } k % 8 == 1' "$D/modhsa_test_pos.fa"; awk '/^>/ { k++ } k % 8 == 1' "$D/modhsa_test_neg.fa"; } \
    > "$O/compare.fa"
for m in default="$DM" keras-hsa="$O/keras_hsa.mrlm" keras-allmirbase="$O/keras_allmirbase.mrlm"; do
    "$M" explain -m "${m#*=}" --method integrated-gradients --steps 32 --scale 2 -j 2 -q \
        "$O/compare.fa" -o "$O/compare-${m%%=*}"
done
python3 experiments/compare_maps.py integrated-gradients default="$O/compare-default" \
    keras-hsa="$O/compare-keras-hsa" keras-allmirbase="$O/compare-keras-allmirbase" | tee "$O/compare.md"
# the same comparison between faithful methods on one model, for scale
"$M" explain -m "$DM" --method occlusion-nt,shap --scale 2 -j 2 -q "$O/compare.fa" \
    -o "$O/compare-default-other"
python3 experiments/compare_maps.py integrated-gradients default-IG="$O/compare-default" \
    default-occlusion-nt="$O/compare-default-other:occlusion-nt" \
    default-shap="$O/compare-default-other:shap" | tee "$O/compare_methods.md"

# 6. the sanity checks alone (`explain --sanity FILE`) on the same 24 hairpins: the same
#    table as the aggregate run's, byte for byte (docs/findings/default-sanity.svg is its chart)
cat "$D/modhsa_test_pos.fa" "$D/modhsa_test_neg.fa" > "$O/all.fa"
"$M" explain --sanity "$O/all.fa" --method "$methods" --steps 32 --sanity-n 24 \
    --shuffled-model "$O/shuffled.mrlm" -j 2 -q -o "$O/sanity-check"
cmp "$O/sanity-check/sanity.tsv" "$O/default/sanity.tsv" && echo "sanity alone = sanity in the aggregate run"
