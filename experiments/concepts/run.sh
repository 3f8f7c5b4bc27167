#!/usr/bin/env bash
# Concept tests (TCAV) of the known determinants on the paper's test pre-miRNAs
# (docs/findings/concepts.md; experiments/concepts/RESULTS.md):
#   bash experiments/concepts/run.sh [SHARED] [OUT]
#   (SHARED default ../shared, OUT experiments/out/concepts)
# 1. the shipped default model (models/default.mrlm) on the 549 pre-miRNAs of
#    modhsa_test_pos.fa, duplexes from miRBase 21's mature positions, every post-ReLU layer
#    (1 3 7 9 13 15 20), 200 random concepts x 3 CAVs per test (the defaults), scored by
#    Kim et al.'s TCAV score (sign) and by the mean directional derivative (derivative);
# 2. the genome model (models/genome.mrlm) on the same trimmed hairpins, derivative (its
#    flanked windows: step 4);
# 3. controls: an untrained network (Glorot initialisation: one training step of one image
#    at learning rate 1e-12, seed 7) and a network trained on shuffled labels
#    (modhsa_train images, 5 epochs), where nothing but the high-score control should be
#    significant (scored by the mean derivative).
# 4. (step genome) the genome model on the flanked windows of the 103 miRBase loci of human
#    chr22 + worm chrX (experiments/determinants/make_inputs.py): the scan candidate that
#    covers each locus (what the genome model sees in a scan) and the hairpin with 30 nt of
#    genome each side, matures moved onto each window; derivative, the same random-concept
#    pools (each concept against random subsets of its own pool, 200 per test), and the
#    untrained network of step 3 on the same windows as the control.
# About 4 minutes a run on 2 shared cores (more when they are busy), 25 minutes in all
# (step genome: 4 runs of ~100 windows, under a minute each).
# 5. (step figures) the concept x layer heat maps of docs/findings (heatmap.py):
#    concepts_default.svg from default-derivative, concepts_genome.svg from
#    genome-derivative, genome-scan-derivative and genome-wide-derivative.
#   STEPS="trimmed genome figures" (the default): trimmed = steps 1-3, genome = step 4,
#   figures = step 5 (needs the runs it draws).
set -euo pipefail
S=${1:-${MIRLENS_SHARED:-../shared}}
O=${2:-experiments/out/concepts}
M=${MIRLENS:-./mirlens}
D=$S/data/cordero
STEPS=${STEPS:-trimmed genome figures}
mkdir -p "$O"
common=(--concepts --pos "$D/modhsa_test_pos.fa" --mature "$S/data/mirbase/v21/mature_positions.tsv.gz"
        --seed 1 -j 2 -q)
run() { # NAME MODEL [ARGS...]
    local name=$1 model=$2 t0=$SECONDS
    shift 2
    "$M" explain "${common[@]}" -m "$model" "$@" -o "$O/$name"
    echo "$name: $((SECONDS - t0)) s" | tee -a "$O/times.txt"
}
untrained() {
    if [ ! -s "$O/untrained.mrlm" ]; then
        awk '/^>/ { k++ } k <= 1' "$D/modhsa_test_pos.fa" > "$O/one.fa"
        "$M" train -q --pos "$O/one.fa" --neg "$O/one.fa" --epochs 1 --lr 1e-12 --seed 7 -j 2 \
            -o "$O/untrained.mrlm"
        rm -f "$O"/untrained.mrlm.ckpt "$O"/untrained.mrlm.ckpt.state
    fi
}
touch "$O/times.txt"
case " $STEPS " in *" genome "*)
    G=$O/genome
    mkdir -p "$G"
    if [ ! -s "$G/wide.fa" ]; then
        python3 experiments/determinants/make_inputs.py pieces "$S" "$G"
        "$M" scan -m models/genome.mrlm --min-score 0 -j 2 -q "$G/pieces.fa" -o "$G/scan"
        python3 experiments/determinants/make_inputs.py windows "$S" "$G" "$G/scan.candidates.tsv"
    fi
    untrained
    for w in wide scan; do # the windows replace the trimmed hairpins of common
        common=(--concepts --pos "$G/$w.fa" --mature "$G/${w}_mature.tsv" --seed 1 -j 2 -q)
        run genome-$w-derivative models/genome.mrlm --statistic derivative
        run untrained-$w-derivative "$O/untrained.mrlm" --statistic derivative
    done ;;
esac
figures() {
    local here
    here=$(dirname "$0")
    python3 "$here/heatmap.py" docs/findings/concepts_default.svg \
        "default model, modhsa_test pre-miRNAs, trimmed (n = 549)=$O/default-derivative/concepts.tsv"
    python3 "$here/heatmap.py" docs/findings/concepts_genome.svg \
        "genome model, modhsa_test, trimmed (n = 549)=$O/genome-derivative/concepts.tsv" \
        "genome model, scan windows (n = 101)=$O/genome-scan-derivative/concepts.tsv" \
        "genome model, hairpin ± 30 nt (n = 102)=$O/genome-wide-derivative/concepts.tsv"
}
case " $STEPS " in *" trimmed "*) ;; *" figures "*) figures; exit 0 ;; *) exit 0 ;; esac
common=(--concepts --pos "$D/modhsa_test_pos.fa" --mature "$S/data/mirbase/v21/mature_positions.tsv.gz"
        --seed 1 -j 2 -q)
run default-sign models/default.mrlm --statistic sign # Kim et al.'s TCAV score
run default-derivative models/default.mrlm --statistic derivative # the mean derivative
run genome-derivative models/genome.mrlm --statistic derivative
untrained
run untrained-derivative "$O/untrained.mrlm" --statistic derivative
if [ ! -s "$O/shuffled.mrlm" ]; then
    "$M" train --shuffle-labels --kernel 3 --seed 1 -j 2 -q \
        --images "$D/../cordero_images/modhsa_train" --epochs 5 -o "$O/shuffled.mrlm"
    rm -f "$O"/shuffled.mrlm.ckpt "$O"/shuffled.mrlm.ckpt.state
fi
run shuffled-derivative "$O/shuffled.mrlm" --statistic derivative
# the margins by concept (experiments/concepts/margins.sh)
for m in default genome; do
    "$M" predict -j 2 -m models/$m.mrlm "$D/modhsa_test_pos.fa" > "$O/$m.predict.tsv"
    bash experiments/concepts/margins.sh "$O/$m.predict.tsv" "$O/$m-derivative/members.tsv"
done
case " $STEPS " in *" figures "*) figures ;; esac
