"""The public entry point: build or open an index, then search it.

engine = Engine.build(catalog, "my-index")
engine = Engine.open("my-index")
engine.search("black hoodie", mode="hybrid", k=10, filters={"index_group": "Menswear"})
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from modasearch.catalog.product import Catalog, Product
from modasearch.catalog.text import product_text
from modasearch.index.build import BuildStats, Progress, build_index, ensure_text_indexes, index_products
from modasearch.index.encoding import EncoderSet
from modasearch.index.manifest import Manifest
from modasearch.index.payload import field_kinds, from_payload, payload_key, vocabulary
from modasearch.index.store import open_backend, recover
from modasearch.index.thumbnails import remove_thumbnail, thumbnail_path
from modasearch.index.types import Hit, IndexBackend, VectorQuery, point_id
from modasearch.models.bm25 import average_length
from modasearch.models.builtin import DEFAULT_DENSE, DEFAULT_SPARSE
from modasearch.models.onnx_text import SparseVec
from modasearch.models.visual import DEFAULT_ALIGNER
from modasearch.search.arrange import Arrangement, Arranging
from modasearch.search.facets import FacetSearch
from modasearch.search.filters import Filters, to_conditions
from modasearch.search.fusion import weighted_score_fusion
from modasearch.search.paging import QueryError, check_page, clean_query, stable_page
from modasearch.search.rerank import PRIOR
from modasearch.search.results import SearchHit, SearchResults
from modasearch.search.similar import SimilarItems
from modasearch.search.staged import FILTERING, StagedSearch, Understand
from modasearch.search.suggest import Suggestions

Mode = Literal["bm25", "splade", "dense", "hybrid"]
FusionMethod = Literal["rrf", "score"]
MODES: tuple[str, ...] = ("bm25", "splade", "dense", "hybrid")


@dataclass(frozen=True)
class EngineConfig:
    """Which models an index is built with. None leaves that retriever out."""

    dense_model: str | None = DEFAULT_DENSE
    sparse_model: str | None = DEFAULT_SPARSE
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    batch_size: int = 256
    image_model: str | None = DEFAULT_ALIGNER  # used when the catalog has photos


def _encoder_ref(spec: Mapping[str, Any]) -> str:
    return str(spec["source"])


class Engine(SimilarItems, FacetSearch, Suggestions, StagedSearch, Arranging):
    def __init__(
        self, directory: Path, manifest: Manifest, backend: IndexBackend, encoders: EncoderSet
    ) -> None:
        self.directory = directory
        self.manifest = manifest
        self.backend = backend
        self.encoders = encoders
        self.build_stats: BuildStats | None = None

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
        encoders = EncoderSet.load(config.dense_model, config.sparse_model, bm25, image)
        directory = Path(directory).resolve()
        manifest, stats = build_index(catalog, directory, encoders, server, config.batch_size, progress)
        engine = cls(directory, manifest, open_backend(directory, manifest), encoders)  # models stay loaded
        engine.build_stats = stats
        return engine

    @classmethod
    def open(
        cls, directory: str | Path, dense_model: str | None = None, sparse_model: str | None = None
    ) -> Engine:
        """Open an index; overriding a model is allowed only if it is the one the index was built with."""
        directory = Path(directory).resolve()
        recover(directory)
        manifest = Manifest.load(directory)
        specs = manifest.encoders
        dense_ref = dense_model or (_encoder_ref(specs["dense"]) if "dense" in specs else None)
        sparse_ref = sparse_model or (_encoder_ref(specs["splade"]) if "splade" in specs else None)
        image_ref = _encoder_ref(specs["image"]) if "image" in specs else None
        encoders = EncoderSet.load(dense_ref, sparse_ref, specs["bm25"]["settings"], image_ref)
        for role in ("dense", "splade", "image"):
            encoder = getattr(encoders, role)
            if encoder is not None:
                manifest.check_encoder(role, encoder.spec.name, encoder.spec.version)
        backend = open_backend(directory, manifest)
        ensure_text_indexes(backend, manifest, directory)
        return cls(directory, manifest, backend, encoders)

    def close(self) -> None:
        self.backend.close()
        self.encoders.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self.backend.count()

    @property
    def modes(self) -> list[str]:
        return [*self.encoders.roles(), "hybrid"]

    # ---- search ----------------------------------------------------------------------------
    def _check(self, query: str, mode: str, k: int, offset: int) -> str:
        text = clean_query(query)
        if mode not in self.modes:
            raise QueryError(f"unknown or unavailable mode {mode!r}; this index supports {self.modes}")
        check_page(k, offset)
        return text

    @staticmethod
    def _vector_query(role: str, vector: np.ndarray | SparseVec) -> VectorQuery | None:
        if isinstance(vector, SparseVec):
            return VectorQuery(role, sparse=vector) if vector.indices else None
        return VectorQuery(role, dense=np.asarray(vector).tolist())

    def search(
        self,
        query: str,
        mode: Mode | str = "hybrid",
        k: int = 10,
        offset: int = 0,
        filters: Filters | None = None,
        fusion: FusionMethod = "rrf",
        weights: Mapping[str, float] | None = None,
        rrf_k: int = 60,
        candidates: int = 100,
        explain: bool = False,
        understand: Understand | str = "off",
        rerank: str | None = None,
        arrange: Arrangement | None = None,
    ) -> SearchResults:
        """One page of results.

        `filters` run inside the engine (see `search.filters`); `fusion="rrf"` fuses the hybrid
        retrievers in the engine with weighted RRF (`rrf_k`), `fusion="score"` sums min-max-normalised
        scores; `weights` (per retriever, default 1) apply to both; `candidates` is how many results
        each retriever contributes; `explain` adds every retriever's own score to each hit.
        `understand` parses the attribute values the query names and uses them as filters ("filter")
        or as ranking features ("boost"); `rerank` re-scores the fused candidates with a ranker
        ("fashion-rank", the shipped one; "prior"; a `train ranker` folder; or a cross-encoder:
        an exported folder or a hub id such as cross-encoder/ms-marco-MiniLM-L-6-v2). `arrange` collapses
        variants, sorts by a number among the relevant results, or diversifies (see `Arrangement`).
        """
        started = time.perf_counter()
        text = self._check(query, mode, k, offset)
        conditions = to_conditions(filters, self.manifest.fields, self.manifest.vocab)
        arranging = arrange is not None and arrange.active
        if arrange is not None:
            self.check_arrangement(arrange)
        parse = self.understand(text, understand)
        if parse is not None and understand in FILTERING:
            conditions = self.parsed_conditions(parse, filters, conditions, understand)
        ranker = self.ranker(rerank) if rerank else PRIOR if understand in ("boost", "category") else None
        roles = self.encoders.roles() if mode == "hybrid" else [mode]
        if mode == "hybrid":  # photos join the text retrievers only when given a weight
            roles = [r for r in roles if r != "image" or (weights or {}).get("image", 0) > 0]
        unknown = set(weights or {}) - set(self.encoders.roles())
        if unknown:
            raise QueryError(
                f"weights name unknown retrievers {sorted(unknown)}; use {self.encoders.roles()}"
            )
        weights = {r: float((weights or {}).get(r, 1.0)) for r in roles}
        if any(w < 0 for w in weights.values()):
            raise QueryError(f"weights must be >= 0, got {weights}")
        roles = [r for r in roles if weights[r] > 0]
        retrieval_text = parse.corrected if parse else text
        queries, timings = self._query_vectors(retrieval_text, roles)
        t = time.perf_counter()
        pool = max(candidates, offset + k)

        def fetch(n: int) -> list[Hit]:
            if not queries:
                return []
            if len(queries) == 1:
                return self.backend.search(queries[0], conditions, n)
            if fusion == "rrf":
                w = [weights[q.using] for q in queries]
                return self.backend.search_rrf(queries, w, rrf_k, conditions, n, 0, pool)
            if fusion == "score":
                return self._score_fusion(queries, weights, conditions, pool)[:n]
            raise QueryError(f"unknown fusion {fusion!r}; use 'rrf' or 'score'")

        if ranker is not None and queries:
            hits = self.reranked(retrieval_text, queries, weights, conditions, pool, parse, ranker)
            hits = (self.arranged(hits, arrange) if arrange is not None and arranging else hits)[
                offset : offset + k
            ]
        elif arrange is not None and arranging:
            deep = sorted(fetch(max(pool, arrange.relevant)), key=lambda h: (-h.score, h.id))
            hits = self.arranged(deep, arrange)[offset : offset + k]
        else:
            hits = stable_page(fetch, offset, k)
        explained = self._explain(queries, conditions, pool) if explain else None
        results = self._results(text, mode, hits, offset, started, t, timings, queries, explained)
        results.parse = parse.to_dict() if parse is not None and explain else None
        return results

    def candidate_features(
        self, query: str, understand: Understand | str = "boost", candidates: int = 100
    ) -> tuple[list[str], np.ndarray]:
        """The hybrid candidate pool of a query as a ranker sees it: (product ids, features)."""
        text = self._check(query, "hybrid", 10, 0)
        parse = self.understand(text, understand)
        conditions: tuple[Any, ...] = ()
        if parse and understand in FILTERING:
            conditions = self.parsed_conditions(parse, None, (), understand)
        retrieval_text = parse.corrected if parse else text
        roles = [r for r in self.encoders.roles() if r != "image"]
        queries, _ = self._query_vectors(retrieval_text, roles)
        weights = dict.fromkeys(roles, 1.0)
        _, products, features = self.candidate_pool(
            retrieval_text, queries, weights, conditions, candidates, parse
        )
        return products, features

    def _query_vectors(self, text: str, roles: Sequence[str]) -> tuple[list[VectorQuery], dict[str, float]]:
        """The query's vector for each retriever (an empty sparse vector leaves its retriever out),
        with the encoding milliseconds."""
        t = time.perf_counter()
        vectors, encode_ms = self.encoders.encode_queries(text, roles)
        timings = {f"encode_{role}": ms for role, ms in encode_ms.items()}
        timings["encode"] = (time.perf_counter() - t) * 1000
        queries = [vq for role in roles if (vq := self._vector_query(role, vectors[role])) is not None]
        return queries, timings

    def _results(
        self,
        text: str,
        mode: str,
        hits: list[Hit],
        offset: int,
        started: float,
        search_started: float,
        timings: dict[str, float],
        queries: Sequence[VectorQuery] = (),
        explained: dict[str, dict[str, float]] | None = None,
    ) -> SearchResults:
        payloads = {h.id: h.payload for h in self.backend.retrieve([h.id for h in hits])}
        timings["retrieve"] = (time.perf_counter() - search_started) * 1000
        results = [
            SearchHit(
                product=from_payload(payloads[h.id]),
                score=h.score,
                rank=offset + i + 1,
                scores={q.using: explained[q.using].get(h.id) for q in queries} if explained else None,
            )
            for i, h in enumerate(h for h in hits if h.id in payloads)  # deleted meanwhile: gone
        ]
        took = (time.perf_counter() - started) * 1000
        return SearchResults(text, mode, results, offset, took, timings)

    def _score_fusion(
        self, queries: list[VectorQuery], weights: Mapping[str, float], conditions: tuple[Any, ...], pool: int
    ) -> list[Hit]:
        lists = self.backend.search_many(queries, conditions, pool)
        rankings = {q.using: [(h.id, h.score) for h in hits] for q, hits in zip(queries, lists, strict=True)}
        return [Hit(doc, score, {}) for doc, score in weighted_score_fusion(rankings, weights)]

    def _explain(
        self, queries: list[VectorQuery], conditions: tuple[Any, ...], pool: int
    ) -> dict[str, dict[str, float]]:
        lists = self.backend.search_many(queries, conditions, pool)
        return {q.using: {h.id: h.score for h in hits} for q, hits in zip(queries, lists, strict=True)}

    # ---- products --------------------------------------------------------------------------
    def thumbnail(self, product_id: str) -> Path | None:
        """The index's copy of the product's photo, if it has one."""
        path = thumbnail_path(self.directory, product_id)
        return path if path.is_file() else None

    def get(self, product_id: str) -> Product | None:
        found = self.backend.retrieve([point_id(product_id)])
        return from_payload(found[0].payload) if found else None

    def add(self, products: Sequence[Product], progress: Progress | None = None) -> int:
        """Add or replace products (same id = update). New attribute fields become filterable."""
        if not products:
            return 0
        text_attributes = self.manifest.catalog.get("text_attributes", [])
        index_products(
            self.backend,
            self.encoders,
            products,
            text_attributes,
            progress=progress,
            image_root=self.manifest.catalog.get("root"),
            index_dir=self.directory,
        )
        self._merge_fields(products)
        self._commit()
        return len(products)

    def delete(self, product_ids: Iterable[str]) -> int:
        """Remove products; returns how many existed. Deleted products are never returned again."""
        product_ids = list(product_ids)
        existing = [h.id for h in self.backend.retrieve([point_id(p) for p in product_ids])]
        if existing:
            self.backend.delete(existing)
            for product_id in product_ids:
                remove_thumbnail(self.directory, product_id)
            self._commit()
        return len(existing)

    def _merge_fields(self, products: Sequence[Product]) -> None:
        for name, kind in field_kinds(products).items():
            if name not in self.manifest.fields:
                self.manifest.fields[name] = kind
                self.backend.create_payload_index(payload_key(name), kind)
        for name, values in vocabulary(products, self.manifest.fields).items():  # type: ignore[arg-type]
            known = self.manifest.vocab.setdefault(name, [])
            seen = set(known)
            known.extend(v for v in values if v not in seen)

    def _commit(self) -> None:
        self.manifest.revision += 1
        self.manifest.counts["products"] = self.backend.count()
        self.manifest.save(self.directory)
