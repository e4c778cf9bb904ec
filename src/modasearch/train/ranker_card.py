"""The model card of a trained ranker."""

from __future__ import annotations

import json
from pathlib import Path

from modasearch.search.rerank import FEATURES, LinearRanker


def write_card(ranker: LinearRanker, directory: Path, evaluation: str = "") -> Path:
    """MODEL_CARD.md: what it was trained on, its weights, its tuning figures and, when given, its
    evaluation (the leave-one-catalog-out table)."""
    meta = ranker.meta
    metrics = meta.get("tune_metrics", {})
    sets = meta.get("trained_on", [])
    named = ", ".join(f"`{s}`" for s in sets)
    queries = int(metrics.get("queries", 0))

    def row(s: str) -> str:
        fused, trained = metrics.get(f"fused_ndcg@10 {s}", 0), metrics.get(f"trained_ndcg@10 {s}", 0)
        return f"| {s} | {fused:.4f} | {trained:.4f} |"

    lines = [
        f"# Second-stage ranker: {ranker.name}",
        "",
        "A linear model over features of the first tier's candidates (search/rerank.py), trained by",
        "coordinate ascent on mean nDCG@10 (weights >= 0, starting from the fused order) of the",
        f"`{meta.get('split')}` queries of {named} ({queries} queries with judged products; each query",
        f"set counts the same), re-ranking the `{meta.get('preset')}` preset's candidates.",
        "",
        "| feature | weight |",
        "|---|---|",
        *(f"| {f} | {ranker.weights.get(f, 0.0):+.4f} |" for f in FEATURES),
        "",
        "| tuning queries | fused order (RRF) | trained |",
        "|---|---|---|",
        *(row(s) for s in sets),
        "",
        evaluation,
        f"Reproduce: `{meta.get('command', '')}`",
        "",
        f"Settings: `{json.dumps({k: v for k, v in meta.items() if k != 'tune_metrics'})}`",
    ]
    path = directory / "MODEL_CARD.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
