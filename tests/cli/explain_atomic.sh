#!/usr/bin/env bash
# `mirlens explain` writes its output directory whole, in every mode (maps, --aggregate,
# --sanity, --method mutagenesis): the run writes into DIR.tmp.XXXXXX, renamed onto DIR at
# the end. A bad record mid-file, a bad model, a full disk, SIGTERM or SIGINT mid-run leave
# no DIR (or the earlier DIR unchanged) and no DIR.tmp.* / *.tmp.* debris. An earlier
# mirlens output in DIR is replaced whole; a directory holding anything else is refused.
# The full-disk cases mount a 64 KiB tmpfs (root, or sudo -n); skipped where neither works.
NAME=explain_atomic.sh
. "$(dirname "$0")/lib.sh"
W="$T/w" # every run writes here, so that any sibling debris shows
mkdir -p "$W"
awk '/^>/ { n++ } n <= 1' examples/hairpins.fa > "$T/one.fa"
awk '/^>/ { n++ } n <= 2' examples/hairpins.fa > "$T/two.fa"
# 480 hairpins (the examples under 40 prefixes): a run of some seconds to interrupt
for i in $(seq 1 40); do sed "s/^>/>r${i}_/" examples/hairpins.fa; done > "$T/big.fa"
fast="-q -j 1 --method gradient --scale 2"
# debris NAME: DIR.tmp.* / DIR.old.* siblings or *.tmp.* files left in $W
debris() { (cd "$W" && find . -name "$1.tmp.*" -o -name "$1.old.*" -o -name '*.tmp.??????') | head -3; }
gone() { # gone NAME WHAT: neither W/NAME nor its debris exist
    [ ! -e "$W/$1" ] && ok || bad "$2: '$1' left behind ($(ls -A "$W/$1" | head -3 | tr '\n' ' '))"
    [ -z "$(debris "$1")" ] && ok || bad "$2: debris $(debris "$1" | tr '\n' ' ')"
}
# listing DIR: names and sizes of everything under it, to compare before and after
listing() { (cd "$1" && find . -type f -printf '%p %s\n' | sort); }

# ---- a good run: the directory, its mark, no temporary name left ----
expect ok 0 "" -- "$M" explain $fast "$T/two.fa" -o "$W/a"
[ -s "$W/a/index.html" ] && [ -s "$W/a/hsa-let-7b.gradient.npy" ] && ok || bad "ok: outputs missing"
[ -f "$W/a/.mirlens-output" ] && ok || bad "ok: no mark file"
[ -z "$(debris a)" ] && ok || bad "ok: debris $(debris a)"
[ "$(stat -c %a "$W/a")" = 755 ] && ok || bad "ok: directory mode $(stat -c %a "$W/a")"
# a second run into it replaces the earlier output whole: the files of hsa-let-7b go
expect rerun 0 "" -- "$M" explain $fast "$T/one.fa" -o "$W/a/"
[ -s "$W/a/hsa-let-7a-1.gradient.npy" ] && [ ! -e "$W/a/hsa-let-7b.gradient.npy" ] && ok ||
    bad "rerun: the earlier output was not replaced"
[ "$(awk 'NR > 1' "$W/a/summary.tsv" | wc -l)" -eq 1 ] && ok || bad "rerun: summary rows"
[ -z "$(debris a)" ] && ok || bad "rerun: debris $(debris a)"
# an empty directory is written into; a symbolic link's directory is replaced, not the link
mkdir "$W/empty"
expect empty 0 "" -- "$M" explain $fast "$T/one.fa" -o "$W/empty"
[ -s "$W/empty/index.html" ] && ok || bad "empty: no output"
ln -s a "$W/link"
expect link 0 "" -- "$M" explain $fast "$T/two.fa" -o "$W/link"
[ -L "$W/link" ] && [ -s "$W/a/hsa-let-7b.gradient.npy" ] && ok || bad "link: not followed"
# an output of a run made before the mark (index.html titled mirlens) is replaced too
mkdir "$W/legacy" && echo '<title>mirlens explain</title>' > "$W/legacy/index.html" &&
    touch "$W/legacy/old.gradient.npy"
