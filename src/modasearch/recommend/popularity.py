"""Popularity priors: all-time counts, and counts decayed by age so last week's hits fade."""

from __future__ import annotations

import numpy as np
import pandas as pd

HALF_LIFE_DAYS = 3.0  # an event counts half after this many days (popularity and shoppers' histories)


def recency_weights(at: pd.Series, now: pd.Timestamp, half_life_days: float | None) -> np.ndarray:
    """0.5 ** (age in days / half-life); all ones when there is no half-life."""
    if half_life_days is None:
        return np.ones(len(at))
    age_days = (now - at).dt.total_seconds().to_numpy() / 86400.0
    return np.power(0.5, np.clip(age_days, 0.0, None) / half_life_days)


def popularity(events: pd.DataFrame, now: pd.Timestamp, half_life_days: float | None = None) -> pd.Series:
    """Each product's weighted event count, most popular first (ties by product id)."""
    weights = events["weight"].to_numpy() * recency_weights(events["at"], now, half_life_days)
    scores = pd.Series(weights, index=events["product"].to_numpy()).groupby(level=0).sum()
    order = np.lexsort((scores.index.to_numpy(dtype=str), -scores.to_numpy()))
    return scores.iloc[order]
