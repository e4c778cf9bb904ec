"""Fusion against hand-computed numbers."""

from __future__ import annotations

import pytest

from modasearch.search.fusion import min_max, reciprocal_rank_fusion, weighted_score_fusion


def test_min_max() -> None:
    assert min_max([4.0, 2.0, 3.0]) == [1.0, 0.0, 0.5]
    assert min_max([7.0, 7.0]) == [1.0, 1.0]
    assert min_max([]) == []


def test_rrf_by_hand() -> None:
    rankings = {"bm25": [("a", 9.0), ("b", 5.0)], "dense": [("b", 0.9), ("c", 0.8)]}
    fused = dict(reciprocal_rank_fusion(rankings, {"bm25": 1.0, "dense": 2.0}, k=60))
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 2 / 61)
    assert fused["c"] == pytest.approx(2 / 62)
    assert list(fused) == ["b", "c", "a"]


def test_weighted_score_fusion_by_hand() -> None:
    rankings = {"bm25": [("a", 10.0), ("b", 6.0), ("c", 2.0)], "dense": [("c", 0.9), ("a", 0.5)]}
    fused = weighted_score_fusion(rankings, {"bm25": 1.0, "dense": 0.5})
    # bm25 normalised: a=1, b=0.5, c=0; dense normalised: c=1, a=0
    assert fused == [("a", 1.0), ("b", 0.5), ("c", 0.5)]
