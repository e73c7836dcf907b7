#!/usr/bin/env bash
# System packages the bridge builds against, plus what the test wrapper uses (ip netns, curl).
# Idempotent: installs only what is missing, and runs apt-get update at most once, only then.
set -euo pipefail

PACKAGES=(libsrtp2-dev libnice-dev libssl-dev libusrsctp-dev libexpat1-dev pkg-config iproute2 curl)
PACKAGES+=("$@")  # callers may add more (install-test-deps.sh adds python3-venv when needed)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#PACKAGES[@]} packages present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
