"""Recommendations judged on real purchases: fit on the first days, predict each customer's purchases
on the last days. MAP@12 is the H&M competition's: precision at each hit, divided by
min(purchases, 12) (ranx divides by all purchases, so it is computed here); Recall@12 is ranx's."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from modasearch.eval.metrics import Estimate, bootstrap_ci, per_query
from modasearch.index.types import point_id
from modasearch.recommend.events import split_by_days
from modasearch.recommend.fit import fit_model
from modasearch.recommend.model import InteractionModel
from modasearch.recommend.popularity import popularity
from modasearch.recommend.recommender import DEFAULT_WEIGHTS, SIGNALS, Recommender, Shopper, Signals
from modasearch.search.engine import Engine

K = 12
# Weights tried by `tune_weights`, relative to repeat = 1.
TUNE_GRID = {"copurchase": (0.03, 0.1, 0.3), "profile": (0.1, 0.3, 0.6, 1.0), "popular": (0.0, 0.01, 0.05)}
Lists = dict[str, list[str]]  # customer -> recommended point ids, best first
Progress = Callable[[int, int], None]


def average_precision(actual: set[str], predicted: list[str], k: int = K) -> float:
    """Kaggle's AP@k: sum of precision@i at each hit i <= k, over min(len(actual), k)."""
    if not actual:
        return 0.0
    hits, total = 0, 0.0
    for i, item in enumerate(predicted[:k], start=1):
        if item in actual:
            hits += 1
            total += hits / i
    return total / min(len(actual), k)


@dataclass(frozen=True)
class RecRow:
    name: str
    population: str
    customers: int
    map: Estimate
    recall: Estimate
    coverage: float  # distinct recommended products / products in the index
    scores: np.ndarray  # AP@12 per customer, for comparisons


@dataclass
class Split:
    model: InteractionModel
    truth: dict[str, set[str]]  # customer -> point ids bought in the test days
    returning: list[str]  # test customers with events in the training days


def prepare(engine: Engine, events: pd.DataFrame, test_days: int = 2) -> Split:
    train, test = split_by_days(events, test_days)
    model = fit_model(engine, train)
    truth = {str(c): {point_id(p) for p in g} for c, g in test.groupby("customer")["product"]}
    known = set(train["customer"])
    return Split(model, truth, sorted(c for c in truth if c in known))


def collect_signals(
    rec: Recommender, customers: list[str], progress: Progress | None = None
) -> dict[str, Signals]:
    found = {}
    for i, customer in enumerate(customers):
        found[customer] = rec.signals(rec.interactions(Shopper(customer=customer)))
        if progress is not None and (i % 100 == 0 or i == len(customers) - 1):
            progress(i + 1, len(customers))
    return found


def blended_lists(
    rec: Recommender, signals: Mapping[str, Signals], customers: list[str], weights: Mapping[str, float]
) -> Lists:
    """Every customer's top 12; customers without history get the popularity fill."""
    cold = [pid for pid, _ in rec.filled([], K)][:K]
    lists = {}
    for customer in customers:
        if customer in signals:
            lists[customer] = [pid for pid, _ in rec.filled(rec.blend(signals[customer], weights), K)][:K]
        else:
            lists[customer] = cold
    return lists


def score(name: str, population: str, truth: Mapping[str, set[str]], lists: Lists, catalog: int) -> RecRow:
    customers = sorted(truth)
    ap = np.array([average_precision(truth[c], lists.get(c, [])) for c in customers])
    qrels = {c: dict.fromkeys(truth[c], 1) for c in customers}
    run = {c: {pid: float(K - i) for i, pid in enumerate(lists.get(c, []))} for c in customers}
    recall = per_query(qrels, run, ["recall@12"])["recall@12"]
    shown = {pid for c in customers for pid in lists.get(c, [])}
    return RecRow(
        name, population, len(customers), bootstrap_ci(ap), bootstrap_ci(recall), len(shown) / catalog, ap
    )


def ablation_configs(weights: Mapping[str, float]) -> dict[str, dict[str, float]]:
    configs = {
        "recent popularity": {"popular": 1.0},
        "repeat purchases": {"repeat": 1.0},
        "co-purchase": {"copurchase": 1.0},
        "embedding profile": {"profile": 1.0},
        "blend": dict(weights),
    }
    for signal in SIGNALS:
        if weights.get(signal):
            configs[f"blend without {signal}"] = {s: w for s, w in weights.items() if s != signal}
    return configs


def evaluate_recommendations(
    engine: Engine,
    events: pd.DataFrame,
    test_days: int = 2,
    weights: Mapping[str, float] | None = None,
    progress: Progress | None = None,
) -> list[RecRow]:
    """The ablation table for all test customers and for returning ones (with training history)."""
    split = prepare(engine, events, test_days)
    rec = Recommender(engine, split.model)
    signals = collect_signals(rec, split.returning, progress)
    customers = sorted(split.truth)
    catalog = len(engine)
    overall = popularity(split.model.events, split.model.now, None)
    global_list = [point_id(str(p)) for p in overall.index[:K]]
    runs: dict[str, Lists] = {"global popularity": dict.fromkeys(customers, global_list)}
    for name, config in ablation_configs(weights or DEFAULT_WEIGHTS).items():
        runs[name] = blended_lists(rec, signals, customers, config)
    rows = []
    returning = {c: split.truth[c] for c in split.returning}
    for name, lists in runs.items():
        rows.append(score(name, "all", split.truth, lists, catalog))
        rows.append(score(name, "returning", returning, lists, catalog))
    return rows


def tune_weights(
    engine: Engine, train_events: pd.DataFrame, test_days: int = 2, progress: Progress | None = None
) -> tuple[dict[str, float], float]:
    """The blend weights with the best MAP@12 for returning customers on a validation split inside
    the training days (the test days are never seen)."""
    split = prepare(engine, train_events, test_days)
    rec = Recommender(engine, split.model)
    signals = collect_signals(rec, split.returning, progress)
    truth = {c: split.truth[c] for c in split.returning}
    best: tuple[float, dict[str, float]] = (-1.0, {})
    for co, prof, pop in itertools.product(
        TUNE_GRID["copurchase"], TUNE_GRID["profile"], TUNE_GRID["popular"]
    ):
        weights = {"repeat": 1.0, "copurchase": co, "profile": prof, "popular": pop}
        lists = blended_lists(rec, signals, split.returning, weights)
        value = float(np.mean([average_precision(truth[c], lists[c]) for c in split.returning]))
        if value > best[0]:
            best = (value, weights)
    return best[1], best[0]


def to_markdown(rows: list[RecRow], baseline: str = "recent popularity") -> str:
    lines = []
    for population in ("all", "returning"):
        group = [r for r in rows if r.population == population]
        base = next(r for r in group if r.name == baseline)
        lines += [
            f"\n{population} test customers ({group[0].customers:,}):\n",
            "| recommender | MAP@12 [95% CI] | vs recent popularity | Recall@12 [95% CI] | coverage |",
            "|---|---|---|---|---|",
        ]
        for r in group:
            gain = (r.map.mean / base.map.mean - 1) * 100 if base.map.mean else float("nan")
            lines.append(f"| {r.name} | {r.map} | {gain:+.0f}% | {r.recall} | {r.coverage:.2%} |")
    return "\n".join(lines) + "\n"
