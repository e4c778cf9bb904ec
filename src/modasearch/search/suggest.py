"""As-you-type suggestions: attribute values and product titles whose words start with what was typed.

Titles come from the engine (a prefix-tokenised full-text index on `title`); the most frequent
matching titles come first (H&M names one product in each of its colours), then the shortest."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from modasearch.index.types import Condition, IndexBackend
from modasearch.search.paging import QueryError, clean_query
from modasearch.search.state import IndexState

MAX_SUGGESTIONS = 20
TITLE_SCAN = 300  # matching products read to rank titles by frequency
MAX_PREFIX_CHARS = 100


@dataclass(frozen=True)
class Suggestion:
    text: str
    field: str  # "title" or the attribute the value belongs to


def _starts_words(words: list[str], text: str) -> bool:
    """Every typed word starts some word of `text` (case-insensitive)."""
    have = text.lower().split()
    return all(any(h.startswith(w) for h in have) for w in words)


def suggest(state: IndexState, backend: IndexBackend, prefix: str, limit: int = 8) -> list[Suggestion]:
    """Up to `limit` suggestions: a third (at least one) attribute values, the rest titles."""
    if not 1 <= limit <= MAX_SUGGESTIONS:
        raise QueryError(f"limit must be between 1 and {MAX_SUGGESTIONS}, got {limit}")
    text = clean_query(prefix, required=False)[:MAX_PREFIX_CHARS]
    words = text.lower().split()
    if not words:
        return []
    values = [
        Suggestion(value, name)
        for name in state.facet_fields
        for value in state.vocab.get(name, ())
        if _starts_words(words, value)
    ]
    values = values[: max(1, limit // 3)]
    hits = backend.scroll((Condition("title", text=text),), TITLE_SCAN, ["title"])
    counts = Counter(str(h.payload.get("title", "")) for h in hits)
    titles = sorted(counts, key=lambda t: (-counts[t], len(t), t))
    out, seen = [], set()
    for suggestion in values + [Suggestion(t, "title") for t in titles if t]:
        if suggestion.text.lower() not in seen:  # "Dress" the type and "Dress" the title: once
            seen.add(suggestion.text.lower())
            out.append(suggestion)
    return out[:limit]
