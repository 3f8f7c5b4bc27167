# Sourced by rescore.sh and paper_sets.sh. ensemble_args SPEC: SPEC is a model file or
# several joined by commas (an ensemble, scored by the mean of the models' logit margins as
# `scan -m A -m B` scores it); sets MARGS (-m A -m B ...) and TAG (A+B, file names without
# .mrlm).
ensemble_args() {
    local files f
    IFS=, read -r -a files <<< "$1"
    MARGS=() TAG=''
    for f in "${files[@]}"; do
        MARGS+=(-m "$f")
        TAG=$TAG${TAG:++}$(basename "$f" .mrlm)
    done
}
