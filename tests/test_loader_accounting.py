"""Every data line of a catalog is accounted for: indexed, or reported with its line number, for
every loader and whatever breaks in the file (hypothesis draws the breakage)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modasearch.catalog.loaders.generic import load_generic
from modasearch.catalog.loaders.kaggle import COLUMNS, load_kaggle
from modasearch.catalog.loaders.rows import CatalogError
from modasearch.catalog.mapping import FieldMapping

BREAKAGES = (
    "none",
    "unclosed quote",
    "missing fields",
    "duplicate id",
    "empty id",
    "bad bytes",
    "bad year",
    "nul",
)


def kaggle_row(i: int, breakage: str, duplicate_of: int) -> bytes:
    year = "notayear" if breakage == "bad year" else str(2010 + i % 9)
    title = f"Brand Men Blue Shirt {i}"
    if breakage == "unclosed quote":
        title = f'"Brand Men Blue Shirt {i}'
    if breakage == "nul":
        title = f"Brand\x00Shirt {i}"
    product_id = (
        "" if breakage == "empty id" else str(duplicate_of if breakage == "duplicate id" else 10000 + i)
    )
    fields = [product_id, "Men", "Apparel", "Topwear", "Shirts", "Blue", "Summer", year, "Casual", title]
    if breakage == "missing fields":
        fields = fields[:5]
    line = ",".join(fields).encode()
    if breakage == "bad bytes":
        line = line.replace(b"Blue Shirt", b"Blue \xe9\xff Shirt")
    return line + b"\n"


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(BREAKAGES), min_size=1, max_size=35))
def test_every_kaggle_line_is_indexed_or_reported(tmp_path_factory, breakages: list[str]) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("kaggle")
    body = b"".join(kaggle_row(i, b, 10000) for i, b in enumerate(breakages))
    (folder / "styles.csv").write_bytes((",".join(COLUMNS) + "\n").encode() + body)
    catalog, report = load_kaggle(folder)
    lines = len(breakages)
    skipped_lines = {i.line for i in report.issues if i.outcome == "skipped"}
    assert report.rows_read == lines, report.issues
    assert len(catalog) + len(skipped_lines) == lines, report.issues
    reported = {i.line for i in report.issues}
    broken = [i + 2 for i, b in enumerate(breakages) if b not in ("none", "duplicate id")]  # line 1: header
    assert set(broken) <= reported, report.issues


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(
        st.sampled_from(("none", "bad json", "nan price", "no title", "not an object")),
        min_size=1,
        max_size=30,
    )
)
def test_every_jsonl_line_is_indexed_or_reported(tmp_path_factory, breakages: list[str]) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("jsonl")
    lines = []
    for i, breakage in enumerate(breakages):
        record = {"id": f"p{i}", "title": f"Red dress {i}", "price": 10 + i}
        if breakage == "no title":
            del record["title"]
        text = json.dumps(record)
        if breakage == "nan price":
            text = text.replace(f'"price": {10 + i}', '"price": NaN')
        if breakage == "bad json":
            text = text[:-1]
        if breakage == "not an object":
            text = "[1, 2]"
        lines.append(text)
    path = folder / "catalog.jsonl"
    path.write_text("\n".join(lines) + "\n")
    if all(b in ("bad json", "not an object", "no title") for b in breakages):  # no title column at all
        with pytest.raises(CatalogError, match="no such column"):
            load_generic(path, FieldMapping())
        return
    catalog, report = load_generic(path, FieldMapping())
    skipped_lines = {i.line for i in report.issues if i.outcome == "skipped"}
    assert len(catalog) + len(skipped_lines) == len(breakages) == report.rows_read
    reported = {i.line for i in report.issues}
    assert all(i + 1 in reported for i, b in enumerate(breakages) if b != "none")


def test_an_unclosed_quote_is_reported_on_every_line_it_swallows(tmp_path: Path) -> None:
    rows = [kaggle_row(i, "none", 0) for i in range(35)]
    rows[5] = kaggle_row(5, "unclosed quote", 0)
    (tmp_path / "styles.csv").write_bytes((",".join(COLUMNS) + "\n").encode() + b"".join(rows))
    catalog, report = load_kaggle(tmp_path)
    skipped = sorted(i.line for i in report.issues if i.outcome == "skipped")
    assert len(catalog) + len(skipped) == 35  # nothing vanishes: 5 indexed before it, 30 lines reported
    assert skipped == list(range(7, 37)) and "never closes" in report.issues[0].reason
