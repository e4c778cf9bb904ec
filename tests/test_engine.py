"""Search on the bundled demo catalog (real Kaggle products) through the embedded engine."""

from __future__ import annotations

import pytest

from modasearch import Engine
from modasearch.search import FilterError, QueryError

MODES = ["bm25", "splade", "dense", "hybrid"]


def attrs(engine: Engine, query: str, key: str, k: int = 5, **kw: object) -> list[object]:
    return [h.product.attributes.get(key) for h in engine.search(query, k=k, **kw)]  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", MODES)
def test_demo_queries_are_sensible_in_every_mode(demo_engine: Engine, mode: str) -> None:
    jeans = demo_engine.search("blue denim jeans for men", mode=mode, k=5)
    assert all(h.product.attributes["articleType"] == "Jeans" for h in jeans.hits[:3])
    shoes = demo_engine.search("black leather shoes", mode=mode, k=5)
    assert all(h.product.attributes["subCategory"] == "Shoes" for h in shoes.hits[:3])


def test_hybrid_top_results(demo_engine: Engine) -> None:
    assert set(attrs(demo_engine, "blue denim jeans for men", "articleType")) == {"Jeans"}
    assert set(attrs(demo_engine, "blue denim jeans for men", "gender")) == {"Men"}
    assert set(attrs(demo_engine, "black leather shoes", "baseColour")) == {"Black"}
    top = demo_engine.search("red dress", k=1).hits[0].product
    assert (top.attributes["articleType"], top.attributes["baseColour"]) == ("Dresses", "Red")


def test_filters_run_inside_the_engine_not_after_top_k(demo_engine: Engine) -> None:
    # No watch is among the unfiltered top 10 for these queries: a post-filter would return nothing.
    for mode, query in [
        ("dense", "red dress"),
        ("hybrid", "red dress"),
        ("bm25", "black dress"),
        ("splade", "black dress"),
    ]:
        assert "Watches" not in attrs(demo_engine, query, "articleType", k=10, mode=mode, preset="plain")
        hits = demo_engine.search(query, mode=mode, k=10, filters={"articleType": "watches"}, preset="plain")
        assert len(hits) >= (10 if mode in ("dense", "hybrid") else 1)
        assert {h.product.attributes["articleType"] for h in hits} == {"Watches"}


def test_any_of_and_range_filters(demo_engine: Engine) -> None:
    hits = demo_engine.search(
        "shoes", k=50, filters={"articleType": ["Heels", "Flats"], "year": {"gte": 2012, "lte": 2013}}
    )
    assert len(hits) > 0
    for hit in hits:
        assert hit.product.attributes["articleType"] in {"Heels", "Flats"}
        assert 2012 <= int(hit.product.attributes["year"]) <= 2013


@pytest.mark.parametrize(("mode", "fusion"), [(m, "rrf") for m in MODES] + [("hybrid", "score")])
def test_pagination_pages_join_up(demo_engine: Engine, mode: str, fusion: str) -> None:
    whole = demo_engine.search("casual summer wear", mode=mode, k=12, fusion=fusion).ids()  # type: ignore[arg-type]
    first = demo_engine.search("casual summer wear", mode=mode, k=6, fusion=fusion).ids()  # type: ignore[arg-type]
    second = demo_engine.search("casual summer wear", mode=mode, k=6, offset=6, fusion=fusion)  # type: ignore[arg-type]
    assert first + second.ids() == whole
    assert [h.rank for h in second] == list(range(7, 13))


def test_explain_and_weights(demo_engine: Engine) -> None:
    explained = demo_engine.search("white sneakers", k=3, explain=True)
    assert all(set(h.scores or {}) == {"bm25", "splade", "dense"} for h in explained)
    bm25_only = demo_engine.search("white sneakers", k=5, fusion="score", weights={"splade": 0, "dense": 0})
    assert bm25_only.ids() == demo_engine.search("white sneakers", mode="bm25", k=5).ids()


def test_stopword_only_query_still_answers(demo_engine: Engine) -> None:
    assert demo_engine.search("the", mode="bm25").hits == []
    assert len(demo_engine.search("the", mode="hybrid", k=3)) == 3  # dense and SPLADE still answer


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"query": "   "}, QueryError, "empty"),
        ({"query": "x" * 10_000}, QueryError, "10000 characters"),
        ({"query": "shirt", "mode": "fuzzy"}, QueryError, "unknown retrieval.mode 'fuzzy'"),
        ({"query": "shirt", "k": 0}, QueryError, "k must be"),
        ({"query": "shirt", "offset": -1}, QueryError, "offset"),
        ({"query": "shirt", "filters": {"material": "silk"}}, FilterError, "unknown filter field 'material'"),
        ({"query": "shirt", "weights": {"bm25": -1}}, QueryError, "weights"),
        ({"query": "shirt", "weights": {"bm52": 1}}, QueryError, "unknown retrievers"),
    ],
)
def test_bad_queries_get_clear_errors(demo_engine: Engine, kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        demo_engine.search(**kwargs)


def test_get_product(demo_engine: Engine) -> None:
    product = demo_engine.get("12751")
    assert product is not None and product.title == "Spykar Men Ep Jeans Blue Jeans"
    assert product.image == "images/12751.jpg"
    assert demo_engine.get("no-such-id") is None
    assert len(demo_engine) == 432
