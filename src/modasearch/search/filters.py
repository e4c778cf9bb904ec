"""User filters -> engine conditions, checked against the index's fields before anything runs.

{"colour_group": "Black"}                      equals
{"product_type": ["Trousers", "Shorts"]}       any of
{"price": {"gte": 10, "lt": 50}}               numeric range
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from modasearch.index.payload import payload_key
from modasearch.index.types import Condition

RANGE_KEYS = ("gte", "lte", "gt", "lt")
Filters = Mapping[str, Any]


class FilterError(ValueError):
    pass


def _canonical(value: Any, known: dict[str, str]) -> Any:
    """Match filter values case-insensitively to the catalog's own spelling ("black" -> "Black")."""
    return known.get(str(value).lower(), value) if isinstance(value, str) else value


def _range(name: str, spec: Mapping[str, Any]) -> Condition:
    unknown = set(spec) - set(RANGE_KEYS)
    if unknown or not spec:
        raise FilterError(f"filter {name!r}: a range takes {list(RANGE_KEYS)}, got {sorted(spec)}")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in spec.values()):
        raise FilterError(f"filter {name!r}: range bounds must be numbers, got {dict(spec)}")
    bounds = {k: float(v) for k, v in spec.items()}
    if not all(math.isfinite(b) for b in bounds.values()):
        raise FilterError(f"filter {name!r}: range bounds must be finite numbers, got {dict(spec)}")
    return Condition(payload_key(name), **bounds)  # type: ignore[arg-type]


def _text(name: str, value: Any) -> str:
    """A text field's value: a string (not a number, a list or an object)."""
    if not isinstance(value, str):
        raise FilterError(f"filter {name!r} is a text field: its values are strings, got {value!r}")
    return value


def _number(name: str, value: Any) -> float:
    """A numeric field's value: a finite number, or a string that is one (the command line's)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FilterError(f"filter {name!r} is numeric; {value!r} is not a number")
    try:
        number = float(value)
    except ValueError:
        raise FilterError(f"filter {name!r} is numeric; {value!r} is not a number") from None
    if not math.isfinite(number):
        raise FilterError(f"filter {name!r}: a number must be finite, got {value!r}")
    return number


def to_conditions(
    filters: Filters | None, fields: Mapping[str, str], vocab: Mapping[str, Sequence[str]] | None = None
) -> tuple[Condition, ...]:
    if not filters:
        return ()
    conditions = []
    for name, spec in filters.items():
        kind = fields.get(name)
        if kind is None:
            raise FilterError(
                f"unknown filter field {name!r}; this index can filter on: {', '.join(sorted(fields))}"
            )
        known = {v.lower(): v for v in (vocab or {}).get(name, [])}
        if isinstance(spec, Mapping):
            if kind != "float":
                raise FilterError(
                    f"filter {name!r} is a text field: give a value or a list of values, not a range"
                )
            conditions.append(_range(name, spec))
        elif isinstance(spec, list | tuple | set):
            if not spec:
                raise FilterError(f"filter {name!r}: the list of values is empty")
            if kind == "float":
                raise FilterError(
                    f"filter {name!r} is numeric: give a number or a range such as {{'gte': 1}}"
                )
            values = tuple(_canonical(_text(name, v), known) for v in spec)
            conditions.append(Condition(payload_key(name), any_of=values))
        elif kind == "float":
            number = _number(name, spec)
            conditions.append(Condition(payload_key(name), gte=number, lte=number))
        else:
            conditions.append(Condition(payload_key(name), equals=_canonical(_text(name, spec), known)))
    return tuple(conditions)


def parse_filter_args(args: list[str]) -> dict[str, Any]:
    """Command-line filters: `colour_group=Black`, `product_type=Trousers,Shorts`, `price=10..50`."""
    filters: dict[str, Any] = {}
    for arg in args:
        name, sep, value = arg.partition("=")
        if not sep or not name.strip():
            raise FilterError(f"filter {arg!r} must look like field=value, field=a,b or field=min..max")
        name, value = name.strip(), value.strip()
        if ".." in value:
            low, _, high = value.partition("..")
            filters[name] = {k: _cli_number(name, v) for k, v in (("gte", low), ("lte", high)) if v}
        elif "," in value:
            filters[name] = [v.strip() for v in value.split(",") if v.strip()]
        else:
            filters[name] = value
    return filters


def _cli_number(name: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise FilterError(f"filter {name!r}: range bounds must be numbers, got {text!r}") from None
