"""Starts and stops the meetpad-bridge binary on free loopback ports, and reads its /metrics.

The process is always stopped (SIGTERM, then SIGKILL after a grace period), also when a test fails;
its stdout+stderr go to artifacts/<test>/bridge.log.

XMPP is on by default in the bridge (CONTRACT-XMPP.md) and needs a password, so a bridge started
without XMPPSettings gets --disable-xmpp (it is then driven over the REST Colibri2 API); with
XMPPSettings it logs in to the given prosody and joins the brewery.
"""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, Optional

import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("MEETPAD_ARTIFACTS", REPO_ROOT / "artifacts"))
DEFAULT_BINARY = ".build/debug/meetpad-bridge"

# ------------------------------------------------------------------------------------------------
# Metric names: the one place to adjust when the bridge's exporter settles on its names.
# Lookups accept the name with or without a trailing "_total".
# ------------------------------------------------------------------------------------------------
METRIC_CONFERENCES = "jitsi_jvb_conferences"
METRIC_ENDPOINTS = "jitsi_jvb_endpoints"
METRIC_DROPS = "jitsi_jvb_drops_total"  # labelled {reason="..."}
METRIC_PACKETS_RECEIVED = "jitsi_jvb_packets_received_total"
# DTLS handshake failures: a dedicated counter if the bridge has one, plus drop reasons mentioning dtls.
METRICS_DTLS_FAILURE = ("jitsi_jvb_dtls_failures_total", "jitsi_jvb_dtls_handshake_failures_total")
DTLS_FAILURE_REASON = re.compile(r"dtls", re.IGNORECASE)


class BridgeStartError(RuntimeError):
    pass


@dataclasses.dataclass
class XMPPSettings:
    """How the bridge reaches prosody, in the upstream jvb container's terms (XMPP_SERVER, ...).
    The password goes through JVB_AUTH_PASSWORD: argv is visible in ps."""

    server: str
    port: int
    password: str
    nickname: str
    domain: str = "auth.meet.jitsi"
    muc_domain: str = "internal-muc.meet.jitsi"

    def args(self) -> list[str]:
        # Verification off as upstream's jvb.conf does: prosody's certificate is self-signed.
        return ["--xmpp-server", self.server, "--xmpp-port", str(self.port), "--xmpp-domain", self.domain,
                "--xmpp-muc-domain", self.muc_domain, "--muc-nickname", self.nickname,
                "--disable-certificate-verification"]


