#!/usr/bin/env python3
"""Where an idle bridge's resident memory is: RSS and PSS per mapped file, and anonymous memory.

Starts meetpad-bridge as `make run` would but with XMPP off and on free loopback ports, waits for
/about/health, lets it settle, then reads /proc/PID/status and /proc/PID/smaps and prints one row
per library (the Foundation and Swift runtime families summed as one row each, their members
listed below), the anonymous mappings (heap, thread stacks, malloc arenas) and the totals. A
library's copy-on-write pages (its relocated data) are anonymous pages inside a file mapping: they
count in RssAnon, and the table shows them in the library's own "anon" column.

  idle_rss.py --bridge-bin .build/release/meetpad-bridge            the table
  idle_rss.py --bridge-bin ... --settle 10 --json out.json          and the figures as JSON
  idle_rss.py --pid 1234                                            a bridge that is already running

Idle means before any signalling: nothing but the listeners, timers and threads a fresh bridge
starts. The figure moves by a few hundred KB between runs (the kernel maps file pages around each
fault, so which neighbours come in depends on timing); compare builds within a run or by medians.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

# Libraries reported as one row each: the total matters, the split is listed beneath.
FAMILIES = {
    "Foundation (Foundation, Essentials, Internationalization, ICU)": re.compile(
        r"lib_?Foundation\w*\.so"),
    "Swift runtime (Core, Concurrency, Dispatch, …)": re.compile(
        r"lib(swift\w+|dispatch|BlocksRuntime)\.so"),
    "GLib/GIO/GnuTLS/gupnp… (libnice's dependencies)": re.compile(
        r"lib(gio|gobject|glib|gmodule|gnutls|gupnp\S*|gssdp\S*|soup\S*|xml2|sqlite3|psl|brotli\w+|"
        r"gssapi_krb5|krb5\S*|k5crypto|com_err|keyutils|nghttp2|icu\w+|lzma|mount|blkid|selinux|"
        r"pcre2\S*|ffi|p11-kit|idn2|unistring|tasn1|nettle|hogweed|gmp|z|resolv)[-\d.]*\.so"),
}


def free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid: int) -> dict[str, int]:
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if value.strip().endswith("kB"):
                fields[key] = int(value.split()[0])
            elif key == "Threads":
                fields[key] = int(value)
    return fields


def mappings(pid: int) -> list[dict]:
    """Every mapping of /proc/PID/smaps with its name and kB fields."""
    result, current = [], None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = line.split()
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                current = {"name": head[5] if len(head) > 5 else "[anonymous]"}
                result.append(current)
            elif len(head) == 3 and head[2] == "kB":
                current[head[0].rstrip(":")] = int(head[1])
    return result


def row_name(mapping_name: str) -> str:
    if not mapping_name.startswith("/"):
        return mapping_name            # [heap], [stack], [anonymous], [vdso], …
    return os.path.basename(mapping_name)


def attribute(pid: int) -> dict:
    rows: dict[str, dict[str, int]] = {}
    for m in mappings(pid):
        row = rows.setdefault(row_name(m["name"]), {"rss": 0, "pss": 0, "anon": 0})
        row["rss"] += m.get("Rss", 0)
        row["pss"] += m.get("Pss", 0)
        row["anon"] += m.get("Anonymous", 0)
    status = proc_status(pid)
    return {"status": {k: status.get(k) for k in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "Threads")},
            "pss": sum(r["pss"] for r in rows.values()), "rows": rows}


def family_of(name: str) -> str | None:
    return next((family for family, pattern in FAMILIES.items() if pattern.fullmatch(re.sub(r"\.so\..*", ".so", name))), None)


def table(figures: dict, min_kb: int = 200) -> str:
    rows = figures["rows"]
    grouped: dict[str, dict] = {}
    for name, row in rows.items():
        key = family_of(name) or ("anonymous: heap, stacks, arenas" if name.startswith("[") else name)
        group = grouped.setdefault(key, {"rss": 0, "pss": 0, "anon": 0, "members": {}})
        for field in ("rss", "pss", "anon"):
            group[field] += row[field]
        group["members"][name] = row
    out = [f"{'mapping':<64} {'RSS kB':>8} {'PSS kB':>8} {'anon kB':>8}"]
    small = {"rss": 0, "pss": 0, "anon": 0}
    for key, group in sorted(grouped.items(), key=lambda kv: -kv[1]["rss"]):
        if group["rss"] < min_kb and len(group["members"]) == 1:
            for field in small:
                small[field] += group[field]
            continue
        out.append(f"{key:<64} {group['rss']:>8} {group['pss']:>8} {group['anon']:>8}")
        if len(group["members"]) > 1:
            for name, row in sorted(group["members"].items(), key=lambda kv: -kv[1]["rss"]):
                if row["rss"] >= min_kb:
                    out.append(f"    {name:<60} {row['rss']:>8} {row['pss']:>8} {row['anon']:>8}")
    out.append(f"{f'other mappings under {min_kb} kB each':<64} {small['rss']:>8} {small['pss']:>8} {small['anon']:>8}")
    status = figures["status"]
    out.append(f"VmRSS {status['VmRSS']} kB = RssAnon {status['RssAnon']} + RssFile {status['RssFile']}"
               f" + RssShmem {status['RssShmem']}; PSS {figures['pss']} kB; {status['Threads']} threads")
    return "\n".join(out)


def run_bridge(bridge_bin: str, settle: float) -> dict:
    http_port = free_port(socket.SOCK_STREAM)
    media_port = free_port(socket.SOCK_DGRAM)
    cmd = [bridge_bin, "--disable-xmpp", "--media-host", "127.0.0.1", "--port", str(media_port),
           "--http-host", "127.0.0.1", "--http-port", str(http_port)]
    bridge = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/about/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if bridge.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the bridge did not answer /about/health") from None
                time.sleep(0.1)
        time.sleep(settle)
        return attribute(bridge.pid)
    finally:
        bridge.terminate()
        try:
            bridge.wait(timeout=10)
        except subprocess.TimeoutExpired:
            bridge.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--bridge-bin", help="start this meetpad-bridge (XMPP off, loopback ports)")
    source.add_argument("--pid", type=int, help="measure this running process instead")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds to wait after /about/health")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    figures = attribute(args.pid) if args.pid else run_bridge(args.bridge_bin, args.settle)
    print(table(figures))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
