#!/usr/bin/env bash
# The one list of Debian 12 packages the bridge's runtime image needs: the shared libraries
# meetpad-bridge links (the Swift runtime and libnice's STUN library are linked statically, see
# Dockerfile and scripts/install-nice-stun.sh), CA certificates,
# and curl for the health check. The Dockerfile runs this script; scripts/check-image.sh runs it in a
# debootstrapped bookworm root and checks with ldd that nothing is missing, so the list is tested
# without a Docker engine.
#
#   scripts/install-runtime-libs.sh            install (as root; apt lists are removed afterwards)
#   scripts/install-runtime-libs.sh --print    print the package names, one a line, and exit
set -euo pipefail

PACKAGES=(
    libssl3        # libssl.so.3, libcrypto.so.3: DTLS, SCRAM-SHA-1 / STARTTLS of the XMPP client
    libsrtp2-1     # libsrtp2.so.1: SRTP/SRTCP
    libusrsctp2    # libusrsctp.so.2: the SCTP data channel
    libexpat1      # libexpat.so.1: Colibri2 and XMPP XML
    libstdc++6     # C++ runtime used by the statically linked Swift runtime
    libgcc-s1      # unwinder
    ca-certificates
    curl           # HEALTHCHECK: curl --fail http://127.0.0.1:8080/about/health
)

if [ "${1:-}" = "--print" ]; then
    printf '%s\n' "${PACKAGES[@]}"
    exit 0
fi

[ "$(id -u)" -eq 0 ] || { echo "install-runtime-libs: run as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
apt-get clean
rm -rf /var/lib/apt/lists/*
echo "install-runtime-libs: installed ${PACKAGES[*]}"