def free_port(kind: int) -> int:
    """A currently free loopback port (SOCK_DGRAM for the media port, SOCK_STREAM for HTTP)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------------------------
# Prometheus text format
# ------------------------------------------------------------------------------------------------

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?\s*$")
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')

Labels = frozenset  # of (name, value) pairs


def _unescape(value: str) -> str:
    return value.replace("\\\\", "\x00").replace('\\"', '"').replace("\\n", "\n").replace("\x00", "\\")


def parse_prometheus(text: str) -> dict[tuple[str, Labels], float]:
    """{(metric name, frozenset of (label, value))} -> value. Comments, HELP and TYPE lines are skipped."""
    out: dict[tuple[str, Labels], float] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            continue
        name, _, label_text, value = m.group(1), m.group(2), m.group(3), m.group(4)
        labels = frozenset((k, _unescape(v)) for k, v in _LABEL.findall(label_text or ""))
        try:
            out[(name, labels)] = float(value)
        except ValueError:
            continue
    return out


def _names(name: str) -> set[str]:
    base = name[:-len("_total")] if name.endswith("_total") else name
    return {base, base + "_total"}


@dataclasses.dataclass
class Metrics:
    samples: dict[tuple[str, Labels], float]

    def series(self, name: str, **labels: str) -> dict[Labels, float]:
        names = _names(name)
        want = set(labels.items())
        return {l: v for (n, l), v in self.samples.items() if n in names and want <= set(l)}

    def value(self, name: str, default: float = 0.0, **labels: str) -> float:
        """Sum over all series of `name` matching the given labels (0 if absent)."""
        s = self.series(name, **labels)
        return sum(s.values()) if s else default

    def has(self, name: str) -> bool:
        return bool(self.series(name))

    def by_label(self, name: str, label: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for l, v in self.series(name).items():
            key = dict(l).get(label, "")
            out[key] = out.get(key, 0.0) + v
        return out

    # -- the quantities the tests use ---------------------------------------------------------

    @property
    def conferences(self) -> float:
        return self.value(METRIC_CONFERENCES)

    @property
    def endpoints(self) -> float:
        return self.value(METRIC_ENDPOINTS)

    @property
    def drops(self) -> float:
        return self.value(METRIC_DROPS)

    def drops_for(self, reason: str) -> float:
        """The drop counter of one reason (0 while the bridge has not counted any, or lacks the reason)."""
        return self.value(METRIC_DROPS, reason=reason)

    @property
    def dtls_failures(self) -> float:
        dedicated = sum(self.value(n) for n in METRICS_DTLS_FAILURE)
        by_reason = sum(v for r, v in self.by_label(METRIC_DROPS, "reason").items() if DTLS_FAILURE_REASON.search(r))
        return dedicated + by_reason

    def diff(self, before: "Metrics", names: Iterable[str] = ()) -> dict[str, float]:
        """Changed series (name{labels} -> delta), for readable assertion messages."""
        keys = set(self.samples) | set(before.samples)
        out = {}
        for k in sorted(keys, key=lambda k: (k[0], sorted(k[1]))):
            if names and not any(k[0] in _names(n) for n in names):
                continue
            d = self.samples.get(k, 0.0) - before.samples.get(k, 0.0)
            if d:
                label = ",".join(f'{a}="{b}"' for a, b in sorted(k[1]))
                out[f"{k[0]}{{{label}}}"] = d
        return out


# ------------------------------------------------------------------------------------------------
# The process
# ------------------------------------------------------------------------------------------------


class BridgeProcess:
    def __init__(self, binary: Optional[str] = None, log_dir: Optional[Path] = None, extra_args: Iterable[str] = (),
                 xmpp: Optional[XMPPSettings] = None, netns: Optional[str] = None, host: str = "127.0.0.1",
                 listen_host: Optional[str] = None, advertise: Optional[str] = None):
        """By default the bridge listens on, advertises and is reached at 127.0.0.1. `netns` runs it in
        another network namespace (`ip netns exec`), where it listens on `listen_host`, while the test
        reaches it at `host`; `advertise` replaces the advertised address ("" advertises none)."""
        binary = binary or os.environ.get("MEETPAD_BRIDGE_BIN", DEFAULT_BINARY)
        path = Path(binary)
        self.binary = path if path.is_absolute() else REPO_ROOT / path
        self.log_dir = Path(log_dir or ARTIFACTS)
        self.extra_args = list(extra_args)
        self.xmpp = xmpp
        self.media_port = free_port(socket.SOCK_DGRAM)
        self.http_port = free_port(socket.SOCK_STREAM)
        self.host = host
        self.listen_host = listen_host or host
        self.advertise = host if advertise is None else advertise
        self.netns = netns
        self.proc: Optional[subprocess.Popen] = None
        self.log_path = self.log_dir / "bridge.log"
        self._log_file = None
        self.exited_early: Optional[int] = None  # exit code if it died before stop()
        self.started_at: Optional[float] = None  # time.monotonic() when /about/health first answered 200

    @property
    def http_base(self) -> str:
        return f"http://{self.host}:{self.http_port}"

    @property
    def media_address(self) -> tuple[str, int]:
        return (self.host, self.media_port)

    def command(self) -> list[str]:
        # A .py "binary" (tests/interop/reference_bridge.py) runs under this interpreter, with aiortc.
        launcher = [sys.executable, str(self.binary)] if self.binary.suffix == ".py" else [str(self.binary)]
        if self.netns is not None:
            launcher = ["ip", "netns", "exec", self.netns, *launcher]
        xmpp = self.xmpp.args() if self.xmpp is not None else ["--disable-xmpp"]
        advertise = ["--advertise-ips", self.advertise] if self.advertise else []
        return [*launcher, "--media-host", self.listen_host, "--port", str(self.media_port),
                "--http-host", self.listen_host, "--http-port", str(self.http_port),
                *advertise, *xmpp, *self.extra_args]

    def start(self, timeout: float = 30.0) -> "BridgeProcess":
        if not self.binary.exists():
            raise BridgeStartError(f"bridge binary not found: {self.binary} (set MEETPAD_BRIDGE_BIN)")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._log_file = open(self.log_path, "wb")
        env = dict(os.environ, JVB_PORT=str(self.media_port), JVB_ADVERTISE_IPS=self.advertise)
        if self.xmpp is not None:
            env["JVB_AUTH_PASSWORD"] = self.xmpp.password
        self._log_file.write(("$ " + " ".join(self.command()) + "\n").encode())
        self._log_file.flush()
        self.proc = subprocess.Popen(self.command(), stdout=self._log_file, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, cwd=REPO_ROOT, start_new_session=True)
        deadline = time.monotonic() + timeout
        last_error = "no answer"
        while time.monotonic() < deadline:
            code = self.proc.poll()
            if code is not None:
                self.exited_early = code
                self.stop()
                raise BridgeStartError(f"bridge exited with {code} before /about/health answered\n{self.log_tail()}")
            try:
                r = requests.get(self.http_base + "/about/health", timeout=1)
                if r.status_code == 200:
                    self.started_at = time.monotonic()
                    return self
                last_error = f"HTTP {r.status_code}"
            except requests.RequestException as e:
                last_error = type(e).__name__
            time.sleep(0.1)
        self.stop()
        raise BridgeStartError(f"/about/health not ready after {timeout}s ({last_error})\n{self.log_tail()}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def healthy(self) -> bool:
        try:
            return requests.get(self.http_base + "/about/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def metrics(self) -> Metrics:
        r = requests.get(self.http_base + "/metrics", timeout=5)
        r.raise_for_status()
        return Metrics(parse_prometheus(r.text))

    def rss_bytes(self) -> int:
        """Resident set size (VmRSS of /proc/<pid>/status), for memory-exhaustion tests."""
        assert self.proc is not None, "bridge was never started"
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise AssertionError(f"no VmRSS in /proc/{self.proc.pid}/status")

    def http_post(self, path: str, json: Optional[dict] = None) -> requests.Response:
        return requests.post(self.http_base + path, json=json, timeout=5)

    def http_get(self, path: str) -> requests.Response:
        return requests.get(self.http_base + path, timeout=5)

    def signal(self, sig: int = signal.SIGTERM) -> None:
        """Sends `sig` to the bridge (shutdown tests); the exit is then expected, see wait_exit()."""
        assert self.proc is not None and self.proc.poll() is None, "bridge is not running"
        self._note(f"sending signal {signal.Signals(sig).name}")
        self.proc.send_signal(sig)

    def wait_exit(self, timeout: float) -> int:
        """Waits for an expected exit (a shutdown the test asked for) and returns the exit code, so
        stop() does not report it as a crash. AssertionError if still running after `timeout`."""
        assert self.proc is not None, "bridge was never started"
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"bridge still running {timeout}s after the shutdown began\n{self.log_tail()}") from None
        self._note(f"exited with {code} (expected)")
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        return code

    def stop(self, grace: float = 5.0) -> Optional[int]:
        """SIGTERM; if the bridge is still up after a second (SIGTERM starts a *graceful* shutdown that
        waits for live endpoints, CONTRACT-XMPP.md), a second SIGTERM, which exits at once; SIGKILL
        once `grace` seconds have passed. Returns the exit code. Safe to call twice."""
        if self.proc is None:
            return None
        code = self.proc.poll()
        if code is not None and self.exited_early is None and self._log_file is not None:
            self.exited_early = code  # died on its own while the test ran
        if code is None:
            deadline = time.monotonic() + grace
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(min(1.0, grace))
            except subprocess.TimeoutExpired:
                self._note("still running 1 s after SIGTERM (graceful shutdown); second SIGTERM")
                self.proc.send_signal(signal.SIGTERM)
                try:
                    code = self.proc.wait(max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    code = self.proc.wait(5)
                    self._note(f"bridge ignored SIGTERM for {grace}s; killed")
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        return code

    def _note(self, text: str) -> None:
        if self._log_file is not None:
            self._log_file.write(f"[harness] {text}\n".encode())
            self._log_file.flush()

    def log_tail(self, lines: int = 40) -> str:
        try:
            if self._log_file is not None:
                self._log_file.flush()
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(text[-lines:])

    def __enter__(self) -> "BridgeProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
