"""Fit the interaction model for an index: events joined to the index's products."""

from __future__ import annotations

import pandas as pd

from modasearch.catalog.report import LoadReport
from modasearch.index.types import point_id
from modasearch.recommend.look import type_field
from modasearch.recommend.model import InteractionModel
from modasearch.recommend.popularity import HALF_LIFE_DAYS
from modasearch.search.engine import Engine

_BATCH = 2000


def product_types(engine: Engine, products: list[str]) -> dict[str, str]:
    """Product id -> its product type, for the products the index holds."""
    field = type_field(engine)
    found: dict[str, str] = {}
    if field is None:
        return found
    for start in range(0, len(products), _BATCH):
        for hit in engine.backend.retrieve([point_id(p) for p in products[start : start + _BATCH]]):
            value = (hit.payload.get("attributes") or {}).get(field)
            if value is not None:
                found[str(hit.payload["product_id"])] = str(value)
    return found


def known_products(engine: Engine, events: pd.DataFrame, report: LoadReport) -> pd.DataFrame:
    """The events whose product is in the index; the others are reported, one issue per unknown
    product at its first line, not dropped silently."""
    products = sorted(events["product"].unique())
    present: set[str] = set()
    for start in range(0, len(products), _BATCH):
        hits = engine.backend.retrieve([point_id(p) for p in products[start : start + _BATCH]])
        present.update(str(h.payload["product_id"]) for h in hits)
    missing = events[~events["product"].isin(present)]
    for product, rows in missing.groupby("product"):
        report.skipped(int(rows["line"].min()), f"product not in the index: {product} ({len(rows)} events)")
    return events[events["product"].isin(present)].reset_index(drop=True)


def fit_model(
    engine: Engine, events: pd.DataFrame, half_life_days: float = HALF_LIFE_DAYS
) -> InteractionModel:
    products = sorted(events["product"].unique())
    return InteractionModel.fit(events, product_types(engine, products), half_life_days)
