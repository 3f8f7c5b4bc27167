#!/usr/bin/env bash
# CLI tests of `mirlens encode`: output formats, refusals, --strict, usage errors (exit 2),
# runtime errors (exit 1), atomic outputs, determinism, and (when ../shared exists) the
# golden encoding file reproduced byte for byte from its given structures.
NAME=encode.sh
. "$(dirname "$0")/lib.sh"

LET7=CGGGGUGAGGUAGUAGGUUGUGUGGUUUCAGGGCAGUGAUGUUGCCCCUCGGAAGAUAACUAUACAACCUACUGCCUUCCCUG
printf '>let7b\n%s\n>noloop desc\nACGUACGU\n>let7b\n%s\n' "$LET7" "$LET7" >"$T/in.fa"

# --help
expect_rc 0 "--help" "$M" encode --help
grep -q '^Usage: mirlens encode' "$T/out" && ok || bad "--help text"

# default TSV: header, one row per record, refusal as an ERROR row + warning, exit 0
expect_rc 0 "tsv" "$M" encode "$T/in.fa"
[ "$(head -1 "$T/out")" = "$(printf 'id\tsequence\tfold\tmfe\timage')" ] && ok || bad "tsv header"
[ "$(wc -l <"$T/out")" -eq 4 ] && ok || bad "tsv row count"
awk -F'\t' 'NR==2 && NF==5 && $1=="let7b" && length($5)==15000 && $5 ~ /^[0-9a-f]+$/ && $4=="-46.70" {f=1} END {exit !f}' "$T/out" && ok || bad "tsv let7b row"
awk -F'\t' 'NR==3 && $1=="noloop" && $3=="........" && $4=="0.00" && $5=="ERROR:no hairpin loop" {f=1} END {exit !f}' "$T/out" && ok || bad "tsv refusal row"
grep -q "noloop" "$T/err" && grep -q "no hairpin loop" "$T/err" && ok || bad "refusal warning on stderr"
cp "$T/out" "$T/first.tsv"

# -q: nothing on stderr; stdin input; determinism
"$M" encode -q - <"$T/in.fa" >"$T/q.tsv" 2>"$T/q.err"
[ $? -eq 0 ] && [ ! -s "$T/q.err" ] && ok || bad "-q with stdin"
cmp -s "$T/q.tsv" "$T/first.tsv" && ok || bad "stdin output differs / not deterministic"

# threads: same output in the same order
for _ in 1 2 3 4 5 6; do cat "$T/in.fa"; done >"$T/many.fa"
"$M" encode -q -j 1 "$T/many.fa" >"$T/j1.tsv" && "$M" encode -q -j 3 "$T/many.fa" >"$T/j3.tsv"
[ $? -eq 0 ] && cmp -s "$T/j1.tsv" "$T/j3.tsv" && [ "$(wc -l <"$T/j3.tsv")" -eq 19 ] && ok || bad "-j 3 output differs from -j 1"
# other energy tables
expect_rc 0 "--params turner2004" "$M" encode -q --params turner2004 "$T/in.fa"
expect_rc 1 "--params missing file" "$M" encode --params "$T/none.par" "$T/in.fa"
expect_rc 2 "--threads 0" "$M" encode -j 0 "$T/in.fa"

# --strict: the refusal is an error, the -o file is not written
expect_rc 1 "--strict" "$M" encode --strict -o "$T/strict.tsv" "$T/in.fa"
grep -q "noloop" "$T/err" && ok || bad "--strict message names the record"
[ ! -e "$T/strict.tsv" ] && ok || bad "--strict left an output file"
ls "$T" | grep -q '\.tmp\.' && bad "temporary file left behind" || ok

# -o FILE
expect_rc 0 "-o file" "$M" encode -q -o "$T/o.tsv" "$T/in.fa"
cmp -s "$T/o.tsv" "$T/first.tsv" && ok || bad "-o file content"

# png: unique names for repeated ids, an index, --scale
expect_rc 0 "png" "$M" encode -q -f png --scale 3 -o "$T/png" "$T/in.fa"
[ -f "$T/png/let7b.png" ] && [ -f "$T/png/let7b_2.png" ] && ok || bad "png files for repeated id"
[ "$(ls "$T/png" | grep -c '\.png$')" -eq 2 ] && ok || bad "png count (refused record must not get a file)"
[ "$(cat "$T/png/index.tsv")" = "$(printf 'id\tfile\nlet7b\tlet7b.png\nlet7b\tlet7b_2.png')" ] && ok || bad "png index.tsv"
# IHDR: width 300, height 75, depth 8, colour type 2
[ "$(od -An -tx1 -j16 -N10 "$T/png/let7b.png" | tr -d ' \n')" = "0000012c0000004b0802" ] && ok || bad "png header"
printf '>a/../b\nGGGGAAAACCCC\n>.hidden\nGGGGAAAACCCC\n>A/../B\nGGGGAAAACCCC\n' >"$T/odd.fa"
expect_rc 0 "png odd ids" "$M" encode -q -f png -o "$T/png2" "$T/odd.fa"
[ -f "$T/png2/a_.._b.png" ] && [ -f "$T/png2/_hidden.png" ] && [ -f "$T/png2/A_.._B_2.png" ] && ok || bad "png safe names: $(ls "$T/png2" | tr '\n' ' ')"

