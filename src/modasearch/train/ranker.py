"""Train the linear second-stage ranker: coordinate ascent on mean nDCG@10 (Metzler and Croft, 2007;
RankLib's CoordinateAscent) over the candidate pools of a benchmark's tuning queries. numpy only."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from modasearch.eval.data import Qrels, Queries
from modasearch.search.engine import Engine
from modasearch.search.request import SearchRequest
from modasearch.search.rerank import FEATURES, LinearRanker

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
    request: SearchRequest,
    progress: Callable[[int, int], None] | None = None,
) -> list[Pool]:
    """Each query's first tier under `request` (its pipeline before the ranker), with gains."""
    pools = []
    for n, (qid, text) in enumerate(queries.items(), start=1):
        judged = qrels.get(qid, {})
        products, features = engine.candidate_features(dataclasses.replace(request, query=text))
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


def mean_over_sets(sets: Sequence[list[Pool]], weights: np.ndarray) -> float:
    """The mean of each query set's mean nDCG@10: a larger set does not outvote a smaller one."""
    return float(np.mean([mean_ndcg(pools, weights) for pools in sets])) if sets else 0.0


def coordinate_ascent(
    pools: list[Pool] | Sequence[list[Pool]],
    start: np.ndarray,
    rounds: int = 4,
    log: Callable[[str], None] = print,
    features: Sequence[str] = FEATURES,
) -> tuple[np.ndarray, float]:
    """Move one weight at a time to the step that helps most; weights stay L1-normalised (nDCG only
    sees their ratios) and never below 0: every feature says "better" as it grows, and a negative
    weight that helps one catalog (the fused rank's, say) turns the ranking upside down on another
    when the other features are silent. `pools`: one query set, or several (their means averaged)."""
    sets = [pools] if pools and isinstance(pools[0], Pool) else pools
    weights = np.maximum(start, 0) / np.abs(start).sum()
    best = mean_over_sets(sets, weights)  # type: ignore[arg-type]
    for round_ in range(1, rounds + 1):
        improved = False
        for j, name in enumerate(FEATURES):
            if name not in features:
                continue
            for step in STEPS:
                trial = weights.copy()
                trial[j] = max(0.0, trial[j] + step * max(abs(weights[j]), 0.05))
                if not np.abs(trial).sum():
                    continue
                trial /= np.abs(trial).sum()
                score = mean_over_sets(sets, trial)  # type: ignore[arg-type]
                if score > best + 1e-6:
                    best, weights, improved = score, trial, True
            log(f"round {round_}, {name}: nDCG@10 {best:.4f}")
        if not improved:
            break
    return weights, best


def train_ranker(
    sets: Mapping[str, list[Pool]],
    name: str,
    log: Callable[[str], None] = print,
    features: Sequence[str] = FEATURES,
    start: LinearRanker | None = None,
    fixed: Mapping[str, float] | None = None,
) -> tuple[LinearRanker, dict[str, float]]:
    """A ranker trained on one or more query sets (name -> pools), starting from the fused order.
    `fixed`: features given a weight rather than learning one, as a share of the learned weights'
    sum (set by reasoning, and measured, where the queries cannot show a shopper's expectation)."""
    fused = np.zeros(len(FEATURES), dtype=np.float32)
    fused[FEATURES.index("rrf")] = 1.0
    pools = list(sets.values())
    metrics = {"queries": float(sum(len(p) for p in pools)), "fused_ndcg@10": mean_over_sets(pools, fused)}
    metrics.update({f"fused_ndcg@10 {n}": mean_ndcg(p, fused) for n, p in sets.items()})
    begin = start.vector() if start is not None else fused
    learned = [f for f in features if f not in (fixed or {})]
    weights, best = coordinate_ascent(pools, begin, log=log, features=learned)
    weights = weights.copy()
    for feature, share in (fixed or {}).items():
        weights[FEATURES.index(feature)] = share * float(np.abs(weights).sum())
    best = mean_over_sets(pools, weights)
    metrics["trained_ndcg@10"] = best
    metrics.update({f"trained_ndcg@10 {n}": mean_ndcg(p, weights) for n, p in sets.items()})
    ranker = LinearRanker(
        name,
        {f: round(float(w), 6) for f, w in zip(FEATURES, weights, strict=True)},
        {"trained_on": sorted(sets), "features": list(features), "tune_metrics": metrics},
    )
    return ranker, metrics
