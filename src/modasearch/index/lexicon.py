"""The catalog's words: how many product texts hold each (document frequency), for spelling
correction. Written beside the manifest at build time and kept current by every write."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from modasearch.index.payload import TEXT_FIELD
from modasearch.index.types import IndexBackend

LEXICON = "lexicon.json"
_WORD = re.compile(r"[a-z0-9]+")


def text_words(text: str) -> set[str]:
    """The distinct words of a text, lower case (letters and digits)."""
    return set(_WORD.findall(text.lower()))


def count_words(texts: Iterable[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(text_words(text))
    return counts


def save_lexicon(directory: Path, counts: Mapping[str, int]) -> None:
    """Write atomically (a reader never sees half a file)."""
    tmp = directory / f".{LEXICON}.tmp"
    kept = {w: n for w, n in sorted(counts.items()) if n > 0}
    tmp.write_text(json.dumps(kept, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, directory / LEXICON)


def load_lexicon(directory: Path, backend: IndexBackend) -> Counter[str]:
    """The index's lexicon; an index built before lexicons existed gets one from its texts, once."""
    path = directory / LEXICON
    if path.exists():
        return Counter(json.loads(path.read_text(encoding="utf-8")))
    hits = backend.scroll((), max(1, backend.count()), [TEXT_FIELD])
    counts = count_words(str(h.payload.get(TEXT_FIELD, "")) for h in hits)
    save_lexicon(directory, counts)
    return counts
