"""Why the dense retriever fails on descriptive queries, measured: exact cosine search over the whole
catalog with the product encoded as one mean-pooled vector of title + attributes + description (the
first round's), as title + attributes only, as title + description only, and as both views scored by
the nearer one (max), on the judged shopper queries' tune part.

MODASEARCH_VECTOR_CACHE=benchmarks/out/vectors.sqlite python benchmarks/dense_views.py [--split tune]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

from modasearch.catalog.text import dense_views, product_text
from modasearch.eval.benchmarks import build_benchmark
from modasearch.eval.benchmarks.store import load_benchmark_catalog
from modasearch.eval.judged_report import family_means, query_scores
from modasearch.index.encoding import EncoderSet
from modasearch.models.builtin import DEFAULT_DENSE

BENCHMARKS = ("kagl-judged", "hm-judged")


def encode(encoders: EncoderSet, texts: list[str]) -> np.ndarray:
    out = []
    for start in range(0, len(texts), 2048):
        out.extend(encoders.encode_texts("dense", texts[start : start + 2048]))
        print(f"  encoded {min(start + 2048, len(texts))}/{len(texts)}", flush=True)
    return np.asarray(out, dtype=np.float32)


def search(queries: np.ndarray, docs: np.ndarray, owner: np.ndarray, n_products: int, k: int = 100) -> list:
    """Top-k products per query, a product scored by its best row (max over its views)."""
    results = []
    for q in queries:
        sims = docs @ q
        best = np.full(n_products, -np.inf, dtype=np.float32)
        np.maximum.at(best, owner, sims)
        top = np.argpartition(-best, k)[:k]
        results.append(top[np.argsort(-best[top])])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", default="tune")
    parser.add_argument("--data", default="../shared/data")
    args = parser.parse_args()
    assert os.environ.get("MODASEARCH_VECTOR_CACHE"), "set MODASEARCH_VECTOR_CACHE (see the docstring)"
    encoders = EncoderSet.load(DEFAULT_DENSE, None, {})
    for name in BENCHMARKS:
        bench = build_benchmark(name, Path(args.data))
        catalog = load_benchmark_catalog(bench.meta)
        bench = bench.split(args.split)
        products = catalog.products
        ids = np.array([p.id for p in products])
        variants: dict[str, tuple[list[str], list[int]]] = {
            "one vector: title + attributes + description": (
                [product_text(p, catalog.text_attributes) for p in products],
                list(range(len(products))),
            )
        }
        head, desc, owners = [], [], []
        for i, p in enumerate(products):
            views = dense_views(p, catalog.text_attributes)
            head.append(views[0])
            for view in views[1:]:
                desc.append(view)
                owners.append(i)
        variants["title + attributes"] = (head, list(range(len(products))))
        if desc:
            variants["title + description (products with one)"] = (desc, owners)
            variants["views, max (title + attributes | title + description)"] = (
                head + desc,
                list(range(len(products))) + owners,
            )
        print(f"{name}: {len(products)} products, {len(bench.queries)} {args.split} queries", flush=True)
        qids = list(bench.queries)
        queries = np.asarray(encoders.dense.encode_query([bench.queries[q] for q in qids]), dtype=np.float32)
        rows = []
        for label, (texts, owner) in variants.items():
            docs = encode(encoders, texts)  # the vector cache makes a repeated text free
            tops = search(queries, docs, np.asarray(owner), len(products))
            run = {
                q: {str(ids[j]): float(100 - r) for r, j in enumerate(top)}
                for q, top in zip(qids, tops, strict=True)
            }
            scores = query_scores(bench, run)
            families = family_means(bench, scores)
            rows.append((label, float(np.mean(list(scores.values()))), families))
        fams = sorted({f for _, _, fm in rows for f in fm})
        print(f"\n{name} ({args.split}) | nDCG@10 | " + " | ".join(fams))
        for label, mean, fm in rows:
            print(f"| {label} | {mean:.4f} | " + " | ".join(f"{fm.get(f, 0):.3f}" for f in fams))
        print(flush=True)


if __name__ == "__main__":
    main()
