"""Search by photo and similar items: candidates by the `image` vector (what the garment is), re-scored
with the `colour` vector (which colours it has) when the query is a photo, and with the attribute values
the closest candidates agree on (search/consensus.py):
score = cos(image) + colour_weight * cos(colour) + consensus_weight * consensus.
Rank fusion (RRF) of image and colour lists was measured first and gave up too much article-type
consistency for the colour it gained (benchmarks/RESULTS.md)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from modasearch.index.payload import PHOTO_COLOURS, TOP_LEVEL_FIELDS
from modasearch.index.types import Condition, Hit, IndexBackend, VectorQuery
from modasearch.models.colour import parse_hex, swatch_vector
from modasearch.models.images import open_image
from modasearch.search.consensus import OWN_SHARE, consensus_bonus
from modasearch.search.filters import Filters, to_conditions
from modasearch.search.paging import QueryError, check_page, stable_page

if TYPE_CHECKING:
    from modasearch.index.encoding import EncoderSet
    from modasearch.index.manifest import Manifest
    from modasearch.search.results import SearchResults

COLOUR_POOL = 100  # image candidates re-scored with colour and consensus
CONSENSUS_WEIGHT = 0.5  # per attribute field: chosen on the held-out Kaggle products (RESULTS.md)
NO_PHOTOS = "this index has no photo vectors: build it from a catalog with images"


@dataclass(frozen=True)
class PageAsk:
    """One page of results as the ranking steps need it."""

    label: str
    k: int
    offset: int
    filters: Filters | None
    started: float  # time.perf_counter() when the request came in
    exclude: frozenset[str] = frozenset()  # products never shown (the product itself, its variants)
    # similar items: the product's own attribute values, which take `own_share` of the neighbours' vote
    own: Mapping[str, Any] | None = None
    own_share: float = OWN_SHARE


def colour_bonus(backend: IndexBackend, candidates: list[Hit], colour: np.ndarray) -> list[float]:
    stored = backend.vectors([h.id for h in candidates], "colour")
    query = np.asarray(colour, dtype=np.float32)
    return [float(np.dot(query, stored[h.id])) if h.id in stored else 0.0 for h in candidates]


def rescore(candidates: list[Hit], *bonuses: tuple[float, list[float]]) -> list[Hit]:
    """Candidates by score + the sum of weight * bonus, best first (ties by id)."""
    scores = [h.score for h in candidates]
    for weight, bonus in bonuses:
        scores = [s + weight * b for s, b in zip(scores, bonus, strict=True)]
    rescored = [Hit(h.id, s, h.payload) for h, s in zip(candidates, scores, strict=True)]
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
        ask: PageAsk,
        colour_weight: float,
        consensus_weight: float,
        named: tuple[Condition, ...] = (),
        timings: dict[str, float] | None = None,
    ) -> SearchResults:
        """`named`: conditions the steering text names, on top of the caller's filters."""
        check_page(ask.k, ask.offset)
        for name, weight in (("colour_weight", colour_weight), ("consensus_weight", consensus_weight)):
            if weight < 0:
                raise QueryError(f"{name} must be >= 0, got {weight}")
        conditions = to_conditions(ask.filters, self.manifest.fields, self.manifest.vocab) + named
        image = VectorQuery("image", dense=np.asarray(vectors["image"], dtype=np.float32).tolist())
        colour = vectors.get("colour") if colour_weight > 0 else None
        exclude = ask.exclude
        extra = len(exclude)

        def fetch(n: int) -> list[Hit]:
            if colour is None and consensus_weight == 0:
                return self.backend.search(image, conditions, n + extra)
            found = self.backend.search(image, conditions, max(COLOUR_POOL, n + extra))
            candidates = [h for h in found if h.id not in exclude]
            bonuses = []
            if colour is not None:
                bonuses.append((colour_weight, colour_bonus(self.backend, candidates, colour)))
            if consensus_weight:
                bonuses.append((consensus_weight, self._consensus(candidates, ask)))
            return rescore(candidates, *bonuses)[: n + extra]

        t = time.perf_counter()
        page = stable_page(fetch, 0, ask.offset + ask.k + extra)
        hits = [h for h in page if h.id not in exclude][ask.offset : ask.offset + ask.k]
        return self._results(ask.label, "image", hits, ask.offset, ask.started, t, timings or {})

    def _consensus(self, candidates: list[Hit], ask: PageAsk) -> list[float]:
        """Search hits carry no payload: the vote reads the candidates' labels from the index."""
        payloads = {h.id: h.payload for h in self.backend.retrieve([h.id for h in candidates])}
        labelled = [Hit(h.id, h.score, payloads.get(h.id, {})) for h in candidates]
        return consensus_bonus(labelled, self._vote_fields(), own=ask.own, own_share=ask.own_share)

    def _vote_fields(self) -> list[str]:
        """The catalog's keyword attributes (articleType, baseColour, ...), not the engine's own fields."""
        return [
            name
            for name, kind in self.manifest.fields.items()
            if kind == "keyword" and name not in TOP_LEVEL_FIELDS and name != PHOTO_COLOURS
        ]

    def search_image(
        self,
        photo: bytes | str | Path,
        k: int = 10,
        offset: int = 0,
        filters: Filters | None = None,
        text: str | None = None,
        text_weight: float = 0.3,
        colour_weight: float = 0.5,
        consensus_weight: float = CONSENSUS_WEIGHT,
    ) -> SearchResults:
        """Products that look like `photo` (the bytes of an upload, or a path).

        With `text` ("in black") the photo's vector is steered towards the text's,
        (1 - text_weight) * photo + text_weight * text, the photo's colours and its neighbours'
        consensus no longer count, and the attribute values the text names ("black": baseColour Black)
        filter the results, unless that would leave none or the caller filters that field."""
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
            consensus_weight = 0.0  # the text asks to move away from what the photo's neighbours share
        timings = {"encode": (time.perf_counter() - t) * 1000}
        ask = PageAsk(label, k, offset, filters, started)
        return self._photo_page(vectors, ask, colour_weight, consensus_weight, named, timings)

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
