"""`Shaper`: impairs one UDP flow on `lo` (random loss, a rate limit with a short queue) with tc,
leaving every other flow of the test namespace untouched.

The test kernel has neither sch_netem nor sch_prio (nor act_gact), only HTB, TBF, the FIFOs,
cls_u32 and cls_bpf, so the usual `prio` + `netem` recipe is rebuilt from those:

  root  htb (no default class: unclassified packets take HTB's direct queue, unshaped)
  1:2N  htb class rate=ceil=<limit>, leaf bfifo sized for a short queue   <- u32 filter on the ports (one per flow)
  1:30  htb class, leaf `pfifo limit 0`, which drops whatever it is given  <- cls_bpf filter: the
        ports plus `ld rand` (classic BPF's random ancillary load) below the loss threshold

Both filters match IPv4/UDP source and destination port, which on loopback identify one
direction of one ICE flow (a client's host candidate port and the bridge's media port).
Run as root inside the test namespace (install() refuses anywhere else); `remove()` (also on `with`
exit) deletes the root qdisc.
"""

from __future__ import annotations

import json
import socket
import subprocess
from typing import Any, Optional

MAX_RATE_FLOWS = 8  # rate classes 1:20.. 1:27, filter priorities 2..9
DROP_CLASS, DROP_QDISC = "1:30", "30:"
# The containers' own rate: far above anything a test sends, so only their leaves decide.
UNLIMITED = "10gbit"
MIN_QUEUE_BYTES = 4 * 1514  # a rate limit's queue never holds fewer than a few full packets

# Classic BPF opcodes (linux/filter.h) and the random ancillary load (SKF_AD_OFF + SKF_AD_RANDOM).
_LD_H_ABS, _LD_B_ABS, _LD_W_ABS, _LD_H_IND = 0x28, 0x30, 0x20, 0x48
_LDX_B_MSH, _JEQ_K, _JGE_K, _JSET_K, _RET_K = 0xb1, 0x15, 0x35, 0x45, 0x06
_SKF_AD_RANDOM = (-0x1000 + 56) & 0xffffffff
_ETH = 14  # cls_bpf sees an egress packet from its link-layer header; lo's is Ethernet


class ShapingError(RuntimeError):
    pass


