#!/usr/bin/env bash
# Allocation check of the micro-benchmarks in Benchmarks/ (ordo-one/benchmark): runs every
# benchmark measuring malloc counts only and compares them with Benchmarks/Thresholds/*.p90.json.
# Never a time check: timings vary with the machine, malloc counts do not.
#
#   scripts/bench-alloc.sh [extra benchmark options, e.g. --target ForwardBenchmarks]
#
# Exit status: 0 when every count matches its threshold, non-zero when a benchmark allocates
# more. To see where: swift package --package-path Benchmarks benchmark run --allocation-stacks
#   --metric mallocCountTotal --target ForwardBenchmarks
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/Benchmarks"
SWIFT="${SWIFT:-swift}"
# The engine and protocol modules need none of the NIO/Hummingbird shells.
export MEETPAD_CORE_ONLY=1

status=0
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
"$SWIFT" package benchmark thresholds check --path "$PWD/Thresholds" \
    --metric mallocCountTotal --no-progress "$@" 2>&1 | tee "$log" || status=$?
# The plugin fails the command for improvements too; only a regression is a failure here. The
# thresholds carry ~0.3% headroom because libsrtp2's NSS backend allocates a few times more on
# some runs (5003 instead of 5000 per 1000 packets); one more malloc per packet is +1000.
if [ "$status" -ne 0 ] && grep -q benchmarkThresholdImprovement "$log" && ! grep -q benchmarkThresholdRegression "$log"; then
    status=0
fi
# A benchmark whose setup throws (the forward fixtures do when the bridge forwards nothing) has no
# result, and the plugin then compares nothing and exits 0: count that as a failure.
if grep -q "setup failed" "$log"; then
    echo "bench-alloc: a benchmark's setup failed, so it was not measured; see above." >&2
    status=1
fi
if [ "$status" -eq 0 ]; then
    echo "bench-alloc: every benchmark is within its malloc-count threshold."
else
    echo "bench-alloc: malloc-count thresholds exceeded (exit $status); see the table above." >&2
fi
exit "$status"
