"""Benchmarks from catalogs: labels, splits, files read back, and runs of the engine scored."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from modasearch import Engine
from modasearch.catalog import Catalog
from modasearch.eval import evaluate
from modasearch.eval.benchmarks import (
    Benchmark,
    assign_splits,
    build_benchmark,
    build_kagl_t2i,
    kagl_attr,
    load_benchmark,
    save_benchmark,
)
from modasearch.eval.benchmarks.hm import TEMPLATES, grade
from modasearch.eval.data import EvalDataError
from modasearch.eval.runner import run_engine
from tests.conftest import HM_ARTICLES, KAGGLE, SHARED, needs

COLOUR_TYPE, APPEARANCE_TYPE_GROUP, DEPARTMENT_TYPE = TEMPLATES


def test_kagl_attr_from_the_demo_catalog(demo_catalog: Catalog) -> None:
    queries, qrels = kagl_attr(demo_catalog)
    assert queries["articleType:Jeans"] == "Jeans"
    assert len(qrels["articleType:Jeans"]) == 12 and set(qrels["articleType:Jeans"].values()) == {1}
    assert sum(len(j) for q, j in qrels.items() if q.startswith("gender:")) == len(demo_catalog)


def test_benchmark_files_round_trip_with_splits_and_filters(tmp_path: Path) -> None:
    benchmark = Benchmark(
        "tiny",
        {"q1": "black trousers", "q2": "stripe t-shirt menswear"},
        {"q1": {"0001": 2, "0002": 1}, "q2": {"0003": 3}},
        {"version": 1, "seed": 0},
        {"q1": "tune", "q2": "test"},
        {"q2": {"product_type": "T-shirt", "index_group": "Menswear"}},
    )
    loaded = load_benchmark(save_benchmark(tmp_path / "tiny", benchmark))
    assert loaded == benchmark
    test = loaded.split("test")
    assert test.queries == {"q2": "stripe t-shirt menswear"} and test.qrels == {"q2": {"0003": 3}}
    assert test.filters == {"q2": {"product_type": "T-shirt", "index_group": "Menswear"}}
    assert loaded.split(None) is loaded
    with pytest.raises(EvalDataError, match="has no split 'dev'"):
        loaded.split("dev")
    with pytest.raises(EvalDataError, match=r"not a benchmark: queries\.jsonl is missing"):
        load_benchmark(tmp_path)


def test_splits_are_seeded_and_cut_by_fraction() -> None:
    ids = [f"q{i}" for i in range(10)]
    splits = assign_splits(ids, {"tune": 0.3, "test": 0.7}, seed=0)
    assert Counter(splits.values()) == {"tune": 3, "test": 7}
    assert splits == assign_splits(list(reversed(ids)), {"tune": 0.3, "test": 0.7}, seed=0)
    assert splits != assign_splits(ids, {"tune": 0.3, "test": 0.7}, seed=1)


def test_hm_grades_count_matching_attributes() -> None:
    query = {"product_type": "Trousers", "colour_group": "Dark Blue", "near:perceived_colour_master": "Blue"}
    exact = {"product_type": "Trousers", "colour_group": "Dark Blue", "perceived_colour_master": "Blue"}
    near = {"product_type": "Trousers", "colour_group": "Light Blue", "perceived_colour_master": "Blue"}
    other = {"product_type": "Trousers", "colour_group": "Black", "perceived_colour_master": "Black"}
    wrong_type = {"product_type": "Shorts", "colour_group": "Dark Blue", "perceived_colour_master": "Blue"}
    assert [grade(COLOUR_TYPE, query, a) for a in (exact, near, other, wrong_type)] == [2, 1, 0, 0]

    query = {"product_type": "T-shirt", "graphical_appearance": "Stripe", "index_group": "Menswear"}
    cases = {
        ("Stripe", "Menswear"): 3,
        ("Stripe", "Divided"): 2,
        ("Solid", "Menswear"): 2,
        ("Solid", "Divided"): 0,
    }
    for (appearance, group), expected in cases.items():
        attributes = {"product_type": "T-shirt", "graphical_appearance": appearance, "index_group": group}
        assert grade(APPEARANCE_TYPE_GROUP, query, attributes) == expected

    query = {"product_type": "Sweater", "department": "Kids Boy Knitwear", "near:section": "Kids Boy"}
    same_section = {"product_type": "Sweater", "department": "Kids Boy Jersey Basic", "section": "Kids Boy"}
    assert grade(DEPARTMENT_TYPE, query, same_section) == 1


@needs(KAGGLE)
def test_kagl_t2i_queries_are_held_out_titles() -> None:
    benchmark = build_kagl_t2i(SHARED)
    heldout = set(benchmark.meta["heldout_products"])
    assert len(heldout) == round(0.2 * 9583) and benchmark.meta["requires"] == "image"
    assert len(benchmark.queries) == 1745
    for qid, _title in list(benchmark.queries.items())[:200]:
        assert qid.removeprefix("t2i:") in benchmark.qrels[qid]
        assert any(p in heldout for p in benchmark.qrels[qid])
    assert benchmark.queries["t2i:10000"] == "Palm Tree Girls Sp Jace Sko White Skirts"


@pytest.mark.slow
@needs(HM_ARTICLES)
def test_hm_attr_is_deterministic_and_split() -> None:
    benchmark = build_benchmark("hm-attr", SHARED)
    assert len(benchmark.queries) == 4120
    assert benchmark.meta["templates"] == {
        "colour_type": 1500,
        "appearance_type_group": 1412,
        "department_type": 1208,
    }
    assert Counter(benchmark.splits.values()) == {"tune": 1236, "test": 2884}
    assert benchmark.queries["colour_type:dark_beige_hoodie"] == "dark beige hoodie"
    assert set(benchmark.qrels["colour_type:dark_beige_hoodie"].values()) == {1, 2}


def test_engine_runs_are_scored(demo_engine: Engine, demo_catalog: Catalog) -> None:
    queries, qrels = kagl_attr(demo_catalog, fields=("articleType",))
    run, took = run_engine(demo_engine, queries, k=20, mode="bm25")
    assert len(run) == len(queries) and len(took) == len(queries)
    scores = evaluate(qrels, run, ["precision@1", "precision@10", "ndcg@10"])
    assert scores["precision@1"].mean >= 0.8
    assert 0.0 <= scores["ndcg@10"].low <= scores["ndcg@10"].mean <= scores["ndcg@10"].high <= 1.0
