"""`modasearch models ...`: list and export the encoders."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from modasearch.cli.display import console
from modasearch.cli.errors import friendly
from modasearch.models.builtin import BUILTINS, export_builtin
from modasearch.models.registry import list_models

models_app = typer.Typer(help="List and export the encoders (text and image).", no_args_is_help=True)


@models_app.command("list")
@friendly
def list_command() -> None:
    """Show the built-in models shipped with this install."""
    table = Table("name", "kind", "dim", "max tokens", "version", "licence")
    for spec in list_models():
        table.add_row(
            spec.name, spec.kind, str(spec.dim or "vocab"), str(spec.max_length), spec.version, spec.licence
        )
    console.print(table)


@models_app.command("export")
@friendly
def export_command(
    name: Annotated[
        list[str], typer.Option("--name", help="Only these models (default: all built-ins).")
    ] = [],  # noqa: B006
) -> None:
    """Re-create the shipped ONNX models from their PyPI weight packages (needs the [train] extra)."""
    for model in name or list(BUILTINS):
        if model not in BUILTINS:
            raise typer.BadParameter(f"unknown model {model!r}; built-ins are {list(BUILTINS)}")
        with console.status(f"exporting {model}"):
            spec = export_builtin(model)
        console.print(f"[green]exported {spec.name}[/] version {spec.version}")
