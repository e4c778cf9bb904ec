"""Typo correction as shoppers know it from Algolia, that knows the language: a word is corrected only
when it is neither the catalog's (a word its product texts hold) nor a word of English (symspellpy's
82,765-word frequency dictionary, chosen by measurement: benchmarks/RESULTS.md) nor a shopper's word
the vocabulary table knows ("tshirt", "sunnies"). So "sneakers", "hoodie", "for" are never rewritten
into other catalog words.

A word to correct gets one edit in words of 4 to 7 letters, two from 8 (Damerau-Levenshtein), and
one letter restored in a 3-letter word ("ovr" -> "over"); candidates are the catalog's words and the
English words. Among equally near ones, the one that continues a catalog phrase with its neighbours
wins ("all oter pattern" -> "over", not "other"), then the one more product texts hold, then the more
common English word. A word a few product texts hold (a typo in a description) is still corrected
to a catalog word RARER times as common."""

from __future__ import annotations

import functools
import importlib.util
import itertools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from modasearch.search.vocabulary import AUDIENCE_WORDS, COLOUR_WORDS, PRODUCT_NOUNS, singular

SHOPPER_NOUNS = COLOUR_WORDS | AUDIENCE_WORDS | PRODUCT_NOUNS


def shoppers_word(word: str) -> bool:
    """A word shoppers' queries are made of: a colour, who it is for, a product (or its plural)."""
    return word in SHOPPER_NOUNS or singular(word) in SHOPPER_NOUNS


RARER = 30
KNOWN_MIN = 5  # a word fewer product texts hold may itself be a misspelling
COMMON_ENGLISH = 1_000_000  # corpus count: a plural of a word this common is a word ("mary janes")
RARE_ENGLISH = 500_000  # corpus count under which an English word may be a typo of a shopper's word
ANSWERS = 4096  # typos whose corrections a speller keeps
COMMON = 100  # product texts: among equally near words, those this common first
ENGLISH_RESOURCE = ("symspellpy", "frequency_dictionary_en_82_765.txt")


def allowed_typos(word: str) -> int:
    """Edits allowed in a typed word: a 3-letter word may miss one letter of a longer one."""
    return 0 if len(word) < 3 else 1 if len(word) < 8 else 2


@functools.cache
def english_words() -> Mapping[str, Any]:
    """English words and their corpus counts (symspellpy's dictionary, read without importing the
    package; empty if it is missing)."""
    package, name = ENGLISH_RESOURCE
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / name
    try:
        tokens = path.read_text(encoding="utf-8").split()  # word count word count ...
    except FileNotFoundError:
        return {}
    return dict(zip(tokens[::2], tokens[1::2], strict=True))  # counts as read: parsed when asked for


def shared_prefix(a: str, b: str) -> int:
    return sum(1 for _ in itertools.takewhile(lambda pair: pair[0] == pair[1], zip(a, b, strict=False)))


def english_count(english: Mapping[str, Any], word: str) -> int:
    value = english.get(word)
    return int(value) if value is not None else 0


