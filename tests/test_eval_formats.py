"""Evaluation file formats round-trip; malformed lines are errors with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from modasearch.eval import EvalDataError
from modasearch.eval.formats import (
    read_csv_qrels,
    read_jsonl_qrels,
    read_jsonl_queries,
    read_moda,
    read_trec_qrels,
    read_trec_run,
    write_jsonl_qrels,
    write_jsonl_queries,
    write_trec_qrels,
    write_trec_run,
)

QRELS = {"q1": {"0108775015": 2, "0108775044": 1}, "q2": {"0110065001": 2}}


def test_moda_qrels_round_trip_into_the_same_grades(tmp_path: Path) -> None:
    (tmp_path / "queries.csv").write_text('query_id,query_text\nq1,black strap top\nq2,"bra, padded"\n')
    (tmp_path / "qrels.csv").write_text(
        "query_id,positive_ids,negative_ids\nq1,0108775015,0108775044\nq2,\"['0110065001']\",[]\n"
    )
    queries, qrels = read_moda(tmp_path / "queries.csv", tmp_path / "qrels.csv")
    assert queries == {"q1": "black strap top", "q2": "bra, padded"}
    assert qrels == QRELS
    write_trec_qrels(qrels, tmp_path / "qrels.trec")
    assert read_trec_qrels(tmp_path / "qrels.trec") == QRELS
    write_jsonl_qrels(qrels, tmp_path / "qrels.jsonl")
    assert read_jsonl_qrels(tmp_path / "qrels.jsonl") == QRELS
    write_jsonl_queries(queries, tmp_path / "queries.jsonl")
    assert read_jsonl_queries(tmp_path / "queries.jsonl") == queries


def test_moda_space_separated_lists_and_positive_wins(tmp_path: Path) -> None:
    (tmp_path / "queries.csv").write_text("query_id,query_text\n1,jeans\n")
    (tmp_path / "qrels.csv").write_text("query_id,positive_ids,negative_ids\n1,a b,b c\n")
    _, qrels = read_moda(tmp_path / "queries.csv", tmp_path / "qrels.csv")
    assert qrels == {"1": {"a": 2, "b": 2, "c": 1}}


def test_trec_run_round_trip(tmp_path: Path) -> None:
    run = {"q1": {"a": 0.5, "b": 1.5}, "q2": {"c": 0.25}}
    write_trec_run(run, tmp_path / "run.trec")
    lines = (tmp_path / "run.trec").read_text().splitlines()
    assert lines[0] == "q1 Q0 b 1 1.500000 modasearch"
    assert read_trec_run(tmp_path / "run.trec") == run


def test_ids_with_whitespace_are_refused_for_trec(tmp_path: Path) -> None:
    with pytest.raises(EvalDataError, match="holds whitespace"):
        write_trec_qrels({"red dress": {"p1": 1}}, tmp_path / "q.trec")


def test_csv_qrels(tmp_path: Path) -> None:
    (tmp_path / "q.csv").write_text("query,product_id,grade\nred dress,p1,2\nred dress,p2,0\n")
    assert read_csv_qrels(tmp_path / "q.csv") == {"red dress": {"p1": 2, "p2": 0}}


@pytest.mark.parametrize(
    ("name", "content", "reader", "message"),
    [
        ("q.trec", "q1 0 a 1\nq1 0 b\n", read_trec_qrels, "q.trec:2: a TREC qrels line has 4 fields"),
        ("q.trec", "q1 0 a high\n", read_trec_qrels, "q.trec:1: relevance grade 'high'"),
        ("r.trec", "q1 Q0 a 1 x tag\n", read_trec_run, "r.trec:1: score 'x'"),
        ("q.jsonl", '{"query_id": 1, "product_id": 2}\n{oops\n', read_jsonl_qrels, "q.jsonl:2"),
        ("q.csv", "query,doc\n", read_csv_qrels, "needs the columns"),
    ],
)
def test_malformed_files_name_the_line(tmp_path: Path, name: str, content: str, reader, message: str) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / name).write_text(content)
    with pytest.raises(EvalDataError, match=message):
        reader(tmp_path / name)
