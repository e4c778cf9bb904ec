"""Grids of configurations: expansion, naming and the errors a mistyped grid gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from modasearch.eval.data import EvalDataError
from modasearch.eval.grid import RunConfig, grid_from_dict, load_grid

GRIDS = Path(__file__).resolve().parents[1] / "benchmarks" / "grids"


def test_lists_expand_into_named_configurations() -> None:
    grid = grid_from_dict(
        {
            "baseline": "bm25",
            "metric": "mrr@10",
            "metrics": ["ndcg@10"],
            "config": [
                {"name": "bm25", "mode": "bm25"},
                {"name": "hybrid", "rrf_k": [10, 60], "weights": [{"dense": 2.0}, {"bm25": 1.0}]},
            ],
        }
    )
    assert [c.name for c in grid.configs] == [
        "bm25",
        "hybrid(rrf_k=10,weights=dense2)",
        "hybrid(rrf_k=10,weights=bm251)",
        "hybrid(rrf_k=60,weights=dense2)",
        "hybrid(rrf_k=60,weights=bm251)",
    ]
    assert grid.metrics == ("mrr@10", "ndcg@10")  # the main metric is always computed
    hybrid = grid.config("hybrid(rrf_k=60,weights=dense2)")
    request = hybrid.request("black dress", 100).resolved()  # a configuration is a name and a request
    assert request.query == "black dress" and request.page.k == 100 and request.preset == "shop"
    assert request.retrieval.rrf_k == 60 and request.retrieval.weights == {"dense": 2.0}
    assert request.retrieval.mode == "hybrid" and request.ranker == "fashion-rank"  # the rest from the preset
    plain = grid_from_dict({"preset": "plain", "config": [{"name": "a"}]}).config("a")
    assert plain.request("q", 10).resolved().arrangement.collapse is False
    # the cache key ignores the name but not the settings
    assert RunConfig.of("a", rrf_k=10).identity() == RunConfig.of("b", rrf_k=10).identity()
    assert RunConfig.of("a", rrf_k=10).identity() != RunConfig.of("a", rrf_k=60).identity()
    assert RunConfig.of("a", understand="category").identity() != RunConfig.of("a").identity()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "no \\[\\[config\\]\\] entries"),
        ({"config": [{"mode": "bm25"}]}, "needs a name"),
        ({"config": [{"name": "x", "rrf": 3}]}, "unknown settings \\['rrf'\\]"),
        ({"config": [{"name": "x"}, {"name": "x"}]}, "repeated: \\['x'\\]"),
        ({"baseline": "nope", "config": [{"name": "x"}]}, "no configuration named 'nope'"),
        ({"config": [{"name": "x", "weights": 2}]}, "weights is a table"),
    ],
)
def test_bad_grids_are_refused(data: dict, message: str) -> None:
    with pytest.raises(EvalDataError, match=message):
        grid_from_dict(data)


def test_the_published_grids_load() -> None:
    for path in GRIDS.glob("*.toml"):
        grid = load_grid(path)
        assert grid.benchmark and grid.baseline in {c.name for c in grid.configs}


def test_a_broken_toml_file_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "grid.toml"
    path.write_text("[[config]\nname=", encoding="utf-8")
    with pytest.raises(EvalDataError, match=r"grid\.toml: not valid TOML"):
        load_grid(path)
