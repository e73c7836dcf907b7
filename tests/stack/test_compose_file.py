"""docker-compose.yml, .env.example and config/: accepted by docker-compose and wired as the
deployment guide says. Pure file checks plus `docker-compose config` (no engine, no network)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from compose_env import (COMPOSE_FILE, ENV_EXAMPLE, REPO_ROOT, SECRET_NAME, SECRETS, compose_config,
                         compose_config_raw, make_env_file, raw_compose, read_env_file, service_environment)

UPSTREAM_TAG = "stable-11146-2"
ETHERPAD_ALIAS = "etherpad.meet.jitsi"
ETHERPAD_PORT = 9001  # the etherpad image's default PORT; the compose file does not change it


# -- 1. docker-compose accepts the file ---------------------------------------------------------

def test_compose_config_accepts_env_example_after_gen_passwords(resolved):
    assert set(resolved["services"]) == {"web", "prosody", "jicofo", "jvb", "etherpad"}
    assert set(resolved["networks"]) == {"meet.jitsi"}
    for name, service in resolved["services"].items():
        assert set(service["networks"]) == {"meet.jitsi"}, name


def test_compose_config_accepts_env_example_as_shipped(tmp_path, compose_cli):
    """`docker-compose config` takes .env.example unchanged. Its secrets are empty, not defaulted:
    prosody and the bridge refuse to start with an empty password, and a .env without the
    secret lines at all stops compose with the gen-passwords hint."""
    resolved = compose_config(make_env_file(tmp_path, gen_passwords=False))
    for secret in SECRETS:
        for name, service in resolved["services"].items():
            assert not service_environment(resolved, name).get(secret), (name, secret)


def test_compose_config_refuses_an_env_without_secret_lines(tmp_path, compose_cli):
    env_file = make_env_file(tmp_path, gen_passwords=False)
    lines = [l for l in env_file.read_text().splitlines() if l.split("=", 1)[0].strip() not in SECRETS]
    env_file.write_text("\n".join(lines) + "\n")
    r = compose_config_raw(env_file)
    assert r.returncode != 0
    assert "gen-passwords" in r.stderr and any(s in r.stderr for s in SECRETS), r.stderr


# -- 2. wiring ----------------------------------------------------------------------------------

def test_upstream_images_pinned_to_one_stable_tag(resolved):
    for name in ("web", "prosody", "jicofo"):
        assert resolved["services"][name]["image"] == f"ghcr.io/jitsi/{name}:{UPSTREAM_TAG}"
    assert read_env_file(ENV_EXAMPLE)["JITSI_IMAGE_VERSION"] == UPSTREAM_TAG
    assert re.fullmatch(r"etherpad/etherpad:\d+\.\d+\.\d+", resolved["services"]["etherpad"]["image"])


def test_etherpad_alias_and_url_base_agree(resolved):
    etherpad = resolved["services"]["etherpad"]
    assert ETHERPAD_ALIAS in etherpad["networks"]["meet.jitsi"]["aliases"]
    url = urlparse(service_environment(resolved, "web")["ETHERPAD_URL_BASE"])
    assert (url.scheme, url.hostname, url.port) == ("http", ETHERPAD_ALIAS, ETHERPAD_PORT)
    assert "PORT" not in service_environment(resolved, "etherpad")
    assert read_env_file(ENV_EXAMPLE)["ETHERPAD_URL_BASE"] == f"http://{ETHERPAD_ALIAS}:{ETHERPAD_PORT}"


def test_pads_live_on_a_volume(resolved):
    assert "etherpad-data:/opt/etherpad-lite/var:rw" in resolved["services"]["etherpad"]["volumes"]
    assert "etherpad-data" in resolved["volumes"]


def test_custom_config_js_is_mounted_and_opens_the_pad(resolved):
    mounts = resolved["services"]["web"]["volumes"]
    source = REPO_ROOT / "config" / "web" / "custom-config.js"
    assert f"{source}:/config/custom-config.js:ro,z" in mounts
    js = _code_lines(source.read_text(), "//")
    assert "config.openSharedDocumentOnJoin = true;" in js
    # The bridge rewrites SSRCs and selects simulcast layers: clients keep their defaults.
    assert not any("ssrcRewritingEnabled" in line or "disableSimulcast" in line for line in js)


def test_jicofo_keeps_room_name_and_offers_upstream_codecs(resolved):
    source = REPO_ROOT / "config" / "jicofo" / "custom-jicofo.conf"
    assert f"{source}:/config/custom-jicofo.conf:ro,z" in resolved["services"]["jicofo"]["volumes"]
    conf = _code_lines(source.read_text(), "#")
    assert "shared-document.use-random-name = false" in conf
    # The bridge selects AV1/VP9 SVC and VP8 simulcast layers: jicofo offers what it offers upstream.
    assert not [line for line in conf if line.startswith("codec") or ".enabled" in line]
    # The template's own switches would be a second place for the same setting.
    jicofo_env = service_environment(resolved, "jicofo")
    assert not [n for n in jicofo_env if n.startswith("ENABLE_CODEC_") or n == "ENABLE_SHARED_DOCUMENT_RANDOM_NAME"]


def test_jvb_service_matches_upstream_shape(resolved):
    jvb = resolved["services"]["jvb"]
    assert jvb["build"]["dockerfile"] == "Dockerfile"
    assert jvb["depends_on"] == {"prosody": {"condition": "service_started"}}
    assert jvb["restart"] == "unless-stopped"
    assert jvb["healthcheck"]["test"][-1] == "http://127.0.0.1:8080/about/health"
    assert "127.0.0.1:8080:8080/tcp" in jvb["ports"]


def test_udp_port_published_equals_jvb_port(tmp_path, resolved):
    for config in (resolved, compose_config(make_env_file(tmp_path, {"JVB_PORT": "12345"}))):
        jvb = config["services"]["jvb"]
        port = int(service_environment(config, "jvb")["JVB_PORT"])
        udp = [p for p in jvb["ports"] if isinstance(p, dict) and p.get("protocol") == "udp"]
        assert len(udp) == 1 and (int(udp[0]["published"]), int(udp[0]["target"])) == (port, port), udp


def test_prosody_is_xmpp_meet_jitsi(resolved):
    assert resolved["services"]["prosody"]["networks"]["meet.jitsi"]["aliases"] == ["xmpp.meet.jitsi"]


def test_no_secret_has_a_default():
    text = COMPOSE_FILE.read_text()
    for m in re.finditer(r"\$\{([A-Z0-9_]+)([^}]*)\}", text):
        name, modifier = m.group(1), m.group(2)
        if SECRET_NAME.search(name):
            assert modifier == "" or modifier.startswith((":?", "?")), f"{m.group(0)} gives a secret a default"
    for service, definition in raw_compose()["services"].items():
        for item in definition.get("environment") or []:
            name, _, value = item.partition("=")
            if SECRET_NAME.search(name):
                assert value == "" or value.startswith("${"), f"{service}: {name} has a literal value"
    example = read_env_file(ENV_EXAMPLE)
    for name, value in example.items():
        if SECRET_NAME.search(name):
            assert value == "", f".env.example gives {name} a value"
    assert set(SECRETS) <= set(example)
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert not re.search(r"^(ENV|ARG)\s+\S*(PASSWORD|SECRET)", dockerfile, re.M)


def test_every_service_gets_the_same_secret(resolved, example_env_file):
    values = read_env_file(example_env_file)
    for service in ("prosody", "jvb"):
        assert service_environment(resolved, service)["JVB_AUTH_PASSWORD"] == values["JVB_AUTH_PASSWORD"]
    for service in ("prosody", "jicofo"):
        assert service_environment(resolved, service)["JICOFO_AUTH_PASSWORD"] == values["JICOFO_AUTH_PASSWORD"]


def _code_lines(text: str, comment: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith(comment)]


def test_expose_xmpp_override_publishes_prosody_c2s(example_env_file):
    import subprocess
    from compose_env import COMPOSE_FILE, docker_compose
    import yaml
    override = REPO_ROOT / "config" / "compose" / "expose-xmpp.yml"
    r = subprocess.run([docker_compose(), "--project-directory", str(REPO_ROOT), "-f", str(COMPOSE_FILE),
                        "-f", str(override), "--env-file", str(example_env_file), "config"],
                       capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    ports = yaml.safe_load(r.stdout)["services"]["prosody"]["ports"]
    assert [(int(p["published"]), int(p["target"])) for p in ports] == [(5222, 5222)], ports
