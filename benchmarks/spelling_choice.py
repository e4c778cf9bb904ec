"""Which English word list the speller should trust: symspellpy's frequency dictionary (shipped),
wordfreq's top English words, pyspellchecker's English dictionary, or none (the catalog's words
only). A word in the list is never corrected, and the list's words are correction targets too.

On the judged sets' tune parts, under the shop preset: how many clean queries are rewritten (every
rewrite of a clean query is a false correction), how many misspelled queries are corrected to exactly
the clean query they misspell, and nDCG@10 (cards) of the misspelled and the clean queries.

python benchmarks/spelling_choice.py [--split tune] [--results benchmarks/RESULTS.md]
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from common import machine  # type: ignore[import-not-found]
from modasearch.eval.benchmarks.store import load_benchmark_catalog
from modasearch.eval.experiment import prepare_benchmark, prepare_index
from modasearch.eval.judged import read_judged
from modasearch.eval.judged_report import card_keys, query_scores
from modasearch.eval.report import write_section
from modasearch.search import spelling
from modasearch.search.understand import tokens

OUT = Path(__file__).resolve().parent / "out" / "eval"
JUDGED = Path(__file__).resolve().parent / "judged"
BENCHMARKS = {
    "kagl-judged": "kaggle",
    "kagl-judged-titles": "kaggle",
    "hm-judged": "hm",
    "hm-judged-titles": "hm",
}


def wordfreq_words() -> Mapping[str, Any]:
    from wordfreq import top_n_list, word_frequency

    return {w: int(word_frequency(w, "en") * 1e9) for w in top_n_list("en", 100_000) if w.isalpha()}


def pyspellchecker_words() -> Mapping[str, Any]:
    from spellchecker import SpellChecker

    return dict(SpellChecker(language="en").word_frequency.dictionary)


DICTIONARIES: dict[str, Callable[[], Mapping[str, Any]]] = {
    "symspellpy (82,765 words, shipped)": spelling.english_words,
    "wordfreq (top 100,000 English words)": wordfreq_words,
    "pyspellchecker (English)": pyspellchecker_words,
    "none (the catalog's words only)": dict,
}


def measure(name: str, split: str, data: str) -> dict[str, tuple[float, ...]]:
    full, _ = prepare_benchmark(name, data, OUT / name)
    bench = full.split(split)
    judged = {q.qid: q for q in read_judged(JUDGED / BENCHMARKS[name] / "queries.jsonl")}
    cards = card_keys(load_benchmark_catalog(full.meta))
    typos = [q for q in bench.queries if judged[q].of]
    clean = [q for q in bench.queries if not judged[q].of]
    rows: dict[str, tuple[float, ...]] = {}
    for label, words in DICTIONARIES.items():
        english = words()
        spelling.english_words = lambda english=english: english  # type: ignore[assignment]
        run, shown = {}, {}
        with prepare_index(full, OUT / name / "index") as engine:
            for qid, text in bench.queries.items():
                results = engine.search(text, k=100, preset="shop")
                run[qid] = {h.product.id: float(100 - i) for i, h in enumerate(results.hits)}
                shown[qid] = results.corrected
        scores = query_scores(bench, run, cards)
        rewritten = sum(shown[q] is not None for q in clean)
        fixed = sum(
            shown[q] is not None and tokens(shown[q] or "") == tokens(judged[str(judged[q].of)].query)
            for q in typos
        )
        rows[label] = (
            rewritten,
            len(clean),
            fixed,
            len(typos),
            float(np.mean([scores[q] for q in typos])),
            float(np.mean([scores[q] for q in clean])),
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", default="tune", choices=["tune", "test", "all"])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--results", help="write the table into this RESULTS.md section")
    args = parser.parse_args()
    lines = [
        "| benchmark | English words | clean queries rewritten | misspellings fixed exactly | "
        "nDCG@10 misspelled / clean |",
        "|---|---|---|---|---|",
    ]
    for name in BENCHMARKS:
        for label, (rewritten, clean, fixed, typos, bad, good) in measure(
            name, args.split, args.data
        ).items():
            lines.append(
                f"| {name} | {label} | {rewritten} / {clean} | {fixed} / {typos} | "
                f"{bad:.3f} / {good:.3f} ({100 * bad / good:.0f}%) |"
            )
            print(lines[-1], flush=True)
    if args.results:
        command = "python " + " ".join(shlex.quote(a) for a in sys.argv)
        body = (
            "## Spelling: which English word list\n\n"
            + f"Command: `{command}` ({machine()}), split `{args.split}`.\n\n"
        )
        write_section(args.results, "spelling-choice", body + "\n".join(lines))


if __name__ == "__main__":
    main()
