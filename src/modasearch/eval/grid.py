"""A grid of search configurations to compare, read from TOML.

benchmark = "hm-attr"        # a built-in name or a benchmark folder (the CLI may override it)
split = "test"
baseline = "bm25"
metric = "ndcg@10"           # the main metric: plot, deltas
metrics = ["ndcg@10", "mrr@10", "recall@100"]
k = 100

[[config]]
name = "bm25"
mode = "bm25"

[[config]]
name = "hybrid"
mode = "hybrid"
rrf_k = [10, 60]             # a list expands into one configuration per value: hybrid(rrf_k=10), ...
weights = {dense = 2.0}
filters = true               # apply each query's facet filters
"""

from __future__ import annotations

import itertools
import json
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from modasearch.eval.data import EvalDataError
from modasearch.eval.metrics import DEFAULT_METRICS
from modasearch.search.arrange import Arrangement

SEARCH_KEYS = (
    "mode",
    "fusion",
    "weights",
    "rrf_k",
    "candidates",
    "filters",
    "understand",
    "rerank",
    "collapse",
    "diversify",
)


@dataclass(frozen=True)
class RunConfig:
    name: str
    mode: str = "hybrid"
    fusion: str = "rrf"
    weights: tuple[tuple[str, float], ...] = ()
    rrf_k: int = 60
    candidates: int = 100
    filters: bool = False
    understand: str = "off"  # query understanding: off, boost or filter
    rerank: str = ""  # a ranker name or folder; empty: none
    collapse: bool = False  # one result per group_id
    diversify: float = 0.0  # MMR novelty weight

    def search_kwargs(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "fusion": self.fusion,
            "weights": dict(self.weights) or None,
            "rrf_k": self.rrf_k,
            "candidates": self.candidates,
            "understand": self.understand,
            "rerank": self.rerank or None,
            "arrange": Arrangement(collapse=self.collapse, diversify=self.diversify)
            if self.collapse or self.diversify
            else None,
        }

    def identity(self) -> str:
        """Everything that changes the results (not the name): the cache key. Settings at their
        default are left out, so adding a setting keeps earlier cached runs valid."""
        params = asdict(self)
        del params["name"]
        for name, default in (("understand", "off"), ("rerank", ""), ("collapse", False), ("diversify", 0.0)):
            if params[name] == default:
                del params[name]
        return json.dumps(params, sort_keys=True)


@dataclass(frozen=True)
class Grid:
    configs: tuple[RunConfig, ...]
    baseline: str
    metric: str = "ndcg@10"
    metrics: tuple[str, ...] = DEFAULT_METRICS
    k: int = 100
    benchmark: str | None = None
    split: str | None = None
    source: dict[str, Any] = field(default_factory=dict)

    def config(self, name: str) -> RunConfig:
        for config in self.configs:
            if config.name == name:
                return config
        raise EvalDataError(f"no configuration named {name!r}; the grid has {[c.name for c in self.configs]}")


def _expand(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """One dict per combination of the list-valued settings, named after the values that vary:
    "hybrid(rrf_k=10)"."""
    varying = {k: v for k, v in entry.items() if isinstance(v, list)}
    if not varying:
        return [entry]
    expanded = []
    for values in itertools.product(*varying.values()):
        combo = dict(zip(varying, values, strict=True))
        suffix = ",".join(f"{k}={_short(v)}" for k, v in combo.items())
        expanded.append({**entry, **combo, "name": f"{entry['name']}({suffix})"})
    return expanded


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "+".join(f"{k}{v:g}" for k, v in value.items())
    return str(value).lower()


def _config(entry: dict[str, Any], where: str) -> RunConfig:
    unknown = set(entry) - {"name", *SEARCH_KEYS}
    if unknown:
        raise EvalDataError(f"{where}: unknown settings {sorted(unknown)}; use name and {list(SEARCH_KEYS)}")
    if "name" not in entry:
        raise EvalDataError(f"{where}: every [[config]] needs a name")
    weights = entry.get("weights") or {}
    if not isinstance(weights, dict):
        raise EvalDataError(f"{where}: weights is a table like {{dense = 2.0}}")
    settings = {k: v for k, v in entry.items() if k != "weights"}
    try:
        return RunConfig(**settings, weights=tuple(sorted((str(k), float(v)) for k, v in weights.items())))
    except TypeError as exc:
        raise EvalDataError(f"{where}: {exc}") from None


def grid_from_dict(data: dict[str, Any], where: str = "grid") -> Grid:
    entries = data.get("config") or []
    if not entries:
        raise EvalDataError(f"{where}: no [[config]] entries")
    configs = tuple(
        _config(e, f"{where}: config {i + 1}") for i, raw in enumerate(entries) for e in _expand(raw)
    )
    names = [c.name for c in configs]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise EvalDataError(f"{where}: configuration names must be unique; repeated: {duplicated}")
    baseline = str(data.get("baseline", names[0]))
    metric = str(data.get("metric", "ndcg@10"))
    metrics = tuple(data.get("metrics", DEFAULT_METRICS))
    if metric not in metrics:
        metrics = (metric, *metrics)
    grid = Grid(
        configs,
        baseline,
        metric,
        metrics,
        int(data.get("k", 100)),
        data.get("benchmark"),
        data.get("split"),
        data,
    )
    grid.config(baseline)  # the baseline must exist
    return grid


def load_grid(path: str | Path) -> Grid:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalDataError(f"grid file {path} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise EvalDataError(f"{path}: not valid TOML: {exc}") from None
    return grid_from_dict(data, str(path))
