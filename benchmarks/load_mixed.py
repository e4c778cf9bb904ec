"""Reads and writes at once against `modasearch serve`: 16 clients for 10 minutes, 2 of them writing
(adding, replacing and deleting products with photos), 14 reading every endpoint (search in every
mode, a product, its photo, similar items, complete-the-look, facets, suggestions, recommendations).
Counted: errors (any 5xx or transport error), acknowledged writes lost (checked at the end and after
a restart), deleted products returned by any endpoint after their delete was acknowledged, and the
server's memory (RSS) growth. Targets (issue 18): 0, 0, 0 and <= 10%.

python benchmarks/load_mixed.py [--seconds 600]

The index is a fresh one of the bundled demo catalog (432 products with photos) in a temporary folder;
written products use the demo photos. Writes the `load-mixed` section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from common import git_commit, machine, write_section  # type: ignore[import-not-found]
from load import rss_mib  # type: ignore[import-not-found]

KEY = "load-key"
READERS, WRITERS = 14, 2
STEADY = 100  # products each writer keeps once it has added them
WARM_UP = 60  # seconds of load before memory is first measured (caches fill, the catalog grows)
QUERIES = (
    "black shirt",
    "red dress",
    "white shoes",
    "watch",
    "blue jeans",
    "handbag women",
    "sneakers",
    "kurta",
)


class Ledger:
    """What the writers were told: the products whose add or delete was acknowledged, and when."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.alive: dict[str, str] = {}  # id -> title acknowledged last
        self.deleted_at: dict[str, float] = {}  # id -> when its delete was acknowledged

    def added(self, product_id: str, title: str) -> None:
        with self.lock:
            self.alive[product_id] = title
            self.deleted_at.pop(product_id, None)

    def removed(self, product_id: str) -> None:
        with self.lock:
            self.alive.pop(product_id, None)
            self.deleted_at[product_id] = time.monotonic()

    def gone_before(self, started: float) -> set[str]:
        with self.lock:
            return {p for p, at in self.deleted_at.items() if at < started}


def catalog_size(base: str) -> int:
    return int(httpx.get(f"{base}/health", timeout=30).json()["products"])


