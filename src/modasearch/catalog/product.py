"""The product record every other part of modasearch works with."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# What an attribute may be called (a column header, an API field): a letter or digit (of any script)
# first, then also spaces, '_' and '-'; "", "__proto__", "a.b" or a header of punctuation are not
# names, nor the product's own fields.
ATTRIBUTE_NAME = re.compile(r"[^\W_][\w -]{0,99}")
RESERVED_NAMES = frozenset(
    {"id", "product_id", "title", "description", "image", "group_id", "price", "text", "photo_colours"}
)


def is_attribute_name(name: str) -> bool:
    return bool(ATTRIBUTE_NAME.fullmatch(name)) and name not in RESERVED_NAMES


def attribute_names_problem(names: Iterable[str]) -> str | None:
    """What is wrong with the attribute names a caller chose, or None."""
    bad = [name for name in names if not is_attribute_name(name)]
    if not bad:
        return None
    return (
        f"attribute names {bad} are not allowed: use letters, digits, spaces, '_' and '-', "
        f"and none of {sorted(RESERVED_NAMES)}"
    )


AttributeValue = str | int | float


@dataclass(frozen=True)
class Product:
    """One sellable article. `group_id` ties colour/size variants of one product together."""

    id: str
    title: str
    description: str = ""
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    image: str | None = None
    group_id: str | None = None
    price: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Product:
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            description=str(data.get("description") or ""),
            attributes=dict(data.get("attributes") or {}),
            image=data.get("image"),
            group_id=data.get("group_id"),
            price=None if data.get("price") is None else float(data["price"]),
        )


@dataclass
class Catalog:
    """Products plus what the loader learned about them.

    `text_attributes` names the attributes that go into the canonical product text, in order;
    `root` is the directory relative image references resolve against.
    """

    products: list[Product]
    text_attributes: tuple[str, ...] = ()
    name: str = "catalog"
    root: str | None = None

    def __len__(self) -> int:
        return len(self.products)

    def __iter__(self) -> Iterator[Product]:
        return iter(self.products)

    def fingerprint(self) -> str:
        return fingerprint(self.products, self.text_attributes)

    def attribute_names(self) -> list[str]:
        names: dict[str, None] = {}
        for product in self.products:
            names.update(dict.fromkeys(product.attributes))
        return list(names)


def fingerprint(products: Sequence[Product], text_attributes: Sequence[str] = ()) -> str:
    """A content hash of the catalog: any change to any product changes it."""
    digest = hashlib.sha256()
    digest.update(json.dumps(list(text_attributes)).encode())
    for product in products:
        digest.update(json.dumps(product.to_dict(), sort_keys=True, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


def image_location(image: str, root: str | None) -> Path:
    """Where a product's image reference points: relative references resolve against the catalog root."""
    path = Path(image)
    return path if path.is_absolute() or not root else Path(root) / path
