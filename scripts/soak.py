#!/usr/bin/env python3
"""Soak test: the release bridge under a modest, churning load for a long time, watched for leaks.

Starts meetpad-bridge (REST-only, free loopback ports) and keeps --endpoints real WebRTC endpoints
(meetpad-load, scenario S2: everyone sends audio + simulcast video, everyone receives) in
--conferences conferences for --duration seconds:

  - long-lived: one meetpad-load holding all conferences but the churned ones for the whole soak
    (chained in segments of at most an hour, meetpad-load's limit);
  - churn: a loop of short meetpad-load runs, each creating --churn-conferences fresh conferences
    (new meeting ids every time), sending for --churn-seconds and expiring them, so endpoint and
    conference create/expire happen all along while --endpoints are present most of the time.

Every --interval seconds it samples the bridge's RSS (/proc/PID/status), open file descriptors,
threads, CPU time and /metrics (conferences, endpoints, every jitsi_jvb_drops_total{reason}, and
the packet-cache gauge when the bridge has one). At the end: a table, the RSS slope (least squares,
KB/hour and % of the mean per hour) and the RSS range as ± % of the mean over the samples after
--warmup seconds of load, the loss meetpad-load reported, and JSON + SVG under --out.

Exit status 1 when the RSS range exceeds ± --rss-tolerance %, meetpad-load reports any loss or a
failed run, the bridge dies, or the gauges are not back to 0 once every conference was expired;
2 for bad flags; 130 when interrupted. Everything started is stopped on any exit.

  soak.py                                   20 endpoints in 4 conferences for 1 h, sampled every minute
  soak.py --duration 300 --interval 30      a 5-minute check
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "Benchmarks", "results", "soak")
CHURN_FIRST_CONFERENCE = 1000  # churn runs number their conferences from here, one fresh range per run
LOAD_WARMUP_S = 2.0  # meetpad-load's media before its measured window
SEGMENT_MAX_S = 3600.0  # meetpad-load's --duration limit
GAUGES = {  # metric name -> sample key; absent metrics are simply not recorded
    "jitsi_jvb_conferences": "conferences",
    "jitsi_jvb_endpoints": "endpoints",
    "jitsi_jvb_endpoints_connected": "endpoints_connected",
    "jitsi_jvb_packet_cache_bytes": "packet_cache_bytes",
}
DROPS = "jitsi_jvb_drops_total"


# -------------------------------------------------------------------- the bridge process

def free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)')
_REASON = re.compile(r'reason="((?:[^"\\]|\\.)*)"')


def parse_metrics(text: str) -> tuple[dict[str, float], dict[str, float]]:
    """(gauges by sample key, drops by reason) from the Prometheus text."""
    gauges, drops = {}, {}
    for line in text.splitlines():
        m = _SAMPLE.match(line)
        if not m or line.startswith("#"):
            continue
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        try:
            v = float(value)
        except ValueError:
            continue
        if name in GAUGES:
            gauges[GAUGES[name]] = gauges.get(GAUGES[name], 0.0) + v
        elif name in (DROPS, DROPS[:-len("_total")]):
            r = _REASON.search(labels)
            drops[r.group(1) if r else ""] = v
    return gauges, drops


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM (KB), threads, open fds and CPU seconds of `pid`."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Threads"):
                out[key] = int(rest.split()[0])
    out["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    out["cpu_s"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def udp_errors() -> int:
    """Kernel UDP receive-buffer drops, machine-wide (/proc/net/snmp RcvbufErrors)."""
    try:
        lines = [l.split() for l in open("/proc/net/snmp") if l.startswith("Udp:")]
        return int(lines[1][lines[0].index("RcvbufErrors")])
    except (OSError, ValueError, IndexError):
        return 0


class Soak:
    def __init__(self, args):
        self.args = args
        self.started = datetime.datetime.now(datetime.timezone.utc)
        self.stamp = self.started.strftime("%Y%m%dT%H%M%SZ")
        self.rundir = os.path.join(args.out, self.stamp)
        os.makedirs(self.rundir, exist_ok=True)
        self.procs: list[subprocess.Popen] = []
        self.bridge: subprocess.Popen | None = None
        self.http_port = free_port(socket.SOCK_STREAM)
        self.media_port = free_port(socket.SOCK_DGRAM)
        self.samples: list[dict] = []
        self.runs: list[dict] = []  # one per finished meetpad-load
        self.t0 = 0.0  # monotonic time the load started

    def nice(self, cmd: list[str]) -> list[str]:
        return (["nice", "-n", str(self.args.nice)] + cmd) if self.args.nice else cmd

    def spawn(self, cmd: list[str], log: str, env=None) -> subprocess.Popen:
        out = open(os.path.join(self.rundir, log), "w")
        p = subprocess.Popen(self.nice(cmd), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             env=env, start_new_session=True)
        out.close()
        self.procs.append(p)
        return p

    def stop(self, p: subprocess.Popen, timeout: float = 5.0):
        """SIGTERM to the process group; a second one after a second (the bridge's first SIGTERM is
        a graceful shutdown); SIGKILL after `timeout`."""
        deadline = time.monotonic() + timeout
        for attempt in range(2):
            if p.poll() is not None:
                break
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                break
            try:
                p.wait(1.0 if attempt == 0 else max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                continue
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
        if p in self.procs:
            self.procs.remove(p)

    def cleanup(self):
        for p in list(reversed(self.procs)):
            self.stop(p, timeout=3)

    def http_get(self, path: str, timeout: float = 5) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}{path}", timeout=timeout) as r:
            return r.read().decode("utf-8", "replace")

    def start_bridge(self):
        cmd = [self.args.bridge_bin, "--media-host", "127.0.0.1", "--port", str(self.media_port),
               "--http-host", "127.0.0.1", "--http-port", str(self.http_port), "--advertise-ips", "127.0.0.1",
               "--colibri-rest", "--disable-xmpp",
               # The load generator has no bridge channel to send constraints on (Benchmarks/LOAD.md).
               "--initial-max-height-px", "720"]
        self.bridge = self.spawn(cmd, "bridge.log", env=dict(os.environ, JVB_DISABLE_XMPP="1"))
        deadline = time.monotonic() + 20
        while True:
            if self.bridge.poll() is not None:
                raise RuntimeError(f"bridge exited with {self.bridge.returncode} while starting "
                                   f"(see {self.rundir}/bridge.log)")
            try:
                self.http_get("/about/health", timeout=1)
                return
            except Exception:  # noqa: BLE001 - not up yet
                if time.monotonic() > deadline:
                    raise RuntimeError("bridge /about/health not answering after 20 s") from None
                time.sleep(0.1)

    # ---------------------------------------------------------------- sampling

    def sample(self, phase: str) -> dict:
        s = {"t_s": round(time.monotonic() - self.t0, 1) if self.t0 else 0.0, "phase": phase,
             "wall": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
        st = proc_status(self.bridge.pid)
        s.update(rss_kb=st["VmRSS"], hwm_kb=st["VmHWM"], threads=st["Threads"], fds=st["fds"],
                 cpu_s=round(st["cpu_s"], 2))
        try:
            gauges, drops = parse_metrics(self.http_get("/metrics"))
        except Exception as e:  # noqa: BLE001 - record, keep soaking; a dead bridge is caught elsewhere
            gauges, drops, s["metrics_error"] = {}, {}, str(e)
        s.update(gauges)
        s["drops"] = drops
        if phase == "load" and s.get("endpoints") != self.args.endpoints:
            s["phase"] = phase = "gap"  # a run's endpoints were not all there after all
        s["load_runs_active"] = sum(1 for p in self.procs if p is not self.bridge and p.poll() is None)
        self.samples.append(s)
        cache = f" cache {s['packet_cache_bytes'] / 1024:,.0f} KB" if "packet_cache_bytes" in s else ""
        print(f"[{s['t_s']:7.0f} s] {phase:6} RSS {s['rss_kb'] / 1024:7.1f} MB  conferences {s.get('conferences', 0):3.0f}"
              f"  endpoints {s.get('endpoints', 0):4.0f}{cache}  drops {sum(drops.values()):,.0f}  fds {s['fds']}", flush=True)
        return s

    # ---------------------------------------------------------------- load

    def load_cmd(self, label: str, conferences: int, first: int, duration: float) -> tuple[list[str], str]:
        out = os.path.join(self.rundir, f"{label}.json")
        a = self.args
        cmd = [a.load_bin, "--sfu", "meetpad", "--scenario", "s2", "--conferences", str(conferences),
               "--participants", str(a.endpoints // a.conferences), "--first-conference", str(first),
               "--duration", f"{duration:g}", "--warmup", f"{LOAD_WARMUP_S:g}", "--video-kbps", a.video_kbps,
               "--http-port", str(self.http_port), "--sfu-pid", str(self.bridge.pid), "--json", out,
               "--label", label, "--quiet"]
        return cmd, out

    def start_load(self, label: str, conferences: int, first: int, duration: float) -> dict:
        cmd, out = self.load_cmd(label, conferences, first, duration)
        p = self.spawn(cmd, f"{label}.log")
        now = time.monotonic()
        # When its media should stop: connect (about a second), warm-up, measured window, drain.
        return {"proc": p, "label": label, "json": out, "started_s": now - self.t0, "started": now,
                "media_until": now + 1.5 + LOAD_WARMUP_S + duration}

    def finish_load(self, run: dict):
        p = run["proc"]
        if p in self.procs:
            self.procs.remove(p)
        report = {}
        try:
            with open(run["json"]) as f:
                report = json.load(f)
        except (OSError, ValueError):
            pass
        keep = ("peer_connections", "conferences", "duration_s", "connect_s", "expected_packets",
                "received_expected_packets", "lost_packets", "loss_percent", "unexpected_packets", "decrypt_failures",
                "forwarded_pps", "sfu_cpu_percent", "generator_cpu_percent", "udp_drops", "failure")
        r = {"label": run["label"], "exit": p.returncode, "started_s": round(run["started_s"], 1),
             "ended_s": round(time.monotonic() - self.t0, 1)}
        r.update({k: report[k] for k in keep if k in report})
        if p.returncode != 0 and "failure" not in r:
            r["failure"] = f"meetpad-load exited with {p.returncode} (see {run['label']}.log)"
        self.runs.append(r)
        note = f" FAILED: {r['failure']}" if r.get("failure") else ""
        print(f"           {run['label']}: {r.get('peer_connections', '?')} endpoints, lost {r.get('lost_packets', '?')} "
              f"of {r.get('expected_packets', '?')} expected packets{note}", flush=True)

    @staticmethod
    def steady(run: dict | None, now: float) -> bool:
        """A run's endpoints are all connected and sending, and will be for a few more seconds."""
        return run is not None and now - run["started"] >= 10 and run["media_until"] - now >= 5

    def run(self) -> None:
        a = self.args
        long_conferences = a.conferences - a.churn_conferences
        self.start_bridge()
        time.sleep(1)
        self.sample("idle")
        udp_before = udp_errors()
        self.t0 = time.monotonic()
        end = self.t0 + a.duration
        next_sample = self.t0 + a.interval
        long_run, churn_run, segment, cycle = None, None, 0, 0
        while True:
            now = time.monotonic()
            remaining = end - now
            if self.bridge.poll() is not None:
                raise RuntimeError(f"the bridge died with exit code {self.bridge.returncode} "
                                   f"(see {self.rundir}/bridge.log)")
            if long_run is not None and long_run["proc"].poll() is not None:
                self.finish_load(long_run)
                long_run = None
            if churn_run is not None and churn_run["proc"].poll() is not None:
                self.finish_load(churn_run)
                churn_run = None
            # The long-lived endpoints: one run to the end, chained when longer than meetpad-load allows.
            if long_run is None and long_conferences > 0 and remaining > 20:
                long_run = self.start_load(f"long-{segment}", long_conferences, 0, min(SEGMENT_MAX_S, remaining - 5))
                segment += 1
            # The churned endpoints: a fresh conference range per run, each sending --churn-seconds
            # (the last one less, so it ends with the soak).
            churn_s = min(a.churn_seconds, remaining - 8)
            if churn_run is None and a.churn_conferences > 0 and churn_s >= min(20, a.churn_seconds):
                first = CHURN_FIRST_CONFERENCE + cycle * a.churn_conferences
                churn_run = self.start_load(f"churn-{cycle}", a.churn_conferences, first, churn_s)
                cycle += 1
            # Samples count only while every endpoint is up (not in the second between two churn runs,
            # when the RSS of a whole conference is missing); one is postponed at most an interval.
            if now >= next_sample and remaining > 0:
                all_up = ((long_conferences == 0 or self.steady(long_run, now))
                          and (a.churn_conferences == 0 or self.steady(churn_run, now)))
                if all_up or now >= next_sample + a.interval:
                    self.sample("load" if all_up else "gap")
                    next_sample += a.interval * (math.floor((now - next_sample) / a.interval) + 1)
            if remaining <= 0 and long_run is None and churn_run is None:
                break
            if remaining < -120:
                raise RuntimeError("meetpad-load runs did not finish within 2 minutes of the end")
            time.sleep(0.25)
        self.udp_drops = udp_errors() - udp_before
        # Every run expired its conferences: the gauges must read 0 again (allow the stats snapshot a moment).
        deadline = time.monotonic() + 10
        while True:
            time.sleep(2)
            s = self.sample("after")
            if (s.get("conferences", 0) == 0 and s.get("endpoints", 0) == 0) or time.monotonic() > deadline:
                break


