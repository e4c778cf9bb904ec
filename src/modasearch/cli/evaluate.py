"""`modasearch eval ...`: build benchmarks, run grids of configurations, score runs, compare two."""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from modasearch.cli.display import console, log_progress
from modasearch.cli.errors import friendly
from modasearch.index.build import Progress as ProgressFn

if TYPE_CHECKING:
    from modasearch.eval.leaderboard import Leaderboard
    from modasearch.search.engine import Engine

eval_app = typer.Typer(
    help="Measure search quality: benchmarks, ablation grids, leaderboards.", no_args_is_help=True
)
DEFAULT_DATA = Path(os.environ.get("MODASEARCH_DATA", "../shared/data"))
DataOption = Annotated[
    Path, typer.Option("--data", help="Folder with kaggle-fashion/ and hm/ (or set MODASEARCH_DATA).")
]


@eval_app.command("build")
@friendly
def build_command(
    name: Annotated[str, typer.Argument(help="kagl-attr, kagl-t2i or hm-attr.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the benchmark files to.")],
    data: DataOption = DEFAULT_DATA,
) -> None:
    """Build a benchmark from the real data (seeded, deterministic) and write its files."""
    from modasearch.eval.benchmarks import build_benchmark, save_benchmark

    with console.status(f"building {name} from {data}"):
        benchmark = build_benchmark(name, data)
        save_benchmark(out, benchmark)
    judged = sum(len(j) for j in benchmark.qrels.values())
    splits = {s: list(benchmark.splits.values()).count(s) for s in sorted(set(benchmark.splits.values()))}
    console.print(
        f"[green]{name}: {len(benchmark.queries)} queries, {judged} judgements"
        f"{f', splits {splits}' if splits else ''} → {out}[/]"
    )


def _progress_factory() -> tuple[Progress, Callable[[str], ProgressFn]]:
    bar = Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    )

    def make(label: str) -> ProgressFn:
        if not console.is_terminal:
            return log_progress(label)
        task = bar.add_task(label, total=None)
        return lambda done, total: bar.update(task, completed=done, total=total)

    return bar, make


@eval_app.command("run")
@friendly
def run_command(
    config: Annotated[Path, typer.Option("--config", "-c", help="Grid of configurations (TOML).")],
    benchmark: Annotated[
        str | None,
        typer.Option("--benchmark", "-b", help="Built-in name or benchmark folder (default: the grid's)."),
    ] = None,
    index: Annotated[
        Path | None,
        typer.Option(help="Index to search (default: OUT/index, built from the catalog if missing)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder (default eval-out/NAME).")
    ] = None,
    split: Annotated[
        str | None, typer.Option(help="Evaluate one split (tune/test; default: the grid's).")
    ] = None,
    results: Annotated[
        Path | None, typer.Option(help="Also write the table into this Markdown file (a named section).")
    ] = None,
    data: DataOption = DEFAULT_DATA,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Ignore cached runs (e.g. after changing the code).")
    ] = False,
) -> None:
    """Run every configuration of a grid over a benchmark and write the leaderboard (MD, CSV, JSON, PNG).

    Runs are cached per configuration (keyed by index, queries and settings): rerunning resumes.
    """
    from modasearch.eval.ablation import BenchmarkSkipped
    from modasearch.eval.experiment import run_experiment
    from modasearch.eval.grid import load_grid
    from modasearch.eval.report import write_section

    grid = load_grid(config)
    name = benchmark or grid.benchmark
    if not name:
        raise typer.BadParameter("give --benchmark (the grid names none)")
    out_given = out is not None
    out = out or Path("eval-out") / Path(name).name
    command = _command_line(config, benchmark, index, out if out_given else None, split, results, data)
    bar, make = _progress_factory()
    try:
        with bar:
            experiment = run_experiment(name, grid, out, data, index, split, command, make, fresh)
    except BenchmarkSkipped as skipped:
        console.print(f"[yellow]{skipped}[/]")
        return
    board = experiment.board
    console.print(leaderboard_table(board))
    cached = sum(r.cached for r in experiment.results)
    console.print(f"{cached} of {len(experiment.results)} runs came from the cache; leaderboard in {out}/")
    if results:
        body = (out / "leaderboard.md").read_text(encoding="utf-8")
        part = f" ({board.split} part)" if board.split else ""
        # one section per grid: hm-attr.toml -> eval-hm-attr, hm-rank.toml -> eval-hm-rank
        grid_note = "" if config.stem == board.benchmark else f", grid {config.stem}"
        title = f"{board.benchmark}{grid_note}"
        write_section(results, f"eval-{config.stem}", f"## Component table: {title}{part}\n\n{body}")
        console.print(f"table written to {results}")


def _command_line(
    config: Path,
    benchmark: str | None,
    index: Path | None,
    out: Path | None,
    split: str | None,
    results: Path | None,
    data: Path,
) -> str:
    """The command that reproduces this run, for the report."""
    parts = ["modasearch", "eval", "run"]
    options = {"--benchmark": benchmark, "--config": config, "--index": index, "--out": out}
    options.update({"--split": split, "--results": results})
    if data != DEFAULT_DATA:
        options["--data"] = data
    for flag, value in options.items():
        if value is not None:
            parts += [flag, str(value)]
    return shlex.join(parts)


