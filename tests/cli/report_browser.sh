#!/usr/bin/env bash
# The set report of `mirlens explain --aggregate` in a real browser: headless Chromium
# renders index.html and a per-sequence page offline, takes a screenshot, and the pages
# log nothing on the console and mark every picture as loaded (data-images="ok", set by
# the report's own load check). A copy with a figure deleted must be caught (console
# error, data-images="broken"), so the check can fail. Chromium comes from Debian's
# `chromium` package (.ci/run installs it); elsewhere the test is skipped when it is absent.
NAME=report_browser.sh
. "$(dirname "$0")/lib.sh"
B=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$B" ]; then
    if [ "${CI:-}" = true ]; then
        bad "chromium is not installed (apt-get install chromium)"
    else
        skip "no chromium (apt-get install chromium, or set CHROMIUM)"
    fi
    summary
    exit
fi
browse() { # OUT_PREFIX URL: DOM in PREFIX.dom, screenshot PREFIX.png, browser log PREFIX.log
    timeout 120 "$B" --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$T/profile" --enable-logging=stderr --v=0 --window-size=1280,2400 \
        --screenshot="$1.png" "$2" > /dev/null 2> "$1.log"
    timeout 120 "$B" --headless=new --no-sandbox --disable-gpu --user-data-dir="$T/profile" \
        --enable-logging=stderr --v=0 --dump-dom "$2" > "$1.dom" 2>> "$1.log"
}
awk '/^>pseudo/{p=0} /^>hsa/{p=1} p' examples/hairpins.fa > "$T/pos.fa"
awk '/^>hsa/{p=0} /^>pseudo/{p=1} p' examples/hairpins.fa > "$T/neg.fa"
expect "report" 0 "" -- "$M" explain --aggregate --pos "$T/pos.fa" --neg "$T/neg.fa" --method gradient,gradcam \
    --faith-n 3 --faith-steps 4 --faith-random 1 --sanity-n 2 --examples 1 -j 2 -o "$T/r"
browse "$T/index" "file://$T/r/index.html"
[ "$(head -c 8 "$T/index.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && ok ||
    bad "no screenshot: $(grep -v dbus "$T/index.log" | tail -3)"
# IHDR width: bytes 16..19 of the PNG
[ "$(od -An -tu1 -j16 -N4 "$T/index.png" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')" -eq 1280 ] &&
    ok || bad "screenshot width"
[ "$(wc -c < "$T/index.png")" -gt 20000 ] && ok || bad "screenshot looks blank"
grep -q 'CONSOLE' "$T/index.log" && bad "console messages: $(grep CONSOLE "$T/index.log" | head -3)" || ok
grep -q 'data-images="ok"' "$T/index.dom" && ok || bad "index.html: pictures not all loaded"
n=$(grep -o 'data-images-n="[0-9]*"' "$T/index.dom" | grep -o '[0-9]*')
[ "${n:-0}" -ge 8 ] && ok || bad "index.html shows only ${n:-0} pictures"
grep -q 'Methods by faithfulness and sanity' "$T/index.dom" && ok || bad "methods table not rendered"
page=$(ls "$T/r/seq/"*.html | head -1)
browse "$T/seq" "file://$page"
grep -q 'CONSOLE' "$T/seq.log" && bad "sequence page console: $(grep CONSOLE "$T/seq.log" | head -3)" || ok
grep -q 'data-images="ok"' "$T/seq.dom" && ok || bad "sequence page: pictures not all loaded"
# the check can fail: a report with a figure missing
cp -r "$T/r" "$T/broken"
rm "$T/broken/aggregate/maps.gradient.png"
browse "$T/broken" "file://$T/broken/index.html"
grep -q 'data-images="broken"' "$T/broken.dom" && ok || bad "a missing figure went unnoticed"
grep -q 'CONSOLE.*cannot load aggregate/maps.gradient.png' "$T/broken.log" && ok ||
    bad "no console error for the missing figure"
summary
