"""Text indexing and query latency on all 105,542 H&M articles.

    python benchmarks/hm_text.py [--limit N] [--index DIR] [--reuse]

Writes the `hm-text` section of benchmarks/RESULTS.md and benchmarks/out/hm_text.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from common import dir_size, git_commit, machine, percentiles, write_section
from modasearch import Engine
from modasearch.catalog import load_hm
from queries import attribute_queries

DEFAULT_ARTICLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "hm" / "articles.parquet"
MODES = ("bm25", "splade", "dense", "hybrid")


def progress(done: int, total: int) -> None:
    if done % 10240 < 256 or done == total:
        print(f"  {done}/{total} products", file=sys.stderr, flush=True)


def repeated(engine: Engine, query: str, mode: str) -> float:
    """Milliseconds for a query asked a second time (its vectors come from the cache)."""
    engine.search(query, mode=mode, k=10)
    return engine.search(query, mode=mode, k=10).took_ms


def latency(engine: Engine, queries: list[str], mode: str) -> dict[str, float]:
    for q in queries[:20]:
        engine.search(q, mode=mode)
    took, stages = [], {}
    for q in queries:
        engine.encoders.clear_cache()  # cold: every query encoded afresh
        results = engine.search(q, mode=mode, k=10)
        took.append(results.took_ms)
        for stage, ms in results.timings_ms.items():
            stages.setdefault(stage, []).append(ms)
    p50, p95 = percentiles(took)
    warm = percentiles([repeated(engine, q, mode) for q in queries])
    return {
        "p50_ms": p50,
        "p95_ms": p95,
        "warm_p50_ms": warm[0],
        "warm_p95_ms": warm[1],
        **{f"{s}_p50_ms": percentiles(v)[0] for s, v in stages.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--limit", type=int, default=0, help="index only the first N articles")
    parser.add_argument("--index", type=Path, default=Path("benchmarks/out/hm-index"))
    parser.add_argument("--reuse", action="store_true", help="skip the build, measure queries on --index")
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()

    t = time.perf_counter()
    catalog, report = load_hm(args.articles)
    load_s = time.perf_counter() - t
    if args.limit:
        catalog.products = catalog.products[: args.limit]
    print(report.summary(), file=sys.stderr)
    build: dict[str, object] = {}
    if args.reuse:  # keep the figures of the build that made --index
        engine = Engine.open(args.index)
        previous = Path("benchmarks/out/hm_text.json")
        if previous.exists():
            build = json.loads(previous.read_text())["build"]
            build["commit"] = json.loads(previous.read_text())["commit"]
    else:
        engine = Engine.build(catalog, args.index, progress=progress)
        stats = engine.build_stats
        assert stats is not None
        n = stats.products
        build = {
            "products": n,
            "load_s": load_s,
            "build_s": stats.seconds,
            "products_per_s": n / stats.seconds,
            "encode_s": stats.encode_seconds,
            "encoder_products_per_s": {k: n / v for k, v in stats.encode_seconds.items() if v},
            "write_s": stats.write_seconds,
            "optimize_s": stats.optimize_seconds,
            "index_bytes": dir_size(args.index),
        }
    queries = attribute_queries(catalog, args.queries)
    lat = {mode: latency(engine, queries, mode) for mode in MODES}
    engine.close()
    result = {
        "machine": machine(),
        "commit": git_commit(),
        "build": build,
        "latency": lat,
        "queries": len(queries),
    }
    out = Path("benchmarks/out")
    out.mkdir(parents=True, exist_ok=True)
    (out / "hm_text.json").write_text(json.dumps(result, indent=2))
    write_section("hm-text", render(result, args))
    print(json.dumps(result, indent=2))


def render(result: dict, args: argparse.Namespace) -> str:
    lines = [
        "## H&M text search: indexing and query latency",
        "",
        f"Command: `python benchmarks/hm_text.py{' --limit ' + str(args.limit) if args.limit else ''}` "
        f"(commit {result['commit']}; {result['machine']}). Latency re-measured with `--reuse` on the "
        "same index where the build commit below differs.",
        "",
    ]
    b = result["build"]
    if b:
        lines += [
            f"Indexed {b['products']:,} products in {b['build_s']:.0f} s (build at commit "
            f"{b.get('commit', result['commit'])}): "
            f"**{b['products_per_s']:.0f} products/s overall** "
            f"(target >= 500). Index on disk: {b['index_bytes'] / 2**20:.0f} MiB.",
            "",
            "| stage | seconds | products/s |",
            "|---|---:|---:|",
        ]
        for name, secs in b["encode_s"].items():
            lines.append(f"| encode {name} | {secs:.0f} | {b['products'] / secs:.0f} |")
        lines += [
            f"| upsert into Qdrant Edge | {b['write_s']:.0f} | {b['products'] / max(b['write_s'], 1e-9):.0f} "
            "|",
            f"| optimise (HNSW, payload indexes) | {b['optimize_s']:.0f} | |",
            "",
        ]
    lines += [
        f"Query latency over {result['queries']} queries made from real article attributes, k=10, "
        "query encoding included (targets: hybrid p50 <= 5 ms, p95 <= 15 ms; bm25 p50 <= 2 ms):",
        "",
        "| mode | p50 ms | p95 ms | median per stage (ms) | repeated query p50 / p95 ms |",
        "|---|---:|---:|---|---:|",
    ]
    for mode, m in result["latency"].items():
        stages = ", ".join(
            f"{k[:-7]} {v:.2f}" for k, v in m.items() if k.endswith("_p50_ms") and not k.startswith("warm")
        )
        warm = f"{m['warm_p50_ms']:.2f} / {m['warm_p95_ms']:.2f}"
        lines.append(f"| {mode} | {m['p50_ms']:.2f} | {m['p95_ms']:.2f} | {stages} | {warm} |")
    lines += [
        "",
        "Dense and SPLADE query encoders run side by side on one thread each; `encode` is their wall time. "
        "Repeated queries are answered from a 4,096-entry query-vector cache.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
