"""What a catalog's fields are, judged from their values: which one holds product types, which hold
colours and which say who a product is for. Query understanding acts only on fields whose role it
knows: a text attribute that holds brands is not a product type, whatever its position."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from modasearch.search.understand import words
from modasearch.search.vocabulary import AUDIENCE_WORDS, COLOUR_WORDS, PRODUCT_NOUNS

TYPE_SHARE = 0.4  # of a field's values ending in a product noun, for it to hold product types
COLOUR_SHARE = 0.5
AUDIENCE_SHARE = 0.5
MIN_VALUES = 2


@dataclass(frozen=True)
class FieldRoles:
    product_type: str | None = None
    colours: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()

    @property
    def known(self) -> tuple[str, ...]:
        """Fields whose mentions may shape a ranking."""
        return (*((self.product_type,) if self.product_type else ()), *self.colours, *self.audience)


def share(values: Iterable[str], known: frozenset[str]) -> float:
    """The share of values with a word in `known` (their last word, for product nouns)."""
    values = [v for v in values if v.strip()]
    if len(values) < MIN_VALUES:
        return 0.0
    hits = 0
    for value in values:
        found = words(value)
        last = found[-1:] if known is PRODUCT_NOUNS else found
        hits += any(w in known or w.rstrip("s") in known for w in last)
    return hits / len(values)


def field_roles(vocab: Mapping[str, Sequence[str]], fields: Sequence[str]) -> FieldRoles:
    """`fields` in order of preference (the catalog's text attributes first)."""
    product_type = next((f for f in fields if share(vocab.get(f, ()), PRODUCT_NOUNS) >= TYPE_SHARE), None)
    colours = tuple(f for f in fields if share(vocab.get(f, ()), COLOUR_WORDS) >= COLOUR_SHARE)
    audience = tuple(f for f in fields if share(vocab.get(f, ()), AUDIENCE_WORDS) >= AUDIENCE_SHARE)
    return FieldRoles(product_type, colours, audience)
