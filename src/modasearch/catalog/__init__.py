"""Products, catalog loaders and the canonical product text."""

from modasearch.catalog.loaders import load_catalog, load_generic, load_hm, load_kaggle
from modasearch.catalog.mapping import FieldMapping
from modasearch.catalog.product import Catalog, Product, fingerprint
from modasearch.catalog.report import LoadReport, RowIssue
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
