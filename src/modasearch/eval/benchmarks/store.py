"""A benchmark on disk: queries (with split and filters), graded qrels and a meta file.

benchmark/
  queries.jsonl   {"query_id", "text", "split"?, "filters"?} per line
  qrels.trec      query_id 0 product_id grade
  meta.json       name, version, seed, the catalog it was built from, how labels were made
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modasearch.catalog import load_catalog
from modasearch.catalog.product import Catalog
from modasearch.eval.data import EvalDataError, Qrels, Queries
from modasearch.eval.formats import jsonl_records, read_trec_qrels, write_trec_qrels

Filters = dict[str, str]


@dataclass
class Benchmark:
    name: str
    queries: Queries
    qrels: Qrels
    meta: dict[str, Any]
    splits: dict[str, str] = field(default_factory=dict)  # query id -> "tune" / "test"
    filters: dict[str, Filters] = field(default_factory=dict)  # query id -> what a shop facet would set

    def split(self, name: str | None) -> Benchmark:
        """The queries of one split (None or "all": every query)."""
        if name in (None, "all"):
            return self
        known = sorted(set(self.splits.values()))
        if name not in known:
            raise EvalDataError(f"benchmark {self.name} has no split {name!r}; it has {known or 'none'}")
        keep = [q for q in self.queries if self.splits.get(q) == name]
        return Benchmark(
            self.name,
            {q: self.queries[q] for q in keep},
            {q: self.qrels[q] for q in keep if q in self.qrels},
            self.meta,
            {q: name for q in keep},
            {q: self.filters[q] for q in keep if q in self.filters},
        )

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for qid in sorted(self.queries):
            digest.update(json.dumps([qid, self.queries[qid], self.filters.get(qid)]).encode())
        return digest.hexdigest()[:16]


def assign_splits(query_ids: list[str], fractions: dict[str, float], seed: int) -> dict[str, str]:
    """Seeded shuffle, then cut into consecutive parts of the given fractions."""
    order = sorted(query_ids)
    random.Random(seed).shuffle(order)
    splits: dict[str, str] = {}
    start = 0
    names = list(fractions)
    for i, name in enumerate(names):
        end = len(order) if i == len(names) - 1 else start + round(fractions[name] * len(order))
        splits.update(dict.fromkeys(order[start:end], name))
        start = end
    return splits


def save_benchmark(directory: str | Path, benchmark: Benchmark) -> Path:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "queries.jsonl").open("w", encoding="utf-8") as handle:
        for qid, text in benchmark.queries.items():
            record: dict[str, Any] = {"query_id": qid, "text": text}
            if qid in benchmark.splits:
                record["split"] = benchmark.splits[qid]
            if benchmark.filters.get(qid):
                record["filters"] = benchmark.filters[qid]
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    write_trec_qrels(benchmark.qrels, directory / "qrels.trec")
    meta = {"name": benchmark.name, **benchmark.meta}
    (directory / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return directory


def load_benchmark(directory: str | Path) -> Benchmark:
    directory = Path(directory)
    for name in ("queries.jsonl", "qrels.trec"):
        if not (directory / name).exists():
            raise EvalDataError(f"{directory} is not a benchmark: {name} is missing")
    meta_path = directory / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    path = directory / "queries.jsonl"
    queries: Queries = {}
    splits: dict[str, str] = {}
    filters: dict[str, Filters] = {}
    for _, record in jsonl_records(path, "query_id", "text"):
        qid = str(record["query_id"])
        queries[qid] = str(record["text"])
        if "split" in record:
            splits[qid] = str(record["split"])
        if record.get("filters"):
            filters[qid] = {str(k): str(v) for k, v in record["filters"].items()}
    name = str(meta.pop("name", directory.name))
    return Benchmark(name, queries, read_trec_qrels(directory / "qrels.trec"), meta, splits, filters)


def catalog_source(path: Path, fmt: str, **options: Any) -> dict[str, Any]:
    """How the benchmark's catalog is loaded again, recorded in meta.json."""
    return {"path": str(path.resolve()), "format": fmt, **options}


def load_benchmark_catalog(meta: dict[str, Any]) -> Catalog:
    """The catalog a benchmark was built from, as the benchmark indexes it (text attributes included)."""
    source = meta.get("catalog")
    if not source:
        raise EvalDataError("this benchmark does not say which catalog it was built from; pass --index")
    if source["format"] == "kaggle":
        from modasearch.catalog.loaders.kaggle import load_kaggle

        catalog, _ = load_kaggle(source["path"], only_with_images=bool(source.get("only_with_images")))
    else:
        catalog, _ = load_catalog(source["path"], source["format"])
    if source.get("text_attributes") is not None:
        catalog.text_attributes = tuple(source["text_attributes"])
    if source.get("reduce"):
        from modasearch.eval.benchmarks.judged import reduce_catalog

        catalog = reduce_catalog(catalog, source["reduce"])
    expected = meta.get("catalog_fingerprint")
    if expected and catalog.fingerprint() != expected:
        raise EvalDataError(
            f"the catalog at {source['path']} has changed since the benchmark was built "
            f"(fingerprint {catalog.fingerprint()}, expected {expected}); rebuild the benchmark"
        )
    return catalog
