#!/usr/bin/env bash
# make soak: the release bridge under a modest churning load for an hour, watched for leaks
# (Benchmarks/LOAD.md "Soak"). Not part of make test.
#
#   scripts/soak.sh                                  20 endpoints, 4 conferences (1 churned), 1 h, a sample a minute
#   scripts/soak.sh --duration 300 --interval 30     a 5-minute check
#   scripts/soak.sh --endpoints 40 --conferences 8   any scripts/soak.py flag (scripts/soak.py --help)
#
# Installs libopus when missing, builds the release bridge and meetpad-load under a build lock
# (BUILD_LOCK, default /tmp/swift-build.lock: builds on a shared machine take turns), then runs
# scripts/soak.py, which writes Benchmarks/results/soak/ (latest.json, latest.svg, one folder of
# logs per run) and exits non-zero on an RSS range over ±2 %, any loss, or gauges left non-zero.
# MEETPAD_BRIDGE_BIN=/path skips building the bridge and soaks that binary instead.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SWIFT="${SWIFT:-swift}"
LOCK="${BUILD_LOCK:-/tmp/swift-build.lock}"
run_swift() { flock "$LOCK" "$SWIFT" "$@"; }

scripts/install-deps.sh libopus-dev util-linux python3

unset MEETPAD_CORE_ONLY
# As the image, `make run` and the benchmarks build (one description for all).
read -ra release < scripts/release-build-flags
run_swift build "${release[@]}" --product meetpad-load
bin="$(run_swift build "${release[@]}" --show-bin-path)"
if [ -z "${MEETPAD_BRIDGE_BIN:-}" ]; then
    run_swift build "${release[@]}" --product meetpad-bridge
    MEETPAD_BRIDGE_BIN="$bin/meetpad-bridge"
fi

exec python3 scripts/soak.py --bridge-bin "$MEETPAD_BRIDGE_BIN" --load-bin "$bin/meetpad-load" "$@"
