#!/usr/bin/env bash
# Checks the runtime image's package list without a Docker engine: debootstraps Debian 12 (minbase,
# like debian:bookworm-slim) once into a cached folder, copies it to a clean root, runs
# scripts/install-runtime-libs.sh there in a chroot (exactly what the Dockerfile runs), puts the bridge
# binary in, and fails if `ldd` reports any library "not found" or the binary cannot print its help.
#
#   scripts/check-image.sh [BINARY]            default .build/release/meetpad-bridge
#   MEETPAD_IMAGE_ROOT=/var/tmp/meetpad-image-root   cache (base/ is kept between runs, run/ is rebuilt)
#   DEBIAN_MIRROR=http://deb.debian.org/debian
#
# The image links the Swift runtime statically (--static-swift-stdlib). A binary that still needs
# libswift*.so (a debug build, or a release build without that flag) gets the Swift runtime libraries
# it names copied from the host toolchain into /usr/lib/swift/linux of the root, and the script says so.
# Needs root (debootstrap, chroot, unshare) and network access to the Debian mirror (apt only; the
# bridge binary itself only ever runs in a network namespace without interfaces).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-$ROOT/.build/release/meetpad-bridge}"
CACHE="${MEETPAD_IMAGE_ROOT:-/var/tmp/meetpad-image-root}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
BASE="$CACHE/base"
RUN="$CACHE/run"

log() { echo "check-image: $*"; }
# Runs a command in the root, isolated like a container: own network namespace with no interfaces
# (nothing it starts can bind or reach a host port), own PID namespace, /proc mounted (Swift's
# CommandLine reads /proc/self/cmdline: without /proc the bridge sees no arguments), and a time limit.
in_root() {
    timeout -s KILL 60 unshare --net --pid --mount --fork --kill-child --mount-proc="$RUN/proc" chroot "$RUN" "$@"
}
die() { echo "check-image: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot)"
[ -x "$BIN" ] || die "no bridge binary at $BIN (make build-release, or pass a path)"
command -v debootstrap >/dev/null || die "debootstrap missing (apt-get install debootstrap)"

start=$(date +%s)
if [ ! -f "$BASE/.meetpad-complete" ]; then
    log "debootstrap bookworm (minbase) into $BASE from $MIRROR"
    rm -rf "$BASE"
    mkdir -p "$CACHE"
    debootstrap --variant=minbase bookworm "$BASE" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
        || { tail -20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }
    # The same suites as the debian:bookworm-slim image.
    cat >"$BASE/etc/apt/sources.list" <<SOURCES
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
    touch "$BASE/.meetpad-complete"
else
    log "reusing cached $BASE"
fi

log "fresh root $RUN"
rm -rf "$RUN"
cp -a "$BASE" "$RUN"
cp /etc/resolv.conf "$RUN/etc/resolv.conf"
install -m 0755 "$ROOT/scripts/install-runtime-libs.sh" "$RUN/tmp/install-runtime-libs.sh"
install -m 0755 "$BIN" "$RUN/usr/local/bin/meetpad-bridge"

log "running install-runtime-libs.sh in the chroot"
chroot "$RUN" /tmp/install-runtime-libs.sh >"$CACHE/install.log" 2>&1 \
    || { tail -20 "$CACHE/install.log" >&2; die "install-runtime-libs.sh failed (log: $CACHE/install.log)"; }
tail -1 "$CACHE/install.log"

swift_libs="$(ldd "$BIN" | awk '$1 ~ /^lib(swift|Foundation|_Foundation|dispatch|BlocksRuntime)/ {print $3}')"
if [ -n "$swift_libs" ]; then
    log "NOTE: $BIN links the Swift runtime dynamically (not a --static-swift-stdlib build);"
    log "      copying its $(echo "$swift_libs" | wc -l) Swift runtime libraries into /usr/lib/swift/linux"
    mkdir -p "$RUN/usr/lib/swift/linux"
    for lib in $swift_libs; do cp -L "$lib" "$RUN/usr/lib/swift/linux/"; done
    echo /usr/lib/swift/linux >"$RUN/etc/ld.so.conf.d/swift.conf"
    chroot "$RUN" ldconfig
fi

ldd_out="$(in_root ldd /usr/local/bin/meetpad-bridge)"
echo "$ldd_out" >"$CACHE/ldd.txt"
missing="$(echo "$ldd_out" | grep 'not found' || true)"
[ -z "$missing" ] || { echo "$missing" >&2; die "unresolved libraries in a clean bookworm root"; }
log "ldd: $(echo "$ldd_out" | grep -c '=>') libraries, all resolved (full list: $CACHE/ldd.txt)"

in_root /usr/local/bin/meetpad-bridge --help >"$CACHE/help.out" 2>"$CACHE/help.err" \
    && grep -q USAGE "$CACHE/help.out" \
    || { cat "$CACHE/help.err" >&2; die "meetpad-bridge --help did not print its usage in the chroot"; }
log "meetpad-bridge --help runs in the chroot"
log "OK in $(( $(date +%s) - start )) s"
