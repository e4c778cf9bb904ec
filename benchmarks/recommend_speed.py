"""Recommendation latency on the H&M index (target: one customer's picks in <= 20 ms p95), one
request at a time, in process: picks for fitted customers, picks for a session's likes, and
complete-the-look. Needs the index fitted first:

    modasearch recommend fit benchmarks/out/hm-index ../shared/data/hm/transactions-2020-09-week.parquet
    python benchmarks/recommend_speed.py --index benchmarks/out/hm-index [--n 1000]

Writes the `recommend-speed` section of benchmarks/RESULTS.md."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from common import git_commit, machine, percentiles, write_section
from modasearch.recommend import CompleteTheLook, InteractionModel, Recommender, Shopper
from modasearch.search.engine import Engine


def timed(calls: list[Callable[[], object]]) -> tuple[float, float]:
    for call in calls[:20]:  # warm up
        call()
    spent = []
    for call in calls:
        start = time.perf_counter()
        call()
        spent.append((time.perf_counter() - start) * 1000)
    return percentiles(spent)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, default=Path("benchmarks/out/hm-index"))
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    engine = Engine.open(args.index)
    model = InteractionModel.load(args.index)
    if model is None:
        raise SystemExit(f"{args.index} has no fitted events: run `modasearch recommend fit` first")
    rec, look = Recommender(engine, model), CompleteTheLook(engine, model)
    rng = np.random.default_rng(0)
    customers = rng.choice(sorted(model.events["customer"].unique()), args.n, replace=False)
    products = rng.choice(sorted(model.events["product"].unique()), args.n, replace=False)
    histories = [len(model.history(str(c))) for c in customers]
    rows = {
        "picks for a fitted customer": timed(
            [lambda c=c: rec.recommend(Shopper(customer=str(c))) for c in customers]
        ),
        "picks for a session (5 likes, 1 dislike)": timed(
            [
                lambda i=i: rec.recommend(
                    Shopper(likes=tuple(products[i : i + 5]), dislikes=(products[i - 1],))
                )
                for i in range(args.n)
            ]
        ),
        "complete the look": timed([lambda p=p: look.complete(str(p)) for p in products]),
    }
    lines = [
        "## Recommendation latency (H&M index, one request at a time, in process)",
        "",
        "`python benchmarks/recommend_speed.py --index benchmarks/out/hm-index`",
        "",
        f"{machine()}; commit {git_commit()}; {args.n} requests each, 12 picks or 10 look items; the "
        f"customers hold {np.mean(histories):.1f} events on average (max {max(histories)}).",
        "",
        "| request | p50 ms | p95 ms | target |",
        "|---|---|---|---|",
    ]
    for name, (p50, p95) in rows.items():
        target = "p95 <= 20 ms: " + ("met" if p95 <= 20 else "missed") if "customer" in name else ""
        lines.append(f"| {name} | {p50:.1f} | {p95:.1f} | {target} |")
    body = "\n".join(lines)
    print(body)
    write_section("recommend-speed", body)


if __name__ == "__main__":
    main()
