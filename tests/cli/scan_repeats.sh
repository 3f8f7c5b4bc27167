#!/usr/bin/env bash
# CLI tests for `mirlens scan --max-repeat`: the input's own repeats. A random genome with
# a pre-miRNA (hsa-let-7a-1) and a perfect 40-bp hairpin planted once, and an inverted
# repeat planted three times (once reverse-complemented, in another record). Every candidate's repeat share is recomputed in
# Python (a plain dictionary of canonical 16-mers over the whole input), and the default
# scan keeps exactly the candidates with share <= 0.1; the planted repeat's candidates are
# dropped, let-7a-1's and the single perfect hairpin's (whose arms are two copies of each
# 16-mer) kept; a kept candidate's row is the unfiltered scan's row; shards and
# --region count repeats over the whole input (shards + --merge = one run; a region's rows
# = the whole run's rows there); the settings line records the filter; bad values are usage
# errors.
NAME=scan_repeats.sh
. "$(dirname "$0")/lib.sh"
PY=${PYTHON:-python3}
G=$T/g.fa
MODEL=models/default.mrlm
"$PY" - "$G" "$T/planted.bed" <<'EOF'
import random, sys
rng = random.Random(7)
def rnd(n): return "".join(rng.choice("ACGT") for _ in range(n))
def rc(s): return s[::-1].translate(str.maketrans("ACGT", "TGCA"))
let7 = ("TGGGATGAGGTAGTAGGTTGTATAGTTTTAGGGTCACACCCACCACTGGGAGATAACTATACAATCTACTGTCTTTCCTA")
arm = rnd(34)
rep = arm + "TTCGAAAT" + rc(arm)[:15] + "A" + rc(arm)[16:]  # an inverted repeat, one mismatch
pal = rnd(40)
pal = pal + "GAAA" + rc(pal)  # a perfect hairpin, once: its arms give 2 copies, not a repeat
a, b = rnd(6000), rnd(5000)
a = a[:1500] + let7 + a[1500 + len(let7):]
a = a[:4000] + rep + a[4000 + len(rep):]
a = a[:5000] + pal + a[5000 + len(pal):]
b = b[:1000] + rc(rep) + b[1000 + len(rep):]
b = b[:3000] + rep + b[3000 + len(rep):]
with open(sys.argv[1], "w") as f:
    for name, s in (("chrA", a), ("chrB", b)):
        f.write(">%s\n" % name + "".join(s[i:i + 60] + "\n" for i in range(0, len(s), 60)))
with open(sys.argv[2], "w") as f:
    f.write("chrA\t1500\t%d\tlet7\t0\t+\n" % (1500 + len(let7)))
    f.write("chrA\t5000\t%d\tpal\t0\t+\n" % (5000 + len(pal)))
    for c, s, st in (("chrA", 4000, "+"), ("chrB", 1000, "-"), ("chrB", 3000, "+")):
        f.write("%s\t%d\t%d\trep\t0\t%s\n" % (c, s, s + len(rep), st))
EOF

expect all 0 "" -- "$M" scan -q --no-score --max-repeat 1 "$G" -o "$T/all"
expect default 0 "" -- "$M" scan -q --no-score "$G" -o "$T/def"
grep -q '^#settings .*max_repeat=0.1 ' "$T/def.candidates.tsv" && ok || bad "settings: $(sed -n 2p "$T/def.candidates.tsv")"
grep -q '^#settings .*max_repeat=1 ' "$T/all.candidates.tsv" && ok || bad "settings, --max-repeat 1"
# not scored: every candidate is listed, whatever --min-score says
grep -q '^#settings .* min_score=0 .*models=none$' "$T/def.candidates.tsv" && ok ||
    bad "settings of a --no-score scan: $(sed -n 2p "$T/def.candidates.tsv")"
# the shares, independently: canonical 16-mers counted over both records
"$PY" - "$G" "$T/all.candidates.tsv" 0.1 > "$T/want" <<'EOF'
import sys
from fractions import Fraction
seq, name = {}, None
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith(">"):
        name = line[1:]; seq[name] = ""
    else:
        seq[name] += line
comp = str.maketrans("ACGT", "TGCA")
def canon(k): return min(k, k[::-1].translate(comp))
count = {}
for s in seq.values():
    for i in range(len(s) - 15):
        k = s[i:i + 16]
        if set(k) <= set("ACGT"):
            count[canon(k)] = count.get(canon(k), 0) + 1
