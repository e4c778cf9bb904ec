"""Benchmarks from catalogs, and runs of the engine scored by the harness."""

from __future__ import annotations

from pathlib import Path

from modasearch import Engine
from modasearch.catalog import Catalog
from modasearch.eval import evaluate
from modasearch.eval.benchmarks import kagl_attr, load_benchmark, save_benchmark
from modasearch.eval.runner import run_engine


def test_kagl_attr_from_the_demo_catalog(tmp_path: Path, demo_catalog: Catalog) -> None:
    queries, qrels = kagl_attr(demo_catalog)
    assert queries["articleType:Jeans"] == "Jeans"
    assert len(qrels["articleType:Jeans"]) == 12 and set(qrels["articleType:Jeans"].values()) == {1}
    assert sum(len(j) for q, j in qrels.items() if q.startswith("gender:")) == len(demo_catalog)
    save_benchmark(tmp_path / "kagl-attr", queries, qrels, {"name": "kagl-attr", "version": 1})
    assert load_benchmark(tmp_path / "kagl-attr") == (queries, qrels, {"name": "kagl-attr", "version": 1})


def test_engine_runs_are_scored(demo_engine: Engine, demo_catalog: Catalog) -> None:
    queries, qrels = kagl_attr(demo_catalog, fields=("articleType",))
    run, took = run_engine(demo_engine, queries, k=20, mode="bm25")
    assert len(run) == len(queries) and len(took) == len(queries)
    scores = evaluate(qrels, run, ["precision@1", "precision@10", "ndcg@10"])
    assert scores["precision@1"].mean >= 0.8
    assert 0.0 <= scores["ndcg@10"].low <= scores["ndcg@10"].mean <= scores["ndcg@10"].high <= 1.0