class Speller:
    def __init__(
        self,
        forms: Mapping[str, str],
        phrases: Iterable[tuple[str, ...]],
        lexicon: Mapping[str, int],
        protected: Iterable[str] = (),
        english: Mapping[str, Any] | None = None,
    ) -> None:
        """`forms`: every spelling of a catalog value's words as typed (plural too) -> its canonical
        form; `lexicon`: word -> product texts holding it; `protected`: words that stand as typed."""
        self.forms = dict(forms)
        self.canonical = set(self.forms.values())
        self.bigrams = {pair for key in phrases for pair in itertools.pairwise(key)}
        self.lexicon = lexicon
        self.english = english_words() if english is None else english
        self.protected = set(protected)
        self._surface: list[str] | None = None
        self._nouns: list[str] | None = None
        # a typo is looked up against ~100,000 words: shoppers repeat their typos, so keep the answers
        self._answers: dict[tuple[str, str], tuple[list[str], int]] = {}

    @property
    def surface(self) -> list[str]:
        """Every word a typo may be corrected to (built on the first typo)."""
        if self._surface is None:
            catalog = (w for w, n in self.lexicon.items() if n >= KNOWN_MIN)
            words = {*self.forms, *catalog, *self.english, *self.protected}
            # a 3-letter typo may only miss a letter: no 3-letter word is a correction
            self._surface = sorted(w for w in words if len(w) >= 4 and not w.isdigit())
        return self._surface

    def frequency(self, word: str) -> int:
        return self.lexicon.get(word, 0)

    def known(self, raw: str, word: str) -> bool:
        """A word of the catalog's values or of the vocabulary table (as typed or singular), or of
        English as typed, or the plural of a common English word ("clarks", "mary janes"; not
        "jenas": "jena" is rare). Other catalog words may still be typos of far more common ones."""
        if raw.isdigit() or word in self.canonical or {raw, word} & self.protected:
            return True
        return raw in self.english or english_count(self.english, word) >= COMMON_ENGLISH

    def mistaken_for(self, raw: str) -> list[str]:
        """What a rare English word no product text holds is a typo of: the shoppers' words (colours,
        audiences, products) one edit away that product texts hold and English uses RARER times
        as often, that are not its stem ("willet": wallet; "scurf": scarf; not "turban": urban is
        no product, nor "silks", "fleecy": silk, fleece)."""
        own = english_count(self.english, raw)
        if len(raw) < 5 or not raw.isalpha() or self.frequency(raw) or own >= RARE_ENGLISH:
            return []
        if self._nouns is None:
            self._nouns = sorted(w for w in self.lexicon if shoppers_word(w))
        near = process.extract(
            raw, self._nouns, scorer=DamerauLevenshtein.distance, score_cutoff=1, limit=None
        )
        return sorted(
            w
            for w, _, _ in near
            if w != raw
            and english_count(self.english, w) >= RARER * max(own, 1)
            and shared_prefix(w, raw) < min(len(w), len(raw)) - 1
        )

    def candidates(self, raw: str, word: str) -> tuple[list[str], int]:
        """`_candidates`, kept for the next time (at most ANSWERS of them: then it starts over)."""
        key = (raw, word)
        found = self._answers.get(key)
        if found is None:
            if len(self._answers) >= ANSWERS:
                self._answers.clear()
            found = self._answers[key] = self._candidates(raw, word)
        return list(found[0]), found[1]

    def _candidates(self, raw: str, word: str) -> tuple[list[str], int]:
        """The words nearest to `raw` (typed), as the catalog or English spells them, and the
        distance; ([word], 0) when `word` (its canonical form) stands as it is."""
        limit = allowed_typos(raw)
        if not limit:
            return [word], 0
        if self.known(raw, word):
            mistaken = (
                [] if word in self.canonical or {raw, word} & self.protected else self.mistaken_for(raw)
            )
            return (mistaken, 1) if mistaken else ([word], 0)
        found = process.extract(
            raw, self.surface, scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=None
        )
        found = [match for match in found if match[0] != raw]
        if not found:
            return [word], 0
        best = min(int(score) for _, score, _ in found)
        nearest = sorted({w for w, score, _ in found if int(score) == best})
        own = self.frequency(raw)
        if own and max(map(self.frequency, nearest)) < RARER * own:
            return [word], 0  # a rare catalog word, not a misspelling of a far more common one
        return nearest, best

    def correct(self, typed: Sequence[str], canonical: Sequence[str]) -> list[tuple[str, int]]:
        """(corrected word, edits) for every word of a query."""
        options = [self.candidates(raw, word) for raw, word in zip(typed, canonical, strict=True)]
        plain = [
            found[0] if len(found) == 1 else word for (found, _), word in zip(options, canonical, strict=True)
        ]
        chosen = []
        for i, (found, edits) in enumerate(options):
            before = plain[i - 1] if i else ""
            after = plain[i + 1] if i + 1 < len(plain) else ""

            def fit(
                w: str, raw: str = typed[i], before: str = before, after: str = after
            ) -> tuple[int, bool, bool, bool, int, bool, int, str]:
                """Catalog phrases it continues on either side, a word shoppers' queries are made of
                (a colour, who it is for, a product: "bron" is brown, not born), a word COMMON
                product texts hold, the typed letters swapped ("pusre": purse, not pure), the texts
                holding it, a shopper's word, English use."""
                key = self.forms.get(w, w)
                phrase = ((before, key) in self.bigrams) + ((key, after) in self.bigrams)
                shoppers = shoppers_word(w)
                swapped = sorted(w) == sorted(raw)
                return (
                    phrase,
                    shoppers,
                    self.frequency(w) >= COMMON,
                    swapped,
                    self.frequency(w),
                    w in self.protected,
                    english_count(self.english, w),
                    w,
                )

            chosen.append((max(found, key=fit) if len(found) > 1 else found[0], edits))
        return chosen
