"""Benchmarks from the hand-judged shopper query sets in benchmarks/judged/ (see eval/judged.py):
queries written the way shoppers search, graded by rules over the full catalog's attributes and words.

kagl-judged / hm-judged: the catalog as it is (titles, attributes, descriptions).
kagl-judged-titles / hm-judged-titles: the same queries and grades over the catalog reduced to what
many marketplace feeds hold: a title (and a price where there is one), nothing else.
"""

from __future__ import annotations

from pathlib import Path

from modasearch.catalog.loaders.hm import load_hm
from modasearch.catalog.loaders.kaggle import load_kaggle
from modasearch.catalog.product import Catalog, Product
from modasearch.eval.benchmarks.store import Benchmark, catalog_source
from modasearch.eval.judged import catalog_table, judged_qrels, read_judged, split_of

QUERY_SETS = Path(__file__).resolve().parents[4] / "benchmarks" / "judged"
LABELS = "judged by rules written by hand for each query, over the full catalog (benchmarks/judged/)"


def titles_only(catalog: Catalog) -> Catalog:
    """The catalog as a bare marketplace feed: id, title and price only."""
    products = [Product(p.id, p.title, price=p.price) for p in catalog.products]
    return Catalog(products, (), f"{catalog.name}-titles", catalog.root)


def reduce_catalog(catalog: Catalog, reduce: str | None) -> Catalog:
    return titles_only(catalog) if reduce == "titles" else catalog


def _build(
    name: str, query_set: str, catalog: Catalog, source: dict[str, object], reduce: str | None
) -> Benchmark:
    judged = read_judged(QUERY_SETS / query_set / "queries.jsonl")
    qrels = judged_qrels(judged, catalog_table(catalog))
    indexed = reduce_catalog(catalog, reduce)
    meta = {
        "version": 1,
        "labels": LABELS,
        "query_set": query_set,
        "catalog": {**source, "reduce": reduce},
        "catalog_fingerprint": indexed.fingerprint(),
        "products": len(indexed),
        "families": {q.qid: q.family for q in judged},
        "misspells": {q.qid: q.of for q in judged if q.of},
        "metrics": ["ndcg@10", "mrr@10", "precision@10", "recall@100"],
        "main_metric": "ndcg@10",
    }
    queries = {q.qid: q.query for q in judged}
    splits = {q.qid: split_of(q) for q in judged}
    return Benchmark(name, queries, qrels, meta, splits)


def build_kagl_judged(data_dir: Path, reduce: str | None = None) -> Benchmark:
    root = data_dir / "kaggle-fashion"
    catalog, _ = load_kaggle(root)
    name = "kagl-judged" + ("-titles" if reduce else "")
    return _build(name, "kaggle", catalog, catalog_source(root, "kaggle"), reduce)


def build_hm_judged(data_dir: Path, reduce: str | None = None) -> Benchmark:
    path = data_dir / "hm" / "articles.parquet"
    catalog, _ = load_hm(path)
    name = "hm-judged" + ("-titles" if reduce else "")
    return _build(name, "hm", catalog, catalog_source(path, "hm"), reduce)
