"""`modasearch eval recommend` and `modasearch eval look`: recommendations judged on held-out days of
real purchases."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from modasearch.cli.display import console, progress_bar
from modasearch.cli.errors import friendly
from modasearch.cli.recommend import engine_with_events

IndexArg = Annotated[Path, typer.Argument(help="Index directory holding the events' products.")]
EventsArg = Annotated[Path, typer.Argument(help="Events file (e.g. H&M transactions).")]
TestDays = Annotated[int, typer.Option(help="The last N days are predicted; earlier days are learned from.")]
ResultsOpt = Annotated[Path | None, typer.Option(help="Also write the table into this Markdown file.")]


def register(eval_app: typer.Typer) -> None:
    eval_app.command("recommend")(friendly(recommend_command))
    eval_app.command("look")(friendly(look_command))


def recommend_command(
    index: IndexArg,
    events: EventsArg,
    test_days: TestDays = 2,
    tune: Annotated[
        bool, typer.Option(help="Tune the blend on a validation split of the training days.")
    ] = True,
    results: ResultsOpt = None,
) -> None:
    """MAP@12, Recall@12 and coverage for popularity, repeat purchases, co-purchase, the embedding
    profile and their blend (with each signal left out), all customers and returning ones."""
    from modasearch.eval.recommend import evaluate_recommendations, to_markdown, tune_weights
    from modasearch.eval.report import write_section
    from modasearch.recommend import split_by_days

    engine, kept = engine_with_events(index, events, 5)
    with engine:
        weights = None
        if tune:
            train, _ = split_by_days(kept, test_days)
            with progress_bar("tuning (validation days)") as update:
                weights, value = tune_weights(engine, train, test_days, update)
            console.print(f"blend weights {weights}: validation MAP@12 {value:.4f} (returning customers)")
        with progress_bar("scoring test customers") as update:
            rows = evaluate_recommendations(engine, kept, test_days, weights, update)
    body = to_markdown(rows)
    console.print(body)
    if results:
        command = "modasearch eval recommend " + " ".join(shlex.quote(a) for a in sys.argv[3:])
        head = f"## Recommendations: ablation on held-out days\n\n`{command}`\n\nblend weights: {weights}\n"
        write_section(results, "recommend", head + body)


def look_command(
    index: IndexArg,
    events: EventsArg,
    test_days: TestDays = 2,
    seeds: Annotated[int, typer.Option(help="Held-out basket items to ask about (a seeded sample).")] = 2000,
    results: ResultsOpt = None,
) -> None:
    """Complete-the-look Recall@10 of the other items of held-out baskets."""
    from modasearch.eval.look import evaluate_look, to_markdown
    from modasearch.eval.report import write_section

    engine, kept = engine_with_events(index, events, 5)
    with engine, progress_bar("configurations") as update:
        rows = evaluate_look(engine, kept, test_days, seeds, update)
    body = to_markdown(rows)
    console.print(body)
    if results:
        command = "modasearch eval look " + " ".join(shlex.quote(a) for a in sys.argv[3:])
        write_section(results, "look", f"## Complete the look: held-out baskets\n\n`{command}`\n{body}")
