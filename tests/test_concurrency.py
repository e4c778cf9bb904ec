"""Readers and a writer at once: four reader threads (search with understanding and facets, suggest,
similar items) against one writer adding products with new attribute values and deleting others, for
20 seconds. No reader may fail; what the writer adds is understood and suggested by the next request,
and what it deletes is gone from suggestions and facets."""

from __future__ import annotations

import itertools
import threading
import time
import traceback
from pathlib import Path

import pytest

from modasearch import Engine, Product, load_catalog
from modasearch.catalog import Catalog
from modasearch.demo import DEMO_CATALOG
from modasearch.search.engine import EngineConfig

SECONDS = 20


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    catalog, _ = load_catalog(DEMO_CATALOG, "kaggle")
    small = Catalog(
        [Product(p.id, p.title, attributes=p.attributes) for p in catalog.products[:150]],
        catalog.text_attributes,
        "small",
    )
    config = EngineConfig(sparse_model=None, image_model=None)
    built = Engine.build(small, tmp_path_factory.mktemp("concurrency") / "index", config)
    yield built
    built.close()


def _new_products(round_: int) -> list[Product]:
    """Products of a kind the catalog never had: a new article type, colour and attribute field."""
    kind = f"Kimono{round_}"
    return [
        Product(
            f"new-{round_}-{i}",
            f"Silk {kind} robe {i}",
            attributes={
                "articleType": kind,
                "baseColour": f"Jade{round_}",
                "gender": "Women",
                f"fit{round_}": "Loose",
            },
        )
        for i in range(3)
    ]


def test_readers_and_a_writer_at_once(engine: Engine) -> None:
    errors: list[str] = []
    stop = threading.Event()
    counts = {"reads": 0, "writes": 0}
    known = [p for p in engine.facets(fields=["articleType"], limit=100).counts["articleType"]]
    existing = engine.search("shirt", k=1, preset="plain").ids()

    def reader(n: int) -> None:
        queries = itertools.cycle(
            ["black shirt", "kimono robe", "blue jeans women", "sports shoes", "jade silk"]
        )
        while not stop.is_set():
            try:
                query = next(queries)
                engine.search(query, k=10, understand="category", spelling=True, facets={"limit": 20})
                engine.search(query, k=5, understand="filter", explain=True)
                engine.facets(query, limit=20)
                engine.suggest(query[:4])
                engine.similar(existing[0], k=5)
                counts["reads"] += 1
            except Exception:
                errors.append(traceback.format_exc())

    def writer() -> None:
        round_ = 0
        while not stop.is_set():
            try:
                round_ += 1
                added = _new_products(round_)
                engine.add(added)
                kind = f"Kimono{round_}"
                parse = engine.search(f"{kind.lower()} robe", k=3, understand="filter", explain=True).parse
                assert parse is not None and kind in [m["value"] for m in parse["mentions"]], parse
                assert kind in [s.text for s in engine.suggest(kind.lower()[:7])]
                engine.delete([p.id for p in added])
                assert kind not in [s.text for s in engine.suggest(kind.lower()[:7])]
                values = [
                    v for v, _ in engine.facets(fields=["articleType"], limit=100).counts["articleType"]
                ]
                assert kind not in values
                assert all(f"Jade{round_}" != s.text for s in engine.suggest("jade"))
                counts["writes"] += 1
            except Exception:
                errors.append(traceback.format_exc())

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(4)] + [
        threading.Thread(target=writer)
    ]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join(60)
    assert errors == [], errors[0]
    assert counts["reads"] > 20 and counts["writes"] > 5, counts
    after = engine.facets(fields=["articleType"], limit=100).counts["articleType"]
    assert after == known  # every value added was deleted again


def test_a_search_reads_one_snapshot(engine: Engine, tmp_path: Path) -> None:
    """A write swaps the snapshot; a snapshot taken before it keeps its fields and values."""
    before = engine.state
    engine.add(_new_products(999))
    after = engine.state
    assert after is not before and after.revision == before.revision + 1
    assert "Kimono999" in after.vocab["articleType"] and "Kimono999" not in before.vocab["articleType"]
    assert "fit999" in after.fields and "fit999" not in before.fields
    engine.delete([p.id for p in _new_products(999)])
    assert "Kimono999" not in engine.state.vocab["articleType"]
