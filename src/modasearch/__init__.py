"""modasearch: offline fashion search — keyword, learned-sparse and semantic retrieval fused on an
embedded Qdrant index."""

from modasearch.catalog import Catalog, Product, load_catalog
from modasearch.search import Engine, EngineConfig, SearchHit, SearchResults

__version__ = "0.1.0"
__all__ = ["Catalog", "Engine", "EngineConfig", "Product", "SearchHit", "SearchResults", "load_catalog"]
