"""`modasearch products ...`: incremental add / update / delete / get on an existing index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from modasearch.cli.display import console, print_photo_issues, print_report, progress_bar
from modasearch.cli.errors import friendly
from modasearch.search.engine import Engine

products_app = typer.Typer(
    help="Add, update, delete or show products in an existing index.", no_args_is_help=True
)


@products_app.command("add")
@friendly
def add_command(
    index_dir: Annotated[Path, typer.Argument(help="Index directory.")],
    catalog: Annotated[Path, typer.Argument(help="Products to add or replace (any catalog format).")],
    fmt: Annotated[str, typer.Option("--format", help="auto, hm, kaggle or generic.")] = "auto",
) -> None:
    """Add products, or replace those whose id is already indexed."""
    from modasearch.catalog import load_catalog

    loaded, report = load_catalog(catalog, fmt)  # type: ignore[arg-type]
    print_report(report, 20)
    issues: dict[str, str] = {}
    with Engine.open(index_dir) as engine, progress_bar(f"adding {len(loaded)} products") as update:
        engine.add(loaded.products, progress=update, image_root=loaded.root, photo_issues=issues)
        total = len(engine)
    print_photo_issues(issues, 20)
    console.print(f"[green]{len(loaded)} products added or updated; the index holds {total}[/]")


@products_app.command("delete")
@friendly
def delete_command(
    index_dir: Annotated[Path, typer.Argument(help="Index directory.")],
    product_ids: Annotated[list[str], typer.Argument(help="Product ids to remove.")],
) -> None:
    """Remove products by id."""
    with Engine.open(index_dir) as engine:
        removed = engine.delete(product_ids)
    missing = len(set(product_ids)) - removed
    console.print(
        f"[green]removed {removed}[/]" + (f", [yellow]{missing} not in the index[/]" if missing else "")
    )


@products_app.command("get")
@friendly
def get_command(
    index_dir: Annotated[Path, typer.Argument(help="Index directory.")],
    product_id: Annotated[str, typer.Argument(help="Product id.")],
) -> None:
    """Print one product as JSON."""
    with Engine.open(index_dir) as engine:
        product = engine.get(product_id)
    if product is None:
        console.print(f"[red]no product {product_id!r} in {index_dir}[/]")
        raise typer.Exit(1)
    typer.echo(json.dumps(product.to_dict(), ensure_ascii=False, indent=2))
