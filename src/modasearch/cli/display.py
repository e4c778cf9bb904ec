"""Rich output shared by the commands."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from modasearch.catalog.report import LoadReport
from modasearch.index.build import Progress as ProgressFn
from modasearch.search.results import SearchResults

console = Console()


LOG_EVERY_SECONDS = 10.0


def log_progress(description: str) -> ProgressFn:
    """Progress as plain lines, for output that is a log file rather than a terminal: a line every
    10 seconds or so, and one at the end, each with the rate and the time left."""
    started = time.monotonic()
    last = [started]

    def update(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] < LOG_EVERY_SECONDS and done < total:
            return
        last[0] = now
        elapsed = now - started
        rate = done / elapsed if elapsed else 0.0
        left = f", about {(total - done) / rate:.0f} s left" if rate and done < total else ""
        share = f" ({100 * done / total:.0f}%)" if total else ""
        console.print(f"{description}: {done}/{total}{share}, {elapsed:.0f} s, {rate:.1f}/s{left}")

    return update


@contextmanager
def progress_bar(description: str) -> Iterator[ProgressFn]:
    if not console.is_terminal:
        yield log_progress(description)
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def print_report(report: LoadReport, show: int) -> None:
    style = "yellow" if report.issues else "green"
    console.print(f"[{style}]{report.summary()}[/]")
    for issue in report.issues[:show]:
        console.print(f"  {issue}")
    if len(report.issues) > show:
        console.print(f"  … {len(report.issues) - show} more (use --show-issues N to list them)")


def print_photo_issues(issues: dict[str, str], show: int) -> None:
    """Each product whose photo could not be used, and why (it is indexed without one)."""
    if not issues:
        return
    console.print(
        f"[yellow]{len(issues)} photos could not be used (the products are indexed without them):[/]"
    )
    for product_id, reason in list(issues.items())[:show]:
        console.print(f"  product {product_id}: {reason}")
    if len(issues) > show:
        console.print(f"  … {len(issues) - show} more (use --show-issues N to list them)")


def results_table(results: SearchResults, explain: bool) -> Table:
    table = Table(
        title=f"{results.query!r} · {results.mode} · {results.took_ms:.1f} ms", title_justify="left"
    )
    for name in ("#", "score", "id", "title", "attributes"):
        table.add_column(name, overflow="fold")
    if explain:
        table.add_column("per retriever")
    for hit in results:
        p = hit.product
        attrs = ", ".join(str(v) for v in list(p.attributes.values())[:5])
        row = [str(hit.rank), f"{hit.score:.4f}", p.id, p.title, attrs]
        if explain:
            row.append(
                " ".join(f"{k}={'-' if v is None else f'{v:.3f}'}" for k, v in (hit.scores or {}).items())
            )
        table.add_row(*row)
    return table