expect legacy 0 "" -- "$M" explain $fast "$T/one.fa" -o "$W/legacy"
[ ! -e "$W/legacy/old.gradient.npy" ] && [ -s "$W/legacy/summary.tsv" ] && ok || bad "legacy: not replaced"
# a directory holding anything else is refused, untouched
mkdir "$W/mine" && echo keep > "$W/mine/notes.txt"
expect foreign 1 "holds files mirlens did not write" -- "$M" explain $fast "$T/one.fa" -o "$W/mine"
[ "$(ls -A "$W/mine")" = notes.txt ] && [ "$(cat "$W/mine/notes.txt")" = keep ] && ok || bad "foreign: touched"
[ -z "$(debris mine)" ] && ok || bad "foreign: debris"
expect dot 1 "name a directory" -- "$M" explain $fast "$T/one.fa" -o "$W/mine/."
touch "$W/file"
expect notdir 1 "not a directory" -- "$M" explain $fast "$T/one.fa" -o "$W/file"

# ---- errors: no DIR, no debris; an earlier DIR unchanged ----
# a bad record after 40 good ones (past the first chunk of 32)
{ awk '/^>/ { n++ } n <= 40' "$T/big.fa"; printf '>broken\nACGU1ACGU\n'; } > "$T/mid.fa"
expect midfile 1 "broken" -- "$M" explain $fast "$T/mid.fa" -o "$W/mid"
gone mid midfile
listing "$W/a" > "$T/before"
expect midfile-existing 1 "broken" -- "$M" explain $fast "$T/mid.fa" -o "$W/a"
listing "$W/a" > "$T/after"
same "$T/after" "$T/before" "midfile-existing: the earlier DIR changed"
[ -z "$(debris a)" ] && ok || bad "midfile-existing: debris $(debris a)"
expect midfile-set 1 "broken" -- "$M" explain --aggregate -q -j 1 --method gradient --scale 2 \
    --pos "$T/mid.fa" --neg "$T/two.fa" -o "$W/midset"
gone midset midfile-set
expect midfile-mut 1 "broken" -- "$M" explain --method mutagenesis --cf-budget 0 -q -j 1 \
    "$T/mid.fa" -o "$W/midmut"
gone midmut midfile-mut
# a bad model (an empty directory was left before)
expect badmodel 1 "not a mirlens model" -- "$M" explain $fast -m "$T/one.fa" "$T/one.fa" -o "$W/bm"
gone bm badmodel
expect badmodel-set 1 "not a mirlens model" -- "$M" explain --aggregate $fast -m "$T/one.fa" \
    --pos "$T/one.fa" --neg "$T/two.fa" -o "$W/bms"
gone bms badmodel-set
expect badmodel-sanity 1 "not a mirlens model" -- "$M" explain --sanity "$T/two.fa" $fast \
    -m "$T/one.fa" -o "$W/bmy"
gone bmy badmodel-sanity
expect badmodel-mut 1 "not a mirlens model" -- "$M" explain --method mutagenesis -q \
    -m "$T/one.fa" "$T/one.fa" -o "$W/bmm"
gone bmm badmodel-mut

# ---- a full disk: a 64 KiB tmpfs ----
D="$T/small"
mkdir -p "$D"
mounted=0
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k tmpfs "$D" 2>/dev/null; then
    mounted=1 unmount="umount"
elif sudo -n true 2>/dev/null &&
    sudo -n mount -t tmpfs -o "size=64k,uid=$(id -u),gid=$(id -g)" tmpfs "$D" 2>/dev/null; then
    mounted=1 unmount="sudo -n umount"
