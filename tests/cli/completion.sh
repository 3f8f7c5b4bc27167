#!/usr/bin/env bash
# bash completion (completion/mirlens.bash): the subcommands; for every subcommand, each
# long option its --help lists is offered after "--"; a few values (--method, --precision)
# and prefixes complete as a user types them.
NAME=completion.sh
. "$(dirname "$0")/lib.sh"
. completion/mirlens.bash
# comp WORD...: COMPREPLY for the last word, one per line, sorted
comp() {
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _mirlens
    printf '%s\n' "${COMPREPLY[@]}" | sort
}
cmds=$("$M" --help | awk '/^Commands:/ { on = 1; next } on && NF == 0 { on = 0 } on { print $1 }' | sort)
[ "$(echo "$cmds" | wc -l)" -ge 9 ] && ok || bad "mirlens --help lists too few commands: $cmds"
[ "$(comp "$M" "")" = "$cmds" ] && ok || bad "subcommands: $(comp "$M" "" | tr '\n' ' ')"
[ "$(comp "$M" ex)" = explain ] && ok || bad "'ex' completes to '$(comp "$M" ex)'"
for c in $cmds; do
    want=$("$M" "$c" --help | awk '$1 ~ /^-/ { for (i = 1; i <= NF; i++) if ($i ~ /^--[a-z]/) {
        o = $i; sub(/[,=].*/, "", o); print o } }' | sort -u)
    got=$(comp "$M" "$c" --)
    missing=$(comm -23 <(echo "$want") <(echo "$got"))
    [ -n "$want" ] && [ -z "$missing" ] && ok || bad "$c: options not completed: $missing"
done
[ "$(comp "$M" predict --thre)" = "--threads
--threshold" ] && ok || bad "predict --thre: $(comp "$M" predict --thre)"
[ "$(comp "$M" predict --thres)" = --threshold ] && ok || bad "predict --thres"
[ "$(comp "$M" predict --precision b)" = bf16 ] && ok || bad "--precision b"
comp "$M" explain --method "" | grep -qx integrated-gradients && ok || bad "--method values"
[ "$(comp "$M" explain --method shap,kern)" = shap,kernel-shap ] && ok || bad "--method a,b"
[ "$(comp "$M" predict examples/hair)" = examples/hairpins.fa ] && ok || bad "file names"
summary
