"""What one shop-preset search costs on this machine, part by part, in one process and one thread, and
so the most requests per second two cores can serve whatever the web layer does.

    python benchmarks/load_floor.py --index benchmarks/out/eval/hm-judged/index

Per judged H&M shopper query (each asked once, the query-vector cache off): the query encoders alone,
the engine's searches the shop preset makes (the retrievers' first tier, and the pool of products
holding every value the query names), the whole search cold (first sight of its products) and warm
(their payloads and word lines kept by the snapshot), and whether the engine lets other threads run
while it searches (the same searches on two threads: 1x the time if it does, 2x if it holds the GIL).
Writes the `load-floor` section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from pathlib import Path

from common import git_commit, machine, write_section
from modasearch.search import stages
from modasearch.search.context import Context
from modasearch.search.engine import Engine
from modasearch.search.request import SearchRequest

QUERIES = Path("benchmarks/judged/hm/queries.jsonl")


def encoded(engine: Engine, queries: list[str]) -> list[Context]:
    """Each query's context as the shop preset leaves it before retrieval."""
    contexts = []
    for query in queries:
        ctx = engine.context(SearchRequest(query=query, preset="shop"))
        for stage in (stages.check_request, stages.check_text, stages.understand, stages.encode):
            stage(ctx)
        contexts.append(ctx)
    return contexts


def ms_per(items: list, work) -> float:  # type: ignore[type-arg,no-untyped-def]
    start = time.perf_counter()
    for item in items:
        work(item)
    return (time.perf_counter() - start) * 1000 / len(items)


def searches(ctx: Context) -> None:
    """The engine calls of the shop preset's first tier: the retrievers, then the exact-match pool."""
    stages.retrieve(ctx, ctx.request.retrieval.candidates or 100)
    stages.exact_matches(ctx)


def two_threads_ratio(contexts: list[Context]) -> float:
    one = ms_per(contexts, searches)
    start = time.perf_counter()
    threads = [threading.Thread(target=lambda: [searches(c) for c in contexts]) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    two = (time.perf_counter() - start) * 1000 / len(contexts)
    return two / one


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, default=Path("benchmarks/out/eval/hm-judged/index"))
    args = parser.parse_args()
    os.environ["MODASEARCH_QUERY_CACHE"] = "0"
    queries = [json.loads(line)["query"] for line in QUERIES.read_text().splitlines() if line.strip()]
    engine = Engine.open(args.index)
    encoders = engine.encoders
    assert encoders.dense is not None and encoders.splade is not None
    ms_per(queries[:20], lambda q: engine.search(q, preset="shop", k=10))  # models loaded
    dense = ms_per(queries, lambda q: encoders.dense.encode_query([q]))  # type: ignore[union-attr]
    sparse = ms_per(queries, lambda q: encoders.splade.encode_query([q]))  # type: ignore[union-attr]
    contexts = encoded(engine, queries)
    first = ms_per(contexts, lambda c: stages.retrieve(c, c.request.retrieval.candidates or 100))
    exact = ms_per(contexts, stages.exact_matches)
    ratio = two_threads_ratio(contexts)
    engine.close()
    engine = Engine.open(args.index)  # a new snapshot: nothing kept
    engine.search("warm up", preset="shop", k=1)  # the models loaded, as `serve` does before any shopper
    cold = [engine.search(q, preset="shop", k=10).took_ms for q in queries]
    warm = [engine.search(q, preset="shop", k=10).took_ms for q in queries]
    engine.close()
    floor = dense + sparse + first + exact
    rows = [
        ("query encoders: MiniLM dense", dense, "released"),
        ("query encoders: SPLADE", sparse, "released"),
        ("engine: the retrievers' first tier (3 searches, 100 each)", first, "held"),
        ("engine: the exact-match pool (3 filtered searches, 30 each)", exact, "held"),
        ("**sum: the searches' CPU floor**", floor, ""),
        ("whole shop search, cold (first sight of its products)", statistics.mean(cold), ""),
        ("whole shop search, warm (payloads and word lines kept)", statistics.mean(warm), ""),
    ]
    table = "\n".join(f"| {name} | {ms:.2f} | {gil} |" for name, ms, gil in rows)
    body = f"""## Service under load: the floor one machine sets

Machine: {machine()}; commit {git_commit()}. Command: `python benchmarks/load_floor.py --index {args.index}`:
in one process, one thread, {len(queries)} judged H&M shopper queries each asked once, query-vector cache off.

| part of one shop-preset search | ms per query (mean) | GIL |
|---|---|---|
{table}

The engine's searches on two threads take {ratio:.2f}x the time of one thread (1x: the engine lets other
threads run while it searches; 2x: it holds the GIL, as the Python around each call does).

Reading: encoding the query and the engine's searches alone cost {floor:.1f} ms of CPU per distinct query.
Two cores can then serve at most {2000 / floor:.0f} such requests/s with nothing else running: no HTTP,
no ranking, no client, no spelling. The part that holds the GIL ({first + exact:.1f} ms) caps one
process at {1000 / (first + exact):.0f} requests/s, and the embedded engine opens an index in one
process only."""
    write_section("load-floor", body)
    print(body)


if __name__ == "__main__":
    main()
