#!/usr/bin/env bash
# libmirlens.so: SONAME libmirlens.so.MAJOR of MRL_VERSION, the two links, and exactly the
# functions include/mirlens.h declares exported (each one defined, nothing internal
# leaking); a program linked to it alone (no static library) runs.
NAME=shlib.sh
. "$(dirname "$0")/lib.sh"
B=${BUILD:-build}
dir=$([ "$B" = build ] && echo . || echo "$B")
ver=$(sed -n 's/^#define MRL_VERSION "\(.*\)"/\1/p' include/mirlens.h)
so=$dir/libmirlens.so.$ver
if ! command -v nm >/dev/null || ! command -v readelf >/dev/null; then
    skip "binutils (nm, readelf) not installed"
elif ! [ -e "$so" ]; then
    bad "no $so (make builds it)"
else
    readelf -d "$so" | grep -q "SONAME.*\[libmirlens\.so\.${ver%%.*}\]" && ok || bad "SONAME: $(readelf -d "$so" | grep SONAME)"
    [ "$(readlink "$dir/libmirlens.so.${ver%%.*}")" = "libmirlens.so.$ver" ] && ok || bad "libmirlens.so.${ver%%.*} link"
    [ "$(readlink -f "$dir/libmirlens.so")" = "$(readlink -f "$so")" ] && ok || bad "libmirlens.so link"
    # declared: a name followed by '(' at the start of a declaration (return type before it)
    awk '/^[A-Za-z].*[ *]mrl_[a-z0-9_]+\(/ { match($0, /mrl_[a-z0-9_]+\(/); print substr($0, RSTART, RLENGTH - 1) }' \
        include/mirlens.h | sort -u >"$T/declared"
    nm -D --defined-only "$so" | awk '$2 == "T" || $2 == "W" { print $3 }' | sed 's/@.*//' | sort -u >"$T/exported"
    [ "$(wc -l <"$T/declared")" -gt 150 ] && ok || bad "too few declarations found ($(wc -l <"$T/declared"))"
    missing=$(comm -23 "$T/declared" "$T/exported")
    extra=$(comm -13 "$T/declared" "$T/exported")
    [ -z "$missing" ] && ok || bad "declared, not exported: $missing"
    [ -z "$extra" ] && ok || bad "exported, not declared: $extra"
    printf '#include "mirlens.h"\n#include <stdio.h>\nint main(void){char b[4096];\n printf("%%s|%%d\\n", mrl_strerror(MRL_ERR_PARSE), mrl_data_path("default.mrlm", b, sizeof b));\n return 0;}\n' >"$T/u.c"
    if ${CC:-cc} -Iinclude -o "$T/u" "$T/u.c" -L"$dir" -lmirlens ${LDFLAGS:-} 2>"$T/err"; then
        [ "$(LD_LIBRARY_PATH=$dir "$T/u" 2>&1)" = "parse error|0" ] && ok || bad "linked program: $(LD_LIBRARY_PATH=$dir "$T/u" 2>&1 | head -3)"
    else
        bad "cc -lmirlens: $(head -3 "$T/err")"
    fi
fi
summary
