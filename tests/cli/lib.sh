# Shared helpers of the CLI golden tests (sourced, not run; tests/run.sh skips it).
# Set NAME before sourcing. Provides $M (the binary), $S / $SHARED (team data), $T (a
# scratch directory removed on exit), ok/bad/skip counters, expect_rc, expect and summary.
# Exit status (summary): 1 on any failure, else 77 (skipped) if a part was skipped, else 0.
set -u
M=${MIRLENS:-./mirlens}
S=${MIRLENS_SHARED:-../shared}
SHARED=$S
T=$(mktemp -d "/tmp/mirlens_cli_${NAME%.sh}.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0 fail=0 skipped=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $NAME: $*" >&2; }
# skip WHAT: a part that cannot run here (its data or a tool absent), said on stdout
skip() { skipped=$((skipped + 1)); echo "SKIP $NAME: $*"; }
# expect_rc WANT DESCRIPTION CMD...: exit status only (stdout in $T/out, stderr in $T/err)
expect_rc() {
    local want=$1 what=$2; shift 2
    "$@" >"$T/out" 2>"$T/err"; local rc=$?
    if [ "$rc" -eq "$want" ]; then ok; else bad "$what: exit $rc, expected $want"; cat "$T/err" >&2; fi
}
# expect DESCRIPTION WANT STDERR_PATTERN -- CMD...: exit status and a message on stderr
expect() {
    local what=$1 want=$2 pat=$3; shift 4
    "$@" >"$T/out" 2>"$T/err"; local rc=$?
    if [ "$rc" -ne "$want" ]; then bad "$what: exit $rc, want $want ($(head -c 400 "$T/err"))"; return; fi
    if [ -n "$pat" ] && ! grep -q -- "$pat" "$T/err"; then bad "$what: stderr lacks '$pat': $(head -c 400 "$T/err")"; return; fi
    ok
}
# same GOT WANT DESCRIPTION: files identical
same() { if cmp -s "$1" "$2"; then ok; else bad "$3: output differs"; diff "$1" "$2" | head -5 >&2; fi; }
summary() {
    echo "$NAME: $pass passed, $fail failed, $skipped skipped"
    [ "$fail" -eq 0 ] || return 1
    [ "$skipped" -eq 0 ] || return 77
}
# Headless Chromium for the browser tests: B (the binary) and browse OUT_PREFIX URL (DOM in
# PREFIX.dom, screenshot PREFIX.png, browser log PREFIX.log). chromium_or_skip ends the test
# (skipped; failed under CI=true) when there is none.
B=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
chromium_or_skip() {
    [ -n "$B" ] && return 0
    if [ "${CI:-}" = true ]; then
        bad "chromium is not installed (apt-get install chromium)"
    else
        skip "no chromium (apt-get install chromium, or set CHROMIUM)"
    fi
    summary
    exit
}
browse() {
    timeout 120 "$B" --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$T/profile" --enable-logging=stderr --v=0 --window-size=1280,2400 \
        --screenshot="$1.png" "$2" > /dev/null 2> "$1.log"
    timeout 120 "$B" --headless=new --no-sandbox --disable-gpu --user-data-dir="$T/profile" \
        --enable-logging=stderr --v=0 --dump-dom "$2" > "$1.dom" 2>> "$1.log"
}
