"""The capacity run of `make bench` (Benchmarks/LOAD.md, "Capacity"): for each SFU pinned to one
core, the highest forwarded packet rate with no loss, no kernel UDP drop and the core under 95 %.

Load comes in groups of one S1 sender -> RECEIVERS_PER_GROUP receivers. Each step is a fresh SFU
process under G groups (doubling from FIRST_GROUPS until a step fails, then halving the interval
between the best passing and the first failing step); receivers count packets from the clear
RTP header and decrypt one in DECRYPT_SAMPLE, so the generator stays cheap. A step whose
generator passed GENERATOR_LIMIT % of its core ends the ramp too, and the SFU's figure is then
flagged as generator-bound (a lower bound, not a capacity).
"""
from __future__ import annotations

import statistics

import svg_chart

RECEIVERS_PER_GROUP = 10
FIRST_GROUPS = 4
DECRYPT_SAMPLE = 16
READ_INTERVAL_US = 1000
SFU_CORE_LIMIT = 95.0
GENERATOR_LIMIT = 70.0
# An SFU that falls behind queues in its socket buffer without losing anything for seconds (the
# first full run saw a step pass with a 300 ms standing queue): a step must forward at least this
# share of what a group got in the ramp's first passing step, times the groups.
DELIVERY_LIMIT = 0.97
# The memory runs' measured window. RSS is read at its end, and a receiver's first second leaves
# packet caches behind: until the bridge has measured the layers' bitrates it forwards the lowest
# and then climbs, so the 180p and 360p encodings were cached too. They are freed once stale (1 s
# without a packet, then the next receiver-report timer, 0.5-1.5 s). A 2 s window still held them
# (685 against 537 KB per sender, same build).
MEMORY_WINDOW_S = 6.0
# meetpad-load opens one socket per peer connection, at most 2000; Janus's S1 needs one per peer too.
MAX_PEERS = 2000
CAPACITY_SFUS = ("meetpad", "janus", "floor", "floor-openssl", "floor-openssl-gso")
NAMES = {"meetpad": "meetpad-bridge", "janus": "Janus 1.1.2", "floor": "floor, libsrtp2", "floor-openssl": "floor, OpenSSL GCM",
         "floor-openssl-gso": "floor, OpenSSL GCM + UDP GSO"}
FLOORS = ("floor", "floor-openssl", "floor-openssl-gso")


def verdict(run: dict) -> str | None:
    """Why a step is past capacity, or None when it passes. The generator check comes last: a
    step the SFU failed on its own counts against the SFU."""
    if run.get("failure"):
        return "run failed: " + run["failure"]
    if run.get("lost_packets", 0) > 0:
        return f"loss ({run['lost_packets']} packets)"
    if run.get("decrypt_failures", 0) > 0:
        return f"{run['decrypt_failures']} sampled packets failed to decrypt"
    # The run's own sockets (the SFU's and the generator's), not the machine-wide counters, which
    # anyone else's traffic on the machine moves too (those are kept in the JSON as udp_drops).
    if run.get("socket_drops", 0) > 0:
        return f"kernel UDP drops ({run['socket_drops']} on the run's sockets)"
    if run.get("sfu_cpu_percent", 0) >= SFU_CORE_LIMIT:
        return f"SFU core at {run['sfu_cpu_percent']:.0f} %"
    if run.get("generator_cpu_percent", 0) > GENERATOR_LIMIT:
        return "generator"
    return None


