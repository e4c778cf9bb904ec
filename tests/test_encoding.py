"""The query-vector cache."""

from __future__ import annotations

from modasearch.index.encoding import LruCache


def test_query_vector_cache_is_bounded_and_recent_first() -> None:
    cache = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
