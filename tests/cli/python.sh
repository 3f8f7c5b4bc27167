#!/usr/bin/env bash
# The Python package (python/mirlens) with Debian's python3-pytest, against the command
# line (python/tests/test_mirlens.py): fold, encode, predict, explain, scan and the errors
# agree with what the commands print. Uses the build's libmirlens.so.N (MIRLENS_LIB) and
# Debian's /usr/bin/python3 (python3-cffi, python3-numpy, python3-pytest); skips (77) when
# any of those is missing. Under the sanitizer build the library carries ASan: its runtime
# is preloaded into the interpreter (leak checks off: CPython keeps memory on purpose).
NAME=python.sh
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
B=${BUILD:-build}
lib=$([ "$B" = build ] && echo . || echo "$B")/libmirlens.so.0
if ! [ -x $PY ] || ! $PY -c 'import cffi, numpy, pytest' 2>/dev/null; then
    skip "Debian's python3 with cffi, numpy and pytest not installed"
elif ! [ -e "$lib" ]; then
    skip "no $lib (make builds it)"
else
    pre=
    if nm -D --undefined-only "$lib" 2>/dev/null | grep -q __asan_; then
        pre=$(clang -print-file-name=libclang_rt.asan-x86_64.so 2>/dev/null)
        [ -e "$pre" ] || pre=
    fi
    if env ${pre:+LD_PRELOAD=$pre ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0} \
        MIRLENS="$M" MIRLENS_LIB="$(readlink -f "$lib")" PYTHONPATH=python \
        PYTHONDONTWRITEBYTECODE=1 $PY -m pytest -q -p no:cacheprovider python/tests \
        >"$T/log" 2>&1; then
        ok
    else
        bad "pytest: $(tail -20 "$T/log")"
    fi
    tail -1 "$T/log"
fi
summary
