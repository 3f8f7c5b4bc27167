#!/usr/bin/env bash
# CLI golden tests for `mirlens fold` (expected outputs in tests/data/fold/; the
# folding itself is checked against RNAfold 2.1.3 by tests/ref/test_fold_golden.c).
NAME=fold.sh
. "$(dirname "$0")/lib.sh"
D=tests/data/fold

expect example 0 "" -- "$M" fold examples/hairpins.fa;           same "$T/out" $D/hairpins.out example
expect tsv 0 "" -- "$M" fold --tsv examples/hairpins.fa;          same "$T/out" $D/hairpins.tsv tsv
expect stdin 0 "" -- sh -c "\"$M\" fold < examples/hairpins.fa";  same "$T/out" $D/hairpins.out stdin
expect threads 0 "" -- "$M" fold -j 2 examples/hairpins.fa;       same "$T/out" $D/hairpins.out threads
sed 's/$/\r/' examples/hairpins.fa > "$T/crlf.fa"
expect crlf 0 "" -- "$M" fold "$T/crlf.fa";                       same "$T/out" $D/hairpins.out crlf
gzip -c examples/hairpins.fa > "$T/x.fa.gz"
expect gzip 0 "" -- "$M" fold "$T/x.fa.gz";                       same "$T/out" $D/hairpins.out gzip
# bare one-per-line input: no header lines, as RNAfold
printf 'GGGAAACC\nacgtacgtacgtTTTTacgtacgt\n' > "$T/bare.txt"
expect bare 0 "" -- "$M" fold "$T/bare.txt"
printf 'GGGAAACC\n((....)) ( -0.20)\nacguacguacguUUUUacguacgu\n' > "$T/bare.want"
head -3 "$T/out" > "$T/bare.got"; same "$T/bare.got" "$T/bare.want" bare-format
# T shown as U, case kept; lowercase folds like uppercase
printf '>a\nGGGAAACC\n>b\ngggaaacc\n>c\nGGGTTTCC\n' > "$T/case.fa"
expect case 0 "" -- "$M" fold "$T/case.fa"
printf '>a\nGGGAAACC\n((....)) ( -0.20)\n>b\ngggaaacc\n((....)) ( -0.20)\n>c\nGGGUUUCC\n' > "$T/case.want"
head -8 "$T/out" > "$T/case.got"; same "$T/case.got" "$T/case.want" case
# empty input: no records, success
: > "$T/empty.fa"
expect empty 0 "" -- "$M" fold "$T/empty.fa"
[ -s "$T/out" ] && bad "empty: output not empty" || ok
# errors name the input, the record and the line; earlier records are still printed
printf '>ok\nGGGAAACC\n>bad rec\nGGG1AAACC\n' > "$T/badchar.fa"
expect badchar 1 "badchar.fa: record 'bad' line 4" -- "$M" fold "$T/badchar.fa"
[ "$(head -1 "$T/out")" = ">ok" ] && ! grep -q '>bad' "$T/out" && ok || bad "badchar: partial output wrong"
printf '>a\n>b\nGGGAAACC\n' > "$T/nohdr.fa"
expect noseq 1 "record 'a' (line 1) has no sequence" -- "$M" fold "$T/nohdr.fa"
expect missing 1 "mirlens fold: cannot open" -- "$M" fold "$T/does-not-exist.fa"
head -c 3000 /dev/urandom > "$T/bin.fa"; printf '\0' >> "$T/bin.fa"
expect binary 1 "mirlens fold: " -- "$M" fold "$T/bin.fa"
printf '>long\n%0200d\n' 0 | tr 0 A > "$T/long.fa"
expect toolong 1 "longer than 100 nt" -- "$M" fold --max-length 100 "$T/long.fa"
printf 'GGGAAACC\n>hdr\nGGGAAACC\n' > "$T/mixed.fa"
expect mixed 1 "not FASTA" -- "$M" fold "$T/mixed.fa"
expect badopt 2 "unknown option" -- "$M" fold --bogus examples/hairpins.fa
expect badthreads 2 "invalid value" -- "$M" fold -j 0 examples/hairpins.fa
expect badparams 1 "cannot open" -- "$M" fold --params "$T/none.par" examples/hairpins.fa
# RNAfold habits: --noPS changes nothing, --noLP (another fold) is refused
expect nops 0 "" -- "$M" fold --noPS examples/hairpins.fa
same "$T/out" $D/hairpins.out noPS
expect nolp 2 "mirlens fold: --noLP is not supported" -- "$M" fold --noLP examples/hairpins.fa
[ -s "$T/out" ] && bad "nolp: output written" || ok
expect help 0 "" -- "$M" fold --help
grep -q 'Usage: mirlens fold' "$T/out" && ok || bad "help text"
expect modern 0 "" -- "$M" fold --params turner2004 --tsv examples/hairpins.fa
[ "$(wc -l < "$T/out")" -eq 13 ] && ok || bad "modern: line count"
if [ -d "$S/params" ]; then
    expect parfile 0 "" -- "$M" fold --params "$S/params/rna_turner2004_rnafold-2.1.3_builtin.par" examples/hairpins.fa
    same "$T/out" $D/hairpins.out parfile
    expect typo 1 "-1i40" -- "$M" fold --params "$S/params/rna_turner2004.par" examples/hairpins.fa
else
    skip "parameter files: $S/params not found"
fi
summary