fi
if [ $mounted = 1 ]; then
    trap '$unmount "$D" 2>/dev/null; rm -rf "$T"' EXIT
    expect full 1 "mirlens explain: " -- "$M" explain $fast "$T/two.fa" -o "$D/x"
    expect full-set 1 "mirlens explain: " -- "$M" explain --aggregate $fast --pos "$T/one.fa" \
        --neg "$T/two.fa" -o "$D/y"
    expect full-mut 1 "mirlens explain: " -- "$M" explain --method mutagenesis --cf-budget 0 \
        -q -j 1 "$T/one.fa" -o "$D/z"
    left=$(ls -A "$D")
    [ -z "$left" ] && ok || bad "full disk: left $left"
    $unmount "$D"
else
    skip "full disk: cannot mount a tmpfs (needs root or sudo -n)"
fi

# ---- signals mid-run: the temporary directory goes, the status tells the signal ----
# interrupted SIG WANT_RC NAME READY_GLOB CMD...: start CMD, wait until READY_GLOB (under
# $W) exists, send SIG, check the exit status and that nothing of NAME is left
interrupted() {
    local sig=$1 want=$2 name=$3 ready=$4 i existed=0
    shift 4
    [ -e "$W/$name" ] && existed=1
    # a background job of a script ignores SIGINT unless asked otherwise (env 8.31+)
    env --default-signal="$sig" "$@" > /dev/null 2> "$T/sig.err" &
    local pid=$!
    for i in $(seq 1 600); do
        compgen -G "$W/$ready" > /dev/null && break
        kill -0 $pid 2> /dev/null || break
        sleep 0.05
    done
    kill -0 $pid 2> /dev/null || { wait $pid; bad "$name: ended (exit $?) before SIG$sig"; return; }
    kill -"$sig" $pid
    { wait $pid; } 2> /dev/null
    local rc=$?
    [ $rc -eq "$want" ] && ok || bad "$name: SIG$sig gave exit $rc, want $want ($(head -c 300 "$T/sig.err"))"
    if [ $existed = 0 ]; then
        gone "$name" "SIG$sig $name"
    else
        [ -z "$(debris "$name")" ] && ok || bad "SIG$sig $name: debris $(debris "$name")"
    fi
}
if env --default-signal=INT true 2> /dev/null; then
    # per-sequence maps: after the first chunk's files were written
    interrupted TERM 143 st 'st.tmp.*/*.npy' "$M" explain $fast "$T/big.fa" -o "$W/st"
    interrupted INT 130 si 'si.tmp.*/*.npy' "$M" explain $fast "$T/big.fa" -o "$W/si"
    interrupted HUP 129 sh 'sh.tmp.*/*.npy' "$M" explain $fast "$T/big.fa" -o "$W/sh"
    # over an earlier output: it stays as it was
    listing "$W/a" > "$T/before"
    interrupted TERM 143 a 'a.tmp.*/*.npy' "$M" explain $fast "$T/big.fa" -o "$W/a" 2> /dev/null
    listing "$W/a" > "$T/after"
    same "$T/after" "$T/before" "SIGTERM over an earlier output: it changed"
    # --aggregate: its subdirectories made, the hairpins being explained
    interrupted TERM 143 sa 'sa.tmp.*/aggregate' "$M" explain --aggregate $fast \
        --pos "$T/big.fa" --neg "$T/two.fa" -o "$W/sa"
    interrupted INT 130 sy 'sy.tmp.*' "$M" explain --sanity "$T/big.fa" --sanity-n 200 $fast \
        -o "$W/sy"
    # mutagenesis: its first pictures written
    interrupted TERM 143 sm 'sm.tmp.*/*.svg' "$M" explain --method mutagenesis --cf-budget 0 \
        -q -j 1 "$T/big.fa" -o "$W/sm"
    # a run ignoring SIGINT from its start (nohup-like) goes on: the choice is the caller's
    (
        trap '' INT
        "$M" explain $fast "$T/two.fa" -o "$W/ign" &
        p=$!
        sleep 0.2
        kill -INT $p 2> /dev/null
        wait $p
    ) && [ -s "$W/ign/index.html" ] && ok || bad "an ignored SIGINT ended the run"
else
    skip "signals: env --default-signal missing (coreutils < 8.31)"
fi
summary
