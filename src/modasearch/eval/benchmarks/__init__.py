"""Benchmarks built from the real catalogs, saved as files the harness reads back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from modasearch.eval.benchmarks.hm import build_hm_attr
from modasearch.eval.benchmarks.judged import build_hm_judged, build_kagl_judged
from modasearch.eval.benchmarks.kagl import KAGL_ATTR_FIELDS, build_kagl_attr, build_kagl_t2i, kagl_attr
from modasearch.eval.benchmarks.store import (
    Benchmark,
    assign_splits,
    load_benchmark,
    load_benchmark_catalog,
    save_benchmark,
)
from modasearch.eval.data import EvalDataError

BUILDERS: dict[str, Callable[[Path], Benchmark]] = {
    "kagl-attr": build_kagl_attr,
    "kagl-t2i": build_kagl_t2i,
    "hm-attr": build_hm_attr,
    "kagl-judged": build_kagl_judged,
    "kagl-judged-titles": lambda d: build_kagl_judged(d, "titles"),
    "hm-judged": build_hm_judged,
    "hm-judged-titles": lambda d: build_hm_judged(d, "titles"),
}


def build_benchmark(name: str, data_dir: str | Path) -> Benchmark:
    """Build a named benchmark from the shared data folder (deterministic: seed 0)."""
    if name not in BUILDERS:
        raise EvalDataError(f"unknown benchmark {name!r}; built-in ones are {sorted(BUILDERS)}")
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise EvalDataError(f"data folder {data_dir} not found (it holds kaggle-fashion/ and hm/)")
    return BUILDERS[name](data_dir)


__all__ = [
    "BUILDERS",
    "KAGL_ATTR_FIELDS",
    "Benchmark",
    "assign_splits",
    "build_benchmark",
    "build_hm_attr",
    "build_kagl_attr",
    "build_kagl_t2i",
    "kagl_attr",
    "load_benchmark",
    "load_benchmark_catalog",
    "save_benchmark",
]
