"""Visual search on the demo index: text-to-image, search by photo, photo + text, similar items."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from PIL import Image

from modasearch import Engine, EngineConfig
from modasearch.catalog import Catalog
from modasearch.demo import DEMO_CATALOG
from modasearch.models.images import ImageError
from modasearch.search.engine import QueryError

PHOTOS = DEMO_CATALOG / "images"


def _types(engine: Engine, ids: list[str]) -> list[str]:
    return [str(engine.get(i).attributes["articleType"]) for i in ids]  # type: ignore[union-attr]


def engine_colour(engine: Engine, product_id: str) -> str:
    return str(engine.get(product_id).attributes["baseColour"])  # type: ignore[union-attr]


def test_every_demo_photo_is_indexed(demo_engine: Engine) -> None:
    assert "image" in demo_engine.modes
    assert demo_engine.manifest.counts["photos"] == 432 and demo_engine.manifest.counts["photos_skipped"] == 0
    assert demo_engine.manifest.encoders["image"]["name"] == "fashion-align"


def test_text_to_image(demo_engine: Engine) -> None:
    results = demo_engine.search("blue denim jeans for men", mode="image", k=5)
    assert _types(demo_engine, results.ids()).count("Jeans") >= 4


def test_search_by_photo_finds_the_same_product_first(demo_engine: Engine) -> None:
    photo = (PHOTOS / "11276.jpg").read_bytes()  # Nike Men Running Maroon Sweatshirt
    results = demo_engine.search_image(photo, k=5)
    assert results.ids()[0] == "11276" and results.mode == "image"
    shape_only = demo_engine.search_image(photo, k=5, colour_weight=0, consensus_weight=0)  # cosine scores
    assert shape_only.ids()[0] == "11276" and shape_only.hits[0].score > 0.99
    with pytest.raises(QueryError, match="colour_weight must be between 0 and 10"):
        demo_engine.search_image(photo, colour_weight=-1)


def test_similar_items_leave_the_product_out(demo_engine: Engine) -> None:
    results = demo_engine.similar("11276", k=5)
    assert "11276" not in results.ids() and len(results) == 5
    with pytest.raises(QueryError, match="is not in the index"):
        demo_engine.similar("no-such-id")


def test_the_neighbours_consensus_keeps_similar_items_to_the_product_type(
    demo_engine: Engine, demo_catalog: Catalog
) -> None:
    products = demo_catalog.products[::4]

    def same_type(consensus: float, own_share: float) -> float:
        shares = []
        for product in products:
            found = demo_engine.similar(product.id, k=5, consensus_weight=consensus, own_share=own_share)
            top = _types(demo_engine, found.ids())
            shares.append(top.count(str(product.attributes["articleType"])) / len(top))
        return sum(shares) / len(shares)

    # over all 432 demo products: 0.58 plain, 0.73 with the neighbours' vote, 0.87 with the product's own
    plain, neighbours, default = same_type(0.0, 0.0), same_type(0.5, 0.0), same_type(0.5, 0.5)
    assert neighbours >= plain + 0.1 and default >= neighbours + 0.08, (plain, neighbours, default)
    photo = demo_engine.search_image(PHOTOS / "11276.jpg", k=5)  # Nike Men Running Maroon Sweatshirt
    assert _types(demo_engine, photo.ids()[1:3]) == ["Sweatshirts", "Sweatshirts"]
    with pytest.raises(QueryError, match="consensus_weight must be between 0 and 10"):
        demo_engine.similar("11276", consensus_weight=-0.5)
    with pytest.raises(QueryError, match="own_share must be between 0 and 1"):
        demo_engine.similar("11276", own_share=1.5)


def test_photo_steered_by_text_and_filters(demo_engine: Engine) -> None:
    photo = PHOTOS / "11276.jpg"
    plain = demo_engine.search_image(photo, k=10)
    steered = demo_engine.search_image(photo, k=10, text="black", text_weight=0.5)
    assert steered.query == "photo + 'black'" and steered.ids() != plain.ids()
    # "this, but in black": the colour the text names filters; the photo still ranks (Nike first)
    assert {engine_colour(demo_engine, i) for i in steered.ids()} == {"Black"}
    assert demo_engine.get(steered.ids()[0]).title.startswith("Nike")  # type: ignore[union-attr]
    own = demo_engine.search_image(photo, k=5, text="black", filters={"baseColour": "Red"})
    assert {engine_colour(demo_engine, i) for i in own.ids()} == {"Red"}  # the caller's filter wins
    filtered = demo_engine.search_image(photo, k=5, filters={"gender": "Women"})
    assert all(demo_engine.get(i).attributes["gender"] == "Women" for i in filtered.ids())  # type: ignore[union-attr]
    with pytest.raises(QueryError, match="text_weight must be between 0 and 1"):
        demo_engine.search_image(photo, text="black", text_weight=2)


def test_unusable_uploads_are_refused(demo_engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="not an image"):
        demo_engine.search_image(b"id,title\n1,shirt\n")
    buffer = io.BytesIO()
    Image.new("RGB", (30, 30), "red").save(buffer, "GIF")
    with pytest.raises(ImageError, match="GIF images are not supported"):
        demo_engine.search_image(buffer.getvalue())


def test_hybrid_uses_photos_only_when_weighted(demo_engine: Engine) -> None:
    text_only = demo_engine.search("white sneakers", mode="hybrid", k=10, explain=True)
    with_photos = demo_engine.search(
        "white sneakers", mode="hybrid", k=10, weights={"image": 1.0}, explain=True
    )
    assert "image" not in (text_only.hits[0].scores or {})
    assert "image" in (with_photos.hits[0].scores or {})


def test_search_by_colour_swatch(demo_engine: Engine) -> None:
    results = demo_engine.search_colour("#d01020", k=5)
    colours = [demo_engine.get(i).attributes["baseColour"] for i in results.ids()]  # type: ignore[union-attr]
    assert colours.count("Red") >= 4 and results.mode == "colour"
    with pytest.raises(QueryError, match="is not a colour"):
        demo_engine.search_colour("red-ish")


def test_photo_colours_are_stored_and_filterable(demo_engine: Engine) -> None:
    from modasearch.index.types import point_id

    stored = demo_engine.backend.retrieve([point_id("10016")])[0].payload  # a pink girls' dress
    assert stored["photo_colours"] == ["pink", "white"]
    results = demo_engine.search("shoes", filters={"photo_colours": "Black"}, k=10)
    assert len(results.hits) == 10
    for product_id in results.ids():
        assert "black" in demo_engine.backend.retrieve([point_id(product_id)])[0].payload["photo_colours"]
    with pytest.raises(ValueError, match="photo_colours"):
        demo_engine.search("shoes", filters={"photo_colour": "black"})  # the error names the field


def test_similar_items_by_text(demo_engine: Engine, demo_catalog: Catalog, tmp_path: Path) -> None:
    by_text = demo_engine.similar("11276", k=5, by="text")  # the Nike sweatshirt's text neighbours
    assert by_text.mode == "dense" and "11276" not in by_text.ids()
    assert _types(demo_engine, by_text.ids())[:2] == ["Sweatshirts", "Sweatshirts"]
    no_photos = dataclasses.replace(
        demo_catalog, products=[dataclasses.replace(p, image=None) for p in demo_catalog.products[:60]]
    )
    with Engine.build(no_photos, tmp_path / "text-only", EngineConfig(sparse_model=None)) as engine:
        first = no_photos.products[0].id
        results = engine.similar(first, k=5)  # no photos in the index: text neighbours instead
        assert results.mode == "dense" and first not in results.ids() and len(results) == 5
        with pytest.raises(QueryError, match="no usable photo"):
            engine.similar(first, by="image")
    with pytest.raises(QueryError, match="use one of auto, image, text, fused"):
        demo_engine.similar("11276", by="colour")


def test_the_index_keeps_small_copies_of_the_photos(demo_engine: Engine) -> None:
    path = demo_engine.thumbnail("11276")
    assert path is not None and path.is_relative_to(demo_engine.directory)
    with Image.open(path) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) <= 480
    assert demo_engine.thumbnail("no-such-id") is None
