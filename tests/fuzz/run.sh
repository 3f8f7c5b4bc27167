#!/usr/bin/env bash
# Builds the libFuzzer harnesses (make fuzz) and runs each for SECONDS (default 30):
# first its regression inputs (tests/fuzz/regress/HARNESS/*: crashers found before, each
# must now pass), then fuzzing from a scratch copy of its seed corpus
# (tests/fuzz/corpus/HARNESS/, plus the team's energy-parameter files for fuzz_params when
# ../shared is there) with -timeout=10 -rss_limit_mb=2048. Any crash, leak, timeout, out
# of memory or sanitizer report fails the run; its input is kept under $FUZZ_OUT
# (default build/fuzz/findings) and named on stderr: add it to regress/HARNESS/ with the fix.
#   tests/fuzz/run.sh [SECONDS] [HARNESS...]     e.g. tests/fuzz/run.sh 60 fuzz_fasta
# Prints one line per harness (runs, corpus size, findings) and a closing "fuzz: ..." line;
# exits 0 only when every harness ran clean. Needs clang and libclang-rt-14-dev.
set -u
cd "$(dirname "$0")/../.." || exit 2
secs=${1:-30}
shift $(($# > 0 ? 1 : 0))
case $secs in '' | *[!0-9]*) echo "usage: tests/fuzz/run.sh [SECONDS] [HARNESS...]" >&2; exit 2 ;; esac
shared=${MIRLENS_SHARED:-../shared}
out=${FUZZ_OUT:-build/fuzz/findings}
mkdir -p build
make -s fuzz -j"$(nproc)" >build/fuzz-make.log 2>&1 || {
    echo "fuzz: make fuzz failed (clang and libclang-rt-14-dev installed?):" >&2
    tail -20 build/fuzz-make.log >&2
    exit 1
}
if [ $# -gt 0 ]; then harnesses=("$@"); else
    harnesses=()
    for b in build/fuzz/fuzz_*; do [ -x "$b" ] && harnesses+=("$(basename "$b")"); done
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
work=$(mktemp -d /tmp/mirlens_fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
bad=0 total=0
for h in "${harnesses[@]}"; do
    bin=build/fuzz/$h name=${h#fuzz_}
    [ -x "$bin" ] || { echo "fuzz: no harness $bin" >&2; bad=$((bad + 1)); continue; }
    # 1. regression inputs: each runs once and must pass
    reg=(tests/fuzz/regress/"$name"/*)
    if [ -e "${reg[0]}" ]; then
        if ! "$bin" -timeout=10 -rss_limit_mb=2048 "${reg[@]}" >"$work/$h.reg.log" 2>&1; then
            echo "FAIL $h: a regression input fails again:" >&2
            grep -E 'ERROR|runtime error|Running:' "$work/$h.reg.log" | tail -5 >&2
            bad=$((bad + 1))
            continue
        fi
    fi
    # 2. fuzzing from a copy of the seed corpus
    c=$work/corpus/$name
    mkdir -p "$c"
    cp tests/fuzz/corpus/"$name"/* "$c"/ 2>/dev/null
    if [ "$name" = params ] && [ -d "$shared/params" ]; then
        for p in "$shared"/params/*.par; do { printf '\001'; cat "$p"; } >"$c/shared_$(basename "$p")"; done
    fi
    mkdir -p "$work/art"
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
        -print_final_stats=1 -artifact_prefix="$work/art/$h-" "$c" >"$work/$h.log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$h.log" | tail -1)
    found=$(find "$work/art" -name "$h-*" -type f | wc -l)
    total=$((total + ${runs:-0}))
    printf '%-20s %10s runs in %ss, corpus %s inputs, %s findings\n' "$h" "${runs:-?}" "$secs" \
        "$(find "$c" -type f | wc -l)" "$found"
    if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
        bad=$((bad + 1))
        echo "FAIL $h (exit $rc):" >&2
        grep -E 'ERROR: |SUMMARY|runtime error|==[0-9]+==' "$work/$h.log" | head -8 >&2
        for a in "$work"/art/"$h"-*; do
            [ -e "$a" ] || continue
            cp "$a" "$out/" && echo "  input kept: $out/$(basename "$a") (add it to tests/fuzz/regress/$name/)" >&2
        done
        cp "$work/$h.log" "$out/$h.log"
    fi
done
echo "fuzz: ${#harnesses[@]} harnesses, $total runs, $bad failed"
[ "$bad" -eq 0 ]
