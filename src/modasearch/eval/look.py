"""Complete the look judged on held-out baskets: for an item of a basket bought in the test days,
how many of the basket's items of other types are in the top 10 (Recall@10)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from modasearch.eval.metrics import Estimate, bootstrap_ci
from modasearch.recommend.events import split_by_days
from modasearch.recommend.fit import fit_model, product_types
from modasearch.recommend.look import CompleteTheLook
from modasearch.recommend.model import InteractionModel
from modasearch.search.engine import Engine

K = 10
Progress = Callable[[int, int], None]
Seed = tuple[str, set[str]]  # a product, and the basket's products of other types


@dataclass(frozen=True)
class LookRow:
    name: str
    seeds: int
    recall: Estimate
    type_recall: Estimate  # share of the basket's other types that the top 10 shows


def held_out_seeds(
    engine: Engine, test: pd.DataFrame, n: int, seed: int = 0
) -> tuple[list[Seed], dict[str, str]]:
    """Up to `n` (product, other-type products of its basket) pairs, sampled with a fixed seed."""
    types = product_types(engine, sorted(test["product"].unique()))
    baskets = test.assign(day=test["at"].dt.normalize()).groupby(["customer", "day"])["product"]
    seeds: list[Seed] = []
    for _, products in baskets:
        items = sorted(set(products) & set(types))
        for item in items:
            others = {p for p in items if types[p] != types[item]}
            if others:
                seeds.append((item, others))
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(seeds), size=min(n, len(seeds)), replace=False)
    return [seeds[i] for i in sorted(picked)], types


def evaluate_look(
    engine: Engine,
    events: pd.DataFrame,
    test_days: int = 2,
    n_seeds: int = 2000,
    progress: Progress | None = None,
) -> list[LookRow]:
    train, test = split_by_days(events, test_days)
    model = fit_model(engine, train)
    seeds, types = held_out_seeds(engine, test, n_seeds)
    configs: dict[str, tuple[InteractionModel | None, float, float]] = {
        "same-basket items only": (model, 1.0, 0.0),
        "complementary types, nearest and best-selling (types learned from the baskets)": (model, 0.0, 1.0),
        "complementary types, nearest only (shipped types, no events: a new catalog)": (None, 0.0, 1.0),
        "blend": (model, 1.0, 0.5),
    }
    rows = []
    for step, (name, (fitted, basket_w, type_w)) in enumerate(configs.items()):
        look = CompleteTheLook(engine, fitted, basket_weight=basket_w, type_weight=type_w)
        recall, type_recall = [], []
        for item, others in seeds:
            shown = look.complete(item, K).ids()
            recall.append(len(others & set(shown)) / len(others))
            wanted = {types[p] for p in others}
            type_recall.append(len(wanted & {types.get(p) for p in shown}) / len(wanted))
        rows.append(
            LookRow(name, len(seeds), bootstrap_ci(np.array(recall)), bootstrap_ci(np.array(type_recall)))
        )
        if progress is not None:
            progress(step + 1, len(configs))
    return rows


def to_markdown(rows: list[LookRow]) -> str:
    lines = [
        f"\n{rows[0].seeds:,} held-out basket items:\n",
        "| complete the look | Recall@10 of the basket's other-type items [95% CI] "
        "| their types shown [95% CI] |",
        "|---|---|---|",
    ]
    lines += [f"| {r.name} | {r.recall} | {r.type_recall} |" for r in rows]
    return "\n".join(lines) + "\n"
