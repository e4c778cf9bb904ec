"""Any CSV / JSONL / Parquet file, read through a FieldMapping."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from modasearch.catalog.loaders.rows import (
    CatalogError,
    ProductCollector,
    clean_attributes,
    csv_records,
    decoded_lines,
)
from modasearch.catalog.mapping import FieldMapping, MappingError, attribute_name
from modasearch.catalog.product import Catalog
from modasearch.catalog.report import LoadReport

Row = dict[str, Any]


def _csv_rows(path: Path, report: LoadReport) -> tuple[list[str], Iterator[tuple[int, Row]]]:
    records = csv_records(path, report)
    header = [h.strip() for h in next(records, (0, []))[1]]
    if not header:
        raise CatalogError(f"{path} is empty: a CSV catalog needs a header row")

    def rows() -> Iterator[tuple[int, Row]]:
        for line, fields in records:
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                report.rows_read += 1
                report.skipped(line, f"wrong field count: {len(fields)}, header has {len(header)}")
                continue
            yield line, dict(zip(header, fields, strict=True))

    return header, rows()


def _jsonl_rows(path: Path, report: LoadReport) -> tuple[list[str], Iterator[tuple[int, Row]]]:
    parsed: list[tuple[int, Row]] = []
    columns: dict[str, None] = {}
    for number, line in enumerate(decoded_lines(path, report), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            report.rows_read += 1
            report.skipped(number, f"invalid JSON: {exc.msg}")
            continue
        if not isinstance(record, dict):
            report.rows_read += 1
            report.skipped(number, "invalid JSON: a line must hold one object")
            continue
        columns.update(dict.fromkeys(record))
        parsed.append((number, record))
    return list(columns), iter(parsed)


def _parquet_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, Row]]]:
    table = pq.read_table(path)
    records = table.to_pylist()
    return table.column_names, ((i + 2, r) for i, r in enumerate(records))  # row 1 = the header


def read_rows(path: Path, report: LoadReport) -> tuple[list[str], Iterator[tuple[int, Row]]]:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return _csv_rows(path, report)
    if suffix in (".jsonl", ".ndjson", ".json"):
        return _jsonl_rows(path, report)
    if suffix in (".parquet", ".pq"):
        return _parquet_rows(path)
    raise CatalogError(f"{path}: unknown catalog format {suffix!r}; use .csv, .jsonl or .parquet")


def report_renamed_columns(
    columns: Sequence[str], attributes: dict[str, str], used: set[str], report: LoadReport
) -> None:
    """Header line notes for the columns read under another name, left out, or repeated."""
    read_as = {column: name for name, column in attributes.items()}
    for column in dict.fromkeys(columns):
        if columns.count(column) > 1:
            report.recovered(1, f"column {column!r} appears {columns.count(column)} times: the last is read")
        if column in used or read_as.get(column) == column:
            continue
        if column in read_as:
            report.recovered(1, f"column {column!r} read as attribute {read_as[column]!r}")
        elif attribute_name(column):
            report.recovered(1, f"column {column!r} left out: attribute {attribute_name(column)!r} is taken")
        else:
            report.recovered(1, f"column {column!r} left out: not an attribute name (or a product field)")


def load_generic(
    path: str | Path,
    mapping: FieldMapping | None = None,
    normalise_id: Any = None,
    normalise_group: Any = None,
) -> tuple[Catalog, LoadReport]:
    """Load a table through `mapping`. Line numbers in the report are file lines (parquet: row + 1)."""
    path = Path(path)
    if not path.exists():
        raise CatalogError(f"{path} not found")
    mapping = mapping or FieldMapping()
    report = LoadReport(source=str(path))
    columns, rows = read_rows(path, report)
    claimed = mapping.claiming_named_columns(columns)
    for name in claimed.used_columns() - mapping.used_columns():
        report.recovered(1, f"column {name!r} read as the product's {name} (`{name}=` leaves it unread)")
    mapping = claimed
    try:
        mapping.check_columns(columns)
        attribute_columns = mapping.resolve_attributes(columns)
    except MappingError as exc:
        raise CatalogError(f"{path}: {exc}") from exc
    if mapping.attributes is None:
        report_renamed_columns(columns, attribute_columns, mapping.used_columns(), report)
    numeric = set(mapping.numeric_attributes)
    collector = ProductCollector(report)
    for line, row in rows:
        product_id = row.get(mapping.id)
        group = row.get(mapping.group_id) if mapping.group_id else None
        collector.add(
            line,
            id=normalise_id(product_id) if normalise_id and product_id is not None else product_id,
            title=row.get(mapping.title),
            description=row.get(mapping.description) if mapping.description else None,
            attributes=clean_attributes(
                {a: row.get(c) for a, c in attribute_columns.items()}, numeric, report, line
            ),
            image=row.get(mapping.image) if mapping.image else None,
            group_id=normalise_group(group) if normalise_group and group is not None else group,
            price=row.get(mapping.price) if mapping.price else None,
        )
    text_attributes = mapping.text_attributes
    if text_attributes is None:
        text_attributes = tuple(a for a in attribute_columns if a not in numeric)
    return Catalog(collector.products, text_attributes, name=path.stem, root=str(path.parent)), report
