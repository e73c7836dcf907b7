"""coturn as a plain STUN server (Debian's `coturn` package, `turnserver --stun-only`), for the
bridge's public-address discovery. It keeps its database, pid file and log under the test's
artifact directory, so nothing outside the test is touched."""

from __future__ import annotations

import shutil
import socket
import struct
import subprocess
import time
from pathlib import Path
from typing import Optional

BINARY = "turnserver"


def stun_server_missing_reason() -> Optional[str]:
    return None if shutil.which(BINARY) else "turnserver not installed (scripts/install-test-deps.sh installs coturn)"


def answers_binding(host: str, port: int, timeout: float = 0.5) -> bool:
    """True if a Binding Request to host:port gets a success response (RFC 8489 header only)."""
    request = struct.pack("!HHI", 0x0001, 0, 0x2112A442) + bytes(range(12))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        try:
            s.sendto(request, (host, port))
            data, _ = s.recvfrom(2048)
        except OSError:
            return False
    return len(data) >= 20 and data[:2] == b"\x01\x01" and data[8:20] == request[8:20]


class StunServer:
    def __init__(self, host: str, port: int, log_dir: Path, netns: Optional[str] = None):
        self.host, self.port, self.netns = host, port, netns
        self.log_dir = log_dir
        self.proc: Optional[subprocess.Popen] = None

    def start(self, timeout: float = 10.0) -> "StunServer":
        self.log_dir.mkdir(parents=True, exist_ok=True)
        launcher = ["ip", "netns", "exec", self.netns] if self.netns else []
        command = [*launcher, BINARY, "-n", "--stun-only", "--no-cli", "--no-tls", "--no-dtls",
                   "--listening-ip", self.host, "--listening-port", str(self.port),
                   "--db", str(self.log_dir / "turndb"), "--pidfile", str(self.log_dir / "turnserver.pid"),
                   "--log-file", "stdout", "--simple-log"]
        log = open(self.log_dir / "turnserver.log", "wb")
        self.proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"turnserver exited with {self.proc.returncode}; see {self.log_dir / 'turnserver.log'}")
            if answers_binding(self.host, self.port):
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"turnserver did not answer on {self.host}:{self.port} within {timeout}s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
