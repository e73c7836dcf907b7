"""docs/deployment.md, "Changing a password", against a real prosody (Debian's; the stable-11146-2
image runs prosody 13, which has the same shell command): what the image does at every start
(`prosodyctl shell user create`, upstream's register-setup) leaves an existing account's password
as it was, and the guide's `prosodyctl ... shell user password` command changes it, checked by
logging in (SASL PLAIN) with the old and the new password. Runs only on 127.0.0.1 inside the
network namespace of scripts/run-stack-tests.sh."""

from __future__ import annotations

import base64
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from compose_env import REPO_ROOT

PROSODY, PROSODYCTL = shutil.which("prosody"), shutil.which("prosodyctl")
GUIDE = REPO_ROOT / "docs" / "deployment.md"
DOCUMENTED = re.compile(r"docker compose exec prosody prosodyctl --config (\S+) \\\n\s+shell user password (\S+) ")

pytestmark = pytest.mark.skipif(not (PROSODY and PROSODYCTL), reason="prosody not installed (scripts/install-test-deps.sh)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _can_log_in(port: int, jid: str, password: str) -> bool:
    user, domain = jid.split("@")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"<?xml version='1.0'?><stream:stream to='{domain}' xmlns='jabber:client' "
                  "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>".encode())
        data = b""
        while b"</stream:features>" not in data:
            data += s.recv(4096) or pytest.fail(f"stream closed: {data!r}")
        assert b"<mechanism>PLAIN</mechanism>" in data, data
        token = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
        s.sendall(f"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{token}</auth>".encode())
        data = b""
        while b"<success" not in data and b"<failure" not in data:
            data += s.recv(4096) or pytest.fail(f"stream closed: {data!r}")
        return b"<success" in data


@pytest.fixture
def prosody(tmp_path):
    port = _free_port()
    data = tmp_path / "data"
    data.mkdir()
    config = tmp_path / "prosody.cfg.lua"
    # Only what the test needs: internal_hashed accounts on the auth domain (as docker's), the
    # admin shell prosodyctl talks to, and PLAIN without TLS so the login check needs no certificate.
    config.write_text(f"""
run_as_root = true
pidfile = "{tmp_path}/prosody.pid"
data_path = "{data}"
log = {{ info = "{tmp_path}/prosody.log" }}
interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {port} }}
s2s_ports = {{}}
http_ports = {{}}
https_ports = {{}}
modules_enabled = {{ "admin_shell", "saslauth" }}
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_hashed"
VirtualHost "auth.meet.jitsi"
""")
    proc = subprocess.Popen([PROSODY, "--config", str(config), "-F"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    deadline = time.monotonic() + 10
    while not (data / "prosody.sock").exists():
        assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "prosody.log").read_text()
        time.sleep(0.1)
    yield config, port
    proc.terminate()
    proc.wait(timeout=10)


def _prosodyctl(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PROSODYCTL, "--config", str(config), "shell", *args], capture_output=True, text=True,
                          timeout=30, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})


def test_documented_command_changes_the_stored_password(prosody):
    config, port = prosody
    m = DOCUMENTED.search(GUIDE.read_text())
    assert m, "the guide's prosodyctl command"
    assert m.group(1) == "/run/prosody/config/prosody.cfg.lua"  # the image's rendered config (register-setup)
    jid = m.group(2)
    assert jid == "jvb@auth.meet.jitsi"

    r = _prosodyctl(config, "user", "create", jid, "old-secret")
    assert r.returncode == 0, r.stdout + r.stderr
    # A restart with a new JVB_AUTH_PASSWORD: register-setup's create refuses, the old one stays.
    r = _prosodyctl(config, "user", "create", jid, "new-secret")
    assert r.returncode != 0 and "User exists" in r.stdout + r.stderr
    assert _can_log_in(port, jid, "old-secret") and not _can_log_in(port, jid, "new-secret")

    r = _prosodyctl(config, "user", "password", jid, "new-secret")
    assert r.returncode == 0 and "User password changed" in r.stdout, r.stdout + r.stderr
    assert _can_log_in(port, jid, "new-secret") and not _can_log_in(port, jid, "old-secret")
