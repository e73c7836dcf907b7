#!/usr/bin/env bash
# Runs the interop tests' prosody (tests/interop/prosody.py: docker-jitsi-meet's shape, STARTTLS with a
# self-signed certificate, jvb/focus accounts with random passwords) in the foreground on a free
# 127.0.0.1 port, and prints the bridge command line that logs in to it. Ctrl-C stops it and removes
# its data. For trying the bridge's XMPP side by hand; the tests start their own.
#
#   scripts/test-prosody.sh [--log-dir DIR]      default $MEETPAD_ARTIFACTS/prosody-manual
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${MEETPAD_PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY=python3
cd "$ROOT"
exec "$PY" tests/interop/prosody.py "$@"
