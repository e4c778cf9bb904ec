"""Compare configurations on the judged shopper query sets: per benchmark, each configuration's
nDCG@10 with its 95% CI, and its paired difference (mean, 95% bootstrap CI, randomisation p) from
plain hybrid and from the best single retriever; the misspelled queries against the queries they
misspell; query families."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from modasearch.catalog.product import Catalog
from modasearch.eval.benchmarks.store import Benchmark
from modasearch.eval.data import Qrels, Run
from modasearch.eval.metrics import bootstrap_ci, per_query, randomization_test
from modasearch.search.arrange import collapse_key

METRIC = "ndcg@10"
RESAMPLES = 2000


@dataclass(frozen=True)
class Paired:
    mean: float
    low: float
    high: float
    p: float

    def cell(self) -> str:
        return f"{self.mean:+.4f} [{self.low:+.3f}, {self.high:+.3f}]"


def query_scores(benchmark: Benchmark, run: Run, cards: Mapping[str, Any] | None = None) -> dict[str, float]:
    """nDCG@10 per query with relevant products (a query the run misses scores 0). With `cards`
    (product id -> the card it is shown on: its variant group, or its duplicates'), products are
    counted as a shop page shows them: each card once, at its first place, graded by its best
    product."""
    qids = sorted(benchmark.qrels)
    qrels = {q: benchmark.qrels[q] for q in qids}
    full = {q: run.get(q, {}) for q in qids}
    if cards is not None:
        qrels, full = as_cards(qrels, full, cards)
    values = per_query(qrels, full, [METRIC])[METRIC]
    return dict(zip(qids, (float(v) for v in values), strict=True))


def as_cards(qrels: Qrels, run: Run, cards: Mapping[str, Any]) -> tuple[Qrels, Run]:
    def card(product: str) -> str:
        return str(cards.get(product, product))

    graded: Qrels = {}
    for qid, judged in qrels.items():
        best: dict[str, int] = {}
        for product, grade in judged.items():
            best[card(product)] = max(grade, best.get(card(product), 0))
        graded[qid] = best
    ranked: Run = {}
    for qid, scores in run.items():
        shown: dict[str, float] = {}
        for product, score in sorted(scores.items(), key=lambda x: -x[1]):
            shown.setdefault(card(product), score)
        ranked[qid] = shown
    return graded, ranked


def card_keys(catalog: Catalog) -> dict[str, str]:
    """Each product's card, as `collapse` forms them (search/arrange.py)."""
    out = {}
    for p in catalog.products:
        key = collapse_key({"group_id": p.group_id, "attributes": p.attributes, "title": p.title})
        out[p.id] = repr(key) if key is not None else p.id
    return out


def bootstrap(values: np.ndarray) -> tuple[float, float]:
    """The 95% percentile-bootstrap interval of the mean (eval/metrics.py), RESAMPLES resamples."""
    estimate = bootstrap_ci(values, RESAMPLES)
    return estimate.low, estimate.high


def paired(a: Mapping[str, float], b: Mapping[str, float]) -> Paired:
    """a - b over the queries both scored."""
    qids = sorted(set(a) & set(b))
    x = np.array([a[q] for q in qids])
    y = np.array([b[q] for q in qids])
    low, high = bootstrap(x - y)
    return Paired(float((x - y).mean()), low, high, randomization_test(x, y))


def best_single(scores: Mapping[str, Mapping[str, float]], singles: Sequence[str]) -> str:
    present = [s for s in singles if s in scores]
    return max(present, key=lambda s: float(np.mean(list(scores[s].values()))))


def misspelled_share(benchmark: Benchmark, scores: Mapping[str, float]) -> tuple[float, float, int]:
    """Mean nDCG@10 of the misspelled queries, of the clean queries they misspell, and their number."""
    pairs = [(q, of) for q, of in benchmark.meta.get("misspells", {}).items() if q in scores and of in scores]
    if not pairs:
        return 0.0, 0.0, 0
    typo = float(np.mean([scores[q] for q, _ in pairs]))
    clean = float(np.mean([scores[of] for _, of in pairs]))
    return typo, clean, len(pairs)


def family_means(benchmark: Benchmark, scores: Mapping[str, float]) -> dict[str, float]:
    families = benchmark.meta.get("families", {})
    grouped: dict[str, list[float]] = {}
    for qid, value in scores.items():
        grouped.setdefault(families.get(qid, "?"), []).append(value)
    return {f: float(np.mean(v)) for f, v in sorted(grouped.items())}


def component_table(
    benchmark: Benchmark,
    scores: Mapping[str, Mapping[str, float]],
    baseline: str = "hybrid",
    singles: Sequence[str] = ("bm25", "splade", "dense"),
    latency: Mapping[str, tuple[float, float]] | None = None,
) -> str:
    """Markdown: one row per configuration."""
    single = best_single(scores, singles)
    head = (
        f"| configuration | nDCG@10 [95% CI] | Δ vs {baseline} [95% CI] | p | Δ vs {single} (best single) "
        "[95% CI] | p | misspelled / clean | total p50/p95 ms |"
    )
    lines = [head, "|---|---|---|---|---|---|---|---|"]
    for name, values in scores.items():
        array = np.array(list(values.values()))
        low, high = bootstrap(array)
        vs_base = paired(values, scores[baseline])
        vs_single = paired(values, scores[single])
        typo, clean, _ = misspelled_share(benchmark, values)
        ratio = f"{typo:.3f} / {clean:.3f} ({typo / clean:.0%})" if clean else "—"
        ms = latency.get(name) if latency else None
        lines.append(
            f"| `{name}` | {array.mean():.4f} [{low:.3f}, {high:.3f}] | {vs_base.cell()} | {vs_base.p:.3f} "
            f"| {vs_single.cell()} | {vs_single.p:.3f} | {ratio} | "
            f"{f'{ms[0]:.1f} / {ms[1]:.1f}' if ms else '—'} |"
        )
    return "\n".join(lines)


def stage_table(scores: Mapping[str, Mapping[str, float]], preset: str = "shop preset") -> str:
    """What each stage adds to the preset: the preset against each "shop - <stage>" row, and each
    "shop + <stage>" row (a stage left out of it) against the preset; paired, 95% CI. A stage does
    no harm when the lower end is >= -0.005."""
    rows = [name for name in scores if name.startswith(("shop - ", "shop + "))]
    if preset not in scores or not rows:
        return ""
    lines = ["| stage (with it against without it) | Δ nDCG@10 [95% CI] | p |", "|---|---|---|"]
    for name in rows:
        if name.startswith("shop - "):
            diff, label = paired(scores[preset], scores[name]), name.removeprefix("shop - ")
        else:
            diff, label = (
                paired(scores[name], scores[preset]),
                name.removeprefix("shop + ") + " (not in the preset)",
            )
        lines.append(f"| {label} | {diff.cell()} | {diff.p:.3f} |")
    return "\n".join(lines)
