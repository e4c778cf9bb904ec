"""Qdrant Edge: the real Qdrant engine embedded in this process, persisted in a directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import qdrant_edge as qe

from modasearch.index.manifest import IndexStateError
from modasearch.index.qdrant_models import to_filter, to_hits, to_vector
from modasearch.index.types import (
    Condition,
    FieldKind,
    Hit,
    IndexPoint,
    VectorLayout,
    VectorQuery,
    first_vector,
)


def edge_filter(conditions: tuple[Condition, ...]) -> qe.Filter | None:
    return to_filter(qe, qe.RangeFloat, conditions)


def _vector(query: VectorQuery) -> Any:
    return to_vector(qe, query)


# Int8 scores alone reorder close neighbours (text-to-photo scores differ in the third decimal):
# re-score twice the asked number with the original vectors.
RESCORED = qe.SearchParams(quantization=qe.QuantizationSearchParams(rescore=True, oversampling=2.0))


class EdgeBackend:
    def __init__(self, shard: qe.EdgeShard) -> None:
        self.shard = shard

    @classmethod
    def create(
        cls, path: Path, layout: VectorLayout, hnsw_m: int = 16, ef_construct: int = 100
    ) -> EdgeBackend:
        dense = {
            name: qe.EdgeVectorParams(
                size=dim,
                distance=qe.Distance.Cosine,
                hnsw_config=qe.HnswIndexConfig(
                    m=hnsw_m, ef_construct=ef_construct, full_scan_threshold=10000
                ),
                quantization_config=qe.ScalarQuantizationConfig(type=qe.ScalarType.Int8, always_ram=True),
                multivector_config=qe.MultiVectorConfig(comparator=qe.MultiVectorComparator.MaxSim)
                if name in layout.multi
                else None,
            )
            for name, dim in layout.dense.items()
        }
        sparse = {
            name: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf) if idf else qe.EdgeSparseVectorParams()
            for name, idf in layout.sparse.items()
        }
        config = qe.EdgeConfig(
            vectors=dense, sparse_vectors=sparse, optimizers=qe.EdgeOptimizersConfig(indexing_threshold=10000)
        )
        return cls(qe.EdgeShard.create(str(path), config))

    @classmethod
    def load(cls, path: Path) -> EdgeBackend:
        try:
            return cls(qe.EdgeShard.load(str(path)))
        except Exception as exc:  # the binding raises a bare Exception subclass per engine error
            if "WouldBlock" in str(exc):
                raise IndexStateError(
                    f"the index at {path.parent} is open in another process or engine (a running "
                    "`modasearch serve`, or another search): the embedded engine allows one at a time. "
                    "Close it, or query the running server instead."
                ) from exc
            raise IndexStateError(f"cannot open the index at {path.parent}: {exc}") from exc

    def upsert(self, points: list[IndexPoint]) -> None:
        edge_points = [
            qe.Point(
                id=p.id,
                vector={
                    **p.dense,
                    **{n: qe.SparseVector(indices=v.indices, values=v.values) for n, v in p.sparse.items()},
                },
                payload=p.payload,
            )
            for p in points
        ]
        self.shard.update(qe.UpdateOperation.upsert_points(edge_points))

    def delete(self, ids: list[str]) -> None:
        self.shard.update(qe.UpdateOperation.delete_points(list(ids)))
        self.shard.flush()

    def create_payload_index(self, key: str, kind: FieldKind) -> None:
        schema: Any
        if kind == "text":  # tokenised like the BM25 encoder, so "dresses" matches "dress"
            schema = qe.TextIndexParams(
                tokenizer=qe.TokenizerType.Word,
                lowercase=True,
                stopwords=qe.Language.English,
                stemmer=qe.SnowballParams(qe.SnowballLanguage.English),
            )
        elif kind == "prefix":  # every start of every word: "dre" matches "dress"
            schema = qe.TextIndexParams(tokenizer=qe.TokenizerType.Prefix, lowercase=True, max_token_len=20)
        else:
            schema = qe.PayloadSchemaType.Keyword if kind == "keyword" else qe.PayloadSchemaType.Float
        self.shard.update(qe.UpdateOperation.create_field_index(key, schema))

    def optimize(self) -> None:
        self.shard.optimize()
        self.shard.flush()

    def _request(self, query: VectorQuery, conditions: tuple[Condition, ...], limit: int, offset: int) -> Any:
        return qe.QueryRequest(
            limit=limit,
            offset=offset,
            query=qe.Query.Nearest(_vector(query), using=query.using),
            filter=edge_filter(conditions),
            params=RESCORED,
            with_payload=False,
        )

    def search(
        self, query: VectorQuery, conditions: tuple[Condition, ...], limit: int, offset: int = 0
    ) -> list[Hit]:
        return to_hits(self.shard.query(self._request(query, conditions, limit, offset)))

    def search_many(
        self, queries: list[VectorQuery], conditions: tuple[Condition, ...], limit: int
    ) -> list[list[Hit]]:
        batch = qe.QueryBatchRequest([self._request(q, conditions, limit, 0) for q in queries])
        return [to_hits(r) for r in self.shard.query_batch(batch)]

    def search_rrf(
        self,
        queries: list[VectorQuery],
        weights: list[float],
        k: int,
        conditions: tuple[Condition, ...],
        limit: int,
        offset: int,
        candidates: int,
    ) -> list[Hit]:
        flt = edge_filter(conditions)
        prefetches = [
            qe.Prefetch(
                limit=candidates,
                query=qe.Query.Nearest(_vector(q), using=q.using),
                filter=flt,
                params=RESCORED,
            )
            for q in queries
        ]
        request = qe.QueryRequest(
            limit=limit,
            offset=offset,
            prefetches=prefetches,
            query=qe.Fusion.Rrf(k=k, weights=weights),  # type: ignore[arg-type]
            filter=flt,
            with_payload=False,
        )
        return to_hits(self.shard.query(request))

    def retrieve(self, ids: list[str]) -> list[Hit]:
        return to_hits(self.shard.retrieve(list(ids), with_payload=True, with_vector=False))

    def vectors(self, ids: list[str], using: str) -> dict[str, list[float]]:
        found = self.shard.retrieve(list(ids), with_payload=False, with_vector=True)
        out = {}
        for point in found:
            value = first_vector((point.vector or {}).get(using) if isinstance(point.vector, dict) else None)
            if value is not None:
                out[str(point.id)] = value
        return out

    def count(self, conditions: tuple[Condition, ...] = ()) -> int:
        return int(self.shard.count(qe.CountRequest(exact=True, filter=edge_filter(conditions))))

    def scroll(self, conditions: tuple[Condition, ...], limit: int, fields: list[str]) -> list[Hit]:
        request = qe.ScrollRequest(limit=limit, filter=edge_filter(conditions), with_payload=fields)
        points, _ = self.shard.scroll(request)
        return to_hits(points)

    def facet(self, key: str, conditions: tuple[Condition, ...], limit: int) -> list[tuple[Any, int]]:
        request = qe.FacetRequest(key=key, limit=limit, exact=True, filter=edge_filter(conditions))
        # values whose products were all deleted stay in the engine's index with a count of 0
        return [(hit.value, int(hit.count)) for hit in self.shard.facet(request).hits if hit.count > 0]

    def close(self) -> None:
        self.shard.close()
