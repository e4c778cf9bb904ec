"""Similar items for a product: by its photo (what it looks like), or by its text (what it is) when
it has no photo or the caller asks; the product itself is never among them."""

from __future__ import annotations

import time
from typing import Literal

import numpy as np

from modasearch.index.types import Condition, VectorQuery, point_id
from modasearch.search.consensus import OWN_SHARE
from modasearch.search.filters import Filters, to_conditions
from modasearch.search.paging import QueryError, check_page, stable_page
from modasearch.search.photos import CONSENSUS_WEIGHT, PageAsk, PhotoSearch
from modasearch.search.results import SearchResults

RRF_K = 60
FUSED_POOL = 100  # candidates per vector for the fused ranking
SimilarBy = Literal["auto", "image", "text", "fused"]
VARIANTS_MAX = 200  # colour variants of one product looked up for exclusion


class SimilarItems(PhotoSearch):
    def similar(
        self,
        product_id: str,
        k: int = 10,
        offset: int = 0,
        filters: Filters | None = None,
        colour_weight: float = 0.5,
        by: SimilarBy | str = "auto",
        variants: bool = False,
        consensus_weight: float = CONSENSUS_WEIGHT,
        own_share: float = OWN_SHARE,
    ) -> SearchResults:
        """`by="auto"` uses the photo when the product has one, its text (dense vector) otherwise;
        "fused" ranks by both (RRF). The product's own colour variants (same group_id) are left out
        unless `variants` is true. By photo, the attribute values the closest items agree on count
        (`consensus_weight`, see search/consensus.py); the product's own values take `own_share` of
        that vote (0: only what its photo's neighbours share, as for an uploaded photo)."""
        started = time.perf_counter()
        if by not in ("auto", "image", "text", "fused"):
            raise QueryError(f"similar items by {by!r}: use 'auto', 'image', 'text' or 'fused'")
        if not 0 <= own_share <= 1:
            raise QueryError(f"own_share must be between 0 and 1, got {own_share}")
        pid = point_id(product_id)
        found = self.backend.retrieve([pid])
        if not found:
            raise QueryError(f"product {product_id!r} is not in the index")
        exclude = frozenset({pid} if variants else {pid, *self._variants(found[0].payload.get("group_id"))})
        wanted = ("image", "colour") if by != "text" and "image" in self.modes else ()
        stored = {name: self.backend.vectors([pid], name) for name in wanted}
        vectors = {name: np.asarray(got[pid]) for name, got in stored.items() if pid in got}
        own = found[0].payload.get("attributes") or None
        ask = PageAsk(f"similar to {product_id}", k, offset, filters, started, exclude, own, own_share)
        if by == "fused" and "image" in vectors and "dense" in self.modes:
            return self._similar_fused(ask, pid, vectors["image"])
        if "image" in vectors:
            return self._photo_page(vectors, ask, colour_weight, consensus_weight)
        if by == "image":
            raise QueryError(f"product {product_id!r} has no usable photo: no similar-looking items to show")
        return self._similar_text(ask, pid, product_id)

    def _variants(self, group_id: str | None) -> list[str]:
        if not group_id:
            return []
        return [
            h.id for h in self.backend.scroll((Condition("group_id", equals=group_id),), VARIANTS_MAX, [])
        ]

    def _similar_fused(self, ask: PageAsk, pid: str, image: np.ndarray) -> SearchResults:
        check_page(ask.k, ask.offset)
        conditions = to_conditions(ask.filters, self.manifest.fields, self.manifest.vocab)
        dense = self.backend.vectors([pid], "dense")[pid]
        queries = [
            VectorQuery("image", dense=[float(x) for x in image]),
            VectorQuery("dense", dense=list(dense)),
        ]
        n = ask.offset + ask.k + len(ask.exclude)
        t = time.perf_counter()
        hits = self.backend.search_rrf(queries, [1.0, 1.0], RRF_K, conditions, n, 0, max(n, FUSED_POOL))
        kept = [h for h in hits if h.id not in ask.exclude][ask.offset : ask.offset + ask.k]
        return self._results(ask.label, "fused", kept, ask.offset, ask.started, t, {})

    def _similar_text(self, ask: PageAsk, pid: str, product_id: str) -> SearchResults:
        check_page(ask.k, ask.offset)
        found = self.backend.vectors([pid], "dense") if "dense" in self.modes else {}
        if pid not in found:
            raise QueryError(f"this index has no dense text vectors: no similar items for {product_id!r}")
        conditions = to_conditions(ask.filters, self.manifest.fields, self.manifest.vocab)
        query = VectorQuery("dense", dense=list(found[pid]))
        t = time.perf_counter()
        extra = len(ask.exclude)
        page = stable_page(
            lambda n: self.backend.search(query, conditions, n + extra), 0, ask.offset + ask.k + extra
        )
        hits = [h for h in page if h.id not in ask.exclude][ask.offset : ask.offset + ask.k]
        return self._results(ask.label, "dense", hits, ask.offset, ask.started, t, {})
