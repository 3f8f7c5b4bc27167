#!/usr/bin/env bash
# make install into a temporary tree (DESTDIR, the default PREFIX=/usr/local, so nothing
# is rebuilt), then, run from another directory: the installed mirlens finds its default
# model in share/mirlens and prints what the build tree's does; so does the tree moved
# elsewhere; it never falls back on the build tree; pkg-config's flags compile and link a
# small program against the installed libmirlens.so; man pages and bash completion work;
# the installed Python package (Debian's python3) loads the installed library and model
# and agrees with the CLI; make uninstall leaves no file behind. Exit 0, 1 (failed), or 77
# (a tool absent). Run by `make check-install` and .ci/run.
set -u
cd "$(dirname "$0")/../.."
root=$PWD
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL install.sh: $*" >&2; }
for t in help2man pkg-config cc; do
    command -v $t >/dev/null || { echo "SKIP install.sh: $t not installed"; exit 77; }
done
T=$(mktemp -d /tmp/mirlens_install.XXXXXX)
trap 'rm -rf "$T"' EXIT
D=$T/dest P=$T/dest/usr/local
t0=$SECONDS
make -s install DESTDIR="$D" >"$T/log" 2>&1 && ok || { bad "make install: $(tail -5 "$T/log")"; exit 1; }
echo "install.sh: make install in $((SECONDS - t0)) s"
for f in bin/mirlens lib/libmirlens.so.0 lib/libmirlens.so lib/libmirlens.a include/mirlens.h \
    lib/pkgconfig/mirlens.pc share/mirlens/default.mrlm share/mirlens/genome.mrlm \
    share/mirlens/genome_scratch.mrlm \
    share/mirlens/background.u8 \
    share/mirlens/examples/hairpins.fa share/man/man1/mirlens.1 \
    share/man/man1/mirlens-predict.1 share/bash-completion/completions/mirlens; do
    [ -e "$P/$f" ] && ok || bad "not installed: $f"
done
readelf -d "$P/lib/libmirlens.so.0" | grep -q 'SONAME.*\[libmirlens\.so\.0\]' && ok || bad "SONAME"

./mirlens predict -q examples/hairpins.fa >"$T/want"
(cd / && "$P/bin/mirlens" predict -q "$P/share/mirlens/examples/hairpins.fa") >"$T/got" 2>"$T/err" &&
    cmp -s "$T/got" "$T/want" && ok || bad "installed mirlens predict: $(head -3 "$T/err" "$T/got")"
# the tree moved as a whole still finds its model; without it, the error names the install
# place (mrl_data_dir), not the build tree
mv "$T/dest/usr" "$T/moved"
(cd / && "$T/moved/local/bin/mirlens" predict -q "$T/moved/local/share/mirlens/examples/hairpins.fa") \
    >"$T/got2" 2>"$T/err" && cmp -s "$T/got2" "$T/want" && ok || bad "moved tree: $(head -3 "$T/err")"
mv "$T/moved/local/share/mirlens/default.mrlm" "$T/default.mrlm"
(cd / && "$T/moved/local/bin/mirlens" predict -q "$root/examples/hairpins.fa") >/dev/null 2>"$T/err"
rc=$?
mv "$T/default.mrlm" "$T/moved/local/share/mirlens/default.mrlm"
mv "$T/moved" "$T/dest/usr"
[ $rc = 1 ] && grep -q "mirlens predict: cannot open '/usr/local/share/mirlens/default.mrlm'" "$T/err" &&
    ! grep -q "$root" "$T/err" && ok || bad "without its model: exit $rc, $(cat "$T/err")"

