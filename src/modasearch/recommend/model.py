"""What recommendations learn from interaction events, fitted once and saved as plain files in the
index directory (`recommend/`): popularity, co-purchase neighbours, complementary types and each
customer's history."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from modasearch.index.types import point_id
from modasearch.recommend.copurchase import Neighbours, co_purchases
from modasearch.recommend.popularity import HALF_LIFE_DAYS, popularity
from modasearch.recommend.types import Complements, complement_types

MODEL_DIR = "recommend"
FORMAT_VERSION = 1
POPULAR_KEPT = 1000


@dataclass
class InteractionModel:
    now: pd.Timestamp  # the time of the last event: ages are counted from it
    half_life_days: float
    popular: pd.Series  # decayed popularity, most popular first
    customers: Neighbours  # bought by the same customer
    baskets: Neighbours  # bought by the same customer on the same day
    complements: Complements
    events: pd.DataFrame
    fingerprint: str = ""

    @classmethod
    def fit(
        cls, events: pd.DataFrame, product_type: Mapping[str, str], half_life_days: float = HALF_LIFE_DAYS
    ) -> InteractionModel:
        now = events["at"].max()
        return cls(
            now=now,
            half_life_days=half_life_days,
            popular=popularity(events, now, half_life_days),
            customers=co_purchases(events, ["customer"]),
            baskets=co_purchases(events.assign(day=events["at"].dt.normalize()), ["customer", "day"]),
            complements=complement_types(events, product_type),
            events=events,
            fingerprint=events_fingerprint(events),
        )

    @cached_property
    def popular_points(self) -> list[tuple[str, float]]:
        """The most popular products as (point id, score), for the popularity signal."""
        top = self.popular.iloc[:POPULAR_KEPT]
        return [(point_id(str(p)), float(s)) for p, s in top.items()]

    @cached_property
    def _by_customer(self) -> tuple[pd.DataFrame, dict[str, tuple[int, int]]]:
        ordered = self.events.sort_values("customer", kind="stable").reset_index(drop=True)
        names, starts = np.unique(ordered["customer"].to_numpy(dtype=str), return_index=True)
        ends = [*starts[1:], len(ordered)]
        return ordered, {str(n): (int(a), int(b)) for n, a, b in zip(names, starts, ends, strict=True)}

    def history(self, customer: str) -> pd.DataFrame:
        """The customer's events, oldest first (none for an unknown customer)."""
        ordered, spans = self._by_customer
        start, end = spans.get(customer, (0, 0))
        return ordered.iloc[start:end]

    def summary(self) -> dict[str, Any]:
        return {
            "events": len(self.events),
            "customers": int(self.events["customer"].nunique()),
            "products": int(self.events["product"].nunique()),
            "first": str(self.events["at"].min()),
            "last": str(self.now),
            "half_life_days": self.half_life_days,
            "fingerprint": self.fingerprint,
        }

    def save(self, index_dir: Path) -> Path:
        """Written next to the index in a temporary folder, then swapped in: a failed save leaves
        the previous model in place."""
        target = Path(index_dir) / MODEL_DIR
        staging = Path(tempfile.mkdtemp(prefix=".recommend-", dir=index_dir))
        try:
            self.events.to_parquet(staging / "events.parquet", index=False)
            self.customers.to_frame().to_parquet(staging / "customers.parquet", index=False)
            self.baskets.to_frame().to_parquet(staging / "baskets.parquet", index=False)
            meta = {"format": FORMAT_VERSION, **self.summary(), "complements": self.complements}
            (staging / "model.json").write_text(json.dumps(meta, indent=1))
            if target.exists():
                shutil.rmtree(target)
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target

    @classmethod
    def load(cls, index_dir: Path) -> InteractionModel | None:
        folder = Path(index_dir) / MODEL_DIR
        if not (folder / "model.json").is_file():
            return None
        meta = json.loads((folder / "model.json").read_text())
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"{folder}: recommendation model format {meta.get('format')}: refit it")
        events = pd.read_parquet(folder / "events.parquet")
        now = pd.Timestamp(meta["last"])
        half_life = float(meta["half_life_days"])
        return cls(
            now=now,
            half_life_days=half_life,
            popular=popularity(events, now, half_life),
            customers=Neighbours.from_frame(pd.read_parquet(folder / "customers.parquet")),
            baskets=Neighbours.from_frame(pd.read_parquet(folder / "baskets.parquet")),
            complements={k: [(t, float(w)) for t, w in v] for k, v in meta["complements"].items()},
            events=events,
            fingerprint=meta["fingerprint"],
        )


def events_fingerprint(events: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    hashed = pd.util.hash_pandas_object(events[["customer", "product", "kind"]], index=False)
    digest.update(np.asarray(hashed.to_numpy(), dtype=np.uint64).tobytes())
    digest.update(np.asarray(events["at"].astype("int64")).tobytes())
    return digest.hexdigest()[:16]
