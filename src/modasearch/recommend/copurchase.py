"""Item-to-item co-purchase: how often two products are bought by the same customer (or in the same
basket), normalised by their popularity (cosine), as neighbour lists per product."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_GROUP = 100  # larger groups (resellers, bulk orders) add many pairs and little signal


@dataclass(frozen=True)
class Neighbours:
    """Each product's co-purchased products and their weights, strongest first."""

    lists: dict[str, tuple[np.ndarray, np.ndarray]]

    def of(self, product: str) -> tuple[np.ndarray, np.ndarray]:
        return self.lists.get(product, (np.empty(0, dtype=object), np.empty(0)))

    def __len__(self) -> int:
        return len(self.lists)

    def to_frame(self) -> pd.DataFrame:
        rows = [(a, b, w) for a, (bs, ws) in self.lists.items() for b, w in zip(bs, ws, strict=True)]
        return pd.DataFrame(rows, columns=["a", "b", "weight"])

    @classmethod
    def from_frame(cls, pairs: pd.DataFrame) -> Neighbours:
        pairs = pairs.sort_values(["a", "weight"], ascending=[True, False], kind="stable")
        lists = {
            str(a): (group["b"].to_numpy(dtype=object), group["weight"].to_numpy(dtype=np.float64))
            for a, group in pairs.groupby("a", sort=False)
        }
        return cls(lists)


def co_purchases(events: pd.DataFrame, group_by: list[str], max_neighbours: int = 50) -> Neighbours:
    """Pairs of distinct products sharing a group (a customer, or a customer and day), weighted
    n_ab / sqrt(n_a * n_b) where n counts groups; each product keeps its `max_neighbours` best."""
    items = events[[*group_by, "product"]].drop_duplicates()
    per_product = items["product"].value_counts()  # every group counts, one-product ones too
    sizes = items.groupby(group_by)["product"].transform("size")
    items = items[(sizes > 1) & (sizes <= MAX_GROUP)]
    if items.empty:
        return Neighbours({})
    groups = items.groupby(group_by, sort=False).ngroup().rename("group")
    items = pd.DataFrame({"group": groups.to_numpy(), "product": items["product"].to_numpy()})
    pairs = items.merge(items, on="group", suffixes=("_a", "_b"))
    pairs = pairs[pairs["product_a"] != pairs["product_b"]]
    counts = pairs.groupby(["product_a", "product_b"], sort=False).size().rename("n").reset_index()
    norm = np.sqrt(
        per_product.reindex(counts["product_a"]).to_numpy()
        * per_product.reindex(counts["product_b"]).to_numpy()
    )
    table = pd.DataFrame({"a": counts["product_a"], "b": counts["product_b"], "weight": counts["n"] / norm})
    table = table.sort_values(["a", "weight"], ascending=[True, False], kind="stable")
    table = table.groupby("a", sort=False).head(max_neighbours)
    return Neighbours.from_frame(table)


def score_neighbours(neighbours: Neighbours, weighted_items: Mapping[str, float]) -> dict[str, float]:
    """Sum over the given products (with their weights) of their neighbours' weights."""
    scores: dict[str, float] = {}
    for product, weight in weighted_items.items():
        ids, weights = neighbours.of(product)
        for other, w in zip(ids, weights, strict=True):
            scores[other] = scores.get(other, 0.0) + weight * float(w)
    return scores