# -------------------------------------------------------------------- analysis

def least_squares(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0


def analyse(soak: Soak) -> dict:
    a = soak.args
    loaded = [s for s in soak.samples if s["phase"] == "load"]
    steady = [s for s in loaded if s["t_s"] > a.warmup] or loaded[-1:]
    rss = [s["rss_kb"] for s in steady]
    mean = sum(rss) / len(rss) if rss else 0.0
    slope = least_squares([s["t_s"] / 3600 for s in steady], rss)
    half_range = (max(rss) - min(rss)) / 2 if rss else 0.0
    idle, after = soak.samples[0], soak.samples[-1]
    lost = sum(r.get("lost_packets", 0) for r in soak.runs)
    expected = sum(r.get("expected_packets", 0) for r in soak.runs)
    drops_moved = {}
    for reason, v in after["drops"].items():
        d = v - idle["drops"].get(reason, 0.0)
        if d:
            drops_moved[reason] = d
    return {
        "steady_samples": len(steady),
        "steady_window_s": round(steady[-1]["t_s"] - steady[0]["t_s"], 1) if steady else 0.0,
        "gap_samples": sum(1 for s in soak.samples if s["phase"] == "gap"),
        "rss_mean_kb": round(mean),
        "rss_min_kb": min(rss) if rss else None,
        "rss_max_kb": max(rss) if rss else None,
        "rss_range_pct": round(100 * half_range / mean, 3) if mean else None,
        "rss_slope_kb_per_h": round(slope, 1),
        "rss_slope_pct_per_h": round(100 * slope / mean, 3) if mean else None,
        "rss_idle_before_kb": idle["rss_kb"],
        "rss_idle_after_kb": after["rss_kb"],
        "fds_idle_before": idle["fds"], "fds_idle_after": after["fds"],
        "threads_idle_before": idle["threads"], "threads_idle_after": after["threads"],
        "gauges_after": {k: after.get(k) for k in GAUGES.values() if k in after},
        "drops_during_soak": drops_moved,
        "load_runs": len(soak.runs),
        "failed_runs": [r["label"] + ": " + r["failure"] for r in soak.runs if r.get("failure")],
        "expected_packets": expected,
        "lost_packets": lost,
        "loss_percent": 100 * lost / expected if expected else 0.0,
        "kernel_udp_rcvbuf_errors": soak.udp_drops,
        "bridge_cpu_percent": round(100 * (after["cpu_s"] - idle["cpu_s"]) / max(1.0, after["t_s"]), 1),
    }


def verdict(summary: dict, tolerance: float) -> list[str]:
    problems = []
    if summary["rss_range_pct"] is None:
        problems.append("no RSS samples under load (duration shorter than --warmup + --interval?)")
    elif summary["rss_range_pct"] > tolerance:
        problems.append(f"RSS range ±{summary['rss_range_pct']:.2f} % of the mean exceeds ±{tolerance:g} %")
    if summary["lost_packets"] > 0:
        problems.append(f"meetpad-load lost {summary['lost_packets']} of {summary['expected_packets']} packets"
                        + (f" (kernel UDP buffer drops moved by {summary['kernel_udp_rcvbuf_errors']}: machine overloaded?)"
                           if summary["kernel_udp_rcvbuf_errors"] else ""))
    if summary["expected_packets"] == 0:
        problems.append("no media was measured")
    problems += [f"load run failed: {f}" for f in summary["failed_runs"]]
    leftover = {k: v for k, v in summary["gauges_after"].items() if k in ("conferences", "endpoints") and v}
    if leftover:
        problems.append(f"gauges not back to 0 after every conference expired: {leftover}")
    return problems


def table(soak: Soak) -> str:
    reasons = sorted({r for s in soak.samples for r in s["drops"]})
    cache = any("packet_cache_bytes" in s for s in soak.samples)
    head = ["t (s)", "phase", "RSS MB", "Δ idle MB", "confs", "endpoints"] + (["cache KB"] if cache else []) + \
        ["fds", "threads", "CPU s"] + [f"drops {r}" for r in reasons]
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    idle = soak.samples[0]["rss_kb"]
    for s in soak.samples:
        row = [f"{s['t_s']:.0f}", s["phase"], f"{s['rss_kb'] / 1024:.1f}", f"{(s['rss_kb'] - idle) / 1024:+.1f}",
               f"{s.get('conferences', 0):.0f}", f"{s.get('endpoints', 0):.0f}"]
        if cache:
            row.append(f"{s['packet_cache_bytes'] / 1024:,.0f}" if "packet_cache_bytes" in s else "–")
        row += [str(s["fds"]), str(s["threads"]), f"{s['cpu_s']:.1f}"] + [f"{s['drops'].get(r, 0):,.0f}" for r in reasons]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def svg_plot(soak: Soak, summary: dict, path: str):
    """RSS (MB) under load on top, with the ±tolerance band around the steady mean; cumulative drops
    per reason below; against minutes since the load started. The steady window is shaded."""
    W, H, PAD, GAP = 760, 200, 60, 40
    samples = soak.samples
    tmax = max(1.0, max(s["t_s"] for s in samples))
    def X(t): return PAD + t / tmax * (W - 2 * PAD)
    colors = ["#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#ff7f0e"]

    def panel(y0, title, series: dict[str, list[tuple[float, float]]], fmt, shade=True, band=None, floor=None):
        values = [v for pts in series.values() for _, v in pts] + (list(band) if band else []) or [0.0]
        lo, hi = min(values), max(values)
        if floor is not None:
            lo, hi = floor, max(hi, floor + 4)
        elif hi - lo < 1e-9:
            lo, hi = lo - 1, hi + 1
        if floor is None:
            span = hi - lo
            lo, hi = lo - 0.1 * span, hi + 0.1 * span
        def Y(v): return y0 + H - (v - lo) / (hi - lo) * H
        out = [f'<text x="{W / 2}" y="{y0 - 8}" text-anchor="middle" font-size="13">{title}</text>']
        if shade:
            out.append(f'<rect x="{X(soak.args.warmup):.1f}" y="{y0}" width="{X(tmax) - X(soak.args.warmup):.1f}" height="{H}" fill="#f3f3f3"/>')
        if band:
            out.append(f'<rect x="{X(soak.args.warmup):.1f}" y="{Y(band[1]):.1f}" width="{X(tmax) - X(soak.args.warmup):.1f}" '
                       f'height="{Y(band[0]) - Y(band[1]):.1f}" fill="#cfe3f5"/>')
        out.append(f'<rect x="{PAD}" y="{y0}" width="{W - 2 * PAD}" height="{H}" fill="none" stroke="black"/>')
        for i in range(5):
            v = lo + (hi - lo) * i / 4
            out.append(f'<line x1="{PAD}" y1="{Y(v):.1f}" x2="{W - PAD}" y2="{Y(v):.1f}" stroke="#ddd"/>')
            out.append(f'<text x="{PAD - 4}" y="{Y(v) + 4:.1f}" text-anchor="end" font-size="10">{fmt(v)}</text>')
        for i in range(6):
            t = tmax * i / 5
            out.append(f'<text x="{X(t):.1f}" y="{y0 + H + 14}" text-anchor="middle" font-size="10">{t / 60:.1f}</text>')
        for k, (name, pts) in enumerate(series.items()):
            color = "#1f77b4" if len(series) == 1 else colors[k % len(colors)]
            out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="'
                       + " ".join(f"{X(t):.1f},{Y(v):.1f}" for t, v in pts) + '"/>')
            out += [f'<circle cx="{X(t):.1f}" cy="{Y(v):.1f}" r="2.5" fill="{color}"/>' for t, v in pts]
            if len(series) > 1:
                out.append(f'<text x="{W - PAD + 4}" y="{y0 + 12 + 13 * k}" font-size="10" fill="{color}">{name}</text>')
        return out

    loaded = [s for s in samples if s["phase"] in ("load", "gap")]
    rss = {"RSS": [(s["t_s"], s["rss_kb"] / 1024) for s in loaded]}
    mean_mb, tol = summary["rss_mean_kb"] / 1024, soak.args.rss_tolerance / 100
    band = (mean_mb * (1 - tol), mean_mb * (1 + tol)) if summary["rss_mean_kb"] else None
    reasons = sorted({r for s in samples for r in s["drops"]})
    drops = {r: [(s["t_s"], s["drops"].get(r, 0.0)) for s in samples] for r in reasons} or {"(none)": [(0, 0), (tmax, 0)]}
    parts = panel(30, f"bridge RSS under load (MB; idle {summary['rss_idle_before_kb'] / 1024:.1f} before, "
                      f"{summary['rss_idle_after_kb'] / 1024:.1f} after): slope {summary['rss_slope_kb_per_h']:+,.0f} KB/h, "
                      f"range ±{summary['rss_range_pct'] or 0:.2f} % (band ±{soak.args.rss_tolerance:g} %)",
                  rss, lambda v: f"{v:.1f}", band=band)
    parts += panel(30 + H + GAP + 20, "drops by reason (cumulative)", drops, lambda v: f"{v:,.0f}", shade=False, floor=0)
    total_h = 30 + 2 * H + GAP + 20 + 36
    parts.append(f'<text x="{W / 2}" y="{total_h - 6}" text-anchor="middle" font-size="11">minutes since the load '
                 f'started (shaded: after the {soak.args.warmup:g} s warm-up)</text>')
    with open(path, "w") as f:
        f.write(f'<svg xmlns="http://www.w3.org/2000/svg" width="{W + 80}" height="{total_h}" font-family="sans-serif">'
                f'<rect width="100%" height="100%" fill="white"/>{"".join(parts)}</svg>\n')


