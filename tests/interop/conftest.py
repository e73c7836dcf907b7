"""Fixtures: a bridge process per test (logs in artifacts/<test>/), a focus for it, and a guard that
traffic can only reach loopback."""

from __future__ import annotations

import os
import re
import socket

import pytest

from bridge_process import ARTIFACTS, BridgeProcess, BridgeStartError
from focus import Focus


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


@pytest.fixture
def bridge(request, artifact_dir):
    require_loopback_only()
    process = BridgeProcess(log_dir=artifact_dir)
    failure = None
    try:
        process.start()
    except BridgeStartError as e:
        failure = str(e)
    if failure is not None:  # outside the except block: no chained duplicate of the message
        pytest.fail(failure, pytrace=False)
    try:
        yield process
    finally:
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
def focus(bridge):
    return Focus(bridge.http_base)
