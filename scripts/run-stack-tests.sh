#!/usr/bin/env bash
# Runs tests/stack (compose wiring, gen-passwords, runtime package list, the bridge's
# --print-config with the compose environment, and the guide's prosody password change against a
# throwaway prosody) in a network namespace with only its own loopback: nothing here needs the
# network, and neither a bridge binary nor prosody can bind a host port. Needs root (unshare).
#
#   scripts/run-stack-tests.sh [pytest args...]
#   MEETPAD_BRIDGE_BIN=.build/debug/meetpad-bridge   binary for the --print-config checks
#   MEETPAD_PYTHON=.venv/bin/python                  interpreter (gets tests/stack/requirements.txt)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PY="${MEETPAD_PYTHON:-$ROOT/.venv/bin/python}"
export MEETPAD_BRIDGE_BIN="${MEETPAD_BRIDGE_BIN:-.build/debug/meetpad-bridge}"
export PYTHONDONTWRITEBYTECODE=1

[ -x "$PY" ] || { echo "run-stack-tests: no Python at $PY (run scripts/install-test-deps.sh or set MEETPAD_PYTHON)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "run-stack-tests: unshare --net needs root" >&2; exit 2; }

# docker-compose: Debian's package, used for `docker-compose config` only (no engine).
"$ROOT/scripts/install-deps.sh" docker-compose
if ! "$PY" -c 'import yaml, pytest' >/dev/null 2>&1; then
    "$PY" -m pip install -q --disable-pip-version-check -r tests/stack/requirements.txt
fi

exec unshare --net sh -c 'ip link set lo up && exec "$@"' run-stack-tests \
    "$PY" -m pytest -c tests/stack/pytest.ini --rootdir tests/stack tests/stack "$@"
