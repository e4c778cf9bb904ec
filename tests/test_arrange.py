"""Variant collapse, sorting with a relevance cut-off and MMR: by hand, then through the engine."""

from __future__ import annotations

import numpy as np
import pytest

from modasearch import Engine, EngineConfig
from modasearch.catalog import Catalog
from modasearch.catalog.product import Product
from modasearch.index.types import Hit
from modasearch.search.arrange import Arrangement, collapse_variants, mmr, sort_relevant
from modasearch.search.paging import QueryError


def hits(*ids: str) -> list[Hit]:
    return [Hit(i, 1.0 - n / 10, {}) for n, i in enumerate(ids)]


def test_collapse_keeps_the_best_variant_of_each_group() -> None:
    groups = {"a1": "a", "b1": "b", "a2": "a", "c": None, "b2": "b"}
    assert [h.id for h in collapse_variants(hits("a1", "b1", "a2", "c", "b2"), groups)] == ["a1", "b1", "c"]


def test_sorting_stays_among_the_relevant() -> None:
    values = {"x": 30.0, "y": 10.0, "z": None, "w": 5.0}
    ranked = hits("x", "y", "z", "w")  # w is cheapest but outside the 3 most relevant
    assert [h.id for h in sort_relevant(ranked, values, relevant=3, descending=False)] == ["y", "x", "z"]
    assert [h.id for h in sort_relevant(ranked, values, relevant=3, descending=True)] == ["x", "y", "z"]


def test_mmr_moves_a_near_duplicate_down() -> None:
    vectors = {"a": np.array([1.0, 0.0]), "a'": np.array([0.99, 0.14]), "b": np.array([0.0, 1.0])}
    ranked = hits("a", "a'", "b")
    assert [h.id for h in mmr(ranked, vectors, novelty=0.0, top=3)] == ["a", "a'", "b"]
    assert [h.id for h in mmr(ranked, vectors, novelty=0.7, top=3)] == ["a", "b", "a'"]


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    colours = ("Black", "Red", "Blue")
    products = [
        Product(
            f"{g}{c}",
            f"{kind} dress in {c.lower()}",
            attributes={"colour": c, "year": 2010 + i},
            group_id=g,
            price=float(10 * (i + 1) + len(g)),
        )
        for i, (g, kind) in enumerate([("g1", "Linen"), ("g2", "Silk"), ("g3", "Cotton")])
        for c in colours
    ] + [Product("shoe", "Black leather shoe", attributes={"colour": "Black", "year": 2020}, price=5.0)]
    catalog = Catalog(products, ("colour",), "variants")
    config = EngineConfig(dense_model=None, sparse_model=None, image_model=None)
    engine = Engine.build(catalog, tmp_path_factory.mktemp("variants") / "index", config)
    yield engine
    engine.close()


def test_engine_collapses_and_sorts(variants: Engine) -> None:
    plain = variants.search("red dress", mode="bm25", k=9, preset="plain")
    assert len(plain) == 9
    collapsed = variants.search("red dress", mode="bm25", k=9, arrange=Arrangement(collapse=True))
    assert sorted(h.product.group_id for h in collapsed.hits) == ["g1", "g2", "g3"]
    assert all(h.product.attributes["colour"] == "Red" for h in collapsed.hits)  # the variant asked for
    by_price = variants.search("dress", mode="bm25", k=9, arrange=Arrangement(collapse=True, sort_by="price"))
    prices = [h.product.price for h in by_price.hits]
    assert prices == sorted(prices) and "shoe" not in by_price.ids()
    with pytest.raises(QueryError, match="numeric fields"):
        variants.search("dress", arrange=Arrangement(sort_by="colour"))
