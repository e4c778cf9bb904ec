"""Shopper queries the first round's page default got wrong (issue 17), on a seeded sample of the real
Kaggle catalog (every row is a real product): the default preset must answer them as a shopper
expects; the demo catalog must not rewrite a real word it lacks."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from modasearch import Engine, Product
from modasearch.catalog import Catalog
from modasearch.catalog.loaders.kaggle import load_kaggle
from modasearch.search.engine import EngineConfig
from tests.conftest import KAGGLE, needs

SAMPLE = 6000


@pytest.fixture(scope="module")
def kaggle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    catalog, _ = load_kaggle(KAGGLE)
    products = random.Random(0).sample(catalog.products, SAMPLE)
    text_only = [Product(p.id, p.title, attributes=p.attributes) for p in products]
    sample = Catalog(text_only, catalog.text_attributes, "kaggle-sample")
    engine = Engine.build(sample, tmp_path_factory.mktemp("kaggle") / "index", EngineConfig(image_model=None))
    yield engine
    engine.close()


def _attributes(engine: Engine, query: str, k: int) -> list[dict[str, object]]:
    return [dict(h.product.attributes) for h in engine.search(query, k=k)]


@needs(KAGGLE)
def test_white_sneakers_are_white_shoes(kaggle: Engine) -> None:
    found = _attributes(kaggle, "white sneakers", 10)
    assert all(a["subCategory"] == "Shoes" for a in found), [a["articleType"] for a in found]
    assert sum(a["baseColour"] == "White" for a in found) >= 8, [a["baseColour"] for a in found]


@needs(KAGGLE)
def test_girls_party_frock_is_a_girls_dress(kaggle: Engine) -> None:
    found = _attributes(kaggle, "girls party frock", 5)
    assert all(a["articleType"] == "Dresses" and a["gender"] == "Girls" for a in found), found


@needs(KAGGLE)
def test_mens_running_shoes_are_sports_shoes(kaggle: Engine) -> None:
    found = _attributes(kaggle, "mens running shoes", 5)
    assert all(a["articleType"] == "Sports Shoes" for a in found), [a["articleType"] for a in found]


def test_the_demo_does_not_rewrite_sneakers(demo_engine: Engine) -> None:
    results = demo_engine.search("sneakers", k=5)
    assert results.corrected is None  # "sneakers" is English: never "corrected" into "sweater"
    assert all("Shoes" in str(h.product.attributes["articleType"]) for h in results.hits)


def test_nonsense_finds_nothing_and_suggests(demo_engine: Engine) -> None:
    results = demo_engine.search("xqzvvk")
    assert results.hits == [] and results.suggestions
