"""What one shop-preset search costs on this machine, part by part, in one process and one thread, and
so the most requests per second two cores can serve whatever the web layer does.

    python benchmarks/load_floor.py --index benchmarks/out/eval/hm-judged/index

Per judged H&M shopper query (each asked once, the query-vector cache off): the query encoders alone,
the engine's searches the shop preset makes (the retrievers' first tier, and the pool of products
holding every value the query names), the whole search cold (a new snapshot) and warm (the
snapshot's caches filled), and whether the encoders and the engine let Python threads run beside
them (a counting thread's pace while they work, against its pace alone).
Writes the `load-floor` section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from collections.abc import Callable
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


def busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def probe_share(work: Callable[[], object]) -> float:
    """How fast a pure-Python counting thread runs while `work` runs, against its pace alone: near 1
    when `work` lets other threads run (releases the GIL), near 0 when it holds the GIL."""

    def pace(during: Callable[[], object]) -> float:
        stop, counts = threading.Event(), [0]

        def count() -> None:
            while not stop.is_set():
                counts[0] += 1

        thread = threading.Thread(target=count)
        start = time.perf_counter()
        thread.start()
        during()
        stop.set()
        thread.join()
        return counts[0] / (time.perf_counter() - start)

    return pace(work) / pace(lambda: time.sleep(1.0))


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
    bm25 = ms_per(queries, lambda q: encoders.bm25.encode_query([q]))
    contexts = encoded(engine, queries)
    first = ms_per(contexts, lambda c: stages.retrieve(c, c.request.retrieval.candidates or 100))
    exact = ms_per(contexts, stages.exact_matches)
    naming = sum(bool(c.parse and c.parse.mentions) for c in contexts)
    engine_share = probe_share(lambda: [searches(c) for c in contexts])
    encoder_share = probe_share(lambda: [encoders.dense.encode_query([q]) for q in queries])  # type: ignore[union-attr]
    python_share = probe_share(lambda: busy(1.0))  # what holding the GIL looks like: pure Python
    engine.close()
    engine = Engine.open(args.index)  # a new snapshot: nothing kept
    engine.search("warm up", preset="shop", k=1)  # the models loaded, as `serve` does before any shopper
    cold = [engine.search(q, preset="shop", k=10).took_ms for q in queries]
    warm = [engine.search(q, preset="shop", k=10).took_ms for q in queries]
    engine.close()
    floor = dense + sparse + bm25 + first + exact
    held = first + exact
    rows = [
        ("query encoder: MiniLM dense (onnxruntime)", dense, f"{encoder_share:.2f}"),
        ("query encoder: SPLADE (onnxruntime)", sparse, ""),
        ("query encoder: BM25 (Python)", bm25, ""),
        (
            "engine: the retrievers' first tier (3 searches of 100, results read into Python)",
            first,
            f"{engine_share:.2f}",
        ),
        (
            f"engine: the exact-match pool (3 filtered searches of 30, for the {naming} queries naming a "
            "value; mean over all)",
            exact,
            "",
        ),
        ("**sum: encoding and the engine's searches**", floor, ""),
        ("(for comparison: pure Python work, which holds the GIL)", float("nan"), f"{python_share:.2f}"),
        ("whole shop search, cold (a new snapshot: nothing kept)", statistics.mean(cold), ""),
        (
            "whole shop search, warm (the snapshot's payloads, word lines and spelling answers kept)",
            statistics.mean(warm),
            "",
        ),
    ]
    cell = lambda ms: "" if ms != ms else f"{ms:.2f}"  # noqa: E731 (nan: no time to show)
    table = "\n".join(f"| {name} | {cell(ms)} | {share} |" for name, ms, share in rows)
    body = f"""## Service under load: the floor one machine sets

Machine: {machine()}; commit {git_commit()}. Command: `python benchmarks/load_floor.py --index {args.index}`:
in one process and one thread, {len(queries)} judged H&M shopper queries each asked once, the
query-vector cache off. Probe: the pace of a pure-Python counting thread while the row's work runs on
another thread, against its pace alone (about 1: the work lets Python run beside it; about 0: it
holds the GIL).

| part of one shop-preset search | ms per query (mean) | probe |
|---|---|---|
{table}

Reading: encoding the query and the engine's searches alone cost {floor:.1f} ms of CPU per distinct
query, so two cores serve at most {2000 / floor:.0f} such requests/s with nothing else running (no
HTTP, ranking, spelling or client). The engine's searches ({held:.1f} ms) leave the probe
{engine_share:.0%} of its pace, as pure Python work does ({python_share:.0%}; the encoders
{encoder_share:.0%}): they hold the GIL, which caps one process at about
{1000 / held:.0f} requests/s, and the embedded engine opens an index in one process only."""
    write_section("load-floor", body)
    print(body)


if __name__ == "__main__":
    main()
