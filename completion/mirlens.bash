# bash completion for mirlens (installed as share/bash-completion/completions/mirlens).
# Subcommands come from `mirlens --help`, each subcommand's options from
# `mirlens CMD --help` (read once per shell and kept), so they never drift from the
# program; --method completes the explanation methods, other values complete file names.
_mirlens_help_words() { # CMD: the options that `mirlens CMD --help` lists
    "$1" ${2:+"$2"} --help 2>/dev/null |
        grep -E '^ +-' | grep -oE '(^|[ ,])--?[A-Za-z0-9][A-Za-z0-9-]*' | tr -d ' ,' | sort -u
}

_mirlens() {
    local cur prev prog=${COMP_WORDS[0]} cmd= i
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in -*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac
    done
    if [ -z "$cmd" ]; then
        [ -n "${_mirlens_cmds-}" ] ||
            _mirlens_cmds=$("$prog" --help 2>/dev/null | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--help --version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$_mirlens_cmds" -- "$cur"))
        fi
        return 0
    fi
    case $prev in
    --method) # the list after "(default ...):" in explain's help; comma-separated
        local methods pre=
        methods=$("$prog" explain --help 2>/dev/null | sed -n '/^ *--method/,/^ *--[a-z]/p' |
            sed '$d' | tr '\n' ' ' | sed 's/^[^)]*): *//; s/([a-z]*)//g; s/,/ /g')
        [[ $cur == *,* ]] && pre=${cur%,*},
        COMPREPLY=($(compgen -P "$pre" -W "all $methods" -- "${cur##*,}"))
        return 0
        ;;
    --format | -f)
        COMPREPLY=($(compgen -W "tsv csv json png u8" -- "$cur"))
        return 0
        ;;
    --precision)
        COMPREPLY=($(compgen -W "f32 bf16" -- "$cur"))
        return 0
        ;;
    esac
    if [[ $cur == -* ]]; then
        local var=_mirlens_opts_${cmd//-/_}
        [ -n "${!var-}" ] || printf -v "$var" '%s' "$(_mirlens_help_words "$prog" "$cmd")"
        COMPREPLY=($(compgen -W "${!var}" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
    return 0
}
complete -o filenames -o bashdefault -F _mirlens mirlens
