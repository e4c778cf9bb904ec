"""The public entry point: build or open an index, keep it up to date, and run searches on it.

engine = Engine.build(catalog, "my-index")
engine = Engine.open("my-index")
engine.run(SearchRequest(query="black hoodie", filters={"index_group": "Menswear"}))
engine.search("black hoodie", k=10, mode="bm25")   # the same, options by their flat names

`Engine` holds the lifecycle (build, open, add, delete, close) and runs pipelines of stages
(search/pipeline.py); what a search reads besides the engine is one `IndexState` snapshot, which
writers replace as a whole.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from modasearch.catalog.product import Catalog, Product
from modasearch.catalog.text import product_text
from modasearch.index.build import BuildStats, Progress, build_index, ensure_text_indexes, index_products
from modasearch.index.encoding import EncoderSet
from modasearch.index.lexicon import count_words, load_lexicon, save_lexicon
from modasearch.index.lock import IndexLock, held_unless_failed
from modasearch.index.manifest import Manifest
from modasearch.index.payload import (
    PHOTO_COLOURS,
    TEXT_FIELD,
    VOCAB_LIMIT,
    field_kinds,
    from_payload,
    payload_key,
)
from modasearch.index.store import open_backend, recover
from modasearch.index.thumbnails import remove_thumbnail, thumbnail_path
from modasearch.index.types import Condition, Hit, IndexBackend, point_id
from modasearch.models.bm25 import average_length
from modasearch.models.builtin import DEFAULT_DENSE, DEFAULT_SPARSE
from modasearch.models.colour import PALETTE_NAMES
from modasearch.models.spec import EncoderSpec
from modasearch.models.visual import DEFAULT_ALIGNER
from modasearch.search.arrange import Arrangement
from modasearch.search.context import Context
from modasearch.search.facets import FacetResult, facet_counts
from modasearch.search.filters import Filters
from modasearch.search.paging import QueryError
from modasearch.search.pipeline import TEXT, run
from modasearch.search.request import Page, SearchRequest, from_flat
from modasearch.search.rerank import candidate_features
from modasearch.search.results import SearchResults
from modasearch.search.stages import (
    Ranker,
    candidate_pool,
    check_request,
    check_text,
    encode,
    fuse,
    hydrate,
    load_ranker,
    resolve,
    retrieve,
    settle_filter,
    understand,
)
from modasearch.search.state import IndexState
from modasearch.search.suggest import Suggestion, suggest

MODES: tuple[str, ...] = ("bm25", "splade", "dense", "hybrid")
WRITING = ".writing"  # beside the manifest while a write runs


@dataclass(frozen=True)
class EngineConfig:
    """Which models an index is built with. None leaves that retriever out."""

    dense_model: str | None = DEFAULT_DENSE
    sparse_model: str | None = DEFAULT_SPARSE
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    batch_size: int = 256
    image_model: str | None = DEFAULT_ALIGNER  # used when the catalog has photos
    # dense vectors per product: its views (title + attributes; title + each part of the description),
    # scored by the nearest, instead of one vector over all of it (benchmarks/RESULTS.md, dense views)
    dense_views: bool = True


def _encoder_ref(spec: Mapping[str, Any]) -> str:
    return str(spec["source"])


class Engine:
    def __init__(
        self,
        directory: Path,
        manifest: Manifest,
        backend: IndexBackend,
        encoders: EncoderSet,
        lock: IndexLock | None = None,
    ) -> None:
        self.directory = directory
        self.manifest = manifest
        self.backend = backend
        self.encoders = encoders
        self.lock = lock
        self.build_stats: BuildStats | None = None
        self._write_lock = threading.RLock()
        self._lexicon = load_lexicon(directory, backend)
        self._state = IndexState.of(manifest, backend, self._modes(), self._lexicon)

    # ---- lifecycle -------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        catalog: Catalog,
        directory: str | Path,
        config: EngineConfig | None = None,
        server: str | None = None,
        progress: Progress | None = None,
    ) -> Engine:
        """Index `catalog` into `directory` (replacing any index there only once the build succeeded)."""
        config = config or EngineConfig()
        texts = [product_text(p, catalog.text_attributes) for p in catalog.products]
        bm25 = {"k1": config.bm25_k1, "b": config.bm25_b, "avg_len": average_length(texts)}
        image = config.image_model if any(p.image for p in catalog.products) else None
        encoders = EncoderSet.load(
            config.dense_model, config.sparse_model, bm25, image, dense_views=config.dense_views
        )
        directory = Path(directory).resolve()
        with held_unless_failed(directory, take=server is None) as lock:  # not under a running server
            manifest, stats = build_index(catalog, directory, encoders, server, config.batch_size, progress)
            backend = open_backend(directory, manifest)
            engine = cls(directory, manifest, backend, encoders, lock)  # models stay loaded
        engine.build_stats = stats
        return engine

    @classmethod
    def open(
        cls, directory: str | Path, dense_model: str | None = None, sparse_model: str | None = None
    ) -> Engine:
        """Open an index; overriding a model is allowed only if it is the one the index was built with.
        Models load when a search first needs them (a keyword search needs none)."""
        directory = Path(directory).resolve()
        recover(directory)
        manifest = Manifest.load(directory)
        with held_unless_failed(directory, take=manifest.backend.get("kind") == "edge") as lock:
            return cls._opened(directory, manifest, lock, dense_model, sparse_model)

    @classmethod
    def _opened(
        cls,
        directory: Path,
        manifest: Manifest,
        lock: IndexLock | None,
        dense_model: str | None,
        sparse_model: str | None,
    ) -> Engine:
        specs = manifest.encoders
        dense_ref = dense_model or (_encoder_ref(specs["dense"]) if "dense" in specs else None)
        sparse_ref = sparse_model or (_encoder_ref(specs["splade"]) if "splade" in specs else None)
        image_ref = _encoder_ref(specs["image"]) if "image" in specs else None

        def check(role: str, spec: EncoderSpec) -> None:
            manifest.check_encoder(role, spec.name, spec.version)

        views = bool(manifest.settings.get("dense_views", False))
        encoders = EncoderSet.load(dense_ref, sparse_ref, specs["bm25"]["settings"], image_ref, check, views)
        for role, spec in encoders.text_specs().items():  # without loading the models
            check(role, spec)
        backend = open_backend(directory, manifest)
        ensure_text_indexes(backend, manifest, directory)
        engine = cls(directory, manifest, backend, encoders, lock)
        if (directory / WRITING).exists() or manifest.counts.get("products") != backend.count():
            engine.reconcile()
        return engine

    def close(self) -> None:
        self.backend.close()
        self.encoders.close()
        if self.lock is not None:
            self.lock.release()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self.backend.count()

    def _modes(self) -> list[str]:
        return [*self.encoders.roles(), "hybrid"]

    @property
    def modes(self) -> list[str]:
        return list(self._state.modes)

    @property
    def state(self) -> IndexState:
        """The current snapshot; a search reads the one it started with throughout."""
        return self._state

    def facet_fields(self) -> list[str]:
        return list(self._state.facet_fields)

    # ---- search ----------------------------------------------------------------------------
    def run(self, request: SearchRequest) -> SearchResults:
        """Run one request through the pipeline its inputs call for."""
        ctx = self.context(request)
        run(ctx)
        assert ctx.results is not None
        ctx.results.request = ctx.request
        return ctx.results

    def context(self, request: SearchRequest) -> Context:
        return Context(resolve(request), self._state, self.backend, self.encoders)

    def search(self, query: str, arrange: Arrangement | None = None, **options: Any) -> SearchResults:
        """Text search; `options` by their flat names (`search.request.FLAT`: mode, k, offset, filters,
        fusion, weights, rrf_k, candidates, understand, spelling, rerank, collapse, sort_by, ..., preset),
        unset ones from the preset. `arrange` sets the whole arrangement at once."""
        request = from_flat({"query": query, **options})
        if arrange is not None:
            request = dataclasses.replace(request, arrangement=arrange)
        return self.run(request)

    def search_image(
        self, photo: bytes | str | Path, text: str | None = None, **options: Any
    ) -> SearchResults:
        """Products that look like `photo` (the bytes of an upload, or a path); `text` ("in black")
        steers it (see search/photos.py)."""
        return self.run(from_flat({"photo": photo, "query": text or "", **options}))

    def similar(self, product_id: str, by: str | None = None, **options: Any) -> SearchResults:
        """Products like this one: by its photo (`by="image"`), its text, both ("fused"), or the
        photo when it has one ("auto"); its own colour variants are left out unless `variants=True`."""
        return self.run(from_flat({"similar_to": product_id, "similar_by": by, **options}))

    def search_colour(self, colour: str, **options: Any) -> SearchResults:
        """Products whose garment colours are perceptually closest (CIEDE2000) to a swatch."""
        return self.run(from_flat({"colour": colour, **options}))

    def facets(
        self,
        query: str | None = None,
        fields: Sequence[str] | None = None,
        filters: Filters | None = None,
        limit: int = 20,
    ) -> FacetResult:
        """Counts per value of each field over the products matching `query` and `filters`."""
        state = self._state
        text = " ".join(query.split()) if isinstance(query, str) else ""
        if len(text) > 1000:
            raise QueryError(f"the query is {len(text)} characters long; the limit is 1000")

        def ranked() -> list[str]:
            request = SearchRequest(query=text, filters=filters, facets=None)
            ctx = self.context(request)
            for stage in TEXT[:-2]:  # the first tier is enough: no page, no payloads
                stage(ctx)
            return [h.id for h in ctx.ranking[: ctx.request.retrieval.candidates]]

        return facet_counts(state, self.backend, text, filters, fields, limit, ranked)

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        return suggest(self._state, self.backend, prefix, limit)

    def candidate_features(self, request: SearchRequest) -> tuple[list[str], np.ndarray]:
        """The first tier of a text request as its ranker sees it, before re-ranking: (product ids,
        features). For training rankers on the pipeline they will re-rank."""
        ctx = self.context(request)
        for stage in (check_request, check_text, understand, encode):
            stage(ctx)
        if ctx.proposed:
            settle_filter(ctx, ctx.proposed)
        lists = retrieve(ctx, ctx.request.retrieval.candidates or 100) if ctx.queries else {}
        ids, payloads = candidate_pool(ctx, fuse(ctx, lists))
        products = [str(payloads[d].get("product_id")) for d in ids]
        features = candidate_features(ids, lists, payloads, ctx.parse, ctx.retrieval_text, ctx.state.roles)
        return products, features

    def ranker(self, ref: str) -> Ranker:
        return load_ranker(ref)

    def results_of(self, label: str, mode: str, hits: Sequence[Hit], started: float) -> SearchResults:
        """Ranked point ids as search results (recommendations and complete-the-look use this)."""
        request = SearchRequest(page=Page(k=max(1, len(hits))))
        ctx = Context(request, self._state, self.backend, self.encoders, started, label=label, mode=mode)
        ctx.page = list(hits)
        hydrate(ctx)
        assert ctx.results is not None
        return ctx.results

    def conditions(self, filters: Filters | None) -> tuple[Condition, ...]:
        return self._state.conditions(filters)

    # ---- products --------------------------------------------------------------------------
    def thumbnail(self, product_id: str) -> Path | None:
        """The index's copy of the product's photo, if it has one."""
        path = thumbnail_path(self.directory, product_id)
        return path if path.is_file() else None

    def photo_count(self) -> int:
        """Products with a usable photo, as the engine holds them now."""
        if "image" not in self.modes:
            return 0
        return self.backend.count((Condition(PHOTO_COLOURS, any_of=tuple(PALETTE_NAMES)),))

    def get(self, product_id: str) -> Product | None:
        found = self.backend.retrieve([point_id(product_id)])
        return from_payload(found[0].payload) if found else None

    def add(
        self,
        products: Sequence[Product],
        progress: Progress | None = None,
        image_root: str | Path | None = None,
        photo_issues: dict[str, str] | None = None,
    ) -> int:
        """Add or replace products (same id = update). New attribute fields become filterable, new
        values are understood and suggested from the next request on. Relative photo paths resolve
        against `image_root` (the added catalog's folder; default: the indexed catalog's); a photo
        that cannot be used is recorded in `photo_issues` (product id -> why)."""
        if not products:
            return 0
        with self._write_lock, self._journal():
            manifest = copy.deepcopy(self.manifest)
            replaced = self.backend.retrieve([point_id(p.id) for p in products])
            self._lexicon.subtract(count_words(str(h.payload.get(TEXT_FIELD, "")) for h in replaced))
            text_attributes = manifest.catalog.get("text_attributes", [])
            self._lexicon.update(count_words(product_text(p, text_attributes) for p in products))
            index_products(
                self.backend,
                self.encoders,
                products,
                manifest.catalog.get("text_attributes", []),
                progress=progress,
                image_root=str(image_root) if image_root is not None else manifest.catalog.get("root"),
                photo_issues=photo_issues,
                index_dir=self.directory,
            )
            for name, kind in field_kinds(products).items():
                if name not in manifest.fields:
                    manifest.fields[name] = kind
                    self.backend.create_payload_index(payload_key(name), kind)
            self._commit(manifest)
        return len(products)

    def delete(self, product_ids: Iterable[str]) -> int:
        """Remove products; returns how many existed. Deleted products, and values no product holds
        any more, are never returned again."""
        product_ids = list(product_ids)
        with self._write_lock, self._journal():
            found = self.backend.retrieve([point_id(p) for p in product_ids])
            existing = [h.id for h in found]
            if existing:
                self._lexicon.subtract(count_words(str(h.payload.get(TEXT_FIELD, "")) for h in found))
                self.backend.delete(existing)
                for product_id in product_ids:
                    remove_thumbnail(self.directory, product_id)
                self._commit(copy.deepcopy(self.manifest))
        return len(existing)

    @contextlib.contextmanager
    def _journal(self) -> Iterator[None]:
        """A marker beside the manifest while a write runs: if the process dies mid-write, the next
        open re-reads the manifest from what the engine holds (`reconcile`)."""
        marker = self.directory / WRITING
        marker.touch()
        try:
            yield
        except BaseException:
            self.reconcile()  # whatever of the write reached the engine is known to filters
            raise
        marker.unlink(missing_ok=True)

    def reconcile(self) -> None:
        """The manifest and lexicon re-read from the engine: fields, values, counts (after a write
        that did not finish, nothing searchable is unknown to filters and no count is off)."""
        with self._write_lock:
            manifest = copy.deepcopy(self.manifest)
            hits = self.backend.scroll((), max(1, self.backend.count()), ["attributes", TEXT_FIELD])
            held = [Product(h.id, "-", attributes=dict(h.payload.get("attributes") or {})) for h in hits]
            for name, kind in field_kinds(held).items():
                if name not in manifest.fields:
                    manifest.fields[name] = kind
                    self.backend.create_payload_index(payload_key(name), kind)
            self._lexicon = count_words(str(h.payload.get(TEXT_FIELD, "")) for h in hits)
            self._commit(manifest)
            (self.directory / WRITING).unlink(missing_ok=True)

    def _commit(self, manifest: Manifest) -> None:
        """The values each field holds now, read from the engine; then save and swap the snapshot."""
        for name, kind in manifest.fields.items():
            if kind == "keyword" and name != "group_id" and name != PHOTO_COLOURS:
                values = self.backend.facet(payload_key(name), (), VOCAB_LIMIT)
                manifest.vocab[name] = [str(v) for v, _ in values]
        manifest.revision += 1
        manifest.counts["products"] = self.backend.count()
        manifest.counts["photos"] = self.photo_count()
        self._lexicon = +self._lexicon  # words no product holds any more: gone
        save_lexicon(self.directory, self._lexicon)
        manifest.save(self.directory)
        self.manifest = manifest
        self._state = IndexState.of(manifest, self.backend, self._modes(), self._lexicon)


__all__ = ["MODES", "Engine", "EngineConfig"]
