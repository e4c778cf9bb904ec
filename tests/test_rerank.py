"""Second-stage features and the linear ranker, against hand-computed values; its trainer on a
problem whose answer is known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from modasearch.catalog import Catalog
from modasearch.index.types import Hit
from modasearch.search.rerank import FEATURES, PRIOR, LinearRanker, candidate_features, rerank
from modasearch.search.roles import FieldRoles
from modasearch.search.understand import QueryParser
from modasearch.train.ranker import Pool, coordinate_ascent, mean_ndcg

PARSER = QueryParser({"colour": ["Black", "Red"], "type": ["Dress"]}, ["type", "colour"], english={})
ROLES = FieldRoles(product_type="type", colours=("colour",))


def test_features_by_hand() -> None:
    lists = {
        "bm25": [Hit("a", 10.0, {}), Hit("b", 4.0, {}), Hit("c", 2.0, {})],
        "dense": [Hit("b", 0.9, {}), Hit("a", 0.5, {})],
    }
    payloads = {
        "a": {
            "title": "Black dress",
            "text": "Black dress. Dress, Black.",
            "attributes": {"colour": "Black", "type": "Dress"},
        },
        "b": {
            "title": "Red frock",
            "text": "Red frock. Dress, Red.",
            "attributes": {"colour": "Red", "type": "Dress"},
        },
        "c": {
            "title": "Black top",
            "text": "Black top. Top, Black.",
            "attributes": {"colour": "Black", "type": "Top"},
        },
    }
    parse = PARSER.parse("black dresses")
    x = candidate_features(["a", "b", "c"], lists, payloads, parse, "black dresses", ROLES)
    col = {f: i for i, f in enumerate(FEATURES)}
    np.testing.assert_allclose(
        x[:, col["rrf"]], [(60 / 61 + 60 / 62) / 2, (60 / 62 + 60 / 61) / 2, 60 / 63 / 2]
    )
    np.testing.assert_allclose(x[:, col["bm25"]], [1.0, 0.25, 0.0])
    np.testing.assert_allclose(x[:, col["dense"]], [0.0, 1.0, 0.0])  # a is last of two: min-max 0
    np.testing.assert_allclose(x[:, col["coverage"]], [1.0, 0.5, 0.5])  # b's text says "dress"
    np.testing.assert_allclose(x[:, col["title_coverage"]], [1.0, 0.0, 0.5])  # a frock is a dress, not back
    np.testing.assert_allclose(x[:, col["type_match"]], [1.0, 1.0, 0.0])
    np.testing.assert_allclose(x[:, col["colour_match"]], [1.0, 0.0, 1.0])
    np.testing.assert_allclose(x[:, col["audience_match"]], [0.5, 0.5, 0.5])  # no audience named
    # prior: rrf + 0.5 type + 0.25 colour + 0.25 audience: a 1.98, b 1.73, c 0.60
    assert [h.id for h in rerank(["a", "b", "c"], x, PRIOR)] == ["a", "b", "c"]


def test_a_query_naming_nothing_leaves_the_fused_order() -> None:
    """Where its features are silent (no word matched, nothing named) a ranker keeps the fused order."""
    lists = {"dense": [Hit("a", 0.9, {}), Hit("b", 0.8, {}), Hit("c", 0.7, {})]}
    payloads = {d: {"title": "x", "text": "x", "attributes": {}} for d in "abc"}
    x = candidate_features(["a", "b", "c"], lists, payloads, None, "zzz", ROLES)
    shipped = LinearRanker.load()
    assert [h.id for h in rerank(["a", "b", "c"], x, shipped)] == ["a", "b", "c"]
    assert all(weight >= 0 for weight in shipped.weights.values())


def test_ranker_round_trip(tmp_path: Path) -> None:
    ranker = LinearRanker("mine", {"rrf": 1.0, "coverage": 0.3}, {"benchmark": "x"})
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
    for _ in range(40):  # relevance follows the "coverage" feature, not the fused order
        x = rng.random((30, len(FEATURES))).astype(np.float32)
        gains = (x[:, FEATURES.index("coverage")] > 0.8).astype(np.float32)
        ideal = float(np.sum(np.sort(gains)[::-1][:10] / np.log2(np.arange(2, 12))))
        if ideal:
            pools.append(Pool(x, gains, ideal))
    start = np.zeros(len(FEATURES), dtype=np.float32)
    start[FEATURES.index("rrf")] = 1.0
    weights, best = coordinate_ascent(pools, start, log=lambda _: None)
    assert best > mean_ndcg(pools, start) + 0.3 and best > 0.9
    assert np.argmax(np.abs(weights)) == FEATURES.index("coverage")


def coverage(terms: list[list[set[str]]], words: set[str]) -> float:
    """Coverage as the re-ranker computes it: over the word line of `words`."""
    from modasearch.search.rerank import line_coverage, line_patterns, word_line

    return line_coverage(line_patterns(terms), word_line(words))


def set_coverage(terms: list[list[set[str]]], have: set[str]) -> float:
    """The definition word lines must match: a term is covered when all words of one option are held."""
    return sum(any(option <= have for option in options) for options in terms) / len(terms) if terms else 0.0


def test_an_occasion_query_is_covered_by_what_shoppers_wear_for_it() -> None:
    from modasearch.search.rerank import query_terms
    from modasearch.search.vocabulary import occasion_expansions

    assert occasion_expansions(["rainy", "day"])[:2] == ["raincoat", "rain jacket"]
    assert occasion_expansions(["winter", "jacket"]) == []  # names a product: no widening
    terms = query_terms("rainy day")  # "day" says "things for it": not a word to cover
    assert len(terms) == 1
    assert coverage(terms, {"black", "raincoat"}) == 1.0
    assert coverage(terms, {"day", "cream"}) == 0.0
    assert coverage(query_terms("winter jacket"), {"black", "coat"}) == 0.0


def test_word_lines_cover_as_word_sets_do(demo_catalog: Catalog) -> None:
    """The compact word lines a snapshot keeps per product give the coverage the word sets gave, on
    every demo product's title and description (text: both) and shoppers' queries with synonyms
    and occasions ("men" is not found in "women")."""
    from modasearch.search.rerank import line_coverage, line_patterns, query_terms, word_lines
    from modasearch.search.understand import tokens
    from modasearch.search.vocabulary import singular

    queries = ["black dress", "t shirt for men", "rainy day", "sneakers", "party frock girls", "tee"]
    for product in demo_catalog.products:
        title_line, text_line = word_lines({"title": product.title, "text": product.description})
        title = {singular(w) for w in tokens(product.title)}
        text = title | {singular(w) for w in tokens(product.description)}
        for query in queries:
            terms = query_terms(query)
            patterns = line_patterns(terms)
            assert line_coverage(patterns, title_line) == set_coverage(terms, title), (query, product.title)
            assert line_coverage(patterns, text_line) == set_coverage(terms, text), (query, product.title)


def test_a_snapshot_keeps_what_was_derived_beside_its_payload() -> None:
    from modasearch.search.state import PayloadCache

    calls: list[str] = []

    def derive(payload: dict[str, object]) -> tuple[str, ...]:
        calls.append(str(payload["title"]))
        return (str(payload["title"]).lower(),)

    cache = PayloadCache(limit=1_000)
    cache.put_many({"a": {"title": "Black dress"}, "b": {"title": "Red top"}})
    assert cache.bytes == 256 + 11 + 256 + 7
    payloads = cache.get_many(["a", "b"])
    assert cache.derived(payloads, derive) == {"a": ("black dress",), "b": ("red top",)}
    assert cache.derived(payloads, derive) == {"a": ("black dress",), "b": ("red top",)}
    assert calls == ["Black dress", "Red top"]  # once per product
    assert cache.bytes == 256 + 11 + 256 + 7 + 11 + 7  # what is kept is counted
    assert cache.derived({"c": {"title": "Blue"}}, derive) == {"c": ("blue",)}  # not cached: derived
    assert cache.get_many(["c"]) == {} and cache.bytes == 548  # ... and not kept
    cache.put_many({"d": {"title": "x" * 200}})  # 1,004 bytes with the derived lines: "a" goes
    assert set(cache.get_many(["a", "b", "d"])) == {"b", "d"}

    stale = PayloadCache(limit=1_000)
    stale.put_many({"a": {"title": "New"}})
    stale.derived({"a": {"title": "Old"}}, derive)  # another payload than the one kept: not kept
    assert stale.bytes == 256 + 3
    assert PayloadCache(limit=0).derived({"a": {"title": "X"}}, derive) == {"a": ("x",)}  # keeps none
