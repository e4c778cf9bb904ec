"""`modasearch train align`: photo features, training, held-out evaluation, model card."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from modasearch.catalog.product import Catalog
from modasearch.models.builtin import DEFAULT_DENSE, DEFAULT_IMAGE, asset_dir
from modasearch.models.errors import ModelError
from modasearch.models.onnx_image import OnnxImageEncoder
from modasearch.models.onnx_text import OnnxDenseEncoder
from modasearch.models.registry import load_encoder
from modasearch.models.visual import FULL_CORRECTION_WORDS, Aligner, text_features
from modasearch.train.align import (
    AlignConfig,
    TrainingData,
    build_training_data,
    title_recall,
    train_aligner,
    with_hubness,
)
from modasearch.train.features import Progress, catalog_photo_features


def attribute_precision(
    aligner: Aligner,
    data: TrainingData,
    catalog: Catalog,
    attribute: str,
    rows: list[int],
    minimum: int = 1,
) -> float:
    """Mean Precision@10 of each attribute value held by at least `minimum` of the photos in `rows`,
    as a text query over those photos."""
    by_id = {p.id: p for p in catalog.products}
    text_row = {t: i for i, t in enumerate(data.texts)}
    values: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        value = str(by_id[data.product_ids[r]].attributes.get(attribute) or "").strip()
        if value in text_row:
            values[value].append(r)
    images = aligner.index_photos(data.features[rows])
    precisions = []
    for value in (v for v, members in values.items() if len(members) >= minimum):
        query = aligner.index_texts(data.text_vectors[[text_row[value]]], [value])[0]
        top = np.argsort(-(images @ query))[:10]
        precisions.append(
            np.mean([by_id[data.product_ids[rows[t]]].attributes.get(attribute) == value for t in top])
        )
    return float(np.mean(precisions)) if precisions else 0.0


def evaluate_aligner(
    aligner: Aligner, data: TrainingData, catalog: Catalog, heldout: list[int]
) -> dict[str, float]:
    everything = list(range(len(data.product_ids)))
    recall, mrr = title_recall(aligner, data, heldout)
    metrics = {"heldout_titles_vs_all_photos_R@10": recall, "heldout_titles_vs_all_photos_MRR@10": mrr}
    recall, mrr = title_recall(
        aligner,
        TrainingData(
            [data.product_ids[r] for r in heldout],
            data.features[heldout],
            data.texts,
            data.text_vectors,
            [data.product_texts[r] for r in heldout],
        ),
        list(range(len(heldout))),
    )
    metrics.update(
        {"heldout_titles_vs_heldout_photos_R@10": recall, "heldout_titles_vs_heldout_photos_MRR@10": mrr}
    )
    for attribute in catalog.text_attributes[:2]:
        for gallery, rows in (("heldout", heldout), ("all", everything)):
            name = f"{attribute}_P@10_{gallery}_photos"
            metrics[name] = attribute_precision(aligner, data, catalog, attribute, rows)
            metrics[f"{name}_values_with_10+"] = attribute_precision(
                aligner, data, catalog, attribute, rows, minimum=10
            )
    return {k: round(v, 4) for k, v in metrics.items()}


def _space(config: dict[str, Any]) -> str:
    members = int(config.get("members", 1))
    subspaces = config["subspaces"] * members
    if subspaces == 1:
        return f"into one {config['dim']}-d space"
    space = f"the score the mean cosine over {subspaces} subspaces of {config['dim']} dimensions"
    if members > 1:
        space += f" ({members} aligners of {config['subspaces']} trained apart and folded into one)"
    return space


def _epochs(report: dict[str, Any]) -> str:
    runs = [
        f"{best} of {len(history)}"
        for best, history in zip(report["best_epoch"], report["history"], strict=True)
    ]
    return ("best epoch " if len(runs) == 1 else "best epochs ") + ", ".join(runs)


def model_card(meta: dict[str, Any], report: dict[str, Any], metrics: dict[str, float]) -> str:
    split = report["split"]
    lines = [
        f"# Text-image aligner: {meta['name']}",
        "",
        "Linear heads trained with a multi-positive symmetric InfoNCE loss on frozen features, "
        + _space(report["config"])
        + (
            ", plus classifiers of the first three attributes on the photo vector (training only):"
            if report["config"].get("attribute_weight")
            else ":"
        ),
        f"- photos: {meta['image_features']}",
        f"- texts: {meta['text_features']}",
        f"- data: {meta['catalog']} ({split['train']} train / {split['validation']} validation / "
        f"{split['heldout']} held-out products with photos, seed {report['config']['seed']}); "
        "texts are each product's title and prompts made of its text attributes",
        f"- {_epochs(report)} (early stopping on validation R@10)",
        f"- hyper-parameters: `{json.dumps(report['config'])}`",
        "",
        "| metric (held-out products) | value |",
        "|---|---|",
        *(f"| {k} | {v:.4f} |" for k, v in metrics.items()),
        "",
        f"Hubness correction (CSLS against the training titles, chosen on validation): {meta['hubness']}; "
        f"a text query takes none of it with one word, all of it from {FULL_CORRECTION_WORDS} words on.",
        "R@10 counts a query as found when any photo with the identical title is in the top 10.",
        "Metrics use the vectors the index stores (with the correction); `values_with_10+` counts only "
        "attribute values held by at least 10 photos of the gallery (P@10 cannot reach 1 otherwise).",
        "Reproduce: `" + meta["command"] + "`",
    ]
    return "\n".join(lines) + "\n"


def train_align(
    catalog: Catalog,
    out_dir: Path,
    config: AlignConfig,
    name: str = "fashion-align",
    command: str = "",
    progress: Progress | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, float]:
    image_encoder = OnnxImageEncoder(asset_dir(DEFAULT_IMAGE))
    dense = load_encoder(DEFAULT_DENSE, "dense")
    assert isinstance(dense, OnnxDenseEncoder)
    photos = catalog_photo_features(catalog, image_encoder, progress)
    if len(photos.ids) < 100:
        raise ModelError(
            f"{catalog.name}: {len(photos.ids)} products with usable photos; training needs at least 100"
        )
    for product_id, why in list(photos.skipped.items())[:20]:
        log(f"skipped photo of {product_id}: {why}")
    data = build_training_data(
        catalog,
        photos.ids,
        photos.features,
        lambda texts: text_features(dense.encode_query(texts), texts),
    )
    meta = {
        "name": name,
        "image_model": f"{image_encoder.spec.name}@{image_encoder.spec.version}",
        "text_model": f"{dense.spec.name}@{dense.spec.version}",
        "image_features": f"{image_encoder.spec.name} mean-pooled last layer and channel statistics "
        f"of earlier blocks ({image_encoder.dim}) + garment palette histogram",
        "text_features": f"{dense.spec.name} sentence vector + hashed bag of words",
        "catalog": f"{catalog.name} (fingerprint {catalog.fingerprint()})",
        "command": command,
    }
    aligner, report = train_aligner(data, config, meta, log)
    rows = report.pop("rows")
    seen = rows["train"] + rows["validation"]  # the held-out photos' labels stay out of every choice

    def prompts_score(candidate: Aligner) -> float:
        return sum(
            attribute_precision(candidate, data, catalog, attribute, seen, minimum=10)
            for attribute in catalog.text_attributes[:2]
        )

    aligner, report["hubness_grid"] = with_hubness(
        aligner, data, rows["train"], rows["validation"], prompts_score
    )
    hubness = aligner.hubness
    chosen = f"k {hubness.k}, weight {hubness.weight}" if hubness else "none (it did not help)"
    log(f"hubness correction: {chosen}")
    metrics = evaluate_aligner(aligner, data, catalog, rows["heldout"])
    aligner.meta["metrics"] = metrics
    aligner.save(out_dir)
    (out_dir / "report.json").write_text(
        json.dumps({**report, "metrics": metrics, "skipped": photos.skipped}, indent=2) + "\n"
    )
    (out_dir / "MODEL_CARD.md").write_text(
        model_card({**meta, "hubness": chosen}, report, metrics), encoding="utf-8"
    )
    return metrics


__all__ = ["AlignConfig", "train_align"]
