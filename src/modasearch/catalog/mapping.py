"""Which source column feeds which product field, given on the command line or in a TOML file."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from modasearch.catalog.product import attribute_names_problem, is_attribute_name

_SCALAR_FIELDS = ("id", "title", "description", "image", "group_id", "price")
_NOT_IN_NAMES = re.compile(r"[^\w -]+")


def attribute_name(header: str) -> str:
    """The attribute a column header names: as it is when it is a name (ATTRIBUTE_NAME), else its
    other characters as '_' and what leads with no letter or digit dropped ("a.b" -> "a_b",
    "__proto__" -> "proto__"); "" when nothing is left or it is a product field ("price")."""
    name = header if is_attribute_name(header) else _NOT_IN_NAMES.sub("_", header).lstrip("_ -")[:100]
    return name if is_attribute_name(name) else ""


class MappingError(ValueError):
    pass


@dataclass(frozen=True)
class FieldMapping:
    """Source columns for each product field.

    `attributes` maps attribute name -> source column; None means "every column not used by
    another field". `text_attributes` names the attributes in the canonical text; None means all
    string attributes, in column order.
    """

    id: str = "id"
    title: str = "title"
    description: str | None = None
    image: str | None = None
    group_id: str | None = None
    price: str | None = None
    attributes: dict[str, str] | None = None
    text_attributes: tuple[str, ...] | None = None
    numeric_attributes: tuple[str, ...] = field(default=())

    def claiming_named_columns(self, columns: Sequence[str]) -> FieldMapping:
        """Unset fields (None) read the column of their own name when the file has one: a column
        "price" is the price, "description" the description. A field set to "" stays unread."""
        named = {f: f for f in _SCALAR_FIELDS if getattr(self, f) is None and f in columns}
        return replace(self, **named) if named else self  # type: ignore[arg-type]

    def used_columns(self) -> set[str]:
        return {c for c in (getattr(self, f) for f in _SCALAR_FIELDS) if c}

    def resolve_attributes(self, columns: Sequence[str]) -> dict[str, str]:
        """Attribute name -> column. Every column no other field uses, unless the mapping names
        them; a header that is no attribute name (ATTRIBUTE_NAME) is read under `attribute_name`'s
        version of it ("a.b" as "a_b"), or left out when nothing of it is left ("", "..")."""
        if self.attributes is not None:
            missing = [c for c in self.attributes.values() if c not in columns]
            if missing:
                raise MappingError(
                    f"attribute column(s) {missing} not in the file; columns are {list(columns)}"
                )
            problem = attribute_names_problem(self.attributes)
            if problem:
                raise MappingError(problem)
            return dict(self.attributes)
        used = self.used_columns()
        free = [c for c in columns if c not in used]
        out = {c: c for c in free if is_attribute_name(c)}  # names as they are claim theirs first
        for column in free:
            name = attribute_name(column)
            if name and name not in out:
                out[name] = column
        return out

    def check_columns(self, columns: Sequence[str]) -> None:
        for name in _SCALAR_FIELDS:
            column = getattr(self, name)
            if column and column not in columns:
                raise MappingError(
                    f"the mapping says {name}={column!r} but the file has no such column; "
                    f"columns are {list(columns)}"
                )

    @classmethod
    def from_toml(cls, path: str | Path) -> FieldMapping:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        fields = data.get("fields", data)
        return cls.from_dict(fields)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> FieldMapping:
        unknown = set(data) - {*_SCALAR_FIELDS, "attributes", "text_attributes", "numeric_attributes"}
        if unknown:
            raise MappingError(
                f"unknown mapping key(s) {sorted(unknown)}; known: {[*_SCALAR_FIELDS, 'attributes']}"
            )
        kwargs: dict[str, object] = {k: v for k, v in data.items() if k in _SCALAR_FIELDS}
        attrs = data.get("attributes")
        if isinstance(attrs, list):
            kwargs["attributes"] = {str(a): str(a) for a in attrs}
        elif isinstance(attrs, dict):
            kwargs["attributes"] = {str(k): str(v) for k, v in attrs.items()}
        for key in ("text_attributes", "numeric_attributes"):
            if key in data:
                kwargs[key] = tuple(str(a) for a in data[key])  # type: ignore[attr-defined]
        return cls(**kwargs)  # type: ignore[arg-type]

    def with_pairs(self, pairs: Iterable[str]) -> FieldMapping:
        """Apply command-line overrides such as `title=prod_name` or `attributes=colour,type`."""
        updates: dict[str, object] = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep:
                raise MappingError(
                    f"field mapping {pair!r} must look like field=column, e.g. title=prod_name"
                )
            key = key.strip()
            if key in ("attributes", "text_attributes", "numeric_attributes"):
                names = tuple(v.strip() for v in value.split(",") if v.strip())
                updates[key] = {n: n for n in names} if key == "attributes" else names
            elif key in _SCALAR_FIELDS:
                updates[key] = value.strip()  # "" (as in `image=`): leave the field unread
            else:
                raise MappingError(
                    f"unknown product field {key!r}; use one of {[*_SCALAR_FIELDS, 'attributes']}"
                )
        return replace(self, **updates)  # type: ignore[arg-type]
