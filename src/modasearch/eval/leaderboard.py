"""Score a grid's runs: every metric with its 95% CI, the delta against the baseline with a paired
randomisation p-value, and per-stage latency; written as Markdown, CSV, JSON and a PNG plot."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from modasearch.eval.ablation import STAGES, ConfigRun
from modasearch.eval.data import Qrels, relevant_only
from modasearch.eval.grid import Grid
from modasearch.eval.metrics import Estimate, bootstrap_ci, per_query, randomization_test


@dataclass
class Row:
    name: str
    settings: dict[str, Any]
    estimates: dict[str, Estimate]
    delta: dict[str, float]
    p_value: dict[str, float]
    latency_ms: dict[str, tuple[float, float]]  # stage -> (p50, p95)


@dataclass
class Leaderboard:
    benchmark: str
    split: str | None
    queries: int
    baseline: str
    metric: str
    metrics: tuple[str, ...]
    rows: list[Row]
    per_query: dict[str, dict[str, np.ndarray]] = field(repr=False, default_factory=dict)
    query_ids: list[str] = field(repr=False, default_factory=list)

    def row(self, name: str) -> Row:
        return next(r for r in self.rows if r.name == name)


def _latency(values: list[float]) -> tuple[float, float]:
    if not values:
        return (0.0, 0.0)
    p50, p95 = np.percentile(values, [50, 95])
    return float(p50), float(p95)


def build_leaderboard(
    results: list[ConfigRun],
    qrels: Qrels,
    grid: Grid,
    benchmark: str,
    split: str | None = None,
    n_resamples: int = 1000,
) -> Leaderboard:
    judged = relevant_only(qrels)
    scores = {r.config.name: per_query(judged, r.run, grid.metrics) for r in results}
    base = scores[grid.baseline]
    rows = []
    for result in results:
        mine = scores[result.config.name]
        rows.append(
            Row(
                name=result.config.name,
                settings=json.loads(result.config.identity()),
                estimates={m: bootstrap_ci(mine[m], n_resamples) for m in grid.metrics},
                delta={m: float(mine[m].mean() - base[m].mean()) for m in grid.metrics},
                p_value={m: randomization_test(mine[m], base[m]) for m in grid.metrics},
                latency_ms={stage: _latency(result.latency_ms.get(stage, [])) for stage in STAGES},
            )
        )
    return Leaderboard(
        benchmark, split, len(judged), grid.baseline, grid.metric, grid.metrics, rows, scores, sorted(judged)
    )


def _ci(estimate: Estimate) -> str:
    return f"{estimate.mean:.4f} [{estimate.low:.3f}, {estimate.high:.3f}]"


def _p(value: float) -> str:
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def to_markdown(board: Leaderboard) -> str:
    others = [m for m in board.metrics if m != board.metric]
    header = [
        "configuration",
        f"{board.metric} [95% CI]",
        f"Δ vs {board.baseline}",
        "p",
        *others,
        "encode p50/p95 ms",
        "search p50/p95 ms",
        "total p50/p95 ms",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in board.rows:
        main = row.estimates[board.metric]
        delta = "—" if row.name == board.baseline else f"{row.delta[board.metric]:+.4f}"
        p = "—" if row.name == board.baseline else _p(row.p_value[board.metric])
        cells = [f"`{row.name}`", _ci(main), delta, p, *(_ci(row.estimates[m]) for m in others)]
        cells += [f"{row.latency_ms[s][0]:.2f} / {row.latency_ms[s][1]:.2f}" for s in STAGES[1:] + STAGES[:1]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def to_records(board: Leaderboard) -> list[dict[str, Any]]:
    records = []
    for row in board.rows:
        record: dict[str, Any] = {"configuration": row.name, **row.settings}
        for m in board.metrics:
            e = row.estimates[m]
            record.update({m: e.mean, f"{m}_ci_low": e.low, f"{m}_ci_high": e.high})
            record.update({f"{m}_delta": row.delta[m], f"{m}_p": row.p_value[m]})
        for stage, (p50, p95) in row.latency_ms.items():
            record.update({f"{stage}_p50_ms": p50, f"{stage}_p95_ms": p95})
        records.append(record)
    return records


def write_leaderboard(board: Leaderboard, directory: str | Path, header: str = "") -> dict[str, Path]:
    """leaderboard.md / .csv / .json and leaderboard.png in `directory`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {kind: directory / f"leaderboard.{kind}" for kind in ("md", "csv", "json", "png")}
    paths["md"].write_text((header + "\n\n" if header else "") + to_markdown(board) + "\n", encoding="utf-8")
    records = to_records(board)
    with paths["csv"].open("w", newline="", encoding="utf-8") as handle:
        columns = list(dict.fromkeys(key for record in records for key in record))  # settings differ
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(
            {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in r.items()} for r in records
        )
    summary = {
        "benchmark": board.benchmark,
        "split": board.split,
        "queries": board.queries,
        "baseline": board.baseline,
        "metric": board.metric,
        "rows": records,
    }
    paths["json"].write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    plot(board, paths["png"])
    return paths


def plot(board: Leaderboard, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r.name for r in board.rows]
    est = [r.estimates[board.metric] for r in board.rows]
    means = np.array([e.mean for e in est])
    errors = np.array([[e.mean - e.low for e in est], [e.high - e.mean for e in est]])
    colours = ["tab:orange" if n == board.baseline else "tab:blue" for n in names]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) + 1.5))
    ax.barh(names, means, xerr=errors, color=colours, capsize=3)
    ax.invert_yaxis()
    ax.set_xlabel(f"{board.metric} (95% bootstrap CI); orange = baseline {board.baseline}")
    split = f" ({board.split})" if board.split else ""
    ax.set_title(f"{board.benchmark}{split}: {board.queries} queries")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
