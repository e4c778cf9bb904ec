"""The shipped image encoder: ONNX matches the torch original, and real photos give sensible features."""

from __future__ import annotations

import json

import numpy as np

from modasearch.demo import DEMO_CATALOG
from modasearch.models.builtin import asset_dir
from modasearch.models.export_image import probe_images
from modasearch.models.images import open_image
from modasearch.models.onnx_image import OnnxImageEncoder


def _encoder() -> OnnxImageEncoder:
    return OnnxImageEncoder(asset_dir("efficientnet-lite0"))


def test_onnx_matches_the_torch_reference() -> None:
    encoder = _encoder()
    golden = np.asarray(json.loads((encoder.directory / "golden.json").read_text())["features"])
    features = encoder.encode(probe_images())
    assert features.shape == (2, 1744) == golden.shape
    assert np.abs(features - golden).max() < 1e-3
    # pinned: the first features of the gradient probe
    assert np.allclose(features[0, :4], golden[0, :4], atol=1e-4)


def test_batches_do_not_change_features() -> None:
    encoder = _encoder()
    photos = [open_image(p) for p in sorted((DEMO_CATALOG / "images").glob("*.jpg"))[:5]]
    together = encoder.encode(photos, batch_size=5)
    one_by_one = np.vstack([encoder.encode([p]) for p in photos])
    assert np.allclose(together, one_by_one, atol=1e-4)


def test_photos_of_the_same_kind_are_closer() -> None:
    """Two pairs of demo products of one article type each: within-type similarity wins."""
    import csv

    rows = list(csv.DictReader((DEMO_CATALOG / "styles.csv").open(encoding="utf-8")))
    by_type: dict[str, list[str]] = {}
    for row in rows:
        by_type.setdefault(row["articleType"], []).append(row["id"])
    encoder = _encoder()

    def features(kind: str) -> np.ndarray:
        paths = [DEMO_CATALOG / "images" / f"{i}.jpg" for i in by_type[kind][:6]]
        vectors = encoder.encode([open_image(p) for p in paths])
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    shoes, shirts = features("Casual Shoes"), features("Tshirts")
    within = (shoes @ shoes.T).mean() + (shirts @ shirts.T).mean()
    across = 2 * (shoes @ shirts.T).mean()
    assert within > across + 0.1
