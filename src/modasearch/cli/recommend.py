"""`modasearch recommend ...`: fit recommendations from interaction events, then ask for picks or
the look that completes a product."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from modasearch.cli.display import console, print_report, results_table
from modasearch.cli.errors import friendly
from modasearch.search.engine import Engine

if TYPE_CHECKING:
    import pandas as pd

HALF_LIFE_DAYS = 3.0  # recommend.popularity's default (tested to agree): the readers load on use

recommend_app = typer.Typer(
    help="Personalised picks and complete-the-look, learned from purchases and other events.",
    no_args_is_help=True,
)
IndexArg = Annotated[Path, typer.Argument(help="Index directory.")]


def engine_with_events(index_dir: Path, events: Path, show_issues: int) -> tuple[Engine, pd.DataFrame]:
    from modasearch.recommend import load_events
    from modasearch.recommend.fit import known_products

    """The open index and the events whose products it holds; the rest reported, with lines."""
    loaded, report = load_events(events)
    engine = Engine.open(index_dir)
    kept = known_products(engine, loaded, report)
    print_report(report, show_issues)
    return engine, kept


@recommend_app.command("fit")
@friendly
def fit_command(
    index_dir: IndexArg,
    events: Annotated[
        Path,
        typer.Argument(
            help="Events file (CSV, JSONL or Parquet) with customer, product and time columns and an "
            "optional event kind (purchase, cart, like, view); H&M transaction files work as they are."
        ),
    ],
    half_life: Annotated[float, typer.Option(help="Days after which an event counts half.")] = HALF_LIFE_DAYS,
    show_issues: Annotated[int, typer.Option(help="Problem rows to list.")] = 10,
) -> None:
    """Learn popularity, co-purchases, complementary types and customer histories; saved in the index
    directory (a failed fit leaves the previous one in place)."""
    engine, kept = engine_with_events(index_dir, events, show_issues)
    with engine, console.status(f"fitting on {len(kept):,} events"):
        from modasearch.recommend import fit_model

        model = fit_model(engine, kept, half_life)
        folder = model.save(index_dir)
    summary = model.summary()
    console.print(
        f"[green]fitted on {summary['events']:,} events from {summary['customers']:,} customers "
        f"({summary['first']} to {summary['last']}): {len(model.customers):,} products with co-purchases, "
        f"{len(model.complements)} product types with complements[/] -> {folder}"
    )


@recommend_app.command("for")
@friendly
def for_command(
    index_dir: IndexArg,
    customer: Annotated[str | None, typer.Option(help="A customer id from the fitted events.")] = None,
    like: Annotated[list[str], typer.Option(help="A product id the shopper likes. Repeatable.")] = [],  # noqa: B006
    dislike: Annotated[list[str], typer.Option(help="A product id the shopper dislikes. Repeatable.")] = [],  # noqa: B006
    k: Annotated[int, typer.Option("-k", help="How many products.")] = 12,
) -> None:
    """Picks for a customer, or for a session's likes and dislikes (no login needed)."""
    if customer is None and not like and not dislike:
        raise typer.BadParameter("give --customer, or --like / --dislike product ids")
    with Engine.open(index_dir) as engine:
        from modasearch.recommend import InteractionModel, Recommender, Shopper

        model = InteractionModel.load(index_dir)
        if customer is not None and model is None:
            console.print("[yellow]no fitted events in this index (modasearch recommend fit): no history[/]")
        results = Recommender(engine, model).recommend(Shopper(customer, (), tuple(like), tuple(dislike)), k)
    console.print(results_table(results, explain=False))


@recommend_app.command("look")
@friendly
def look_command(
    index_dir: IndexArg,
    product_id: Annotated[str, typer.Argument(help="The product to complete.")],
    k: Annotated[int, typer.Option("-k", help="How many products.")] = 10,
) -> None:
    """Products of other types that go with this one (from baskets, else complementary types)."""
    with Engine.open(index_dir) as engine:
        product = engine.get(product_id)
        from modasearch.recommend import CompleteTheLook, InteractionModel

        results = CompleteTheLook(engine, InteractionModel.load(index_dir)).complete(product_id, k)
    if product is not None:
        console.print(f"completing [bold]{product.title}[/] ({product_id})")
    console.print(results_table(results, explain=False))
