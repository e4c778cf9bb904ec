"""Build an index from a catalog: encode, upsert, index payload fields, optimise, write the manifest."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from modasearch.catalog.product import Catalog, Product, image_location
from modasearch.catalog.text import dense_views, product_text
from modasearch.index.encoding import EncoderSet
from modasearch.index.lexicon import count_words, save_lexicon
from modasearch.index.manifest import MANIFEST, Manifest
from modasearch.index.payload import (
    PHOTO_COLOURS,
    TEXT_FIELD,
    field_kinds,
    payload_key,
    to_payload,
    vocabulary,
)
from modasearch.index.store import create_backend, discard_backend, staging
from modasearch.index.thumbnails import remove_thumbnail, store_thumbnail
from modasearch.index.types import FieldKind, IndexBackend, IndexPoint, VectorLayout, point_id
from modasearch.models.colour import PALETTE, PALETTE_NAMES, colour_names
from modasearch.models.images import ImageError, open_image

Progress = Callable[[int, int], None]


class EmptyCatalogError(ValueError):
    pass


@dataclass
class BuildStats:
    products: int = 0
    seconds: float = 0.0
    encode_seconds: dict[str, float] = field(default_factory=dict)
    write_seconds: float = 0.0
    optimize_seconds: float = 0.0
    photos: int = 0
    photo_issues: dict[str, str] = field(default_factory=dict)  # product id -> why its photo was skipped


def photo_vectors(
    encoders: EncoderSet,
    products: Sequence[Product],
    image_root: str | None,
    issues: dict[str, str],
    index_dir: Path | None = None,
) -> dict[int, dict[str, list[float]]]:
    """The `image` and `colour` vectors by position in `products`, and a thumbnail of each photo in
    `index_dir`; unusable photos are recorded, not fatal."""
    images, positions = [], []
    for i, product in enumerate(products):
        if not product.image:
            if index_dir is not None:
                remove_thumbnail(index_dir, product.id)  # a product replaced without its photo
            continue
        try:
            images.append(open_image(image_location(product.image, image_root)))
            positions.append(i)
        except ImageError as exc:
            issues[product.id] = str(exc)
            if index_dir is not None:
                remove_thumbnail(index_dir, product.id)
            continue
        if index_dir is not None:
            store_thumbnail(images[-1], index_dir, product.id)
    if not images:
        return {}
    aligned, colour = encoders.encode_photos(images)
    return {i: {"image": aligned[j].tolist(), "colour": colour[j].tolist()} for j, i in enumerate(positions)}


def add_photo_fields(kinds: dict[str, FieldKind], vocab: dict[str, list[str]]) -> None:
    """Make the photos' colour names filterable (`photo_colours=red`)."""
    kinds[PHOTO_COLOURS] = "keyword"
    vocab[PHOTO_COLOURS] = list(PALETTE_NAMES)


# Full-text payload indexes: the product text for facets' match sets, title word starts for suggestions
TEXT_INDEXES: dict[str, FieldKind] = {TEXT_FIELD: "text", "title": "prefix"}


def ensure_text_indexes(backend: IndexBackend, manifest: Manifest, directory: Path) -> None:
    """Indexes built before these existed get them once, when first opened."""
    missing = {k: v for k, v in TEXT_INDEXES.items() if k not in manifest.settings.get("text_indexes", [])}
    for key, kind in missing.items():
        backend.create_payload_index(key, kind)
    if missing:
        manifest.settings["text_indexes"] = sorted(TEXT_INDEXES)
        manifest.save(directory)


def layout_for(encoders: EncoderSet) -> VectorLayout:
    dense = {"dense": encoders.dense.dim} if encoders.dense is not None else {}
    if encoders.image is not None:
        dense["image"] = encoders.image.dim
        dense["colour"] = len(PALETTE)
    sparse = {"bm25": True, **({"splade": False} if encoders.splade is not None else {})}
    multi = frozenset({"dense"} if encoders.dense is not None and encoders.dense_views else ())
    return VectorLayout(dense=dense, sparse=sparse, multi=multi)


def view_vectors(
    encoders: EncoderSet, products: Sequence[Product], text_attributes: Sequence[str]
) -> list[list[list[float]]]:
    """Each product's dense views (catalog/text.py: dense_views), encoded in one batch."""
    views = [dense_views(p, text_attributes) for p in products]
    flat = encoders.encode_texts("dense", [v for group in views for v in group])
    out, start = [], 0
    for group in views:
        out.append([np.asarray(flat[j]).tolist() for j in range(start, start + len(group))])
        start += len(group)
    return out


