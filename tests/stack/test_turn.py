"""TURN/STUN for clients (docker-compose.yml, prosody): the upstream docker-jitsi-meet
(stable-11146-2) variables reach prosody, whose template turns them into XEP-0215 external services,
and none of them (TURN_CREDENTIALS / TURN_PASSWORD are secrets) reaches another container."""

from __future__ import annotations

from compose_env import (ENV_EXAMPLE, REPO_ROOT, compose_config, make_env_file, raw_environment_names,
                         service_environment)

# docker-jitsi-meet stable-11146-2 docker-compose.yml, prosody service, in upstream's order.
UPSTREAM_TURN_NAMES = ("STUN_HOST", "STUN_PORT", "TURN_CREDENTIALS", "TURN_USERNAME", "TURN_PASSWORD",
                       "TURN_HOST", "TURNS_HOST", "TURN_PORT", "TURNS_PORT", "TURN_TRANSPORT", "TURN_TTL")
VALUES = {"STUN_HOST": "stun.probe.test", "STUN_PORT": "3478", "TURN_CREDENTIALS": "probe-shared-secret",
          "TURN_USERNAME": "probe-user", "TURN_PASSWORD": "probe-turn-password", "TURN_HOST": "turn.probe.test",
          "TURNS_HOST": "turns.probe.test,turns2.probe.test", "TURN_PORT": "3478", "TURNS_PORT": "443",
          "TURN_TRANSPORT": "tcp,udp", "TURN_TTL": "3600"}


def test_prosody_gets_upstreams_turn_names_in_order():
    names = raw_environment_names("prosody")
    present = [n for n in names if n in UPSTREAM_TURN_NAMES]
    assert tuple(present) == UPSTREAM_TURN_NAMES


def test_turn_values_reach_prosody_only(tmp_path):
    config = compose_config(make_env_file(tmp_path, VALUES))
    prosody = service_environment(config, "prosody")
    assert {n: prosody.get(n) for n in UPSTREAM_TURN_NAMES} == VALUES
    for name, service in config["services"].items():
        if name != "prosody":
            leaked = set(service_environment(config, name)) & set(UPSTREAM_TURN_NAMES)
            assert not leaked, (name, leaked)


def test_unset_turn_is_not_passed(resolved):
    """.env.example offers no TURN server: prosody must then load no external_services module,
    which its template decides on TURN_HOST/TURNS_HOST being set at all."""
    prosody = service_environment(resolved, "prosody")
    assert not [n for n in UPSTREAM_TURN_NAMES if prosody.get(n)]


def test_env_example_and_guide_name_each_variable():
    example = ENV_EXAMPLE.read_text()
    guide = (REPO_ROOT / "docs" / "deployment.md").read_text()
    assert "## TURN" in guide
    for name in UPSTREAM_TURN_NAMES:
        assert f"`{name}`" in guide, name
    for name in ("TURNS_HOST", "TURNS_PORT", "TURN_CREDENTIALS", "TURN_HOST"):
        assert f"#{name}=" in example, name
