#!/usr/bin/env bash
# System packages the bridge builds against, plus what the test wrapper uses (ip netns, curl); then
# libnice's STUN library, which Debian packages only inside libnice.so (scripts/install-nice-stun.sh).
#
# Each entry is NAME or NAME>=VERSION. A package counts as present only when it is installed at
# that version or newer (dpkg --compare-versions), so a machine whose image ships an older build
# than the code needs gets it upgraded instead of skipped; the code itself must build against the
# oldest version named here. The minimums are Debian 12's own versions, which CI and the
# fresh-machine list (shared/fresh-machine-packages.txt) start from.
# Idempotent: with everything present it only prints a line; otherwise it runs apt-get update once
# and asks apt for exactly the missing or outdated packages.
set -euo pipefail

PACKAGES=(
    "libsrtp2-dev>=2.5.0"
    "libssl-dev>=3.0.0"
    "libusrsctp-dev>=0.9.5.0"
    # 2.5.0 is enough: reparse deferral (2.6 / Debian's later 2.5.0 updates) is looked up at run time.
    "libexpat1-dev>=2.5.0"
    pkg-config
    gcc     # builds libnice's STUN library
    iproute2
    curl
)
PACKAGES+=("$@")  # callers may add more, in the same NAME[>=VERSION] form

installed_version() {
    { dpkg-query -W -f='${Status}\t${Version}' "$1" 2>/dev/null || true; } \
        | awk -F'\t' '$1 == "install ok installed" { print $2 }'
}

wanted=()
for entry in "${PACKAGES[@]}"; do
    name="${entry%%>=*}"
    minimum=""
    [ "$name" != "$entry" ] && minimum="${entry#*>=}"
    version="$(installed_version "$name")"
    if [ -z "$version" ]; then
        wanted+=("$name")
    elif [ -n "$minimum" ] && ! dpkg --compare-versions "$version" ge "$minimum"; then
        echo "install-deps: $name $version is older than the $minimum the code needs: upgrading"
        wanted+=("$name")
    fi
done

NICE_STUN="$(dirname "${BASH_SOURCE[0]}")/install-nice-stun.sh"
if [ ${#wanted[@]} -eq 0 ]; then
    echo "install-deps: all ${#PACKAGES[@]} packages present"
    exec "$NICE_STUN"
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${wanted[*]}" >&2; exit 1; }
    SUDO="sudo"
fi
echo "install-deps: installing ${wanted[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${wanted[@]}"

# What apt brought must satisfy the minimums (a pinned or held package could still be too old).
for entry in "${PACKAGES[@]}"; do
    name="${entry%%>=*}"
    [ "$name" = "$entry" ] && continue
    version="$(installed_version "$name")"
    if [ -z "$version" ] || ! dpkg --compare-versions "$version" ge "${entry#*>=}"; then
        echo "install-deps: $name is ${version:-missing} after apt-get install; the code needs >= ${entry#*>=}" >&2
        exit 1
    fi
done
"$NICE_STUN"
