"""modasearch: offline fashion search — keyword, learned-sparse and semantic retrieval fused on an
embedded Qdrant index."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Catalog", "Engine", "EngineConfig", "Product", "SearchHit", "SearchResults", "load_catalog"]

# What each name is imported from, on first use: a command that only searches never loads the
# catalog readers (pandas, pyarrow).
_HOMES = {
    "Catalog": "modasearch.catalog.product",
    "Product": "modasearch.catalog.product",
    "load_catalog": "modasearch.catalog.loaders",
    "Engine": "modasearch.search.engine",
    "EngineConfig": "modasearch.search.engine",
    "SearchHit": "modasearch.search.results",
    "SearchResults": "modasearch.search.results",
}

if TYPE_CHECKING:
    from modasearch.catalog.loaders import load_catalog
    from modasearch.catalog.product import Catalog, Product
    from modasearch.search.engine import Engine, EngineConfig
    from modasearch.search.results import SearchHit, SearchResults


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'modasearch' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