def tc(*args: str, check: bool = True) -> str:
    result = subprocess.run(["tc", *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise ShapingError(f"tc {' '.join(args)}: exit {result.returncode}: {result.stderr.strip()}")
    return result.stdout


def random_loss_bytecode(src_port: int, dst_port: int, percent: float) -> str:
    """A classic BPF classifier (tc's `bytecode` text) that matches IPv4/UDP src_port -> dst_port,
    unfragmented, with probability percent/100; -1 selects the filter's classid, 0 is no match."""
    threshold = min(0xffffffff, int(percent / 100.0 * 2 ** 32))
    # (code, jump-if-true label, jump-if-false label, k); labels are "next", "match" or "miss".
    program = [
        (_LD_H_ABS, None, None, 12), (_JEQ_K, "next", "miss", 0x0800),          # IPv4
        (_LD_B_ABS, None, None, _ETH + 9), (_JEQ_K, "next", "miss", 17),        # UDP
        (_LD_H_ABS, None, None, _ETH + 6), (_JSET_K, "miss", "next", 0x1fff),   # no fragment offset
        (_LDX_B_MSH, None, None, _ETH),                                         # X = IP header length
        (_LD_H_IND, None, None, _ETH), (_JEQ_K, "next", "miss", src_port),
        (_LD_H_IND, None, None, _ETH + 2), (_JEQ_K, "next", "miss", dst_port),
        (_LD_W_ABS, None, None, _SKF_AD_RANDOM), (_JGE_K, "miss", "next", threshold),
        ("match",), ("miss",),
    ]
    match_at, miss_at = len(program) - 2, len(program) - 1

    def offset(label: Optional[str], at: int) -> int:
        target = {"next": at + 1, "match": match_at, "miss": miss_at, None: at + 1}[label]
        return target - at - 1

    lines = []
    for at, insn in enumerate(program):
        if insn == ("match",):
            lines.append(f"{_RET_K} 0 0 {0xffffffff}")
        elif insn == ("miss",):
            lines.append(f"{_RET_K} 0 0 0")
        else:
            code, jt, jf, k = insn
            is_jump = code in (_JEQ_K, _JGE_K, _JSET_K)
            lines.append(f"{code} {offset(jt, at) if is_jump else 0} {offset(jf, at) if is_jump else 0} {k}")
    return f"{len(lines)}," + ",".join(lines)


def _rate_class(index: int) -> str:
    return f"1:{20 + index}"


def _rate_qdisc(index: int) -> str:
    return f"{20 + index}:"


def _rate(kbit: int) -> str:
    return f"{kbit}kbit"


def _queue_bytes(kbit: int, queue_ms: float) -> int:
    return max(MIN_QUEUE_BYTES, int(kbit * 1000 / 8 * queue_ms / 1000))


class Shaper:
    """One per test: `with Shaper() as shaper: shaper.drop(...)`; one lossy flow (calling again
    re-targets it) and up to MAX_RATE_FLOWS rate-limited ones."""

    def __init__(self, dev: str = "lo"):
        self.dev = dev
        self.installed = False
        self._rate_flows: dict[tuple[int, int], int] = {}  # (src_port, dst_port) -> class index
        self._drop_filter = False
        self.rate_kbit: dict[tuple[int, int], int] = {}

    def install(self) -> "Shaper":
        interfaces = sorted(name for _, name in socket.if_nameindex())
        if interfaces != ["lo"]:  # also with MEETPAD_ALLOW_HOST_NETWORK=1: never shape the host's loopback
            raise ShapingError(f"refusing to shape {self.dev} outside the test namespace (interfaces {interfaces})")
        tc("qdisc", "del", "dev", self.dev, "root", check=False)  # a root left by a killed run
        tc("qdisc", "add", "dev", self.dev, "root", "handle", "1:", "htb")
        self.installed = True
        try:
            tc("class", "add", "dev", self.dev, "parent", "1:", "classid", DROP_CLASS, "htb",
               "rate", UNLIMITED, "ceil", UNLIMITED, "quantum", "1514")
            tc("qdisc", "add", "dev", self.dev, "parent", DROP_CLASS, "handle", DROP_QDISC, "pfifo", "limit", "0")
        except ShapingError:
            self.remove()  # `with` does not call __exit__ when __enter__ raises
            raise
        return self

    def drop(self, src_port: int, dst_port: int, percent: float) -> None:
        """Random loss of `percent` % on the UDP flow src_port -> dst_port."""
        if self._drop_filter:
            tc("filter", "del", "dev", self.dev, "parent", "1:", "prio", "1")
        tc("filter", "add", "dev", self.dev, "parent", "1:", "protocol", "ip", "prio", "1", "bpf",
           "bytecode", random_loss_bytecode(src_port, dst_port, percent), "classid", DROP_CLASS)
        self._drop_filter = True

    def limit_rate(self, src_port: int, dst_port: int, kbit: int, queue_ms: float = 100.0) -> None:
        """The UDP flow src_port -> dst_port at most `kbit` kbit/s; a FIFO of about `queue_ms` at that
        rate (at least MIN_QUEUE_BYTES) holds the excess, the rest is dropped. Each flow gets its own
        class (up to MAX_RATE_FLOWS); again for the same flow: new rate, same class."""
        queue = str(_queue_bytes(kbit, queue_ms))
        rate = ["htb", "rate", _rate(kbit), "ceil", _rate(kbit), "quantum", "1514"]
        flow = (src_port, dst_port)
        index = self._rate_flows.get(flow)
        if index is None:
            index = len(self._rate_flows)
            if index >= MAX_RATE_FLOWS:
                raise ShapingError(f"at most {MAX_RATE_FLOWS} rate-limited flows")
            self._rate_flows[flow] = index
            tc("class", "add", "dev", self.dev, "parent", "1:", "classid", _rate_class(index), *rate)
            tc("qdisc", "add", "dev", self.dev, "parent", _rate_class(index), "handle", _rate_qdisc(index),
               "bfifo", "limit", queue)
            tc("filter", "add", "dev", self.dev, "parent", "1:", "protocol", "ip", "prio", str(2 + index), "u32",
               "match", "ip", "protocol", "17", "0xff", "match", "ip", "sport", str(src_port), "0xffff",
               "match", "ip", "dport", str(dst_port), "0xffff", "flowid", _rate_class(index))
        else:
            tc("class", "change", "dev", self.dev, "parent", "1:", "classid", _rate_class(index), *rate)
            tc("qdisc", "change", "dev", self.dev, "parent", _rate_class(index), "handle", _rate_qdisc(index),
               "bfifo", "limit", queue)
        self.rate_kbit[flow] = kbit

    def counters(self) -> dict[Any, dict[str, Any]]:
        """Per leaf ("drop", and each rate-limited flow by its (src_port, dst_port); the first one also
        as "rate"): packets/bytes it passed and packets it dropped, plus its backlog."""
        leaves: dict[str, list[Any]] = {DROP_QDISC: ["drop"]}
        for flow, index in self._rate_flows.items():
            leaves[_rate_qdisc(index)] = [flow] + (["rate"] if index == 0 else [])
        out: dict[Any, dict[str, Any]] = {}
        for q in json.loads(tc("-s", "-j", "qdisc", "show", "dev", self.dev) or "[]"):
            for name in leaves.get(q.get("handle"), []):
                out[name] = {k: q.get(k) for k in ("packets", "bytes", "drops", "overlimits", "backlog", "qlen")}
        return out

    def show(self) -> str:
        return tc("-s", "qdisc", "show", "dev", self.dev) + tc("filter", "show", "dev", self.dev)

    def remove(self) -> None:
        if self.installed:
            tc("qdisc", "del", "dev", self.dev, "root", check=False)
            self.installed = False
            self._rate_flows = {}
            self._drop_filter = False
            self.rate_kbit = {}

    def __enter__(self) -> "Shaper":
        return self.install()

    def __exit__(self, *exc) -> None:
        self.remove()
