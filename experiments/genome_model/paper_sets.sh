#!/usr/bin/env bash
# The paper's test sets scored by models (issue 22: the genome model must leave them
# unchanged or better for `predict` to keep or change its default): modhsa_test (the
# authors' images), hsapseudo_test, deepMiRGene's human and cross-species test sets
# (`mirlens eval --tsv`; none of their sequences is in the genome model's training sets,
# select_sets.py). Writes "== TAG" and one row per set for each model; MODEL may be
# several files joined by commas, scored as an ensemble (the mean logit margin, as scan).
#   experiments/genome_model/paper_sets.sh MODEL[,MODEL...]... > results/paper_sets.txt
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: paper_sets.sh MODEL..." >&2; exit 2; }
S=${MIRLENS_SHARED:-../shared}
M=${MIRLENS:-./mirlens}
D=$S/data
# shellcheck source=experiments/genome_model/ensemble.sh
. "$(dirname "$0")/ensemble.sh"
for model in "$@"; do
    ensemble_args "$model"
    echo "== $TAG"
    first=1
    while read -r name args; do
        # shellcheck disable=SC2086 # $args: the set's inputs, word-split on purpose
        "$M" eval -q --tsv "${MARGS[@]}" $args | if [ $first = 1 ]; then sed "s/^/$name /"
                                              else tail -n 1 | sed "s/^/$name /"; fi
        first=0
    done <<SETS
modhsa_test --images $D/cordero_images/modhsa_test --labels $D/cordero_images/modhsa_test.labels
hsapseudo_test --pos $D/cordero/hsapseudo_test_pos.fa --neg $D/cordero/hsapseudo_test_neg.fa
dmg_human --pos $D/deepmirgene/human/test_pos.fa --neg $D/deepmirgene/human/test_neg.fa
dmg_whole --pos $D/deepmirgene/whole/test_pos.fa --neg $D/deepmirgene/whole/test_neg.fa
SETS
done
