#!/usr/bin/env bash
# CLI tests for `mirlens scan` on a small genome of random DNA with known hairpins planted
# on both strands (tests/data/scan/make_genome.py): every reported coordinate gives back
# the reported sequence (both strands); the planted hairpins are found on their strands;
# a candidate's score is what `predict` prints for its sequence; blocks, shards + --merge,
# -j and gzip give byte-identical outputs; --region, --strand and --skip-masked keep to
# what they name; bad input fails with one line naming it and leaves no output.
NAME=scan.sh
. "$(dirname "$0")/lib.sh"
D=tests/data/scan
G=$D/genome.fa
# the paper's model, so that scores can be checked against predict's default
MODEL=models/default.mrlm
expect scan 0 "" -- "$M" scan -q -m $MODEL $G -o "$T/a"
# the default of scan is the ensemble of the two genome models shipped beside the default one
expect default-model 0 "" -- "$M" scan -q --region chrC $G -o "$T/dm"
grep -q "models=genome.mrlm:[0-9a-f]\{8\},genome_scratch.mrlm:[0-9a-f]\{8\}$" "$T/dm.candidates.tsv" && ok || bad "scan's default model: $(sed -n 2p "$T/dm.candidates.tsv")"
for f in candidates.tsv bed gff3; do
    [ -s "$T/a.$f" ] && ok || bad "no $T/a.$f"
done
ls "$T"/a.*tmp* >/dev/null 2>&1 && bad "temporary files left" || ok

# genome as one line per record, to cut coordinates from
awk '/^>/ { if (n) print ""; split(substr($0, 2), w, " "); printf "%s\t", w[1]; n++; next }
     { printf "%s", $0 } END { print "" }' $G > "$T/flat"
# every candidate: its sequence is the genome between start and end (reverse complement
# on -), and its structure has the same length
if awk -F'\t' 'BEGIN { split("A T C G G C T A a t c g g c t a", p, " ")
                      for (i = 1; i < 16; i += 2) comp[p[i]] = p[i + 1] }
    NR == FNR { g[$1] = $2; next } /^#/ { next }
    { s = substr(g[$1], $2 + 1, $3 - $2)
      if ($4 == "-") { r = ""; for (i = length(s); i >= 1; i--) { c = substr(s, i, 1)
          r = r (c in comp ? comp[c] : c) } s = r }
      if (s != $5 || length($6) != length($5)) { print "row " FNR ": " $0; bad++ } n++ }
    END { exit bad > 0 || n < 10 }' "$T/flat" "$T/a.candidates.tsv" >"$T/coord" 2>&1
then ok; else bad "coordinates do not give back the sequences: $(head -3 "$T/coord")"; fi
# both strands are scanned
grep -q $'\t+\t' "$T/a.candidates.tsv" && grep -q $'\t-\t' "$T/a.candidates.tsv" && ok ||
    bad "candidates on one strand only"
# each planted hairpin: a candidate on its strand covering >= 90% of it
while read -r c s e n _ st; do
    if awk -F'\t' -v c="$c" -v s="$s" -v e="$e" -v st="$st" '/^#/ { next }
        $1 == c && $4 == st { a = $2 > s ? $2 : s; b = $3 < e ? $3 : e
            if (b - a >= 0.9 * (e - s)) f = 1 } END { exit !f }' "$T/a.candidates.tsv"
    then ok; else bad "planted $n ($st) not among the candidates"; fi
done < $D/planted.bed
# loci: sorted BED6, inside the records, score 0-1000, names as the GFF3 IDs
if awk -F'\t' 'NF != 6 || $2 < 0 || $3 <= $2 || $5 < 0 || $5 > 1000 || ($6 != "+" && $6 != "-") { exit 1 }' "$T/a.bed"
then ok; else bad "malformed BED"; fi
[ "$(grep -vc '^#' "$T/a.gff3")" = "$(wc -l < "$T/a.bed")" ] && ok || bad "GFF3 and BED differ in loci"
grep -q '^##sequence-region chrA 1 ' "$T/a.gff3" && grep -q '^##gff-version 3' "$T/a.gff3" && ok ||
    bad "GFF3 header"
# scores: what predict prints for the candidate's sequence
awk -F'\t' '/^#/ { next } NR % 7 == 0 { print ">" $1 ":" $2 "-" $3 $4 "\n" $5 }' \
    "$T/a.candidates.tsv" > "$T/some.fa"
