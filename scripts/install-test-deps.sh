#!/usr/bin/env bash
# install-deps.sh + a Python venv at .venv with the interop harness' packages (tests/interop/requirements.txt),
# plus what the XMPP interop tests start themselves: prosody (Debian's 0.12, the XMPP server the bridge
# logs in to; the tests run their own instance on a free loopback port, never the system service) and
# openssl (the tests' self-signed certificate for prosody's STARTTLS).
# Idempotent: the venv is reinstalled only when requirements.txt changed (stamp file) or imports fail.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
# prosody for the XMPP tests; docker-compose (Debian's, no engine needed) for `docker-compose config`;
# libopus for the load harness (built with the tests, smoke-run by make test); chromium + chromium-driver
# for the default-client tests (tests/interop/chromium_client.py drives Debian's Chromium through its
# chromedriver with selenium, so selenium-manager never downloads a browser or driver); coturn (its
# `turnserver --stun-only` is the STUN server) and nftables (the NAT) for the public-address tests
# (tests/interop/nat_topology.py), which run both inside namespaces of their own.
extra=(prosody openssl docker-compose libopus-dev chromium chromium-driver coturn nftables)
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    extra+=(python3-venv)
fi
"$ROOT/scripts/install-deps.sh" "${extra[@]}"

VENV="$ROOT/.venv"
REQ="$ROOT/tests/interop/requirements.txt"
STACK_REQ="$ROOT/tests/stack/requirements.txt"
STAMP="$VENV/.requirements.sha256"
want="$(cat "$REQ" "$STACK_REQ" | sha256sum | cut -d' ' -f1)"

if [ -x "$VENV/bin/python" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ] \
   && "$VENV/bin/python" -c 'import aiortc, aioice, av, pytest, requests, selenium, slixmpp, yaml' >/dev/null 2>&1; then
    echo "install-test-deps: $VENV up to date"
    exit 0
fi

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ" -r "$STACK_REQ"
echo "$want" > "$STAMP"
"$VENV/bin/python" -c 'import aiortc, aioice, selenium, slixmpp; print("install-test-deps: aiortc", aiortc.__version__, "aioice", aioice.__version__, "slixmpp", slixmpp.__version__, "selenium", selenium.__version__)'
