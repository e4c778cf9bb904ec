"""Marqo's KAGL protocol on the Kaggle Fashion Product Images set.

kagl-attr: each attribute value (articleType, baseColour, season, ...) is a query; relevant = every
product with that value. The index holds the product *titles* only: indexing the attribute values
the queries are made of would turn the task into exact string matching.

kagl-t2i: text-to-image. The title of each held-out product is a query; relevant = every product with
the identical title, over the gallery of all products with an image.
"""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

from modasearch.catalog.loaders.kaggle import load_kaggle
from modasearch.catalog.product import Catalog
from modasearch.eval.benchmarks.store import Benchmark, catalog_source
from modasearch.eval.data import Qrels, Queries

KAGL_ATTR_FIELDS = ("articleType", "subCategory", "baseColour", "season", "usage", "gender")
LABELS = "derived from the catalog's metadata, not judged by people"


def kagl_attr(catalog: Catalog, fields: tuple[str, ...] = KAGL_ATTR_FIELDS) -> tuple[Queries, Qrels]:
    """Each attribute value is a query; relevant = every product with that value."""
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for product in catalog.products:
        for field in fields:
            value = product.attributes.get(field)
            if isinstance(value, str) and value.strip():
                members[(field, value.strip())].append(product.id)
    queries: Queries = {}
    qrels: Qrels = {}
    for (field, value), ids in sorted(members.items()):
        qid = f"{field}:{'_'.join(value.split())}"  # TREC files split on whitespace
        queries[qid] = value
        qrels[qid] = dict.fromkeys(ids, 1)
    return queries, qrels


def _gallery(data_dir: Path) -> tuple[Catalog, Path]:
    root = data_dir / "kaggle-fashion"
    catalog, _ = load_kaggle(root, only_with_images=True)
    catalog.text_attributes = ()
    return catalog, root


def build_kagl_attr(data_dir: Path, seed: int = 0) -> Benchmark:
    catalog, root = _gallery(data_dir)
    queries, qrels = kagl_attr(catalog)
    meta = {
        "version": 1,
        "seed": seed,
        "labels": LABELS,
        "catalog": catalog_source(root, "kaggle", only_with_images=True, text_attributes=[]),
        "catalog_fingerprint": catalog.fingerprint(),
        "products": len(catalog),
        "metrics": ["precision@1", "precision@10", "ndcg@10", "recall@100"],
        "main_metric": "ndcg@10",
    }
    return Benchmark("kagl-attr", queries, qrels, meta)


def build_kagl_t2i(data_dir: Path, seed: int = 0, heldout_fraction: float = 0.2) -> Benchmark:
    catalog, root = _gallery(data_dir)
    ids = sorted(p.id for p in catalog.products)
    random.Random(seed).shuffle(ids)
    heldout = set(ids[: round(heldout_fraction * len(ids))])
    by_title: dict[str, list[str]] = defaultdict(list)
    for product in catalog.products:
        by_title[" ".join(product.title.split())].append(product.id)
    queries: Queries = {}
    qrels: Qrels = {}
    for product in sorted(catalog.products, key=lambda p: p.id):
        title = " ".join(product.title.split())
        qid = f"t2i:{by_title[title][0]}"  # one query per distinct title
        if product.id not in heldout or qid in queries:
            continue
        queries[qid] = title
        qrels[qid] = dict.fromkeys(by_title[title], 1)
    meta = {
        "version": 1,
        "seed": seed,
        "labels": LABELS,
        "requires": "image",
        "catalog": catalog_source(root, "kaggle", only_with_images=True, text_attributes=[]),
        "catalog_fingerprint": catalog.fingerprint(),
        "products": len(catalog),
        "heldout_products": sorted(heldout),
        "metrics": ["hit_rate@1", "hit_rate@10", "mrr@10", "ndcg@10"],
        "main_metric": "hit_rate@10",
    }
    return Benchmark("kagl-t2i", queries, qrels, meta)
