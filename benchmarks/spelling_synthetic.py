"""How the speller does on typos nobody wrote down: every clean query of the judged sets' tune parts
with one word (of 4 letters or more) mistyped the four ways people mistype (a letter left out, two
swapped, one doubled, one struck on a neighbouring key), seeded. Counted under the shop preset: the
share corrected back to exactly the clean query, per kind of typo, and the clean queries rewritten.
Tune parts only, so that the test parts stay a fair report.

python benchmarks/spelling_synthetic.py [--benchmark kagl-judged] [--show 20] [--results]
"""

from __future__ import annotations

import argparse
import random
import shlex
import sys
from collections import Counter
from pathlib import Path

from common import machine, write_section  # type: ignore[import-not-found]
from modasearch.eval.experiment import prepare_benchmark, prepare_index
from modasearch.eval.judged import read_judged, split_of
from modasearch.search.understand import tokens

OUT = Path(__file__).resolve().parent / "out" / "eval"
JUDGED = Path(__file__).resolve().parent / "judged"
SETS = {"kagl-judged": "kaggle", "hm-judged": "hm"}
ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
KINDS = ("left out", "swapped", "doubled", "neighbour key")


def neighbours(letter: str) -> str:
    for r, row in enumerate(ROWS):
        if letter in row:
            i = row.index(letter)
            near = row[max(0, i - 1) : i] + row[i + 1 : i + 2]
            return near + "".join(ROWS[o][i] for o in (r - 1, r + 1) if 0 <= o < 3 and i < len(ROWS[o]))
    return ""


def mistype(word: str, kind: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)  # people keep the first letter
    if kind == "left out":
        return word[:i] + word[i + 1 :]
    if kind == "swapped":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :] if i + 1 < len(word) else word
    if kind == "doubled":
        return word[:i] + word[i] + word[i:]
    near = neighbours(word[i])
    return word[:i] + rng.choice(near) + word[i + 1 :] if near else word


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--benchmark", action="append", choices=list(SETS))
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--show", type=int, default=0, help="print this many misses per set")
    parser.add_argument("--results", action="store_true", help="write the spelling-synthetic section")
    args = parser.parse_args()
    rows = []
    for name in args.benchmark or list(SETS):
        judged = [q for q in read_judged(JUDGED / SETS[name] / "queries.jsonl") if not q.of]
        clean = [q.query for q in judged if split_of(q) == "tune"]
        rng = random.Random(0)
        cases = []
        for text in clean:
            words = text.split()
            for kind in KINDS:
                where = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
                if where:
                    i = rng.choice(where)
                    typo = mistype(words[i].lower(), kind, rng)
                    if typo != words[i].lower():
                        cases.append((kind, text, " ".join([*words[:i], typo, *words[i + 1 :]])))
        full, _ = prepare_benchmark(name, args.data, OUT / name)
        fixed, total, misses = Counter[str](), Counter[str](), []
        with prepare_index(full, OUT / name / "index") as engine:
            rewritten = [q for q in clean if engine.search(q, k=1, preset="shop").corrected]
            for kind, text, typo in cases:
                shown = engine.search(typo, k=1, preset="shop").corrected or typo
                total[kind] += 1
                if tokens(shown) == tokens(text):
                    fixed[kind] += 1
                else:
                    misses.append(f"{typo!r} -> {shown!r} (meant {text!r})")
        row = [name, f"{sum(fixed.values())} / {sum(total.values())}"]
        row += [f"{fixed[k]} / {total[k]}" for k in KINDS] + [f"{len(rewritten)} / {len(clean)}"]
        rows.append("| " + " | ".join(row) + " |")
        print(rows[-1], *misses[: args.show], sep="\n  ")
    if args.results:
        command = shlex.join(["python", *sys.argv])
        head = ["set", "fixed exactly", *KINDS, "clean queries rewritten"]
        body = "\n".join(
            [
                "## Spelling on typos nobody wrote down (tune parts)",
                "",
                f"Command: `{command}` ({machine()}). {__doc__.split(chr(10) + chr(10))[0]}",
                "",
                "| " + " | ".join(head) + " |",
                "|" + "---|" * len(head),
                *rows,
                "",
                "Most misses are typos that make another English word no product text holds ('nil polish',"
                " 'gym war', 'pool shirt'): the speller reads English as typed, by design.",
            ]
        )
        write_section("spelling-synthetic", body)


if __name__ == "__main__":
    main()