"$M" predict -q "$T/some.fa" > "$T/pred" 2>&1
if awk -F'\t' 'NR == FNR { if (!/^#/ && FNR % 7 == 0) want[++n] = $7 "\t" $6 "\t" $8; next }
    FNR > 1 { if ($4 "\t" $3 "\t" $5 != want[++m]) exit 1 } END { exit m != n || n == 0 }' \
    "$T/a.candidates.tsv" "$T/pred"; then ok; else bad "scan scores differ from predict's"; fi

# blocks, threads, gzip: the same bytes
expect blocks 0 "" -- "$M" scan -q -m $MODEL --block 777 -j 1 $G -o "$T/b"
for f in candidates.tsv bed gff3; do same "$T/b.$f" "$T/a.$f" "blocks/threads $f"; done
expect gzip 0 "" -- "$M" scan -q -m $MODEL -z $G -o "$T/z"
gzip -dc "$T/z.candidates.tsv.gz" > "$T/z.tsv" && same "$T/z.tsv" "$T/a.candidates.tsv" "gzip"
# bgzip-style input (gzip members concatenated, cut mid-record) reads like the plain file
{ head -n 50 $G | gzip -c; tail -n +51 $G | gzip -c; } > "$T/multi.fa.gz"
expect members 0 "" -- "$M" scan -q -m $MODEL "$T/multi.fa.gz" -o "$T/mm"
same "$T/mm.candidates.tsv" "$T/a.candidates.tsv" "multi-member gzip"
# shards + merge = one run, in any order of the parts, gzip or not
for k in 1 2 3 4 5; do
    expect "shard $k/5" 0 "" -- "$M" scan -q -m $MODEL --block 1000 --shard $k/5 $G -o "$T/s$k"
