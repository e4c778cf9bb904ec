"""Search by photo and similar items: candidates by the `image` vector (what the garment is), re-scored
with the `colour` vector (which colours it has) when the query is a photo:
score = cos(image) + colour_weight * cos(colour). Rank fusion (RRF) of the two lists was measured
first and gave up too much article-type consistency for the colour it gained (benchmarks/RESULTS.md)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from modasearch.index.types import Condition, Hit, IndexBackend, VectorQuery
from modasearch.models.colour import parse_hex, swatch_vector
from modasearch.models.images import open_image
from modasearch.search.filters import Filters, to_conditions
from modasearch.search.paging import QueryError, check_page, stable_page

if TYPE_CHECKING:
    from modasearch.index.encoding import EncoderSet
    from modasearch.index.manifest import Manifest
    from modasearch.search.results import SearchResults

COLOUR_POOL = 100  # image candidates re-scored with colour
NO_PHOTOS = "this index has no photo vectors: build it from a catalog with images"


def rescore_by_colour(
    backend: IndexBackend, candidates: list[Hit], colour: np.ndarray, weight: float
) -> list[Hit]:
    stored = backend.vectors([h.id for h in candidates], "colour")
    query = np.asarray(colour, dtype=np.float32)

    def score(hit: Hit) -> float:
        vector = stored.get(hit.id)
        return hit.score + (weight * float(np.dot(query, vector)) if vector is not None else 0.0)

    rescored = [Hit(h.id, score(h), h.payload) for h in candidates]
    return sorted(rescored, key=lambda h: (-h.score, h.id))


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

    if TYPE_CHECKING:  # from StagedSearch, later in Engine's bases (a stub here would shadow it)

        def named_conditions(self, text: str, filters: Filters | None) -> tuple[Condition, ...]: ...

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
        exclude: frozenset[str] = frozenset(),
        named: tuple[Condition, ...] = (),
    ) -> SearchResults:
        """`named`: conditions the steering text names, on top of `filters`."""
        check_page(k, offset)
        if colour_weight < 0:
            raise QueryError(f"colour_weight must be >= 0, got {colour_weight}")
        conditions = to_conditions(filters, self.manifest.fields, self.manifest.vocab) + named
        image = VectorQuery("image", dense=np.asarray(vectors["image"], dtype=np.float32).tolist())
        colour = vectors.get("colour") if colour_weight > 0 else None
        extra = len(exclude)

        def fetch(n: int) -> list[Hit]:
            if colour is None:
                return self.backend.search(image, conditions, n + extra)
            candidates = self.backend.search(image, conditions, max(COLOUR_POOL, n + extra))
            return rescore_by_colour(self.backend, candidates, colour, colour_weight)[: n + extra]

        t = time.perf_counter()
        hits = [h for h in stable_page(fetch, 0, offset + k + extra) if h.id not in exclude][
            offset : offset + k
        ]
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
        (1 - text_weight) * photo + text_weight * text, the photo's colours no longer count, and the
        attribute values the text names ("black": baseColour Black) filter the results, unless that
        would leave none or the caller filters that field."""
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
        named: tuple[Condition, ...] = ()
        if text and text.strip():
            steer = visual.embed_texts([self._check(text, "image", k, offset)])[0]
            vectors = {"image": (1 - text_weight) * aligned[0] + text_weight * steer}
            label = f"photo + {text.strip()!r}"
            named = self.named_conditions(text, filters)
        timings = {"encode": (time.perf_counter() - t) * 1000}
        return self._photo_page(
            vectors, colour_weight, label, k, offset, filters, started, timings, named=named
        )

    def search_colour(
        self, colour: str, k: int = 10, offset: int = 0, filters: Filters | None = None
    ) -> SearchResults:
        """Products whose garment colours are perceptually closest (CIEDE2000) to a swatch ("#1f2a44")."""
        started = time.perf_counter()
        if "image" not in self.modes:
            raise QueryError(NO_PHOTOS)
        check_page(k, offset)
        try:
            rgb = parse_hex(colour)
        except ValueError as exc:
            raise QueryError(str(exc)) from None
        conditions = to_conditions(filters, self.manifest.fields, self.manifest.vocab)
        query = VectorQuery("colour", dense=swatch_vector(rgb).tolist())
        t = time.perf_counter()
        hits = stable_page(lambda n: self.backend.search(query, conditions, n), offset, k)
        return self._results(f"colour {colour}", "colour", hits, offset, started, t, {})
