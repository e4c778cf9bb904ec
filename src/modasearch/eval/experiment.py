"""One evaluation end to end: get the benchmark, get (or build) its index, run the grid, score it.

board = run_experiment("hm-attr", "grid.toml", out_dir="eval-out", data_dir="../shared/data")
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modasearch.eval.ablation import BenchmarkSkipped, ConfigRun, Progress, check_modality, run_grid
from modasearch.eval.benchmarks import BUILDERS, Benchmark, build_benchmark, load_benchmark, save_benchmark
from modasearch.eval.benchmarks.store import load_benchmark_catalog
from modasearch.eval.data import EvalDataError, Run, check_qrels
from modasearch.eval.grid import Grid, RunConfig, load_grid
from modasearch.eval.leaderboard import Leaderboard, build_leaderboard, to_markdown, write_leaderboard
from modasearch.index.manifest import MANIFEST
from modasearch.index.types import point_id
from modasearch.search.engine import Engine

BUILDABLE = (None, "text", "image")  # modalities `Engine.build` makes from a catalog


@dataclass
class Experiment:
    benchmark: Benchmark
    grid: Grid
    board: Leaderboard
    results: list[ConfigRun]
    out_dir: Path
    index_dir: Path


def prepare_benchmark(benchmark: str | Path, data_dir: str | Path, out_dir: Path) -> tuple[Benchmark, Path]:
    """A benchmark folder as it is, or a built-in benchmark built once into `out_dir/benchmark`."""
    path = Path(benchmark)
    if path.is_dir():
        return load_benchmark(path), path
    name = str(benchmark)
    if name not in BUILDERS:
        raise EvalDataError(
            f"{name!r} is neither a benchmark folder nor a built-in benchmark {sorted(BUILDERS)}"
        )
    cached = out_dir / "benchmark"
    if (cached / "meta.json").exists():
        loaded = load_benchmark(cached)
        if loaded.name == name:
            return loaded, cached
    return load_benchmark(save_benchmark(cached, build_benchmark(name, data_dir))), cached


def _check_products(engine: Engine, benchmark: Benchmark) -> None:
    """Refuse qrels naming products the index lacks, unless both come from the same catalog."""
    if benchmark.meta.get("catalog_fingerprint") == engine.manifest.catalog.get("fingerprint"):
        return
    judged = sorted({p for judgements in benchmark.qrels.values() for p in judgements})
    found: set[str] = set()
    for start in range(0, len(judged), 1000):
        chunk = judged[start : start + 1000]
        ids = {point_id(p): p for p in chunk}
        found.update(ids[h.id] for h in engine.backend.retrieve(list(ids)))
    check_qrels(benchmark.qrels, products=found)


def prepare_index(
    benchmark: Benchmark, index_dir: Path, progress: Callable[[str], Progress | None] | None = None
) -> Engine:
    """Open the index, or build it from the catalog the benchmark names when there is none yet."""
    if (index_dir / MANIFEST).exists():
        engine = Engine.open(index_dir)
    else:
        if benchmark.meta.get("requires") not in BUILDABLE:
            raise BenchmarkSkipped(
                f"skipped {benchmark.name}: it needs {benchmark.meta['requires']} search, which modasearch "
                "does not build"
            )
        catalog = load_benchmark_catalog(benchmark.meta)
        if benchmark.meta.get("requires") == "image" and not any(p.image for p in catalog.products):
            raise BenchmarkSkipped(f"skipped {benchmark.name}: it needs photos, and its catalog has none")
        engine = Engine.build(catalog, index_dir, progress=progress("index") if progress else None)
    try:
        check_modality(engine, benchmark)
        _check_products(engine, benchmark)
    except Exception:
        engine.close()  # the embedded index stays locked while open
        raise
    return engine


def header(benchmark: Benchmark, grid: Grid, board: Leaderboard, engine: Engine, command: str) -> str:
    models = ", ".join(f"{r}: {s.get('name')}" for r, s in engine.manifest.encoders.items())
    split = f", split `{board.split}`" if board.split else ""
    lines = [
        f"**{benchmark.name}** v{benchmark.meta.get('version', '?')}{split}: {board.queries} queries "
        f"with relevant products; {len(engine)} products indexed ({models}); top {grid.k} per query.",
        f"Labels: {benchmark.meta.get('labels', 'as given in the benchmark files')}.",
        f"Command: `{command}`",
        f"Run on {dt.date.today().isoformat()}, Python {platform.python_version()}; metrics with 95% "
        "bootstrap CIs (1,000 resamples); p = paired randomisation test against the baseline "
        "(10,000 sign flips); latency per query in ms over the whole split.",
    ]
    return "\n\n".join(lines)


def run_experiment(
    benchmark: str | Path,
    grid: str | Path | Grid,
    out_dir: str | Path,
    data_dir: str | Path = "../shared/data",
    index_dir: str | Path | None = None,
    split: str | None = None,
    command: str = "",
    progress: Callable[[str], Progress | None] | None = None,
    fresh: bool = False,
) -> Experiment:
    out_dir = Path(out_dir)
    grid = grid if isinstance(grid, Grid) else load_grid(grid)
    full, bench_dir = prepare_benchmark(benchmark, data_dir, out_dir)
    split = split or grid.split
    bench = full.split(split)
    check_qrels(bench.qrels, bench.queries)
    index_path = Path(index_dir) if index_dir else out_dir / "index"
    engine = prepare_index(full, index_path, progress)
    try:

        def config_progress(config: RunConfig) -> Progress | None:
            return progress(config.name) if progress else None

        results = run_grid(engine, bench, grid, out_dir / "runs", config_progress, fresh)
        board = build_leaderboard(results, bench.qrels, grid, bench.name, split)
        write_leaderboard(board, out_dir, header(bench, grid, board, engine, command))
        record = {
            "benchmark_dir": str(bench_dir.resolve()),
            "index_dir": str(index_path.resolve()),
            "split": split,
            "metric": grid.metric,
            "runs": {r.config.name: str(r.path) for r in results},
            "configs": {r.config.name: r.config.identity() for r in results},
        }
        (out_dir / "experiment.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    finally:
        engine.close()
    return Experiment(bench, grid, board, results, out_dir, index_path)


def read_experiment(out_dir: str | Path) -> dict[str, Any]:
    path = Path(out_dir) / "experiment.json"
    if not path.exists():
        raise EvalDataError(
            f"{out_dir} holds no finished evaluation (no experiment.json); run `modasearch eval run` first"
        )
    record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return record


def load_experiment_runs(out_dir: str | Path) -> tuple[Benchmark, dict[str, Run], Path]:
    """The benchmark (its evaluated split), every configuration's run and the index of a finished run."""
    record = read_experiment(out_dir)
    benchmark = load_benchmark(record["benchmark_dir"]).split(record.get("split"))
    runs = {}
    for name, run_path in record["runs"].items():
        with gzip.open(run_path, "rt", encoding="utf-8") as handle:
            runs[name] = json.load(handle)["run"]
    return benchmark, runs, Path(record["index_dir"])


__all__ = [
    "Experiment",
    "load_experiment_runs",
    "prepare_benchmark",
    "prepare_index",
    "read_experiment",
    "run_experiment",
    "to_markdown",
]
