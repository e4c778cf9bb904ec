"""Typo correction against the catalog's own words, as shoppers know it from Algolia: one edit in
words of 4 to 7 letters, two from 8 (Damerau-Levenshtein), and one letter restored in a 3-letter word
("ovr" -> "over"), but only for words the catalog's texts do not hold. Among equally near words, the
one that forms a catalog phrase with its neighbours wins ("all oter pattern" -> "over", not "other"),
then the one more products hold."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

# A word a few product texts hold is still read as a typo of a catalog word RARER times as common
# ("hoode" in a handful of descriptions, "hoodie" in thousands).
RARER = 30


def allowed_typos(word: str) -> int:
    """Edits allowed in a typed word: a 3-letter word may miss one letter of a longer one."""
    return 0 if len(word) < 3 else 1 if len(word) < 8 else 2


class Speller:
    def __init__(
        self,
        forms: Mapping[str, str],
        phrases: Iterable[tuple[str, ...]],
        known_word: Callable[[str], bool],
        frequency: Callable[[str], int],
        protected: Iterable[str] = (),
    ) -> None:
        """`forms`: every spelling of a catalog word as typed (plural too) -> its canonical form."""
        self.forms = dict(forms)
        self.canonical = set(self.forms.values())
        self.surface = sorted(w for w in self.forms if len(w) >= 4)
        self.bigrams = {pair for key in phrases for pair in itertools.pairwise(key)}
        self.known_word = known_word
        self.frequency = frequency
        self.protected = set(protected)  # words that stand as typed (the parser's synonyms)

    def candidates(self, raw: str, word: str) -> tuple[list[str], int]:
        """The canonical words nearest to `raw` (typed) and the distance; ([word], 0) when `word` (its
        canonical form) stands as it is."""
        if word in self.canonical or word in self.protected or word.isdigit():
            return [word], 0
        limit = allowed_typos(raw)
        if not limit:
            return [word], 0
        found = process.extract(
            raw, self.surface, scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=None
        )
        if not found:
            return [word], 0
        best = min(int(score) for _, score, _ in found)
        nearest = sorted({self.forms[w] for w, score, _ in found if int(score) == best})
        if self.known_word(word):
            own = self.frequency(word)
            if not own or max(map(self.frequency, nearest)) < RARER * own:
                return [word], 0  # a real word, not a misspelling of a far more common one
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

            def fit(w: str, before: str = before, after: str = after) -> tuple[int, int, str]:
                """Catalog phrases it continues on either side, then how many texts hold it."""
                return ((before, w) in self.bigrams) + ((w, after) in self.bigrams), self.frequency(w), w

            chosen.append((max(found, key=fit) if len(found) > 1 else found[0], edits))
        return chosen
