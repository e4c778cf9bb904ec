"""Speed of the evaluation harness: every default metric with 95% bootstrap CIs for a synthetic run of
250,000 queries x 100 results (target <= 30 s on 2 cores).

    python benchmarks/eval_speed.py [--queries N]

Writes the `eval-speed` section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from common import git_commit, machine, write_section
from modasearch.eval.metrics import DEFAULT_METRICS, bootstrap_ci, per_query


def synthetic(n_queries: int, depth: int = 100, seed: int = 0) -> tuple[dict, dict]:
    rng = np.random.default_rng(seed)
    docs = rng.integers(0, 1_000_000, size=(n_queries, depth))
    scores = np.sort(rng.random((n_queries, depth)), axis=1)[:, ::-1]
    run = {f"q{i}": dict(zip(map(str, docs[i]), scores[i].tolist(), strict=False)) for i in range(n_queries)}
    qrels = {}
    for i in range(n_queries):
        relevant = rng.choice(docs[i], size=3, replace=False).tolist() + rng.integers(0, 10**6, 2).tolist()
        qrels[f"q{i}"] = {str(d): int(g) for d, g in zip(relevant, rng.integers(1, 3, 5), strict=True)}
    return qrels, run


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--queries", type=int, default=250_000)
    args = parser.parse_args()
    qrels, run = synthetic(args.queries)
    per_query(qrels, dict(list(run.items())[:10]), DEFAULT_METRICS)  # JIT warm-up, not counted
    start = time.perf_counter()
    scores = per_query(qrels, run, DEFAULT_METRICS)
    metrics_s = time.perf_counter() - start
    estimates = {m: bootstrap_ci(s) for m, s in scores.items()}
    total_s = time.perf_counter() - start
    body = "\n".join(
        [
            "## Evaluation harness speed",
            "",
            f"Command: `python benchmarks/eval_speed.py` (commit {git_commit()}; {machine()}).",
            "",
            f"{args.queries:,} queries x 100 results, metrics {', '.join(DEFAULT_METRICS)}: per-query "
            f"metrics (ranx) {metrics_s:.1f} s, with 1,000-resample bootstrap CIs for all "
            f"{len(estimates)} metrics **{total_s:.1f} s in total** (target <= 30 s).",
        ]
    )
    write_section("eval-speed", body)
    print(body)


if __name__ == "__main__":
    main()
