#!/usr/bin/env python3
"""Side-by-side load benchmark: our bridge, Janus VideoRoom and the C floor, same run.

Starts each SFU pinned to one CPU, runs meetpad-load pinned to the other, alternates the SFUs
(A B A B) over --reps repetitions, then ramps each SFU to its capacity on that core (capacity.py),
and writes tables, a JSON file and SVG plots to --out. Everything it starts (SFU processes, the
veth pair Janus needs) is stopped and removed on exit, on failure and on Ctrl-C. Method:
../../shared/docs/benchmark.md (docs/benchmark.md in shared/).

  bench.py                      the standard comparison (S1 N=10,25,50; S2 5x4), then capacity
  bench.py --capacity-sfus ''   the comparison alone
  bench.py --threads-ab ''      without our bridge's 1 vs 2 media threads runs (threads_ab.py)
  bench.py --smoke              CI: S1 N=3 for 5 s against our bridge only; fails on any loss
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

import capacity
import svg_chart
import threads_ab

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)

BRIDGE_MEDIA_PORT, BRIDGE_HTTP_PORT = 21000, 18180
JANUS_HTTP_PORT, JANUS_RTP_RANGE = 18188, "31000-31999"
FLOOR_PORT = 21100
VETH, VETH_PEER, VETH_ADDR = "sfuv0", "sfuv1", "127.0.0.2"
SFUS = ("meetpad", "janus", "floor")


class Harness:
    def __init__(self, args):
        self.args = args
        self.procs: list[subprocess.Popen] = []
        self.veth = False
        self.cpus = os.cpu_count() or 1
        self.sfu_cpu = "1" if self.cpus >= 2 else None
        self.gen_cpu = "0" if self.cpus >= 2 else None
        self.meetpad_threads, self.meetpad_cpus, self.meetpad_gso = None, None, True
        os.makedirs(args.out, exist_ok=True)
        self.logdir = os.path.join(args.out, "logs")
        os.makedirs(self.logdir, exist_ok=True)

    # ---------------------------------------------------------------- processes

    def spawn(self, cmd: list[str], log: str, env=None, cpu=None) -> subprocess.Popen:
        if cpu is not None and shutil.which("taskset"):
            cmd = ["taskset", "-c", cpu] + cmd
        out = open(os.path.join(self.logdir, log), "w")
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        p.started_at = time.monotonic()
        self.procs.append(p)
        return p

    def stop(self, p: subprocess.Popen, timeout=5.0):
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait()
        if p in self.procs:
            self.procs.remove(p)

    def cleanup(self):
        for p in list(self.procs):
            self.stop(p, timeout=3)
        if self.veth:
            subprocess.run(["ip", "link", "del", VETH], stderr=subprocess.DEVNULL)
            self.veth = False

    # ---------------------------------------------------------------- SFUs

    @staticmethod
    def wait_http(url: str, timeout: float, proc: subprocess.Popen, data: bytes | None = None) -> float:
        """Polls `url` until it answers 200; returns the seconds since `proc` was started."""
        started = getattr(proc, "started_at", time.monotonic())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"process exited with {proc.returncode} while starting (see logs)")
            try:
                with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=1) as r:
                    if r.status == 200:
                        return time.monotonic() - started
            except Exception:
                time.sleep(0.01)
        raise RuntimeError(f"{url} not answering after {timeout} s")

    @staticmethod
    def rss_kb(pid: int, field: str = "VmRSS") -> int | None:
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        except OSError:
            pass
        return None

    @staticmethod
    def bridge_send_counters() -> dict:
        """Our bridge's count of datagrams it sent and of those that left inside segmented sends
        (UDP GSO), from its /metrics: one snapshot of the media thread's (published each second),
        so the share is consistent even if the last second is missing."""
        names = {"jitsi_jvb_packets_sent_total": "bridge_packets_sent",
                 "jitsi_jvb_udp_segmented_datagrams_total": "bridge_segmented_datagrams"}
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{BRIDGE_HTTP_PORT}/metrics", timeout=2) as r:
                text = r.read().decode()
        except OSError:
            return {}
        values = {}
        for line in text.splitlines():
            name, _, value = line.partition(" ")
            if name in names:
                values[names[name]] = float(value)
        sent, segmented = values.get("bridge_packets_sent"), values.get("bridge_segmented_datagrams")
        if sent and segmented is not None:
            values["segmented_percent"] = 100 * segmented / sent
        return values

    def idle_memory(self, pid: int) -> dict:
        """RSS and its two parts: anonymous (heap, stacks: the process's own) and file-backed (the
        pages of the binary and its shared libraries it has touched, shared with the page cache)."""
        return {"idle_rss_kb": self.rss_kb(pid), "idle_rss_anon_kb": self.rss_kb(pid, "RssAnon"),
                "idle_rss_file_kb": self.rss_kb(pid, "RssFile")}

    def start_meetpad(self, tag):
        env = dict(os.environ, JVB_DISABLE_XMPP="1")
        # meetpad-load signals no <sctp/>, so its receivers have no bridge channel and never send
        # ReceiverVideoConstraints; with JVB's default of 0 they would get no video at all. 720
        # is what a jitsi-meet client asks for first (LOAD.md, "Our bridge's video selection").
        # Pinned to one CPU its default is one media thread; threads_ab.py asks for two on two CPUs.
        threads = ["--media-threads", str(self.meetpad_threads)] if self.meetpad_threads else []
        if not self.meetpad_gso:
            threads.append("--no-udp-gso")
        p = self.spawn([self.args.bridge_bin, "--media-host", "127.0.0.1", "--port", str(BRIDGE_MEDIA_PORT),
                        "--http-host", "127.0.0.1", "--http-port", str(BRIDGE_HTTP_PORT),
                        "--advertise-ips", "127.0.0.1", "--colibri-rest", "--initial-max-height-px", "720"] + threads,
                       f"meetpad-{tag}.log", env=env, cpu=self.meetpad_cpus or self.sfu_cpu)
        # Start-up: process start to the first 200 from /about/health; idle RSS: right then,
        # before anything is signalled.
        self.last_start = {"startup_s": self.wait_http(f"http://127.0.0.1:{BRIDGE_HTTP_PORT}/about/health", 20, p),
                           **self.idle_memory(p.pid)}
        return p, ["--http-port", str(BRIDGE_HTTP_PORT)]

    def setup_veth(self):
        if self.veth:
            return
        subprocess.run(["ip", "link", "del", VETH], stderr=subprocess.DEVNULL)
        for cmd in (["ip", "link", "add", VETH, "type", "veth", "peer", "name", VETH_PEER],
                    ["sysctl", "-qw", f"net.ipv6.conf.{VETH}.disable_ipv6=1"],
                    ["sysctl", "-qw", f"net.ipv6.conf.{VETH_PEER}.disable_ipv6=1"],
                    ["ip", "addr", "add", f"{VETH_ADDR}/32", "dev", VETH],
                    ["ip", "link", "set", VETH, "up"], ["ip", "link", "set", VETH_PEER, "up"]):
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd)}: {r.stderr.strip()} (Janus needs root for its veth)")
            if cmd[1] == "link" and cmd[2] == "add":
                self.veth = True

    def janus_config(self) -> str:
        conf = os.path.join(self.args.out, "janus-etc")
        os.makedirs(conf, exist_ok=True)
        lib = "/usr/lib/x86_64-linux-gnu/janus"
        def others(folder, keep):
            names = sorted(f for f in os.listdir(os.path.join(lib, folder)) if f.endswith(".so"))
            return ",".join(n for n in names if n not in keep)
        with open(os.path.join(conf, "janus.jcfg"), "w") as f:
            f.write(f'''general: {{
  configs_folder = "{conf}"
  plugins_folder = "{lib}/plugins"
  transports_folder = "{lib}/transports"
  events_folder = "{lib}/events"
  loggers_folder = "{lib}/loggers"
  debug_level = 3
  session_timeout = 120
}}
media: {{
  ipv6 = false
  rtp_port_range = "{JANUS_RTP_RANGE}"
}}
nat: {{
  ice_enforce_list = "{VETH}"
  nice_debug = false
}}
plugins: {{ disable = "{others('plugins', {'libjanus_videoroom.so'})}" }}
transports: {{ disable = "{others('transports', {'libjanus_http.so'})}" }}
loggers: {{ disable = "{others('loggers', set())}" }}
events: {{ broadcast = false }}
''')
        with open(os.path.join(conf, "janus.transport.http.jcfg"), "w") as f:
            f.write(f'''general: {{ json = "plain" base_path = "/janus" http = true port = {JANUS_HTTP_PORT} ip = "127.0.0.1" https = false }}
admin: {{ admin_http = false }}
''')
        with open(os.path.join(conf, "janus.plugin.videoroom.jcfg"), "w") as f:
            f.write("general: { }\n")
        return conf

    def start_janus(self, tag):
        if not shutil.which("janus"):
            raise RuntimeError("janus is not installed (apt-get install -y janus)")
        self.setup_veth()
        conf = self.janus_config()
        p = self.spawn(["janus", "-F", conf, "-C", os.path.join(conf, "janus.jcfg"), "-o"], f"janus-{tag}.log", cpu=self.sfu_cpu)
        self.last_start = {"startup_s": self.wait_http(f"http://127.0.0.1:{JANUS_HTTP_PORT}/janus/info", 20, p),
                           **self.idle_memory(p.pid)}
        return p, ["--http-port", str(JANUS_HTTP_PORT), "--bind", VETH_ADDR]

    def start_floor(self, tag, receivers, crypto="libsrtp", gso=False):
        p = self.spawn([self.args.floor_bin, "--port", str(FLOOR_PORT), "--receivers-max", str(receivers), "--crypto", crypto,
                        "--gso", "1" if gso else "0"],
                       f"floor-{tag}.log", cpu=self.sfu_cpu)
        deadline = time.time() + 10
        log = os.path.join(self.logdir, f"floor-{tag}.log")
        while "ready" not in open(log).read():
            if p.poll() is not None or time.time() > deadline:
                raise RuntimeError("meetpad-floor did not start (see its log)")
            time.sleep(0.05)
        self.last_start = {"startup_s": None, **self.idle_memory(p.pid)}
        return p, ["--floor-port", str(FLOOR_PORT)]

    # ---------------------------------------------------------------- runs

    def run_one(self, sfu: str, scenario: str, n: int, c: int, p: int, rep: int, groups: int = 1,
                load_flags: tuple = (), duration: float | None = None, tag: str | None = None) -> dict:
        """One SFU process, one meetpad-load run against it. `sfu` is meetpad, janus, floor,
        floor-openssl (the floor on OpenSSL's AES-GCM) or floor-openssl-gso (that floor sending as
        our bridge does, with UDP GSO); `groups` S1 conferences of 1 -> n."""
        duration = self.args.duration if duration is None else duration
        tag = tag or f"{scenario}-{n if scenario == 's1' else f'{c}x{p}'}-{sfu}-{rep}"
        if sfu == "meetpad":
            proc, extra = self.start_meetpad(tag)
        elif sfu == "janus":
            proc, extra = self.start_janus(tag)
        else:
            proc, extra = self.start_floor(tag, n * groups, "libsrtp" if sfu == "floor" else "openssl", gso=sfu.endswith("-gso"))
        started = self.last_start
        out = os.path.join(self.args.out, "runs", f"{tag}.json")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        cmd = [self.args.load_bin, "--sfu", "floor" if sfu.startswith("floor") else sfu, "--scenario", scenario,
               "--receivers", str(n), "--groups", str(groups), "--conferences", str(c),
               "--participants", str(p), "--duration", str(duration), "--warmup", str(self.args.warmup),
               "--sfu-pid", str(proc.pid), "--json", out, "--label", tag] + extra + list(load_flags)
        if self.gen_cpu is not None:
            cmd += ["--cpu", self.gen_cpu]
        if not sys.stderr.isatty():
            cmd.append("--quiet")
        print(f"== {tag}", flush=True)
        try:
            load = subprocess.Popen(cmd, start_new_session=True)
            self.procs.append(load)
            rc = load.wait(timeout=duration + self.args.warmup + 120)
            self.procs.remove(load)
            counters = self.bridge_send_counters() if sfu == "meetpad" else {}
        finally:
            self.stop(proc)
        if not os.path.exists(out):
            raise RuntimeError(f"meetpad-load failed ({tag}), exit {rc}")
        with open(out) as f:
            result = json.load(f)
        result["rep"] = rep
        result["exit"] = rc
        result["sfu"] = sfu
        result.update({k: v for k, v in started.items() if v is not None})
        result.update(counters)
        return result


# -------------------------------------------------------------------- report

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def point_key(r):
    return (r["scenario"], r["receivers"] if r["scenario"] == "s1" else f'{r["conferences"]}x{r["participants"] // max(1, r["conferences"])}')


def summarize(results: list[dict]) -> dict:
    points: dict = {}
    for r in results:
        points.setdefault(point_key(r), {}).setdefault(r["sfu"], []).append(r)
    summary = []
    for key, by_sfu in points.items():
        row = {"scenario": key[0], "point": key[1]}
        for sfu, runs in by_sfu.items():
            row[sfu] = {k: median([x.get(k) for x in runs]) for k in
                        ("pps_per_cpu_s", "cpu_us_per_packet", "forwarded_pps", "lost_packets", "loss_percent",
                         "latency_p50_us", "latency_p99_us", "latency_max_us", "rss_kb", "rss_peak_kb",
                         "generator_cpu_percent", "sfu_cpu_percent", "udp_drops", "steal_percent", "peer_connections")}
            row[sfu]["runs"] = len(runs)
            row[sfu]["srtp"] = sorted({p for x in runs for p in x.get("srtp_profiles", [])})
            row[sfu]["failures"] = [x.get("failure") for x in runs if x.get("failure")]
            row[sfu]["generator_saturated"] = any(x.get("generator_saturated") for x in runs)
            # docs/benchmark.md: a run counts only with the generator under ~70 % of its core,
            # flat UDP drop counters and steal under 2 %.
            notes = []
            if row[sfu]["generator_saturated"]:
                notes.append("generator >70 %")
            if any((x.get("udp_drops") or 0) > 0 for x in runs):
                notes.append("UDP drops " + "/".join(str(x.get("udp_drops")) for x in runs))
            if any((x.get("steal_percent") or 0) > 2 for x in runs):
                notes.append("steal " + "/".join(f'{x.get("steal_percent", 0):.1f}' for x in runs) + " %")
            row[sfu]["notes"] = notes
            row[sfu]["video"] = video_layers(runs)
        if "meetpad" in by_sfu and "janus" in by_sfu:
            # Pairs in run order (A B A B): one ratio per repetition, then the median.
            pairs = [m["pps_per_cpu_s"] / j["pps_per_cpu_s"] for m in by_sfu["meetpad"] for j in by_sfu["janus"]
                     if m["rep"] == j["rep"] and j["pps_per_cpu_s"]]
            row["meetpad_vs_janus"] = {"pairs": pairs, "median": median(pairs)}
        if "floor" in by_sfu:
            floor_us = row["floor"]["cpu_us_per_packet"]
            for sfu in ("meetpad", "janus"):
                if sfu in row and floor_us:
                    row[sfu]["x_floor"] = row[sfu]["cpu_us_per_packet"] / floor_us
        summary.append(row)
    # Memory per endpoint: slope of RSS over peer connections across S1 points.
    slopes = {}
    for sfu in ("meetpad", "janus"):
        xs = [(r["peer_connections"], r["rss_kb"]) for r in results if r["sfu"] == sfu and r["scenario"] == "s1" and r.get("rss_kb")]
        if len({x for x, _ in xs}) >= 2:
            mx = statistics.mean(x for x, _ in xs)
            my = statistics.mean(y for _, y in xs)
            num = sum((x - mx) * (y - my) for x, y in xs)
            den = sum((x - mx) ** 2 for x, _ in xs)
            slopes[sfu] = num / den if den else None
    return {"points": summary, "rss_kb_per_endpoint": slopes}


def video_layers(runs) -> str:
    """Which simulcast layer the SFU forwarded each receiver of each remote sender (its first
    run): e.g. "720p ×25", with pairs that switched layers or got no video in the window."""
    r = runs[0]
    heights, pairs = r.get("video_layer_heights") or [], r.get("video_layer_pairs") or []
    parts = [f"{h}p ×{n}" for h, n in zip(heights, pairs) if n]
    if r.get("video_switched_pairs"):
        parts.append(f"switched ×{r['video_switched_pairs']}")
    if r.get("video_missing_pairs"):
        parts.append(f"none ×{r['video_missing_pairs']}")
    return ", ".join(parts) if parts else "-"


def fmt(v, digits=0):
    if v is None:
        return "-"
    return f"{v:,.{digits}f}"


def table(summary: dict) -> str:
    lines = ["| scenario | SFU | fwd pkts/CPU-s | CPU µs/pkt | × floor | fwd pps | lost | p50 µs | p99 µs | max µs | RSS MB | SFU CPU % | gen CPU % | SRTP | video fwd (receiver × sender) | run notes |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|"]
    for row in summary["points"]:
        for sfu in SFUS:
            if sfu not in row:
                continue
            s = row[sfu]
            name = {"meetpad": "meetpad-bridge", "janus": "Janus 1.1.2", "floor": "floor (C)"}[sfu]
            gen = fmt(s["generator_cpu_percent"]) + (" SATURATED" if s["generator_saturated"] else "")
            lines.append(f"| {row['scenario'].upper()} {row['point']} | {name} | {fmt(s['pps_per_cpu_s'])} | {fmt(s['cpu_us_per_packet'], 2)} | "
                         f"{fmt(s.get('x_floor'), 2)} | {fmt(s['forwarded_pps'])} | {fmt(s['lost_packets'])} | {fmt(s['latency_p50_us'])} | "
                         f"{fmt(s['latency_p99_us'])} | {fmt(s['latency_max_us'])} | {fmt((s['rss_kb'] or 0) / 1024, 1)} | "
                         f"{fmt(s['sfu_cpu_percent'], 1)} | {gen} | {','.join(s['srtp'])} | {s['video']} | {'; '.join(s['notes'])} |")
    lines.append("")
    lines.append("| scenario | meetpad ÷ Janus, fwd pkts per CPU-s (each A/B pair) | median |")
    lines.append("|---|---|---:|")
    for row in summary["points"]:
        if "meetpad_vs_janus" in row:
            r = row["meetpad_vs_janus"]
            lines.append(f"| {row['scenario'].upper()} {row['point']} | {', '.join(f'{x:.2f}' for x in r['pairs'])} | {fmt(r['median'], 2)}× |")
    slopes = summary["rss_kb_per_endpoint"]
    if slopes:
        lines.append("")
        lines.append("RSS growth per peer connection (S1 slope): " +
                     ", ".join(f"{k} {fmt(v, 0)} KB" for k, v in slopes.items() if v is not None))
    return "\n".join(lines)


COLORS = {"meetpad": "#1f77b4", "janus": "#d62728", "floor": "#2ca02c", "floor-openssl": "#9467bd", "floor-openssl-gso": "#8c564b"}


def svg_plot(summary: dict, path: str):
    """Two panels: forwarded packets per SFU CPU-second and p99 latency against N (S1)."""
    rows = sorted((r for r in summary["points"] if r["scenario"] == "s1"), key=lambda r: int(r["point"]))
    if not rows:
        return
    ns = [int(r["point"]) for r in rows]
    def series(metric):
        return {s: [(int(r["point"]), r[s][metric]) for r in rows if s in r and r[s][metric] is not None] for s in SFUS}
    parts = svg_chart.panel(0, "forwarded packets per SFU CPU-second", series("pps_per_cpu_s"), COLORS,
                            "receivers N (S1)", "packets / CPU-s", xticks=ns)
    parts += svg_chart.panel(svg_chart.WIDTH, "p99 added latency", series("latency_p99_us"), COLORS, "receivers N (S1)", "µs", xticks=ns)
    svg_chart.write(path, 2, parts, {"meetpad": "meetpad", "janus": "Janus", "floor": "floor"}, COLORS)


def machine() -> str:
    model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs, {model}, kernel {platform.release()}"


# -------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="CI: S1 N=3 for 5 s, our bridge only, must have 0 loss")
    ap.add_argument("--s1", default="10,25,50", help="S1 receiver counts")
    ap.add_argument("--s2", default="5x4", help="S2 conferences x participants (comma list, empty for none)")
    ap.add_argument("--s3", default="", help="S3 audio senders (comma list; not in the standard run)")
    ap.add_argument("--sfus", default="meetpad,janus,floor")
    ap.add_argument("--reps", type=int, default=2, help="A B A B repetitions")
    ap.add_argument("--duration", type=float, default=5, help="measured seconds per run")
    ap.add_argument("--warmup", type=float, default=2,
                    help="seconds before measuring (our bridge's first measured allocation comes 1 s after a layer starts)")
    ap.add_argument("--capacity-sfus", default=",".join(capacity.CAPACITY_SFUS),
                    help="SFUs whose capacity is ramped after the comparison (empty: no capacity run)")
    ap.add_argument("--threads-ab", default="10,50",
                    help="S1 receiver counts for our bridge on 1 vs 2 media threads (empty: none)")
    ap.add_argument("--capacity-duration", type=float, default=4, help="measured seconds per capacity step")
    ap.add_argument("--capacity-steps", type=int, default=8, help="most steps per SFU's ramp")
    ap.add_argument("--out", default=os.path.join(BENCH, "results"))
    ap.add_argument("--bridge-bin", default=os.path.join(ROOT, ".build/release/meetpad-bridge"))
    ap.add_argument("--load-bin", default=os.path.join(ROOT, ".build/release/meetpad-load"))
    ap.add_argument("--floor-bin", default=os.path.join(ROOT, ".build/release/meetpad-floor"))
    args = ap.parse_args()
    if args.smoke:
        args.s1, args.s2, args.s3, args.sfus, args.reps, args.duration, args.warmup = "3", "", "", "meetpad", 1, 5, 2
        args.capacity_sfus = ""
        args.threads_ab = ""
    sfus = [s for s in args.sfus.split(",") if s]
    for s in sfus:
        if s not in SFUS:
            ap.error(f"unknown SFU {s!r}; choose from {', '.join(SFUS)}")
    capacity_sfus = [s for s in args.capacity_sfus.split(",") if s]
    for s in capacity_sfus:
        if s not in capacity.CAPACITY_SFUS:
            ap.error(f"unknown capacity SFU {s!r}; choose from {', '.join(capacity.CAPACITY_SFUS)}")
    if args.capacity_duration <= 0 or args.capacity_steps < 1:
        ap.error("--capacity-duration must be positive and --capacity-steps at least 1")
    try:
        s1 = [int(x) for x in args.s1.split(",") if x]
        s2 = [tuple(int(v) for v in x.split("x")) for x in args.s2.split(",") if x]
        s3 = [int(x) for x in args.s3.split(",") if x]
        threads_points = [int(x) for x in args.threads_ab.split(",") if x]
    except ValueError:
        ap.error("--s1/--s3 take integers, --s2 takes CxP pairs like 5x4")
    if any(n < 1 or n > 1000 for n in s1) or any(c < 1 or p < 2 or c * p > 1000 for c, p in s2) or any(p < 2 or p > 1000 for p in s3):
        ap.error("N must be 1...1000, S2 needs C >= 1 and P >= 2 with C*P <= 1000, S3 needs 2...1000 senders")
    if args.duration <= 0 or args.reps < 1:
        ap.error("--duration must be positive and --reps at least 1")
    everyone = set(sfus) | set(capacity_sfus) | ({"meetpad"} if threads_points else set())
    for binary in [args.load_bin] + ([args.bridge_bin] if "meetpad" in everyone else []) + \
            ([args.floor_bin] if everyone & set(capacity.FLOORS) else []):
        if not os.access(binary, os.X_OK):
            ap.error(f"{binary} is missing: build it first (make bench does)")

    h = Harness(args)
    def on_signal(signum, _frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)  # also when started with SIGINT ignored (background jobs)
    results, started = [], datetime.datetime.now(datetime.timezone.utc)
    capacity_results, memory, thread_runs = {}, None, []
    try:
        plan = [("s1", n, 1, 2) for n in s1] + [("s2", 0, c, p) for c, p in s2] + [("s3", 0, 1, p) for p in s3]
        for rep in range(args.reps):
            for scenario, n, c, p in plan:
                for sfu in sfus:
                    if sfu == "floor" and scenario != "s1":
                        continue
                    if sfu == "janus" and scenario == "s3" and p > 20:
                        continue  # P publishers x P subscriber connections: too many for the 2-core box
                    results.append(h.run_one(sfu, scenario, n, c, p, rep))
        if threads_points:
            thread_runs = threads_ab.run(h, threads_points, args.reps)
        for sfu in capacity_sfus:
            capacity_results[sfu] = capacity.CapacityRamp(h, sfu, args.capacity_duration, args.capacity_steps).run()
        if "meetpad" in capacity_sfus:
            memory = capacity.memory_probe(h, capacity.MEMORY_WINDOW_S)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping everything started", file=sys.stderr)
        h.cleanup()
        return 130
    except Exception as e:  # noqa: BLE001 - report, clean up, fail
        print(f"bench failed: {e}", file=sys.stderr)
        h.cleanup()
        return 1
    finally:
        h.cleanup()

    summary = summarize(results)
    doc = {"date": started.isoformat(timespec="seconds"), "machine": machine(), "duration_s": args.duration,
           "warmup_s": args.warmup, "reps": args.reps, "pinning": {"sfu_cpu": h.sfu_cpu, "generator_cpu": h.gen_cpu},
           "runs": results, "summary": summary,
           "media_threads": {"runs": thread_runs, "summary": threads_ab.summarize(thread_runs), "settings": threads_ab.SETTINGS},
           "capacity": {"results": capacity_results, "ratios": capacity.ratios(capacity_results), "memory": memory,
                        "method": {"receivers_per_group": capacity.RECEIVERS_PER_GROUP, "decrypt_sample": capacity.DECRYPT_SAMPLE,
                                   "sfu_core_limit_percent": capacity.SFU_CORE_LIMIT,
                                   "generator_limit_percent": capacity.GENERATOR_LIMIT,
                                   "step_duration_s": args.capacity_duration}}}
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    json_path = os.path.join(args.out, f"bench-{stamp}.json")
    with open(json_path, "w") as f:
        json.dump(doc, f, indent=1)
    shutil.copyfile(json_path, os.path.join(args.out, "latest.json"))
    svg_path = os.path.join(args.out, "latest.svg")
    svg_plot(summary, svg_path)
    text = (f"meetpad load benchmark, {started:%Y-%m-%d %H:%M} UTC, {doc['machine']}; "
            f"{args.duration:g} s measured per run after {args.warmup:g} s warm-up, {args.reps} A/B repetition(s), medians; "
            f"SFU on CPU {h.sfu_cpu}, generator on CPU {h.gen_cpu}\n")
    if results:
        text += "\n" + table(summary) + "\n"
    if thread_runs:
        text += ("\nOur bridge on 1 and 2 media threads (S1, medians of "
                 f"{args.reps}; the generator on CPU 0; threads_ab.py says why four settings)\n\n"
                 + threads_ab.table(threads_ab.summarize(thread_runs)) + "\n")
    if capacity_results:
        capacity_svg = os.path.join(args.out, "capacity.svg")
        capacity.svg_plot(capacity_results, capacity_svg, COLORS)
        text += (f"\nCapacity (one SFU core, groups of 1 sender → {capacity.RECEIVERS_PER_GROUP} receivers, "
                 f"{args.capacity_duration:g} s per step, 0 loss, no UDP drop, SFU core < {capacity.SFU_CORE_LIMIT:g} %, "
                 f"generator ≤ {capacity.GENERATOR_LIMIT:g} %; plot {capacity_svg})\n\n"
                 + capacity.table(capacity_results, memory) + "\n")
    with open(os.path.join(args.out, "summary.md"), "w") as f:
        f.write(text)
    print()
    print(text)
    print(f"JSON: {json_path}\nplot: {svg_path}")
    bad = [r for r in results + thread_runs if r.get("failure")]
    if bad:
        print(f"{len(bad)} run(s) failed: " + "; ".join(f"{r['label']}: {r['failure']}" for r in bad), file=sys.stderr)
        return 1
    if args.smoke:
        lost = sum(r["lost_packets"] for r in results)
        received = sum(r["received_expected_packets"] for r in results)
        video = sum(sum(r.get("video_layer_pairs") or []) for r in results)
        if lost != 0 or received == 0 or video == 0:
            print(f"smoke run failed: lost {lost}, received {received}, receivers with video {video}", file=sys.stderr)
            return 1
        print(f"smoke run passed: 0 loss, video forwarded as {video_layers(results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
