""".env.example's media address: shipped empty (no address that looks real and would be copied
into production), and its comment says what the value is for and that, today, the bridge is
unreachable from outside without it (meetpad-bridge has no STUN discovery yet)."""

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


def test_advertise_ips_comment_is_honest_about_today():
    comment = _comment_above("JVB_ADVERTISE_IPS")
    assert "DOCKER_HOST_ADDRESS" in comment  # the other name that works today
    assert "STUN" in comment and "not discover" in comment  # planned, not promised as present
    assert "third" in comment  # the symptom an operator will search for
