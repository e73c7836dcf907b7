#!/usr/bin/env bash
# Runs the interop pytest session inside a fresh network namespace that has only `lo`, so no test
# traffic can leave 127.0.0.0/8. Needs root (ip netns add).
#
#   scripts/run-interop-tests.sh [pytest args...]
#   MEETPAD_BRIDGE_BIN=.build/debug/meetpad-bridge   bridge binary (default; relative to the repo root)
#   MEETPAD_PYTHON=.venv/bin/python                  interpreter with aiortc + pytest (default .venv)
#   MEETPAD_ARTIFACTS=artifacts                      per-test bridge logs land in $MEETPAD_ARTIFACTS/<test>/,
#                                                    prosody's in $MEETPAD_ARTIFACTS/prosody-<test module>/
#   MEETPAD_ALLOW_MISSING_PROSODY=1                  skip (instead of fail) the XMPP tests when prosody is
#                                                    not installed (install-test-deps.sh installs it)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PY="${MEETPAD_PYTHON:-$ROOT/.venv/bin/python}"
export MEETPAD_BRIDGE_BIN="${MEETPAD_BRIDGE_BIN:-.build/debug/meetpad-bridge}"
export MEETPAD_ARTIFACTS="${MEETPAD_ARTIFACTS:-$ROOT/artifacts}"
export PYTHONDONTWRITEBYTECODE=1

[ -x "$PY" ] || { echo "run-interop-tests: no Python at $PY (run scripts/install-test-deps.sh or set MEETPAD_PYTHON)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "run-interop-tests: ip netns needs root" >&2; exit 2; }

NS="meetpad-test-$$"
cleanup() {
    # Anything still running inside our namespace was started by this run (a bridge left behind
    # by a killed pytest): stop it by pid, then drop the namespace.
    local pids
    pids="$(ip netns pids "$NS" 2>/dev/null || true)"
    if [ -n "$pids" ]; then
        kill $pids 2>/dev/null || true
        sleep 1
        pids="$(ip netns pids "$NS" 2>/dev/null || true)"
        [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
    fi
    ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
echo "run-interop-tests: namespace $NS, interfaces: $(ip netns exec "$NS" ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')"
echo "run-interop-tests: bridge $MEETPAD_BRIDGE_BIN, python $PY, logs in $MEETPAD_ARTIFACTS"
mkdir -p "$MEETPAD_ARTIFACTS"

set +e
ip netns exec "$NS" "$PY" -m pytest -c tests/interop/pytest.ini --rootdir tests/interop tests/interop "$@"
status=$?
set -e
exit $status
