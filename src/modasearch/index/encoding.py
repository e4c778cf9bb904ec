"""The encoders of one index, by role: `bm25`, `splade`, `dense` (text) and `image` (photos, and
text queries aligned to them)."""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from modasearch.index.vector_cache import VectorCache
from modasearch.models.bm25 import Bm25Encoder
from modasearch.models.onnx_text import SparseVec
from modasearch.models.registry import (
    DenseEncoder,
    ImageModel,
    SparseEncoder,
    load_encoder,
    load_image_model,
    resolve_model_dir,
)
from modasearch.models.spec import EncoderSpec

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


class EncoderSet:
    """The encoders of one index by role. Neural models load on first use, so a command that needs
    only BM25 never pays for them; `check` (the manifest's) runs on each model as it loads."""

    def __init__(
        self,
        bm25: Bm25Encoder,
        dense: str | None = None,
        splade: str | None = None,
        image: str | None = None,
        check: Callable[[str, Any], None] | None = None,
        dense_views: bool = False,
    ) -> None:
        self.bm25 = bm25
        self.dense_views = dense_views  # a product's dense vectors: its views (catalog/text.py)
        self.refs = {"dense": dense, "splade": splade, "image": image}
        self.check = check
        self.seconds: dict[str, float] = defaultdict(float)
        self._models: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._cache = LruCache(query_cache_size())
        self._pool: ThreadPoolExecutor | None = None
        self.vector_cache = VectorCache.from_env()

    @classmethod
    def load(
        cls,
        dense: str | None,
        splade: str | None,
        bm25_settings: dict[str, Any],
        image: str | None = None,
        check: Callable[[str, Any], None] | None = None,
        dense_views: bool = False,
    ) -> EncoderSet:
        return cls(Bm25Encoder(**bm25_settings), dense, splade, image, check, dense_views)

    def _model(self, role: str) -> Any:
        ref = self.refs[role]
        if ref is None:
            return None
        with self._lock:
            if role not in self._models:
                if role == "image":
                    model: Any = load_image_model(ref, self._text_model())
                else:
                    model = load_encoder(ref, "dense" if role == "dense" else "sparse")
                if self.check is not None:
                    self.check(role, model.spec)
                self._models[role] = model
            return self._models[role]

    def _text_model(self) -> Any:
        """The dense model, for an aligner that reuses it (called with the lock held)."""
        ref = self.refs["dense"]
        if ref is None:
            return None
        if "dense" not in self._models:
            model = load_encoder(ref, "dense")
            if self.check is not None:
                self.check("dense", model.spec)
            self._models["dense"] = model
        return self._models["dense"]

    @property
    def dense(self) -> DenseEncoder | None:
        return self._model("dense")

    @property
    def splade(self) -> SparseEncoder | None:
        return self._model("splade")

    @property
    def image(self) -> ImageModel | None:
        return self._model("image")

    def text_specs(self) -> dict[str, EncoderSpec]:
        """The text models' frozen descriptions, read without loading the models."""
        kinds = {"dense": "dense", "splade": "sparse"}
        return {
            role: EncoderSpec.load(resolve_model_dir(ref, kinds[role]))  # type: ignore[arg-type]
            for role, ref in self.refs.items()
            if ref is not None and role in kinds
        }

    def loaded(self) -> list[str]:
        return ["bm25", *self._models]

    def roles(self) -> list[str]:
        return [r for r in ROLES if r == "bm25" or self.refs[r] is not None]

    def specs(self) -> dict[str, dict[str, Any]]:
        specs: dict[str, dict[str, Any]] = {}
        for role in self.roles():
            encoder = getattr(self, role)
            specs[role] = encoder.spec.to_dict()
        specs["bm25"]["settings"] = self.bm25.settings()
        return specs

    def encode_documents(self, texts: Sequence[str], dense: bool = True) -> EncodedBatch:
        dense_vectors = self.encode_texts("dense", texts) if dense and self.dense else None
        return EncodedBatch(
            dense=np.asarray(dense_vectors, dtype=np.float32) if dense_vectors is not None else None,
            splade=self.encode_texts("splade", texts) if self.splade else None,
            bm25=self._timed("bm25", self.bm25.encode_document, texts),
        )

    def encode_texts(self, role: str, texts: Sequence[str]) -> list[Any]:
        """Document vectors of one neural role, through the vector cache when one is configured."""
        model = getattr(self, role)
        encode = model.encode_document
        if self.vector_cache is None:
            return list(self._timed(role, encode, texts))
        name = f"{role}:{model.spec.name}@{model.spec.version}"
        return self.vector_cache.encode(
            name, list(texts), lambda missing: self._timed(role, encode, missing), role == "splade"
        )

    def _timed(self, role: str, fn: Any, texts: Sequence[str]) -> Any:
        start = time.perf_counter()
        out = fn(list(texts))
        self.seconds[role] += time.perf_counter() - start
        return out

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
                pending[role] = self.pool.submit(self._timed_query, text, role)
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

    @property
    def pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(2)
            return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)

    def _timed_query(self, text: str, role: str) -> tuple[QueryVector, float]:
        start = time.perf_counter()
        vector = self.encode_query(text, role)
        return vector, (time.perf_counter() - start) * 1000
