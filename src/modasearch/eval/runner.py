"""Run a search configuration over a benchmark's queries: a ranx-ready run plus latencies."""

from __future__ import annotations

from typing import Any

from modasearch.eval.data import Queries, Run
from modasearch.search.engine import Engine


def run_engine(engine: Engine, queries: Queries, k: int = 100, **options: Any) -> tuple[Run, list[float]]:
    """Search every query (product ids as run keys) with the same options (flat names); returns the
    run and each query's milliseconds."""
    run: Run = {}
    took: list[float] = []
    for qid, text in queries.items():
        results = engine.search(text, k=k, **options)
        run[qid] = {hit.product.id: float(len(results) - i) for i, hit in enumerate(results)}
        took.append(results.took_ms)
    return run, took
