"""Every variable docker-compose.yml passes to jvb is one meetpad-bridge applies: run
`meetpad-bridge --print-config` with exactly the environment compose gives the container and check
that each name shows up as the source of a setting (CONTRACT-XMPP.md). --print-config opens no
socket; scripts/run-stack-tests.sh still runs this file in a network namespace with only loopback."""

from __future__ import annotations

import pytest

from bridge_config import bridge_binary, print_config, print_config_missing_reason
from compose_env import container_environment, dockerfile_cmd, raw_environment_names, read_env_file, service_environment

pytestmark = pytest.mark.bridge

# A value for each name compose may pass, for the names .env.example leaves unset.
PROBES = {
    "XMPP_SERVER": "xmpp.probe.test", "XMPP_PORT": "5299", "XMPP_AUTH_DOMAIN": "auth.probe.test",
    "XMPP_INTERNAL_MUC_DOMAIN": "internal-muc.probe.test", "JVB_AUTH_USER": "probe-user",
    "JVB_BREWERY_MUC": "probebrewery", "JVB_MUC_NICKNAME": "probe-nick", "JVB_DISABLE_XMPP": "true",
    "JVB_ADVERTISE_IPS": "198.51.100.7", "DOCKER_HOST_ADDRESS": "198.51.100.8",
    "JVB_ADVERTISE_PRIVATE_CANDIDATES": "false", "JVB_OCTO_REGION": "probe-region",
    "JVB_GRACEFUL_SHUTDOWN_MAX_DURATION": "1234", "JVB_SHUTTING_DOWN_DELAY": "17",
    "COLIBRI_REST_ENABLED": "true", "SHUTDOWN_REST_ENABLED": "true", "ENABLE_JVB_XMPP_SERVER": "true",
    "JVB_XMPP_SERVER": "xmpp.jvb.probe.test", "JVB_XMPP_PORT": "6299", "JVB_XMPP_AUTH_DOMAIN": "auth.jvb.probe.test",
    "JVB_XMPP_INTERNAL_MUC_DOMAIN": "muc.jvb.probe.test", "TZ": "Europe/Berlin", "JVB_PORT": "10001",
    "DISABLE_CERTIFICATE_VERIFICATION": "true", "JVB_AUTH_PASSWORD": "probe-secret",
    "JVB_STUN_SERVERS": "stun.probe.test:3478", "JVB_DISABLE_STUN": "true", "JVB_SRTP_BACKEND": "libsrtp",
    "JVB_MEDIA_THREADS": "3", "JVB_UDP_GSO": "false",
}
# Names that only apply in another configuration: the probe runs with these changes too.
CONTEXT = {
    "DOCKER_HOST_ADDRESS": {"JVB_ADVERTISE_IPS": None},  # the fallback when JVB_ADVERTISE_IPS is unset
    **{n: {"ENABLE_JVB_XMPP_SERVER": "true"} for n in
       ("JVB_XMPP_SERVER", "JVB_XMPP_PORT", "JVB_XMPP_AUTH_DOMAIN", "JVB_XMPP_INTERNAL_MUC_DOMAIN")},
}
# Passed as upstream passes it, read by libc rather than by a setting: --print-config lists it as
# understood (ignored-env=TZ), which is all the bridge can show for it.
UNDERSTOOD_NOT_A_SETTING = {"TZ"}


@pytest.fixture(scope="module")
def binary():
    reason = print_config_missing_reason(bridge_binary())
    if reason:
        pytest.skip(reason)
    return bridge_binary()


@pytest.fixture(scope="module")
def jvb_env(resolved):
    return container_environment(service_environment(resolved, "jvb"), hostname="jvb-test")


def _with(env: dict, changes: dict) -> dict:
    out = dict(env)
    for name, value in changes.items():
        if value is None:
            out.pop(name, None)
        else:
            out[name] = value
    return out


def test_compose_environment_prints_as_expected(binary, jvb_env, example_env_file):
    printed = print_config(jvb_env, binary, tuple(dockerfile_cmd()))
    assert printed.returncode == 0, printed.text
    values = printed.values()
    example = read_env_file(example_env_file)
    assert values["media.port"] == jvb_env["JVB_PORT"] == example["JVB_PORT"]
    # .env.example ships no address (the operator's own, docs/deployment.md), and an empty value
    # advertises nothing rather than an empty address.
    assert example["JVB_ADVERTISE_IPS"] == "" and values["media.advertise-ips"] == ""
    # Printed as ip#port; the port advertised must be the published one.
    chosen = print_config({**jvb_env, "JVB_ADVERTISE_IPS": "198.51.100.7,192.0.2.8"}, binary,
                          tuple(dockerfile_cmd())).values()
    advertised = [a.partition("#") for a in chosen["media.advertise-ips"].split(",")]
    assert [ip for ip, _, _ in advertised] == ["198.51.100.7", "192.0.2.8"]
    assert all(port in ("", jvb_env["JVB_PORT"]) for _, _, port in advertised), advertised
    assert values["http.host"] == "0.0.0.0" and values["http.port"] == "8080"  # the image's CMD, compose's 8080
    assert values["xmpp.enabled"] == "true"
    assert values["xmpp.servers"] == "xmpp.meet.jitsi:5222"
    assert values["xmpp.domain"] == "auth.meet.jitsi"
    assert values["xmpp.user"] == "jvb"
    assert values["xmpp.brewery"] == "jvbbrewery@internal-muc.meet.jitsi"
    assert values["xmpp.verify-certificate"] == "false"  # prosody's self-signed certificate
    assert values["xmpp.password"] == "<redacted>"
    assert jvb_env["JVB_AUTH_PASSWORD"] not in printed.text
    assert values["colibri.rest"] == "false" and values["colibri.shutdown-rest"] == "false"  # upstream defaults
    assert values["sctp.enabled"] == "true"
    # compose passes nothing the bridge would only ignore, except TZ.
    assert set(printed.ignored_env) <= UNDERSTOOD_NOT_A_SETTING


@pytest.mark.parametrize("name", raw_environment_names("jvb"))
def test_every_jvb_variable_is_applied(binary, jvb_env, name):
    value = jvb_env.get(name) or PROBES.get(name)  # .env.example leaves some empty (JVB_ADVERTISE_IPS)
    assert value is not None, f"no probe value for {name}: add one to PROBES"
    env = _with(_with(jvb_env, CONTEXT.get(name, {})), {name: value})
    printed = print_config(env, binary)
    assert printed.returncode == 0, printed.text
    if name in UNDERSTOOD_NOT_A_SETTING:
        assert name in printed.ignored_env or name in printed.names_applied(), printed.text
        return
    if name in printed.names_applied():
        return
    # A switch (ENABLE_JVB_XMPP_SERVER) may apply without being named as a source: setting it must
    # change some setting.
    without = print_config(_with(env, {name: None}), binary)
    assert without.returncode == 0, without.text
    assert without.values() != printed.values(), f"{name}={value} changes nothing:\n{printed.text}"