def start_server(index: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MODASEARCH_API_KEY": KEY}
    exe = Path(sys.executable).parent / "modasearch"
    server = subprocess.Popen(
        [str(exe), "serve", str(index), "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    for _ in range(600):
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).raise_for_status()
            return server
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the server did not start")


def writer(
    n: int, base: str, photos: list[str], ledger: Ledger, stop: threading.Event, counts: Counter[str]
) -> None:
    rng = random.Random(n)
    mine: list[str] = []
    with httpx.Client(base_url=base, timeout=30, headers={"x-api-key": KEY}) as client:
        while not stop.is_set():
            action = rng.random()
            try:
                # as many deletes as adds once each writer holds STEADY products: the catalog keeps
                # its size, so memory growth shows leaks, not a growing catalog
                if len(mine) < STEADY or action < 0.4:
                    pid = f"load-{n}-{rng.randrange(10**9)}"
                    title = f"Load test {rng.choice(['linen', 'silk', 'wool'])} shirt {pid}"
                    body = {
                        "products": [
                            {
                                "id": pid,
                                "title": title,
                                "image": rng.choice(photos),
                                "attributes": {"articleType": "Shirts", "gender": "Men"},
                            }
                        ]
                    }
                    response = client.post("/products", json=body)
                    if response.status_code == 200:
                        ledger.added(pid, title)
                        mine.append(pid)
                elif action < 0.6:
                    pid = rng.choice(mine)
                    title = f"Replaced {pid}"
                    photo = [{"image": rng.choice(photos)}, {}][rng.randrange(2)]
                    body = {"products": [{"id": pid, "title": title, **photo}]}
                    response = client.post("/products", json=body)
                    if response.status_code == 200:
                        ledger.added(pid, title)
                else:
                    pid = mine.pop(rng.randrange(len(mine)))
                    response = client.delete(f"/products/{pid}")
                    if response.status_code == 200:
                        ledger.removed(pid)
                counts[f"write {response.status_code}"] += 1
            except httpx.HTTPError as exc:
                counts[f"write error {type(exc).__name__}"] += 1


def reader(n: int, base: str, ledger: Ledger, stop: threading.Event, counts: Counter[str]) -> None:
    rng = random.Random(1000 + n)
    with httpx.Client(base_url=base, timeout=30) as client:
        while not stop.is_set():
            started = time.monotonic()
            query = rng.choice(QUERIES)
            mode = rng.choice(["hybrid", "bm25", "splade", "dense", "image", None])
            body: dict[str, Any] = {"query": query, "page": {"k": 24}, "facets": {"limit": 10}}
            if mode:
                body["retrieval"] = {"mode": mode}
            try:
                found = client.post("/search", json=body)
                ids = (
                    [h["product"]["id"] for h in found.json().get("hits", [])]
                    if found.status_code == 200
                    else []
                )
                responses = [found]
                if ids:
                    pid = rng.choice(ids)
                    for path in (
                        f"/products/{pid}",
                        f"/products/{pid}/similar",
                        f"/products/{pid}/complete-the-look",
                    ):
                        responses.append(client.get(path))
                        if path.endswith(("similar", "look")) and responses[-1].status_code == 200:
                            ids += [h["product"]["id"] for h in responses[-1].json()["hits"]]
                    responses.append(client.get(f"/products/{pid}/image"))
                responses.append(client.get("/suggest", params={"q": query[:4]}))
                responses.append(client.get("/facets", params={"query": query}))
                picks = client.post("/recommendations", json={"likes": ids[:2], "k": 12})
                responses.append(picks)
                if picks.status_code == 200:
                    ids += [h["product"]["id"] for h in picks.json()["hits"]]
                for response in responses:
                    counts[f"read {response.status_code // 100}xx"] += 1
                    if response.status_code >= 500:
                        counts["errors"] += 1
                stale = set(ids) & ledger.gone_before(started)
                counts["deleted products returned"] += len(stale)
            except httpx.HTTPError as exc:
                counts["errors"] += 1
                counts[f"read error {type(exc).__name__}"] += 1


def lost_writes(base: str, ledger: Ledger) -> int:
    with httpx.Client(base_url=base, timeout=30) as client:
        missing = sum(client.get(f"/products/{pid}").status_code != 200 for pid in ledger.alive)
        back = sum(client.get(f"/products/{pid}").status_code != 404 for pid in ledger.deleted_at)
    return missing + back


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--port", type=int, default=8932)
    args = parser.parse_args()
    exe = Path(sys.executable).parent / "modasearch"
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        subprocess.run(
            [str(exe), "demo", "--index", str(index), "-q", "warm"], check=True, stdout=subprocess.DEVNULL
        )
        photos = [
            f"images/{p.name}"
            for p in sorted((Path(__file__).parents[1] / "src/modasearch/demo/data/images").glob("*.jpg"))
        ]
        base = f"http://127.0.0.1:{args.port}"
        server = start_server(index, args.port)
        ledger, stop, counts = Ledger(), threading.Event(), Counter[str]()
        threads = [
            threading.Thread(target=writer, args=(n, base, photos, ledger, stop, counts))
            for n in range(WRITERS)
        ]
        threads += [
            threading.Thread(target=reader, args=(n, base, ledger, stop, counts)) for n in range(READERS)
        ]
        time.sleep(5)
        cold = rss_mib(server.pid)
        for thread in threads:
            thread.start()
        time.sleep(WARM_UP)
        rss = [rss_mib(server.pid)]
        sizes = [catalog_size(base)]
        for _ in range(max(1, args.seconds // 60)):
            time.sleep(min(60, args.seconds))
            rss.append(rss_mib(server.pid))
        sizes.append(catalog_size(base))
        stop.set()
        for thread in threads:
            thread.join(60)
        lost = lost_writes(base, ledger)
        server.terminate()
        server.wait(60)
        server = start_server(index, args.port)  # and after a restart
        lost_after_restart = lost_writes(base, ledger)
        server.terminate()
        server.wait(60)
    growth = (rss[-1] - rss[0]) / rss[0] * 100
    reads = sum(v for k, v in counts.items() if k.startswith("read ") and "error" not in k)
    writes = sum(v for k, v in counts.items() if k.startswith("write "))
    memory = f"{cold:.0f}, {rss[0]:.0f}, {rss[-1]:.0f} ({growth:+.1f}% since the warm-up)"
    body = f"""## Service under reads and writes at once

Machine: {machine()}; commit {git_commit()}.
Command: `python benchmarks/load_mixed.py --seconds {args.seconds}`. A fresh index of the demo
catalog; `modasearch serve` with an API key; {READERS} reading and {WRITERS} writing clients (threads
of one Python process on the same 2 cores) for {WARM_UP} s of warm-up and then {args.seconds} s. The
writers add and delete alike once each holds {STEADY} products, so the catalog keeps its size
({sizes[0]} products after the warm-up, {sizes[1]} at the end) and memory growth shows leaks.

| | |
|---|---|
| reads (search in every mode, product, photo, similar, the look, facets, suggest, picks) | {reads} |
| write requests (add, replace with or without a photo, delete) | {writes} |
| errors (5xx or transport) | {counts["errors"]} |
| deleted products returned after their delete was acknowledged | {counts["deleted products returned"]} |
| acknowledged writes lost (end of run / after a restart) | {lost} / {lost_after_restart} |
| server RSS (MiB): before any request, after the warm-up, at the end | {memory} |

Statuses: {dict(sorted(counts.items()))}. RSS every minute (MiB): {", ".join(f"{r:.0f}" for r in rss)}.
Targets: 0 errors, 0 writes lost, 0 deleted products returned, RSS growth <= 10%."""
    write_section("load-mixed", body)
    print(body)


if __name__ == "__main__":
    main()
