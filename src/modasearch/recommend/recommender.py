"""Personalised picks: a blend of signals, each scaled to [0, 1] per shopper, then weighted:
- repeat: products the shopper already interacted with (fashion shoppers re-buy: sizes, colours);
- copurchase: products bought by the same customers as the shopper's products;
- profile: nearest products to the shopper's taste vector (likes pull, dislikes push);
- popular: recent popularity, the prior that also serves shoppers with no history.
Signals are keyed by index point id, so the engine filters and returns the products."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from modasearch.index.types import Condition, Hit, VectorQuery, point_id
from modasearch.recommend.copurchase import Neighbours, score_neighbours
from modasearch.recommend.events import Event, request_events
from modasearch.recommend.model import InteractionModel
from modasearch.recommend.popularity import HALF_LIFE_DAYS, recency_weights
from modasearch.recommend.profile import taste_vector
from modasearch.search.engine import Engine
from modasearch.search.filters import Filters
from modasearch.search.paging import MAX_K, QueryError
from modasearch.search.results import SearchResults

SIGNALS = ("repeat", "copurchase", "profile", "popular")
# Tuned on a validation split inside the training days (benchmarks/RESULTS.md, section recommend).
DEFAULT_WEIGHTS: dict[str, float] = {"repeat": 1.0, "copurchase": 0.1, "profile": 0.3, "popular": 0.05}
POOL = 100  # candidates per signal
Signals = dict[str, dict[str, float]]


@dataclass(frozen=True)
class Shopper:
    """Whom to recommend for: a known customer, and/or events and likes/dislikes from the request."""

    customer: str | None = None
    events: tuple[Event, ...] = ()
    likes: tuple[str, ...] = ()
    dislikes: tuple[str, ...] = ()


class Recommender:
    def __init__(
        self,
        engine: Engine,
        model: InteractionModel | None = None,
        weights: Mapping[str, float] | None = None,
        using: str = "dense",
    ) -> None:
        self.engine = engine
        self.model = model
        self.weights = dict(weights or DEFAULT_WEIGHTS)
        self.using = using
        unknown = set(self.weights) - set(SIGNALS)
        if unknown:
            raise QueryError(f"unknown recommendation signals {sorted(unknown)}: use {', '.join(SIGNALS)}")

    # ---- what the shopper did ------------------------------------------------------------------
    def interactions(self, shopper: Shopper) -> dict[str, float]:
        """Product id -> recency- and event-weighted interaction strength."""
        now = self.model.now if self.model is not None else pd.Timestamp.now()
        tables = []
        if shopper.customer is not None and self.model is not None:
            tables.append(self.model.history(shopper.customer))
        likes = (Event(p, "like") for p in shopper.likes)
        tables.append(request_events(shopper.customer or "", [*shopper.events, *likes], now))
        tables = [t for t in tables if len(t)]
        if not tables:
            return {}
        events = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
        half_life = self.model.half_life_days if self.model is not None else HALF_LIFE_DAYS
        strength = events["weight"].to_numpy() * recency_weights(
            events["at"], max(now, events["at"].max()), half_life
        )
        summed = pd.Series(strength, index=events["product"].to_numpy()).groupby(level=0).sum()
        return {str(p): float(w) for p, w in summed.items()}

    # ---- signals -------------------------------------------------------------------------------
    def signals(
        self,
        weighted: Mapping[str, float],
        dislikes: Sequence[str] = (),
        conditions: tuple[Condition, ...] = (),
    ) -> Signals:
        found: Signals = {"repeat": {point_id(p): w for p, w in weighted.items()}}
        found["copurchase"] = self._neighbour_signal(self.model.customers if self.model else None, weighted)
        found["profile"] = self._profile_signal(weighted, [point_id(d) for d in dislikes], conditions)
        found["popular"] = self._popular(POOL)
        return {name: _scaled(scores) for name, scores in found.items()}

    def _neighbour_signal(
        self, neighbours: Neighbours | None, weighted: Mapping[str, float]
    ) -> dict[str, float]:
        if neighbours is None or not weighted:
            return {}
        scores = score_neighbours(neighbours, weighted)
        best = sorted(scores.items(), key=lambda x: -x[1])[:POOL]
        return {point_id(p): s for p, s in best}

    def _profile_signal(
        self, weighted: Mapping[str, float], disliked: list[str], conditions: tuple[Condition, ...]
    ) -> dict[str, float]:
        if self.using not in self.engine.modes or not (weighted or disliked):
            return {}
        liked_ids = {point_id(p): w for p, w in weighted.items()}
        stored = self.engine.backend.vectors([*liked_ids, *disliked], self.using)
        liked = {pid: np.asarray(stored[pid]) for pid in liked_ids if pid in stored}
        against = {pid: np.asarray(stored[pid]) for pid in disliked if pid in stored}
        profile = taste_vector(liked, liked_ids, against)
        if profile is None:
            return {}
        hits = self.engine.backend.search(VectorQuery(self.using, dense=profile.tolist()), conditions, POOL)
        return {h.id: h.score for h in hits}

    def _popular(self, n: int) -> dict[str, float]:
        return dict(self.model.popular_points[:n]) if self.model is not None else {}

    # ---- ranking -------------------------------------------------------------------------------
    def blend(self, signals: Signals, weights: Mapping[str, float] | None = None) -> list[tuple[str, float]]:
        """Candidates by the weighted sum of their scaled signals, best first (ties by id)."""
        weights = self.weights if weights is None else weights
        total: dict[str, float] = {}
        for name, scores in signals.items():
            w = weights.get(name, 0.0)
            if w:
                for pid, s in scores.items():
                    total[pid] = total.get(pid, 0.0) + w * s
        return sorted(total.items(), key=lambda x: (-x[1], x[0]))

    def rank(self, shopper: Shopper, conditions: tuple[Condition, ...] = ()) -> list[tuple[str, float]]:
        weighted = self.interactions(shopper)
        shown_before = {point_id(p) for p in (*shopper.likes, *shopper.dislikes)}
        signals = self.signals(weighted, shopper.dislikes, conditions)
        return [(pid, s) for pid, s in self.filled(self.blend(signals)) if pid not in shown_before]

    def filled(self, ranked: list[tuple[str, float]], n: int = POOL) -> list[tuple[str, float]]:
        """The ranking, then popular products it lacks (score 0): nobody gets an empty row."""
        seen = {pid for pid, _ in ranked}
        popular = self.model.popular_points[:n] if self.model is not None else []
        return ranked + [(pid, 0.0) for pid, _ in popular if pid not in seen]

    def recommend(
        self, shopper: Shopper, k: int = 12, filters: Filters | None = None, exclude: Iterable[str] = ()
    ) -> SearchResults:
        started = time.perf_counter()
        if not 1 <= k <= MAX_K:
            raise QueryError(f"k must be between 1 and {MAX_K}")
        for product in (*shopper.likes, *shopper.dislikes, *(e.product for e in shopper.events)):
            if not product.strip(" \t\n\r\f\v"):  # blank as the API's schema reads \S
                raise QueryError("product ids in likes, dislikes and events must not be empty")
        conditions = self.engine.conditions(filters)
        excluded = {point_id(p) for p in exclude}
        ranked = [(pid, s) for pid, s in self.rank(shopper, conditions) if pid not in excluded]
        hits = self._allowed(ranked, conditions, k)
        label = f"for {shopper.customer}" if shopper.customer else "for this session"
        return self.engine.results_of(label, "recommend", hits, started)

    def _allowed(
        self, ranked: list[tuple[str, float]], conditions: tuple[Condition, ...], k: int
    ) -> list[Hit]:
        """The first k candidates that pass the filters (and are in the index)."""
        ids = [pid for pid, _ in ranked]
        if not ids:
            return []
        passing = self.engine.backend.scroll((*conditions, Condition("", ids=tuple(ids))), len(ids), [])
        ok = {h.id for h in passing}
        return [Hit(pid, s, {}) for pid, s in ranked if pid in ok][:k]


def _scaled(scores: Mapping[str, float]) -> dict[str, float]:
    """Scores divided by the largest, so every signal spans (0, 1] whatever its units."""
    if not scores:
        return {}
    top = max(scores.values())
    if top <= 0:
        lo = min(scores.values())
        span = (top - lo) or 1.0
        return {k: (v - lo) / span for k, v in scores.items()}
    return {k: v / top for k, v in scores.items()}
