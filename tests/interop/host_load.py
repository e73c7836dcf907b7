"""How busy the whole machine was over a span of a test, read from /proc/stat.

On 2 shared cores three Chromium clients, their encoders and a debug bridge can saturate the
machine; then every timing a browser test measures (a receiver's transport-cc arrival times, a
sender's frame pacing, how soon a key frame is encoded) says more about the host than about the
bridge. Tests print these figures next to their own, and may report instead of judge a span in
which the host was saturated (they say so when they do).
"""

from __future__ import annotations

from dataclasses import dataclass

# A span is saturated when the CPUs were busy this much of it, or a hypervisor took this much from
# them. Seen here: 35-75 % busy through test_bandwidth's phases on an otherwise idle 2-core machine.
SATURATED_BUSY = 0.90
SATURATED_STEAL = 0.10


def _read() -> tuple[int, int, int]:
    """(all jiffies, idle + iowait jiffies, steal jiffies) summed over every CPU."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    steal = fields[7] if len(fields) > 7 else 0
    # guest time is already counted in user time: fields 8 and 9 are left out of the total.
    return sum(fields[:8]), fields[3] + fields[4], steal


@dataclass(frozen=True)
class HostLoad:
    busy: float  # share of the span the CPUs were not idle
    steal: float  # share of the span a hypervisor ran something else on them

    @property
    def saturated(self) -> bool:
        return self.busy >= SATURATED_BUSY or self.steal >= SATURATED_STEAL

    def __str__(self) -> str:
        return f"host CPUs {self.busy * 100:.0f} % busy, {self.steal * 100:.1f} % stolen" + (
            " (saturated)" if self.saturated else "")


class HostLoadMeter:
    """Started at the beginning of a span; `read()` gives the load since then."""

    def __init__(self) -> None:
        self._start = _read()

    def read(self) -> HostLoad:
        total, idle, steal = _read()
        elapsed = total - self._start[0]
        if elapsed <= 0:
            return HostLoad(busy=0.0, steal=0.0)
        return HostLoad(busy=1 - (idle - self._start[1]) / elapsed, steal=(steal - self._start[2]) / elapsed)
