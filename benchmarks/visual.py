"""Visual search: image-encoder throughput, photo-query latency, and image-to-image consistency on the
Kaggle photos (targets: >= 60 images/s; photo query p50 <= 40 ms; held-out products' top-5 similar
items share the articleType >= 90% and the baseColour >= 80%).

    python benchmarks/visual.py --index benchmarks/out/eval/kagl-attr/index [--data ../shared/data]

The index is the one `modasearch eval run --benchmark kagl-attr ...` builds (all 9,583 photos).
Writes the `visual` section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from common import git_commit, machine, percentiles, write_section
from modasearch import Engine
from modasearch.catalog.loaders.kaggle import load_kaggle
from modasearch.models.builtin import DEFAULT_IMAGE, asset_dir
from modasearch.models.images import open_image
from modasearch.models.onnx_image import OnnxImageEncoder
from modasearch.models.visual import photo_features
from modasearch.search.consensus import OWN_SHARE
from modasearch.search.photos import CONSENSUS_WEIGHT

COLOUR_WEIGHTS = (0.0, 0.25, 0.5, 1.0)
CONSENSUS_WEIGHTS = (0.0, 0.25, 0.5, 1.0)
# Kaggle baseColour names and a swatch for each (the palette's sRGB where the names agree)
SWATCHES = {
    "Black": "#141414",
    "White": "#fafafa",
    "Grey": "#808080",
    "Blue": "#285abe",
    "Navy Blue": "#1f2850",
    "Red": "#c81e28",
    "Maroon": "#781428",
    "Pink": "#f096b4",
    "Purple": "#6e328c",
    "Green": "#288c3c",
    "Yellow": "#f0d232",
    "Orange": "#f0781e",
    "Brown": "#6e4628",
    "Beige": "#e1cdaa",
    "Silver": "#c0c0c8",
}
DEFAULT_COLOUR_WEIGHT = 0.5


def consistency(engine: Engine, heldout: list[str], by_id: dict, **similar: Any) -> tuple[float, float]:
    """Shares of the top-5 similar items with the product's articleType and its baseColour."""
    same_type, same_colour = [], []
    for pid in heldout:
        top = [by_id[i].attributes for i in engine.similar(pid, k=5, **similar).ids()]
        mine = by_id[pid].attributes
        same_type.append(np.mean([a.get("articleType") == mine.get("articleType") for a in top]))
        same_colour.append(np.mean([a.get("baseColour") == mine.get("baseColour") for a in top]))
    return float(np.mean(same_type)), float(np.mean(same_colour))


def attribute_precision(engine: Engine, products: list, field: str, minimum: int = 1) -> tuple[float, int]:
    """kagl-attr with photos: mean P@10 of each `field` value (held by >= `minimum` products) as a text
    query over the photo vectors; and how many values were asked."""
    counts = Counter(str(p.attributes.get(field) or "").strip() for p in products)
    by_id = {p.id: p for p in products}
    precisions = []
    for value, count in sorted(counts.items()):
        if value and count >= minimum:
            top = engine.search(value, mode="image", k=10).ids()
            precisions.append(np.mean([by_id[i].attributes.get(field) == value for i in top]))
    return float(np.mean(precisions)), len(precisions)


