"""Turn the errors a person can fix into one red line and exit code 2, never a traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


@functools.cache
def user_errors() -> tuple[type[Exception], ...]:
    """The errors a person can fix, imported when one is raised (a command never pays for the
    modules of the others)."""
    from modasearch.catalog.loaders.rows import CatalogError
    from modasearch.catalog.mapping import MappingError
    from modasearch.eval.data import EvalDataError
    from modasearch.index.build import EmptyCatalogError
    from modasearch.index.manifest import IndexStateError
    from modasearch.models.errors import ModelError
    from modasearch.models.images import ImageError
    from modasearch.recommend.events import EventError
    from modasearch.search.filters import FilterError
    from modasearch.search.paging import QueryError

    return (
        CatalogError,
        MappingError,
        EmptyCatalogError,
        IndexStateError,
        ModelError,
        QueryError,
        FilterError,
        EvalDataError,
        ImageError,
        EventError,
    )


def friendly(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except FileNotFoundError as exc:
            err.print(f"[bold red]error:[/] {exc.filename or exc}: no such file or directory", soft_wrap=True)
            raise typer.Exit(2) from None
        except Exception as exc:
            if not isinstance(exc, user_errors()):
                raise
            err.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]
