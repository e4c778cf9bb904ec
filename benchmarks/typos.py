"""hm-attr with typos: every test query with one edit (deletion, insertion, substitution or
transposition of neighbours, seeded) inside each of its words of 4 letters or more, the same judged
products. Target: the full pipeline keeps >= 90% of its nDCG@10 on the clean queries.

    python benchmarks/typos.py                      # writes benchmarks/out/eval/hm-attr-typos/benchmark
    modasearch eval run --benchmark benchmarks/out/eval/hm-attr-typos/benchmark \\
        --config benchmarks/grids/hm-typos.toml --index benchmarks/out/hm-index \\
        --out benchmarks/out/eval/hm-attr-typos
"""

from __future__ import annotations

import argparse
import random
import string
from pathlib import Path

from modasearch.eval.benchmarks.store import Benchmark, load_benchmark, save_benchmark


def one_edit(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)  # inside the word: first and last letters stay
    kind = rng.choice(("delete", "insert", "substitute", "transpose"))
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "insert":
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i:]
    if kind == "substitute":
        return word[:i] + rng.choice([c for c in string.ascii_lowercase if c != word[i]]) + word[i + 1 :]
    return (
        word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
        if word[i] != word[i - 1]
        else word[:i] + word[i + 1 :]
    )


def with_typos(text: str, rng: random.Random) -> str:
    return " ".join(one_edit(w, rng) if len(w) >= 4 and w.isalpha() else w for w in text.split())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", type=Path, default=Path("benchmarks/out/eval/hm-attr/benchmark"))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out/eval/hm-attr-typos/benchmark"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    clean = load_benchmark(args.source).split("test")
    rng = random.Random(args.seed)
    queries = {qid: with_typos(text, rng) for qid, text in sorted(clean.queries.items())}
    meta = {
        **clean.meta,
        "name": "hm-attr-typos",
        "typos": f"one edit per word of >= 4 letters, seed {args.seed}",
    }
    typos = Benchmark("hm-attr-typos", queries, clean.qrels, meta, clean.splits, clean.filters)
    save_benchmark(args.out, typos)
    changed = sum(queries[q] != clean.queries[q] for q in queries)
    print(f"{len(queries)} queries, {changed} with typos, e.g.:")
    for qid in list(queries)[:5]:
        print(f"  {clean.queries[qid]!r} -> {queries[qid]!r}")


if __name__ == "__main__":
    main()
