"""Ablation grids on the demo index: cached runs, the leaderboard files, per-query disagreements."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from modasearch import Engine
from modasearch.catalog import Catalog
from modasearch.eval.ablation import BenchmarkSkipped, run_grid
from modasearch.eval.analysis import disagreements, win_loss
from modasearch.eval.benchmarks import Benchmark, kagl_attr
from modasearch.eval.grid import grid_from_dict
from modasearch.eval.leaderboard import build_leaderboard, to_markdown, write_leaderboard

GRID = {
    "baseline": "bm25",
    "metric": "ndcg@10",
    "metrics": ["ndcg@10", "precision@1"],
    "k": 20,
    "config": [
        {"name": "bm25", "mode": "bm25"},
        {"name": "dense", "mode": "dense"},
        {"name": "hybrid", "mode": "hybrid", "rrf_k": [10, 60]},
        {"name": "bm25+filters", "mode": "bm25", "filters": True},
    ],
}


@pytest.fixture(scope="module")
def benchmark(demo_catalog: Catalog) -> Benchmark:
    queries, qrels = kagl_attr(demo_catalog, fields=("articleType", "baseColour"))
    # a shop front's facet: the colour queries get the colour as a filter
    filters = {q: {"baseColour": text} for q, text in queries.items() if q.startswith("baseColour:")}
    return Benchmark("demo-attr", queries, qrels, {"version": 1}, filters=filters)


def test_grid_runs_are_cached_and_scored(tmp_path: Path, demo_engine: Engine, benchmark: Benchmark) -> None:
    grid = grid_from_dict(GRID)
    first = run_grid(demo_engine, benchmark, grid, tmp_path / "runs")
    assert [r.cached for r in first] == [False] * 5
    assert all(len(r.run) == len(benchmark.queries) for r in first)
    again = run_grid(demo_engine, benchmark, grid, tmp_path / "runs")
    assert [r.cached for r in again] == [True] * 5
    assert [r.run for r in again] == [r.run for r in first]
    fresh = run_grid(
        demo_engine,
        benchmark,
        grid_from_dict({**GRID, "config": GRID["config"][:1]}),
        tmp_path / "runs",
        fresh=True,
    )
    assert [r.cached for r in fresh] == [False]
    # a changed setting is a new run, not a stale cache hit
    changed = grid_from_dict(
        {
            **GRID,
            "config": [
                {"name": "bm25", "mode": "bm25"},
                {"name": "dense", "mode": "dense", "candidates": 50},
            ],
        }
    )
    assert [r.cached for r in run_grid(demo_engine, benchmark, changed, tmp_path / "runs")] == [True, False]

    board = build_leaderboard(first, benchmark.qrels, grid, benchmark.name)
    base = board.row("bm25")
    assert base.delta["ndcg@10"] == 0.0 and base.p_value["ndcg@10"] == 1.0
    filtered = board.row("bm25+filters")
    # filtering colour queries by their colour cannot lower precision@1 on them
    assert filtered.estimates["precision@1"].mean >= base.estimates["precision@1"].mean
    for row in board.rows:
        e = row.estimates["ndcg@10"]
        assert 0 <= e.low <= e.mean <= e.high <= 1
        assert row.latency_ms["total"][0] > 0 and row.latency_ms["total"][1] >= row.latency_ms["total"][0]
    paths = write_leaderboard(board, tmp_path / "out", "header line")
    assert paths["png"].stat().st_size > 5000
    assert "`hybrid(rrf_k=10)`" in paths["md"].read_text() and "header line" in paths["md"].read_text()
    summary = json.loads(paths["json"].read_text())
    assert [r["configuration"] for r in summary["rows"]] == [r.config.name for r in first]
    assert "ndcg@10_ci_low" in paths["csv"].read_text().splitlines()[0]
    assert to_markdown(board).count("\n") == len(first) + 1


def test_benchmarks_needing_a_missing_modality_are_skipped(
    tmp_path: Path, demo_engine: Engine, benchmark: Benchmark
) -> None:
    needs_sketches = Benchmark("t2i", benchmark.queries, benchmark.qrels, {"requires": "sketch"})
    with pytest.raises(BenchmarkSkipped, match="skipped t2i: it needs sketch search"):
        run_grid(demo_engine, needs_sketches, grid_from_dict(GRID), tmp_path)


def test_disagreements_are_the_largest_differences() -> None:
    qrels = {"q1": {"a": 1}, "q2": {"b": 1}, "q3": {"c": 1}}
    queries = {"q1": "one", "q2": "two", "q3": "three"}
    run_a = {"q1": {"a": 2.0, "x": 1.0}, "q2": {"x": 2.0, "b": 1.0}, "q3": {"c": 1.0}}
    run_b = {"q1": {"x": 2.0, "a": 1.0}, "q2": {"x": 2.0, "y": 1.0}, "q3": {"c": 1.0}}
    found = disagreements(qrels, queries, run_a, run_b, metric="mrr@10", n=5, depth=2)
    # q2: 0.5 vs 0; q1: 1 vs 0.5; q3 ties and is left out; equal gaps are ordered by query id
    assert [(d.query_id, d.score_a, d.score_b) for d in found] == [("q1", 1.0, 0.5), ("q2", 0.5, 0.0)]
    assert found[0].top_a == [("a", 1), ("x", 0)] and found[0].top_b == [("x", 0), ("a", 1)]
    assert np.isclose(found[1].difference, 0.5)
    assert win_loss(qrels, run_a, run_b, "mrr@10") == (2, 0, 1)
