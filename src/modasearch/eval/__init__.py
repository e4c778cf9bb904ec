"""Evaluation: queries, qrels and runs as ranx-compatible dicts; metrics with confidence intervals.

The metric functions need the `[eval]` extra (ranx); they are imported on first use so that the data
types and errors stay importable from a core install.
"""

from __future__ import annotations

import importlib
from typing import Any

from modasearch.eval.data import EvalDataError, Qrels, Queries, Run, check_qrels

_LAZY = {
    "Estimate": "modasearch.eval.metrics",
    "bootstrap_ci": "modasearch.eval.metrics",
    "evaluate": "modasearch.eval.metrics",
    "paired_t_test": "modasearch.eval.metrics",
    "per_query": "modasearch.eval.metrics",
    "randomization_test": "modasearch.eval.metrics",
    "run_experiment": "modasearch.eval.experiment",
    "disagreements": "modasearch.eval.analysis",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'modasearch.eval' has no attribute {name!r}")


__all__ = ["EvalDataError", "Qrels", "Queries", "Run", "check_qrels", *_LAZY]
