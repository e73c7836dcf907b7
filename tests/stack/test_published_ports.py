"""What the stack publishes on the host. Docker-published ports bypass ufw and INPUT rules, so a
port is private only when it is published on one address: only web (HTTP/HTTPS) and the bridge's
media port are public; the bridge's HTTP and jicofo's REST are on 127.0.0.1; expose-xmpp.yml can
publish prosody's port on one address (XMPP_PUBLIC_PORT=<address>:5222), as docs/deployment.md says."""

from __future__ import annotations

import subprocess

import yaml

from compose_env import COMPOSE_FILE, REPO_ROOT, docker_compose, make_env_file

EXPOSE_XMPP = REPO_ROOT / "config" / "compose" / "expose-xmpp.yml"
GUIDE = REPO_ROOT / "docs" / "deployment.md"


def _published(ports) -> list[tuple[str, int, int, str]]:
    """(host address or '', published, target, protocol) for each entry, short or long form."""
    out = []
    for p in ports or []:
        if isinstance(p, dict):
            out.append((p.get("host_ip", ""), int(p["published"]), int(p["target"]), p.get("protocol", "tcp")))
        else:
            spec, _, protocol = str(p).partition("/")
            parts = spec.split(":")
            address = parts[0] if len(parts) == 3 else ""
            out.append((address, int(parts[-2]), int(parts[-1]), protocol or "tcp"))
    return out


def test_only_web_and_media_are_public(resolved):
    public = {(name, published, protocol)
              for name, service in resolved["services"].items()
              for address, published, _, protocol in _published(service.get("ports"))
              if address in ("", "0.0.0.0")}
    assert public == {("web", 80, "tcp"), ("web", 443, "tcp"), ("jvb", 10000, "udp")}, public
    for name in ("jvb", "jicofo"):
        private = [a for a, _, _, proto in _published(resolved["services"][name]["ports"]) if proto == "tcp"]
        assert private == ["127.0.0.1"], (name, private)


def _expose_xmpp(env_file) -> list:
    r = subprocess.run([docker_compose(), "--project-directory", str(REPO_ROOT), "-f", str(COMPOSE_FILE),
                        "-f", str(EXPOSE_XMPP), "--env-file", str(env_file), "config"],
                       capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    return _published(yaml.safe_load(r.stdout)["services"]["prosody"]["ports"])


def test_expose_xmpp_can_bind_one_address(tmp_path):
    ports = _expose_xmpp(make_env_file(tmp_path, {"XMPP_PUBLIC_PORT": "10.8.0.1:5222"}))
    assert ports == [("10.8.0.1", 5222, 5222, "tcp")]


def test_guide_explains_docker_user_and_binding():
    guide = GUIDE.read_text()
    assert "DOCKER-USER" in guide and "--ctorigdstport" in guide
    assert "ufw" in guide
    assert "XMPP_PUBLIC_PORT=<VPN address>:5222" in guide
    assert "DOCKER-USER" in EXPOSE_XMPP.read_text()
