#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (fuzzer + address sanitizers) and runs each for
# FUZZ_SECONDS (default 30) on a scratch copy of its committed corpus, after replaying any
# committed reproducers in Fuzz/Crashes/<Target>. Prints one summary line per target and
# exits non-zero if any target crashed.
#
#   scripts/fuzz.sh                  all targets, 30 s each
#   FUZZ_SECONDS=60 scripts/fuzz.sh FuzzRTP FuzzRTCP
#
# New findings land in $FUZZ_WORK/<Target>/ (crash-*, and the grown corpus); the committed
# corpus is only read. Swift commands take the shared build lock when FUZZ_LOCK names one.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
FUZZ_WORK="${FUZZ_WORK:-$ROOT/Fuzz/.build/fuzz-work}"
FUZZ_LOCK="${FUZZ_LOCK:-}"
ALL_TARGETS=(FuzzSTUN FuzzRTP FuzzRTCP FuzzSRTP FuzzVP8 FuzzVP9 FuzzAV1DependencyDescriptor FuzzH264 FuzzColibriXML FuzzBridgeChannel FuzzEngine)
TARGETS=("${@:-${ALL_TARGETS[@]}}")

# -max_len per target: a UDP datagram's worth for the packet parsers (+1 for FuzzRTP's
# selector byte; FuzzSRTP a client's largest packet, 1300 bytes, and its selector: it runs
# eight sessions an input, so shorter inputs mean more of them), 256 for FuzzVP8 (a descriptor is at most 6 bytes, and a continuity
# script of 63 records can overflow the 32-frame history twice), 1100 for FuzzVP9 (past the largest
# scalability structure), 1024 for FuzzAV1DependencyDescriptor (past the largest template structure,
# which a two-byte header extension could not even carry), a datagram for FuzzH264, twice the largest
# Colibri2 request jicofo sends (§2.6 (a) is 3.8 KB; every XMLLimits bound but the 256 KB text
# and 1 MB stanza ones is reachable in far less, and those two are out of reach at 16 KB too,
# while parse cost grows with size), a large bridge-channel message, and several datagrams
# for the engine.
declare -A MAX_LEN=(
    [FuzzSTUN]=1500 [FuzzRTP]=1501 [FuzzRTCP]=1500 [FuzzSRTP]=1301 [FuzzVP8]=256
    [FuzzVP9]=1100 [FuzzAV1DependencyDescriptor]=1024 [FuzzH264]=1500
    [FuzzColibriXML]=8192 [FuzzBridgeChannel]=8192 [FuzzEngine]=4096
)

swift_locked() {
    if [[ -n "$FUZZ_LOCK" ]]; then flock "$FUZZ_LOCK" swift "$@"; else swift "$@"; fi
}

# The core-only root graph: the fuzz targets need no NIO or Hummingbird.
export MEETPAD_CORE_ONLY=1
# Swift 6.3.1's driver keeps only the last `-sanitize=` it is given, so SwiftPM's two flags
# compile Swift code with ASan but without coverage instrumentation (libFuzzer then runs
# blind: "no interesting inputs were found"). Passing both in one flag restores it; SwiftPM's
# own flags stay for the C targets and the link.
BUILD=(build --package-path "$ROOT/Fuzz" -c debug --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address)
swift_locked "${BUILD[@]}" 2> >(grep -v "Cannot export local symbol" >&2)
BIN="$(swift_locked "${BUILD[@]}" --show-bin-path)"

# Let libFuzzer report Swift traps: the runtime's own backtracer trips ASan ("unknown-crash
# in memserver_read") and buries the precondition message.
export SWIFT_BACKTRACE=enable=no
# No allocation stacks in ASan reports: unwinding and storing one per malloc took a quarter of
# FuzzColibriXML's time (3,200 -> 4,300 exec/s without it) and about a tenth of FuzzEngine's.
# Detection is unchanged; replay an artifact by hand, without this setting, for the stacks.
export ASAN_OPTIONS="${ASAN_OPTIONS:-malloc_context_size=0}"

failed=0
for target in "${TARGETS[@]}"; do
    [[ -n "${MAX_LEN[$target]:-}" ]] || { echo "unknown target $target" >&2; exit 2; }
    work="$FUZZ_WORK/$target"
    mkdir -p "$work/corpus"
    cp -n "$ROOT/Fuzz/Corpus/$target/"* "$work/corpus/" 2>/dev/null || true
    log="$work/fuzz.log"

    # Known reproducers first: a fixed bug must stay fixed.
    crashes=("$ROOT/Fuzz/Crashes/$target/"*)
    if [[ -e "${crashes[0]}" ]] && ! "$BIN/$target" -runs=0 "${crashes[@]}" >"$work/replay.log" 2>&1; then
        echo "$target: FAIL (a committed reproducer in Fuzz/Crashes/$target still crashes; see $work/replay.log)"
        failed=1
        continue
    fi

    status=ok
    (cd "$work" && "$BIN/$target" -max_total_time="$FUZZ_SECONDS" -max_len="${MAX_LEN[$target]}" \
        -print_final_stats=1 -artifact_prefix="$work/" corpus) >"$log" 2>&1 || status=CRASH
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)"
    speed="$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)"
    cov="$(grep -oE '(cov|ft): [0-9]+' "$log" | tail -2 | tr '\n' ' ')"
    if [[ "$status" == ok ]]; then
        echo "$target: ok  ${FUZZ_SECONDS}s  runs=$runs  exec/s=$speed  $cov corpus=$(ls "$work/corpus" | wc -l)"
    else
        artifact="$(ls -t "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null | head -1 || true)"
        echo "$target: CRASH  artifact=${artifact:-none}  log=$log"
        failed=1
    fi
done
exit "$failed"
