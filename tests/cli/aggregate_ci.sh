#!/usr/bin/env bash
# CLI tests for the intervals of `mirlens explain --aggregate`'s category tables: the new
# columns of categories.tsv (bootstrap 95% intervals; with --random-net the random
# network's enrichment and the paired difference), the per-hairpin rows they resample
# (aggregate/hairpins.tsv) add up to the table's point values, one interval recomputed
# independently (PCG32 re-implemented in Python, the documented streams), the old columns
# unchanged by --random-net, the random network's column equal to a --randomize-model run's
# enrichment (--threshold 0: the same groups), a fixed seed reproducing byte-identical
# tables (1 and 2 threads), --boot 0, the HTML table, and usage errors.
NAME=aggregate_ci.sh
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
# the example hairpins, 4 copies of each positive and 3 of each negative (renamed; the copies
# keep their descriptions, so the mature table finds them by MI accession): 32 TP and 12 FP
# at --threshold 0, enough for the intervals (MRL_AGG_BOOT_MIN = 10 hairpins)
awk '/^>pseudo/{p=0} /^>hsa/{p=1} p' examples/hairpins.fa > "$T/pos1.fa"
awk '/^>hsa/{p=0} /^>pseudo/{p=1} p' examples/hairpins.fa > "$T/neg1.fa"
copies() { # FILE N
    for i in $(seq "$2"); do awk -v i="$i" '/^>/ { sub(/^>[^ ]+/, "&_" i) } 1' "$1"; done
}
copies "$T/pos1.fa" 4 > "$T/pos.fa"
copies "$T/neg1.fa" 3 > "$T/neg.fa"
# a mature table placing the duplex of three positives (5p matures found in the sequences),
# keyed by their accessions: 12 hairpins with a duplex
seq_of() { awk -v id="$1" '/^>/{p = substr($1, 2) == id; next} p' "$T/pos1.fa" | tr -d '\n'; }
acc_of() { awk -v id="$1" '/^>/ && substr($1, 2) == id { print $2 }' "$T/pos1.fa"; }
{
    printf '#hairpin_id\thairpin_acc\tmature_id\tmature_acc\tstart_1based\tend_1based\tarm_by_position\thairpin_len\tmatch\n'
    for pair in hsa-let-7a-1:UGAGGUAGUAGGUUGUAUAGUU hsa-mir-21:UAGCUUAUCAGACUGAUGUUGA \
        hsa-mir-155:UUAAUGCUAAUCGUGAUAGGGGU; do
        id=${pair%%:*} mat=${pair#*:} s=$(seq_of "${pair%%:*}")
        st=$(awk -v s="$s" -v m="$mat" 'BEGIN { print index(s, m) }')
        [ "$st" -gt 0 ] || continue
        printf '%s\t%s\t%s-5p\tMIMAT1\t%d\t%d\t5p\t%d\tname+seq\n' "$id" "$(acc_of "$id")" "$id" "$st" \
            $((st + ${#mat} - 1)) "${#s}"
    done
} > "$T/mature.tsv"
[ "$(awk 'NR > 1 && $2 ~ /^MI[0-9]+$/' "$T/mature.tsv" | wc -l)" -eq 3 ] && ok || bad "test mature table"
run() { # DIR THREADS [options]
    local d=$1 j=$2; shift 2
    "$M" explain --aggregate --pos "$T/pos.fa" --neg "$T/neg.fa" --mature "$T/mature.tsv" \
        --method gradient,gradient-x-input --faith-n 0 --examples 0 --threshold 0 -j "$j" -q \
        -o "$d" "$@"
}
expect "aggregate with --random-net" 0 "" -- run "$T/a" 1 --random-net --boot 300
A=$T/a/aggregate
cols='method	group	table	category	n_nt	nt_share	attr_share	enrichment	mean_signed	attr_share_lo	attr_share_hi	enrichment_lo	enrichment_hi	random_net_enrichment	random_net_lo	random_net_hi	difference	diff_lo	diff_hi'
[ "$(head -1 "$A/categories.tsv")" = "$cols" ] && ok || bad "categories.tsv header: $(head -1 "$A/categories.tsv")"
[ "$(head -1 "$A/hairpins.tsv")" = $'id\tgroup\tmethod\tnetwork\ttable\tcategory\tn_nt\tnt_share\tattr_share\tsigned_share' ] &&
    ok || bad "hairpins.tsv header"
# intervals ordered; difference = enrichment - random network's; the regions (12 hairpins)
# and the stem have intervals, a share interval wherever there is a share
awk -F'\t' 'NR > 1 && $10 == "nan" { exit 1 }
    NR > 1 && $12 != "nan" { n++
        if (!($12 <= $13 && $10 <= $11 && $15 <= $16 && $18 <= $19) || $18 == "nan") exit 1 }
    NR > 1 && $8 != "nan" { d = $8 - $14 - $17; if (d > 2e-4 || d < -2e-4) exit 1 }
    NR > 1 && ($3 == "region" || $4 == "stem") && $8 != "nan" && $12 == "nan" { exit 1 }
    END { exit n < 20 }' "$A/categories.tsv" && ok || bad "intervals, or difference != enrichment - random"
awk -F'\t' '$3 == "region" && $2 == "TP" { r++ } END { exit r != 10 }' "$A/categories.tsv" && ok ||
    bad "TP region rows (5 regions x 2 methods)"
# the predictions: 32 + 12 hairpins, 12 with a duplex
[ "$(awk -F'\t' 'NR > 1 && $5 != "."' "$T/a/predictions.tsv" | wc -l)" -eq 12 ] && ok || bad "duplexes placed"
# hairpins.tsv: one block per explained hairpin, method and network; summed it gives the
# table's point values (share = sum |share| / hairpins, enrichment = sum |share| / sum nt
# share, random network's too)
nh=$(($(wc -l < "$T/a/predictions.tsv") - 1))
[ "$(awk -F'\t' 'NR > 1 && $5 == "context" && $6 == "stem"' "$A/hairpins.tsv" | wc -l)" -eq $((nh * 4)) ] &&
    ok || bad "hairpins.tsv: a stem row per hairpin, method and network"
awk -F'\t' 'FNR == 1 { f++; next }
    f == 1 { k = $3 SUBSEP $2 SUBSEP $5 SUBSEP $6 SUBSEP $4; a[k] += $9; fr[k] += $8; n[k]++ }
    f == 2 && $8 != "nan" { km = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4; c++
        e = a[km, "model"] / fr[km, "model"]; s = a[km, "model"] / n[km, "model"]
        r = a[km, "random-net"] / fr[km, "random-net"]
        if ((e - $8)^2 > 1e-8 || (s - $7)^2 > 1e-10 || (r - $14)^2 > 1e-8) { print $0, e, s, r; exit 1 } }
    END { exit c == 0 }' "$A/hairpins.tsv" "$A/categories.tsv" && ok ||
    bad "hairpins.tsv does not add up to categories.tsv"
# an enrichment interval exactly where at least 10 hairpins of the group have nucleotides
# of the category (MRL_AGG_BOOT_MIN), and some rows without one
awk -F'\t' 'FNR == 1 { f++; next }
    f == 1 && $4 == "model" && $8 > 0 { h[$3 SUBSEP $2 SUBSEP $5 SUBSEP $6]++ }
    f == 2 && $8 != "nan" { k = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4
        if ((h[k] >= 10) != ($12 != "nan")) { print $0, h[k]; exit 1 }
        few += h[k] < 10 }
    END { exit few == 0 }' "$A/hairpins.tsv" "$A/categories.tsv" && ok ||
    bad "intervals do not follow the 10-hairpin minimum"
# one interval recomputed independently: PCG32 (O'Neill 2014, as mrl_rng), the resamples
# of group g's hairpins in input order, stream 2 g (+1 for the regions), seed 1, percentile
# values floor(0.025 (B - 1)) and ceil(0.975 (B - 1))
recompute() { # METHOD GROUP TABLE CATEGORY STREAM
    $PY - "$A/hairpins.tsv" "$A/categories.tsv" "$@" <<'EOF'
import math, sys
hp, cat, meth, grp, table, name, stream = sys.argv[1:8]
M64 = (1 << 64) - 1
class Pcg:
    def __init__(s, seed, stream):
        s.state, s.inc = 0, ((stream << 1) | 1) & M64
        s.u32(); s.state = (s.state + seed) & M64; s.u32()
    def u32(s):
        old = s.state
        s.state = (old * 6364136223846793005 + s.inc) & M64
        x = (((old >> 18) ^ old) >> 27) & 0xFFFFFFFF
        rot = old >> 59
        return ((x >> rot) | (x << ((-rot) & 31))) & 0xFFFFFFFF
    def below(s, bound):
        t = ((1 << 32) - bound) % bound
        while True:
            r = s.u32()
            if r >= t:
                return r % bound
rows = {}
order = []
for ln in open(hp):
    f = ln.rstrip('\n').split('\t')
    if f[2] != meth or f[1] != grp or f[4] != table or f[5] != name:
        continue
    if f[0] not in rows:
        order.append(f[0]); rows[f[0]] = {}
    rows[f[0]][f[3]] = (float(f[7]), float(f[8]))
H, B = len(order), 300
have = sum(1 for h in order if rows[h]['model'][0] > 0)
rng = Pcg(1, int(stream))
en, df = [], []
for b in range(B):
    sa = sf = sy = 0.0
    for i in range(H):
        h = rows[order[rng.below(H)]]
        sa += h['model'][1]; sf += h['model'][0]; sy += h['random-net'][1]
    if sf > 0:
        en.append(sa / sf); df.append(sa / sf - sy / sf)
def ci(v):
    v = sorted(v); k = len(v)
    return v[math.floor(0.025 * (k - 1))], v[math.ceil(0.975 * (k - 1))]
want = ci(en) + ci(df)
for ln in open(cat):
    f = ln.rstrip('\n').split('\t')
    if f[0] == meth and f[1] == grp and f[2] == table and f[3] == name:
        got = tuple(float(f[i]) for i in (11, 12, 17, 18))
        bad = [i for i in range(4) if abs(got[i] - want[i]) > 6e-5]
        print('H', H, 'want', want, 'got', got)
        sys.exit(1 if bad or H < 2 or have < 10 else 0)
sys.exit(1)
EOF
}
if [ -x $PY ]; then
    expect_rc 0 "interval of gradient TP context stem recomputed" recompute gradient TP context stem 0
    expect_rc 0 "interval of gradient-x-input TP region loop recomputed" recompute gradient-x-input TP region loop 1
    expect_rc 0 "interval of gradient FP pair GC recomputed" recompute gradient FP pair GC 4
else
    skip "no $PY"
fi
# the model's columns do not depend on --random-net or --boot
expect "aggregate without --random-net" 0 "" -- run "$T/b" 1 --boot 0
cmp -s <(cut -f1-9 "$A/categories.tsv") <(cut -f1-9 "$T/b/aggregate/categories.tsv") && ok ||
    bad "--random-net changed the model's columns"
cmp -s <(awk -F'\t' '$4 == "model"' "$A/hairpins.tsv") <(awk -F'\t' 'NR > 1' "$T/b/aggregate/hairpins.tsv") &&
    ok || bad "--random-net changed the model's per-hairpin rows"
for f in columns.tsv profile.tsv motifs.tsv loops.tsv cutsites.tsv; do
    same "$T/b/aggregate/$f" "$A/$f" "--random-net: $f"
done
# the random network's column is what --randomize-model (the same network alone) reports
expect "aggregate with --randomize-model" 0 "" -- run "$T/r" 1 --randomize-model --boot 0
cmp -s <(cut -f1-4,14 "$A/categories.tsv" | tail -n +2) \
    <(cut -f1-4,8 "$T/r/aggregate/categories.tsv" | tail -n +2) && ok ||
    bad "random_net_enrichment differs from the --randomize-model run's enrichment"
# --boot 0: no intervals; no random network: its columns nan
awk -F'\t' 'NR > 1 { for (i = 10; i <= 19; i++) if ($i != "nan") exit 1 }' "$T/b/aggregate/categories.tsv" &&
    ok || bad "--boot 0 still has intervals"
# the same seed (and 2 threads): byte-identical tables
expect "aggregate again, 2 threads" 0 "" -- run "$T/c" 2 --random-net --boot 300
same "$T/c/aggregate/categories.tsv" "$A/categories.tsv" "categories.tsv, run twice"
same "$T/c/aggregate/hairpins.tsv" "$A/hairpins.tsv" "hairpins.tsv, run twice"
# the report's table: the random network's column and the difference
grep -q 'model &minus; random' "$T/a/index.html" && ok || bad "index.html: no category table"
grep -q 'href="aggregate/hairpins.tsv"' "$T/a/index.html" && ok || bad "index.html: no hairpins.tsv link"
! grep -q 'model &minus; random' "$T/b/index.html" && grep -q '95% bootstrap interval' "$T/b/index.html" &&
    ok || bad "index.html without --random-net"
# usage errors
expect "--random-net with --randomize-model" 2 "compare the random network with itself" -- \
    run "$T/x" 1 --random-net --randomize-model
expect "--random-net with --sanity" 2 "goes with --aggregate" -- "$M" explain --sanity "$T/pos.fa" \
    --random-net -o "$T/x"
expect "bad --boot" 2 "boot" -- run "$T/x" 1 --boot -1
summary
