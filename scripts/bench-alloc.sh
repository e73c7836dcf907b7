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
"$SWIFT" package benchmark thresholds check --path "$PWD/Thresholds" \
    --metric mallocCountTotal --no-progress "$@" || status=$?
case "$status" in
    0) echo "bench-alloc: every benchmark is within its malloc-count threshold." ;;
    4)
        # The tool's code for "only improvements": keep the thresholds tight.
        echo "bench-alloc: fewer allocations than Benchmarks/Thresholds/ allows; lower the thresholds."
        status=0
        ;;
    *) echo "bench-alloc: malloc-count thresholds exceeded (exit $status); see the table above." >&2 ;;
esac
exit "$status"
