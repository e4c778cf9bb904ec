"""`modasearch train ...`: train the models modasearch ships, on your own catalog too."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from modasearch.cli.display import console, print_report, progress_bar
from modasearch.cli.errors import friendly
from modasearch.train.align import AlignConfig

ALIGN = AlignConfig()  # the option defaults: the settings the shipped aligner was trained with

train_app = typer.Typer(help="Train models (needs the [train] extra for torch).", no_args_is_help=True)


@train_app.command("align")
@friendly
def align_command(
    catalog: Annotated[
        Path, typer.Argument(help="Catalog with photos (e.g. a Kaggle Fashion Product Images folder).")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write aligner.npz and its model card to.")
    ],
    fmt: Annotated[str, typer.Option("--format", help="auto, hm, kaggle or generic.")] = "auto",
    epochs: Annotated[int, typer.Option(min=1, help="Most epochs (early stopping).")] = ALIGN.epochs,
    seed: Annotated[int, typer.Option(help="Seed of the splits and the training.")] = ALIGN.seed,
    colour_weight: Annotated[float, typer.Option(help="Colour features' weight.")] = ALIGN.colour_weight,
    title_probability: Annotated[
        float, typer.Option(help="Share of titles (vs attribute prompts) as texts.")
    ] = ALIGN.title_probability,
    attribute_weight: Annotated[
        float, typer.Option(min=0, help="Weight of auxiliary attribute classifiers on the photo vector.")
    ] = ALIGN.attribute_weight,
    batch_size: Annotated[
        int, typer.Option(min=2, help="Photos per batch (the contrastive loss's negatives).")
    ] = ALIGN.batch_size,
    dim: Annotated[int, typer.Option(min=2, help="Width of each subspace of the shared space.")] = ALIGN.dim,
    subspaces: Annotated[
        int, typer.Option(min=1, help="Subspaces whose cosines are averaged (an ensemble trained as one).")
    ] = ALIGN.subspaces,
    members: Annotated[
        int,
        typer.Option(min=1, help="Aligners trained apart (seeds seed, seed + 1, ...) and folded into one."),
    ] = ALIGN.members,
    patience: Annotated[
        int, typer.Option(min=1, help="Epochs without a better validation R@10 before stopping.")
    ] = ALIGN.patience,
    text_dropout: Annotated[
        float, typer.Option(min=0, max=0.9, help="Dropout on the text features while training.")
    ] = ALIGN.text_dropout,
) -> None:
    """Train the text-image aligner on a catalog's photos and titles; report held-out metrics.
    The defaults are those the shipped aligner was trained with."""
    from modasearch.catalog import load_catalog
    from modasearch.catalog.loaders.kaggle import load_kaggle
    from modasearch.train.run import train_align

    if fmt == "kaggle" or (fmt == "auto" and (catalog / "styles.csv").exists()):
        loaded, report = load_kaggle(catalog, only_with_images=True)
    else:
        loaded, report = load_catalog(catalog, fmt)  # type: ignore[arg-type]
    print_report(report, 5)
    config = AlignConfig(
        epochs=epochs,
        seed=seed,
        colour_weight=colour_weight,
        title_probability=title_probability,
        attribute_weight=attribute_weight,
        batch_size=batch_size,
        dim=dim,
        subspaces=subspaces,
        members=members,
        patience=patience,
        text_dropout=text_dropout,
    )
    command = "modasearch " + shlex.join(sys.argv[1:]) if sys.argv[0].endswith("modasearch") else ""
    with progress_bar("photo features") as update:
        metrics = train_align(loaded, out, config, command=command, progress=update, log=console.print)
    for name, value in metrics.items():
        console.print(f"{name}: {value:.4f}")
    console.print(f"[green]aligner written to {out}[/] (model card: {out / 'MODEL_CARD.md'})")


@train_app.command("ranker")
@friendly
def ranker_command(
    on: Annotated[
        list[str],
        typer.Option(
            "--on",
            help="BENCHMARK=INDEX: a benchmark (folder or built-in name) and the index its queries run on. "
            "Repeat for several catalogs: each counts the same, whatever its number of queries.",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write ranker.json and its card to.")],
    split: Annotated[str, typer.Option(help="The benchmark split to train on.")] = "tune",
    data: Annotated[Path, typer.Option(help="Shared data folder (to build a built-in benchmark).")] = Path(
        "../shared/data"
    ),
    preset: Annotated[
        str, typer.Option(help="The pipeline the ranker re-ranks: its candidates are this preset's.")
    ] = "shop",
    name: Annotated[str, typer.Option(help="The ranker's name.")] = "fashion-rank",
) -> None:
    """Train the linear second-stage ranker on judged queries of one or more catalogs (coordinate
    ascent on nDCG@10, weights >= 0, starting from the fused order)."""
    from modasearch.eval.experiment import prepare_benchmark
    from modasearch.search.engine import Engine
    from modasearch.search.request import SearchRequest
    from modasearch.train.ranker import collect_pools, train_ranker
    from modasearch.train.ranker_card import write_card

    cache = Path(os.environ.get("MODASEARCH_CACHE", Path.home() / ".cache" / "modasearch")) / "benchmarks"
    request = SearchRequest(preset=preset).with_options(rerank="none")
    sets = {}
    for pair in on:
        benchmark, sep, index_dir = pair.partition("=")
        if not sep:
            raise typer.BadParameter(f"--on takes BENCHMARK=INDEX, got {pair!r}")
        loaded, _ = prepare_benchmark(benchmark, data, cache / Path(benchmark).name)
        part = loaded.split(split)
        with (
            Engine.open(index_dir) as engine,
            progress_bar(f"{loaded.name}: candidates of {len(part.queries)} queries") as update,
        ):
            sets[loaded.name] = collect_pools(engine, part.queries, part.qrels, request, update)
    ranker, metrics = train_ranker(sets, name, console.print)
    command = "modasearch " + shlex.join(sys.argv[1:]) if sys.argv[0].endswith("modasearch") else ""
    ranker.meta.update({"split": split, "preset": preset, "command": command})
    ranker.save(out)
    write_card(ranker, out)
    for key, value in metrics.items():
        console.print(f"{key}: {value:.4f}")
    console.print(f"[green]ranker written to {out}[/] (model card: {out / 'MODEL_CARD.md'})")
