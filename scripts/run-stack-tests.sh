#!/usr/bin/env bash
# Runs tests/stack (compose wiring, gen-passwords, runtime package list, and the bridge's
# --print-config with the compose environment) in a network namespace without interfaces: nothing
# here needs the network, and a bridge binary can never bind a host port. Needs root (unshare).
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

exec unshare --net "$PY" -m pytest -c tests/stack/pytest.ini --rootdir tests/stack tests/stack "$@"