# u8: PREFIX.u8 (7500 bytes per drawn image) + PREFIX.names
expect_rc 0 "u8" "$M" encode -q -f u8 -o "$T/set" "$T/in.fa"
[ "$(stat -c %s "$T/set.u8")" -eq 15000 ] && ok || bad "u8 size"
[ "$(cat "$T/set.names")" = "$(printf 'let7b\nlet7b')" ] && ok || bad "u8 names"
# the u8 image equals the TSV hex image
od -An -v -tx1 "$T/set.u8" | tr -d ' \n' | head -c 15000 >"$T/u8hex"
awk -F'\t' 'NR==2 {printf "%s", $5}' "$T/first.tsv" >"$T/tsvhex"
cmp -s "$T/u8hex" "$T/tsvhex" && ok || bad "u8 bytes differ from tsv hex"

# structures given: RNAfold output and TSV
printf '>h1\nGGGGAAAACCCC\n((((....)))) ( -1.60)\n' >"$T/in.fold"
expect_rc 0 "structure-given rnafold" "$M" encode -s "$T/in.fold"
awk -F'\t' 'NR==2 && $1=="h1" && $3=="((((....))))" && $4=="-1.60" {f=1} END {exit !f}' "$T/out" && ok || bad "rnafold input row"
printf 'e1\t\t\n' >"$T/empty.tsv"
expect_rc 0 "empty sequence" "$M" encode -s "$T/empty.tsv"
[ "$(sed -n 2p "$T/out")" = "$(printf 'e1\t\t\t\tERROR:empty sequence')" ] && ok || bad "empty sequence row"
expect_rc 1 "empty sequence --strict" "$M" encode -s --strict "$T/empty.tsv"
printf 'x\tACGU\t(((\n' >"$T/badst.tsv"
expect_rc 1 "bad structure length" "$M" encode -s "$T/badst.tsv"
grep -q "badst.tsv" "$T/err" && ok || bad "parse error names the file"

# usage errors: exit 2
expect_rc 2 "unknown option" "$M" encode --bogus "$T/in.fa"
expect_rc 2 "unknown short option" "$M" encode -Z "$T/in.fa"
expect_rc 2 "bad format" "$M" encode -f jpg "$T/in.fa"
expect_rc 2 "png without -o" "$M" encode -f png "$T/in.fa"
expect_rc 2 "u8 without -o" "$M" encode -f u8 "$T/in.fa"
expect_rc 2 "scale 0" "$M" encode -f png -o "$T/p" --scale 0 "$T/in.fa"
expect_rc 2 "scale with tsv" "$M" encode --scale 2 "$T/in.fa"
expect_rc 2 "missing value" "$M" encode "$T/in.fa" -o
grep -q "Try 'mirlens encode --help'" "$T/err" && ok || bad "usage hint"

# runtime errors: exit 1
expect_rc 1 "missing file" "$M" encode "$T/nope.fa"
grep -q "^mirlens encode: cannot open '$T/nope.fa'" "$T/err" && ok || bad "missing file message"
expect_rc 1 "too long" "$M" encode --max-length 10 "$T/in.fa"
printf 'x' >"$T/file"
expect_rc 1 "png dir is a file" "$M" encode -f png -o "$T/file" "$T/in.fa"
expect_rc 1 "output dir missing" "$M" encode -o "$T/no/such/dir.tsv" "$T/in.fa"

# golden: drawing from the given structures reproduces the jar's file byte for byte
G="$SHARED/golden/encoding_dev.tsv"
if [ -f "$G" ]; then
    "$M" encode -q -s "$G" >"$T/golden.tsv" 2>"$T/err"
    [ $? -eq 0 ] && cmp -s "$T/golden.tsv" "$G" && ok || bad "golden encoding_dev.tsv (structure given)"
    awk -F'\t' 'NR>1 && $2!="" {print ">"$1; print $2}' "$G" >"$T/golden.fa"
    "$M" encode -q "$T/golden.fa" >"$T/golden_fold.tsv" 2>"$T/err"
    [ $? -eq 0 ] && cmp -s "$T/golden_fold.tsv" <(awk -F'\t' 'NR==1 || $2!=""' "$G") && ok \
        || bad "golden encoding_dev.tsv (fold + encode)"
else
    skip "golden checks: $G not found"
fi

summary
