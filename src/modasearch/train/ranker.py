"""Train the linear second-stage ranker: coordinate ascent on mean nDCG@10 (Metzler and Croft, 2007;
RankLib's CoordinateAscent) over the candidate pools of a benchmark's tuning queries. numpy only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from modasearch.eval.data import Qrels, Queries
from modasearch.search.engine import Engine
from modasearch.search.rerank import FEATURES, PRIOR, LinearRanker

STEPS = (-2.0, -1.0, -0.5, -0.25, -0.1, 0.1, 0.25, 0.5, 1.0, 2.0)


@dataclass
class Pool:
    """One query's candidates: features, and the gain of each (its grade, as ranx's nDCG counts it);
    `ideal` is the query's ideal DCG@10 over all its judged products (not only those in the pool)."""

    features: np.ndarray
    gains: np.ndarray
    ideal: float


def _dcg(gains: np.ndarray, k: int = 10) -> float:
    top = gains[:k]
    return float(np.sum(top / np.log2(np.arange(2, len(top) + 2))))


def collect_pools(
    engine: Engine,
    queries: Queries,
    qrels: Qrels,
    understand: str = "boost",
    candidates: int = 100,
    progress: Callable[[int, int], None] | None = None,
) -> list[Pool]:
    pools = []
    for n, (qid, text) in enumerate(queries.items(), start=1):
        judged = qrels.get(qid, {})
        products, features = engine.candidate_features(text, understand, candidates)
        gains = np.array([judged.get(p, 0) for p in products], dtype=np.float32)
        ideal = _dcg(np.sort(np.array(list(judged.values()), dtype=np.float32))[::-1])
        if ideal > 0 and len(products):
            pools.append(Pool(features, gains, ideal))
        if progress:
            progress(n, len(queries))
    return pools


def mean_ndcg(pools: list[Pool], weights: np.ndarray, k: int = 10) -> float:
    total = 0.0
    for pool in pools:
        order = np.argsort(-(pool.features @ weights), kind="stable")  # ties keep the fused order
        total += _dcg(pool.gains[order], k) / pool.ideal
    return total / len(pools) if pools else 0.0


def coordinate_ascent(
    pools: list[Pool], start: np.ndarray, rounds: int = 4, log: Callable[[str], None] = print
) -> tuple[np.ndarray, float]:
    """Move one weight at a time to the step that helps most; weights stay L1-normalised (nDCG only
    sees their ratios)."""
    weights = start / np.abs(start).sum()
    best = mean_ndcg(pools, weights)
    for round_ in range(1, rounds + 1):
        improved = False
        for j, name in enumerate(FEATURES):
            for step in STEPS:
                trial = weights.copy()
                trial[j] += step * max(abs(weights[j]), 0.05)
                if not np.abs(trial).sum():
                    continue
                trial /= np.abs(trial).sum()
                score = mean_ndcg(pools, trial)
                if score > best + 1e-6:
                    best, weights, improved = score, trial, True
            log(f"round {round_}, {name}: nDCG@10 {best:.4f}")
        if not improved:
            break
    return weights, best


def train_ranker(
    engine: Engine,
    queries: Queries,
    qrels: Qrels,
    name: str,
    understand: str = "boost",
    candidates: int = 100,
    progress: Callable[[int, int], None] | None = None,
    log: Callable[[str], None] = print,
) -> tuple[LinearRanker, dict[str, float]]:
    pools = collect_pools(engine, queries, qrels, understand, candidates, progress)
    fused = np.zeros(len(FEATURES), dtype=np.float32)
    fused[FEATURES.index("rrf")] = 1.0
    start = PRIOR.vector()
    metrics = {"queries": float(len(pools)), "fused_ndcg@10": mean_ndcg(pools, fused)}
    metrics["prior_ndcg@10"] = mean_ndcg(pools, start)
    weights, best = coordinate_ascent(pools, start, log=log)
    metrics["trained_ndcg@10"] = best
    ranker = LinearRanker(
        name,
        {f: round(float(w), 6) for f, w in zip(FEATURES, weights, strict=True)},
        {"understand": understand, "candidates": candidates, "tune_metrics": metrics},
    )
    return ranker, metrics
