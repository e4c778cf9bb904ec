"""Run every configuration of a grid over a benchmark, caching each configuration's run.

A cached run is keyed by the index (catalog fingerprint, models, revision), the benchmark's queries,
the configuration's settings and k: an interrupted grid resumes where it stopped, and a changed index
or configuration is run again rather than read stale.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modasearch import __version__
from modasearch.eval.benchmarks.store import Benchmark
from modasearch.eval.data import EvalDataError, Run
from modasearch.eval.grid import Grid, RunConfig
from modasearch.search.engine import Engine

Progress = Callable[[int, int], None]
STAGES = ("total", "encode", "search")


class BenchmarkSkipped(EvalDataError):
    """The benchmark needs a modality this index does not have."""


@dataclass
class ConfigRun:
    config: RunConfig
    run: Run
    latency_ms: dict[str, list[float]]  # stage -> one value per query
    cached: bool = False
    path: Path | None = None  # where the run is cached


def index_identity(engine: Engine) -> dict[str, Any]:
    manifest = engine.manifest
    return {
        "catalog": manifest.catalog.get("fingerprint"),
        "encoders": {role: f"{s.get('name')}@{s.get('version')}" for role, s in manifest.encoders.items()},
        "revision": manifest.revision,
    }


@functools.cache
def code_version() -> str:
    """A hash of the search code: a cached run is never read back after the ranking code changed."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted([*(root / "search").glob("*.py"), *(root / "index").glob("*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cache_key(engine: Engine, benchmark: Benchmark, config: RunConfig, k: int) -> str:
    identity = {
        "modasearch": __version__,
        "code": code_version(),
        "index": index_identity(engine),
        "queries": benchmark.fingerprint(),
        "config": config.identity(),
        "k": k,
    }
    ranker = config.request("key", k).resolved().ranker
    if ranker:  # a retrained ranker keeps its name: its weights are part of the key
        identity["ranker"] = engine.ranker(ranker).version
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]


def check_modality(engine: Engine, benchmark: Benchmark) -> None:
    needed = benchmark.meta.get("requires")
    if needed and needed not in engine.modes:
        raise BenchmarkSkipped(
            f"skipped {benchmark.name}: it needs {needed} search, which this index does not have "
            f"(it supports {engine.modes})"
        )


def run_config(
    engine: Engine, benchmark: Benchmark, config: RunConfig, k: int, progress: Progress | None = None
) -> ConfigRun:
    run: Run = {}
    latency: dict[str, list[float]] = {stage: [] for stage in STAGES}
    total = len(benchmark.queries)
    for done, (qid, text) in enumerate(benchmark.queries.items(), start=1):
        results = engine.run(config.request(text, k, benchmark.filters.get(qid)))
        run[qid] = {hit.product.id: float(k - i) for i, hit in enumerate(results)}
        latency["total"].append(results.took_ms)
        latency["encode"].append(results.timings_ms.get("encode", 0.0))
        timings = results.timings_ms
        latency["search"].append(timings.get("rank", 0.0) + timings.get("hydrate", 0.0))
        if progress and (done % 50 == 0 or done == total):
            progress(done, total)
    return ConfigRun(config, run, latency)


def _cache_path(cache_dir: Path, config: RunConfig, key: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9_.=+-]+", "_", config.name)
    return cache_dir / f"{slug}.{key}.json.gz"


def _save(path: Path, result: ConfigRun) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as handle:
        json.dump({"run": result.run, "latency_ms": result.latency_ms}, handle)
    os.replace(tmp, path)  # a killed run never leaves half a cache file


def load_cached_run(path: Path, config: RunConfig) -> ConfigRun:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    return ConfigRun(config, data["run"], data["latency_ms"], cached=True, path=path)


def run_grid(
    engine: Engine,
    benchmark: Benchmark,
    grid: Grid,
    cache_dir: str | Path,
    progress: Callable[[RunConfig], Progress | None] | None = None,
    fresh: bool = False,
) -> list[ConfigRun]:
    """Each configuration's run, from the cache when the same index, queries and settings ran before
    (`fresh=True` runs everything again, e.g. after changing the search code)."""
    check_modality(engine, benchmark)
    cache_dir = Path(cache_dir)
    engine.search("warm up the models", k=1)  # the first query pays for lazy session setup
    results = []
    for config in grid.configs:
        path = _cache_path(cache_dir, config, cache_key(engine, benchmark, config, grid.k))
        if path.exists() and not fresh:
            results.append(load_cached_run(path, config))
            continue
        engine.encoders.clear_cache()  # vectors cached by the last configuration would hide encode time
        result = run_config(engine, benchmark, config, grid.k, progress(config) if progress else None)
        _save(path, result)
        result.path = path
        results.append(result)
    return results
