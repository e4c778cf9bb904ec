"""Catalog loaders. Each returns (Catalog, LoadReport)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from modasearch.catalog.loaders.generic import load_generic
from modasearch.catalog.loaders.hm import load_hm
from modasearch.catalog.loaders.kaggle import load_kaggle
from modasearch.catalog.loaders.rows import CatalogError
from modasearch.catalog.mapping import FieldMapping
from modasearch.catalog.product import Catalog
from modasearch.catalog.report import LoadReport

CatalogFormat = Literal["auto", "hm", "kaggle", "generic"]


def detect_format(path: Path) -> CatalogFormat:
    if (path.is_dir() and (path / "styles.csv").exists()) or path.name == "styles.csv":
        return "kaggle"
    if path.stem == "articles" and path.suffix in (".parquet", ".csv"):
        return "hm"
    return "generic"


def load_catalog(
    path: str | Path, fmt: CatalogFormat = "auto", mapping: FieldMapping | None = None
) -> tuple[Catalog, LoadReport]:
    """Load any supported catalog; `fmt="auto"` recognises the H&M and Kaggle layouts by name."""
    path = Path(path)
    if not path.exists():
        raise CatalogError(f"{path} not found")
    kind = detect_format(path) if fmt == "auto" and mapping is None else fmt
    if kind == "kaggle":
        return load_kaggle(path)
    if kind == "hm":
        return load_hm(path)
    if path.is_dir():
        raise CatalogError(
            f"{path} is a folder; give a .csv, .jsonl or .parquet file (or a Kaggle styles.csv folder)"
        )
    return load_generic(path, mapping)


__all__ = ["CatalogError", "load_catalog", "load_generic", "load_hm", "load_kaggle"]
