#!/usr/bin/env bash
# CLI tests of issue 25 items 3, 5 and 6 (the probe's commands): unbalanced structures in
# `encode -s` refused with record and column; a full disk reported as "No space left on
# device" with nothing left behind; control bytes escaped in messages; a UTF-8 byte-order
# mark and CR-only line ends read; a truncated gzip input naming its record and line.
NAME=robust_io.sh
. "$(dirname "$0")/lib.sh"

# one line on stderr, and no control byte in it
one_clean_line() {
    [ "$(wc -l <"$T/err")" -eq 1 ] && ! LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$T/err") \
        && ok || bad "$1: want one clean line: $(od -c "$T/err" | head -5)"
}

# ---- item 3: unbalanced dot-brackets (TSV rows and RNAfold layout)
printf 'u1\tGGGGAAAACCCC\t((((....))((\n' >"$T/u1.tsv"
expect "unbalanced ((((....))((" 1 "u1.tsv: record 'u1' line 1: unbalanced structure: '(' at column 1 has no matching ')'" -- "$M" encode -s "$T/u1.tsv"
one_clean_line "unbalanced u1"
[ -s "$T/out" ] && bad "unbalanced u1: stdout not empty (a header before the error)" || ok
printf '>u2\nGGGGAAAACCCC\n((((....)).)\n' >"$T/u2.out"
expect "unbalanced ((((....)).)" 1 "record 'u2' line 3: unbalanced structure: '(' at column 1" -- "$M" encode -s "$T/u2.out"
printf 'u3\tGGGGAAAACCCC\t((((...)))))\n' >"$T/u3.tsv"
expect "unbalanced, extra )" 1 "')' at column 12 has no matching '('" -- "$M" encode -s "$T/u3.tsv"
# no output file is written for them
expect_rc 1 "unbalanced -o" "$M" encode -s -o "$T/u.tsv" "$T/u1.tsv"
[ ! -e "$T/u.tsv" ] && ok || bad "unbalanced: -o file written"
# balanced ones still draw
printf 'b\tGGGGAAAACCCC\t((((....))))\n' >"$T/b.tsv"
expect_rc 0 "balanced" "$M" encode -s "$T/b.tsv"
[ "$(wc -l <"$T/out")" -eq 2 ] && ok || bad "balanced: rows"

# ---- item 6: byte-order mark, CR-only and CR LF line ends
printf '\xef\xbb\xbf>bom-1 desc\nGGGGAAACCCC\n' >"$T/bom.fa"
expect_rc 0 "BOM fasta" "$M" fold "$T/bom.fa"
[ "$(head -1 "$T/out")" = ">bom-1 desc" ] && ok || bad "BOM: header $(head -1 "$T/out" | od -c | head -2)"
printf '>a\rGGGGAAACCCC\r>b\rACGUAGCGCGAAAGCGCU\r' >"$T/cr.fa"
expect_rc 0 "CR-only fasta" "$M" fold "$T/cr.fa"
[ "$(grep -c '^>' "$T/out")" -eq 2 ] && grep -q '^ACGUAGCGCGAAAGCGCU$' "$T/out" && ok || bad "CR-only: records"
printf '>a\r\nGGGGAAACCCC\r\n>b\r\nACGUAGCGCGAAAGCGCU\r\n' >"$T/crlf.fa"
"$M" fold "$T/crlf.fa" >"$T/crlf.out" 2>"$T/err" && cmp -s "$T/crlf.out" "$T/out" && ok || bad "CR LF differs from CR-only"
printf '\xef\xbb\xbfs\tGGGAAACCC\t(((...)))\r' >"$T/bom.tsv"
expect_rc 0 "BOM + CR structure rows" "$M" encode -s "$T/bom.tsv"
awk -F'\t' 'NR==2 && $1=="s" && $3=="(((...)))" {f=1} END {exit !f}' "$T/out" && ok || bad "BOM tsv row"

