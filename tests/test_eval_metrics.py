"""Metrics against hand-computed values, as ranx's own tests do; CIs and paired tests."""

from __future__ import annotations

import math

import numpy as np
import pytest

from modasearch.eval import EvalDataError, bootstrap_ci, check_qrels, per_query, randomization_test
from modasearch.eval.metrics import paired_t_test

QRELS = {"q1": {"a": 2, "b": 1, "c": 0}, "q2": {"x": 1}}
RUN = {"q1": {"b": 0.9, "z": 0.8, "a": 0.7}, "q2": {"y": 0.5, "w": 0.4}}


def test_metrics_by_hand() -> None:
    scores = per_query(QRELS, RUN, ["ndcg@3", "mrr@10", "recall@3", "precision@3", "map@100"])
    # q1 ranking b(1), z(0), a(2); ideal a(2), b(1). Linear gains (trec_eval): dcg = 1/log2(2) + 2/log2(4)
    dcg = 1 / math.log2(2) + 2 / math.log2(4)
    idcg = 2 / math.log2(2) + 1 / math.log2(3)
    assert scores["ndcg@3"] == pytest.approx([dcg / idcg, 0.0])
    assert scores["mrr@10"] == pytest.approx([1.0, 0.0])
    assert scores["recall@3"] == pytest.approx([1.0, 0.0])
    assert scores["precision@3"] == pytest.approx([2 / 3, 0.0])
    assert scores["map@100"] == pytest.approx([(1 / 1 + 2 / 3) / 2, 0.0])


def test_unanswered_queries_score_zero() -> None:
    scores = per_query(QRELS, {"q1": RUN["q1"]}, ["mrr@10"])
    assert scores["mrr@10"].tolist() == [1.0, 0.0]


def test_bootstrap_ci_brackets_the_mean() -> None:
    scores = np.random.default_rng(1).random(500)
    estimate = bootstrap_ci(scores, n_resamples=2000)
    assert estimate.low < estimate.mean < estimate.high
    # a normal-theory interval for the mean of U(0,1) over 500 queries is +-0.0253
    assert estimate.high - estimate.low == pytest.approx(2 * 1.96 * scores.std() / math.sqrt(500), rel=0.1)
    assert bootstrap_ci(scores, seed=3) == bootstrap_ci(scores, seed=3)


def test_paired_tests() -> None:
    rng = np.random.default_rng(0)
    a = rng.random(300)
    assert randomization_test(a, a) == 1.0 and paired_t_test(a, a) == 1.0
    better = np.clip(a + 0.1, 0, 1)
    assert randomization_test(better, a, n_permutations=2000) < 0.01
    assert paired_t_test(better, a) < 0.01
    noise = a + rng.normal(0, 0.01, 300)
    assert randomization_test(noise, a, n_permutations=2000) > 0.05


def test_qrels_checks_name_the_unknown_ids() -> None:
    check_qrels(QRELS, {"q1": "red", "q2": "blue"}, ["a", "b", "c", "x"])
    with pytest.raises(EvalDataError, match="1 judged queries have no query text: q2"):
        check_qrels(QRELS, {"q1": "red"})
    with pytest.raises(EvalDataError, match="2 products that are not in the catalog/index: b, x"):
        check_qrels(QRELS, products=["a", "c"])
