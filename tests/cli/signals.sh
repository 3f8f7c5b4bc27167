#!/usr/bin/env bash
# Single-file outputs (predict -o, encode -f tsv/u8 -o, eval --scores/--curve, scan -o) are
# written to "FILE.tmp.XXXXXX" and renamed at the end; SIGTERM, SIGINT or SIGHUP mid-run
# removes those temporaries (mrl_atomic_remove_all from the CLI's signal handler) and the
# run ends by the signal (exit 128 + N), leaving neither the output nor debris. An earlier
# output of the same name stays as it was.
NAME=signals.sh
. "$(dirname "$0")/lib.sh"
W="$T/w"
mkdir -p "$W"
# 40 random 1,500-nt sequences: folding them takes some seconds
awk 'BEGIN { srand(7); for (i = 1; i <= 40; i++) { printf ">r%d\n", i; s = "";
     for (j = 0; j < 1500; j++) s = s substr("ACGU", int(rand() * 4) + 1, 1); print s } }' > "$T/long.fa"
# a 400-kb random "chromosome" for scan
awk 'BEGIN { srand(11); print ">chrR"; for (l = 0; l < 5000; l++) { s = "";
     for (j = 0; j < 80; j++) s = s substr("ACGT", int(rand() * 4) + 1, 1); print s } }' > "$T/chr.fa"
debris() { (cd "$W" && find . -name '*.tmp.*') | head -3; }
# interrupted SIG WANT_RC READY_GLOB CMD...: start CMD, wait until READY_GLOB (under $W)
# exists, send SIG, check the exit status and that no temporary is left
interrupted() {
    local sig=$1 want=$2 ready=$3 i
    shift 3
    env --default-signal="$sig" "$@" > /dev/null 2> "$T/sig.err" &
    local pid=$!
    for i in $(seq 1 600); do
        compgen -G "$W/$ready" > /dev/null && break
        kill -0 $pid 2> /dev/null || break
        sleep 0.05
    done
    kill -0 $pid 2> /dev/null || { wait $pid; bad "$ready: ended (exit $?) before SIG$sig"; return; }
    sleep 0.2
    kill -"$sig" $pid
    { wait $pid; } 2> /dev/null
    local rc=$?
    [ $rc -eq "$want" ] && ok || bad "$ready: SIG$sig gave exit $rc, want $want ($(head -c 300 "$T/sig.err"))"
    [ -z "$(debris)" ] && ok || bad "SIG$sig ($ready): debris $(debris | tr '\n' ' ')"
}
if env --default-signal=INT true 2> /dev/null; then
    interrupted TERM 143 'p.tsv.tmp.*' "$M" predict -q -j 1 "$T/long.fa" -o "$W/p.tsv"
    [ ! -e "$W/p.tsv" ] && ok || bad "predict: p.tsv written by an interrupted run"
    interrupted INT 130 'p.tsv.tmp.*' "$M" predict -q -j 1 "$T/long.fa" -o "$W/p.tsv"
    interrupted HUP 129 'p.tsv.tmp.*' "$M" predict -q -j 1 "$T/long.fa" -o "$W/p.tsv"
    # over an earlier output: it stays as it was
    head -2 examples/hairpins.fa > "$T/one.fa"
    expect_rc 0 "predict one" "$M" predict -q "$T/one.fa" -o "$W/old.tsv"
    cp "$W/old.tsv" "$T/old.before"
    interrupted TERM 143 'old.tsv.tmp.*' "$M" predict -q -j 1 "$T/long.fa" -o "$W/old.tsv"
    same "$W/old.tsv" "$T/old.before" "SIGTERM over an earlier predict output"
    interrupted TERM 143 'e.tsv.tmp.*' "$M" encode -f tsv "$T/long.fa" -o "$W/e.tsv"
    interrupted TERM 143 'u.u8.tmp.*' "$M" encode -f u8 "$T/long.fa" -o "$W/u"
    [ -z "$(ls "$W" | grep '^u\.')" ] && ok || bad "encode u8: files left: $(ls "$W")"
    interrupted INT 130 's.*.tmp.*' "$M" scan -q -j 1 "$T/chr.fa" -o "$W/s"
    [ -z "$(ls "$W" | grep '^s\.')" ] && ok || bad "scan: files left: $(ls "$W")"
    # a run that is not interrupted still writes its output (the handler changes nothing else)
    expect_rc 0 "predict whole" "$M" predict -q "$T/one.fa" -o "$W/whole.tsv"
    same "$W/whole.tsv" "$T/old.before" "predict after the handler"
else
    skip "signals: env --default-signal missing (coreutils < 8.31)"
fi
summary
