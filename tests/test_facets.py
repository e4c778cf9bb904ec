"""Facet counts over the whole match set, checked against counts made directly from the catalog."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from modasearch import Engine
from modasearch.catalog import Catalog
from modasearch.catalog.text import product_text
from modasearch.search.filters import FilterError


def _expected(catalog: Catalog, field: str, keep: object = lambda p: True) -> list[tuple[str, int]]:
    counts = Counter(str(p.attributes[field]) for p in catalog.products if field in p.attributes and keep(p))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _sorted(pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return sorted(pairs, key=lambda kv: (-kv[1], kv[0]))


def test_no_query_counts_the_whole_catalog(demo_engine: Engine, demo_catalog: Catalog) -> None:
    result = demo_engine.facets(fields=["baseColour", "gender"], limit=100)
    assert result.total == len(demo_catalog) and result.match == "everything"
    assert _sorted(result.counts["baseColour"]) == _expected(demo_catalog, "baseColour")
    assert _sorted(result.counts["gender"]) == _expected(demo_catalog, "gender")


def test_query_words_define_the_match_set(demo_engine: Engine, demo_catalog: Catalog) -> None:
    def has_shoes(p: object) -> bool:  # "shoes" and "shoe" stem alike
        text = product_text(p, demo_catalog.text_attributes).lower()  # type: ignore[arg-type]
        return re.search(r"\bshoes?\b", text) is not None

    result = demo_engine.facets("shoes", fields=["articleType", "gender"], limit=100)
    assert result.match == "all"
    assert result.total == sum(1 for p in demo_catalog.products if has_shoes(p)) > 20
    assert _sorted(result.counts["gender"]) == _expected(demo_catalog, "gender", has_shoes)


def test_counts_are_disjunctive(demo_engine: Engine, demo_catalog: Catalog) -> None:
    result = demo_engine.facets(None, ["gender", "baseColour"], {"gender": "Women"}, limit=100)
    women = [p for p in demo_catalog.products if p.attributes.get("gender") == "Women"]
    assert result.total == len(women)
    assert _sorted(result.counts["gender"]) == _expected(demo_catalog, "gender")  # own filter left out
    assert _sorted(result.counts["baseColour"]) == _expected(demo_catalog, "baseColour", women.__contains__)


def test_typos_fall_back_to_the_ranked_results(demo_engine: Engine) -> None:
    result = demo_engine.facets("blak shoos", ["gender"])
    assert result.match == "results" and result.total == 100


def test_bad_facet_requests(demo_engine: Engine) -> None:
    with pytest.raises(FilterError, match="facet fields"):
        demo_engine.facets("shoes", ["no_such_field"])
    with pytest.raises(ValueError, match="limit"):
        demo_engine.facets("shoes", limit=0)
    assert "group_id" not in demo_engine.facet_fields() and "photo_colours" in demo_engine.facet_fields()


def test_suggestions_from_titles_and_attribute_values(demo_engine: Engine) -> None:
    found = demo_engine.suggest("blue je")
    assert found and all(s.field == "title" for s in found)
    assert all("blue" in s.text.lower() and " je" in f" {s.text.lower()}" for s in found)
    values = [(s.text, s.field) for s in demo_engine.suggest("dre")]
    assert ("Dresses", "articleType") in values and any(field == "title" for _, field in values)
    assert demo_engine.suggest("zzzz") == [] and demo_engine.suggest("   ") == []
    with pytest.raises(ValueError, match="limit"):
        demo_engine.suggest("dre", limit=0)
