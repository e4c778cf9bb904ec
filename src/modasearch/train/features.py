"""Photo features for every product with a usable image, cached on disk (they take minutes)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from modasearch.catalog.product import Catalog, image_location
from modasearch.models.images import ImageError, open_image
from modasearch.models.onnx_image import OnnxImageEncoder
from modasearch.models.visual import photo_features

Progress = Callable[[int, int], None]


@dataclass
class PhotoFeatures:
    ids: list[str]
    features: np.ndarray
    skipped: dict[str, str] = field(default_factory=dict)  # product id -> why its photo was unusable


def _cache_file(catalog: Catalog, encoder: OnnxImageEncoder) -> Path:
    root = Path(os.environ.get("MODASEARCH_CACHE", Path.home() / ".cache" / "modasearch")) / "features"
    key = hashlib.sha256(f"{catalog.fingerprint()}:{encoder.spec.version}:palette-v2".encode()).hexdigest()[
        :16
    ]
    return root / f"{catalog.name}-{key}.npz"


def catalog_photo_features(
    catalog: Catalog, encoder: OnnxImageEncoder, progress: Progress | None = None, batch: int = 64
) -> PhotoFeatures:
    cache = _cache_file(catalog, encoder)
    if cache.exists():
        with np.load(cache, allow_pickle=False) as data:
            unusable = dict(zip(data["skipped_ids"].tolist(), data["skipped_why"].tolist(), strict=True))
            return PhotoFeatures(data["ids"].tolist(), data["features"], unusable)
    products = [p for p in catalog.products if p.image]
    ids: list[str] = []
    chunks: list[np.ndarray] = []
    skipped: dict[str, str] = {}
    for start in range(0, len(products), batch):
        images, kept = [], []
        for product in products[start : start + batch]:
            try:
                images.append(open_image(image_location(str(product.image), catalog.root)))
                kept.append(product.id)
            except ImageError as exc:
                skipped[product.id] = str(exc)
        if images:
            chunks.append(photo_features(encoder, images))
            ids.extend(kept)
        if progress:
            progress(min(start + batch, len(products)), len(products))
    features = np.vstack(chunks) if chunks else np.zeros((0, 0), dtype=np.float32)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(
        cache,
        ids=np.array(ids),
        features=features,
        skipped_ids=np.array(list(skipped), dtype=str),
        skipped_why=np.array(list(skipped.values()), dtype=str),
    )
    return PhotoFeatures(ids, features, skipped)
