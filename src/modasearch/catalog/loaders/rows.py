"""Shared row handling for all loaders: decoding, validation, duplicates, reporting."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from modasearch.catalog.product import AttributeValue, Product
from modasearch.catalog.report import LoadReport


class CatalogError(ValueError):
    """The catalog as a whole cannot be used (missing file, no products, bad mapping)."""


def decoded_lines(path: Path, report: LoadReport) -> Iterator[str]:
    """Lines of a text file; a line that is not UTF-8 is decoded as cp1252 and reported."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                report.recovered(number, "non-UTF-8 bytes: decoded as cp1252")
                yield raw.decode("cp1252", errors="replace")


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def clean_attribute(value: Any, numeric: bool) -> AttributeValue | None:
    if is_missing(value):
        return None
    if numeric or isinstance(value, int | float):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value).strip()
        return int(number) if number.is_integer() else number
    return str(value).strip()


class ProductCollector:
    """Turns raw rows into products: required fields checked, duplicates refused, all reported."""

    def __init__(self, report: LoadReport) -> None:
        self.report = report
        self.products: list[Product] = []
        self._first_line: dict[str, int] = {}

    def add(
        self,
        line: int,
        *,
        id: Any,
        title: Any,
        description: Any = None,
        attributes: dict[str, AttributeValue | None] | None = None,
        image: Any = None,
        group_id: Any = None,
        price: Any = None,
    ) -> None:
        self.report.rows_read += 1
        if is_missing(id):
            self.report.skipped(line, "missing id")
            return
        product_id = str(id).strip()
        if product_id in self._first_line:
            self.report.skipped(
                line, f"duplicate id: {product_id} (first at line {self._first_line[product_id]})"
            )
            return
        if is_missing(title):
            self.report.skipped(line, f"missing title: product {product_id}")
            return
        self._first_line[product_id] = line
        self.products.append(
            Product(
                id=product_id,
                title=" ".join(str(title).split()),
                description="" if is_missing(description) else " ".join(str(description).split()),
                attributes={k: v for k, v in (attributes or {}).items() if v is not None},
                image=None if is_missing(image) else str(image).strip(),
                group_id=None if is_missing(group_id) else str(group_id).strip(),
                price=self._price(line, product_id, price),
            )
        )

    def _price(self, line: int, product_id: str, value: Any) -> float | None:
        if is_missing(value):
            return None
        try:
            price = float(str(value).strip().lstrip("$€£"))
        except ValueError:
            self.report.recovered(line, f"bad price: {value!r} for product {product_id}, left empty")
            return None
        if not math.isfinite(price) or price < 0:
            self.report.recovered(line, f"bad price: {value!r} for product {product_id}, left empty")
            return None
        return price
