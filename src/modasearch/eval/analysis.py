"""Per-query analysis: where two configurations disagree most, with their top results side by side."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from modasearch.eval.data import Qrels, Queries, Run, relevant_only
from modasearch.eval.metrics import per_query


@dataclass(frozen=True)
class Disagreement:
    query_id: str
    text: str
    score_a: float
    score_b: float
    top_a: list[tuple[str, int]]  # (product id, grade) of the first results
    top_b: list[tuple[str, int]]

    @property
    def difference(self) -> float:
        return self.score_a - self.score_b


def _top(run: Run, qid: str, judged: dict[str, int], depth: int) -> list[tuple[str, int]]:
    ranked = sorted(run.get(qid, {}).items(), key=lambda item: -item[1])[:depth]
    return [(pid, judged.get(pid, 0)) for pid, _ in ranked]


def disagreements(
    qrels: Qrels,
    queries: Queries,
    run_a: Run,
    run_b: Run,
    metric: str = "ndcg@10",
    n: int = 10,
    depth: int = 5,
) -> list[Disagreement]:
    """The `n` queries with the largest |metric(a) - metric(b)|, largest first (ties by query id)."""
    judged = relevant_only(qrels)
    ids = sorted(judged)
    a = per_query(judged, run_a, [metric])[metric]
    b = per_query(judged, run_b, [metric])[metric]
    order = sorted(range(len(ids)), key=lambda i: (-abs(a[i] - b[i]), ids[i]))
    picked = [i for i in order[:n] if not np.isclose(a[i], b[i])]
    return [
        Disagreement(
            ids[i],
            queries.get(ids[i], ""),
            float(a[i]),
            float(b[i]),
            _top(run_a, ids[i], qrels[ids[i]], depth),
            _top(run_b, ids[i], qrels[ids[i]], depth),
        )
        for i in picked
    ]


def win_loss(qrels: Qrels, run_a: Run, run_b: Run, metric: str = "ndcg@10") -> tuple[int, int, int]:
    """How many queries a wins, loses and ties against b."""
    judged = relevant_only(qrels)
    a = per_query(judged, run_a, [metric])[metric]
    b = per_query(judged, run_b, [metric])[metric]
    wins = int((a > b + 1e-12).sum())
    losses = int((b > a + 1e-12).sum())
    return wins, losses, len(a) - wins - losses
