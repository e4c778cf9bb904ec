"""Judged query sets: queries written the way shoppers search, each graded by explicit rules over the
catalog's attributes and words, which a shopper would agree with.

queries.jsonl, one query per line:
  {"qid": "kagl-001", "query": "white sneakers", "family": "category",
   "rel": {"2": RULE, "1": RULE}, "why": "white casual or sports shoes; other colours half"}
  {"qid": "kagl-001-typo", "query": "white sneekers", "family": "misspelled", "of": "kagl-001"}

A misspelled query names the query it misspells (`of`) and takes its rules. A product's grade is
the highest grade whose rule it matches, 0 when none does.

RULE, as JSON:
  {"field": F, "is": [values]}        the attribute equals one of the values (case-insensitive)
  {"field": F, "has": [phrases]}      the field's text holds every phrase as whole words
  {"field": F, "has_any": [phrases]}  ... holds at least one of them
  {"field": F, "gte": n, "lte": n}    a numeric attribute in a range (either bound optional)
  {"all": [RULE, ...]}, {"any": [RULE, ...]}, {"not": RULE}
F: "title", "description", "text" (title, description and every attribute value together), or an
attribute name of the catalog (as its loader names it: articleType, colour_group, ...). Words are
compared lower-cased with every run of non-letters/digits read as one space: "t-shirt" matches
"T-Shirt" and "t shirt", not "tshirt" (list such spellings as phrases of their own).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from modasearch.catalog.product import Catalog
from modasearch.eval.data import EvalDataError, Qrels

Rule = Mapping[str, Any]
TEXT_FIELDS = ("title", "description", "text")
FAMILIES = ("category", "combination", "descriptive", "brand", "intent", "misspelled")
_SEPARATORS = re.compile(r"[^0-9a-z]+")
TUNE_SHARE = 0.4  # of base queries; a misspelling goes where the query it misspells goes


def normalise(text: object) -> str:
    """Lower case, every run of non-alphanumerics one space, padded: ' t shirt '."""
    return " " + _SEPARATORS.sub(" ", str(text).lower()).strip() + " "


@dataclass(frozen=True)
class JudgedQuery:
    qid: str
    query: str
    family: str
    rel: dict[int, Rule]
    of: str | None = None  # the query this one misspells
    why: str = ""

    @property
    def base(self) -> str:
        return self.of or self.qid


def _check_rule(rule: Any, where: str) -> None:
    if not isinstance(rule, Mapping):
        raise EvalDataError(f"{where}: a rule is a JSON object, got {rule!r}")
    if "all" in rule or "any" in rule:
        parts = rule.get("all", rule.get("any"))
        if len(rule) != 1 or not isinstance(parts, list) or not parts:
            raise EvalDataError(f"{where}: 'all'/'any' takes a non-empty list of rules and nothing else")
        for part in parts:
            _check_rule(part, where)
        return
    if "not" in rule:
        if len(rule) != 1:
            raise EvalDataError(f"{where}: 'not' takes one rule and nothing else")
        _check_rule(rule["not"], where)
        return
    if not isinstance(rule.get("field"), str):
        raise EvalDataError(f"{where}: a leaf rule needs a 'field': {dict(rule)}")
    ops = set(rule) - {"field"}
    if ops <= {"gte", "lte"} and ops:
        return
    if len(ops) != 1 or not ops <= {"is", "has", "has_any"}:
        raise EvalDataError(f"{where}: a leaf rule takes one of is/has/has_any or gte/lte: {dict(rule)}")
    values = rule[ops.pop()]
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
        raise EvalDataError(f"{where}: give a non-empty list of strings: {dict(rule)}")


def read_judged(path: str | Path) -> list[JudgedQuery]:
    """Read and check a judged query set; misspellings take the rules of the query they misspell."""
    path = Path(path)
    raw: list[dict[str, Any]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalDataError(f"{path}:{number}: not JSON: {exc.msg}") from None
        record["_line"] = number
        raw.append(record)
    by_id = {r.get("qid"): r for r in raw}
    if len(by_id) != len(raw):
        qids = [str(r.get("qid")) for r in raw]
        raise EvalDataError(f"{path}: repeated qids {sorted({q for q in qids if qids.count(q) > 1})}")
    out = []
    for r in raw:
        where = f"{path}:{r['_line']}"
        if not isinstance(r.get("qid"), str) or not isinstance(r.get("query"), str) or not r["query"].strip():
            raise EvalDataError(f"{where}: every query needs a string 'qid' and a non-empty 'query'")
        family = r.get("family")
        if family not in FAMILIES:
            raise EvalDataError(f"{where}: family {family!r} is not one of {FAMILIES}")
        of = r.get("of")
        source = r
        if of is not None:
            if of not in by_id or by_id[of].get("of") is not None:
                raise EvalDataError(f"{where}: 'of' must name a query that is not itself a variant: {of!r}")
            if "rel" in r:
                raise EvalDataError(f"{where}: a query with 'of' takes that query's rules; drop 'rel'")
            source = by_id[of]
        rel = source.get("rel")
        if not isinstance(rel, Mapping) or "2" not in rel or not set(rel) <= {"1", "2"}:
            raise EvalDataError(f'{where}: \'rel\' needs a rule for grade "2" (and optionally "1")')
        for rule in rel.values():
            _check_rule(rule, where)
        grades = {int(g): rule for g, rule in rel.items()}
        out.append(JudgedQuery(r["qid"], r["query"].strip(), family, grades, of, str(source.get("why", ""))))
    return out


def catalog_table(catalog: Catalog) -> pd.DataFrame:
    """One row per product: id, and the normalised text of every field rules can name, plus the raw
    attribute values (for `is` and ranges)."""
    rows = []
    for p in catalog.products:
        row: dict[str, Any] = {"id": p.id, "title": p.title, "description": p.description}
        row.update({f"a:{k}": v for k, v in p.attributes.items()})
        rows.append(row)
    table = pd.DataFrame(rows)
    attributes = [c for c in table.columns if c.startswith("a:")]
    for column in ("title", "description", *attributes):
        table[f"n:{column.removeprefix('a:')}"] = table[column].fillna("").map(normalise)
    text = table["title"].fillna("") + " " + table["description"].fillna("")
    for column in attributes:
        text = text + " " + table[column].fillna("").astype(str)
    table["n:text"] = text.map(normalise)
    return table


def _phrase(value: str) -> str:
    return re.escape(normalise(value))


def match(rule: Rule, table: pd.DataFrame) -> np.ndarray:
    """A boolean mask over the table's rows."""
    if "all" in rule:
        return np.logical_and.reduce([match(r, table) for r in rule["all"]])
    if "any" in rule:
        return np.logical_or.reduce([match(r, table) for r in rule["any"]])
    if "not" in rule:
        return ~match(rule["not"], table)
    field = rule["field"]
    column = f"n:{field}"
    if column not in table.columns:
        known = sorted(c[2:] for c in table.columns if c.startswith("n:"))
        raise EvalDataError(f"rule names field {field!r}; the catalog has {known}")
    if "is" in rule:
        wanted = {normalise(v) for v in rule["is"]}
        return table[column].isin(wanted).to_numpy()
    if "has" in rule:
        masks = [table[column].str.contains(_phrase(v), regex=True).to_numpy() for v in rule["has"]]
        return np.logical_and.reduce(masks)
    if "has_any" in rule:
        pattern = "|".join(_phrase(v) for v in rule["has_any"])
        return table[column].str.contains(pattern, regex=True).to_numpy()
    if f"a:{field}" not in table:
        return np.zeros(len(table), dtype=bool)
    numbers = pd.to_numeric(table[f"a:{field}"], errors="coerce")
    mask = numbers.notna().to_numpy()
    if "gte" in rule:
        mask &= (numbers >= float(rule["gte"])).to_numpy()
    if "lte" in rule:
        mask &= (numbers <= float(rule["lte"])).to_numpy()
    return mask


def grades(query: JudgedQuery, table: pd.DataFrame) -> dict[str, int]:
    """product id -> grade (> 0 only)."""
    graded = np.zeros(len(table), dtype=np.int8)
    for grade in sorted(query.rel):
        graded[match(query.rel[grade], table)] = grade
    ids = table["id"].to_numpy()
    return {str(ids[i]): int(graded[i]) for i in np.flatnonzero(graded)}


def judged_qrels(queries: Sequence[JudgedQuery], table: pd.DataFrame) -> Qrels:
    cache: dict[str, dict[str, int]] = {}
    for q in queries:
        if q.base not in cache:
            cache[q.base] = grades(q, table)
    return {q.qid: cache[q.base] for q in queries}


def split_of(query: JudgedQuery, tune_share: float = TUNE_SHARE) -> str:
    """'tune' or 'test', fixed by a hash of the base query's id (a misspelling follows its query)."""
    digest = hashlib.sha256(query.base.encode()).digest()
    return "tune" if int.from_bytes(digest[:8], "big") / 2**64 < tune_share else "test"