def machine() -> str:
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
    return f"{os.cpu_count()} CPUs, {model}, kernel {platform.release()}"


# -------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--endpoints", type=int, default=20, help="endpoints present most of the time (default 20)")
    ap.add_argument("--conferences", type=int, default=4, help="conferences they are spread over (default 4)")
    ap.add_argument("--churn-conferences", type=int, default=1,
                    help="how many of those are churned: re-created by short runs all along (default 1)")
    ap.add_argument("--churn-seconds", type=float, default=60, help="media per churn run before it expires (default 60)")
    ap.add_argument("--duration", type=float, default=3600, help="seconds of load (default 3600)")
    ap.add_argument("--interval", type=float, default=60, help="seconds between samples (default 60)")
    ap.add_argument("--warmup", type=float, default=120,
                    help="seconds of load whose samples the RSS range and slope leave out (default 120)")
    ap.add_argument("--video-kbps", default="100,250,600", help="simulcast layer bitrates (default 100,250,600: modest)")
    ap.add_argument("--rss-tolerance", type=float, default=2.0, help="allowed RSS range, ± %% of the mean (default 2)")
    ap.add_argument("--nice", type=int, default=10, help="niceness of the bridge and the load (default 10; 0 = none)")
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--bridge-bin", default=os.path.join(ROOT, ".build/release/meetpad-bridge"))
    ap.add_argument("--load-bin", default=os.path.join(ROOT, ".build/release/meetpad-load"))
    args = ap.parse_args()
    if args.conferences < 1 or args.endpoints < 2 * args.conferences or args.endpoints % args.conferences:
        ap.error("--endpoints must be a multiple of --conferences with at least 2 per conference")
    if not 0 <= args.churn_conferences <= args.conferences:
        ap.error("--churn-conferences must be 0...--conferences")
    if args.duration <= 30 or args.interval <= 0 or args.churn_seconds <= 0 or args.warmup < 0:
        ap.error("--duration must exceed 30 s; --interval and --churn-seconds must be positive")
    if args.warmup + args.interval > args.duration:
        ap.error("--duration leaves no sample after --warmup; lower --warmup or --interval")
    if not re.fullmatch(r"\d+(,\d+){0,2}", args.video_kbps):
        ap.error("--video-kbps takes up to 3 integers like 100,250,600")
    for binary in (args.bridge_bin, args.load_bin):
        if not os.access(binary, os.X_OK):
            ap.error(f"{binary} is missing: build it first (make soak does)")

    soak = Soak(args)
    def on_signal(signum, _frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(f"soak: {args.endpoints} endpoints in {args.conferences} conferences ({args.churn_conferences} churned every "
          f"{args.churn_seconds:g} s) for {args.duration:g} s, sampled every {args.interval:g} s; "
          f"bridge {args.bridge_bin}; logs in {soak.rundir}", flush=True)
    failure = None
    try:
        soak.run()
    except KeyboardInterrupt:
        print("\ninterrupted: stopping everything started", file=sys.stderr)
        soak.cleanup()
        return 130
    except Exception as e:  # noqa: BLE001 - report what we have, clean up, fail
        failure = str(e)
        print(f"soak failed: {failure}", file=sys.stderr)
        soak.udp_drops = getattr(soak, "udp_drops", 0)
    finally:
        soak.cleanup()
    if len(soak.samples) < 2:
        return 1

    summary = analyse(soak)
    problems = ([failure] if failure else []) + verdict(summary, args.rss_tolerance)
    doc = {"date": soak.started.isoformat(timespec="seconds"), "machine": machine(),
           "bridge_bin": args.bridge_bin, "load_bin": args.load_bin,
           "config": {k: getattr(args, k) for k in ("endpoints", "conferences", "churn_conferences", "churn_seconds",
                                                    "duration", "interval", "warmup", "video_kbps", "rss_tolerance", "nice")},
           "summary": summary, "problems": problems, "samples": soak.samples, "load_runs": soak.runs}
    json_path = os.path.join(args.out, f"soak-{soak.stamp}.json")
    svg_path = os.path.join(args.out, f"soak-{soak.stamp}.svg")
    with open(json_path, "w") as f:
        json.dump(doc, f, indent=1)
    svg_plot(soak, summary, svg_path)
    shutil.copyfile(json_path, os.path.join(args.out, "latest.json"))
    shutil.copyfile(svg_path, os.path.join(args.out, "latest.svg"))

    s = summary
    print()
    print(table(soak))
    print()
    print(f"RSS over {s['steady_samples']} samples after {args.warmup:g} s of load ({s['gap_samples']} taken while "
          f"endpoints were missing left out): mean {s['rss_mean_kb'] / 1024:.1f} MB, "
          f"min {(s['rss_min_kb'] or 0) / 1024:.1f}, max {(s['rss_max_kb'] or 0) / 1024:.1f}, "
          f"range ±{s['rss_range_pct'] or 0:.2f} % of the mean (limit ±{args.rss_tolerance:g} %)")
    window_s = s["steady_window_s"]
    print(f"RSS slope: {s['rss_slope_kb_per_h']:+,.0f} KB/h = {s['rss_slope_pct_per_h'] or 0:+.2f} % of the mean per hour"
          + (f" (over {window_s / 60:.1f} min only: noise, not a trend)" if window_s < 1800 else f" (over {window_s / 60:.0f} min)"))
    print(f"idle RSS before / after the load: {s['rss_idle_before_kb'] / 1024:.1f} / {s['rss_idle_after_kb'] / 1024:.1f} MB; "
          f"fds {s['fds_idle_before']} / {s['fds_idle_after']}; threads {s['threads_idle_before']} / {s['threads_idle_after']}; "
          f"gauges after: {s['gauges_after']}")
    print(f"meetpad-load: {s['load_runs']} runs, lost {s['lost_packets']} of {s['expected_packets']:,} expected packets "
          f"({s['loss_percent']:.4f} %); kernel UDP buffer drops {s['kernel_udp_rcvbuf_errors']}; "
          f"bridge CPU {s['bridge_cpu_percent']} % of a core")
    print(f"drops during the soak: {s['drops_during_soak'] or 'none'}")
    print(f"JSON: {json_path}\nplot: {svg_path}\nlogs: {soak.rundir}")
    if problems:
        print("SOAK FAILED: " + "; ".join(problems), file=sys.stderr)
        return 1
    print("soak passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