def leaderboard_table(board: Leaderboard) -> Table:
    table = Table(
        title=f"{board.benchmark} ({board.split or 'all'}): {board.queries} queries", title_justify="left"
    )
    for column in (
        "configuration",
        board.metric,
        "95% CI",
        f"Δ vs {board.baseline}",
        "p",
        "p50 ms",
        "p95 ms",
    ):
        table.add_column(column)
    for row in board.rows:
        e = row.estimates[board.metric]
        base = row.name == board.baseline
        table.add_row(
            row.name,
            f"{e.mean:.4f}",
            f"[{e.low:.4f}, {e.high:.4f}]",
            "—" if base else f"{row.delta[board.metric]:+.4f}",
            "—" if base else f"{row.p_value[board.metric]:.4f}",
            f"{row.latency_ms['total'][0]:.2f}",
            f"{row.latency_ms['total'][1]:.2f}",
        )
    return table


@eval_app.command("score")
@friendly
def score_command(
    qrels: Annotated[Path, typer.Argument(help="Qrels: TREC, JSONL or query,product_id,grade CSV.")],
    run: Annotated[Path, typer.Argument(help="Run: TREC run file.")],
    metric: Annotated[
        list[str], typer.Option("--metric", "-m", help="Metric (ranx names, e.g. ndcg@10). Repeatable.")
    ] = [],  # noqa: B006
    queries: Annotated[
        Path | None, typer.Option(help="Queries JSONL: judged queries must have text.")
    ] = None,
) -> None:
    """Score a run file against qrels: every metric with its 95% bootstrap CI."""
    from modasearch.eval.data import check_qrels, relevant_only
    from modasearch.eval.formats import (
        read_csv_qrels,
        read_jsonl_qrels,
        read_jsonl_queries,
        read_trec_qrels,
        read_trec_run,
    )
    from modasearch.eval.metrics import DEFAULT_METRICS, evaluate

    readers = {".jsonl": read_jsonl_qrels, ".csv": read_csv_qrels}
    judged = readers.get(qrels.suffix, read_trec_qrels)(qrels)
    if queries:
        check_qrels(judged, read_jsonl_queries(queries))
    scores = evaluate(relevant_only(judged), read_trec_run(run), metric or DEFAULT_METRICS)
    table = Table(title=f"{run.name}: {len(relevant_only(judged))} judged queries", title_justify="left")
    for column in ("metric", "mean", "95% CI"):
        table.add_column(column)
    for name, e in scores.items():
        table.add_row(name, f"{e.mean:.4f}", f"[{e.low:.4f}, {e.high:.4f}]")
    console.print(table)


@eval_app.command("compare")
@friendly
def compare_command(
    out: Annotated[Path, typer.Argument(help="Output folder of a finished `modasearch eval run`.")],
    a: Annotated[str, typer.Argument(help="First configuration name.")],
    b: Annotated[str, typer.Argument(help="Second configuration name.")],
    n: Annotated[int, typer.Option("-n", help="How many queries to show.")] = 10,
    depth: Annotated[int, typer.Option(help="Results shown per configuration.")] = 5,
    metric: Annotated[str | None, typer.Option(help="Metric to compare on (default: the grid's).")] = None,
) -> None:
    """The queries where two configurations disagree most, their top results side by side."""
    from modasearch.eval.analysis import disagreements, win_loss
    from modasearch.eval.data import EvalDataError
    from modasearch.eval.experiment import load_experiment_runs, read_experiment
    from modasearch.search.engine import Engine

    benchmark, runs, index_dir = load_experiment_runs(out)
    for name in (a, b):
        if name not in runs:
            raise EvalDataError(f"no configuration {name!r} in {out}; it has {sorted(runs)}")
    metric = metric or read_experiment(out)["metric"]
    found = disagreements(benchmark.qrels, benchmark.queries, runs[a], runs[b], metric, n, depth)
    wins, losses, ties = win_loss(benchmark.qrels, runs[a], runs[b], metric)
    console.print(f"{metric}: {a} wins {wins} queries, loses {losses}, ties {ties}")
    with Engine.open(index_dir) as engine:
        for item in found:
            table = Table(
                title=f"{item.query_id} {item.text!r}: {a} {item.score_a:.3f} vs {b} {item.score_b:.3f}",
                title_justify="left",
            )
            table.add_column("#")
            table.add_column(f"{a} (grade · title)")
            table.add_column(f"{b} (grade · title)")
            for i in range(max(len(item.top_a), len(item.top_b))):
                cells = [_cell(engine, item.top_a, i), _cell(engine, item.top_b, i)]
                table.add_row(str(i + 1), *cells)
            console.print(table)


def _cell(engine: Engine, top: list[tuple[str, int]], i: int) -> str:
    if i >= len(top):
        return ""
    product_id, grade = top[i]
    product = engine.get(product_id)
    return f"{grade} · {product.title if product else product_id}"