def throughput(paths: list[Path], batch: int = 64) -> dict[str, float]:
    encoder = OnnxImageEncoder(asset_dir(DEFAULT_IMAGE))
    encoder.encode([open_image(paths[0])])  # session warm-up
    t = time.perf_counter()
    images = [open_image(p) for p in paths]
    decode = time.perf_counter() - t
    t = time.perf_counter()
    for start in range(0, len(images), batch):
        encoder.encode(images[start : start + batch], batch_size=batch)
    cnn = time.perf_counter() - t
    t = time.perf_counter()
    for start in range(0, len(images), batch):
        photo_features(encoder, images[start : start + batch])
    full = time.perf_counter() - t
    n = len(paths)
    return {"decode": n / decode, "cnn": n / cnn, "cnn+colour": n / full, "end_to_end": n / (decode + full)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, default=Path("benchmarks/out/eval/kagl-attr/index"))
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--photos", type=int, default=1024)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    catalog, _ = load_kaggle(args.data / "kaggle-fashion", only_with_images=True)
    root = Path(catalog.root or ".")
    products = sorted(catalog.products, key=lambda p: p.id)
    random.Random(0).shuffle(products)
    speed = throughput([root / str(p.image) for p in products[: args.photos]])

    ids = sorted(p.id for p in catalog.products)
    random.Random(0).shuffle(ids)
    heldout = ids[: round(0.2 * len(ids))]  # kagl-t2i's held-out part (never seen by the aligner)
    by_id = {p.id: p for p in catalog.products}
    with Engine.open(args.index) as engine:
        engine.search_image((root / str(by_id[heldout[0]].image)).read_bytes(), k=10)  # warm-up
        latency, steered = [], []
        for pid in heldout[: args.queries]:
            photo = (root / str(by_id[pid].image)).read_bytes()
            t = time.perf_counter()
            engine.search_image(photo, k=10)
            latency.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            engine.search_image(photo, k=10, text="in black")
            steered.append((time.perf_counter() - t) * 1000)
        by_weight = {
            (w, c): consistency(engine, heldout, by_id, colour_weight=w, consensus_weight=c)
            for w in COLOUR_WEIGHTS
            for c in CONSENSUS_WEIGHTS
        }
        fused = consistency(engine, heldout, by_id, by="fused")
        photo_only = consistency(engine, heldout, by_id, own_share=0.0)
        attr = {
            (field, minimum): attribute_precision(engine, catalog.products, field, minimum)
            for field in ("articleType", "baseColour")
            for minimum in (1, 10)
        }
        swatch_precision = {}
        for name, swatch in SWATCHES.items():
            top = engine.search_colour(swatch, k=10).ids()
            swatch_precision[name] = float(
                np.mean([by_id[i].attributes.get("baseColour") == name for i in top])
            )
    p50, p95 = percentiles(latency)
    type_share, colour_share = by_weight[DEFAULT_COLOUR_WEIGHT, CONSENSUS_WEIGHT]
    plain_type, plain_colour = by_weight[DEFAULT_COLOUR_WEIGHT, 0.0]
    swatch_mean = float(np.mean(list(swatch_precision.values())))
    swatches = ", ".join(f"{n} {p:.1f}" for n, p in swatch_precision.items())
    sweep = "\n".join(f"| {w:g} | {c:g} | {t:.3f} | {col:.3f} |" for (w, c), (t, col) in by_weight.items())
    s50, s95 = percentiles(steered)
    attr_rows = "\n".join(
        f"| {field} | {attr[field, 1][0]:.3f} ({attr[field, 1][1]} values) "
        f"| {attr[field, 10][0]:.3f} ({attr[field, 10][1]} values) |"
        for field in ("articleType", "baseColour")
    )
    body = f"""## Visual search: encoder speed, photo queries, image-to-image

Machine: {machine()}; commit {git_commit()}. Command: `python benchmarks/visual.py --index {args.index}`

| what | measured | target |
|---|---|---|
| decode (Pillow, 224 px JPEG) | {speed["decode"]:.0f} images/s | |
| EfficientNet-Lite0 on onnxruntime, batch 64 | {speed["cnn"]:.0f} images/s | |
| features for indexing (CNN + garment colours) | {speed["cnn+colour"]:.0f} images/s | |
| decode + features | {speed["end_to_end"]:.0f} images/s | >= 60 images/s |
| photo query (decode + encode + search, k = 10) p50 / p95 | {p50:.1f} / {p95:.1f} ms | p50 <= 40 ms |
| photo + text ("in black") p50 / p95 | {s50:.1f} / {s95:.1f} ms | |
| similar items of {len(heldout)} held-out products: same articleType in top 5 | {type_share:.3f} | >= 0.90 |
| same baseColour in top 5 | {colour_share:.3f} | >= 0.80 |
| the same without consensus (`consensus_weight=0`) | {plain_type:.3f} / {plain_colour:.3f} | |
| photo alone (`own_share=0`, as for an upload) | {photo_only[0]:.3f} / {photo_only[1]:.3f} | |
| the same with `by="fused"` (photo and product text, RRF) | {fused[0]:.3f} type / {fused[1]:.3f} colour | |
| colour swatch search: baseColour P@10, mean of {len(SWATCHES)} colours (untrained) | {swatch_mean:.3f} | |

kagl-attr with photos (each value as a text query over the photo vectors, P@10; targets articleType
>= 0.90, baseColour >= 0.85). A value held by fewer than 10 products cannot reach P@10 = 1, so the
second column keeps the values with at least 10:

| field | P@10, every value | P@10, values with >= 10 products |
|---|---|---|
{attr_rows}

Throughput over {args.photos} photos, latency over {args.queries} held-out photos as uploads, on the
9,583-photo index. Held-out products are the 20% the aligner never saw (kagl-t2i's split).
Similar items re-score the top 100 by the aligned photo vector with
cos(image) + w * cos(colour) + c * consensus, where consensus is, summed over the catalog's keyword
attributes, the share of the vote that the item's own value won (search/consensus.py): the query
product's own values take {OWN_SHARE:g} of the vote, the 20 closest items the rest (weights
exp((score - best) / 0.05)); an upload has no labels and its neighbours take the whole vote.
Defaults w = {DEFAULT_COLOUR_WEIGHT:g}, c = {CONSENSUS_WEIGHT:g}; the share of the top 5 with the same
attribute:

Swatch search P@10 by colour: {swatches}.

| colour weight w | consensus weight c | same articleType | same baseColour |
|---|---|---|---|
{sweep}
"""
    write_section("visual", body)
    print(body)


if __name__ == "__main__":
    main()
