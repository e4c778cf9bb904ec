"""Checks of a query and its page, pages of a ranking, and the error a bad query gets."""

from __future__ import annotations

from collections.abc import Callable

from modasearch.index.types import Hit

MAX_K = 1000
MAX_QUERY_CHARS = 1000


class QueryError(ValueError):
    pass


def clean_query(query: object, required: bool = True) -> str:
    """The query with its whitespace collapsed; empty (when `required`) or overlong is an error."""
    text = " ".join(query.split()) if isinstance(query, str) else ""
    if required and not text:
        raise QueryError("the query is empty: type some words to search for")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}")
    return text


def check_page(k: int, offset: int) -> None:
    if not 1 <= k <= MAX_K:
        raise QueryError(f"k must be between 1 and {MAX_K}, got {k}")
    if offset < 0:
        raise QueryError(f"offset must be >= 0, got {offset}")


def stable_page(fetch: Callable[[int], list[Hit]], offset: int, k: int) -> list[Hit]:
    """One page of a ranking whose ties are broken by point id, so pages never overlap or skip.

    The engine orders equal scores arbitrarily (and differently for different limits), so fetch past
    the page until the tie at its last position is resolved, then sort and slice.
    """
    wanted = offset + k
    n = wanted + k
    while True:
        hits = fetch(n)
        if len(hits) < n or n >= 4 * MAX_K or hits[-1].score < hits[min(wanted, len(hits)) - 1].score:
            break
        n *= 2
    hits.sort(key=lambda h: (-h.score, h.id))
    return hits[offset:wanted]
