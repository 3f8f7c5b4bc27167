#!/usr/bin/env bash
# The Debian packages on a bare Debian 12: builds them (dpkg-buildpackage -us -uc -b in a
# temporary copy of the working tree, so nothing lands beside the repository) or takes
# them from DEBS=DIR, then installs mirlens, libmirlens0 and python3-mirlens with apt into
# a throwaway root: a fresh `debootstrap --variant=minbase bookworm` (~1.5 min), or BARE=DIR
# (an existing bare root, overlaid, never changed; it should be bare: the script says how
# many packages it holds), so dependencies resolve from the mirror. Inside it: `mirlens predict` of the shipped example
# prints what the build tree's ./mirlens prints, and the Python package's predictions of
# those sequences agree with it; man page, completion and data files are where they should
# be. Mounts are always undone. Root only; exit 0, 1 (failed) or 77 (cannot run here).
set -u
cd "$(dirname "$0")/../.."
root=$PWD
BARE=${BARE:-}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL deb_bare.sh: $*" >&2; }
[ "$(id -u)" = 0 ] || { echo "SKIP deb_bare.sh: needs root (chroot, mount)"; exit 77; }
for t in dpkg-buildpackage chroot mount; do
    command -v $t >/dev/null || { echo "SKIP deb_bare.sh: $t not installed"; exit 77; }
done
[ -x ./mirlens ] || { echo "FAIL deb_bare.sh: build ./mirlens first (make)"; exit 1; }
T=$(mktemp -d /tmp/mirlens_deb.XXXXXX)
R=$T/root
mounted=()
cleanup() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
t0=$SECONDS

# 1. the packages
if [ -n "${DEBS:-}" ]; then
    cp "$DEBS"/*.deb "$T/" || { bad "no .deb in $DEBS"; exit 1; }
else
    ver=$(sed -n '1s/^mirlens (\([^)]*\)).*/\1/p' debian/changelog)
    src=$T/src/mirlens-$ver
    mkdir -p "$src"
    # the working tree without build outputs: git's view where there is one
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git ls-files -z -co --exclude-standard | tar -c --null -T - | tar -x -C "$src"
    else
        tar -c --exclude=./.git --exclude=./build --exclude='./build-*' --exclude=./mirlens \
            --exclude='./libmirlens.*' . | tar -x -C "$src"
    fi
    if (cd "$src" && DEB_BUILD_OPTIONS="parallel=${JOBS:-2}" dpkg-buildpackage -us -uc -b) \
        >"$T/build.log" 2>&1; then
        ok
    else
        bad "dpkg-buildpackage: $(tail -15 "$T/build.log")"; exit 1
    fi
    mv "$T"/src/*.deb "$T/"
    echo "deb_bare.sh: packages built in $((SECONDS - t0)) s: $(cd "$T" && ls *.deb | tr '\n' ' ')"
fi
for p in mirlens libmirlens0 libmirlens-dev python3-mirlens; do
    ls "$T"/${p}_*.deb >/dev/null 2>&1 && ok || bad "no ${p}_*.deb"
done
# the package's version is the library's
v=$(dpkg-deb -f "$T"/mirlens_*.deb Version)
[ "$v" = "$(sed -n 's/^#define MRL_VERSION "\(.*\)"/\1/p' include/mirlens.h)" ] && ok ||
    bad "package version $v is not MRL_VERSION"
# the command is linked against the shared library (shipped once, in libmirlens0) and the
# package depends on it
mkdir -p "$T/x"
dpkg-deb -x "$T"/mirlens_*.deb "$T/x"
readelf -d "$T/x/usr/bin/mirlens" | grep -q 'NEEDED.*\[libmirlens\.so\.0\]' && ok ||
    bad "/usr/bin/mirlens does not link libmirlens.so.0"
dpkg-deb -f "$T"/mirlens_*.deb Depends | grep -q 'libmirlens0' && ok ||
    bad "mirlens does not depend on libmirlens0: $(dpkg-deb -f "$T"/mirlens_*.deb Depends)"

# 2. a throwaway bare Debian 12
t1=$SECONDS
mkdir -p "$R" "$T/up" "$T/work"
if [ -n "$BARE" ] && [ -d "$BARE/usr/bin" ]; then
    echo "deb_bare.sh: root from $BARE ($(chroot "$BARE" dpkg-query -W 2>/dev/null | wc -l) packages installed)"
    if mount -t overlay overlay -o "lowerdir=$BARE,upperdir=$T/up,workdir=$T/work" "$R" 2>/dev/null; then
        mounted+=("$R")
    else
        cp -a "$BARE/." "$R/"
    fi
elif command -v debootstrap >/dev/null; then
    mirror=$(sed -n 's/^URIs: *//p; s/^deb \([^ ]*\) .*/\1/p' /etc/apt/sources.list.d/*.sources \
        /etc/apt/sources.list 2>/dev/null | grep -v security | head -1)
    if ! debootstrap --variant=minbase bookworm "$R" "${mirror:-http://deb.debian.org/debian}" \
        >"$T/debootstrap.log" 2>&1; then
        # a container without the privileges (mknod, mount) cannot make a root: not a failure
        # of the packages, said as a skip
        if grep -qiE 'mknod|operation not permitted|permission denied' "$T/debootstrap.log"; then
            echo "SKIP deb_bare.sh: debootstrap cannot run here: $(grep -iE 'mknod|not permitted|denied' "$T/debootstrap.log" | head -2)"
            exit 77
        fi
        bad "debootstrap: $(tail -5 "$T/debootstrap.log")"; exit 1
    fi
    echo "deb_bare.sh: debootstrap in $((SECONDS - t1)) s"
