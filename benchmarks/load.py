"""Load on the search service: wrk (Debian) with 16 concurrent clients against `modasearch serve` on
127.0.0.1 over the H&M index, POST /search with the judged H&M shopper queries, for the default
preset (what the shop page asks for; target >= 150 requests/s with p95 <= 150 ms) and for plain
hybrid, then a soak at the default's load (no error, memory growth <= 10%).

    python benchmarks/load.py --index benchmarks/out/eval/hm-judged/index [--seconds 60] [--soak 600]

Runs: each preset with "all distinct" queries (the query-vector cache turned off with
MODASEARCH_QUERY_CACHE=0: every request encodes its query), and the default with "repeated queries"
(the queries cycle, so after the first pass query vectors come from the cache, as popular queries do
in a shop). Writes the `load` section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from common import git_commit, machine, write_section

QUERIES = Path("benchmarks/judged/hm/queries.jsonl")


def bodies_file(queries: Path, out: Path, preset: str | None) -> int:
    """One request body per query: a page of 10 as the API documents it, the preset's pipeline."""
    lines = [json.loads(line)["query"] for line in queries.read_text().splitlines() if line.strip()]
    extra = {"preset": preset} if preset else {}
    out.write_text("".join(json.dumps({"query": q, "page": {"k": 10}, **extra}) + "\n" for q in lines))
    return len(lines)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_server(index: Path, port: int, cache: bool) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MODASEARCH_QUERY_CACHE": "4096" if cache else "0"}
    exe = Path(sys.executable).parent / "modasearch"
    server = subprocess.Popen(
        [str(exe), "serve", str(index), "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the server did not start")


def wrk(port: int, seconds: int, bodies: Path, connections: int = 16) -> dict[str, float]:
    script = Path(__file__).with_name("load.lua")
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        env={**os.environ, "BODIES": str(bodies)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    summary: dict[str, float] = json.loads(out.split("JSON ", 1)[1])
    summary["rps"] = summary["requests"] / summary["seconds"]
    return summary


def run(index: Path, port: int, bodies: Path, seconds: int, cache: bool, soak: int) -> dict[str, object]:
    server = start_server(index, port, cache)
    try:
        wrk(port, 10, bodies)  # warm-up (and, with the cache, a first pass over part of the queries)
        main = wrk(port, seconds, bodies)
        result: dict[str, object] = {"main": main}
        if soak:
            start_rss = rss_mib(server.pid)
            samples, errors, requests = [start_rss], 0.0, 0.0
            for _ in range(max(1, soak // 60)):
                part = wrk(port, 60, bodies)
                errors += part["status_errors"] + part["socket_errors"]
                requests += part["requests"]
                samples.append(rss_mib(server.pid))
            result["soak"] = {"seconds": soak, "requests": requests, "errors": errors, "rss_mib": samples}
        return result
    finally:
        server.terminate()
        server.wait(30)


def row(name: str, s: Any) -> str:
    errors = int(s["status_errors"] + s["socket_errors"])
    return (
        f"| {name} | {s['rps']:.0f} | {s['p50_ms']:.1f} | {s['p95_ms']:.1f} | {s['p99_ms']:.1f} | "
        f"{errors} / {int(s['requests'])} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, default=Path("benchmarks/out/eval/hm-judged/index"))
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--soak", type=int, default=600, help="seconds of soak at the repeated-query load")
    parser.add_argument("--port", type=int, default=8931)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        default, plain = Path(tmp) / "default.jsonl", Path(tmp) / "plain.jsonl"
        n = bodies_file(args.queries, default, None)
        bodies_file(args.queries, plain, "plain")
        runs["default preset, all distinct (cache off)"] = run(
            args.index, args.port, default, args.seconds, cache=False, soak=0
        )
        runs["plain hybrid, all distinct (cache off)"] = run(
            args.index, args.port, plain, args.seconds, cache=False, soak=0
        )
        runs["default preset, repeated queries (cache on)"] = run(
            args.index, args.port, default, args.seconds, cache=True, soak=args.soak
        )
    soak = runs["default preset, repeated queries (cache on)"].get("soak")
    soak_line = ""
    if isinstance(soak, dict):
        rss = soak["rss_mib"]
        growth = (rss[-1] - rss[0]) / rss[0] * 100
        soak_line = (
            f"\nSoak: {soak['seconds']} s at the repeated-query load, {int(soak['requests'])} requests, "
            f"{int(soak['errors'])} errors; server memory (RSS) {rss[0]:.0f} MiB after warm-up, "
            f"{max(rss):.0f} MiB at most, {rss[-1]:.0f} MiB at the end: {growth:+.1f}% (target <= 10%).\n"
            f"RSS every minute (MiB): {', '.join(f'{r:.0f}' for r in rss)}\n"
        )
    rows = "\n".join(row(name, result["main"]) for name, result in runs.items())
    body = f"""## Service under load: POST /search, H&M index

Machine: {machine()}; commit {git_commit()}. Command: `python benchmarks/load.py --index {args.index}
--seconds {args.seconds} --soak {args.soak}`. Server: `modasearch serve` (uvicorn, one process, the
endpoint on its thread pool); client: wrk, 2 threads, 16 connections, on the same 2 cores. Queries:
the {n} judged H&M shopper queries, a page of 10, {args.seconds} s per run after a 10 s warm-up.

| run | requests/s | p50 ms | p95 ms | p99 ms | errors / requests |
|---|---|---|---|---|---|
{rows}

Target (issue 16): the default preset >= 150 requests/s with p95 <= 150 ms, distinct queries, no errors.
{soak_line}"""
    write_section("load", body)
    print(body)


if __name__ == "__main__":
    main()
