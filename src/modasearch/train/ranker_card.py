"""The model card of a trained ranker."""

from __future__ import annotations

import json
from pathlib import Path

from modasearch.search.rerank import FEATURES, LinearRanker


def write_card(ranker: LinearRanker, directory: Path) -> Path:
    meta = ranker.meta
    metrics = meta.get("tune_metrics", {})
    lines = [
        f"# Second-stage ranker: {ranker.name}",
        "",
        "A linear model over the candidate pool's features, trained by coordinate ascent on mean nDCG@10",
        f"of the `{meta.get('benchmark')}` benchmark's `{meta.get('split')}` queries "
        f"({int(metrics.get('queries', 0))} with judged products), "
        f"query understanding `{meta.get('understand')}`, {meta.get('candidates')} candidates per query",
        f"(every retriever's top {meta.get('candidates')}, fused by RRF).",
        "The test queries were never seen; their figures are in benchmarks/RESULTS.md (section ranking).",
        "",
        "| feature | weight |",
        "|---|---|",
        *(f"| {f} | {ranker.weights.get(f, 0.0):+.4f} |" for f in FEATURES),
        "",
        "| tuning queries | nDCG@10 |",
        "|---|---|",
        f"| fused order (RRF) | {metrics.get('fused_ndcg@10', 0):.4f} |",
        f"| prior weights | {metrics.get('prior_ndcg@10', 0):.4f} |",
        f"| trained | {metrics.get('trained_ndcg@10', 0):.4f} |",
        "",
        "Labels come from catalog metadata (see the benchmark's README), not from people.",
        f"Reproduce: `{meta.get('command', '')}`",
        "",
        f"Settings: `{json.dumps({k: v for k, v in meta.items() if k != 'tune_metrics'})}`",
    ]
    path = directory / "MODEL_CARD.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
