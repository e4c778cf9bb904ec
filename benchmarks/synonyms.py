"""Each synonym of the query parser, measured: hm-attr queries that hold the catalog's phrase are
rewritten with the shopper's word ("dark blue trousers" -> "navy trouser"), then searched with the full
pipeline (understand=category, fashion-rank) with the synonym table and without it.

    python benchmarks/synonyms.py --index benchmarks/out/hm-index [--per-entry 60]

Writes the `synonyms` section of benchmarks/RESULTS.md."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np

from common import write_section
from modasearch.eval.benchmarks.store import load_benchmark
from modasearch.eval.metrics import per_query
from modasearch.search.engine import Engine
from modasearch.search.understand import SYNONYMS, QueryParser, words


def rewrite(text: str, phrase: list[str], word: str) -> str | None:
    tokens = words(text)
    for i in range(len(tokens) - len(phrase) + 1):
        if tokens[i : i + len(phrase)] == phrase:
            return " ".join([*tokens[:i], word, *tokens[i + len(phrase) :]])
    return None


def ndcg(engine: Engine, queries: dict[str, str], qrels: dict[str, dict[str, int]]) -> float:
    run = {}
    for qid, text in queries.items():
        hits = engine.search(text, k=10, understand="category", rerank="fashion-rank")
        run[qid] = {h.product.id: 10.0 - i for i, h in enumerate(hits)}
    return float(np.mean(per_query({q: qrels[q] for q in queries}, run, ["ndcg@10"])["ndcg@10"]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, default=Path("benchmarks/out/hm-index"))
    parser.add_argument("--benchmark", type=Path, default=Path("benchmarks/out/eval/hm-attr/benchmark"))
    parser.add_argument("--per-entry", type=int, default=60)
    args = parser.parse_args()
    bench = load_benchmark(args.benchmark)
    rng = random.Random(0)
    engine = Engine.open(args.index)
    with_table = engine.parser
    without = QueryParser(
        engine.manifest.vocab, with_table.fields, with_table.known_word, {}, with_table.speller.frequency
    )
    rows = []
    for shopper, catalog in SYNONYMS.items():
        phrase = words(catalog)
        found = {q: r for q, t in sorted(bench.queries.items()) if (r := rewrite(t, phrase, shopper))}
        picked = dict(rng.sample(sorted(found.items()), min(args.per_entry, len(found))))
        clean = {q: bench.queries[q] for q in picked}
        engine.__dict__["parser"] = with_table
        scores = [ndcg(engine, clean, bench.qrels), ndcg(engine, picked, bench.qrels)]
        engine.__dict__["parser"] = without
        scores.append(ndcg(engine, picked, bench.qrels))
        engine.__dict__["parser"] = with_table
        rows.append((shopper, catalog, len(picked), *scores))
        print(rows[-1], flush=True)
    lines = [
        "## Synonyms, entry by entry (hm-attr queries rewritten with the shopper's word)",
        "",
        "`python benchmarks/synonyms.py --index benchmarks/out/hm-index`",
        "",
        "Full pipeline (understand=category, fashion-rank), nDCG@10 on up to "
        f"{args.per_entry} queries per entry (all splits, seeded sample) that hold the catalog's phrase.",
        "",
        "| shopper's word | catalog's words | queries | catalog wording | rewritten, with the synonym | "
        "rewritten, without it | kept by the synonym |",
        "|---|---|---|---|---|---|---|",
    ]
    for shopper, catalog, n, clean_score, with_score, without_score in rows:
        kept = (with_score - without_score) / max(clean_score - without_score, 1e-9)
        lines.append(
            f"| {shopper} | {catalog} | {n} | {clean_score:.3f} | {with_score:.3f} | {without_score:.3f} | "
            f"{min(max(kept, 0.0), 9.99):.0%} |"
        )
    body = "\n".join(lines)
    print(body)
    write_section("synonyms", body)


if __name__ == "__main__":
    main()
