"""Queries, graded relevance judgements (qrels) and runs, as plain dicts that ranx reads directly.

queries: {query_id: text}
qrels:   {query_id: {product_id: grade}}      grade > 0 is relevant; higher is better
run:     {query_id: {product_id: score}}      higher score ranks first
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Queries = dict[str, str]
Qrels = dict[str, dict[str, int]]
Run = dict[str, dict[str, float]]


class EvalDataError(ValueError):
    """Evaluation data that cannot be used as given (unknown ids, malformed lines)."""


def _listing(ids: Iterable[str], limit: int = 10) -> str:
    ids = sorted(ids)
    shown = ", ".join(ids[:limit])
    return shown + (f" … and {len(ids) - limit} more" if len(ids) > limit else "")


def check_qrels(
    qrels: Qrels, queries: Mapping[str, str] | None = None, products: Iterable[str] | None = None
) -> None:
    """Refuse qrels that name queries without text or products the catalog does not have."""
    if queries is not None:
        missing = set(qrels) - set(queries)
        if missing:
            raise EvalDataError(f"{len(missing)} judged queries have no query text: {_listing(missing)}")
    if products is not None:
        known = set(products)
        unknown = {p for judged in qrels.values() for p in judged if p not in known}
        if unknown:
            raise EvalDataError(
                f"the qrels name {len(unknown)} products that are not in the catalog/index: "
                f"{_listing(unknown)}"
            )


def relevant_only(qrels: Qrels) -> Qrels:
    """Drop grade-0 judgements and queries left with nothing relevant (they cannot be scored)."""
    kept = {q: {p: g for p, g in judged.items() if g > 0} for q, judged in qrels.items()}
    return {q: judged for q, judged in kept.items() if judged}