else
    echo "SKIP deb_bare.sh: no bare root at $BARE and no debootstrap"; exit 77
fi
# apt reaches the host's mirror the way the host does: its sources and resolver
rm -f "$R"/etc/apt/sources.list "$R"/etc/apt/sources.list.d/*
cp -a /etc/apt/sources.list* "$R/etc/apt/" 2>/dev/null
cp -L /etc/resolv.conf "$R/etc/resolv.conf"
mount -t proc proc "$R/proc" && mounted+=("$R/proc") || echo "deb_bare.sh: no /proc in the root"
mount --bind /dev "$R/dev" && mounted+=("$R/dev") || echo "deb_bare.sh: no /dev bind in the root"
mkdir -p "$R/tmp/debs"
cp "$T"/mirlens_*.deb "$T"/libmirlens0_*.deb "$T"/python3-mirlens_*.deb "$R/tmp/debs/"
in_root() { chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
if in_root sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends /tmp/debs/*.deb' >"$T/apt.log" 2>&1; then
    ok
else
    bad "apt-get install in the bare root: $(tail -15 "$T/apt.log")"; exit 1
fi
echo "deb_bare.sh: installed in the bare root in $((SECONDS - t1)) s ($(grep -c '^Setting up' "$T/apt.log") packages set up)"

# 3. the installed command and package
./mirlens predict -q examples/hairpins.fa >"$T/want"
in_root sh -c 'cd / && mirlens predict -q /usr/share/mirlens/examples/hairpins.fa' >"$T/got" 2>"$T/err" &&
    cmp -s "$T/got" "$T/want" && ok || bad "mirlens predict in the bare root: $(head -3 "$T/err" "$T/got")"
cp "$root/examples/hairpins.fa" "$R/tmp/h.fa"
in_root python3 -c '
import mirlens
ids, seqs = [], []
for l in open("/tmp/h.fa"):
    if l.startswith(">"):
        ids.append(l[1:].split()[0]); seqs.append("")
    else:
        seqs[-1] += l.strip()
prob, margin = mirlens.Model.load().predict(seqs)
for i, p in zip(ids, prob):
    print("%s\t%.6f" % (i, p))
' >"$T/py" 2>&1
awk -F'\t' 'NR > 1 { print $1 "\t" $5 }' "$T/want" | cmp -s - "$T/py" && ok ||
    bad "python3 -c 'import mirlens; ...' in the bare root: $(head -5 "$T/py")"
in_root python3 -c 'import mirlens; print(mirlens.data_path("default.mrlm"))' 2>&1 |
    grep -qx /usr/share/mirlens/default.mrlm && ok || bad "mirlens.data_path in the bare root"
for f in /usr/share/man/man1/mirlens.1.gz /usr/share/man/man1/mirlens-predict.1.gz \
    /usr/share/bash-completion/completions/mirlens /usr/share/mirlens/genome.mrlm \
    /usr/share/mirlens/genome_scratch.mrlm; do
    [ -e "$R$f" ] && ok || bad "$f not installed"
done
in_root bash -c '. /usr/share/bash-completion/completions/mirlens; COMP_WORDS=(mirlens pre); COMP_CWORD=1
    _mirlens; [ "${COMPREPLY[*]}" = predict ]' && ok || bad "completion in the bare root"
echo "deb_bare.sh: $pass passed, $fail failed ($((SECONDS - t0)) s)"
[ $fail -eq 0 ]