done
expect merge 0 "" -- "$M" scan -q -m $MODEL --merge "$T/s3" "$T/s1" "$T/s5" "$T/s2" "$T/s4" -o "$T/m"
for f in candidates.tsv bed gff3; do same "$T/m.$f" "$T/a.$f" "shards merged $f"; done
expect merge-gz 0 "" -- "$M" scan -q -m $MODEL -z --merge "$T/s1" "$T/s2" "$T/s3" "$T/s4" "$T/s5" -o "$T/mz"
same "$T/mz.candidates.tsv.gz" "$T/z.candidates.tsv.gz" "merged gzip"
expect merge-threshold 1 "below the parts' minimal listed score" -- "$M" scan -q --merge --threshold 0.001 "$T/s1" "$T/s2" "$T/s3" "$T/s4" "$T/s5" -o "$T/x"
expect merge-missing 1 "give all 5 parts" -- "$M" scan -q -m $MODEL --merge "$T/s1" "$T/s2" -o "$T/x"
expect merge-twice 1 "given twice" -- "$M" scan -q -m $MODEL --merge "$T/s1" "$T/s1" "$T/s3" "$T/s4" "$T/s5" -o "$T/x"
"$M" scan -q -m $MODEL --flank 5 --shard 2/5 $G -o "$T/f2"
expect merge-mixed 1 "not a part of the same scan" -- "$M" scan -q -m $MODEL --merge "$T/s1" "$T/f2" "$T/s3" "$T/s4" "$T/s5" -o "$T/x"
# the header names each model by the CRC of its bytes before the file's own trailing CRC (the
# CRC of a whole model file is the same for every model), so a part scanned with another
# model of the same file name is refused too
mkdir "$T/other" && cp models/genome.mrlm "$T/other/default.mrlm"
"$M" scan -q -m "$T/other/default.mrlm" --block 1000 --shard 2/5 $G -o "$T/g2"
expect merge-models 1 "not a part of the same scan" -- "$M" scan -q --merge "$T/s1" "$T/g2" "$T/s3" "$T/s4" "$T/s5" -o "$T/x"
crc=$(python3 -c 'import sys, zlib
print("%08x" % zlib.crc32(open(sys.argv[1], "rb").read()[:-4]))' $MODEL)
grep -q "models=default.mrlm:$crc\$" "$T/a.candidates.tsv" && ok || bad "model tag: $(sed -n 2p "$T/a.candidates.tsv"), want $crc"

# --strand, --region, --skip-masked
expect plus 0 "" -- "$M" scan -q -m $MODEL --strand + $G -o "$T/p"
grep -v '^#' "$T/p.candidates.tsv" | cut -f4 | sort -u | tr -d '\n' | grep -qx '+' && ok || bad "--strand +"
grep -v '^#' "$T/a.candidates.tsv" | awk -F'\t' '$4 == "+"' > "$T/plus_of_both"
grep -v '^#' "$T/p.candidates.tsv" | same - "$T/plus_of_both" "--strand + rows = the + rows of both"
expect region 0 "" -- "$M" scan -q -m $MODEL --region chrA:1001-5000 $G -o "$T/r"
if awk -F'\t' '/^#/ { next } $1 != "chrA" || $2 < 1000 || $3 > 5000 { exit 1 }' "$T/r.candidates.tsv"
then ok; else bad "--region: a candidate outside chrA:1001-5000"; fi
grep -q '^##sequence-region chrA 1001 5000$' "$T/r.gff3" && ok || bad "--region: sequence-region"
expect masked 0 "" -- "$M" scan -q -m $MODEL --skip-masked $G -o "$T/k"
if awk -F'\t' '/^#/ { next } $5 ~ /[acgt]/ { exit 1 }' "$T/k.candidates.tsv"; then ok
else bad "--skip-masked: a candidate with masked letters"; fi
awk -F'\t' '/^#/ { next } $5 ~ /[acgt]/ { f = 1 } END { exit !f }' "$T/a.candidates.tsv" && ok ||
    bad "soft-masked sequence not scanned by default"

# bad input: one line naming the input, exit 1 (2 for usage), no output left behind
printf '>empty\n>chrX\nACGT\n' > "$T/nohead.fa"
expect no-sequence 1 "record 'empty' (line 1) has no sequence" -- "$M" scan -q -m $MODEL "$T/nohead.fa" -o "$T/e1"
: > "$T/empty.fa"
expect empty 1 "no sequence in the input" -- "$M" scan -q -m $MODEL "$T/empty.fa" -o "$T/e2"
printf 'ACGTACGT\n' > "$T/bare.fa"
expect not-fasta 1 "expected a '>' header" -- "$M" scan -q -m $MODEL "$T/bare.fa" -o "$T/e3"
expect region-out 1 "outside chrC (60 nt)" -- "$M" scan -q -m $MODEL --region chrC:10-61 $G -o "$T/e4"
expect region-name 1 "no record 'chrZ'" -- "$M" scan -q -m $MODEL --region chrZ $G -o "$T/e5"
expect shard-5/4 2 "--shard wants K/N" -- "$M" scan -q -m $MODEL --shard 5/4 $G -o "$T/e6"
expect shard-0/0 2 "--shard wants K/N" -- "$M" scan -q -m $MODEL --shard 0/0 $G -o "$T/e7"
expect missing 1 "nosuch.fa" -- "$M" scan -q -m $MODEL "$T/nosuch.fa" -o "$T/e8"
expect merge-no-output 2 "no output prefix" -- "$M" scan -q --merge "$T/s1"
(m=$(realpath "$M") && here=$(pwd) && cd "$T" && "$m" scan -q -m "$here/$MODEL" "$here/$G") &&
    [ -s "$T/genome.bed" ] &&
    [ -s "$T/genome.candidates.tsv" ] && ok || bad "default prefix (genome.*)"
expect min-score 2 "above --threshold" -- "$M" scan -q -m $MODEL --min-score 0.9 --threshold 0.5 $G -o "$T/e9"
# a gzip cut in the middle of a record
{ cat $G; for i in $(seq 60); do sed -n '2,60p' $G; done; } | gzip -c > "$T/big.fa.gz"
head -c $(($(wc -c < "$T/big.fa.gz") / 2)) "$T/big.fa.gz" > "$T/cut.fa.gz"
expect truncated-gzip 1 "cut.fa.gz.*truncated gzip input" -- "$M" scan -q -m $MODEL "$T/cut.fa.gz" -o "$T/e10"
[ "$(wc -l < "$T/err")" -eq 1 ] && ok || bad "truncated gzip: more than one line: $(cat "$T/err")"
ls "$T"/e[0-9]* >/dev/null 2>&1 && bad "bad input left output files: $(ls "$T"/e[0-9]*)" || ok
summary
