#!/usr/bin/env bash
# Reference check + fold/encode throughput: folds and draws every recovered sequence of the
# 15 Cordero et al. image sets and compares with the published images (expect every
# recovered sequence to match). notbestfold is run for information only: its images were
# drawn from non-MFE folds, so only ~51 of 1881 can match.
set -u
B=${BUILD:-build}/bench
SHARED=${MIRLENS_SHARED:-../shared}
if [ ! -d "$SHARED/data/cordero_images" ]; then
    echo "bench_cordero: skipped ($SHARED/data/cordero_images not found)"
    exit 0
fi
"$B/cordero_recheck" "$SHARED" modhsa_train modhsa_test hsa hsapseudo hsapseudo_train \
    hsapseudo_test mmu mmustar mirgenedb hsaplus mmuplus ggaplus dreplus chen shuffled
rc=$?
echo "-- for information (non-MFE images, mismatches expected):"
"$B/cordero_recheck" "$SHARED" notbestfold >/dev/null
exit $rc
