"""Complete the look: products of other types that go with a product (a top -> trousers, shoes,
a bag). Two sources, blended:
- items bought in the same baskets as this product (same customer, same day);
- complementary product types (learned from baskets, or the shipped H&M table for catalogs without
  any), each filled with the products of that type nearest to this one in the text space, so a new
  product, or a type no basket holds, still gets suggestions."""

from __future__ import annotations

import json
import time
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from modasearch.catalog.product import Product
from modasearch.index.payload import payload_key
from modasearch.index.types import Condition, Hit, VectorQuery, point_id
from modasearch.recommend.model import InteractionModel
from modasearch.recommend.types import Complements, TypeMatcher
from modasearch.search.engine import Engine
from modasearch.search.filters import Filters
from modasearch.search.paging import MAX_K, QueryError
from modasearch.search.results import SearchResults

TYPES_USED = 4  # complementary types filled per product
TYPE_POOL = 50  # nearest products fetched per complementary type
POPULARITY_BOOST = 5.0  # measured on held-out H&M baskets (benchmarks/RESULTS.md, section look)
BASKET_WEIGHT = 1.0
TYPE_WEIGHT = 0.5
SHIPPED_TYPES = "look-types.json"


def shipped_complements() -> Complements:
    """Complementary types learned from a week of real H&M baskets (see the asset's model card)."""
    text = (Path(__file__).resolve().parents[1] / "models" / "assets" / SHIPPED_TYPES).read_text()
    return {k: [(t, float(w)) for t, w in v] for k, v in json.loads(text)["complements"].items()}


def type_field(engine: Engine) -> str | None:
    """The catalog's product-type field: its first text attribute that is a keyword field."""
    return engine.state.primary_field