class CapacityRamp:
    """Raises one SFU's load step by step; `steps` keeps every run with its verdict."""

    def __init__(self, harness, sfu: str, duration: float, max_steps: int):
        self.harness, self.sfu, self.duration, self.max_steps = harness, sfu, duration, max_steps
        self.steps: list[dict] = []
        # Forwarded pps per group in the first passing step: every group is the same S1 meeting.
        self.group_rate: float | None = None

    def step(self, groups: int) -> str | None:
        flags = ("--decrypt-sample", str(DECRYPT_SAMPLE), "--read-interval-us", str(READ_INTERVAL_US))
        run = self.harness.run_one(self.sfu, "s1", RECEIVERS_PER_GROUP, 1, 2, 0, groups=groups, load_flags=flags,
                                   duration=self.duration, tag=f"capacity-{self.sfu}-{groups}g")
        reason = verdict(run)
        if reason is None and self.group_rate:
            delivered = run["forwarded_pps"] / (groups * self.group_rate)
            if delivered < DELIVERY_LIMIT:
                reason = f"falling behind ({100 * delivered:.0f} % of the offered rate forwarded)"
        if reason is None and self.group_rate is None:
            self.group_rate = run["forwarded_pps"] / groups
        run["verdict"] = reason
        self.steps.append(run)
        return reason

    def run(self) -> dict:
        max_groups = MAX_PEERS // (1 + RECEIVERS_PER_GROUP)
        good, bad, bad_reason = 0, None, None
        groups = FIRST_GROUPS
        while True:
            if len(self.steps) == self.max_steps:
                bad_reason = bad_reason or f"step limit ({self.max_steps})"
                break
            reason = self.step(groups)
            if reason is None:
                good = max(good, groups)
            else:
                bad, bad_reason = groups if bad is None else min(bad, groups), reason
            if bad is None:
                if groups >= max_groups:
                    bad_reason = f"generator's socket limit ({MAX_PEERS} peer connections)"
                    break
                groups = min(max_groups, groups * 2)
                continue
            if bad - good <= max(1, good // 10):
                break
            groups = (good + bad) // 2 if good else max(1, bad // 2)
            if groups == good or groups == bad:
                break
        self.measure_half_capacity()
        return self.result(bad_reason)

    def measure_half_capacity(self) -> None:
        """One more step at half the best step's groups, for the p99 at half capacity: the ramp's
        steps double, so the passing step nearest half the rate could be a third or two thirds of
        it (1,765 against 9,190 µs in one run), and which one depended on a few packets."""
        passing = [s for s in self.steps if s["verdict"] is None]
        if not passing:
            return
        half = max(passing, key=lambda s: s["forwarded_pps"])["groups"] // 2
        if half >= 1 and all(s["groups"] != half for s in self.steps):
            self.step(half)

    def result(self, stop_reason: str | None) -> dict:
        passing = [s for s in self.steps if s["verdict"] is None]
        best = max(passing, key=lambda s: s["forwarded_pps"], default=None)
        # Half capacity: the passing step nearest half the best rate (measure_half_capacity ran
        # one there), for its p99 latency.
        half = min(passing, key=lambda s: abs(s["forwarded_pps"] - best["forwarded_pps"] / 2), default=None) if best else None
        return {
            "sfu": self.sfu,
            "capacity_pps": best["forwarded_pps"] if best else None,
            "generator_bound": stop_reason == "generator" or (stop_reason or "").startswith("generator's"),
            "stop_reason": stop_reason,
            "best_step": summary_of(best) if best else None,
            "half_capacity_step": summary_of(half) if half else None,
            "generator_cpu_percent_max": max((s["generator_cpu_percent"] for s in self.steps), default=None),
            "startup_s": median([s.get("startup_s") for s in self.steps]),
            "steps": [summary_of(s) for s in self.steps],
        }


def summary_of(run: dict) -> dict:
    keys = ("groups", "peer_connections", "forwarded_pps", "forwarded_mbps", "sfu_cpu_percent", "pps_per_cpu_s", "cpu_us_per_packet",
            "lost_packets", "socket_drops", "udp_drops", "latency_p50_us", "latency_p99_us", "latency_max_us", "latency_samples",
            "generator_cpu_percent", "steal_percent", "rss_kb", "idle_rss_kb", "idle_rss_anon_kb", "idle_rss_file_kb", "startup_s", "decrypted_packets", "decrypt_failures",
            "padding_packets", "sfu_thread_cpu", "srtp_profiles", "verdict", "label")
    return {k: run.get(k) for k in keys}


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def memory_probe(harness, duration: float) -> dict:
    """Our bridge's RSS per receiver and per sender: fresh processes under 1 -> 10, 1 -> 200 and
    20 x (1 -> 1), RSS at the end of each window; idle RSS and start-up from each start."""
    flags = ("--decrypt-sample", str(DECRYPT_SAMPLE), "--read-interval-us", str(READ_INTERVAL_US))
    def rss(groups, receivers):
        run = harness.run_one("meetpad", "s1", receivers, 1, 2, 0, groups=groups, load_flags=flags, duration=duration,
                              tag=f"memory-meetpad-{groups}x{receivers}")
        return run
    base, wide, many = rss(1, 10), rss(1, 200), rss(20, 1)
    per_receiver = (wide["rss_kb"] - base["rss_kb"]) / 190
    # 20 x (1 -> 1) against 1 -> 10: 19 more senders and 10 more receivers.
    per_sender = (many["rss_kb"] - base["rss_kb"] - 10 * per_receiver) / 19
    runs = (base, wide, many)
    return {
        "idle_rss_kb": median([r.get("idle_rss_kb") for r in runs]),
        "idle_rss_anon_kb": median([r.get("idle_rss_anon_kb") for r in runs]),
        "idle_rss_file_kb": median([r.get("idle_rss_file_kb") for r in runs]),
        "startup_s": median([r.get("startup_s") for r in runs]),
        "rss_kb_per_receiver": per_receiver,
        "rss_kb_per_sender": per_sender,
        "runs": [{"label": r["label"], "peer_connections": r["peer_connections"], "rss_kb": r["rss_kb"], "lost_packets": r["lost_packets"],
                  "idle_rss_kb": r.get("idle_rss_kb"), "idle_rss_anon_kb": r.get("idle_rss_anon_kb"),
                  "idle_rss_file_kb": r.get("idle_rss_file_kb"), "startup_s": r.get("startup_s")} for r in runs],
    }


def ratios(results: dict) -> dict:
    """meetpad vs Janus (capacity) and each SFU's CPU cost per packet vs each floor's, at the
    best step of each."""
    def cost(sfu):
        # Cost per packet holds at any load, so a generator-bound ramp still gives one.
        r = results.get(sfu)
        return r["best_step"]["cpu_us_per_packet"] if r and r["best_step"] else None
    def capacity(sfu):
        r = results.get(sfu)
        return r["capacity_pps"] if r and not r["generator_bound"] else None
    out = {}
    if capacity("meetpad") and capacity("janus"):
        out["meetpad_vs_janus_capacity"] = capacity("meetpad") / capacity("janus")
    for sfu in ("meetpad", "janus"):
        for floor in FLOORS:
            if cost(sfu) and cost(floor):
                out[f"{sfu}_cost_vs_{floor}"] = cost(sfu) / cost(floor)
    return out


def fmt(v, digits=0):
    return "-" if v is None else f"{v:,.{digits}f}"


def media_thread_share(step: dict | None) -> str:
    """The busiest thread's name and share of the SFU's CPU."""
    threads = (step or {}).get("sfu_thread_cpu") or []
    total = sum(t["percent"] for t in threads)
    if not threads or total <= 0:
        return "-"
    top = threads[0]
    return f"{top['name']} {top['percent']:.0f} % of {total:.0f} %"


def table(results: dict, memory: dict | None) -> str:
    lines = ["| SFU (one core) | capacity: fwd pps at 0 loss | at step (groups × 1→10) | SFU CPU % | CPU µs/pkt | "
             "p99 µs at half capacity | max gen CPU % | busiest thread | ramp ended by |",
             "|---|---:|---|---:|---:|---:|---:|---|---|"]
    for sfu in CAPACITY_SFUS:
        r = results.get(sfu)
        if not r:
            continue
        b, h = r["best_step"] or {}, r["half_capacity_step"] or {}
        capacity = fmt(r["capacity_pps"]) + (" (generator-bound, not a capacity)" if r["generator_bound"] else "")
        lines.append(f"| {NAMES[sfu]} | {capacity} | {fmt(b.get('groups'))} ({fmt(b.get('peer_connections'))} peers) | "
                     f"{fmt(b.get('sfu_cpu_percent'), 1)} | {fmt(b.get('cpu_us_per_packet'), 2)} | "
                     f"{fmt(h.get('latency_p99_us'))} (at {fmt(h.get('forwarded_pps'))} pps) | {fmt(r['generator_cpu_percent_max'])} | "
                     f"{media_thread_share(b)} | {r['stop_reason'] or '-'} |")
    q = ratios(results)
    lines.append("")
    parts = []
    if "meetpad_vs_janus_capacity" in q:
        parts.append(f"meetpad ÷ Janus capacity {q['meetpad_vs_janus_capacity']:.2f}×")
    for sfu in ("meetpad", "janus"):
        for floor in reversed(FLOORS):
            key = f"{sfu}_cost_vs_{floor}"
            if key in q:
                parts.append(f"{sfu} cost per packet ÷ {NAMES[floor]} {q[key]:.2f}")
    lines.append("Ratios: " + ("; ".join(parts) if parts else "none (an SFU is missing or generator-bound)"))
    ours = (results.get("meetpad") or {}).get("best_step")
    if ours and ours.get("sfu_thread_cpu"):
        lines.append("")
        lines.append(f"meetpad-bridge CPU by thread at {fmt(ours['forwarded_pps'])} fwd pps (% of one core): " +
                     ", ".join(f"{t['name']} {t['percent']:.2f}" for t in ours["sfu_thread_cpu"]))
    if memory:
        lines.append("")
        def mb(key):
            return fmt((memory.get(key) or 0) / 1024, 1)
        lines.append(f"meetpad-bridge memory: idle RSS {mb('idle_rss_kb')} MB (before any signalling; anonymous "
                     f"{mb('idle_rss_anon_kb')} MB, file-backed {mb('idle_rss_file_kb')} MB: code of the binary and its libraries), "
                     f"start-up {fmt(memory['startup_s'] * 1000 if memory['startup_s'] else None)} ms (process start to /about/health 200), "
                     f"RSS per receiver {fmt(memory['rss_kb_per_receiver'])} KB, per sender {fmt(memory['rss_kb_per_sender'])} KB")
    return "\n".join(lines)


def svg_plot(results: dict, path: str, colors: dict):
    """Two panels: forwarded pps against the SFU's CPU over every step of the ramps, and p99
    added latency against forwarded pps over the passing steps (a failing step's standing queue,
    up to a second, would flatten the rest)."""
    steps = {sfu: [s for s in r["steps"] if s.get("forwarded_pps") and s.get("sfu_cpu_percent") is not None]
             for sfu, r in results.items()}
    cpu = {sfu: [(s["forwarded_pps"], s["sfu_cpu_percent"]) for s in ss] for sfu, ss in steps.items()}
    latency = {sfu: [(s["forwarded_pps"], s["latency_p99_us"]) for s in ss if s.get("latency_p99_us") and s["verdict"] is None]
               for sfu, ss in steps.items()}
    parts = svg_chart.panel(0, "SFU CPU against load (one core)", cpu, colors, "forwarded packets per second", "% of one core")
    parts += svg_chart.panel(svg_chart.WIDTH, "p99 added latency against load", latency, colors, "forwarded packets per second", "µs")
    svg_chart.write(path, 2, parts, {sfu: NAMES[sfu] for sfu in results}, colors)
