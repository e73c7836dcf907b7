"""The bridge as docker-compose.yml starts it: the jvb service's environment, resolved by
`docker-compose config` from .env.example + scripts/gen-passwords, and the image's CMD. With host
names remapped to loopback (xmpp.meet.jitsi:5222 -> the prosody fixture, shaped like the upstream
prosody image), the bridge logs in, appears in the brewery as jicofo sees it, answers the health IQ
and the compose healthcheck, and leaves the brewery and exits 0 on SIGTERM (docker stop).
Uses tests/stack/compose_env.py; needs docker-compose (Debian package, no engine) and PyYAML."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("prosody", reason="needs the prosody fixture of the Colibri2-over-XMPP tests")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stack"))

from bridge_process import BridgeProcess  # noqa: E402
from compose_env import (compose_config, container_environment, dockerfile_cmd, make_env_file,  # noqa: E402
                         read_env_file, service_environment)

pytestmark = pytest.mark.bridge


def _port_free(kind: int, port: int) -> bool:
    with socket.socket(socket.AF_INET, kind) as s:
        try:
            s.bind(("0.0.0.0", port))
            return True
        except OSError:
            return False


def test_bridge_with_compose_environment_joins_brewery(running_prosody, brewery_focus, artifact_dir, tmp_path):
    binary = BridgeProcess().binary
    if binary.suffix == ".py":
        pytest.skip("the reference bridge (reference_bridge.py) has no XMPP")
    # The operator's .env: prosody creates the jvb account from the same JVB_AUTH_PASSWORD the
    # bridge gets, so the fixture's jvb password stands in for the generated one (gen-passwords
    # keeps a secret that is already set).
    env_file = make_env_file(tmp_path, {"JVB_AUTH_PASSWORD": running_prosody.passwords["jvb"]})
    assert read_env_file(env_file)["JVB_AUTH_PASSWORD"] == running_prosody.passwords["jvb"]
    config = compose_config(env_file)
    jvb_env = service_environment(config, "jvb")
    compose_healthcheck = config["services"]["jvb"]["healthcheck"]["test"]

    # Host names remapped to loopback, as /etc/hosts + a port mapping would.
    xmpp_alias = config["services"]["prosody"]["networks"]["meet.jitsi"]["aliases"][0]
    assert jvb_env.get("XMPP_SERVER", "xmpp.meet.jitsi") == xmpp_alias == "xmpp.meet.jitsi"
    nickname = socket.gethostname()  # JVB_MUC_NICKNAME is unset: the bridge uses its host name
    env = container_environment(jvb_env, hostname=nickname)
    env["XMPP_SERVER"] = f"{running_prosody.host}:{running_prosody.port}"
    media_port = int(env["JVB_PORT"])
    assert _port_free(socket.SOCK_DGRAM, media_port) and _port_free(socket.SOCK_STREAM, 8080), \
        "the compose ports (JVB_PORT/udp, 8080/tcp) are taken in this namespace"

    log_path = artifact_dir / "bridge.log"
    command = [str(binary), *dockerfile_cmd()]
    with open(log_path, "wb") as log:
        log.write(("$ " + " ".join(command) + "\n").encode())
        log.flush()
        started = time.monotonic()
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            presence = brewery_focus.wait_bridge(nickname, timeout=20, what="the compose-configured bridge")
            joined_after = time.monotonic() - started
            assert presence.stats is not None
            assert brewery_focus.healthcheck(nickname).type == "result"
            health = subprocess.run(compose_healthcheck[1:], capture_output=True, text=True, timeout=10)
            assert health.returncode == 0, f"compose healthcheck failed: {health.stdout}{health.stderr}"

            since = time.monotonic()
            proc.terminate()  # docker stop: SIGTERM; an empty bridge exits at once
            assert proc.wait(15) == 0
            brewery_focus.wait_bridge_gone(nickname, since=since - 1, timeout=5)
            print(f"compose-configured bridge in the brewery {joined_after:.2f} s after start; "
                  f"exit 0 {time.monotonic() - since:.2f} s after SIGTERM")
        except BaseException:
            print(f"--- bridge log tail ({log_path}) ---")
            print("\n".join(log_path.read_text(errors="replace").splitlines()[-40:]))
            raise
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)
