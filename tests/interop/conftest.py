"""Fixtures: a bridge process per test (logs in artifacts/<test>/), a focus for it, and a guard that
traffic can only reach loopback. For the XMPP tests: a prosody per test module (artifacts/prosody-<module>/),
bridges that log in to it, and a focus in its brewery."""

from __future__ import annotations

import os
import re
import secrets
import socket

import pytest

from bridge_process import ARTIFACTS, BridgeProcess, BridgeStartError, XMPPSettings
from focus import Focus
from prosody import Prosody, ProsodyError, prosody_missing_reason
from xmpp_focus import BreweryFocus


def _interfaces() -> list[str]:
    return sorted(name for _, name in socket.if_nameindex())


def require_loopback_only() -> None:
    """The interop tests must run in a network namespace that has only `lo`
    (scripts/run-interop-tests.sh). MEETPAD_ALLOW_HOST_NETWORK=1 skips the guard."""
    if os.environ.get("MEETPAD_ALLOW_HOST_NETWORK") == "1":
        return
    interfaces = _interfaces()
    if interfaces != ["lo"]:
        pytest.fail(f"network interfaces {interfaces}: run through scripts/run-interop-tests.sh "
                    "(fresh network namespace with only lo), or set MEETPAD_ALLOW_HOST_NETWORK=1", pytrace=False)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def artifact_dir(request):
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    path = ARTIFACTS / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def _start_bridge(process: BridgeProcess) -> BridgeProcess:
    failure = None
    try:
        process.start()
    except BridgeStartError as e:
        failure = str(e)
    if failure is not None:  # outside the except block: no chained duplicate of the message
        pytest.fail(failure, pytrace=False)
    return process


def _finish_bridge(request, process: BridgeProcess) -> None:
    code = process.stop()
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        print(f"--- bridge log tail ({process.log_path}) ---\n{process.log_tail(60)}")
    if process.exited_early is not None:
        pytest.fail(f"bridge died during the test with exit code {process.exited_early}; "
                    f"log: {process.log_path}\n{process.log_tail(40)}", pytrace=False)
    elif code not in (0, -15, 143, None):
        print(f"bridge exit code after SIGTERM: {code}")


@pytest.fixture
def bridge(request, artifact_dir):
    """A bridge for one test; indirect parametrization (`parametrize("bridge", [(args...)], indirect=True)`)
    adds command-line arguments."""
    require_loopback_only()
    process = _start_bridge(BridgeProcess(log_dir=artifact_dir, extra_args=getattr(request, "param", ())))
    try:
        yield process
    finally:
        _finish_bridge(request, process)


@pytest.fixture
def focus(bridge):
    return Focus(bridge.http_base)


# ------------------------------------------------------------------------------------------------
# XMPP: prosody, bridges logged in to it, a focus in the brewery
# ------------------------------------------------------------------------------------------------


def require_prosody() -> None:
    """CI installs prosody (scripts/install-test-deps.sh), so a missing prosody is a failure there;
    MEETPAD_ALLOW_MISSING_PROSODY=1 turns it into a skip on a developer machine without it."""
    reason = prosody_missing_reason()
    if reason is None:
        return
    if os.environ.get("MEETPAD_ALLOW_MISSING_PROSODY") == "1":
        pytest.skip(f"prosody {reason}; skipped because MEETPAD_ALLOW_MISSING_PROSODY=1")
    pytest.fail(f"prosody {reason}. Set MEETPAD_ALLOW_MISSING_PROSODY=1 to skip the XMPP tests instead.",
                pytrace=False)


@pytest.fixture(scope="module")
def prosody(request):
    require_loopback_only()
    require_prosody()
    server = Prosody(ARTIFACTS / f"prosody-{request.module.__name__}")
    failure = None
    try:
        server.start()
    except ProsodyError as e:
        failure = str(e)
    if failure is not None:
        server.cleanup()
        pytest.fail(failure, pytrace=False)
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def running_prosody(prosody):
    """The module's prosody, started again if an earlier test left it stopped."""
    if not prosody.alive():
        prosody.start()
    return prosody


@pytest.fixture
def brewery_focus(running_prosody):
    with BreweryFocus(running_prosody) as focus:
        yield focus


@pytest.fixture
def start_xmpp_bridge(request, artifact_dir, running_prosody):
    """start_xmpp_bridge(*extra_args) -> BridgeProcess logged in to the module's prosody as jvb, with
    a fresh nickname (`process.xmpp.nickname`); every bridge is stopped and checked at teardown."""
    started: list[BridgeProcess] = []

    def start(*extra_args: str) -> BridgeProcess:
        settings = XMPPSettings(server=running_prosody.host, port=running_prosody.port,
                                password=running_prosody.passwords["jvb"], nickname=f"jvb-{secrets.token_hex(3)}")
        log_dir = artifact_dir if not started else artifact_dir / f"bridge{len(started) + 1}"
        process = _start_bridge(BridgeProcess(log_dir=log_dir, extra_args=extra_args, xmpp=settings))
        started.append(process)  # after a failed start there is nothing left to stop or check
        return process

    try:
        yield start
    finally:
        for process in started:
            _finish_bridge(request, process)
