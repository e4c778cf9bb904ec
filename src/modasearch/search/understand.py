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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from modasearch.search.spelling import Speller
from modasearch.search.vocabulary import COMPOUNDS, STOPWORDS, expansions, shopper_words, singular

_TOKEN = re.compile(r"[a-z0-9]+")
MAX_PHRASE = 6  # words in the longest value matched

# Shopper words -> the catalog's words, besides the vocabulary table (search/vocabulary.py): who a
# product is for and pattern words, as catalogs name them.
SYNONYMS: dict[str, str] = {
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


def plural(word: str) -> str:
    """The plural the vocabulary table may list ("sneaker" -> "sneakers")."""
    return word if word.endswith("s") else word + "s"


def tokens(text: str) -> list[str]:
    """Lower-case words, a split compound joined ("t-shirt", "t shirt" -> "tshirt")."""
    found = _TOKEN.findall(text.lower())
    out: list[str] = []
    for word in found:
        if out and (out[-1], word) in COMPOUNDS:
            out[-1] = COMPOUNDS[(out[-1], word)]
        else:
            out.append(word)
    return out


def words(text: str) -> list[str]:
    return [singular(w) for w in tokens(text)]


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

    def only(self, fields: Sequence[str]) -> ParsedQuery:
        """The parse with the mentions of `fields` alone (each mention's values in them only)."""
        kept = []
        for mention in self.mentions:
            values = tuple(v for v in mention.values if v[0] in fields)
            if values:
                kept.append(dataclasses.replace(mention, values=values))
        return dataclasses.replace(self, mentions=tuple(kept))

    @property
    def unparsed(self) -> list[str]:
        """Words that named no value, stopwords aside."""
        return [w for w in self.rest if w not in STOPWORDS]

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
    """Built once per index snapshot from its vocabularies; `lexicon` (word -> product texts holding
    it) and `english` (word -> corpus count; None: the shipped dictionary) say which words are real
    (typos are only looked for in words that are neither)."""

    def __init__(
        self,
        vocab: Mapping[str, Sequence[str]],
        fields: Sequence[str],
        lexicon: Mapping[str, int] | None = None,
        synonyms: Mapping[str, str] = SYNONYMS,
        english: Mapping[str, int] | None = None,
    ) -> None:
        self.fields = [f for f in fields if f in vocab]  # preference order when a phrase is in several
        self.synonyms = {singular(k): words(v) for k, v in synonyms.items()}
        self.phrases: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        for name in self.fields:
            for value in vocab[name]:
                key = tuple(words(value))
                if key and len(key) <= MAX_PHRASE and (name, value) not in self.phrases.get(key, []):
                    self.phrases.setdefault(key, []).append((name, value))
        forms = {t: singular(t) for name in self.fields for v in vocab[name] for t in tokens(v)}
        forms.update({w: w for key in self.phrases for w in key})
        # a shopper's word is a word of its own ("tshirt", "sunnies"), not a typo of a catalog word
        protected = {*self.synonyms, *synonyms, *shopper_words()}
        self.speller = Speller(forms, self.phrases, lexicon or {}, protected, english)

    def _match(self, keys: Sequence[tuple[str, ...]], i: int) -> tuple[int, list[tuple[str, str]]] | None:
        """The longest catalog value starting at word i: (words used, values), or None. `keys[j]` is
        word j as one or more catalog words (a synonym can be two); stopwords alone name nothing."""
        for length in range(min(MAX_PHRASE, len(keys) - i), 0, -1):
            key = tuple(w for part in keys[i : i + length] for w in part)
            if key in self.phrases and not set(key) <= STOPWORDS:
                return length, self.phrases[key]
        return None

    def _alternatives(self, keys: Sequence[str], i: int) -> tuple[int, list[tuple[str, str]]] | None:
        """Where the catalog's own words name nothing: the values the shopper's word means in this
        catalog, through the synonym and vocabulary tables ("sneakers": Casual Shoes, Sports Shoes)."""
        for length in range(min(3, len(keys) - i), 0, -1):
            phrase = list(keys[i : i + length])
            options = [words(e) for e in expansions(" ".join(phrase))]
            options += [words(e) for e in expansions(" ".join([*phrase[:-1], plural(phrase[-1])]))]
            values: list[tuple[str, str]] = []
            for option in options:
                for value in self.phrases.get(tuple(option), []):
                    if value not in values:
                        values.append(value)
            if values:
                return length, values
        return None

    def parse(self, query: str) -> ParsedQuery:
        typed = tokens(query)
        corrected = self.speller.correct(typed, [singular(raw) for raw in typed])
        plain = [singular(word) for word, _ in corrected]
        own = [(word,) for word in plain]
        synonym = [tuple(self.synonyms.get(word, [word])) for word in plain]
        mentions, rest, i = [], [], 0
        while i < len(typed):
            # other words only where the catalog's own name nothing ("men" is a value in some catalogs)
            found = self._match(own, i) or self._match(synonym, i) or self._alternatives(plain, i)
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
