#!/usr/bin/env bash
# libnice's STUN library, on its own: a static libnicestun.a, its headers and a pkg-config file
# (nice-stun.pc, which Package.swift's CNice names) under $PREFIX, default /usr/local.
#
# The bridge uses only libnice's STUN code (message parsing, integrity, fingerprint, the ICE and
# Binding usages). Debian's libnice.so.10 also holds the ICE agent, so it needs GLib, GIO, GnuTLS
# and gupnp-igd, which bring libsoup, libxml2, ICU, Kerberos and SQLite: 40 libraries and 6.7 MB of
# the idle bridge's resident memory (docs/idle-memory.md). libnice builds the same sources as a
# static library of their own (stun/meson.build); this script does what that rule does, from the
# source Debian 12 builds its libnice10 from, with OpenSSL for HMAC-SHA1, MD5 and random numbers
# (libnice's `crypto-library=openssl`; Debian's build chose GnuTLS, which computes the same).
#
#   scripts/install-nice-stun.sh     idempotent: with the same source and flags installed it only
#                                    prints a line
#   PREFIX=/usr/local  DEBIAN_MIRROR=https://deb.debian.org/debian  CC=cc
#
# Needs libssl-dev (scripts/install-deps.sh installs it first), a C compiler, curl, and root or
# sudo when PREFIX is not writable.
set -euo pipefail

VERSION=0.1.21
TARBALL="libnice_${VERSION}.orig.tar.gz"
# From libnice_0.1.21-1.dsc (Debian 12), the source of the libnice10 package.
SHA256=72e73a2acf20f59093e21d5601606e405873503eb35f346fa621de23e99b3b39
MIRROR="${DEBIAN_MIRROR:-https://deb.debian.org/debian}"
PREFIX="${PREFIX:-/usr/local}"
CC="${CC:-$(command -v cc || command -v gcc || command -v clang || true)}"
# stun/meson.build's sources, in its order.
SOURCES=(stunagent.c stunmessage.c stun5389.c stuncrc32.c rand.c stunhmac.c utils.c debug.c
         usages/ice.c usages/bind.c usages/turn.c usages/timer.c)
HEADERS=(stunagent.h stunmessage.h win32_common.h debug.h constants.h)
USAGE_HEADERS=(usages/bind.h usages/ice.h usages/turn.h usages/timer.h)
# PACKAGE_STRING is the SOFTWARE attribute libnice's own build puts in; no NDEBUG, as Debian's
# build (meson buildtype plain) keeps libnice's assertions.
CFLAGS=(-O2 -fPIC -g -DHAVE_OPENSSL=1 "-DPACKAGE_STRING=\"libnice $VERSION\""
        '-DG_LOG_DOMAIN="libnice-stun"' -Wno-deprecated-declarations)
# Bump when the flags or the file list change, so an installed copy is rebuilt.
BUILD_REVISION=2
STAMP="$PREFIX/lib/libnicestun.stamp"
WANTED="$VERSION $SHA256 $BUILD_REVISION"

if [ -f "$PREFIX/lib/libnicestun.a" ] && [ -f "$PREFIX/lib/pkgconfig/nice-stun.pc" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$WANTED" ]; then
    echo "install-nice-stun: libnice $VERSION STUN library present in $PREFIX"
    exit 0
fi
[ -n "$CC" ] || { echo "install-nice-stun: no C compiler (cc, gcc or clang)" >&2; exit 1; }

SUDO=""
if ! { mkdir -p "$PREFIX/lib" "$PREFIX/include" 2>/dev/null && [ -w "$PREFIX/lib" ] && [ -w "$PREFIX/include" ]; }; then
    command -v sudo >/dev/null || { echo "install-nice-stun: need root (or sudo) to write $PREFIX" >&2; exit 1; }
    SUDO="sudo"
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "install-nice-stun: fetching $TARBALL from $MIRROR"
curl --fail --silent --show-error --location --retry 3 -o "$WORK/$TARBALL" \
    "$MIRROR/pool/main/libn/libnice/$TARBALL"
echo "$SHA256  $WORK/$TARBALL" | sha256sum --check --quiet - \
    || { echo "install-nice-stun: $TARBALL does not match its Debian checksum" >&2; exit 1; }
tar -xzf "$WORK/$TARBALL" -C "$WORK" "libnice-$VERSION/stun"
STUN="$WORK/libnice-$VERSION/stun"

objects=()
for source in "${SOURCES[@]}"; do
    object="$WORK/$(basename "$source" .c).o"
    "$CC" "${CFLAGS[@]}" -I"$STUN" -I"$STUN/.." -c "$STUN/$source" -o "$object"
    objects+=("$object")
done
ar rcs "$WORK/libnicestun.a" "${objects[@]}"

$SUDO install -D -m 0644 "$WORK/libnicestun.a" "$PREFIX/lib/libnicestun.a"
for header in "${HEADERS[@]}" "${USAGE_HEADERS[@]}"; do
    $SUDO install -D -m 0644 "$STUN/$header" "$PREFIX/include/stun/$header"
done
# -lcrypto after the archive: its HMAC, MD5 and RAND_bytes calls.
cat >"$WORK/nice-stun.pc" <<PC
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: nice-stun
Description: libnice's STUN library (stun/), static, on OpenSSL
Version: $VERSION
Libs: -L\${libdir} -lnicestun -lcrypto
Cflags: -I\${includedir}
PC
$SUDO install -D -m 0644 "$WORK/nice-stun.pc" "$PREFIX/lib/pkgconfig/nice-stun.pc"
echo "$WANTED" | $SUDO tee "$STAMP" >/dev/null
echo "install-nice-stun: installed libnice $VERSION STUN library ($PREFIX/lib/libnicestun.a, $PREFIX/include/stun)"
