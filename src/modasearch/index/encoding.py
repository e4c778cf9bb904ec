"""The encoders of one index, by role: `bm25`, `splade`, `dense` (text) and `image` (photos, and
text queries aligned to them)."""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from modasearch.models.bm25 import Bm25Encoder
from modasearch.models.onnx_text import SparseVec
from modasearch.models.registry import DenseEncoder, ImageModel, SparseEncoder, load_encoder, load_image_model

ROLES = ("bm25", "splade", "dense", "image")
TEXT_ROLES = ("bm25", "splade", "dense")
QueryVector = np.ndarray | SparseVec


def query_cache_size() -> int:
    """Recent query vectors kept (MODASEARCH_QUERY_CACHE, default 4096; 0 turns the cache off)."""
    return max(0, int(os.environ.get("MODASEARCH_QUERY_CACHE", "4096")))


class LruCache:
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


@dataclass
class EncodedBatch:
    dense: np.ndarray | None
    splade: list[SparseVec] | None
    bm25: list[SparseVec]


@dataclass
class EncoderSet:
    bm25: Bm25Encoder
    splade: SparseEncoder | None = None
    dense: DenseEncoder | None = None
    image: ImageModel | None = None
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    _cache: LruCache = field(default_factory=lambda: LruCache(query_cache_size()), repr=False)
    _pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(2), repr=False)

    @classmethod
    def load(
        cls, dense: str | None, splade: str | None, bm25_settings: dict[str, Any], image: str | None = None
    ) -> EncoderSet:
        dense_encoder = load_encoder(dense, "dense") if dense else None
        return cls(
            bm25=Bm25Encoder(**bm25_settings),
            splade=load_encoder(splade, "sparse") if splade else None,  # type: ignore[arg-type]
            dense=dense_encoder,  # type: ignore[arg-type]
            image=load_image_model(image, dense_encoder) if image else None,
        )

    def roles(self) -> list[str]:
        return [r for r in ROLES if getattr(self, r) is not None]

    def specs(self) -> dict[str, dict[str, Any]]:
        specs: dict[str, dict[str, Any]] = {}
        for role in self.roles():
            encoder = getattr(self, role)
            specs[role] = encoder.spec.to_dict()
        specs["bm25"]["settings"] = self.bm25.settings()
        return specs

    def encode_documents(self, texts: Sequence[str]) -> EncodedBatch:
        def timed(role: str, fn: Any) -> Any:
            start = time.perf_counter()
            out = fn(list(texts))
            self.seconds[role] += time.perf_counter() - start
            return out

        return EncodedBatch(
            dense=timed("dense", self.dense.encode_document) if self.dense else None,
            splade=timed("splade", self.splade.encode_document) if self.splade else None,
            bm25=timed("bm25", self.bm25.encode_document),
        )

    def encode_query(self, text: str, role: str) -> QueryVector:
        encoder = getattr(self, role, None)
        if encoder is None:
            raise ValueError(f"this index has no {role} encoder")
        vector: QueryVector = encoder.encode_query([text])[0]
        return vector

    def encode_queries(
        self, text: str, roles: Sequence[str]
    ) -> tuple[dict[str, QueryVector], dict[str, float]]:
        """Vectors for every role (neural encoders side by side on the two cores), with milliseconds
        per role. Recent queries come from a cache: shoppers repeat themselves."""
        vectors: dict[str, QueryVector] = {}
        timings: dict[str, float] = {}
        pending = {}
        for role in roles:
            cached = self._cache.get((role, text))
            if cached is not None:
                vectors[role], timings[role] = cached, 0.0
            elif role == "bm25" or len(roles) == 1:
                vectors[role], timings[role] = self._timed_query(text, role)
            else:
                pending[role] = self._pool.submit(self._timed_query, text, role)
        for role, future in pending.items():
            vectors[role], timings[role] = future.result()
        for role in roles:
            self._cache.put((role, text), vectors[role])
        return vectors, timings

    def encode_photos(self, images: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
        """(aligned photo vectors, colour vectors)."""
        if self.image is None:
            raise ValueError("this index has no image encoder")
        start = time.perf_counter()
        vectors = self.image.photo_vectors(images)
        self.seconds["image"] += time.perf_counter() - start
        return vectors

    def clear_cache(self) -> None:
        self._cache = LruCache(self._cache.size)

    def close(self) -> None:
        self._pool.shutdown(wait=False)

    def _timed_query(self, text: str, role: str) -> tuple[QueryVector, float]:
        start = time.perf_counter()
        vector = self.encode_query(text, role)
        return vector, (time.perf_counter() - start) * 1000
