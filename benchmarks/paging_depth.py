"""Does a short page start a long one on a large index? For every judged shopper query, the top 10 of a
k=10 request against the first 10 of a k=100 request, per mode and preset, and the same request twice
(the ANN's search depth must not follow k, and a request must give the same ids every time).

python benchmarks/paging_depth.py --index benchmarks/out/eval/kagl-judged/index [--results]
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from common import machine, write_section  # type: ignore[import-not-found]
from modasearch import Engine

QUERIES = Path(__file__).resolve().parent / "judged" / "kaggle" / "queries.jsonl"
RUNS = {
    "dense": {"preset": "plain", "mode": "dense"},
    "splade": {"preset": "plain", "mode": "splade"},
    "bm25": {"preset": "plain", "mode": "bm25"},
    "hybrid": {"preset": "plain"},
    "shop preset": {"preset": "shop"},
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", required=True)
    parser.add_argument("--queries", default=str(QUERIES))
    parser.add_argument("--results", action="store_true", help="write the paging-depth section of RESULTS.md")
    args = parser.parse_args()
    lines = [json.loads(x)["query"] for x in Path(args.queries).read_text().splitlines() if x.strip()]
    table = [
        "| request | queries | top 10 of k=10 ≠ first 10 of k=100 | same request twice differs |",
        "|---|---|---|---|",
    ]
    with Engine.open(args.index) as engine:
        count = engine.manifest.counts.get("products")
        for name, options in RUNS.items():
            short = [engine.search(q, k=10, **options).ids() for q in lines]
            long = [engine.search(q, k=100, **options).ids()[:10] for q in lines]
            again = [engine.search(q, k=10, **options).ids() for q in lines]
            differ = sum(a != b for a, b in zip(short, long, strict=True))
            unstable = sum(a != b for a, b in zip(short, again, strict=True))
            table.append(f"| {name} | {len(lines)} | {differ} | {unstable} |")
            print(table[-1], flush=True)
    if args.results:
        command = "python " + " ".join(shlex.quote(a) for a in sys.argv)
        body = (
            "## Paging on a large index: k=10 against k=100\n\n"
            f"Command: `{command}` ({machine()}); {count} products, the judged Kaggle queries.\n\n"
            + "\n".join(table)
        )
        write_section("paging-depth", body)


if __name__ == "__main__":
    main()
