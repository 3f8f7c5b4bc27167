#!/usr/bin/env bash
# The page of `mirlens explain --method mutagenesis` in a real browser: headless Chromium
# renders mutagenesis.html offline; the page logs nothing on the console and marks every
# picture as loaded (data-images="ok", the reports' own load check); the heat map under
# the hairpin and each counterfactual path are there and drawn (the SVGs themselves
# rendered: the hairpin image, the rows aligned under it, one group per path step). A copy
# with the heat map deleted must be caught, so the check can fail. Skipped without chromium
# (Debian's `chromium`; lib.sh's chromium_or_skip and browse).
NAME=mutagenesis_browser.sh
. "$(dirname "$0")/lib.sh"
chromium_or_skip
# a pseudo-hairpin one substitution turns into a pre-miRNA (with the shipped model)
awk '/^>/{p = /pseudo_cds_26542/} p' examples/hairpins.fa > "$T/in.fa"
expect "run" 0 "" -- "$M" explain --method mutagenesis --cf-budget 2 --cf-beam 2 -q "$T/in.fa" -o "$T/r"
browse "$T/page" "file://$T/r/mutagenesis.html"
[ "$(head -c 8 "$T/page.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && ok ||
    bad "no screenshot: $(grep -v dbus "$T/page.log" | tail -3)"
[ "$(wc -c < "$T/page.png")" -gt 20000 ] && ok || bad "screenshot looks blank"
grep -q 'CONSOLE' "$T/page.log" && bad "console messages: $(grep CONSOLE "$T/page.log" | head -3)" || ok
grep -q 'data-images="ok"' "$T/page.dom" && ok || bad "pictures not all loaded"
grep -q 'class="heatmap" src="pseudo_cds_26542.mutagenesis.svg"' "$T/page.dom" && ok || bad "no heat map"
ncf=$(grep -c 'class="cfpath"' "$T/page.dom")
[ "$ncf" -ge 1 ] && ok || bad "no counterfactual path on the page"
n=$(grep -o 'data-images-n="[0-9]*"' "$T/page.dom" | grep -o '[0-9]*')
grep -q 'class="hairpin" src="pseudo_cds_26542.mutagenesis.hairpin.svg"' "$T/page.dom" && ok ||
    bad "no hairpin drawing"
[ "${n:-0}" -eq $((2 + ncf)) ] && ok || bad "${n:-0} pictures, want drawing, heat map, $ncf paths"
# the pictures themselves, rendered: image rects, the aligned rows, one group per step
browse "$T/heat" "file://$T/r/pseudo_cds_26542.mutagenesis.svg"
grep -q '<g id="aligned">' "$T/heat.dom" && ok || bad "heat map: no rows under the hairpin"
[ "$(grep -c '<rect' "$T/heat.dom")" -gt 500 ] && ok || bad "heat map: too few cells drawn"
[ "$(wc -c < "$T/heat.png")" -gt 5000 ] && ok || bad "heat map renders blank"
browse "$T/cf" "file://$T/r/pseudo_cds_26542.cf1.svg"
steps=$(awk -F'\t' '$2 == 1' "$T/r/counterfactuals.tsv" | wc -l)
[ "$(grep -c 'class="step"' "$T/cf.dom")" -eq "$steps" ] && ok || bad "path: not one drawing per step"
grep -q 'pre-miRNA' "$T/cf.dom" && ok || bad "path: no call written"
# the check can fail: a page with its heat map missing
cp -r "$T/r" "$T/broken"
rm "$T/broken/pseudo_cds_26542.mutagenesis.svg"
browse "$T/broken" "file://$T/broken/mutagenesis.html"
grep -q 'data-images="broken"' "$T/broken.dom" && ok || bad "a missing heat map went unnoticed"
summary
