#!/usr/bin/env bash
# The set report of `mirlens explain --aggregate` in a real browser: headless Chromium
# renders index.html and a per-sequence page offline, takes a screenshot, and the pages
# log nothing on the console and mark every picture as loaded (data-images="ok", set by
# the report's own load check). A copy with a figure deleted must be caught (console
# error, data-images="broken"), so the check can fail. Chromium comes from Debian's
# `chromium` package (.ci/run installs it); elsewhere the test is skipped when it is absent.
NAME=report_browser.sh
. "$(dirname "$0")/lib.sh"
chromium_or_skip
shot() { # OUT URL WIDTH HEIGHT: a screenshot of the top of URL in a window of that size
    timeout 120 "$B" --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$T/profile" --window-size="$3,$4" --screenshot="$1" "$2" > /dev/null 2>&1
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
# the page of `mirlens explain` for one hairpin: the legend of the image, the methods with
# their verdicts (smoothgrad-guided fails, named as the seed's method), pictures with
# numbered colour bars and units; all in the DOM, laid out visible, and not blank on screen
awk '/^>/ { n++ } n == 1' "$T/pos.fa" > "$T/let7.fa"
expect "explain" 0 "" -- "$M" explain -q --method integrated-gradients,smoothgrad-guided --steps 16 \
    --samples 8 "$T/let7.fa" -o "$T/x"
browse "$T/xi" "file://$T/x/index.html"
grep -q 'CONSOLE' "$T/xi.log" && bad "explain page console: $(grep CONSOLE "$T/xi.log" | head -3)" || ok
grep -q 'data-images="ok"' "$T/xi.dom" && grep -q 'data-images-n="4"' "$T/xi.dom" && ok ||
    bad "explain page: pictures not all loaded"
for want in 'How to read the pictures' 'base colours' 'bar height = the pair' 'G-C pair' \
    'logit contribution per pixel' 'logit gradient per pixel' 'sanity check: passes (recorded)' \
    'sanity check: FAILS (recorded)' "the seed's method (Cordero et al. 2019)" 'completeness gap' \
    'score minus reference score' 'total attribution' 'P(pre-miRNA) = 1.0000, margin'; do
    grep -qF "$want" "$T/xi.dom" && ok || bad "explain page: no '$want'"
done
for what in legend methods verdict map structure; do
    grep -q "data-check=\"$what\" data-visible=\"yes\"" "$T/xi.dom" && ok || bad "explain page: $what not visible"
done
# on screen: the legend (the page scrolled to it) and the structure drawing with its colour
# bar are far from blank (a blank window of the same size as the baseline)
lh=$(grep -o 'data-check="legend" data-visible="yes" data-box="[0-9,]*"' "$T/xi.dom" | grep -o '[0-9,]*"$' |
    tr -d '"' | cut -d, -f4)
shot "$T/blank.png" "data:text/html,<body></body>" 1280 "${lh:-300}"
shot "$T/legend.png" "file://$T/x/index.html#legend" 1280 "${lh:-300}"
[ "$(wc -c < "$T/legend.png")" -gt $((4 * $(wc -c < "$T/blank.png"))) ] && ok ||
    bad "the legend looks blank on screen ($(wc -c < "$T/legend.png") bytes, blank $(wc -c < "$T/blank.png"))"
svg=$(ls "$T/x/"*.integrated-gradients.svg)
browse "$T/xs" "file://$svg"
[ "$(grep -Eo 'class="barnum"[^>]*>-?[0-9.e+-]+<' "$T/xs.dom" | wc -l)" -eq 3 ] &&
    grep -q 'class="unit"[^>]*>logit contribution per nucleotide<' "$T/xs.dom" && ok ||
    bad "structure drawing: colour bar numbers or unit missing"
grep -q 'class="end5"' "$T/xs.dom" && grep -q 'class="end3"' "$T/xs.dom" && grep -q 'class="tick"' "$T/xs.dom" &&
    ok || bad "structure drawing: no 5'/3' labels or position ticks"
shot "$T/svgblank.png" "data:text/html,<body></body>" 1280 220
shot "$T/svg.png" "file://$svg" 1280 220
[ "$(wc -c < "$T/svg.png")" -gt $((4 * $(wc -c < "$T/svgblank.png"))) ] && ok || bad "the structure drawing looks blank"
# the check can fail: a report with a figure missing
cp -r "$T/r" "$T/broken"
rm "$T/broken/aggregate/maps.gradient.png"
browse "$T/broken" "file://$T/broken/index.html"
grep -q 'data-images="broken"' "$T/broken.dom" && ok || bad "a missing figure went unnoticed"
grep -q 'CONSOLE.*cannot load aggregate/maps.gradient.png' "$T/broken.log" && ok ||
    bad "no console error for the missing figure"
summary
