"""Readers and writers for evaluation data: TREC, JSONL, plain CSV, and MODA's H&M files.

Malformed lines are errors naming the file and line: judgements are too few to drop silently.
"""

from __future__ import annotations

import ast
import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from modasearch.eval.data import EvalDataError, Qrels, Queries, Run

MODA_POSITIVE, MODA_NEGATIVE = 2, 1


def content_lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip() and not line.startswith("#"):
                yield number, line


def _grade(value: str, path: Path, line: int) -> int:
    try:
        return int(float(value))
    except ValueError:
        raise EvalDataError(f"{path}:{line}: relevance grade {value!r} is not a number") from None


def _trec_fields(path: Path, layout: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of a whitespace-separated TREC file whose lines follow `layout`."""
    expected = len(layout.split())
    for number, line in content_lines(path):
        fields = line.split()
        if len(fields) != expected:
            kind = "run" if expected == 6 else "qrels"
            raise EvalDataError(
                f"{path}:{number}: a TREC {kind} line has {expected} fields ({layout}), got {len(fields)}"
            )
        yield number, fields


def read_trec_qrels(path: str | Path) -> Qrels:
    """`query_id iteration product_id grade` per line."""
    path = Path(path)
    qrels: Qrels = {}
    for number, fields in _trec_fields(path, "qid 0 docid grade"):
        qrels.setdefault(fields[0], {})[fields[2]] = _grade(fields[3], path, number)
    return qrels


def read_trec_run(path: str | Path) -> Run:
    """`query_id Q0 product_id rank score tag` per line."""
    path = Path(path)
    run: Run = {}
    for number, fields in _trec_fields(path, "qid Q0 docid rank score tag"):
        try:
            run.setdefault(fields[0], {})[fields[2]] = float(fields[4])
        except ValueError:
            raise EvalDataError(f"{path}:{number}: score {fields[4]!r} is not a number") from None
    return run


def _check_ids(data: Qrels | Run) -> None:
    for qid, judged in data.items():
        for name in (qid, *judged):
            if not name or any(c.isspace() for c in name):
                raise EvalDataError(f"id {name!r} is empty or holds whitespace: TREC files cannot store it")


def write_trec_qrels(qrels: Qrels, path: str | Path) -> None:
    _check_ids(qrels)
    with Path(path).open("w", encoding="utf-8") as handle:
        for qid in sorted(qrels):
            for pid, grade in sorted(qrels[qid].items()):
                handle.write(f"{qid} 0 {pid} {grade}\n")


def write_trec_run(run: Run, path: str | Path, tag: str = "modasearch") -> None:
    _check_ids(run)
    with Path(path).open("w", encoding="utf-8") as handle:
        for qid in sorted(run):
            ranked = sorted(run[qid].items(), key=lambda item: (-item[1], item[0]))
            for rank, (pid, score) in enumerate(ranked, start=1):
                handle.write(f"{qid} Q0 {pid} {rank} {score:.6f} {tag}\n")


def jsonl_records(path: Path, *keys: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) of a JSON-lines file whose records all hold `keys`."""
    for number, line in content_lines(path):
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or any(k not in record for k in keys):
                raise KeyError
        except (json.JSONDecodeError, KeyError):
            raise EvalDataError(f"{path}:{number}: expected a JSON object with {', '.join(keys)}") from None
        yield number, record


def read_jsonl_queries(path: str | Path) -> Queries:
    """`{"query_id": ..., "text": ...}` per line."""
    return {str(r["query_id"]): str(r["text"]) for _, r in jsonl_records(Path(path), "query_id", "text")}


def read_jsonl_qrels(path: str | Path) -> Qrels:
    """`{"query_id": ..., "product_id": ..., "grade": ...}` per line (grade 1 when missing)."""
    path = Path(path)
    qrels: Qrels = {}
    for number, record in jsonl_records(path, "query_id", "product_id"):
        grade = _grade(str(record.get("grade", 1)), path, number)
        qrels.setdefault(str(record["query_id"]), {})[str(record["product_id"])] = grade
    return qrels


def write_jsonl_queries(queries: Queries, path: str | Path) -> None:
    with Path(path).open("w", encoding="utf-8") as handle:
        for qid, text in queries.items():
            handle.write(json.dumps({"query_id": qid, "text": text}, ensure_ascii=False) + "\n")


def write_jsonl_qrels(qrels: Qrels, path: str | Path) -> None:
    with Path(path).open("w", encoding="utf-8") as handle:
        for qid, judged in qrels.items():
            for pid, grade in judged.items():
                handle.write(json.dumps({"query_id": qid, "product_id": pid, "grade": grade}) + "\n")


def read_csv_qrels(path: str | Path) -> Qrels:
    """A CSV with the columns query, product_id, grade (a header row is required)."""
    path = Path(path)
    qrels: Qrels = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        needed = {"query", "product_id", "grade"}
        if not needed <= set(reader.fieldnames or []):
            raise EvalDataError(f"{path}: needs the columns {sorted(needed)}, has {reader.fieldnames}")
        for row in reader:
            grade = _grade(row["grade"], path, reader.line_num)
            qrels.setdefault(row["query"].strip(), {})[row["product_id"].strip()] = grade
    return qrels


def _id_list(value: str) -> list[str]:
    """MODA writes id lists either space-separated or as a Python/JSON list literal."""
    value = (value or "").strip()
    if value.startswith("["):
        return [str(v).strip() for v in ast.literal_eval(value)]
    return value.replace(",", " ").split()


def _column(fieldnames: list[str], *candidates: str) -> str:
    for name in candidates:
        if name in fieldnames:
            return name
    raise EvalDataError(f"none of the columns {list(candidates)} found; the file has {fieldnames}")


def read_moda(queries_csv: str | Path, qrels_csv: str | Path) -> tuple[Queries, Qrels]:
    """MODA's H&M search benchmark: positives are grade 2, negatives grade 1 (as MODA scores them)."""
    queries: Queries = {}
    with Path(queries_csv).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        qid_col, text_col = (
            _column(fields, "query_id", "qid", "id"),
            _column(fields, "query_text", "query", "text"),
        )
        for row in reader:
            queries[row[qid_col].strip()] = row[text_col].strip()
    qrels: Qrels = {}
    with Path(qrels_csv).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        qid_col = _column(fields, "query_id", "qid", "id")
        pos_col, neg_col = _column(fields, "positive_ids"), _column(fields, "negative_ids")
        for row in reader:
            judged = qrels.setdefault(row[qid_col].strip(), {})
            try:
                judged.update(dict.fromkeys(_id_list(row[neg_col]), MODA_NEGATIVE))
                judged.update(dict.fromkeys(_id_list(row[pos_col]), MODA_POSITIVE))
            except (ValueError, SyntaxError):
                raise EvalDataError(f"{qrels_csv}:{reader.line_num}: cannot read the id lists") from None
    return queries, qrels
