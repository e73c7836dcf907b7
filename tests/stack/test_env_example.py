""".env.example's media address: shipped empty (no address that looks real and would be copied
into production), relying on STUN discovery as upstream does; its comment says what the value is
for, when to set it, and what a wrong one looks like."""

from __future__ import annotations

import re

from compose_env import ENV_EXAMPLE, read_env_file, service_environment

IPV4 = re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")


def _comment_above(name: str) -> str:
    lines = ENV_EXAMPLE.read_text().splitlines()
    index = next(i for i, l in enumerate(lines) if l.startswith(f"{name}="))
    comment = []
    for line in reversed(lines[:index]):
        if not line.startswith("#"):
            break
        comment.insert(0, line.lstrip("# "))
    return " ".join(comment)


def test_advertise_ips_is_empty_and_reaches_jvb_empty(resolved):
    assert read_env_file(ENV_EXAMPLE)["JVB_ADVERTISE_IPS"] == ""
    assert not service_environment(resolved, "jvb").get("JVB_ADVERTISE_IPS")


def test_no_address_literal_anywhere_in_env_example():
    # Loopback (where private ports are published) is the one address that is the same everywhere.
    assert not [a for a in IPV4.findall(ENV_EXAMPLE.read_text()) if not a.startswith("127.")]


def test_advertise_ips_comment_says_stun_fills_it():
    comment = _comment_above("JVB_ADVERTISE_IPS")
    assert "DOCKER_HOST_ADDRESS" in comment  # the other name that works
    assert "Empty" in comment and "STUN" in comment  # what happens with the shipped value
    assert "third" in comment  # the symptom an operator will search for
    assert "media unreachable" in comment  # the bridge's own log line for it


def test_stun_defaults_to_upstreams_server(resolved):
    jvb = service_environment(resolved, "jvb")
    assert jvb["JVB_STUN_SERVERS"] == "meet-jit-si-turnrelay.jitsi.net:443"
    assert "JVB_DISABLE_STUN" not in jvb  # compose passes it only when .env sets it
