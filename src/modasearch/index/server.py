"""A Qdrant server or cluster through qdrant-client: the scale-out path (needs the [server] extra).

`location` is a URL (http://host:6333), ":memory:", or a local folder (qdrant-client's local mode,
exact search only: fine for tests, not for production).
"""

from __future__ import annotations

from typing import Any

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
from modasearch.models.errors import missing_extra

try:
    from qdrant_client import QdrantClient
    from qdrant_client import models as qm
except ImportError:  # pragma: no cover - exercised only without the extra
    QdrantClient = None  # type: ignore[misc,assignment]
    qm = None  # type: ignore[assignment]


def connect(location: str, api_key: str | None = None) -> Any:
    if QdrantClient is None:
        raise missing_extra("the Qdrant server backend", "server")
    if location == ":memory:":
        return QdrantClient(location=":memory:")
    if location.startswith(("http://", "https://")):
        return QdrantClient(url=location, api_key=api_key)
    return QdrantClient(path=location)


def server_filter(conditions: tuple[Condition, ...]) -> Any:
    return to_filter(qm, qm.Range, conditions)


def _vector(query: VectorQuery) -> Any:
    return to_vector(qm, query)


# as in the embedded backend: int8 finds the candidates, the original vectors order them
RESCORED = (
    qm.SearchParams(quantization=qm.QuantizationSearchParams(rescore=True, oversampling=2.0)) if qm else None
)


