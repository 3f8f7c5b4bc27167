#!/usr/bin/env bash
# Runs every test binary given as arguments, then the CLI golden tests
# (tests/cli/*.sh). Prints one summary line; exits non-zero on any failure.
set -u
pass=0 fail=0 failed=()
for t in "$@"; do
    if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed+=("$t"); fi
done
for t in tests/cli/*.sh; do
    [ -e "$t" ] && [ "$(basename "$t")" != lib.sh ] || continue
    if bash "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed+=("$t"); fi
done
[ ${#failed[@]} -eq 0 ] || printf 'failed: %s\n' "${failed[@]}"
echo "tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
