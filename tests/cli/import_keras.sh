#!/usr/bin/env bash
# CLI tests of `mirlens import-keras`: usage errors (exit 2), bad inputs (exit 1) leaving no
# output or temporary file, and (when ../shared/models exists) importing the authors'
# networks: summary line, -q, deterministic output. Refusals of other Keras model kinds
# and the exactness checks live in tests/ref/test_keras_import.c. In a build without Keras
# support (`mirlens --version`: "import-keras: no ...") the command must fail with exit 1
# and a message naming what is missing; the rest is skipped.
NAME=import_keras.sh
. "$(dirname "$0")/lib.sh"
no_output() { # no_output DESCRIPTION: neither out.mrlm nor a temporary file in $T
    if [ -e "$T/out.mrlm" ] || ls "$T" | grep -q '\.tmp\.'; then bad "$1: output left behind"; else ok; fi
}

# --help
expect_rc 0 "--help" "$M" import-keras --help
grep -q '^Usage: mirlens import-keras' "$T/out" && ok || bad "--help text"

# usage errors: exit 2, a hint, nothing written
expect_rc 2 "no arguments" "$M" import-keras
grep -q "Try 'mirlens import-keras --help'" "$T/err" && ok || bad "usage hint"
expect_rc 2 "no -o" "$M" import-keras "$T/x.h5"
expect_rc 2 "-o without value" "$M" import-keras "$T/x.h5" -o
expect_rc 2 "unknown option" "$M" import-keras --frobnicate "$T/x.h5" -o "$T/out.mrlm"
expect_rc 2 "two inputs" "$M" import-keras "$T/a.h5" "$T/b.h5" -o "$T/out.mrlm"
no_output "usage errors"

if ! "$M" --version | grep -q '^import-keras: yes$'; then
    "$M" --version | grep -q '^import-keras: no (built without HDF5 and cJSON)$' && ok ||
        bad "--version: no import-keras line"
    expect_rc 0 "--help" "$M" import-keras --help
    grep -q 'built without HDF5 and cJSON' "$T/out" && ok || bad "--help: no note on the build"
    printf 'not an HDF5 file\n' >"$T/text.h5"
    expect "without Keras support" 1 \
        "^mirlens import-keras: mirlens was built without HDF5 and cJSON: .*libhdf5-dev and libcjson-dev" \
        -- "$M" import-keras "$T/text.h5" -o "$T/out.mrlm"
    no_output "without Keras support"
    skip "import-keras: this mirlens was built without HDF5 and cJSON (KERAS=0 or not found)"
    summary
    exit $?
fi

# runtime errors: exit 1, the message names the file, nothing written
expect_rc 1 "missing input" "$M" import-keras "$T/missing.h5" -o "$T/out.mrlm"
grep -q "missing.h5" "$T/err" && ok || bad "missing input: message does not name the file"
no_output "missing input"
printf 'not an HDF5 file\n' >"$T/text.h5"
expect_rc 1 "text input" "$M" import-keras "$T/text.h5" -o "$T/out.mrlm"
grep -q "text.h5" "$T/err" && grep -q "not an HDF5 file" "$T/err" && ok || bad "text input: message"
no_output "text input"

MODEL=$SHARED/models/final_hsa_vgg_4M_128FCU.h5
if [ ! -r "$MODEL" ]; then
    skip "the authors' models: $MODEL not found"
else
    expect_rc 0 "import" "$M" import-keras "$MODEL" -o "$T/out.mrlm"
    [ -s "$T/out.mrlm" ] && ok || bad "import: no output file"
    [ ! -s "$T/out" ] && ok || bad "import: stdout not empty"
    grep -q 'conv3x3:48v relu conv3x3:48s relu pool2 drop0.25' "$T/err" &&
        grep -q 'dense2 (315386 parameters)' "$T/err" && ok || bad "import: summary line: $(cat "$T/err")"
    expect_rc 0 "import -q" "$M" import-keras -q -o "$T/again.mrlm" "$MODEL"
    [ ! -s "$T/err" ] && ok || bad "-q: stderr not empty"
    cmp -s "$T/out.mrlm" "$T/again.mrlm" && ok || bad "output not deterministic"
    # an unwritable destination: exit 1, nothing left behind
    expect_rc 1 "unwritable output" "$M" import-keras -q "$MODEL" -o "$T/nodir/out.mrlm"
    [ ! -e "$T/nodir" ] && ok || bad "unwritable output: something created"
    rm -f "$T/out.mrlm" "$T/again.mrlm"
    no_output "after import"
fi

summary
