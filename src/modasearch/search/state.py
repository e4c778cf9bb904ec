"""One immutable snapshot of what searches read besides the engine itself: the index's fields and
their values, the query parser built from them, and the revision. Writers build a new snapshot and
swap it in; a request reads the one it started with from start to end, so a write never changes the
fields, vocabularies or parser under a running search."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from modasearch.index.manifest import Manifest
from modasearch.index.payload import PHOTO_COLOURS, TOP_LEVEL_FIELDS
from modasearch.index.types import Condition, IndexBackend
from modasearch.search.filters import Filters, to_conditions
from modasearch.search.roles import FieldRoles, field_roles
from modasearch.search.understand import QueryParser

NOT_FACETED = ("group_id",)  # keyword fields whose values are ids, not choices
PAYLOAD_BYTES = 96 * 2**20  # of product texts (and word lines) a snapshot keeps for later requests


class PayloadCache:
    """The payloads requests fetched, and what a re-ranker derived from each (its word lines), least
    recently used out first once their texts pass `limit` bytes; a snapshot's own, so a write (a new
    snapshot) starts afresh. Only for an index this process alone writes to (embedded): a server's
    other workers would not start afresh on a write here."""

    def __init__(self, limit: int = PAYLOAD_BYTES) -> None:
        self.limit = limit
        self.bytes = 0
        self._items: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        with self._lock:
            found = {i: self._items[i].payload for i in ids if i in self._items}
            for i in found:
                self._items.move_to_end(i)
        return found

    def put_many(self, payloads: Mapping[str, dict[str, Any]]) -> None:
        if not self.limit:
            return
        with self._lock:
            for key, payload in payloads.items():
                entry = _Entry(payload, 256 + sum(len(v) for v in payload.values() if isinstance(v, str)))
                self._replace(key, entry)
            self._evict()

    def derived(
        self, payloads: Mapping[str, dict[str, Any]], compute: Callable[[dict[str, Any]], tuple[str, ...]]
    ) -> dict[str, tuple[str, ...]]:
        """`compute(payload)` for each product, kept beside a cached payload (its size counted) so the
        next request that sees the product does not derive it again."""
        with self._lock:
            entries = {i: self._items.get(i) for i in payloads}
            found = {i: e.derived for i, e in entries.items() if e is not None and e.derived is not None}
        made = {i: compute(p) for i, p in payloads.items() if i not in found}
        if made and self.limit:
            with self._lock:
                for i, value in made.items():
                    entry = self._items.get(i)
                    if entry is not None and entry.payload is payloads[i] and entry.derived is None:
                        self._replace(i, _Entry(entry.payload, entry.size + sum(map(len, value)), value))
                self._evict()
        return found | made

    def _replace(self, key: str, entry: _Entry) -> None:
        old = self._items.pop(key, None)
        self.bytes += entry.size - (old.size if old else 0)
        self._items[key] = entry

    def _evict(self) -> None:
        while self.bytes > self.limit and self._items:
            _, entry = self._items.popitem(last=False)
            self.bytes -= entry.size


@dataclass(frozen=True)
class _Entry:
    payload: dict[str, Any]
    size: int  # bytes of its texts, roughly
    derived: tuple[str, ...] | None = None


@dataclass(frozen=True)
class IndexState:
    revision: int
    fields: Mapping[str, str]  # filterable field -> keyword | float
    vocab: Mapping[str, tuple[str, ...]]  # keyword field -> its values, most frequent first
    text_attributes: tuple[str, ...]
    modes: tuple[str, ...]
    lexicon: Mapping[str, int]  # word -> product texts holding it
    backend: IndexBackend = field(repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    payloads: PayloadCache = field(default_factory=PayloadCache, repr=False, compare=False)

    @classmethod
    def of(
        cls, manifest: Manifest, backend: IndexBackend, modes: Sequence[str], lexicon: Mapping[str, int]
    ) -> IndexState:
        """A snapshot of the manifest's fields and values and of the lexicon (copied: later writes do
        not reach it)."""
        return cls(
            revision=manifest.revision,
            fields=MappingProxyType(dict(manifest.fields)),
            vocab=MappingProxyType({name: tuple(values) for name, values in manifest.vocab.items()}),
            text_attributes=tuple(manifest.catalog.get("text_attributes", [])),
            modes=tuple(modes),
            lexicon=MappingProxyType(dict(lexicon)),
            backend=backend,
            payloads=PayloadCache(PAYLOAD_BYTES if manifest.backend.get("kind") == "edge" else 0),
        )

    @cached_property
    def facet_fields(self) -> tuple[str, ...]:
        """Keyword fields that can be faceted, in the manifest's order."""
        return tuple(f for f, kind in self.fields.items() if kind == "keyword" and f not in NOT_FACETED)

    @cached_property
    def attribute_fields(self) -> tuple[str, ...]:
        """The catalog's own keyword attributes (articleType, baseColour...), not the engine's fields."""
        return tuple(f for f in self.facet_fields if f not in TOP_LEVEL_FIELDS and f != PHOTO_COLOURS)

    @cached_property
    def primary_field(self) -> str | None:
        """The product-type field: the one whose values name products (search/roles.py); else the
        catalog's first text attribute that is a keyword field."""
        fallback = next((f for f in self.text_attributes if f in self.facet_fields), None)
        return self.roles.product_type or fallback

    @property
    def parser(self) -> QueryParser:
        """Built on first use (a snapshot no query needs never pays for it), once per snapshot."""
        with self._lock:
            return self._parser

    @cached_property
    def parse_fields(self) -> list[str]:
        """Attribute fields in order of preference: the catalog's text attributes first."""
        text_first = [f for f in self.text_attributes if f in self.attribute_fields]
        return text_first + [f for f in self.attribute_fields if f not in text_first]

    @cached_property
    def _parser(self) -> QueryParser:
        return QueryParser(self.vocab, self.parse_fields, self.lexicon)

    @cached_property
    def roles(self) -> FieldRoles:
        return field_roles(self.vocab, self.parse_fields)

    def cached(self, name: str, compute: Callable[[], Any]) -> Any:
        """A value computed once per snapshot (by the first request that needs it)."""
        if name not in self._cache:
            value = compute()
            with self._lock:
                self._cache.setdefault(name, value)
        return self._cache[name]

    def conditions(self, filters: Filters | None) -> tuple[Condition, ...]:
        return to_conditions(filters, self.fields, self.vocab)

    def conditions_by_field(self, filters: Filters | None) -> dict[str, Condition]:
        """One condition per filtered field (facet counts leave a field's own out)."""
        return {
            name: to_conditions({name: spec}, self.fields, self.vocab)[0]
            for name, spec in (filters or {}).items()
        }

    def describe(self) -> dict[str, Any]:
        return {"revision": self.revision, "fields": dict(self.fields), "modes": list(self.modes)}
