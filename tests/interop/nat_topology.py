"""A bridge behind a NAT, built from network namespaces the test creates (needs root, nftables).

    STUN namespace              test namespace ("the internet")    NAT namespace                       bridge namespace
    198.18.1.2 STUN server <--> 198.18.1.1 | 198.18.0.2 clients <--> 198.18.0.1 | 10.77.0.1  <-->  10.77.0.2  meetpad-bridge

The NAT masquerades what the bridge sends out and, like Docker's published ports, forwards the
bridge's HTTP port (and, unless `forward_media=False`, its UDP media port) from 198.18.0.1 to
10.77.0.2. Without media forwarding it also drops all inbound UDP toward the bridge, replies
included: the port is closed to clients, as on a host whose firewall or router lacks the rule.
The STUN server has a namespace of its own, one hop beyond the test namespace (which forwards
between its two links, as a router on the internet would). 198.18.0.0/15 is the benchmarking range
(RFC 2544), so nothing here can collide with a real network; the test namespace gets no route to
10.77.0.0/24, so only the NAT's address works.
"""

from __future__ import annotations

import os
import subprocess

PUBLIC = "198.18.0.1"      # the NAT's outside address: what STUN should report
INTERNET = "198.18.0.2"    # the test namespace: clients, and the router to the STUN server
STUN_ROUTER = "198.18.1.1"
STUN = "198.18.1.2"        # the STUN server's own namespace
STUN_NETWORK = "198.18.1.0/24"
ROUTER = "10.77.0.1"
BRIDGE = "10.77.0.2"


class TopologyError(RuntimeError):
    pass


def run(*args: str, stdin: str | None = None) -> str:
    result = subprocess.run(list(args), input=stdin, capture_output=True, text=True)
    if result.returncode != 0:
        raise TopologyError(f"{' '.join(args)}: exit {result.returncode}: {result.stderr.strip()}")
    return result.stdout


class NatTopology:
    def __init__(self, media_port: int, http_port: int, forward_media: bool = True):
        tag = f"{os.getpid() % 100000}"
        self.nat_ns, self.bridge_ns, self.stun_ns = f"mp-nat-{tag}", f"mp-br-{tag}", f"mp-stun-{tag}"
        # Interface names stay under IFNAMSIZ (15): the namespace tells them apart.
        self.internet_if, self.stun_if = f"mpi{tag}", f"mps{tag}"
        self.forwarding_before: str | None = None
        self.media_port, self.http_port = media_port, http_port
        self.forward_media = forward_media

    def up(self) -> "NatTopology":
        try:
            self._build()
        except Exception:
            self.down()
            raise
        return self

    def _build(self) -> None:
        for ns in (self.nat_ns, self.bridge_ns, self.stun_ns):
            run("ip", "netns", "add", ns)
            run("ip", "-n", ns, "link", "set", "lo", "up")
        run("ip", "link", "add", self.internet_if, "type", "veth", "peer", "name", "pub", "netns", self.nat_ns)
        run("ip", "addr", "add", f"{INTERNET}/24", "dev", self.internet_if)
        run("ip", "link", "set", self.internet_if, "up")
        run("ip", "-n", self.nat_ns, "addr", "add", f"{PUBLIC}/24", "dev", "pub")
        run("ip", "-n", self.nat_ns, "link", "set", "pub", "up")
        run("ip", "-n", self.nat_ns, "link", "add", "priv", "type", "veth", "peer", "name", "eth0", "netns", self.bridge_ns)
        run("ip", "-n", self.nat_ns, "addr", "add", f"{ROUTER}/24", "dev", "priv")
        run("ip", "-n", self.nat_ns, "link", "set", "priv", "up")
        run("ip", "-n", self.bridge_ns, "addr", "add", f"{BRIDGE}/24", "dev", "eth0")
        run("ip", "-n", self.bridge_ns, "link", "set", "eth0", "up")
        run("ip", "-n", self.bridge_ns, "route", "add", "default", "via", ROUTER)
        run("ip", "netns", "exec", self.nat_ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
        run("ip", "netns", "exec", self.nat_ns, "nft", "-f", "-", stdin=self.ruleset())
        # The STUN server sits one hop further out, behind the test namespace as its router.
        run("ip", "link", "add", self.stun_if, "type", "veth", "peer", "name", "eth0", "netns", self.stun_ns)
        run("ip", "addr", "add", f"{STUN_ROUTER}/24", "dev", self.stun_if)
        run("ip", "link", "set", self.stun_if, "up")
        run("ip", "-n", self.stun_ns, "addr", "add", f"{STUN}/24", "dev", "eth0")
        run("ip", "-n", self.stun_ns, "link", "set", "eth0", "up")
        run("ip", "-n", self.stun_ns, "route", "add", "default", "via", STUN_ROUTER)
        run("ip", "-n", self.nat_ns, "route", "add", STUN_NETWORK, "via", INTERNET)
        self.forwarding_before = run("sysctl", "-n", "net.ipv4.ip_forward").strip()
        run("sysctl", "-q", "-w", "net.ipv4.ip_forward=1")

    def ruleset(self) -> str:
        media = f'iifname "pub" udp dport {self.media_port} dnat to {BRIDGE}:{self.media_port}' if self.forward_media else ""
        firewall = "" if self.forward_media else f"""
table inet meetpad_firewall {{
  chain forward {{
    type filter hook forward priority filter; policy accept;
    iifname "pub" meta l4proto udp drop
  }}
}}"""
        return f"""
table ip meetpad_nat {{
  chain prerouting {{
    type nat hook prerouting priority dstnat; policy accept;
    iifname "pub" tcp dport {self.http_port} dnat to {BRIDGE}:{self.http_port}
    {media}
  }}
  chain postrouting {{
    type nat hook postrouting priority srcnat; policy accept;
    oifname "pub" masquerade
  }}
}}{firewall}
"""

    def counters(self) -> str:
        """The NAT's ruleset with its counters, for a failure message."""
        try:
            return run("ip", "netns", "exec", self.nat_ns, "nft", "list", "ruleset")
        except TopologyError as e:
            return str(e)

    def down(self) -> None:
        """Deleting the namespaces removes the veth pairs with them; the test namespace's end
        goes when its peer does."""
        for ns in (self.bridge_ns, self.nat_ns, self.stun_ns):
            pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), 9)
                except (ProcessLookupError, ValueError):
                    pass
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        for interface in (self.internet_if, self.stun_if):
            subprocess.run(["ip", "link", "del", interface], capture_output=True)
        if self.forwarding_before is not None:
            subprocess.run(["sysctl", "-q", "-w", f"net.ipv4.ip_forward={self.forwarding_before}"], capture_output=True)

    def __enter__(self) -> "NatTopology":
        return self.up()

    def __exit__(self, *exc) -> None:
        self.down()
