"""Products, catalog loaders and the canonical product text."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from modasearch.catalog.product import Catalog, Product, fingerprint
from modasearch.catalog.text import product_text

__all__ = [
    "Catalog",
    "FieldMapping",
    "LoadReport",
    "Product",
    "RowIssue",
    "fingerprint",
    "load_catalog",
    "load_generic",
    "load_hm",
    "load_kaggle",
    "product_text",
]
# The readers (pandas, pyarrow) load on first use.
_HOMES = {
    "load_catalog": "modasearch.catalog.loaders",
    "load_generic": "modasearch.catalog.loaders",
    "load_hm": "modasearch.catalog.loaders",
    "load_kaggle": "modasearch.catalog.loaders",
    "FieldMapping": "modasearch.catalog.mapping",
    "LoadReport": "modasearch.catalog.report",
    "RowIssue": "modasearch.catalog.report",
}

if TYPE_CHECKING:
    from modasearch.catalog.loaders import load_catalog, load_generic, load_hm, load_kaggle
    from modasearch.catalog.mapping import FieldMapping
    from modasearch.catalog.report import LoadReport, RowIssue


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'modasearch.catalog' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