def index_products(
    backend: IndexBackend,
    encoders: EncoderSet,
    products: Sequence[Product],
    text_attributes: Sequence[str],
    batch_size: int = 256,
    progress: Progress | None = None,
    image_root: str | None = None,
    photo_issues: dict[str, str] | None = None,
    index_dir: Path | None = None,
) -> float:
    """Encode and upsert products in batches; returns the seconds spent writing to the engine."""
    write_seconds = 0.0
    issues = photo_issues if photo_issues is not None else {}
    for start in range(0, len(products), batch_size):
        batch = products[start : start + batch_size]
        texts = [product_text(p, text_attributes) for p in batch]
        encoded = encoders.encode_documents(texts, dense=not encoders.dense_views)
        views = (
            view_vectors(encoders, batch, text_attributes)
            if encoders.dense and encoders.dense_views
            else None
        )
        photos = {}
        if encoders.image is not None:
            photos = photo_vectors(encoders, batch, image_root, issues, index_dir)
        points = []
        for i, (product, text) in enumerate(zip(batch, texts, strict=True)):
            sparse = {"bm25": encoded.bm25[i]}
            if encoded.splade is not None:
                sparse["splade"] = encoded.splade[i]
            dense: dict[str, Any] = {"dense": encoded.dense[i].tolist()} if encoded.dense is not None else {}
            if views is not None:
                dense["dense"] = views[i]
            photo = photos.get(i)
            names = colour_names(np.asarray(photo["colour"])) if photo else None
            dense.update(photo or {})
            points.append(IndexPoint(point_id(product.id), dense, sparse, to_payload(product, text, names)))
        t = time.perf_counter()
        backend.upsert(points)
        write_seconds += time.perf_counter() - t
        if progress:
            progress(min(start + batch_size, len(products)), len(products))
    return write_seconds


def build_index(
    catalog: Catalog,
    directory: Path,
    encoders: EncoderSet,
    server: str | None = None,
    batch_size: int = 256,
    progress: Progress | None = None,
) -> tuple[Manifest, BuildStats]:
    """Build into a temporary sibling directory and swap it in at the end."""
    if not catalog.products:
        raise EmptyCatalogError(
            "the catalog has no products: nothing to index (see the load report for skipped rows)"
        )
    started = time.perf_counter()
    stats = BuildStats(products=len(catalog))
    kinds = field_kinds(catalog.products)
    collection = f"modasearch-{catalog.name}-{uuid.uuid4().hex[:12]}"  # a new one per build: atomic swap
    previous = Manifest.load(directory).backend if (directory / MANIFEST).exists() else None
    with staging(directory) as tmp:
        backend, backend_info = create_backend(tmp, layout_for(encoders), server, collection)
        try:
            manifest = _fill(
                backend, backend_info, catalog, encoders, kinds, batch_size, stats, progress, tmp
            )
        except BaseException:
            backend.close()
            discard_backend(backend_info)
            raise
        manifest.save(tmp)
        backend.close()
    if previous is not None and previous != backend_info:
        discard_backend(previous)
    stats.encode_seconds = dict(encoders.seconds)
    stats.seconds = time.perf_counter() - started
    return manifest, stats


def _fill(
    backend: IndexBackend,
    backend_info: dict[str, str],
    catalog: Catalog,
    encoders: EncoderSet,
    kinds: dict[str, FieldKind],
    batch_size: int,
    stats: BuildStats,
    progress: Progress | None,
    index_dir: Path,
) -> Manifest:
    """Index the products, create the payload indexes, optimise; return the manifest of the result."""
    stats.write_seconds = index_products(
        backend,
        encoders,
        catalog.products,
        catalog.text_attributes,
        batch_size,
        progress,
        catalog.root,
        stats.photo_issues,
        index_dir,
    )
    texts = (product_text(p, catalog.text_attributes) for p in catalog.products)
    save_lexicon(index_dir, count_words(texts))
    vocab = vocabulary(catalog.products, kinds)
    if encoders.image is not None:
        stats.photos = sum(1 for p in catalog.products if p.image) - len(stats.photo_issues)
        add_photo_fields(kinds, vocab)
    for name, kind in kinds.items():
        backend.create_payload_index(payload_key(name), kind)
    for key, kind in TEXT_INDEXES.items():
        backend.create_payload_index(key, kind)
    t = time.perf_counter()
    backend.optimize()
    stats.optimize_seconds = time.perf_counter() - t
    return Manifest(
        catalog={
            "name": catalog.name,
            "fingerprint": catalog.fingerprint(),
            "root": catalog.root,
            "text_attributes": list(catalog.text_attributes),
        },
        encoders=encoders.specs(),
        fields=dict(kinds),
        vocab=vocab,
        settings={
            "batch_size": batch_size,
            "text_indexes": sorted(TEXT_INDEXES),
            "dense_views": encoders.dense_views and encoders.dense is not None,
        },
        backend=backend_info,
        counts={
            "products": backend.count(),
            "photos": stats.photos,
            "photos_skipped": len(stats.photo_issues),
        },
    )
