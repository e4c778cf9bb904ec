"""BM25 two ways in Qdrant Edge, on all H&M articles: client-side BM25 sparse vectors with the engine's
IDF modifier (what modasearch uses) against the engine's full-text index with BM25 scoring.

    python benchmarks/bm25_choice.py [--limit N]

Writes the `bm25-choice` section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import qdrant_edge as qe

from common import git_commit, machine, percentiles, write_section
from hm_text import DEFAULT_ARTICLES
from modasearch.catalog import load_hm, product_text
from modasearch.models.bm25 import average_length
from queries import attribute_queries


def build(path: Path, texts: list[str], sparse: bool, avg_len: float) -> tuple[qe.EdgeShard, float]:
    config = qe.EdgeConfig(sparse_vectors={"bm25": qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)})
    shard = qe.EdgeShard.create(str(path), config)
    model = qe.Bm25(qe.Bm25Config(avg_len=avg_len))
    start = time.perf_counter()
    for i in range(0, len(texts), 2000):
        points = [
            qe.Point(
                id=j,
                vector={"bm25": model.embed_document(texts[j])} if sparse else {},
                payload={"text": texts[j]},
            )
            for j in range(i, min(i + 2000, len(texts)))
        ]
        shard.update(qe.UpdateOperation.upsert_points(points))
    if not sparse:
        params = qe.TextIndexParams(scoring=qe.TextScoringParams(type=qe.TextScoringType.Bm25))
        shard.update(qe.UpdateOperation.create_field_index("text", params))
    shard.optimize()
    return shard, time.perf_counter() - start


def run(
    shard: qe.EdgeShard, queries: list[str], sparse: bool, avg_len: float
) -> tuple[list[list[int]], list[float]]:
    model = qe.Bm25(qe.Bm25Config(avg_len=avg_len))
    ranked, took = [], []
    for q in queries:
        start = time.perf_counter()
        if sparse:
            request = qe.QueryRequest(limit=10, query=qe.Query.Nearest(model.embed_query(q), using="bm25"))
        else:
            request = qe.QueryRequest(limit=10, query=qe.TextQuery("text", q))
        hits = shard.query(request)
        took.append((time.perf_counter() - start) * 1000)
        ranked.append([int(h.id) for h in hits])
    return ranked, took


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    catalog, _ = load_hm(DEFAULT_ARTICLES)
    if args.limit:
        catalog.products = catalog.products[: args.limit]
    texts = [product_text(p, catalog.text_attributes) for p in catalog.products]
    avg_len = average_length(texts)
    queries = attribute_queries(catalog, 1000)
    tmp = Path(tempfile.mkdtemp())
    rows, rankings = [], {}
    for name, sparse in (("sparse vectors + IDF modifier", True), ("text index, BM25 scoring", False)):
        shard, build_s = build(tmp / name.split()[0], texts, sparse, avg_len)
        for q in queries[:20]:
            run(shard, [q], sparse, avg_len)
        rankings[name], took = run(shard, queries, sparse, avg_len)
        p50, p95 = percentiles(took)
        empty = sum(1 for r in rankings[name] if not r)
        rows.append(f"| {name} | {build_s:.1f} | {p50:.2f} | {p95:.2f} | {empty} |")
        shard.close()
    shutil.rmtree(tmp, ignore_errors=True)
    a, b = rankings.values()
    overlap = sum(len(set(x) & set(y)) / max(len(x), 1) for x, y in zip(a, b, strict=True)) / len(a)
    body = "\n".join(
        [
            "## BM25: sparse vectors or the engine's text index",
            "",
            f"Command: `python benchmarks/bm25_choice.py` (commit {git_commit()}; {machine()}); "
            f"{len(texts):,} H&M product texts, 1000 attribute queries, top 10, query tokenisation included.",
            "",
            "| BM25 as | build + optimise s | p50 ms | p95 ms | queries with no result |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
            f"Mean overlap of the two top-10 lists: {overlap:.2f}.",
        ]
    )
    write_section("bm25-choice", body)
    print(body)


if __name__ == "__main__":
    main()
