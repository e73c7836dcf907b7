#!/usr/bin/env bash
# make bench: the side-by-side load benchmark (docs in Benchmarks/LOAD.md).
#
#   scripts/bench.sh                 standard comparison: S1 N=10,25,50 and S2 5x4, our bridge vs
#                                    Janus 1.1.2 vs the C floor, 2 A/B repetitions; then the capacity
#                                    run: each one's highest 0-loss packet rate on one core, the floor
#                                    on libsrtp2 and on OpenSSL (< 15 min on 2 cores)
#   scripts/bench.sh --smoke         CI: S1 N=3 for 5 s against our bridge only; fails unless 0 loss
#   scripts/bench.sh --s1 100 ...    any bench.py flag (Benchmarks/LoadHarness/bench.py --help)
#
# Builds release binaries (the bridge, meetpad-load, meetpad-floor; debug ones for --smoke), installs Janus and libopus
# when missing, then runs Benchmarks/LoadHarness/bench.py, which writes Benchmarks/results/
# (latest.json, latest.svg, summary.md) and stops everything it started, also on Ctrl-C.
# BUILD_LOCK=/path wraps every swift command in flock (shared build machines).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SWIFT="${SWIFT:-swift}"
run_swift() {
    if [ -n "${BUILD_LOCK:-}" ]; then flock "$BUILD_LOCK" "$SWIFT" "$@"; else "$SWIFT" "$@"; fi
}

smoke=0
for arg in "$@"; do [ "$arg" = "--smoke" ] && smoke=1; done

extra=(libopus-dev util-linux python3)
[ "$smoke" = 1 ] || extra+=(janus)
scripts/install-deps.sh "${extra[@]}"

# Everything builds in the root package (the harness's sources are in Benchmarks/LoadHarness), so
# the harness compiles only its own files on top of the bridge's modules. The smoke run reuses the
# debug build `make test` already made; the comparison uses release builds.
unset MEETPAD_CORE_ONLY
# Release builds link the Swift runtime in, as the image and `make run` do (one description for all).
read -ra config < scripts/release-build-flags
[ "$smoke" = 1 ] && config=(-c debug)
if [ -z "${MEETPAD_BRIDGE_BIN:-}" ]; then
    run_swift build "${config[@]}" --product meetpad-bridge
    MEETPAD_BRIDGE_BIN="$(run_swift build "${config[@]}" --show-bin-path)/meetpad-bridge"
fi
run_swift build "${config[@]}" --product meetpad-load
[ "$smoke" = 1 ] || run_swift build "${config[@]}" --product meetpad-floor
bin="$(run_swift build "${config[@]}" --show-bin-path)"

exec python3 Benchmarks/LoadHarness/bench.py --bridge-bin "$MEETPAD_BRIDGE_BIN" \
    --load-bin "$bin/meetpad-load" --floor-bin "$bin/meetpad-floor" "$@"