# the limit is a C float: 0.1 as float32 (0x3dcccccd)
limit = Fraction(13421773, 2 ** 27) if sys.argv[3] == "0.1" else Fraction(sys.argv[3])
for line in open(sys.argv[2]):
    if line.startswith("#"):
        continue
    f = line.split("\t")
    s = seq[f[0]][int(f[1]):int(f[2])]
    win = len(s) - 15
    hits = sum(1 for i in range(win) if count.get(canon(s[i:i + 16]), 0) >= 3)
    if win <= 0 or Fraction(hits, win) <= limit:
        print("\t".join(f[:4]))
EOF
grep -v '^#' "$T/def.candidates.tsv" | cut -f1-4 > "$T/got"
[ -s "$T/want" ] && same "$T/got" "$T/want" "kept candidates vs shares recomputed in Python"
n_all=$(grep -vc '^#' "$T/all.candidates.tsv"); n_def=$(wc -l < "$T/got")
[ "$n_def" -lt "$n_all" ] && ok || bad "nothing dropped ($n_def of $n_all kept)"
# the planted repeat: no candidate covering half of any copy survives; let-7a-1 does
covers() { # BED line -> exit 0 when a candidate in $1 covers half of it on its strand
    awk -F'\t' -v c="$2" -v s="$3" -v e="$4" -v st="$5" '/^#/ { next }
        $1 == c && $4 == st { a = $2 > s ? $2 : s; b = $3 < e ? $3 : e
            if (2 * (b - a) >= e - s) f = 1 } END { exit !f }' "$1"
}
while read -r c s e n _ st; do
    covers "$T/all.candidates.tsv" "$c" "$s" "$e" "$st" && ok || bad "$n ($c $st): no candidate at all"
    if [ "$n" = rep ]; then
        covers "$T/def.candidates.tsv" "$c" "$s" "$e" "$st" && bad "repeat copy $c:$s ($st) kept" || ok
    else
        covers "$T/def.candidates.tsv" "$c" "$s" "$e" "$st" && ok || bad "$n dropped"
    fi
done < "$T/planted.bed"
# scored: a kept candidate's row is the unfiltered scan's row
expect scored 0 "" -- "$M" scan -q -m $MODEL "$G" -o "$T/s"
expect scored-all 0 "" -- "$M" scan -q -m $MODEL --max-repeat 1 "$G" -o "$T/sa"
awk -F'\t' 'NR == FNR { k[$1 FS $2 FS $3 FS $4] = 1; next } !/^#/ && ($1 FS $2 FS $3 FS $4) in k' \
    "$T/want" "$T/sa.candidates.tsv" > "$T/sub"
grep -v '^#' "$T/s.candidates.tsv" | same - "$T/sub" "filtered rows = unfiltered rows of the kept candidates"
# the summary counts them
"$M" scan -m $MODEL "$G" -o "$T/v" 2> "$T/log" >/dev/null
grep -q "$((n_all - n_def)) repeats dropped" "$T/log" && ok || bad "summary: $(tail -1 "$T/log")"
# repeats are the whole input's: shards agree with one run, a region keeps its rows
for k in 1 2 3; do
    expect "shard $k/3" 0 "" -- "$M" scan -q -m $MODEL --block 500 --shard $k/3 "$G" -o "$T/p$k"
done
expect merge 0 "" -- "$M" scan -q --merge "$T/p2" "$T/p1" "$T/p3" -o "$T/m"
for f in candidates.tsv bed gff3; do same "$T/m.$f" "$T/s.$f" "shards merged $f"; done
expect region 0 "" -- "$M" scan -q -m $MODEL --region chrB "$G" -o "$T/r"
grep -v '^#' "$T/r.candidates.tsv" > "$T/rb"
grep -v '^#' "$T/s.candidates.tsv" | awk -F'\t' '$1 == "chrB"' | same - "$T/rb" "--region chrB rows"
[ -s "$T/rb" ] && ok || bad "--region chrB: no rows"
# bad values
expect over-one 2 "--max-repeat" -- "$M" scan -q --max-repeat 1.5 "$G" -o "$T/e1"
expect negative 2 "--max-repeat" -- "$M" scan -q --max-repeat -0.1 "$G" -o "$T/e2"
expect not-a-number 2 "--max-repeat" -- "$M" scan -q --max-repeat x "$G" -o "$T/e3"
ls "$T"/e[0-9]* >/dev/null 2>&1 && bad "bad values left output files" || ok
summary
