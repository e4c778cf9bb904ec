"""Benchmarks built from catalogs, written as files the harness reads back."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from modasearch.catalog.product import Catalog
from modasearch.eval.data import Qrels, Queries
from modasearch.eval.formats import read_jsonl_queries, read_trec_qrels, write_jsonl_queries, write_trec_qrels

KAGL_ATTR_FIELDS = ("articleType", "subCategory", "baseColour", "season", "usage", "gender")


def kagl_attr(catalog: Catalog, fields: tuple[str, ...] = KAGL_ATTR_FIELDS) -> tuple[Queries, Qrels]:
    """Marqo's KAGL category-to-product task: each attribute value is a query; relevant = every
    product with that value (labels from metadata, not from people)."""
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


def save_benchmark(directory: Path, queries: Queries, qrels: Qrels, meta: dict[str, Any]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    write_jsonl_queries(queries, directory / "queries.jsonl")
    write_trec_qrels(qrels, directory / "qrels.trec")
    (directory / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def load_benchmark(directory: Path) -> tuple[Queries, Qrels, dict[str, Any]]:
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    return read_jsonl_queries(directory / "queries.jsonl"), read_trec_qrels(directory / "qrels.trec"), meta
