"""Interaction events (purchases, add-to-cart, views, likes) read from a file or a request, checked
row by row: a malformed row is reported with its line number, never dropped silently."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from modasearch.catalog.loaders.generic import read_rows
from modasearch.catalog.loaders.hm import article_id
from modasearch.catalog.report import LoadReport

# How much one event says about a shopper's taste, relative to a purchase.
EVENT_WEIGHTS: dict[str, float] = {"purchase": 1.0, "cart": 0.5, "like": 0.5, "view": 0.2}
COLUMNS = ["customer", "product", "at", "kind", "weight", "line"]  # line: where it was read
_CUSTOMER = ("customer_id", "customer", "user_id", "user")
_PRODUCT = ("product_id", "article_id", "item_id", "product", "id")
_TIME = ("timestamp", "at", "t_dat", "date", "time")
_KIND = ("event", "kind", "event_type", "type")


class EventError(ValueError):
    """Interaction data that cannot be used as given."""


@dataclass(frozen=True)
class Event:
    product: str
    kind: str = "purchase"
    at: pd.Timestamp | None = None  # None: now

    def __post_init__(self) -> None:
        if self.kind not in EVENT_WEIGHTS:
            raise EventError(f"unknown event kind {self.kind!r}: use one of {', '.join(EVENT_WEIGHTS)}")


def _column(columns: Iterable[str], names: tuple[str, ...], what: str, path: Path) -> str | None:
    lowered = {c.lower(): c for c in columns}
    found = next((lowered[n] for n in names if n in lowered), None)
    if found is None and what:
        raise EventError(f"{path}: no {what} column (looked for {', '.join(names)})")
    return found


def _timestamp(value: Any) -> pd.Timestamp | None:
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        return None
    return None if pd.isna(stamp) else stamp.tz_localize(None) if stamp.tzinfo else stamp


def _row(
    record: Mapping[str, Any], names: tuple[str, str, str, str | None], normalise: Callable[[Any], str]
) -> tuple[list[Any] | None, str]:
    customer_col, product_col, time_col, kind_col = names
    customer = str(record.get(customer_col) or "").strip()
    product = str(record.get(product_col) or "").strip()
    if not customer or not product:
        return None, "missing customer or product id"
    at = _timestamp(record.get(time_col))
    if at is None:
        return None, f"bad timestamp: {record.get(time_col)!r}"
    kind = str(record.get(kind_col) or "purchase").strip().lower() if kind_col else "purchase"
    if kind not in EVENT_WEIGHTS:
        return None, f"unknown event kind: {kind!r}"
    return [customer, normalise(product), at, kind, EVENT_WEIGHTS[kind]], ""


def load_events(path: str | Path, hm_ids: bool | None = None) -> tuple[pd.DataFrame, LoadReport]:
    """Events from CSV, JSONL or Parquet with customer, product and time columns (and optionally an
    event kind; purchase when absent). H&M transaction files are recognised by their `article_id`
    and `t_dat` columns; their article ids get the catalog's 10-digit form."""
    path = Path(path)
    report = LoadReport(str(path))
    columns, rows = read_rows(path, report)
    names = (
        _column(columns, _CUSTOMER, "customer", path),
        _column(columns, _PRODUCT, "product", path),
        _column(columns, _TIME, "time", path),
        _column(columns, _KIND, "", path),
    )
    if hm_ids is None:
        hm_ids = names[1] == "article_id" and names[2] == "t_dat"
    normalise: Callable[[Any], str] = article_id if hm_ids else str
    kept: list[list[Any]] = []
    for line, record in rows:
        report.rows_read += 1
        row, problem = _row(record, names, normalise)  # type: ignore[arg-type]
        if row is None:
            report.skipped(line, problem)
        else:
            kept.append([*row, line])
    if not kept:
        raise EventError(f"{path}: no usable events ({report.summary()})")
    return frame(kept), report


def frame(rows: list[list[Any]]) -> pd.DataFrame:
    events = pd.DataFrame(rows, columns=COLUMNS)
    events["at"] = pd.to_datetime(events["at"])
    return events.sort_values("at", kind="stable").reset_index(drop=True)


def request_events(customer: str, events: Iterable[Event], now: pd.Timestamp) -> pd.DataFrame:
    """A request's own events, in the same table form as loaded ones."""
    rows = [
        [customer, e.product, e.at if e.at is not None else now, e.kind, EVENT_WEIGHTS[e.kind], i]
        for i, e in enumerate(events)
    ]
    return frame(rows) if rows else pd.DataFrame(columns=COLUMNS)


def split_by_days(events: pd.DataFrame, test_days: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train on everything before the last `test_days` calendar days, test on those days."""
    days = events["at"].dt.normalize()
    cut = days.max() - pd.Timedelta(days=test_days - 1)
    if cut <= days.min():
        raise EventError(f"the events span {days.nunique()} days: too few to hold out {test_days}")
    return events[days < cut].reset_index(drop=True), events[days >= cut].reset_index(drop=True)
