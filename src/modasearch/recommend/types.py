"""Which product types go together: type pairs in the same baskets (a top with trousers, shoes,
a bag), weighted like item co-purchase; and a way to use them for types no basket holds, by the
nearest known type name in the text encoder's space."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

MIN_PAIRS = 3  # type pairs seen in fewer baskets are noise
NOT_A_TYPE = {"", "unknown", "other", "none"}  # placeholders, not something to suggest
Complements = dict[str, list[tuple[str, float]]]


def complement_types(events: pd.DataFrame, product_type: Mapping[str, str], per_type: int = 8) -> Complements:
    """For each product type, the other types bought in the same baskets (customer and day),
    weighted n_ab / sqrt(n_a * n_b) over baskets, strongest first."""
    baskets = events.assign(day=events["at"].dt.normalize(), type=events["product"].map(product_type))
    baskets = baskets.dropna(subset=["type"])[["customer", "day", "type"]].drop_duplicates()
    baskets = baskets[~baskets["type"].astype(str).str.strip().str.lower().isin(NOT_A_TYPE)]
    baskets["basket"] = baskets.groupby(["customer", "day"], sort=False).ngroup()
    slim = baskets[["basket", "type"]]
    pairs = slim.merge(slim, on="basket", suffixes=("_a", "_b"))
    pairs = pairs[pairs["type_a"] != pairs["type_b"]]
    counts = pairs.groupby(["type_a", "type_b"]).size().rename("n").reset_index()
    counts = counts[counts["n"] >= MIN_PAIRS]
    per_type_count = slim["type"].value_counts()
    result: Complements = {}
    for a, b, n in zip(counts["type_a"], counts["type_b"], counts["n"], strict=True):
        weight = float(n / np.sqrt(per_type_count[a] * per_type_count[b]))
        result.setdefault(str(a), []).append((str(b), weight))
    return {a: sorted(found, key=lambda x: (-x[1], x[0]))[:per_type] for a, found in sorted(result.items())}


class TypeMatcher:
    """Maps a product type to the nearest type that has complements, by cosine similarity of the
    type names' text vectors; cached, since a catalog has few types."""

    def __init__(self, known: list[str], embed: Callable[[str], np.ndarray], min_similarity: float = 0.5):
        self.known = known
        self.embed = embed
        self.min_similarity = min_similarity
        self._matrix: np.ndarray | None = None
        self._cache: dict[str, str | None] = {}

    def nearest(self, name: str) -> str | None:
        if name in self.known:
            return name
        if name not in self._cache:
            self._cache[name] = self._search(name)
        return self._cache[name]

    def _search(self, name: str) -> str | None:
        if not self.known:
            return None
        if self._matrix is None:
            self._matrix = np.stack([_unit(self.embed(k)) for k in self.known])
        sims = self._matrix @ _unit(self.embed(name))
        best = int(np.argmax(sims))
        return self.known[best] if sims[best] >= self.min_similarity else None


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    n = np.linalg.norm(v)
    return v / n if n > 0 else v
