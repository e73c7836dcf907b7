"""Our bridge on one and on two media threads, and without segmented sends, side by side (part
of `make bench`).

Issue 13 asks that a second media thread costs nothing per packet and that a fan-out's tail
gets shorter. Four settings, alternated in each repetition:
- 1 thread on CPU 1 without UDP GSO (`--no-udp-gso`): every datagram its own pass through the
  kernel, as before segmented sends; the "before" of GSO in the same run;
- 1 thread on CPU 1: the comparison's setup (pinned to one CPU, the default is one thread);
- 2 threads on CPU 1: what handing receivers to a lane costs, with the generator's core untouched;
- 2 threads on CPUs 0 and 1: the lane (a third of the receivers stay on the receiving thread)
  runs beside the receiving thread, but on the generator's core: on this 2-core machine the
  generator's own sending is then delayed by the lane, so its latency figures are an upper bound.
"""

# label -> (media threads, CPUs, UDP GSO)
SETTINGS = {"1t-nogso": (1, "1", False), "1t": (1, "1", True), "2t-1cpu": (2, "1", True), "2t": (2, "0,1", True)}


def run(h, points: list[int], reps: int) -> list[dict]:
    runs = []
    try:
        for rep in range(reps):
            for n in points:
                for label, (threads, cpus, gso) in SETTINGS.items():
                    h.meetpad_threads, h.meetpad_cpus, h.meetpad_gso = threads, cpus, gso
                    result = h.run_one("meetpad", "s1", n, 1, 2, rep, tag=f"threads-s1-{n}-{label}-{rep}")
                    result["media_threads"] = threads
                    result["setting"] = label
                    result["sfu_cpus"] = cpus
                    result["udp_gso"] = gso
                    runs.append(result)
    finally:
        h.meetpad_threads, h.meetpad_cpus, h.meetpad_gso = None, None, True
    return runs


def _median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def summarize(runs: list[dict]) -> list[dict]:
    rows = []
    for n in sorted({r["receivers"] for r in runs}):
        row = {"receivers": n}
        for label in SETTINGS:
            mine = [r for r in runs if r["receivers"] == n and r["setting"] == label]
            row[label] = {k: _median([r.get(k) for r in mine]) for k in
                                  ("pps_per_cpu_s", "cpu_us_per_packet", "forwarded_pps", "lost_packets",
                                   "latency_p50_us", "latency_p99_us", "sfu_cpu_percent", "generator_cpu_percent",
                                   "segmented_percent")}
            row[label]["runs"] = len(mine)
            row[label]["failures"] = [r.get("failure") for r in mine if r.get("failure")]
        one = row["1t"]
        for label in ("1t-nogso", "2t-1cpu", "2t"):
            other = row[label]
            if one["cpu_us_per_packet"] and other["cpu_us_per_packet"]:
                row[f"cost_{label}_over_1t"] = other["cpu_us_per_packet"] / one["cpu_us_per_packet"]
            if one["latency_p99_us"] and other["latency_p99_us"]:
                row[f"p99_{label}_over_1t"] = other["latency_p99_us"] / one["latency_p99_us"]
        rows.append(row)
    return rows


def _inverse(ratio):
    return 1 / ratio if ratio else None


def table(rows: list[dict]) -> str:
    def fmt(value, digits=0):
        return "–" if value is None else f"{value:,.{digits}f}"
    lines = ["| S1 | media threads | UDP GSO | fwd pkts per CPU-s | CPU µs/pkt | p50 µs | p99 µs | lost | SFU CPU % | sent segmented % |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        for label, (threads, cpus, gso) in SETTINGS.items():
            s = row[label]
            lines.append(f"| 1 → {row['receivers']} | {threads} (CPU {cpus}) | {'on' if gso else 'off'} | {fmt(s['pps_per_cpu_s'])} | "
                         f"{fmt(s['cpu_us_per_packet'], 2)} | {fmt(s['latency_p50_us'])} | {fmt(s['latency_p99_us'])} | "
                         f"{fmt(s['lost_packets'])} | {fmt(s['sfu_cpu_percent'], 1)} | {fmt(s['segmented_percent'], 1)} |")
    lines.append("")
    for row in rows:
        lines.append(f"1 → {row['receivers']}: cost per packet ÷ 1 thread: 2 threads on CPU 1 "
                     f"{fmt(row.get('cost_2t-1cpu_over_1t'), 2)}, on CPUs 0–1 {fmt(row.get('cost_2t_over_1t'), 2)}; "
                     f"p99 ÷ 1 thread: {fmt(row.get('p99_2t-1cpu_over_1t'), 2)}, {fmt(row.get('p99_2t_over_1t'), 2)}; "
                     f"1 thread with GSO ÷ without: cost {fmt(_inverse(row.get('cost_1t-nogso_over_1t')), 2)}, "
                     f"p99 {fmt(_inverse(row.get('p99_1t-nogso_over_1t')), 2)}")
    return "\n".join(lines)
