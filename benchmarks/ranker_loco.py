"""Leave-one-catalog-out for the learned ranker: train on the Kaggle queries' tune part, on H&M's, and
on both; report each on every test part (the catalogs as they are and reduced to titles), against the
fused order it re-ranks. Figures are the first tier re-ranked offline (nDCG@10 over the judged
products); benchmarks/judged.py measures the chosen ranker end to end.

python benchmarks/ranker_loco.py --preset shop [--out src/modasearch/models/assets/fashion-rank]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
from pathlib import Path

import numpy as np

from modasearch.eval.experiment import prepare_benchmark, prepare_index
from modasearch.eval.judged_report import bootstrap
from modasearch.search.request import SearchRequest
from modasearch.search.rerank import FEATURES, PRIOR
from modasearch.train.ranker import Pool, _dcg, collect_pools, train_ranker
from modasearch.train.ranker_card import write_card

OUT = Path(__file__).resolve().parent / "out"
CATALOGS = {"kaggle": ("kagl-judged", "kagl-judged-titles"), "hm": ("hm-judged", "hm-judged-titles")}


def pools_of(name: str, split: str, request: SearchRequest, data: str) -> list[Pool]:
    key = hashlib.sha256(json.dumps([name, split, repr(request)]).encode()).hexdigest()[:12]
    path = OUT / "pools" / f"{name}-{split}-{key}.pkl"
    if path.exists():
        with path.open("rb") as handle:
            return pickle.load(handle)  # type: ignore[no-any-return]
    full, _ = prepare_benchmark(name, data, OUT / "eval" / name)
    part = full.split(split)
    with prepare_index(full, OUT / "eval" / name / "index") as engine:
        pools = collect_pools(engine, part.queries, part.qrels, request)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        pickle.dump(pools, handle)
    return pools


def per_query(pools: list[Pool], weights: np.ndarray) -> np.ndarray:
    out = []
    for pool in pools:
        order = np.argsort(-(pool.features @ weights), kind="stable")
        out.append(_dcg(pool.gains[order]) / pool.ideal)
    return np.array(out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--preset", default="shop", help="the pipeline whose first tier is re-ranked")
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--out", help="write the ranker trained on both catalogs (and its card) here")
    parser.add_argument(
        "--features", default=",".join(FEATURES), help="the features a ranker may weigh (the rest stay 0)"
    )
    parser.add_argument(
        "--start", choices=["fused", "prior"], default="fused", help="where the ascent starts"
    )
    parser.add_argument("--fix", default="", help="feature=share pairs given, not learned (share of the sum)")
    parser.add_argument(
        "--save-all", help="also write each catalog's ranker to DIR/<catalog> (the LOCO rows)"
    )
    args = parser.parse_args()
    request = SearchRequest(preset=args.preset).with_options(rerank="none")
    names = [n for group in CATALOGS.values() for n in group if (OUT / "eval" / n / "index").exists()]
    tune = {n: pools_of(n, "tune", request, args.data) for n in names}
    test = {n: pools_of(n, "test", request, args.data) for n in names}
    fused = np.zeros(len(FEATURES), dtype=np.float32)
    fused[FEATURES.index("rrf")] = 1.0
    trainings = {f"trained on {c}": [n for n in CATALOGS[c] if n in names] for c in CATALOGS}
    trainings["trained on both"] = names
    header = "| ranker | " + " | ".join(f"{n} (test)" for n in names) + " |"
    lines = [header, "|---|" + "---|" * len(names)]
    base = {n: per_query(test[n], fused) for n in names}
    lines.append("| fused order (no ranker) | " + " | ".join(f"{base[n].mean():.4f}" for n in names) + " |")
    trained_on_both = None
    allowed = args.features.split(",")
    start = PRIOR if args.start == "prior" else None
    fixed = {k: float(v) for k, _, v in (p.partition("=") for p in args.fix.split(",") if p)}
    for label, sets in trainings.items():
        ranker, _ = train_ranker(
            {n: tune[n] for n in sets}, "fashion-rank", lambda _: None, allowed, start, fixed
        )
        cells = []
        for n in names:
            scores = per_query(test[n], ranker.vector())
            low, high = bootstrap(scores - base[n])
            held_out = "" if n in sets else " (held out)"
            delta = scores.mean() - base[n].mean()
            cells.append(f"{scores.mean():.4f} ({delta:+.4f} [{low:+.3f}, {high:+.3f}]){held_out}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
        if args.save_all:
            ranker.meta.update({"split": "tune", "preset": args.preset})
            ranker.save(Path(args.save_all) / label.removeprefix("trained on "))
        weights = ", ".join(f"{f} {w:.3f}" for f, w in ranker.weights.items() if w)
        print(f"{label}: {weights}", flush=True)
        if label == "trained on both":
            trained_on_both = ranker
    table = "\n".join(lines)
    print(table)
    # the same across catalogs on the tune parts: what a decision may look at
    tune_lines = []
    for label, sets in trainings.items():
        if label == "trained on both":
            continue
        ranker, _ = train_ranker({n: tune[n] for n in sets}, "x", lambda _: None, allowed, start, fixed)
        others = [n for n in names if n not in sets]
        cells = [
            f"{n} {per_query(tune[n], ranker.vector()).mean() - per_query(tune[n], fused).mean():+.4f}"
            for n in others
        ]
        tune_lines.append(f"- {label}, on the other catalog's tune queries: " + ", ".join(cells))
        print(tune_lines[-1])
    if args.out and trained_on_both is not None:
        out = Path(args.out)
        trained_on_both.meta.update(
            {
                "split": "tune",
                "preset": args.preset,
                "command": "python benchmarks/ranker_loco.py "
                f"--preset {args.preset} --features {args.features} --start {args.start} "
                f"--fix {args.fix} --out {args.out}",
            }
        )
        trained_on_both.save(out)
        evaluation = (
            "Across catalogs on the tune parts (what the choice of features looked at; Δ nDCG@10 vs "
            "the fused order):\n\n" + "\n".join(tune_lines) + "\n\n"
            "Leave one catalog out on the test parts (the first tier re-ranked offline; Δ vs the fused "
            f"order with its 95% CI):\n\n{table}\n"
        )
        write_card(trained_on_both, out, evaluation)


if __name__ == "__main__":
    main()
