"""Search by photo and similar items: the `image` vector (what the garment is), fused by RRF with the
`colour` vector (which colours it has) when the query is a photo."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from modasearch.index.types import Hit, IndexBackend, VectorQuery, point_id
from modasearch.search.filters import Filters, to_conditions
from modasearch.search.paging import MAX_K, QueryError, stable_page

if TYPE_CHECKING:
    from modasearch.index.encoding import EncoderSet
    from modasearch.index.manifest import Manifest
    from modasearch.search.results import SearchResults

PHOTO_RRF_K = 60
NO_PHOTOS = "this index has no photo vectors: build it from a catalog with images"


class PhotoSearch:
    """Mixed into `Engine`."""

    backend: IndexBackend
    encoders: EncoderSet
    manifest: Manifest

    @property
    def modes(self) -> list[str]:
        raise NotImplementedError

    def _check(self, query: str, mode: str, k: int, offset: int) -> str:
        raise NotImplementedError

    def _results(self, *args: Any, **kwargs: Any) -> SearchResults:
        raise NotImplementedError

    def _photo_page(
        self,
        vectors: dict[str, np.ndarray],
        colour_weight: float,
        label: str,
        k: int,
        offset: int,
        filters: Filters | None,
        started: float,
        timings: dict[str, float],
        exclude: str | None = None,
    ) -> SearchResults:
        if not 1 <= k <= MAX_K or offset < 0:
            raise QueryError(f"k must be between 1 and {MAX_K} and offset >= 0, got k={k}, offset={offset}")
        if colour_weight < 0:
            raise QueryError(f"colour_weight must be >= 0, got {colour_weight}")
        conditions = to_conditions(filters, self.manifest.fields, self.manifest.vocab)
        weights = {"image": 1.0, "colour": colour_weight if "colour" in vectors else 0.0}
        queries = [
            VectorQuery(name, dense=np.asarray(v, dtype=np.float32).tolist())
            for name, v in vectors.items()
            if weights[name] > 0
        ]
        extra = 1 if exclude else 0

        def fetch(n: int) -> list[Hit]:
            if len(queries) == 1:
                return self.backend.search(queries[0], conditions, n + extra)
            w = [weights[q.using] for q in queries]
            pool = max(100, n + extra)
            return self.backend.search_rrf(queries, w, PHOTO_RRF_K, conditions, n + extra, 0, pool)

        t = time.perf_counter()
        hits = [h for h in stable_page(fetch, offset, k + extra) if h.id != exclude][:k]
        return self._results(label, "image", hits, offset, started, t, timings)

    def search_image(
        self,
        photo: bytes | str | Path,
        k: int = 10,
        offset: int = 0,
        filters: Filters | None = None,
        text: str | None = None,
        text_weight: float = 0.3,
        colour_weight: float = 0.5,
    ) -> SearchResults:
        """Products that look like `photo` (the bytes of an upload, or a path).

        With `text` ("in black") the photo's vector is steered towards the text's,
        (1 - text_weight) * photo + text_weight * text, and the photo's colours no longer count."""
        from modasearch.models.images import open_image

        started = time.perf_counter()
        visual = self.encoders.image
        if visual is None:
            raise QueryError(NO_PHOTOS)
        if not 0 <= text_weight <= 1:
            raise QueryError(f"text_weight must be between 0 and 1, got {text_weight}")
        image = open_image(photo)
        t = time.perf_counter()
        aligned, colour = visual.photo_vectors([image])
        vectors = {"image": aligned[0], "colour": colour[0]}
        label = "photo"
        if text and text.strip():
            steer = visual.embed_texts([self._check(text, "image", k, offset)])[0]
            vectors = {"image": (1 - text_weight) * aligned[0] + text_weight * steer}
            label = f"photo + {text.strip()!r}"
        timings = {"encode": (time.perf_counter() - t) * 1000}
        return self._photo_page(vectors, colour_weight, label, k, offset, filters, started, timings)

    def similar(
        self,
        product_id: str,
        k: int = 10,
        offset: int = 0,
        filters: Filters | None = None,
        colour_weight: float = 0.5,
    ) -> SearchResults:
        """Products whose photos look most like this product's (the product itself left out)."""
        started = time.perf_counter()
        if "image" not in self.modes:
            raise QueryError(NO_PHOTOS)
        pid = point_id(product_id)
        vectors = {
            name: v for name in ("image", "colour") if (v := self.backend.vector(pid, name)) is not None
        }
        if "image" not in vectors:
            why = "has no usable photo" if self.backend.retrieve([pid]) else "is not in the index"
            raise QueryError(f"product {product_id!r} {why}: no similar items to show")
        arrays = {name: np.asarray(v) for name, v in vectors.items()}
        return self._photo_page(
            arrays, colour_weight, f"similar to {product_id}", k, offset, filters, started, {}, pid
        )
