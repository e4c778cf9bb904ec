"""Shared row handling for all loaders: decoding, validation, duplicates, reporting."""

from __future__ import annotations

import csv
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


def csv_records(
    path: Path, report: LoadReport, columns: int | None = None
) -> Iterator[tuple[int, list[str]]]:
    """(first line, fields) of each CSV record after the header. A quote that never closes swallows
    the rows after it into one field: such a record (its quote runs to the end of the file, or it
    spans lines one of which holds a whole row's worth of separators) is not a product; every line
    it spans is reported, none vanishes."""
    reader = csv.reader(decoded_lines(path, report))
    end = 0
    for fields in reader:
        start, end = end + 1, reader.line_num
        if columns is None:  # the header
            columns = len(fields)
            yield start, fields
        elif any(f.endswith("\n") for f in fields) or (end > start and _swallowed_rows(fields, columns)):
            _report_swallowed(report, start, end)
        else:
            yield start, fields


def _report_swallowed(report: LoadReport, first: int, last: int) -> None:
    for line in range(first, last + 1):
        report.rows_read += 1
        report.skipped(line, f"inside a quoted field that never closes (opened at line {first})")


def _swallowed_rows(fields: list[str], columns: int) -> bool:
    if len(fields) != columns:
        return True
    embedded = [part for field in fields for part in field.split("\n")[1:]]
    return columns >= 3 and any(part.count(",") >= columns - 1 for part in embedded)


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


class NotANumber(ValueError):
    pass


def clean_attribute(value: Any, numeric: bool) -> AttributeValue | None:
    """A value as the index keeps it; a numeric field's value that is no finite number raises
    NotANumber (the collector reports it with its line and field), and so does JSON's NaN."""
    if isinstance(value, float) and math.isnan(value):
        raise NotANumber(value)
    if is_missing(value):
        return None
    if numeric or (isinstance(value, int | float) and not isinstance(value, bool)):
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise NotANumber(value) from None
        if not math.isfinite(number):
            raise NotANumber(value)
        return int(number) if number.is_integer() else number
    return str(value).strip()


def clean_attributes(
    raw: dict[str, Any], numeric: set[str] | frozenset[str], report: LoadReport, line: int
) -> dict[str, AttributeValue | None]:
    """Every attribute of a row cleaned; a bad number is left out and reported (line and field)."""
    out: dict[str, AttributeValue | None] = {}
    for name, value in raw.items():
        try:
            out[name] = clean_attribute(value, name in numeric)
        except NotANumber:
            report.recovered(line, f"not a number in {name!r}: {value!r}, left out")
    return out


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
        text = str(title)
        if "\x00" in text:
            self.report.recovered(line, f"NUL character in the title of product {product_id}: removed")
            text = text.replace("\x00", " ")
        self.products.append(
            Product(
                id=product_id,
                title=" ".join(text.split()),
                description="" if is_missing(description) else " ".join(str(description).split()),
                attributes={k: v for k, v in (attributes or {}).items() if v is not None},
                image=None if is_missing(image) else str(image).strip(),
                group_id=None if is_missing(group_id) else str(group_id).strip(),
                price=self._price(line, product_id, price),
            )
        )

    def _price(self, line: int, product_id: str, value: Any) -> float | None:
        if isinstance(value, float) and math.isnan(value):  # JSON's NaN: a value, and not a price
            self.report.recovered(line, f"bad price: NaN for product {product_id}, left empty")
            return None
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