class QdrantServerBackend:
    def __init__(self, client: Any, collection: str) -> None:
        self.client = client
        self.collection = collection
        self._multi: frozenset[str] | None = None
        # local mode (a path or ":memory:") searches exactly, and warns when given search params
        options = getattr(client, "init_options", None) or {}
        local = options.get("location") == ":memory:" or options.get("path") is not None
        self.params = None if local else RESCORED

    def _vector(self, query: VectorQuery) -> Any:
        """A multivector (a product's views) takes a query as a list of one vector here."""
        vector = _vector(query)
        return [vector] if query.using in self.multi else vector

    @property
    def multi(self) -> frozenset[str]:
        if self._multi is None:
            params = self.client.get_collection(self.collection).config.params.vectors
            named = params if isinstance(params, dict) else {}
            self._multi = frozenset(n for n, p in named.items() if getattr(p, "multivector_config", None))
        return self._multi

    @classmethod
    def create(cls, client: Any, collection: str, layout: VectorLayout) -> QdrantServerBackend:
        if client.collection_exists(collection):
            client.delete_collection(collection)
        client.create_collection(
            collection,
            vectors_config={
                name: qm.VectorParams(
                    size=dim,
                    distance=qm.Distance.COSINE,
                    quantization_config=qm.ScalarQuantization(
                        scalar=qm.ScalarQuantizationConfig(type=qm.ScalarType.INT8, always_ram=True)
                    ),
                    multivector_config=qm.MultiVectorConfig(comparator=qm.MultiVectorComparator.MAX_SIM)
                    if name in layout.multi
                    else None,
                )
                for name, dim in layout.dense.items()
            },
            sparse_vectors_config={
                name: qm.SparseVectorParams(modifier=qm.Modifier.IDF if idf else None)
                for name, idf in layout.sparse.items()
            },
        )
        return cls(client, collection)

    def upsert(self, points: list[IndexPoint]) -> None:
        self.client.upsert(
            self.collection,
            points=[
                qm.PointStruct(
                    id=p.id,
                    vector={
                        **p.dense,
                        **{
                            n: qm.SparseVector(indices=v.indices, values=v.values)
                            for n, v in p.sparse.items()
                        },
                    },
                    payload=p.payload,
                )
                for p in points
            ],
            wait=True,
        )

    def delete(self, ids: list[str]) -> None:
        self.client.delete(self.collection, points_selector=qm.PointIdsList(points=list(ids)), wait=True)

    def create_payload_index(self, key: str, kind: FieldKind) -> None:
        schema: Any
        if kind == "text":  # tokenised like the BM25 encoder, so "dresses" matches "dress"
            schema = qm.TextIndexParams(
                type=qm.TextIndexType.TEXT,
                tokenizer=qm.TokenizerType.WORD,
                lowercase=True,
                stopwords=qm.Language.ENGLISH,
                stemmer=qm.SnowballParams(type=qm.Snowball.SNOWBALL, language=qm.SnowballLanguage.ENGLISH),
            )
        elif kind == "prefix":  # every start of every word: "dre" matches "dress"
            schema = qm.TextIndexParams(
                type=qm.TextIndexType.TEXT,
                tokenizer=qm.TokenizerType.PREFIX,
                lowercase=True,
                max_token_len=20,
            )
        else:
            schema = qm.PayloadSchemaType.KEYWORD if kind == "keyword" else qm.PayloadSchemaType.FLOAT
        self.client.create_payload_index(self.collection, key, field_schema=schema, wait=True)

    def optimize(self) -> None:
        """A server optimises in the background."""

    def search(
        self, query: VectorQuery, conditions: tuple[Condition, ...], limit: int, offset: int = 0
    ) -> list[Hit]:
        response = self.client.query_points(
            self.collection,
            query=self._vector(query),
            using=query.using,
            query_filter=server_filter(conditions),
            search_params=self.params,
            limit=limit,
            offset=offset,
            with_payload=False,
        )
        return to_hits(response.points)

    def search_many(
        self, queries: list[VectorQuery], conditions: tuple[Condition, ...], limit: int
    ) -> list[list[Hit]]:
        flt = server_filter(conditions)
        requests = [
            qm.QueryRequest(
                query=self._vector(q),
                using=q.using,
                filter=flt,
                params=self.params,
                limit=limit,
                with_payload=False,
            )
            for q in queries
        ]
        return [to_hits(r.points) for r in self.client.query_batch_points(self.collection, requests=requests)]

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
        flt = server_filter(conditions)
        prefetch = [
            qm.Prefetch(
                query=self._vector(q), using=q.using, filter=flt, params=self.params, limit=candidates
            )
            for q in queries
        ]
        response = self.client.query_points(
            self.collection,
            prefetch=prefetch,
            query=qm.RrfQuery(rrf=qm.Rrf(k=k, weights=weights)),
            query_filter=flt,
            limit=limit,
            offset=offset,
            with_payload=False,
        )
        return to_hits(response.points)

    def retrieve(self, ids: list[str]) -> list[Hit]:
        return to_hits(self.client.retrieve(self.collection, ids=list(ids), with_payload=True))

    def vectors(self, ids: list[str], using: str) -> dict[str, list[float]]:
        found = self.client.retrieve(self.collection, ids=list(ids), with_payload=False, with_vectors=[using])
        out = {}
        for point in found:
            value = first_vector(point.vector.get(using) if isinstance(point.vector, dict) else None)
            if value is not None:
                out[str(point.id)] = value
        return out

    def count(self, conditions: tuple[Condition, ...] = ()) -> int:
        return int(
            self.client.count(self.collection, count_filter=server_filter(conditions), exact=True).count
        )

    def scroll(self, conditions: tuple[Condition, ...], limit: int, fields: list[str]) -> list[Hit]:
        points, _ = self.client.scroll(
            self.collection, scroll_filter=server_filter(conditions), limit=limit, with_payload=fields
        )
        return to_hits(points)

    def facet(self, key: str, conditions: tuple[Condition, ...], limit: int) -> list[tuple[Any, int]]:
        response = self.client.facet(
            self.collection, key, facet_filter=server_filter(conditions), limit=limit, exact=True
        )
        return [(hit.value, int(hit.count)) for hit in response.hits if hit.count > 0]  # deleted: 0

    def drop(self) -> None:
        self.client.delete_collection(self.collection)

    def close(self) -> None:
        self.client.close()
