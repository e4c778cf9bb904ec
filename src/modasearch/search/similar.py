"""Similar items for a product: by its photo (what it looks like), or by its text (what it is) when
it has no photo or the caller asks; the product itself is never among them."""

from __future__ import annotations

import time
from typing import Literal

import numpy as np

from modasearch.index.types import VectorQuery, point_id
from modasearch.search.filters import Filters, to_conditions
from modasearch.search.paging import QueryError, check_page, stable_page
from modasearch.search.photos import PhotoSearch
from modasearch.search.results import SearchResults

SimilarBy = Literal["auto", "image", "text"]


class SimilarItems(PhotoSearch):
    def similar(
        self,
        product_id: str,
        k: int = 10,
        offset: int = 0,
        filters: Filters | None = None,
        colour_weight: float = 0.5,
        by: SimilarBy | str = "auto",
    ) -> SearchResults:
        """`by="auto"` uses the photo when the product has one, its text (dense vector) otherwise."""
        started = time.perf_counter()
        if by not in ("auto", "image", "text"):
            raise QueryError(f"similar items by {by!r}: use 'auto', 'image' or 'text'")
        pid = point_id(product_id)
        if not self.backend.retrieve([pid]):
            raise QueryError(f"product {product_id!r} is not in the index")
        wanted = ("image", "colour") if by != "text" and "image" in self.modes else ()
        stored = {name: self.backend.vectors([pid], name) for name in wanted}
        vectors = {name: np.asarray(found[pid]) for name, found in stored.items() if pid in found}
        label = f"similar to {product_id}"
        if "image" in vectors:
            return self._photo_page(vectors, colour_weight, label, k, offset, filters, started, {}, pid)
        if by == "image":
            raise QueryError(f"product {product_id!r} has no usable photo: no similar-looking items to show")
        return self._similar_text(pid, product_id, label, k, offset, filters, started)

    def _similar_text(
        self,
        pid: str,
        product_id: str,
        label: str,
        k: int,
        offset: int,
        filters: Filters | None,
        started: float,
    ) -> SearchResults:
        check_page(k, offset)
        found = self.backend.vectors([pid], "dense") if "dense" in self.modes else {}
        if pid not in found:
            raise QueryError(f"this index has no dense text vectors: no similar items for {product_id!r}")
        conditions = to_conditions(filters, self.manifest.fields, self.manifest.vocab)
        query = VectorQuery("dense", dense=list(found[pid]))
        t = time.perf_counter()
        page = stable_page(lambda n: self.backend.search(query, conditions, n + 1), offset, k + 1)
        hits = [h for h in page if h.id != pid][:k]
        return self._results(label, "dense", hits, offset, started, t, {})