# pkg-config: compile and link against the installed shared library
cat >"$T/use.c" <<'C'
#include <stdio.h>
#include <string.h>
#include "mirlens.h"
int main(void)
{
    const char *seq = "GGGGAAAACCCC";
    size_t len = strlen(seq);
    char s[13];
    int mfe;
    if (mrl_flat_fold(&seq, &len, 1, 1, 0, s, &mfe, NULL, NULL, NULL) < 0)
        return 1;
    char path[4096];
    int found = mrl_data_path("default.mrlm", path, sizeof path) == 0;
    printf("%s %s %d %s\n", MRL_VERSION, s, mfe, found ? path : mrl_errmsg());
    return 0;
}
C
pc() { PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --define-variable=prefix="$P" "$@" mirlens; }
[ "$(pc --modversion)" = "$(sed -n 's/^#define MRL_VERSION "\(.*\)"/\1/p' include/mirlens.h)" ] && ok ||
    bad "pkg-config --modversion: $(pc --modversion)"
if cc -std=c11 -Wall -Werror $(pc --cflags) -o "$T/use" "$T/use.c" $(pc --libs) 2>"$T/err"; then
    ok
    LD_LIBRARY_PATH="$P/lib" "$T/use" >"$T/out" 2>&1
    [ "$(cat "$T/out")" = "$(pc --modversion) ((((....)))) -540 $(readlink -f "$P")/share/mirlens/default.mrlm" ] &&
        ok || bad "the small program printed: $(cat "$T/out")"
    LD_LIBRARY_PATH="$P/lib" ldd "$T/use" | grep -q "libmirlens.so.0 => $P/lib/libmirlens.so.0" && ok ||
        bad "not linked to the installed libmirlens.so.0"
else
    bad "cc \$(pkg-config --cflags --libs mirlens): $(head -5 "$T/err")"
fi
# man pages render; completion sourced from the install offers the subcommands
if command -v man >/dev/null; then
    man -l "$P/share/man/man1/mirlens-predict.1" 2>/dev/null | grep -q -- '--threshold' && ok || bad "man mirlens-predict"
fi
grep -q '^\.SH "SEE ALSO"' "$P/share/man/man1/mirlens.1" && ok || bad "mirlens.1: no SEE ALSO"
(. "$P/share/bash-completion/completions/mirlens"; COMP_WORDS=("$P/bin/mirlens" sc); COMP_CWORD=1
 _mirlens; [ "${COMPREPLY[*]}" = scan ]) && ok || bad "installed completion"

# the Python package, installed beside the library
pyd=$(ls -d "$P"/lib/python3*/dist-packages 2>/dev/null | head -1)
if /usr/bin/python3 -c 'import cffi, numpy' 2>/dev/null && [ -n "$pyd" ]; then
    (cd / && PYTHONPATH="$pyd" PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -c '
import sys, mirlens
from mirlens import _lib
print(_lib.lib is not None and mirlens.data_path("default.mrlm"))
ids, seqs = [], []
for l in open(sys.argv[1]):
    (ids.append(l[1:].split()[0]), seqs.append("")) if l.startswith(">") else None
    seqs[-1] += "" if l.startswith(">") else l.strip()
p, m = mirlens.Model.load().predict(seqs)
for i, x in zip(ids, p): print("%s\t%.6f" % (i, x))' "$root/examples/hairpins.fa") >"$T/py" 2>&1
    [ "$(head -1 "$T/py")" = "$(readlink -f "$P")/share/mirlens/default.mrlm" ] && ok || bad "python: $(head -3 "$T/py")"
    tail -n +2 "$T/py" | cmp -s - <(awk -F'\t' 'NR > 1 { print $1 "\t" $5 }' "$T/want") && ok ||
        bad "python predict differs from the CLI: $(diff <(tail -n +2 "$T/py") <(awk -F'\t' 'NR > 1 { print $1 "\t" $5 }' "$T/want") | head -4)"
else
    echo "install.sh: Python part skipped (no python3-cffi/numpy or no dist-packages)"
fi

make -s uninstall DESTDIR="$D" >"$T/log" 2>&1 && ok || bad "make uninstall: $(tail -3 "$T/log")"
left=$(find "$D" -type f -o -type l)
[ -z "$left" ] && ok || bad "left after uninstall: $left"
echo "install.sh: $pass passed, $fail failed ($((SECONDS - t0)) s)"
[ $fail -eq 0 ]
