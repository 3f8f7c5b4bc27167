#!/usr/bin/env bash
# Runs every benchmark script bench/bench_*.sh in turn (see bench/README.md).
set -u
rc=0
for b in bench/bench_*.sh; do
    [ -e "$b" ] || continue
    echo "== $b"
    bash "$b" || rc=1
done
exit $rc
