"""Run a grid of configurations over the judged shopper query sets of every catalog and compare them:
nDCG@10 with 95% CIs, paired differences from plain hybrid and from the best single retriever, the
misspelled queries against the clean ones they misspell.

python benchmarks/judged.py --grid benchmarks/grids/judged.toml --split tune           # while tuning
python benchmarks/judged.py --grid benchmarks/grids/judged.toml --split test --results benchmarks/RESULTS.md

Each benchmark's index is benchmarks/out/eval/<benchmark>/index (built by `modasearch eval run` if
missing); runs are cached per index, queries, settings and search code.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

import numpy as np

from common import machine  # type: ignore[import-not-found]
from modasearch.eval.ablation import run_grid
from modasearch.eval.benchmarks.store import load_benchmark_catalog
from modasearch.eval.experiment import prepare_benchmark, prepare_index
from modasearch.eval.grid import load_grid
from modasearch.eval.judged_report import card_keys, component_table, family_means, query_scores, stage_table
from modasearch.eval.report import write_section

BENCHMARKS = ("kagl-judged", "kagl-judged-titles", "hm-judged", "hm-judged-titles")
OUT = Path(__file__).resolve().parent / "out" / "eval"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--grid", default="benchmarks/grids/judged.toml")
    parser.add_argument("--split", default="tune", choices=["tune", "test", "all"])
    parser.add_argument("--benchmark", action="append", help="only these (repeatable)")
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--results", help="write the tables into this RESULTS.md")
    parser.add_argument("--section", help="... under this section name (default: judged-<split>)")
    parser.add_argument("--title", default="", help="... with this heading")
    parser.add_argument("--families", action="store_true", help="also nDCG@10 per query family")
    parser.add_argument(
        "--products", action="store_true", help="count products, not cards (variants and duplicates apart)"
    )
    args = parser.parse_args()
    grid = load_grid(args.grid)
    sections = []
    summary: dict[str, dict[str, float]] = {}
    for name in args.benchmark or BENCHMARKS:
        out = OUT / name
        full, _ = prepare_benchmark(name, args.data, out)
        bench = full.split(args.split)
        engine = prepare_index(full, out / "index")
        try:
            results = run_grid(engine, bench, grid, out / "runs")
        finally:
            engine.close()
        cards = None if args.products else card_keys(load_benchmark_catalog(full.meta))
        scores = {r.config.name: query_scores(bench, r.run, cards) for r in results}
        latency = {
            r.config.name: (
                float(np.percentile(r.latency_ms["total"], 50)),
                float(np.percentile(r.latency_ms["total"], 95)),
            )
            for r in results
        }
        table = component_table(bench, scores, grid.baseline, latency=latency)
        counted = "products" if args.products else "cards (variants and duplicates once)"
        queries = len(scores[grid.baseline])
        text = f"**{name}**, split `{args.split}`: {queries} queries, counting {counted}.\n\n{table}"
        stages = stage_table(scores)
        if stages:
            text += "\n\n" + stages
        empty = {r.config.name: sum(not r.run.get(q) for q in bench.queries) for r in results}
        cut = ", ".join(f"`{c}` {n}" for c, n in empty.items() if n)
        text += f"\n\nQueries answered with nothing (of {len(bench.queries)}): {cut or 'none'}."
        if args.families:
            rows = {c: family_means(bench, s) for c, s in scores.items()}
            families = sorted({f for r in rows.values() for f in r})
            text += "\n\n| configuration | " + " | ".join(families) + " |\n|---|" + "---|" * len(families)
            for c, r in rows.items():
                text += f"\n| `{c}` | " + " | ".join(f"{r.get(f, 0):.3f}" for f in families) + " |"
        print(text + "\n", flush=True)
        sections.append(text)
        for config, values in scores.items():
            summary.setdefault(config, {})[name] = float(np.mean(list(values.values())))
    mean = ["| configuration | " + " | ".join(summary[grid.baseline]) + " | mean | vs hybrid |", "|---|"]
    mean[1] += "---|" * (len(summary[grid.baseline]) + 2)
    base = np.mean(list(summary[grid.baseline].values()))
    for config, row in summary.items():
        avg = float(np.mean(list(row.values())))
        cells = " | ".join(f"{v:.4f}" for v in row.values())
        mean.append(f"| `{config}` | {cells} | {avg:.4f} | {100 * (avg / base - 1):+.1f}% |")
    print("\n".join(mean))
    if args.results:
        command = "python " + " ".join(shlex.quote(a) for a in sys.argv)
        body = f"Command: `{command}` ({machine()}).\n\n" + "\n\n".join(sections) + "\n\n" + "\n".join(mean)
        heading = f"## {args.title}\n\n" if args.title else ""
        write_section(args.results, args.section or f"judged-{args.split}", heading + body)


if __name__ == "__main__":
    main()
