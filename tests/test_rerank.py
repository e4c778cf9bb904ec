"""Second-stage features and the linear ranker, against hand-computed values; its trainer on a
problem whose answer is known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from modasearch.index.types import Hit
from modasearch.search.rerank import FEATURES, PRIOR, LinearRanker, candidate_features, rerank
from modasearch.search.understand import QueryParser
from modasearch.train.ranker import Pool, coordinate_ascent, mean_ndcg

PARSER = QueryParser({"colour": ["Black", "Red"], "type": ["Dress"]}, ["type", "colour"])


def test_features_by_hand() -> None:
    lists = {
        "bm25": [Hit("a", 10.0, {}), Hit("b", 4.0, {}), Hit("c", 2.0, {})],
        "dense": [Hit("b", 0.9, {}), Hit("a", 0.5, {})],
    }
    payloads = {
        "a": {"title": "Black dress", "attributes": {"colour": "Black", "type": "Dress"}},
        "b": {"title": "Red dress", "attributes": {"colour": "Red", "type": "Dress"}},
        "c": {"title": "Black top", "attributes": {"colour": "Black", "type": "Top"}},
    }
    x = candidate_features(["a", "b", "c"], lists, payloads, PARSER.parse("black dresses"), "black dresses")
    col = {f: i for i, f in enumerate(FEATURES)}
    np.testing.assert_allclose(
        x[:, col["rrf"]], [(60 / 61 + 60 / 62) / 2, (60 / 62 + 60 / 61) / 2, 60 / 63 / 2]
    )
    np.testing.assert_allclose(x[:, col["bm25"]], [1.0, 0.25, 0.0])
    np.testing.assert_allclose(x[:, col["dense"]], [0.0, 1.0, 0.0])  # a is last of two: min-max 0
    np.testing.assert_allclose(x[:, col["mentions"]], [1.0, 0.5, 0.5])
    np.testing.assert_allclose(x[:, col["first_mention"]], [1.0, 0.0, 1.0])  # "black" comes first
    np.testing.assert_allclose(x[:, col["mention_words"]], [1.0, 0.5, 0.5])
    np.testing.assert_allclose(x[:, col["title_words"]], [1.0, 0.5, 0.5])
    # prior: rrf + 0.5 mentions + 0.5 first_mention = 1.976, 1.2257, 1.2262: c passes b
    assert [h.id for h in rerank(["a", "b", "c"], x, PRIOR)] == ["a", "c", "b"]


def test_ranker_round_trip(tmp_path: Path) -> None:
    ranker = LinearRanker("mine", {"rrf": 1.0, "mentions": 0.3}, {"benchmark": "x"})
    ranker.save(tmp_path)
    assert LinearRanker.load(str(tmp_path)) == ranker
    with pytest.raises(FileNotFoundError, match="train ranker"):
        LinearRanker.load(str(tmp_path / "missing"))


def test_shipped_ranker_loads() -> None:
    shipped = LinearRanker.load()
    assert shipped.name == "fashion-rank" and set(shipped.weights) == set(FEATURES)


def test_coordinate_ascent_learns_what_matters() -> None:
    rng = np.random.default_rng(0)
    pools = []
    for _ in range(40):  # relevance follows the "mentions" feature, not the fused order
        x = rng.random((30, len(FEATURES))).astype(np.float32)
        gains = (x[:, FEATURES.index("mentions")] > 0.8).astype(np.float32)
        ideal = float(np.sum(np.sort(gains)[::-1][:10] / np.log2(np.arange(2, 12))))
        if ideal:
            pools.append(Pool(x, gains, ideal))
    start = np.zeros(len(FEATURES), dtype=np.float32)
    start[FEATURES.index("rrf")] = 1.0
    weights, best = coordinate_ascent(pools, start, log=lambda _: None)
    assert best > mean_ndcg(pools, start) + 0.3 and best > 0.9
    assert np.argmax(np.abs(weights)) == FEATURES.index("mentions")
