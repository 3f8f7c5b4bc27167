#!/usr/bin/env bash
# Runs every test binary given as arguments, then the CLI golden tests (tests/cli/*.sh).
# Each exits 0 (passed), 77 (a part skipped: its data or a tool absent; automake's
# convention) or anything else (failed). Under CI=true with the team's data present
# (../shared or $MIRLENS_SHARED), a skip is a failure: nothing may go unchecked there.
# Prints one closing line "tests: N passed, N failed, N skipped"; exits non-zero on any
# failure.
set -u
shared=${MIRLENS_SHARED:-../shared}
strict=0
[ "${CI:-}" = true ] && [ -d "$shared/golden" ] && strict=1
pass=0 fail=0 skip=0 failed=() skipped=()
one() {
    "$@"
    local rc=$?
    if [ $rc -eq 0 ]; then
        pass=$((pass + 1))
    elif [ $rc -eq 77 ] && [ $strict = 0 ]; then
        skip=$((skip + 1)) skipped+=("$*")
    else
        [ $rc -eq 77 ] && echo "FAIL $*: skipped a part under CI=true with $shared present" >&2
        fail=$((fail + 1)) failed+=("$*")
    fi
}
for t in "$@"; do
    one "$t"
done
for t in tests/cli/*.sh; do
    [ -e "$t" ] && [ "$(basename "$t")" != lib.sh ] || continue
    one bash "$t"
done
[ ${#skipped[@]} -eq 0 ] || printf 'skipped (in part): %s\n' "${skipped[@]}"
[ ${#failed[@]} -eq 0 ] || printf 'failed: %s\n' "${failed[@]}"
echo "tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
