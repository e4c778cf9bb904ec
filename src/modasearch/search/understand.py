"""Query understanding: which of the catalog's own attribute values a query names.

"solid underwear tights ladieswear" -> graphical_appearance=Solid, product_type=Underwear Tights,
index_group=Ladieswear. Values come from the index's vocabularies (the facet fields), matched as whole
phrases, longest first, after lower-casing and singularising both sides ("dresses" finds "Dress"),
through a small synonym table ("pants" finds "Trousers"), and with typo tolerance as shoppers know it
from Algolia: one edit in words of 4 to 7 letters, two from 8 (Damerau-Levenshtein), but only for
words the catalog does not contain (a real word is never "corrected").
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from modasearch.search.spelling import Speller

_TOKEN = re.compile(r"[a-z0-9]+")
MAX_PHRASE = 6  # words in the longest value matched

# Shopper words -> the catalog's words. Each entry was measured on hm-attr queries rewritten with it
# (benchmarks/RESULTS.md, section ranking); entries that did not help were left out.
SYNONYMS: dict[str, str] = {
    "pant": "trouser",
    "tee": "t shirt",
    "tshirt": "t shirt",
    "hoody": "hoodie",
    "jumper": "sweater",
    "pullover": "sweater",
    "trainer": "sneaker",
    "navy": "dark blue",
    "women": "ladieswear",
    "woman": "ladieswear",
    "ladies": "ladieswear",
    "men": "menswear",
    "man": "menswear",
    "mens": "menswear",
    "kid": "children",
    "child": "children",
    "striped": "stripe",
    "checked": "check",
    "dotted": "dot",
}


def singular(word: str) -> str:
    """A light English singular: dresses -> dress, trousers -> trouser, accessories -> accessory."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    return [singular(w) for w in _TOKEN.findall(text.lower())]


@dataclass(frozen=True)
class Mention:
    """Query words that name one value (or the same value in several fields)."""

    text: str  # the words as typed
    start: int  # word positions in the query, end exclusive
    end: int
    values: tuple[tuple[str, str], ...]  # (field, value), the preferred field first
    typos: int = 0

    @property
    def field(self) -> str:
        return self.values[0][0]

    @property
    def value(self) -> str:
        return self.values[0][1]


@dataclass(frozen=True)
class ParsedQuery:
    query: str
    mentions: tuple[Mention, ...] = ()
    rest: tuple[str, ...] = ()  # words that named no value
    corrections: dict[str, str] = field(default_factory=dict)  # typed word -> catalog word

    @property
    def corrected(self) -> str:
        """The query with its typos corrected: what the retrievers should search for."""
        if not self.corrections:
            return self.query
        return " ".join(self.corrections.get(w, w) for w in _TOKEN.findall(self.query.lower()))

    def filters(self, fields: Sequence[str] | None = None) -> dict[str, list[str]]:
        """Mentioned values by field (each mention in its preferred field), for `fields` or all."""
        out: dict[str, list[str]] = {}
        for mention in self.mentions:
            if fields is None or mention.field in fields:
                values = out.setdefault(mention.field, [])
                # every value the words name in that field: "earrings" is "Earring" and "Earrings"
                for name, value in mention.values:
                    if name == mention.field and value not in values:
                        values.append(value)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "mentions": [
                {"text": m.text, "field": m.field, "value": m.value, "also": m.values[1:], "typos": m.typos}
                for m in self.mentions
            ],
            "rest": list(self.rest),
            "corrections": self.corrections,
            "corrected": self.corrected,
        }


class QueryParser:
    """Built once per index from its vocabularies; `known_word` says whether the catalog's texts hold a
    word (typos are only looked for in words they do not hold)."""

    def __init__(
        self,
        vocab: Mapping[str, Sequence[str]],
        fields: Sequence[str],
        known_word: Callable[[str], bool] = lambda _: False,
        synonyms: Mapping[str, str] = SYNONYMS,
        frequency: Callable[[str], int] = lambda _: 0,
    ) -> None:
        self.fields = [f for f in fields if f in vocab]  # preference order when a phrase is in several
        self.known_word = known_word
        self.synonyms = {singular(k): words(v) for k, v in synonyms.items()}
        self.phrases: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        for name in self.fields:
            for value in vocab[name]:
                key = tuple(words(value))
                if key and len(key) <= MAX_PHRASE and (name, value) not in self.phrases.get(key, []):
                    self.phrases.setdefault(key, []).append((name, value))
        forms = {
            t: singular(t) for name in self.fields for v in vocab[name] for t in _TOKEN.findall(v.lower())
        }
        forms.update({w: w for key in self.phrases for w in key})
        # a synonym is a word of its own ("tshirt"), not a typo of a catalog word ("shirt")
        self.speller = Speller(forms, self.phrases, known_word, frequency, protected=set(self.synonyms))

    def _match(self, keys: Sequence[tuple[str, ...]], i: int) -> tuple[int, list[tuple[str, str]]] | None:
        """The longest phrase starting at word i: (words used, values), or None. `keys[j]` is word j as
        one or more catalog words (a synonym can be two)."""
        for length in range(min(MAX_PHRASE, len(keys) - i), 0, -1):
            key = tuple(w for part in keys[i : i + length] for w in part)
            if key in self.phrases:
                return length, self.phrases[key]
        return None

    def parse(self, query: str) -> ParsedQuery:
        typed = _TOKEN.findall(query.lower())
        corrected = self.speller.correct(typed, [singular(raw) for raw in typed])
        plain = [(word,) for word, _ in corrected]
        # a synonym only where the catalog's own words name nothing ("men" is a value in some catalogs)
        synonym = [tuple(self.synonyms.get(word, [word])) for word, _ in corrected]
        mentions, rest, i = [], [], 0
        while i < len(typed):
            found = self._match(plain, i) or self._match(synonym, i)
            if found is None:
                rest.append(typed[i])
                i += 1
                continue
            length, values = found
            typos = sum(t for _, t in corrected[i : i + length])
            mentions.append(Mention(" ".join(typed[i : i + length]), i, i + length, tuple(values), typos))
            i += length
        corrections = {raw: word for raw, (word, typos) in zip(typed, corrected, strict=True) if typos}
        return ParsedQuery(query, tuple(self._head_last(mentions)), tuple(dict.fromkeys(rest)), corrections)

    def _head_last(self, mentions: list[Mention]) -> list[Mention]:
        """English puts the noun last: when several mentions name the primary field (the product type),
        the earlier ones are modifiers and take their next field ("jacket coat": the Jacket
        department's coats; "blouse vest top": vest tops from the Blouse department)."""
        primary = self.fields[0] if self.fields else None
        typed = [i for i, m in enumerate(mentions) if m.field == primary]
        out = list(mentions)
        for i in typed[:-1]:
            others = tuple(v for v in mentions[i].values if v[0] != primary)
            if others:
                out[i] = dataclasses.replace(
                    mentions[i], values=others + tuple(v for v in mentions[i].values if v[0] == primary)
                )
        return out
