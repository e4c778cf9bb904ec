"""Pages are slices of one ranking: no product twice on pages 1-10, the pages together equal one deep
request, a short page is the start of a long one in every mode, and the same request twice gives the
same products."""

from __future__ import annotations

import pytest

from modasearch import Engine
from modasearch.demo import DEMO_CATALOG

SHOPPER_QUERIES = (
    "black", "white sneakers", "mens running shoes", "girls party frock", "blue jeans", "red dress",
    "watch", "handbag women", "casual shirt", "sports shoes", "t-shirt", "blak dres", "kurta",
    "sunglasses", "formal shoes men", "shorts", "flip flops", "sweatshirt", "bag", "socks",
)  # fmt: skip
PAGE, PAGES = 24, 10


@pytest.mark.parametrize("preset", ["shop", "plain"])
def test_pages_never_repeat_and_equal_one_deep_request(demo_engine: Engine, preset: str) -> None:
    for query in SHOPPER_QUERIES:
        pages = [
            demo_engine.search(query, k=PAGE, offset=PAGE * n, preset=preset).ids() for n in range(PAGES)
        ]
        shown = [pid for page in pages for pid in page]
        assert len(shown) == len(set(shown)), query
        assert shown == demo_engine.search(query, k=PAGE * PAGES, preset=preset).ids(), query


@pytest.mark.parametrize("mode", ["bm25", "splade", "dense", "hybrid", "image"])
def test_a_short_page_starts_a_long_one(demo_engine: Engine, mode: str) -> None:
    for query in SHOPPER_QUERIES:
        assert (
            demo_engine.search(query, mode=mode, k=10).ids()
            == demo_engine.search(query, mode=mode, k=100).ids()[:10]
        )


def test_photos_similar_items_and_colours_page_alike(demo_engine: Engine) -> None:
    photo = DEMO_CATALOG / "images" / "11276.jpg"
    for search in (
        lambda k: demo_engine.search_image(photo, k=k),
        lambda k: demo_engine.search_image(photo, text="black", k=k),
        lambda k: demo_engine.similar("11276", k=k),
        lambda k: demo_engine.similar("11276", by="text", k=k),
        lambda k: demo_engine.similar("11276", by="fused", k=k),
        lambda k: demo_engine.search_colour("#1f2a44", k=k),
    ):
        assert search(10).ids() == search(100).ids()[:10]


def test_the_same_request_gives_the_same_products(demo_engine: Engine) -> None:
    first = [demo_engine.search(q, k=24).ids() for q in SHOPPER_QUERIES]
    demo_engine.encoders.clear_cache()  # encode the queries again
    second = [demo_engine.search(q, k=24).ids() for q in SHOPPER_QUERIES]
    assert first == second


class Counting:
    """The engine's backend, counting the calls made through it."""

    def __init__(self, backend: object) -> None:
        self.backend = backend
        self.calls: dict[str, int] = {}

    def __getattr__(self, name: str) -> object:
        method = getattr(self.backend, name)

        def counted(*args: object, **kwargs: object) -> object:
            self.calls[name] = self.calls.get(name, 0) + 1
            return method(*args, **kwargs)

        return counted


@pytest.mark.parametrize("preset", ["shop", "plain"])
def test_a_page_search_reads_each_payload_once(demo_engine: Engine, preset: str) -> None:
    """One page of the shop page's search (24 products, facets counted): the payloads of its products
    come from the index in one call, whatever the pipeline needs them for."""
    real = demo_engine.backend
    counting = Counting(real)
    demo_engine.backend = counting  # type: ignore[assignment]
    try:
        demo_engine.search("black dress", k=24, facets={"limit": 12}, preset=preset, explain=True)
        first = dict(counting.calls)
        demo_engine.search("black dress", k=24, preset=preset)
    finally:
        demo_engine.backend = real
    assert first.get("retrieve", 0) <= 1, first  # none when an earlier request left them in the snapshot
    assert counting.calls.get("retrieve", 0) == first.get("retrieve", 0), (
        counting.calls
    )  # the snapshot kept them
    counting.calls = first
    if preset == "plain":  # the others check a filter the query names against the retrievers first
        assert counting.calls["search_many"] == 1 and counting.calls["count"] == 1, counting.calls
