"""One immutable snapshot of what searches read besides the engine itself: the index's fields and
their values, the query parser built from them, and the revision. Writers build a new snapshot and
swap it in; a request reads the one it started with from start to end, so a write never changes the
fields, vocabularies or parser under a running search."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from modasearch.index.manifest import Manifest
from modasearch.index.payload import PHOTO_COLOURS, TEXT_FIELD, TOP_LEVEL_FIELDS
from modasearch.index.types import Condition, IndexBackend
from modasearch.search.filters import Filters, to_conditions
from modasearch.search.understand import QueryParser

NOT_FACETED = ("group_id",)  # keyword fields whose values are ids, not choices
WORD_COUNTS_KEPT = 20_000  # product-text counts of query words kept per snapshot
# A word in fewer product texts than this may itself be a misspelling: it still gets typo correction.
KNOWN_WORD_MIN = 5


class WordCounts:
    """How many product texts hold a word, asked of the engine once per word and snapshot (bounded)."""

    def __init__(self, backend: IndexBackend, size: int = WORD_COUNTS_KEPT) -> None:
        self.backend = backend
        self.size = size
        self._counts: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, word: str) -> int:
        with self._lock:
            if word in self._counts:
                self._counts.move_to_end(word)
                return self._counts[word]
        count = self.backend.count((Condition(TEXT_FIELD, text=word),))
        with self._lock:
            self._counts[word] = count
            while len(self._counts) > self.size:
                self._counts.popitem(last=False)
        return count


@dataclass(frozen=True)
class IndexState:
    revision: int
    fields: Mapping[str, str]  # filterable field -> keyword | float
    vocab: Mapping[str, tuple[str, ...]]  # keyword field -> its values, most frequent first
    text_attributes: tuple[str, ...]
    modes: tuple[str, ...]
    backend: IndexBackend = field(repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def of(cls, manifest: Manifest, backend: IndexBackend, modes: Sequence[str]) -> IndexState:
        """A snapshot of the manifest's fields and values (copied: later writes do not reach it)."""
        return cls(
            revision=manifest.revision,
            fields=MappingProxyType(dict(manifest.fields)),
            vocab=MappingProxyType({name: tuple(values) for name, values in manifest.vocab.items()}),
            text_attributes=tuple(manifest.catalog.get("text_attributes", [])),
            modes=tuple(modes),
            backend=backend,
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
        """The product-type field: the catalog's first text attribute that is a keyword field."""
        return next((f for f in self.text_attributes if f in self.facet_fields), None)

    @cached_property
    def word_counts(self) -> WordCounts:
        return WordCounts(self.backend)

    @property
    def parser(self) -> QueryParser:
        """Built on first use (a snapshot no query needs never pays for it), once per snapshot."""
        with self._lock:
            return self._parser

    @cached_property
    def _parser(self) -> QueryParser:
        text_first = [f for f in self.text_attributes if f in self.attribute_fields]
        fields = text_first + [f for f in self.attribute_fields if f not in text_first]
        counts = self.word_counts
        return QueryParser(self.vocab, fields, lambda w: counts(w) >= KNOWN_WORD_MIN, frequency=counts)

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
