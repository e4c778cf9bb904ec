"""A grid of search configurations to compare, read from TOML.

benchmark = "hm-attr"        # a built-in name or a benchmark folder (the CLI may override it)
split = "test"
baseline = "bm25"
metric = "ndcg@10"           # the main metric: plot, deltas
metrics = ["ndcg@10", "mrr@10", "recall@100"]
k = 100

preset = "plain"             # options a configuration leaves out come from this preset

[[config]]
name = "bm25"
mode = "bm25"

[[config]]
name = "hybrid"
mode = "hybrid"
rrf_k = [10, 60]             # a list expands into one configuration per value: hybrid(rrf_k=10), ...
weights = {dense = 2.0}
filters = true               # apply each query's facet filters

Any option of a search request may be set by its flat name (search.request.FLAT): preset, mode,
fusion, weights, rrf_k, candidates, understand, spelling, rerank, collapse, diversify, ...
"""

from __future__ import annotations

import itertools
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modasearch.eval.data import EvalDataError
from modasearch.eval.metrics import DEFAULT_METRICS
from modasearch.search.request import FLAT, SearchRequest, from_flat

# Search options a configuration may set, by their flat names (search.request.FLAT); `filters = true`
# applies each query's facet filters from the benchmark.
SEARCH_KEYS = tuple(k for k in FLAT if k not in ("query", "filters", "photo", "k", "offset", "explain"))


@dataclass(frozen=True)
class RunConfig:
    """A name and a search request: the options it sets (others come from its preset; a grid's
    `preset` key sets one for all its configurations) and whether to apply the queries' filters."""

    name: str
    options: tuple[tuple[str, Any], ...] = ()
    filters: bool = False

    @classmethod
    def of(cls, name: str, filters: bool = False, **options: Any) -> RunConfig:
        return cls(name, tuple(sorted(options.items())), filters)

    def option(self, key: str, default: Any = None) -> Any:
        return dict(self.options).get(key, default)

    def request(self, query: str, k: int, filters: Mapping[str, Any] | None = None) -> SearchRequest:
        options = dict(self.options)
        if isinstance(options.get("weights"), tuple):
            options["weights"] = dict(options["weights"])
        return from_flat({**options, "query": query, "k": k, "filters": filters if self.filters else None})

    def identity(self) -> str:
        """Everything that changes the results (not the name): the cache key."""
        return json.dumps({"options": self.options, "filters": self.filters}, sort_keys=True, default=list)


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


def _config(entry: dict[str, Any], where: str, preset: str | None) -> RunConfig:
    unknown = set(entry) - {"name", "filters", *SEARCH_KEYS}
    if unknown:
        raise EvalDataError(
            f"{where}: unknown settings {sorted(unknown)}; use name, filters and {list(SEARCH_KEYS)}"
        )
    if "name" not in entry:
        raise EvalDataError(f"{where}: every [[config]] needs a name")
    options = {k: v for k, v in entry.items() if k not in ("name", "filters")}
    weights = options.get("weights")
    if weights is not None:
        if not isinstance(weights, dict):
            raise EvalDataError(f"{where}: weights is a table like {{dense = 2.0}}")
        options["weights"] = tuple(sorted((str(k), float(v)) for k, v in weights.items()))
    if preset is not None:
        options.setdefault("preset", preset)
    config = RunConfig.of(entry["name"], bool(entry.get("filters", False)), **options)
    try:
        config.request("check", 10).resolved()
    except ValueError as exc:
        raise EvalDataError(f"{where}: {exc}") from None
    return config


def grid_from_dict(data: dict[str, Any], where: str = "grid") -> Grid:
    entries = data.get("config") or []
    if not entries:
        raise EvalDataError(f"{where}: no [[config]] entries")
    preset = data.get("preset")
    configs = tuple(
        _config(e, f"{where}: config {i + 1}", preset) for i, raw in enumerate(entries) for e in _expand(raw)
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