class CompleteTheLook:
    def __init__(
        self,
        engine: Engine,
        model: InteractionModel | None = None,
        using: str = "dense",
        basket_weight: float = BASKET_WEIGHT,
        type_weight: float = TYPE_WEIGHT,
    ) -> None:
        self.engine = engine
        self.model = model
        self.using = using
        self.basket_weight = basket_weight
        self.type_weight = type_weight
        self.field = type_field(engine)

    @cached_property
    def complements(self) -> Complements:
        learned = self.model.complements if self.model is not None else {}
        return learned or shipped_complements()

    def _embed(self, text: str) -> np.ndarray:
        vectors, _ = self.engine.encoders.encode_queries(text, [self.using])
        return np.asarray(vectors[self.using], dtype=np.float64)

    @cached_property
    def _to_known(self) -> TypeMatcher:
        return TypeMatcher(sorted(self.complements), self._embed)

    @cached_property
    def _to_catalog(self) -> TypeMatcher:
        types = self.engine.state.vocab.get(self.field, ()) if self.field else ()
        return TypeMatcher(list(types), self._embed)

    def types_for(self, product_type: str) -> list[tuple[str, float]]:
        """This catalog's types that complete `product_type`, strongest first."""
        known = self._to_known.nearest(product_type)
        found: dict[str, float] = {}
        for other, weight in self.complements.get(known, []) if known else []:
            mapped = self._to_catalog.nearest(other)
            if mapped is not None and mapped != product_type and mapped not in found:
                found[mapped] = weight
        return list(found.items())

    def rank(self, product: Product, conditions: tuple[Condition, ...] = ()) -> list[tuple[str, float]]:
        """(point id, score) of products completing this one, best first."""
        product_id = product.id
        pid = point_id(product_id)
        has_vectors = self.using in self.engine.modes
        vector = self.engine.backend.vectors([pid], self.using).get(pid) if has_vectors else None
        value = product.attributes.get(self.field) if self.field else None
        product_type = str(value) if value is not None else None
        scores: dict[str, float] = {}
        if self.model is not None and self.basket_weight > 0:
            ids, weights = self.model.baskets.of(product_id)
            top = weights.max() if len(weights) else 1.0
            for other, w in zip(ids, weights, strict=True):
                scores[point_id(str(other))] = self.basket_weight * float(w) / top
        if (
            vector is not None
            and product_type is not None
            and self.field is not None
            and self.type_weight > 0
        ):
            self._add_type_matches(scores, vector, product_type, conditions)
        scores.pop(pid, None)
        return sorted(scores.items(), key=lambda x: (-x[1], x[0]))

    def _add_type_matches(
        self,
        scores: dict[str, float],
        vector: list[float],
        product_type: str,
        conditions: tuple[Condition, ...],
    ) -> None:
        """The products of each complementary type nearest to this one, raised by how well they sell
        (1 + POPULARITY_BOOST * sqrt(popularity / the best seller's)) when events were fitted."""
        types = self.types_for(product_type)[:TYPES_USED]
        if not types:
            return
        top = types[0][1]
        key = payload_key(self.field)  # type: ignore[arg-type]
        query = VectorQuery(self.using, dense=vector)
        for other, weight in types:
            for hit in self.engine.backend.search(
                query, (*conditions, Condition(key, equals=other)), TYPE_POOL
            ):
                lift = 1.0 + POPULARITY_BOOST * self._popularity.get(hit.id, 0.0)
                gain = self.type_weight * (weight / top) * max(hit.score, 0.0) * lift
                scores[hit.id] = scores.get(hit.id, 0.0) + gain

    @cached_property
    def _popularity(self) -> dict[str, float]:
        if self.model is None or self.model.popular.empty:
            return {}
        best = float(self.model.popular.iloc[0])
        return {point_id(str(p)): float(np.sqrt(max(s, 0.0) / best)) for p, s in self.model.popular.items()}

    def complete(self, product_id: str, k: int = 10, filters: Filters | None = None) -> SearchResults:
        """The look for one product: other types only, not its own colour variants, and at most
        ceil(k / 3) products of any one type while other types can fill the row."""
        started = time.perf_counter()
        if not 1 <= k <= MAX_K:
            raise QueryError(f"k must be between 1 and {MAX_K}")
        conditions = self.engine.conditions(filters)
        product = self.engine.get(product_id)
        if product is None:
            raise QueryError(f"product {product_id!r} is not in the index")
        ranked = self.rank(product, conditions)
        payloads = self._payloads([pid for pid, _ in ranked], conditions)
        own_type = str(product.attributes.get(self.field)) if self.field else None
        own_group = product.group_id
        kinds: dict[str, str] = {}
        for pid, _ in ranked:
            payload = payloads.get(pid)
            if payload is None or (own_group and payload.get("group_id") == own_group):
                continue
            kind = str((payload.get("attributes") or {}).get(self.field, ""))
            if kind != own_type:
                kinds[pid] = kind
        shown = _spread([pid for pid, _ in ranked], kinds, k)
        hits = [Hit(pid, score, {}) for pid, score in ranked if pid in shown]
        label = f"complete the look of {product_id}"
        return self.engine.results_of(label, "look", hits, started)

    def _payloads(self, ids: list[str], conditions: tuple[Condition, ...]) -> dict[str, dict[str, Any]]:
        """Group and attributes of the candidates that pass the filters."""
        if not ids:
            return {}
        wanted = (*conditions, Condition("", ids=tuple(ids)))
        return {
            h.id: h.payload for h in self.engine.backend.scroll(wanted, len(ids), ["group_id", "attributes"])
        }


def _spread(ranked: list[str], kinds: dict[str, str], k: int) -> set[str]:
    """The k best of `ranked` with at most ceil(k / 3) of a kind, topped up past that cap when too
    few kinds are on offer."""
    cap = max(1, -(-k // 3))
    chosen: list[str] = []
    per_kind: dict[str, int] = {}
    for pid in ranked:
        if pid in kinds and per_kind.get(kinds[pid], 0) < cap and len(chosen) < k:
            chosen.append(pid)
            per_kind[kinds[pid]] = per_kind.get(kinds[pid], 0) + 1
    rest = [pid for pid in ranked if pid in kinds and pid not in chosen]
    return set(chosen + rest[: k - len(chosen)])
