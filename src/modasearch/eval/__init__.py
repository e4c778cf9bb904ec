"""Evaluation: queries, qrels and runs as ranx-compatible dicts; metrics with confidence intervals."""

from modasearch.eval.data import EvalDataError, Qrels, Queries, Run, check_qrels
from modasearch.eval.metrics import (
    Estimate,
    bootstrap_ci,
    evaluate,
    paired_t_test,
    per_query,
    randomization_test,
)

__all__ = [
    "Estimate",
    "EvalDataError",
    "Qrels",
    "Queries",
    "Run",
    "bootstrap_ci",
    "check_qrels",
    "evaluate",
    "paired_t_test",
    "per_query",
    "randomization_test",
]
