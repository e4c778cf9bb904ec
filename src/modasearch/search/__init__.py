"""Retrieval, fusion and the Engine."""

from modasearch.search.engine import Engine, EngineConfig, QueryError
from modasearch.search.filters import FilterError
from modasearch.search.results import SearchHit, SearchResults

__all__ = ["Engine", "EngineConfig", "FilterError", "QueryError", "SearchHit", "SearchResults"]