# ---- item 6: control bytes shown escaped, never raw
printf '>a\nACGU\nAC\033[2JGU\n' >"$T/esc.fa"
expect "escape sequence in sequence" 1 "record 'a' line 3 column 3: binary data (byte 0x1b)" -- "$M" fold "$T/esc.fa"
one_clean_line "escape sequence"
printf '>a\nACGU\nAC\xc3\xa9GU\n' >"$T/utf.fa"
expect "non-ASCII letter" 1 "line 3 column 3: invalid character byte 0xc3 in sequence" -- "$M" fold "$T/utf.fa"
one_clean_line "non-ASCII letter"
printf '## RNAfold parameter file v2.0\n# NINIO\n60 320 3\0332J\n' >"$T/esc.par"
expect "ESC in an energy file" 1 "esc.par: line 3 column 9: binary data (byte 0x1b)" -- "$M" fold --params "$T/esc.par" "$T/bom.fa"
one_clean_line "ESC in an energy file"
printf '## RNAfold parameter file v2.0\n# NINIO\n60 320 3\37700\n' >"$T/ff.par"
expect "non-UTF-8 byte in an energy token" 1 "cannot parse '3\\\\xff00' as an energy" -- "$M" fold --params "$T/ff.par" "$T/bom.fa"
one_clean_line "non-UTF-8 byte in an energy token"
# an energy file with CR-only line ends or a byte-order mark is read, not taken for one
# line (the old reader then kept the built-in tables without a word): a stack energy
# changed (CG-CG -240 -> -940) must change the fold of every record alike
{
    printf '## RNAfold parameter file v2.0\n\n# stack\n'
    printf '  %s\n' '-940  -330  -210  -140  -210  -210  -140' '-330  -340  -250  -150  -220  -240  -150' \
        '-210  -250   130   DEF  -140  -130   130' '-140  -150   DEF    30   -60  -100    30' \
        '-210  -220  -140   -60  -110   -90   -60' '-210  -240  -130  -100   -90  -130   -90' \
        '-140  -150   130    30   -60   -90   130'
    printf '# END\n'
} >"$T/stack.par"
tr '\n' '\r' <"$T/stack.par" >"$T/stack_cr.par"
{ printf '\357\273\277'; cat "$T/stack.par"; } >"$T/stack_bom.par"
"$M" fold --params "$T/stack.par" examples/hairpins.fa >"$T/stack.out" 2>"$T/err" && ok || bad "stack.par: $(cat "$T/err")"
"$M" fold examples/hairpins.fa >"$T/builtin.out" 2>"$T/err" && ! cmp -s "$T/stack.out" "$T/builtin.out" && ok || bad "stack.par: the changed energy changes nothing"
for v in cr bom; do
    "$M" fold --params "$T/stack_$v.par" examples/hairpins.fa >"$T/stack_$v.out" 2>"$T/err" && ok || bad "stack_$v.par: $(cat "$T/err")"
    same "$T/stack_$v.out" "$T/stack.out" "energy file with $v"
done

# ---- item 6: truncated gzip names the record and the line (150 records of 60 random nt)
awk 'BEGIN { srand(7); for (r = 1; r <= 150; r++) { s = ""; for (k = 0; k < 60; k++)
    s = s substr("ACGU", int(rand() * 4) + 1, 1); printf ">r%d\n%s\n", r, s } }' | gzip -6n >"$T/whole.fa.gz"
head -c $(($(stat -c %s "$T/whole.fa.gz") * 6 / 10)) "$T/whole.fa.gz" >"$T/cut.fa.gz"
expect_rc 0 "whole gzip" "$M" fold "$T/whole.fa.gz"
expect "truncated gzip" 1 "cut.fa.gz: record 'r[0-9]*' line [0-9]*: truncated gzip input" -- "$M" fold "$T/cut.fa.gz"
one_clean_line "truncated gzip"

# ---- item 5: a full disk (a 64 KiB tmpfs; root only)
mkdir -p "$T/full"
if mount -t tmpfs -o size=64k tmpfs "$T/full" 2>/dev/null; then
    for i in $(seq 12); do printf '>r%d\nCGGGGUGAGGUAGUAGGUUGUGUGGUUUCAGGGCAGUGAUGUUGCCCCUCGGAAGAUAACUAUACAACCUACUGCCUUCCCUG\n' "$i"; done >"$T/twelve.fa"
    expect "full disk" 1 "cannot write '$T/full/out.tsv': No space left on device" -- "$M" encode -q -o "$T/full/out.tsv" "$T/twelve.fa"
    one_clean_line "full disk"
    [ -z "$(ls -A "$T/full")" ] && ok || bad "full disk: left $(ls -A "$T/full")"
    umount "$T/full" || bad "umount"
else
    skip "no tmpfs to fill (mount -t tmpfs needs root)"
fi

summary
