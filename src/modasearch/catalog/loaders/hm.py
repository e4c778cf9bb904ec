"""H&M articles (Kaggle competition `articles.parquet` / `articles.csv`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from modasearch.catalog.loaders.generic import load_generic
from modasearch.catalog.mapping import FieldMapping
from modasearch.catalog.product import Catalog
from modasearch.catalog.report import LoadReport

# attribute name -> H&M column; the names drop H&M's "_name" suffix.
ATTRIBUTES = {
    "product_type": "product_type_name",
    "product_group": "product_group_name",
    "graphical_appearance": "graphical_appearance_name",
    "colour_group": "colour_group_name",
    "perceived_colour_value": "perceived_colour_value_name",
    "perceived_colour_master": "perceived_colour_master_name",
    "department": "department_name",
    "index": "index_name",
    "index_group": "index_group_name",
    "section": "section_name",
    "garment_group": "garment_group_name",
}
TEXT_ATTRIBUTES = (
    "product_type",
    "colour_group",
    "perceived_colour_master",
    "graphical_appearance",
    "index_group",
    "department",
    "section",
    "garment_group",
    "product_group",
)
MAPPING = FieldMapping(
    id="article_id",
    title="prod_name",
    description="detail_desc",
    group_id="product_code",
    attributes=ATTRIBUTES,
    text_attributes=TEXT_ATTRIBUTES,
)


def article_id(value: Any) -> str:
    """H&M ids are 10 digits; transactions and CSV readers drop the leading zero."""
    return str(value).strip().split(".")[0].zfill(10)


def product_code(value: Any) -> str:
    return str(value).strip().split(".")[0].zfill(7)


def load_hm(path: str | Path) -> tuple[Catalog, LoadReport]:
    catalog, report = load_generic(path, MAPPING, normalise_id=article_id, normalise_group=product_code)
    catalog.name = "hm"
    return catalog, report
